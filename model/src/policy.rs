//! Who may write what, as a pure function: the server enforces it on every op, and a device can check
//! before recording. Approvals belong to the commune chairman or facility head (TT 02/2020 Điều 7.1,
//! 8.2); provincial staff read without writing.

use crate::i18n::Localized;
use crate::op::{FieldOp, RecordKind};
use crate::role::Role;
use crate::schema::{is_approval, photo_fields};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hlc::Hlc;
    use serde_json::json;

    fn op(kind: RecordKind, field: &str, value: serde_json::Value) -> FieldOp {
        FieldOp {
            op_id: "o".into(),
            record_id: "r".into(),
            kind,
            field: field.into(),
            value,
            hlc: Hlc::new(1, 0, 1),
            supersedes: Vec::new(),
            device_id: "d".into(),
            author: "u".into(),
        }
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
