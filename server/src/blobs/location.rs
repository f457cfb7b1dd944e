//! Where the server keeps photo images, from `--blob-store` or the `HOSO_BLOB_STORE` variable:
//!
//! - nothing (the default): the folder `blobs/` of the data folder, so `hoso-server serve` stays one
//!   command;
//! - `file:///absolute/folder`: another folder (a mounted disk);
//! - `s3://BUCKET?endpoint=URL&region=REGION&allow_http=true`: S3 or any S3-compatible storage (MinIO,
//!   Ceph, a provider's object storage). Credentials come from the standard variables
//!   `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` (and `AWS_SESSION_TOKEN`); the query takes any
//!   other `object_store` S3 option by name (`endpoint`, `region`, `allow_http`,
//!   `virtual_hosted_style_request`…), and `AWS_ENDPOINT`, `AWS_REGION`… work too.
//!
//! Whatever the backend, every object is sealed with the blob key derived from the server's key.

use super::BlobStore;
use super::object::SealedObjectStore;
use hoso_sqlite::connection::Key;
use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::local::LocalFileSystem;
use object_store::{BackoffConfig, ObjectStore, RetryConfig};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

pub const ENV: &str = "HOSO_BLOB_STORE";
/// The folder of the data folder that holds blobs by default.
pub const DEFAULT_FOLDER: &str = "blobs";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BlobLocation {
    Folder(PathBuf),
    S3 {
        bucket: String,
        options: Vec<(String, String)>,
    },
}

impl BlobLocation {
    /// Reads the configured location; `configured` is the flag's value, else the variable's.
    pub fn parse(configured: Option<&str>, data: &Path) -> Result<BlobLocation, String> {
        let text = configured.map(str::trim).unwrap_or_default();
        if text.is_empty() {
            return Ok(BlobLocation::Folder(data.join(DEFAULT_FOLDER)));
        }
        let url = url::Url::parse(text)
            .map_err(|e| format!("the blob store `{text}` is not a URL ({e})"))?;
        match url.scheme() {
            "file" => url
                .to_file_path()
                .map(BlobLocation::Folder)
                .map_err(|()| format!("the blob store `{text}` is not an absolute folder")),
            "s3" => {
                let bucket = url
                    .host_str()
                    .filter(|b| !b.is_empty())
                    .ok_or_else(|| format!("the blob store `{text}` names no bucket"))?
                    .to_string();
                let options = url
                    .query_pairs()
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect();
                Ok(BlobLocation::S3 { bucket, options })
            }
            other => Err(format!(
                "the blob store scheme `{other}` is not supported: use file:///folder or s3://bucket?..."
            )),
        }
    }

    /// Opens the store, sealing with the blob key derived from `server_key`.
    pub fn open(&self, server_key: &Key) -> Result<Arc<dyn BlobStore>, String> {
        let (objects, description): (Arc<dyn ObjectStore>, String) = match self {
            BlobLocation::Folder(folder) => {
                std::fs::create_dir_all(folder)
                    .map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
                let local = LocalFileSystem::new_with_prefix(folder)
                    .map_err(|e| format!("cannot use {}: {e}", folder.display()))?;
                (Arc::new(local), format!("folder {}", folder.display()))
            }
            BlobLocation::S3 { bucket, options } => {
                let mut builder = AmazonS3Builder::from_env()
                    .with_bucket_name(bucket)
                    .with_retry(retries());
                let mut endpoint = String::from("AWS");
                for (name, value) in options {
                    let key: AmazonS3ConfigKey = name
                        .parse()
                        .map_err(|_| format!("`{name}` is not an S3 option"))?;
                    if key == AmazonS3ConfigKey::Endpoint {
                        endpoint.clone_from(value);
                    }
                    builder = builder.with_config(key, value.clone());
                }
                let s3 = builder
                    .build()
                    .map_err(|e| format!("cannot configure the S3 store: {e}"))?;
                (Arc::new(s3), format!("S3 bucket {bucket} at {endpoint}"))
            }
        };
        Ok(Arc::new(SealedObjectStore::new(
            objects,
            server_key,
            format!("{description} (sealed with the server's key)"),
        )))
    }
}

/// A few quick retries: a phone retries the whole chunk anyway, and an answer within a minute beats a
/// request held for the default three.
fn retries() -> RetryConfig {
    RetryConfig {
        backoff: BackoffConfig::default(),
        max_retries: 3,
        retry_timeout: Duration::from_secs(20),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_a_folder_of_the_data_folder() {
        let data = Path::new("/srv/hoso-data");
        assert_eq!(
            BlobLocation::parse(None, data),
            Ok(BlobLocation::Folder(data.join("blobs")))
        );
        assert_eq!(
            BlobLocation::parse(Some("  "), data),
            Ok(BlobLocation::Folder(data.join("blobs")))
        );
        assert_eq!(
            BlobLocation::parse(Some("file:///mnt/photos"), data),
            Ok(BlobLocation::Folder(PathBuf::from("/mnt/photos")))
        );
    }

    #[test]
    fn an_s3_url_names_its_bucket_and_options() {
        let parsed = BlobLocation::parse(
            Some(
                "s3://hoso-photos?endpoint=http://127.0.0.1:5055&region=us-east-1&allow_http=true",
            ),
            Path::new("data"),
        );
        assert_eq!(
            parsed,
            Ok(BlobLocation::S3 {
                bucket: "hoso-photos".into(),
                options: vec![
                    ("endpoint".into(), "http://127.0.0.1:5055".into()),
                    ("region".into(), "us-east-1".into()),
                    ("allow_http".into(), "true".into()),
                ],
            })
        );
    }

    #[test]
    fn unknown_schemes_options_and_missing_buckets_are_refused() {
        let data = Path::new("data");
        assert!(BlobLocation::parse(Some("ftp://x"), data).is_err());
        assert!(BlobLocation::parse(Some("s3://"), data).is_err());
        assert!(BlobLocation::parse(Some("photos"), data).is_err());
        let bad_option = BlobLocation::parse(Some("s3://b?colour=blue"), data).expect("parsed");
        let key = Key::from_hex(&"1".repeat(64)).expect("key");
        assert!(bad_option.open(&key).is_err());
    }
}
