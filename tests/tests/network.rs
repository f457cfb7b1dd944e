//! The sync client on a real network's faults: each kind of failure produced for real (a closed port,
//! an unknown name, a certificate nobody trusts, a server that hangs, a server that fails) reaches the
//! app as its own kind with its own words; HTTPS works with a trusted authority and is required off
//! loopback; a stop is obeyed at once even while the server hangs; the `User-Agent` names the app.

use hoso_core::actions::NewCase;
use hoso_core::app::App;
use hoso_core::error::NetworkFault;
use hoso_core::ffi::{self, ApiError};
use hoso_core::sync::http::{AppIdentity, CORE_VERSION, NetworkConfig, TrustedRoots};
use hoso_core::{Error, Result};
use hoso_model::area::AreaKind;
use hoso_model::op::RecordKind;
use hoso_model::role::Role;
use hoso_tests::faults::HangingServer;
use hoso_tests::tls::{TestAuthority, TlsFront};
use hoso_tests::{Device, Server, commune, device_key};
use serde_json::json;
use std::time::{Duration, Instant};

fn setup() -> Server {
    let server = Server::start();
    server.create_area(AreaKind::Commune, "25920", "Phường Tân Hiệp");
    server.create_area(AreaKind::Province, "79", "Thành phố Hồ Chí Minh");
    server
}

/// Opens a case for a new person: what a device pushes, and what another device of the commune pulls.
/// Returns the case's id.
fn open_a_case(device: &App, name: &str) -> String {
    let subject = device
        .cases
        .register_person(
            None,
            serde_json::from_value(json!({"full_name": name, "birth_date": "1961-07-08"})).unwrap(),
        )
        .unwrap();
    device
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

/// What the app receives for a sync that failed with `error`: the kind and both texts.
fn shown(error: Error) -> (ffi::NetworkFault, String, String) {
    match ApiError::from(error) {
        ApiError::Network {
            fault,
            message_vi,
            message_en,
        } => (fault, message_vi, message_en),
        other => panic!("expected ApiError::Network, got {other:?}"),
    }
}

fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    url
}

#[test]
fn each_real_fault_reaches_the_app_as_its_own_kind_with_vietnamese_and_english_words() {
    let server = setup();
    let lan = server.device("lan", Role::Collaborator, commune("25920"));
    let case_id = open_a_case(&lan, "Lò Văn Páo");
    let hanging = HangingServer::start();
    let untrusted = TlsFront::start(
        server.url.trim_start_matches("http://").to_string(),
        &TestAuthority::default(),
    );
    let faults = [
        (closed_port_url(), NetworkFault::Refused),
        ("https://hoso.invalid".to_string(), NetworkFault::Dns),
        (untrusted.url.clone(), NetworkFault::Tls),
        (hanging.url.clone(), NetworkFault::Timeout),
    ];
    lan.sync.set_network(NetworkConfig {
        exchange_timeout: Duration::from_secs(1),
        ..NetworkConfig::default()
    });
    let mut texts = Vec::new();
    for (url, expected) in faults {
        lan.sync.set_server(&url).unwrap();
        let error = lan.sync.sync_now().unwrap_err();
        assert!(
            matches!(&error, Error::Network { fault, .. } if *fault == expected),
            "{url}: {error:?}"
        );
        let (fault, vi, en) = shown(error);
        assert_eq!(fault, ffi::NetworkFault::from(expected));
        texts.push((vi, en));
    }
    // The server itself failing: one of its records is damaged, so it answers 500.
    lan.sync.set_server(&server.url).unwrap();
    lan.sync.sync_now().unwrap();
    assert!(server.damage_record_kind(&case_id) > 0);
    let fresh = server.device("hoa", Role::Collaborator, commune("25920"));
    let error = fresh.sync.sync_now().unwrap_err();
    let (fault, vi, en) = shown(error);
    assert_eq!(fault, ffi::NetworkFault::ServerError);
    texts.push((vi, en));
    let distinct: std::collections::HashSet<&String> = texts.iter().map(|(vi, _)| vi).collect();
    assert_eq!(distinct.len(), 5, "each kind has its own words: {texts:?}");
    assert!(
        texts
            .iter()
            .all(|(vi, en)| !vi.is_empty() && !en.is_empty() && vi != en)
    );
    assert_eq!(
        lan.sync.status().unwrap().outbox_ops,
        0,
        "the person registered before the faults reached the server in the end"
    );
}

#[test]
fn https_works_with_a_trusted_authority_and_plain_http_is_refused_off_loopback() {
    let server = setup();
    let authority = TestAuthority::default();
    let front = TlsFront::start(
        server.url.trim_start_matches("http://").to_string(),
        &authority,
    );
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(dir.path().join("device.db"), &device_key("lan")).unwrap();
    app.sync.set_network(NetworkConfig {
        roots: TrustedRoots::Only(vec![authority.der.clone()]),
        ..NetworkConfig::default()
    });
    let code = server.user_code("lan", Role::Collaborator, commune("25920"));
    app.sync.enroll(&front.url, &code, "lan").unwrap();
    let _ = open_a_case(&app, "Hà Thị Mai");
    let report = app.sync.sync_now().unwrap();
    assert!(report.acknowledged > 0, "{report:?}");
    let hoa = server.device("hoa", Role::Collaborator, commune("25920"));
    hoa.sync.sync_now().unwrap();
    assert_eq!(
        hoa.store.records_of_kind(RecordKind::Case).unwrap().len(),
        1
    );

    for plain in ["http://hoso.example.vn", "http://192.168.1.20:8787"] {
        let refused = app.sync.set_server(plain).unwrap_err();
        assert!(
            matches!(&refused, Error::Invalid(m) if m.vi.contains("https://")),
            "{plain}: {refused:?}"
        );
    }
    assert!(
        app.sync
            .enroll("http://hoso.example.vn", &code, "lan")
            .is_err(),
        "enrollment over plain HTTP is refused before anything is sent"
    );
}

/// Starts a sync, stops it once after `after`, and returns what it returned and how long the stop took.
fn stop_after(device: &Device, after: Duration) -> (Result<()>, Duration) {
    std::thread::scope(|scope| {
        let sync = scope.spawn(|| device.sync.sync_now().map(|_| ()));
        std::thread::sleep(after);
        let stopped = Instant::now();
        device.sync.interrupt();
        let outcome = sync.join().unwrap();
        (outcome, stopped.elapsed())
    })
}

#[test]
fn a_stopped_sync_returns_within_two_seconds_while_the_server_hangs_and_loses_nothing() {
    let server = setup();
    let lan = server.device("lan", Role::Collaborator, commune("25920"));
    let hoa = server.device("hoa", Role::Collaborator, commune("25920"));
    let _ = open_a_case(&lan, "Lò Văn Páo");
    let hanging = HangingServer::start();
    // Hanging while pushing (lan has a person to send) and while pulling (hoa has nothing to send).
    for device in [&lan, &hoa] {
        device.sync.set_server(&hanging.url).unwrap();
        let (outcome, took) = stop_after(device, Duration::from_millis(400));
        assert!(matches!(outcome, Err(Error::Interrupted)), "{outcome:?}");
        assert!(took < Duration::from_secs(2), "the stop took {took:?}");
        device.sync.set_server(&server.url).unwrap();
    }
    assert_eq!(
        hanging.request_heads().len(),
        2,
        "both syncs had reached the server"
    );
    lan.sync.sync_now().unwrap();
    hoa.sync.sync_now().unwrap();
    assert_eq!(
        hoa.store.records_of_kind(RecordKind::Case).unwrap().len(),
        1,
        "the push cut by the stop was sent again whole"
    );
}

#[test]
fn the_user_agent_names_the_app_and_the_core() {
    let server = setup();
    let lan = server.device("lan", Role::Collaborator, commune("25920"));
    let hanging = HangingServer::start();
    lan.sync
        .set_app(AppIdentity::new("hoso-android", "1.4.0").unwrap());
    lan.sync.set_server(&hanging.url).unwrap();
    let (_, _) = stop_after(&lan, Duration::from_millis(300));
    let heads = hanging.request_heads();
    let expected = format!("user-agent: hoso-android/1.4.0 hoso-core/{CORE_VERSION}");
    assert!(
        heads.iter().all(|h| h
            .to_ascii_lowercase()
            .contains(&expected.to_ascii_lowercase())),
        "{heads:?}"
    );
    assert!(!heads.is_empty());
}
