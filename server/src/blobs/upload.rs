//! The resumable upload: a device sends a photo's image in chunks at offsets; the server keeps each
//! chunk that checks against its own hash, answers how far it holds the image from the start, and keeps
//! the image once it is whole and matches its name. An upload cut anywhere resumes from what is held;
//! a chunk sent twice (its answer was lost) changes nothing; an image already held is complete at once.

use super::{BlobError, BlobName, BlobStore, PhotoLimits, PhotoRefusal, sha256_hex};
use hoso_model::protocol::{MAX_CHUNK_BYTES, UploadStatus};

/// The image a photo record names, as the upload checks it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expected {
    pub name: BlobName,
    pub size: u64,
}

impl Expected {
    /// From the record's `blob` and `blob_bytes` fields: a refusal when they name no valid image or one
    /// over the size limit.
    pub fn from_record(
        blob: Option<&str>,
        size: Option<u64>,
        limits: &PhotoLimits,
    ) -> Result<Expected, PhotoRefusal> {
        let name = blob
            .and_then(BlobName::parse)
            .ok_or(PhotoRefusal::NoImage)?;
        let size = size.filter(|s| *s > 0).ok_or(PhotoRefusal::NoImage)?;
        if size > limits.max_photo_bytes {
            return Err(PhotoRefusal::TooLarge);
        }
        Ok(Expected { name, size })
    }
}

/// One chunk as a device sent it.
pub struct Chunk<'a> {
    pub offset: u64,
    pub bytes: &'a [u8],
    /// The hex SHA-256 the device sent with the chunk.
    pub sha256: &'a str,
}

/// What to do with a chunk, given how much of the image the server holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Plan {
    /// Everything in it is held already (a repeated chunk): nothing to keep.
    Held,
    /// Keep these bytes of the chunk (`skip..`), at offset `at` (= what is held).
    Keep { at: u64, skip: usize },
}

/// Decides what a chunk means against `received` bytes held: refused if malformed, damaged, past the
/// image's end or starting beyond what is held. Pure.
pub fn plan(expected: &Expected, received: u64, chunk: &Chunk<'_>) -> Result<Plan, PhotoRefusal> {
    let length = chunk.bytes.len() as u64;
    if chunk.bytes.is_empty()
        || chunk.bytes.len() > MAX_CHUNK_BYTES
        || chunk.offset.saturating_add(length) > expected.size
    {
        return Err(PhotoRefusal::BadChunk);
    }
    if sha256_hex(chunk.bytes) != chunk.sha256.to_ascii_lowercase() {
        return Err(PhotoRefusal::ChunkDamaged);
    }
    if chunk.offset > received {
        return Err(PhotoRefusal::OffsetMismatch);
    }
    if chunk.offset + length <= received {
        return Ok(Plan::Held);
    }
    Ok(Plan::Keep {
        at: received,
        skip: usize::try_from(received - chunk.offset).unwrap_or(usize::MAX),
    })
}

/// Bytes held from the start, given the chunks held (in any order, possibly overlapping).
pub fn contiguous(mut chunks: Vec<(u64, u64)>) -> u64 {
    chunks.sort_unstable();
    let mut held = 0;
    for (offset, length) in chunks {
        if offset > held {
            break;
        }
        held = held.max(offset + length);
    }
    held
}

/// Where the upload of `expected` stands. Chunks that cover the whole image without the image being kept
/// (the request that staged the last one was cut, or its server stopped, before keeping it) are kept
/// now, or dropped if they do not match the name: "complete" always means the image can be read.
pub async fn status(store: &dyn BlobStore, expected: &Expected) -> Result<UploadStatus, BlobError> {
    if store.contains(&expected.name).await? {
        return Ok(status_at(expected, expected.size));
    }
    let received = contiguous(store.staged_chunks(&expected.name).await?).min(expected.size);
    if received < expected.size {
        return Ok(status_at(expected, received));
    }
    match assemble(store, expected).await? {
        Assembled::Kept => Ok(status_at(expected, expected.size)),
        Assembled::Mismatch => Ok(status_at(expected, 0)),
        Assembled::Raced => settled(store, expected).await,
    }
}

pub fn status_at(expected: &Expected, received: u64) -> UploadStatus {
    UploadStatus {
        blob: expected.name.as_str().to_string(),
        size: expected.size,
        received,
        complete: received >= expected.size,
    }
}

/// Why keeping a chunk failed.
#[derive(Debug, thiserror::Error)]
pub enum KeepError {
    #[error("refused: {}", .0.code())]
    Refused(PhotoRefusal),
    #[error(transparent)]
    Store(#[from] BlobError),
}

/// Keeps `bytes` at `at` and, when they complete the image, checks the whole against its name and keeps
/// it: an image that does not match is dropped (the device sends it again from the start).
pub async fn keep(
    store: &dyn BlobStore,
    expected: &Expected,
    at: u64,
    bytes: &[u8],
) -> Result<UploadStatus, KeepError> {
    store.stage(&expected.name, at, bytes).await?;
    let received = at + bytes.len() as u64;
    if received < expected.size {
        return Ok(status_at(expected, received));
    }
    match assemble(store, expected).await? {
        Assembled::Kept => Ok(status_at(expected, expected.size)),
        Assembled::Mismatch => Err(KeepError::Refused(PhotoRefusal::HashMismatch)),
        Assembled::Raced => Ok(settled(store, expected).await?),
    }
}

/// What assembling the staged chunks did.
enum Assembled {
    /// The whole image matched its name and is kept; the chunks are gone.
    Kept,
    /// The whole did not match its name: the chunks are dropped.
    Mismatch,
    /// The chunks no longer make the whole image: another request (or server process) kept it and
    /// cleared them meanwhile.
    Raced,
}

async fn assemble(store: &dyn BlobStore, expected: &Expected) -> Result<Assembled, BlobError> {
    let whole = store.read_staged(&expected.name).await?;
    if whole.len() as u64 != expected.size {
        return Ok(Assembled::Raced);
    }
    if BlobName::of(&whole) != expected.name {
        store.discard_staged(&expected.name).await?;
        return Ok(Assembled::Mismatch);
    }
    store.write(&expected.name, &whole).await?;
    store.discard_staged(&expected.name).await?;
    Ok(Assembled::Kept)
}

/// The answer when another request assembled (or dropped) the image meanwhile: complete only when it
/// can be read.
async fn settled(store: &dyn BlobStore, expected: &Expected) -> Result<UploadStatus, BlobError> {
    let held = store.contains(&expected.name).await?;
    Ok(status_at(expected, if held { expected.size } else { 0 }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expected(size: u64) -> Expected {
        Expected {
            name: BlobName::of(b"x"),
            size,
        }
    }

    fn chunk<'a>(offset: u64, bytes: &'a [u8], sha: &'a str) -> Chunk<'a> {
        Chunk {
            offset,
            bytes,
            sha256: sha,
        }
    }

    #[test]
    fn a_chunk_at_what_is_held_is_kept_and_a_repeated_one_changes_nothing() {
        let bytes = b"0123456789";
        let sha = sha256_hex(bytes);
        let image = expected(30);
        assert_eq!(
            plan(&image, 10, &chunk(10, bytes, &sha)),
            Ok(Plan::Keep { at: 10, skip: 0 })
        );
        assert_eq!(plan(&image, 20, &chunk(10, bytes, &sha)), Ok(Plan::Held));
        assert_eq!(
            plan(&image, 15, &chunk(10, bytes, &sha)),
            Ok(Plan::Keep { at: 15, skip: 5 }),
            "a chunk overlapping what is held adds its new bytes"
        );
    }

    #[test]
    fn damaged_misplaced_and_oversized_chunks_are_refused() {
        let bytes = b"0123456789";
        let sha = sha256_hex(bytes);
        let image = expected(30);
        assert_eq!(
            plan(&image, 0, &chunk(0, bytes, &sha256_hex(b"other"))),
            Err(PhotoRefusal::ChunkDamaged)
        );
        assert_eq!(
            plan(&image, 0, &chunk(10, bytes, &sha)),
            Err(PhotoRefusal::OffsetMismatch)
        );
        assert_eq!(
            plan(&image, 25, &chunk(25, bytes, &sha)),
            Err(PhotoRefusal::BadChunk),
            "past the image's end"
        );
        assert_eq!(
            plan(&image, 0, &chunk(0, b"", &sha256_hex(b""))),
            Err(PhotoRefusal::BadChunk)
        );
        let huge = vec![0u8; MAX_CHUNK_BYTES + 1];
        assert_eq!(
            plan(&expected(u64::MAX), 0, &chunk(0, &huge, &sha256_hex(&huge))),
            Err(PhotoRefusal::BadChunk)
        );
    }

    #[test]
    fn what_is_held_is_the_run_from_the_start() {
        assert_eq!(contiguous(vec![]), 0);
        assert_eq!(contiguous(vec![(4, 4), (0, 4)]), 8);
        assert_eq!(contiguous(vec![(0, 4), (2, 6), (20, 2)]), 8);
        assert_eq!(contiguous(vec![(1, 4)]), 0);
    }

    fn memory_store() -> super::super::object::SealedObjectStore {
        let key = hoso_sqlite::connection::Key::from_hex(&"7".repeat(64)).expect("a key");
        let objects = std::sync::Arc::new(object_store::memory::InMemory::new());
        super::super::object::SealedObjectStore::new(objects, &key, "memory".into())
    }

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime")
            .block_on(future)
    }

    #[test]
    fn an_image_staged_whole_but_never_kept_is_kept_when_asked_and_readable_once_complete() {
        block_on(async {
            let store = memory_store();
            let image = b"\xff\xd8 the whole photo of a house".to_vec();
            let expected = Expected {
                name: BlobName::of(&image),
                size: image.len() as u64,
            };
            // The request that staged the last chunk was cut before it kept the image.
            store.stage(&expected.name, 0, &image[..10]).await.unwrap();
            store.stage(&expected.name, 10, &image[10..]).await.unwrap();
            assert!(!store.contains(&expected.name).await.unwrap());

            let answer = status(&store, &expected).await.expect("status");
            assert!(answer.complete, "{answer:?}");
            assert_eq!(store.read(&expected.name).await.unwrap(), Some(image));
            assert!(
                store
                    .staged_chunks(&expected.name)
                    .await
                    .unwrap()
                    .is_empty()
            );
        });
    }

    #[test]
    fn staged_chunks_that_do_not_make_the_named_image_are_dropped_and_the_upload_starts_again() {
        block_on(async {
            let store = memory_store();
            let expected = Expected {
                name: BlobName::of(b"the real photo"),
                size: 14,
            };
            store
                .stage(&expected.name, 0, b"a forged photo")
                .await
                .unwrap();

            let answer = status(&store, &expected).await.expect("status");
            assert_eq!((answer.received, answer.complete), (0, false));
            assert_eq!(store.read(&expected.name).await.unwrap(), None);
            assert!(
                store
                    .staged_chunks(&expected.name)
                    .await
                    .unwrap()
                    .is_empty()
            );
        });
    }

    #[test]
    fn a_record_naming_no_image_or_a_too_large_one_is_refused() {
        let limits = PhotoLimits::default();
        let name = sha256_hex(b"x");
        assert!(Expected::from_record(Some(&name), Some(10), &limits).is_ok());
        assert_eq!(
            Expected::from_record(Some("not a hash"), Some(10), &limits),
            Err(PhotoRefusal::NoImage)
        );
        assert_eq!(
            Expected::from_record(Some(&name), None, &limits),
            Err(PhotoRefusal::NoImage)
        );
        assert_eq!(
            Expected::from_record(Some(&name), Some(limits.max_photo_bytes + 1), &limits),
            Err(PhotoRefusal::TooLarge)
        );
    }
}
