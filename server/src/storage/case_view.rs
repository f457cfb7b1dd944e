//! What every backend's read model shares: what a push changed, a stored field state read for its
//! winning value only, a record rebuilt from its fields, the fields of a case's children that snapshots and report facts
//! read, and a case's read-model rows: its `case_view` row (report facts, as JSON) and its
//! `case_snapshot` row (the follow-up snapshot, compact: oversight reads a province's at once).

use super::{Result, StorageError};
use hoso_model::domain::report::facts::{FACT_CHILD_FIELDS, facts};
use hoso_model::domain::snapshot::{CHILD_FIELDS, CaseSnapshot, snapshot};
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

/// A case's `case_view` and `case_snapshot` rows, without their area (each backend copies the case
/// record's).
pub(crate) struct CaseViewRow {
    pub case_id: String,
    pub subject_id: Option<String>,
    /// [`encode_snapshot`]'s bytes.
    pub snapshot: Vec<u8>,
    pub facts: String,
}

/// A snapshot as `case_snapshot` keeps it: postcard, days as numbers (`stored_day`), about a third
/// of its JSON (258 bytes against 728 for the tests' full snapshot), so that reading a province's
/// 100,000 decrypts and decodes a third as much.
pub(crate) fn encode_snapshot(snapshot: &CaseSnapshot) -> Result<Vec<u8>> {
    postcard::to_allocvec(snapshot).map_err(|e| StorageError::Corrupt(format!("snapshot: {e}")))
}

pub(crate) fn decode_snapshot(bytes: &[u8]) -> Result<CaseSnapshot> {
    postcard::from_bytes(bytes).map_err(|e| StorageError::Corrupt(format!("snapshot: {e}")))
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
        snapshot: encode_snapshot(&snapshot(case, subject, children))?,
        facts: serde_json::to_string(&facts(case, children))?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use hoso_model::domain::lifecycle::CaseStatus;
    use hoso_model::domain::snapshot::{Activity, DataRequest, PendingKind};

    fn day(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(y, m, d).expect("a valid day")
    }

    /// A snapshot with every field set, as a case three steps in would have.
    fn full() -> CaseSnapshot {
        CaseSnapshot {
            case_id: "0193a5e2-7c1d-7b2a-9f00-3c5d2e1f4a6b".into(),
            subject_name: "Nguyễn Thị Hồng Nhung".into(),
            status: CaseStatus::AdjustmentSubmitted,
            manager_id: Some("0193a5e2-0000-7000-8000-000000000001".into()),
            commune_code: Some("26734".into()),
            opened_on: Some(day(2025, 3, 4)),
            subject_birth: Some(day(2012, 12, 31)),
            studying: true,
            last_visit: Some(day(2026, 10, 1)),
            next_visit: Some(day(2026, 11, 1)),
            plan_approved_on: Some(day(2025, 4, 1)),
            activities: vec![Activity {
                title: "Khám sức khỏe định kỳ".into(),
                start: Some(day(2025, 4, 2)),
                end: None,
                done: false,
            }],
            pending: Some((PendingKind::Adjustment, day(2026, 10, 2))),
            last_review: Some(day(2026, 7, 1)),
            closed_on: None,
            returned_on: Some(day(1, 1, 1)),
            closure_trigger: Some("objectives_achieved".into()),
            data_requests: vec![DataRequest {
                record_id: "0193a5e2-0000-7000-8000-0000000000dd".into(),
                received: day(2026, 9, 9),
                answered: Some(day(9999, 12, 31)),
            }],
        }
    }

    #[test]
    fn a_stored_snapshot_reads_back_whole_from_at_most_two_fifths_of_its_json() {
        let snapshot = full();
        let bytes = encode_snapshot(&snapshot).expect("encode");
        assert_eq!(decode_snapshot(&bytes).expect("decode"), snapshot);
        let json = serde_json::to_vec(&snapshot).expect("json");
        assert!(
            bytes.len() * 5 <= json.len() * 2,
            "{} bytes stored, {} as JSON",
            bytes.len(),
            json.len()
        );
    }

    #[test]
    fn damaged_snapshot_bytes_are_reported_as_damaged_data() {
        let bytes = encode_snapshot(&full()).expect("encode");
        let error = decode_snapshot(&bytes[..bytes.len() / 2]).expect_err("cut short");
        assert!(matches!(error, StorageError::Corrupt(_)), "{error}");
    }
}
