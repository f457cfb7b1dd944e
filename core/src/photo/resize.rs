//! Reducing an image to a long edge, keeping its aspect ratio, never enlarging it. Lanczos3 through
//! `fast_image_resize` (SIMD on x86 and on the phones' NEON).

use super::error::PhotoError;
use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::RgbImage;

/// The size of an image of `(width, height)` reduced to `long_edge` on its longest side; the same
/// size when it already fits. Neither side is ever 0.
pub fn fit((width, height): (u32, u32), long_edge: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= long_edge {
        return (width, height);
    }
    let scaled = |side: u32| {
        let exact =
            (u64::from(side) * u64::from(long_edge) + u64::from(long) / 2) / u64::from(long);
        u32::try_from(exact)
            .unwrap_or(long_edge)
            .clamp(1, long_edge)
    };
    (scaled(width), scaled(height))
}

/// `image` reduced to `long_edge`, or `image` itself when it already fits.
pub fn shrink(image: RgbImage, long_edge: u32) -> Result<RgbImage, PhotoError> {
    let size = fit(image.dimensions(), long_edge);
    if size == image.dimensions() {
        Ok(image)
    } else {
        resized(&image, size)
    }
}

/// A copy of `image` reduced to `long_edge`.
pub fn shrunk_copy(image: &RgbImage, long_edge: u32) -> Result<RgbImage, PhotoError> {
    let size = fit(image.dimensions(), long_edge);
    if size == image.dimensions() {
        Ok(image.clone())
    } else {
        resized(image, size)
    }
}

fn resized(image: &RgbImage, (width, height): (u32, u32)) -> Result<RgbImage, PhotoError> {
    let internal = |error: &dyn std::fmt::Display| PhotoError::Internal {
        detail: format!("resize: {error}"),
    };
    let source = ImageRef::new(
        image.width(),
        image.height(),
        image.as_raw(),
        PixelType::U8x3,
    )
    .map_err(|e| internal(&e))?;
    let mut target = Image::new(width, height, PixelType::U8x3);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    Resizer::new()
        .resize(&source, &mut target, &options)
        .map_err(|e| internal(&e))?;
    RgbImage::from_raw(width, height, target.into_vec())
        .ok_or_else(|| internal(&"the resizer returned fewer pixels than asked"))
}

#[cfg(test)]
mod tests {
    use super::fit;

    #[test]
    fn the_long_edge_is_met_and_no_side_vanishes() {
        assert_eq!(fit((4000, 3000), 1600), (1600, 1200));
        assert_eq!(fit((3000, 4000), 1600), (1200, 1600));
        assert_eq!(fit((4032, 3024), 320), (320, 240));
        assert_eq!(fit((16_000, 3), 1600), (1600, 1));
        assert_eq!(fit((800, 600), 1600), (800, 600), "never enlarged");
    }
}
