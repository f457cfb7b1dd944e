//! Photo images on the server: the blob store behind the [`BlobStore`] trait, and the resumable upload
//! that fills it. Records never live here (they sync through `storage`); a photo record names its image
//! by SHA-256 (`hoso_model::schema::photo_fields::BLOB`), and that name is the image's key here, so the
//! same image uploaded twice is stored once.
//!
//! - [`location`]: where blobs live — a folder of the data folder by default, S3-compatible object
//!   storage by configuration (`--blob-store` or `HOSO_BLOB_STORE`);
//! - [`object`]: [`BlobStore`] over any `object_store` backend, every object sealed with a key derived
//!   from the server's key (`hoso_sqlite::sealed`), so neither the disk nor the object store's operator
//!   sees a photo;
//! - [`upload`]: the chunk protocol — what a chunk at an offset means against what is held, and the
//!   whole image checked against its name before it is kept;
//! - [`copy`]: every image copied from one store to another (`hoso-server migrate`).
//!
//! Invariants: a blob is stored only whole and only if its bytes hash to its name; staged chunks are
//! each checked against their own hash before they are kept; nothing here decides who may read or write
//! a photo (the storage's `photo_blob` answers that from the photo's record, exactly as for its fields).

pub mod copy;
pub mod location;
pub mod object;
pub mod upload;

use async_trait::async_trait;
use hoso_model::i18n::Localized;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// The name of a blob: the lowercase hex SHA-256 of its bytes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlobName(String);

impl BlobName {
    /// Accepts exactly 64 lowercase hexadecimal characters.
    pub fn parse(text: &str) -> Option<BlobName> {
        let hex = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
        (text.len() == 64 && text.bytes().all(hex)).then(|| BlobName(text.to_string()))
    }

    /// The name of these bytes.
    pub fn of(bytes: &[u8]) -> BlobName {
        BlobName(sha256_hex(bytes))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    /// The object store did not answer or refused (a network, permission or disk fault).
    #[error("object store: {0}")]
    Store(#[from] object_store::Error),
    /// A stored object does not open or does not match its name (damaged or tampered with).
    #[error("damaged blob: {0}")]
    Damaged(String),
}

pub type BlobResult<T> = Result<T, BlobError>;

/// Where photo images are kept: whole blobs by name, and the chunks of uploads in progress. Every
/// method takes and returns plain bytes; how they are laid out and sealed is the implementation's
/// business. A store for `migrate` to copy into is just another `BlobStore`.
#[async_trait]
pub trait BlobStore: Send + Sync {
    /// A short description for the start-up banner and logs (never a credential).
    fn describe(&self) -> String;
    async fn contains(&self, name: &BlobName) -> BlobResult<bool>;
    /// The whole blob, checked against its name; `None` if it is not stored.
    async fn read(&self, name: &BlobName) -> BlobResult<Option<Vec<u8>>>;
    /// Keeps a whole blob. The caller has checked that `bytes` hash to `name`.
    async fn write(&self, name: &BlobName, bytes: &[u8]) -> BlobResult<()>;
    /// Every blob stored, for copying to another store.
    async fn names(&self) -> BlobResult<Vec<BlobName>>;
    /// The chunks of the upload of `name` held so far, as (offset, length), in no particular order.
    async fn staged_chunks(&self, name: &BlobName) -> BlobResult<Vec<(u64, u64)>>;
    /// Keeps one chunk of the upload of `name`, starting at `offset`.
    async fn stage(&self, name: &BlobName, offset: u64, chunk: &[u8]) -> BlobResult<()>;
    /// The upload's bytes held from the start, in order, up to the first gap.
    async fn read_staged(&self, name: &BlobName) -> BlobResult<Vec<u8>>;
    /// Forgets the upload's chunks (after the blob was kept, or refused).
    async fn discard_staged(&self, name: &BlobName) -> BlobResult<()>;
}

/// Limits on photos, set when the server starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PhotoLimits {
    /// The largest image accepted, in bytes (at most `hoso_model::protocol::MAX_PHOTO_BYTES`).
    pub max_photo_bytes: u64,
    /// Bytes one device may upload per day (Vietnam's day); 0 for no limit.
    pub daily_quota_bytes: u64,
}

impl Default for PhotoLimits {
    fn default() -> PhotoLimits {
        PhotoLimits {
            max_photo_bytes: hoso_model::protocol::MAX_PHOTO_BYTES,
            // About 700 photos of 300 KB: a day's field work many times over, while a runaway or stolen
            // phone cannot fill the disk.
            daily_quota_bytes: 200 * 1024 * 1024,
        }
    }
}

/// The photo service the API holds: the blob store and the limits.
#[derive(Clone)]
pub struct Photos {
    pub store: Arc<dyn BlobStore>,
    pub limits: PhotoLimits,
}

/// Why a photo request is refused: a stable code and a message for people. The API maps each to its
/// HTTP status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhotoRefusal {
    /// The request's offset or chunk hash is missing or malformed, or the chunk is empty, too large or
    /// runs past the image's size.
    BadChunk,
    /// The chunk's bytes do not match the hash sent with it (damaged on the way).
    ChunkDamaged,
    /// The chunk starts past what the server holds: ask where the upload stands and go on from there.
    OffsetMismatch,
    /// The whole image does not match its name: what was held is dropped; send it again from 0.
    HashMismatch,
    /// The photo record names no image (or a malformed one).
    NoImage,
    /// The image is larger than the server accepts.
    TooLarge,
    /// The device sent its daily allowance of photo bytes.
    QuotaExceeded,
    /// The image was not uploaded yet.
    NotUploaded,
    /// A `Range` the image cannot satisfy.
    BadRange,
    /// A sensitive photo (an ID document) and a user who neither manages nor approves its case.
    Sensitive,
}

impl PhotoRefusal {
    pub fn code(self) -> &'static str {
        match self {
            PhotoRefusal::BadChunk => "bad_chunk",
            PhotoRefusal::ChunkDamaged => "chunk_damaged",
            PhotoRefusal::OffsetMismatch => "offset_mismatch",
            PhotoRefusal::HashMismatch => "hash_mismatch",
            PhotoRefusal::NoImage => "no_image",
            PhotoRefusal::TooLarge => "photo_too_large",
            PhotoRefusal::QuotaExceeded => "quota_exceeded",
            PhotoRefusal::NotUploaded => "not_uploaded",
            PhotoRefusal::BadRange => "bad_range",
            PhotoRefusal::Sensitive => "sensitive",
        }
    }

    pub fn message(self, limits: &PhotoLimits) -> Localized {
        let mib = |bytes: u64| format!("{:.1}", bytes as f64 / (1024.0 * 1024.0));
        match self {
            PhotoRefusal::BadChunk => Localized::new(
                "Phần ảnh gửi lên không hợp lệ (vị trí, mã băm hoặc kích thước).",
                "The chunk is not valid (its offset, hash or size).",
            ),
            PhotoRefusal::ChunkDamaged => Localized::new(
                "Phần ảnh bị hỏng trên đường truyền: hãy gửi lại phần này.",
                "The chunk was damaged on its way: send it again.",
            ),
            PhotoRefusal::OffsetMismatch => Localized::new(
                "Máy chủ chưa nhận đến vị trí này: hãy hỏi lại máy chủ đã nhận đến đâu rồi gửi tiếp.",
                "The server has not received up to this offset: ask where the upload stands and go on.",
            ),
            PhotoRefusal::HashMismatch => Localized::new(
                "Ảnh nhận được không khớp với mã băm của nó: máy chủ đã bỏ, hãy gửi lại từ đầu.",
                "The image received does not match its hash: the server dropped it; send it again from the start.",
            ),
            PhotoRefusal::NoImage => Localized::new(
                "Bản ghi ảnh không ghi tên tệp ảnh hợp lệ.",
                "The photo record does not name a valid image.",
            ),
            PhotoRefusal::TooLarge => Localized::new(
                format!(
                    "Ảnh lớn hơn giới hạn {} MB của máy chủ.",
                    mib(limits.max_photo_bytes)
                ),
                format!(
                    "The image is larger than the server's {} MB limit.",
                    mib(limits.max_photo_bytes)
                ),
            ),
            PhotoRefusal::QuotaExceeded => Localized::new(
                format!(
                    "Thiết bị đã gửi đủ {} MB ảnh hôm nay: ảnh còn lại sẽ được gửi vào ngày mai.",
                    mib(limits.daily_quota_bytes)
                ),
                format!(
                    "This device has sent its {} MB of photos for today: the rest go tomorrow.",
                    mib(limits.daily_quota_bytes)
                ),
            ),
            PhotoRefusal::NotUploaded => Localized::new(
                "Ảnh này chưa được tải lên máy chủ.",
                "This photo has not been uploaded yet.",
            ),
            PhotoRefusal::BadRange => Localized::new(
                "Khoảng byte yêu cầu không hợp lệ.",
                "The requested byte range is not valid.",
            ),
            PhotoRefusal::Sensitive => Localized::new(
                "Ảnh này là dữ liệu nhạy cảm: chỉ người quản lý trường hợp và người phê duyệt được xem.",
                "This photo is sensitive data: only the case's managers and approvers may see it.",
            ),
        }
    }
}
