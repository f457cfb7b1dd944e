//! The screens as a collaborator and the commune chairman see them, on a real encrypted store: the
//! launch flow and the PIN, today's agenda, the caseload, a household, a case across the five steps
//! with the law's reasons, forms filled field by field, the outbox and the settings.

mod common;

use common::{clocked_app, millis};

use hoso_core::actions::NewCase;
use hoso_core::app::App;
use hoso_core::ffi::{ApiError, HosoCore};
use hoso_core::screens::agenda::{FollowUpKind, agenda_screen};
use hoso_core::screens::case::{CaseAction, CaseActionInput, StepState, case_act, case_screen};
use hoso_core::screens::caseload::{CaseFilter, case_list, household_screen};
use hoso_core::screens::form::{
    FieldInput, FieldView, FormFinish, FormScreen, form_add_item, form_answer, form_complete,
    form_start,
};
use hoso_core::screens::input::AnswerInput;
use hoso_core::screens::launch::{LaunchStage, choose_pin, launch_screen, lock, unlock};
use hoso_core::screens::settings::{Language, change_pin, set_language, settings_screen};
use hoso_core::screens::sync::{RecordSync, sync_screen};
use hoso_core::store::meta_keys;
use hoso_model::forms::Answers;
use hoso_model::op::RecordKind;
use hoso_model::role::Role;
use hoso_model::schema::fields;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

const KEY: &str = "9d0f2a7f3a9c0e5b2d4f6a8c1e3b5d7f9a0c2e4b6d8f0a3c1e5b7d9f1a3c5e7b";
const PIN: &str = "274915";

struct Phone {
    app: App,
    clock: Arc<AtomicU64>,
    _dir: tempfile::TempDir,
}

impl Phone {
    /// A device as it is after enrollment (the server's part is tested end to end) with its PIN set.
    fn enrolled(day: &str) -> Phone {
        let phone = Phone::fresh(day);
        phone.enroll_as("ctv-mai", Role::Collaborator);
        choose_pin(&phone.app, PIN, PIN).unwrap();
        phone
    }

    fn fresh(day: &str) -> Phone {
        let (app, clock, dir) = clocked_app(day, KEY);
        Phone {
            app,
            clock,
            _dir: dir,
        }
    }

    fn enroll_as(&self, user: &str, role: Role) {
        self.app.store.set_identity(user, role).unwrap();
        self.app
            .store
            .set_meta(meta_keys::DEVICE_TOKEN, "token")
            .unwrap();
        self.app
            .store
            .set_meta(meta_keys::AREA, r#"{"kind":"commune","code":"25920"}"#)
            .unwrap();
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

    fn later_by_minutes(&self, minutes: u64) {
        self.clock.fetch_add(minutes * 60_000, Ordering::SeqCst);
    }

    fn person(&self, name: &str, birth: &str, sex: &str, household: Option<&str>) -> String {
        self.app
            .cases
            .register_person(
                household,
                common::answers(json!({"full_name": name, "birth_date": birth, "sex": sex})),
            )
            .unwrap()
            .record_id
    }

    /// A case of the subject, managed by whoever opens it unless another manager is named.
    fn case_of(&self, subject: &str, manager: Option<&str>) -> String {
        let case_id = self
            .app
            .cases
            .open_case(NewCase {
                subject_id: subject.into(),
                household_id: None,
                commune_code: "25920".into(),
                province_code: "79".into(),
                facility_id: None,
                categories: vec!["ND20-D5-K5-a".into()],
            })
            .unwrap();
        if let Some(manager) = manager {
            self.app
                .store
                .write(|w| {
                    w.set(
                        &case_id,
                        RecordKind::Case,
                        fields::MANAGER_ID,
                        json!(manager),
                    )
                    .map(|_| ())
                })
                .unwrap();
        }
        case_id
    }

    fn visit(&self, case_id: &str, date: &str, next: &str) {
        self.app
            .cases
            .record_visit(case_id, common::visit(date, next))
            .unwrap();
    }
}

/// The input a shell sends for a JSON answer.
fn input(value: &Value) -> AnswerInput {
    match value {
        Value::Null => AnswerInput::Clear,
        Value::Bool(value) => AnswerInput::Boolean { value: *value },
        Value::String(text) => AnswerInput::Text { text: text.clone() },
        Value::Array(codes) => AnswerInput::Choices {
            codes: codes
                .iter()
                .filter_map(|c| c.as_str().map(str::to_string))
                .collect(),
        },
        other => AnswerInput::Text {
            text: other.to_string(),
        },
    }
}

/// Fills a form one answer at a time, as the apps autosave; lists item by item.
fn fill(phone: &Phone, record_id: &str, answers: Answers) -> FormScreen {
    let mut screen = None;
    for (name, value) in answers {
        match value {
            Value::Array(items) if items.iter().all(Value::is_object) && !items.is_empty() => {
                for (index, item) in items.iter().enumerate() {
                    form_add_item(&phone.app, record_id, &name).unwrap();
                    for (field, answer) in item.as_object().unwrap() {
                        let path = format!("{name}.{index}.{field}");
                        screen =
                            Some(form_answer(&phone.app, record_id, &path, input(answer)).unwrap());
                    }
                }
            }
            other => {
                screen = Some(form_answer(&phone.app, record_id, &name, input(&other)).unwrap());
            }
        }
    }
    screen.expect("at least one answer")
}

fn field<'a>(screen: &'a FormScreen, path: &str) -> &'a FieldView {
    screen
        .sections
        .iter()
        .flat_map(|s| &s.fields)
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no field {path}"))
}

#[test]
fn a_new_device_enrolls_chooses_a_pin_and_unlocks_with_it() {
    let phone = Phone::fresh("2026-11-22");
    assert_eq!(
        launch_screen(&phone.app).unwrap().stage,
        LaunchStage::Enroll
    );
    phone.enroll_as("ctv-mai", Role::Collaborator);
    let screen = launch_screen(&phone.app).unwrap();
    assert_eq!(screen.stage, LaunchStage::ChoosePin);
    assert_eq!(screen.user.unwrap().area_name, "Phường Tân Hiệp");
    let easy = choose_pin(&phone.app, "123456", "123456").unwrap_err();
    assert!(format!("{easy:?}").contains("dễ đoán"), "{easy:?}");
    assert_eq!(
        choose_pin(&phone.app, PIN, PIN).unwrap().stage,
        LaunchStage::Ready
    );
    assert_eq!(
        lock(&phone.app).unwrap().stage,
        LaunchStage::Unlock {
            failures: 0,
            attempts_left: 10
        }
    );
    let wrong = unlock(&phone.app, "000111").unwrap();
    assert_eq!(
        wrong.notice.unwrap().vi,
        "Mã PIN không đúng. Còn 9 lần thử."
    );
    assert_eq!(unlock(&phone.app, PIN).unwrap().stage, LaunchStage::Ready);
    lock(&phone.app).unwrap();
    assert_eq!(
        launch_screen(&phone.app).unwrap().stage,
        LaunchStage::Unlock {
            failures: 0,
            attempts_left: 10
        },
        "a right PIN starts the count again"
    );
}

#[test]
fn ten_wrong_pins_in_a_row_wipe_the_device_and_the_launch_screen_says_why() {
    let phone = Phone::enrolled("2026-11-22");
    let subject = phone.person("Nguyễn Văn Đức", "1950-02-03", "male", None);
    phone.case_of(&subject, None);
    let device_id = phone.app.store.identity().device_id;
    lock(&phone.app).unwrap();
    for attempt in 1..=9u32 {
        let screen = unlock(&phone.app, "000111").unwrap();
        let notice = screen.notice.unwrap().vi;
        assert!(
            notice.contains(&format!("Còn {} lần thử", 10 - attempt)),
            "{notice}"
        );
        assert_eq!(
            notice.contains("sẽ bị xóa"),
            attempt >= 5,
            "{attempt}: {notice}"
        );
    }
    let wiped = unlock(&phone.app, "000111").unwrap();
    assert_eq!(wiped.stage, LaunchStage::Enroll);
    assert!(wiped.notice.unwrap().vi.contains("đã bị xóa"));
    assert!(phone.app.store.case_snapshots().unwrap().is_empty());
    assert!(phone.app.store.search("duc", 5).unwrap().is_empty());
    assert_eq!(phone.app.store.outbox_len().unwrap(), 0);
    assert_eq!(phone.app.store.identity().device_id, device_id);
}

#[test]
fn the_app_locks_itself_after_the_chosen_time_without_use() {
    let phone = Phone::enrolled("2026-11-22");
    phone.later_by_minutes(4);
    phone.app.session.check().expect("used 4 minutes ago");
    phone.later_by_minutes(4);
    phone
        .app
        .session
        .check()
        .expect("each use restarts the delay");
    phone.later_by_minutes(6);
    assert!(phone.app.session.check().is_err(), "locked after 5 minutes");
    assert!(matches!(
        launch_screen(&phone.app).unwrap().stage,
        LaunchStage::Unlock { .. }
    ));
    unlock(&phone.app, PIN).unwrap();
    hoso_core::screens::settings::set_auto_lock(&phone.app, 30).unwrap();
    phone.later_by_minutes(20);
    phone.app.session.check().expect("30 minutes chosen");
    assert!(hoso_core::screens::settings::set_auto_lock(&phone.app, 7).is_err());
}

#[test]
fn screen_calls_through_the_ffi_refuse_until_the_pin_is_typed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.db").to_string_lossy().to_string();
    let core = HosoCore::open(path, KEY.into()).unwrap();
    assert!(matches!(
        core.case_list(CaseFilter::default()),
        Err(ApiError::Locked)
    ));
    assert!(matches!(core.agenda_screen(), Err(ApiError::Locked)));
    assert!(matches!(
        core.search("duc".into(), 5),
        Err(ApiError::Locked)
    ));
    assert!(matches!(
        core.case_photos("a-case".into()),
        Err(ApiError::Locked)
    ));
    assert!(matches!(
        core.open_photo("a-photo".into()),
        Err(ApiError::Locked)
    ));
    assert!(
        core.photo_queue().is_ok(),
        "the photo upload queue, like sync, runs while locked"
    );
    assert_eq!(core.launch_screen().unwrap().stage, LaunchStage::Enroll);
    assert_eq!(
        core.sync_status().unwrap().outbox_ops,
        0,
        "background sync works while locked"
    );
}

#[test]
fn the_agenda_groups_follow_ups_with_their_case_and_the_reason() {
    let phone = Phone::enrolled("2026-11-22");
    let late = phone.case_of(
        &phone.person("Trần Văn Lâm", "1950-01-01", "male", None),
        None,
    );
    phone.visit(&late, "2026-11-01", "2026-11-20");
    let today = phone.case_of(
        &phone.person("Lê Thị Hoa", "1952-03-04", "female", None),
        None,
    );
    phone.visit(&today, "2026-11-15", "2026-11-22");
    let soon = phone.case_of(
        &phone.person("Phạm Văn Nam", "1949-05-06", "male", None),
        Some("ctv-khac"),
    );
    phone.visit(&soon, "2026-11-20", "2026-11-25");
    let agenda = agenda_screen(&phone.app).unwrap();
    assert_eq!(agenda.today.text, "22/11/2026");
    let ids = |items: &[hoso_core::screens::agenda::AgendaItem]| -> Vec<Option<String>> {
        items.iter().map(|i| i.case_id.clone()).collect()
    };
    assert_eq!(ids(&agenda.overdue), vec![Some(late.clone())]);
    assert_eq!(ids(&agenda.due_today), vec![Some(today)]);
    assert_eq!(ids(&agenda.this_week), vec![Some(soon)]);
    let overdue = &agenda.overdue[0];
    assert_eq!(overdue.kind, FollowUpKind::VisitDue);
    assert_eq!(overdue.subject_name, "Trần Văn Lâm");
    assert!(
        overdue.reason.vi.contains("20/11/2026"),
        "{}",
        overdue.reason.vi
    );
    assert_eq!(overdue.legal_ref, "TT 02/2020 Điều 7.3.c (Mẫu số 05)");
    assert_eq!(overdue.stage.as_ref().unwrap().step, 1);
    assert!(overdue.mine);
    assert!(!agenda.this_week[0].mine, "another collaborator manages it");
}

#[test]
fn the_caseload_is_searched_without_diacritics_and_filtered() {
    let phone = Phone::enrolled("2026-11-22");
    let duc = phone.case_of(
        &phone.person("Trần Minh Đức", "1950-01-01", "male", None),
        None,
    );
    phone.visit(&duc, "2026-11-01", "2026-11-10");
    let hoa = phone.case_of(
        &phone.person("Lê Thị Hoa", "1952-03-04", "female", None),
        Some("ctv-khac"),
    );
    phone.visit(&hoa, "2026-11-20", "2026-12-20");
    let all = case_list(&phone.app, &CaseFilter::default()).unwrap();
    assert_eq!(all.matching, 2);
    assert_eq!(all.rows[0].case_id, duc, "overdue cases first");
    assert_eq!(all.rows[0].overdue, 1);
    assert_eq!(all.per_step, vec![2, 0, 0, 0, 0]);
    let search = |filter: CaseFilter| -> Vec<String> {
        case_list(&phone.app, &filter)
            .unwrap()
            .rows
            .into_iter()
            .map(|r| r.subject_name)
            .collect()
    };
    let query = |q: &str| CaseFilter {
        query: q.into(),
        ..CaseFilter::default()
    };
    assert_eq!(search(query("duc")), vec!["Trần Minh Đức"]);
    assert_eq!(search(query("le thi h")), vec!["Lê Thị Hoa"]);
    assert_eq!(
        search(CaseFilter {
            overdue_only: true,
            ..CaseFilter::default()
        }),
        vec!["Trần Minh Đức"]
    );
    assert_eq!(
        search(CaseFilter {
            mine_only: true,
            ..CaseFilter::default()
        }),
        vec!["Trần Minh Đức"]
    );
    assert!(
        search(CaseFilter {
            step: Some(3),
            ..CaseFilter::default()
        })
        .is_empty()
    );
    assert!(
        case_list(
            &phone.app,
            &CaseFilter {
                step: Some(6),
                ..CaseFilter::default()
            }
        )
        .is_err()
    );
}

#[test]
fn a_household_shows_its_members_and_their_cases() {
    let phone = Phone::enrolled("2026-11-22");
    let household = phone
        .app
        .cases
        .register_household(common::answers(json!({
            "head_name": "Nguyễn Văn Bình", "address": "Thôn 3, xã Tân Hiệp",
            "commune_code": "25920", "province_code": "79", "economic_situation": "poor"
        })))
        .unwrap();
    phone.person("Nguyễn Văn Bình", "1970-01-01", "male", Some(&household));
    let child = phone.person("Nguyễn Thị Na", "2015-06-01", "female", Some(&household));
    let case_id = phone
        .app
        .cases
        .open_case(NewCase {
            subject_id: child.clone(),
            household_id: Some(household.clone()),
            commune_code: "25920".into(),
            province_code: "79".into(),
            facility_id: None,
            categories: vec![],
        })
        .unwrap();
    let screen = household_screen(&phone.app, &household).unwrap();
    assert_eq!(screen.head_name, "Nguyễn Văn Bình");
    assert_eq!(screen.area_name, "Phường Tân Hiệp");
    assert_eq!(screen.economic_situation.unwrap().vi, "Hộ nghèo");
    assert_eq!(screen.members.len(), 2);
    let na = screen
        .members
        .iter()
        .find(|m| m.person_id == child)
        .unwrap();
    assert_eq!(na.age, Some(11));
    assert_eq!(na.sex.as_ref().unwrap().vi, "Nữ");
    assert_eq!(na.case_ids, vec![case_id.clone()]);
    assert_eq!(screen.cases.len(), 1);
    assert_eq!(screen.cases[0].case_id, case_id);
}

fn action(
    screen: &hoso_core::screens::case::CaseScreen,
    action: CaseAction,
) -> &hoso_core::screens::case::ActionView {
    screen
        .actions
        .iter()
        .find(|a| a.action == action)
        .unwrap_or_else(|| panic!("{action:?} not offered"))
}

fn complete_form(phone: &Phone, case_id: &str, form_id: &str, answers: Answers) -> FormScreen {
    let started = form_start(&phone.app, case_id, form_id).unwrap();
    let filled = fill(phone, &started.record_id, answers);
    assert!(filled.issues.is_empty(), "{form_id}: {:?}", filled.issues);
    assert_eq!(filled.finish, FormFinish::Complete);
    assert!(filled.finish_allowed);
    form_complete(&phone.app, &started.record_id).unwrap()
}

#[test]
fn a_case_screen_walks_the_five_steps_with_the_reasons_of_the_law() {
    let phone = Phone::enrolled("2026-11-04");
    let case_id = phone.case_of(
        &phone.person("Nguyễn Thị Lan", "1948-03-12", "female", None),
        None,
    );
    let opened = case_screen(&phone.app, &case_id).unwrap();
    assert_eq!(opened.stage.step, 1);
    let states: Vec<StepState> = opened.steps.iter().map(|s| s.state).collect();
    assert_eq!(
        states,
        vec![
            StepState::Current,
            StepState::Upcoming,
            StepState::Upcoming,
            StepState::Upcoming,
            StepState::Upcoming
        ]
    );
    let planning = action(&opened, CaseAction::StartPlanning);
    assert!(!planning.allowed);
    assert!(planning.refusal.as_ref().unwrap().vi.contains("Mẫu số 01"));
    assert!(opened.new_forms.iter().all(|f| f.allowed));

    let m01 = complete_form(&phone, &case_id, "TT02-M01", common::information_form());
    assert_eq!(m01.subject_name, "Nguyễn Thị Lan");
    complete_form(&phone, &case_id, "TT02-M02", common::needs_assessment());
    complete_form(&phone, &case_id, "TT02-M03", common::eligibility());
    let ready = case_screen(&phone.app, &case_id).unwrap();
    assert!(action(&ready, CaseAction::StartPlanning).allowed);
    assert_eq!(ready.steps[0].forms.len(), 2, "Mẫu 01 and 02 are step 1");
    assert_eq!(
        ready.steps[1].forms[0].form_id, "TT02-M03",
        "Điều 6.1 is step 2"
    );
    let moved = case_act(
        &phone.app,
        &case_id,
        CaseAction::StartPlanning,
        CaseActionInput::default(),
    )
    .unwrap();
    assert_eq!(moved.case.stage.status, "planning");

    phone.clock.store(millis("2026-11-05"), Ordering::SeqCst);
    let plan = form_start(&phone.app, &case_id, "TT02-M04").unwrap();
    assert_eq!(
        plan.finish,
        FormFinish::ThroughCase {
            action: CaseAction::SubmitPlan
        }
    );
    assert!(!plan.finish_allowed, "an empty plan cannot be submitted");
    let filled = fill(&phone, &plan.record_id, common::plan());
    assert!(filled.finish_allowed, "{:?}", filled.finish_refusal);
    assert_eq!(
        field(&filled, "activities.1.responsible").text,
        "Chi hội Người cao tuổi thôn 3"
    );
    case_act(
        &phone.app,
        &case_id,
        CaseAction::SubmitPlan,
        CaseActionInput::default(),
    )
    .unwrap();
    let waiting = case_screen(&phone.app, &case_id).unwrap();
    let approve = action(&waiting, CaseAction::ApprovePlan);
    assert!(!approve.allowed);
    assert!(
        approve
            .refusal
            .as_ref()
            .unwrap()
            .vi
            .contains("Chủ tịch UBND")
    );
    assert!(
        waiting
            .follow_ups
            .iter()
            .any(|f| f.kind == FollowUpKind::ApprovalWaiting)
    );

    phone.as_chairman();
    let as_chairman = case_screen(&phone.app, &case_id).unwrap();
    assert!(action(&as_chairman, CaseAction::ApprovePlan).allowed);
    let returned = case_act(
        &phone.app,
        &case_id,
        CaseAction::ReturnPlan,
        CaseActionInput::default(),
    )
    .unwrap_err();
    assert!(
        format!("{returned:?}").contains("lý do"),
        "a return needs a reason"
    );
    let approved = case_act(
        &phone.app,
        &case_id,
        CaseAction::ApprovePlan,
        CaseActionInput::default(),
    )
    .unwrap();
    assert_eq!(approved.case.stage.step, 3);

    phone.as_collaborator();
    let visit = hoso_core::screens::form::form_start(&phone.app, &case_id, "TT02-M05").unwrap();
    fill(
        &phone,
        &visit.record_id,
        common::visit("2026-11-05", "2026-11-19"),
    );
    form_complete(&phone.app, &visit.record_id).unwrap();
    let adjusted = case_act(
        &phone.app,
        &case_id,
        CaseAction::StartAdjustment,
        CaseActionInput::default(),
    )
    .unwrap();
    let draft = adjusted
        .opened_form
        .expect("the adjustment opens as a form");
    assert_eq!(
        field(&draft, "objectives").text,
        common::plan()["objectives"]
    );
    assert_eq!(
        draft.finish,
        FormFinish::ThroughCase {
            action: CaseAction::SubmitAdjustment
        }
    );
    let file = adjusted.case;
    assert_eq!(file.visits.len(), 1);
    assert_eq!(
        file.visits[0].next_visit.as_ref().unwrap().text,
        "19/11/2026"
    );
    assert!(
        file.timeline
            .iter()
            .any(|t| t.title.vi.contains("Kế hoạch") && t.title.vi.contains("phê duyệt"))
    );
    let outbox = sync_screen(&phone.app).unwrap().outbox.len() as u32;
    assert!(
        outbox >= 9,
        "case, subject, household, guardian and forms: {outbox}"
    );
    assert_eq!(
        file.unsynced_records, outbox,
        "every record on this phone is this case's"
    );
}

#[test]
fn a_form_shows_what_applies_what_is_required_and_what_is_wrong_in_vietnamese() {
    let phone = Phone::enrolled("2026-11-22");
    let case_id = phone.case_of(
        &phone.person("Đinh Thị Mơ", "1960-01-01", "female", None),
        None,
    );
    let m01 = form_start(&phone.app, &case_id, "TT02-M01").unwrap();
    let guardian = field(&m01, "guardian.full_name");
    assert!(!guardian.visible && !guardian.required, "no guardian yet");
    assert!(field(&m01, "subject_needs").required);
    let with_guardian = form_answer(
        &phone.app,
        &m01.record_id,
        "has_guardian",
        AnswerInput::Text { text: "có".into() },
    )
    .unwrap();
    let guardian = field(&with_guardian, "guardian.full_name");
    assert!(guardian.visible && guardian.required);
    assert_eq!(guardian.issues[0].code, "required");
    assert_eq!(field(&with_guardian, "has_guardian").checked, Some(true));

    let visit = form_start(&phone.app, &case_id, "TT02-M05").unwrap();
    let future = form_answer(
        &phone.app,
        &visit.record_id,
        "visit_date",
        AnswerInput::Text {
            text: "01/01/2099".into(),
        },
    )
    .unwrap();
    let date = field(&future, "visit_date");
    assert_eq!(date.text, "01/01/2099");
    assert_eq!(date.issues[0].code, "date_in_future");
    assert!(date.issues[0].message.vi.contains("tương lai"));
    assert!(!future.finish_allowed);
    let fixed = form_answer(
        &phone.app,
        &visit.record_id,
        "visit_date",
        AnswerInput::Text {
            text: "21/11/2026".into(),
        },
    )
    .unwrap();
    assert!(field(&fixed, "visit_date").issues.is_empty());
    assert!(matches!(
        field(&fixed, "met_with").input,
        FieldInput::MultiChoice { .. }
    ));

    let plan = form_start(&phone.app, &case_id, "TT02-M04").unwrap();
    form_add_item(&phone.app, &plan.record_id, "activities").unwrap();
    form_answer(
        &phone.app,
        &plan.record_id,
        "activities.0.start_date",
        AnswerInput::Text {
            text: "20/11/2026".into(),
        },
    )
    .unwrap();
    let backwards = form_answer(
        &phone.app,
        &plan.record_id,
        "activities.0.end_date",
        AnswerInput::Text {
            text: "10/11/2026".into(),
        },
    )
    .unwrap();
    let end = field(&backwards, "activities.0.end_date");
    assert_eq!(end.list.as_deref(), Some("activities"));
    assert_eq!(end.item, Some(0));
    assert!(end.issues.iter().any(|i| i.code == "date_order"));
    assert!(matches!(
        field(&backwards, "activities").input,
        FieldInput::Repeat { items: 1, .. }
    ));

    let closure = form_start(&phone.app, &case_id, "TT02-M06").unwrap();
    assert!(
        !field(&closure, "signed_approver").editable,
        "the chairman signs"
    );
    assert!(field(&closure, "signed_case_manager").editable);
}

#[test]
fn the_sync_screen_lists_each_unsent_record_by_what_it_is() {
    let phone = Phone::enrolled("2026-11-22");
    let subject = phone.person("Hồ Văn Tư", "1955-01-01", "male", None);
    phone.case_of(&subject, None);
    let screen = sync_screen(&phone.app).unwrap();
    assert!(screen.enrolled);
    assert_eq!(screen.summary.vi, "Chưa đồng bộ lần nào.");
    assert_eq!(screen.queued, 2);
    let titles: Vec<String> = screen.outbox.iter().map(|r| r.title.vi.clone()).collect();
    assert!(titles.contains(&"Hồ Văn Tư".to_string()), "{titles:?}");
    assert!(
        titles.contains(&"Hồ sơ Hồ Văn Tư".to_string()),
        "{titles:?}"
    );
    assert!(screen.outbox.iter().all(|r| r.state == RecordSync::Queued));
    assert!(screen.conflicts.is_empty());
}

#[test]
fn settings_show_the_configured_rules_and_change_the_pin() {
    let phone = Phone::enrolled("2026-11-22");
    let settings = settings_screen(&phone.app).unwrap();
    assert_eq!(settings.language, Language::Vi);
    let age = settings
        .rules
        .iter()
        .find(|r| r.key == "closure_age")
        .expect("the closure age is configured");
    assert_eq!(age.value, "18");
    assert!(age.legal_ref.contains("TT 02/2020"), "{}", age.legal_ref);
    assert_eq!(
        set_language(&phone.app, Language::En).unwrap().language,
        Language::En
    );
    let wrong = change_pin(&phone.app, "000111", "583920", "583920").unwrap();
    assert!(wrong.notice.unwrap().vi.contains("Còn 9 lần thử"));
    phone.app.session.check().expect("still unlocked");
    let changed = change_pin(&phone.app, PIN, "583920", "583920").unwrap();
    assert_eq!(changed.notice.unwrap().vi, "Đã đổi mã PIN.");
    lock(&phone.app).unwrap();
    assert_eq!(
        unlock(&phone.app, "583920").unwrap().stage,
        LaunchStage::Ready
    );
}
