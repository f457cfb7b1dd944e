//! How much a photo may cost to decode. Every check runs on the header, before any pixel is
//! decoded, so a decompression bomb (a small file that claims a huge image) costs nothing.
//!
//! The bound: a decoder holds at most [`MAX_DECODED_BYTES`] of pixels (for a progressive JPEG, of
//! coefficients). A baseline camera JPEG is decoded at 1/2, 1/4 or 1/8 of its size (DCT scaling), to
//! no less than the requested long edge, so a 12 MP photo holds ~9 MB and a 200 MP one no more. Beside
//! the decoded image come the resizer's intermediate rows (never more than the decoded image), the
//! reduced image and the thumbnail (each ≤ `MAX_LONG_EDGE`² × 3 bytes) and the encoders' buffers:
//! one call stays under 2 × `MAX_DECODED_BYTES` (computed). Measured peak heap (BENCHMARKS.md,
//! default options): 21 MiB for a 12 MP or a 48 MP camera JPEG, 153 MiB for an RGBA PNG just under
//! the limit.

/// Widest or tallest image accepted, in pixels: larger than any phone camera (a 200 MP sensor writes
/// 16,320 × 12,240) and than WebP's own limit.
pub const MAX_SIDE: u32 = 16_384;

/// Most bytes a decoder may hold for one image: a 32 MP RGBA PNG, a 44 MP RGB one, a 22 MP
/// progressive JPEG.
pub const MAX_DECODED_BYTES: u64 = 128 * 1024 * 1024;

/// Largest `PhotoOptions::long_edge` accepted.
pub const MAX_LONG_EDGE: u32 = 4096;

/// Whether an image of this size, needing `decoded_bytes` in its decoder, may be decoded.
pub(super) fn allows(width: u32, height: u32, decoded_bytes: u64) -> bool {
    width <= MAX_SIDE && height <= MAX_SIDE && decoded_bytes <= MAX_DECODED_BYTES
}

/// The same limits in the form the `image` crate's decoders enforce while they read.
pub(super) fn for_image_crate() -> image::Limits {
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    limits
}
