//! Who may write what, as a pure function: the server enforces it on every op, and a device can check
//! before recording. Approvals belong to the commune chairman or facility head (TT 02/2020 Điều 7.1,
//! 8.2); provincial staff read without writing; whoever submitted a plan never approves it (Điều 7.1).

use crate::domain::form_ids::PLAN;
use crate::i18n::Localized;
use crate::op::{FieldOp, RecordKind};
use crate::role::Role;
use crate::schema::{fields, form_status, is_approval, photo_fields};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub reason: Localized,
}

pub fn check_write(role: Role, op: &FieldOp) -> Result<(), Refusal> {
    if !role.may_record() {
        return Err(Refusal {
            code: "not_allowed",
            reason: Localized::new(
                "Cán bộ cấp tỉnh chỉ được xem hồ sơ.",
                "Provincial staff can only view cases.",
            ),
        });
    }
    if is_approval(op.kind, &op.field, &op.value) && !role.may_approve() {
        return Err(Refusal {
            code: "not_allowed",
            reason: Localized::new(
                "Chỉ Chủ tịch UBND cấp xã hoặc người đứng đầu cơ sở mới được phê duyệt.",
                "Only the commune chairman or the facility head can approve.",
            ),
        });
    }
    if op.kind == RecordKind::Photo
        && op.field == photo_fields::SENSITIVE
        && op.value != serde_json::Value::Bool(true)
    {
        return Err(Refusal {
            code: "not_allowed",
            reason: Localized::new(
                "Ảnh đã đánh dấu là dữ liệu nhạy cảm thì luôn là dữ liệu nhạy cảm.",
                "A photo marked as sensitive data stays sensitive.",
            ),
        });
    }
    Ok(())
}

/// Whether vetting this op needs the record's `form_id` and `submitted_by` ([`check_not_own_plan`]):
/// an approver's write to a form other than returning it.
pub fn approves_a_form(op: &FieldOp) -> bool {
    op.kind == RecordKind::Form
        && is_approval(op.kind, &op.field, &op.value)
        && !(op.field == fields::STATUS && op.value.as_str() == Some(form_status::RETURNED))
}

/// Refuses the approval of a plan (Mẫu 04, first or adjusted) by the user who submitted it: the plan
/// goes to someone else for approval (TT 02/2020 Điều 7.1). `form_id` and `submitted_by` are the
/// record's current values.
pub fn check_not_own_plan(
    op: &FieldOp,
    form_id: Option<&str>,
    submitted_by: Option<&str>,
) -> Result<(), Refusal> {
    if approves_a_form(op) && form_id == Some(PLAN) && submitted_by == Some(op.author.as_str()) {
        return Err(Refusal {
            code: "not_allowed",
            reason: Localized::new(
                "Người trình kế hoạch không tự phê duyệt kế hoạch của mình (TT 02/2020 Điều 7.1).",
                "Whoever submitted a plan cannot approve it (TT 02/2020 Art. 7.1).",
            ),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hlc::Hlc;
    use serde_json::json;

    fn op(kind: RecordKind, field: &str, value: serde_json::Value) -> FieldOp {
        FieldOp {
            op_id: "00000000-0000-7000-8000-000000000001".into(),
            record_id: "00000000-0000-7000-8000-000000000002".into(),
            kind,
            field: field.into(),
            value,
            hlc: Hlc {
                millis: 1_800_000_000_000,
                counter: 0,
                node: 1,
            },
            supersedes: vec![],
            device_id: "d".into(),
            author: "chu-tich".into(),
        }
    }

    #[test]
    fn the_submitter_of_a_plan_never_approves_it() {
        let approve = op(RecordKind::Form, "status", json!("approved"));
        let own = check_not_own_plan(&approve, Some(PLAN), Some("chu-tich"));
        assert!(own.unwrap_err().reason.vi.contains("tự phê duyệt"));
        assert!(check_not_own_plan(&approve, Some(PLAN), Some("ctv-mai")).is_ok());
        let signed = op(RecordKind::Form, "approved_by", json!("chu-tich"));
        assert!(check_not_own_plan(&signed, Some(PLAN), Some("chu-tich")).is_err());
    }

    #[test]
    fn returning_a_plan_and_approving_other_forms_are_not_self_approval() {
        let returned = op(RecordKind::Form, "status", json!("returned"));
        assert!(check_not_own_plan(&returned, Some(PLAN), Some("chu-tich")).is_ok());
        let closure = op(RecordKind::Form, "status", json!("approved"));
        assert!(check_not_own_plan(&closure, Some("TT02-M06"), Some("chu-tich")).is_ok());
        assert!(!approves_a_form(&op(
            RecordKind::Form,
            "a.objectives",
            json!("x")
        )));
    }

    #[test]
    fn a_photo_marked_sensitive_is_never_unmarked() {
        let mark = |value| op(RecordKind::Photo, photo_fields::SENSITIVE, value);
        assert!(check_write(Role::Collaborator, &mark(json!(true))).is_ok());
        for value in [json!(false), json!(null), json!("no")] {
            let refusal = check_write(Role::Approver, &mark(value)).expect_err("unmarking");
            assert_eq!(refusal.code, "not_allowed");
        }
        assert!(
            check_write(
                Role::Collaborator,
                &op(RecordKind::Photo, photo_fields::CAPTION, json!("Nhà"))
            )
            .is_ok()
        );
    }

    #[test]
    fn provincial_staff_write_nothing_and_only_approvers_approve() {
        let approve = op(RecordKind::Form, "status", json!("approved"));
        assert!(
            check_write(
                Role::ProvincialOfficer,
                &op(RecordKind::Case, "notes", json!("x"))
            )
            .is_err()
        );
        assert!(check_write(Role::Collaborator, &approve).is_err());
        assert!(check_write(Role::Approver, &approve).is_ok());
    }
}
