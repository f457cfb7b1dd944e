//! A push as every backend runs it, between reading and writing: each op vetted (shape, clock,
//! author, write policy — a plan's submitter never approves it —, scope) against the records as this
//! push has left them, merged with the shared merge into its field in the [`WorkingSet`], its sequence
//! number given. The backend reads what the working set asks for, then writes the accepted ops to the
//! audit trail, the working set's [`Writes`] and the read model, in the push's one transaction.

use super::DeviceAuth;
use super::Result;
use super::case_view::Changed;
use super::vetting::{kind_mismatch, link_target, receipt, reject, reject_scope, vet_alone};
use super::working_set::{RecordReads, WorkingSet, Writes};
use hoso_model::admin_units::AdminUnits;
use hoso_model::merge::MergeOutcome;
use hoso_model::op::{FieldOp, RecordKind};
use hoso_model::policy::{approves_a_form, check_not_own_plan};
use hoso_model::protocol::{Receipt, ReceiptStatus};
use hoso_model::role::Role;
use hoso_model::schema::{fields, is_parent_link};
use hoso_model::scope::{self, Placement, ScopeRefusal};
use std::collections::{HashMap, HashSet};

/// What a push decided, for its backend to write.
pub(crate) struct Merged<'a> {
    /// One per op, in the push's order.
    pub receipts: Vec<Receipt>,
    /// The accepted ops with their sequence numbers, for the audit trail.
    pub accepted: Vec<(i64, &'a FieldOp)>,
    /// The fields whose state changed, for the read model.
    pub changed: Vec<Changed<'a>>,
    /// Cases a record left in this push (their read model changes too).
    pub cases_left: Vec<String>,
    pub writes: Writes,
    /// The last sequence number given (`base` when no op was accepted).
    pub last_seq: i64,
}

/// The records the push writes and the ones it links to, sorted, once each.
pub(crate) fn named_records(ops: &[FieldOp]) -> Vec<&str> {
    let mut ids: Vec<&str> = ops.iter().map(|op| op.record_id.as_str()).collect();
    ids.extend(ops.iter().filter_map(link_target));
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Vets and merges `ops` (those in `known` were received before), numbering the accepted ones from
/// `base + 1`.
pub(crate) fn merge<'a>(
    db: &mut dyn RecordReads,
    units: &AdminUnits,
    device: &DeviceAuth,
    ops: &'a [FieldOp],
    mut known: HashSet<String>,
    now: u64,
    base: i64,
) -> Result<Merged<'a>> {
    let mut set = load(db, ops)?;
    let new_refused = refused_new_records(&set, units, device, ops);
    let cases_left = cases_left(ops, |id| set.stored_parent(id));
    let mut merged = Merged {
        receipts: Vec::with_capacity(ops.len()),
        accepted: Vec::with_capacity(ops.len()),
        changed: Vec::with_capacity(ops.len()),
        cases_left,
        writes: Writes::default(),
        last_seq: base,
    };
    for op in ops {
        if known.contains(op.op_id.as_str()) {
            merged.receipts.push(receipt(op, ReceiptStatus::Duplicate));
            continue;
        }
        if let Some(refusal) = new_refused.get(op.record_id.as_str()) {
            merged.receipts.push(reject_scope(op, refusal));
            continue;
        }
        let place = match vet(db, &mut set, device, op, now)? {
            Ok(place) => place,
            Err(rejection) => {
                merged.receipts.push(rejection);
                continue;
            }
        };
        merged.last_seq += 1;
        merged.accepted.push((merged.last_seq, op));
        if let Some((losers_before, losers)) = apply(db, &mut set, op, place, merged.last_seq)? {
            merged.changed.push(Changed {
                op,
                losers_before,
                losers,
            });
        }
        known.insert(op.op_id.clone());
        merged.receipts.push(receipt(op, ReceiptStatus::Accepted));
    }
    merged.writes = set.into_writes();
    Ok(merged)
}

/// Reads the records the push names (its own and the ones it links to), the fields it writes, and
/// the form id and submitter of the forms it approves.
fn load(db: &mut dyn RecordReads, ops: &[FieldOp]) -> Result<WorkingSet> {
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
    WorkingSet::load(db, &ids, &fields)
}

/// Cases a record leaves in this push (`stored_parent`: its parent before the push): a form, visit,
/// referral, consent or photo whose link to its case changes no longer counts for the case it
/// belonged to.
fn cases_left(ops: &[FieldOp], stored_parent: impl Fn(&str) -> Option<String>) -> Vec<String> {
    ops.iter()
        .filter(|op| {
            is_parent_link(op.kind, &op.field)
                && !matches!(op.kind, RecordKind::Person | RecordKind::Household)
        })
        .filter_map(|op| stored_parent(&op.record_id))
        .collect()
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
    db: &mut dyn RecordReads,
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
        .get(db, &op.record_id)?
        .map(|row| (row.kind == op.kind.as_str(), row.placed.clone(), row.stored));
    if existing.as_ref().is_some_and(|(same_kind, ..)| !same_kind) {
        return Ok(Err(kind_mismatch(op)));
    }
    let known_before = existing.as_ref().is_some_and(|(.., stored)| *stored);
    let place = existing.map(|(_, placement, _)| placement);
    if device.role != Role::Admin
        && let Err(refusal) = check_scope(db, set, device, op, place.as_ref(), known_before)?
    {
        return Ok(Err(reject_scope(op, &refusal)));
    }
    Ok(Ok(place))
}

/// An existing record must be in the device's area, and so must any record an op links it to; a
/// record the server had before this push keeps its area (the push's own new records are placed by
/// `refuse_new_records`).
fn check_scope(
    db: &mut dyn RecordReads,
    set: &mut WorkingSet,
    device: &DeviceAuth,
    op: &FieldOp,
    place: Option<&Placement>,
    known_before: bool,
) -> Result<std::result::Result<(), ScopeRefusal>> {
    if let Some(place) = place {
        let refused = scope::check_existing(&device.area, place).and_then(|()| {
            if known_before {
                scope::check_area_change(op.kind, &op.field, op.value.as_str(), place)
            } else {
                Ok(())
            }
        });
        if refused.is_err() {
            return Ok(refused);
        }
    }
    if let Some(target) = link_target(op)
        && let Some(target_place) = set.get(db, target)?.map(|row| row.placed.clone())
    {
        return Ok(scope::check_existing(&device.area, &target_place));
    }
    Ok(Ok(()))
}

/// Merges the op into its field and keeps its record's placement and access in step. Returns how
/// many concurrent values the field kept before and keeps now, or `None` if its state did not change.
fn apply(
    db: &mut dyn RecordReads,
    set: &mut WorkingSet,
    op: &FieldOp,
    place: Option<Placement>,
    seq: i64,
) -> Result<Option<(usize, usize)>> {
    if place.is_none() {
        set.ensure_record(db, &op.record_id, op.kind)?;
        set.created(&op.record_id, op.kind);
    }
    let mut state = set.state(&op.record_id, &op.field);
    let losers_before = state.losers.len();
    if matches!(state.merge(op), MergeOutcome::Duplicate) {
        return Ok(None);
    }
    let losers = state.losers.len();
    let winner = state.value().and_then(|v| v.as_str()).map(str::to_string);
    set.write_state(op, state, seq, place.unwrap_or_default());
    set.after_merge(db, op, winner, seq)?;
    Ok(Some((losers_before, losers)))
}
