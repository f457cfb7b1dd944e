//! The server's storage behind a trait, so that backends (the embedded SQLite today, PostgreSQL next)
//! give the same protocol behaviour, checked by one test suite (`server/tests/storage.rs`).
//!
//! Invariants every backend keeps: an op is stored once (by op id) and merged with the shared
//! `FieldState::merge`; all of one push is one transaction; a refused request changes nothing; the
//! scope rules of `hoso_model::scope` decide every op, and every pull is limited to the device's own
//! area whatever cursor it sends. Errors carry no HTTP status: the API layer maps [`Refusal`]s.

mod refusal;
pub mod sqlite;

pub use refusal::Refusal;
pub use sqlite::SqliteStorage;

use hoso_model::area::Area;
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
    #[error("serialisation: {0}")]
    Json(#[from] serde_json::Error),
}

impl From<rusqlite::Error> for StorageError {
    fn from(error: rusqlite::Error) -> StorageError {
        StorageError::Database(error.into())
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

/// How long an enrollment code stays valid.
pub const CODE_TTL_MILLIS: u64 = 7 * 24 * 3600 * 1000;

pub trait Storage: Send + Sync {
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
}
