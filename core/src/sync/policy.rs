//! Who may write what, as a pure function: the server enforces it on every op, and a device can check
//! before recording. Approvals belong to the commune chairman or facility head (TT 02/2020 Điều 7.1,
//! 8.2); provincial staff read without writing.

use crate::domain::Role;
use crate::i18n::Localized;
use crate::op::{FieldOp, RecordKind};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub reason: Localized,
}

fn is_approval(op: &FieldOp) -> bool {
    let value = op.value.as_str().unwrap_or_default();
    match (op.kind, op.field.as_str()) {
        (RecordKind::Case, "status") => value == "closed",
        (RecordKind::Case, "closed_on") => true,
        (RecordKind::Form, "status") => matches!(value, "approved" | "returned"),
        (RecordKind::Form, "approved_by" | "approved_at" | "a.signed_approver") => true,
        _ => false,
    }
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
    if is_approval(op) && !role.may_approve() {
        return Err(Refusal {
            code: "not_allowed",
            reason: Localized::new(
                "Chỉ Chủ tịch UBND xã hoặc người đứng đầu cơ sở mới được phê duyệt.",
                "Only the commune chairman or the facility head can approve.",
            ),
        });
    }
    Ok(())
}
