//! What an approver's or provincial officer's tablet reads to oversee its area, offline, from its own
//! store: the oversight figures (`hoso_model::domain::oversight`) over the cases on this device, and the
//! queue of plans, adjustments and closures waiting for this approver, decided here and synced back.
//! The rules stay in the domain: who may approve, and that nobody approves a plan they submitted.

use super::CaseActions;
use crate::error::{Error, Result};
use crate::store::meta_keys::{AREA_DEVICES, LAST_SYNC_SUCCESS};
use chrono::NaiveDate;
use hoso_model::domain::lifecycle::{Action, CaseStatus};
use hoso_model::domain::oversight::{
    DeviceSync, Oversight, OversightInput, WaitingApproval, oversight,
};
use hoso_model::domain::snapshot::PendingKind;
use hoso_model::schema::fields;

/// A plan, adjustment or closure waiting for this approver.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApprovalItem {
    pub waiting: WaitingApproval,
    /// The plan (Mẫu 04) or closure record (Mẫu 06) to read before deciding.
    pub form_record_id: String,
    /// Who submitted it (a user id).
    pub submitted_by: Option<String>,
}

/// What the approver decides on a waiting item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    Approve,
    /// Back to the case manager with the approver's comment (required).
    Return {
        comment: String,
    },
}

impl CaseActions {
    /// Every oversight figure over the cases on this device, as of `today`. Devices: this one as it
    /// stands now, and the area's others as the server reported them at the last sync.
    pub fn oversight(&self, today: NaiveDate) -> Result<Oversight> {
        let cases = self.store.case_snapshots()?;
        let conflicts = self.store.conflict_entries()?;
        let devices = self.known_devices()?;
        let config = self.store.config()?;
        let produced = self.store.produced_reports()?;
        Ok(oversight(&OversightInput {
            cases: &cases,
            conflicts: &conflicts,
            devices: &devices,
            today,
            now_millis: self.store.now_millis(),
            config: &config,
            role: self.store.role()?,
            area_kind: self.store.area()?.map(|area| area.kind),
            produced_reports: &produced,
        }))
    }

    /// The area's devices as the last pull reported them, with this device's own state (now) in
    /// place of its entry.
    fn known_devices(&self) -> Result<Vec<DeviceSync>> {
        let identity = self.store.identity();
        let mut devices: Vec<DeviceSync> = match self.store.meta(AREA_DEVICES)? {
            Some(json) => serde_json::from_str(&json)?,
            None => Vec::new(),
        };
        let reported = devices
            .iter()
            .position(|d| d.device_id == identity.device_id)
            .map(|index| devices.remove(index));
        let outbox = self.store.outbox_report()?;
        let status_millis = self
            .store
            .meta(LAST_SYNC_SUCCESS)?
            .and_then(|m| m.parse::<u64>().ok());
        devices.push(DeviceSync {
            device_name: reported
                .as_ref()
                .map(|d| d.device_name.clone())
                .unwrap_or_default(),
            user_name: reported.map(|d| d.user_name).unwrap_or_default(),
            device_id: identity.device_id,
            user_id: identity.user_id.unwrap_or_default(),
            last_sync_millis: status_millis,
            pending_ops: Some(outbox.pending_ops),
            oldest_unsent_millis: outbox.oldest_unsent_millis,
        });
        Ok(devices)
    }

    /// Plans, adjustments and closures this user may decide, longest waiting first: none unless the
    /// role approves (TT 02/2020 Điều 7.1, 8.2), and never a plan they submitted themselves.
    pub fn approval_queue(&self, today: NaiveDate) -> Result<Vec<ApprovalItem>> {
        if !self.store.role()?.may_approve() {
            return Ok(Vec::new());
        }
        let me = self.store.identity().user_id;
        let waiting = self.oversight(today)?.approvals;
        let mut queue = Vec::with_capacity(waiting.len());
        for item in waiting {
            let case = self.live_case(&item.case.case_id)?;
            let link = match item.kind {
                PendingKind::Plan | PendingKind::Adjustment => fields::PENDING_PLAN_ID,
                PendingKind::Closure => fields::PENDING_CLOSURE_ID,
            };
            let Some(form_id) = case.text(link) else {
                continue;
            };
            let form = self.store.record(form_id)?;
            let submitted_by = form
                .as_ref()
                .and_then(|f| f.text(fields::SUBMITTED_BY))
                .map(str::to_string);
            let own_plan = item.kind != PendingKind::Closure && submitted_by == me;
            if !own_plan {
                queue.push(ApprovalItem {
                    form_record_id: form_id.to_string(),
                    submitted_by,
                    waiting: item,
                });
            }
        }
        Ok(queue)
    }

    /// Approves or returns what waits on a case, offline; the decision syncs back to the case manager.
    /// The domain refuses what the law does not allow (wrong role, own plan, nothing waiting).
    pub fn decide_waiting(&self, case_id: &str, decision: Decision) -> Result<()> {
        let case = self.live_case(case_id)?;
        let plan_id = case.text(fields::PENDING_PLAN_ID).map(str::to_string);
        let status = case.text(fields::STATUS).and_then(CaseStatus::parse);
        let action = match (status, plan_id, decision) {
            (Some(CaseStatus::PlanSubmitted), Some(plan_id), Decision::Approve) => {
                Action::ApprovePlan { plan_id }
            }
            (Some(CaseStatus::PlanSubmitted), Some(plan_id), Decision::Return { comment }) => {
                Action::ReturnPlan {
                    plan_id,
                    reason: comment,
                }
            }
            (Some(CaseStatus::AdjustmentSubmitted), Some(plan_id), Decision::Approve) => {
                Action::ApproveAdjustment { plan_id }
            }
            (
                Some(CaseStatus::AdjustmentSubmitted),
                Some(plan_id),
                Decision::Return { comment },
            ) => Action::ReturnAdjustment {
                plan_id,
                reason: comment,
            },
            (Some(CaseStatus::ClosureProposed), _, Decision::Approve) => Action::ApproveClosure,
            (Some(CaseStatus::ClosureProposed), _, Decision::Return { comment }) => {
                Action::ReturnClosure { reason: comment }
            }
            _ => {
                return Err(Error::not_allowed(
                    "Hồ sơ này không có gì đang chờ phê duyệt.",
                    "Nothing on this case is waiting for approval.",
                ));
            }
        };
        self.act(case_id, action)
    }
}
