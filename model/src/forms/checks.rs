//! Checks on identity data that every form and the domain share. Messages never repeat the value
//! (it is personal data); they say what is wrong and how to fix it.

use super::Issue;
use crate::i18n::Localized;
use chrono::{Datelike, NaiveDate};

fn issue(code: &str, vi: &str, en: &str) -> Issue {
    Issue {
        field: String::new(),
        code: code.to_string(),
        message: Localized::new(vi, en),
    }
}

/// The number of an identity card: TT 02/2020 Điều 4.1.a asks for the "số chứng minh thư nhân dân
/// hoặc số thẻ căn cước công dân", so both are taken.
///
/// - Chứng minh nhân dân (the older card, still held by many elderly people): 9 digits, no structure
///   that can be checked.
/// - Căn cước công dân (Thông tư 59/2021/TT-BCA Điều 7): 12 digits — 3 for the province where the
///   birth was registered (001–096), 1 for sex and century of birth, 2 for the year of birth, 6 random.
///   When the birth date or sex is known, it must agree with them.
pub fn check_citizen_id(
    text: &str,
    birth: Option<NaiveDate>,
    sex: Option<&str>,
) -> Result<String, Issue> {
    let digits: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.' && *c != '-')
        .collect();
    let all_digits = digits.bytes().all(|b| b.is_ascii_digit());
    if digits.len() == 9 && all_digits {
        return Ok(digits);
    }
    if digits.len() != 12 || !all_digits {
        return Err(issue(
            "citizen_id_format",
            "Số CMND gồm 9 chữ số, số căn cước công dân gồm 12 chữ số.",
            "An identity card number (CMND) has 9 digits, a citizen ID (CCCD) 12.",
        ));
    }
    let province: u32 = digits[0..3].parse().unwrap_or(0);
    if !(1..=96).contains(&province) {
        return Err(issue(
            "citizen_id_province",
            "Ba số đầu của số căn cước (mã nơi đăng ký khai sinh) phải từ 001 đến 096.",
            "The first three digits of a citizen ID (birth registration province) must be 001 to 096.",
        ));
    }
    let sex_century = u32::from(digits.as_bytes()[3] - b'0');
    let female = sex_century % 2 == 1;
    let century_start = 1900 + (sex_century / 2) as i32 * 100;
    let year_digits: i32 = digits[4..6].parse().unwrap_or(0);
    if let Some(birth) = birth
        && birth.year() != century_start + year_digits
    {
        return Err(issue(
            "citizen_id_birth_year",
            "Số căn cước không khớp với năm sinh (chữ số thứ 4 đến 6 mã hóa thế kỷ và năm sinh).",
            "The citizen ID does not match the year of birth (digits 4 to 6 encode century and year).",
        ));
    }
    match sex {
        Some("male") if female => Err(issue(
            "citizen_id_sex",
            "Số căn cước không khớp với giới tính (chữ số thứ 4 lẻ là nữ, chẵn là nam).",
            "The citizen ID does not match the sex (an odd 4th digit means female, even male).",
        )),
        Some("female") if !female => Err(issue(
            "citizen_id_sex",
            "Số căn cước không khớp với giới tính (chữ số thứ 4 lẻ là nữ, chẵn là nam).",
            "The citizen ID does not match the sex (an odd 4th digit means female, even male).",
        )),
        _ => Ok(digits),
    }
}

/// A Vietnamese phone number, normalised to the national form: mobiles have 10 digits and start
/// with 03, 05, 07, 08 or 09; landlines have 11 digits and start with 02. `+84`/`84` become `0`.
pub fn check_phone(text: &str) -> Result<String, Issue> {
    let trimmed = text.trim();
    let mut digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    let only_phone_chars = trimmed
        .chars()
        .all(|c| c.is_ascii_digit() || " .-()+".contains(c));
    if let Some(rest) = digits
        .strip_prefix("84")
        .filter(|r| r.len() >= 9 && !r.starts_with('0'))
    {
        digits = format!("0{rest}");
    }
    let mobile = digits.len() == 10
        && ["03", "05", "07", "08", "09"]
            .iter()
            .any(|p| digits.starts_with(p));
    let landline = digits.len() == 11 && digits.starts_with("02");
    if only_phone_chars && (mobile || landline) {
        Ok(digits)
    } else {
        Err(issue(
            "phone_format",
            "Số điện thoại không hợp lệ: di động gồm 10 số bắt đầu bằng 03, 05, 07, 08, 09; cố định gồm 11 số bắt đầu bằng 02.",
            "Invalid phone number: mobiles have 10 digits starting 03, 05, 07, 08 or 09; landlines 11 digits starting 02.",
        ))
    }
}

/// A plausible date of birth: not in the future and not more than 120 years ago.
pub fn check_birth_date(birth: NaiveDate, today: NaiveDate) -> Result<(), Issue> {
    if birth > today {
        return Err(issue(
            "birth_date_in_future",
            "Ngày sinh không thể ở tương lai.",
            "A date of birth cannot be in the future.",
        ));
    }
    if today.year() - birth.year() > 120 {
        return Err(issue(
            "birth_date_implausible",
            "Ngày sinh quá xa (hơn 120 năm trước): hãy kiểm tra lại năm sinh.",
            "The date of birth is more than 120 years ago: check the year.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_citizen_id_must_have_12_digits_and_agree_with_birth_year_and_sex() {
        assert_eq!(
            check_citizen_id("079 1 90 123456", Some(day("1990-04-02")), Some("female")).unwrap(),
            "079190123456"
        );
        assert_eq!(
            check_citizen_id("07919012345", None, None)
                .unwrap_err()
                .code,
            "citizen_id_format"
        );
        assert_eq!(
            check_citizen_id("07919012345x", None, None)
                .unwrap_err()
                .code,
            "citizen_id_format"
        );
        assert_eq!(
            check_citizen_id("000190123456", None, None)
                .unwrap_err()
                .code,
            "citizen_id_province"
        );
        let wrong_year =
            check_citizen_id("079190123456", Some(day("1991-04-02")), None).unwrap_err();
        assert_eq!(wrong_year.code, "citizen_id_birth_year");
        assert!(
            !wrong_year.message.vi.contains("079190123456"),
            "messages never echo the number"
        );
        assert_eq!(
            check_citizen_id("079090123456", Some(day("1990-01-01")), Some("female"))
                .unwrap_err()
                .code,
            "citizen_id_sex"
        );
        assert!(check_citizen_id("001310123456", Some(day("2010-03-03")), Some("female")).is_ok());
    }

    #[test]
    fn an_old_nine_digit_identity_card_is_accepted_beside_the_citizen_id() {
        assert_eq!(
            check_citizen_id("025 123 456", Some(day("1948-03-12")), Some("female")).unwrap(),
            "025123456"
        );
        assert_eq!(
            check_citizen_id("02512345", None, None).unwrap_err().code,
            "citizen_id_format"
        );
    }

    #[test]
    fn phones_are_normalised_and_checked() {
        assert_eq!(check_phone("+84 912 345 678").unwrap(), "0912345678");
        assert_eq!(check_phone("0912.345.678").unwrap(), "0912345678");
        assert_eq!(check_phone("84 912345678").unwrap(), "0912345678");
        assert_eq!(check_phone("024 3825 1234").unwrap(), "02438251234");
        for bad in [
            "0123456789",
            "091234567",
            "09123456789",
            "phone 0912345678",
            "0612345678",
        ] {
            let error = check_phone(bad).unwrap_err();
            assert_eq!(error.code, "phone_format", "{bad}");
            assert!(error.message.vi.contains("di động"));
        }
    }

    #[test]
    fn birth_dates_must_be_plausible() {
        let today = day("2026-11-22");
        assert!(check_birth_date(day("1950-01-01"), today).is_ok());
        assert_eq!(
            check_birth_date(day("2027-01-01"), today).unwrap_err().code,
            "birth_date_in_future"
        );
        assert_eq!(
            check_birth_date(day("1890-01-01"), today).unwrap_err().code,
            "birth_date_implausible"
        );
    }
}
