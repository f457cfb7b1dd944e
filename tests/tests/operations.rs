//! What an operator relies on, tried on real servers: request ids in errors, rate limits, health and
//! metrics, several processes on one PostgreSQL database, and moving an embedded deployment up to
//! PostgreSQL. The PostgreSQL tests run when `HOSO_TEST_DATABASE_URL` names a server.

use hoso_core::photos::upload::Unobserved;
use hoso_core::photos::{Network, NewPhoto};
use hoso_model::domain::photos::PhotoCategory;
use hoso_model::op::RecordKind;
use hoso_model::protocol::EnrollRequest;
use hoso_model::role::Role;
use hoso_tests::load::{LoadOptions, load};
use hoso_tests::photos::camera_jpeg;
use hoso_tests::sim::{COMMUNES, record_case, setup_areas};
use hoso_tests::{Database, Server, ServerOptions, commune, server_binary};
use serde_json::{Value, json};

const TEST_DATABASE_ENV: &str = "HOSO_TEST_DATABASE_URL";

fn enroll(server: &Server, code: &str) -> reqwest::blocking::Response {
    reqwest::blocking::Client::new()
        .post(format!("{}/v1/enroll", server.url))
        .json(&EnrollRequest {
            code: code.into(),
            device_id: hoso_model::op::new_id(),
            device_name: "máy".into(),
        })
        .send()
        .unwrap()
}

#[test]
fn every_error_names_its_request_and_repeated_enrollment_guesses_are_slowed_down() {
    let server = Server::start();
    let first = enroll(&server, "AAAA-BBBB-CCCC");
    assert_eq!(first.status(), 401);
    let header = first.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_string();
    let body: Value = first.json().unwrap();
    assert_eq!(body["code"], "code_unknown");
    assert!(
        body["message"]["vi"]
            .as_str()
            .is_some_and(|m| m.contains("xin mã mới")),
        "the person holding the code is told what to do: {body}"
    );
    assert_eq!(
        body["request_id"],
        json!(header),
        "the id in the body is the header's"
    );
    let statuses: Vec<u16> = (0..12)
        .map(|_| enroll(&server, "AAAA-BBBB-CCCC").status().as_u16())
        .collect();
    assert_eq!(&statuses[..9], &[401; 9]);
    assert_eq!(
        &statuses[9..],
        &[429; 3],
        "ten tries per address: {statuses:?}"
    );
    let body: Value = enroll(&server, "AAAA-BBBB-CCCC").json().unwrap();
    assert_eq!(body["code"], "too_many_attempts");
    assert!(
        body["message"]["vi"]
            .as_str()
            .unwrap()
            .contains("Quá nhiều")
    );
}

#[test]
fn health_tells_the_database_answers_and_metrics_count_requests_without_personal_data() {
    let server = Server::start();
    setup_areas(&server);
    let lan = server.device("Nguyễn Thị Lan", Role::Collaborator, commune(COMMUNES[0]));
    let mut rng = hoso_model::demo::Rng::new(3);
    record_case(&lan, &mut rng, COMMUNES[0]);
    lan.sync.sync_now().unwrap();
    let health: Value = reqwest::blocking::get(format!("{}/v1/health", server.url))
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(health["database"], "ok");
    assert_eq!(
        health["photos"], "ok",
        "the data folder's blob store answers"
    );
    let metrics = scrape(&server);
    assert!(
        metrics.contains("hoso_http_requests_total{route=\"/v1/push\",status=\"200\"} 1"),
        "{metrics}"
    );
    assert!(metrics.contains("hoso_pushed_ops_total{status=\"accepted\"}"));
    assert!(metrics.contains("hoso_pulled_field_values_total"));
    assert_eq!(
        metrics.contains("hoso_oldest_transaction_seconds"),
        server.database_url.is_some(),
        "the wait of pulls is PostgreSQL's alone"
    );
    let person = &lan.store.records_of_kind(RecordKind::Person).unwrap()[0];
    let name = person.text("full_name").unwrap();
    assert!(
        !metrics.contains(name) && !metrics.contains("Lan"),
        "no personal data"
    );
}

/// The server's `/metrics` page.
fn scrape(server: &Server) -> String {
    reqwest::blocking::get(format!("{}/metrics", server.url))
        .unwrap()
        .text()
        .unwrap()
}

/// The `hoso_oldest_transaction_seconds` gauge of a scrape.
fn oldest_transaction_seconds(server: &Server) -> f64 {
    let metrics = scrape(server);
    metrics
        .lines()
        .find_map(|line| line.strip_prefix("hoso_oldest_transaction_seconds "))
        .unwrap_or_else(|| panic!("no gauge in {metrics}"))
        .parse()
        .unwrap()
}

#[test]
fn a_transaction_left_open_on_postgresql_shows_in_the_metrics_until_it_ends() {
    if std::env::var(TEST_DATABASE_ENV).is_err() {
        eprintln!("not run: {TEST_DATABASE_ENV} is not set");
        return;
    }
    let server = Server::start();
    assert!(
        oldest_transaction_seconds(&server) < 1.0,
        "nothing open yet"
    );
    let url = server.database_url.clone().unwrap();
    let mut forgotten = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let mut session = forgotten.transaction().unwrap();
    session
        .query_one("SELECT pg_current_xact_id()", &[])
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1_500));
    let waited = oldest_transaction_seconds(&server);
    assert!(
        waited >= 1.4,
        "an operator sees what pulls wait on: {waited}"
    );
    session.commit().unwrap();
    assert!(
        oldest_transaction_seconds(&server) < 1.0,
        "gone once it ends"
    );
}

#[test]
fn devices_on_two_processes_of_one_postgresql_database_edit_one_case_and_converge() {
    if std::env::var(TEST_DATABASE_ENV).is_err() {
        eprintln!("not run: {TEST_DATABASE_ENV} is not set");
        return;
    }
    let server = Server::start_with(&ServerOptions {
        database: Database::FromEnvironment,
        processes: 2,
        ..ServerOptions::default()
    });
    setup_areas(&server);
    let lan = server.device_on(0, "lan", Role::Collaborator, commune(COMMUNES[0]));
    let hoa = server.device_on(1, "hoa", Role::Collaborator, commune(COMMUNES[0]));
    let mut rng = hoso_model::demo::Rng::new(5);
    let case_id = record_case(&lan, &mut rng, COMMUNES[0]);
    lan.sync.sync_now().unwrap();
    hoa.sync.sync_now().unwrap();
    for (i, device) in [&lan, &hoa].into_iter().enumerate() {
        device
            .store
            .write(|w| {
                w.set(
                    &case_id,
                    RecordKind::Case,
                    "notes",
                    json!(format!("ghi chú {i}")),
                )
                .map(|_| ())
            })
            .unwrap();
    }
    std::thread::scope(|scope| {
        scope.spawn(|| lan.sync.sync_now().unwrap());
        scope.spawn(|| hoa.sync.sync_now().unwrap());
    });
    lan.sync.sync_now().unwrap();
    hoa.sync.sync_now().unwrap();
    let (a, b) = (
        lan.store.field_state(&case_id, "notes").unwrap(),
        hoa.store.field_state(&case_id, "notes").unwrap(),
    );
    assert_eq!(a, b, "both processes gave the same merge");
    assert!(a.has_conflict(), "the losing note is kept: {a:?}");
}

#[test]
fn an_embedded_deployment_moves_to_postgresql_whole_and_its_phones_carry_on() {
    let Ok(postgres) = std::env::var(TEST_DATABASE_ENV) else {
        eprintln!("not run: {TEST_DATABASE_ENV} is not set");
        return;
    };
    let embedded = Server::start_with(&ServerOptions {
        database: Database::Embedded,
        processes: 1,
        ..ServerOptions::default()
    });
    setup_areas(&embedded);
    let lan = embedded.device("lan", Role::Collaborator, commune(COMMUNES[0]));
    let mut rng = hoso_model::demo::Rng::new(9);
    let cases: Vec<String> = (0..5)
        .map(|_| record_case(&lan, &mut rng, COMMUNES[0]))
        .collect();
    let photo = lan
        .photos
        .attach(
            &camera_jpeg(640, 480, 1),
            NewPhoto {
                case_id: cases[0].clone(),
                caption: "Nhà tạm".into(),
                category: PhotoCategory::LivingConditions,
                ..NewPhoto::default()
            },
        )
        .unwrap();
    lan.sync.sync_now().unwrap();
    let sent = lan
        .photos
        .upload_pending_with(Network::Unmetered, 64 * 1024, &Unobserved)
        .unwrap();
    assert_eq!(sent.uploaded, 1, "{sent:?}");
    let mut embedded = embedded;
    embedded.stop();
    let target =
        hoso_server::storage::postgres::scratch::ScratchDatabase::create(&postgres).unwrap();
    let shared_photos = tempfile::tempdir().unwrap();
    let blob_store = format!("file://{}", shared_photos.path().display());
    for run in 0..2 {
        let output = std::process::Command::new(server_binary())
            .args(["migrate", "--from"])
            .arg(&embedded.data)
            .args(["--to", &target.url, "--blob-store", &blob_store])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "run {run}: {stdout} {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(stdout.contains("migrated and verified"), "{stdout}");
        assert!(!stdout.contains("DIFFERENT"), "{stdout}");
        let copied = if run == 0 {
            "1 copied now"
        } else {
            "0 copied now"
        };
        assert!(stdout.contains(copied), "run {run}: {stdout}");
    }
    let mut copy = postgres::Client::connect(&target.url, postgres::NoTls).unwrap();
    let analyzed: i64 = copy
        .query_one(
            "SELECT count(*) FROM pg_stat_user_tables
             WHERE relname IN ('field_state', 'record', 'op_log') AND last_analyze IS NOT NULL",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(analyzed, 3, "the planner knows the copied tables at once");
    // The photos now live in the shared store only: the old folder's images are not used.
    std::fs::remove_dir_all(embedded.data.join("blobs")).unwrap();
    let moved = Server::start_on_database(
        &target.url,
        &embedded.admin_token,
        &embedded.data,
        ServerOptions {
            args: vec!["--blob-store".into(), blob_store.clone()],
            ..ServerOptions::default()
        },
    );
    lan.sync.set_server(&moved.url).unwrap();
    lan.store
        .write(|w| {
            w.set(
                &cases[0],
                RecordKind::Case,
                "notes",
                json!("sau khi chuyển"),
            )
            .map(|_| ())
        })
        .unwrap();
    let report = lan.sync.sync_now().unwrap();
    assert_eq!(
        report.rejected, 0,
        "the phone's token still works: {report:?}"
    );
    let fresh = moved.device("hoa", Role::Collaborator, commune(COMMUNES[0]));
    fresh.sync.sync_now().unwrap();
    for case in &cases {
        assert!(fresh.store.record(case).unwrap().is_some(), "{case} moved");
    }
    assert_eq!(
        fresh.store.field_state(&cases[0], "notes").unwrap().value(),
        Some(&json!("sau khi chuyển"))
    );
    assert_eq!(
        fresh.photos.open_image(&photo).unwrap(),
        lan.photos.open_image(&photo).unwrap(),
        "the photo came along"
    );
}

#[test]
fn a_crowd_of_phones_pushing_and_pulling_at_once_is_answered_whole_with_no_error() {
    let server = Server::start();
    let report = load(
        &server,
        &LoadOptions {
            devices: 60,
            communes: 3,
            cases_per_device: 1,
            window_s: 0,
            seed: 5,
        },
    );
    println!("{}", serde_json::to_string(&report).unwrap());
    assert_eq!(report.errors, 0, "{report:?}");
    assert!(report.ops_pushed >= 60, "{report:?}");
    // Each phone pulls its commune after its own push: no pull (waiting its turn behind the others)
    // comes back short of what its phone had just sent.
    assert!(
        report.pulled_field_values >= report.ops_pushed,
        "{report:?}"
    );
}
