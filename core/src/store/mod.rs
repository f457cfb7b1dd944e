//! The encrypted device store (SQLCipher through rusqlite): the entry point of everything a phone keeps.
//!
//! Invariants:
//! - the file is encrypted with a 32-byte raw key handed over by the platform keystore; the key never
//!   touches disk and a wrong key is refused without changing the file;
//! - schema changes are `.sql` files applied in order, tracked by `PRAGMA user_version`; a file written by
//!   a newer app is refused untouched;
//! - one writer connection (behind a mutex) and a small pool of readers (WAL lets them read while the
//!   writer writes);
//! - every local change is a [`FieldOp`](hoso_model::op::FieldOp) appended to the `op` table in the same
//!   transaction as the change itself (see [`write`]).

mod admin_units;
mod doc;
mod lists;
pub mod meta_keys;
mod outbox;
mod photos;
mod read;
mod search;
mod settings;
pub mod write;

pub use outbox::{OutboxState, RecordSyncState, Rejection};
pub use photos::{PhotoSettings, PhotoUpload, RecordPush, UploadState};
pub use read::{ConflictView, Record};
pub use search::SearchHit;
pub use write::WriteTx;

use crate::error::{Error, Result};
use hoso_model::admin_units::AdminUnits;
use hoso_model::hlc::{Clock, Hlc, node_of};
use hoso_sqlite::checkpoint::Checkpointer;
use hoso_sqlite::connection::{self, Access, Key};
use hoso_sqlite::meta::{self, MetaKey};
use hoso_sqlite::sealed::SealKey;
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

const MIGRATIONS: &[&str] = &[
    include_str!("../../sql/001_initial.sql"),
    include_str!("../../sql/002_photos.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

const READER_POOL_SIZE: usize = 4;

/// Who is using this device: set at enrollment; every op records it as author.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub device_id: String,
    pub user_id: Option<String>,
}

/// Time source in Unix milliseconds. Tests replace it to control the clock.
pub type TimeSource = Arc<dyn Fn() -> u64 + Send + Sync>;

pub struct Store {
    path: PathBuf,
    key: Key,
    writer: Mutex<Writer>,
    readers: Mutex<Vec<Connection>>,
    now: TimeSource,
    /// The administrative units in force: imported ones if any, else the bundled list.
    admin_units: std::sync::RwLock<Option<Arc<AdminUnits>>>,
    _checkpointer: Checkpointer,
}

pub(crate) struct Writer {
    pub(crate) conn: Connection,
    pub(crate) clock: Clock,
    pub(crate) identity: Identity,
}

impl Store {
    /// Opens (or creates) the store at `path` with a 32-byte key given as 64 hex characters.
    pub fn open(path: impl AsRef<Path>, key_hex: &str) -> Result<Store> {
        Store::open_with_time(path, key_hex, Arc::new(hoso_model::hlc::system_now_millis))
    }

    pub fn open_with_time(path: impl AsRef<Path>, key_hex: &str, now: TimeSource) -> Result<Store> {
        let key = Key::from_hex(key_hex).ok_or_else(|| {
            Error::invalid(
                "Khóa mã hóa phải gồm đúng 64 ký tự thập lục phân (32 byte).",
                "The encryption key must be exactly 64 hexadecimal characters (32 bytes).",
            )
        })?;
        let path = path.as_ref().to_path_buf();
        let mut conn = open_connection(&path, &key, Access::ReadWrite)?;
        hoso_sqlite::migrate::migrate(&conn, MIGRATIONS)?;
        let checkpointer =
            Checkpointer::start(&mut conn, open_connection(&path, &key, Access::ReadWrite)?)?;
        let identity = load_or_create_identity(&conn)?;
        let clock = match meta::get(&conn, meta_keys::LAST_HLC)?.and_then(|t| Hlc::decode(&t)) {
            Some(last) => Clock::resume(last),
            None => Clock::new(node_of(&identity.device_id)),
        };
        Ok(Store {
            path,
            key,
            writer: Mutex::new(Writer {
                conn,
                clock,
                identity,
            }),
            readers: Mutex::new(Vec::new()),
            now,
            admin_units: std::sync::RwLock::new(None),
            _checkpointer: checkpointer,
        })
    }

    pub fn now_millis(&self) -> u64 {
        (self.now)()
    }

    /// The folder beside the database that holds its photo files (`device.db` → `device.db.photos`).
    pub fn photo_folder(&self) -> PathBuf {
        let mut name = self.path.as_os_str().to_os_string();
        name.push(".photos");
        PathBuf::from(name)
    }

    /// The key photo files are sealed with, derived from the database key: one secret for both.
    pub(crate) fn photo_key(&self) -> SealKey {
        SealKey::derive(&self.key, "hoso device photo files v1")
    }

    pub fn identity(&self) -> Identity {
        self.lock_writer().identity.clone()
    }

    /// Records who uses this device from now on (after enrollment). Ops keep the author they were made with.
    pub fn set_user(&self, user_id: &str) -> Result<()> {
        let mut writer = self.lock_writer();
        meta::set(&writer.conn, meta_keys::USER_ID, user_id)?;
        writer.identity.user_id = Some(user_id.to_string());
        Ok(())
    }

    pub fn meta(&self, key: MetaKey) -> Result<Option<String>> {
        self.read(|conn| Ok(meta::get(conn, key)?))
    }

    pub fn set_meta(&self, key: MetaKey, value: &str) -> Result<()> {
        Ok(meta::set(&self.lock_writer().conn, key, value)?)
    }

    pub(crate) fn lock_writer(&self) -> MutexGuard<'_, Writer> {
        // A panic while holding the lock leaves SQLite consistent (the transaction rolls back), so the
        // poisoned guard is safe to reuse.
        self.writer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` on a pooled read connection.
    pub(crate) fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let pooled = self.readers.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let conn = match pooled {
            Some(conn) => conn,
            None => open_connection(&self.path, &self.key, Access::ReadOnly)?,
        };
        let result = f(&conn);
        let mut pool = self.readers.lock().unwrap_or_else(|p| p.into_inner());
        if pool.len() < READER_POOL_SIZE {
            pool.push(conn);
        }
        result
    }
}

impl Store {
    /// Erases every record, op, photo and credential on this device (a revoked device). The empty,
    /// still encrypted file stays, so the app can enroll again.
    pub fn wipe(&self) -> Result<()> {
        let mut writer = self.lock_writer();
        let tx = writer.conn.transaction()?;
        tx.execute_batch(
            "DELETE FROM record; DELETE FROM op; DELETE FROM person_key;
             DELETE FROM search_index; DELETE FROM search_doc; DELETE FROM case_summary;
             DELETE FROM photo_upload; DELETE FROM photo_file;",
        )?;
        let kept: Vec<&str> = meta_keys::KEPT_BY_WIPE.iter().map(|k| k.name()).collect();
        tx.execute(
            &format!(
                "DELETE FROM meta WHERE key NOT IN ({})",
                vec!["?"; kept.len()].join(", ")
            ),
            rusqlite::params_from_iter(kept),
        )?;
        tx.commit()?;
        match std::fs::remove_dir_all(self.photo_folder()) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => return Err(error.into()),
            _ => {}
        }
        writer.conn.execute_batch("VACUUM;")?;
        writer.identity.user_id = None;
        Ok(())
    }
}

fn load_or_create_identity(conn: &Connection) -> Result<Identity> {
    let device_id = match meta::get(conn, meta_keys::DEVICE_ID)? {
        Some(id) => id,
        None => {
            let id = uuid::Uuid::now_v7().to_string();
            meta::set(conn, meta_keys::DEVICE_ID, &id)?;
            id
        }
    };
    Ok(Identity {
        device_id,
        user_id: meta::get(conn, meta_keys::USER_ID)?,
    })
}

pub(crate) fn open_connection(path: &Path, key: &Key, access: Access) -> Result<Connection> {
    Ok(connection::open(path, key, access, Duration::from_secs(5))?)
}
