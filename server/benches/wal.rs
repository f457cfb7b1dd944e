//! The SQLite write-ahead log under sustained pushes, and the restart after a crash: a child process
//! pushes without pause (1,000-op batches) while a reader pulls, the parent samples the sizes of the
//! database and its log, then kills the child (SIGKILL, as a crash) and times the reopening (SQLite
//! replays the log). `cargo bench -p hoso-server --bench wal` prints one JSON line; under `cargo test`
//! it is a two-second smoke run.

use hoso_model::area::{Area, AreaKind};
use hoso_model::hlc::{Clock, node_of, system_now_millis};
use hoso_model::op::{FieldOp, RecordKind, new_id};
use hoso_model::role::Role;
use hoso_server::storage::{DeviceAuth, SqliteStorage, Storage};
use serde_json::json;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn enroll(storage: &SqliteStorage, name: &str) -> DeviceAuth {
    let area = Area {
        kind: AreaKind::Commune,
        code: "25920".into(),
    };
    storage.create_area(&area, "Phường Tân Hiệp").expect("area");
    let user = storage
        .create_user(name, Role::Collaborator, &area)
        .expect("user");
    let now = system_now_millis();
    let (code, _) = storage.issue_code(&user, now).expect("code");
    let device_id = new_id();
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

/// The child: pushes cases of one visit each, 1,000 ops a push, until killed; a thread pulls.
fn write_until_killed(path: &Path) {
    let storage = SqliteStorage::open(path, &test_key()).expect("storage");
    let device = enroll(&storage, "ghi");
    let mut clock = Clock::new(node_of(&device.device_id));
    std::thread::scope(|scope| {
        scope.spawn(|| {
            loop {
                let _ = storage.pull(&device, 0, 5_000);
            }
        });
        loop {
            let now = system_now_millis();
            let mut ops = Vec::with_capacity(1_000);
            while ops.len() < 1_000 {
                let (case, visit) = (new_id(), new_id());
                let mut op = |record: &str, kind, field: &str, value| FieldOp {
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
                ops.push(op(&case, RecordKind::Case, "commune_code", json!("25920")));
                ops.push(op(&case, RecordKind::Case, "province_code", json!("79")));
                ops.push(op(
                    &case,
                    RecordKind::Case,
                    "notes",
                    json!("Ghi chú ".repeat(20)),
                ));
                ops.push(op(&visit, RecordKind::Visit, "case_id", json!(case)));
                ops.push(op(
                    &visit,
                    RecordKind::Visit,
                    "a.observations",
                    json!("Đã thăm ".repeat(30)),
                ));
            }
            storage.push(&device, &ops, now).expect("push");
        }
    });
}

fn size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--writer") {
        write_until_killed(Path::new(&args[at + 1]));
        return;
    }
    let seconds = if args.iter().any(|a| a == "--bench") {
        60
    } else {
        2
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("server.db");
    let wal = dir.path().join("server.db-wal");
    let mut child = Command::new(std::env::current_exe().expect("this benchmark's path"))
        .arg("--writer")
        .arg(&db)
        .stdout(Stdio::null())
        .spawn()
        .expect("the writer starts");
    let started = Instant::now();
    let (mut max_wal, mut max_total) = (0u64, 0u64);
    while started.elapsed() < Duration::from_secs(seconds) {
        std::thread::sleep(Duration::from_millis(100));
        max_wal = max_wal.max(size(&wal));
        max_total = max_total.max(size(&wal) + size(&db));
    }
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    let (db_at_kill, wal_at_kill) = (size(&db), size(&wal));
    let reopen = Instant::now();
    let storage = SqliteStorage::open(&db, &test_key()).expect("reopens after the crash");
    storage.check_reachable().expect("answers");
    let restart = reopen.elapsed();
    let mb = |bytes: u64| (bytes as f64 / 1e6 * 10.0).round() / 10.0;
    println!(
        "{}",
        json!({"bench": "sqlite_wal_under_sustained_pushes", "seconds": seconds,
               "max_wal_mb": mb(max_wal), "max_db_plus_wal_mb": mb(max_total),
               "db_mb_at_kill": mb(db_at_kill), "wal_mb_at_kill": mb(wal_at_kill),
               "restart_ms": restart.as_millis()})
    );
}

/// A fixed key for the encrypted test database (a deployment's lives in `server.key`).
fn test_key() -> hoso_sqlite::connection::Key {
    hoso_sqlite::connection::Key::from_hex(&"5a".repeat(32)).expect("a 32-byte key")
}
