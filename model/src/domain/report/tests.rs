//! Each report figure against values counted by hand on a small area: the first half of 2026, made on
//! 10/7/2026. P opened before the period and stays open; Q opened in February and closed in June (no
//! contact for a month); R opened on the period's first day; S closed before the period; T opened after
//! it.

use super::facts::ReferralFact;
use super::lines::{columns, lines, notes};
use super::*;
use crate::domain::closure::ClosureTrigger;
use crate::domain::config::Config;
use crate::domain::lifecycle::CaseStatus;
use crate::domain::snapshot::{Activity, CaseSnapshot};
use crate::forms::Registry;
use chrono::NaiveDate;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a test date")
}

fn days(list: &[&str]) -> Vec<NaiveDate> {
    list.iter().map(|d| day(d)).collect()
}

struct Case {
    snapshot: CaseSnapshot,
    facts: CaseFacts,
}

fn case(id: &str, commune: &str, manager: Option<&str>, opened: &str) -> Case {
    Case {
        snapshot: CaseSnapshot {
            case_id: id.into(),
            subject_name: format!("Đối tượng {id}"),
            status: CaseStatus::InProgress,
            manager_id: manager.map(str::to_string),
            commune_code: Some(commune.into()),
            opened_on: Some(day(opened)),
            subject_birth: Some(day("1950-01-01")),
            studying: false,
            last_visit: None,
            next_visit: None,
            plan_approved_on: None,
            activities: vec![],
            pending: None,
            last_review: None,
            closed_on: None,
            returned_on: None,
            closure_trigger: None,
            data_requests: vec![],
        },
        facts: CaseFacts {
            case_id: id.into(),
            commune_code: Some(commune.into()),
            manager_id: manager.map(str::to_string),
            opened_on: Some(day(opened)),
            ..CaseFacts::default()
        },
    }
}

fn referral(on: Option<&str>, status: &str) -> ReferralFact {
    ReferralFact {
        on: on.map(day),
        status: status.into(),
    }
}

fn close(case: &mut Case, on: &str, trigger: ClosureTrigger) {
    case.snapshot.status = CaseStatus::Closed;
    case.snapshot.closed_on = Some(day(on));
    case.facts.closed_on = Some(day(on));
    case.facts.closure_trigger = Some(trigger);
}

fn area() -> Vec<Case> {
    let mut p = case("P", "26734", Some("m1"), "2025-10-01");
    p.facts.categories = vec!["ND20-D5-K6".into()];
    p.facts.visits = days(&["2025-12-20", "2026-01-15", "2026-03-10", "2026-07-02"]);
    p.facts.plan_approvals = days(&["2025-11-01", "2026-04-01"]);
    p.facts.referrals = vec![
        referral(Some("2026-02-01"), "sent"),
        referral(Some("2025-12-01"), "completed"),
    ];
    p.snapshot.last_visit = Some(day("2026-07-02"));
    p.snapshot.next_visit = Some(day("2026-07-05"));
    p.snapshot.activities = vec![
        Activity {
            title: "Khám sức khỏe".into(),
            start: None,
            end: None,
            done: true,
        },
        Activity {
            title: "Học nghề may".into(),
            start: None,
            end: None,
            done: false,
        },
    ];
    let mut q = case("Q", "26734", Some("m2"), "2026-02-10");
    q.facts.categories = vec!["ND20-D5-K8".into(), "ND20-D5-K5-a".into()];
    q.facts.visits = days(&["2026-02-15", "2026-05-20"]);
    q.facts.plan_approvals = days(&["2026-03-01"]);
    q.facts.referrals = vec![
        referral(Some("2026-03-05"), "declined"),
        referral(None, "proposed"),
    ];
    close(&mut q, "2026-06-20", ClosureTrigger::NoContact1Month);
    let mut r = case("R", "26740", Some("m1"), "2026-01-01");
    r.snapshot.status = CaseStatus::Intake;
    r.facts.categories = vec!["ND20-D5-K5-a".into()];
    let mut s = case("S", "26740", None, "2025-03-01");
    s.facts.categories = vec!["ND20-D5-K6".into()];
    close(&mut s, "2025-12-15", ClosureTrigger::ObjectivesAchieved);
    let mut t = case("T", "26740", Some("m2"), "2026-07-05");
    t.snapshot.status = CaseStatus::Intake;
    t.facts.categories = vec!["ND20-D5-K6".into()];
    vec![p, q, r, s, t]
}

fn make(audience: Audience) -> Report {
    let cases = area();
    let snapshots: Vec<CaseSnapshot> = cases.iter().map(|c| c.snapshot.clone()).collect();
    let facts: Vec<CaseFacts> = cases.into_iter().map(|c| c.facts).collect();
    report(
        &snapshots,
        &facts,
        &ReportScope {
            period: Period::parse("2026-H1").unwrap(),
            made_on: day("2026-07-10"),
            audience,
            config: &Config::default(),
            catalog: &catalog(),
        },
    )
}

fn catalog() -> Catalog {
    Catalog::from_registry(&Registry::builtin())
}

#[test]
fn cases_open_new_and_closed_add_up_over_the_period() {
    let total = make(Audience::Internal).total;
    assert_eq!(
        (
            total.open_at_start,
            total.new,
            total.closed,
            total.open_at_end
        ),
        (1, 2, 1, 2)
    );
    let mut by_trigger = [0; 12];
    by_trigger[5] = 1;
    assert_eq!(total.closed_by_trigger, by_trigger, "Q: no contact (6)");
}

#[test]
fn categories_count_the_cases_managed_during_the_period() {
    let total = make(Audience::Internal).total;
    let categories: Vec<(&str, u32)> = total
        .by_category
        .iter()
        .map(|(code, n)| (code.as_str(), *n))
        .collect();
    assert_eq!(
        categories,
        vec![("ND20-D5-K5-a", 2), ("ND20-D5-K6", 1), ("ND20-D5-K8", 1)]
    );
}

#[test]
fn plans_referrals_visits_and_overdue_follow_ups() {
    let total = make(Audience::Internal).total;
    assert_eq!((total.plans_approved, total.adjustments_approved), (1, 1));
    assert_eq!(total.referrals_by_status, [0, 1, 0, 0, 1]);
    assert_eq!(total.visits, 4);
    // P missed its 5/7 visit; R, opened 1/1 and never visited, passed the no-contact trigger.
    assert_eq!(total.overdue_follow_ups, 2);
    assert_eq!((total.activities_done, total.activities_total), (1, 2));
}

#[test]
fn the_same_figures_per_commune_and_per_case_manager() {
    let report = make(Audience::Internal);
    let headline = |f: &Figures| columns().iter().map(|c| (c.value)(f)).collect::<Vec<u32>>();
    let communes: Vec<(&str, Vec<u32>)> = report
        .by_commune
        .iter()
        .map(|(code, f)| (code.as_str(), headline(f)))
        .collect();
    assert_eq!(
        communes,
        vec![
            ("26734", vec![1, 1, 1, 1, 1, 1, 2, 4, 1]),
            ("26740", vec![0, 1, 0, 1, 0, 0, 0, 0, 1]),
        ]
    );
    let managers: Vec<(Option<&str>, Vec<u32>)> = report
        .by_manager
        .iter()
        .map(|(m, f)| (m.as_deref(), headline(f)))
        .collect();
    assert_eq!(
        managers,
        vec![
            (None, vec![0; 9]),
            (Some("m1"), vec![1, 1, 0, 2, 0, 1, 1, 2, 2]),
            (Some("m2"), vec![0, 1, 1, 0, 1, 0, 1, 2, 0]),
        ]
    );
}

#[test]
fn a_report_for_posting_has_no_hiv_category_and_no_rows_per_worker() {
    let posted = make(Audience::Posting);
    assert!(posted.by_manager.is_empty());
    assert!(!posted.total.by_category.contains_key("ND20-D5-K8"));
    assert_eq!(posted.total.by_category.get("ND20-D5-K5-a"), Some(&2));
    let text: String = lines(&posted.total, &catalog())
        .iter()
        .map(|l| format!("{} {}", l.label.vi, l.label.en))
        .collect();
    assert!(!text.contains("HIV"), "{text}");
    assert!(notes(&posted).iter().any(|n| n.vi.contains("niêm yết")));
}

#[test]
fn every_category_whose_label_mentions_hiv_is_never_posted() {
    let catalog = catalog();
    let mentions: Vec<&str> = catalog
        .categories()
        .filter(|(_, label)| label.vi.contains("HIV") || label.en.contains("HIV"))
        .map(|(code, _)| code)
        .collect();
    assert_eq!(mentions.len(), 3);
    assert!(mentions.iter().all(|code| catalog.never_posted(code)));
    let withheld = catalog
        .categories()
        .filter(|(code, _)| catalog.never_posted(code))
        .count();
    assert_eq!(withheld, mentions.len());
}

#[test]
fn lines_carry_the_forms_labels_and_stable_codes() {
    let all = lines(&make(Audience::Internal).total, &catalog());
    let line = |code: &str| all.iter().find(|l| l.code == code).expect(code);
    assert_eq!(line("cases.open_at_end").value, 2);
    assert_eq!(line("closed.no_contact_1_month").value, 1);
    assert!(line("closed.no_contact_1_month").label.vi.starts_with("6."));
    assert_eq!(line("category.ND20-D5-K8").value, 1);
    assert_eq!(line("referrals.declined").label.vi, "từ chối");
    assert_eq!(line("follow_up.visits").value, 4);
    assert!(
        notes(&make(Audience::Internal))[1]
            .vi
            .contains("10/07/2026")
    );
}

fn record(
    id: &str,
    kind: crate::op::RecordKind,
    pairs: serde_json::Value,
) -> crate::record::Record {
    crate::record::Record {
        id: id.into(),
        kind,
        deleted: false,
        fields: serde_json::from_value(pairs).expect("an object of fields"),
    }
}

#[test]
fn facts_read_visits_plan_approvals_and_referrals_from_the_case_records() {
    use crate::op::RecordKind::{Case as CaseKind, Form, Referral, Visit};
    use serde_json::json;
    let case = record(
        "c",
        CaseKind,
        json!({"commune_code": "26734", "manager_id": "m1", "opened_on": "2026-01-05",
               "closed_on": "2026-06-01", "closure_trigger": "adopted",
               "categories": ["ND20-D5-K1-b"]}),
    );
    let mut deleted = record("v3", Visit, json!({"a.visit_date": "2026-02-01"}));
    deleted.deleted = true;
    let children = vec![
        record(
            "v2",
            Visit,
            json!({"form_id": "TT02-M05", "a.visit_date": "2026-03-01"}),
        ),
        record(
            "v1",
            Visit,
            json!({"form_id": "TT02-M05", "a.visit_date": "2026-01-20"}),
        ),
        deleted,
        record(
            "p2",
            Form,
            json!({"form_id": "TT02-M04", "status": "approved", "approved_at": "2026-04-02"}),
        ),
        record(
            "p1",
            Form,
            json!({"form_id": "TT02-M04", "status": "superseded", "approved_at": "2026-02-10"}),
        ),
        record(
            "p3",
            Form,
            json!({"form_id": "TT02-M04", "status": "draft"}),
        ),
        record(
            "r1",
            Referral,
            json!({"form_id": "HOSO-REFERRAL", "a.referral_date": "2026-02-12", "a.status": "accepted"}),
        ),
        record(
            "r2",
            Referral,
            json!({"form_id": "HOSO-REFERRAL", "a.referral_date": "2026-02-20"}),
        ),
    ];
    let f = facts(&case, &children);
    assert_eq!(f.visits, days(&["2026-01-20", "2026-03-01"]));
    assert_eq!(f.plan_approvals, days(&["2026-02-10", "2026-04-02"]));
    assert_eq!(
        f.referrals,
        vec![
            referral(Some("2026-02-12"), "accepted"),
            referral(Some("2026-02-20"), "proposed")
        ]
    );
    assert_eq!(f.closure_trigger, Some(ClosureTrigger::Adopted));
    assert_eq!(f.categories, vec!["ND20-D5-K1-b".to_string()]);
    assert_eq!(f.manager_id.as_deref(), Some("m1"));
}

#[test]
fn cases_opened_and_closed_per_month() {
    let facts: Vec<CaseFacts> = area().into_iter().map(|c| c.facts).collect();
    let flow = figures::monthly_flow(&facts, day("2026-01-15"), 7);
    let counts: Vec<(u32, u32)> = flow.iter().map(|(_, o, c)| (*o, *c)).collect();
    // R opened in January, Q in February and closed in June, T opened in July.
    assert_eq!(
        counts,
        vec![(1, 0), (1, 0), (0, 0), (0, 0), (0, 0), (0, 1), (1, 0)]
    );
    assert_eq!(flow[0].0, day("2026-01-01"));
}
