//! Today's agenda: the follow-ups of every case on the device (`hoso_model::domain::followup`), in three
//! groups — overdue, due today, due this week — each with its case and the reason and legal reference
//! the follow-up engine gives.

use super::{CaseStage, Day, user_id};
use crate::app::App;
use crate::error::Result;
use hoso_model::domain::followup::{Task, TaskKind, tasks};
use hoso_model::domain::snapshot::CaseSnapshot;
use hoso_model::i18n::Localized;
use std::collections::HashMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum FollowUpKind {
    VisitDue,
    ActivityDue,
    ReviewDue,
    ApprovalWaiting,
    NoContact,
    AgeLimit,
    PostClosureFollowUp,
    /// A periodic report of the commune, facility or province.
    Report,
    /// A data subject's request about their personal data, to answer in time.
    DataRequestDue,
}

impl From<TaskKind> for FollowUpKind {
    fn from(kind: TaskKind) -> FollowUpKind {
        match kind {
            TaskKind::VisitDue => FollowUpKind::VisitDue,
            TaskKind::ActivityDue => FollowUpKind::ActivityDue,
            TaskKind::ReviewDue => FollowUpKind::ReviewDue,
            TaskKind::ApprovalWaiting => FollowUpKind::ApprovalWaiting,
            TaskKind::NoContact => FollowUpKind::NoContact,
            TaskKind::AgeLimit => FollowUpKind::AgeLimit,
            TaskKind::PostClosureFollowUp => FollowUpKind::PostClosureFollowUp,
            TaskKind::Report => FollowUpKind::Report,
            TaskKind::DataRequestDue => FollowUpKind::DataRequestDue,
        }
    }
}

/// A follow-up's short title, for a list row.
pub(crate) fn title(kind: TaskKind) -> Localized {
    let (vi, en) = match kind {
        TaskKind::VisitDue => ("Thăm hộ gia đình", "Household visit"),
        TaskKind::ActivityDue => ("Hoạt động của kế hoạch", "Plan activity"),
        TaskKind::ReviewDue => ("Rà soát kế hoạch", "Plan review"),
        TaskKind::ApprovalWaiting => ("Chờ phê duyệt", "Waiting for approval"),
        TaskKind::NoContact => ("Mất liên lạc", "No contact"),
        TaskKind::AgeLimit => ("Đến tuổi kết thúc quản lý", "Age limit reached"),
        TaskKind::PostClosureFollowUp => ("Theo dõi sau kết thúc", "Follow-up after closure"),
        TaskKind::Report => ("Báo cáo định kỳ", "Periodic report"),
        TaskKind::DataRequestDue => ("Yêu cầu về dữ liệu cá nhân", "Personal data request"),
    };
    Localized::new(vi, en)
}

/// One follow-up: its case, what to do and why.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct AgendaItem {
    /// `None` for work about the whole caseload (the periodic reports).
    pub case_id: Option<String>,
    pub subject_name: String,
    pub stage: Option<CaseStage>,
    pub kind: FollowUpKind,
    pub title: Localized,
    /// Why it is due, with the dates that make it so.
    pub reason: Localized,
    pub legal_ref: String,
    pub due: Day,
    pub overdue: bool,
    /// The case is managed by the signed-in user.
    pub mine: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct AgendaScreen {
    pub today: Day,
    pub overdue: Vec<AgendaItem>,
    /// Due today, and approvals waiting (the law gives them no deadline, so they are never overdue).
    pub due_today: Vec<AgendaItem>,
    /// Due after today, within `horizon_days`.
    pub this_week: Vec<AgendaItem>,
    pub horizon_days: u32,
}

pub(crate) fn item(task: Task, case: Option<&CaseSnapshot>, user_id: &str) -> AgendaItem {
    AgendaItem {
        stage: case.map(|c| c.status.into()),
        mine: case.is_some_and(|c| c.manager_id.as_deref() == Some(user_id)),
        title: title(task.kind),
        kind: task.kind.into(),
        case_id: task.case_id,
        subject_name: task.subject_name,
        reason: task.reason,
        legal_ref: task.legal_ref,
        due: task.due.into(),
        overdue: task.overdue,
    }
}

pub fn agenda_screen(app: &App) -> Result<AgendaScreen> {
    let today = app.store.today();
    let config = app.store.config()?;
    let snapshots = app.store.case_snapshots()?;
    let user = user_id(app);
    let by_id: HashMap<&str, &CaseSnapshot> =
        snapshots.iter().map(|c| (c.case_id.as_str(), c)).collect();
    let mut screen = AgendaScreen {
        today: today.into(),
        overdue: Vec::new(),
        due_today: Vec::new(),
        this_week: Vec::new(),
        horizon_days: config.due_soon_days,
    };
    for task in tasks(&snapshots, today, &config) {
        let case = task
            .case_id
            .as_deref()
            .and_then(|id| by_id.get(id).copied());
        let group = if task.overdue {
            &mut screen.overdue
        } else if task.due <= today {
            &mut screen.due_today
        } else {
            &mut screen.this_week
        };
        group.push(item(task, case, &user));
    }
    Ok(screen)
}
