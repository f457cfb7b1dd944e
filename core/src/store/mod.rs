//! The encrypted device store (SQLCipher through rusqlite): the entry point of everything a phone keeps.
//!
//! Invariants:
//! - the file is encrypted with a 32-byte raw key handed over by the platform keystore; the key never
//!   touches disk and a wrong key is refused without changing the file;
//! - schema changes are `.sql` files applied in order, tracked by `PRAGMA user_version`; a file written by
//!   a newer app is refused untouched;
//! - one writer connection (behind a mutex) and a small pool of readers (WAL lets them read while the
//!   writer writes);
//! - every local change is a [`FieldOp`](crate::op::FieldOp) appended to the `op` table in the same
//!   transaction as the change itself (see [`write`]).

pub mod checkpoint;
mod doc;
mod outbox;
mod read;
mod search;
pub mod write;

pub use outbox::{OutboxState, RecordSyncState, Rejection, RemoteRecord};
pub use read::{ConflictView, Record};
pub use search::SearchHit;
pub use write::WriteTx;

use crate::admin_units::{AdminUnits, Commune, Province};
use crate::error::{Error, Result};
use crate::hlc::{Clock, Hlc};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

const MIGRATIONS: &[&str] = &[include_str!("../../sql/001_initial.sql")];

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

const READER_POOL_SIZE: usize = 4;

/// Meta keys of the imported administrative units (the units themselves are rows of `admin_unit`).
const META_ADMIN_UNITS_VERSION: &str = "admin_units_version";
const META_ADMIN_UNITS_COMPLETE: &str = "admin_units_complete";

/// How the file is encrypted beyond the key, set on every connection right after it. Pages are
/// authenticated with HMAC-SHA256 rather than SQLCipher's default SHA-512: as strong for this purpose,
/// and computed by the SHA-256 instructions of current phones (ARMv8) and servers, which made merging
/// a first pull about a tenth faster here.
pub const CIPHER_SETTINGS: &str = "PRAGMA cipher_hmac_algorithm = HMAC_SHA256;";

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
    key_hex: String,
    writer: Mutex<Writer>,
    readers: Mutex<Vec<Connection>>,
    now: TimeSource,
    /// The administrative units in force: imported ones if any, else the bundled list.
    admin_units: std::sync::RwLock<Option<Arc<AdminUnits>>>,
    pub(crate) sync_interrupted: std::sync::atomic::AtomicBool,
    _checkpointer: checkpoint::Checkpointer,
}

pub(crate) struct Writer {
    pub(crate) conn: Connection,
    pub(crate) clock: Clock,
    pub(crate) identity: Identity,
}

impl Store {
    /// Opens (or creates) the store at `path` with a 32-byte key given as 64 hex characters.
    pub fn open(path: impl AsRef<Path>, key_hex: &str) -> Result<Store> {
        Store::open_with_time(path, key_hex, Arc::new(crate::hlc::system_now_millis))
    }

    pub fn open_with_time(path: impl AsRef<Path>, key_hex: &str, now: TimeSource) -> Result<Store> {
        if key_hex.len() != 64 || !key_hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::invalid(
                "Khóa mã hóa phải gồm đúng 64 ký tự thập lục phân (32 byte).",
                "The encryption key must be exactly 64 hexadecimal characters (32 bytes).",
            ));
        }
        let path = path.as_ref().to_path_buf();
        let mut conn = open_connection(&path, key_hex, false)?;
        migrate(&conn)?;
        let checkpointer =
            checkpoint::Checkpointer::start(&mut conn, open_connection(&path, key_hex, false)?)?;
        let identity = load_or_create_identity(&conn)?;
        let clock = match meta_get(&conn, "last_hlc")?.and_then(|t| Hlc::decode(&t)) {
            Some(last) => Clock::resume(last),
            None => Clock::new(node_of(&identity.device_id)),
        };
        Ok(Store {
            path,
            key_hex: key_hex.to_ascii_lowercase(),
            writer: Mutex::new(Writer {
                conn,
                clock,
                identity,
            }),
            readers: Mutex::new(Vec::new()),
            now,
            admin_units: std::sync::RwLock::new(None),
            sync_interrupted: std::sync::atomic::AtomicBool::new(false),
            _checkpointer: checkpointer,
        })
    }

    pub fn now_millis(&self) -> u64 {
        (self.now)()
    }

    pub fn identity(&self) -> Identity {
        self.lock_writer().identity.clone()
    }

    /// Records who uses this device from now on (after enrollment). Ops keep the author they were made with.
    pub fn set_user(&self, user_id: &str) -> Result<()> {
        let mut writer = self.lock_writer();
        meta_set(&writer.conn, "user_id", user_id)?;
        writer.identity.user_id = Some(user_id.to_string());
        Ok(())
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        self.read(|conn| meta_get(conn, key))
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        meta_set(&self.lock_writer().conn, key, value)
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
            None => open_connection(&self.path, &self.key_hex, true)?,
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
    /// The administrative units in force on this device.
    pub fn admin_units(&self) -> Result<Arc<AdminUnits>> {
        if let Some(units) = self
            .admin_units
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
        {
            return Ok(units);
        }
        let loaded = self.read(|conn| {
            let Some(version) = meta_get(conn, META_ADMIN_UNITS_VERSION)? else {
                return Ok(AdminUnits::builtin());
            };
            let complete = meta_get(conn, META_ADMIN_UNITS_COMPLETE)?.as_deref() != Some("0");
            load_admin_units(conn, version, complete)
        })?;
        let loaded = Arc::new(loaded);
        *self.admin_units.write().unwrap_or_else(|p| p.into_inner()) = Some(loaded.clone());
        Ok(loaded)
    }

    /// Erases every record, op and credential on this device (a revoked device). The empty, still
    /// encrypted file stays, so the app can enroll again.
    pub fn wipe(&self) -> Result<()> {
        let mut writer = self.lock_writer();
        let tx = writer.conn.transaction()?;
        tx.execute_batch(
            "DELETE FROM record; DELETE FROM op; DELETE FROM person_key;
             DELETE FROM search_index; DELETE FROM search_doc; DELETE FROM case_summary;
             DELETE FROM meta WHERE key NOT IN ('device_id', 'last_hlc');",
        )?;
        tx.commit()?;
        writer.conn.execute_batch("VACUUM;")?;
        writer.identity.user_id = None;
        Ok(())
    }

    /// Replaces the administrative units kept on this device (a newer official list).
    pub fn import_admin_units(&self, units: &AdminUnits) -> Result<()> {
        {
            let mut writer = self.lock_writer();
            let tx = writer.conn.transaction()?;
            tx.execute("DELETE FROM admin_unit", [])?;
            {
                let mut insert = tx.prepare(
                    "INSERT INTO admin_unit (code, level, name, kind, province_code) VALUES (?1, ?2, ?3, ?4, ?5)",
                )?;
                for p in units.provinces.values() {
                    insert.execute(rusqlite::params![
                        p.code,
                        "province",
                        p.name,
                        p.kind,
                        Option::<String>::None
                    ])?;
                }
                for c in units.communes.values() {
                    insert.execute(rusqlite::params![
                        c.code,
                        "commune",
                        c.name,
                        c.kind,
                        c.province_code
                    ])?;
                }
            }
            meta_set(&tx, META_ADMIN_UNITS_VERSION, &units.version)?;
            meta_set(
                &tx,
                META_ADMIN_UNITS_COMPLETE,
                if units.complete { "1" } else { "0" },
            )?;
            tx.commit()?;
        }
        *self.admin_units.write().unwrap_or_else(|p| p.into_inner()) =
            Some(Arc::new(units.clone()));
        Ok(())
    }
}

/// Reads the imported administrative units back from their rows, as they were imported.
fn load_admin_units(conn: &Connection, version: String, complete: bool) -> Result<AdminUnits> {
    let mut units = AdminUnits {
        version,
        complete,
        provinces: Default::default(),
        communes: Default::default(),
    };
    let mut stmt = conn.prepare("SELECT code, level, name, kind, province_code FROM admin_unit")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let (code, level, name, kind): (String, String, String, String) =
            (row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?);
        match (level.as_str(), row.get::<_, Option<String>>(4)?) {
            ("province", _) => {
                units
                    .provinces
                    .insert(code.clone(), Province { code, name, kind });
            }
            ("commune", Some(province_code)) => {
                let commune = Commune {
                    code: code.clone(),
                    name,
                    kind,
                    province_code,
                };
                units.communes.insert(code, commune);
            }
            _ => {
                return Err(Error::Corrupt {
                    detail: "a stored administrative unit has no valid level or province".into(),
                });
            }
        }
    }
    Ok(units)
}

/// The node of a device's HLC: 64 bits of its id, so ties between devices break the same way everywhere.
pub fn node_of(device_id: &str) -> u64 {
    let hex: String = device_id.chars().filter(char::is_ascii_hexdigit).collect();
    let tail = &hex[hex.len().saturating_sub(16)..];
    u64::from_str_radix(tail, 16).unwrap_or(0)
}

/// Runs SQLCipher's initialisation to completion before the first connection of the process.
///
/// SQLite marks itself initialised before it calls SQLCipher's initialiser, so a connection opened on
/// another thread in that window had its key refused ("An error occurred with PRAGMA key"): an app
/// opening its store from the UI and from a background sync at the same start could fail to open.
/// The initialiser is idempotent and holds SQLite's main mutex, so calling it ourselves makes every
/// caller wait until SQLCipher is ready.
fn ensure_sqlcipher_initialised() -> Result<()> {
    unsafe extern "C" {
        fn sqlcipher_extra_init(arg: *const std::ffi::c_char) -> std::ffi::c_int;
    }
    static OUTCOME: std::sync::OnceLock<std::ffi::c_int> = std::sync::OnceLock::new();
    // SAFETY: both are SQLite's documented thread-safe initialisers; SQLCipher's takes no argument
    // (it ignores it) and must run after SQLite's, which sets up the mutexes it uses.
    let rc = *OUTCOME.get_or_init(|| unsafe {
        match rusqlite::ffi::sqlite3_initialize() {
            rusqlite::ffi::SQLITE_OK => sqlcipher_extra_init(std::ptr::null()),
            failed => failed,
        }
    });
    if rc == rusqlite::ffi::SQLITE_OK {
        Ok(())
    } else {
        Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rc),
            Some("SQLCipher could not initialise".into()),
        )
        .into())
    }
}

fn open_connection(path: &Path, key_hex: &str, read_only: bool) -> Result<Connection> {
    ensure_sqlcipher_initialised()?;
    let flags = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI
    };
    let conn = Connection::open_with_flags(path, flags)?;
    // The key is validated hex, so formatting it into the pragma cannot inject SQL.
    conn.execute_batch(&format!("PRAGMA key = \"x'{key_hex}'\"; {CIPHER_SETTINGS}"))?;
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| {
        row.get::<_, i64>(0)
    }) {
        Ok(_) => {}
        // SQLCipher reports a page that fails its HMAC as "not a database", or as a plain error when
        // the codec's own error surfaces first: either way the key does not open this file.
        Err(rusqlite::Error::SqliteFailure(e, _))
            if matches!(
                e.code,
                rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::Unknown
            ) =>
        {
            return Err(Error::WrongKeyOrNotADatabase);
        }
        Err(rusqlite::Error::SqliteFailure(e, detail))
            if e.code == rusqlite::ErrorCode::DatabaseCorrupt =>
        {
            return Err(Error::Corrupt {
                detail: detail.unwrap_or_default(),
            });
        }
        Err(other) => return Err(other.into()),
    }
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    if !read_only {
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")?;
    }
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

fn migrate(conn: &Connection) -> Result<()> {
    let found: u32 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(Error::NewerSchema {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let version = index as u32 + 1;
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(sql)?;
        tx.execute_batch(&format!("PRAGMA user_version = {version};"))?;
        tx.commit()?;
    }
    Ok(())
}

fn load_or_create_identity(conn: &Connection) -> Result<Identity> {
    let device_id = match meta_get(conn, "device_id")? {
        Some(id) => id,
        None => {
            let id = uuid::Uuid::now_v7().to_string();
            meta_set(conn, "device_id", &id)?;
            id
        }
    };
    Ok(Identity {
        device_id,
        user_id: meta_get(conn, "user_id")?,
    })
}

pub(crate) fn meta_get(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row([key], |row| row.get(0))
        .optional()?)
}

pub(crate) fn meta_set(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2",
    )?
    .execute([key, value])?;
    Ok(())
}
