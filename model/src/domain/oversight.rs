//! Oversight for the people who approve and oversee — the commune chairman, a facility head or their
//! delegate, and provincial officers (the law names no "supervisor": ../shared/domain.md §4): figures
//! over case snapshots, pure, answered the same way on an approver's tablet (from its own store,
//! offline) and on the server (for the dashboard).
//!
//! Nothing here is a new rule. Overdue visits, activities and reviews and post-closure follow-ups are
//! the follow-up engine's tasks ([`super::followup`]), report deadlines those of
//! [`super::reporting`]; the no-contact trigger is
//! TT 02/2020 Điều 8.3.a (6) with its configured months; everything else is a count or a duration.
//! Lists carry a case's subject name, manager and commune only: never a diagnosis or a category.

use super::config::Config;
use super::followup::{Task, TaskKind, case_follow_ups, no_contact_due};
use super::lifecycle::CaseStatus;
use super::reporting::report_tasks;
use super::snapshot::{CaseSnapshot, PendingKind};
use crate::area::AreaKind;
use crate::i18n::Localized;
use crate::op::RecordKind;
use crate::role::Role;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// A device whose last sync is older than this many days is shown as quiet: a presentation choice
/// for the lists, not a rule of the law.
pub const QUIET_DEVICE_DAYS: i64 = 7;

const DAY_MILLIS: u64 = 24 * 3600 * 1000;

/// A field where concurrent edits disagree, as the store found it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictEntry {
    /// The case the record belongs to (the case itself for a case's own field).
    pub case_id: Option<String>,
    pub record_id: String,
    pub kind: RecordKind,
    pub field: String,
    /// How many values are kept for the field: the one in force and the ones that lost.
    pub values: u32,
}

/// What the server knows of a device's sync: when it last reached the server, and the outbox it
/// reported then (`docs/protocol.md`, "Outbox report").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceSync {
    pub device_id: String,
    pub device_name: String,
    pub user_id: String,
    pub user_name: String,
    /// Server time (Unix ms) of its last push or pull; `None`: enrolled but never synced.
    pub last_sync_millis: Option<u64>,
    /// Ops it had not had acknowledged when it last reported; `None`: it never reported.
    pub pending_ops: Option<u64>,
    /// Device time (Unix ms) of the oldest of those ops.
    pub oldest_unsent_millis: Option<u64>,
}

/// The inputs of [`oversight`]: a caseload's snapshots, its open conflicts and its devices.
pub struct OversightInput<'a> {
    pub cases: &'a [CaseSnapshot],
    pub conflicts: &'a [ConflictEntry],
    pub devices: &'a [DeviceSync],
    pub today: NaiveDate,
    pub now_millis: u64,
    pub config: &'a Config,
    /// Whose periodic reports are due: the viewer's role over an area of this kind (`None`: no area
    /// known yet, no report), and the periods the area has produced
    /// ([`super::reporting::report_tasks`]).
    pub role: Role,
    pub area_kind: Option<AreaKind>,
    pub produced_reports: &'a [String],
}

/// Which case a line of a list is about, as lists may show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseRef {
    pub case_id: String,
    pub subject_name: String,
    pub manager_id: Option<String>,
    pub commune_code: Option<String>,
}

impl CaseRef {
    fn of(case: &CaseSnapshot) -> CaseRef {
        CaseRef {
            case_id: case.case_id.clone(),
            subject_name: case.subject_name.clone(),
            manager_id: case.manager_id.clone(),
            commune_code: case.commune_code.clone(),
        }
    }
}

/// One case manager's cases: open ones by step of TT 02/2020 Điều 3 (index 0 = step 1), and closed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caseload {
    /// `None` gathers cases that name no manager.
    pub manager_id: Option<String>,
    pub by_step: [u32; 5],
    pub open: u32,
    pub closed: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Overdue {
    pub case: CaseRef,
    /// A visit, a plan activity or a review.
    pub kind: TaskKind,
    pub due: NaiveDate,
    pub days_overdue: i64,
    pub reason: Localized,
    pub legal_ref: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingApproval {
    pub case: CaseRef,
    pub kind: PendingKind,
    /// The day it was submitted.
    pub since: NaiveDate,
    pub days_waiting: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoContact {
    pub case: CaseRef,
    pub last_contact: NaiveDate,
    /// The day closure trigger 6 applies.
    pub trigger_on: NaiveDate,
    /// Days until that day; negative once it has passed.
    pub days_left: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PostClosure {
    pub case: CaseRef,
    pub due: NaiveDate,
    pub overdue: bool,
    pub reason: Localized,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    /// `None` when the record belongs to no case of this caseload.
    pub case: Option<CaseRef>,
    pub record_id: String,
    pub kind: RecordKind,
    pub field: String,
    pub values: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceBacklog {
    pub device: DeviceSync,
    pub days_since_sync: Option<i64>,
    pub oldest_unsent_days: Option<i64>,
    /// Never synced, or not for [`QUIET_DEVICE_DAYS`].
    pub quiet: bool,
}

/// Case counts of the whole caseload: open ones by step, and closed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub by_step: [u32; 5],
    pub open: u32,
    pub closed: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Oversight {
    pub today: NaiveDate,
    pub totals: Totals,
    /// Per case manager, in manager id order (no manager last).
    pub caseload: Vec<Caseload>,
    /// Most overdue first.
    pub overdue: Vec<Overdue>,
    /// Longest waiting first.
    pub approvals: Vec<WaitingApproval>,
    /// Cases whose no-contact day is past or within the configured "due soon" days, soonest first.
    pub no_contact: Vec<NoContact>,
    pub post_closure: Vec<PostClosure>,
    pub conflicts: Vec<Conflict>,
    /// Quiet devices first, then by backlog.
    pub devices: Vec<DeviceBacklog>,
    /// The periodic reports the viewer produces, from a little before their deadline until produced.
    pub reports_due: Vec<Task>,
}

/// Every oversight figure of a caseload.
pub fn oversight(input: &OversightInput<'_>) -> Oversight {
    let (totals, caseload) = caseloads(input.cases);
    let mut overview = Oversight {
        today: input.today,
        totals,
        caseload,
        overdue: Vec::new(),
        approvals: approvals(input.cases, input.today),
        no_contact: no_contact(input.cases, input.today, input.config),
        post_closure: Vec::new(),
        conflicts: conflicts(input.conflicts, input.cases),
        devices: devices(input.devices, input.now_millis),
        reports_due: input
            .area_kind
            .map(|kind| {
                report_tasks(
                    input.role,
                    kind,
                    input.today,
                    input.config,
                    input.produced_reports,
                )
            })
            .unwrap_or_default(),
    };
    follow_ups(input, &mut overview);
    overview
}

/// The overdue visits, activities and reviews (most overdue first) and the post-closure follow-ups
/// (by due day), case by case.
fn follow_ups(input: &OversightInput<'_>, overview: &mut Oversight) {
    let mut case_tasks = Vec::new();
    for case in input.cases {
        case_follow_ups(case, input.today, input.config, &mut case_tasks);
        for task in case_tasks.drain(..) {
            match task.kind {
                TaskKind::VisitDue | TaskKind::ActivityDue | TaskKind::ReviewDue
                    if task.overdue =>
                {
                    overview.overdue.push(Overdue {
                        case: CaseRef::of(case),
                        kind: task.kind,
                        due: task.due,
                        days_overdue: (input.today - task.due).num_days(),
                        reason: task.reason,
                        legal_ref: task.legal_ref,
                    });
                }
                TaskKind::PostClosureFollowUp => overview.post_closure.push(PostClosure {
                    case: CaseRef::of(case),
                    due: task.due,
                    overdue: task.overdue,
                    reason: task.reason,
                }),
                _ => {}
            }
        }
    }
    overview.overdue.sort_by(|a, b| {
        (b.days_overdue, &a.case.case_id, a.kind).cmp(&(a.days_overdue, &b.case.case_id, b.kind))
    });
    overview
        .post_closure
        .sort_by(|a, b| (a.due, &a.case.case_id).cmp(&(b.due, &b.case.case_id)));
}

fn caseloads(cases: &[CaseSnapshot]) -> (Totals, Vec<Caseload>) {
    let mut totals = Totals::default();
    let mut per_manager: BTreeMap<Option<&str>, Caseload> = BTreeMap::new();
    for case in cases {
        let load = per_manager
            .entry(case.manager_id.as_deref())
            .or_insert_with(|| Caseload {
                manager_id: case.manager_id.clone(),
                ..Caseload::default()
            });
        if case.status == CaseStatus::Closed {
            load.closed += 1;
            totals.closed += 1;
        } else {
            let step = usize::from(case.status.step().clamp(1, 5)) - 1;
            load.by_step[step] += 1;
            load.open += 1;
            totals.by_step[step] += 1;
            totals.open += 1;
        }
    }
    let mut caseload: Vec<Caseload> = per_manager.into_values().collect();
    // `None` sorts first in a BTreeMap; cases without a manager read better at the end.
    let unassigned_first = caseload.first().is_some_and(|c| c.manager_id.is_none());
    caseload.rotate_left(usize::from(unassigned_first));
    (totals, caseload)
}

fn approvals(cases: &[CaseSnapshot], today: NaiveDate) -> Vec<WaitingApproval> {
    let mut waiting: Vec<WaitingApproval> = cases
        .iter()
        .filter_map(|case| {
            let (kind, since) = case.pending?;
            Some(WaitingApproval {
                case: CaseRef::of(case),
                kind,
                since,
                days_waiting: (today - since).num_days(),
            })
        })
        .collect();
    waiting.sort_by(|a, b| (a.since, &a.case.case_id).cmp(&(b.since, &b.case.case_id)));
    waiting
}

fn no_contact(cases: &[CaseSnapshot], today: NaiveDate, config: &Config) -> Vec<NoContact> {
    let horizon = today
        .checked_add_days(Days::new(u64::from(config.due_soon_days)))
        .unwrap_or(today);
    let mut close: Vec<NoContact> = cases
        .iter()
        .filter(|c| !matches!(c.status, CaseStatus::Closed | CaseStatus::ClosureProposed))
        .filter_map(|case| {
            let (since, due) = no_contact_due(case, config)?;
            (due <= horizon).then(|| NoContact {
                case: CaseRef::of(case),
                last_contact: since,
                trigger_on: due,
                days_left: (due - today).num_days(),
            })
        })
        .collect();
    close.sort_by(|a, b| (a.trigger_on, &a.case.case_id).cmp(&(b.trigger_on, &b.case.case_id)));
    close
}

fn conflicts(entries: &[ConflictEntry], cases: &[CaseSnapshot]) -> Vec<Conflict> {
    if entries.is_empty() {
        return Vec::new();
    }
    let by_id: HashMap<&str, &CaseSnapshot> =
        cases.iter().map(|c| (c.case_id.as_str(), c)).collect();
    let mut out: Vec<Conflict> = entries
        .iter()
        .map(|entry| Conflict {
            case: entry
                .case_id
                .as_deref()
                .and_then(|id| by_id.get(id))
                .map(|case| CaseRef::of(case)),
            record_id: entry.record_id.clone(),
            kind: entry.kind,
            field: entry.field.clone(),
            values: entry.values,
        })
        .collect();
    out.sort_by(|a, b| {
        let key = |c: &Conflict| {
            (
                c.case.as_ref().map(|r| r.case_id.clone()),
                c.record_id.clone(),
                c.field.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    out
}

/// Whole days from `from` to `to` (both Unix ms), never negative.
fn days_between(from: u64, to: u64) -> i64 {
    i64::try_from(to.saturating_sub(from) / DAY_MILLIS).unwrap_or(i64::MAX)
}

fn devices(devices: &[DeviceSync], now_millis: u64) -> Vec<DeviceBacklog> {
    let mut out: Vec<DeviceBacklog> = devices
        .iter()
        .map(|device| {
            let days_since_sync = device
                .last_sync_millis
                .map(|last| days_between(last, now_millis));
            DeviceBacklog {
                days_since_sync,
                oldest_unsent_days: device
                    .oldest_unsent_millis
                    .filter(|_| device.pending_ops.unwrap_or(0) > 0)
                    .map(|oldest| days_between(oldest, now_millis)),
                quiet: days_since_sync.is_none_or(|days| days >= QUIET_DEVICE_DAYS),
                device: device.clone(),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        let key = |d: &DeviceBacklog| {
            (
                !d.quiet,
                std::cmp::Reverse(d.device.pending_ops.unwrap_or(0)),
                std::cmp::Reverse(d.days_since_sync.unwrap_or(i64::MAX)),
                d.device.device_id.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    out
}

#[cfg(test)]
mod tests;
