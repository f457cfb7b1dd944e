//! The photo pipeline as the apps will call it: camera and gallery files in, upright metadata-free
//! JPEGs out, and a clear error (never a panic) for anything else. Test images are made here.

use hoso_core::photo::{PhotoError, PhotoOptions, PreparedPhoto, UnsupportedFormat, prepare};
use image::codecs::jpeg::JpegEncoder;
use image::{ImageEncoder, Rgb, RgbImage, Rgba, RgbaImage};
use proptest::prelude::*;
use sha2::{Digest, Sha256};

const RED: Rgb<u8> = Rgb([220, 30, 30]);
const GREY: Rgb<u8> = Rgb([128, 128, 128]);

fn jpeg(image: &RgbImage, quality: u8) -> Vec<u8> {
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(&mut bytes, quality)
        .encode_image(image)
        .expect("encode test JPEG");
    bytes
}

/// `segments` (each a whole marker segment) inserted right after SOI.
fn with_segments(jpeg: &[u8], segments: &[Vec<u8>]) -> Vec<u8> {
    let mut out = jpeg[..2].to_vec();
    for segment in segments {
        out.extend_from_slice(segment);
    }
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let length = u16::try_from(payload.len() + 2).expect("small test segment");
    let mut out = vec![0xFF, marker];
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// An EXIF APP1 segment with an orientation and a GPS position (big-endian TIFF): IFD0 holds the
/// orientation and a pointer to the GPS IFD, which holds a latitude reference and a latitude.
fn exif_segment(orientation: u16) -> Vec<u8> {
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    let entry = |tag: u16, kind: u16, count: u32, value: [u8; 4]| {
        let mut e = tag.to_be_bytes().to_vec();
        e.extend_from_slice(&kind.to_be_bytes());
        e.extend_from_slice(&count.to_be_bytes());
        e.extend_from_slice(&value);
        e
    };
    let ifd0_size = 2 + 2 * 12 + 4;
    let gps_offset = 8 + ifd0_size as u32;
    tiff.extend_from_slice(&2u16.to_be_bytes());
    let [o1, o2] = orientation.to_be_bytes();
    tiff.extend(entry(0x0112, 3, 1, [o1, o2, 0, 0]));
    tiff.extend(entry(0x8825, 4, 1, gps_offset.to_be_bytes()));
    tiff.extend_from_slice(&0u32.to_be_bytes());
    let gps_ifd_size = 2 + 2 * 12 + 4;
    let latitude_offset = gps_offset + gps_ifd_size as u32;
    tiff.extend_from_slice(&2u16.to_be_bytes());
    tiff.extend(entry(0x0001, 2, 2, *b"N\0\0\0"));
    tiff.extend(entry(0x0002, 5, 3, latitude_offset.to_be_bytes()));
    tiff.extend_from_slice(&0u32.to_be_bytes());
    for (numerator, denominator) in [(21u32, 1u32), (1, 1), (4242, 100)] {
        tiff.extend_from_slice(&numerator.to_be_bytes());
        tiff.extend_from_slice(&denominator.to_be_bytes());
    }
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend(tiff);
    segment(0xE1, &payload)
}

fn xmp_segment() -> Vec<u8> {
    segment(
        0xE1,
        b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><exif:GPSLatitude>21,1.42N</exif:GPSLatitude></x:xmpmeta>",
    )
}

fn icc_segment() -> Vec<u8> {
    segment(0xE2, b"ICC_PROFILE\0\x01\x01not a real profile")
}

fn comment_segment() -> Vec<u8> {
    segment(0xFE, b"Nguyen Van A, CCCD 001234567890")
}

/// The markers of a JPEG, in order, walking segment lengths and entropy-coded data.
fn markers(jpeg: &[u8]) -> Vec<u8> {
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8], "starts with SOI");
    let mut found = vec![0xD8];
    let mut at = 2;
    while at + 1 < jpeg.len() {
        assert_eq!(jpeg[at], 0xFF, "a marker at {at}");
        let marker = jpeg[at + 1];
        found.push(marker);
        if marker == 0xD9 {
            break;
        }
        let length = usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
        at += 2 + length;
        if marker == 0xDA {
            while !(jpeg[at] == 0xFF && jpeg[at + 1] != 0 && !(0xD0..=0xD7).contains(&jpeg[at + 1]))
            {
                at += 1;
            }
        }
    }
    found
}

/// No metadata, and one scan holding all three components (see `photo::encode` on why).
fn assert_plain_jpeg(jpeg: &[u8]) {
    let markers = markers(jpeg);
    assert_eq!(markers.last(), Some(&0xD9), "ends with EOI");
    assert_eq!(
        markers.iter().filter(|&&m| m == 0xDA).count(),
        1,
        "one scan"
    );
    let sos = jpeg
        .windows(2)
        .position(|w| w == [0xFF, 0xDA])
        .expect("a scan");
    assert_eq!(jpeg[sos + 4], 3, "the scan interleaves Y, Cb and Cr");
    for marker in &markers {
        assert!(
            !(0xE1..=0xEF).contains(marker) && *marker != 0xFE,
            "metadata segment FF{marker:02X} in the output: {markers:02X?}"
        );
    }
    for needle in [
        &b"Exif"[..],
        b"ns.adobe.com",
        b"ICC_PROFILE",
        b"CCCD",
        b"GPS",
    ] {
        assert!(
            !jpeg.windows(needle.len()).any(|w| w == needle),
            "{:?} found in the output",
            String::from_utf8_lossy(needle)
        );
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn prepared(bytes: &[u8], options: &PhotoOptions) -> PreparedPhoto {
    match prepare(bytes, options) {
        Ok(photo) => photo,
        Err(error) => panic!("prepare failed: {error}"),
    }
}

fn decode(jpeg: &[u8]) -> RgbImage {
    image::load_from_memory(jpeg)
        .expect("the output decodes")
        .into_rgb8()
}

fn is_red(pixel: &Rgb<u8>) -> bool {
    pixel[0] > 160 && pixel[1] < 90 && pixel[2] < 90
}

fn is_grey(pixel: &Rgb<u8>) -> bool {
    pixel.0.iter().all(|&c| (100..=156).contains(&c))
}

/// What the camera stored for a landscape scene `width` × `height` whose top-left corner is red, when
/// it wrote EXIF `orientation`: where the scene's top-left lands follows from the EXIF definition of
/// where the stored 0th row and 0th column are in the scene.
fn stored_scene(width: u32, height: u32, orientation: u16) -> RgbImage {
    let transposed = orientation >= 5;
    let (stored_width, stored_height) = if transposed {
        (height, width)
    } else {
        (width, height)
    };
    // (last row?, last column?) of the stored image holding the scene's top-left corner.
    let (bottom, right) = match orientation {
        1 | 5 => (false, false),
        2 | 8 => (false, true),
        3 | 7 => (true, true),
        4 | 6 => (true, false),
        _ => unreachable!("EXIF orientations are 1 to 8"),
    };
    let marker = stored_width.min(stored_height) / 4;
    RgbImage::from_fn(stored_width, stored_height, |x, y| {
        let in_x = if right {
            x >= stored_width - marker
        } else {
            x < marker
        };
        let in_y = if bottom {
            y >= stored_height - marker
        } else {
            y < marker
        };
        if in_x && in_y { RED } else { GREY }
    })
}

fn assert_upright(photo: &PreparedPhoto, width: u32, height: u32, orientation: u16) {
    assert_eq!(
        (photo.full.width, photo.full.height),
        (width, height),
        "orientation {orientation}: landscape size"
    );
    let image = decode(&photo.full.bytes);
    assert_eq!(image.dimensions(), (width, height));
    let inset = width.min(height) / 16;
    let (right, bottom) = (width - 1 - inset, height - 1 - inset);
    assert!(
        is_red(image.get_pixel(inset, inset)),
        "orientation {orientation}: top-left is {:?}",
        image.get_pixel(inset, inset)
    );
    for (x, y) in [(right, inset), (inset, bottom), (right, bottom)] {
        assert!(
            is_grey(image.get_pixel(x, y)),
            "orientation {orientation}: corner ({x}, {y}) is {:?}",
            image.get_pixel(x, y)
        );
    }
    let thumbnail = decode(&photo.thumbnail.bytes);
    assert!(
        is_red(thumbnail.get_pixel(1, 1)),
        "orientation {orientation}: thumbnail"
    );
}

#[test]
fn every_exif_orientation_comes_out_upright() {
    for orientation in 1..=8 {
        let stored = jpeg(&stored_scene(96, 64, orientation), 95);
        let photo = prepared(
            &with_segments(&stored, &[exif_segment(orientation)]),
            &PhotoOptions::default(),
        );
        assert_upright(&photo, 96, 64, orientation);
    }
}

#[test]
fn orientation_is_applied_when_the_jpeg_is_decoded_at_a_reduced_size() {
    let options = PhotoOptions {
        long_edge: 120,
        thumbnail_long_edge: 40,
        ..PhotoOptions::default()
    };
    for orientation in 1..=8 {
        let stored = jpeg(&stored_scene(480, 320, orientation), 95);
        let photo = prepared(
            &with_segments(&stored, &[exif_segment(orientation)]),
            &options,
        );
        assert_upright(&photo, 120, 80, orientation);
        assert_eq!((photo.thumbnail.width, photo.thumbnail.height), (40, 27));
    }
}

#[test]
fn no_metadata_survives_in_either_output() {
    let stored = jpeg(&stored_scene(96, 64, 6), 90);
    let input = with_segments(
        &stored,
        &[
            exif_segment(6),
            xmp_segment(),
            icc_segment(),
            comment_segment(),
        ],
    );
    assert!(markers(&input).contains(&0xE1), "the input does carry EXIF");
    let photo = prepared(&input, &PhotoOptions::default());
    assert_plain_jpeg(&photo.full.bytes);
    assert_plain_jpeg(&photo.thumbnail.bytes);
    assert_upright(&photo, 96, 64, 6);
}

/// A photo-like landscape: gradients, edges and some texture.
fn scene(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        let stripe = if (x / 37 + y / 23) % 2 == 0 { 40 } else { 0 };
        let texture = ((x * 7919 + y * 104_729) % 31) as u8;
        Rgb([
            (x * 200 / width) as u8 + stripe,
            (y * 200 / height) as u8 + texture,
            120 + texture,
        ])
    })
}

#[test]
fn a_large_photo_is_reduced_to_the_long_edge_keeping_its_aspect_ratio() {
    let options = PhotoOptions {
        long_edge: 500,
        ..PhotoOptions::default()
    };
    for (width, height) in [(1200, 900), (900, 1200), (1300, 500)] {
        let photo = prepared(&jpeg(&scene(width, height), 90), &options);
        for (output, long_edge) in [(&photo.full, 500), (&photo.thumbnail, 320)] {
            assert_eq!(output.width.max(output.height), long_edge);
            let ratio_in = f64::from(width) / f64::from(height);
            let ratio_out = f64::from(output.width) / f64::from(output.height);
            assert!(
                (ratio_in - ratio_out).abs() / ratio_in < 0.01,
                "{width}x{height} became {}x{}",
                output.width,
                output.height
            );
            assert_eq!(
                decode(&output.bytes).dimensions(),
                (output.width, output.height)
            );
        }
    }
}

#[test]
fn a_small_photo_is_never_enlarged() {
    let photo = prepared(&jpeg(&scene(200, 120), 90), &PhotoOptions::default());
    assert_eq!((photo.full.width, photo.full.height), (200, 120));
    assert_eq!((photo.thumbnail.width, photo.thumbnail.height), (200, 120));
}

#[test]
fn each_output_is_named_by_the_sha256_of_its_bytes() {
    let input = jpeg(&scene(800, 600), 90);
    let photo = prepared(&input, &PhotoOptions::default());
    assert_eq!(photo.full.name, sha256_hex(&photo.full.bytes));
    assert_eq!(photo.thumbnail.name, sha256_hex(&photo.thumbnail.bytes));
    assert_ne!(photo.full.name, photo.thumbnail.name);
    assert_eq!(photo.full.name.len(), 64);
    assert_eq!(
        prepared(&input, &PhotoOptions::default()),
        photo,
        "same input, same outputs"
    );
}

#[test]
fn png_and_webp_files_are_accepted_and_transparency_becomes_white() {
    let mut rgba = RgbaImage::from_pixel(120, 80, Rgba([0, 0, 0, 0]));
    for y in 0..20 {
        for x in 0..20 {
            rgba.put_pixel(x, y, Rgba([220, 30, 30, 255]));
        }
    }
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(rgba.as_raw(), 120, 80, image::ExtendedColorType::Rgba8)
        .expect("encode test PNG");
    let mut webp = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut webp)
        .write_image(rgba.as_raw(), 120, 80, image::ExtendedColorType::Rgba8)
        .expect("encode test WebP");
    for (format, bytes) in [("PNG", png), ("WebP", webp)] {
        let photo = prepared(&bytes, &PhotoOptions::default());
        assert_eq!((photo.full.width, photo.full.height), (120, 80), "{format}");
        let image = decode(&photo.full.bytes);
        assert!(
            is_red(image.get_pixel(5, 5)),
            "{format}: the opaque part is kept"
        );
        let background = image.get_pixel(100, 60);
        assert!(
            background.0.iter().all(|&c| c > 240),
            "{format}: {background:?}"
        );
        assert_plain_jpeg(&photo.full.bytes);
    }
}

/// A valid JPEG whose frame header claims 20,000 × 20,000 pixels (1.2 GB decoded).
fn jpeg_bomb() -> Vec<u8> {
    let mut bytes = jpeg(&scene(64, 64), 80);
    let sof = bytes
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("a baseline frame header");
    bytes[sof + 5..sof + 7].copy_from_slice(&20_000u16.to_be_bytes());
    bytes[sof + 7..sof + 9].copy_from_slice(&20_000u16.to_be_bytes());
    bytes
}

/// A valid PNG whose header claims 20,000 × 20,000 pixels, with its checksum recomputed.
fn png_bomb() -> Vec<u8> {
    let mut bytes = Vec::new();
    image::codecs::png::PngEncoder::new(&mut bytes)
        .write_image(&[0; 64 * 64 * 3], 64, 64, image::ExtendedColorType::Rgb8)
        .expect("encode test PNG");
    // Signature (8), length (4), "IHDR" (4), then width and height.
    bytes[16..20].copy_from_slice(&20_000u32.to_be_bytes());
    bytes[20..24].copy_from_slice(&20_000u32.to_be_bytes());
    let crc = crc32(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    bytes
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn each_bad_input_gets_its_own_error() {
    let valid = jpeg(&scene(400, 300), 90);
    let truncated = &valid[..valid.len() / 2];
    let gif = b"GIF89a\x01\0\x01\0\x80\0\0\0\0\0\xff\xff\xff!\xf9\x04\x01\0\0\0\0,\0\0\0\0\x01\0\x01\0\0\x02\x02D\x01\0;";
    let bmp = b"BM\x3a\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0\x01\0\0\0\x01\0\0\0\x01\0\x18\0\0\0\0\0\x04\0\0\0";
    let tiff = b"II*\0\x08\0\0\0\0\0";
    let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic\0\0\0\x08free";
    let random: Vec<u8> = (0u32..4096)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let too_large = PhotoError::TooLarge {
        width: 20_000,
        height: 20_000,
    };
    let cases: [(&str, &[u8], PhotoError); 9] = [
        ("empty", &[], PhotoError::Empty),
        ("JPEG bomb", &jpeg_bomb(), too_large.clone()),
        ("PNG bomb", &png_bomb(), too_large),
        ("truncated JPEG", truncated, PhotoError::Truncated),
        (
            "GIF",
            gif,
            PhotoError::UnsupportedFormat(UnsupportedFormat::Gif),
        ),
        (
            "BMP",
            bmp,
            PhotoError::UnsupportedFormat(UnsupportedFormat::Bmp),
        ),
        (
            "TIFF",
            tiff,
            PhotoError::UnsupportedFormat(UnsupportedFormat::Tiff),
        ),
        (
            "HEIC",
            heic,
            PhotoError::UnsupportedFormat(UnsupportedFormat::Heif),
        ),
        ("random bytes", &random, PhotoError::NotAnImage),
    ];
    let mut messages = Vec::new();
    for (name, bytes, expected) in cases {
        let error = prepare(bytes, &PhotoOptions::default()).expect_err(name);
        assert_eq!(error, expected, "{name}");
        let message = error.message();
        assert!(!message.vi.is_empty() && !message.en.is_empty(), "{name}");
        assert_ne!(
            message.vi, message.en,
            "{name}: Vietnamese first, not English twice"
        );
        messages.push(message);
    }
    let kinds = [0, 1, 3, 4, 7, 8].map(|i| &messages[i]);
    for (i, a) in kinds.iter().enumerate() {
        for b in &kinds[i + 1..] {
            assert_ne!(a, b, "each kind of error says something different");
        }
    }
}

#[test]
fn a_truncated_png_is_reported_as_cut_short() {
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(
            scene(300, 200).as_raw(),
            300,
            200,
            image::ExtendedColorType::Rgb8,
        )
        .expect("encode test PNG");
    let error = prepare(&png[..png.len() / 2], &PhotoOptions::default()).expect_err("cut");
    assert_eq!(error, PhotoError::Truncated);
}

#[test]
fn out_of_range_options_are_refused() {
    let input = jpeg(&scene(64, 48), 90);
    let defaults = PhotoOptions::default();
    for options in [
        PhotoOptions {
            quality: 0,
            ..defaults
        },
        PhotoOptions {
            quality: 101,
            ..defaults
        },
        PhotoOptions {
            thumbnail_quality: 0,
            ..defaults
        },
        PhotoOptions {
            thumbnail_long_edge: 0,
            ..defaults
        },
        PhotoOptions {
            thumbnail_long_edge: 2000,
            ..defaults
        },
        PhotoOptions {
            long_edge: 100_000,
            thumbnail_long_edge: 320,
            ..defaults
        },
    ] {
        assert_eq!(
            prepare(&input, &options),
            Err(PhotoError::InvalidOptions),
            "{options:?}"
        );
    }
}

fn small_valid_jpeg() -> Vec<u8> {
    with_segments(&jpeg(&scene(160, 120), 85), &[exif_segment(6)])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = prepare(&bytes, &PhotoOptions::default());
    }

    #[test]
    fn random_bytes_behind_an_image_signature_never_panic(
        signature in prop::sample::select(vec![
            &b"\xFF\xD8\xFF"[..], b"\xFF\xD8\xFF\xE1", b"\x89PNG\r\n\x1a\n", b"RIFF\0\0\0\0WEBPVP8 ",
        ]),
        tail in prop::collection::vec(any::<u8>(), 0..2048),
    ) {
        let bytes = [signature, &tail].concat();
        prop_assert!(prepare(&bytes, &PhotoOptions::default()).is_err());
    }

    #[test]
    fn every_truncation_of_a_jpeg_is_an_error_not_a_panic(cut in 0usize..10_000) {
        let valid = small_valid_jpeg();
        let cut = cut % valid.len();
        let error = prepare(&valid[..cut], &PhotoOptions::default());
        prop_assert!(error.is_err(), "cut at {} of {}", cut, valid.len());
    }

    #[test]
    fn corrupted_bytes_in_a_jpeg_never_panic(
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16),
    ) {
        let mut bytes = small_valid_jpeg();
        for (index, value) in edits {
            let at = index.index(bytes.len());
            bytes[at] = value;
        }
        let _ = prepare(&bytes, &PhotoOptions::default());
    }
}
