//! Reading records back as plain field maps, and the conflicts waiting for review.

use super::Store;
use crate::error::Result;
use crate::hlc::Hlc;
use crate::merge::Version;
use crate::op::RecordKind;
pub use crate::record::Record;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A field where concurrent offline edits disagree: the value in force and the ones that lost.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConflictView {
    pub record_id: String,
    pub kind: RecordKind,
    pub field: String,
    pub current: Version,
    pub losers: Vec<Version>,
}

pub(crate) fn load_record(conn: &Connection, record_id: &str) -> Result<Option<Record>> {
    let head: Option<(String, bool)> = conn
        .prepare_cached("SELECT kind, deleted FROM record WHERE id = ?1")?
        .query_row([record_id], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    let Some((kind, deleted)) = head else {
        return Ok(None);
    };
    let mut fields = BTreeMap::new();
    let mut stmt = conn.prepare_cached("SELECT name, value FROM field WHERE record_id = ?1")?;
    let mut rows = stmt.query([record_id])?;
    while let Some(row) = rows.next()? {
        let value: String = row.get(1)?;
        fields.insert(row.get(0)?, serde_json::from_str(&value)?);
    }
    Ok(Some(Record {
        id: record_id.to_string(),
        kind: parse_kind(&kind)?,
        deleted,
        fields,
    }))
}

fn parse_kind(text: &str) -> Result<RecordKind> {
    RecordKind::parse(text).ok_or_else(|| crate::Error::Corrupt {
        detail: "unknown record kind".into(),
    })
}

/// Loads many records with one query per call, ordered by id.
fn load_records(conn: &Connection, sql: &str, arg: &str) -> Result<Vec<Record>> {
    load_records_with(conn, sql, arg, |_| true)
}

/// Like [`load_records`], keeping only the fields `wanted` accepts.
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
        let id: String = row.get(0)?;
        if records.last().is_none_or(|r| r.id != id) {
            let kind: String = row.get(1)?;
            records.push(Record {
                id,
                kind: parse_kind(&kind)?,
                deleted: row.get(2)?,
                fields: BTreeMap::new(),
            });
        }
        if let Some(name) = row
            .get_ref(3)?
            .as_str_or_null()
            .map_err(rusqlite::Error::from)?
            && wanted(name)
        {
            let value = row.get_ref(4)?.as_str().map_err(rusqlite::Error::from)?;
            let record = records.last_mut().expect("pushed above");
            record
                .fields
                .insert(name.to_string(), serde_json::from_str(value)?);
        }
    }
    Ok(records)
}

const CHILDREN_OF_CASE: &str = "SELECT r.id, r.kind, r.deleted, f.name, f.value FROM record r
     LEFT JOIN field f ON f.record_id = r.id
     WHERE r.case_id = ?1 AND r.deleted = 0 ORDER BY r.id";

pub(crate) fn load_children(conn: &Connection, case_id: &str) -> Result<Vec<Record>> {
    load_records(conn, CHILDREN_OF_CASE, case_id)
}

/// The live children of a case with only the fields the case summary reads
/// ([`CHILD_FIELDS`](crate::domain::snapshot::CHILD_FIELDS)): the others (long visit notes) are
/// skipped without being decoded.
pub(crate) fn load_children_for_summary(conn: &Connection, case_id: &str) -> Result<Vec<Record>> {
    load_records_with(conn, CHILDREN_OF_CASE, case_id, |name| {
        crate::domain::snapshot::CHILD_FIELDS.contains(&name)
    })
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
    pub fn case_snapshots(&self) -> Result<Vec<crate::domain::snapshot::CaseSnapshot>> {
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
                "SELECT r.id, r.kind, r.deleted, f.name, f.value FROM record r
                 LEFT JOIN field f ON f.record_id = r.id
                 WHERE r.kind = ?1 AND r.deleted = 0 ORDER BY r.id",
                kind.as_str(),
            )
        })
    }

    /// Fields where concurrent edits disagree, for the worker or supervisor to review.
    pub fn conflicts(&self) -> Result<Vec<ConflictView>> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT f.record_id, r.kind, f.name, f.value, f.hlc, f.author, f.history
                 FROM field f JOIN record r ON r.id = f.record_id
                 WHERE f.conflict = 1 AND r.deleted = 0 ORDER BY f.record_id, f.name",
            )?;
            let mut rows = stmt.query([])?;
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                let value: String = row.get(3)?;
                let hlc: String = row.get(4)?;
                let history: String = row.get(6)?;
                #[derive(Deserialize)]
                struct Losers {
                    losers: Vec<Version>,
                }
                let kind: String = row.get(1)?;
                out.push(ConflictView {
                    record_id: row.get(0)?,
                    kind: parse_kind(&kind)?,
                    field: row.get(2)?,
                    current: Version {
                        value: serde_json::from_str(&value)?,
                        hlc: Hlc::decode(&hlc).ok_or_else(|| crate::Error::Corrupt {
                            detail: "unreadable field clock".into(),
                        })?,
                        author: row.get(5)?,
                    },
                    losers: serde_json::from_str::<Losers>(&history)?.losers,
                });
            }
            Ok(out)
        })
    }
}

impl Store {
    /// Local ops not yet acknowledged by the server.
    pub fn outbox_len(&self) -> Result<usize> {
        self.read(|conn| {
            let n: i64 = conn.query_row(
                "SELECT count(*) FROM op WHERE sync_state != 'acknowledged'",
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
    pub fn field_state(&self, record_id: &str, field: &str) -> Result<crate::merge::FieldState> {
        self.read(|conn| super::write::read_field_state(conn, record_id, field))
    }
}
