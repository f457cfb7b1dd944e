//! Referrals (chuyển tuyến, kết nối — TT 02/2020 Điều 7.2.b) and the order their status may follow.

use crate::i18n::Localized;

/// The status of a new referral.
pub const PROPOSED: &str = "proposed";
/// The status of a referral sent to the provider: the case file leaves the commune or facility.
pub const SENT: &str = "sent";
pub const STATUSES: [&str; 5] = [PROPOSED, SENT, "accepted", "completed", "declined"];

/// Sending a referral shares the case file outside the commune or facility: it needs both consents
/// on file (TT 02/2020 Điều 9.2), and the refusal says which is missing.
pub fn check_may_send(decision: &super::consent::ShareDecision) -> Result<(), Localized> {
    if decision.allowed {
        return Ok(());
    }
    let (vi, en): (Vec<&str>, Vec<&str>) = decision
        .missing
        .iter()
        .map(|m| (m.vi.as_str(), m.en.as_str()))
        .unzip();
    Err(Localized::new(
        format!(
            "Chưa gửi được chuyển tuyến vì chưa đủ sự đồng ý chia sẻ thông tin: {}",
            vi.join(" ")
        ),
        format!(
            "The referral cannot be sent without consent to share: {}",
            en.join(" ")
        ),
    ))
}

/// Whether a referral may move from `from` to `to`: forward along proposed → sent → accepted →
/// completed, or to declined from any open status. Completed and declined are final.
pub fn check_transition(from: &str, to: &str) -> Result<(), Localized> {
    if !STATUSES.contains(&to) {
        return Err(Localized::new(
            "Trạng thái chuyển tuyến không hợp lệ.",
            "Unknown referral status.",
        ));
    }
    let allowed = matches!(
        (from, to),
        ("proposed", "sent")
            | ("sent", "accepted")
            | ("accepted", "completed")
            | ("proposed" | "sent" | "accepted", "declined")
    );
    if allowed {
        Ok(())
    } else {
        Err(Localized::new(
            format!(
                "Không thể chuyển trạng thái chuyển tuyến từ “{}” sang “{}”.",
                label(from).vi,
                label(to).vi
            ),
            format!(
                "A referral cannot go from “{}” to “{}”.",
                label(from).en,
                label(to).en
            ),
        ))
    }
}

pub fn label(status: &str) -> Localized {
    let (vi, en) = match status {
        "proposed" => ("đề xuất", "proposed"),
        "sent" => ("đã gửi", "sent"),
        "accepted" => ("đã tiếp nhận", "accepted"),
        "completed" => ("hoàn thành", "completed"),
        "declined" => ("từ chối", "declined"),
        _ => ("không rõ", "unknown"),
    };
    Localized::new(vi, en)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn referrals_move_forward_or_are_declined_and_final_states_stay_final() {
        assert!(check_transition("proposed", "sent").is_ok());
        assert!(check_transition("sent", "accepted").is_ok());
        assert!(check_transition("accepted", "completed").is_ok());
        assert!(check_transition("sent", "declined").is_ok());
        let backwards = check_transition("completed", "sent").unwrap_err();
        assert_eq!(
            backwards.vi,
            "Không thể chuyển trạng thái chuyển tuyến từ “hoàn thành” sang “đã gửi”."
        );
        assert!(check_transition("declined", "accepted").is_err());
        assert!(check_transition("proposed", "completed").is_err());
        assert!(check_transition("proposed", "lost").is_err());
    }
}
