//! Who may write what, as a pure function: the server enforces it on every op, and a device can check
//! before recording. Approvals belong to the commune chairman or facility head (TT 02/2020 Điều 7.1,
//! 8.2); provincial staff read without writing.

use crate::i18n::Localized;
use crate::op::FieldOp;
use crate::role::Role;
use crate::schema::is_approval;

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
    Ok(())
}
