//! Copying every photo image from one blob store to another: `hoso-server migrate` moving an embedded
//! deployment's `blobs/` folder to the object storage a PostgreSQL deployment shares. Each image is read
//! checked against its name and written only if the target lacks it, so a copy cut short is run again
//! safely, and one whose source is damaged stops and says which image.

use super::{BlobError, BlobResult, BlobStore};

/// What a copy did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CopyReport {
    /// Images in the source.
    pub images: u64,
    /// Images written to the target by this run (the others were already there).
    pub copied: u64,
}

/// Copies every image of `from` missing in `to`; `progress` is told after each image (done, total).
/// Then checks that the target holds every image of the source.
pub async fn copy_all(
    from: &dyn BlobStore,
    to: &dyn BlobStore,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> BlobResult<CopyReport> {
    let names = from.names().await?;
    let total = names.len() as u64;
    let mut report = CopyReport {
        images: total,
        copied: 0,
    };
    for (done, name) in names.iter().enumerate() {
        if !to.contains(name).await? {
            let bytes = from.read(name).await?.ok_or_else(|| {
                BlobError::Damaged(format!("{} vanished from the source", name.as_str()))
            })?;
            to.write(name, &bytes).await?;
            report.copied += 1;
        }
        progress(done as u64 + 1, total);
    }
    for name in &names {
        if !to.contains(name).await? {
            return Err(BlobError::Damaged(format!(
                "{} is missing after the copy",
                name.as_str()
            )));
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blobs::BlobName;
    use crate::blobs::object::SealedObjectStore;
    use hoso_sqlite::connection::Key;
    use object_store::memory::InMemory;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    fn store() -> SealedObjectStore {
        let key = Key::from_hex(&"7".repeat(64)).expect("a key");
        SealedObjectStore::new(Arc::new(InMemory::new()), &key, "memory".into())
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime")
    }

    #[test]
    fn every_image_reaches_the_target_once_and_a_second_run_copies_nothing() {
        runtime().block_on(async {
            let (source, target) = (store(), store());
            let images: Vec<Vec<u8>> = (0..3).map(|i| format!("ảnh {i}").into_bytes()).collect();
            for image in &images {
                source
                    .write(&BlobName::of(image), image)
                    .await
                    .expect("write");
            }
            target
                .write(&BlobName::of(&images[0]), &images[0])
                .await
                .expect("one already there");
            let seen = AtomicU64::new(0);
            let report = copy_all(&source, &target, &|done, total| {
                assert_eq!(total, 3);
                seen.store(done, Ordering::Relaxed);
            })
            .await
            .expect("copy");
            assert_eq!(
                report,
                CopyReport {
                    images: 3,
                    copied: 2
                }
            );
            assert_eq!(seen.load(Ordering::Relaxed), 3);
            for image in &images {
                let read = target.read(&BlobName::of(image)).await.expect("read");
                assert_eq!(read.as_deref(), Some(image.as_slice()));
            }
            let again = copy_all(&source, &target, &|_, _| {}).await.expect("again");
            assert_eq!(
                again,
                CopyReport {
                    images: 3,
                    copied: 0
                }
            );
        });
    }
}
