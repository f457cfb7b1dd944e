//! Cases described by what happened to them — opened, visited, planned, approved, referred, closed —
//! turned into the field ops a collaborator's and an approver's devices would have pushed, each op
//! stamped with the device clock of the day it happened and superseding the version before it. The
//! demo, the tests and the benchmarks push them through `Storage::push`, the real sync path, so the
//! server vets, merges and derives them as it would a phone's.

use chrono::{NaiveDate, NaiveTime};
use hoso_model::domain::closure::ClosureTrigger;
use hoso_model::domain::form_ids;
use hoso_model::domain::lifecycle::CaseStatus;
use hoso_model::domain::report::facts::REFERRAL_STATUS;
use hoso_model::hlc::{Hlc, node_of};
use hoso_model::op::{FieldOp, RecordKind, Value, new_id};
use hoso_model::schema::{ANSWER_PREFIX, fields, form_status};
use serde_json::json;
use std::collections::HashMap;

/// A device and its user, with the clock counter that keeps its HLCs unique.
pub struct Actor {
    pub device_id: String,
    pub user_id: String,
    node: u64,
    counter: u32,
}

impl Actor {
    pub fn new(device_id: &str, user_id: &str) -> Actor {
        Actor {
            device_id: device_id.to_string(),
            user_id: user_id.to_string(),
            node: node_of(device_id),
            counter: 0,
        }
    }
}

#[derive(Clone, Debug)]
pub struct PlanSeed {
    pub submitted_on: NaiveDate,
    /// `None`: still waiting for the approver.
    pub approved_on: Option<NaiveDate>,
    /// (title, end of its time frame, done)
    pub activities: Vec<(String, Option<NaiveDate>, bool)>,
}

#[derive(Clone, Debug)]
pub struct ClosureSeed {
    pub proposed_on: NaiveDate,
    pub trigger: ClosureTrigger,
    /// `None`: still waiting for the approver.
    pub approved_on: Option<NaiveDate>,
}

/// One case's story.
#[derive(Clone, Debug)]
pub struct CaseSeed {
    pub commune_code: String,
    pub province_code: String,
    pub subject_name: String,
    pub subject_birth: NaiveDate,
    pub subject_sex: &'static str,
    pub address: String,
    /// The case manager the chairman assigns on the opening day (a user id); none when `None`.
    pub manager: Option<String>,
    pub categories: Vec<String>,
    pub opened_on: NaiveDate,
    /// Planning started (Mẫu 01–03 done) on this day, with or without a plan yet.
    pub planning_on: Option<NaiveDate>,
    /// (visit day, next visit planned, note)
    pub visits: Vec<(NaiveDate, Option<NaiveDate>, String)>,
    /// In order: the first plan, then adjustments. Approved ones before a waiting one.
    pub plans: Vec<PlanSeed>,
    /// (referral day, service type, where it stands)
    pub referrals: Vec<(NaiveDate, &'static str, &'static str)>,
    pub closure: Option<ClosureSeed>,
}

/// The ids of the records a seed made.
#[derive(Clone, Debug)]
pub struct SeededCase {
    pub case_id: String,
    pub subject_id: String,
    pub household_id: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Who {
    Collaborator,
    Approver,
}

struct Event {
    day: NaiveDate,
    who: Who,
    record: String,
    kind: RecordKind,
    fields: Vec<(String, Value)>,
}

/// The events of one case, turned into ops in the order of their days.
struct Story {
    events: Vec<Event>,
}

impl Story {
    fn add(
        &mut self,
        day: NaiveDate,
        who: Who,
        record: &str,
        kind: RecordKind,
        fields: Vec<(&str, Value)>,
    ) {
        self.events.push(Event {
            day,
            who,
            record: record.to_string(),
            kind,
            fields: fields
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        });
    }

    /// The approver approves a form on `day`; `more` are the fields this kind of form also sets.
    fn approve_form(
        &mut self,
        day: NaiveDate,
        form: &str,
        approver: &str,
        more: Vec<(&str, Value)>,
    ) {
        let mut fields = vec![
            (fields::STATUS, json!(form_status::APPROVED)),
            (fields::APPROVED_BY, json!(approver)),
            (fields::APPROVED_AT, iso(day)),
        ];
        fields.extend(more);
        self.add(day, Who::Approver, form, RecordKind::Form, fields);
    }
}

fn iso(day: NaiveDate) -> Value {
    json!(day.format("%Y-%m-%d").to_string())
}

fn answer(name: &str) -> String {
    format!("{ANSWER_PREFIX}{name}")
}

impl CaseSeed {
    /// The ops of this case: the collaborator's (push them first: they create the records) and the
    /// approver's (approvals and closures).
    pub fn ops(
        &self,
        collaborator: &mut Actor,
        approver: &mut Actor,
    ) -> (SeededCase, Vec<FieldOp>, Vec<FieldOp>) {
        let seeded = SeededCase {
            case_id: new_id(),
            subject_id: new_id(),
            household_id: new_id(),
        };
        let mut story = Story { events: Vec::new() };
        self.intake(&mut story, &seeded, &collaborator.user_id);
        self.visits_and_referrals(&mut story, &seeded);
        let status = self.plans(
            &mut story,
            &seeded,
            &collaborator.user_id,
            &approver.user_id,
        );
        self.closure(
            &mut story,
            &seeded,
            status,
            &collaborator.user_id,
            &approver.user_id,
        );
        story.events.sort_by_key(|e| e.day);
        let (mine, theirs) = emit(story, collaborator, approver);
        (seeded, mine, theirs)
    }

    fn intake(&self, story: &mut Story, ids: &SeededCase, collaborator: &str) {
        let c = Who::Collaborator;
        let day = self.opened_on;
        story.add(
            day,
            c,
            &ids.household_id,
            RecordKind::Household,
            vec![
                (fields::COMMUNE_CODE, json!(self.commune_code)),
                (fields::PROVINCE_CODE, json!(self.province_code)),
                ("address", json!(self.address)),
            ],
        );
        story.add(
            day,
            c,
            &ids.subject_id,
            RecordKind::Person,
            vec![
                (fields::HOUSEHOLD_ID, json!(ids.household_id)),
                (fields::FULL_NAME, json!(self.subject_name)),
                (fields::BIRTH_DATE, iso(self.subject_birth)),
                (fields::SEX, json!(self.subject_sex)),
            ],
        );
        let case = vec![
            (fields::COMMUNE_CODE, json!(self.commune_code)),
            (fields::PROVINCE_CODE, json!(self.province_code)),
            (fields::SUBJECT_ID, json!(ids.subject_id)),
            (fields::HOUSEHOLD_ID, json!(ids.household_id)),
            (fields::CATEGORIES, json!(self.categories)),
            (fields::OPENED_ON, iso(day)),
            (fields::STATUS, json!(CaseStatus::Intake.as_str())),
        ];
        story.add(day, c, &ids.case_id, RecordKind::Case, case);
        if let Some(manager) = &self.manager {
            // Assigning the case manager is the chairman's decision (TT 02/2020 Điều 2.2).
            story.add(
                day,
                Who::Approver,
                &ids.case_id,
                RecordKind::Case,
                vec![(fields::MANAGER_ID, json!(manager))],
            );
        }
        if let Some(day) = self.planning_on {
            for form in [
                form_ids::INFORMATION,
                form_ids::NEEDS_ASSESSMENT,
                form_ids::ELIGIBILITY,
            ] {
                story.add(
                    day,
                    c,
                    &new_id(),
                    RecordKind::Form,
                    vec![
                        (fields::CASE_ID, json!(ids.case_id)),
                        (fields::FORM_ID, json!(form)),
                        (fields::FORM_VERSION, json!(1)),
                        (fields::STATUS, json!(form_status::SUBMITTED)),
                        (fields::SUBMITTED_AT, iso(day)),
                        (fields::SUBMITTED_BY, json!(collaborator)),
                    ],
                );
            }
            story.add(
                day,
                c,
                &ids.case_id,
                RecordKind::Case,
                vec![(fields::STATUS, json!(CaseStatus::Planning.as_str()))],
            );
        }
    }

    fn visits_and_referrals(&self, story: &mut Story, ids: &SeededCase) {
        let c = Who::Collaborator;
        for (day, next, note) in &self.visits {
            story.add(
                *day,
                c,
                &new_id(),
                RecordKind::Visit,
                vec![
                    (fields::CASE_ID, json!(ids.case_id)),
                    (fields::FORM_ID, json!(form_ids::PROGRESS)),
                    (fields::FORM_VERSION, json!(1)),
                    (fields::STATUS, json!(form_status::SUBMITTED)),
                    (fields::SUBMITTED_AT, iso(*day)),
                    (&answer("visit_date"), iso(*day)),
                    (&answer("met_with"), json!(["subject", "family"])),
                    (&answer("observations"), json!(note)),
                    (
                        &answer("next_visit_date"),
                        next.map(iso).unwrap_or(Value::Null),
                    ),
                ],
            );
        }
        for (day, service, status) in &self.referrals {
            story.add(
                *day,
                c,
                &new_id(),
                RecordKind::Referral,
                vec![
                    (fields::CASE_ID, json!(ids.case_id)),
                    (fields::FORM_ID, json!(form_ids::REFERRAL)),
                    (fields::FORM_VERSION, json!(1)),
                    (fields::STATUS, json!(form_status::SUBMITTED)),
                    (&answer("service_type"), json!(service)),
                    (&answer("provider_name"), json!("Trung tâm y tế khu vực")),
                    (&answer("referral_date"), iso(*day)),
                    (REFERRAL_STATUS, json!(status)),
                ],
            );
        }
    }

    /// Plans submitted and approved in turn; returns the case's status once the last one is done.
    fn plans(
        &self,
        story: &mut Story,
        ids: &SeededCase,
        collaborator: &str,
        approver: &str,
    ) -> CaseStatus {
        let mut status = if self.planning_on.is_some() {
            CaseStatus::Planning
        } else {
            CaseStatus::Intake
        };
        let mut current: Option<String> = None;
        for plan in &self.plans {
            let id = new_id();
            let activities: Vec<Value> = plan
                .activities
                .iter()
                .map(|(title, end, done)| {
                    json!({"activity": title, "priority": 1,
                    "start_date": iso(plan.submitted_on), "end_date": end.map(iso), "done": done})
                })
                .collect();
            let adjusting = current.is_some();
            let waiting = if adjusting {
                CaseStatus::AdjustmentSubmitted
            } else {
                CaseStatus::PlanSubmitted
            };
            let day = plan.submitted_on;
            story.add(
                day,
                Who::Collaborator,
                &id,
                RecordKind::Form,
                vec![
                    (fields::CASE_ID, json!(ids.case_id)),
                    (fields::FORM_ID, json!(form_ids::PLAN)),
                    (fields::FORM_VERSION, json!(1)),
                    (&answer("plan_date"), iso(day)),
                    (
                        &answer("objectives"),
                        json!("Ổn định cuộc sống, được chăm sóc y tế và hòa nhập cộng đồng"),
                    ),
                    (&answer("activities"), json!(activities)),
                    (fields::STATUS, json!(form_status::SUBMITTED)),
                    (fields::SUBMITTED_AT, iso(day)),
                    (fields::SUBMITTED_BY, json!(collaborator)),
                ],
            );
            story.add(
                day,
                Who::Collaborator,
                &ids.case_id,
                RecordKind::Case,
                vec![
                    (fields::STATUS, json!(waiting.as_str())),
                    (fields::PENDING_PLAN_ID, json!(id)),
                ],
            );
            status = waiting;
            let Some(approved) = plan.approved_on else {
                break;
            };
            story.approve_form(approved, &id, approver, Vec::new());
            if let Some(previous) = &current {
                story.add(
                    approved,
                    Who::Approver,
                    previous,
                    RecordKind::Form,
                    vec![(fields::STATUS, json!(form_status::SUPERSEDED))],
                );
            }
            story.add(
                approved,
                Who::Approver,
                &ids.case_id,
                RecordKind::Case,
                vec![
                    (fields::STATUS, json!(CaseStatus::InProgress.as_str())),
                    (fields::CURRENT_PLAN_ID, json!(id)),
                    (fields::PENDING_PLAN_ID, Value::Null),
                ],
            );
            current = Some(id);
            status = CaseStatus::InProgress;
        }
        status
    }

    fn closure(
        &self,
        story: &mut Story,
        ids: &SeededCase,
        before: CaseStatus,
        collaborator: &str,
        approver: &str,
    ) {
        let Some(closure) = &self.closure else {
            return;
        };
        let id = new_id();
        let day = closure.proposed_on;
        story.add(
            day,
            Who::Collaborator,
            &id,
            RecordKind::Form,
            vec![
                (fields::CASE_ID, json!(ids.case_id)),
                (fields::FORM_ID, json!(form_ids::CLOSURE)),
                (fields::FORM_VERSION, json!(1)),
                (&answer("closure_trigger"), json!(closure.trigger.code())),
                (
                    &answer("evaluation"),
                    json!("Đã đánh giá kết quả thực hiện kế hoạch cùng gia đình"),
                ),
                (fields::SIGNED_CASE_MANAGER, json!(true)),
                (fields::STATUS, json!(form_status::SUBMITTED)),
                (fields::SUBMITTED_AT, iso(day)),
                (fields::SUBMITTED_BY, json!(collaborator)),
            ],
        );
        story.add(
            day,
            Who::Collaborator,
            &ids.case_id,
            RecordKind::Case,
            vec![
                (fields::STATUS, json!(CaseStatus::ClosureProposed.as_str())),
                (fields::STATUS_BEFORE_CLOSURE, json!(before.as_str())),
                (fields::PENDING_CLOSURE_ID, json!(id)),
            ],
        );
        let Some(approved) = closure.approved_on else {
            return;
        };
        story.approve_form(
            approved,
            &id,
            approver,
            vec![(fields::SIGNED_APPROVER, json!(true))],
        );
        story.add(
            approved,
            Who::Approver,
            &ids.case_id,
            RecordKind::Case,
            vec![
                (fields::STATUS, json!(CaseStatus::Closed.as_str())),
                (fields::CLOSED_ON, iso(approved)),
                (fields::CLOSURE_TRIGGER, json!(closure.trigger.code())),
                (fields::PENDING_CLOSURE_ID, Value::Null),
            ],
        );
    }
}

/// Unix ms of a day at 09:00 in Vietnam, plus `step` seconds.
fn millis_of(day: NaiveDate, step: u64) -> u64 {
    let nine = NaiveTime::from_hms_opt(2, 0, 0).expect("02:00 UTC exists");
    let start = day.and_time(nine).and_utc().timestamp_millis();
    u64::try_from(start).unwrap_or_default() + step * 1_000
}

/// Makes the ops of a story: each field's op supersedes the version written before it.
fn emit(
    story: Story,
    collaborator: &mut Actor,
    approver: &mut Actor,
) -> (Vec<FieldOp>, Vec<FieldOp>) {
    let mut last: HashMap<(String, String), Hlc> = HashMap::new();
    let (mut mine, mut theirs) = (Vec::new(), Vec::new());
    let mut step = 0;
    for event in story.events {
        let (actor, out) = match event.who {
            Who::Collaborator => (&mut *collaborator, &mut mine),
            Who::Approver => (&mut *approver, &mut theirs),
        };
        for (field, value) in event.fields {
            step += 1;
            actor.counter += 1;
            let hlc = Hlc {
                millis: millis_of(event.day, step),
                counter: actor.counter,
                node: actor.node,
            };
            let key = (event.record.clone(), field.clone());
            let supersedes = last.insert(key, hlc).into_iter().collect();
            out.push(FieldOp {
                op_id: new_id(),
                record_id: event.record.clone(),
                kind: event.kind,
                field,
                value,
                hlc,
                supersedes,
                device_id: actor.device_id.clone(),
                author: actor.user_id.clone(),
            });
        }
    }
    (mine, theirs)
}

/// Two devices change the same field without seeing each other's change: both values are kept and
/// the field waits for someone to choose (what the dashboard lists as a conflict).
pub fn concurrent_edits(
    record_id: &str,
    kind: RecordKind,
    field: &str,
    day: NaiveDate,
    edits: [(&mut Actor, Value); 2],
) -> Vec<(String, FieldOp)> {
    let mut out = Vec::new();
    for (index, (actor, value)) in edits.into_iter().enumerate() {
        actor.counter += 1;
        out.push((
            actor.device_id.clone(),
            FieldOp {
                op_id: new_id(),
                record_id: record_id.to_string(),
                kind,
                field: field.to_string(),
                value,
                hlc: Hlc {
                    millis: millis_of(day, 1_000 + index as u64),
                    counter: actor.counter,
                    node: actor.node,
                },
                supersedes: Vec::new(),
                device_id: actor.device_id.clone(),
                author: actor.user_id.clone(),
            },
        ));
    }
    out
}

/// Batches of at most `limit` ops (the protocol's push size) that never split a case: a record a
/// push creates must be placed by the ops of that same push (`hoso_model::scope::refuse_new_records`),
/// so a case's first ops travel together.
pub fn batches(cases: Vec<Vec<FieldOp>>, limit: usize) -> Vec<Vec<FieldOp>> {
    let mut out: Vec<Vec<FieldOp>> = Vec::new();
    for case in cases {
        match out.last_mut() {
            Some(batch) if batch.len() + case.len() <= limit => batch.extend(case),
            _ => out.push(case),
        }
    }
    out
}
