//! The server's protocol behaviour (and, in `oversight`, what the dashboard and tablets read) as one
//! suite, written once against the `Storage` trait and
//! instantiated for every backend with [`storage_suite!`] (as matrix-rust-sdk tests its store
//! backends): a new backend passes the same tests or is not done.
//!
//! Each test gets a fresh, empty database from its [`Backend`]; `another_process` opens a second
//! handle on the same database, as a second server process would.

mod oversight;
pub mod world;

pub use oversight::*;

use chrono::Datelike;
use hoso_model::op::RecordKind;
use hoso_model::protocol::ReceiptStatus;
use hoso_model::role::Role;
use hoso_model::schema::{fields, form_status, photo_fields};
use hoso_server::storage::{CODE_TTL_MILLIS, Refusal, Storage, StorageError};
use serde_json::json;
use world::*;

/// How the suite gets databases from a backend.
pub trait Backend: Sized {
    /// A fresh, empty database; `None` when this backend cannot run here (said on stderr).
    fn fresh() -> Option<Self>;
    fn storage(&self) -> &dyn Storage;
    /// Another handle on the same database, as a second server process opens it.
    fn another_process(&self) -> Box<dyn Storage>;
    /// Puts the database back as an older server left it — before `case_snapshot` (snapshots inside
    /// `case_view`, the read model marked built) and, on SQLite, before its compact rows (each op
    /// with its device, author and time; every field with its case) — for the upgrade to be tried
    /// on it.
    fn rewind_to_an_older_schema(&self);
}

/// Instantiates every test of the suite for one backend type.
#[macro_export]
macro_rules! storage_suite {
    ($backend:ty) => {
        $crate::storage_suite!(@tests $backend;
            a_repeated_push_is_a_duplicate_and_changes_nothing,
            concurrent_edits_of_one_field_keep_the_winner_and_the_loser,
            a_device_never_pulls_another_areas_record_whatever_cursor_it_sends,
            what_remains_to_pull_counts_the_devices_own_area_page_after_page,
            ops_on_another_areas_record_are_refused_and_change_nothing,
            a_new_record_must_be_placed_in_the_pushers_own_area,
            a_moved_case_is_evicted_from_the_old_area_and_arrives_whole_in_the_new,
            a_sensitive_photo_linked_to_another_case_goes_to_that_cases_manager_only,
            a_photo_marked_sensitive_later_stays_with_its_cases_manager_only,
            a_photo_relinked_and_marked_sensitive_at_once_goes_to_the_new_cases_manager,
            pulling_page_by_page_loses_nothing_and_pages_end_on_a_sequence_boundary,
            only_approvers_approve_and_provincial_officers_never_write,
            the_audit_trail_keeps_every_accepted_op_once_in_order,
            enrollment_codes_are_one_time_and_expire,
            a_revoked_device_is_refused_and_an_unknown_one_reported,
            administrators_and_areas_are_checked,
            concurrent_pushes_from_two_processes_merge_as_on_one,
            visits_dated_at_once_by_two_processes_both_reach_the_read_model,
            a_one_time_job_runs_once,
            a_plans_submitter_never_approves_it,
            the_read_model_follows_every_push,
            an_older_database_is_upgraded_whole,
            devices_report_their_syncs_and_dashboard_accounts_sign_in
        );
    };
    (@tests $backend:ty; $($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                if let Some(backend) = <$backend as $crate::storage_suite::Backend>::fresh() {
                    $crate::storage_suite::$name(&backend);
                }
            }
        )*
    };
}

fn collaborator(storage: &dyn Storage, name: &str, commune_code: &str) -> Phone {
    Phone::enroll(storage, name, Role::Collaborator, commune(commune_code))
}

pub fn a_repeated_push_is_a_duplicate_and_changes_nothing(backend: &impl Backend) {
    let storage = backend.storage();
    setup(storage);
    let lan = collaborator(storage, "lan", TAN_HIEP);
    let (case, _, _, ops) = lan.new_case(TAN_HIEP);
    lan.push_accepted(storage, &ops);
    let (before, _, cursor) = pull_all(storage, &lan, Holdings::new(), 0, 1000);
    let again = lan.push(storage, &ops);
    assert!(
        statuses(&again)
            .iter()
            .all(|s| *s == ReceiptStatus::Duplicate),
        "{again:?}"
    );
    let (after, _, _) = pull_all(storage, &lan, Holdings::new(), 0, 1000);
    assert_eq!(before, after, "the same state");
    let page = storage.pull(&lan.auth, cursor, 1000).expect("pull");
    assert!(page.records.is_empty(), "nothing new to pull: {page:?}");
    assert_eq!(storage.audit_trail(&case).expect("audit").len(), 4);
}

pub fn concurrent_edits_of_one_field_keep_the_winner_and_the_loser(backend: &impl Backend) {
    let storage = backend.storage();
    setup(storage);
    let lan = collaborator(storage, "lan", TAN_HIEP);
    let hoa = collaborator(storage, "hoa", TAN_HIEP);
    let (case, _, _, ops) = lan.new_case(TAN_HIEP);
    lan.push_accepted(storage, &ops);
    let first = lan.op(&case, RecordKind::Case, "notes", json!("Lan ghi"));
    let second = hoa.op(&case, RecordKind::Case, "notes", json!("Hoa ghi"));
    hoa.push_accepted(storage, std::slice::from_ref(&second));
    lan.push_accepted(storage, std::slice::from_ref(&first));
    let (held, _, _) = pull_all(storage, &hoa, Holdings::new(), 0, 1000);
    let state: hoso_model::merge::FieldState =
        serde_json::from_str(&held[&case]["notes"]).expect("state");
    let newest = if first.hlc > second.hlc {
        &first
    } else {
        &second
    };
    assert_eq!(state.value(), Some(&newest.value));
    assert!(state.has_conflict(), "the other value is kept as a loser");
}

pub fn a_device_never_pulls_another_areas_record_whatever_cursor_it_sends(backend: &impl Backend) {
    let storage = backend.storage();
    setup(storage);
    let lan = collaborator(storage, "lan", TAN_HIEP);
    let hoa = collaborator(storage, "hoa", BINH_MY);
    let (case, visit, person, ops) = lan.new_case(TAN_HIEP);
    lan.push_accepted(storage, &ops);
    let (lans, _, head) = pull_all(storage, &lan, Holdings::new(), 0, 1000);
    assert!(lans.contains_key(&case) && lans.contains_key(&visit) && lans.contains_key(&person));
    // Every number the ops took and its neighbours (numbers may be sparse), and beyond the head.
    let taken: Vec<u64> = [&case, &visit, &person]
        .into_iter()
        .flat_map(|id| storage.audit_trail(id).expect("audit"))
        .flat_map(|entry| [entry.seq - 1, entry.seq, entry.seq + 1])
        .collect();
    let cursors = (0..=20).chain(taken).chain([head, head + 1, head + 2]);
    for cursor in cursors.chain([u64::MAX / 2, u64::MAX]) {
        let page = storage.pull(&hoa.auth, cursor, 1000).expect("pull");
        assert!(
            page.records.is_empty(),
            "cursor {cursor} leaked {:?}",
            page.records
        );
    }
    let officer = Phone::enroll(
        storage,
        "so",
        Role::ProvincialOfficer,
        province(HO_CHI_MINH),
    );
    let (province_view, _, _) = pull_all(storage, &officer, Holdings::new(), 0, 1000);
    assert!(province_view.contains_key(&case), "the province sees it");
}

pub fn what_remains_to_pull_counts_the_devices_own_area_page_after_page(backend: &impl Backend) {
    let storage = backend.storage();
    setup(storage);
    let lan = collaborator(storage, "lan", TAN_HIEP);
    let hoa = collaborator(storage, "hoa", BINH_MY);
    for _ in 0..3 {
        let (_, _, _, ops) = lan.new_case(TAN_HIEP);
        lan.push_accepted(storage, &ops);
    }
    let (held, _, head) = pull_all(storage, &lan, Holdings::new(), 0, 1000);
    let values: usize = held.values().map(|fields| fields.len()).sum();
    assert_eq!(
        storage.remaining(&lan.auth, 0).expect("remaining"),
        values as u64
    );
    assert_eq!(storage.remaining(&lan.auth, head).expect("remaining"), 0);
    assert_eq!(
        storage.remaining(&hoa.auth, 0).expect("remaining"),
        0,
        "another commune's work is not even counted"
    );
    let first = storage.pull(&lan.auth, 0, 5).expect("pull");
    assert!(first.has_more);
    assert_eq!(first.remaining, None, "counted only when the device asks");
    let after = storage
        .remaining(&lan.auth, first.next_cursor)
        .expect("remaining");
    let on_page: usize = first.records.iter().map(|r| r.fields.len()).sum();
    assert_eq!(after, (values - on_page) as u64);
}

pub fn ops_on_another_areas_record_are_refused_and_change_nothing(backend: &impl Backend) {
    let storage = backend.storage();
    setup(storage);
    let lan = collaborator(storage, "lan", TAN_HIEP);
    let hoa = collaborator(storage, "hoa", BINH_MY);
    let (case, visit, _, ops) = lan.new_case(TAN_HIEP);
    lan.push_accepted(storage, &ops);
    let (before, _, _) = pull_all(storage, &lan, Holdings::new(), 0, 1000);
    let forged = [
        hoa.op(&case, RecordKind::Case, fields::STATUS, json!("assessment")),
        hoa.op(
            &visit,
            RecordKind::Visit,
            "a.observations",
            json!("sửa trộm"),
        ),
        hoa.op(
            &hoso_model::op::new_id(),
            RecordKind::Visit,
            fields::CASE_ID,
            json!(case),
        ),
    ];
    let receipts = hoa.push(storage, &forged);
    for receipt in &receipts {
        assert_eq!(receipt.status, ReceiptStatus::Rejected);
        assert_eq!(receipt.code.as_deref(), Some("out_of_scope"), "{receipt:?}");
    }
    let (after, _, _) = pull_all(storage, &lan, Holdings::new(), 0, 1000);
    assert_eq!(before, after);
    assert_eq!(storage.audit_trail(&case).expect("audit").len(), 4);
}

pub fn a_new_record_must_be_placed_in_the_pushers_own_area(backend: &impl Backend) {
    let storage = backend.storage();
    setup(storage);
    let lan = collaborator(storage, "lan", TAN_HIEP);
    let officer = Phone::enroll(
        storage,
        "so",
        Role::ProvincialOfficer,
        province(HO_CHI_MINH),
    );
    let refused = |ops: &[hoso_model::op::FieldOp]| {
        let receipts = lan.push(storage, ops);
        assert!(
            receipts.iter().all(|r| r.status == ReceiptStatus::Rejected),
            "{receipts:?}"
        );
    };
    let case = hoso_model::op::new_id();
    // Another commune of the same province.
    refused(&[
        lan.op(
            &case,
            RecordKind::Case,
            fields::COMMUNE_CODE,
            json!(BINH_MY),
        ),
        lan.op(
            &case,
            RecordKind::Case,
            fields::PROVINCE_CODE,
            json!(HO_CHI_MINH),
        ),
    ]);
    // A province only, the device's own or another: a case with no commune.
    let case = hoso_model::op::new_id();
    refused(&[lan.op(
        &case,
        RecordKind::Case,
        fields::PROVINCE_CODE,
        json!(HO_CHI_MINH),
    )]);
    let case = hoso_model::op::new_id();
    refused(&[lan.op(
        &case,
        RecordKind::Case,
        fields::PROVINCE_CODE,
        json!(HA_NOI),
    )]);
    // Its own commune in the wrong province.
    let case = hoso_model::op::new_id();
    refused(&[
        lan.op(
            &case,
            RecordKind::Case,
            fields::COMMUNE_CODE,
            json!(TAN_HIEP),
        ),
        lan.op(
            &case,
            RecordKind::Case,
            fields::PROVINCE_CODE,
            json!(HA_NOI),
        ),
    ]);
    // A visit of a case that does not exist anywhere.
    refused(&[lan.op(
        &hoso_model::op::new_id(),
        RecordKind::Visit,
        fields::CASE_ID,
        json!(hoso_model::op::new_id()),
    )]);
    let (nothing, _, _) = pull_all(storage, &officer, Holdings::new(), 0, 1000);
    assert!(nothing.is_empty(), "nothing was planted: {nothing:?}");
    let (_, _, _, ops) = lan.new_case(TAN_HIEP);
    lan.push_accepted(storage, &ops);
}

/// Fields named by (record id, field name).
type FieldNames = Vec<(String, String)>;

/// Pulls everything after `cursor`: the fields received, the fields withheld, the last cursor.
pub fn pull_sensitive(
    storage: &dyn Storage,
    phone: &Phone,
    cursor: u64,
) -> (FieldNames, FieldNames, u64) {
    let (mut received, mut withheld, mut cursor) = (Vec::new(), Vec::new(), cursor);
    loop {
        let page = storage.pull(&phone.auth, cursor, 1_000).expect("pull");
        for record in page.records {
            let id = record.record_id;
            received.extend(record.fields.into_iter().map(|(f, _)| (id.clone(), f)));
        }
        withheld.extend(page.withheld);
        cursor = page.next_cursor;
        if !page.has_more {
            return (received, withheld, cursor);
        }
    }
}

/// Two collaborators of one commune, each managing a case they opened: (An, Bình, their cases).
pub fn two_managers(storage: &dyn Storage) -> (Phone, Phone, Vec<String>) {
    let an = collaborator(storage, "An", TAN_HIEP);
    let binh = collaborator(storage, "Bình", TAN_HIEP);
    let mut cases = Vec::new();
    for phone in [&an, &binh] {
        let (case, _, _, mut ops) = phone.new_case(TAN_HIEP);
        ops.push(phone.op(
            &case,
            RecordKind::Case,
            fields::OPENED_BY,
            json!(phone.auth.user_id),
        ));
        phone.push_accepted(storage, &ops);
        cases.push(case);
    }
    (an, binh, cases)
}

/// `by` uploads a photo of `case` captioned "CCCD", marked sensitive or not: its caption field.
pub fn id_card_photo(
    storage: &dyn Storage,
    by: &Phone,
    case: &str,
    sensitive: bool,
) -> (String, String) {
    let photo = hoso_model::op::new_id();
    let mut ops = vec![
        by.op(&photo, RecordKind::Photo, fields::CASE_ID, json!(case)),
        by.op(
            &photo,
            RecordKind::Photo,
            photo_fields::CAPTION,
            json!("CCCD"),
        ),
    ];
    if sensitive {
        ops.push(by.op(
            &photo,
            RecordKind::Photo,
            photo_fields::SENSITIVE,
            json!(true),
        ));
    }
    by.push_accepted(storage, &ops);
    (photo, photo_fields::CAPTION.to_string())
}

/// A photo of an ID card marked sensitive belongs to one case; linked to another case (by its
/// collaborator, after a mix-up), the other case's manager receives it and the first one's devices
/// are told to drop it.
pub fn a_sensitive_photo_linked_to_another_case_goes_to_that_cases_manager_only(
    backend: &impl Backend,
) {
    let storage = backend.storage();
    setup(storage);
    let (an, binh, cases) = two_managers(storage);
    let caption = id_card_photo(storage, &an, &cases[0], true);
    let (got, _, an_cursor) = pull_sensitive(storage, &an, 0);
    assert!(got.contains(&caption), "An manages the first case");
    let (_, withheld, binh_cursor) = pull_sensitive(storage, &binh, 0);
    assert!(withheld.contains(&caption), "Bình does not");
    let photo = &caption.0;
    an.push_accepted(
        storage,
        &[an.op(photo, RecordKind::Photo, fields::CASE_ID, json!(cases[1]))],
    );
    let (_, withheld, _) = pull_sensitive(storage, &an, an_cursor);
    assert!(withheld.contains(&caption), "An's phone is told to drop it");
    let (got, _, _) = pull_sensitive(storage, &binh, binh_cursor);
    assert!(
        got.contains(&caption),
        "Bình, the new case's manager, receives it"
    );
}

/// A photo uploaded as ordinary and marked sensitive later (it shows an ID card): the commune's
/// other collaborators' phones are told to drop it, its case's manager keeps receiving it.
pub fn a_photo_marked_sensitive_later_stays_with_its_cases_manager_only(backend: &impl Backend) {
    let storage = backend.storage();
    setup(storage);
    let (an, binh, cases) = two_managers(storage);
    let caption = id_card_photo(storage, &an, &cases[0], false);
    let (got, _, an_cursor) = pull_sensitive(storage, &an, 0);
    assert!(got.contains(&caption));
    let (got, _, binh_cursor) = pull_sensitive(storage, &binh, 0);
    assert!(
        got.contains(&caption),
        "an ordinary photo reaches the commune"
    );
    an.push_accepted(
        storage,
        &[an.op(
            &caption.0,
            RecordKind::Photo,
            photo_fields::SENSITIVE,
            json!(true),
        )],
    );
    let (got, _, _) = pull_sensitive(storage, &an, an_cursor);
    assert!(got.contains(&caption), "An manages the case: still hers");
    let (_, withheld, _) = pull_sensitive(storage, &binh, binh_cursor);
    assert!(
        withheld.contains(&caption),
        "Bình's phone is told to drop it"
    );
}

/// An ordinary photo filed under the wrong case is moved to the right one and marked sensitive in
/// the same push: only the right case's manager receives it from then on.
pub fn a_photo_relinked_and_marked_sensitive_at_once_goes_to_the_new_cases_manager(
    backend: &impl Backend,
) {
    let storage = backend.storage();
    setup(storage);
    let (an, binh, cases) = two_managers(storage);
    let caption = id_card_photo(storage, &an, &cases[0], false);
    let (_, _, an_cursor) = pull_sensitive(storage, &an, 0);
    let (_, _, binh_cursor) = pull_sensitive(storage, &binh, 0);
    let photo = &caption.0;
    an.push_accepted(
        storage,
        &[
            an.op(photo, RecordKind::Photo, fields::CASE_ID, json!(cases[1])),
            an.op(
                photo,
                RecordKind::Photo,
                photo_fields::SENSITIVE,
                json!(true),
            ),
        ],
    );
    let (_, withheld, _) = pull_sensitive(storage, &an, an_cursor);
    assert!(withheld.contains(&caption), "An's phone is told to drop it");
    let (got, _, _) = pull_sensitive(storage, &binh, binh_cursor);
    assert!(got.contains(&caption), "Bình manages the photo's new case");
}

pub fn a_moved_case_is_evicted_from_the_old_area_and_arrives_whole_in_the_new(
    backend: &impl Backend,
) {
    let storage = backend.storage();
    setup(storage);
    let lan = collaborator(storage, "lan", TAN_HIEP);
    let hoa = collaborator(storage, "hoa", BINH_MY);
    let (case, visit, person, ops) = lan.new_case(TAN_HIEP);
    lan.push_accepted(storage, &ops);
    let (lans, _, lan_cursor) = pull_all(storage, &lan, Holdings::new(), 0, 1000);
    let (hoas, _, hoa_cursor) = pull_all(storage, &hoa, Holdings::new(), 0, 1000);
    assert!(hoas.is_empty());
    let move_case = lan.op(
        &case,
        RecordKind::Case,
        fields::COMMUNE_CODE,
        json!(BINH_MY),
    );
    let refused = lan.push(storage, std::slice::from_ref(&move_case));
    assert_eq!(
        refused[0].code.as_deref(),
        Some("not_allowed"),
        "only an administrator corrects a record's area"
    );
    let admin = Phone::enroll(storage, "quan-tri", Role::Admin, commune(TAN_HIEP));
    admin.observe(&ops);
    admin.push_accepted(
        storage,
        &[admin.op(
            &case,
            RecordKind::Case,
            fields::COMMUNE_CODE,
            json!(BINH_MY),
        )],
    );
    let (lans, evicted, _) = pull_all(storage, &lan, lans, lan_cursor, 1000);
    for id in [&case, &visit, &person] {
        assert!(evicted.contains(id), "{id} evicted: {evicted:?}");
        assert!(!lans.contains_key(id));
    }
    let (hoas, _, _) = pull_all(storage, &hoa, hoas, hoa_cursor, 1000);
    assert_eq!(
        winner(&hoas, &case, fields::COMMUNE_CODE),
        Some(json!(BINH_MY))
    );
    assert_eq!(winner(&hoas, &case, fields::STATUS), Some(json!("intake")));
    assert_eq!(
        winner(&hoas, &visit, "a.observations"),
        Some(json!("Nhà dột, cần sửa mái."))
    );
    assert_eq!(
        winner(&hoas, &person, fields::FULL_NAME),
        Some(json!("Hồ Văn Mười"))
    );
    let refused = lan.push(
        storage,
        &[lan.op(&case, RecordKind::Case, "notes", json!("sau khi chuyển"))],
    );
    assert_eq!(refused[0].code.as_deref(), Some("out_of_scope"));
    hoa.push_accepted(
        storage,
        &[hoa.op(
            &visit,
            RecordKind::Visit,
            "a.observations",
            json!("Đã sửa mái."),
        )],
    );
}

pub fn pulling_page_by_page_loses_nothing_and_pages_end_on_a_sequence_boundary(
    backend: &impl Backend,
) {
    let storage = backend.storage();
    setup(storage);
    let lan = collaborator(storage, "lan", TAN_HIEP);
    let hoa = collaborator(storage, "hoa", BINH_MY);
    let mut moved = Vec::new();
    for i in 0..6 {
        let (case, _, _, ops) = lan.new_case(TAN_HIEP);
        lan.push_accepted(storage, &ops);
        lan.push_accepted(
            storage,
            &[lan.op(&case, RecordKind::Case, "notes", json!(format!("lần {i}")))],
        );
        if i % 2 == 0 {
            moved.push((case, ops));
        }
    }
    let (whole, _, _) = pull_all(storage, &lan, Holdings::new(), 0, 10_000);
    let (by_one, _, _) = pull_all(storage, &lan, Holdings::new(), 0, 1);
    assert_eq!(whole, by_one, "paging by one loses nothing");
    let (hoas, _, hoa_cursor) = pull_all(storage, &hoa, Holdings::new(), 0, 1);
    let admin = Phone::enroll(storage, "quan-tri", Role::Admin, commune(TAN_HIEP));
    for (case, ops) in &moved {
        admin.observe(ops);
        admin.push_accepted(
            storage,
            &[admin.op(case, RecordKind::Case, fields::COMMUNE_CODE, json!(BINH_MY))],
        );
    }
    // A moved case's fields are re-stamped together: a page of one field still carries all of them.
    let page = storage.pull(&hoa.auth, hoa_cursor, 1).expect("pull");
    assert!(page.has_more);
    let fields_in_page: usize = page.records.iter().map(|r| r.fields.len()).sum();
    assert!(
        fields_in_page >= 5,
        "one sequence number, one page: {fields_in_page} fields"
    );
    let (hoas, _, _) = pull_all(storage, &hoa, hoas, hoa_cursor, 1);
    let (whole_new, _, _) = pull_all(storage, &hoa, Holdings::new(), 0, 10_000);
    assert_eq!(hoas, whole_new);
    for (case, _) in &moved {
        assert_eq!(winner(&hoas, case, fields::STATUS), Some(json!("intake")));
    }
}

pub fn only_approvers_approve_and_provincial_officers_never_write(backend: &impl Backend) {
    let storage = backend.storage();
    setup(storage);
    let lan = collaborator(storage, "lan", TAN_HIEP);
    let chairman = Phone::enroll(storage, "chu-tich", Role::Approver, commune(TAN_HIEP));
    let officer = Phone::enroll(
        storage,
        "so",
        Role::ProvincialOfficer,
        province(HO_CHI_MINH),
    );
    let (case, _, _, ops) = lan.new_case(TAN_HIEP);
    lan.push_accepted(storage, &ops);
    let form = hoso_model::op::new_id();
    let submission = [
        lan.op(&form, RecordKind::Form, fields::CASE_ID, json!(case)),
        lan.op(
            &form,
            RecordKind::Form,
            fields::STATUS,
            json!(form_status::SUBMITTED),
        ),
    ];
    lan.push_accepted(storage, &submission);
    chairman.observe(&submission);
    let approvals = |phone: &Phone| {
        vec![
            phone.op(
                &form,
                RecordKind::Form,
                fields::STATUS,
                json!(form_status::APPROVED),
            ),
            phone.op(&form, RecordKind::Form, fields::APPROVED_BY, json!("x")),
            phone.op(&case, RecordKind::Case, fields::STATUS, json!("closed")),
        ]
    };
    for receipt in lan.push(storage, &approvals(&lan)) {
        assert_eq!(receipt.code.as_deref(), Some("not_allowed"), "{receipt:?}");
    }
    let anything = [officer.op(&case, RecordKind::Case, "notes", json!("xem"))];
    assert_eq!(
        officer.push(storage, &anything)[0].code.as_deref(),
        Some("not_allowed")
    );
    let (held, _, _) = pull_all(storage, &lan, Holdings::new(), 0, 1000);
    assert_eq!(
        winner(&held, &form, fields::STATUS),
        Some(json!(form_status::SUBMITTED))
    );
    chairman.push_accepted(storage, &approvals(&chairman));
    let (held, _, _) = pull_all(storage, &lan, Holdings::new(), 0, 1000);
    assert_eq!(
        winner(&held, &form, fields::STATUS),
        Some(json!(form_status::APPROVED))
    );
}

pub fn the_audit_trail_keeps_every_accepted_op_once_in_order(backend: &impl Backend) {
    let storage = backend.storage();
    setup(storage);
    let lan = collaborator(storage, "lan", TAN_HIEP);
    let (case, _, _, ops) = lan.new_case(TAN_HIEP);
    lan.push_accepted(storage, &ops);
    let edits = [
        lan.op(&case, RecordKind::Case, "notes", json!("một")),
        lan.op(&case, RecordKind::Case, "notes", json!("hai")),
    ];
    lan.push_accepted(storage, &edits);
    lan.push(storage, &edits);
    let forbidden = lan.op(&case, RecordKind::Case, fields::STATUS, json!("closed"));
    lan.push(storage, std::slice::from_ref(&forbidden));
    let trail = storage.audit_trail(&case).expect("audit");
    let logged: Vec<&str> = trail.iter().map(|e| e.op.op_id.as_str()).collect();
    let mut expected: Vec<&str> = ops
        .iter()
        .filter(|op| op.record_id == case)
        .map(|op| op.op_id.as_str())
        .collect();
    expected.extend(edits.iter().map(|op| op.op_id.as_str()));
    assert_eq!(logged, expected, "accepted ops once each, in order");
    assert!(trail.windows(2).all(|w| w[0].seq < w[1].seq));
    assert_eq!(trail[4].op, edits[0], "the op exactly as sent");
    assert!(trail.iter().all(|e| e.received_at > 0));
}

pub fn enrollment_codes_are_one_time_and_expire(backend: &impl Backend) {
    let storage = backend.storage();
    setup(storage);
    let user = storage
        .create_user("lan", Role::Collaborator, &commune(TAN_HIEP))
        .expect("user");
    let now = hoso_model::hlc::system_now_millis();
    let device = hoso_model::op::new_id;
    let (code, expires) = storage.issue_code(&user, now).expect("code");
    assert_eq!(expires, now + CODE_TTL_MILLIS);
    let enrolled = storage
        .enroll(&code, &device(), "máy 1", now)
        .expect("enroll");
    assert_eq!(enrolled.user_id, user);
    assert_eq!(enrolled.area, commune(TAN_HIEP));
    assert_eq!(
        refusal(storage.enroll(&code, &device(), "máy 2", now)),
        Refusal::CodeUsed
    );
    let (late, _) = storage.issue_code(&user, now).expect("code");
    assert_eq!(
        refusal(storage.enroll(&late, &device(), "máy 3", now + CODE_TTL_MILLIS)),
        Refusal::CodeExpired
    );
    assert_eq!(
        refusal(storage.enroll("ABCD-EFGH", &device(), "máy 4", now)),
        Refusal::CodeUnknown
    );
    let (fresh, _) = storage.issue_code(&user, now).expect("code");
    assert_eq!(
        refusal(storage.enroll(&fresh, "not-a-uuid", "máy 5", now)),
        Refusal::BadDeviceId
    );
    assert_eq!(
        refusal(storage.issue_code(&hoso_model::op::new_id(), now)),
        Refusal::UnknownUser
    );
}

fn refusal<T>(result: Result<T, StorageError>) -> Refusal {
    match result {
        Err(StorageError::Refused(refusal)) => refusal,
        Err(other) => panic!("expected a refusal, got {other}"),
        Ok(_) => panic!("expected a refusal"),
    }
}

pub fn a_revoked_device_is_refused_and_an_unknown_one_reported(backend: &impl Backend) {
    let storage = backend.storage();
    setup(storage);
    let user = storage
        .create_user("lan", Role::Collaborator, &commune(TAN_HIEP))
        .expect("user");
    let now = hoso_model::hlc::system_now_millis();
    let (code, _) = storage.issue_code(&user, now).expect("code");
    let device_id = hoso_model::op::new_id();
    let enrolled = storage
        .enroll(&code, &device_id, "máy", now)
        .expect("enroll");
    assert_eq!(
        storage
            .authenticate(&enrolled.token)
            .expect("auth")
            .device_id,
        device_id
    );
    storage.revoke_device(&device_id).expect("revoke");
    assert!(matches!(
        storage.authenticate(&enrolled.token),
        Err(StorageError::Refused(Refusal::DeviceRevoked))
    ));
    assert!(matches!(
        storage.authenticate("not a token"),
        Err(StorageError::Refused(Refusal::Unauthenticated))
    ));
    assert!(matches!(
        storage.revoke_device(&hoso_model::op::new_id()),
        Err(StorageError::Refused(Refusal::UnknownDevice))
    ));
}

pub fn administrators_and_areas_are_checked(backend: &impl Backend) {
    let storage = backend.storage();
    let now = hoso_model::hlc::system_now_millis();
    let token = storage.issue_admin_token(now).expect("token");
    storage.check_admin(&token).expect("the token works");
    assert!(matches!(
        storage.check_admin("wrong"),
        Err(StorageError::Refused(Refusal::WrongAdminToken))
    ));
    assert!(matches!(
        storage.create_area(&commune("12"), "Xã"),
        Err(StorageError::Refused(Refusal::BadArea))
    ));
    assert!(matches!(
        storage.create_user("lan", Role::Collaborator, &commune(TAN_HIEP)),
        Err(StorageError::Refused(Refusal::UnknownArea))
    ));
    setup(storage);
    setup(storage);
    storage.check_reachable().expect("reachable");
}

/// Two processes (two handles on one database) push edits of the same fields at once: every op is
/// accepted once and the result is the merge of all of them, as one process would give.
pub fn concurrent_pushes_from_two_processes_merge_as_on_one(backend: &impl Backend) {
    let first = backend.storage();
    let second = backend.another_process();
    setup(first);
    let lan = collaborator(first, "lan", TAN_HIEP);
    let hoa = collaborator(first, "hoa", TAN_HIEP);
    let (case, _, _, ops) = lan.new_case(TAN_HIEP);
    lan.push_accepted(first, &ops);
    let rounds = 20;
    let edits = |phone: &Phone| -> Vec<Vec<hoso_model::op::FieldOp>> {
        (0..rounds)
            .map(|i| {
                vec![
                    phone.op(&case, RecordKind::Case, "notes", json!(format!("{i}"))),
                    phone.op(
                        &case,
                        RecordKind::Case,
                        "manager_note",
                        json!(format!("{i}")),
                    ),
                ]
            })
            .collect()
    };
    let (lans, hoas) = (edits(&lan), edits(&hoa));
    std::thread::scope(|scope| {
        scope.spawn(|| lans.iter().for_each(|ops| lan.push_accepted(first, ops)));
        scope.spawn(|| {
            hoas.iter()
                .for_each(|ops| hoa.push_accepted(second.as_ref(), ops))
        });
    });
    let everything: Vec<_> = lans.iter().chain(&hoas).flatten().collect();
    let mut expected = std::collections::BTreeMap::new();
    for op in &everything {
        expected
            .entry(op.field.clone())
            .or_insert_with(hoso_model::merge::FieldState::default)
            .merge(op);
    }
    let (held, _, _) = pull_all(second.as_ref(), &hoa, Holdings::new(), 0, 1000);
    for (field, state) in expected {
        let stored: hoso_model::merge::FieldState =
            serde_json::from_str(&held[&case][&field]).expect("state");
        assert_eq!(stored, state, "{field} merged as on one process");
    }
    let trail = first.audit_trail(&case).expect("audit");
    assert_eq!(trail.len(), 4 + everything.len());
    let mut seqs: Vec<u64> = trail.iter().map(|e| e.seq).collect();
    seqs.dedup();
    assert_eq!(seqs.len(), trail.len(), "one sequence number per op");
}

/// Two processes date two visits of one case at once, round after round (each push names only its
/// own visit, so neither waits for the other's records): the case's read model ends with both last
/// dates, whichever push commits last.
pub fn visits_dated_at_once_by_two_processes_both_reach_the_read_model(backend: &impl Backend) {
    let first = backend.storage();
    let second = backend.another_process();
    setup(first);
    let lan = collaborator(first, "lan", TAN_HIEP);
    let hoa = collaborator(first, "hoa", TAN_HIEP);
    let (case, lans_visit, _, ops) = lan.new_case(TAN_HIEP);
    lan.push_accepted(first, &ops);
    let hoas_visit = uuid::Uuid::now_v7().to_string();
    hoa.push_accepted(
        first,
        &[hoa.op(&hoas_visit, RecordKind::Visit, fields::CASE_ID, json!(case))],
    );
    let dated = |phone: &Phone, visit: &str, day: u32| {
        let date = json!(format!("2026-10-{day:02}"));
        vec![phone.op(visit, RecordKind::Visit, "a.visit_date", date)]
    };
    let rounds = 15;
    let together = std::sync::Barrier::new(2);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            for round in 0..rounds {
                together.wait();
                lan.push_accepted(first, &dated(&lan, &lans_visit, 2 * round + 2));
            }
        });
        scope.spawn(|| {
            for round in 0..rounds {
                together.wait();
                let ops = dated(&hoa, &hoas_visit, 2 * round + 1);
                hoa.push_accepted(second.as_ref(), &ops);
            }
        });
    });
    let facts = second.case_facts(&commune(TAN_HIEP)).expect("facts");
    let mut days: Vec<u32> = facts[0].visits.iter().map(|d| d.day0() + 1).collect();
    days.sort_unstable();
    assert_eq!(days, vec![2 * rounds - 1, 2 * rounds], "both last dates");
    let snapshots = second.case_snapshots(&commune(TAN_HIEP)).expect("views");
    assert_eq!(
        snapshots[0].last_visit.map(|d| d.to_string()).as_deref(),
        Some("2026-10-30")
    );
}

pub fn a_one_time_job_runs_once(backend: &impl Backend) {
    let storage = backend.storage();
    let job = hoso_server::storage::OnceJob::DemoData;
    assert!(storage.mark_once(job).expect("first"));
    assert!(!storage.mark_once(job).expect("second"));
    assert!(!backend.another_process().mark_once(job).expect("elsewhere"));
}
