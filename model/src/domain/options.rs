//! What a user may do on a case now and, for what they may not, the law's reason: the buttons of a
//! case's screen, and the five steps its forms belong to.
//!
//! Pure, and never a second copy of a rule: each lifecycle option is [`decide`] tried on the case as it
//! stands (its changes thrown away), so a button is enabled exactly when the action would be accepted.
//! What this module adds is only which actions belong to which status (a test checks that an action
//! left out of a status is one `decide` refuses there) and which form each action works on.

use super::editing::{check_form_may_start, check_may_record};
use super::form_ids::{
    CLOSURE, CONSENT, ELIGIBILITY, HANDOVER, INFORMATION, NEEDS_ASSESSMENT, PLAN, PROGRESS,
    REFERRAL,
};
use super::lifecycle::{Action, CaseContext, CaseStatus, decide};
use crate::i18n::Localized;
use crate::schema::{fields, form_status};
use serde::{Deserialize, Serialize};

/// The lifecycle actions a case screen offers, without the input the user gives when taking one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    StartPlanning,
    SubmitPlan,
    ApprovePlan,
    ReturnPlan,
    /// A new draft plan pre-filled from the plan in force (TT 02/2020 Điều 7.3.b).
    StartAdjustment,
    SubmitAdjustment,
    ApproveAdjustment,
    ReturnAdjustment,
    ProposeClosure,
    ApproveClosure,
    ReturnClosure,
    /// A closed case opened again when the subject relapses (TT 02/2020 Điều 10.3).
    Reopen,
}

/// What the user types when taking an action.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActionInput {
    /// Why a plan or a closure proposal is returned, or a closed case reopened.
    pub reason: String,
}

/// One action of the case's current step: the form it works on, and why the user may not take it now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActionOption {
    pub kind: ActionKind,
    /// The plan or closure record the action submits, approves or returns.
    pub form_record_id: Option<String>,
    /// `None` when the user may take the action now.
    pub refusal: Option<Localized>,
}

impl ActionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::StartPlanning => "start_planning",
            ActionKind::SubmitPlan => "submit_plan",
            ActionKind::ApprovePlan => "approve_plan",
            ActionKind::ReturnPlan => "return_plan",
            ActionKind::StartAdjustment => "start_adjustment",
            ActionKind::SubmitAdjustment => "submit_adjustment",
            ActionKind::ApproveAdjustment => "approve_adjustment",
            ActionKind::ReturnAdjustment => "return_adjustment",
            ActionKind::ProposeClosure => "propose_closure",
            ActionKind::ApproveClosure => "approve_closure",
            ActionKind::ReturnClosure => "return_closure",
            ActionKind::Reopen => "reopen",
        }
    }

    pub fn label(self) -> Localized {
        let (vi, en) = match self {
            ActionKind::StartPlanning => ("Chuyển sang lập kế hoạch", "Start planning"),
            ActionKind::SubmitPlan => ("Trình kế hoạch", "Submit the plan"),
            ActionKind::ApprovePlan => ("Phê duyệt kế hoạch", "Approve the plan"),
            ActionKind::ReturnPlan => ("Trả lại kế hoạch", "Return the plan"),
            ActionKind::StartAdjustment => ("Điều chỉnh kế hoạch", "Adjust the plan"),
            ActionKind::SubmitAdjustment => ("Trình điều chỉnh kế hoạch", "Submit the adjustment"),
            ActionKind::ApproveAdjustment => {
                ("Phê duyệt điều chỉnh kế hoạch", "Approve the adjustment")
            }
            ActionKind::ReturnAdjustment => {
                ("Trả lại điều chỉnh kế hoạch", "Return the adjustment")
            }
            ActionKind::ProposeClosure => ("Đề nghị kết thúc quản lý", "Propose closure"),
            ActionKind::ApproveClosure => ("Phê duyệt kết thúc quản lý", "Approve closure"),
            ActionKind::ReturnClosure => {
                ("Trả lại đề nghị kết thúc", "Return the closure proposal")
            }
            ActionKind::Reopen => ("Mở lại hồ sơ", "Reopen the case"),
        };
        Localized::new(vi, en)
    }

    /// Whether the user must give a reason (returning a plan or a closure proposal, reopening).
    pub fn needs_reason(self) -> bool {
        matches!(
            self,
            ActionKind::ReturnPlan
                | ActionKind::ReturnAdjustment
                | ActionKind::ReturnClosure
                | ActionKind::Reopen
        )
    }

    /// The lifecycle action this option takes, with the user's input. `None` for
    /// [`ActionKind::StartAdjustment`], which starts a form rather than moving the case.
    pub fn action(self, form_record_id: Option<&str>, input: &ActionInput) -> Option<Action> {
        let plan_id = || form_record_id.unwrap_or_default().to_string();
        let reason = input.reason.clone();
        Some(match self {
            ActionKind::StartPlanning => Action::StartPlanning,
            ActionKind::SubmitPlan => Action::SubmitPlan { plan_id: plan_id() },
            ActionKind::ApprovePlan => Action::ApprovePlan { plan_id: plan_id() },
            ActionKind::ReturnPlan => Action::ReturnPlan {
                plan_id: plan_id(),
                reason,
            },
            ActionKind::StartAdjustment => return None,
            ActionKind::SubmitAdjustment => Action::SubmitAdjustment { plan_id: plan_id() },
            ActionKind::ApproveAdjustment => Action::ApproveAdjustment { plan_id: plan_id() },
            ActionKind::ReturnAdjustment => Action::ReturnAdjustment {
                plan_id: plan_id(),
                reason,
            },
            ActionKind::ProposeClosure => Action::ProposeClosure {
                closure_form_id: plan_id(),
            },
            ActionKind::ApproveClosure => Action::ApproveClosure,
            ActionKind::ReturnClosure => Action::ReturnClosure { reason },
            ActionKind::Reopen => Action::Reopen { reason },
        })
    }
}

/// The actions that belong to a status, in the order a case screen shows them. Assigning the case
/// manager (`Action::AssignManager`) is not a case-screen action: it needs the list of the area's users,
/// which the oversight screens hold.
fn kinds_for(status: CaseStatus) -> &'static [ActionKind] {
    use ActionKind::*;
    match status {
        CaseStatus::Intake => &[StartPlanning, ProposeClosure],
        CaseStatus::Planning => &[SubmitPlan, ProposeClosure],
        CaseStatus::PlanSubmitted => &[ApprovePlan, ReturnPlan, ProposeClosure],
        CaseStatus::InProgress => &[StartAdjustment, SubmitAdjustment, ProposeClosure],
        CaseStatus::AdjustmentSubmitted => &[ApproveAdjustment, ReturnAdjustment, ProposeClosure],
        CaseStatus::ClosureProposed => &[ApproveClosure, ReturnClosure],
        CaseStatus::Closed => &[Reopen],
    }
}

/// Stands in for the reason the user has not typed yet, so that `decide` answers on everything else.
const REASON_TO_COME: &str = "…";

/// The lifecycle actions of the case's status, each with the form it works on and, when the user may
/// not take it now, why. Refusals come from [`decide`] (and, for an adjustment, [`check_may_adjust`]).
pub fn lifecycle_options(ctx: &CaseContext<'_>) -> Vec<ActionOption> {
    let Some(status) = ctx.status() else {
        return Vec::new();
    };
    kinds_for(status)
        .iter()
        .map(|&kind| option(ctx, kind))
        .collect()
}

fn option(ctx: &CaseContext<'_>, kind: ActionKind) -> ActionOption {
    let target = match target_form(ctx, kind) {
        Ok(target) => target,
        Err(refusal) => {
            return ActionOption {
                kind,
                form_record_id: None,
                refusal: Some(refusal),
            };
        }
    };
    let refusal = if kind == ActionKind::StartAdjustment {
        check_may_adjust(ctx).err()
    } else {
        let input = ActionInput {
            reason: REASON_TO_COME.into(),
        };
        kind.action(target.as_deref(), &input)
            .and_then(|action| decide(&action, ctx).err())
    };
    ActionOption {
        kind,
        form_record_id: target,
        refusal,
    }
}

/// The newest plan or closure record still being written (a draft, or returned by the approver).
fn open_draft<'a>(
    ctx: &'a CaseContext<'_>,
    form_id: &str,
    except: Option<&str>,
) -> Option<&'a str> {
    ctx.children
        .iter()
        .filter(|r| r.text(fields::FORM_ID) == Some(form_id) && Some(r.id.as_str()) != except)
        .filter(|r| {
            matches!(
                r.text(fields::STATUS),
                Some(form_status::DRAFT | form_status::RETURNED)
            )
        })
        .map(|r| r.id.as_str())
        .max()
}

/// The form an action works on, or why there is none to work on yet.
fn target_form(ctx: &CaseContext<'_>, kind: ActionKind) -> Result<Option<String>, Localized> {
    let current_plan = ctx.case.text(fields::CURRENT_PLAN_ID);
    let owned = |id: &str| Some(id.to_string());
    let pending = |field: &str| ctx.case.text(field).map(str::to_string);
    match kind {
        ActionKind::SubmitPlan => open_draft(ctx, PLAN, None).map(owned).ok_or_else(|| {
            Localized::new(
                "Hãy lập kế hoạch (Mẫu số 04) trước khi trình (TT 02/2020 Điều 6.2).",
                "Write the plan (Form 04) before submitting it (TT 02/2020 Art. 6.2).",
            )
        }),
        ActionKind::SubmitAdjustment => open_draft(ctx, PLAN, current_plan)
            .map(owned)
            .ok_or_else(|| {
                Localized::new(
                    "Hãy lập bản điều chỉnh kế hoạch trước khi trình (TT 02/2020 Điều 7.3.b).",
                    "Write the plan adjustment before submitting it (TT 02/2020 Art. 7.3.b).",
                )
            }),
        ActionKind::ProposeClosure => open_draft(ctx, CLOSURE, None).map(owned).ok_or_else(|| {
            Localized::new(
                "Hãy lập biên bản kết thúc (Mẫu số 06) trước khi đề nghị (TT 02/2020 Điều 8.3).",
                "Write the closure record (Form 06) before proposing closure (TT 02/2020 Art. 8.3).",
            )
        }),
        ActionKind::ApprovePlan
        | ActionKind::ReturnPlan
        | ActionKind::ApproveAdjustment
        | ActionKind::ReturnAdjustment => Ok(pending(fields::PENDING_PLAN_ID)),
        ActionKind::ApproveClosure | ActionKind::ReturnClosure => {
            Ok(pending(fields::PENDING_CLOSURE_ID))
        }
        ActionKind::StartAdjustment => Ok(current_plan.map(str::to_string)),
        ActionKind::StartPlanning | ActionKind::Reopen => Ok(None),
    }
}

/// An adjustment starts from the plan in force (TT 02/2020 Điều 7.3.b), by someone who records, on a
/// case that still takes plans.
pub fn check_may_adjust(ctx: &CaseContext<'_>) -> Result<(), Localized> {
    check_may_record(ctx.role)?;
    check_form_may_start(ctx.status(), PLAN)?;
    if ctx.case.text(fields::CURRENT_PLAN_ID).is_none() {
        return Err(Localized::new(
            "Chưa có kế hoạch được phê duyệt để điều chỉnh.",
            "There is no approved plan to adjust.",
        ));
    }
    Ok(())
}

/// The steps of TT 02/2020 Điều 3, numbered 1–5.
pub const STEPS: [u8; 5] = [1, 2, 3, 4, 5];

/// A step's name as Điều 3 gives it.
pub fn step_title(step: u8) -> Localized {
    let (vi, en) = match step {
        1 => (
            "Thu thập thông tin và đánh giá nhu cầu",
            "Information and needs assessment",
        ),
        2 => (
            "Xây dựng kế hoạch chăm sóc, trợ giúp",
            "Building the care plan",
        ),
        3 => ("Thực hiện kế hoạch", "Carrying out the plan"),
        4 => (
            "Theo dõi, rà soát và điều chỉnh kế hoạch",
            "Monitoring, reviewing and adjusting the plan",
        ),
        _ => (
            "Đánh giá và kết thúc quản lý",
            "Evaluating and ending case management",
        ),
    };
    Localized::new(vi, en)
}

/// The step a form belongs to, by the article that requires it (Điều 4–8, 10); `None` for a form the
/// whole case shares (consent to share information, Điều 9).
pub fn step_of_form(form_id: &str) -> Option<u8> {
    match form_id {
        INFORMATION | NEEDS_ASSESSMENT => Some(1),
        ELIGIBILITY | PLAN => Some(2),
        REFERRAL => Some(3),
        PROGRESS => Some(4),
        CLOSURE | HANDOVER => Some(5),
        CONSENT => None,
        _ => None,
    }
}

/// The forms a case screen offers to start, in step order.
pub const CASE_FORMS: [&str; 9] = [
    INFORMATION,
    NEEDS_ASSESSMENT,
    ELIGIBILITY,
    PLAN,
    REFERRAL,
    PROGRESS,
    CLOSURE,
    HANDOVER,
    CONSENT,
];

/// Whether the user may start this form on the case now, and if not why.
pub fn check_may_start_form(ctx: &CaseContext<'_>, form_id: &str) -> Result<(), Localized> {
    check_may_record(ctx.role)?;
    check_form_may_start(ctx.status(), form_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::config::Config;
    use crate::op::RecordKind;
    use crate::record::Record;
    use crate::role::Role;
    use chrono::NaiveDate;
    use serde_json::{Value, json};

    fn record(id: &str, kind: RecordKind, fields: Value) -> Record {
        Record {
            id: id.into(),
            kind,
            deleted: false,
            fields: serde_json::from_value(fields).expect("an object"),
        }
    }

    fn form(id: &str, form_id: &str, status: &str, answers: Value) -> Record {
        let mut fields = json!({"case_id": "c1", "form_id": form_id, "status": status});
        if let (Some(all), Some(extra)) = (fields.as_object_mut(), answers.as_object()) {
            all.extend(extra.clone());
        }
        record(id, RecordKind::Form, fields)
    }

    /// A case at `status` with every form its actions could work on.
    fn case_at(status: CaseStatus) -> (Record, Vec<Record>) {
        let case = record(
            "c1",
            RecordKind::Case,
            json!({
                "status": status.as_str(), "commune_code": "25920", "province_code": "79",
                "subject_id": "p1", "current_plan_id": "plan-1", "pending_plan_id": "plan-2",
                "pending_closure_id": "closure-1", "opened_on": "2026-10-01",
            }),
        );
        let children = vec![
            form("m01", INFORMATION, form_status::SUBMITTED, json!({})),
            form("m02", NEEDS_ASSESSMENT, form_status::SUBMITTED, json!({})),
            form(
                "m03",
                ELIGIBILITY,
                form_status::SUBMITTED,
                json!({"a.need_types": ["long_term"], "a.eligible_at_facility_or_locality": true}),
            ),
            form("plan-1", PLAN, form_status::APPROVED, json!({})),
            form("plan-2", PLAN, form_status::DRAFT, json!({})),
            form(
                "closure-1",
                CLOSURE,
                form_status::DRAFT,
                json!({"a.closure_trigger": "objectives_achieved", "a.signed_case_manager": true}),
            ),
        ];
        (case, children)
    }

    fn with<T>(
        case: &Record,
        children: &[Record],
        role: Role,
        f: impl FnOnce(&CaseContext<'_>) -> T,
    ) -> T {
        let config = Config::default();
        let ctx = CaseContext {
            case,
            children,
            subject: None,
            role,
            user_id: "u1",
            today: NaiveDate::from_ymd_opt(2026, 11, 22).expect("a date"),
            config: &config,
        };
        f(&ctx)
    }

    const ALL_KINDS: [ActionKind; 12] = [
        ActionKind::StartPlanning,
        ActionKind::SubmitPlan,
        ActionKind::ApprovePlan,
        ActionKind::ReturnPlan,
        ActionKind::StartAdjustment,
        ActionKind::SubmitAdjustment,
        ActionKind::ApproveAdjustment,
        ActionKind::ReturnAdjustment,
        ActionKind::ProposeClosure,
        ActionKind::ApproveClosure,
        ActionKind::ReturnClosure,
        ActionKind::Reopen,
    ];

    const ALL_STATUSES: [CaseStatus; 7] = [
        CaseStatus::Intake,
        CaseStatus::Planning,
        CaseStatus::PlanSubmitted,
        CaseStatus::InProgress,
        CaseStatus::AdjustmentSubmitted,
        CaseStatus::ClosureProposed,
        CaseStatus::Closed,
    ];

    #[test]
    fn an_action_left_out_of_a_status_is_one_the_law_refuses_there() {
        let input = ActionInput {
            reason: "Thiếu nguồn lực".into(),
        };
        for status in ALL_STATUSES {
            let (case, children) = case_at(status);
            for kind in ALL_KINDS {
                if kinds_for(status).contains(&kind) {
                    continue;
                }
                let target = match kind {
                    ActionKind::ProposeClosure => Some("closure-1"),
                    _ => Some("plan-2"),
                };
                let Some(action) = kind.action(target, &input) else {
                    continue;
                };
                let decided = with(&case, &children, Role::Approver, |ctx| decide(&action, ctx));
                assert!(
                    decided.is_err(),
                    "{kind:?} is accepted at {status:?} but not offered there"
                );
            }
        }
    }

    #[test]
    fn a_collaborator_sees_why_only_the_chairman_approves_a_submitted_plan() {
        let (case, children) = case_at(CaseStatus::PlanSubmitted);
        let options = with(&case, &children, Role::Collaborator, lifecycle_options);
        let approve = options
            .iter()
            .find(|o| o.kind == ActionKind::ApprovePlan)
            .expect("approving is this step's action");
        assert_eq!(approve.form_record_id.as_deref(), Some("plan-2"));
        let refusal = approve
            .refusal
            .as_ref()
            .expect("a collaborator cannot approve");
        assert!(refusal.vi.contains("Chủ tịch UBND"), "{}", refusal.vi);
        let as_approver = with(&case, &children, Role::Approver, lifecycle_options);
        let approve = as_approver
            .iter()
            .find(|o| o.kind == ActionKind::ApprovePlan)
            .expect("offered");
        assert_eq!(approve.refusal, None);
        let back = as_approver
            .iter()
            .find(|o| o.kind == ActionKind::ReturnPlan)
            .expect("offered");
        assert_eq!(back.refusal, None, "the reason is asked when it is taken");
        assert!(ActionKind::ReturnPlan.needs_reason());
    }

    #[test]
    fn planning_waits_for_form_03_and_says_so() {
        let (case, mut children) = case_at(CaseStatus::Intake);
        children.retain(|r| r.text(fields::FORM_ID) != Some(ELIGIBILITY));
        let options = with(&case, &children, Role::Collaborator, lifecycle_options);
        assert_eq!(options[0].kind, ActionKind::StartPlanning);
        let refusal = options[0].refusal.as_ref().expect("form 03 is missing");
        assert!(refusal.vi.contains("Mẫu số 03"), "{}", refusal.vi);
    }

    #[test]
    fn a_plan_to_submit_is_the_newest_draft_and_its_absence_is_explained() {
        let (case, children) = case_at(CaseStatus::Planning);
        let options = with(&case, &children, Role::Collaborator, lifecycle_options);
        let submit = &options[0];
        assert_eq!(submit.kind, ActionKind::SubmitPlan);
        assert_eq!(submit.form_record_id.as_deref(), Some("plan-2"));
        assert_eq!(submit.refusal, None);
        let without: Vec<Record> = children.into_iter().filter(|r| r.id != "plan-2").collect();
        let options = with(&case, &without, Role::Collaborator, lifecycle_options);
        assert!(
            options[0]
                .refusal
                .as_ref()
                .is_some_and(|r| r.vi.contains("Mẫu số 04"))
        );
    }

    #[test]
    fn an_adjustment_needs_the_plan_in_force_and_is_submitted_as_a_new_draft() {
        let (mut case, children) = case_at(CaseStatus::InProgress);
        let options = with(&case, &children, Role::Collaborator, lifecycle_options);
        let kinds: Vec<ActionKind> = options.iter().map(|o| o.kind).collect();
        assert_eq!(
            kinds,
            vec![
                ActionKind::StartAdjustment,
                ActionKind::SubmitAdjustment,
                ActionKind::ProposeClosure,
            ]
        );
        assert!(options.iter().all(|o| o.refusal.is_none()), "{options:?}");
        assert_eq!(options[1].form_record_id.as_deref(), Some("plan-2"));
        case.fields.remove(fields::CURRENT_PLAN_ID);
        let refusal = with(&case, &children, Role::Collaborator, check_may_adjust)
            .expect_err("nothing to adjust");
        assert!(refusal.en.contains("no approved plan"));
    }

    #[test]
    fn provincial_staff_are_told_they_only_view() {
        let (case, children) = case_at(CaseStatus::InProgress);
        let options = with(&case, &children, Role::ProvincialOfficer, lifecycle_options);
        assert!(!options.is_empty());
        assert!(options.iter().all(|o| o.refusal.is_some()));
        let refused = with(&case, &children, Role::ProvincialOfficer, |ctx| {
            check_may_start_form(ctx, PROGRESS)
        });
        assert!(refused.is_err());
    }

    #[test]
    fn a_closed_case_offers_only_reopening_and_takes_only_hand_over_and_follow_up_notes() {
        let (case, children) = case_at(CaseStatus::Closed);
        let options = with(&case, &children, Role::Collaborator, lifecycle_options);
        assert_eq!(options.len(), 1);
        assert_eq!(options[0].kind, ActionKind::Reopen);
        assert_eq!(
            options[0].refusal, None,
            "the reason is asked when it is taken"
        );
        for form_id in CASE_FORMS {
            let allowed = with(&case, &children, Role::Collaborator, |ctx| {
                check_may_start_form(ctx, form_id).is_ok()
            });
            assert_eq!(allowed, matches!(form_id, HANDOVER | PROGRESS), "{form_id}");
        }
    }

    #[test]
    fn every_form_belongs_to_the_step_of_the_article_that_requires_it() {
        let steps: Vec<Option<u8>> = CASE_FORMS.iter().map(|f| step_of_form(f)).collect();
        assert_eq!(
            steps,
            vec![
                Some(1),
                Some(1),
                Some(2),
                Some(2),
                Some(3),
                Some(4),
                Some(5),
                Some(5),
                None
            ]
        );
        assert!(step_title(4).vi.contains("điều chỉnh"));
    }
}
