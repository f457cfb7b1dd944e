//! What every backend's read model shares: what a push changed, a stored field state read for its
//! winning value only, a record rebuilt from its fields, the fields of a case's children that snapshots and report facts
//! read, and a case's `case_view` row (its follow-up snapshot and report facts, as JSON).

use super::Result;
use hoso_model::domain::report::facts::{FACT_CHILD_FIELDS, facts};
use hoso_model::domain::snapshot::{CHILD_FIELDS, snapshot};
use hoso_model::op::{DELETED_FIELD, FieldOp, RecordKind, Value};
use hoso_model::record::Record;
use hoso_model::schema::fields;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// A field an accepted op changed, and how many concurrent values its state kept before and keeps now.
pub(crate) struct Changed<'a> {
    pub op: &'a FieldOp,
    pub losers_before: usize,
    pub losers: usize,
}

/// Only the winning value of a stored field state: a refresh needs nothing else.
#[derive(Deserialize)]
struct WinnerOnly {
    winner: Option<ValueOnly>,
}

#[derive(Deserialize)]
struct ValueOnly {
    value: Value,
}

/// The winning value of a stored field state (the JSON of a `FieldState`).
pub(crate) fn winner(state: &str) -> Result<Option<Value>> {
    let parsed: WinnerOnly = serde_json::from_str(state)?;
    Ok(parsed.winner.map(|w| w.value))
}

/// A record from its current values, its tombstone read into `deleted`.
pub(crate) fn into_record(
    id: String,
    kind: RecordKind,
    mut fields: BTreeMap<String, Value>,
) -> Record {
    let deleted = fields.remove(DELETED_FIELD) == Some(Value::Bool(true));
    Record {
        id,
        kind,
        deleted,
        fields,
    }
}

/// The fields of a case's forms, visits, referrals, consents and photos that snapshots and facts read
/// (long notes stay unread), with the tombstone.
pub(crate) fn child_fields() -> Vec<&'static str> {
    let wanted: BTreeSet<&'static str> = CHILD_FIELDS
        .iter()
        .chain(FACT_CHILD_FIELDS)
        .chain([&DELETED_FIELD])
        .copied()
        .collect();
    wanted.into_iter().collect()
}

/// A case's `case_view` row, without its area (each backend copies the case record's).
pub(crate) struct CaseViewRow {
    pub case_id: String,
    pub subject_id: Option<String>,
    pub snapshot: String,
    pub facts: String,
}

/// The case's row from its records; `None` when the case is deleted (its row goes).
pub(crate) fn case_view(
    case: &Record,
    subject: Option<&Record>,
    children: &[Record],
) -> Result<Option<CaseViewRow>> {
    if case.kind != RecordKind::Case || case.deleted {
        return Ok(None);
    }
    Ok(Some(CaseViewRow {
        case_id: case.id.clone(),
        subject_id: case.text(fields::SUBJECT_ID).map(str::to_string),
        snapshot: serde_json::to_string(&snapshot(case, subject, children))?,
        facts: serde_json::to_string(&facts(case, children))?,
    }))
}
