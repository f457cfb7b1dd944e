//! Oversight through the FFI, for an approver's or provincial officer's tablet: the figures of its
//! area answered offline from its own store, the approval queue, and the decision on a waiting item.
//! Lists carry names, communes and managers only — never a diagnosis or a category.

use super::{ApiError, ApiResult, FollowUpTask, HosoCore, kind_name};
use crate::actions::Decision;
use crate::app::App;
use hoso_model::domain::followup::Task;
use hoso_model::domain::oversight::{CaseRef, Oversight};
use std::sync::Arc;

#[derive(Debug, Clone, uniffi::Record)]
pub struct CaseLine {
    pub case_id: String,
    pub subject_name: String,
    pub manager_id: Option<String>,
    pub commune_code: Option<String>,
}

impl From<Arc<CaseRef>> for CaseLine {
    fn from(case: Arc<CaseRef>) -> CaseLine {
        CaseLine {
            case_id: case.case_id.clone(),
            subject_name: case.subject_name.clone(),
            manager_id: case.manager_id.clone(),
            commune_code: case.commune_code.clone(),
        }
    }
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct CaseloadRow {
    pub manager_id: Option<String>,
    /// Open cases at steps 1 to 5 of TT 02/2020 Điều 3.
    pub open_by_step: Vec<u32>,
    pub open: u32,
    pub closed: u32,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct OverdueRow {
    pub case: CaseLine,
    /// `visit_due`, `activity_due` or `review_due`.
    pub kind: String,
    pub due: String,
    pub days_overdue: i64,
    pub reason_vi: String,
    pub reason_en: String,
    pub legal_ref: String,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct WaitingRow {
    pub case: CaseLine,
    /// `plan`, `adjustment` or `closure`.
    pub kind: String,
    pub since: String,
    pub days_waiting: i64,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct NoContactRow {
    pub case: CaseLine,
    pub last_contact: String,
    pub trigger_on: String,
    /// Negative once the trigger day has passed.
    pub days_left: i64,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct PostClosureRow {
    pub case: CaseLine,
    pub due: String,
    pub overdue: bool,
    pub reason_vi: String,
    pub reason_en: String,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct OversightConflictRow {
    pub case: Option<CaseLine>,
    pub record_id: String,
    pub kind: String,
    pub field: String,
    pub values: u32,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct DeviceRow {
    pub device_id: String,
    pub device_name: String,
    pub user_name: String,
    pub last_sync_millis: Option<u64>,
    pub days_since_sync: Option<i64>,
    pub pending_ops: Option<u64>,
    pub oldest_unsent_days: Option<i64>,
    pub quiet: bool,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct OversightView {
    pub today: String,
    pub open_cases: u32,
    pub closed_cases: u32,
    pub open_by_step: Vec<u32>,
    pub caseload: Vec<CaseloadRow>,
    pub overdue: Vec<OverdueRow>,
    pub approvals: Vec<WaitingRow>,
    pub no_contact: Vec<NoContactRow>,
    pub post_closure: Vec<PostClosureRow>,
    pub conflicts: Vec<OversightConflictRow>,
    pub devices: Vec<DeviceRow>,
    pub reports_due: Vec<FollowUpTask>,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct ApprovalQueueItem {
    pub waiting: WaitingRow,
    /// The plan or closure record to open before deciding.
    pub form_record_id: String,
    pub submitted_by: Option<String>,
}

fn waiting_row(w: hoso_model::domain::oversight::WaitingApproval) -> WaitingRow {
    WaitingRow {
        kind: kind_name(&w.kind),
        since: w.since.to_string(),
        days_waiting: w.days_waiting,
        case: w.case.into(),
    }
}

impl From<Oversight> for OversightView {
    fn from(o: Oversight) -> OversightView {
        OversightView {
            today: o.today.to_string(),
            open_cases: o.totals.open,
            closed_cases: o.totals.closed,
            open_by_step: o.totals.by_step.to_vec(),
            caseload: o
                .caseload
                .into_iter()
                .map(|c| CaseloadRow {
                    manager_id: c.manager_id,
                    open_by_step: c.by_step.to_vec(),
                    open: c.open,
                    closed: c.closed,
                })
                .collect(),
            overdue: o
                .overdue
                .into_iter()
                .map(|x| {
                    let reason = x.reason();
                    OverdueRow {
                        kind: kind_name(&x.kind()),
                        due: x.due.to_string(),
                        days_overdue: x.days_overdue,
                        reason_vi: reason.vi,
                        reason_en: reason.en,
                        legal_ref: x.legal_ref().to_string(),
                        case: x.case.into(),
                    }
                })
                .collect(),
            approvals: o.approvals.into_iter().map(waiting_row).collect(),
            no_contact: o
                .no_contact
                .into_iter()
                .map(|n| NoContactRow {
                    last_contact: n.last_contact.to_string(),
                    trigger_on: n.trigger_on.to_string(),
                    days_left: n.days_left,
                    case: n.case.into(),
                })
                .collect(),
            post_closure: o
                .post_closure
                .into_iter()
                .map(|p| {
                    let reason = p.reason();
                    PostClosureRow {
                        due: p.due.to_string(),
                        overdue: p.overdue,
                        reason_vi: reason.vi,
                        reason_en: reason.en,
                        case: p.case.into(),
                    }
                })
                .collect(),
            conflicts: o
                .conflicts
                .into_iter()
                .map(|c| OversightConflictRow {
                    case: c.case.map(CaseLine::from),
                    record_id: c.record_id,
                    kind: c.kind.as_str().to_string(),
                    field: c.field,
                    values: c.values,
                })
                .collect(),
            devices: o
                .devices
                .into_iter()
                .map(|d| DeviceRow {
                    days_since_sync: d.days_since_sync,
                    oldest_unsent_days: d.oldest_unsent_days,
                    quiet: d.quiet,
                    device_id: d.device.device_id,
                    device_name: d.device.device_name,
                    user_name: d.device.user_name,
                    last_sync_millis: d.device.last_sync_millis,
                    pending_ops: d.device.pending_ops,
                })
                .collect(),
            reports_due: o.reports_due.into_iter().map(FollowUpTask::from).collect(),
        }
    }
}

impl From<Task> for FollowUpTask {
    fn from(t: Task) -> FollowUpTask {
        FollowUpTask {
            case_id: t.case_id,
            subject_name: t.subject_name,
            kind: kind_name(&t.kind),
            due: t.due.to_string(),
            overdue: t.overdue,
            reason_vi: t.reason.vi,
            reason_en: t.reason.en,
            legal_ref: t.legal_ref,
        }
    }
}

fn parse_day(today: &str) -> ApiResult<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(today, "%Y-%m-%d").map_err(|_| ApiError::Invalid {
        message_vi: "Ngày phải có dạng năm-tháng-ngày.".into(),
        message_en: "The date must be YYYY-MM-DD.".into(),
    })
}

/// Every call here shows or changes case data: each passes the session lock (`Locked` until the PIN).
#[uniffi::export]
impl HosoCore {
    /// Every oversight figure of the cases on this device as of `today` (ISO date), offline.
    pub fn oversight(&self, today: String) -> ApiResult<OversightView> {
        Ok(self.unlocked()?.cases.oversight(parse_day(&today)?)?.into())
    }

    /// Plans, adjustments and closures waiting for this approver, longest waiting first (never a
    /// plan they submitted themselves; empty for a role that does not approve).
    pub fn approval_queue(&self, today: String) -> ApiResult<Vec<ApprovalQueueItem>> {
        queue(self.unlocked()?, parse_day(&today)?)
    }

    /// Approves what waits on the case (plan, adjustment or closure), offline; answers the queue
    /// as of `today` without it, so that one tap is one call.
    pub fn approve_waiting(
        &self,
        case_id: String,
        today: String,
    ) -> ApiResult<Vec<ApprovalQueueItem>> {
        let (app, day) = (self.unlocked()?, parse_day(&today)?);
        app.cases.decide_waiting(&case_id, Decision::Approve)?;
        queue(app, day)
    }

    /// Returns what waits on the case to its case manager with the approver's comment, offline;
    /// answers the queue as of `today` without it.
    pub fn return_waiting(
        &self,
        case_id: String,
        comment: String,
        today: String,
    ) -> ApiResult<Vec<ApprovalQueueItem>> {
        let (app, day) = (self.unlocked()?, parse_day(&today)?);
        app.cases
            .decide_waiting(&case_id, Decision::Return { comment })?;
        queue(app, day)
    }
}

fn queue(app: &App, day: chrono::NaiveDate) -> ApiResult<Vec<ApprovalQueueItem>> {
    Ok(app
        .cases
        .approval_queue(day)?
        .into_iter()
        .map(|item| ApprovalQueueItem {
            waiting: waiting_row(item.waiting),
            form_record_id: item.form_record_id,
            submitted_by: item.submitted_by,
        })
        .collect())
}
