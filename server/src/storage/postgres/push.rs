//! A push in the PostgreSQL backend: the records it names locked (`ordering`), its sequence numbers
//! taken from its transaction id, everything the ops touch read at once, every op vetted and merged
//! in memory by the shared rules (`storage/ingest.rs`), then written back — the audit trail, the
//! working set (`rows.rs`), the read model of the cases it touches — in a few statements, all in
//! one transaction.

use super::ordering::{self, LockSpace};
use super::read_model;
use super::rows::{self, PgReads};
use crate::storage::ingest::{self, named_records};
use crate::storage::{DeviceAuth, Result};
use hoso_model::admin_units::AdminUnits;
use hoso_model::op::FieldOp;
use hoso_model::protocol::Receipt;
use hoso_model::role::Role;
use hoso_sqlite::op_row::OpRow;
use postgres::types::Type;
use postgres::{Client, Transaction};
use std::collections::HashSet;

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
    let known = known_ops(&mut tx, ops)?;
    let merged = ingest::merge(&mut PgReads(&mut tx), units, device, ops, known, now, base)?;
    OpLog::of(&merged.accepted, now).flush(&mut tx)?;
    rows::flush(&mut tx, &merged.writes)?;
    read_model::after_push(&mut tx, &merged.changed, merged.cases_left)?;
    tx.commit()?;
    Ok(merged.receipts)
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

/// The accepted ops of a push, written to the audit trail in one statement.
struct OpLog {
    seqs: Vec<i64>,
    received: Vec<i64>,
    rows: Vec<OpRow>,
}

impl OpLog {
    fn of(accepted: &[(i64, &FieldOp)], now: u64) -> OpLog {
        let received = i64::try_from(now).unwrap_or(i64::MAX);
        OpLog {
            seqs: accepted.iter().map(|(seq, _)| *seq).collect(),
            received: vec![received; accepted.len()],
            rows: accepted.iter().map(|(_, op)| OpRow::encode(op)).collect(),
        }
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
