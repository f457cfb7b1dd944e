//! The key that encrypts the server's embedded database (SQLCipher): from `HOSO_SERVER_KEY` (64 hex
//! characters) when set, else from `server.key` in the data folder, created on first start with
//! owner-only permissions. A copied data folder without its key reveals nothing; keep the key file
//! out of backups of the database (or back it up apart, like any secret).

use hoso_sqlite::connection::Key;
use rand::RngCore;
use std::path::Path;

pub const ENV: &str = "HOSO_SERVER_KEY";
pub const FILE: &str = "server.key";

/// The database key for this data folder.
pub fn load_or_create(data: &Path) -> Result<Key, String> {
    if let Ok(hex) = std::env::var(ENV) {
        return Key::from_hex(hex.trim())
            .ok_or_else(|| format!("{ENV} must be 64 hexadecimal characters (32 bytes)"));
    }
    let path = data.join(FILE);
    match std::fs::read_to_string(&path) {
        Ok(hex) => Key::from_hex(hex.trim()).ok_or_else(|| {
            format!(
                "{} is damaged: it must hold 64 hexadecimal characters",
                path.display()
            )
        }),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => create(&path),
        Err(error) => Err(format!("cannot read {}: {error}", path.display())),
    }
}

fn create(path: &Path) -> Result<Key, String> {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    write_owner_only(path, &hex).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    Key::from_hex(&hex).ok_or_else(|| "a new key is always 64 hex characters".to_string())
}

#[cfg(unix)]
fn write_owner_only(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_owner_only(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_created_once_with_owner_only_permissions_and_read_back() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let first = load_or_create(dir.path()).expect("created");
        let again = load_or_create(dir.path()).expect("read back");
        assert_eq!(first, again);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(FILE))
                .expect("key file")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_damaged_key_file_is_reported_not_replaced() {
        let dir = tempfile::tempdir().expect("temporary folder");
        std::fs::write(dir.path().join(FILE), "not a key").expect("write");
        let error = load_or_create(dir.path()).expect_err("damaged");
        assert!(error.contains("damaged"));
        assert_eq!(
            std::fs::read_to_string(dir.path().join(FILE)).expect("kept"),
            "not a key"
        );
    }
}
