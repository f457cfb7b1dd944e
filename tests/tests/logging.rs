//! The core's log lines reach the app's sink (the Logcat or OSLog writer on a phone): its own `tracing`
//! events and its libraries' `log` records, at the level the app sets, and none of them carries
//! personal data — through a whole day's work: registering a person, a case, a visit note, a sync, a
//! fresh device's pull, and a failed sync.

use hoso_core::actions::NewCase;
use hoso_core::ffi::{self, ApiError, LogEntry, LogLevel, LogSink};
use hoso_core::store::meta_keys::DEVICE_TOKEN;
use hoso_model::demo::{self, Rng};
use hoso_model::role::Role;
use hoso_tests::sim::{COMMUNES, setup_areas};
use hoso_tests::{Device, Server, commune};
use serde_json::json;
use std::sync::{Arc, Mutex};

#[derive(Default)]
struct Captured(Mutex<Vec<LogEntry>>);

impl LogSink for Captured {
    fn log(&self, entry: LogEntry) {
        self.0.lock().unwrap().push(entry);
    }
}

impl Captured {
    fn take(&self) -> Vec<LogEntry> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

/// Records a person with every identifying field, a case and a visit note; returns what identifies
/// them.
fn record_someone(device: &Device) -> Vec<String> {
    let person = demo::person(&mut Rng::new(3), chrono::Utc::now().date_naive(), 20, 80);
    let note = "Bà cho biết bị con trai đánh tuần trước, cần can thiệp khẩn";
    let subject = device
        .cases
        .register_person(
            None,
            serde_json::from_value(json!({
                "full_name": person.full_name, "birth_date": person.birth_date.to_string(),
                "sex": person.sex, "citizen_id": person.citizen_id, "phone": person.phone,
                "address": person.address}))
            .unwrap(),
        )
        .unwrap();
    let case_id = device
        .cases
        .open_case(NewCase {
            subject_id: subject.record_id,
            household_id: None,
            commune_code: COMMUNES[0].into(),
            province_code: "79".into(),
            facility_id: None,
            categories: vec!["ND20-D5-K5-a".into()],
        })
        .unwrap();
    device
        .cases
        .record_visit(
            &case_id,
            serde_json::from_value(
                json!({"visit_date": "2026-01-10", "met_with": ["subject"], "observations": note}),
            )
            .unwrap(),
        )
        .unwrap();
    vec![
        person.full_name,
        person.citizen_id,
        person.phone,
        person.address,
        note.to_string(),
    ]
}

#[test]
fn log_lines_reach_the_sink_at_the_level_set_and_carry_no_personal_data() {
    let sink = Arc::new(Captured::default());
    ffi::set_log_sink(sink.clone(), LogLevel::Trace);
    let server = Server::start();
    setup_areas(&server);
    let lan = server.device("lan", Role::Collaborator, commune(COMMUNES[0]));
    let mut secrets = record_someone(&lan);
    secrets.push(lan.store.meta(DEVICE_TOKEN).unwrap().unwrap());
    lan.sync.sync_now().unwrap();
    let fresh = server.device("hoa", Role::Collaborator, commune(COMMUNES[0]));
    fresh.sync.sync_now().unwrap();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed_url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    lan.sync.set_server(&closed_url).unwrap();
    let failed = lan.sync.sync_now().unwrap_err();
    assert!(matches!(ApiError::from(failed), ApiError::Network { .. }));

    let entries = sink.take();
    let from = |prefix: &str| {
        entries
            .iter()
            .filter(|e| e.target.starts_with(prefix))
            .count()
    };
    assert!(
        entries
            .iter()
            .any(|e| e.target.starts_with("hoso_core") && e.message.starts_with("sync finished")),
        "the core's own events arrive"
    );
    assert!(
        from("ureq") > 0,
        "the HTTP library's `log` records arrive too, under their own target"
    );
    assert!(entries.iter().any(|e| e.level == LogLevel::Warn
        && e.message.contains("Refused")
        && e.target.starts_with("hoso_core")));
    for entry in &entries {
        for secret in &secrets {
            assert!(
                !entry.message.contains(secret.as_str()),
                "{secret:?} was logged: {entry:?}"
            );
        }
        assert!(
            !entry.message.to_ascii_lowercase().contains("bearer"),
            "the token's header was logged: {entry:?}"
        );
    }
    assert!(
        !entries
            .iter()
            .any(|e| e.target.starts_with("ureq") && e.level == LogLevel::Trace),
        "the HTTP library's wire dumps (bytes, headers, bodies) never reach the sink"
    );

    ffi::set_log_level(LogLevel::Warn);
    lan.sync.set_server(&server.url).unwrap();
    lan.sync.sync_now().unwrap();
    lan.sync.set_server(&closed_url).unwrap();
    let failed = lan.sync.sync_now().unwrap_err();
    let _ = ApiError::from(failed);
    let entries = sink.take();
    assert!(!entries.is_empty(), "the warning still arrives");
    assert!(
        entries
            .iter()
            .all(|e| matches!(e.level, LogLevel::Warn | LogLevel::Error)),
        "nothing below the level set: {entries:?}"
    );
}
