//! The read side behind oversight, reports and the dashboard's case pages, as a trait every backend
//! implements. What it returns is already scoped: an area's cases, conflicts and devices; whether a
//! user may see a case is decided by the caller from the case's placement (`hoso_model::scope`).

use super::Result;
use hoso_model::area::Area;
use hoso_model::domain::config::Config;
use hoso_model::domain::history::LoggedOp;
use hoso_model::domain::oversight::{ConflictEntry, DeviceSync};
use hoso_model::domain::report::CaseFacts;
use hoso_model::domain::snapshot::CaseSnapshot;
use hoso_model::protocol::OutboxReport;
use hoso_model::record::Record;
use hoso_model::scope::Placement;
use std::collections::HashMap;

/// A case as its history page shows it: its records as they are and every op the server logged on
/// them, with the names of the users and devices the ops name.
#[derive(Clone, Debug)]
pub struct CaseHistory {
    pub placement: Placement,
    pub case: Record,
    pub subject: Option<Record>,
    /// The case's forms, visits, referrals, consents and photos.
    pub children: Vec<Record>,
    /// Ops on the case, its children, its subject, guardian and household, in log order.
    pub ops: Vec<LoggedOp>,
    pub user_names: HashMap<String, String>,
    pub device_names: HashMap<String, String>,
}

pub trait OversightStore {
    /// The follow-up snapshots of the area's cases (a province: every case of its communes).
    fn case_snapshots(&self, area: &Area) -> Result<Vec<CaseSnapshot>>;
    /// The report facts of the area's cases.
    fn case_facts(&self, area: &Area) -> Result<Vec<CaseFacts>>;
    /// Fields of the area's records whose concurrent values wait for a resolution.
    fn conflict_entries(&self, area: &Area) -> Result<Vec<ConflictEntry>>;
    /// The devices of the users working in the area (a province: those of its communes too), with
    /// their last sync and the outbox they reported, as the administrative units in force at `now`
    /// place them. Revoked devices are left out.
    fn device_syncs(&self, area: &Area, now: u64) -> Result<Vec<DeviceSync>>;
    /// What the law leaves open as it applies to the area at `now` (a commune: its province's
    /// configuration), the defaults when none was set.
    fn area_config(&self, area: &Area, now: u64) -> Result<Config>;
    /// The periods (`2026-H1`, `2026`) whose periodic report the area has produced.
    fn produced_reports(&self, area: &Area) -> Result<Vec<String>>;
    /// Records that a device reached the server at `now`, with the outbox it reported if it did.
    fn note_sync(&self, device_id: &str, outbox: Option<OutboxReport>, now: u64) -> Result<()>;
    /// A case's records and audit trail; `None` if there is no such case.
    fn case_history(&self, case_id: &str) -> Result<Option<CaseHistory>>;
    /// Display names of users, by id (unknown ids are left out).
    fn user_names(&self, ids: &[String]) -> Result<HashMap<String, String>>;
}
