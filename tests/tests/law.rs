//! The rules of the law the server enforces, end to end with the real server: sensitive data reaches only
//! the people who manage or approve a case (NĐ 356/2025), only the chairman gives his consent to share
//! and assigns the case manager (TT 02/2020 Điều 2.2, 9.2), the embedded database is encrypted at rest,
//! and configuration and administrative units reach the phones through sync.

use hoso_core::actions::CaseArea;
use hoso_model::area::AreaKind;
use hoso_model::domain::lifecycle::Action;
use hoso_model::op::RecordKind;
use hoso_model::role::Role;
use hoso_tests::{Database, Device, Server, ServerOptions, commune, province};
use serde_json::json;

/// A health condition nobody else's phone may hold.
const DIAGNOSIS: &str = "Nhiễm HIV, điều trị ARV tại trạm y tế";

fn setup() -> Server {
    setup_on(&ServerOptions::default())
}

fn setup_on(options: &ServerOptions) -> Server {
    let server = Server::start_with(options);
    server.create_area(AreaKind::Commune, "25920", "Phường Tân Hiệp");
    server.create_area(AreaKind::Province, "79", "Thành phố Hồ Chí Minh");
    server
}

/// A case opened from a Mẫu 01 with a health condition and an HIV subject category.
fn case_with_health_data(device: &Device) -> String {
    let answers = serde_json::from_value(json!({
        "subject.full_name": "Phan Thị Hồng",
        "subject.birth_date": "1985-04-02",
        "subject.categories": ["ND20-D5-K8"],
        "health_condition": DIAGNOSIS
    }))
    .unwrap();
    let area = CaseArea {
        commune_code: "25920".into(),
        province_code: "79".into(),
        facility_id: None,
    };
    let intake = device
        .cases
        .create_case_with_information(area, answers)
        .unwrap();
    intake.case_id
}

fn holds_the_diagnosis(device: &Device) -> bool {
    device
        .store
        .records_of_kind(RecordKind::Form)
        .unwrap()
        .iter()
        .any(|f| f.text("a.health_condition") == Some(DIAGNOSIS))
}

fn raw_pull(server: &Server, device: &Device, cursor: u64) -> String {
    let token = device
        .store
        .meta(hoso_core::store::meta_keys::DEVICE_TOKEN)
        .unwrap()
        .unwrap();
    reqwest::blocking::Client::new()
        .get(format!(
            "{}/v1/pull?cursor={cursor}&limit=20000",
            server.url
        ))
        .bearer_auth(token)
        .send()
        .unwrap()
        .text()
        .unwrap()
}

#[test]
fn sensitive_data_reaches_only_the_cases_managers_and_approvers_whatever_the_cursor() {
    let server = setup();
    let lan = server.device("lan", Role::Collaborator, commune("25920"));
    let minh = server.device("minh", Role::Collaborator, commune("25920"));
    let chairman = server.device("chu-tich", Role::Approver, commune("25920"));
    let officer = server.device("so", Role::ProvincialOfficer, province("79"));
    let case_id = case_with_health_data(&lan);
    lan.sync.sync_now().unwrap();
    for device in [&minh, &chairman, &officer] {
        device.sync.sync_now().unwrap();
    }
    assert!(holds_the_diagnosis(&chairman), "the chairman approves it");
    assert!(
        !holds_the_diagnosis(&minh),
        "a colleague does not manage it"
    );
    assert!(
        !holds_the_diagnosis(&officer),
        "provincial lists show counts"
    );
    let file = minh.cases.case_file(&case_id).unwrap();
    assert_eq!(
        file.subject.as_ref().unwrap().text("full_name"),
        Some("Phan Thị Hồng"),
        "the colleague still sees the case itself"
    );
    assert_eq!(file.case.fields.get("categories"), None);
    for cursor in [0, 1, 5, 17, 1_000_000, u64::MAX] {
        for device in [&minh, &officer] {
            let body = raw_pull(&server, device, cursor);
            assert!(
                !body.contains("ARV") && !body.contains("ND20-D5-K8"),
                "cursor {cursor}"
            );
        }
    }
    // The chairman assigns the colleague: the data goes to them and leaves the opener's phone.
    chairman.sync.sync_now().unwrap();
    let minh_id = minh.store.identity().user_id.unwrap();
    chairman
        .cases
        .act(&case_id, Action::AssignManager { user_id: minh_id })
        .unwrap();
    chairman.sync.sync_now().unwrap();
    minh.sync.sync_now().unwrap();
    lan.sync.sync_now().unwrap();
    assert!(holds_the_diagnosis(&minh), "the new manager receives it");
    assert!(
        !holds_the_diagnosis(&lan),
        "the former opener's phone drops it"
    );
}

/// Writes fields of a record as a tampered phone would, bypassing the core's own checks.
fn write_directly(device: &Device, record_id: &str, kind: RecordKind, fields: serde_json::Value) {
    device
        .store
        .write(|w| {
            let fields = serde_json::from_value::<
                std::collections::BTreeMap<String, serde_json::Value>,
            >(fields)
            .expect("fields");
            w.set_all(record_id, kind, fields).map(|_| ())
        })
        .unwrap();
}

#[test]
fn only_the_chairman_gives_his_consent_and_assigns_the_case_manager() {
    let server = setup();
    let lan = server.device("lan", Role::Collaborator, commune("25920"));
    let case_id = case_with_health_data(&lan);
    lan.sync.sync_now().unwrap();
    let consent = hoso_model::op::new_id();
    write_directly(
        &lan,
        &consent,
        RecordKind::Consent,
        json!({"case_id": case_id, "form_id": "HOSO-CONSENT", "a.approver_consent": true}),
    );
    write_directly(
        &lan,
        &case_id,
        RecordKind::Case,
        json!({"manager_id": "someone"}),
    );
    let report = lan.sync.sync_now().unwrap();
    assert_eq!(report.rejected, 2, "{report:?}");
    let refused: Vec<_> = lan
        .store
        .outbox()
        .unwrap()
        .into_iter()
        .filter_map(|r| r.rejection)
        .collect();
    assert!(refused.iter().all(|r| r.code == "not_allowed"));
    assert!(
        refused
            .iter()
            .all(|r| r.reason.vi.contains("Chủ tịch UBND cấp xã"))
    );
    let chairman = server.device("chu-tich", Role::Approver, commune("25920"));
    chairman.sync.sync_now().unwrap();
    let consent = chairman
        .cases
        .record_consent(
            &case_id,
            serde_json::from_value(
                json!({"lawful_basis": "state_duty", "approver_consent": true,
                                          "consent_date": "2026-01-05"}),
            )
            .unwrap(),
        )
        .unwrap();
    let report = chairman.sync.sync_now().unwrap();
    assert_eq!(report.rejected, 0, "{report:?}");
    lan.sync.sync_now().unwrap();
    let received = lan.store.record(&consent).unwrap().unwrap();
    assert_eq!(
        received.fields.get("a.approver_consent"),
        Some(&json!(true))
    );
}

#[test]
fn the_servers_database_holds_no_plaintext() {
    // The embedded file is encrypted by hoso; PostgreSQL's files are the operator's to encrypt
    // (docs/operations.md).
    let server = setup_on(&ServerOptions {
        database: Database::Embedded,
        processes: 1,
        ..ServerOptions::default()
    });
    let lan = server.device("lan", Role::Collaborator, commune("25920"));
    case_with_health_data(&lan);
    lan.sync.sync_now().unwrap();
    let mut checked = 0;
    let mut folders = vec![server.data.clone()];
    let mut files = Vec::new();
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                files.push(path);
            }
        }
    }
    for path in files {
        if path.file_name().is_some_and(|n| n == "server.key") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!bytes.starts_with(b"SQLite format 3"), "{}", path.display());
        for secret in ["Phan Th", "ARV", "25920", "full_name"] {
            assert!(!text.contains(secret), "{secret} in {}", path.display());
        }
        checked += 1;
    }
    assert!(checked >= 1);
}

#[test]
fn configuration_and_administrative_units_reach_the_phones_through_sync() {
    let server = setup();
    let lan = server.device("lan", Role::Collaborator, commune("25920"));
    let client = reqwest::blocking::Client::new();
    let post = |path: &str, body: serde_json::Value| {
        client
            .post(format!("{}{path}", server.url))
            .bearer_auth(&server.admin_token)
            .json(&body)
            .send()
            .unwrap()
    };
    let forbidden = post(
        "/v1/admin/config",
        json!({"area": {"kind": "province", "code": "79"},
               "config": {"post_closure_follow_up_months": 3}}),
    );
    assert_eq!(forbidden.status(), 400);
    let body: serde_json::Value = forbidden.json().unwrap();
    assert!(body["message"]["vi"].as_str().unwrap().contains("6 tháng"));
    let set = post(
        "/v1/admin/config",
        json!({"area": {"kind": "province", "code": "79"},
               "config": {"closure_age": 16, "review_interval_days": 90}}),
    );
    assert!(set.status().is_success());
    let mut units = hoso_model::admin_units::AdminUnits::builtin();
    units.version = "QĐ 19/2025 + NQ 237/NQ-UBTVQH16 (thử nghiệm)".into();
    let tan_hiep = units.communes.get_mut("25920").unwrap();
    tan_hiep.name = "Tân Hiệp Mới".into();
    let imported = post(
        "/v1/admin/admin-units",
        json!({"effective": "2026-04-30", "units": units}),
    );
    assert!(imported.status().is_success());
    lan.sync.sync_now().unwrap();
    let config = lan.store.config().unwrap();
    assert_eq!(config.closure_age, 16);
    assert_eq!(config.review_interval_days, Some(90));
    let held = lan.store.admin_units().unwrap();
    assert_eq!(held.version, units.version);
    assert_eq!(held.communes["25920"].name, "Tân Hiệp Mới");
    let known = lan.store.known_reference().unwrap();
    lan.sync.sync_now().unwrap();
    assert_eq!(
        lan.store.known_reference().unwrap(),
        known,
        "nothing new the second time"
    );
}
