//! Reading the append-only audit trail of the SQLite backend (`op_log` with its `push_log`, through
//! the `audit_op` view).

use crate::storage::{AuditEntry, Result};
use hoso_sqlite::op_row::{OP_COLUMNS, OpRow};
use rusqlite::Connection;

pub(super) fn audit_trail(conn: &Connection, record_id: &str) -> Result<Vec<AuditEntry>> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT seq, received_at, {OP_COLUMNS} FROM audit_op WHERE record_id = ?1 ORDER BY seq"
    ))?;
    let mut rows = statement.query([record_id])?;
    let mut entries = Vec::new();
    while let Some(row) = rows.next()? {
        entries.push(AuditEntry {
            seq: row.get(0)?,
            received_at: row.get(1)?,
            op: OpRow::read(row, 2)?,
        });
    }
    Ok(entries)
}
