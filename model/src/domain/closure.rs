//! The 12 closure triggers of TT 02/2020 Điều 8.3.a and what must hold for each.

use super::config::Config;
use super::{age_on, birthday_at, date_of};
use crate::i18n::Localized;
use crate::record::Record;
use crate::role::Role;
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClosureTrigger {
    ObjectivesAchieved,
    ApproverDecision,
    Adopted,
    AgeLimit,
    NoSuitableService,
    NoContact1Month,
    SubjectRequest,
    DiedOrMissing,
    ContractEnded,
    MutualAgreement,
    MovedOutOfArea,
    OtherPerLaw,
}

impl ClosureTrigger {
    /// In the order of Điều 8.3.a.
    pub const ALL: [ClosureTrigger; 12] = [
        ClosureTrigger::ObjectivesAchieved,
        ClosureTrigger::ApproverDecision,
        ClosureTrigger::Adopted,
        ClosureTrigger::AgeLimit,
        ClosureTrigger::NoSuitableService,
        ClosureTrigger::NoContact1Month,
        ClosureTrigger::SubjectRequest,
        ClosureTrigger::DiedOrMissing,
        ClosureTrigger::ContractEnded,
        ClosureTrigger::MutualAgreement,
        ClosureTrigger::MovedOutOfArea,
        ClosureTrigger::OtherPerLaw,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ClosureTrigger::ObjectivesAchieved => "objectives_achieved",
            ClosureTrigger::ApproverDecision => "approver_decision",
            ClosureTrigger::Adopted => "adopted",
            ClosureTrigger::AgeLimit => "age_limit",
            ClosureTrigger::NoSuitableService => "no_suitable_service",
            ClosureTrigger::NoContact1Month => "no_contact_1_month",
            ClosureTrigger::SubjectRequest => "subject_request",
            ClosureTrigger::DiedOrMissing => "died_or_missing",
            ClosureTrigger::ContractEnded => "contract_ended",
            ClosureTrigger::MutualAgreement => "mutual_agreement",
            ClosureTrigger::MovedOutOfArea => "moved_out_of_area",
            ClosureTrigger::OtherPerLaw => "other_per_law",
        }
    }

    pub fn parse(code: &str) -> Option<ClosureTrigger> {
        ClosureTrigger::ALL.into_iter().find(|t| t.code() == code)
    }

    pub fn legal_ref(self) -> String {
        let index = ClosureTrigger::ALL
            .iter()
            .position(|t| *t == self)
            .unwrap_or(0)
            + 1;
        format!("TT 02/2020/TT-BLĐTBXH Điều 8.3.a ({index})")
    }
}

/// What a closure check needs to know about the case.
pub struct ClosureFacts<'a> {
    pub subject: Option<&'a Record>,
    pub opened_on: Option<NaiveDate>,
    pub last_contact: Option<NaiveDate>,
    pub has_approved_plan: bool,
    /// The closure form's answers (Mẫu 06).
    pub closure_form: &'a Record,
    pub proposer: Role,
    pub today: NaiveDate,
    pub config: &'a Config,
}

/// Whether the chosen trigger holds. Only conditions the law states are checked.
pub fn check_trigger(trigger: ClosureTrigger, facts: &ClosureFacts<'_>) -> Result<(), Localized> {
    match trigger {
        ClosureTrigger::ApproverDecision if !facts.proposer.may_approve() => Err(Localized::new(
            "Chỉ Chủ tịch UBND cấp xã hoặc người đứng đầu cơ sở mới quyết định kết thúc theo lý do này.",
            "Only the commune chairman or the facility head can end management for this reason.",
        )),
        ClosureTrigger::ObjectivesAchieved if !facts.has_approved_plan => Err(Localized::new(
            "Chưa có kế hoạch được phê duyệt nên không thể kết thúc vì đã đạt mục tiêu.",
            "There is no approved plan, so management cannot end because its objectives were achieved.",
        )),
        ClosureTrigger::AgeLimit => check_age_limit(facts),
        ClosureTrigger::NoContact1Month => {
            let since = facts.last_contact.or(facts.opened_on);
            let limit = facts
                .today
                .checked_sub_months(Months::new(facts.config.no_contact_months));
            match (since, limit) {
                (Some(since), Some(limit)) if since <= limit => Ok(()),
                _ => Err(Localized::new(
                    format!(
                        "Lần liên hệ gần nhất chưa quá {} tháng nên chưa áp dụng lý do này.",
                        facts.config.no_contact_months
                    ),
                    format!(
                        "The last contact was less than {} month(s) ago, so this reason does not apply yet.",
                        facts.config.no_contact_months
                    ),
                )),
            }
        }
        ClosureTrigger::OtherPerLaw if facts.closure_form.text("a.legal_basis").is_none() => {
            Err(Localized::new(
                "Hãy ghi rõ căn cứ pháp luật cho trường hợp khác.",
                "State the legal basis for this other case.",
            ))
        }
        _ => Ok(()),
    }
}

fn check_age_limit(facts: &ClosureFacts<'_>) -> Result<(), Localized> {
    let Some(birth) = facts
        .subject
        .and_then(|s| date_of(s.fields.get("birth_date")))
    else {
        return Err(Localized::new(
            "Chưa có ngày sinh của đối tượng nên không thể kết thúc vì đủ tuổi.",
            "The subject's date of birth is missing, so management cannot end for age.",
        ));
    };
    let studying = facts
        .subject
        .and_then(|s| s.fields.get("studying"))
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    let limit = if studying {
        facts.config.studying_age_limit
    } else {
        facts.config.closure_age
    };
    if age_on(birth, facts.today) >= i32::from(limit) {
        return Ok(());
    }
    let day = super::day_text(birthday_at(birth, limit));
    Err(if studying {
        Localized::new(
            format!("Đối tượng đang đi học: được tiếp tục đến {limit} tuổi (ngày {day})."),
            format!("The subject is studying: care continues until age {limit} ({day})."),
        )
    } else {
        Localized::new(
            format!("Đối tượng chưa đủ {limit} tuổi (đủ tuổi vào ngày {day})."),
            format!("The subject is not yet {limit} (turns {limit} on {day})."),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::op::RecordKind;
    use serde_json::json;
    use std::collections::BTreeMap;

    fn record(fields: serde_json::Value) -> Record {
        let fields: BTreeMap<String, serde_json::Value> = serde_json::from_value(fields).unwrap();
        Record {
            id: "r".into(),
            kind: RecordKind::Person,
            deleted: false,
            fields,
        }
    }

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn facts<'a>(
        subject: &'a Record,
        form: &'a Record,
        config: &'a Config,
        role: Role,
    ) -> ClosureFacts<'a> {
        ClosureFacts {
            subject: Some(subject),
            opened_on: Some(day("2026-01-10")),
            last_contact: Some(day("2026-10-30")),
            has_approved_plan: true,
            closure_form: form,
            proposer: role,
            today: day("2026-11-22"),
            config,
        }
    }

    #[test]
    fn all_twelve_triggers_are_known_with_their_legal_reference() {
        assert_eq!(ClosureTrigger::ALL.len(), 12);
        for trigger in ClosureTrigger::ALL {
            assert_eq!(ClosureTrigger::parse(trigger.code()), Some(trigger));
            assert!(
                trigger
                    .legal_ref()
                    .starts_with("TT 02/2020/TT-BLĐTBXH Điều 8.3.a (")
            );
        }
        assert_eq!(
            ClosureTrigger::OtherPerLaw.legal_ref(),
            "TT 02/2020/TT-BLĐTBXH Điều 8.3.a (12)"
        );
    }

    #[test]
    fn every_trigger_is_accepted_when_its_condition_holds() {
        let config = Config::default();
        let adult = record(json!({"birth_date": "2000-01-01"}));
        let form = record(json!({"a.legal_basis": "Quyết định của Tòa án"}));
        let mut facts = facts(&adult, &form, &config, Role::Approver);
        facts.last_contact = Some(day("2026-09-01"));
        for trigger in ClosureTrigger::ALL {
            assert_eq!(check_trigger(trigger, &facts), Ok(()), "{trigger:?}");
        }
    }

    #[test]
    fn age_limit_follows_the_configured_age_and_the_studying_extension() {
        let child = record(json!({"birth_date": "2009-05-01"})); // 17 on 2026-11-22
        let form = record(json!({}));
        let eighteen = Config::default();
        let error = check_trigger(
            ClosureTrigger::AgeLimit,
            &facts(&child, &form, &eighteen, Role::CaseManager),
        );
        assert!(error.unwrap_err().vi.contains("01/05/2027"));
        let sixteen = Config {
            closure_age: 16,
            ..Config::default()
        };
        assert_eq!(
            check_trigger(
                ClosureTrigger::AgeLimit,
                &facts(&child, &form, &sixteen, Role::CaseManager)
            ),
            Ok(())
        );
        let student = record(json!({"birth_date": "2005-05-01", "studying": true})); // 21
        let error = check_trigger(
            ClosureTrigger::AgeLimit,
            &facts(&student, &form, &sixteen, Role::CaseManager),
        );
        assert!(error.unwrap_err().vi.contains("đang đi học"));
    }

    #[test]
    fn no_contact_applies_only_after_a_full_month() {
        let config = Config::default();
        let subject = record(json!({}));
        let form = record(json!({}));
        let mut recent = facts(&subject, &form, &config, Role::CaseManager);
        assert!(check_trigger(ClosureTrigger::NoContact1Month, &recent).is_err());
        recent.last_contact = Some(day("2026-10-22"));
        assert_eq!(
            check_trigger(ClosureTrigger::NoContact1Month, &recent),
            Ok(())
        );
    }

    #[test]
    fn only_the_approver_decides_and_objectives_need_a_plan() {
        let config = Config::default();
        let subject = record(json!({}));
        let form = record(json!({}));
        let mut by_collaborator = facts(&subject, &form, &config, Role::Collaborator);
        assert!(check_trigger(ClosureTrigger::ApproverDecision, &by_collaborator).is_err());
        by_collaborator.has_approved_plan = false;
        assert!(check_trigger(ClosureTrigger::ObjectivesAchieved, &by_collaborator).is_err());
        assert!(check_trigger(ClosureTrigger::OtherPerLaw, &by_collaborator).is_err());
    }
}
