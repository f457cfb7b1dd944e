//! Consent to share personal information (TT 02/2020 Điều 9.2) and children's consent (Luật 91/2025
//! Điều 24: a child aged 7 or more and the legal representative must both consent).

use super::age_on;
use crate::i18n::Localized;
use crate::record::Record;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShareDecision {
    pub allowed: bool,
    /// What is missing, when not allowed.
    pub missing: Vec<Localized>,
}

fn consented_by(record: &Record) -> Vec<&str> {
    record
        .fields
        .get("a.share_consent_by")
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default()
}

/// Whether the case's information may be shared with another organisation now, from the newest
/// consent record (a withdrawal recorded later cancels what was given before).
pub fn may_share(
    consents: &[Record],
    subject_birth: Option<NaiveDate>,
    today: NaiveDate,
) -> ShareDecision {
    let latest = consents
        .iter()
        .filter(|r| !r.deleted)
        .max_by(|a, b| a.id.cmp(&b.id));
    if latest.is_some_and(|r| r.fields.get("a.withdrawn").and_then(|v| v.as_bool()) == Some(true)) {
        return ShareDecision {
            allowed: false,
            missing: vec![Localized::new(
                "Sự đồng ý chia sẻ thông tin đã bị rút lại.",
                "The consent to share information was withdrawn.",
            )],
        };
    }
    let Some(consent) = latest else {
        return ShareDecision {
            allowed: false,
            missing: vec![Localized::new(
                "Chưa có sự đồng ý chia sẻ thông tin (TT 02/2020 Điều 9.2).",
                "No consent to share information has been recorded (TT 02/2020 Art. 9.2).",
            )],
        };
    };
    let by = consented_by(consent);
    let representative = by.contains(&"guardian") || by.contains(&"family");
    let mut missing = Vec::new();
    match subject_birth.map(|birth| age_on(birth, today)) {
        Some(age) if age < 7 => {
            if !representative {
                missing.push(Localized::new(
                    "Cần sự đồng ý của người giám hộ hoặc gia đình của trẻ.",
                    "The child's guardian or family must consent.",
                ));
            }
        }
        Some(age) if age >= 18 => {
            if by.is_empty() {
                missing.push(Localized::new(
                    "Cần sự đồng ý của đối tượng (nếu có thể) hoặc gia đình, người giám hộ.",
                    "The subject (if able) or the family or guardian must consent.",
                ));
            }
        }
        // A child of 7 or more — and anyone whose birth date is unknown, who may be one.
        _ => {
            if !by.contains(&"subject") {
                missing.push(Localized::new(
                    "Trẻ từ đủ 7 tuổi phải tự đồng ý; khi chưa rõ ngày sinh, áp dụng như với trẻ em (Luật Bảo vệ dữ liệu cá nhân 2025 Điều 24).",
                    "A child aged 7 or more must consent too; when the birth date is unknown, the rule for a child applies (Personal Data Protection Law 2025 Art. 24).",
                ));
            }
            if !representative {
                missing.push(Localized::new(
                    "Cần cả sự đồng ý của người đại diện theo pháp luật của trẻ.",
                    "The child's legal representative must consent as well.",
                ));
            }
        }
    }
    if consent
        .fields
        .get("a.approver_consent")
        .and_then(|v| v.as_bool())
        != Some(true)
    {
        missing.push(Localized::new(
            "Cần sự đồng ý của Chủ tịch UBND cấp xã hoặc người đứng đầu cơ sở (TT 02/2020 Điều 9.2).",
            "The commune chairman or facility head must consent too (TT 02/2020 Art. 9.2).",
        ));
    }
    ShareDecision {
        allowed: missing.is_empty(),
        missing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::op::RecordKind;
    use serde_json::json;

    fn consent(id: &str, fields: serde_json::Value) -> Record {
        Record {
            id: id.into(),
            kind: RecordKind::Consent,
            deleted: false,
            fields: serde_json::from_value(fields).unwrap(),
        }
    }

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    const TODAY: &str = "2026-11-22";

    #[test]
    fn a_child_of_seven_or_more_and_the_representative_must_both_consent() {
        let only_parent = consent(
            "1",
            json!({"a.share_consent_by": ["family"], "a.approver_consent": true}),
        );
        let ten_year_old = Some(day("2016-01-01"));
        let decision = may_share(std::slice::from_ref(&only_parent), ten_year_old, day(TODAY));
        assert!(!decision.allowed);
        assert!(decision.missing[0].vi.contains("7 tuổi"));
        let both = consent(
            "2",
            json!({"a.share_consent_by": ["subject", "guardian"], "a.approver_consent": true}),
        );
        assert!(may_share(&[only_parent.clone(), both], ten_year_old, day(TODAY)).allowed);
        let five_year_old = Some(day("2021-06-01"));
        assert!(
            may_share(
                std::slice::from_ref(&only_parent),
                five_year_old,
                day(TODAY)
            )
            .allowed
        );
    }

    #[test]
    fn when_the_birth_date_is_unknown_the_rule_for_a_child_applies() {
        let subject_alone = consent(
            "1",
            json!({"a.share_consent_by": ["subject"], "a.approver_consent": true}),
        );
        let decision = may_share(std::slice::from_ref(&subject_alone), None, day(TODAY));
        assert!(!decision.allowed);
        assert!(decision.missing[0].en.contains("legal representative"));
        let adult = Some(day("1970-01-01"));
        assert!(may_share(&[subject_alone], adult, day(TODAY)).allowed);
    }

    #[test]
    fn sharing_needs_the_approver_too_and_a_withdrawal_stops_it() {
        let adult = Some(day("1980-01-01"));
        let without_approver = consent("1", json!({"a.share_consent_by": ["subject"]}));
        assert!(!may_share(std::slice::from_ref(&without_approver), adult, day(TODAY)).allowed);
        let given = consent(
            "2",
            json!({"a.share_consent_by": ["subject"], "a.approver_consent": true}),
        );
        assert!(may_share(std::slice::from_ref(&given), adult, day(TODAY)).allowed);
        let withdrawn = consent(
            "3",
            json!({"a.share_consent_by": ["subject"], "a.approver_consent": true, "a.withdrawn": true}),
        );
        let after_withdrawal = may_share(&[given, withdrawn], adult, day(TODAY));
        assert!(!after_withdrawal.allowed);
        assert!(after_withdrawal.missing[0].vi.contains("rút lại"));
        assert!(!may_share(&[], adult, day(TODAY)).allowed);
    }
}
