//! A push in the PostgreSQL backend: the records it names locked (`ordering`), its sequence numbers
//! taken from its transaction id, everything the ops touch read at once,
//! every op vetted (shape, clock, author, write policy — a plan's submitter never approves it —,
//! scope), logged in the append-only audit trail and merged with the shared merge in memory, then
//! written back with the read model of the cases it touches — all in one transaction.

use super::ordering::{self, LockSpace};
use super::read_model;
use super::working_set::WorkingSet;
use crate::storage::case_view::Changed;
use crate::storage::vetting::{
    kind_mismatch, link_target, receipt, reject, reject_scope, vet_alone,
};
use crate::storage::{DeviceAuth, Result};
use hoso_model::admin_units::AdminUnits;
use hoso_model::merge::MergeOutcome;
use hoso_model::op::FieldOp;
use hoso_model::policy::{approves_a_form, check_not_own_plan};
use hoso_model::protocol::{Receipt, ReceiptStatus};
use hoso_model::role::Role;
use hoso_model::schema::fields;
use hoso_model::scope::{self, Placement, ScopeRefusal};
use hoso_sqlite::op_row::OpRow;
use postgres::types::Type;
use postgres::{Client, Transaction};
use std::collections::{HashMap, HashSet};

pub(super) fn push(
    client: &mut Client,
    units: &AdminUnits,
    device: &DeviceAuth,
    ops: &[FieldOp],
    now: u64,
) -> Result<Vec<Receipt>> {
    let mut tx = client.transaction()?;
    ordering::enter_push(&mut tx, device.role == Role::Admin)?;
    ordering::lock(&mut tx, LockSpace::Records, &named_records(ops))?;
    let base = ordering::push_base(&mut tx, ops.len())?;
    let mut known = known_ops(&mut tx, ops)?;
    let mut set = load(&mut tx, ops)?;
    let new_refused = refused_new_records(&set, units, device, ops);
    let left = read_model::cases_left(ops, |id| set.stored_parent(id));
    let mut changed = Vec::with_capacity(ops.len());
    let mut log = OpLog::default();
    let mut seq = base;
    let mut receipts = Vec::with_capacity(ops.len());
    for op in ops {
        if known.contains(op.op_id.as_str()) {
            receipts.push(receipt(op, ReceiptStatus::Duplicate));
            continue;
        }
        if let Some(refusal) = new_refused.get(op.record_id.as_str()) {
            receipts.push(reject_scope(op, refusal));
            continue;
        }
        let place = match vet(&mut tx, &mut set, device, op, now)? {
            Ok(place) => place,
            Err(rejection) => {
                receipts.push(rejection);
                continue;
            }
        };
        seq += 1;
        log.add(op, seq, now);
        if let Some((losers_before, losers)) = apply(&mut tx, &mut set, op, place, seq)? {
            changed.push(Changed {
                op,
                losers_before,
                losers,
            });
        }
        known.insert(op.op_id.clone());
        receipts.push(receipt(op, ReceiptStatus::Accepted));
    }
    log.flush(&mut tx)?;
    set.flush(&mut tx)?;
    read_model::after_push(&mut tx, &changed, left)?;
    tx.commit()?;
    Ok(receipts)
}

/// The records the push writes and the ones it links to.
fn named_records(ops: &[FieldOp]) -> Vec<&str> {
    let mut ids: Vec<&str> = ops.iter().map(|op| op.record_id.as_str()).collect();
    ids.extend(ops.iter().filter_map(link_target));
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The ids of the push's ops the server already has (a retried push).
fn known_ops(tx: &mut Transaction<'_>, ops: &[FieldOp]) -> Result<HashSet<String>> {
    let ids: Vec<&str> = ops.iter().map(|op| op.op_id.as_str()).collect();
    Ok(tx
        .query("SELECT op_id FROM op_log WHERE op_id = ANY($1)", &[&ids])?
        .iter()
        .map(|row| row.get(0))
        .collect())
}

/// Reads the records the push names (its own and the ones it links to), the fields it writes, and
/// the form id and submitter of the forms it approves.
fn load(tx: &mut Transaction<'_>, ops: &[FieldOp]) -> Result<WorkingSet> {
    let ids = named_records(ops);
    let mut fields: Vec<(&str, &str)> = ops
        .iter()
        .map(|op| (op.record_id.as_str(), op.field.as_str()))
        .collect();
    for op in ops.iter().filter(|op| approves_a_form(op)) {
        fields.push((op.record_id.as_str(), fields::FORM_ID));
        fields.push((op.record_id.as_str(), fields::SUBMITTED_BY));
    }
    fields.sort_unstable();
    fields.dedup();
    WorkingSet::load(tx, &ids, &fields)
}

/// The records this push creates that the device may not create where the push puts them, from the
/// placements the server held before the push.
fn refused_new_records<'a>(
    set: &WorkingSet,
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
        |id| set.known(id),
        |id| set.placement_of(id),
    )
}

/// Everything but the merge: the rejection, or the record's placement as it is now (`None`: new).
fn vet(
    tx: &mut Transaction<'_>,
    set: &mut WorkingSet,
    device: &DeviceAuth,
    op: &FieldOp,
    now: u64,
) -> Result<std::result::Result<Option<Placement>, Receipt>> {
    if let Err(rejection) = vet_alone(device, op, now) {
        return Ok(Err(rejection));
    }
    if approves_a_form(op) {
        let current = |field: &str| {
            let state = set.state(&op.record_id, field);
            state.value().and_then(|v| v.as_str()).map(str::to_string)
        };
        let (form_id, submitted_by) = (current(fields::FORM_ID), current(fields::SUBMITTED_BY));
        if let Err(refusal) = check_not_own_plan(op, form_id.as_deref(), submitted_by.as_deref()) {
            return Ok(Err(reject(op, refusal.code, refusal.reason)));
        }
    }
    let existing = set
        .get(tx, &op.record_id)?
        .map(|row| (row.kind.clone(), row.placed.clone()));
    if existing
        .as_ref()
        .is_some_and(|(kind, _)| kind != op.kind.as_str())
    {
        return Ok(Err(kind_mismatch(op)));
    }
    let known_before = set.get(tx, &op.record_id)?.is_some_and(|row| row.stored);
    let place = existing.map(|(_, placement)| placement);
    if device.role != Role::Admin {
        if let Some(place) = &place {
            let refused = scope::check_existing(&device.area, place).and_then(|()| {
                if known_before {
                    scope::check_area_change(op.kind, &op.field, op.value.as_str(), place)
                } else {
                    Ok(())
                }
            });
            if let Err(refusal) = refused {
                return Ok(Err(reject_scope(op, &refusal)));
            }
        }
        if let Some(target) = link_target(op)
            && let Some(target_place) = set.get(tx, target)?.map(|row| row.placed.clone())
            && let Err(refusal) = scope::check_existing(&device.area, &target_place)
        {
            return Ok(Err(reject_scope(op, &refusal)));
        }
    }
    Ok(Ok(place))
}

/// Merges the op into its field and keeps its record's placement in step. Returns how many
/// concurrent values the field kept before and keeps now, or `None` if its state did not change.
fn apply(
    tx: &mut Transaction<'_>,
    set: &mut WorkingSet,
    op: &FieldOp,
    place: Option<Placement>,
    seq: i64,
) -> Result<Option<(usize, usize)>> {
    if place.is_none() {
        set.ensure_record(tx, &op.record_id, op.kind)?;
        set.created(&op.record_id, op.kind);
    }
    let mut state = set.state(&op.record_id, &op.field);
    let losers_before = state.losers.len();
    if matches!(state.merge(op), MergeOutcome::Duplicate) {
        return Ok(None);
    }
    set.write_state(op, state.clone(), seq, place.unwrap_or_default());
    set.after_merge(tx, op, &state, seq)?;
    set.after_merge_access(tx, op, &state, seq)?;
    Ok(Some((losers_before, state.losers.len())))
}

/// The accepted ops of a push, written to the audit trail in one statement.
#[derive(Default)]
struct OpLog {
    seqs: Vec<i64>,
    received: Vec<i64>,
    rows: Vec<OpRow>,
}

impl OpLog {
    fn add(&mut self, op: &FieldOp, seq: i64, now: u64) {
        self.seqs.push(seq);
        self.received.push(i64::try_from(now).unwrap_or(i64::MAX));
        self.rows.push(OpRow::encode(op));
    }

    fn flush(&self, tx: &mut Transaction<'_>) -> Result<()> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let column =
            |pick: fn(&OpRow) -> &str| -> Vec<&str> { self.rows.iter().map(pick).collect() };
        tx.execute_typed(
            "INSERT INTO op_log (seq, received_at, op_id, record_id, kind, field, value, hlc,
                                 supersedes, device_id, author)
             SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[],
                                  $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
                                  $11::text[])",
            &[
                (&self.seqs, Type::INT8_ARRAY),
                (&self.received, Type::INT8_ARRAY),
                (&column(|r| &r.op_id), Type::TEXT_ARRAY),
                (&column(|r| &r.record_id), Type::TEXT_ARRAY),
                (&column(|r| r.kind), Type::TEXT_ARRAY),
                (&column(|r| &r.field), Type::TEXT_ARRAY),
                (&column(|r| &r.value), Type::TEXT_ARRAY),
                (&column(|r| &r.hlc), Type::TEXT_ARRAY),
                (&column(|r| &r.supersedes), Type::TEXT_ARRAY),
                (&column(|r| &r.device_id), Type::TEXT_ARRAY),
                (&column(|r| &r.author), Type::TEXT_ARRAY),
            ],
        )?;
        Ok(())
    }
}
