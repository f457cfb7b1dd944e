//! The figures of a periodic report, counted from case facts and snapshots. No official template or
//! indicator list exists (../shared/domain.md §5, §8.5): these are the figures a Sở asks for — cases
//! open, new and closed (by each of the 12 triggers of TT 02/2020 Điều 8.3.a), by subject category,
//! plans approved and adjusted, referrals by status, visits made, overdue follow-ups — laid out as
//! hoso's own, never as an official form.

use super::facts::CaseFacts;
use super::lines::Catalog;
use super::period::Period;
use crate::domain::closure::ClosureTrigger;
use crate::domain::config::Config;
use crate::domain::followup::tasks;
use crate::domain::lifecycle::CaseStatus;
use crate::domain::referral::STATUSES;
use crate::domain::snapshot::CaseSnapshot;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Who a report is for: the authorities it is sent to, or a notice board.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Sent to the approver, the commune People's Committee or the Sở: every figure.
    Internal,
    /// Meant for posting: no category marked `never_posted` in the forms (HIV/AIDS, NĐ 20/2021/NĐ-CP
    /// Điều 8.1.b, 28.1.b), no rows per worker.
    Posting,
}

/// The figures of one area, commune or case manager over one period.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    /// Cases under management on the period's first day.
    pub open_at_start: u32,
    /// Cases opened during the period.
    pub new: u32,
    /// Cases closed during the period.
    pub closed: u32,
    /// Cases under management on the period's last day.
    pub open_at_end: u32,
    /// Closed during the period, by trigger, in the order of Điều 8.3.a.
    pub closed_by_trigger: [u32; 12],
    /// Cases managed during the period by subject category (a case counts in each of its categories).
    pub by_category: BTreeMap<String, u32>,
    /// First plans approved during the period (Điều 7.1).
    pub plans_approved: u32,
    /// Plan adjustments approved during the period (Điều 7.3.b).
    pub adjustments_approved: u32,
    /// Referrals made during the period, by where they stand now (`referral::STATUSES` order).
    pub referrals_by_status: [u32; 5],
    /// Visits made during the period (Mẫu 05).
    pub visits: u32,
    /// Follow-up tasks overdue on the day the report is made.
    pub overdue_follow_ups: u32,
    /// Activities of the plans in force on the day the report is made: done, and in all.
    pub activities_done: u32,
    pub activities_total: u32,
}

impl Figures {
    fn add_case(&mut self, case: &CaseFacts, period: Period, withheld: &dyn Fn(&str) -> bool) {
        let (first, last) = (period.first_day(), period.last_day());
        let opened = case.opened_on.unwrap_or(NaiveDate::MIN);
        let closed = case.closed_on;
        let open_on = |day: NaiveDate| opened <= day && closed.is_none_or(|c| c > day);
        let open_at_start = opened < first && closed.is_none_or(|c| c >= first);
        let new = period.contains(opened);
        self.open_at_start += u32::from(open_at_start);
        self.new += u32::from(new);
        self.open_at_end += u32::from(open_on(last));
        if closed.is_some_and(|day| period.contains(day)) {
            self.closed += 1;
            if let Some(trigger) = case.closure_trigger {
                let index = ClosureTrigger::ALL
                    .iter()
                    .position(|t| *t == trigger)
                    .expect("every trigger is in ALL");
                self.closed_by_trigger[index] += 1;
            }
        }
        if open_at_start || new {
            for category in &case.categories {
                if withheld(category) {
                    continue;
                }
                *self.by_category.entry(category.clone()).or_default() += 1;
            }
        }
        self.add_activity(case, period);
    }

    fn add_activity(&mut self, case: &CaseFacts, period: Period) {
        let in_period = |d: &&NaiveDate| period.contains(**d);
        self.visits += count(case.visits.iter().filter(in_period));
        if let Some((first, adjustments)) = case.plan_approvals.split_first() {
            self.plans_approved += u32::from(period.contains(*first));
            self.adjustments_approved += count(adjustments.iter().filter(in_period));
        }
        for referral in &case.referrals {
            if referral.on.is_some_and(|d| period.contains(d))
                && let Some(index) = STATUSES.iter().position(|s| *s == referral.status)
            {
                self.referrals_by_status[index] += 1;
            }
        }
    }

    fn add_state(&mut self, snapshot: &CaseSnapshot, overdue: u32) {
        self.overdue_follow_ups += overdue;
        if snapshot.status != CaseStatus::Closed {
            self.activities_total += count(snapshot.activities.iter());
            self.activities_done += count(snapshot.activities.iter().filter(|a| a.done));
        }
    }

    /// Referrals made during the period, whatever their status.
    pub fn referrals(&self) -> u32 {
        self.referrals_by_status.iter().sum()
    }
}

fn count<T>(items: impl Iterator<Item = T>) -> u32 {
    u32::try_from(items.count()).unwrap_or(u32::MAX)
}

/// A periodic report: the area's figures, and the same figures per commune and per case manager.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub period: Period,
    /// The day the report is made: overdue follow-ups and plan activities are counted as of this day.
    pub made_on: NaiveDate,
    pub audience: Audience,
    pub total: Figures,
    /// Per commune code, in code order.
    pub by_commune: Vec<(String, Figures)>,
    /// Per case manager (user id; `None`: no manager), for the case manager's report of plan results
    /// (TT 02/2020 Điều 7.3.a). Empty in a report meant for posting.
    pub by_manager: Vec<(Option<String>, Figures)>,
}

/// What a report covers and for whom.
pub struct ReportScope<'a> {
    pub period: Period,
    /// The day it is made: overdue follow-ups and plan activities are counted as of this day.
    pub made_on: NaiveDate,
    pub audience: Audience,
    pub config: &'a Config,
    /// Which subject categories a report for posting leaves out (the forms' `never_posted`).
    pub catalog: &'a Catalog,
}

/// The report of an area's cases. `snapshots` are the cases' state today (follow-ups, plan
/// activities), `facts` their history; they are joined by case id.
pub fn report(snapshots: &[CaseSnapshot], facts: &[CaseFacts], scope: &ReportScope<'_>) -> Report {
    let (period, today, audience) = (scope.period, scope.made_on, scope.audience);
    let withheld = |code: &str| audience == Audience::Posting && scope.catalog.never_posted(code);
    let mut overdue: HashMap<String, u32> = HashMap::new();
    for task in tasks(snapshots, today, scope.config) {
        if let (true, Some(case_id)) = (task.overdue, task.case_id) {
            *overdue.entry(case_id).or_default() += 1;
        }
    }
    let state: HashMap<&str, &CaseSnapshot> =
        snapshots.iter().map(|s| (s.case_id.as_str(), s)).collect();
    let mut total = Figures::default();
    let mut by_commune: BTreeMap<String, Figures> = BTreeMap::new();
    let mut by_manager: BTreeMap<Option<String>, Figures> = BTreeMap::new();
    for case in facts {
        let mut groups = vec![&mut total];
        groups.push(
            by_commune
                .entry(case.commune_code.clone().unwrap_or_default())
                .or_default(),
        );
        if audience == Audience::Internal {
            groups.push(by_manager.entry(case.manager_id.clone()).or_default());
        }
        let snapshot = state.get(case.case_id.as_str());
        let late = overdue.get(&case.case_id).copied().unwrap_or_default();
        for figures in groups {
            figures.add_case(case, period, &withheld);
            if let Some(snapshot) = snapshot {
                figures.add_state(snapshot, late);
            }
        }
    }
    Report {
        period,
        made_on: today,
        audience,
        total,
        by_commune: by_commune.into_iter().collect(),
        by_manager: by_manager.into_iter().collect(),
    }
}

/// Cases opened and closed in each of `months` months from the month of `first`: (month's first day,
/// opened, closed). What the dashboard's "new and closed per month" chart draws.
pub fn monthly_flow(
    facts: &[CaseFacts],
    first: NaiveDate,
    months: u32,
) -> Vec<(NaiveDate, u32, u32)> {
    use chrono::{Datelike, Months};
    let start = first.with_day(1).unwrap_or(first);
    let mut out: Vec<(NaiveDate, u32, u32)> = (0..months)
        .filter_map(|m| start.checked_add_months(Months::new(m)))
        .map(|month| (month, 0, 0))
        .collect();
    let slot = |day: NaiveDate| {
        let index = (day.year() - start.year()) * 12 + day.month0() as i32 - start.month0() as i32;
        usize::try_from(index).ok().filter(|i| *i < out.len())
    };
    let (opened, closed): (Vec<_>, Vec<_>) = (
        facts
            .iter()
            .filter_map(|f| f.opened_on.and_then(slot))
            .collect(),
        facts
            .iter()
            .filter_map(|f| f.closed_on.and_then(slot))
            .collect(),
    );
    for index in opened {
        out[index].1 += 1;
    }
    for index in closed {
        out[index].2 += 1;
    }
    out
}
