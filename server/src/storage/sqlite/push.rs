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
use hoso_sqlite::op_row::{OP_COLUMNS, OpRow};
use rusqlite::{Connection, OptionalExtension, ToSql, Transaction};
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
    log_ops(&tx, &merged.accepted, now)?;
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

/// Appends the accepted ops to the audit trail.
fn log_ops(tx: &Transaction<'_>, accepted: &[(i64, &FieldOp)], now: u64) -> Result<()> {
    let mut insert = tx.prepare_cached(&format!(
        "INSERT INTO op_log (seq, received_at, {OP_COLUMNS})
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
    ))?;
    for (seq, op) in accepted {
        let row = OpRow::encode(op);
        let mut values: Vec<&dyn ToSql> = vec![seq, &now];
        values.extend(row.values());
        insert.execute(values.as_slice())?;
    }
    Ok(())
}
