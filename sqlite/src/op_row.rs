//! A field operation as the columns the device's outbox stores and the server's audit trail gives
//! back (the server keeps device, author and arrival once per push, joined back by its `audit_op`
//! view): ids and names as text, the value as JSON, clocks as their sortable text.

use crate::{Error, Result};
use hoso_model::hlc::Hlc;
use hoso_model::op::{FieldOp, RecordKind};
use rusqlite::{Row, ToSql};

/// The columns of an op, in the order [`OpRow::read`] expects them and [`OpRow::values`] gives them.
pub const OP_COLUMNS: &str =
    "op_id, record_id, kind, field, value, hlc, supersedes, device_id, author";

/// An op encoded for storage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpRow {
    pub op_id: String,
    pub record_id: String,
    pub kind: &'static str,
    pub field: String,
    pub value: String,
    pub hlc: String,
    pub supersedes: String,
    pub device_id: String,
    pub author: String,
}

impl OpRow {
    pub fn encode(op: &FieldOp) -> OpRow {
        let supersedes: Vec<String> = op.supersedes.iter().map(Hlc::encode).collect();
        OpRow {
            op_id: op.op_id.clone(),
            record_id: op.record_id.clone(),
            kind: op.kind.as_str(),
            field: op.field.clone(),
            value: op.value.to_string(),
            hlc: op.hlc.encode(),
            supersedes: serde_json::Value::from(supersedes).to_string(),
            device_id: op.device_id.clone(),
            author: op.author.clone(),
        }
    }

    /// The values of [`OP_COLUMNS`], in order, for an insert.
    pub fn values(&self) -> [&dyn ToSql; 9] {
        [
            &self.op_id,
            &self.record_id,
            &self.kind,
            &self.field,
            &self.value,
            &self.hlc,
            &self.supersedes,
            &self.device_id,
            &self.author,
        ]
    }

    /// Reads the op whose [`OP_COLUMNS`] start at column `first` of `row`. A row that does not decode
    /// is a damaged file: only ops that passed their shape checks are ever stored.
    pub fn read(row: &Row<'_>, first: usize) -> Result<FieldOp> {
        let text = |i: usize| row.get::<_, String>(first + i);
        let corrupt = |what: &str| Error::Corrupt {
            detail: format!("a stored op has an unreadable {what}"),
        };
        let supersedes: Vec<String> =
            serde_json::from_str(&text(6)?).map_err(|_| corrupt("list of superseded clocks"))?;
        Ok(FieldOp {
            op_id: text(0)?,
            record_id: text(1)?,
            kind: RecordKind::parse(&text(2)?).ok_or_else(|| corrupt("kind"))?,
            field: text(3)?,
            value: serde_json::from_str(&text(4)?).map_err(|_| corrupt("value"))?,
            hlc: Hlc::decode(&text(5)?).ok_or_else(|| corrupt("clock"))?,
            supersedes: supersedes
                .iter()
                .map(|t| Hlc::decode(t).ok_or_else(|| corrupt("superseded clock")))
                .collect::<Result<_>>()?,
            device_id: text(7)?,
            author: text(8)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;
    use serde_json::json;

    fn op() -> FieldOp {
        FieldOp {
            op_id: "0190a0b0-0000-7000-8000-000000000001".into(),
            record_id: "0190a0b0-0000-7000-8000-000000000002".into(),
            kind: RecordKind::Person,
            field: "full_name".into(),
            value: json!("Nguyễn Thị Đào"),
            hlc: Hlc::new(1_700_000_000_000, 3, 42),
            supersedes: vec![Hlc::new(1_699_000_000_000, 0, 7)],
            device_id: "device".into(),
            author: "author".into(),
        }
    }

    fn table() -> Connection {
        let conn = Connection::open_in_memory().expect("memory database");
        conn.execute_batch(&format!("CREATE TABLE op ({OP_COLUMNS});"))
            .expect("schema");
        conn
    }

    fn insert(conn: &Connection, row: &OpRow) {
        conn.execute(
            &format!("INSERT INTO op ({OP_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"),
            row.values().as_slice(),
        )
        .expect("insert");
    }

    #[test]
    fn an_op_reads_back_as_it_was_written() {
        let conn = table();
        let original = op();
        insert(&conn, &OpRow::encode(&original));
        let read = conn
            .query_row(&format!("SELECT {OP_COLUMNS} FROM op"), [], |row| {
                Ok(OpRow::read(row, 0))
            })
            .expect("row")
            .expect("decodes");
        assert_eq!(read, original);
    }

    #[test]
    fn a_damaged_row_is_reported_as_damage() {
        let conn = table();
        let mut row = OpRow::encode(&op());
        row.hlc = "not a clock".into();
        insert(&conn, &row);
        let read = conn
            .query_row(&format!("SELECT {OP_COLUMNS} FROM op"), [], |row| {
                Ok(OpRow::read(row, 0))
            })
            .expect("row");
        assert!(matches!(read, Err(Error::Corrupt { .. })));
    }
}
