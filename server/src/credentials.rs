//! Secrets the server hands out — device tokens, admin tokens, enrollment codes — and how they are
//! kept: only their SHA-256 is stored, so a copied database gives nobody a working credential.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// The stored form of a secret.
pub fn hash(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A bearer token of `bytes` random bytes, as hex.
pub fn random_token(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buffer);
    buffer.iter().map(|b| format!("{b:02x}")).collect()
}

const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// A code a person can read aloud or type: 12 characters without look-alikes (0/O, 1/I/L), grouped
/// by four.
pub fn enrollment_code() -> String {
    let mut chars = String::with_capacity(14);
    let mut rng = rand::rng();
    for index in 0..12 {
        if index > 0 && index % 4 == 0 {
            chars.push('-');
        }
        // Rejection sampling keeps every character equally likely.
        let limit = 256 - 256 % CODE_ALPHABET.len() as u32;
        let byte = loop {
            let candidate = rng.next_u32() & 0xff;
            if candidate < limit {
                break candidate;
            }
        };
        chars.push(CODE_ALPHABET[byte as usize % CODE_ALPHABET.len()] as char);
    }
    chars
}

/// A code as typed: spaces trimmed, letters upper-cased.
pub fn normalise_code(code: &str) -> String {
    code.trim().to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_three_groups_of_four_readable_characters() {
        let code = enrollment_code();
        assert_eq!(code.len(), 14);
        let groups: Vec<&str> = code.split('-').collect();
        assert_eq!(groups.len(), 3);
        assert!(
            code.bytes()
                .all(|b| b == b'-' || CODE_ALPHABET.contains(&b))
        );
        assert_ne!(enrollment_code(), code);
    }

    #[test]
    fn a_code_typed_in_lower_case_with_spaces_is_the_same_code() {
        assert_eq!(
            hash(&normalise_code(" abcd-efgh-jkmn ")),
            hash("ABCD-EFGH-JKMN")
        );
    }
}
