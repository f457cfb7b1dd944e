//! A case reduced to what follow-ups and caseload lists need. Derived from records by a pure function;
//! the store keeps one per case, refreshed when any of the case's records changes, so that a
//! caseload of thousands is listed without reading every visit.

use super::date_of;
use super::form_ids::{DATA_REQUEST, HANDOVER, PLAN, PROGRESS};
use super::lifecycle::CaseStatus;
use crate::op::{RecordKind, Value};
use crate::record::Record;
use crate::schema::{fields, form_status};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    pub title: String,
    #[serde(default, with = "super::stored_day::opt")]
    pub start: Option<NaiveDate>,
    #[serde(default, with = "super::stored_day::opt")]
    pub end: Option<NaiveDate>,
    pub done: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PendingKind {
    Plan,
    Adjustment,
    Closure,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseSnapshot {
    pub case_id: String,
    pub subject_name: String,
    pub status: CaseStatus,
    /// The case manager: the one assigned, or until then whoever opened the case (TT 02/2020 Điều 2.2).
    pub manager_id: Option<String>,
    pub commune_code: Option<String>,
    #[serde(default, with = "super::stored_day::opt")]
    pub opened_on: Option<NaiveDate>,
    #[serde(default, with = "super::stored_day::opt")]
    pub subject_birth: Option<NaiveDate>,
    pub studying: bool,
    #[serde(default, with = "super::stored_day::opt")]
    pub last_visit: Option<NaiveDate>,
    #[serde(default, with = "super::stored_day::opt")]
    pub next_visit: Option<NaiveDate>,
    #[serde(default, with = "super::stored_day::opt")]
    pub plan_approved_on: Option<NaiveDate>,
    pub activities: Vec<Activity>,
    pub pending: Option<(PendingKind, NaiveDate)>,
    #[serde(default, with = "super::stored_day::opt")]
    pub last_review: Option<NaiveDate>,
    #[serde(default, with = "super::stored_day::opt")]
    pub closed_on: Option<NaiveDate>,
    /// Day of the hand-over back to the family or community (TT 02 Điều 10.1).
    #[serde(default, with = "super::stored_day::opt")]
    pub returned_on: Option<NaiveDate>,
    /// The closure trigger code of a closed case (`died_or_missing` ends every follow-up).
    pub closure_trigger: Option<String>,
    /// The data subject's requests recorded on the case (Luật 91/2025).
    pub data_requests: Vec<DataRequest>,
}

/// A data subject's request to see, correct or restrict their data, as the follow-ups need it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DataRequest {
    pub record_id: String,
    #[serde(with = "super::stored_day")]
    pub received: NaiveDate,
    #[serde(default, with = "super::stored_day::opt")]
    pub answered: Option<NaiveDate>,
}

/// The only fields of a case's child records that [`snapshot`] reads: the store loads just these when it
/// refreshes a summary, so long visit notes are not read back on every change. A test compares the
/// stored summary with one computed from whole records.
pub const CHILD_FIELDS: &[&str] = &[
    "form_id",
    "status",
    "submitted_at",
    "approved_at",
    "a.visit_date",
    "a.next_visit_date",
    "a.activities",
    "a.completed_activities",
    "a.evaluation_results",
    "a.handover_date",
    "a.received_date",
    "a.answered_date",
];

fn data_requests(children: &[Record]) -> Vec<DataRequest> {
    children
        .iter()
        .filter(|r| r.text("form_id") == Some(DATA_REQUEST) && !r.deleted)
        .filter_map(|r| {
            Some(DataRequest {
                record_id: r.id.clone(),
                received: date_of(r.fields.get("a.received_date"))?,
                answered: date_of(r.fields.get("a.answered_date")),
            })
        })
        .collect()
}

/// Plan activities the progress notes (Mẫu 05) record as done: done needs no new approval of the plan
/// (TT 02/2020 Điều 7.3.b, c).
fn completed_in_progress_notes<'a>(visits: &[&'a Record]) -> std::collections::HashSet<&'a str> {
    visits
        .iter()
        .filter_map(|v| v.fields.get("a.completed_activities"))
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

fn text(record: &Record, field: &str) -> Option<String> {
    record.text(field).map(str::to_string)
}

pub fn snapshot(case: &Record, subject: Option<&Record>, children: &[Record]) -> CaseSnapshot {
    let status = case
        .text("status")
        .and_then(CaseStatus::parse)
        .unwrap_or(CaseStatus::Intake);
    let visits: Vec<&Record> = children
        .iter()
        .filter(|r| r.kind == RecordKind::Visit && !r.deleted)
        .collect();
    let latest_visit = visits
        .iter()
        .copied()
        .max_by_key(|v| (date_of(v.fields.get("a.visit_date")), v.id.clone()));
    let plan = case
        .text("current_plan_id")
        .and_then(|id| children.iter().find(|r| r.id == id));
    let completed = completed_in_progress_notes(&visits);
    let activities = plan
        .and_then(|p| p.fields.get("a.activities"))
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .map(|item| {
                    let title = item
                        .get("activity")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string();
                    let marked = item.get("done").and_then(Value::as_bool).unwrap_or(false);
                    Activity {
                        done: marked || completed.contains(title.as_str()),
                        title,
                        start: date_of(item.get("start_date")),
                        end: date_of(item.get("end_date")),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let since = |id: Option<&str>| {
        id.and_then(|id| children.iter().find(|r| r.id == id))
            .and_then(|r| date_of(r.fields.get("submitted_at")))
    };
    let pending = match status {
        CaseStatus::PlanSubmitted => {
            since(case.text("pending_plan_id")).map(|d| (PendingKind::Plan, d))
        }
        CaseStatus::AdjustmentSubmitted => {
            since(case.text("pending_plan_id")).map(|d| (PendingKind::Adjustment, d))
        }
        CaseStatus::ClosureProposed => {
            since(case.text("pending_closure_id")).map(|d| (PendingKind::Closure, d))
        }
        _ => None,
    };
    // A review is a progress record (Mẫu 05) that evaluates the plan, or an approved adjustment.
    let last_review = children
        .iter()
        .filter(|r| {
            (r.text("form_id") == Some(PROGRESS) && r.text("a.evaluation_results").is_some())
                || (r.text("form_id") == Some(PLAN)
                    && r.text("status") == Some(form_status::APPROVED))
        })
        .filter_map(|r| {
            date_of(r.fields.get("a.visit_date")).or_else(|| date_of(r.fields.get("approved_at")))
        })
        .max();
    CaseSnapshot {
        case_id: case.id.clone(),
        subject_name: subject
            .and_then(|s| text(s, "full_name"))
            .unwrap_or_default(),
        status,
        manager_id: text(case, fields::MANAGER_ID).or_else(|| text(case, fields::OPENED_BY)),
        commune_code: text(case, "commune_code"),
        opened_on: date_of(case.fields.get("opened_on")),
        subject_birth: subject.and_then(|s| date_of(s.fields.get("birth_date"))),
        studying: subject
            .and_then(|s| s.fields.get("studying"))
            .and_then(Value::as_bool)
            .unwrap_or(false),
        last_visit: latest_visit.and_then(|v| date_of(v.fields.get("a.visit_date"))),
        next_visit: latest_visit.and_then(|v| date_of(v.fields.get("a.next_visit_date"))),
        plan_approved_on: plan.and_then(|p| date_of(p.fields.get("approved_at"))),
        activities,
        pending,
        last_review,
        closed_on: date_of(case.fields.get("closed_on")),
        returned_on: children
            .iter()
            .filter(|r| r.text("form_id") == Some(HANDOVER))
            .filter_map(|r| date_of(r.fields.get("a.handover_date")))
            .max(),
        closure_trigger: text(case, "closure_trigger"),
        data_requests: data_requests(children),
    }
}
