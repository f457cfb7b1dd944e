//! The device's photo pipeline: camera or gallery bytes in, an upright, metadata-free JPEG and its
//! thumbnail out, each named by the SHA-256 of its bytes. Pure: no file, no database, no network; the
//! upload queue, the attachment records and encryption at rest call it and store what it returns.
//!
//! Invariants:
//! - The outputs carry no metadata: no EXIF (so no GPS), no XMP, no ICC profile, no comment. A place is
//!   never taken from a photo; the caller records one as a field when the user asks.
//! - The outputs are upright: the EXIF orientation (all 8 values) is applied to the pixels.
//! - Never upscaled; the aspect ratio is kept.
//! - Bad input is an error of its own kind ([`PhotoError`]), never a panic, and memory stays bounded:
//!   see [`limits`].

mod decode;
mod encode;
mod error;
pub mod limits;
mod resize;
mod sniff;

pub use error::{PhotoError, UnsupportedFormat};

/// How the photo is reduced. [`PhotoOptions::default`] suits 2G: 1600 px at quality 80 and a 320 px
/// thumbnail at quality 70.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PhotoOptions {
    /// The longest side of the full image, in pixels; a smaller photo keeps its size.
    pub long_edge: u32,
    /// JPEG quality of the full image, 1–100.
    pub quality: u8,
    /// The longest side of the thumbnail, in pixels, at most `long_edge`.
    pub thumbnail_long_edge: u32,
    /// JPEG quality of the thumbnail, 1–100.
    pub thumbnail_quality: u8,
}

impl Default for PhotoOptions {
    fn default() -> Self {
        PhotoOptions {
            long_edge: 1600,
            quality: 80,
            thumbnail_long_edge: 320,
            thumbnail_quality: 70,
        }
    }
}

/// One encoded JPEG and its name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodedImage {
    /// Lowercase hex SHA-256 of `bytes`: the same photo prepared twice has the same name.
    pub name: String,
    pub width: u32,
    pub height: u32,
    pub bytes: Vec<u8>,
}

/// What [`prepare`] returns: the image to upload and the thumbnail to show in lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreparedPhoto {
    pub full: EncodedImage,
    pub thumbnail: EncodedImage,
}

/// Prepares a photo from the camera or the gallery for storage and upload.
///
/// `bytes` is a JPEG, PNG or WebP file as the platform hands it over. iOS stores camera photos as
/// HEIC, which this function refuses ([`UnsupportedFormat::Heif`]): the iOS app converts them to JPEG
/// with the platform's image APIs first (ImageIO, rendering into sRGB, since the ICC profile is dropped
/// here). Android cameras write JPEG.
///
/// The EXIF orientation is applied, every piece of metadata is dropped, the image is reduced to
/// `options.long_edge` (never enlarged) and encoded as JPEG at `options.quality`, and a thumbnail is
/// made from it. A transparent PNG or WebP is laid on white.
pub fn prepare(bytes: &[u8], options: &PhotoOptions) -> Result<PreparedPhoto, PhotoError> {
    check_options(options)?;
    let format = sniff::format(bytes)?;
    let decoded = decode::decode(bytes, format, options.long_edge)?;
    let reduced = resize::shrink(decoded.pixels, options.long_edge)?;
    let full = decode::upright(reduced, decoded.orientation);
    let thumbnail = resize::shrunk_copy(&full, options.thumbnail_long_edge)?;
    Ok(PreparedPhoto {
        full: encode::jpeg(&full, options.quality)?,
        thumbnail: encode::jpeg(&thumbnail, options.thumbnail_quality)?,
    })
}

fn check_options(options: &PhotoOptions) -> Result<(), PhotoError> {
    let quality_ok = |q: u8| (1..=100).contains(&q);
    let edges_ok = options.thumbnail_long_edge >= 1
        && options.thumbnail_long_edge <= options.long_edge
        && options.long_edge <= limits::MAX_LONG_EDGE;
    if quality_ok(options.quality) && quality_ok(options.thumbnail_quality) && edges_ok {
        Ok(())
    } else {
        Err(PhotoError::InvalidOptions)
    }
}
