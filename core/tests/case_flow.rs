//! A case through the five steps of TT 02/2020, as a collaborator and the commune chairman live it.

mod common;

use common::{clocked_app, millis};

use chrono::NaiveDate;
use hoso_core::Error;
use hoso_core::actions::NewCase;
use hoso_core::app::App;
use hoso_model::domain::followup::TaskKind;
use hoso_model::domain::lifecycle::{Action, CaseStatus};
use hoso_model::role::Role;
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

const KEY: &str = "5e7b9d0f2a7f3a9c0e5b2d4f6a8c1e3b5d7f9a0c2e4b6d8f0a3c1e5b7d9f1a3c";

struct Phone {
    app: App,
    clock: Arc<AtomicU64>,
    _dir: tempfile::TempDir,
}

impl Phone {
    fn new(day: &str) -> Phone {
        let (app, clock, dir) = clocked_app(day, KEY);
        app.store
            .set_identity("ctv-mai", Role::Collaborator)
            .unwrap();
        Phone {
            app,
            clock,
            _dir: dir,
        }
    }

    fn on(&self, day: &str) {
        self.clock.store(millis(day), Ordering::SeqCst);
    }

    fn as_chairman(&self) {
        self.app
            .store
            .set_identity("chu-tich-xa", Role::Approver)
            .unwrap();
    }

    fn as_collaborator(&self) {
        self.app
            .store
            .set_identity("ctv-mai", Role::Collaborator)
            .unwrap();
    }

    fn status(&self, case_id: &str) -> CaseStatus {
        self.app.cases.case_file(case_id).unwrap().status
    }

    fn open_case(&self) -> String {
        let subject = self
            .app
            .cases.register_person(None, common::answers(json!({"full_name": "Nguyễn Thị Lan", "birth_date": "1948-03-12", "sex": "female"})))
            .unwrap();
        self.app
            .cases
            .open_case(NewCase {
                subject_id: subject.record_id,
                household_id: None,
                commune_code: "25920".into(),
                province_code: "79".into(),
                facility_id: None,
                categories: vec!["ND20-D5-K5-a".into()],
            })
            .unwrap()
    }

    fn complete(
        &self,
        case_id: &str,
        form_id: &str,
        answers: hoso_model::forms::Answers,
    ) -> String {
        let id = self.app.cases.start_form(case_id, form_id).unwrap();
        assert_eq!(
            self.app.cases.save_form(&id, answers).unwrap(),
            vec![],
            "{form_id} is complete"
        );
        self.app.cases.submit_form(&id).unwrap();
        id
    }
}

fn refused_vi(result: Result<(), Error>) -> String {
    match result {
        Err(Error::NotAllowed(message)) => message.vi,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_case_goes_through_the_five_steps_and_its_timeline_shows_each() {
    let phone = Phone::new("2026-11-04");
    let case_id = phone.open_case();
    assert_eq!(phone.status(&case_id), CaseStatus::Intake);

    // Step 1: information, needs, screening.
    let m01 = phone.complete(&case_id, "TT02-M01", common::information_form());
    let file = phone.app.cases.case_file(&case_id).unwrap();
    let subject = file.subject.unwrap();
    assert_eq!(
        subject.text("citizen_id"),
        Some("079148012345"),
        "Mẫu 01 identity lands on the person record"
    );
    assert_eq!(
        file.household.unwrap().text("head_name"),
        Some("Nguyễn Thị Lan"),
        "a household was created for it"
    );
    assert_eq!(
        phone.app.store.search("tran van binh", 5).unwrap().len(),
        1,
        "the guardian is a searchable person"
    );
    assert!(phone.app.cases.open_form(&m01).unwrap().orphaned.is_empty());
    let early = refused_vi(phone.app.cases.act(&case_id, Action::StartPlanning));
    assert!(early.contains("Mẫu số 02"), "{early}");
    phone.complete(&case_id, "TT02-M02", common::needs_assessment());
    phone.complete(&case_id, "TT02-M03", common::eligibility());
    phone
        .app
        .cases
        .act(&case_id, Action::StartPlanning)
        .unwrap();

    // Step 2: the plan, submitted and approved by the chairman only.
    phone.on("2026-11-05");
    let plan = phone.app.cases.start_form(&case_id, "TT02-M04").unwrap();
    phone.app.cases.save_form(&plan, common::plan()).unwrap();
    let self_approval = refused_vi(phone.app.cases.act(
        &case_id,
        Action::ApprovePlan {
            plan_id: plan.clone(),
        },
    ));
    assert!(
        self_approval.contains("Chủ tịch UBND cấp xã"),
        "{self_approval}"
    );
    phone
        .app
        .cases
        .act(
            &case_id,
            Action::SubmitPlan {
                plan_id: plan.clone(),
            },
        )
        .unwrap();
    assert_eq!(phone.status(&case_id), CaseStatus::PlanSubmitted);
    assert_summary_matches_the_whole_case(&phone, &case_id);
    let waiting = phone
        .app
        .cases
        .follow_ups(NaiveDate::from_ymd_opt(2026, 11, 6).unwrap())
        .unwrap();
    assert!(
        waiting.iter().any(|t| t.kind == TaskKind::ApprovalWaiting
            && t.case_id.as_deref() == Some(case_id.as_str()))
    );
    phone.as_chairman();
    phone
        .app
        .cases
        .act(
            &case_id,
            Action::ApprovePlan {
                plan_id: plan.clone(),
            },
        )
        .unwrap();
    phone.as_collaborator();
    assert_eq!(phone.status(&case_id), CaseStatus::InProgress);
    let edit = phone.app.cases.save_form(&plan, common::plan());
    assert!(
        matches!(edit, Err(Error::NotAllowed(_))),
        "an approved plan cannot be edited in place"
    );

    // Step 3: visits and a referral.
    phone.on("2026-11-15");
    phone
        .app
        .cases
        .record_visit(&case_id, common::visit("2026-11-15", "2026-11-29"))
        .unwrap();
    let referral = phone
        .app
        .cases
        .add_referral(&case_id, common::referral())
        .unwrap();
    let unconsented = refused_vi(phone.app.cases.update_referral(&referral, "sent"));
    assert!(unconsented.contains("Điều 9.2"), "{unconsented}");
    // The subject consents with the collaborator; the chairman adds his own consent (Điều 9.2).
    let mut subject_consent = common::consent();
    subject_consent.remove("approver_consent");
    phone
        .app
        .cases
        .record_consent(&case_id, subject_consent)
        .unwrap();
    phone.as_chairman();
    phone
        .app
        .cases
        .record_consent(&case_id, common::consent())
        .unwrap();
    phone.as_collaborator();
    phone.app.cases.update_referral(&referral, "sent").unwrap();
    let backwards = phone.app.cases.update_referral(&referral, "proposed");
    assert!(matches!(backwards, Err(Error::NotAllowed(m)) if m.vi.contains("đã gửi")));

    // Step 4: an adjustment, approved again; the old plan is superseded.
    let adjusted = phone.app.cases.start_adjustment(&case_id).unwrap();
    phone
        .app
        .cases
        .act(
            &case_id,
            Action::SubmitAdjustment {
                plan_id: adjusted.clone(),
            },
        )
        .unwrap();
    assert_eq!(phone.status(&case_id), CaseStatus::AdjustmentSubmitted);
    phone.as_chairman();
    phone
        .app
        .cases
        .act(
            &case_id,
            Action::ApproveAdjustment {
                plan_id: adjusted.clone(),
            },
        )
        .unwrap();
    phone.as_collaborator();
    assert_summary_matches_the_whole_case(&phone, &case_id);
    let file = phone.app.cases.case_file(&case_id).unwrap();
    assert_eq!(file.case.text("current_plan_id"), Some(adjusted.as_str()));
    let old_plan = file.forms.iter().find(|f| f.id == plan).unwrap();
    assert_eq!(old_plan.text("status"), Some("superseded"));

    // Step 5: closure proposed, approved, handed over, followed up.
    phone.on("2026-11-20");
    let closure = phone.app.cases.start_form(&case_id, "TT02-M06").unwrap();
    phone
        .app
        .cases
        .save_form(&closure, common::closure())
        .unwrap();
    phone
        .app
        .cases
        .act(
            &case_id,
            Action::ProposeClosure {
                closure_form_id: closure.clone(),
            },
        )
        .unwrap();
    phone.as_chairman();
    phone
        .app
        .cases
        .act(&case_id, Action::ApproveClosure)
        .unwrap();
    phone.as_collaborator();
    assert_eq!(phone.status(&case_id), CaseStatus::Closed);
    phone.on("2026-11-21");
    let handover = phone
        .app
        .cases
        .start_form(&case_id, "TT02-HANDOVER")
        .unwrap();
    let unconfirmed = phone
        .app
        .cases
        .save_form(&handover, common::handover())
        .map(|_| ());
    assert!(
        refused_vi(unconfirmed).contains("Điều 9.2, 10.1"),
        "only the facility head confirms a hand-over"
    );
    phone.as_chairman();
    phone.complete(&case_id, "TT02-HANDOVER", common::handover());
    phone.as_collaborator();
    let refused = phone.app.cases.start_form(&case_id, "TT02-M04");
    assert!(
        matches!(refused, Err(Error::NotAllowed(_))),
        "no new plan on a closed case"
    );
    let tasks = phone
        .app
        .cases
        .follow_ups(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap())
        .unwrap();
    let follow_up = tasks
        .iter()
        .find(|t| t.kind == TaskKind::PostClosureFollowUp)
        .expect("6-month follow-up");
    assert!(
        follow_up.reason.vi.contains("21/05/2027"),
        "{}",
        follow_up.reason.vi
    );

    let file = phone.app.cases.case_file(&case_id).unwrap();
    assert_eq!(file.step, 5);
    let titles: Vec<&str> = file.timeline.iter().map(|e| e.title.vi.as_str()).collect();
    for expected in [
        "Mở hồ sơ",
        "Thu thập thông tin (Mẫu 01): đã hoàn thành",
        "Kế hoạch chăm sóc, trợ giúp (Mẫu 04): đã phê duyệt",
        "Thăm hộ gia đình",
        "Chuyển tuyến: Trung tâm y tế khu vực",
        "Kết thúc quản lý đối tượng",
        "Biên bản bàn giao: đã hoàn thành",
    ] {
        assert!(
            titles.contains(&expected),
            "timeline lacks {expected}: {titles:?}"
        );
    }
    let dates: Vec<NaiveDate> = file.timeline.iter().map(|e| e.date).collect();
    assert!(
        dates.windows(2).all(|w| w[0] <= w[1]),
        "the timeline is in date order"
    );
    assert_summary_matches_the_whole_case(&phone, &case_id);
}

/// The summary the store keeps (built from the few child fields it reads) is the one the whole case
/// gives: follow-ups never act on a stale or partial view.
fn assert_summary_matches_the_whole_case(phone: &Phone, case_id: &str) {
    let case = phone.app.store.record(case_id).unwrap().unwrap();
    let subject = case
        .text("subject_id")
        .and_then(|id| phone.app.store.record(id).unwrap());
    let children = phone.app.store.records_of_case(case_id).unwrap();
    let expected = hoso_model::domain::snapshot::snapshot(&case, subject.as_ref(), &children);
    let stored = phone.app.store.case_snapshots().unwrap();
    let stored = stored.iter().find(|s| s.case_id == case_id).unwrap();
    assert_eq!(stored, &expected);
}

#[test]
fn closure_needs_a_reason_that_holds_and_the_case_managers_signature() {
    let phone = Phone::new("2026-11-20");
    let case_id = phone.open_case();
    let closure = phone.app.cases.start_form(&case_id, "TT02-M06").unwrap();
    let mut answers = common::closure();
    answers.insert("closure_trigger".into(), json!("no_contact_1_month"));
    phone
        .app
        .cases
        .save_form(&closure, answers.clone())
        .unwrap();
    let early = refused_vi(phone.app.cases.act(
        &case_id,
        Action::ProposeClosure {
            closure_form_id: closure.clone(),
        },
    ));
    assert!(early.contains("chưa quá 1 tháng"), "{early}");
    phone.on("2026-12-21");
    answers.insert("signed_case_manager".into(), json!(false));
    answers.insert("meeting_date".into(), json!("2026-12-21"));
    phone.app.cases.save_form(&closure, answers).unwrap();
    phone
        .app
        .cases
        .act(
            &case_id,
            Action::ProposeClosure {
                closure_form_id: closure.clone(),
            },
        )
        .unwrap();
    phone.as_chairman();
    let unsigned = refused_vi(phone.app.cases.act(&case_id, Action::ApproveClosure));
    assert!(unsigned.contains("chữ ký"), "{unsigned}");
    phone
        .app
        .cases
        .act(
            &case_id,
            Action::ReturnClosure {
                reason: "Thiếu chữ ký".into(),
            },
        )
        .unwrap();
    assert_eq!(
        phone.status(&case_id),
        CaseStatus::Intake,
        "a returned closure goes back to where the case was"
    );
}

#[test]
fn an_incomplete_form_is_saved_as_a_draft_but_cannot_be_submitted() {
    let phone = Phone::new("2026-11-02");
    let case_id = phone.open_case();
    let form = phone.app.cases.start_form(&case_id, "TT02-M02").unwrap();
    let mut partial = common::needs_assessment();
    partial.remove("summary");
    let issues = phone.app.cases.save_form(&form, partial).unwrap();
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].message.vi, "“Nhận xét chung” là bắt buộc.");
    match phone.app.cases.submit_form(&form) {
        Err(Error::Validation(issues)) => assert_eq!(issues[0].field, "summary"),
        other => panic!("expected validation issues, got {other:?}"),
    }
    let draft = phone.app.cases.open_form(&form).unwrap();
    assert_eq!(draft.status, "draft");
    assert_eq!(
        draft.answers["need_health"],
        json!("Khám và điều trị khớp gối, cấp thuốc giảm đau"),
        "the draft survived"
    );
}

#[test]
fn drafts_survive_an_app_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.db");
    let (case_id, form) = {
        let app = App::open(&path, KEY).unwrap();
        app.store
            .set_identity("ctv-mai", Role::Collaborator)
            .unwrap();
        let subject = app
            .cases
            .register_person(None, common::answers(json!({"full_name": "Lò Văn Páo"})))
            .unwrap();
        let case_id = app
            .cases
            .open_case(NewCase {
                subject_id: subject.record_id,
                household_id: None,
                commune_code: "03151".into(),
                province_code: "11".into(),
                facility_id: None,
                categories: vec![],
            })
            .unwrap();
        let form = app.cases.start_form(&case_id, "TT02-M05").unwrap();
        app.cases
            .save_form(
                &form,
                common::answers(json!({"observations": "Nhà sàn dột, cần sửa trước mùa mưa"})),
            )
            .unwrap();
        (case_id, form)
    };
    let app = App::open(&path, KEY).unwrap();
    let draft = app.cases.open_form(&form).unwrap();
    assert_eq!(draft.case_id, case_id);
    assert_eq!(
        draft.answers["observations"],
        json!("Nhà sàn dột, cần sửa trước mùa mưa")
    );
}

#[test]
fn registering_a_person_twice_warns_and_bad_identity_data_is_refused_with_nothing_saved() {
    let phone = Phone::new("2026-11-02");
    let first = phone
        .app
        .cases
        .register_person(
            None,
            common::answers(json!({"full_name": "Đỗ Văn Hùng", "birth_date": "1975-07-07"})),
        )
        .unwrap();
    assert!(first.likely_duplicates.is_empty());
    let second = phone
        .app
        .cases
        .register_person(
            None,
            common::answers(json!({"full_name": "do van hung", "birth_date": "1975-07-07"})),
        )
        .unwrap();
    assert_eq!(second.likely_duplicates, vec![first.record_id]);
    let outbox_before = phone.app.store.outbox_len().unwrap();
    let bad = phone.app.cases.register_person(
        None,
        common::answers(json!({"full_name": "Hà Thị Thu", "birth_date": "1990-01-01", "citizen_id": "001090234567", "sex": "female"})),
    );
    match bad {
        Err(Error::Validation(issues)) => {
            assert_eq!(issues[0].code, "citizen_id_sex");
            assert!(issues[0].message.vi.contains("giới tính"));
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
    assert_eq!(
        phone.app.store.outbox_len().unwrap(),
        outbox_before,
        "nothing was saved"
    );
    let provincial = Phone::new("2026-11-02");
    provincial
        .app
        .store
        .set_identity("so-y-te", Role::ProvincialOfficer)
        .unwrap();
    let subject = provincial
        .app
        .cases
        .register_person(None, common::answers(json!({"full_name": "A"})))
        .unwrap();
    let refused = provincial.app.cases.open_case(NewCase {
        subject_id: subject.record_id,
        household_id: None,
        commune_code: "25920".into(),
        province_code: "79".into(),
        facility_id: None,
        categories: vec![],
    });
    assert!(matches!(refused, Err(Error::NotAllowed(_))));
}

#[test]
fn sharing_follows_the_latest_consent() {
    let phone = Phone::new("2026-11-02");
    let case_id = phone.open_case();
    assert!(!phone.app.cases.sharing_decision(&case_id).unwrap().allowed);
    let for_the_chairman = phone.app.cases.record_consent(&case_id, common::consent());
    assert!(
        refused_vi(for_the_chairman.map(|_| ())).contains("Chủ tịch UBND cấp xã"),
        "a collaborator cannot give the chairman's consent"
    );
    phone.as_chairman();
    phone
        .app
        .cases
        .record_consent(&case_id, common::consent())
        .unwrap();
    assert!(phone.app.cases.sharing_decision(&case_id).unwrap().allowed);
    let mut withdrawal = common::consent();
    withdrawal.insert("withdrawn".into(), json!(true));
    withdrawal.insert("withdrawn_date".into(), json!("2026-11-02"));
    phone
        .app
        .cases
        .record_consent(&case_id, withdrawal)
        .unwrap();
    assert!(!phone.app.cases.sharing_decision(&case_id).unwrap().allowed);
}

#[test]
fn a_case_is_created_from_a_full_information_form_in_one_action() {
    let phone = Phone::new("2026-11-04");
    let area = || hoso_core::actions::CaseArea {
        commune_code: "25920".into(),
        province_code: "79".into(),
        facility_id: None,
    };
    let intake = phone
        .app
        .cases
        .create_case_with_information(area(), common::information_form())
        .unwrap();
    assert_eq!(intake.issues, vec![]);
    assert!(intake.likely_duplicates.is_empty());
    let file = phone.app.cases.case_file(&intake.case_id).unwrap();
    assert_eq!(file.status, CaseStatus::Intake);
    assert_eq!(file.subject.as_ref().unwrap().id, intake.subject_id);
    assert_eq!(
        file.subject.unwrap().text("citizen_id"),
        Some("079148012345")
    );
    assert_eq!(
        file.household.unwrap().text("head_name"),
        Some("Nguyễn Thị Lan")
    );
    assert_eq!(file.case.fields["categories"], json!(["ND20-D5-K5-a"]));
    let draft = phone.app.cases.open_form(&intake.form_record_id).unwrap();
    assert_eq!(
        draft.answers["care_capacity"],
        common::information_form()["care_capacity"]
    );
    let again = phone
        .app
        .cases
        .create_case_with_information(area(), common::information_form())
        .unwrap();
    assert_eq!(
        again.likely_duplicates,
        vec![intake.subject_id],
        "the same person registered twice is flagged"
    );
    let mut bad = common::information_form();
    bad.insert("subject.citizen_id".into(), json!("123"));
    let cases_before = phone
        .app
        .store
        .records_of_kind(hoso_model::op::RecordKind::Case)
        .unwrap()
        .len();
    assert!(matches!(
        phone.app.cases.create_case_with_information(area(), bad),
        Err(Error::Validation(_))
    ));
    assert_eq!(
        phone
            .app
            .store
            .records_of_kind(hoso_model::op::RecordKind::Case)
            .unwrap()
            .len(),
        cases_before
    );
}
