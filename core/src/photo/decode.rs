//! Bytes to RGB pixels and the EXIF orientation, within [`super::limits`]. Camera JPEGs take the fast
//! path: `jpeg-decoder` decodes them at 1/2, 1/4 or 1/8 of their size in the DCT domain, never below
//! the size asked for (`image`'s own JPEG decoder, zune-jpeg, always decodes the full size). PNG, WebP
//! and the JPEGs that path does not take (CMYK, 12-bit, lossless, arithmetic coding) go through the
//! `image` crate. Metadata is read only for the orientation and goes no further.

use super::error::PhotoError;
use super::limits;
use super::resize;
use super::sniff::Format;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageReader, RgbImage, RgbaImage};
use jpeg_decoder::{CodingProcess, PixelFormat};
use std::io::{Cursor, ErrorKind};

pub struct Decoded {
    pub pixels: RgbImage,
    pub orientation: Orientation,
}

/// Decodes `bytes`, at no less than `long_edge` on the longest side when the format allows a cheaper
/// reduced decode.
pub fn decode(bytes: &[u8], format: Format, long_edge: u32) -> Result<Decoded, PhotoError> {
    match format {
        Format::Jpeg => match decode_jpeg_scaled(bytes, long_edge)? {
            Some(decoded) => Ok(decoded),
            None => decode_with_image_crate(bytes, image::ImageFormat::Jpeg),
        },
        Format::Png => decode_with_image_crate(bytes, image::ImageFormat::Png),
        Format::WebP => decode_with_image_crate(bytes, image::ImageFormat::WebP),
    }
}

/// Turns the pixels the way the EXIF orientation says, so the image is upright without metadata.
pub fn upright(pixels: RgbImage, orientation: Orientation) -> RgbImage {
    let mut image = DynamicImage::ImageRgb8(pixels);
    image.apply_orientation(orientation);
    image.into_rgb8()
}

/// The fast path, or `None` when this JPEG needs the general decoder.
fn decode_jpeg_scaled(bytes: &[u8], long_edge: u32) -> Result<Option<Decoded>, PhotoError> {
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    match decoder.read_info() {
        Ok(()) => {}
        Err(jpeg_decoder::Error::Unsupported(_)) => return Ok(None),
        Err(error) => return Err(jpeg_error(error)),
    }
    let Some(info) = decoder.info() else {
        return Err(damaged("no frame header"));
    };
    let channels: u64 = match info.pixel_format {
        PixelFormat::RGB24 => 3,
        PixelFormat::L8 => 1,
        PixelFormat::L16 | PixelFormat::CMYK32 => return Ok(None),
    };
    if info.coding_process == CodingProcess::Lossless {
        return Ok(None);
    }
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    check_size(width, height, 0)?;
    if info.coding_process == CodingProcess::DctProgressive {
        // Progressive scans keep every coefficient of the full image: 2 bytes a sample.
        check_size(width, height, pixels(width, height) * channels * 2)?;
    }
    let (target_width, target_height) = resize::fit((width, height), long_edge);
    let (scaled_width, scaled_height) = decoder
        .scale(clamp_u16(target_width), clamp_u16(target_height))
        .map_err(jpeg_error)?;
    let (scaled_width, scaled_height) = (u32::from(scaled_width), u32::from(scaled_height));
    let decoded_bytes = pixels(scaled_width, scaled_height) * channels;
    check_size(width, height, decoded_bytes)?;
    decoder.set_max_decoding_buffer_size(usize::try_from(decoded_bytes).unwrap_or(usize::MAX));
    let samples = match decoder.decode() {
        Ok(samples) => samples,
        Err(jpeg_decoder::Error::Unsupported(_)) => return Ok(None),
        Err(error) => return Err(jpeg_error(error)),
    };
    let orientation = decoder
        .exif_data()
        .and_then(Orientation::from_exif_chunk)
        .unwrap_or(Orientation::NoTransforms);
    let rgb = if channels == 1 {
        samples.iter().flat_map(|&luma| [luma; 3]).collect()
    } else {
        samples
    };
    let pixels = RgbImage::from_raw(scaled_width, scaled_height, rgb)
        .ok_or_else(|| damaged("fewer samples than the header announced"))?;
    Ok(Some(Decoded {
        pixels,
        orientation,
    }))
}

fn decode_with_image_crate(
    bytes: &[u8],
    format: image::ImageFormat,
) -> Result<Decoded, PhotoError> {
    let reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut decoder = reader.into_decoder().map_err(header_error)?;
    let (width, height) = decoder.dimensions();
    check_size(width, height, decoder.total_bytes())?;
    let too_large = |error| pixel_error(error, width, height);
    decoder
        .set_limits(limits::for_image_crate())
        .map_err(too_large)?;
    let orientation = decoder.orientation().map_err(too_large)?;
    let image = DynamicImage::from_decoder(decoder).map_err(too_large)?;
    Ok(Decoded {
        pixels: flatten(image),
        orientation,
    })
}

/// RGB pixels, with a transparent image laid on white (as a document shows on paper). RGBA is
/// turned into RGB in its own buffer, so the largest image allowed is never held twice.
fn flatten(image: DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.into_rgb8();
    }
    let rgba: RgbaImage = image.into_rgba8();
    let (width, height) = rgba.dimensions();
    let mut samples = rgba.into_raw();
    let pixel_count = samples.len() / 4;
    for pixel in 0..pixel_count {
        let alpha = u32::from(samples[4 * pixel + 3]);
        for channel in 0..3 {
            let value = u32::from(samples[4 * pixel + channel]);
            let on_white = (value * alpha + 255 * (255 - alpha) + 127) / 255;
            // Never above 255: a weighted mean of `value` and 255.
            samples[3 * pixel + channel] = u8::try_from(on_white).unwrap_or(u8::MAX);
        }
    }
    samples.truncate(pixel_count * 3);
    RgbImage::from_raw(width, height, samples)
        .expect("three samples for each pixel of an image of the same size")
}

fn check_size(width: u32, height: u32, decoded_bytes: u64) -> Result<(), PhotoError> {
    if width == 0 || height == 0 {
        return Err(damaged("the header gives a zero size"));
    }
    if limits::allows(width, height, decoded_bytes) {
        Ok(())
    } else {
        Err(PhotoError::TooLarge { width, height })
    }
}

fn pixels(width: u32, height: u32) -> u64 {
    u64::from(width) * u64::from(height)
}

fn clamp_u16(value: u32) -> u16 {
    u16::try_from(value).unwrap_or(u16::MAX)
}

fn damaged(detail: &str) -> PhotoError {
    PhotoError::Damaged {
        detail: detail.to_owned(),
    }
}

fn jpeg_error(error: jpeg_decoder::Error) -> PhotoError {
    match error {
        jpeg_decoder::Error::Io(io) if io.kind() == ErrorKind::UnexpectedEof => {
            PhotoError::Truncated
        }
        other => damaged(&other.to_string()),
    }
}

/// An error before the size is known: a limit hit there is a header asking for absurd memory.
fn header_error(error: ImageError) -> PhotoError {
    match error {
        ImageError::IoError(io) if io.kind() == ErrorKind::UnexpectedEof => PhotoError::Truncated,
        other => damaged(&other.to_string()),
    }
}

fn pixel_error(error: ImageError, width: u32, height: u32) -> PhotoError {
    match error {
        ImageError::Limits(_) => PhotoError::TooLarge { width, height },
        other => header_error(other),
    }
}
