//! The suite's oversight part, on every backend: a plan's submitter never approves it; the read model
//! (case views and waiting conflicts) follows every push; devices' syncs; the dashboard's accounts;
//! the configuration and reports produced the dashboard reads.

use super::world::*;
use super::{Backend, collaborator, refusal};
use hoso_model::domain::config::Config;
use hoso_model::domain::form_ids::PLAN;
use hoso_model::domain::oversight::ConflictEntry;
use hoso_model::hlc::system_now_millis;
use hoso_model::op::{DELETED_FIELD, FieldOp, RecordKind, new_id};
use hoso_model::protocol::{OutboxReport, ReceiptStatus};
use hoso_model::role::Role;
use hoso_model::schema::{fields, form_status};
use hoso_server::storage::{Refusal, Storage, WEB_CODE_TTL_MILLIS};
use serde_json::json;

/// The ops by which `by` submits a new plan of `case`: (plan id, ops).
fn submitted_plan(by: &Phone, case: &str) -> (String, Vec<FieldOp>) {
    let plan = new_id();
    let ops = vec![
        by.op(&plan, RecordKind::Form, fields::CASE_ID, json!(case)),
        by.op(&plan, RecordKind::Form, fields::FORM_ID, json!(PLAN)),
        by.op(
            &plan,
            RecordKind::Form,
            fields::STATUS,
            json!(form_status::SUBMITTED),
        ),
        by.op(
            &plan,
            RecordKind::Form,
            fields::SUBMITTED_BY,
            json!(by.auth.user_id),
        ),
    ];
    (plan, ops)
}

fn approval(by: &Phone, plan: &str) -> FieldOp {
    by.op(
        plan,
        RecordKind::Form,
        fields::STATUS,
        json!(form_status::APPROVED),
    )
}

pub fn a_plans_submitter_never_approves_it(backend: &impl Backend) {
    let storage = backend.storage();
    setup(storage);
    let lan = collaborator(storage, "lan", TAN_HIEP);
    let chairman = Phone::enroll(storage, "chu-tich", Role::Approver, commune(TAN_HIEP));
    let deputy = Phone::enroll(storage, "pho-chu-tich", Role::Approver, commune(TAN_HIEP));
    let (case, _, _, ops) = lan.new_case(TAN_HIEP);
    lan.push_accepted(storage, &ops);
    chairman.observe(&ops);
    let (plan, submission) = submitted_plan(&chairman, &case);
    chairman.push_accepted(storage, &submission);
    let own = chairman.push(storage, &[approval(&chairman, &plan)]);
    assert_eq!(own[0].code.as_deref(), Some("not_allowed"), "{own:?}");
    let reason = own[0]
        .reason
        .as_ref()
        .map(|r| r.vi.clone())
        .unwrap_or_default();
    assert!(reason.contains("tự phê duyệt"), "{reason}");
    // Submitted and approved in one push: the approval still sees who submitted.
    let (other, mut both) = submitted_plan(&chairman, &case);
    both.push(approval(&chairman, &other));
    let receipts = chairman.push(storage, &both);
    assert_eq!(
        statuses(&receipts),
        vec![
            ReceiptStatus::Accepted,
            ReceiptStatus::Accepted,
            ReceiptStatus::Accepted,
            ReceiptStatus::Accepted,
            ReceiptStatus::Rejected
        ]
    );
    deputy.observe(&submission);
    deputy.push_accepted(storage, &[approval(&deputy, &plan)]);
}

pub fn the_read_model_follows_every_push(backend: &impl Backend) {
    let storage = backend.storage();
    setup(storage);
    let lan = collaborator(storage, "lan", TAN_HIEP);
    let hoa = collaborator(storage, "hoa", TAN_HIEP);
    let (case, visit, person, ops) = lan.new_case(TAN_HIEP);
    lan.push_accepted(storage, &ops);
    let views = |area| storage.case_snapshots(&area).expect("case views");
    let here = views(commune(TAN_HIEP));
    assert_eq!(here.len(), 1);
    assert_eq!(
        (here[0].case_id.as_str(), here[0].subject_name.as_str()),
        (case.as_str(), "Hồ Văn Mười")
    );
    assert_eq!(views(province(HO_CHI_MINH)).len(), 1);
    assert!(views(commune(BINH_MY)).is_empty());
    assert_eq!(
        storage.case_facts(&commune(TAN_HIEP)).expect("facts").len(),
        1
    );
    let mut renamed = lan.op(
        &person,
        RecordKind::Person,
        fields::FULL_NAME,
        json!("Hồ Văn Mươi"),
    );
    renamed.supersedes = vec![ops[0].hlc];
    let dated = lan.op(
        &visit,
        RecordKind::Visit,
        "a.visit_date",
        json!("2026-11-20"),
    );
    lan.push_accepted(storage, &[dated, renamed]);
    let here = views(commune(TAN_HIEP));
    assert_eq!(
        here[0].last_visit.map(|d| d.to_string()).as_deref(),
        Some("2026-11-20")
    );
    assert_eq!(
        here[0].subject_name, "Hồ Văn Mươi",
        "the subject's change reaches the case"
    );
    let first = lan.op(&case, RecordKind::Case, "notes", json!("Lan ghi"));
    let second = hoa.op(&case, RecordKind::Case, "notes", json!("Hoa ghi"));
    hoa.push_accepted(storage, std::slice::from_ref(&second));
    lan.push_accepted(storage, std::slice::from_ref(&first));
    assert_eq!(
        storage
            .conflict_entries(&province(HO_CHI_MINH))
            .expect("conflicts"),
        vec![ConflictEntry {
            case_id: Some(case.clone()),
            record_id: case.clone(),
            kind: RecordKind::Case,
            field: "notes".into(),
            values: 2,
        }]
    );
    lan.observe(std::slice::from_ref(&second));
    let mut resolved = lan.op(&case, RecordKind::Case, "notes", json!("Đã thống nhất"));
    resolved.supersedes = vec![first.hlc, second.hlc];
    lan.push_accepted(storage, &[resolved]);
    assert!(
        storage
            .conflict_entries(&commune(TAN_HIEP))
            .expect("conflicts")
            .is_empty()
    );
    lan.push_accepted(
        storage,
        &[lan.op(&case, RecordKind::Case, DELETED_FIELD, json!(true))],
    );
    assert!(
        views(commune(TAN_HIEP)).is_empty(),
        "a deleted case leaves the views"
    );
    assert!(
        storage
            .case_facts(&commune(TAN_HIEP))
            .expect("facts")
            .is_empty()
    );
}

/// A database an older server wrote is upgraded when a new server opens it: its snapshots built,
/// its audit trail and what each phone pulls (a sensitive photo to its case's manager only)
/// unchanged.
pub fn an_older_database_is_upgraded_whole(backend: &impl Backend) {
    let storage = backend.storage();
    setup(storage);
    let (lan, binh, cases) = super::two_managers(storage);
    let case = &cases[0];
    let caption = super::id_card_photo(storage, &lan, case, true);
    let before = storage.case_snapshots(&commune(TAN_HIEP)).expect("views");
    let trail = storage.audit_trail(case).expect("audit");
    let pulled = [&lan, &binh].map(|phone| super::pull_sensitive(storage, phone, 0));
    assert!(pulled[0].0.contains(&caption) && pulled[1].1.contains(&caption));
    backend.rewind_to_an_older_schema();
    let upgraded = backend.another_process();
    let upgraded = upgraded.as_ref();
    assert_eq!(
        upgraded
            .case_snapshots(&commune(TAN_HIEP))
            .expect("views after the upgrade"),
        before
    );
    assert_eq!(before.len(), 2, "both cases");
    assert_eq!(
        upgraded
            .case_facts(&province(HO_CHI_MINH))
            .expect("facts")
            .len(),
        2
    );
    assert_eq!(upgraded.audit_trail(case).expect("audit"), trail);
    assert_eq!(
        [&lan, &binh].map(|phone| super::pull_sensitive(upgraded, phone, 0)),
        pulled
    );
}

pub fn devices_report_their_syncs_and_dashboard_accounts_sign_in(backend: &impl Backend) {
    let storage = backend.storage();
    setup(storage);
    let lan = collaborator(storage, "lan", TAN_HIEP);
    let binh = collaborator(storage, "binh", BINH_MY);
    let far = collaborator(storage, "xa", BA_DINH);
    let now = system_now_millis();
    let report = OutboxReport {
        pending_ops: 12,
        oldest_unsent_millis: Some(1_000),
    };
    storage
        .note_sync(&lan.auth.device_id, Some(report), 5_000)
        .expect("sync");
    storage
        .note_sync(&lan.auth.device_id, None, 9_000)
        .expect("sync");
    let devices = storage
        .device_syncs(&province(HO_CHI_MINH), now)
        .expect("devices");
    let ids: Vec<&str> = devices.iter().map(|d| d.device_id.as_str()).collect();
    assert!(
        ids.contains(&binh.auth.device_id.as_str()) && !ids.contains(&far.auth.device_id.as_str())
    );
    let mine = devices
        .iter()
        .find(|d| d.device_id == lan.auth.device_id)
        .expect("lan's phone");
    assert_eq!(
        (
            mine.last_sync_millis,
            mine.pending_ops,
            mine.oldest_unsent_millis
        ),
        (Some(9_000), Some(12), Some(1_000)),
        "a pull without a report keeps the last one"
    );
    storage.revoke_device(&binh.auth.device_id).expect("revoke");
    assert_eq!(
        storage
            .device_syncs(&province(HO_CHI_MINH), now)
            .expect("devices")
            .len(),
        1
    );
    web_accounts(storage, &lan, &binh, now);
    assert_eq!(
        storage
            .area_config(&commune(TAN_HIEP), now)
            .expect("config"),
        Config::default()
    );
    let monthly = Config {
        no_contact_months: 2,
        ..Config::default()
    };
    storage
        .set_config(&province(HO_CHI_MINH), &monthly)
        .expect("set");
    assert_eq!(
        storage
            .area_config(&commune(TAN_HIEP), now)
            .expect("config"),
        monthly
    );
    storage
        .mark_report_produced(&commune(TAN_HIEP), "2026-H1", now)
        .expect("mark");
    assert_eq!(
        storage
            .produced_reports(&commune(TAN_HIEP))
            .expect("reports"),
        vec!["2026-H1"]
    );
}

fn web_accounts(storage: &dyn Storage, lan: &Phone, binh: &Phone, now: u64) {
    assert_eq!(
        refusal(storage.issue_web_code("nobody", now)),
        Refusal::UnknownUser
    );
    let (code, _) = storage
        .issue_web_code(&lan.auth.user_id, now)
        .expect("code");
    let user = storage
        .set_web_login(&code, "lan", "hash-1", now)
        .expect("login");
    assert_eq!(
        (user.user_id.as_str(), user.role),
        (lan.auth.user_id.as_str(), Role::Collaborator)
    );
    assert_eq!(
        refusal(storage.set_web_login(&code, "lan", "hash-2", now)),
        Refusal::CodeUsed
    );
    let (theirs, _) = storage
        .issue_web_code(&binh.auth.user_id, now)
        .expect("code");
    assert_eq!(
        refusal(storage.set_web_login(&theirs, "lan", "hash-3", now)),
        Refusal::LoginTaken
    );
    let late = now + WEB_CODE_TTL_MILLIS + 1;
    assert_eq!(
        refusal(storage.set_web_login(&theirs, "binh", "hash-3", late)),
        Refusal::CodeExpired
    );
    let (_, hash) = storage.web_login("lan").expect("read").expect("an account");
    assert_eq!(hash, "hash-1");
    storage
        .create_web_session("token", &user.user_id, "csrf", now + 1_000)
        .expect("session");
    let session = storage
        .web_session("token", now)
        .expect("read")
        .expect("live");
    assert_eq!(
        (session.user, session.csrf.as_str()),
        (user.clone(), "csrf")
    );
    assert!(
        storage
            .web_session("token", now + 2_000)
            .expect("read")
            .is_none(),
        "expired"
    );
    storage.end_web_session("token").expect("end");
    assert!(
        storage.web_session("token", now).expect("read").is_none(),
        "ended"
    );
    storage
        .create_web_session("other", &user.user_id, "csrf", now + 1_000)
        .expect("session");
    let (again, _) = storage
        .issue_web_code(&lan.auth.user_id, now)
        .expect("code");
    storage
        .set_web_login(&again, "lan", "hash-4", now)
        .expect("new password");
    assert!(
        storage.web_session("other", now).expect("read").is_none(),
        "a new password ends sessions"
    );
}
