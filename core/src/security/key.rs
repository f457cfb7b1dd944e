//! The database key. The platform keystore keeps it; the core only makes it.
//!
//! Contract with the platforms (android/README.md, ios/README.md):
//! 1. On the first launch the app calls `new_database_key()`: 32 bytes from the operating system's
//!    random source, as 64 hexadecimal characters. The core keeps no copy.
//! 2. The app wraps it at once with a key that never leaves the platform keystore (Android Keystore:
//!    an AES-256-GCM key; iOS: a Keychain item `kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly`) and
//!    stores only the wrapped bytes.
//! 3. On every launch (and in the background sync worker) the app unwraps it and passes it to
//!    `HosoCore.open(path, key)`. A wrong key opens nothing and changes nothing (`WrongKey`).
//! 4. The key stays the same for the life of the installation; the PIN does not derive it, so the
//!    background sync runs while the app is locked.

use crate::error::{Error, Result};
use std::fmt::Write;

/// Bytes of a SQLCipher raw key.
pub const KEY_BYTES: usize = 32;

/// A new database key from the operating system's random source, as 64 hexadecimal characters.
pub fn new_database_key() -> Result<String> {
    let mut key = [0u8; KEY_BYTES];
    getrandom::fill(&mut key).map_err(|e| Error::Io(std::io::Error::other(e.to_string())))?;
    let mut text = String::with_capacity(KEY_BYTES * 2);
    for byte in key {
        write!(text, "{byte:02x}").expect("writing to a String cannot fail");
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_64_hex_characters_and_never_repeat() {
        let first = new_database_key().unwrap();
        let second = new_database_key().unwrap();
        assert_eq!(first.len(), 64);
        assert!(first.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(first, second);
    }
}
