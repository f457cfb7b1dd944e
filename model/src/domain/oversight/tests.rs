//! Each oversight figure against values computed by hand on a small caseload (today 22/11/2026).

use super::*;
use crate::domain::snapshot::Activity;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a test date")
}

const TODAY: &str = "2026-11-22";

fn case(id: &str, manager: Option<&str>, status: CaseStatus) -> CaseSnapshot {
    CaseSnapshot {
        case_id: id.into(),
        subject_name: format!("Đối tượng {id}"),
        status,
        manager_id: manager.map(str::to_string),
        commune_code: Some("26734".into()),
        opened_on: Some(day("2026-06-01")),
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
    }
}

/// A: in progress, a missed visit (15/11), an activity past its frame (1/11), a plan approved on
/// 15/6 and never reviewed. B: plan submitted on 2/11, opened 25/10, never visited. C: last visit
/// 15/10. D: closed 1/10, returned 5/10, follow-up visit planned 20/11. E: closure proposed 20/11.
/// F: opened 20/11.
fn caseload() -> Vec<CaseSnapshot> {
    let mut a = case("A", Some("m1"), CaseStatus::InProgress);
    a.last_visit = Some(day("2026-11-10"));
    a.next_visit = Some(day("2026-11-15"));
    a.plan_approved_on = Some(day("2026-06-15"));
    a.activities = vec![Activity {
        title: "Khám sức khỏe định kỳ".into(),
        start: None,
        end: Some(day("2026-11-01")),
        done: false,
    }];
    let mut b = case("B", Some("m1"), CaseStatus::PlanSubmitted);
    b.opened_on = Some(day("2026-10-25"));
    b.pending = Some((PendingKind::Plan, day("2026-11-02")));
    let mut c = case("C", Some("m2"), CaseStatus::InProgress);
    c.last_visit = Some(day("2026-10-15"));
    let mut d = case("D", Some("m2"), CaseStatus::Closed);
    d.closed_on = Some(day("2026-10-01"));
    d.returned_on = Some(day("2026-10-05"));
    d.next_visit = Some(day("2026-11-20"));
    let mut e = case("E", None, CaseStatus::ClosureProposed);
    e.last_visit = Some(day("2026-09-01"));
    e.pending = Some((PendingKind::Closure, day("2026-11-20")));
    let mut f = case("F", Some("m1"), CaseStatus::Intake);
    f.opened_on = Some(day("2026-11-20"));
    vec![a, b, c, d, e, f]
}

fn millis(text: &str) -> u64 {
    day(text)
        .and_hms_opt(5, 0, 0)
        .expect("a time")
        .and_utc()
        .timestamp_millis() as u64
}

fn device(id: &str, last: Option<&str>, pending: Option<u64>, oldest: Option<&str>) -> DeviceSync {
    DeviceSync {
        device_id: id.into(),
        device_name: format!("Máy {id}"),
        user_id: format!("u-{id}"),
        user_name: format!("Người dùng {id}"),
        last_sync_millis: last.map(millis),
        pending_ops: pending,
        oldest_unsent_millis: oldest.map(millis),
    }
}

/// The reports a commune produced before this year's annual one.
const PRODUCED: [&str; 2] = ["2025", "2026-H1"];

fn run(cases: &[CaseSnapshot], today: &str, config: &Config) -> Oversight {
    run_produced(cases, today, config, &PRODUCED.map(String::from))
}

fn run_produced(
    cases: &[CaseSnapshot],
    today: &str,
    config: &Config,
    produced: &[String],
) -> Oversight {
    let conflicts = [
        ConflictEntry {
            case_id: Some("A".into()),
            record_id: "visit-1".into(),
            kind: RecordKind::Visit,
            field: "a.observations".into(),
            values: 2,
        },
        ConflictEntry {
            case_id: None,
            record_id: "person-9".into(),
            kind: RecordKind::Person,
            field: "phone".into(),
            values: 3,
        },
    ];
    let devices = [
        device("d1", Some("2026-11-20"), Some(0), None),
        device("d2", Some("2026-11-12"), Some(40), Some("2026-11-10")),
        device("d3", None, None, None),
    ];
    oversight(&OversightInput {
        cases,
        conflicts: &conflicts,
        devices: &devices,
        today: day(today),
        now_millis: millis(today),
        config,
        role: Role::Approver,
        area_kind: Some(AreaKind::Commune),
        produced_reports: produced,
    })
}

fn quarterly_reviews() -> Config {
    Config {
        review_interval_days: Some(90),
        ..Config::default()
    }
}

#[test]
fn caseload_counts_open_cases_by_step_per_manager_and_closed_ones() {
    let o = run(&caseload(), TODAY, &Config::default());
    assert_eq!(
        o.totals,
        Totals {
            by_step: [1, 1, 2, 0, 1],
            open: 5,
            closed: 1
        }
    );
    let loads: Vec<(Option<&str>, [u32; 5], u32, u32)> = o
        .caseload
        .iter()
        .map(|c| (c.manager_id.as_deref(), c.by_step, c.open, c.closed))
        .collect();
    assert_eq!(
        loads,
        vec![
            (Some("m1"), [1, 1, 1, 0, 0], 3, 0),
            (Some("m2"), [0, 0, 1, 0, 0], 1, 1),
            (None, [0, 0, 0, 0, 1], 1, 0),
        ]
    );
}

#[test]
fn overdue_visits_activities_and_reviews_with_days_overdue_most_overdue_first() {
    let o = run(&caseload(), TODAY, &quarterly_reviews());
    let overdue: Vec<(&str, TaskKind, NaiveDate, i64)> = o
        .overdue
        .iter()
        .map(|x| (x.case.case_id.as_str(), x.kind(), x.due, x.days_overdue))
        .collect();
    // Review: 15/6 + 90 days = 13/9, 70 days ago; activity 1/11, 21 days; visit 15/11, 7 days.
    assert_eq!(
        overdue,
        vec![
            ("A", TaskKind::ReviewDue, day("2026-09-13"), 70),
            ("A", TaskKind::ActivityDue, day("2026-11-01"), 21),
            ("A", TaskKind::VisitDue, day("2026-11-15"), 7),
        ]
    );
    assert_eq!(o.overdue[1].legal_ref(), "TT 02/2020 Điều 6.2.d");
    let reason = o.overdue[0].reason();
    assert!(
        reason
            .vi
            .contains("lần gần nhất 15/06/2026, chu kỳ 90 ngày"),
        "{}",
        reason.vi
    );
    assert!(reason.en.contains("last on 15/06/2026, every 90 days"));
    let without_reviews = run(&caseload(), TODAY, &Config::default());
    assert_eq!(without_reviews.overdue.len(), 2, "no review frequency set");
}

#[test]
fn approvals_wait_longest_first_with_their_days() {
    let o = run(&caseload(), TODAY, &Config::default());
    let waiting: Vec<(&str, PendingKind, i64)> = o
        .approvals
        .iter()
        .map(|w| (w.case.case_id.as_str(), w.kind, w.days_waiting))
        .collect();
    assert_eq!(
        waiting,
        vec![("B", PendingKind::Plan, 20), ("E", PendingKind::Closure, 2)]
    );
}

#[test]
fn no_contact_lists_cases_past_or_within_a_week_of_the_one_month_trigger() {
    let o = run(&caseload(), TODAY, &Config::default());
    let close: Vec<(&str, NaiveDate, NaiveDate, i64)> = o
        .no_contact
        .iter()
        .map(|n| {
            (
                n.case.case_id.as_str(),
                n.last_contact,
                n.trigger_on,
                n.days_left,
            )
        })
        .collect();
    // C: last visit 15/10 → 15/11, a week past. B: opened 25/10 → 25/11, in 3 days. A (10/12) and
    // F (20/12) are further than the 7 "due soon" days; E waits for its closure; D is closed.
    assert_eq!(
        close,
        vec![
            ("C", day("2026-10-15"), day("2026-11-15"), -7),
            ("B", day("2026-10-25"), day("2026-11-25"), 3),
        ]
    );
}

#[test]
fn post_closure_follow_ups_come_from_the_follow_up_engine() {
    let o = run(&caseload(), TODAY, &Config::default());
    assert_eq!(o.post_closure.len(), 1);
    assert_eq!(o.post_closure[0].case.case_id, "D");
    // No visit since the return on 05/10: the monthly reminder (30 days) comes before the planned visit.
    assert_eq!(o.post_closure[0].due, day("2026-11-04"));
    assert!(o.post_closure[0].overdue);
    assert!(
        o.post_closure[0]
            .reason()
            .vi
            .starts_with("Theo dõi, hỗ trợ tái hòa nhập cộng đồng (từ 05/10/2026 đến"),
        "{}",
        o.post_closure[0].reason().vi
    );
}

#[test]
fn conflicts_name_their_case_when_it_is_in_the_caseload() {
    let o = run(&caseload(), TODAY, &Config::default());
    let found: Vec<(Option<&str>, &str, u32)> = o
        .conflicts
        .iter()
        .map(|c| {
            (
                c.case.as_ref().map(|r| r.subject_name.as_str()),
                c.field.as_str(),
                c.values,
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            (None, "phone", 3),
            (Some("Đối tượng A"), "a.observations", 2)
        ]
    );
}

#[test]
fn devices_quiet_for_a_week_or_never_synced_come_first_with_their_backlog() {
    let o = run(&caseload(), TODAY, &Config::default());
    type Row<'a> = (&'a str, Option<i64>, Option<u64>, Option<i64>, bool);
    let rows: Vec<Row<'_>> = o
        .devices
        .iter()
        .map(|d| {
            (
                d.device.device_id.as_str(),
                d.days_since_sync,
                d.device.pending_ops,
                d.oldest_unsent_days,
                d.quiet,
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("d2", Some(10), Some(40), Some(12), true),
            ("d3", None, None, None, true),
            ("d1", Some(2), Some(0), None, false),
        ]
    );
}

#[test]
fn the_periodic_report_deadline_shows_among_the_caseload_tasks() {
    let o = run(&caseload(), "2026-12-05", &Config::default());
    assert_eq!(o.reports_due.len(), 1);
    assert_eq!(o.reports_due[0].due, day("2026-12-14"));
    assert!(o.reports_due[0].legal_ref.contains("11.3.b"));
    assert!(
        run(&caseload(), TODAY, &Config::default())
            .reports_due
            .is_empty()
    );
}

#[test]
fn a_report_not_produced_stays_overdue() {
    let o = run_produced(&caseload(), TODAY, &Config::default(), &["2025".into()]);
    let due: Vec<(NaiveDate, bool)> = o.reports_due.iter().map(|t| (t.due, t.overdue)).collect();
    assert_eq!(due, vec![(day("2026-06-14"), true)]);
}
