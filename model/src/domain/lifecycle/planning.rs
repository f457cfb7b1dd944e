//! Steps 1 → 2 → 3 and 4: from intake to planning (Điều 4–6), submitting a plan or an adjustment
//! (Điều 7.1, 7.3.b), and the approver's decision on it.

use super::{
    CaseContext, CaseStatus, Change, Stage, approver_only, case_change, form_change, form_of_case,
    refuse, require_reason, today_text, wrong_status,
};
use crate::domain::editing::submission;
use crate::domain::form_ids::{ELIGIBILITY, INFORMATION, NEEDS_ASSESSMENT, PLAN};
use crate::i18n::Localized;
use crate::op::Value;
use crate::schema::{fields, form_status};
use serde_json::json;

/// The three forms of step 1, each with how the refusal names it.
const STEP_ONE_FORMS: [(&str, &str, &str); 3] = [
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
];

/// Planning starts once Mẫu 01–03 are complete and Mẫu 03 finds a need the subject is eligible for.
pub(super) fn start(ctx: &CaseContext<'_>, status: CaseStatus) -> Result<Vec<Change>, Localized> {
    if status != CaseStatus::Intake {
        return Err(wrong_status(
            ctx,
            "chuyển sang lập kế hoạch",
            "start planning",
        ));
    }
    for (form_id, vi, en) in STEP_ONE_FORMS {
        if ctx.latest_form(form_id, form_status::SUBMITTED).is_none() {
            return Err(refuse(
                format!("Cần hoàn thành {vi} trước khi lập kế hoạch (TT 02/2020 Điều 4–6)."),
                format!("Complete {en} before planning (TT 02/2020 Art. 4–6)."),
            ));
        }
    }
    let eligibility = ctx
        .latest_form(ELIGIBILITY, form_status::SUBMITTED)
        .expect("checked with the other step-one forms above");
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
        vec![(fields::STATUS, json!(CaseStatus::Planning.as_str()))],
    )])
}

/// The case manager submits a plan (in planning) or an adjustment (while the plan is carried out).
pub(super) fn submit(
    ctx: &CaseContext<'_>,
    status: CaseStatus,
    plan_id: &str,
    stage: Stage,
) -> Result<Vec<Change>, Localized> {
    let (expected, next) = match stage {
        Stage::Plan => (CaseStatus::Planning, CaseStatus::PlanSubmitted),
        Stage::Adjustment => (CaseStatus::InProgress, CaseStatus::AdjustmentSubmitted),
    };
    if status != expected {
        return Err(match stage {
            Stage::Plan => wrong_status(ctx, "trình kế hoạch", "submit the plan"),
            Stage::Adjustment => wrong_status(
                ctx,
                "đề xuất điều chỉnh kế hoạch",
                "propose a plan adjustment",
            ),
        });
    }
    let plan = form_of_case(ctx, plan_id, PLAN)?;
    if !matches!(
        plan.text(fields::STATUS),
        Some(form_status::DRAFT | form_status::RETURNED)
    ) {
        return Err(refuse(
            "Kế hoạch này đã được trình.",
            "This plan was already submitted.",
        ));
    }
    let today = today_text(ctx);
    Ok(vec![
        form_change(plan, submission(&today, ctx.user_id)),
        case_change(
            ctx,
            vec![
                (fields::STATUS, json!(next.as_str())),
                (fields::PENDING_PLAN_ID, json!(plan_id)),
            ],
        ),
    ])
}

/// The status a plan decision applies to, checked with the pending plan.
fn pending_plan<'a>(
    ctx: &'a CaseContext<'_>,
    status: CaseStatus,
    plan_id: &str,
    stage: Stage,
    action: (&str, &str),
) -> Result<&'a crate::record::Record, Localized> {
    approver_only(ctx)?;
    let expected = match stage {
        Stage::Plan => CaseStatus::PlanSubmitted,
        Stage::Adjustment => CaseStatus::AdjustmentSubmitted,
    };
    if status != expected || ctx.case.text(fields::PENDING_PLAN_ID) != Some(plan_id) {
        return Err(wrong_status(ctx, action.0, action.1));
    }
    let plan = form_of_case(ctx, plan_id, PLAN)?;
    if plan.text(fields::SUBMITTED_BY) == Some(ctx.user_id) {
        return Err(refuse(
            "Người trình kế hoạch không tự phê duyệt kế hoạch của mình (TT 02/2020 Điều 7.1).",
            "Whoever submitted a plan cannot approve it (TT 02/2020 Art. 7.1).",
        ));
    }
    Ok(plan)
}

/// The approver approves the pending plan: it comes into force, replacing the one before it.
pub(super) fn approve(
    ctx: &CaseContext<'_>,
    status: CaseStatus,
    plan_id: &str,
    stage: Stage,
) -> Result<Vec<Change>, Localized> {
    let plan = pending_plan(
        ctx,
        status,
        plan_id,
        stage,
        ("phê duyệt kế hoạch này", "approve this plan"),
    )?;
    let today = today_text(ctx);
    let mut changes = vec![form_change(
        plan,
        vec![
            (fields::STATUS, json!(form_status::APPROVED)),
            (fields::APPROVED_BY, json!(ctx.user_id)),
            (fields::APPROVED_AT, json!(today)),
        ],
    )];
    if let Some(previous) = ctx
        .case
        .text(fields::CURRENT_PLAN_ID)
        .and_then(|id| ctx.child(id))
    {
        changes.push(form_change(
            previous,
            vec![(fields::STATUS, json!(form_status::SUPERSEDED))],
        ));
    }
    changes.push(case_change(
        ctx,
        vec![
            (fields::STATUS, json!(CaseStatus::InProgress.as_str())),
            (fields::CURRENT_PLAN_ID, json!(plan_id)),
            (fields::PENDING_PLAN_ID, Value::Null),
        ],
    ));
    Ok(changes)
}

/// The approver returns the pending plan with the reason; the case goes back to where it was.
pub(super) fn give_back(
    ctx: &CaseContext<'_>,
    status: CaseStatus,
    plan_id: &str,
    reason: &str,
    stage: Stage,
) -> Result<Vec<Change>, Localized> {
    let plan = pending_plan(
        ctx,
        status,
        plan_id,
        stage,
        ("trả lại kế hoạch này", "return this plan"),
    )?;
    require_reason(reason)?;
    let back = match stage {
        Stage::Plan => CaseStatus::Planning,
        Stage::Adjustment => CaseStatus::InProgress,
    };
    Ok(vec![
        form_change(
            plan,
            vec![
                (fields::STATUS, json!(form_status::RETURNED)),
                (fields::RETURNED_REASON, json!(reason)),
            ],
        ),
        case_change(
            ctx,
            vec![
                (fields::STATUS, json!(back.as_str())),
                (fields::PENDING_PLAN_ID, Value::Null),
            ],
        ),
    ])
}
