//! The follow-up engine: a pure function of case snapshots, today's date and configuration.
//! Every task says why it exists: the rule, and its legal reference or the configuration it follows.

use super::birthday_at;
use super::config::Config;
use super::lifecycle::CaseStatus;
use super::snapshot::{CaseSnapshot, PendingKind};
use crate::i18n::Localized;
use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    VisitDue,
    ActivityDue,
    ReviewDue,
    ApprovalWaiting,
    NoContact,
    AgeLimit,
    PostClosureFollowUp,
    /// A periodic report of the commune, facility or province (see `reporting`).
    Report,
    DataRequestDue,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Task {
    /// `None` for tasks about the whole caseload (the periodic reports).
    pub case_id: Option<String>,
    pub subject_name: String,
    pub kind: TaskKind,
    pub due: NaiveDate,
    pub overdue: bool,
    pub reason: Localized,
    pub legal_ref: String,
}

pub(super) fn fmt(day: NaiveDate) -> String {
    super::day_text(day)
}

/// Why a follow-up is due, kept as data: its reason is written ([`Why::reason`]) only when a list
/// shows it, since a province's oversight finds 160,000 follow-ups and shows a page of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Why {
    /// The visit day set at the last visit (Mẫu 05).
    PlannedVisit,
    /// The configured visit interval since the last visit or the opening.
    VisitInterval,
    Review {
        last: NaiveDate,
        every_days: u32,
    },
    Activity {
        title: String,
    },
    Waiting {
        kind: PendingKind,
    },
    NoContact {
        since: NaiveDate,
    },
    AgeLimit {
        limit: u8,
        studying: bool,
    },
    Reintegration {
        start: NaiveDate,
        end: NaiveDate,
    },
    DataRequest {
        received: NaiveDate,
    },
}

impl Why {
    pub fn kind(&self) -> TaskKind {
        match self {
            Why::PlannedVisit | Why::VisitInterval => TaskKind::VisitDue,
            Why::Review { .. } => TaskKind::ReviewDue,
            Why::Activity { .. } => TaskKind::ActivityDue,
            Why::Waiting { .. } => TaskKind::ApprovalWaiting,
            Why::NoContact { .. } => TaskKind::NoContact,
            Why::AgeLimit { .. } => TaskKind::AgeLimit,
            Why::Reintegration { .. } => TaskKind::PostClosureFollowUp,
            Why::DataRequest { .. } => TaskKind::DataRequestDue,
        }
    }

    pub fn legal_ref(&self) -> &'static str {
        match self {
            Why::PlannedVisit => "TT 02/2020 Điều 7.3.c (Mẫu số 05)",
            Why::VisitInterval => "Cấu hình địa phương (TT 02/2020 không quy định tần suất)",
            Why::Review { .. } => "TT 02/2020 Điều 7.3.b (tần suất do địa phương cấu hình)",
            Why::Activity { .. } => "TT 02/2020 Điều 6.2.d",
            Why::Waiting {
                kind: PendingKind::Plan,
            } => "TT 02/2020 Điều 7.1",
            Why::Waiting {
                kind: PendingKind::Adjustment,
            } => "TT 02/2020 Điều 7.3.b",
            Why::Waiting {
                kind: PendingKind::Closure,
            } => "TT 02/2020 Điều 8.2",
            Why::NoContact { .. } => "TT 02/2020 Điều 8.3.a (6)",
            Why::AgeLimit { .. } => "TT 02/2020 Điều 8.3.a (4); NĐ 20/2021 Điều 30.2.d",
            Why::Reintegration { .. } => "TT 02/2020 Điều 10.2",
            Why::DataRequest { .. } => "Luật 91/2025/QH15; NĐ 356/2025/NĐ-CP",
        }
    }

    /// The reason of a follow-up due on `due`, in both languages.
    pub fn reason(&self, due: NaiveDate) -> Localized {
        let (vi, en) = match self {
            Why::PlannedVisit => (
                format!(
                    "Thăm hộ gia đình theo lịch hẹn ngày {} (ghi ở lần thăm trước).",
                    fmt(due)
                ),
                format!(
                    "Household visit planned for {} (set at the last visit).",
                    fmt(due)
                ),
            ),
            Why::VisitInterval => (
                format!(
                    "Thăm hộ gia đình: đến hạn theo chu kỳ cấu hình ({}).",
                    fmt(due)
                ),
                format!(
                    "Household visit due by the configured interval ({}).",
                    fmt(due)
                ),
            ),
            Why::Review { last, every_days } => (
                format!(
                    "Rà soát kế hoạch: lần gần nhất {}, chu kỳ {every_days} ngày theo cấu hình.",
                    fmt(*last)
                ),
                format!(
                    "Review the plan: last on {}, every {every_days} days as configured.",
                    fmt(*last)
                ),
            ),
            Why::Activity { title } => (
                format!(
                    "Hoạt động “{title}” của kế hoạch kết thúc khung thời gian ngày {}.",
                    fmt(due)
                ),
                format!(
                    "Plan activity “{title}” reaches the end of its time frame on {}.",
                    fmt(due)
                ),
            ),
            Why::Waiting { kind } => waiting_reason(*kind, due),
            Why::NoContact { since } => (
                format!(
                    "Không liên hệ được với đối tượng từ {}: xem xét kết thúc quản lý (lý do 6) hoặc thăm lại.",
                    fmt(*since)
                ),
                format!(
                    "No contact with the subject since {}: consider closure (reason 6) or visit again.",
                    fmt(*since)
                ),
            ),
            Why::AgeLimit { limit, studying } => age_reason(*limit, *studying, due),
            Why::Reintegration { start, end } => (
                format!(
                    "Theo dõi, hỗ trợ tái hòa nhập cộng đồng (từ {} đến {}).",
                    fmt(*start),
                    fmt(*end)
                ),
                format!(
                    "Follow up and support reintegration (from {} until {}).",
                    fmt(*start),
                    fmt(*end)
                ),
            ),
            Why::DataRequest { received } => (
                format!(
                    "Trả lời yêu cầu về dữ liệu cá nhân nhận ngày {} trước hết ngày {}.",
                    fmt(*received),
                    fmt(due)
                ),
                format!(
                    "Answer the personal-data request received on {} by {}.",
                    fmt(*received),
                    fmt(due)
                ),
            ),
        };
        Localized::new(vi, en)
    }
}

/// An approval waits from the day it was submitted (`since`).
fn waiting_reason(kind: PendingKind, since: NaiveDate) -> (String, String) {
    let (vi, en) = match kind {
        PendingKind::Plan => ("Kế hoạch chờ phê duyệt", "Plan waiting for approval"),
        PendingKind::Adjustment => (
            "Điều chỉnh kế hoạch chờ phê duyệt",
            "Plan adjustment waiting for approval",
        ),
        PendingKind::Closure => (
            "Đề nghị kết thúc chờ phê duyệt",
            "Closure waiting for approval",
        ),
    };
    (
        format!("{vi} từ {}.", fmt(since)),
        format!("{en} since {}.", fmt(since)),
    )
}

fn age_reason(limit: u8, studying: bool, due: NaiveDate) -> (String, String) {
    if studying {
        (
            format!(
                "Đối tượng đang đi học, đủ {limit} tuổi ngày {}: kết thúc quản lý theo lý do 4.",
                fmt(due)
            ),
            format!(
                "The subject, studying, turns {limit} on {}: closure reason 4 applies.",
                fmt(due)
            ),
        )
    } else {
        (
            format!(
                "Đối tượng đủ {limit} tuổi ngày {}: xem xét kết thúc quản lý (lý do 4), trừ khi đang đi học.",
                fmt(due)
            ),
            format!(
                "The subject turns {limit} on {}: consider closure (reason 4) unless studying.",
                fmt(due)
            ),
        )
    }
}

/// One follow-up of a case as the engine finds it, its reason not yet written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FollowUp {
    pub due: NaiveDate,
    pub overdue: bool,
    pub why: Why,
}

impl FollowUp {
    pub fn kind(&self) -> TaskKind {
        self.why.kind()
    }

    /// The task a caseload's list shows: the follow-up with its case and its reason written.
    pub fn task(&self, case: &CaseSnapshot) -> Task {
        Task {
            case_id: Some(case.case_id.clone()),
            subject_name: case.subject_name.clone(),
            kind: self.kind(),
            due: self.due,
            overdue: self.overdue,
            reason: self.why.reason(self.due),
            legal_ref: self.why.legal_ref().to_string(),
        }
    }
}

struct Builder<'a> {
    today: NaiveDate,
    horizon: NaiveDate,
    out: &'a mut Vec<FollowUp>,
}

impl<'a> Builder<'a> {
    /// Follow-ups due by today plus the configured "due soon" days.
    fn new(today: NaiveDate, config: &Config, out: &'a mut Vec<FollowUp>) -> Builder<'a> {
        let horizon = today
            .checked_add_days(Days::new(u64::from(config.due_soon_days)))
            .unwrap_or(today);
        Builder {
            today,
            horizon,
            out,
        }
    }

    /// Adds a follow-up if it is due within the horizon.
    fn push(&mut self, due: NaiveDate, why: Why) {
        if due <= self.horizon {
            self.push_now(due, why);
        }
    }

    fn push_now(&mut self, due: NaiveDate, why: Why) {
        self.out.push(FollowUp {
            due,
            overdue: due < self.today,
            why,
        });
    }
}

/// Today's tasks for a caseload: overdue first, then by due date.
pub fn tasks(cases: &[CaseSnapshot], today: NaiveDate, config: &Config) -> Vec<Task> {
    let mut out = Vec::new();
    let mut found = Vec::new();
    for case in cases {
        let mut b = Builder::new(today, config, &mut found);
        case_tasks(&mut b, case, config);
        data_request_tasks(&mut b, case, config);
        out.extend(found.drain(..).map(|follow_up| follow_up.task(case)));
    }
    out.sort_by(|a, c| {
        (!a.overdue, a.due, &a.case_id, a.kind).cmp(&(!c.overdue, c.due, &c.case_id, c.kind))
    });
    out
}

/// Today's follow-ups of one case (visits, activities, reviews, approvals, closure triggers,
/// post-closure follow-up; not the data subject's requests), appended to `out` unsorted and their
/// reasons unwritten: a caseload's overview walks its cases once and writes the reasons of the lines
/// it shows.
pub fn case_follow_ups(
    case: &CaseSnapshot,
    today: NaiveDate,
    config: &Config,
    out: &mut Vec<FollowUp>,
) {
    case_tasks(&mut Builder::new(today, config, out), case, config);
}

fn case_tasks(b: &mut Builder<'_>, case: &CaseSnapshot, config: &Config) {
    let open = case.status != CaseStatus::Closed;
    if open {
        visit_tasks(b, case, config);
        if matches!(
            case.status,
            CaseStatus::InProgress | CaseStatus::AdjustmentSubmitted
        ) {
            activity_tasks(b, case);
            if let (Some(every_days), Some(last)) = (
                config.review_interval_days,
                case.last_review.or(case.plan_approved_on),
            ) && let Some(due) = last.checked_add_days(Days::new(u64::from(every_days)))
            {
                b.push(due, Why::Review { last, every_days });
            }
        }
        if let Some((kind, since)) = case.pending {
            // The law sets no deadline for approval, so a waiting approval is never "overdue".
            b.out.push(FollowUp {
                due: since,
                overdue: false,
                why: Why::Waiting { kind },
            });
        }
        no_contact_task(b, case, config);
        age_task(b, case, config);
    } else {
        post_closure_task(b, case, config);
    }
}

fn visit_tasks(b: &mut Builder<'_>, case: &CaseSnapshot, config: &Config) {
    let planned = case.next_visit.map(|d| (d, Why::PlannedVisit));
    let by_interval = config.default_visit_interval_days.and_then(|days| {
        case.last_visit
            .or(case.opened_on)
            .and_then(|d| d.checked_add_days(Days::new(u64::from(days))))
            .map(|d| (d, Why::VisitInterval))
    });
    if let Some((due, why)) = planned.or(by_interval) {
        b.push(due, why);
    }
}

fn activity_tasks(b: &mut Builder<'_>, case: &CaseSnapshot) {
    for activity in case.activities.iter().filter(|a| !a.done) {
        if let Some(end) = activity.end
            && end <= b.horizon
        {
            b.push_now(
                end,
                Why::Activity {
                    title: activity.title.clone(),
                },
            );
        }
    }
}

/// The last contact with the subject (the latest visit, else the day the case was opened) and the day
/// closure trigger 6 applies if nobody meets them again (TT 02/2020 Điều 8.3.a (6)).
pub fn no_contact_due(case: &CaseSnapshot, config: &Config) -> Option<(NaiveDate, NaiveDate)> {
    let since = case.last_visit.or(case.opened_on)?;
    let due = since.checked_add_months(Months::new(config.no_contact_months))?;
    Some((since, due))
}

fn no_contact_task(b: &mut Builder<'_>, case: &CaseSnapshot, config: &Config) {
    let Some((since, due)) = no_contact_due(case, config) else {
        return;
    };
    if due <= b.today && case.status != CaseStatus::ClosureProposed {
        b.push(due, Why::NoContact { since });
    }
}

/// Closure reason 4 concerns people managed as children: it applies only when the subject was under the
/// age limit when the case was opened (an elderly person's case never "reaches 18").
fn age_task(b: &mut Builder<'_>, case: &CaseSnapshot, config: &Config) {
    let (Some(birth), Some(opened_on)) = (case.subject_birth, case.opened_on) else {
        return;
    };
    let limit = if case.studying {
        config.studying_age_limit
    } else {
        config.closure_age
    };
    let due = birthday_at(birth, limit);
    if due <= opened_on {
        return;
    }
    b.push(
        due,
        Why::AgeLimit {
            limit,
            studying: case.studying,
        },
    );
}

/// Reintegration follow-up after a return to the family or community (TT 02/2020 Điều 10.2): from the
/// hand-over, for the configured months (at least 6), with a reminder each configured interval — never
/// after a death or disappearance, and never without a return.
fn post_closure_task(b: &mut Builder<'_>, case: &CaseSnapshot, config: &Config) {
    if case.closure_trigger.as_deref() == Some("died_or_missing") {
        return;
    }
    let Some(start) = case.returned_on else {
        return;
    };
    let Some(end) = start.checked_add_months(Months::new(config.post_closure_follow_up_months))
    else {
        return;
    };
    if b.today > end {
        return;
    }
    let last_contact = case.last_visit.filter(|d| *d > start).unwrap_or(start);
    let by_interval = config
        .post_closure_reminder_days
        .and_then(|days| last_contact.checked_add_days(Days::new(u64::from(days))));
    let planned = case.next_visit.filter(|d| *d > start);
    let due = [planned, by_interval]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(end)
        .min(end);
    b.push(due, Why::Reintegration { start, end });
}

/// A data subject's request is answered within the configured working days (Luật 91/2025; NĐ 356/2025).
fn data_request_tasks(b: &mut Builder<'_>, case: &CaseSnapshot, config: &Config) {
    for request in case.data_requests.iter().filter(|r| r.answered.is_none()) {
        let due = add_working_days(
            request.received,
            config.data_request_working_days,
            &config.public_holidays,
        );
        b.push_now(
            due,
            Why::DataRequest {
                received: request.received,
            },
        );
    }
}

/// The day `count` working days after `from` (Saturdays, Sundays and the given holidays are not).
pub fn add_working_days(from: NaiveDate, count: u32, holidays: &[NaiveDate]) -> NaiveDate {
    let mut day = from;
    let mut left = count;
    while left > 0 {
        day = day.succ_opt().unwrap_or(day);
        let weekend = matches!(day.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun);
        if !weekend && !holidays.contains(&day) {
            left -= 1;
        }
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::snapshot::Activity;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn case(status: CaseStatus) -> CaseSnapshot {
        CaseSnapshot {
            case_id: "c1".into(),
            subject_name: "Nguyễn Thị Lan".into(),
            status,
            manager_id: Some("u1".into()),
            commune_code: Some("25920".into()),
            opened_on: Some(day("2026-11-01")),
            subject_birth: Some(day("1990-01-01")),
            studying: false,
            last_visit: Some(day("2026-11-10")),
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

    const TODAY: &str = "2026-11-22";

    fn kinds(tasks: &[Task]) -> Vec<(TaskKind, bool)> {
        tasks.iter().map(|t| (t.kind, t.overdue)).collect()
    }

    #[test]
    fn a_missed_next_visit_is_overdue_and_a_coming_one_is_due_soon() {
        let config = Config::default();
        let mut missed = case(CaseStatus::InProgress);
        missed.next_visit = Some(day("2026-11-20"));
        let tasks = tasks(&[missed], day(TODAY), &config);
        assert_eq!(kinds(&tasks), vec![(TaskKind::VisitDue, true)]);
        assert!(tasks[0].reason.vi.contains("20/11/2026"));
        let mut coming = case(CaseStatus::InProgress);
        coming.next_visit = Some(day("2026-11-25"));
        assert_eq!(
            kinds(&super::tasks(&[coming.clone()], day(TODAY), &config)),
            vec![(TaskKind::VisitDue, false)]
        );
        coming.next_visit = Some(day("2026-12-25"));
        assert!(
            super::tasks(&[coming], day(TODAY), &config).is_empty(),
            "beyond the horizon"
        );
    }

    #[test]
    fn plan_activities_past_their_time_frame_are_overdue_unless_done() {
        let mut c = case(CaseStatus::InProgress);
        c.activities = vec![
            Activity {
                title: "Khám sức khỏe".into(),
                start: None,
                end: Some(day("2026-11-15")),
                done: false,
            },
            Activity {
                title: "Học nghề".into(),
                start: None,
                end: Some(day("2026-11-15")),
                done: true,
            },
        ];
        let tasks = tasks(&[c], day(TODAY), &Config::default());
        assert_eq!(kinds(&tasks), vec![(TaskKind::ActivityDue, true)]);
        assert!(tasks[0].reason.vi.contains("Khám sức khỏe"));
        assert_eq!(tasks[0].legal_ref, "TT 02/2020 Điều 6.2.d");
    }

    #[test]
    fn approvals_wait_without_a_legal_deadline() {
        let mut c = case(CaseStatus::PlanSubmitted);
        c.pending = Some((PendingKind::Plan, day("2026-09-01")));
        let tasks = tasks(&[c], day(TODAY), &Config::default());
        let approval = tasks
            .iter()
            .find(|t| t.kind == TaskKind::ApprovalWaiting)
            .unwrap();
        assert!(!approval.overdue);
        assert_eq!(approval.legal_ref, "TT 02/2020 Điều 7.1");
    }

    #[test]
    fn one_month_without_contact_raises_the_closure_trigger() {
        let mut c = case(CaseStatus::InProgress);
        c.last_visit = Some(day("2026-10-20"));
        let tasks = tasks(&[c], day(TODAY), &Config::default());
        assert_eq!(kinds(&tasks), vec![(TaskKind::NoContact, true)]);
        assert_eq!(tasks[0].legal_ref, "TT 02/2020 Điều 8.3.a (6)");
    }

    #[test]
    fn the_age_threshold_is_configurable_and_studying_extends_it_to_22() {
        let mut c = case(CaseStatus::InProgress);
        c.subject_birth = Some(day("2010-11-25")); // 16 on 2026-11-25
        let sixteen = Config {
            closure_age: 16,
            ..Config::default()
        };
        assert_eq!(
            kinds(&tasks(std::slice::from_ref(&c), day(TODAY), &sixteen)),
            vec![(TaskKind::AgeLimit, false)]
        );
        assert!(
            tasks(std::slice::from_ref(&c), day(TODAY), &Config::default()).is_empty(),
            "18 is two years away"
        );
        c.studying = true;
        c.subject_birth = Some(day("2004-11-20")); // 22 on 2026-11-20
        let studying = tasks(&[c], day(TODAY), &sixteen);
        assert_eq!(kinds(&studying), vec![(TaskKind::AgeLimit, true)]);
        assert!(studying[0].reason.vi.contains("22 tuổi"));
    }

    #[test]
    fn reviews_appear_only_when_a_frequency_is_configured() {
        let mut c = case(CaseStatus::InProgress);
        c.plan_approved_on = Some(day("2026-08-01"));
        assert!(tasks(std::slice::from_ref(&c), day(TODAY), &Config::default()).is_empty());
        let quarterly = Config {
            review_interval_days: Some(90),
            ..Config::default()
        };
        assert_eq!(
            kinds(&tasks(&[c], day(TODAY), &quarterly)),
            vec![(TaskKind::ReviewDue, true)]
        );
    }

    #[test]
    fn closed_cases_are_followed_for_six_months_after_the_return_with_monthly_reminders() {
        let mut c = case(CaseStatus::Closed);
        c.closed_on = Some(day("2026-06-01"));
        c.returned_on = Some(day("2026-06-10"));
        c.last_visit = Some(day("2026-10-25"));
        let tasks = tasks(std::slice::from_ref(&c), day(TODAY), &Config::default());
        assert_eq!(kinds(&tasks), vec![(TaskKind::PostClosureFollowUp, false)]);
        assert_eq!(
            tasks[0].due,
            day("2026-11-24"),
            "30 days after the last contact"
        );
        assert!(tasks[0].reason.vi.contains("10/12/2026"));
        let mut early = c.clone();
        early.last_visit = None;
        let first = super::tasks(&[early], day("2026-07-05"), &Config::default());
        assert_eq!(
            first[0].due,
            day("2026-07-10"),
            "reminded during the period, not only in its last week"
        );
        let after = super::tasks(&[c], day("2027-01-05"), &Config::default());
        assert!(
            after
                .iter()
                .all(|t| t.kind != TaskKind::PostClosureFollowUp),
            "the follow-up period is over"
        );
    }

    #[test]
    fn no_follow_up_without_a_return_or_after_a_death() {
        let mut closed = case(CaseStatus::Closed);
        closed.closed_on = Some(day("2026-10-01"));
        assert!(
            tasks(
                std::slice::from_ref(&closed),
                day(TODAY),
                &Config::default()
            )
            .is_empty()
        );
        closed.returned_on = Some(day("2026-10-05"));
        closed.closure_trigger = Some("died_or_missing".into());
        assert!(tasks(&[closed], day(TODAY), &Config::default()).is_empty());
    }

    #[test]
    fn a_data_request_is_due_in_two_working_days_unless_answered() {
        use crate::domain::snapshot::DataRequest;
        let mut c = case(CaseStatus::InProgress);
        c.last_visit = Some(day("2026-11-20"));
        // Friday 20 November 2026: Monday and Tuesday are the two working days.
        c.data_requests = vec![DataRequest {
            record_id: "r".into(),
            received: day("2026-11-20"),
            answered: None,
        }];
        let due = tasks(std::slice::from_ref(&c), day(TODAY), &Config::default());
        assert_eq!(kinds(&due), vec![(TaskKind::DataRequestDue, false)]);
        assert_eq!(due[0].due, day("2026-11-24"));
        let with_holiday = Config {
            public_holidays: vec![day("2026-11-23")],
            ..Config::default()
        };
        assert_eq!(
            tasks(std::slice::from_ref(&c), day(TODAY), &with_holiday)[0].due,
            day("2026-11-25")
        );
        c.data_requests[0].answered = Some(day("2026-11-21"));
        assert!(tasks(&[c], day(TODAY), &Config::default()).is_empty());
    }

    #[test]
    fn overdue_tasks_come_first() {
        let mut late = case(CaseStatus::InProgress);
        late.case_id = "late".into();
        late.next_visit = Some(day("2026-11-01"));
        late.last_visit = Some(day("2026-11-15"));
        let mut soon = case(CaseStatus::InProgress);
        soon.case_id = "soon".into();
        soon.next_visit = Some(day("2026-11-23"));
        let tasks = tasks(&[soon, late], day(TODAY), &Config::default());
        assert_eq!(tasks[0].case_id.as_deref(), Some("late"));
    }
}
