//! [`BlobStore`] over an `object_store` backend (a local folder, S3-compatible storage), with every
//! object sealed (`hoso_sqlite::sealed`) under a key derived from the server's key and bound to its path.
//!
//! Layout: a blob at `photos/<first two hex digits>/<name>`; a chunk of an upload in progress at
//! `staging/<name>/<offset, 12 digits>-<length>`, so what an upload holds is known from a listing,
//! without reading a byte. Each put is atomic in every backend (a local file is written aside and
//! renamed), so a crash leaves whole chunks or none.

use super::{BlobError, BlobName, BlobResult, BlobStore};
use async_trait::async_trait;
use futures::TryStreamExt;
use hoso_sqlite::connection::Key;
use hoso_sqlite::sealed::SealKey;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use std::sync::Arc;

/// The purpose the blob key is derived for: one server key, unrelated keys for its database and blobs.
const KEY_PURPOSE: &str = "hoso-server photo blobs v1";

pub struct SealedObjectStore {
    objects: Arc<dyn ObjectStore>,
    seal: SealKey,
    description: String,
}

impl SealedObjectStore {
    pub fn new(objects: Arc<dyn ObjectStore>, server_key: &Key, description: String) -> Self {
        SealedObjectStore {
            objects,
            seal: SealKey::derive(server_key, KEY_PURPOSE),
            description,
        }
    }

    async fn get_sealed(&self, path: &Path) -> BlobResult<Option<Vec<u8>>> {
        let sealed = match self.objects.get(path).await {
            Ok(result) => result.bytes().await?,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(other) => return Err(other.into()),
        };
        self.seal
            .open(&sealed, path.as_ref().as_bytes())
            .map(Some)
            .map_err(|_| BlobError::Damaged(format!("{path} does not open")))
    }

    async fn put_sealed(&self, path: &Path, content: &[u8]) -> BlobResult<()> {
        let sealed = self.seal.seal(content, path.as_ref().as_bytes());
        self.objects.put(path, PutPayload::from(sealed)).await?;
        Ok(())
    }

    async fn list(&self, prefix: &Path) -> BlobResult<Vec<Path>> {
        Ok(self
            .objects
            .list(Some(prefix))
            .map_ok(|meta| meta.location)
            .try_collect()
            .await?)
    }
}

fn blob_path(name: &BlobName) -> Path {
    Path::from(format!("photos/{}/{}", &name.as_str()[..2], name.as_str()))
}

fn staging_prefix(name: &BlobName) -> Path {
    Path::from(format!("staging/{}", name.as_str()))
}

fn chunk_path(name: &BlobName, offset: u64, length: u64) -> Path {
    Path::from(format!("staging/{}/{offset:012}-{length}", name.as_str()))
}

/// (offset, length) from a chunk's file name; `None` for anything else found there.
fn parse_chunk(path: &Path) -> Option<(u64, u64)> {
    let file = path.filename()?;
    let (offset, length) = file.split_once('-')?;
    Some((offset.parse().ok()?, length.parse().ok()?))
}

#[async_trait]
impl BlobStore for SealedObjectStore {
    fn describe(&self) -> String {
        self.description.clone()
    }

    async fn contains(&self, name: &BlobName) -> BlobResult<bool> {
        match self.objects.head(&blob_path(name)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(other) => Err(other.into()),
        }
    }

    async fn read(&self, name: &BlobName) -> BlobResult<Option<Vec<u8>>> {
        let Some(bytes) = self.get_sealed(&blob_path(name)).await? else {
            return Ok(None);
        };
        if BlobName::of(&bytes) != *name {
            return Err(BlobError::Damaged(format!(
                "blob {} does not match its name",
                name.as_str()
            )));
        }
        Ok(Some(bytes))
    }

    async fn write(&self, name: &BlobName, bytes: &[u8]) -> BlobResult<()> {
        self.put_sealed(&blob_path(name), bytes).await
    }

    async fn names(&self) -> BlobResult<Vec<BlobName>> {
        Ok(self
            .list(&Path::from("photos"))
            .await?
            .iter()
            .filter_map(|path| path.filename().and_then(BlobName::parse))
            .collect())
    }

    async fn staged_chunks(&self, name: &BlobName) -> BlobResult<Vec<(u64, u64)>> {
        Ok(self
            .list(&staging_prefix(name))
            .await?
            .iter()
            .filter_map(parse_chunk)
            .collect())
    }

    async fn stage(&self, name: &BlobName, offset: u64, chunk: &[u8]) -> BlobResult<()> {
        self.put_sealed(&chunk_path(name, offset, chunk.len() as u64), chunk)
            .await
    }

    async fn read_staged(&self, name: &BlobName) -> BlobResult<Vec<u8>> {
        let mut chunks = self.staged_chunks(name).await?;
        chunks.sort_unstable();
        let mut bytes: Vec<u8> = Vec::new();
        for (offset, length) in chunks {
            let held = bytes.len() as u64;
            if offset > held {
                break;
            }
            if offset + length <= held {
                continue;
            }
            let path = chunk_path(name, offset, length);
            let chunk = self.get_sealed(&path).await?.ok_or_else(|| {
                BlobError::Damaged(format!("{path} was listed but cannot be read"))
            })?;
            let skip = usize::try_from(held - offset).unwrap_or(usize::MAX);
            bytes.extend_from_slice(chunk.get(skip..).unwrap_or_default());
        }
        Ok(bytes)
    }

    async fn discard_staged(&self, name: &BlobName) -> BlobResult<()> {
        for path in self.list(&staging_prefix(name)).await? {
            match self.objects.delete(&path).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(other) => return Err(other.into()),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use object_store::memory::InMemory;

    fn store() -> (Arc<InMemory>, SealedObjectStore) {
        let objects = Arc::new(InMemory::new());
        let key = Key::from_hex(&"5".repeat(64)).expect("a key");
        let store = SealedObjectStore::new(objects.clone(), &key, "memory".into());
        (objects, store)
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime")
    }

    #[test]
    fn a_blob_is_stored_sealed_and_read_back_checked() {
        runtime().block_on(async {
            let (objects, store) = store();
            let image = b"\xff\xd8\xff\xe0 a photo of a house".to_vec();
            let name = BlobName::of(&image);
            assert!(!store.contains(&name).await.expect("contains"));
            assert_eq!(store.read(&name).await.expect("read"), None);
            store.write(&name, &image).await.expect("write");
            assert!(store.contains(&name).await.expect("contains"));
            assert_eq!(store.read(&name).await.expect("read"), Some(image.clone()));
            assert_eq!(store.names().await.expect("names"), vec![name.clone()]);
            let raw = objects
                .get(&blob_path(&name))
                .await
                .expect("stored")
                .bytes()
                .await
                .expect("bytes");
            assert!(!raw.windows(5).any(|w| w == b"photo"), "sealed at rest");
            let wrong = BlobName::of(b"another image");
            objects
                .put(&blob_path(&wrong), PutPayload::from(raw.to_vec()))
                .await
                .expect("moved copy");
            assert!(
                matches!(store.read(&wrong).await, Err(BlobError::Damaged(_))),
                "a sealed object moved to another name does not open"
            );
        });
    }

    #[test]
    fn staged_chunks_are_read_back_in_order_up_to_the_first_gap() {
        runtime().block_on(async {
            let (_, store) = store();
            let name = BlobName::of(b"whatever");
            store.stage(&name, 4, b"efgh").await.expect("stage");
            store.stage(&name, 0, b"abcd").await.expect("stage");
            // A repeated chunk that overlaps what is held adds only its new bytes.
            store.stage(&name, 2, b"cdefgh").await.expect("stage");
            store
                .stage(&name, 20, b"zz")
                .await
                .expect("stage past a gap");
            let mut chunks = store.staged_chunks(&name).await.expect("chunks");
            chunks.sort_unstable();
            assert_eq!(chunks, vec![(0, 4), (2, 6), (4, 4), (20, 2)]);
            assert_eq!(store.read_staged(&name).await.expect("read"), b"abcdefgh");
            store.discard_staged(&name).await.expect("discard");
            assert!(store.staged_chunks(&name).await.expect("chunks").is_empty());
        });
    }
}
