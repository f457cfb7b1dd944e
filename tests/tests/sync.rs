//! Many real devices against a real `hoso-server` on loopback: nobody's work is lost, nobody sees
//! another commune's records, bad requests change nothing.

use hoso_core::Error;
use hoso_core::actions::NewCase;
use hoso_model::area::AreaKind;
use hoso_model::op::{FieldOp, RecordKind};
use hoso_model::protocol::{PushRequest, PushResponse, ReceiptStatus, compress};
use hoso_model::role::Role;
use hoso_tests::{Device, Server, commune, province};
use serde_json::json;

fn setup() -> Server {
    let server = Server::start();
    server.create_area(AreaKind::Commune, "25920", "Phường Tân Hiệp");
    server.create_area(AreaKind::Commune, "27544", "Xã Bình Mỹ");
    server.create_area(AreaKind::Province, "79", "Thành phố Hồ Chí Minh");
    server
}

fn open_case(device: &Device, name: &str, commune_code: &str) -> String {
    let subject = device
        .cases
        .register_person(
            None,
            serde_json::from_value(json!({"full_name": name, "birth_date": "1950-02-03"})).unwrap(),
        )
        .unwrap();
    let case_id = device
        .cases
        .open_case(NewCase {
            subject_id: subject.record_id,
            household_id: None,
            commune_code: commune_code.into(),
            province_code: "79".into(),
            facility_id: None,
            categories: vec!["ND20-D5-K5-a".into()],
        })
        .unwrap();
    device
        .cases
        .record_visit(
            &case_id,
            serde_json::from_value(json!({"visit_date": "2026-01-10", "met_with": ["subject"], "observations": "Ổn định"})).unwrap(),
        )
        .unwrap();
    case_id
}

/// Writes a case's commune directly, as only an administrator's correction may.
fn move_case(device: &Device, case_id: &str, commune_code: &str) {
    device
        .store
        .write(|w| {
            w.set(
                case_id,
                RecordKind::Case,
                "commune_code",
                json!(commune_code),
            )
            .map(|_| ())
        })
        .unwrap();
}

fn token(device: &Device) -> String {
    device
        .store
        .meta(hoso_core::store::meta_keys::DEVICE_TOKEN)
        .unwrap()
        .unwrap()
}

#[test]
fn two_collaborators_editing_offline_converge_and_both_see_the_conflict() {
    let server = setup();
    let lan = server.device("lan", Role::Collaborator, commune("25920"));
    let minh = server.device("minh", Role::Collaborator, commune("25920"));
    let case_id = open_case(&lan, "Nguyễn Thị Bảy", "25920");
    lan.sync.sync_now().unwrap();
    let report = minh.sync.sync_now().unwrap();
    assert!(
        report.pulled_records >= 3,
        "case, subject and visit arrive: {report:?}"
    );
    let subject = minh.cases.case_file(&case_id).unwrap().subject.unwrap().id;
    // both edit the same field without network
    lan.store
        .write(|w| {
            w.set(&subject, RecordKind::Person, "phone", json!("0901111111"))
                .map(|_| ())
        })
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));
    minh.store
        .write(|w| {
            w.set(&subject, RecordKind::Person, "phone", json!("0902222222"))
                .map(|_| ())
        })
        .unwrap();
    for _ in 0..2 {
        lan.sync.sync_now().unwrap();
        minh.sync.sync_now().unwrap();
    }
    for device in [&lan, &minh] {
        assert_eq!(
            device
                .store
                .record(&subject)
                .unwrap()
                .unwrap()
                .text("phone"),
            Some("0902222222")
        );
        let conflicts = device.store.conflicts().unwrap();
        assert_eq!(
            conflicts.len(),
            1,
            "the losing value is kept on every device"
        );
        assert_eq!(conflicts[0].losers[0].value, json!("0901111111"));
        assert!(
            device.store.outbox().unwrap().is_empty(),
            "everything acknowledged"
        );
    }
    lan.store
        .write(|w| w.resolve_conflict(&subject, "phone", json!("0901111111")))
        .unwrap();
    lan.sync.sync_now().unwrap();
    minh.sync.sync_now().unwrap();
    assert!(minh.store.conflicts().unwrap().is_empty());
    assert_eq!(
        minh.store.record(&subject).unwrap().unwrap().text("phone"),
        Some("0901111111")
    );
}

#[test]
fn another_commune_never_receives_a_record_even_with_a_forged_cursor() {
    let server = setup();
    let lan = server.device("lan", Role::Collaborator, commune("25920"));
    let outsider = server.device("hoa", Role::Collaborator, commune("27544"));
    open_case(&lan, "Lê Văn Tám", "25920");
    lan.sync.sync_now().unwrap();
    outsider.sync.sync_now().unwrap();
    assert!(
        outsider
            .store
            .records_of_kind(RecordKind::Case)
            .unwrap()
            .is_empty()
    );
    assert!(outsider.store.search("tam", 10).unwrap().is_empty());
    let client = reqwest::blocking::Client::new();
    for cursor in ["0", "1", "18446744073709551615"] {
        let page: serde_json::Value = client
            .get(format!(
                "{}/v1/pull?cursor={cursor}&limit=100000",
                server.url
            ))
            .bearer_auth(token(&outsider))
            .send()
            .unwrap()
            .json()
            .unwrap();
        assert_eq!(page["records"], json!([]), "cursor {cursor}");
    }
    let negative = client
        .get(format!("{}/v1/pull?cursor=-5", server.url))
        .bearer_auth(token(&outsider))
        .send()
        .unwrap();
    assert_eq!(negative.status(), 400);
    let administrator = server.device("quan-tri", Role::Admin, commune("27544"));
    administrator.sync.sync_now().unwrap();
    assert!(
        administrator
            .store
            .records_of_kind(RecordKind::Case)
            .unwrap()
            .is_empty(),
        "an administrator's phone pulls its own area, not every commune's people"
    );
}

#[test]
fn ops_on_another_communes_record_are_refused_per_op_and_change_nothing() {
    let server = setup();
    let lan = server.device("lan", Role::Collaborator, commune("25920"));
    let outsider = server.device("hoa", Role::Collaborator, commune("27544"));
    let case_id = open_case(&lan, "Võ Thị Sáu", "25920");
    lan.sync.sync_now().unwrap();
    // The outsider's phone writes to a record id it learnt elsewhere, plus a legitimate record.
    outsider
        .store
        .write(|w| {
            w.set(&case_id, RecordKind::Case, "status", json!("planning"))
                .map(|_| ())
        })
        .unwrap();
    open_case(&outsider, "Đinh Văn Lộc", "27544");
    let report = outsider.sync.sync_now().unwrap();
    assert_eq!(report.rejected, 1, "{report:?}");
    let rejected: Vec<_> = outsider.store.outbox().unwrap();
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].rejection.as_ref().unwrap().code, "out_of_scope");
    assert!(
        rejected[0]
            .rejection
            .as_ref()
            .unwrap()
            .reason
            .vi
            .contains("ngoài địa bàn")
    );
    lan.sync.sync_now().unwrap();
    assert_eq!(
        lan.cases.case_file(&case_id).unwrap().case.text("status"),
        Some("intake")
    );
}

#[test]
fn a_case_corrected_into_another_commune_leaves_the_old_devices_and_arrives_whole_at_the_new_ones()
{
    let server = setup();
    let lan = server.device("lan", Role::Collaborator, commune("25920"));
    let other = server.device("hoa", Role::Collaborator, commune("27544"));
    let officer = server.device("so", Role::ProvincialOfficer, province("79"));
    let case_id = open_case(&lan, "Hồ Văn Mười", "25920");
    lan.sync.sync_now().unwrap();
    other.sync.sync_now().unwrap();
    officer.sync.sync_now().unwrap();
    assert_eq!(
        officer
            .store
            .records_of_kind(RecordKind::Visit)
            .unwrap()
            .len(),
        1,
        "the province sees it"
    );
    // A collaborator cannot move a case away (it is closed and referred instead); an administrator
    // correcting a wrongly recorded commune can.
    move_case(&lan, &case_id, "27544");
    let refused = lan.sync.sync_now().unwrap();
    assert_eq!(refused.rejected, 1, "{refused:?}");
    let administrator = server.device("quan-tri", Role::Admin, commune("25920"));
    administrator.sync.sync_now().unwrap();
    move_case(&administrator, &case_id, "27544");
    administrator.sync.sync_now().unwrap();
    let report = lan.sync.sync_now().unwrap();
    assert!(
        lan.store.record(&case_id).unwrap().is_none(),
        "evicted: {report:?}"
    );
    assert!(
        lan.store
            .records_of_kind(RecordKind::Visit)
            .unwrap()
            .is_empty(),
        "its visit went with it"
    );
    assert!(
        lan.store.search("muoi", 5).unwrap().is_empty(),
        "and the subject"
    );
    other.sync.sync_now().unwrap();
    let file = other.cases.case_file(&case_id).unwrap();
    assert_eq!(file.visits.len(), 1);
    assert_eq!(file.subject.unwrap().text("full_name"), Some("Hồ Văn Mười"));
    officer.sync.sync_now().unwrap();
    assert!(
        officer.store.record(&case_id).unwrap().is_some(),
        "still in the province"
    );
}

#[test]
fn provincial_staff_read_the_province_but_cannot_write_and_only_approvers_approve() {
    let server = setup();
    let officer = server.device("so", Role::ProvincialOfficer, province("79"));
    let lan = server.device("lan", Role::Collaborator, commune("25920"));
    let case_id = open_case(&lan, "Phan Văn Út", "25920");
    lan.store
        .write(|w| {
            w.set(&case_id, RecordKind::Case, "status", json!("closed"))
                .map(|_| ())
        })
        .unwrap();
    let report = lan.sync.sync_now().unwrap();
    assert_eq!(
        report.rejected, 1,
        "a collaborator cannot close a case: {report:?}"
    );
    officer.sync.sync_now().unwrap();
    assert_eq!(
        officer
            .cases
            .case_file(&case_id)
            .unwrap()
            .case
            .text("status"),
        Some("intake")
    );
    officer
        .store
        .write(|w| {
            w.set(&case_id, RecordKind::Case, "manager_id", json!("x"))
                .map(|_| ())
        })
        .unwrap();
    assert_eq!(officer.sync.sync_now().unwrap().rejected, 1);
}

fn raw_push(
    server: &Server,
    token: &str,
    body: Vec<u8>,
    compressed: bool,
) -> reqwest::blocking::Response {
    let mut request = reqwest::blocking::Client::new()
        .post(format!("{}/v1/push", server.url))
        .bearer_auth(token)
        .body(body);
    request = request.header("Content-Type", "application/json");
    if compressed {
        request = request.header("Content-Encoding", "zstd");
    }
    request.send().unwrap()
}

#[test]
fn a_repeated_push_is_idempotent_and_bad_requests_get_a_clear_4xx_and_change_nothing() {
    let server = setup();
    let lan = server.device("lan", Role::Collaborator, commune("25920"));
    open_case(&lan, "Đoàn Thị Cúc", "25920");
    let ops: Vec<FieldOp> = lan.store.ops_to_push(1000).unwrap();
    let body = serde_json::to_vec(&PushRequest {
        ops: ops.clone(),
        outbox: None,
    })
    .unwrap();
    let first: PushResponse = raw_push(&server, &token(&lan), body.clone(), false)
        .json()
        .unwrap();
    assert!(
        first
            .receipts
            .iter()
            .all(|r| r.status == ReceiptStatus::Accepted)
    );
    let second: PushResponse = raw_push(&server, &token(&lan), compress(&body), true)
        .json()
        .unwrap();
    assert!(
        second
            .receipts
            .iter()
            .all(|r| r.status == ReceiptStatus::Duplicate),
        "the same batch again changes nothing"
    );

    let bad_json = raw_push(&server, &token(&lan), b"{\"ops\": [".to_vec(), false);
    assert_eq!(bad_json.status(), 400);
    let error: serde_json::Value = bad_json.json().unwrap();
    assert_eq!(error["code"], "bad_json");
    assert!(
        error["message"]["vi"]
            .as_str()
            .unwrap()
            .contains("không đúng định dạng")
    );
    assert_eq!(
        raw_push(&server, &token(&lan), b"not zstd at all".to_vec(), true).status(),
        413
    );
    let many: Vec<FieldOp> = (0..1001).map(|_| ops[0].clone()).collect();
    assert_eq!(
        raw_push(
            &server,
            &token(&lan),
            serde_json::to_vec(&PushRequest {
                ops: many,
                outbox: None
            })
            .unwrap(),
            false
        )
        .status(),
        413
    );
    let huge = vec![b' '; 3_000_000];
    assert_eq!(raw_push(&server, &token(&lan), huge, false).status(), 413);
    assert_eq!(
        raw_push(&server, "forged-token", body.clone(), false).status(),
        401
    );
    let unauthenticated = reqwest::blocking::Client::new()
        .get(format!("{}/v1/pull", server.url))
        .send()
        .unwrap();
    assert_eq!(unauthenticated.status(), 401);

    let mut bad_op = ops[0].clone();
    bad_op.op_id = hoso_model::op::new_id();
    bad_op.field = "Bad Field!".into();
    let mut skewed = ops[1].clone();
    skewed.op_id = hoso_model::op::new_id();
    skewed.hlc.millis += 10 * 24 * 3600 * 1000;
    let mut good = ops[2].clone();
    good.op_id = hoso_model::op::new_id();
    good.hlc.counter += 1000;
    let mixed: PushResponse = raw_push(
        &server,
        &token(&lan),
        serde_json::to_vec(&PushRequest {
            ops: vec![bad_op, skewed, good],
            outbox: None,
        })
        .unwrap(),
        false,
    )
    .json()
    .unwrap();
    let codes: Vec<Option<&str>> = mixed.receipts.iter().map(|r| r.code.as_deref()).collect();
    assert_eq!(
        codes,
        vec![Some("bad_shape"), Some("clock_skew"), None],
        "one bad op never blocks the others"
    );
}

#[test]
fn a_revoked_device_is_told_and_wipes_its_data_and_the_server_keeps_everything_across_a_restart() {
    let mut server = setup();
    let lan = server.device("lan", Role::Collaborator, commune("25920"));
    let case_id = open_case(&lan, "Mai Văn Hai", "25920");
    lan.sync.sync_now().unwrap();
    server.restart();
    let minh = server.device("minh", Role::Collaborator, commune("25920"));
    minh.sync.sync_now().unwrap();
    assert!(
        minh.store.record(&case_id).unwrap().is_some(),
        "data survived the restart"
    );
    let device_id = lan.store.identity().device_id;
    server.admin_command(&["revoke-device", "--device", &device_id]);
    assert!(matches!(lan.sync.sync_now(), Err(Error::Revoked)));
    assert!(
        lan.store.record(&case_id).unwrap().is_none(),
        "the revoked phone erased its records"
    );
    assert!(lan.store.ops_to_push(10).unwrap().is_empty());
    assert!(!lan.sync.status().unwrap().enrolled);
}

#[test]
fn a_failed_sync_schedules_its_own_retry_and_loses_nothing() {
    let mut server = setup();
    let lan = server.device("lan", Role::Collaborator, commune("25920"));
    open_case(&lan, "Ngô Thị Tư", "25920");
    server.stop();
    assert!(matches!(
        lan.sync.sync_now(),
        Err(Error::Network {
            fault: hoso_core::error::NetworkFault::Refused,
            ..
        })
    ));
    let status = lan.sync.status().unwrap();
    assert_eq!(status.consecutive_failures, 1);
    assert!(
        status.next_attempt_millis > 0,
        "a retry is scheduled without any new edit"
    );
    assert!(status.outbox_ops > 0, "the work waits in the outbox");
    server.restart();
    lan.sync.sync_now().unwrap();
    let status = lan.sync.status().unwrap();
    assert_eq!((status.consecutive_failures, status.outbox_ops), (0, 0));
}

#[test]
fn paging_never_splits_fields_stamped_together_when_a_case_moves() {
    let server = setup();
    let lan = server.device("lan", Role::Collaborator, commune("25920"));
    let other = server.device("hoa", Role::Collaborator, commune("27544"));
    let case_id = open_case(&lan, "Tạ Văn Bảy", "25920");
    for day in ["2026-02-01", "2026-03-01", "2026-04-01"] {
        lan.cases
            .record_visit(
                &case_id,
                serde_json::from_value(
                    json!({"visit_date": day, "met_with": ["family"], "observations": "Ổn"}),
                )
                .unwrap(),
            )
            .unwrap();
    }
    // Created in its own commune first: a case is never created in another area.
    lan.sync.sync_now().unwrap();
    let administrator = server.device("quan-tri", Role::Admin, commune("25920"));
    administrator.sync.sync_now().unwrap();
    move_case(&administrator, &case_id, "27544");
    administrator.sync.sync_now().unwrap();
    // Page through the new commune's scope one field at a time, as a phone on a bad line might.
    let client = reqwest::blocking::Client::new();
    let (mut cursor, mut fields, mut pages) = (0u64, 0usize, 0);
    loop {
        let page: serde_json::Value = client
            .get(format!("{}/v1/pull?cursor={cursor}&limit=1", server.url))
            .bearer_auth(token(&other))
            .send()
            .unwrap()
            .json()
            .unwrap();
        fields += page["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["fields"].as_array().unwrap().len())
            .sum::<usize>();
        cursor = page["next_cursor"].as_u64().unwrap();
        pages += 1;
        if !page["has_more"].as_bool().unwrap() {
            break;
        }
    }
    let whole: serde_json::Value = client
        .get(format!("{}/v1/pull?cursor=0&limit=20000", server.url))
        .bearer_auth(token(&other))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let expected: usize = whole["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["fields"].as_array().unwrap().len())
        .sum();
    assert!(
        expected > 20,
        "the moved case arrives with its subject and visits"
    );
    assert_eq!(
        fields, expected,
        "paging by one lost nothing ({pages} pages)"
    );
}

#[test]
fn a_sync_interrupted_while_a_page_is_on_its_way_stops_and_the_next_one_finishes() {
    let server = setup();
    let lan = server.device("lan", Role::Collaborator, commune("25920"));
    for n in 0..5 {
        open_case(&lan, &format!("Nguyễn Văn Tư {n}"), "25920");
    }
    lan.sync.sync_now().unwrap();
    let hoa = server.device("hoa", Role::Collaborator, commune("25920"));
    let slow = hoso_tests::faults::FaultyProxy::slow(
        server.url.trim_start_matches("http://").to_string(),
        std::time::Duration::from_millis(400),
    );
    hoa.sync.set_server(&slow.url).unwrap();
    let outcome = std::thread::scope(|scope| {
        let sync = scope.spawn(|| hoa.sync.sync_now());
        // The user taps "stop" while the first page is on its way (the link holds it 400 ms), and
        // again until the sync returns, so that a slow start cannot miss it.
        std::thread::sleep(std::time::Duration::from_millis(150));
        while !sync.is_finished() {
            hoa.sync.interrupt();
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        sync.join().unwrap()
    });
    assert!(
        matches!(outcome, Err(hoso_core::Error::Interrupted)),
        "{outcome:?}"
    );
    assert!(
        hoa.store
            .records_of_kind(RecordKind::Case)
            .unwrap()
            .is_empty(),
        "the page that arrived after the stop was not merged"
    );
    hoa.sync.sync_now().unwrap();
    assert_eq!(
        hoa.store.records_of_kind(RecordKind::Case).unwrap().len(),
        5,
        "the next sync picks up where the stopped one was"
    );
}

#[test]
fn a_damaged_server_record_is_refused_as_a_server_fault_and_the_device_keeps_what_it_has() {
    let server = setup();
    let lan = server.device("lan", Role::Collaborator, commune("25920"));
    let hoa = server.device("hoa", Role::Collaborator, commune("25920"));
    open_case(&lan, "Đinh Thị Mai", "25920");
    lan.sync.sync_now().unwrap();
    hoa.sync.sync_now().unwrap();
    let damaged = open_case(&lan, "Vi Văn Khánh", "25920");
    lan.sync.sync_now().unwrap();
    assert!(server.damage_record_kind(&damaged) > 0);
    let refused = hoa.sync.sync_now();
    assert!(
        matches!(
            &refused,
            Err(hoso_core::Error::Network { fault: hoso_core::error::NetworkFault::ServerError, detail })
                if detail.contains("500") && detail.contains("internal")
        ),
        "{refused:?}"
    );
    assert_eq!(hoa.sync.status().unwrap().consecutive_failures, 1);
    assert_eq!(
        hoa.store.records_of_kind(RecordKind::Case).unwrap().len(),
        1,
        "what the phone already had is untouched"
    );
}

#[test]
fn a_push_answered_without_receipts_fails_clearly_once_and_the_next_sync_delivers_it() {
    let server = setup();
    let lan = server.device("lan", Role::Collaborator, commune("25920"));
    let case_id = open_case(&lan, "Lý Thị Hạnh", "25920");
    let queued = lan.sync.status().unwrap().outbox_ops;
    assert!(queued > 0);
    let liar = hoso_tests::faults::FaultyProxy::without_receipts(
        server.url.trim_start_matches("http://").to_string(),
    );
    lan.sync.set_server(&liar.url).unwrap();
    let outcome = lan.sync.sync_now();
    assert!(matches!(outcome, Err(Error::Protocol(_))), "{outcome:?}");
    assert_eq!(
        liar.injected.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "one push, not a retry loop"
    );
    let status = lan.sync.status().unwrap();
    assert_eq!(status.outbox_ops, queued, "every op still waits to be sent");
    assert_eq!(
        lan.store.ops_to_push(1000).unwrap().len(),
        queued,
        "and goes with the next push"
    );
    assert_eq!(status.consecutive_failures, 1, "a retry is scheduled");
    lan.sync.set_server(&server.url).unwrap();
    let report = lan.sync.sync_now().unwrap();
    assert_eq!((report.acknowledged, report.rejected), (queued, 0));
    assert_eq!(lan.sync.status().unwrap().outbox_ops, 0);
    let minh = server.device("minh", Role::Collaborator, commune("25920"));
    minh.sync.sync_now().unwrap();
    assert_eq!(minh.cases.case_file(&case_id).unwrap().visits.len(), 1);
}
