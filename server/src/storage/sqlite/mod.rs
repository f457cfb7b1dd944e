//! The embedded default backend: one SQLite file in the data folder. Tables in `server/sql/*.sql`.
//!
//! Invariants (beyond the trait's): `op_log` is append-only (the audit trail); each record's area is
//! materialised (`record.commune_code` …) from its own fields or its parent's and copied onto each of
//! its `field_state` rows with its kind; a change of area is logged in `scope_event` (evictions) and
//! re-stamps the record's fields (sequence and area) so the new area pulls them whole; a pull walks the
//! `(area, seq)` index of the device's own area and ends on a sequence boundary, on a read connection
//! of its own (one WAL snapshot), beside pushes; the WAL is checkpointed by `hoso_sqlite::checkpoint`,
//! off the request path, and truncated by the writer past 64 MiB (sustained pushes outrun passive
//! checkpoints); `case_view` and `field_conflict` (the read model of oversight and reports) change in
//! the push transaction (`read_model`) and are read on the read connections.

mod access;
mod accounts;
mod audit;
mod oversight;
mod photos;
mod pull;
mod push;
mod read_model;
mod reference;
mod rows;
mod web_accounts;

use super::{
    AuditEntry, CaseHistory, DeviceAuth, Enrollment, OnceJob, OversightStore, PhotoBlob, PullPage,
    Result, Storage, WebAccountStore, WebSession, WebUser,
};
use hoso_model::admin_units::AdminUnits;
use hoso_model::area::Area;
use hoso_model::domain::config::Config;
use hoso_model::domain::local_date;
use hoso_model::domain::oversight::{ConflictEntry, DeviceSync};
use hoso_model::domain::report::CaseFacts;
use hoso_model::domain::snapshot::CaseSnapshot;
use hoso_model::op::FieldOp;
use hoso_model::protocol::{
    AdminUnitsUpdate, KnownReference, OutboxReport, Receipt, ReferenceUpdate,
};
use hoso_model::role::Role;
use hoso_model::scope::Placement;
use hoso_sqlite::checkpoint::Checkpointer;
use hoso_sqlite::connection::{self, Access, Key};
use hoso_sqlite::meta::{self, MetaKey};
use rusqlite::Connection;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const MIGRATIONS: &[&str] = &[
    include_str!("../../../sql/001_initial.sql"),
    include_str!("../../../sql/002_sensitive.sql"),
    include_str!("../../../sql/003_reference.sql"),
    include_str!("../../../sql/004_photos.sql"),
    include_str!("../../../sql/005_oversight.sql"),
    include_str!("../../../sql/006_case_snapshot.sql"),
    include_str!("../../../sql/007_compact_rows.sql"),
];

/// The last sequence number handed out (pull cursors count in it).
const SEQ: MetaKey = MetaKey("seq");
/// Set once the demo data is loaded in this data folder.
const DEMO_LOADED: MetaKey = MetaKey("once:demo");

/// Reads the three area columns that start at `first` (commune, province, facility, in that order).
fn placement_from_row(row: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<Placement> {
    Ok(Placement {
        commune: row.get(first)?,
        province: row.get(first + 1)?,
        facility: row.get(first + 2)?,
    })
}

/// Read connections: pulls and authentications run beside pushes, each on its own WAL snapshot.
const READERS: usize = 4;

/// Past this size the write-ahead log is checkpointed in full and truncated by the writer itself:
/// under sustained pushes the background (passive) checkpoints never catch up, and a log that grows
/// without bound costs disk and, after a crash, a long recovery.
const WAL_LIMIT_BYTES: u64 = 64 * 1024 * 1024;

pub struct SqliteStorage {
    conn: Mutex<Connection>,
    readers: Vec<Mutex<Connection>>,
    next_reader: AtomicUsize,
    wal_path: PathBuf,
    /// Rate-limit counters: key → (window start, attempts). In memory: an embedded deployment is
    /// one process.
    attempts: Mutex<HashMap<String, (u64, u32)>>,
    /// The administrative units in force, which scope rules check new records against: the newest
    /// imported list whose day has come, else the bundled one.
    units: Mutex<Arc<AdminUnits>>,
    checkpointer: Checkpointer,
}

impl SqliteStorage {
    /// Opens (or creates) the database at `path`, encrypted at rest with `key` (SQLCipher).
    pub fn open(path: &Path, key: &Key) -> Result<SqliteStorage> {
        let mut conn = connection::open(path, key, Access::ReadWrite, Duration::from_secs(10))?;
        conn.execute_batch("PRAGMA foreign_keys = ON;")?;
        hoso_sqlite::migrate::migrate(&conn, MIGRATIONS)?;
        read_model::build_once(&mut conn)?;
        // After a checkpoint resets the log, the file shrinks back to this size.
        conn.execute_batch(&format!("PRAGMA journal_size_limit = {WAL_LIMIT_BYTES};"))?;
        let checkpoint_conn =
            connection::open(path, key, Access::ReadWrite, Duration::from_secs(1))?;
        let checkpointer = Checkpointer::start(&mut conn, checkpoint_conn)?;
        let readers = (0..READERS)
            .map(|_| {
                let reader =
                    connection::open(path, key, Access::ReadOnly, Duration::from_secs(10))?;
                reader.set_prepared_statement_cache_capacity(32);
                Ok(Mutex::new(reader))
            })
            .collect::<Result<Vec<_>>>()?;
        let mut wal_path = path.as_os_str().to_owned();
        wal_path.push("-wal");
        Ok(SqliteStorage {
            conn: Mutex::new(conn),
            readers,
            next_reader: AtomicUsize::new(0),
            wal_path: PathBuf::from(wal_path),
            attempts: Mutex::new(HashMap::new()),
            units: Mutex::new(Arc::new(AdminUnits::builtin())),
            checkpointer,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (the transaction rolls back).
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A read connection: a free one if any, else the next in turn.
    fn reader(&self) -> std::sync::MutexGuard<'_, Connection> {
        for reader in &self.readers {
            if let Ok(guard) = reader.try_lock() {
                return guard;
            }
        }
        let next = self.next_reader.fetch_add(1, Ordering::Relaxed) % self.readers.len();
        self.readers[next].lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Checkpoints and truncates the log once it is past [`WAL_LIMIT_BYTES`] (the writer holds
    /// its lock, so no push writes meanwhile; the background checkpoint is held off and readers are
    /// waited for).
    fn bound_wal(&self, conn: &Connection) -> Result<()> {
        let size = std::fs::metadata(&self.wal_path).map_or(0, |m| m.len());
        if size > WAL_LIMIT_BYTES {
            let _hold = self.checkpointer.hold();
            let busy: bool = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
            if busy {
                tracing::warn!(
                    size,
                    "the write-ahead log could not be truncated: a reader, or another process's \
                     checkpoint, held it"
                );
            }
        }
        Ok(())
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
        accounts::authenticate(&self.reader(), token)
    }

    fn revoke_device(&self, device_id: &str) -> Result<()> {
        accounts::revoke_device(&self.lock(), device_id)
    }

    fn issue_admin_token(&self, now: u64) -> Result<String> {
        accounts::issue_admin_token(&self.lock(), now)
    }

    fn check_admin(&self, token: &str) -> Result<()> {
        accounts::check_admin(&self.reader(), token)
    }

    fn push(&self, device: &DeviceAuth, ops: &[FieldOp], now: u64) -> Result<Vec<Receipt>> {
        let mut conn = self.lock();
        let units = self.units(&conn, now)?;
        let receipts = push::push(&mut conn, &units, device, ops, now)?;
        self.bound_wal(&conn)?;
        Ok(receipts)
    }

    fn pull(&self, device: &DeviceAuth, cursor: u64, limit: usize) -> Result<PullPage> {
        let reader = self.reader();
        // One snapshot for the page, the head and the evictions, while pushes go on.
        let snapshot = reader.unchecked_transaction()?;
        let page = pull::pull(&snapshot, device, cursor, limit)?;
        snapshot.commit()?;
        Ok(page)
    }

    fn remaining(&self, device: &DeviceAuth, cursor: u64) -> Result<u64> {
        pull::remaining_after(&self.reader(), device, cursor)
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

    fn audit_trail(&self, record_id: &str) -> Result<Vec<AuditEntry>> {
        audit::audit_trail(&self.reader(), record_id)
    }

    fn check_reachable(&self) -> Result<()> {
        self.reader().query_row("SELECT 1", [], |_| Ok(()))?;
        Ok(())
    }

    fn oldest_transaction_seconds(&self) -> Result<Option<f64>> {
        Ok(None)
    }

    fn count_attempts(&self, key: &str, now: u64, window_ms: u64, add: u32) -> Result<u32> {
        let window = now - now % window_ms.max(1);
        let mut attempts = self.attempts.lock().unwrap_or_else(|p| p.into_inner());
        // Past windows are forgotten once the table grows (one entry per recent address and kind).
        if attempts.len() > 10_000 {
            attempts.retain(|_, (start, _)| *start == window);
        }
        let entry = attempts.entry(key.to_string()).or_insert((window, 0));
        if entry.0 != window {
            *entry = (window, 0);
        }
        entry.1 += add;
        Ok(entry.1)
    }

    fn photo_blob(&self, device: &DeviceAuth, photo_id: &str) -> Result<PhotoBlob> {
        photos::photo_blob(&self.reader(), device, photo_id)
    }

    fn charge_upload(&self, device_id: &str, day: &str, bytes: u64, quota: u64) -> Result<bool> {
        photos::charge_upload(&self.lock(), device_id, day, bytes, quota)
    }
}

impl OversightStore for SqliteStorage {
    fn case_snapshots(&self, area: &Area) -> Result<Vec<CaseSnapshot>> {
        oversight::case_snapshots(&self.reader(), area)
    }

    fn case_facts(&self, area: &Area) -> Result<Vec<CaseFacts>> {
        oversight::case_facts(&self.reader(), area)
    }

    fn conflict_entries(&self, area: &Area) -> Result<Vec<ConflictEntry>> {
        oversight::conflict_entries(&self.reader(), area)
    }

    fn device_syncs(&self, area: &Area, now: u64) -> Result<Vec<DeviceSync>> {
        let conn = self.reader();
        let units = self.units(&conn, now)?;
        oversight::device_syncs(&conn, area, &units)
    }

    fn area_config(&self, area: &Area, now: u64) -> Result<Config> {
        reference::area_config(&self.reader(), area, local_date(now))
    }

    fn produced_reports(&self, area: &Area) -> Result<Vec<String>> {
        reference::produced_reports(&self.reader(), area)
    }

    fn note_sync(&self, device_id: &str, outbox: Option<OutboxReport>, now: u64) -> Result<()> {
        oversight::note_sync(&self.lock(), device_id, outbox, now)
    }

    fn case_history(&self, case_id: &str) -> Result<Option<CaseHistory>> {
        oversight::case_history(&self.reader(), case_id)
    }

    fn user_names(&self, ids: &[String]) -> Result<HashMap<String, String>> {
        oversight::names(&self.reader(), "user", ids)
    }
}

impl WebAccountStore for SqliteStorage {
    fn issue_web_code(&self, user_id: &str, now: u64) -> Result<(String, u64)> {
        web_accounts::issue_web_code(&self.lock(), user_id, now)
    }

    fn set_web_login(
        &self,
        code: &str,
        login: &str,
        password_hash: &str,
        now: u64,
    ) -> Result<WebUser> {
        web_accounts::set_web_login(&mut self.lock(), code, login, password_hash, now)
    }

    fn web_login(&self, login: &str) -> Result<Option<(WebUser, String)>> {
        web_accounts::web_login(&self.lock(), login)
    }

    fn create_web_session(
        &self,
        token: &str,
        user_id: &str,
        csrf: &str,
        expires_at: u64,
    ) -> Result<()> {
        web_accounts::create_web_session(&self.lock(), token, user_id, csrf, expires_at)
    }

    fn web_session(&self, token: &str, now: u64) -> Result<Option<WebSession>> {
        web_accounts::web_session(&self.lock(), token, now)
    }

    fn end_web_session(&self, token: &str) -> Result<()> {
        web_accounts::end_web_session(&self.lock(), token)
    }
}
