//! Each action of the five steps, decided without a database: its refusals (with the law's reason) and
//! the changes it makes.

use super::*;
use crate::domain::form_ids::{CLOSURE, ELIGIBILITY, INFORMATION, NEEDS_ASSESSMENT, PLAN};
use crate::schema::form_status;
use serde_json::json;

const CASE: &str = "case";
const PLAN_ID: &str = "plan";
const OLD_PLAN: &str = "old-plan";
const CLOSURE_ID: &str = "closure";

fn record(id: &str, kind: RecordKind, fields: serde_json::Value) -> Record {
    Record {
        id: id.into(),
        kind,
        deleted: false,
        fields: serde_json::from_value(fields).expect("an object of fields"),
    }
}

fn case(fields: serde_json::Value) -> Record {
    record(CASE, RecordKind::Case, fields)
}

fn form(id: &str, form_id: &str, status: &str, extra: serde_json::Value) -> Record {
    let mut form = record(
        id,
        RecordKind::Form,
        json!({"case_id": CASE, "form_id": form_id, "status": status}),
    );
    form.fields.extend(
        serde_json::from_value::<std::collections::BTreeMap<String, Value>>(extra)
            .expect("an object of fields"),
    );
    form
}

struct World {
    case: Record,
    children: Vec<Record>,
    config: Config,
    role: Role,
    user: &'static str,
}

impl World {
    fn new(case: Record, children: Vec<Record>) -> World {
        World {
            case,
            children,
            config: Config::default(),
            role: Role::Collaborator,
            user: "ctv",
        }
    }

    fn by_the_approver(mut self) -> World {
        self.role = Role::Approver;
        self.user = "chu-tich";
        self
    }

    fn decide(&self, action: Action) -> Result<Vec<Change>, Localized> {
        let ctx = CaseContext {
            case: &self.case,
            children: &self.children,
            subject: None,
            role: self.role,
            user_id: self.user,
            today: NaiveDate::from_ymd_opt(2026, 11, 26).expect("a date"),
            config: &self.config,
        };
        decide(&action, &ctx)
    }
}

fn refused(result: Result<Vec<Change>, Localized>) -> Localized {
    result.expect_err("the law refuses this")
}

fn field<'a>(changes: &'a [Change], record: &str, name: &str) -> Option<&'a Value> {
    changes
        .iter()
        .filter(|c| c.record_id == record)
        .flat_map(|c| c.fields.iter())
        .find(|(f, _)| f == name)
        .map(|(_, v)| v)
}

fn step_one_forms(eligible: bool) -> Vec<Record> {
    vec![
        form("m01", INFORMATION, form_status::SUBMITTED, json!({})),
        form("m02", NEEDS_ASSESSMENT, form_status::SUBMITTED, json!({})),
        form(
            "m03",
            ELIGIBILITY,
            form_status::SUBMITTED,
            json!({"a.need_types": ["long_term"], "a.eligible_at_facility_or_locality": eligible}),
        ),
    ]
}

#[test]
fn provincial_staff_change_nothing() {
    let mut world = World::new(case(json!({"status": "intake"})), step_one_forms(true));
    world.role = Role::ProvincialOfficer;
    assert!(
        refused(world.decide(Action::StartPlanning))
            .vi
            .contains("cấp tỉnh")
    );
}

#[test]
fn a_case_without_a_valid_status_takes_no_action() {
    let world = World::new(case(json!({"status": "lost"})), vec![]);
    assert!(
        refused(world.decide(Action::StartPlanning))
            .en
            .contains("no valid status")
    );
}

#[test]
fn planning_waits_for_forms_01_to_03() {
    let world = World::new(
        case(json!({"status": "intake"})),
        step_one_forms(true)[..2].to_vec(),
    );
    let refusal = refused(world.decide(Action::StartPlanning));
    assert!(refusal.vi.contains("Mẫu số 03"), "{}", refusal.vi);
}

#[test]
fn planning_needs_a_subject_who_meets_the_criteria_of_form_03() {
    let world = World::new(case(json!({"status": "intake"})), step_one_forms(false));
    assert!(
        refused(world.decide(Action::StartPlanning))
            .vi
            .contains("Điều 6.1")
    );
}

#[test]
fn planning_starts_from_intake_only() {
    let world = World::new(case(json!({"status": "intake"})), step_one_forms(true));
    let changes = world
        .decide(Action::StartPlanning)
        .expect("planning starts");
    assert_eq!(field(&changes, CASE, "status"), Some(&json!("planning")));
    let late = World::new(case(json!({"status": "in_progress"})), step_one_forms(true));
    assert!(
        refused(late.decide(Action::StartPlanning))
            .vi
            .contains("Không thể")
    );
}

#[test]
fn a_submitted_plan_says_when_and_by_whom_and_waits_for_approval() {
    let plan = form(PLAN_ID, PLAN, form_status::DRAFT, json!({}));
    let world = World::new(case(json!({"status": "planning"})), vec![plan]);
    let plan_id = PLAN_ID.to_string();
    let changes = world
        .decide(Action::SubmitPlan { plan_id })
        .expect("submitted");
    assert_eq!(
        field(&changes, PLAN_ID, "status"),
        Some(&json!("submitted"))
    );
    assert_eq!(
        field(&changes, PLAN_ID, "submitted_by"),
        Some(&json!("ctv"))
    );
    assert_eq!(
        field(&changes, PLAN_ID, "submitted_at"),
        Some(&json!("2026-11-26"))
    );
    assert_eq!(
        field(&changes, CASE, "status"),
        Some(&json!("plan_submitted"))
    );
    assert_eq!(
        field(&changes, CASE, "pending_plan_id"),
        Some(&json!(PLAN_ID))
    );
}

#[test]
fn a_plan_is_submitted_once_and_only_from_the_case() {
    let submitted = form(PLAN_ID, PLAN, form_status::SUBMITTED, json!({}));
    let world = World::new(case(json!({"status": "planning"})), vec![submitted]);
    let again = world.decide(Action::SubmitPlan {
        plan_id: PLAN_ID.into(),
    });
    assert!(refused(again).en.contains("already submitted"));
    let foreign = world.decide(Action::SubmitPlan {
        plan_id: "elsewhere".into(),
    });
    assert!(refused(foreign).en.contains("not part of the case"));
}

#[test]
fn an_adjustment_is_proposed_while_the_plan_is_carried_out() {
    let draft = form(PLAN_ID, PLAN, form_status::DRAFT, json!({}));
    let world = World::new(case(json!({"status": "in_progress"})), vec![draft]);
    let changes = world
        .decide(Action::SubmitAdjustment {
            plan_id: PLAN_ID.into(),
        })
        .expect("proposed");
    assert_eq!(
        field(&changes, CASE, "status"),
        Some(&json!("adjustment_submitted"))
    );
    let planning = World::new(case(json!({"status": "planning"})), world.children.clone());
    let early = planning.decide(Action::SubmitAdjustment {
        plan_id: PLAN_ID.into(),
    });
    assert!(refused(early).vi.contains("điều chỉnh"));
}

fn waiting_plan(submitted_by: &str) -> World {
    let plan = form(
        PLAN_ID,
        PLAN,
        form_status::SUBMITTED,
        json!({"submitted_by": submitted_by}),
    );
    let old = form(OLD_PLAN, PLAN, form_status::APPROVED, json!({}));
    World::new(
        case(
            json!({"status": "adjustment_submitted", "pending_plan_id": PLAN_ID, "current_plan_id": OLD_PLAN}),
        ),
        vec![plan, old],
    )
}

#[test]
fn only_the_chairman_or_facility_head_approves() {
    let refusal = refused(waiting_plan("ctv").decide(Action::ApproveAdjustment {
        plan_id: PLAN_ID.into(),
    }));
    assert!(refusal.vi.contains("Chủ tịch UBND"), "{}", refusal.vi);
}

#[test]
fn nobody_approves_a_plan_they_submitted() {
    let world = waiting_plan("chu-tich").by_the_approver();
    let refusal = refused(world.decide(Action::ApproveAdjustment {
        plan_id: PLAN_ID.into(),
    }));
    assert!(refusal.en.contains("cannot approve it"), "{}", refusal.en);
}

#[test]
fn an_approved_adjustment_replaces_the_plan_in_force() {
    let world = waiting_plan("ctv").by_the_approver();
    let changes = world
        .decide(Action::ApproveAdjustment {
            plan_id: PLAN_ID.into(),
        })
        .expect("approved");
    assert_eq!(field(&changes, PLAN_ID, "status"), Some(&json!("approved")));
    assert_eq!(
        field(&changes, PLAN_ID, "approved_by"),
        Some(&json!("chu-tich"))
    );
    assert_eq!(
        field(&changes, OLD_PLAN, "status"),
        Some(&json!("superseded"))
    );
    assert_eq!(field(&changes, CASE, "status"), Some(&json!("in_progress")));
    assert_eq!(
        field(&changes, CASE, "current_plan_id"),
        Some(&json!(PLAN_ID))
    );
    assert_eq!(field(&changes, CASE, "pending_plan_id"), Some(&Value::Null));
}

#[test]
fn only_the_pending_plan_can_be_decided() {
    let world = waiting_plan("ctv").by_the_approver();
    let other = world.decide(Action::ApproveAdjustment {
        plan_id: OLD_PLAN.into(),
    });
    assert!(refused(other).vi.contains("Không thể"));
    let wrong_stage = world.decide(Action::ApprovePlan {
        plan_id: PLAN_ID.into(),
    });
    assert!(refused(wrong_stage).vi.contains("Không thể"));
}

#[test]
fn a_returned_plan_needs_a_reason_and_sends_the_case_back() {
    let world = waiting_plan("ctv").by_the_approver();
    let silent = world.decide(Action::ReturnAdjustment {
        plan_id: PLAN_ID.into(),
        reason: "  ".into(),
    });
    assert!(refused(silent).vi.contains("lý do"));
    let changes = world
        .decide(Action::ReturnAdjustment {
            plan_id: PLAN_ID.into(),
            reason: "Thiếu nguồn lực".into(),
        })
        .expect("returned");
    assert_eq!(field(&changes, PLAN_ID, "status"), Some(&json!("returned")));
    assert_eq!(
        field(&changes, PLAN_ID, "returned_reason"),
        Some(&json!("Thiếu nguồn lực"))
    );
    assert_eq!(field(&changes, CASE, "status"), Some(&json!("in_progress")));
}

fn closure_form(trigger: &str, signed: bool) -> Record {
    form(
        CLOSURE_ID,
        CLOSURE,
        form_status::DRAFT,
        json!({"a.closure_trigger": trigger, "a.signed_case_manager": signed,
               "a.signed_subject": true, "a.signed_family": true}),
    )
}

#[test]
fn closure_is_proposed_with_one_of_the_twelve_triggers_that_holds() {
    let open = case(json!({"status": "in_progress", "current_plan_id": OLD_PLAN}));
    let unknown = World::new(open.clone(), vec![closure_form("bored", true)]);
    let refusal = refused(unknown.decide(Action::ProposeClosure {
        closure_form_id: CLOSURE_ID.into(),
    }));
    assert!(refusal.vi.contains("12 lý do"));
    let too_soon = World::new(open.clone(), vec![closure_form("no_contact_1_month", true)]);
    let mut with_visit = too_soon.children.clone();
    with_visit.push(record(
        "v",
        RecordKind::Visit,
        json!({"case_id": CASE, "a.visit_date": "2026-11-20"}),
    ));
    let recent = World::new(open.clone(), with_visit);
    let refusal = refused(recent.decide(Action::ProposeClosure {
        closure_form_id: CLOSURE_ID.into(),
    }));
    assert!(refusal.en.contains("less than 1 month"), "{}", refusal.en);
    let achieved = World::new(open, vec![closure_form("objectives_achieved", true)]);
    let changes = achieved
        .decide(Action::ProposeClosure {
            closure_form_id: CLOSURE_ID.into(),
        })
        .expect("proposed");
    assert_eq!(
        field(&changes, CASE, "status"),
        Some(&json!("closure_proposed"))
    );
    assert_eq!(
        field(&changes, CASE, "status_before_closure"),
        Some(&json!("in_progress"))
    );
    assert_eq!(
        field(&changes, CLOSURE_ID, "submitted_by"),
        Some(&json!("ctv"))
    );
}

fn proposed(signed: bool) -> World {
    let mut closure = closure_form("objectives_achieved", signed);
    closure
        .fields
        .insert("status".into(), json!(form_status::SUBMITTED));
    World::new(
        case(
            json!({"status": "closure_proposed", "pending_closure_id": CLOSURE_ID, "status_before_closure": "in_progress"}),
        ),
        vec![closure],
    )
}

#[test]
fn closure_is_approved_on_a_record_the_case_manager_signed() {
    let unsigned = proposed(false).by_the_approver();
    assert!(
        refused(unsigned.decide(Action::ApproveClosure))
            .vi
            .contains("chữ ký")
    );
    assert!(
        refused(proposed(true).decide(Action::ApproveClosure))
            .vi
            .contains("Chủ tịch")
    );
    let changes = proposed(true)
        .by_the_approver()
        .decide(Action::ApproveClosure)
        .expect("closed");
    assert_eq!(field(&changes, CASE, "status"), Some(&json!("closed")));
    assert_eq!(
        field(&changes, CASE, "closed_on"),
        Some(&json!("2026-11-26"))
    );
    assert_eq!(
        field(&changes, CASE, "closure_trigger"),
        Some(&json!("objectives_achieved"))
    );
    assert_eq!(
        field(&changes, CLOSURE_ID, "a.signed_approver"),
        Some(&json!(true))
    );
}

#[test]
fn a_returned_closure_puts_the_case_back_at_its_step() {
    let changes = proposed(true)
        .by_the_approver()
        .decide(Action::ReturnClosure {
            reason: "Chưa họp thống nhất".into(),
        })
        .expect("returned");
    assert_eq!(field(&changes, CASE, "status"), Some(&json!("in_progress")));
    assert_eq!(
        field(&changes, CLOSURE_ID, "status"),
        Some(&json!("returned"))
    );
}

#[test]
fn a_closure_record_carries_the_subjects_and_familys_signatures_or_why_not() {
    let mut world = proposed(true).by_the_approver();
    world.children[0]
        .fields
        .insert("a.signed_family".into(), json!(false));
    let refusal = refused(world.decide(Action::ApproveClosure));
    assert!(refusal.vi.contains("lý do họ không ký"), "{}", refusal.vi);
    world.children[0].fields.insert(
        "a.unsigned_reason".into(),
        json!("Gia đình ở xa, không về dự họp"),
    );
    assert!(world.decide(Action::ApproveClosure).is_ok());
}

#[test]
fn the_chairman_assigns_the_case_manager_and_can_replace_them() {
    let open = World::new(case(json!({"status": "in_progress"})), vec![]);
    let assign = |world: &World| {
        world.decide(Action::AssignManager {
            user_id: "ctv-lan".into(),
        })
    };
    assert!(refused(assign(&open)).vi.contains("Chủ tịch UBND cấp xã"));
    let changes = assign(&open.by_the_approver()).expect("assigned");
    assert_eq!(field(&changes, CASE, "manager_id"), Some(&json!("ctv-lan")));
    assert_eq!(
        field(&changes, CASE, "assigned_on"),
        Some(&json!("2026-11-26"))
    );
    let closed = World::new(case(json!({"status": "closed"})), vec![]).by_the_approver();
    assert!(refused(assign(&closed)).vi.contains("Không thể"));
}

#[test]
fn a_closed_case_reopens_on_relapse_with_the_reason_and_resumes_its_plan() {
    let closed = World::new(
        case(
            json!({"status": "closed", "closed_on": "2026-06-01", "current_plan_id": OLD_PLAN,
                    "closure_trigger": "objectives_achieved"}),
        ),
        vec![],
    );
    let silent = closed.decide(Action::Reopen { reason: " ".into() });
    assert!(refused(silent).vi.contains("lý do"));
    let changes = closed
        .decide(Action::Reopen {
            reason: "Tái phát bệnh, gia đình không chăm sóc được".into(),
        })
        .expect("reopened");
    assert_eq!(field(&changes, CASE, "status"), Some(&json!("in_progress")));
    assert_eq!(
        field(&changes, CASE, "reopened_on"),
        Some(&json!("2026-11-26"))
    );
    assert_eq!(field(&changes, CASE, "closed_on"), Some(&Value::Null));
    let open = World::new(case(json!({"status": "in_progress"})), vec![]);
    assert!(
        refused(open.decide(Action::Reopen { reason: "x".into() }))
            .vi
            .contains("Không thể")
    );
}
