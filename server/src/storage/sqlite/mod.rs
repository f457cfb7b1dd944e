//! The embedded default backend: one SQLite file in the data folder. Tables in `server/sql/*.sql`.
//!
//! Invariants (beyond the trait's): `op_log` is append-only (the audit trail); each record's area is
//! materialised (`record.commune_code` …) from its own fields or its parent's and copied onto each of
//! its `field_state` rows with its kind; a change of area is logged in `scope_event` (evictions) and
//! re-stamps the record's fields (sequence and area) so the new area pulls them whole; a pull walks the
//! `(area, seq)` index of the device's own area and ends on a sequence boundary; the WAL is
//! checkpointed by `hoso_sqlite::checkpoint`, off the request path.

mod accounts;
mod audit;
mod placement;
mod pull;
mod push;

use super::{AuditEntry, DeviceAuth, Enrollment, OnceJob, PullPage, Result, Storage};
use hoso_model::admin_units::AdminUnits;
use hoso_model::area::Area;
use hoso_model::op::FieldOp;
use hoso_model::protocol::Receipt;
use hoso_model::role::Role;
use hoso_sqlite::checkpoint::Checkpointer;
use hoso_sqlite::meta::{self, MetaKey};
use rusqlite::Connection;
use std::path::Path;
use std::sync::Mutex;

const MIGRATIONS: &[&str] = &[include_str!("../../../sql/001_initial.sql")];

/// The last sequence number handed out (pull cursors count in it).
const SEQ: MetaKey = MetaKey("seq");
/// Set once the demo data is loaded in this data folder.
const DEMO_LOADED: MetaKey = MetaKey("once:demo");

pub struct SqliteStorage {
    conn: Mutex<Connection>,
    /// The administrative units scope rules check new records against.
    units: AdminUnits,
    _checkpointer: Checkpointer,
}

impl SqliteStorage {
    pub fn open(path: &Path) -> Result<SqliteStorage> {
        let mut conn = Connection::open(path)?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        hoso_sqlite::migrate::migrate(&conn, MIGRATIONS)?;
        conn.set_prepared_statement_cache_capacity(64);
        let checkpoint_conn = Connection::open(path)?;
        checkpoint_conn.busy_timeout(std::time::Duration::from_secs(1))?;
        let checkpointer = Checkpointer::start(&mut conn, checkpoint_conn)?;
        Ok(SqliteStorage {
            conn: Mutex::new(conn),
            units: AdminUnits::builtin(),
            _checkpointer: checkpointer,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (the transaction rolls back).
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Storage for SqliteStorage {
    fn create_area(&self, area: &Area, name: &str) -> Result<()> {
        accounts::create_area(&self.lock(), area, name)
    }

    fn create_user(&self, name: &str, role: Role, area: &Area) -> Result<String> {
        accounts::create_user(&self.lock(), name, role, area)
    }

    fn issue_code(&self, user_id: &str, now: u64) -> Result<(String, u64)> {
        accounts::issue_code(&self.lock(), user_id, now)
    }

    fn enroll(
        &self,
        code: &str,
        device_id: &str,
        device_name: &str,
        now: u64,
    ) -> Result<Enrollment> {
        accounts::enroll(&mut self.lock(), code, device_id, device_name, now)
    }

    fn authenticate(&self, token: &str) -> Result<DeviceAuth> {
        accounts::authenticate(&self.lock(), token)
    }

    fn revoke_device(&self, device_id: &str) -> Result<()> {
        accounts::revoke_device(&self.lock(), device_id)
    }

    fn issue_admin_token(&self, now: u64) -> Result<String> {
        accounts::issue_admin_token(&self.lock(), now)
    }

    fn check_admin(&self, token: &str) -> Result<()> {
        accounts::check_admin(&self.lock(), token)
    }

    fn push(&self, device: &DeviceAuth, ops: &[FieldOp], now: u64) -> Result<Vec<Receipt>> {
        push::push(&mut self.lock(), &self.units, device, ops, now)
    }

    fn pull(&self, device: &DeviceAuth, cursor: u64, limit: usize) -> Result<PullPage> {
        pull::pull(&self.lock(), device, cursor, limit)
    }

    fn mark_once(&self, job: OnceJob) -> Result<bool> {
        let key = match job {
            OnceJob::DemoData => DEMO_LOADED,
        };
        let conn = self.lock();
        if meta::get(&conn, key)?.is_some() {
            return Ok(false);
        }
        meta::set(&conn, key, "1")?;
        Ok(true)
    }

    fn audit_trail(&self, record_id: &str) -> Result<Vec<AuditEntry>> {
        audit::audit_trail(&self.lock(), record_id)
    }

    fn check_reachable(&self) -> Result<()> {
        self.lock().query_row("SELECT 1", [], |_| Ok(()))?;
        Ok(())
    }
}
