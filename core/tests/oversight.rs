//! An approver's tablet oversees its area offline: the figures over its own store, the approval queue
//! (never the approver's own plan), decisions recorded offline for sync, and the refusals of the law.

mod common;

use common::{clocked_app, millis};

use chrono::NaiveDate;
use hoso_core::Error;
use hoso_core::actions::{Decision, NewCase};
use hoso_core::app::App;
use hoso_model::domain::lifecycle::{Action, CaseStatus};
use hoso_model::domain::snapshot::PendingKind;
use hoso_model::hlc::Hlc;
use hoso_model::merge::FieldState;
use hoso_model::op::{FieldOp, RecordKind};
use hoso_model::protocol::RemoteRecord;
use hoso_model::role::Role;
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

const KEY: &str = "7c1e3b5d7f9a0c2e4b6d8f0a3c1e5b7d9f1a3c5e7b9d0f2a7f3a9c0e5b2d4f6a";

struct Tablet {
    app: App,
    clock: Arc<AtomicU64>,
    _dir: tempfile::TempDir,
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

impl Tablet {
    fn new(day: &str) -> Tablet {
        let (app, clock, dir) = clocked_app(day, KEY);
        let tablet = Tablet {
            app,
            clock,
            _dir: dir,
        };
        tablet.as_user("ctv-mai", Role::Collaborator);
        tablet
    }

    fn on(&self, day: &str) {
        self.clock.store(millis(day), Ordering::SeqCst);
    }

    fn as_user(&self, user: &str, role: Role) {
        self.app.store.set_identity(user, role).unwrap();
    }

    /// A case with Mẫu 01–03 done and a plan filled, planning started, by whoever acts now.
    fn case_with_plan(&self, name: &str) -> (String, String) {
        let cases = &self.app.cases;
        let subject = cases
            .register_person(
                None,
                common::answers(
                    json!({"full_name": name, "birth_date": "1948-03-12", "sex": "female"}),
                ),
            )
            .unwrap();
        let case_id = cases
            .open_case(NewCase {
                subject_id: subject.record_id,
                household_id: None,
                commune_code: "25920".into(),
                province_code: "79".into(),
                facility_id: None,
                categories: vec!["ND20-D5-K5-a".into()],
            })
            .unwrap();
        let mut information = common::information_form();
        information.insert("subject.full_name".into(), json!(name));
        for (form, answers) in [
            ("TT02-M01", information),
            ("TT02-M02", common::needs_assessment()),
            ("TT02-M03", common::eligibility()),
        ] {
            let id = cases.start_form(&case_id, form).unwrap();
            cases.save_form(&id, answers).unwrap();
            cases.submit_form(&id).unwrap();
        }
        cases.act(&case_id, Action::StartPlanning).unwrap();
        let plan = cases.start_form(&case_id, "TT02-M04").unwrap();
        cases.save_form(&plan, common::plan()).unwrap();
        (case_id, plan)
    }

    fn submit(&self, case_id: &str, plan: &str) {
        self.app
            .cases
            .act(
                case_id,
                Action::SubmitPlan {
                    plan_id: plan.to_string(),
                },
            )
            .unwrap();
    }

    fn status(&self, case_id: &str) -> CaseStatus {
        self.app.cases.case_file(case_id).unwrap().status
    }
}

fn refusal(result: Result<(), Error>) -> String {
    match result {
        Err(Error::NotAllowed(message)) => message.vi,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn the_approval_queue_holds_what_waits_and_never_the_approvers_own_plan() {
    let tablet = Tablet::new("2026-11-05");
    let (mai_case, mai_plan) = tablet.case_with_plan("Nguyễn Thị Lan");
    tablet.submit(&mai_case, &mai_plan);
    tablet.as_user("chu-tich", Role::Approver);
    tablet.on("2026-11-08");
    let (own_case, own_plan) = tablet.case_with_plan("Trần Văn Tâm");
    tablet.submit(&own_case, &own_plan);

    tablet.on("2026-11-12");
    let figures = tablet.app.cases.oversight(day("2026-11-12")).unwrap();
    let waiting: Vec<(&str, i64)> = figures
        .approvals
        .iter()
        .map(|w| (w.case.subject_name.as_str(), w.days_waiting))
        .collect();
    assert_eq!(waiting, vec![("Nguyễn Thị Lan", 7), ("Trần Văn Tâm", 4)]);
    assert_eq!(figures.totals.by_step, [0, 2, 0, 0, 0]);

    let queue = tablet.app.cases.approval_queue(day("2026-11-12")).unwrap();
    assert_eq!(
        queue.len(),
        1,
        "the approver's own plan is not theirs to approve"
    );
    assert_eq!(queue[0].waiting.case.case_id, mai_case);
    assert_eq!(queue[0].waiting.kind, PendingKind::Plan);
    assert_eq!(queue[0].form_record_id, mai_plan);
    assert_eq!(queue[0].submitted_by.as_deref(), Some("ctv-mai"));

    let own = refusal(
        tablet
            .app
            .cases
            .decide_waiting(&own_case, Decision::Approve),
    );
    assert!(own.contains("tự phê duyệt"), "{own}");
    assert_eq!(tablet.status(&own_case), CaseStatus::PlanSubmitted);

    let queued_before = tablet.app.store.outbox_report().unwrap().pending_ops;
    tablet
        .app
        .cases
        .decide_waiting(&mai_case, Decision::Approve)
        .unwrap();
    assert_eq!(tablet.status(&mai_case), CaseStatus::InProgress);
    assert!(
        tablet.app.store.outbox_report().unwrap().pending_ops > queued_before,
        "the decision waits in the outbox to sync back"
    );
    assert!(
        tablet
            .app
            .cases
            .approval_queue(day("2026-11-12"))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_return_needs_a_comment_and_only_an_approver_decides() {
    let tablet = Tablet::new("2026-11-05");
    let (case_id, plan) = tablet.case_with_plan("Lê Thị Hoa");
    tablet.submit(&case_id, &plan);
    let collaborator = refusal(tablet.app.cases.decide_waiting(&case_id, Decision::Approve));
    assert!(
        collaborator.contains("Chủ tịch UBND cấp xã"),
        "{collaborator}"
    );
    assert!(
        tablet
            .app
            .cases
            .approval_queue(day("2026-11-06"))
            .unwrap()
            .is_empty(),
        "a collaborator has no approval queue"
    );
    tablet.as_user("chu-tich", Role::Approver);
    let blank = refusal(tablet.app.cases.decide_waiting(
        &case_id,
        Decision::Return {
            comment: "  ".into(),
        },
    ));
    assert!(blank.contains("lý do"), "{blank}");
    tablet
        .app
        .cases
        .decide_waiting(
            &case_id,
            Decision::Return {
                comment: "Bổ sung nguồn lực cho hoạt động 2".into(),
            },
        )
        .unwrap();
    assert_eq!(tablet.status(&case_id), CaseStatus::Planning);
    let file = tablet.app.cases.case_file(&case_id).unwrap();
    let returned = file.forms.iter().find(|f| f.id == plan).unwrap();
    assert_eq!(
        returned.text("returned_reason"),
        Some("Bổ sung nguồn lực cho hoạt động 2")
    );
    let nothing = refusal(tablet.app.cases.decide_waiting(&case_id, Decision::Approve));
    assert!(nothing.contains("chờ phê duyệt"), "{nothing}");
}

#[test]
fn a_case_of_another_area_is_not_on_the_tablet_to_approve() {
    let tablet = Tablet::new("2026-11-05");
    tablet.as_user("chu-tich", Role::Approver);
    let elsewhere = tablet
        .app
        .cases
        .decide_waiting("01890000-0000-7000-8000-0000000000aa", Decision::Approve);
    assert!(matches!(elsewhere, Err(Error::NotFound { .. })));
}

#[test]
fn conflicts_and_this_devices_backlog_show_in_the_oversight() {
    let tablet = Tablet::new("2026-11-05");
    let (case_id, _) = tablet.case_with_plan("Phạm Văn Nam");
    let version = |author: &str, node: u64, value: &str| FieldOp {
        op_id: hoso_model::op::new_id(),
        record_id: case_id.clone(),
        kind: RecordKind::Case,
        field: "a.note".into(),
        value: json!(value),
        hlc: Hlc {
            millis: millis("2026-11-05"),
            counter: 0,
            node,
        },
        supersedes: vec![],
        device_id: format!("device-{node}"),
        author: author.into(),
    };
    let mut state = FieldState::default();
    state.merge(&version("ctv-a", 1, "Gặp bà tại nhà"));
    state.merge(&version("ctv-b", 2, "Bà đi vắng"));
    tablet
        .app
        .store
        .apply_remote(
            vec![RemoteRecord {
                record_id: case_id.clone(),
                kind: RecordKind::Case,
                fields: vec![("a.note".into(), state)],
            }],
            &[],
        )
        .unwrap();
    let figures = tablet.app.cases.oversight(day("2026-11-05")).unwrap();
    assert_eq!(figures.conflicts.len(), 1);
    let conflict = &figures.conflicts[0];
    assert_eq!(conflict.case.as_ref().unwrap().subject_name, "Phạm Văn Nam");
    assert_eq!((conflict.field.as_str(), conflict.values), ("a.note", 2));

    let me = &figures.devices[0];
    assert_eq!(me.device.device_id, tablet.app.store.identity().device_id);
    assert!(me.device.pending_ops.unwrap() > 0, "nothing synced yet");
    assert_eq!(me.device.oldest_unsent_millis, Some(millis("2026-11-05")));
    assert!(me.quiet, "never synced");
}
