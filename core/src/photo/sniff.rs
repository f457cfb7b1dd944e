//! Which format a file is, from its first bytes (never from a file name or a MIME type the platform
//! guessed). Formats the pipeline refuses are named, so the user is told what they chose.

use super::error::{PhotoError, UnsupportedFormat};

/// A format the pipeline decodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Png,
    WebP,
}

/// ISO base media file brands of HEIF still images (what iPhone cameras write).
const HEIF_BRANDS: [&[u8; 4]; 8] = [
    b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1",
];
const AVIF_BRANDS: [&[u8; 4]; 2] = [b"avif", b"avis"];

pub fn format(bytes: &[u8]) -> Result<Format, PhotoError> {
    if bytes.is_empty() {
        return Err(PhotoError::Empty);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(Format::Jpeg);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(Format::Png);
    }
    if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        return Ok(Format::WebP);
    }
    match unsupported(bytes) {
        Some(format) => Err(PhotoError::UnsupportedFormat(format)),
        None => Err(PhotoError::NotAnImage),
    }
}

fn unsupported(bytes: &[u8]) -> Option<UnsupportedFormat> {
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Some(UnsupportedFormat::Gif);
    }
    if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        return Some(UnsupportedFormat::Tiff);
    }
    if bytes.len() >= 14 && bytes.starts_with(b"BM") {
        return Some(UnsupportedFormat::Bmp);
    }
    let brand = bytes
        .get(8..12)
        .filter(|_| bytes.get(4..8) == Some(b"ftyp"))?;
    if HEIF_BRANDS.iter().any(|b| b.as_slice() == brand) {
        Some(UnsupportedFormat::Heif)
    } else if AVIF_BRANDS.iter().any(|b| b.as_slice() == brand) {
        Some(UnsupportedFormat::Avif)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_known_by_its_first_bytes() {
        assert_eq!(format(b"\xFF\xD8\xFF\xE0rest"), Ok(Format::Jpeg));
        assert_eq!(format(b"\x89PNG\r\n\x1a\nrest"), Ok(Format::Png));
        assert_eq!(format(b"RIFF\0\0\0\0WEBPVP8 "), Ok(Format::WebP));
        let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
        assert_eq!(
            format(heic),
            Err(PhotoError::UnsupportedFormat(UnsupportedFormat::Heif))
        );
        let mp4 = b"\0\0\0\x18ftypisom\0\0\0\0isomiso2";
        assert_eq!(format(mp4), Err(PhotoError::NotAnImage));
        assert_eq!(format(b"RIFF\0\0\0\0WAVEfmt "), Err(PhotoError::NotAnImage));
        assert_eq!(format(b"BM"), Err(PhotoError::NotAnImage));
    }
}
