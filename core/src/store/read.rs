//! Reading records back as plain field maps, and the conflicts waiting for review.

use super::{Store, doc};
use crate::error::Result;
use hoso_model::domain::oversight::ConflictEntry;
use hoso_model::merge::Version;
use hoso_model::op::RecordKind;
pub use hoso_model::record::Record;
use rusqlite::{Connection, OptionalExtension};

/// A field where concurrent offline edits disagree: the value in force and the ones that lost.
#[derive(Clone, Debug, PartialEq)]
pub struct ConflictView {
    pub record_id: String,
    pub kind: RecordKind,
    pub field: String,
    pub current: Version,
    pub losers: Vec<Version>,
}

pub(crate) fn load_record(conn: &Connection, record_id: &str) -> Result<Option<Record>> {
    load_record_with(conn, record_id, |_| true)
}

/// A record with only the fields `wanted` accepts decoded.
pub(crate) fn load_record_with(
    conn: &Connection,
    record_id: &str,
    wanted: impl Fn(&str) -> bool,
) -> Result<Option<Record>> {
    let row: Option<(String, bool, String)> = conn
        .prepare_cached("SELECT kind, deleted, fields FROM record WHERE id = ?1")?
        .query_row([record_id], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
        .optional()?;
    let Some((kind, deleted, fields)) = row else {
        return Ok(None);
    };
    Ok(Some(Record {
        id: record_id.to_string(),
        kind: parse_kind(&kind)?,
        deleted,
        fields: doc::decode_values(&fields, wanted)?,
    }))
}

pub(crate) fn parse_kind(text: &str) -> Result<RecordKind> {
    RecordKind::parse(text).ok_or_else(|| crate::Error::Corrupt {
        detail: "unknown record kind".into(),
    })
}

/// Loads many records with one query per call (`sql` selects id, kind, deleted, fields).
fn load_records(conn: &Connection, sql: &str, arg: &str) -> Result<Vec<Record>> {
    load_records_with(conn, sql, arg, |_| true)
}

fn load_records_with(
    conn: &Connection,
    sql: &str,
    arg: &str,
    wanted: impl Fn(&str) -> bool,
) -> Result<Vec<Record>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query([arg])?;
    let mut records: Vec<Record> = Vec::new();
    while let Some(row) = rows.next()? {
        let kind = row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
        let fields = row.get_ref(3)?.as_str().map_err(rusqlite::Error::from)?;
        records.push(Record {
            id: row.get(0)?,
            kind: parse_kind(kind)?,
            deleted: row.get(2)?,
            fields: doc::decode_values(fields, &wanted)?,
        });
    }
    Ok(records)
}

const CHILDREN_OF_CASE: &str = "SELECT id, kind, deleted, fields FROM record
     WHERE case_id = ?1 AND deleted = 0 ORDER BY id";

pub(crate) fn load_children(conn: &Connection, case_id: &str) -> Result<Vec<Record>> {
    load_records(conn, CHILDREN_OF_CASE, case_id)
}

impl Store {
    pub fn record(&self, record_id: &str) -> Result<Option<Record>> {
        self.read(|conn| load_record(conn, record_id))
    }

    /// Every live record attached to a case (forms, visits, referrals, consents, photos).
    pub fn records_of_case(&self, case_id: &str) -> Result<Vec<Record>> {
        self.read(|conn| load_children(conn, case_id))
    }

    /// The derived summaries of every case on this device.
    pub fn case_snapshots(&self) -> Result<Vec<hoso_model::domain::snapshot::CaseSnapshot>> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached("SELECT snapshot FROM case_summary")?;
            let rows = stmt.query_map([], |row| row.get::<_, String>(0))?;
            rows.map(|text| Ok(serde_json::from_str(&text?)?)).collect()
        })
    }

    /// Every live record of a kind.
    pub fn records_of_kind(&self, kind: RecordKind) -> Result<Vec<Record>> {
        self.read(|conn| {
            load_records(
                conn,
                "SELECT id, kind, deleted, fields FROM record
                 WHERE kind = ?1 AND deleted = 0 ORDER BY id",
                kind.as_str(),
            )
        })
    }

    /// Fields where concurrent edits disagree, for the worker or supervisor to review.
    pub fn conflicts(&self) -> Result<Vec<ConflictView>> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT id, kind, fields FROM record
                 WHERE conflicts > 0 AND deleted = 0 ORDER BY id",
            )?;
            let mut rows = stmt.query([])?;
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                let record_id: String = row.get(0)?;
                let kind = parse_kind(row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?)?;
                let states =
                    doc::decode_states(row.get_ref(2)?.as_str().map_err(rusqlite::Error::from)?)?;
                for (field, state) in states {
                    if let (Some(current), false) = (state.winner, state.losers.is_empty()) {
                        out.push(ConflictView {
                            record_id: record_id.clone(),
                            kind,
                            field,
                            current,
                            losers: state.losers,
                        });
                    }
                }
            }
            Ok(out)
        })
    }
}

impl Store {
    /// Every field where concurrent edits disagree, with the case its record belongs to (the case
    /// itself, a child's case, or the case whose subject a person is): what oversight lists.
    pub fn conflict_entries(&self) -> Result<Vec<ConflictEntry>> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT r.id, r.kind, CASE WHEN r.kind = 'case' THEN r.id
                        ELSE coalesce(r.case_id,
                             (SELECT s.case_id FROM case_summary s WHERE s.subject_id = r.id LIMIT 1))
                        END, r.fields
                 FROM record r WHERE r.conflicts > 0 AND r.deleted = 0 ORDER BY r.id",
            )?;
            let mut rows = stmt.query([])?;
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                let record_id: String = row.get(0)?;
                let kind = parse_kind(row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?)?;
                let case_id: Option<String> = row.get(2)?;
                let states =
                    doc::decode_states(row.get_ref(3)?.as_str().map_err(rusqlite::Error::from)?)?;
                for (field, state) in states.into_iter().filter(|(_, s)| !s.losers.is_empty()) {
                    out.push(ConflictEntry {
                        case_id: case_id.clone(),
                        record_id: record_id.clone(),
                        kind,
                        field,
                        values: u32::try_from(state.losers.len() + 1).unwrap_or(u32::MAX),
                    });
                }
            }
            Ok(out)
        })
    }
}

impl Store {
    /// Local ops not yet acknowledged by the server. The states are named, not `!= 'acknowledged'`,
    /// so the query walks the few unsent entries of `op_by_state` instead of every op ever made.
    pub fn outbox_len(&self) -> Result<usize> {
        self.read(|conn| {
            let n: i64 = conn.query_row(
                "SELECT count(*) FROM op WHERE sync_state IN ('queued', 'sent', 'rejected')",
                [],
                |r| r.get(0),
            )?;
            Ok(n as usize)
        })
    }
}

impl Store {
    /// The full merge state of one field (winner, losers, superseded versions): what audits and the
    /// simulator's no-loss check read.
    pub fn field_state(
        &self,
        record_id: &str,
        field: &str,
    ) -> Result<hoso_model::merge::FieldState> {
        self.read(|conn| {
            let fields: Option<String> = conn
                .prepare_cached("SELECT fields FROM record WHERE id = ?1")?
                .query_row([record_id], |row| row.get(0))
                .optional()?;
            Ok(match fields {
                Some(fields) => doc::decode_states(&fields)?
                    .remove(field)
                    .unwrap_or_default(),
                None => hoso_model::merge::FieldState::default(),
            })
        })
    }
}
