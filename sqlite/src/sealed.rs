//! Files kept beside an encrypted database (photos on a phone, photo blobs on the server), encrypted
//! with a key derived from the database's own key, so that one secret opens both and a copied folder
//! without it reveals nothing.
//!
//! A sealed file is `1 (format) | 12-byte random nonce | ChaCha20-Poly1305 ciphertext and tag`. The
//! caller's `context` (a file's name, an object's path) is authenticated with it: a sealed file moved to
//! another name does not open. Keys are derived with HKDF-SHA256, one per purpose, so the database key is
//! never used for anything else.

use crate::connection::Key;
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::hkdf::{HKDF_SHA256, Salt};
use ring::rand::{SecureRandom, SystemRandom};

const FORMAT: u8 = 1;
/// Bytes a sealed file has beyond its content.
pub const OVERHEAD: usize = 1 + NONCE_LEN + 16;

/// A key for sealing files, derived from a database key for one purpose.
pub struct SealKey(LessSafeKey);

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealKey(…)")
    }
}

/// A sealed file that does not open: damaged, cut short, moved, or sealed with another key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the sealed file is damaged or was sealed with another key")]
pub struct Unsealable;

impl SealKey {
    /// The key for `purpose` (e.g. `"hoso photo files v1"`): the same database key and purpose always
    /// give the same key; another purpose gives an unrelated one.
    pub fn derive(key: &Key, purpose: &str) -> SealKey {
        let secret = decode_hex(key.hex());
        let prk = Salt::new(HKDF_SHA256, b"hoso sealed files").extract(&secret);
        let info = [purpose.as_bytes()];
        let okm = prk
            .expand(&info, &CHACHA20_POLY1305)
            .expect("a 32-byte output is within HKDF-SHA256's limit");
        SealKey(LessSafeKey::new(UnboundKey::from(okm)))
    }

    /// Encrypts `content`, binding it to `context`.
    pub fn seal(&self, content: &[u8], context: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .expect("the operating system's random source is available");
        let mut sealed = Vec::with_capacity(content.len() + OVERHEAD);
        sealed.push(FORMAT);
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(content);
        let tag = self
            .0
            .seal_in_place_separate_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(context),
                &mut sealed[1 + NONCE_LEN..],
            )
            .expect("ChaCha20-Poly1305 seals any length a process can hold");
        sealed.extend_from_slice(tag.as_ref());
        sealed
    }

    /// Decrypts what [`SealKey::seal`] made with this key and `context`.
    pub fn open(&self, sealed: &[u8], context: &[u8]) -> Result<Vec<u8>, Unsealable> {
        if sealed.len() < OVERHEAD || sealed[0] != FORMAT {
            return Err(Unsealable);
        }
        let nonce =
            Nonce::try_assume_unique_for_key(&sealed[1..1 + NONCE_LEN]).map_err(|_| Unsealable)?;
        let mut content = sealed[1 + NONCE_LEN..].to_vec();
        let plain_len = self
            .0
            .open_in_place(nonce, Aad::from(context), &mut content)
            .map_err(|_| Unsealable)?
            .len();
        content.truncate(plain_len);
        Ok(content)
    }
}

fn decode_hex(hex: &str) -> Vec<u8> {
    hex.as_bytes()
        .chunks(2)
        .map(|pair| {
            let digit = |b: u8| (b as char).to_digit(16).unwrap_or(0) as u8;
            digit(pair[0]) << 4 | digit(pair[1])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: char) -> Key {
        Key::from_hex(&byte.to_string().repeat(64)).expect("64 hex characters")
    }

    #[test]
    fn a_sealed_file_opens_with_its_key_and_context_only() {
        let photos = SealKey::derive(&key('a'), "photos");
        let content = b"\xff\xd8 a jpeg";
        let sealed = photos.seal(content, b"abc.jpg");
        assert_eq!(sealed.len(), content.len() + OVERHEAD);
        assert!(!sealed.windows(6).any(|w| w == b"a jpeg"), "encrypted");
        assert_eq!(
            photos.open(&sealed, b"abc.jpg").expect("opens"),
            b"\xff\xd8 a jpeg"
        );
        assert_eq!(photos.open(&sealed, b"other.jpg"), Err(Unsealable));
        let same = SealKey::derive(&key('a'), "photos");
        assert!(same.open(&sealed, b"abc.jpg").is_ok(), "derived again");
        for other in [
            SealKey::derive(&key('b'), "photos"),
            SealKey::derive(&key('a'), "blobs"),
        ] {
            assert_eq!(other.open(&sealed, b"abc.jpg"), Err(Unsealable));
        }
    }

    #[test]
    fn damage_anywhere_is_refused() {
        let seal = SealKey::derive(&key('c'), "photos");
        let sealed = seal.seal(&[7u8; 100], b"x");
        for at in [0, 5, 20, sealed.len() - 1] {
            let mut damaged = sealed.clone();
            damaged[at] ^= 1;
            assert_eq!(seal.open(&damaged, b"x"), Err(Unsealable), "byte {at}");
        }
        assert_eq!(
            seal.open(&sealed[..sealed.len() - 1], b"x"),
            Err(Unsealable)
        );
        assert_eq!(seal.open(&[], b"x"), Err(Unsealable));
        assert_ne!(
            seal.seal(&[7u8; 100], b"x"),
            sealed,
            "a fresh nonce each time"
        );
    }
}
