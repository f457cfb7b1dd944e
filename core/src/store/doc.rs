//! A record's fields as stored: one JSON object per record, keyed by field name, holding each field's
//! whole merge state. One row per record instead of one per field is what makes a first pull write a
//! seventh of the rows, and a case file read one row per visit.
//!
//! Each field is `{"v": value, "h": HLC text, "a": author}`, plus `"l"` (losers) and `"s"` (superseded
//! HLCs) only when not empty. Fields without a winner are not stored (there is nothing to keep).

use crate::error::{Error, Result};
use crate::hlc::{Hlc, HlcText};
use crate::merge::{FieldState, Version};
use crate::op::Value;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::collections::{BTreeMap, BTreeSet};

pub(crate) type States = BTreeMap<String, FieldState>;

/// The states as stored, serialised straight from the map.
struct StoredStates<'a>(&'a States);

impl Serialize for StoredStates<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().filter_map(|(name, state)| {
            let winner = state.winner.as_ref()?;
            Some((
                name,
                StoredRef {
                    v: &winner.value,
                    h: winner.hlc.text(),
                    a: &winner.author,
                    l: &state.losers,
                    s: &state.superseded,
                },
            ))
        }))
    }
}

#[derive(Serialize)]
struct StoredRef<'a> {
    v: &'a Value,
    h: HlcText,
    a: &'a str,
    #[serde(skip_serializing_if = "<[Version]>::is_empty")]
    l: &'a [Version],
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    s: &'a BTreeSet<Hlc>,
}

#[derive(Deserialize)]
struct Stored {
    v: Value,
    h: String,
    a: String,
    #[serde(default)]
    l: Vec<Version>,
    #[serde(default)]
    s: BTreeSet<Hlc>,
}

/// Only the value of a stored field, still undecoded: the rest of the field is skipped.
#[derive(Deserialize)]
struct StoredValue<'a> {
    #[serde(borrow)]
    v: &'a RawValue,
}

pub(crate) fn encode(states: &States) -> Result<String> {
    Ok(serde_json::to_string(&StoredStates(states))?)
}

/// Every field's full merge state.
pub(crate) fn decode_states(text: &str) -> Result<States> {
    let stored: BTreeMap<String, Stored> = serde_json::from_str(text)?;
    stored
        .into_iter()
        .map(|(name, field)| {
            let hlc = Hlc::decode(&field.h).ok_or_else(|| Error::Corrupt {
                detail: "unreadable field clock".into(),
            })?;
            let state = FieldState {
                winner: Some(Version {
                    value: field.v,
                    hlc,
                    author: field.a,
                }),
                losers: field.l,
                superseded: field.s,
            };
            Ok((name, state))
        })
        .collect()
}

/// The current values of the fields `wanted` accepts; the others are skipped undecoded.
pub(crate) fn decode_values(
    text: &str,
    wanted: impl Fn(&str) -> bool,
) -> Result<BTreeMap<String, Value>> {
    let stored: BTreeMap<String, StoredValue<'_>> = serde_json::from_str(text)?;
    let mut values = BTreeMap::new();
    for (name, field) in stored {
        if wanted(&name) {
            values.insert(name, serde_json::from_str(field.v.get())?);
        }
    }
    Ok(values)
}

/// How many fields hold concurrent values waiting for review.
pub(crate) fn conflicts(states: &States) -> usize {
    states.values().filter(|s| s.has_conflict()).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn version(value: Value, millis: u64, author: &str) -> Version {
        Version {
            value,
            hlc: Hlc::new(millis, 0, 7),
            author: author.into(),
        }
    }

    #[test]
    fn a_stored_record_reads_back_with_every_loser_and_superseded_clock() {
        let mut states = States::new();
        states.insert(
            "full_name".into(),
            FieldState {
                winner: Some(version(json!("Đặng Thị Hoa"), 20, "hoa")),
                losers: vec![version(json!("Đặng Thị Hòa"), 19, "lan")],
                superseded: [Hlc::new(10, 0, 7)].into_iter().collect(),
            },
        );
        states.insert(
            "a.notes".into(),
            FieldState {
                winner: Some(version(json!("Gia đình \"khó khăn\"\n"), 21, "hoa")),
                ..FieldState::default()
            },
        );
        states.insert("empty".into(), FieldState::default());
        let text = encode(&states).unwrap();
        let back = decode_states(&text).unwrap();
        states.remove("empty");
        assert_eq!(back, states);
        assert_eq!(conflicts(&back), 1);
        let values = decode_values(&text, |name| name == "a.notes").unwrap();
        assert_eq!(
            values,
            [("a.notes".to_string(), json!("Gia đình \"khó khăn\"\n"))]
                .into_iter()
                .collect()
        );
    }

    #[test]
    fn a_damaged_clock_is_reported_as_damage() {
        let text = r#"{"x":{"v":1,"h":"not a clock","a":"hoa"}}"#;
        assert!(matches!(decode_states(text), Err(Error::Corrupt { .. })));
    }
}
