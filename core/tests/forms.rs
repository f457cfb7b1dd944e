//! Forms as data: the shipped definitions, validation a worker sees, and drafts across versions.

mod common;

use chrono::NaiveDate;
use hoso_model::forms::{Registry, upgrade_answers, validate};
use serde_json::json;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

fn codes(form: &str, answers: &hoso_model::forms::Answers) -> Vec<(String, String)> {
    let registry = Registry::builtin();
    let definition = registry.latest(form).unwrap();
    validate(definition, answers, today())
        .into_iter()
        .map(|i| (i.field, i.code))
        .collect()
}

#[test]
fn every_shipped_form_accepts_a_realistic_complete_filling() {
    for (form, answers) in [
        ("TT02-M01", common::information_form()),
        ("TT02-M02", common::needs_assessment()),
        ("TT02-M03", common::eligibility()),
        ("TT02-M04", common::plan()),
        ("TT02-M05", common::visit("2026-11-15", "2026-11-29")),
        ("TT02-M06", common::closure()),
        ("TT02-HANDOVER", common::handover()),
        ("HOSO-REFERRAL", common::referral()),
        ("HOSO-CONSENT", common::consent()),
        ("HOSO-DSR", common::data_request()),
    ] {
        assert_eq!(codes(form, &answers), vec![], "{form}");
    }
    assert_eq!(Registry::builtin().all_latest().len(), 10);
}

#[test]
fn the_closure_form_offers_the_twelve_triggers_in_the_laws_order() {
    let registry = Registry::builtin();
    let closure = registry.latest("TT02-M06").unwrap();
    let choices = closure
        .field("closure_trigger")
        .unwrap()
        .kind
        .choices()
        .unwrap();
    let codes: Vec<&str> = choices.iter().map(|c| c.code.as_str()).collect();
    let expected: Vec<&str> = hoso_model::domain::closure::ClosureTrigger::ALL
        .iter()
        .map(|t| t.code())
        .collect();
    assert_eq!(codes, expected);
    assert!(choices[5].label.vi.contains("1 tháng"));
}

#[test]
fn each_kind_of_bad_input_gets_its_own_clear_vietnamese_message() {
    let registry = Registry::builtin();
    let m01 = registry.latest("TT02-M01").unwrap();
    let mut bad = common::information_form();
    bad.insert("subject.birth_date".into(), json!("2030-01-01"));
    bad.insert("subject.citizen_id".into(), json!("12345"));
    bad.insert("subject.phone".into(), json!("0123"));
    bad.insert("subject.sex".into(), json!("unknown"));
    bad.insert("household.member_count".into(), json!(0));
    bad.insert("expense_food".into(), json!(-5));
    bad.remove("subject.full_name");
    let issues = validate(m01, &bad, today());
    let found: Vec<(&str, &str)> = issues
        .iter()
        .map(|i| (i.field.as_str(), i.code.as_str()))
        .collect();
    for expected in [
        ("subject.full_name", "required"),
        ("subject.birth_date", "birth_date_in_future"),
        ("subject.citizen_id", "citizen_id_format"),
        ("subject.phone", "phone_format"),
        ("subject.sex", "choice_unknown"),
        ("household.member_count", "too_small"),
        ("expense_food", "money"),
    ] {
        assert!(
            found.contains(&expected),
            "missing {expected:?} in {found:?}"
        );
    }
    let required = issues.iter().find(|i| i.code == "required").unwrap();
    assert_eq!(required.message.vi, "“Họ và tên” là bắt buộc.");
    assert_eq!(required.message.en, "“Full name” is required.");
    for issue in &issues {
        assert!(
            !issue.message.vi.contains("12345") && !issue.message.vi.contains("0123"),
            "values are never echoed"
        );
    }
}

#[test]
fn dates_in_the_future_and_out_of_order_are_refused() {
    let mut visit = common::visit("2026-11-25", "2026-11-20");
    assert_eq!(
        codes("TT02-M05", &visit),
        vec![
            ("visit_date".to_string(), "date_in_future".to_string()),
            ("next_visit_date".to_string(), "date_order".to_string())
        ]
    );
    visit.insert("visit_date".into(), json!("22/11/2026"));
    assert!(
        codes("TT02-M05", &visit).contains(&("visit_date".to_string(), "date_format".to_string()))
    );
    let mut plan = common::plan();
    let activities = plan.get_mut("activities").unwrap();
    activities[1]["end_date"] = json!("2026-11-01");
    activities[0].as_object_mut().unwrap().remove("responsible");
    let found = codes("TT02-M04", &plan);
    assert!(found.contains(&(
        "activities.1.end_date".to_string(),
        "date_order".to_string()
    )));
    assert!(found.contains(&(
        "activities.0.responsible".to_string(),
        "required".to_string()
    )));
}

#[test]
fn fields_that_do_not_apply_are_not_required() {
    let mut no_guardian = common::information_form();
    no_guardian.insert("has_guardian".into(), json!(false));
    no_guardian.remove("guardian.full_name");
    no_guardian.remove("guardian.relationship");
    assert_eq!(codes("TT02-M01", &no_guardian), vec![]);
    let mut with_guardian = no_guardian.clone();
    with_guardian.insert("has_guardian".into(), json!(true));
    assert_eq!(codes("TT02-M01", &with_guardian).len(), 2);
    let mut other = common::closure();
    other.insert("closure_trigger".into(), json!("other_per_law"));
    assert_eq!(
        codes("TT02-M06", &other),
        vec![("legal_basis".to_string(), "required".to_string())]
    );
}

const VISIT_V2: &str = r#"{
  "id": "TT02-M05", "version": 3,
  "title": {"vi": "Ghi chép tiến độ (Mẫu số 05)", "en": "Progress record (Form 05)"},
  "legal_ref": "TT 02/2020/TT-BLĐTBXH Điều 7.3.c",
  "description": {"vi": "Phiên bản thử", "en": "Test version"},
  "sections": [{"id": "visit", "title": {"vi": "Lần thăm", "en": "Visit"}, "fields": [
    {"name": "visit_date", "label": {"vi": "Ngày thăm", "en": "Visit date"}, "kind": {"type": "date", "not_in_future": true}, "required": true},
    {"name": "notes", "label": {"vi": "Ghi chép", "en": "Notes"}, "kind": {"type": "text", "multiline": true}, "renamed_from": ["observations"]},
    {"name": "needs_status", "label": {"vi": "Mức độ đáp ứng", "en": "Needs met"},
     "kind": {"type": "choice", "choices": [{"code": "met", "label": {"vi": "Đã đáp ứng", "en": "Met"}}]}}
  ]}]
}"#;

#[test]
fn an_old_draft_opens_under_a_new_version_with_nothing_lost() {
    let mut registry = Registry::builtin();
    registry.load_json(VISIT_V2).unwrap();
    assert_eq!(registry.latest("TT02-M05").unwrap().version, 3);
    let old = registry.get("TT02-M05", 2).unwrap().clone();
    let new = registry.latest("TT02-M05").unwrap();
    let draft = common::visit("2026-11-15", "2026-11-29");
    let upgraded = upgrade_answers(&old, new, draft.clone());
    assert_eq!(
        upgraded.answers["notes"], draft["observations"],
        "renamed field carried over"
    );
    assert_eq!(
        upgraded.renamed,
        vec![("observations".to_string(), "notes".to_string())]
    );
    for dropped in ["met_with", "actions_taken", "next_visit_date"] {
        assert_eq!(
            upgraded.answers[dropped], draft[dropped],
            "dropped field {dropped} kept"
        );
        assert!(upgraded.orphaned.contains(&dropped.to_string()));
    }
    assert!(
        upgraded.orphaned.contains(&"needs_status".to_string()),
        "a choice code the new version lacks is reported"
    );
    assert_eq!(upgraded.answers["needs_status"], json!("partly_met"));
    assert_eq!(upgraded.answers.len(), draft.len());
}

#[test]
fn a_broken_definition_is_refused_with_a_clear_reason_and_changes_nothing() {
    let mut registry = Registry::builtin();
    let error = registry.load_json("{ \"id\": \"X\", ").unwrap_err();
    assert!(error.0.vi.contains("không đọc được"));
    let duplicate = VISIT_V2.replace("\"notes\"", "\"visit_date\"");
    assert!(
        registry
            .load_json(&duplicate)
            .unwrap_err()
            .0
            .vi
            .contains("trùng tên")
    );
    let bad_name = VISIT_V2.replace("\"notes\"", "\"Ghi Chú\"");
    assert!(
        registry
            .load_json(&bad_name)
            .unwrap_err()
            .0
            .en
            .contains("invalid field name")
    );
    let bad_condition = VISIT_V2.replace(
        "\"renamed_from\"",
        "\"relevant\": {\"answered\": \"nowhere\"}, \"renamed_from\"",
    );
    assert!(
        registry
            .load_json(&bad_condition)
            .unwrap_err()
            .0
            .en
            .contains("missing field")
    );
    assert_eq!(
        registry.latest("TT02-M05").unwrap().version,
        2,
        "nothing was added"
    );
    registry.load_json(VISIT_V2).unwrap();
    assert!(
        registry
            .load_json(VISIT_V2)
            .unwrap_err()
            .0
            .vi
            .contains("đã có"),
        "a version cannot be replaced"
    );
}
