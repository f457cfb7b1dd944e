//! Who may read a case's sensitive fields, kept in step with the records: each `field_state` row is
//! flagged sensitive or not (`hoso_model::sensitivity`) with the case it belongs to, each case knows its
//! manager (or, until one is assigned, who opened it). A change of manager re-stamps the case's
//! sensitive fields so that the new manager's devices pull them and the old one's are told to drop them.
//! A photo marked sensitive (an ID document) is flagged whole and stays so; its fields are re-stamped
//! when the mark arrives, so devices that already hold them are told to drop them.

use crate::storage::{DeviceAuth, Result};
use hoso_model::area::AreaKind;
use hoso_model::op::{FieldOp, RecordKind};
use hoso_model::schema::{adopted_kind, fields, photo_fields};
use hoso_model::sensitivity::{RecordMarks, Sensitivity};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use std::collections::HashSet;

/// What a field row needs to know about its record when it is written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct RecordAccess {
    pub form_id: Option<String>,
    pub case_id: Option<String>,
    pub photo_sensitive: bool,
}

impl RecordAccess {
    pub fn is_sensitive(&self, kind: RecordKind, field: &str) -> bool {
        let marks = RecordMarks {
            form_id: self.form_id.as_deref(),
            photo_sensitive: self.photo_sensitive,
        };
        Sensitivity::builtin().is_sensitive_in(kind, marks, field)
    }
}

/// The columns [`RecordAccess::from_row`] reads, in order.
pub(super) const ACCESS_COLUMNS: &str = "form_id, case_id, photo_sensitive";

impl RecordAccess {
    pub fn from_row(row: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<RecordAccess> {
        Ok(RecordAccess {
            form_id: row.get(first)?,
            case_id: row.get(first + 1)?,
            photo_sensitive: row.get(first + 2)?,
        })
    }
}

pub(super) fn record_access(tx: &Transaction<'_>, record_id: &str) -> Result<RecordAccess> {
    Ok(tx
        .prepare_cached(&format!(
            "SELECT {ACCESS_COLUMNS} FROM record WHERE id = ?1"
        ))?
        .query_row([record_id], |r| RecordAccess::from_row(r, 0))
        .optional()?
        .unwrap_or_default())
}

/// Keeps form ids, case links and managers in step with a field's winning value.
pub(super) fn after_merge(
    tx: &Transaction<'_>,
    op: &FieldOp,
    value: Option<&str>,
    seq: u64,
) -> Result<()> {
    match (op.kind, op.field.as_str()) {
        (RecordKind::Case, fields::MANAGER_ID | fields::OPENED_BY) => {
            let column = if op.field == fields::MANAGER_ID {
                "manager_id"
            } else {
                "opened_by"
            };
            tx.prepare_cached(&format!("UPDATE record SET {column} = ?2 WHERE id = ?1"))?
                .execute(params![op.record_id, value])?;
            // Whoever may read them now pulls them again; whoever may not is told to drop them.
            tx.prepare_cached(
                "UPDATE field_state SET seq = ?2 WHERE case_id = ?1 AND sensitive = 1",
            )?
            .execute(params![op.record_id, seq])?;
        }
        (_, fields::FORM_ID) if op.kind != RecordKind::Case => {
            tx.prepare_cached("UPDATE record SET form_id = ?2 WHERE id = ?1")?
                .execute(params![op.record_id, value])?;
            reflag(tx, &op.record_id, op.kind)?;
        }
        (_, fields::CASE_ID) if op.kind != RecordKind::Case => {
            set_case(tx, &op.record_id, op.kind, value)?;
        }
        // The write policy accepts only `true` here: a mark is never taken back.
        (RecordKind::Photo, photo_fields::SENSITIVE) => {
            tx.prepare_cached("UPDATE record SET photo_sensitive = 1 WHERE id = ?1")?
                .execute([&op.record_id])?;
            reflag(tx, &op.record_id, op.kind)?;
            tx.prepare_cached(
                "UPDATE field_state SET seq = ?2 WHERE record_id = ?1 AND sensitive = 1",
            )?
            .execute(params![op.record_id, seq])?;
        }
        _ => {}
    }
    if let Some(RecordKind::Person) = adopted_kind(op.kind, &op.field)
        && let Some(person) = value
    {
        let unclaimed: Option<Option<String>> = tx
            .prepare_cached("SELECT case_id FROM record WHERE id = ?1")?
            .query_row([person], |r| r.get(0))
            .optional()?;
        if unclaimed == Some(None) {
            set_case(tx, person, RecordKind::Person, Some(&op.record_id))?;
        }
    }
    Ok(())
}

/// A new case record belongs to itself.
pub(super) fn created(tx: &Transaction<'_>, record_id: &str, kind: RecordKind) -> Result<()> {
    if kind == RecordKind::Case {
        tx.prepare_cached("UPDATE record SET case_id = ?1 WHERE id = ?1")?
            .execute([record_id])?;
    }
    Ok(())
}

fn set_case(
    tx: &Transaction<'_>,
    record_id: &str,
    kind: RecordKind,
    case: Option<&str>,
) -> Result<()> {
    tx.prepare_cached("UPDATE record SET case_id = ?2 WHERE id = ?1")?
        .execute(params![record_id, case])?;
    tx.prepare_cached("UPDATE field_state SET case_id = ?2 WHERE record_id = ?1")?
        .execute(params![record_id, case])?;
    reflag(tx, record_id, kind)
}

/// Recomputes the sensitivity of every field of a record (its form id decides it).
fn reflag(tx: &Transaction<'_>, record_id: &str, kind: RecordKind) -> Result<()> {
    let access = record_access(tx, record_id)?;
    let fields: Vec<(String, bool)> = tx
        .prepare_cached("SELECT field, sensitive FROM field_state WHERE record_id = ?1")?
        .query_map([record_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<std::result::Result<_, _>>()?;
    let mut update = tx.prepare_cached(
        "UPDATE field_state SET sensitive = ?3 WHERE record_id = ?1 AND field = ?2",
    )?;
    for (field, was) in fields {
        let now = access.is_sensitive(kind, &field);
        if now != was {
            update.execute(params![record_id, field, now])?;
        }
    }
    Ok(())
}

/// Which sensitive fields a device may receive: all of its area's for the chairman or facility head
/// (they approve every case there), else those of the cases its user manages.
pub(super) enum Reader {
    Approver,
    Manager(HashSet<String>),
}

impl Reader {
    pub fn of(conn: &Connection, device: &DeviceAuth) -> Result<Reader> {
        if device.role.may_approve() {
            return Ok(Reader::Approver);
        }
        let column = match device.area.kind {
            AreaKind::Commune => "commune_code",
            AreaKind::Province => "province_code",
            AreaKind::Facility => "facility_id",
        };
        let sql = format!(
            "SELECT id FROM record WHERE kind = 'case' AND {column} = ?1
             AND (manager_id = ?2 OR (manager_id IS NULL AND opened_by = ?2))"
        );
        let managed = conn
            .prepare_cached(&sql)?
            .query_map(params![device.area.code, device.user_id], |r| r.get(0))?
            .collect::<std::result::Result<_, _>>()?;
        Ok(Reader::Manager(managed))
    }

    pub fn may_read(&self, case_id: Option<&str>) -> bool {
        match self {
            Reader::Approver => true,
            Reader::Manager(cases) => case_id.is_some_and(|c| cases.contains(c)),
        }
    }
}
