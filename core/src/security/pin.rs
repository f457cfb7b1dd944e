//! The PIN that unlocks the app: what a PIN may be, and how it is kept (an argon2id hash).
//!
//! The numbers, and why:
//! - 6 to 12 digits. With attempts limited to 10, six digits leave a thief 1 chance in 100,000
//!   (four digits would leave 1 in 1,000); NIST SP 800-63B accepts six-digit secrets when attempts
//!   are limited. Digits only, because the field workers' phones show a number pad.
//! - No PIN of one repeated digit or a straight run (111111, 123456, 987654): the most common PINs,
//!   guessed first.
//! - [`MAX_FAILED_ATTEMPTS`] = 10 wrong PINs in a row wipe the local data, as iOS's "Erase Data" and
//!   common Android device policies do. Fewer would wipe a tired worker's unsynced visits too easily;
//!   more would give a thief more guesses. The count survives restarts and is reset by a right PIN.
//! - argon2id with the argon2 crate's defaults (19 MiB, 2 passes, 1 lane: OWASP's minimum), a random
//!   salt per PIN. The hash lives in the encrypted store; it is there so that a PIN reused elsewhere is
//!   not readable even by someone holding the database key.

use crate::error::{Error, Result};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use hoso_model::i18n::Localized;

pub const MIN_DIGITS: usize = 6;
pub const MAX_DIGITS: usize = 12;
/// Wrong PINs in a row after which the device's data is wiped.
pub const MAX_FAILED_ATTEMPTS: u32 = 10;

/// Checks a new PIN and its confirmation.
pub fn check_new_pin(pin: &str, confirmation: &str) -> Result<(), Localized> {
    let digits: Vec<u32> = pin.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != pin.chars().count() || !(MIN_DIGITS..=MAX_DIGITS).contains(&digits.len()) {
        return Err(Localized::new(
            format!("Mã PIN gồm từ {MIN_DIGITS} đến {MAX_DIGITS} chữ số."),
            format!("A PIN has {MIN_DIGITS} to {MAX_DIGITS} digits."),
        ));
    }
    let steps: Vec<i64> = digits
        .windows(2)
        .map(|pair| i64::from(pair[1]) - i64::from(pair[0]))
        .collect();
    let run = |step: i64| steps.iter().all(|s| *s == step);
    if run(0) || run(1) || run(-1) {
        return Err(Localized::new(
            "Mã PIN này quá dễ đoán (các số lặp lại hoặc liên tiếp): hãy chọn mã khác.",
            "This PIN is too easy to guess (repeated or consecutive digits): choose another.",
        ));
    }
    if pin != confirmation {
        return Err(Localized::new(
            "Hai lần nhập mã PIN không khớp.",
            "The two PINs you typed do not match.",
        ));
    }
    Ok(())
}

/// The argon2id hash of a PIN, in PHC string form (algorithm, parameters and salt included).
pub fn hash(pin: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| Error::Io(std::io::Error::other(e.to_string())))?;
    let salt = SaltString::encode_b64(&salt).map_err(hashing_failed)?;
    Ok(Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map_err(hashing_failed)?
        .to_string())
}

/// Whether a PIN matches a stored hash; an unreadable hash matches nothing.
pub fn matches(pin: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(pin.as_bytes(), &hash)
            .is_ok()
    })
}

fn hashing_failed(error: argon2::password_hash::Error) -> Error {
    Error::Io(std::io::Error::other(format!("PIN hashing: {error}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pin_has_six_to_twelve_digits_and_is_not_a_run() {
        assert!(check_new_pin("274915", "274915").is_ok());
        assert!(check_new_pin("274915083126", "274915083126").is_ok());
        for short_or_long in ["27491", "2749150831261", "27491a", "２７４９１５"] {
            let refusal = check_new_pin(short_or_long, short_or_long).unwrap_err();
            assert!(refusal.vi.contains("từ 6 đến 12 chữ số"), "{short_or_long}");
        }
        for easy in ["000000", "123456", "987654", "456789"] {
            let refusal = check_new_pin(easy, easy).unwrap_err();
            assert!(refusal.vi.contains("dễ đoán"), "{easy}");
        }
        let mismatch = check_new_pin("274915", "274916").unwrap_err();
        assert!(mismatch.vi.contains("không khớp"));
    }

    #[test]
    fn only_the_same_pin_matches_its_hash_and_the_hash_is_salted() {
        let stored = hash("274915").unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(!stored.contains("274915"));
        assert!(matches("274915", &stored));
        assert!(!matches("274916", &stored));
        assert!(!matches("274915", "not a hash"));
        assert_ne!(stored, hash("274915").unwrap());
    }
}
