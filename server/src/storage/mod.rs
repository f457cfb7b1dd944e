//! The server's storage behind a trait, so that backends (the embedded SQLite, PostgreSQL)
//! give the same protocol behaviour, checked by one test suite (`server/tests/storage.rs`).
//!
//! Invariants every backend keeps: an op is stored once (by op id) and merged with the shared
//! `FieldState::merge`; all of one push is one transaction; a refused request changes nothing; the
//! scope rules of `hoso_model::scope` decide every op, and every pull is limited to the device's own
//! area whatever cursor it sends; the read model of each case (`case_view`) changes in the push that
//! changes the case. Errors carry no HTTP status: the API layer maps [`Refusal`]s.

mod case_view;
mod ingest;
#[cfg(test)]
mod ingest_tests;
mod oversight;
pub mod postgres;
mod refusal;
pub mod sqlite;
mod vetting;
mod web_accounts;
mod working_set;

pub use oversight::{CaseHistory, OversightStore};
pub use postgres::PgStorage;
pub use refusal::Refusal;
pub use sqlite::SqliteStorage;
pub use web_accounts::{WEB_CODE_TTL_MILLIS, WebAccountStore, WebSession, WebUser};

use hoso_model::area::{Area, AreaKind};

use hoso_model::domain::config::Config;
use hoso_model::op::FieldOp;
use hoso_model::protocol::{
    AdminUnitsUpdate, KnownReference, PullResponse, Receipt, ReferenceUpdate,
};
use hoso_model::role::Role;
use serde_json::value::RawValue;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The request is refused for a reason its sender can act on.
    #[error("refused: {}", .0.code())]
    Refused(Refusal),
    /// The stored data is damaged (never the sender's fault).
    #[error("damaged data: {0}")]
    Corrupt(String),
    #[error("database: {0}")]
    Database(#[from] hoso_sqlite::Error),
    /// A PostgreSQL failure: its SQLSTATE and primary message (never the detail, which may quote
    /// stored values).
    #[error("postgres: {0}")]
    Postgres(String),
    #[error("serialisation: {0}")]
    Json(#[from] serde_json::Error),
    /// No database connection came free in time (every one busy, or the database unreachable):
    /// the request may be sent again later.
    #[error("busy: {0}")]
    Busy(String),
}

impl From<rusqlite::Error> for StorageError {
    fn from(error: rusqlite::Error) -> StorageError {
        StorageError::Database(error.into())
    }
}

impl From<::postgres::Error> for StorageError {
    fn from(error: ::postgres::Error) -> StorageError {
        StorageError::Postgres(match error.as_db_error() {
            Some(db) => format!("{}: {}", db.code().code(), db.message()),
            None => error.to_string(),
        })
    }
}

impl From<r2d2_postgres::r2d2::Error> for StorageError {
    fn from(error: r2d2_postgres::r2d2::Error) -> StorageError {
        StorageError::Busy(format!("no connection from the pool: {error}"))
    }
}

impl From<Refusal> for StorageError {
    fn from(refusal: Refusal) -> StorageError {
        StorageError::Refused(refusal)
    }
}

pub type Result<T> = std::result::Result<T, StorageError>;

/// A pull page as the server sends it: each field state is the JSON stored for it, never decoded.
pub type PullPage = PullResponse<Box<RawValue>>;

/// An authenticated device and what it may see.
#[derive(Clone, Debug)]
pub struct DeviceAuth {
    pub device_id: String,
    pub user_id: String,
    pub role: Role,
    pub area: Area,
}

pub struct Enrollment {
    pub token: String,
    pub user_id: String,
    pub role: Role,
    pub area: Area,
}

/// Work done once per deployment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnceJob {
    /// `serve --demo` loaded its data.
    DemoData,
}

/// One accepted op as the append-only audit trail keeps it: who changed what, when it arrived.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditEntry {
    /// The op's place in the server's order of arrival.
    pub seq: u64,
    pub op: FieldOp,
    /// When the server accepted it (Unix ms).
    pub received_at: u64,
}

/// What a photo's record says about its image, for the blob endpoints: the storage decides from the
/// record exactly as it does for the record's fields.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PhotoBlob {
    /// The record's `blob` (the image's SHA-256) and `blob_bytes`, as they stand.
    pub blob: Option<String>,
    pub size: Option<u64>,
    /// Whether the device's user may download the image: yes for a photo of the area, and for a
    /// sensitive one only if they manage or approve its case (as its sensitive fields).
    pub readable: bool,
}

/// How long an enrollment code stays valid.
pub const CODE_TTL_MILLIS: u64 = 7 * 24 * 3600 * 1000;

/// Whether an area's code has its kind's shape and its name is sensible (every backend checks it).
pub(crate) fn valid_area(area: &Area, name: &str) -> bool {
    let digits = |n: usize| area.code.len() == n && area.code.bytes().all(|b| b.is_ascii_digit());
    let code_ok = match area.kind {
        AreaKind::Commune => digits(5),
        AreaKind::Province => digits(2),
        AreaKind::Facility => !area.code.trim().is_empty() && area.code.len() <= 64,
    };
    code_ok && !name.trim().is_empty() && name.len() <= 200
}

/// The whole backend: the sync protocol below, the read model of oversight and reports
/// ([`OversightStore`]), and the dashboard's accounts ([`WebAccountStore`]).
pub trait Storage: OversightStore + WebAccountStore + Send + Sync {
    fn create_area(&self, area: &Area, name: &str) -> Result<()>;
    fn create_user(&self, name: &str, role: Role, area: &Area) -> Result<String>;
    /// A one-time enrollment code for the user, valid for [`CODE_TTL_MILLIS`]: (code, expiry in Unix ms).
    fn issue_code(&self, user_id: &str, now: u64) -> Result<(String, u64)>;
    fn enroll(
        &self,
        code: &str,
        device_id: &str,
        device_name: &str,
        now: u64,
    ) -> Result<Enrollment>;
    fn authenticate(&self, token: &str) -> Result<DeviceAuth>;
    fn revoke_device(&self, device_id: &str) -> Result<()>;
    fn issue_admin_token(&self, now: u64) -> Result<String>;
    fn check_admin(&self, token: &str) -> Result<()>;
    /// Vets and merges a device's ops; one receipt per op, in order.
    fn push(&self, device: &DeviceAuth, ops: &[FieldOp], now: u64) -> Result<Vec<Receipt>>;
    /// A page of the device's scope after `cursor`; field states stay the JSON they were stored as.
    fn pull(&self, device: &DeviceAuth, cursor: u64, limit: usize) -> Result<PullPage>;
    /// How far a device at `cursor` is from the head: the field values of its scope after it, withheld
    /// ones included, for its progress bar. Counted only when the device asks (the first page of a
    /// sync): on every page, a first sync would count its whole remaining scope once per page.
    fn remaining(&self, device: &DeviceAuth, cursor: u64) -> Result<u64>;
    /// Stores the configuration of a province or facility (already checked against the law by the
    /// caller); returns its new version.
    fn set_config(&self, area: &Area, config: &Config) -> Result<u64>;
    /// Stores a list of administrative units that comes into force on its effective day.
    fn import_admin_units(&self, update: &AdminUnitsUpdate, now: u64) -> Result<()>;
    /// What the device's area shares that is newer than what the device holds.
    fn reference(
        &self,
        device: &DeviceAuth,
        known: &KnownReference,
        now: u64,
    ) -> Result<ReferenceUpdate>;
    /// Records that an area's periodic report for `period` (`2026-H1`, `2026`) was produced.
    fn mark_report_produced(&self, area: &Area, period: &str, now: u64) -> Result<()>;
    /// Marks a one-time job done; false if it was already done.
    fn mark_once(&self, job: OnceJob) -> Result<bool>;
    /// Every accepted op on a record, in order of arrival (the audit trail; rejected and duplicate
    /// ops never enter it, and nothing in it is ever changed or removed).
    fn audit_trail(&self, record_id: &str) -> Result<Vec<AuditEntry>>;
    /// Whether the database answers (the health check).
    fn check_reachable(&self) -> Result<()>;
    /// How long, in seconds, the oldest open transaction of the database that writes has been
    /// running (0 when none): PostgreSQL pulls return nothing numbered above it, so while it stays
    /// open, devices wait. `None` on the embedded database, whose pulls wait for nothing.
    fn oldest_transaction_seconds(&self) -> Result<Option<f64>>;
    /// Adds `add` attempts (0: only reads) under `key` (a rate limit's kind and a hashed client
    /// address) in the current window of `window_ms`, and returns the attempts of that window so
    /// far. Shared by every process on the database.
    fn count_attempts(&self, key: &str, now: u64, window_ms: u64, add: u32) -> Result<u32>;
    /// What the photo record `photo_id` says about its image for this device. Refused with
    /// `UnknownPhoto` when the server has no such photo record, `OutOfScope` when it is outside the
    /// device's area (the pull's area rule): a device uploads or downloads only its area's photos.
    fn photo_blob(&self, device: &DeviceAuth, photo_id: &str) -> Result<PhotoBlob>;
    /// Counts `bytes` of photos received from a device on `day` (`YYYY-MM-DD`, Vietnam) against
    /// `quota`: false, and nothing counted, when they would exceed it (`quota` 0: no limit).
    fn charge_upload(&self, device_id: &str, day: &str, bytes: u64, quota: u64) -> Result<bool>;
}
