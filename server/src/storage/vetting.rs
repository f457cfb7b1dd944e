//! The checks every backend runs on a pushed op before looking at the database — shape, clock, author,
//! write policy — and the receipts it answers with. The scope checks need placements, which each
//! backend reads its own way, and then ask `hoso_model::scope`.

use super::DeviceAuth;
use hoso_model::hlc::DEFAULT_MAX_DRIFT_MILLIS;
use hoso_model::i18n::Localized;
use hoso_model::op::FieldOp;
use hoso_model::policy::check_write;
use hoso_model::protocol::{Receipt, ReceiptStatus};
use hoso_model::schema::{adopted_kind, is_parent_link};
use hoso_model::scope::ScopeRefusal;

pub(crate) fn receipt(op: &FieldOp, status: ReceiptStatus) -> Receipt {
    Receipt {
        op_id: op.op_id.clone(),
        status,
        code: None,
        reason: None,
    }
}

pub(crate) fn reject(op: &FieldOp, code: &str, reason: Localized) -> Receipt {
    Receipt {
        code: Some(code.to_string()),
        reason: Some(reason),
        ..receipt(op, ReceiptStatus::Rejected)
    }
}

pub(crate) fn reject_scope(op: &FieldOp, refusal: &ScopeRefusal) -> Receipt {
    reject(op, refusal.code, refusal.reason.clone())
}

pub(crate) fn kind_mismatch(op: &FieldOp) -> Receipt {
    reject(
        op,
        "bad_shape",
        Localized::new("Loại hồ sơ không khớp.", "The record kind does not match."),
    )
}

/// The record an op links its record to (a parent or an adopted record), if it is such a link.
pub(crate) fn link_target(op: &FieldOp) -> Option<&str> {
    let links = is_parent_link(op.kind, &op.field) || adopted_kind(op.kind, &op.field).is_some();
    op.value.as_str().filter(|_| links)
}

/// Shape, clock, author and write policy: the rejection, if any.
pub(crate) fn vet_alone(device: &DeviceAuth, op: &FieldOp, now: u64) -> Result<(), Receipt> {
    if let Err(shape) = op.check_shape() {
        return Err(reject(
            op,
            "bad_shape",
            Localized::new(
                "Dữ liệu không đúng định dạng.",
                format!("Malformed op: {shape}"),
            ),
        ));
    }
    if op
        .hlc
        .check_plausible(now, DEFAULT_MAX_DRIFT_MILLIS)
        .is_err()
    {
        return Err(reject(
            op,
            "clock_skew",
            Localized::new(
                "Đồng hồ của thiết bị sai quá xa so với máy chủ: hãy chỉnh ngày giờ của điện thoại.",
                "The device's clock is too far from the server's: correct the phone's date and time.",
            ),
        ));
    }
    if op.device_id != device.device_id || op.author != device.user_id {
        return Err(reject(
            op,
            "not_allowed",
            Localized::new(
                "Thao tác không thuộc thiết bị này.",
                "This op was not made on this device.",
            ),
        ));
    }
    if let Err(refusal) = check_write(device.role, op) {
        return Err(reject(op, refusal.code, refusal.reason));
    }
    Ok(())
}
