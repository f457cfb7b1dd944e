//! The PostgreSQL backend, for deployments that outgrow one machine: several `hoso-server` processes
//! on one database. Tables in `server/sql/postgres/*.sql`, applied by [`migrate`].
//!
//! Invariants (beyond the trait's): nothing a request needs lives in one process's memory — enrollment
//! codes, tokens and rate limits are rows, sequence numbers come from transaction ids; pushes run side
//! by side, locking only the records they name and, at the end, the cases whose read model they
//! refresh, and a pull (one repeatable-read snapshot) never passes the horizon below which every push
//! has committed, so it never skips a sequence number committed after it (`ordering`); a push
//! reads what it needs in a few set-based queries and writes in a few more, whatever its size; the
//! placement and access rules are the ones both backends share (`storage/working_set.rs`:
//! materialised areas, re-stamped on a move, moves logged in `scope_event`); `op_log` refuses updates and deletes (a trigger); the read model of
//! oversight and reports (`case_view`, `field_conflict`) changes in the push transaction
//! (`read_model`), as in the SQLite backend.

mod accounts;
mod migrate;
mod ordering;
mod oversight;
mod photos;
mod pull;
mod push;
mod read_model;
mod reference;
mod rows;
pub mod scratch;
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
use hoso_model::hlc::Hlc;
use hoso_model::op::{FieldOp, RecordKind};
use hoso_model::protocol::{
    AdminUnitsUpdate, KnownReference, OutboxReport, Receipt, ReferenceUpdate,
};
use hoso_model::role::Role;
use postgres::NoTls;
use r2d2_postgres::PostgresConnectionManager;
use r2d2_postgres::r2d2::{Pool, PooledConnection};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

type Manager = PostgresConnectionManager<NoTls>;

/// How many connections one server process keeps to PostgreSQL, unless told otherwise.
pub const DEFAULT_POOL_SIZE: u32 = 16;

/// Whether a text names a PostgreSQL database (`postgres://…` or `postgresql://…`).
pub fn is_postgres_url(text: &str) -> bool {
    text.starts_with("postgres://") || text.starts_with("postgresql://")
}

pub struct PgStorage {
    pool: Pool<Manager>,
    /// The administrative units in force, which scope rules check new records against: the newest
    /// imported list whose day has come, else the bundled one.
    units: Mutex<Arc<AdminUnits>>,
}

impl PgStorage {
    /// Connects with a pool of `pool_size` connections and brings the schema up to date (one process
    /// at a time: the migration holds an advisory lock).
    pub fn connect(url: &str, pool_size: u32) -> Result<PgStorage> {
        let config: postgres::Config = url.parse()?;
        let pool = Pool::builder()
            .max_size(pool_size.max(1))
            .connection_timeout(std::time::Duration::from_secs(10))
            .build(PostgresConnectionManager::new(config, NoTls))?;
        migrate::migrate(&mut *pool.get()?)?;
        read_model::build_once(&mut *pool.get()?)?;
        Ok(PgStorage {
            pool,
            units: Mutex::new(Arc::new(AdminUnits::builtin())),
        })
    }

    /// The units in force on the day of `now`, reloaded only when another list comes into force.
    fn units(&self, client: &mut postgres::Client, now: u64) -> Result<Arc<AdminUnits>> {
        let today = local_date(now);
        let wanted = reference::version_in_force(client, today)?;
        let mut cached = self.units.lock().unwrap_or_else(|p| p.into_inner());
        if wanted.is_none() && cached.version != AdminUnits::builtin_version() {
            *cached = Arc::new(AdminUnits::builtin());
        } else if wanted.as_deref().is_some_and(|v| v != cached.version)
            && let Some(update) = reference::units_in_force(client, today)?
        {
            *cached = Arc::new(update.units);
        }
        Ok(cached.clone())
    }

    fn client(&self) -> Result<PooledConnection<Manager>> {
        Ok(self.pool.get()?)
    }
}

impl Storage for PgStorage {
    fn create_area(&self, area: &Area, name: &str) -> Result<()> {
        accounts::create_area(&mut *self.client()?, area, name)
    }

    fn create_user(&self, name: &str, role: Role, area: &Area) -> Result<String> {
        accounts::create_user(&mut *self.client()?, name, role, area)
    }

    fn issue_code(&self, user_id: &str, now: u64) -> Result<(String, u64)> {
        accounts::issue_code(&mut *self.client()?, user_id, now)
    }

    fn enroll(
        &self,
        code: &str,
        device_id: &str,
        device_name: &str,
        now: u64,
    ) -> Result<Enrollment> {
        accounts::enroll(&mut *self.client()?, code, device_id, device_name, now)
    }

    fn authenticate(&self, token: &str) -> Result<DeviceAuth> {
        accounts::authenticate(&mut *self.client()?, token)
    }

    fn revoke_device(&self, device_id: &str) -> Result<()> {
        accounts::revoke_device(&mut *self.client()?, device_id)
    }

    fn issue_admin_token(&self, now: u64) -> Result<String> {
        accounts::issue_admin_token(&mut *self.client()?, now)
    }

    fn check_admin(&self, token: &str) -> Result<()> {
        accounts::check_admin(&mut *self.client()?, token)
    }

    fn push(&self, device: &DeviceAuth, ops: &[FieldOp], now: u64) -> Result<Vec<Receipt>> {
        let mut client = self.client()?;
        let units = self.units(&mut client, now)?;
        push::push(&mut client, &units, device, ops, now)
    }

    fn pull(&self, device: &DeviceAuth, cursor: u64, limit: usize) -> Result<PullPage> {
        pull::pull(&mut *self.client()?, device, cursor, limit)
    }

    fn remaining(&self, device: &DeviceAuth, cursor: u64) -> Result<u64> {
        pull::remaining_after(&mut *self.client()?, device, cursor)
    }

    fn set_config(&self, area: &Area, config: &Config) -> Result<u64> {
        reference::set_config(&mut *self.client()?, area, config)
    }

    fn import_admin_units(&self, update: &AdminUnitsUpdate, now: u64) -> Result<()> {
        reference::import_admin_units(&mut *self.client()?, update, now)
    }

    fn reference(
        &self,
        device: &DeviceAuth,
        known: &KnownReference,
        now: u64,
    ) -> Result<ReferenceUpdate> {
        reference::reference(&mut *self.client()?, device, known, local_date(now))
    }

    fn mark_report_produced(&self, area: &Area, period: &str, now: u64) -> Result<()> {
        reference::mark_report_produced(&mut *self.client()?, area, period, now)
    }

    fn mark_once(&self, job: OnceJob) -> Result<bool> {
        let key = match job {
            OnceJob::DemoData => "once:demo",
        };
        let inserted = self.client()?.execute(
            "INSERT INTO meta (key, value) VALUES ($1, '1') ON CONFLICT (key) DO NOTHING",
            &[&key],
        )?;
        Ok(inserted == 1)
    }

    fn audit_trail(&self, record_id: &str) -> Result<Vec<AuditEntry>> {
        let rows = self.client()?.query(
            "SELECT seq, received_at, op_id, record_id, kind, field, value, hlc, supersedes,
                    device_id, author
             FROM op_log WHERE record_id = $1 ORDER BY seq",
            &[&record_id],
        )?;
        rows.iter().map(audit_entry).collect()
    }

    fn count_attempts(&self, key: &str, now: u64, window_ms: u64, add: u32) -> Result<u32> {
        let window = i64::try_from(now - now % window_ms.max(1)).unwrap_or(i64::MAX);
        let mut client = self.client()?;
        let attempts: i32 = if add == 0 {
            client
                .query_opt(
                    "SELECT attempts FROM rate_limit WHERE key = $1 AND window_start = $2",
                    &[&key, &window],
                )?
                .map_or(0, |row| row.get(0))
        } else {
            let add = i32::try_from(add).unwrap_or(i32::MAX);
            client
                .query_one(
                    "INSERT INTO rate_limit (key, window_start, attempts) VALUES ($1, $2, $3)
                     ON CONFLICT (key) DO UPDATE SET
                         attempts = CASE WHEN rate_limit.window_start = excluded.window_start
                                         THEN rate_limit.attempts + excluded.attempts
                                         ELSE excluded.attempts END,
                         window_start = excluded.window_start
                     RETURNING attempts",
                    &[&key, &window, &add],
                )?
                .get(0)
        };
        Ok(attempts.max(0) as u32)
    }

    fn check_reachable(&self) -> Result<()> {
        self.client()?.simple_query("SELECT 1")?;
        Ok(())
    }

    fn oldest_transaction_seconds(&self) -> Result<Option<f64>> {
        ordering::oldest_transaction_seconds(&mut *self.client()?).map(Some)
    }

    fn photo_blob(&self, device: &DeviceAuth, photo_id: &str) -> Result<PhotoBlob> {
        photos::photo_blob(&mut *self.client()?, device, photo_id)
    }

    fn charge_upload(&self, device_id: &str, day: &str, bytes: u64, quota: u64) -> Result<bool> {
        photos::charge_upload(&mut *self.client()?, device_id, day, bytes, quota)
    }
}

impl OversightStore for PgStorage {
    fn case_snapshots(&self, area: &Area) -> Result<Vec<CaseSnapshot>> {
        oversight::case_snapshots(&mut *self.client()?, area)
    }

    fn case_facts(&self, area: &Area) -> Result<Vec<CaseFacts>> {
        oversight::case_facts(&mut *self.client()?, area)
    }

    fn conflict_entries(&self, area: &Area) -> Result<Vec<ConflictEntry>> {
        oversight::conflict_entries(&mut *self.client()?, area)
    }

    fn device_syncs(&self, area: &Area, now: u64) -> Result<Vec<DeviceSync>> {
        let mut client = self.client()?;
        let units = self.units(&mut client, now)?;
        oversight::device_syncs(&mut *client, area, &units)
    }

    fn area_config(&self, area: &Area, now: u64) -> Result<Config> {
        reference::area_config(&mut *self.client()?, area, local_date(now))
    }

    fn produced_reports(&self, area: &Area) -> Result<Vec<String>> {
        reference::produced_reports(&mut *self.client()?, area)
    }

    fn note_sync(&self, device_id: &str, outbox: Option<OutboxReport>, now: u64) -> Result<()> {
        oversight::note_sync(&mut *self.client()?, device_id, outbox, now)
    }

    fn case_history(&self, case_id: &str) -> Result<Option<CaseHistory>> {
        oversight::case_history(&mut *self.client()?, case_id)
    }

    fn user_names(&self, ids: &[String]) -> Result<HashMap<String, String>> {
        oversight::names(&mut *self.client()?, "app_user", ids)
    }
}

impl WebAccountStore for PgStorage {
    fn issue_web_code(&self, user_id: &str, now: u64) -> Result<(String, u64)> {
        web_accounts::issue_web_code(&mut *self.client()?, user_id, now)
    }

    fn set_web_login(
        &self,
        code: &str,
        login: &str,
        password_hash: &str,
        now: u64,
    ) -> Result<WebUser> {
        web_accounts::set_web_login(&mut *self.client()?, code, login, password_hash, now)
    }

    fn web_login(&self, login: &str) -> Result<Option<(WebUser, String)>> {
        web_accounts::web_login(&mut *self.client()?, login)
    }

    fn create_web_session(
        &self,
        token: &str,
        user_id: &str,
        csrf: &str,
        expires_at: u64,
    ) -> Result<()> {
        web_accounts::create_web_session(&mut *self.client()?, token, user_id, csrf, expires_at)
    }

    fn web_session(&self, token: &str, now: u64) -> Result<Option<WebSession>> {
        web_accounts::web_session(&mut *self.client()?, token, now)
    }

    fn end_web_session(&self, token: &str) -> Result<()> {
        web_accounts::end_web_session(&mut *self.client()?, token)
    }
}

fn corrupt(what: &str) -> super::StorageError {
    super::StorageError::Corrupt(format!("a stored op has an unreadable {what}"))
}

/// An `op_log` row (seq, received_at, then the op's columns) as the audit trail gives it.
fn audit_entry(row: &postgres::Row) -> Result<AuditEntry> {
    let supersedes: Vec<String> =
        serde_json::from_str(row.get(8)).map_err(|_| corrupt("list of superseded clocks"))?;
    let op = FieldOp {
        op_id: row.get(2),
        record_id: row.get(3),
        kind: RecordKind::parse(row.get(4)).ok_or_else(|| corrupt("kind"))?,
        field: row.get(5),
        value: serde_json::from_str(row.get(6)).map_err(|_| corrupt("value"))?,
        hlc: Hlc::decode(row.get(7)).ok_or_else(|| corrupt("clock"))?,
        supersedes: supersedes
            .iter()
            .map(|text| Hlc::decode(text).ok_or_else(|| corrupt("superseded clock")))
            .collect::<Result<_>>()?,
        device_id: row.get(9),
        author: row.get(10),
    };
    Ok(AuditEntry {
        seq: row.get::<_, i64>(0) as u64,
        received_at: row.get::<_, i64>(1) as u64,
        op,
    })
}
