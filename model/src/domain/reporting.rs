//! The periodic reports of TT 02/2020 as deadlines: the commune's (Điều 11.3.b) and the facility's
//! (Điều 12.7) 6-monthly report before 15 June and annual report before 15 December, the province's
//! before 25 June and 25 December (Điều 11.1.d). Each appears to the people who produce it, from a
//! little before its deadline, and stays — overdue — until the report is produced.

use super::config::Config;
use super::followup::{Task, TaskKind, fmt};
use super::report::Period;
use crate::area::AreaKind;
use crate::i18n::Localized;
use crate::role::Role;
use chrono::{Datelike, Days, NaiveDate};

/// Whose report it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportLevel {
    Commune,
    Facility,
    Province,
}

impl ReportLevel {
    /// The report a user produces, from their role and area: provincial officers the province's, the
    /// commune's people the commune's, a facility's people the facility's.
    pub fn of(role: Role, area: AreaKind) -> Option<ReportLevel> {
        match (role, area) {
            (Role::Admin, _) => None,
            (Role::ProvincialOfficer, AreaKind::Province) => Some(ReportLevel::Province),
            (Role::ProvincialOfficer, _) => None,
            (_, AreaKind::Commune) => Some(ReportLevel::Commune),
            (_, AreaKind::Facility) => Some(ReportLevel::Facility),
            (_, AreaKind::Province) => None,
        }
    }

    fn legal_ref(self) -> &'static str {
        match self {
            ReportLevel::Commune => "TT 02/2020 Điều 11.3.b",
            ReportLevel::Facility => "TT 02/2020 Điều 12.7",
            ReportLevel::Province => "TT 02/2020 Điều 11.1.d",
        }
    }

    fn due_day(self, config: &Config) -> u32 {
        match self {
            ReportLevel::Province => config.province_report_due_day,
            _ => config.commune_report_due_day,
        }
    }
}

/// One report to produce: `period` is `YYYY-H1` (6-monthly) or `YYYY` (annual).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportDeadline {
    pub period: String,
    pub due: NaiveDate,
}

/// The deadlines of last year's annual report and this year's two reports.
pub fn deadlines(level: ReportLevel, year: i32, config: &Config) -> Vec<ReportDeadline> {
    let day = level.due_day(config);
    [
        (year - 1, 12, format!("{}", year - 1)),
        (year, 6, format!("{year}-H1")),
        (year, 12, format!("{year}")),
    ]
    .into_iter()
    .filter_map(|(y, month, period)| {
        NaiveDate::from_ymd_opt(y, month, day).map(|due| ReportDeadline { period, due })
    })
    .collect()
}

/// Whether a user produces the periodic report of `period` (a report period's code): their level's
/// 6-monthly (`YYYY-H1`) or annual (`YYYY`) report. The second half-year has no report of its own: the
/// annual one covers it (Điều 11.3.b, 12.7, 11.1.d).
pub fn produces_report(role: Role, area: AreaKind, period: &str) -> bool {
    ReportLevel::of(role, area).is_some()
        && matches!(
            Period::parse(period),
            Ok(Period::Half { half: 1, .. } | Period::Year { .. })
        )
}

/// The report tasks of a user on `today`: each report from two reminder windows before its deadline
/// until it is produced (`produced` lists the periods done).
pub fn report_tasks(
    role: Role,
    area: AreaKind,
    today: NaiveDate,
    config: &Config,
    produced: &[String],
) -> Vec<Task> {
    let Some(level) = ReportLevel::of(role, area) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let window = Days::new(u64::from(config.due_soon_days) * 2);
    for deadline in deadlines(level, today.year(), config) {
        let opens = deadline
            .due
            .checked_sub_days(window)
            .unwrap_or(deadline.due);
        if today < opens || produced.contains(&deadline.period) {
            continue;
        }
        let (vi, en) = if deadline.period.ends_with("H1") {
            ("6 tháng", "6-monthly")
        } else {
            ("năm", "annual")
        };
        out.push(Task {
            case_id: None,
            subject_name: String::new(),
            kind: TaskKind::Report,
            due: deadline.due,
            overdue: deadline.due < today,
            reason: Localized::new(
                format!(
                    "Báo cáo {vi} về quản lý đối tượng ({}), hạn ngày {}.",
                    deadline.period,
                    fmt(deadline.due)
                ),
                format!(
                    "The {en} case-management report ({}) is due by {}.",
                    deadline.period,
                    fmt(deadline.due)
                ),
            ),
            legal_ref: level.legal_ref().to_string(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_reports_people_mark_produced_are_their_levels_six_monthly_and_annual_ones() {
        let (chairman, officer) = (Role::Approver, Role::ProvincialOfficer);
        assert!(produces_report(chairman, AreaKind::Commune, "2026-H1"));
        assert!(produces_report(chairman, AreaKind::Commune, "2025"));
        assert!(produces_report(officer, AreaKind::Province, "2026"));
        for not_a_periodic_report in ["2026-H2", "2026-Q2", "2026-05", "H1", ""] {
            assert!(!produces_report(
                chairman,
                AreaKind::Commune,
                not_a_periodic_report
            ));
        }
        assert!(
            !produces_report(officer, AreaKind::Commune, "2026"),
            "an officer outside a province"
        );
        assert!(!produces_report(Role::Admin, AreaKind::Province, "2026"));
    }

    #[test]
    fn the_communes_report_is_due_on_the_14th_and_the_provinces_on_the_24th() {
        let config = Config::default();
        let earlier = ["2025".to_string(), "2026-H1".to_string()];
        let commune = report_tasks(
            Role::Collaborator,
            AreaKind::Commune,
            day("2026-12-05"),
            &config,
            &earlier,
        );
        assert_eq!(commune.len(), 1);
        assert_eq!(commune[0].due, day("2026-12-14"));
        assert_eq!(commune[0].legal_ref, "TT 02/2020 Điều 11.3.b");
        let province = report_tasks(
            Role::ProvincialOfficer,
            AreaKind::Province,
            day("2026-12-20"),
            &config,
            &earlier,
        );
        assert_eq!(province[0].due, day("2026-12-24"));
        assert_eq!(province[0].legal_ref, "TT 02/2020 Điều 11.1.d");
    }

    #[test]
    fn a_missed_report_stays_overdue_until_it_is_produced() {
        let config = Config::default();
        let last_year = ["2025".to_string()];
        let late = report_tasks(
            Role::Approver,
            AreaKind::Commune,
            day("2026-07-20"),
            &config,
            &last_year,
        );
        assert_eq!(late.len(), 1);
        assert!(late[0].overdue);
        assert!(late[0].reason.vi.contains("2026-H1"));
        let done = report_tasks(
            Role::Approver,
            AreaKind::Commune,
            day("2026-07-20"),
            &config,
            &["2025".to_string(), "2026-H1".to_string()],
        );
        assert!(done.is_empty());
    }

    #[test]
    fn each_report_belongs_to_its_level() {
        assert_eq!(
            ReportLevel::of(Role::Approver, AreaKind::Facility),
            Some(ReportLevel::Facility)
        );
        assert_eq!(
            ReportLevel::of(Role::ProvincialOfficer, AreaKind::Commune),
            None
        );
        assert_eq!(ReportLevel::of(Role::Admin, AreaKind::Commune), None);
        let config = Config::default();
        assert!(
            report_tasks(
                Role::Admin,
                AreaKind::Commune,
                day("2026-12-10"),
                &config,
                &[]
            )
            .is_empty()
        );
    }
}
