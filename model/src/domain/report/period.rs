//! The periods reports cover: a month, a quarter, a half-year or a year (TT 02/2020 Điều 7.3.a:
//! monthly, quarterly, 6-monthly and yearly; Điều 11, 12: 6-monthly and annual).

use crate::i18n::Localized;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Period {
    Month { year: i32, month: u32 },
    Quarter { year: i32, quarter: u32 },
    Half { year: i32, half: u32 },
    Year { year: i32 },
}

fn bad_period(text: &str) -> Localized {
    Localized::new(
        format!("Kỳ báo cáo “{text}” không hợp lệ: dùng 2026, 2026-H1, 2026-Q2 hoặc 2026-05."),
        format!("The period “{text}” is not valid: use 2026, 2026-H1, 2026-Q2 or 2026-05."),
    )
}

impl Period {
    /// Reads `2026` (a year), `2026-H1`/`2026-H2`, `2026-Q1`…`2026-Q4` or `2026-05` (a month).
    pub fn parse(text: &str) -> Result<Period, Localized> {
        let text = text.trim();
        let (year, rest) = text.split_once('-').unwrap_or((text, ""));
        let year: i32 = year
            .parse()
            .ok()
            .filter(|y| (2000..=2999).contains(y))
            .ok_or_else(|| bad_period(text))?;
        let number = |s: &str, max: u32| s.parse::<u32>().ok().filter(|n| (1..=max).contains(n));
        let period = match rest.as_bytes().first() {
            None => Some(Period::Year { year }),
            Some(b'H' | b'h') => number(&rest[1..], 2).map(|half| Period::Half { year, half }),
            Some(b'Q' | b'q') => {
                number(&rest[1..], 4).map(|quarter| Period::Quarter { year, quarter })
            }
            Some(_) if rest.len() == 2 => {
                number(rest, 12).map(|month| Period::Month { year, month })
            }
            Some(_) => None,
        };
        period.ok_or_else(|| bad_period(text))
    }

    /// The period's code, as [`Period::parse`] reads it.
    pub fn code(self) -> String {
        match self {
            Period::Month { year, month } => format!("{year}-{month:02}"),
            Period::Quarter { year, quarter } => format!("{year}-Q{quarter}"),
            Period::Half { year, half } => format!("{year}-H{half}"),
            Period::Year { year } => format!("{year}"),
        }
    }

    fn months(self) -> (i32, u32, u32) {
        match self {
            Period::Month { year, month } => (year, month, month),
            Period::Quarter { year, quarter } => (year, quarter * 3 - 2, quarter * 3),
            Period::Half { year, half } => (year, half * 6 - 5, half * 6),
            Period::Year { year } => (year, 1, 12),
        }
    }

    pub fn first_day(self) -> NaiveDate {
        let (year, first, _) = self.months();
        NaiveDate::from_ymd_opt(year, first, 1).expect("a parsed period's months exist")
    }

    /// The last day of the period (included).
    pub fn last_day(self) -> NaiveDate {
        let (year, _, last) = self.months();
        let next = if last == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(year, last + 1, 1)
        };
        next.and_then(|d| d.pred_opt())
            .expect("a parsed period's months exist")
    }

    pub fn contains(self, day: NaiveDate) -> bool {
        (self.first_day()..=self.last_day()).contains(&day)
    }

    /// The months of the period, for charts per month.
    pub fn month_starts(self) -> Vec<NaiveDate> {
        let (year, first, last) = self.months();
        (first..=last)
            .filter_map(|m| NaiveDate::from_ymd_opt(year, m, 1))
            .collect()
    }

    pub fn label(self) -> Localized {
        const ROMAN: [&str; 4] = ["I", "II", "III", "IV"];
        const MONTHS_EN: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        match self {
            Period::Month { year, month } => Localized::new(
                format!("Tháng {month:02}/{year}"),
                format!("{} {year}", MONTHS_EN[(month as usize).clamp(1, 12) - 1]),
            ),
            Period::Quarter { year, quarter } => Localized::new(
                format!("Quý {}/{year}", ROMAN[(quarter as usize).clamp(1, 4) - 1]),
                format!("Q{quarter} {year}"),
            ),
            Period::Half { year, half: 1 } => Localized::new(
                format!("6 tháng đầu năm {year}"),
                format!("First half of {year}"),
            ),
            Period::Half { year, .. } => Localized::new(
                format!("6 tháng cuối năm {year}"),
                format!("Second half of {year}"),
            ),
            Period::Year { year } => Localized::new(format!("Năm {year}"), format!("Year {year}")),
        }
    }

    /// The half-year a day falls in (the commune's and the province's reports are 6-monthly).
    pub fn half_of(day: NaiveDate) -> Period {
        Period::Half {
            year: day.year(),
            half: if day.month() <= 6 { 1 } else { 2 },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn every_period_the_cli_takes_parses_to_its_days() {
        let cases = [
            ("2026", "2026-01-01", "2026-12-31", "Năm 2026"),
            (
                "2026-H1",
                "2026-01-01",
                "2026-06-30",
                "6 tháng đầu năm 2026",
            ),
            (
                "2026-H2",
                "2026-07-01",
                "2026-12-31",
                "6 tháng cuối năm 2026",
            ),
            ("2026-Q2", "2026-04-01", "2026-06-30", "Quý II/2026"),
            ("2026-02", "2026-02-01", "2026-02-28", "Tháng 02/2026"),
            ("2028-02", "2028-02-01", "2028-02-29", "Tháng 02/2028"),
        ];
        for (text, first, last, label) in cases {
            let period = Period::parse(text).unwrap();
            assert_eq!(period.first_day(), day(first), "{text}");
            assert_eq!(period.last_day(), day(last), "{text}");
            assert_eq!(period.label().vi, label);
            assert_eq!(period.code(), text);
        }
        assert_eq!(Period::parse("2026-Q2").unwrap().month_starts().len(), 3);
    }

    #[test]
    fn a_malformed_period_is_refused_with_the_forms_that_work() {
        for text in [
            "", "26", "2026-H3", "2026-Q5", "2026-13", "2026-5", "2026-X1", "abcd",
        ] {
            let refusal = Period::parse(text).unwrap_err();
            assert!(refusal.vi.contains("2026-H1"), "{text}");
        }
    }
}
