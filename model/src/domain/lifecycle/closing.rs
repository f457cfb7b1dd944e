//! Step 5: proposing the end of case management with one of the 12 triggers (Điều 8.2, 8.3), the
//! approver's decision on it, and reopening a closed case when the subject relapses (Điều 10.3). A
//! subject who moves away is closed with trigger 11 and referred, with consent, to the new commune,
//! which opens its own case: a case never moves between areas.

use super::{
    CaseContext, CaseStatus, Change, approver_only, case_change, form_change, form_of_case, refuse,
    require_reason, today_text, wrong_status,
};
use crate::domain::closure::{ClosureFacts, ClosureTrigger, check_trigger};
use crate::domain::date_of;
use crate::domain::editing::submission;
use crate::domain::form_ids::CLOSURE;
use crate::i18n::Localized;
use crate::op::Value;
use crate::schema::{fields, form_status};
use serde_json::json;

/// The closure record's answers the lifecycle reads.
const TRIGGER_ANSWER: &str = "a.closure_trigger";
const SIGNED_SUBJECT: &str = "a.signed_subject";
const SIGNED_FAMILY: &str = "a.signed_family";
const UNSIGNED_REASON: &str = "a.unsigned_reason";

/// The case manager proposes closure on a complete Mẫu 06 whose trigger holds today.
pub(super) fn propose(
    ctx: &CaseContext<'_>,
    status: CaseStatus,
    closure_form_id: &str,
) -> Result<Vec<Change>, Localized> {
    if matches!(status, CaseStatus::ClosureProposed | CaseStatus::Closed) {
        return Err(wrong_status(ctx, "đề nghị kết thúc", "propose closure"));
    }
    let form = form_of_case(ctx, closure_form_id, CLOSURE)?;
    let trigger = form
        .text(TRIGGER_ANSWER)
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
            opened_on: date_of(ctx.case.fields.get(fields::OPENED_ON)),
            last_contact: ctx.last_contact(),
            has_approved_plan: ctx.case.text(fields::CURRENT_PLAN_ID).is_some(),
            closure_form: form,
            proposer: ctx.role,
            today: ctx.today,
            config: ctx.config,
        },
    )?;
    let today = today_text(ctx);
    Ok(vec![
        form_change(form, submission(&today, ctx.user_id)),
        case_change(
            ctx,
            vec![
                (fields::STATUS, json!(CaseStatus::ClosureProposed.as_str())),
                (fields::STATUS_BEFORE_CLOSURE, json!(status.as_str())),
                (fields::PENDING_CLOSURE_ID, json!(closure_form_id)),
            ],
        ),
    ])
}

/// The approver ends management on the signed closure record (Điều 8.3.c).
pub(super) fn approve(ctx: &CaseContext<'_>, status: CaseStatus) -> Result<Vec<Change>, Localized> {
    approver_only(ctx)?;
    if status != CaseStatus::ClosureProposed {
        return Err(wrong_status(ctx, "phê duyệt kết thúc", "approve closure"));
    }
    let form_id = ctx
        .case
        .text(fields::PENDING_CLOSURE_ID)
        .unwrap_or_default();
    let form = form_of_case(ctx, form_id, CLOSURE)?;
    check_signatures(form)?;
    let today = today_text(ctx);
    Ok(vec![
        form_change(
            form,
            vec![
                (fields::STATUS, json!(form_status::APPROVED)),
                (fields::APPROVED_BY, json!(ctx.user_id)),
                (fields::APPROVED_AT, json!(today)),
                (fields::SIGNED_APPROVER, json!(true)),
            ],
        ),
        case_change(
            ctx,
            vec![
                (fields::STATUS, json!(CaseStatus::Closed.as_str())),
                (fields::CLOSED_ON, json!(today)),
                (
                    fields::CLOSURE_TRIGGER,
                    form.fields
                        .get(TRIGGER_ANSWER)
                        .cloned()
                        .unwrap_or(Value::Null),
                ),
                (fields::PENDING_CLOSURE_ID, Value::Null),
            ],
        ),
    ])
}

/// The approver returns the closure proposal with the reason; the case goes back to its step.
pub(super) fn give_back(
    ctx: &CaseContext<'_>,
    status: CaseStatus,
    reason: &str,
) -> Result<Vec<Change>, Localized> {
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
        ctx.case
            .text(fields::PENDING_CLOSURE_ID)
            .unwrap_or_default(),
        CLOSURE,
    )?;
    let back = ctx
        .case
        .text(fields::STATUS_BEFORE_CLOSURE)
        .unwrap_or(CaseStatus::InProgress.as_str());
    Ok(vec![
        form_change(
            form,
            vec![
                (fields::STATUS, json!(form_status::RETURNED)),
                (fields::RETURNED_REASON, json!(reason)),
            ],
        ),
        case_change(
            ctx,
            vec![
                (fields::STATUS, json!(back)),
                (fields::PENDING_CLOSURE_ID, Value::Null),
            ],
        ),
    ])
}

/// A closed case is opened again when the subject relapses (TT 02/2020 Điều 10.3): the case manager
/// with the family and the commune returns the subject to care. The closure stays in the history; the
/// case resumes at the step its plan allows.
pub(super) fn reopen(
    ctx: &CaseContext<'_>,
    status: CaseStatus,
    reason: &str,
) -> Result<Vec<Change>, Localized> {
    if status != CaseStatus::Closed {
        return Err(wrong_status(ctx, "mở lại hồ sơ", "reopen the case"));
    }
    require_reason(reason)?;
    let resumed = if ctx.case.text(fields::CURRENT_PLAN_ID).is_some() {
        CaseStatus::InProgress
    } else {
        CaseStatus::Intake
    };
    Ok(vec![case_change(
        ctx,
        vec![
            (fields::STATUS, json!(resumed.as_str())),
            (fields::REOPENED_ON, json!(today_text(ctx))),
            (fields::REOPEN_REASON, json!(reason)),
            (fields::CLOSED_ON, Value::Null),
            (fields::CLOSURE_TRIGGER, Value::Null),
        ],
    )])
}

/// The closure record carries the subject's and the family's signatures, or why they did not sign
/// (TT 02/2020 Điều 8.3.c).
fn check_signatures(form: &crate::record::Record) -> Result<(), Localized> {
    if form.fields.get(fields::SIGNED_CASE_MANAGER) != Some(&json!(true)) {
        return Err(refuse(
            "Biên bản kết thúc cần có chữ ký của người quản lý đối tượng (TT 02/2020 Điều 8.3.c).",
            "The closure record needs the case manager's signature (TT 02/2020 Art. 8.3.c).",
        ));
    }
    let signed = |field: &str| form.fields.get(field) == Some(&json!(true));
    if !(signed(SIGNED_SUBJECT) && signed(SIGNED_FAMILY)) && form.text(UNSIGNED_REASON).is_none() {
        return Err(refuse(
            "Biên bản kết thúc cần chữ ký của đối tượng và gia đình, hoặc ghi lý do họ không ký (TT 02/2020 Điều 8.3.c).",
            "The closure record needs the subject's and the family's signatures, or the reason they did not sign (TT 02/2020 Art. 8.3.c).",
        ));
    }
    Ok(())
}
