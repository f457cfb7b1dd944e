//! Server ingest speed: realistic ops pushed in batches of 1,000, on SQLite and — when
//! `HOSO_TEST_DATABASE_URL` names a PostgreSQL server — on PostgreSQL side by side in the same run:
//! one device pushing to one process, two devices pushing to one process at once, and two devices
//! each pushing to its own process (two storage handles, as two server processes have).
//! `cargo bench -p hoso-server --bench ingest` prints one JSON line per configuration; under
//! `cargo test` it is a smoke run.

use hoso_model::area::{Area, AreaKind};
use hoso_model::demo::{self, Rng};
use hoso_model::hlc::{Clock, system_now_millis};
use hoso_model::op::{FieldOp, RecordKind, new_id};
use hoso_model::protocol::ReceiptStatus;
use hoso_model::role::Role;
use hoso_server::storage::postgres::scratch::ScratchDatabase;
use hoso_server::storage::{DeviceAuth, PgStorage, SqliteStorage, Storage};
use serde_json::json;
use std::time::Instant;

const COMMUNE: &str = "25920";

fn enroll(storage: &dyn Storage, name: &str) -> DeviceAuth {
    let area = Area {
        kind: AreaKind::Commune,
        code: COMMUNE.into(),
    };
    storage.create_area(&area, "Phường Tân Hiệp").expect("area");
    let user = storage
        .create_user(name, Role::Collaborator, &area)
        .expect("user");
    let now = system_now_millis();
    let (code, _) = storage.issue_code(&user, now).expect("code");
    let device_id = uuid::Uuid::now_v7().to_string();
    storage
        .enroll(&code, &device_id, name, now)
        .expect("enroll");
    DeviceAuth {
        device_id,
        user_id: user,
        role: Role::Collaborator,
        area,
    }
}

/// A caseload as pushes of at most 1,000 ops, each case whole in one push (a case's area fields
/// must arrive together): per case 5 ops, plus 4 visits of 3 ops each.
fn caseload(device: &DeviceAuth, cases: usize, seed: u64) -> Vec<Vec<FieldOp>> {
    let mut clock = Clock::new(hoso_model::hlc::node_of(&device.device_id));
    let mut rng = Rng::new(seed);
    let now = system_now_millis();
    let today = chrono::Utc::now().date_naive();
    let mut batches: Vec<Vec<FieldOp>> = vec![Vec::new()];
    let mut op = |record: &str, kind: RecordKind, field: &str, value: serde_json::Value| FieldOp {
        op_id: new_id(),
        record_id: record.to_string(),
        kind,
        field: field.to_string(),
        value,
        hlc: clock.tick(now).expect("tick"),
        supersedes: vec![],
        device_id: device.device_id.clone(),
        author: device.user_id.clone(),
    };
    for _ in 0..cases {
        let mut ops = Vec::with_capacity(17);
        let p = demo::person(&mut rng, today, 0, 95);
        let (person, case) = (new_id(), new_id());
        ops.push(op(&case, RecordKind::Case, "commune_code", json!(COMMUNE)));
        ops.push(op(&case, RecordKind::Case, "province_code", json!("79")));
        ops.push(op(&case, RecordKind::Case, "subject_id", json!(person)));
        ops.push(op(
            &person,
            RecordKind::Person,
            "full_name",
            json!(p.full_name),
        ));
        ops.push(op(&person, RecordKind::Person, "phone", json!(p.phone)));
        for _ in 0..4 {
            let visit = new_id();
            ops.push(op(&visit, RecordKind::Visit, "case_id", json!(case)));
            ops.push(op(
                &visit,
                RecordKind::Visit,
                "a.visit_date",
                json!(today.to_string()),
            ));
            ops.push(op(
                &visit,
                RecordKind::Visit,
                "a.observations",
                json!(demo::visit_note(&mut rng)),
            ));
        }
        if batches.last().is_some_and(|b| b.len() + ops.len() > 1_000) {
            batches.push(Vec::new());
        }
        batches.last_mut().expect("one batch at least").extend(ops);
    }
    batches
}

/// Every writer pushes its own caseload (its own device) at the same time, through the storage
/// handle it is given: writers sharing a handle are devices pushing to one server process at once,
/// each handle is a process. `size` tells the database's bytes on disk (the growth is reported per
/// op).
fn ingest(
    backend: &str,
    processes: usize,
    writers: &[&dyn Storage],
    cases: usize,
    target: f64,
    size: impl Fn() -> u64,
) {
    let work: Vec<(DeviceAuth, Vec<Vec<FieldOp>>)> = writers
        .iter()
        .enumerate()
        .map(|(i, storage)| {
            let device = enroll(*storage, &format!("bench-{i}"));
            let ops = caseload(&device, cases, 5 + i as u64);
            (device, ops)
        })
        .collect();
    let total: usize = work
        .iter()
        .map(|(_, batches)| batches.iter().map(Vec::len).sum::<usize>())
        .sum();
    let size_before = size();
    let now = system_now_millis();
    let started = Instant::now();
    let accepted: usize = std::thread::scope(|scope| {
        let threads: Vec<_> = writers
            .iter()
            .zip(&work)
            .map(|(storage, (device, ops))| {
                scope.spawn(move || {
                    ops.iter()
                        .map(|batch| {
                            storage
                                .push(device, batch, now)
                                .expect("push")
                                .iter()
                                .filter(|r| r.status == ReceiptStatus::Accepted)
                                .count()
                        })
                        .sum::<usize>()
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().expect("writer")).sum()
    });
    let elapsed = started.elapsed();
    assert_eq!(accepted, total, "every op is accepted");
    let per_second = total as f64 / elapsed.as_secs_f64();
    let bytes_per_op = (size().saturating_sub(size_before) as f64 / total as f64).round();
    println!(
        "{}",
        json!({"bench": "server_ingest", "backend": backend, "processes": processes,
               "writers": writers.len(), "ops": total,
               "elapsed_ms": elapsed.as_millis(), "ops_per_s": per_second.round(),
               "target_ops_per_s": target, "met": per_second >= target,
               "disk_bytes_per_op": bytes_per_op})
    );
}

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    let cases = if measuring { 5_000 } else { 50 };
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bench.db");
    let sqlite = SqliteStorage::open(&path, &test_key()).expect("storage");
    let file_size = |suffix: &str| {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        std::fs::metadata(name).map_or(0, |m| m.len())
    };
    ingest("sqlite", 1, &[&sqlite], cases, 50_000.0, || {
        file_size("") + file_size("-wal")
    });
    let Some(server) = std::env::var("HOSO_TEST_DATABASE_URL").ok() else {
        eprintln!("PostgreSQL not measured: HOSO_TEST_DATABASE_URL is not set");
        return;
    };
    for (processes, writers) in [(1, 1), (1, 2), (2, 2)] {
        let database = ScratchDatabase::create(&server).expect("a scratch database");
        let handles: Vec<PgStorage> = (0..processes)
            .map(|_| PgStorage::connect(&database.url, 4).expect("connect"))
            .collect();
        let writers: Vec<&dyn Storage> = (0..writers)
            .map(|i| &handles[i % processes] as &dyn Storage)
            .collect();
        let size = || {
            postgres::Client::connect(&database.url, postgres::NoTls)
                .and_then(|mut c| c.query_one("SELECT pg_database_size(current_database())", &[]))
                .map_or(0, |row| row.get::<_, i64>(0) as u64)
        };
        ingest(
            "postgres",
            processes,
            &writers,
            cases / writers.len(),
            20_000.0,
            size,
        );
    }
}

/// A fixed key for the encrypted test database (a deployment's lives in `server.key`).
fn test_key() -> hoso_sqlite::connection::Key {
    hoso_sqlite::connection::Key::from_hex(&"5a".repeat(32)).expect("a 32-byte key")
}
