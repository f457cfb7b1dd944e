//! How a case snapshot's days are serialised: as ISO text (`2026-05-01`) in human-readable formats, so
//! the JSON devices already keep reads as before, and as a day number in binary formats, where the
//! server keeps a province's snapshots compact: four bytes instead of eleven, and nothing to parse
//! when 100,000 of them are read for an oversight.
//!
//! Use with `#[serde(with = "stored_day")]` on a `NaiveDate` and `#[serde(default, with =
//! "stored_day::opt")]` on an `Option<NaiveDate>` (`default`: a field missing from older JSON reads as
//! `None`, as a plain `Option` would).

use chrono::{Datelike, NaiveDate};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A day, serialised as this module says.
struct Day(NaiveDate);

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            self.0.serialize(serializer)
        } else {
            serializer.serialize_i32(self.0.num_days_from_ce())
        }
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Day, D::Error> {
        if deserializer.is_human_readable() {
            return NaiveDate::deserialize(deserializer).map(Day);
        }
        let number = i32::deserialize(deserializer)?;
        NaiveDate::from_num_days_from_ce_opt(number)
            .map(Day)
            .ok_or_else(|| D::Error::custom(format!("day number {number} is out of range")))
    }
}

pub fn serialize<S: Serializer>(day: &NaiveDate, serializer: S) -> Result<S::Ok, S::Error> {
    Day(*day).serialize(serializer)
}

pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
    Day::deserialize(deserializer).map(|day| day.0)
}

pub mod opt {
    use super::Day;
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(
        day: &Option<NaiveDate>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        day.map(Day).serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<NaiveDate>, D::Error> {
        Ok(Option::<Day>::deserialize(deserializer)?.map(|day| day.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Dated {
        #[serde(with = "super")]
        on: NaiveDate,
        #[serde(default, with = "super::opt")]
        until: Option<NaiveDate>,
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a valid day")
    }

    #[test]
    fn json_keeps_iso_text_as_devices_stored_it() {
        let dated = Dated {
            on: day(2026, 5, 1),
            until: None,
        };
        let text = serde_json::to_value(&dated).expect("json");
        assert_eq!(text, json!({"on": "2026-05-01", "until": null}));
        let read: Dated =
            serde_json::from_value(json!({"on": "2025-12-31", "until": "2026-01-02"}))
                .expect("read");
        assert_eq!(read.until, Some(day(2026, 1, 2)));
        let older: Dated = serde_json::from_value(json!({"on": "2025-12-31"})).expect("read");
        assert_eq!(older.until, None);
    }
}
