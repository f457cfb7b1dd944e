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
use super::followup::{FollowUp, Task, TaskKind, Why, case_follow_ups, no_contact_due};
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
use std::sync::Arc;

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
    /// Shared by every line about the case (a province's lists have 160,000 lines).
    fn of(case: &CaseSnapshot) -> Arc<CaseRef> {
        Arc::new(CaseRef {
            case_id: case.case_id.clone(),
            subject_name: case.subject_name.clone(),
            manager_id: case.manager_id.clone(),
            commune_code: case.commune_code.clone(),
        })
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

#[derive(Clone, Debug, PartialEq)]
pub struct Overdue {
    pub case: Arc<CaseRef>,
    pub due: NaiveDate,
    pub days_overdue: i64,
    pub why: Why,
}

impl Overdue {
    /// A visit, a plan activity or a review.
    pub fn kind(&self) -> TaskKind {
        self.why.kind()
    }

    /// Written when the line is shown.
    pub fn reason(&self) -> Localized {
        self.why.reason(self.due)
    }

    pub fn legal_ref(&self) -> &'static str {
        self.why.legal_ref()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaitingApproval {
    pub case: Arc<CaseRef>,
    pub kind: PendingKind,
    /// The day it was submitted.
    pub since: NaiveDate,
    pub days_waiting: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoContact {
    pub case: Arc<CaseRef>,
    pub last_contact: NaiveDate,
    /// The day closure trigger 6 applies.
    pub trigger_on: NaiveDate,
    /// Days until that day; negative once it has passed.
    pub days_left: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PostClosure {
    pub case: Arc<CaseRef>,
    pub due: NaiveDate,
    pub overdue: bool,
    pub why: Why,
}

impl PostClosure {
    /// Written when the line is shown.
    pub fn reason(&self) -> Localized {
        self.why.reason(self.due)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// `None` when the record belongs to no case of this caseload.
    pub case: Option<Arc<CaseRef>>,
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

#[derive(Clone, Debug, PartialEq)]
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
        approvals: Vec::new(),
        no_contact: Vec::new(),
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
    case_lines(input, &mut overview);
    overview
}

/// The lists' lines, case by case (a case's lines share one [`CaseRef`]), each list then sorted:
/// overdue visits, activities and reviews most overdue first; approvals longest waiting first; the
/// no-contact trigger soonest first; post-closure follow-ups by due day.
fn case_lines(input: &OversightInput<'_>, overview: &mut Oversight) {
    let horizon = input
        .today
        .checked_add_days(Days::new(u64::from(input.config.due_soon_days)))
        .unwrap_or(input.today);
    let mut found = Vec::new();
    for case in input.cases {
        case_follow_ups(case, input.today, input.config, &mut found);
        let mut shared: Option<Arc<CaseRef>> = None;
        let mut case_ref = || shared.get_or_insert_with(|| CaseRef::of(case)).clone();
        for follow_up in found.drain(..) {
            follow_up_line(follow_up, input.today, &mut case_ref, overview);
        }
        if let Some((kind, since)) = case.pending {
            overview.approvals.push(WaitingApproval {
                case: case_ref(),
                kind,
                since,
                days_waiting: (input.today - since).num_days(),
            });
        }
        let closing = !matches!(
            case.status,
            CaseStatus::Closed | CaseStatus::ClosureProposed
        );
        if closing
            && let Some((since, due)) = no_contact_due(case, input.config)
            && due <= horizon
        {
            overview.no_contact.push(NoContact {
                case: case_ref(),
                last_contact: since,
                trigger_on: due,
                days_left: (due - input.today).num_days(),
            });
        }
    }
    sort_lines(overview);
}

/// An overdue visit, activity or review, or a post-closure follow-up, as a line of its list.
fn follow_up_line(
    follow_up: FollowUp,
    today: NaiveDate,
    case_ref: &mut impl FnMut() -> Arc<CaseRef>,
    overview: &mut Oversight,
) {
    match follow_up.kind() {
        TaskKind::VisitDue | TaskKind::ActivityDue | TaskKind::ReviewDue if follow_up.overdue => {
            overview.overdue.push(Overdue {
                case: case_ref(),
                due: follow_up.due,
                days_overdue: (today - follow_up.due).num_days(),
                why: follow_up.why,
            });
        }
        TaskKind::PostClosureFollowUp => overview.post_closure.push(PostClosure {
            case: case_ref(),
            due: follow_up.due,
            overdue: follow_up.overdue,
            why: follow_up.why,
        }),
        _ => {}
    }
}

fn sort_lines(overview: &mut Oversight) {
    overview.overdue.sort_by(|a, b| {
        (b.days_overdue, &a.case.case_id, a.kind()).cmp(&(
            a.days_overdue,
            &b.case.case_id,
            b.kind(),
        ))
    });
    overview
        .approvals
        .sort_by(|a, b| (a.since, &a.case.case_id).cmp(&(b.since, &b.case.case_id)));
    overview
        .no_contact
        .sort_by(|a, b| (a.trigger_on, &a.case.case_id).cmp(&(b.trigger_on, &b.case.case_id)));
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
