//! A record's fields as stored: one JSON object per record, keyed by field name, holding each field's
//! whole merge state. One row per record instead of one per field is what makes a first pull write a
//! seventh of the rows, and a case file read one row per visit.
//!
//! Each field is `{"v": value, "h": [millis, counter, node], "a": author}`, plus `"l"` (losers) and `"s"`
//! (superseded HLCs) only when not empty. Fields without a winner are not stored (there is nothing to
//! keep). The clock is three numbers rather than its sortable text: shorter, and read without parsing hex.

use crate::error::{Error, Result};
use hoso_model::hlc::Hlc;
use hoso_model::merge::{FieldState, Version};
use hoso_model::op::Value;
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
                    h: (winner.hlc.millis, winner.hlc.counter, winner.hlc.node),
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
    h: (u64, u32, u64),
    a: &'a str,
    #[serde(skip_serializing_if = "<[Version]>::is_empty")]
    l: &'a [Version],
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    s: &'a BTreeSet<Hlc>,
}

#[derive(Deserialize)]
struct Stored {
    v: Value,
    h: (u64, u32, u64),
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

/// A stored document that does not decode is a damaged file, not bad input.
fn damaged(_: serde_json::Error) -> Error {
    Error::Corrupt {
        detail: "unreadable record fields".into(),
    }
}

/// Every field's full merge state.
pub(crate) fn decode_states(text: &str) -> Result<States> {
    let stored: BTreeMap<String, Stored> = serde_json::from_str(text).map_err(damaged)?;
    Ok(stored
        .into_iter()
        .map(|(name, field)| {
            let (millis, counter, node) = field.h;
            let state = FieldState {
                winner: Some(Version {
                    value: field.v,
                    hlc: Hlc::new(millis, counter, node),
                    author: field.a,
                }),
                losers: field.l,
                superseded: field.s,
            };
            (name, state)
        })
        .collect())
}

/// The current values of the fields `wanted` accepts; the others are skipped undecoded.
pub(crate) fn decode_values(
    text: &str,
    wanted: impl Fn(&str) -> bool,
) -> Result<BTreeMap<String, Value>> {
    let stored: BTreeMap<String, StoredValue<'_>> = serde_json::from_str(text).map_err(damaged)?;
    let mut values = BTreeMap::new();
    for (name, field) in stored {
        if wanted(&name) {
            values.insert(name, serde_json::from_str(field.v.get()).map_err(damaged)?);
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
    fn a_damaged_document_is_reported_as_damage() {
        let text = r#"{"x":{"v":1,"h":"not a clock","a":"hoa"}}"#;
        assert!(matches!(decode_states(text), Err(Error::Corrupt { .. })));
        let cut = &encode(&States::from([(
            "full_name".to_string(),
            FieldState {
                winner: Some(version(json!("Đặng Thị Hoa"), 20, "hoa")),
                ..FieldState::default()
            },
        )]))
        .unwrap()[..19];
        assert!(matches!(
            decode_values(cut, |_| true),
            Err(Error::Corrupt { .. })
        ));
    }
}
