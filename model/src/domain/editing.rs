//! What may be recorded on a case and its forms now: who opens a case, which forms a closed case still
//! takes, which forms can no longer change, and how a form is marked complete.

use super::form_ids;
use super::lifecycle::CaseStatus;
use crate::i18n::Localized;
use crate::role::Role;
use crate::schema::{fields, form_status};
use serde_json::{Value, json};

/// Provincial staff oversee and report; they do not record (TT 02/2020 Điều 11.1).
pub fn check_may_record(role: Role) -> Result<(), Localized> {
    if role.may_record() {
        Ok(())
    } else {
        Err(Localized::new(
            "Bạn chỉ có quyền xem.",
            "You can only view.",
        ))
    }
}

/// A closed case takes only the hand-over record and post-closure follow-up notes (TT 02/2020 Điều 10).
pub fn check_form_may_start(
    case_status: Option<CaseStatus>,
    form_id: &str,
) -> Result<(), Localized> {
    if case_status == Some(CaseStatus::Closed)
        && !matches!(form_id, form_ids::HANDOVER | form_ids::PROGRESS)
    {
        return Err(Localized::new(
            "Hồ sơ đã kết thúc: chỉ còn ghi biên bản bàn giao và theo dõi sau kết thúc.",
            "The case is closed: only the hand-over record and follow-up notes can be added.",
        ));
    }
    Ok(())
}

/// An approved form is the record of a decision: it never changes; a change is a new adjustment.
pub fn check_form_editable(form_status: Option<&str>) -> Result<(), Localized> {
    if matches!(
        form_status,
        Some(form_status::APPROVED | form_status::SUPERSEDED)
    ) {
        return Err(Localized::new(
            "Biểu mẫu đã được phê duyệt nên không sửa được; hãy lập bản điều chỉnh.",
            "This form was approved and cannot be edited; make an adjustment instead.",
        ));
    }
    Ok(())
}

/// Plans and closure records move the case when submitted, so they go through the lifecycle (and the
/// approver), never straight to complete.
pub fn check_completes_directly(form_id: &str) -> Result<(), Localized> {
    if matches!(form_id, form_ids::PLAN | form_ids::CLOSURE) {
        return Err(Localized::new(
            "Kế hoạch và biên bản kết thúc được trình để phê duyệt, không hoàn thành trực tiếp.",
            "Plans and closure records are submitted for approval, not completed directly.",
        ));
    }
    Ok(())
}

/// Answers only the chairman or facility head may give (their consent to share, their confirmation of
/// a hand-over): the same fields the server refuses from anyone else (`schema::is_approval`).
pub fn check_answers_allowed(
    role: Role,
    form_id: &str,
    answers: &crate::forms::Answers,
) -> Result<(), Localized> {
    let kind = crate::schema::kind_of_form(form_id);
    let decides = answers.iter().any(|(name, value)| {
        !value.is_null()
            && crate::schema::is_approval(
                kind,
                &format!("{}{name}", crate::schema::ANSWER_PREFIX),
                value,
            )
    });
    if decides && !role.may_approve() {
        return Err(Localized::new(
            "Chỉ Chủ tịch UBND cấp xã hoặc người đứng đầu cơ sở mới ghi được ý kiến này (TT 02/2020 Điều 9.2, 10.1).",
            "Only the chairman of the commune People's Committee or the facility head can record this (TT 02/2020 Art. 9.2, 10.1).",
        ));
    }
    Ok(())
}

/// The fields that mark a form submitted: the same for every form, whoever submits it and however.
pub fn submission(today: &str, author: &str) -> Vec<(&'static str, Value)> {
    vec![
        (fields::STATUS, json!(form_status::SUBMITTED)),
        (fields::SUBMITTED_AT, json!(today)),
        (fields::SUBMITTED_BY, json!(author)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provincial_staff_cannot_record() {
        assert!(check_may_record(Role::ProvincialOfficer).is_err());
        assert!(check_may_record(Role::Collaborator).is_ok());
        assert!(check_may_record(Role::Approver).is_ok());
    }

    #[test]
    fn a_closed_case_takes_only_hand_over_and_follow_up_notes() {
        let closed = Some(CaseStatus::Closed);
        let refusal = check_form_may_start(closed, form_ids::PLAN).expect_err("no new plan");
        assert!(refusal.vi.contains("bàn giao"));
        assert!(check_form_may_start(closed, form_ids::HANDOVER).is_ok());
        assert!(check_form_may_start(closed, form_ids::PROGRESS).is_ok());
        assert!(check_form_may_start(Some(CaseStatus::InProgress), form_ids::PLAN).is_ok());
    }

    #[test]
    fn approved_and_superseded_forms_never_change() {
        assert!(check_form_editable(Some(form_status::APPROVED)).is_err());
        assert!(check_form_editable(Some(form_status::SUPERSEDED)).is_err());
        assert!(check_form_editable(Some(form_status::RETURNED)).is_ok());
        assert!(check_form_editable(Some(form_status::DRAFT)).is_ok());
        assert!(check_form_editable(None).is_ok());
    }

    #[test]
    fn plans_and_closures_are_submitted_for_approval_not_completed() {
        assert!(check_completes_directly(form_ids::PLAN).is_err());
        assert!(check_completes_directly(form_ids::CLOSURE).is_err());
        assert!(check_completes_directly(form_ids::REFERRAL).is_ok());
    }

    #[test]
    fn only_the_approver_gives_their_consent_or_confirms_a_hand_over() {
        let answers = |pairs: serde_json::Value| -> crate::forms::Answers {
            serde_json::from_value(pairs).expect("answers")
        };
        let consent = answers(json!({"share_consent_by": ["subject"], "approver_consent": true}));
        let refusal = check_answers_allowed(Role::Collaborator, form_ids::CONSENT, &consent)
            .expect_err("a collaborator cannot consent for the chairman");
        assert!(refusal.vi.contains("Điều 9.2"));
        assert!(check_answers_allowed(Role::Approver, form_ids::CONSENT, &consent).is_ok());
        let family_only = answers(json!({"share_consent_by": ["family"]}));
        assert!(check_answers_allowed(Role::Collaborator, form_ids::CONSENT, &family_only).is_ok());
        let handover = answers(json!({"confirmed_by_facility_head": true}));
        assert!(check_answers_allowed(Role::CaseManager, form_ids::HANDOVER, &handover).is_err());
    }

    #[test]
    fn every_submission_says_when_and_by_whom() {
        let fields: Vec<&str> = submission("2026-11-26", "u1")
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(fields, vec!["status", "submitted_at", "submitted_by"]);
    }
}
