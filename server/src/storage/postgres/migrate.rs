//! The PostgreSQL schema's migrations: `server/sql/postgres/*.sql` applied in order, all in one
//! transaction under an advisory lock, so that processes starting together migrate once.

use crate::storage::{Result, StorageError};
use postgres::Client;

const MIGRATIONS: &[&str] = &[
    include_str!("../../../sql/postgres/001_initial.sql"),
    include_str!("../../../sql/postgres/002_sensitive_and_reference.sql"),
    include_str!("../../../sql/postgres/003_photos.sql"),
    include_str!("../../../sql/postgres/004_oversight.sql"),
    include_str!("../../../sql/postgres/005_case_snapshot.sql"),
    include_str!("../../../sql/postgres/006_sequence_from_xid.sql"),
    include_str!("../../../sql/postgres/007_drop_unused_index.sql"),
];

/// Any number, the same in every process: the advisory lock key of migrations.
const MIGRATION_LOCK: i64 = 0x686f_736f_6d69_6772;

pub(super) fn migrate(client: &mut Client) -> Result<()> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
    )?;
    let current: i32 = tx
        .query_one("SELECT coalesce(max(version), 0) FROM schema_version", &[])?
        .get(0);
    let known = MIGRATIONS.len() as i32;
    if current > known {
        return Err(StorageError::Postgres(format!(
            "the database has schema version {current}, newer than this server's {known}: upgrade hoso-server"
        )));
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        tx.batch_execute(sql)?;
        tx.execute(
            "INSERT INTO schema_version (version) VALUES ($1)",
            &[&(index as i32 + 1)],
        )?;
    }
    tx.commit()?;
    Ok(())
}
