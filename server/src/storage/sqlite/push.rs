//! A push in the SQLite backend: every op vetted and merged in memory by the shared rules
//! (`storage/ingest.rs`) over what the push touches, then written — the audit trail, the working set
//! (`rows.rs`), the read model of the cases it touches — all in one transaction.

use super::SEQ;
use super::read_model;
use super::rows::{self, SqliteReads};
use crate::storage::ingest;
use crate::storage::{DeviceAuth, Result};
use hoso_model::admin_units::AdminUnits;
use hoso_model::op::FieldOp;
use hoso_model::protocol::Receipt;
use hoso_sqlite::meta;
use hoso_sqlite::op_row::OpRow;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use std::collections::HashSet;

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
    // One read and one write of the counter per push, not per op (the push is one transaction).
    let base: i64 = meta::get_number(&tx, SEQ)?.unwrap_or(0);
    let known = known_ops(&tx, ops)?;
    let merged = ingest::merge(&mut SqliteReads(&tx), units, device, ops, known, now, base)?;
    log_ops(&tx, device, &merged.accepted, now)?;
    rows::flush(&tx, &merged.writes)?;
    read_model::after_push(&tx, &merged.changed, merged.cases_left)?;
    if merged.last_seq != base {
        meta::set(&tx, SEQ, &merged.last_seq.to_string())?;
    }
    tx.commit()?;
    Ok(merged.receipts)
}

/// The ids of the push's ops the server already has (a retried push).
fn known_ops(tx: &Transaction<'_>, ops: &[FieldOp]) -> Result<HashSet<String>> {
    let mut known_op = tx.prepare_cached("SELECT 1 FROM op_log WHERE op_id = ?1")?;
    let mut known = HashSet::new();
    for op in ops {
        if known_op
            .query_row([&op.op_id], |_| Ok(()))
            .optional()?
            .is_some()
        {
            known.insert(op.op_id.clone());
        }
    }
    Ok(known)
}

/// Appends the accepted ops to the audit trail: who pushed them, from where and when once, then
/// each op.
fn log_ops(
    tx: &Transaction<'_>,
    device: &DeviceAuth,
    accepted: &[(i64, &FieldOp)],
    now: u64,
) -> Result<()> {
    if accepted.is_empty() {
        return Ok(());
    }
    tx.prepare_cached("INSERT INTO push_log (device_id, author, received_at) VALUES (?1, ?2, ?3)")?
        .execute(params![device.device_id, device.user_id, now])?;
    let push = tx.last_insert_rowid();
    let mut insert = tx.prepare_cached(
        "INSERT INTO op_log (seq, push, op_id, record_id, kind, field, value, hlc, supersedes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for (seq, op) in accepted {
        let row = OpRow::encode(op);
        insert.execute(params![
            seq,
            push,
            row.op_id,
            row.record_id,
            row.kind,
            row.field,
            row.value,
            row.hlc,
            row.supersedes
        ])?;
    }
    Ok(())
}
