//! Keeping each record's materialised area in step with its fields: the storing side of
//! `hoso_model::scope` (which decides) and `hoso_model::schema` (which names the fields).

use super::access::{ACCESS_COLUMNS, RecordAccess};
use crate::storage::Result;
use hoso_model::area::AreaKind;
use hoso_model::merge::FieldState;
use hoso_model::op::{FieldOp, RecordKind};
use hoso_model::schema::{adopted_kind, area_of_field, has_children, is_parent_link};
use hoso_model::scope::Placement;
use rusqlite::{OptionalExtension, Transaction, params};

/// How deep a move is carried down (case → form → nothing; household → person → nothing).
const MAX_DEPTH: u8 = 3;

/// Reads the three area columns that start at `first` (commune, province, facility, in that order).
pub(super) fn placement_from_row(
    row: &rusqlite::Row<'_>,
    first: usize,
) -> rusqlite::Result<Placement> {
    Ok(Placement {
        commune: row.get(first)?,
        province: row.get(first + 1)?,
        facility: row.get(first + 2)?,
    })
}

/// A record the server has, as an op on it needs it.
pub(super) struct Stored {
    pub kind: String,
    pub placement: Placement,
    pub access: RecordAccess,
}

pub(super) fn existing(tx: &Transaction<'_>, record_id: &str) -> Result<Option<Stored>> {
    Ok(tx
        .prepare_cached(&format!(
            "SELECT kind, commune_code, province_code, facility_id, {ACCESS_COLUMNS}
             FROM record WHERE id = ?1"
        ))?
        .query_row([record_id], |r| {
            Ok(Stored {
                kind: r.get(0)?,
                placement: placement_from_row(r, 1)?,
                access: RecordAccess::from_row(r, 4)?,
            })
        })
        .optional()?)
}

pub(super) fn placement(tx: &Transaction<'_>, record_id: &str) -> Result<Option<Placement>> {
    Ok(tx
        .prepare_cached(
            "SELECT commune_code, province_code, facility_id FROM record WHERE id = ?1",
        )?
        .query_row([record_id], |r| placement_from_row(r, 0))
        .optional()?)
}

pub(super) fn ensure_record(tx: &Transaction<'_>, record_id: &str, kind: RecordKind) -> Result<()> {
    tx.prepare_cached("INSERT OR IGNORE INTO record (id, kind) VALUES (?1, ?2)")?
        .execute(params![record_id, kind.as_str()])?;
    Ok(())
}

fn own_column(area: AreaKind) -> &'static str {
    match area {
        AreaKind::Commune => "own_commune",
        AreaKind::Province => "own_province",
        AreaKind::Facility => "own_facility",
    }
}

/// Keeps the record's links and own area in step with a field's winning value.
pub(super) fn after_merge(
    tx: &Transaction<'_>,
    op: &FieldOp,
    state: &FieldState,
    seq: u64,
) -> Result<()> {
    let value = state.value().and_then(|v| v.as_str()).map(str::to_string);
    if let Some(area) = area_of_field(op.kind, &op.field) {
        let column = own_column(area);
        tx.prepare_cached(&format!("UPDATE record SET {column} = ?2 WHERE id = ?1"))?
            .execute(params![op.record_id, value])?;
        return refresh(tx, &op.record_id, seq, 0);
    }
    if is_parent_link(op.kind, &op.field) {
        tx.prepare_cached("UPDATE record SET parent_id = ?2 WHERE id = ?1")?
            .execute(params![op.record_id, value])?;
        return refresh(tx, &op.record_id, seq, 0);
    }
    if let Some(adopted) = adopted_kind(op.kind, &op.field)
        && let Some(target) = value
    {
        adopt(tx, &target, adopted, &op.record_id, seq)?;
    }
    Ok(())
}

/// A case takes its subject, guardian and household when they have no place of their own.
fn adopt(
    tx: &Transaction<'_>,
    target: &str,
    kind: RecordKind,
    case_id: &str,
    seq: u64,
) -> Result<()> {
    ensure_record(tx, target, kind)?;
    tx.prepare_cached(
        "UPDATE record SET parent_id = ?2 WHERE id = ?1 AND parent_id IS NULL
             AND own_commune IS NULL AND own_province IS NULL AND own_facility IS NULL",
    )?
    .execute(params![target, case_id])?;
    refresh(tx, target, seq, 0)
}

/// Recomputes where a record belongs (its own area, else its parent's) and carries a change down to
/// its children: a moved record is logged for eviction and re-stamped so the new area pulls it whole.
fn refresh(tx: &Transaction<'_>, record_id: &str, seq: u64, depth: u8) -> Result<()> {
    let row = tx
        .prepare_cached(
            "SELECT own_commune, own_province, own_facility, parent_id, commune_code, province_code,
                    facility_id, kind FROM record WHERE id = ?1",
        )?
        .query_row([record_id], |r| {
            Ok((
                placement_from_row(r, 0)?,
                r.get::<_, Option<String>>(3)?,
                placement_from_row(r, 4)?,
                r.get::<_, String>(7)?,
            ))
        })
        .optional()?;
    let Some((own, parent, old, kind)) = row else {
        return Ok(());
    };
    let parent_placement = match &parent {
        Some(parent) if !own.is_placed() => placement(tx, parent)?,
        _ => None,
    };
    let new = own.own_or(|| parent_placement);
    if new == old {
        return Ok(());
    }
    restamp(tx, record_id, &old, &new, seq)?;
    if depth < MAX_DEPTH && RecordKind::parse(&kind).is_some_and(has_children) {
        let children: Vec<String> = tx
            .prepare_cached("SELECT id FROM record WHERE parent_id = ?1")?
            .query_map([record_id], |r| r.get(0))?
            .collect::<std::result::Result<_, _>>()?;
        for child in children {
            refresh(tx, &child, seq, depth + 1)?;
        }
    }
    Ok(())
}

/// Moves a record and its fields to `new`, logging the area it left.
fn restamp(
    tx: &Transaction<'_>,
    record_id: &str,
    old: &Placement,
    new: &Placement,
    seq: u64,
) -> Result<()> {
    if old.is_placed() {
        tx.prepare_cached(
            "INSERT INTO scope_event (seq, record_id, old_commune, old_province, old_facility) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![seq, record_id, old.commune, old.province, old.facility])?;
    }
    tx.prepare_cached(
        "UPDATE record SET commune_code = ?2, province_code = ?3, facility_id = ?4 WHERE id = ?1",
    )?
    .execute(params![record_id, new.commune, new.province, new.facility])?;
    tx.prepare_cached(
        "UPDATE field_state SET seq = ?2, commune_code = ?3, province_code = ?4, facility_id = ?5
         WHERE record_id = ?1",
    )?
    .execute(params![
        record_id,
        seq,
        new.commune,
        new.province,
        new.facility
    ])?;
    Ok(())
}
