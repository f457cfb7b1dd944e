//! Opening a connection: encrypted with a raw 32-byte key (SQLCipher), in WAL mode, after SQLCipher's
//! own initialiser has finished.

use crate::{Error, Result};
pub use rusqlite::Connection;
use rusqlite::OpenFlags;
use std::path::Path;
use std::time::Duration;

/// How the file is encrypted beyond the key, set on every connection right after it. Pages are
/// authenticated with HMAC-SHA256 rather than SQLCipher's default SHA-512: as strong for this purpose,
/// and computed by the SHA-256 instructions of current phones (ARMv8) and servers, which made merging
/// a first pull about a tenth faster here.
pub const CIPHER_SETTINGS: &str = "PRAGMA cipher_hmac_algorithm = HMAC_SHA256;";

/// A raw 32-byte database key, held as 64 lowercase hex characters.
#[derive(Clone, PartialEq, Eq)]
pub struct Key(String);

impl Key {
    /// Accepts exactly 64 hexadecimal characters; `None` otherwise.
    pub fn from_hex(hex: &str) -> Option<Key> {
        (hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| Key(hex.to_ascii_lowercase()))
    }

    pub fn hex(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(…)")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    ReadWrite,
    ReadOnly,
}

/// Opens `path` with `key`: a wrong key or a file that is not a database is
/// [`Error::WrongKeyOrNotADatabase`], and nothing is written to it.
pub fn open(path: &Path, key: &Key, access: Access, busy: Duration) -> Result<Connection> {
    ensure_sqlcipher_initialised()?;
    let flags = OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI
        | match access {
            Access::ReadOnly => OpenFlags::SQLITE_OPEN_READ_ONLY,
            Access::ReadWrite => OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        };
    let conn = Connection::open_with_flags(path, flags)?;
    // The key is validated hex, so formatting it into the pragma cannot inject SQL.
    conn.execute_batch(&format!(
        "PRAGMA key = \"x'{}'\"; {CIPHER_SETTINGS}",
        key.hex()
    ))?;
    check_key(&conn)?;
    conn.busy_timeout(busy)?;
    if access == Access::ReadWrite {
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")?;
    }
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

/// Reads the schema, which fails if the key does not open the file.
fn check_key(conn: &Connection) -> Result<()> {
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| {
        row.get::<_, i64>(0)
    }) {
        Ok(_) => Ok(()),
        // SQLCipher reports a page that fails its HMAC as "not a database", or as a plain error when
        // the codec's own error surfaces first: either way the key does not open this file.
        Err(rusqlite::Error::SqliteFailure(e, _))
            if matches!(
                e.code,
                rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::Unknown
            ) =>
        {
            Err(Error::WrongKeyOrNotADatabase)
        }
        Err(rusqlite::Error::SqliteFailure(e, detail))
            if e.code == rusqlite::ErrorCode::DatabaseCorrupt =>
        {
            Err(Error::Corrupt {
                detail: detail.unwrap_or_default(),
            })
        }
        Err(other) => Err(other.into()),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: char) -> Key {
        Key::from_hex(&byte.to_string().repeat(64)).expect("64 hex characters")
    }

    #[test]
    fn a_key_is_exactly_64_hex_characters() {
        assert!(Key::from_hex(&"a".repeat(64)).is_some());
        assert!(Key::from_hex(&"a".repeat(63)).is_none());
        assert!(Key::from_hex(&"g".repeat(64)).is_none());
        assert_eq!(format!("{:?}", key('a')), "Key(…)");
    }

    #[test]
    fn a_file_opened_with_another_key_is_refused_and_left_as_it_was() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("db");
        let conn = open(&path, &key('a'), Access::ReadWrite, Duration::from_secs(1))
            .expect("a new file opens");
        conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (42);")
            .expect("writes");
        drop(conn);
        let before = std::fs::read(&path).expect("file");
        assert!(
            !before.starts_with(b"SQLite format 3"),
            "the file is encrypted"
        );
        let wrong = open(&path, &key('b'), Access::ReadWrite, Duration::from_secs(1));
        assert!(matches!(wrong, Err(Error::WrongKeyOrNotADatabase)));
        assert_eq!(std::fs::read(&path).expect("file"), before);
    }
}
