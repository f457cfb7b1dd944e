//! The five steps of TT 02/2020 Điều 3 as case statuses, and the transitions the law allows.
//!
//! [`decide`] is pure: given a case, its records, who acts and today's date, it returns the field
//! changes an action makes, or the reason (vi/en) it is refused. The store applies the changes as ops.

use super::closure::{ClosureFacts, ClosureTrigger, check_trigger};
use super::config::Config;
use super::date_of;
use super::form_ids::{CLOSURE, ELIGIBILITY, INFORMATION, NEEDS_ASSESSMENT, PLAN};
use crate::i18n::Localized;
use crate::op::{RecordKind, Value};
use crate::record::Record;
use crate::role::Role;
use crate::schema::form_status;
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
    Transfer {
        commune_code: String,
        province_code: String,
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
        self.case.text("status").and_then(CaseStatus::parse)
    }

    fn child(&self, id: &str) -> Option<&Record> {
        self.children.iter().find(|r| r.id == id)
    }

    /// The newest record of a form with the given status (ids are UUIDv7, so they sort by creation).
    pub fn latest_form(&self, form_id: &str, status: &str) -> Option<&Record> {
        self.children
            .iter()
            .filter(|r| r.text("form_id") == Some(form_id) && r.text("status") == Some(status))
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
            "Chỉ Chủ tịch UBND xã hoặc người đứng đầu cơ sở trợ giúp xã hội mới được phê duyệt (TT 02/2020 Điều 7.1, 8.2).",
            "Only the commune chairman or the head of the social assistance facility can approve (TT 02/2020 Art. 7.1, 8.2).",
        ))
    }
}

/// The plan goes to someone else for approval (TT 02/2020 Điều 7.1: the case manager submits, the
/// chairman or facility head approves): whoever submitted a plan never approves it, even an approver.
fn not_own_plan(ctx: &CaseContext<'_>, plan: &Record) -> Result<(), Localized> {
    if plan.text(crate::schema::fields::SUBMITTED_BY) == Some(ctx.user_id) {
        Err(refuse(
            "Người trình kế hoạch không được tự phê duyệt kế hoạch của mình (TT 02/2020 Điều 7.1).",
            "Whoever submitted a plan cannot approve it themselves (TT 02/2020 Art. 7.1).",
        ))
    } else {
        Ok(())
    }
}

fn form_of_case<'a>(
    ctx: &'a CaseContext<'_>,
    id: &str,
    form_id: &str,
) -> Result<&'a Record, Localized> {
    ctx.child(id)
        .filter(|r| r.text("form_id") == Some(form_id))
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

fn today_text(ctx: &CaseContext<'_>) -> Value {
    json!(ctx.today.format("%Y-%m-%d").to_string())
}

/// Decides what an action changes, or why the law does not allow it now.
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
    let today = today_text(ctx);
    match action {
        Action::StartPlanning => {
            if status != CaseStatus::Intake {
                return Err(wrong_status(
                    ctx,
                    "chuyển sang lập kế hoạch",
                    "start planning",
                ));
            }
            for (form_id, vi, en) in [
                (
                    INFORMATION,
                    "Mẫu số 01 (thu thập thông tin)",
                    "Form 01 (information)",
                ),
                (
                    NEEDS_ASSESSMENT,
                    "Mẫu số 02 (đánh giá nhu cầu)",
                    "Form 02 (needs assessment)",
                ),
                (
                    ELIGIBILITY,
                    "Mẫu số 03 (tiêu chí xác định đối tượng)",
                    "Form 03 (eligibility criteria)",
                ),
            ] {
                if ctx.latest_form(form_id, form_status::SUBMITTED).is_none() {
                    return Err(refuse(
                        format!(
                            "Cần hoàn thành {vi} trước khi lập kế hoạch (TT 02/2020 Điều 4–6)."
                        ),
                        format!("Complete {en} before planning (TT 02/2020 Art. 4–6)."),
                    ));
                }
            }
            let eligibility = ctx
                .latest_form(ELIGIBILITY, form_status::SUBMITTED)
                .expect("checked above");
            let has_need = eligibility
                .fields
                .get("a.need_types")
                .and_then(Value::as_array)
                .is_some_and(|a| !a.is_empty());
            let eligible =
                eligibility.fields.get("a.eligible_at_facility_or_locality") == Some(&json!(true));
            if !has_need || !eligible {
                return Err(refuse(
                    "Theo Mẫu số 03, đối tượng chưa đủ tiêu chí nhận dịch vụ (TT 02/2020 Điều 6.1): không thể lập kế hoạch.",
                    "Form 03 shows the subject does not meet the criteria for services (TT 02/2020 Art. 6.1): no plan can be made.",
                ));
            }
            Ok(vec![case_change(
                ctx,
                vec![("status", json!(CaseStatus::Planning.as_str()))],
            )])
        }
        Action::SubmitPlan { plan_id } | Action::SubmitAdjustment { plan_id } => {
            let adjusting = matches!(action, Action::SubmitAdjustment { .. });
            let expected = if adjusting {
                CaseStatus::InProgress
            } else {
                CaseStatus::Planning
            };
            if status != expected {
                return Err(if adjusting {
                    wrong_status(
                        ctx,
                        "đề xuất điều chỉnh kế hoạch",
                        "propose a plan adjustment",
                    )
                } else {
                    wrong_status(ctx, "trình kế hoạch", "submit the plan")
                });
            }
            let plan = form_of_case(ctx, plan_id, PLAN)?;
            if !matches!(
                plan.text("status"),
                Some(form_status::DRAFT | form_status::RETURNED)
            ) {
                return Err(refuse(
                    "Kế hoạch này đã được trình.",
                    "This plan was already submitted.",
                ));
            }
            let next = if adjusting {
                CaseStatus::AdjustmentSubmitted
            } else {
                CaseStatus::PlanSubmitted
            };
            Ok(vec![
                form_change(
                    plan,
                    vec![
                        ("status", json!(form_status::SUBMITTED)),
                        ("submitted_at", today.clone()),
                        ("submitted_by", json!(ctx.user_id)),
                    ],
                ),
                case_change(
                    ctx,
                    vec![
                        ("status", json!(next.as_str())),
                        ("pending_plan_id", json!(plan_id)),
                    ],
                ),
            ])
        }
        Action::ApprovePlan { plan_id } | Action::ApproveAdjustment { plan_id } => {
            approver_only(ctx)?;
            let adjusting = matches!(action, Action::ApproveAdjustment { .. });
            let expected = if adjusting {
                CaseStatus::AdjustmentSubmitted
            } else {
                CaseStatus::PlanSubmitted
            };
            if status != expected || ctx.case.text("pending_plan_id") != Some(plan_id) {
                return Err(wrong_status(
                    ctx,
                    "phê duyệt kế hoạch này",
                    "approve this plan",
                ));
            }
            let plan = form_of_case(ctx, plan_id, PLAN)?;
            not_own_plan(ctx, plan)?;
            let mut changes = vec![form_change(
                plan,
                vec![
                    ("status", json!(form_status::APPROVED)),
                    ("approved_by", json!(ctx.user_id)),
                    ("approved_at", today.clone()),
                ],
            )];
            if let Some(previous) = ctx
                .case
                .text("current_plan_id")
                .and_then(|id| ctx.child(id))
            {
                changes.push(form_change(
                    previous,
                    vec![("status", json!(form_status::SUPERSEDED))],
                ));
            }
            changes.push(case_change(
                ctx,
                vec![
                    ("status", json!(CaseStatus::InProgress.as_str())),
                    ("current_plan_id", json!(plan_id)),
                    ("pending_plan_id", Value::Null),
                ],
            ));
            Ok(changes)
        }
        Action::ReturnPlan { plan_id, reason } | Action::ReturnAdjustment { plan_id, reason } => {
            approver_only(ctx)?;
            let adjusting = matches!(action, Action::ReturnAdjustment { .. });
            let expected = if adjusting {
                CaseStatus::AdjustmentSubmitted
            } else {
                CaseStatus::PlanSubmitted
            };
            if status != expected || ctx.case.text("pending_plan_id") != Some(plan_id) {
                return Err(wrong_status(
                    ctx,
                    "trả lại kế hoạch này",
                    "return this plan",
                ));
            }
            require_reason(reason)?;
            let plan = form_of_case(ctx, plan_id, PLAN)?;
            let back = if adjusting {
                CaseStatus::InProgress
            } else {
                CaseStatus::Planning
            };
            Ok(vec![
                form_change(
                    plan,
                    vec![
                        ("status", json!(form_status::RETURNED)),
                        ("returned_reason", json!(reason)),
                    ],
                ),
                case_change(
                    ctx,
                    vec![
                        ("status", json!(back.as_str())),
                        ("pending_plan_id", Value::Null),
                    ],
                ),
            ])
        }
        Action::ProposeClosure { closure_form_id } => {
            if matches!(status, CaseStatus::ClosureProposed | CaseStatus::Closed) {
                return Err(wrong_status(ctx, "đề nghị kết thúc", "propose closure"));
            }
            let form = form_of_case(ctx, closure_form_id, CLOSURE)?;
            let trigger = form
                .text("a.closure_trigger")
                .and_then(ClosureTrigger::parse)
                .ok_or_else(|| {
                    refuse(
                        "Hãy chọn một trong 12 lý do kết thúc (TT 02/2020 Điều 8.3.a).",
                        "Choose one of the 12 closure reasons (TT 02/2020 Art. 8.3.a).",
                    )
                })?;
            check_trigger(
                trigger,
                &ClosureFacts {
                    subject: ctx.subject,
                    opened_on: date_of(ctx.case.fields.get("opened_on")),
                    last_contact: ctx.last_contact(),
                    has_approved_plan: ctx.case.text("current_plan_id").is_some(),
                    closure_form: form,
                    proposer: ctx.role,
                    today: ctx.today,
                    config: ctx.config,
                },
            )?;
            Ok(vec![
                form_change(
                    form,
                    vec![
                        ("status", json!(form_status::SUBMITTED)),
                        ("submitted_at", today.clone()),
                        ("submitted_by", json!(ctx.user_id)),
                    ],
                ),
                case_change(
                    ctx,
                    vec![
                        ("status", json!(CaseStatus::ClosureProposed.as_str())),
                        ("status_before_closure", json!(status.as_str())),
                        ("pending_closure_id", json!(closure_form_id)),
                    ],
                ),
            ])
        }
        Action::ApproveClosure => {
            approver_only(ctx)?;
            if status != CaseStatus::ClosureProposed {
                return Err(wrong_status(ctx, "phê duyệt kết thúc", "approve closure"));
            }
            let form_id = ctx.case.text("pending_closure_id").unwrap_or_default();
            let form = form_of_case(ctx, form_id, CLOSURE)?;
            if form.fields.get("a.signed_case_manager") != Some(&json!(true)) {
                return Err(refuse(
                    "Biên bản kết thúc cần có chữ ký của người quản lý đối tượng (TT 02/2020 Điều 8.3.c).",
                    "The closure record needs the case manager's signature (TT 02/2020 Art. 8.3.c).",
                ));
            }
            Ok(vec![
                form_change(
                    form,
                    vec![
                        ("status", json!(form_status::APPROVED)),
                        ("approved_by", json!(ctx.user_id)),
                        ("approved_at", today.clone()),
                        ("a.signed_approver", json!(true)),
                    ],
                ),
                case_change(
                    ctx,
                    vec![
                        ("status", json!(CaseStatus::Closed.as_str())),
                        ("closed_on", today),
                        (
                            "closure_trigger",
                            form.fields
                                .get("a.closure_trigger")
                                .cloned()
                                .unwrap_or(Value::Null),
                        ),
                        ("pending_closure_id", Value::Null),
                    ],
                ),
            ])
        }
        Action::ReturnClosure { reason } => {
            approver_only(ctx)?;
            if status != CaseStatus::ClosureProposed {
                return Err(wrong_status(
                    ctx,
                    "trả lại đề nghị kết thúc",
                    "return the closure proposal",
                ));
            }
            require_reason(reason)?;
            let form = form_of_case(
                ctx,
                ctx.case.text("pending_closure_id").unwrap_or_default(),
                CLOSURE,
            )?;
            let back = ctx
                .case
                .text("status_before_closure")
                .unwrap_or(CaseStatus::InProgress.as_str());
            Ok(vec![
                form_change(
                    form,
                    vec![
                        ("status", json!(form_status::RETURNED)),
                        ("returned_reason", json!(reason)),
                    ],
                ),
                case_change(
                    ctx,
                    vec![("status", json!(back)), ("pending_closure_id", Value::Null)],
                ),
            ])
        }
        Action::Transfer {
            commune_code,
            province_code,
        } => {
            if status == CaseStatus::Closed {
                return Err(wrong_status(ctx, "chuyển địa bàn", "transfer the case"));
            }
            let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
            if !digits(commune_code, 5) || !digits(province_code, 2) {
                return Err(refuse(
                    "Mã xã phải gồm 5 chữ số và mã tỉnh 2 chữ số (QĐ 19/2025/QĐ-TTg).",
                    "A commune code has 5 digits and a province code 2 (QĐ 19/2025/QĐ-TTg).",
                ));
            }
            Ok(vec![case_change(
                ctx,
                vec![
                    (
                        "transferred_from",
                        ctx.case
                            .fields
                            .get("commune_code")
                            .cloned()
                            .unwrap_or(Value::Null),
                    ),
                    ("commune_code", json!(commune_code)),
                    ("province_code", json!(province_code)),
                ],
            )])
        }
    }
}

fn require_reason(reason: &str) -> Result<(), Localized> {
    if reason.trim().is_empty() {
        Err(refuse(
            "Hãy ghi lý do trả lại.",
            "Give the reason for returning it.",
        ))
    } else {
        Ok(())
    }
}
