//! The embedded default backend: one SQLite file in the data folder. Tables in `server/sql/*.sql`.
//!
//! Invariants (beyond the trait's): `op_log` is append-only (the audit trail); each record's area is
//! materialised (`record.commune_code` …) from its own fields or its parent's and copied onto each of
//! its `field_state` rows with its kind; a change of area is logged in `scope_event` (evictions) and
//! re-stamps the record's fields (sequence and area) so the new area pulls them whole; a pull walks the
//! `(area, seq)` index of the device's own area and ends on a sequence boundary; the WAL is
//! checkpointed by `hoso_sqlite::checkpoint`, off the request path.

mod access;
mod accounts;
mod placement;
mod pull;
mod push;
mod reference;

use super::{DeviceAuth, Enrollment, OnceJob, PullPage, Result, Storage};
use hoso_model::admin_units::AdminUnits;
use hoso_model::area::Area;
use hoso_model::domain::config::Config;
use hoso_model::domain::local_date;
use hoso_model::op::FieldOp;
use hoso_model::protocol::{AdminUnitsUpdate, KnownReference, Receipt, ReferenceUpdate};
use hoso_model::role::Role;
use hoso_sqlite::checkpoint::Checkpointer;
use hoso_sqlite::connection::{self, Access, Key};
use hoso_sqlite::meta::{self, MetaKey};
use rusqlite::Connection;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const MIGRATIONS: &[&str] = &[
    include_str!("../../../sql/001_initial.sql"),
    include_str!("../../../sql/002_sensitive.sql"),
    include_str!("../../../sql/003_reference.sql"),
];

/// The last sequence number handed out (pull cursors count in it).
const SEQ: MetaKey = MetaKey("seq");
/// Set once the demo data is loaded in this data folder.
const DEMO_LOADED: MetaKey = MetaKey("once:demo");

pub struct SqliteStorage {
    conn: Mutex<Connection>,
    /// The administrative units in force, which scope rules check new records against: the newest
    /// imported list whose day has come, else the bundled one.
    units: Mutex<Arc<AdminUnits>>,
    _checkpointer: Checkpointer,
}

impl SqliteStorage {
    /// Opens (or creates) the database at `path`, encrypted at rest with `key` (SQLCipher).
    pub fn open(path: &Path, key: &Key) -> Result<SqliteStorage> {
        let mut conn = connection::open(path, key, Access::ReadWrite, Duration::from_secs(10))?;
        conn.execute_batch("PRAGMA foreign_keys = ON;")?;
        hoso_sqlite::migrate::migrate(&conn, MIGRATIONS)?;
        let checkpoint_conn =
            connection::open(path, key, Access::ReadWrite, Duration::from_secs(1))?;
        let checkpointer = Checkpointer::start(&mut conn, checkpoint_conn)?;
        Ok(SqliteStorage {
            conn: Mutex::new(conn),
            units: Mutex::new(Arc::new(AdminUnits::builtin())),
            _checkpointer: checkpointer,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (the transaction rolls back).
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The units in force on the day of `now`, reloaded only when another list comes into force.
    fn units(&self, conn: &Connection, now: u64) -> Result<Arc<AdminUnits>> {
        let today = local_date(now);
        let mut cached = self.units.lock().unwrap_or_else(|p| p.into_inner());
        let wanted = reference::version_in_force(conn, today)?;
        let builtin = wanted.is_none() && cached.version != AdminUnits::builtin_version();
        if builtin {
            *cached = Arc::new(AdminUnits::builtin());
        } else if wanted.as_deref().is_some_and(|v| v != cached.version)
            && let Some(update) = reference::units_in_force(conn, today)?
        {
            *cached = Arc::new(update.units);
        }
        Ok(cached.clone())
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
        let mut conn = self.lock();
        let units = self.units(&conn, now)?;
        push::push(&mut conn, &units, device, ops, now)
    }

    fn pull(&self, device: &DeviceAuth, cursor: u64, limit: usize) -> Result<PullPage> {
        pull::pull(&self.lock(), device, cursor, limit)
    }

    fn set_config(&self, area: &Area, config: &Config) -> Result<u64> {
        reference::set_config(&self.lock(), area, config)
    }

    fn import_admin_units(&self, update: &AdminUnitsUpdate, now: u64) -> Result<()> {
        reference::import_admin_units(&self.lock(), update, now)
    }

    fn reference(
        &self,
        device: &DeviceAuth,
        known: &KnownReference,
        now: u64,
    ) -> Result<ReferenceUpdate> {
        reference::reference(&self.lock(), device, known, local_date(now))
    }

    fn mark_report_produced(&self, area: &Area, period: &str, now: u64) -> Result<()> {
        reference::mark_report_produced(&self.lock(), area, period, now)
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
}
