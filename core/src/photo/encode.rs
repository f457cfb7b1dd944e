//! Pixels to a baseline JPEG with nothing but the image in it (a JFIF header, no EXIF, XMP, ICC
//! profile or comment), named by the SHA-256 of its bytes.
//!
//! Its one scan interleaves the three components, the form every decoder reads. `jpeg-encoder`'s
//! optimal Huffman tables would save ~7 % of the bytes, but it writes them as one scan per component,
//! which zune-jpeg 0.5.15 (the `image` crate's JPEG decoder) silently decodes to green garbage
//! (zune-image issues #419, #422, #448): a photo that is there but shows wrong is not worth 20 KB.

use super::EncodedImage;
use super::error::PhotoError;
use image::RgbImage;
use jpeg_encoder::{ChromaSubsamplingMethod, ColorType, Encoder};
use sha2::{Digest, Sha256};
use std::fmt::Write;

pub fn jpeg(image: &RgbImage, quality: u8) -> Result<EncodedImage, PhotoError> {
    let (width, height) = image.dimensions();
    let (Ok(encoded_width), Ok(encoded_height)) = (u16::try_from(width), u16::try_from(height))
    else {
        return Err(internal(format!("{width} x {height} px is beyond JPEG")));
    };
    let mut bytes = Vec::new();
    let mut encoder = Encoder::new(&mut bytes, quality);
    encoder.set_chroma_subsampling_method(ChromaSubsamplingMethod::Average);
    encoder
        .encode(
            image.as_raw(),
            encoded_width,
            encoded_height,
            ColorType::Rgb,
        )
        .map_err(|error| internal(error.to_string()))?;
    Ok(EncodedImage {
        name: sha256_hex(&bytes),
        width,
        height,
        bytes,
    })
}

fn internal(detail: String) -> PhotoError {
    PhotoError::Internal {
        detail: format!("jpeg encoder: {detail}"),
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}
