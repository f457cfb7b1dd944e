//! The case file's rules, as pure functions over records (field maps): no storage, no network.
//!
//! - [`lifecycle`]: the five steps of TT 02/2020 Điều 3 as statuses and the transitions the law allows;
//! - [`closure`]: the 12 closure triggers of Điều 8.3.a;
//! - [`referral`], [`consent`]: referral status and the consent to share (Điều 9.2, Luật 91/2025);
//! - [`followup`]: tasks derived from case state, today's date and [`config::Config`];
//! - [`timeline`]: a case's history in order; [`history`]: every change to every field from the audit
//!   trail, with what became of each value;
//! - [`oversight`]: the figures approvers and provincial officers watch; [`report`]: the periodic
//!   reports (TT 02/2020 Điều 7.3.a, 11, 12);
//! - [`identity`], [`editing`]: checks on a person's identity, and what may be recorded now;
//! - [`options`]: what a user may do on a case now and why not, and the step each form belongs to;
//! - [`photos`]: what a photo attaches to, and when it is sensitive data.

pub mod closure;
pub mod config;
pub mod consent;
pub mod editing;
pub mod followup;
pub mod history;
pub mod identity;
pub mod lifecycle;
pub mod options;
pub mod oversight;
pub mod photos;
pub mod referral;
pub mod report;
pub mod reporting;
pub mod snapshot;
pub mod stored_day;
pub mod timeline;

/// Form ids of TT 02/2020's annex and hoso's own records.
pub mod form_ids {
    pub const INFORMATION: &str = "TT02-M01";
    pub const NEEDS_ASSESSMENT: &str = "TT02-M02";
    pub const ELIGIBILITY: &str = "TT02-M03";
    pub const PLAN: &str = "TT02-M04";
    pub const PROGRESS: &str = "TT02-M05";
    pub const CLOSURE: &str = "TT02-M06";
    pub const HANDOVER: &str = "TT02-HANDOVER";
    pub const REFERRAL: &str = "HOSO-REFERRAL";
    pub const CONSENT: &str = "HOSO-CONSENT";
    /// A data subject's request about their data (Luật 91/2025/QH15).
    pub const DATA_REQUEST: &str = "HOSO-DSR";
}

/// Parses an ISO date field value.
pub fn date_of(value: Option<&serde_json::Value>) -> Option<chrono::NaiveDate> {
    value
        .and_then(serde_json::Value::as_str)
        .and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
}

/// A day as people write it in Vietnam, and as the law's documents do: dd/mm/yyyy (in both
/// languages). Written by hand for the years people live in: chrono's `format` parses its pattern on
/// every call, and oversight writes a day into every one of a province's hundred thousand lines.
pub fn day_text(day: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    if (0..=9999).contains(&day.year()) {
        format!("{:02}/{:02}/{:04}", day.day(), day.month(), day.year())
    } else {
        day.format("%d/%m/%Y").to_string()
    }
}

/// Whole years between a birth date and a day.
pub fn age_on(birth: chrono::NaiveDate, day: chrono::NaiveDate) -> i32 {
    use chrono::Datelike;
    let mut years = day.year() - birth.year();
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}

/// The day a person reaches `age` (29 February birthdays fall on 1 March in common years).
pub fn birthday_at(birth: chrono::NaiveDate, age: u8) -> chrono::NaiveDate {
    use chrono::Datelike;
    let year = birth.year() + i32::from(age);
    chrono::NaiveDate::from_ymd_opt(year, birth.month(), birth.day())
        .or_else(|| chrono::NaiveDate::from_ymd_opt(year, 3, 1))
        .expect("1 March exists every year")
}

/// The local date (Vietnam, UTC+7) of an instant in Unix milliseconds: the day the law's dates count in.
pub fn local_date(millis: u64) -> chrono::NaiveDate {
    let offset = chrono::FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset");
    chrono::DateTime::from_timestamp_millis(i64::try_from(millis).unwrap_or(i64::MAX))
        .map(|t| t.with_timezone(&offset).date_naive())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::day_text;
    use chrono::NaiveDate;

    #[test]
    fn a_day_is_written_dd_mm_yyyy_as_chrono_writes_it() {
        for (y, m, d) in [
            (2026, 1, 5),
            (2025, 12, 31),
            (1950, 7, 9),
            (2000, 2, 29),
            (12345, 6, 7),
            (-5, 1, 1),
        ] {
            let day = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(day_text(day), day.format("%d/%m/%Y").to_string());
        }
        assert_eq!(
            day_text(NaiveDate::from_ymd_opt(2026, 3, 4).unwrap()),
            "04/03/2026"
        );
    }
}
