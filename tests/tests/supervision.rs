//! The approver's tablet against a real `hoso-server`: a collaborator's plan reaches the chairman's
//! approval queue, is approved offline and syncs back to the collaborator; the tablet learns from its
//! pull how the area's phones sync; the server refuses approvals by the wrong role, from the wrong
//! area, and of one's own plan, even from a device that skips its own checks.

use chrono::NaiveDate;
use hoso_core::actions::{Decision, NewCase};
use hoso_model::area::AreaKind;
use hoso_model::domain::lifecycle::{Action, CaseStatus};
use hoso_model::forms::Answers;
use hoso_model::hlc::{Hlc, node_of, system_now_millis};
use hoso_model::op::{FieldOp, RecordKind, new_id};
use hoso_model::protocol::{PushRequest, PushResponse, ReceiptStatus};
use hoso_model::role::Role;
use hoso_tests::{Device, Server, commune, province};
use serde_json::json;

fn answers(value: serde_json::Value) -> Answers {
    serde_json::from_value(value).unwrap()
}

/// A case with Mẫu 01–03 completed, planning started and a plan filled, on `device`.
fn case_with_plan(device: &Device, name: &str) -> (String, String) {
    let cases = &device.cases;
    let today = device.store.today().to_string();
    let subject = cases
        .register_person(
            None,
            answers(json!({"full_name": name, "birth_date": "1950-02-03", "sex": "female"})),
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
    for (form, filled) in [
        (
            "TT02-M01",
            json!({"subject.full_name": name, "subject.birth_date": "1950-02-03",
            "subject.sex": "female", "subject.address": "Thôn 2", "subject.categories": ["ND20-D5-K5-a"],
            "subject_needs": "Khám bệnh", "current_state": "Ổn định", "household.head_name": name,
            "household.address": "Thôn 2", "relationship_to_head": "Chủ hộ", "household.member_count": 1,
            "care_capacity": "Sống một mình", "has_guardian": false}),
        ),
        (
            "TT02-M02",
            json!({"assessment_date": today, "assessed_with": ["subject"], "summary": "Cần hỗ trợ y tế"}),
        ),
        (
            "TT02-M03",
            json!({"need_types": ["long_term"], "voluntary": true,
            "eligible_at_facility_or_locality": true, "determined_on": today}),
        ),
    ] {
        let id = cases.start_form(&case_id, form).unwrap();
        let issues = cases.save_form(&id, answers(filled)).unwrap();
        assert!(issues.is_empty(), "{form}: {issues:?}");
        cases.submit_form(&id).unwrap();
    }
    cases.act(&case_id, Action::StartPlanning).unwrap();
    let plan = cases.start_form(&case_id, "TT02-M04").unwrap();
    let issues = cases
        .save_form(
            &plan,
            answers(json!({"plan_date": today, "objectives": "Được khám và có người trông nom",
                "activities": [{"activity": "Khám tại trạm y tế", "priority": 1, "start_date": today,
                                "end_date": today, "responsible": "Cộng tác viên"}],
                "responsibilities": "Gia đình đưa đi khám"})),
        )
        .unwrap();
    assert!(issues.is_empty(), "plan: {issues:?}");
    cases
        .act(
            &case_id,
            Action::SubmitPlan {
                plan_id: plan.clone(),
            },
        )
        .unwrap();
    (case_id, plan)
}

fn setup() -> Server {
    let server = Server::start();
    server.create_area(AreaKind::Commune, "25920", "Phường Tân Hiệp");
    server.create_area(AreaKind::Commune, "25777", "Xã Dầu Tiếng");
    server.create_area(AreaKind::Province, "79", "Thành phố Hồ Chí Minh");
    server
}

fn today(device: &Device) -> NaiveDate {
    device.store.today()
}

#[test]
fn a_plan_approved_offline_on_the_chairmans_tablet_reaches_the_collaborator() {
    let server = setup();
    let mai = server.device("mai", Role::Collaborator, commune("25920"));
    let chair = server.device("chu-tich", Role::Approver, commune("25920"));
    let (case_id, plan) = case_with_plan(&mai, "Nguyễn Thị Lan");
    mai.sync.sync_now().unwrap();
    chair.sync.sync_now().unwrap();

    let queue = chair.cases.approval_queue(today(&chair)).unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].form_record_id, plan);
    assert_eq!(queue[0].waiting.case.subject_name, "Nguyễn Thị Lan");
    let devices = chair.cases.oversight(today(&chair)).unwrap().devices;
    let phone = devices
        .iter()
        .find(|d| d.device.device_id == mai.store.identity().device_id)
        .expect("the tablet knows the collaborator's phone from its pull");
    assert_eq!(
        phone.device.pending_ops,
        Some(0),
        "the phone reported an empty outbox"
    );
    assert!(phone.device.last_sync_millis.is_some());

    // No network: the decision waits on the tablet.
    chair
        .cases
        .decide_waiting(&case_id, Decision::Approve)
        .unwrap();
    assert!(chair.store.outbox_report().unwrap().pending_ops > 0);
    chair.sync.sync_now().unwrap();
    mai.sync.sync_now().unwrap();
    let file = mai.cases.case_file(&case_id).unwrap();
    assert_eq!(file.status, CaseStatus::InProgress);
    assert_eq!(file.case.text("current_plan_id"), Some(plan.as_str()));
}

fn token(device: &Device) -> String {
    device
        .store
        .meta(hoso_core::store::meta_keys::DEVICE_TOKEN)
        .unwrap()
        .unwrap()
}

/// An approval pushed as raw ops, as a device that skips its own checks would.
fn forged_approval(server: &Server, device: &Device, plan: &str) -> (String, String) {
    let identity = device.store.identity();
    let op = FieldOp {
        op_id: new_id(),
        record_id: plan.to_string(),
        kind: RecordKind::Form,
        field: "status".into(),
        value: json!("approved"),
        hlc: Hlc {
            millis: system_now_millis(),
            counter: 0,
            node: node_of(&identity.device_id),
        },
        supersedes: vec![],
        device_id: identity.device_id,
        author: identity.user_id.unwrap(),
    };
    let response: PushResponse = reqwest::blocking::Client::new()
        .post(format!("{}/v1/push", server.url))
        .bearer_auth(token(device))
        .json(&PushRequest {
            ops: vec![op],
            outbox: None,
        })
        .send()
        .unwrap()
        .json()
        .unwrap();
    let receipt = &response.receipts[0];
    assert_eq!(receipt.status, ReceiptStatus::Rejected);
    (
        receipt.code.clone().unwrap(),
        receipt.reason.clone().unwrap().vi,
    )
}

#[test]
fn the_server_refuses_approvals_by_the_wrong_role_area_or_by_the_plans_author() {
    let server = setup();
    let chair = server.device("chu-tich", Role::Approver, commune("25920"));
    let other_chair = server.device("chu-tich-dau-tieng", Role::Approver, commune("25777"));
    let mai = server.device("mai", Role::Collaborator, commune("25920"));
    let officer = server.device("so-y-te", Role::ProvincialOfficer, province("79"));
    let (_, own_plan) = case_with_plan(&chair, "Trần Văn Tâm");
    chair.sync.sync_now().unwrap();

    let (code, reason) = forged_approval(&server, &chair, &own_plan);
    assert_eq!(code, "not_allowed");
    assert!(reason.contains("tự phê duyệt"), "{reason}");
    let (_, reason) = forged_approval(&server, &mai, &own_plan);
    assert!(reason.contains("Chủ tịch UBND cấp xã"), "{reason}");
    let (code, _) = forged_approval(&server, &other_chair, &own_plan);
    assert_eq!(code, "out_of_scope");
    let (_, reason) = forged_approval(&server, &officer, &own_plan);
    assert!(reason.contains("chỉ được xem"), "{reason}");
}
