//! A push in the SQLite backend: every op vetted (shape, clock, author, write policy — a plan's submitter
//! never approves it — scope), logged in the append-only audit trail, merged with the shared merge, its
//! record's placement and the read model of its case kept in step — all in one transaction.

use super::access::{self, RecordAccess};
use super::placement::{Stored, after_merge, ensure_record, existing, placement};
use super::read_model;
use super::{SEQ, placement::placement_from_row};
use crate::storage::case_view::Changed;
use crate::storage::vetting::{
    kind_mismatch, link_target, receipt, reject, reject_scope, vet_alone,
};
use crate::storage::{DeviceAuth, Result};
use hoso_model::admin_units::AdminUnits;
use hoso_model::merge::{FieldState, MergeOutcome};
use hoso_model::op::{FieldOp, RecordKind};
use hoso_model::policy::{approves_a_form, check_not_own_plan};
use hoso_model::protocol::{Receipt, ReceiptStatus};
use hoso_model::role::Role;
use hoso_model::schema::fields;
use hoso_model::scope::{self, Placement, ScopeRefusal};
use hoso_sqlite::meta;
use hoso_sqlite::op_row::{OP_COLUMNS, OpRow};
use rusqlite::{Connection, OptionalExtension, ToSql, Transaction, params};
use std::collections::HashMap;

pub(super) fn push(
    conn: &mut Connection,
    units: &AdminUnits,
    device: &DeviceAuth,
    ops: &[FieldOp],
    now: u64,
) -> Result<Vec<Receipt>> {
    // Immediate: the write lock is taken first, so a second process waits its turn (busy timeout)
    // instead of failing when a read transaction cannot be upgraded.
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let before = placements_before(&tx, ops)?;
    let new_refused = refused_new_records(&before, units, device, ops);
    let left = read_model::cases_left(&tx, ops)?;
    let mut changed = Vec::with_capacity(ops.len());
    let mut receipts = Vec::with_capacity(ops.len());
    // One read and one write of the counter per push, not per op (the push is one transaction).
    let mut seq: u64 = meta::get_number(&tx, SEQ)?.unwrap_or(0);
    let mut writer = OpWriter::prepare(&tx, now)?;
    for op in ops {
        if writer.is_known(op)? {
            receipts.push(receipt(op, ReceiptStatus::Duplicate));
            continue;
        }
        if let Some(refusal) = new_refused.get(op.record_id.as_str()) {
            receipts.push(reject_scope(op, refusal));
            continue;
        }
        let stored = match vet(&tx, device, op, now, &before)? {
            Ok(stored) => stored,
            Err(rejection) => {
                receipts.push(rejection);
                continue;
            }
        };
        seq += 1;
        if let Some((losers_before, losers)) = writer.apply(&tx, op, stored, seq)? {
            changed.push(Changed {
                op,
                losers_before,
                losers,
            });
        }
        receipts.push(receipt(op, ReceiptStatus::Accepted));
    }
    drop(writer);
    read_model::after_push(&tx, &changed, left)?;
    meta::set(&tx, SEQ, &seq.to_string())?;
    tx.commit()?;
    Ok(receipts)
}

/// The statements every op runs, prepared once per push rather than looked up per op.
struct OpWriter<'tx> {
    known_op: rusqlite::CachedStatement<'tx>,
    log_op: rusqlite::CachedStatement<'tx>,
    read_state: rusqlite::CachedStatement<'tx>,
    save_state: rusqlite::CachedStatement<'tx>,
    now: u64,
}

impl<'tx> OpWriter<'tx> {
    fn prepare(tx: &'tx Transaction<'_>, now: u64) -> Result<OpWriter<'tx>> {
        Ok(OpWriter {
            known_op: tx.prepare_cached("SELECT seq FROM op_log WHERE op_id = ?1")?,
            log_op: tx.prepare_cached(&format!(
                "INSERT INTO op_log (seq, received_at, {OP_COLUMNS})
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
            ))?,
            read_state: tx
                .prepare_cached("SELECT state FROM field_state WHERE record_id = ?1 AND field = ?2")?,
            // The field takes its record's kind and area as vetting found them; a later move of the
            // record re-stamps every field (see `placement::refresh`).
            save_state: tx.prepare_cached(
                "INSERT INTO field_state (record_id, field, kind, state, seq, commune_code, province_code,
                                          facility_id, sensitive, case_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT(record_id, field) DO UPDATE SET state = ?4, seq = ?5",
            )?,
            now,
        })
    }

    /// Whether the op was received before (a retried push).
    fn is_known(&mut self, op: &FieldOp) -> Result<bool> {
        Ok(self
            .known_op
            .query_row([&op.op_id], |r| r.get::<_, i64>(0))
            .optional()?
            .is_some())
    }

    /// Logs the op and merges it into its field. `stored` is the record as vetting found it (`None`:
    /// the record is new). Returns how many concurrent values the field kept before and keeps now, or
    /// `None` if its state did not change.
    fn apply(
        &mut self,
        tx: &Transaction<'_>,
        op: &FieldOp,
        stored: Option<Stored>,
        seq: u64,
    ) -> Result<Option<(usize, usize)>> {
        let row = OpRow::encode(op);
        let mut values: Vec<&dyn ToSql> = vec![&seq, &self.now];
        values.extend(row.values());
        self.log_op.execute(values.as_slice())?;
        let (place, record_access) = match stored {
            Some(stored) => (stored.placement, stored.access),
            None => {
                ensure_record(tx, &op.record_id, op.kind)?;
                access::created(tx, &op.record_id, op.kind)?;
                let case_id = (op.kind == RecordKind::Case).then(|| op.record_id.clone());
                (
                    Placement::default(),
                    RecordAccess {
                        case_id,
                        ..RecordAccess::default()
                    },
                )
            }
        };
        let current: Option<String> = self
            .read_state
            .query_row([&op.record_id, &op.field], |r| r.get(0))
            .optional()?;
        let mut state: FieldState = match current {
            Some(text) => serde_json::from_str(&text)?,
            None => FieldState::default(),
        };
        let losers_before = state.losers.len();
        if matches!(state.merge(op), MergeOutcome::Duplicate) {
            return Ok(None);
        }
        self.save_state.execute(params![
            op.record_id,
            op.field,
            op.kind.as_str(),
            serde_json::to_string(&state)?,
            seq,
            place.commune,
            place.province,
            place.facility,
            record_access.is_sensitive(op.kind, &op.field),
            record_access.case_id,
        ])?;
        after_merge(tx, op, &state, seq)?;
        let value = state.value().and_then(|v| v.as_str());
        access::after_merge(tx, op, value, seq)?;
        Ok(Some((losers_before, state.losers.len())))
    }
}

/// The records this push creates that the device may not create where the push puts them
/// (`hoso_model::scope::refuse_new_records`), from the placements the server held before the push.
fn refused_new_records<'a>(
    before: &HashMap<String, Placement>,
    units: &AdminUnits,
    device: &DeviceAuth,
    ops: &'a [FieldOp],
) -> HashMap<&'a str, ScopeRefusal> {
    if device.role == Role::Admin {
        return HashMap::new();
    }
    scope::refuse_new_records(
        &device.area,
        ops,
        units,
        |id| before.contains_key(id),
        |id| before.get(id).cloned(),
    )
}

/// The placement of every record the push names (its own records and the ones they link to) that
/// the server already has, read in batches.
fn placements_before(tx: &Transaction<'_>, ops: &[FieldOp]) -> Result<HashMap<String, Placement>> {
    let mut ids: Vec<&str> = ops.iter().map(|op| op.record_id.as_str()).collect();
    ids.extend(ops.iter().filter_map(link_target));
    ids.sort_unstable();
    ids.dedup();
    let mut found = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let sql = format!(
            "SELECT id, commune_code, province_code, facility_id FROM record WHERE id IN ({})",
            vec!["?"; chunk.len()].join(", ")
        );
        let mut statement = tx.prepare(&sql)?;
        let mut rows = statement.query(rusqlite::params_from_iter(chunk))?;
        while let Some(row) = rows.next()? {
            found.insert(row.get::<_, String>(0)?, placement_from_row(row, 1)?);
        }
    }
    Ok(found)
}

/// Checks one op against everything but the merge: its rejection, or the record as it is now, which
/// the merge reuses (`None`: the server has never seen the record). `before` holds the placements of
/// the records the server had before this push.
fn vet(
    tx: &Transaction<'_>,
    device: &DeviceAuth,
    op: &FieldOp,
    now: u64,
    before: &HashMap<String, Placement>,
) -> Result<std::result::Result<Option<Stored>, Receipt>> {
    if let Err(rejection) = vet_alone(device, op, now) {
        return Ok(Err(rejection));
    }
    if let Err(refusal) = check_own_plan(tx, op)? {
        return Ok(Err(reject(op, refusal.code, refusal.reason)));
    }
    let stored = existing(tx, &op.record_id)?;
    if stored.as_ref().is_some_and(|s| s.kind != op.kind.as_str()) {
        return Ok(Err(kind_mismatch(op)));
    }
    if device.role != Role::Admin
        && let Err(refusal) = check_existing_scope(
            tx,
            device,
            op,
            stored.as_ref().map(|s| &s.placement),
            before.contains_key(&op.record_id),
        )?
    {
        return Ok(Err(reject_scope(op, &refusal)));
    }
    Ok(Ok(stored))
}

/// An existing record must be in the device's area, and so must any record an op links it to; a
/// record the server had before this push keeps its area (the push's own new records are placed by
/// `refuse_new_records`).
fn check_existing_scope(
    tx: &Transaction<'_>,
    device: &DeviceAuth,
    op: &FieldOp,
    place: Option<&Placement>,
    known_before: bool,
) -> Result<std::result::Result<(), ScopeRefusal>> {
    if let Some(place) = place {
        if let Err(refusal) = scope::check_existing(&device.area, place) {
            return Ok(Err(refusal));
        }
        if known_before
            && let Err(refusal) =
                scope::check_area_change(op.kind, &op.field, op.value.as_str(), place)
        {
            return Ok(Err(refusal));
        }
    }
    if let Some(target) = link_target(op)
        && let Some(target_place) = placement(tx, target)?
    {
        return Ok(scope::check_existing(&device.area, &target_place));
    }
    Ok(Ok(()))
}

/// An approval of a form is refused to whoever submitted it if the form is a plan
/// (`hoso_model::policy::check_not_own_plan`), read from the form's current values.
fn check_own_plan(
    tx: &Transaction<'_>,
    op: &FieldOp,
) -> Result<std::result::Result<(), hoso_model::policy::Refusal>> {
    if !approves_a_form(op) {
        return Ok(Ok(()));
    }
    let current = |field: &str| -> Result<Option<String>> {
        let state: Option<String> = tx
            .prepare_cached("SELECT state FROM field_state WHERE record_id = ?1 AND field = ?2")?
            .query_row([&op.record_id, field], |r| r.get(0))
            .optional()?;
        let state: FieldState = match state {
            Some(text) => serde_json::from_str(&text)?,
            None => FieldState::default(),
        };
        Ok(state.value().and_then(|v| v.as_str()).map(str::to_string))
    };
    let (form_id, submitted_by) = (current(fields::FORM_ID)?, current(fields::SUBMITTED_BY)?);
    Ok(check_not_own_plan(
        op,
        form_id.as_deref(),
        submitted_by.as_deref(),
    ))
}
