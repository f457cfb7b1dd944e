//! Folding Vietnamese text for search: "Nguyễn Văn Đức" → "nguyen van duc".
//!
//! SQLite's `remove_diacritics` never folds đ/Đ (they have no Unicode decomposition), so folding happens
//! here, before indexing and before querying.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Lowercase, without tone or vowel marks, đ → d, runs of non-alphanumerics turned into one space.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            other => other,
        };
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else {
            pending_space = true;
        }
    }
    out
}

/// Keeps only the digits: "+84 912-345-678" → "84912345678", for matching ID and phone numbers.
pub fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_every_vietnamese_mark_and_the_letter_d() {
        assert_eq!(fold("Nguyễn Văn Đức"), "nguyen van duc");
        assert_eq!(fold("ĐẶNG THỊ HƯƠNG"), "dang thi huong");
        assert_eq!(
            fold("Phường Tân Hiệp, Hồ Chí Minh"),
            "phuong tan hiep ho chi minh"
        );
        assert_eq!(fold("Ỷ  Lan—Ưng"), "y lan ung");
    }

    #[test]
    fn precomposed_and_decomposed_input_fold_the_same() {
        let decomposed: String = "Đức".nfd().collect();
        assert_eq!(fold(&decomposed), fold("Đức"));
    }

    #[test]
    fn digits_keeps_numbers_only() {
        assert_eq!(digits("+84 912-345-678"), "84912345678");
    }
}
