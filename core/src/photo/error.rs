//! Why a photo could not be prepared: one kind per cause, each with a message for the user in
//! Vietnamese and English. No message carries anything from inside the photo.

use hoso_model::i18n::Localized;

/// A format recognised by its first bytes that the pipeline does not decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnsupportedFormat {
    Gif,
    Bmp,
    Tiff,
    /// HEIC/HEIF, what iPhone cameras write: the iOS app converts it to JPEG first.
    Heif,
    Avif,
}

impl UnsupportedFormat {
    pub fn name(self) -> &'static str {
        match self {
            UnsupportedFormat::Gif => "GIF",
            UnsupportedFormat::Bmp => "BMP",
            UnsupportedFormat::Tiff => "TIFF",
            UnsupportedFormat::Heif => "HEIC/HEIF",
            UnsupportedFormat::Avif => "AVIF",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is not a JPEG, PNG or WebP image")]
    NotAnImage,
    #[error("{} images are not supported", .0.name())]
    UnsupportedFormat(UnsupportedFormat),
    /// Larger than [`super::limits`] allow: refused from the header, before any pixel is decoded.
    #[error("the image is too large to decode: {width} x {height} px")]
    TooLarge { width: u32, height: u32 },
    #[error("the image file is cut short")]
    Truncated,
    #[error("the image file is damaged: {detail}")]
    Damaged { detail: String },
    #[error("the photo options are out of range")]
    InvalidOptions,
    /// A step that cannot fail on pixels this module made (resizing, encoding) failed anyway.
    #[error("internal: {detail}")]
    Internal { detail: String },
}

impl PhotoError {
    /// What the user is told.
    pub fn message(&self) -> Localized {
        match self {
            PhotoError::Empty => Localized::new(
                "Tệp ảnh trống. Hãy chụp hoặc chọn lại ảnh.",
                "The image file is empty. Take or choose the photo again.",
            ),
            PhotoError::NotAnImage => Localized::new(
                "Tệp này không phải là ảnh JPEG, PNG hay WebP.",
                "This file is not a JPEG, PNG or WebP image.",
            ),
            PhotoError::UnsupportedFormat(format) => Localized::new(
                format!(
                    "Chưa hỗ trợ ảnh định dạng {}. Hãy chọn ảnh JPEG, PNG hoặc WebP.",
                    format.name()
                ),
                format!(
                    "{} images are not supported. Choose a JPEG, PNG or WebP image.",
                    format.name()
                ),
            ),
            PhotoError::TooLarge { width, height } => Localized::new(
                format!(
                    "Ảnh quá lớn để xử lý trên máy ({width} × {height} điểm ảnh). \
                     Hãy chụp lại ở độ phân giải thấp hơn."
                ),
                format!(
                    "The image is too large to process on this device ({width} × {height} pixels). \
                     Take it again at a lower resolution."
                ),
            ),
            PhotoError::Truncated => Localized::new(
                "Tệp ảnh bị thiếu phần cuối (có thể chưa lưu hoặc chép xong). \
                 Hãy chụp hoặc chọn lại ảnh.",
                "The image file is cut short (it may not have finished saving or copying). \
                 Take or choose the photo again.",
            ),
            PhotoError::Damaged { .. } => Localized::new(
                "Tệp ảnh bị hỏng, không đọc được. Hãy chụp hoặc chọn lại ảnh.",
                "The image file is damaged and cannot be read. Take or choose the photo again.",
            ),
            PhotoError::InvalidOptions => Localized::new(
                "Cấu hình xử lý ảnh không hợp lệ.",
                "The photo settings are not valid.",
            ),
            PhotoError::Internal { .. } => Localized::new(
                "Không xử lý được ảnh. Hãy thử lại.",
                "The photo could not be processed. Try again.",
            ),
        }
    }
}
