//! Image files beside the database, one per image, named by its SHA-256 and sealed with a key derived
//! from the database key (`hoso_sqlite::sealed`): a photo of a person or an ID card is as protected as
//! the records, and a file copied off the phone reveals nothing. A file is written aside and renamed
//! into place after it reached the disk, so a crash leaves the old file or the new one, never half.

use crate::error::{Error, Result};
use crate::store::Store;
use hoso_sqlite::sealed::SealKey;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::PathBuf;

pub(crate) struct PhotoFiles {
    folder: PathBuf,
    key: SealKey,
}

impl PhotoFiles {
    pub fn of(store: &Store) -> PhotoFiles {
        PhotoFiles {
            folder: store.photo_folder(),
            key: store.photo_key(),
        }
    }

    fn path(&self, blob: &str) -> PathBuf {
        self.folder.join(blob)
    }

    /// Seals and writes the image; returns the size of the file.
    pub fn write(&self, blob: &str, image: &[u8]) -> Result<u64> {
        std::fs::create_dir_all(&self.folder)?;
        let sealed = self.key.seal(image, blob.as_bytes());
        let aside = self
            .folder
            .join(format!("{blob}.{}.part", uuid::Uuid::now_v7()));
        let written = (|| {
            let mut file = std::fs::File::create(&aside)?;
            file.write_all(&sealed)?;
            file.sync_all()?;
            std::fs::rename(&aside, self.path(blob))
        })();
        if let Err(error) = written {
            let _ = std::fs::remove_file(&aside);
            return Err(error.into());
        }
        Ok(sealed.len() as u64)
    }

    /// The image, checked against its name; `None` if no file holds it.
    pub fn read(&self, blob: &str) -> Result<Option<Vec<u8>>> {
        let sealed = match std::fs::read(self.path(blob)) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(error.into()),
        };
        let image = self
            .key
            .open(&sealed, blob.as_bytes())
            .map_err(|_| damaged())?;
        if sha256_hex(&image) != blob {
            return Err(damaged());
        }
        Ok(Some(image))
    }

    pub fn remove(&self, blob: &str) -> Result<()> {
        match std::fs::remove_file(self.path(blob)) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error.into()),
            _ => Ok(()),
        }
    }
}

fn damaged() -> Error {
    Error::Corrupt {
        detail: "a photo file does not open or does not match its name".into(),
    }
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
