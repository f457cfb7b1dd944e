//! The outbox: local ops waiting for the server, with a state per op that a UI can show per record
//! (queued, sent, acknowledged, or rejected with the reason), and the inbox side: pulled field states
//! merged in one transaction per page.
//!
//! Ops are tracked by id, never by a counter snapshot, so an edit made while a push is in flight stays
//! queued and goes with the next push.

use super::{Store, WriteTx};
use crate::error::Result;
use hoso_model::hlc::Hlc;
use hoso_model::i18n::Localized;
use hoso_model::op::FieldOp;
use hoso_model::protocol::{OutboxReport, PullResponse, RemoteRecord};
use hoso_sqlite::op_row::{OP_COLUMNS, OpRow};
use rusqlite::params;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OutboxState {
    /// Recorded on the phone, not yet sent.
    Queued,
    /// Sent; the server's receipt has not arrived (the push will be repeated: it is idempotent).
    Sent,
    /// The server has it.
    Acknowledged,
    /// The server refused it; the reason says why.
    Rejected,
}

impl OutboxState {
    /// The state's name, as stored and as the apps show it.
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxState::Queued => "queued",
            OutboxState::Sent => "sent",
            OutboxState::Acknowledged => "acknowledged",
            OutboxState::Rejected => "rejected",
        }
    }

    fn parse(text: &str) -> OutboxState {
        match text {
            "sent" => OutboxState::Sent,
            "acknowledged" => OutboxState::Acknowledged,
            "rejected" => OutboxState::Rejected,
            _ => OutboxState::Queued,
        }
    }
}

/// The sync state of one record, for the little badge beside it.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordSyncState {
    pub record_id: String,
    /// The least advanced state among the record's ops (rejected counts as most urgent).
    pub state: OutboxState,
    pub pending_ops: u32,
    pub rejection: Option<Rejection>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Rejection {
    pub code: String,
    pub reason: Localized,
}

impl Store {
    /// Ops to push next, oldest first: queued ones, and sent ones whose receipt never came.
    pub fn ops_to_push(&self, limit: usize) -> Result<Vec<FieldOp>> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {OP_COLUMNS} FROM op WHERE sync_state IN ('queued', 'sent') ORDER BY seq LIMIT ?1"
            ))?;
            let mut rows = stmt.query([limit as i64])?;
            let mut ops = Vec::new();
            while let Some(row) = rows.next()? {
                ops.push(OpRow::read(row, 0)?);
            }
            Ok(ops)
        })
    }

    /// How many ops [`Store::ops_to_push`] has left to give: what a push still has to send.
    pub fn ops_to_push_count(&self) -> Result<usize> {
        self.read(|conn| {
            let n: i64 = conn.query_row(
                "SELECT count(*) FROM op WHERE sync_state IN ('queued', 'sent')",
                [],
                |r| r.get(0),
            )?;
            Ok(usize::try_from(n).unwrap_or(0))
        })
    }

    pub fn mark_sent(&self, op_ids: &[String]) -> Result<()> {
        self.set_op_states(
            op_ids
                .iter()
                .map(|id| (id.as_str(), OutboxState::Sent, None)),
        )
    }

    pub fn mark_acknowledged(&self, op_ids: &[String]) -> Result<()> {
        self.set_op_states(
            op_ids
                .iter()
                .map(|id| (id.as_str(), OutboxState::Acknowledged, None)),
        )
    }

    pub fn mark_rejected(&self, op_id: &str, rejection: &Rejection) -> Result<()> {
        self.set_op_states(std::iter::once((
            op_id,
            OutboxState::Rejected,
            Some(rejection),
        )))
    }

    fn set_op_states<'a>(
        &self,
        updates: impl Iterator<Item = (&'a str, OutboxState, Option<&'a Rejection>)>,
    ) -> Result<()> {
        let mut writer = self.lock_writer();
        let tx = writer.conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached(
                "UPDATE op SET sync_state = ?2, reject_code = ?3, reject_reason = ?4
                 WHERE op_id = ?1 AND sync_state != 'acknowledged'",
            )?;
            for (op_id, state, rejection) in updates {
                let reason = rejection
                    .map(|r| serde_json::to_string(&r.reason))
                    .transpose()?;
                stmt.execute(params![
                    op_id,
                    state.as_str(),
                    rejection.map(|r| r.code.as_str()),
                    reason
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The outbox as a device reports it to the server when it syncs: ops waiting to be sent or
    /// acknowledged, and the device time of the oldest.
    pub fn outbox_report(&self) -> Result<OutboxReport> {
        self.read(|conn| {
            let (pending, oldest): (i64, Option<String>) = conn
                .prepare_cached(
                    "SELECT count(*), (SELECT hlc FROM op WHERE sync_state IN ('queued', 'sent')
                                       ORDER BY seq LIMIT 1)
                     FROM op WHERE sync_state IN ('queued', 'sent')",
                )?
                .query_row([], |row| Ok((row.get(0)?, row.get(1)?)))?;
            Ok(OutboxReport {
                pending_ops: u64::try_from(pending).unwrap_or_default(),
                oldest_unsent_millis: oldest.as_deref().and_then(Hlc::decode).map(|h| h.millis),
            })
        })
    }

    /// The sync state of every record that still has ops not acknowledged by the server (through
    /// `op_by_state`: the acknowledged ops, nearly all of them, are never read).
    pub fn outbox(&self) -> Result<Vec<RecordSyncState>> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT record_id, sync_state, count(*), max(reject_code), max(reject_reason) FROM op
                 WHERE sync_state IN ('queued', 'sent', 'rejected')
                 GROUP BY record_id, sync_state ORDER BY record_id",
            )?;
            let rows = stmt.query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, i64>(2)?,
                    row.get::<_, Option<String>>(3)?,
                    row.get::<_, Option<String>>(4)?,
                ))
            })?;
            let mut out: Vec<RecordSyncState> = Vec::new();
            for row in rows {
                let (record_id, state, count, code, reason) = row?;
                let state = OutboxState::parse(&state);
                let rejection = match (code, reason) {
                    (Some(code), Some(reason)) => Some(Rejection { code, reason: serde_json::from_str(&reason)? }),
                    _ => None,
                };
                match out.last_mut().filter(|r| r.record_id == record_id) {
                    Some(existing) => {
                        existing.pending_ops += count as u32;
                        if state == OutboxState::Rejected || (existing.state != OutboxState::Rejected && state < existing.state) {
                            existing.state = state;
                        }
                        existing.rejection = existing.rejection.take().or(rejection);
                    }
                    None => out.push(RecordSyncState { record_id, state, pending_ops: count as u32, rejection }),
                }
            }
            Ok(out)
        })
    }

    /// Merges pulled records in one transaction: every field state is absorbed with the shared merge,
    /// evicted records leave the device. Returns how many field values changed.
    pub fn apply_remote(&self, records: Vec<RemoteRecord>, evicted: &[String]) -> Result<usize> {
        self.write(|w| absorb_all(w, records, &[], evicted))
    }

    /// Merges a pulled page and moves the pull cursor past it in the same transaction: a page is
    /// either merged and never asked for again, or not merged at all.
    pub(crate) fn apply_remote_page(&self, page: PullResponse) -> Result<usize> {
        self.write(|w| {
            let changed = absorb_all(w, page.records, &page.withheld, &page.evicted)?;
            w.set_pull_cursor(page.next_cursor)?;
            Ok(changed)
        })
    }
}

fn absorb_all(
    w: &mut WriteTx<'_>,
    records: Vec<RemoteRecord>,
    withheld: &[(String, String)],
    evicted: &[String],
) -> Result<usize> {
    let mut changed = 0;
    for record in records {
        changed += w.absorb_record(record)?;
    }
    for (record_id, field) in withheld {
        w.withhold(record_id, field)?;
    }
    for record_id in evicted {
        w.evict(record_id)?;
    }
    Ok(changed)
}

impl Store {
    /// (record id, field, HLC) of every op the server acknowledged: what must never be lost.
    pub fn acknowledged_ops(&self) -> Result<Vec<(String, String, Hlc)>> {
        self.read(|conn| {
            let mut stmt =
                conn.prepare_cached("SELECT record_id, field, hlc FROM op WHERE sync_state = 'acknowledged' ORDER BY seq")?;
            let rows = stmt.query_map([], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?))
            })?;
            rows.map(|row| {
                let (record, field, hlc) = row?;
                let hlc = Hlc::decode(&hlc).ok_or_else(|| crate::Error::Corrupt { detail: "unreadable op clock".into() })?;
                Ok((record, field, hlc))
            })
            .collect()
        })
    }
}
