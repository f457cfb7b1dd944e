//! The five steps of TT 02/2020 Điều 3 as case statuses, and the transitions the law allows.
//!
//! [`decide`] is pure: given a case, its records, who acts and today's date, it returns the field
//! changes an action makes, or the reason (vi/en) it is refused. The store applies the changes as ops.

use super::config::Config;
use super::date_of;
use crate::i18n::Localized;
use crate::op::{RecordKind, Value};
use crate::record::Record;
use crate::role::Role;
use crate::schema::fields;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Step 1: information, needs assessment, screening (Điều 4, 5).
    Intake,
    /// Step 2: building the plan (Điều 6).
    Planning,
    /// Step 2: the plan waits for the chairman's or facility head's approval (Điều 7.1).
    PlanSubmitted,
    /// Steps 3–4: carrying out the plan, monitoring and reviewing it (Điều 7, 8.1).
    InProgress,
    /// Step 4: an adjusted plan waits for approval (Điều 7.3.b); the current plan stays in force.
    AdjustmentSubmitted,
    /// Step 5: closure proposed, waiting for the approver (Điều 8.2).
    ClosureProposed,
    /// Step 5: management ended (Điều 8.3); reintegration follow-up may continue (Điều 10).
    Closed,
}

impl CaseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Intake => "intake",
            CaseStatus::Planning => "planning",
            CaseStatus::PlanSubmitted => "plan_submitted",
            CaseStatus::InProgress => "in_progress",
            CaseStatus::AdjustmentSubmitted => "adjustment_submitted",
            CaseStatus::ClosureProposed => "closure_proposed",
            CaseStatus::Closed => crate::schema::CASE_CLOSED,
        }
    }

    pub fn parse(text: &str) -> Option<CaseStatus> {
        use CaseStatus::*;
        [
            Intake,
            Planning,
            PlanSubmitted,
            InProgress,
            AdjustmentSubmitted,
            ClosureProposed,
            Closed,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }

    /// The step of TT 02 Điều 3 (1–5).
    pub fn step(self) -> u8 {
        match self {
            CaseStatus::Intake => 1,
            CaseStatus::Planning | CaseStatus::PlanSubmitted => 2,
            CaseStatus::InProgress => 3,
            CaseStatus::AdjustmentSubmitted => 4,
            CaseStatus::ClosureProposed | CaseStatus::Closed => 5,
        }
    }

    pub fn label(self) -> Localized {
        let (vi, en) = match self {
            CaseStatus::Intake => ("Tiếp nhận, đánh giá nhu cầu", "Intake and needs assessment"),
            CaseStatus::Planning => ("Xây dựng kế hoạch", "Building the plan"),
            CaseStatus::PlanSubmitted => ("Kế hoạch chờ phê duyệt", "Plan awaiting approval"),
            CaseStatus::InProgress => (
                "Thực hiện và theo dõi kế hoạch",
                "Carrying out and monitoring the plan",
            ),
            CaseStatus::AdjustmentSubmitted => (
                "Điều chỉnh kế hoạch chờ phê duyệt",
                "Plan adjustment awaiting approval",
            ),
            CaseStatus::ClosureProposed => (
                "Đề nghị kết thúc chờ phê duyệt",
                "Closure awaiting approval",
            ),
            CaseStatus::Closed => ("Đã kết thúc quản lý", "Management ended"),
        };
        Localized::new(vi, en)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    StartPlanning,
    SubmitPlan {
        plan_id: String,
    },
    ApprovePlan {
        plan_id: String,
    },
    ReturnPlan {
        plan_id: String,
        reason: String,
    },
    SubmitAdjustment {
        plan_id: String,
    },
    ApproveAdjustment {
        plan_id: String,
    },
    ReturnAdjustment {
        plan_id: String,
        reason: String,
    },
    ProposeClosure {
        closure_form_id: String,
    },
    ApproveClosure,
    ReturnClosure {
        reason: String,
    },
    /// The chairman or facility head assigns the case manager (TT 02/2020 Điều 2.2).
    AssignManager {
        user_id: String,
    },
    /// A closed case is opened again when the subject relapses (Điều 10.3); its history stays.
    Reopen {
        reason: String,
    },
}

/// Field changes to one record.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub record_id: String,
    pub kind: RecordKind,
    pub fields: Vec<(String, Value)>,
}

pub struct CaseContext<'a> {
    pub case: &'a Record,
    /// The case's forms, visits, referrals and consents.
    pub children: &'a [Record],
    pub subject: Option<&'a Record>,
    pub role: Role,
    pub user_id: &'a str,
    pub today: NaiveDate,
    pub config: &'a Config,
}

impl CaseContext<'_> {
    pub fn status(&self) -> Option<CaseStatus> {
        self.case.text(fields::STATUS).and_then(CaseStatus::parse)
    }

    fn child(&self, id: &str) -> Option<&Record> {
        self.children.iter().find(|r| r.id == id)
    }

    /// The newest record of a form with the given status (ids are UUIDv7, so they sort by creation).
    pub fn latest_form(&self, form_id: &str, status: &str) -> Option<&Record> {
        self.children
            .iter()
            .filter(|r| {
                r.text(fields::FORM_ID) == Some(form_id) && r.text(fields::STATUS) == Some(status)
            })
            .max_by(|a, b| a.id.cmp(&b.id))
    }

    /// The last day someone met the subject or family: the latest visit's date.
    pub fn last_contact(&self) -> Option<NaiveDate> {
        self.children
            .iter()
            .filter(|r| r.kind == RecordKind::Visit)
            .filter_map(|r| date_of(r.fields.get("a.visit_date")))
            .max()
    }
}

fn refuse(vi: impl Into<String>, en: impl Into<String>) -> Localized {
    Localized::new(vi, en)
}

fn wrong_status(ctx: &CaseContext<'_>, action_vi: &str, action_en: &str) -> Localized {
    let label = ctx.status().map(CaseStatus::label).unwrap_or_default();
    refuse(
        format!(
            "Không thể {action_vi} khi hồ sơ đang ở bước “{}”.",
            label.vi
        ),
        format!("Cannot {action_en} while the case is at “{}”.", label.en),
    )
}

fn approver_only(ctx: &CaseContext<'_>) -> Result<(), Localized> {
    if ctx.role.may_approve() {
        Ok(())
    } else {
        Err(refuse(
            "Chỉ Chủ tịch UBND cấp xã hoặc người đứng đầu cơ sở trợ giúp xã hội mới được quyết định việc này (TT 02/2020 Điều 2.2, 7.1, 8.2).",
            "Only the chairman of the commune People's Committee or the head of the social assistance facility can decide this (TT 02/2020 Art. 2.2, 7.1, 8.2).",
        ))
    }
}

fn form_of_case<'a>(
    ctx: &'a CaseContext<'_>,
    id: &str,
    form_id: &str,
) -> Result<&'a Record, Localized> {
    ctx.child(id)
        .filter(|r| r.text(fields::FORM_ID) == Some(form_id))
        .ok_or_else(|| {
            refuse(
                format!("Không tìm thấy biểu mẫu {form_id} này trong hồ sơ."),
                format!("This {form_id} form is not part of the case."),
            )
        })
}

fn case_change(ctx: &CaseContext<'_>, fields: Vec<(&str, Value)>) -> Change {
    Change {
        record_id: ctx.case.id.clone(),
        kind: RecordKind::Case,
        fields: fields
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    }
}

fn form_change(record: &Record, fields: Vec<(&str, Value)>) -> Change {
    Change {
        record_id: record.id.clone(),
        kind: record.kind,
        fields: fields
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    }
}

fn today_text(ctx: &CaseContext<'_>) -> String {
    ctx.today.format("%Y-%m-%d").to_string()
}

/// Decides what an action changes, or why the law does not allow it now. Each action is one function
/// of [`planning`] or [`closing`]; this only checks what every action needs first.
pub fn decide(action: &Action, ctx: &CaseContext<'_>) -> Result<Vec<Change>, Localized> {
    if !ctx.role.may_record() {
        return Err(refuse(
            "Cán bộ cấp tỉnh chỉ được xem, không được thay đổi hồ sơ.",
            "Provincial staff can view cases but not change them.",
        ));
    }
    let status = ctx.status().ok_or_else(|| {
        refuse(
            "Hồ sơ không có trạng thái hợp lệ.",
            "The case has no valid status.",
        )
    })?;
    match action {
        Action::StartPlanning => planning::start(ctx, status),
        Action::SubmitPlan { plan_id } => planning::submit(ctx, status, plan_id, Stage::Plan),
        Action::SubmitAdjustment { plan_id } => {
            planning::submit(ctx, status, plan_id, Stage::Adjustment)
        }
        Action::ApprovePlan { plan_id } => planning::approve(ctx, status, plan_id, Stage::Plan),
        Action::ApproveAdjustment { plan_id } => {
            planning::approve(ctx, status, plan_id, Stage::Adjustment)
        }
        Action::ReturnPlan { plan_id, reason } => {
            planning::give_back(ctx, status, plan_id, reason, Stage::Plan)
        }
        Action::ReturnAdjustment { plan_id, reason } => {
            planning::give_back(ctx, status, plan_id, reason, Stage::Adjustment)
        }
        Action::ProposeClosure { closure_form_id } => {
            closing::propose(ctx, status, closure_form_id)
        }
        Action::ApproveClosure => closing::approve(ctx, status),
        Action::ReturnClosure { reason } => closing::give_back(ctx, status, reason),
        Action::AssignManager { user_id } => assign_manager(ctx, status, user_id),
        Action::Reopen { reason } => closing::reopen(ctx, status, reason),
    }
}

/// Whether a plan action is about the first plan or an adjustment of the plan in force.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    Plan,
    Adjustment,
}

fn require_reason(reason: &str) -> Result<(), Localized> {
    if reason.trim().is_empty() {
        Err(refuse("Hãy ghi lý do.", "Give the reason."))
    } else {
        Ok(())
    }
}

/// The case manager is assigned by the chairman or facility head, and can be replaced while the case
/// is open.
fn assign_manager(
    ctx: &CaseContext<'_>,
    status: CaseStatus,
    user_id: &str,
) -> Result<Vec<Change>, Localized> {
    approver_only(ctx)?;
    if status == CaseStatus::Closed {
        return Err(wrong_status(
            ctx,
            "phân công người quản lý",
            "assign a case manager",
        ));
    }
    if user_id.trim().is_empty() {
        return Err(refuse(
            "Hãy chọn người quản lý đối tượng.",
            "Choose the case manager.",
        ));
    }
    Ok(vec![case_change(
        ctx,
        vec![
            (fields::MANAGER_ID, json!(user_id)),
            (fields::ASSIGNED_ON, json!(today_text(ctx))),
        ],
    )])
}

mod closing;
mod planning;
#[cfg(test)]
mod tests;
