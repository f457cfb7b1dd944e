//! How pushes from many processes run side by side and still never hide a change from a pull
//! (`server/sql/postgres/006_sequence_from_xid.sql`).
//!
//! Sequence numbers: a push numbers its ops `floor + xid × 65,536 + n` from its own transaction id,
//! taking no lock. Transaction ids only grow, and a snapshot lists the ones still running, so a pull's
//! [`horizon`] (`floor + oldest running × 65,536 − 1`) is a number below which nothing can still be
//! committed: pages never pass it, and the next pull resumes from it.
//!
//! Locks, each held to commit and always taken in this order, so that no two pushes wait on each other
//! in a cycle: a lock on every push (shared; an administrator's push, which may move records and their
//! children, takes it alone), then the records the push names and links to (sorted keys), then, when
//! the push is written, the cases whose read-model rows it refreshes (sorted keys). Two pushes touching
//! one record merge one after the other; a case's rows are computed by one push at a time, after the
//! pushes before it committed.

use crate::storage::{Result, StorageError};
use postgres::types::Type;
use postgres::{GenericClient, Transaction};
use sha2::{Digest, Sha256};

/// Ops a push may number: its ops take `base + 1 ..= base + 65,535`.
const SEQS_PER_PUSH: usize = 1 << 16;

/// The first key of each kind of advisory lock (the second is the lock's object).
#[derive(Clone, Copy)]
pub(super) enum LockSpace {
    Pushes = 1,
    Records = 2,
    CaseViews = 3,
}

/// Enters a push: alongside other pushes, or alone for an administrator's.
///
/// A push reads and writes only by key, but a table that grew since it was last analysed (a new
/// database taking its first months of work, or a migration) has statistics that make whole-table
/// scans look cheaper than thousands of index probes: 13 ms per statement at 56,000 fields, growing
/// with the table. The push's transaction therefore turns sequential scans off for itself, and with
/// them just-in-time compilation, which the penalty's cost would start (20–380 ms per statement).
pub(super) fn enter_push(tx: &mut Transaction<'_>, alone: bool) -> Result<()> {
    let lock = if alone {
        "pg_advisory_xact_lock"
    } else {
        "pg_advisory_xact_lock_shared"
    };
    let sql = format!(
        "SELECT {lock}($1, 0), set_config('enable_seqscan', 'off', true),
                set_config('jit', 'off', true)"
    );
    tx.execute_typed(&sql, &[(&(LockSpace::Pushes as i32), Type::INT4)])?;
    Ok(())
}

/// Locks these ids in one space until commit, in key order.
pub(super) fn lock(tx: &mut impl GenericClient, space: LockSpace, ids: &[&str]) -> Result<()> {
    let mut keys: Vec<i32> = ids.iter().map(|id| key(id)).collect();
    keys.sort_unstable();
    keys.dedup();
    if keys.is_empty() {
        return Ok(());
    }
    // A function scan of the array yields its elements in order, so the locks are taken in order.
    tx.execute_typed(
        "SELECT pg_advisory_xact_lock($1, k) FROM unnest($2::int4[]) AS k",
        &[(&(space as i32), Type::INT4), (&keys, Type::INT4_ARRAY)],
    )?;
    Ok(())
}

/// A 32-bit key of an id, the same in every process (two ids sharing one only wait for each other).
fn key(id: &str) -> i32 {
    let digest = Sha256::digest(id.as_bytes());
    i32::from_le_bytes([digest[0], digest[1], digest[2], digest[3]])
}

/// The number just below this push's first op: the ops take the following numbers in order.
pub(super) fn push_base(tx: &mut Transaction<'_>, ops: usize) -> Result<i64> {
    if ops >= SEQS_PER_PUSH {
        return Err(StorageError::Postgres(format!(
            "a push of {ops} ops: at most {} fit its sequence numbers",
            SEQS_PER_PUSH - 1
        )));
    }
    Ok(tx
        .query_typed_one(
            "SELECT floor + (pg_current_xact_id()::text::bigint << 16) FROM sequence_floor",
            &[],
        )?
        .get(0))
}

/// The highest sequence number a pull in this transaction may return: every push numbered up to it
/// has committed (and is seen) or never will.
pub(super) struct Horizon {
    pub seq: i64,
    /// False when the transaction holding it back had already ended when asked about: it could not
    /// be placed (another database's, or a push of ours this snapshot cannot see), and a fresh
    /// snapshot would go further.
    pub settled: bool,
}

/// The horizon of this transaction's snapshot: the oldest transaction the snapshot sees running, left
/// out those that another database's sessions show as theirs (transaction ids are the cluster's:
/// another database's work must not hold devices back); one it cannot place counts.
pub(super) fn horizon(tx: &mut Transaction<'_>) -> Result<Horizon> {
    let row = tx.query_typed_one(
        "SELECT f.floor + (coalesce(b.xid, pg_snapshot_xmax(s)::text::bigint) << 16) - 1,
                b.xid IS NULL OR pg_xact_status(b.xid::text::xid8) = 'in progress'
         FROM sequence_floor f, pg_current_snapshot() AS s,
              LATERAL (SELECT min(x::text::bigint) AS xid FROM pg_snapshot_xip(s) AS x
                       WHERE NOT EXISTS (
                           SELECT 1 FROM pg_stat_activity a
                           WHERE a.datname <> current_database()
                             AND a.backend_xid::text::bigint = x::text::bigint % 4294967296)) b",
        &[],
    )?;
    Ok(Horizon {
        seq: row.get(0),
        settled: row.get(1),
    })
}

/// How long the oldest transaction of this database holding a transaction id (what a pull's horizon
/// waits on) has been open, in seconds; 0 when none. This session's own is left out.
pub(super) fn oldest_transaction_seconds(client: &mut impl GenericClient) -> Result<f64> {
    Ok(client
        .query_typed_one(
            "SELECT coalesce(extract(epoch FROM now() - min(xact_start)), 0)::float8
             FROM pg_stat_activity
             WHERE datname = current_database() AND backend_xid IS NOT NULL
               AND pid <> pg_backend_pid()",
            &[],
        )?
        .get(0))
}
