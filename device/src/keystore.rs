//! The terminal's stand-in for the platform keystore: the database key made once by the core
//! (`new_database_key`) and kept in `<folder>/keystore.key`, readable by this user only. A phone wraps
//! the same key with a key that never leaves its hardware keystore; a terminal has none, so the
//! folder's permissions are what protect it here (see the README).

use std::fs;
use std::io::Write;
use std::path::Path;

const KEY_FILE: &str = "keystore.key";

/// The folder's database key, made on first use.
pub fn database_key(folder: &Path) -> Result<String, String> {
    let path = folder.join(KEY_FILE);
    if let Ok(key) = fs::read_to_string(&path) {
        return Ok(key.trim().to_string());
    }
    fs::create_dir_all(folder)
        .map_err(|e| format!("cannot create the folder {}: {e}", folder.display()))?;
    let key = hoso_core::ffi::new_database_key().map_err(|e| e.to_string())?;
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(&path)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    file.write_all(key.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(key)
}
