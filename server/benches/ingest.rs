//! Server ingest speed: realistic ops pushed in batches of 1,000 into the SQLite storage.
//! `cargo bench -p hoso-server --bench ingest` prints one JSON line; under `cargo test` it is a smoke run.

use hoso_model::area::{Area, AreaKind};
use hoso_model::demo::{self, Rng};
use hoso_model::hlc::{Clock, system_now_millis};
use hoso_model::op::{FieldOp, RecordKind, new_id};
use hoso_model::protocol::ReceiptStatus;
use hoso_model::role::Role;
use hoso_server::storage::{DeviceAuth, SqliteStorage, Storage};
use serde_json::json;
use std::time::Instant;

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    let cases = if measuring { 5_000 } else { 50 };
    let dir = tempfile::tempdir().expect("temp dir");
    let key = hoso_sqlite::connection::Key::from_hex(&"5a".repeat(32)).expect("a 32-byte key");
    let storage = SqliteStorage::open(&dir.path().join("bench.db"), &key).expect("storage");
    let area = Area {
        kind: AreaKind::Commune,
        code: "25920".into(),
    };
    storage.create_area(&area, "Phường Tân Hiệp").expect("area");
    let user = storage
        .create_user("bench", Role::Collaborator, &area)
        .expect("user");
    let now = system_now_millis();
    let (code, _) = storage.issue_code(&user, now).expect("code");
    let device_id = uuid::Uuid::now_v7().to_string();
    storage
        .enroll(&code, &device_id, "bench", now)
        .expect("enroll");
    let device = DeviceAuth {
        device_id: device_id.clone(),
        user_id: user.clone(),
        role: Role::Collaborator,
        area,
    };
    let mut clock = Clock::new(hoso_model::hlc::node_of(&device_id));
    let mut rng = Rng::new(5);
    let today = chrono::Utc::now().date_naive();
    let mut ops = Vec::new();
    let mut op = |record: &str, kind: RecordKind, field: &str, value: serde_json::Value| FieldOp {
        op_id: new_id(),
        record_id: record.to_string(),
        kind,
        field: field.to_string(),
        value,
        hlc: clock.tick(now).expect("tick"),
        supersedes: vec![],
        device_id: device_id.clone(),
        author: user.clone(),
    };
    for _ in 0..cases {
        let p = demo::person(&mut rng, today, 0, 95);
        let (person, case) = (new_id(), new_id());
        ops.push(op(&case, RecordKind::Case, "commune_code", json!("25920")));
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
    }
    let started = Instant::now();
    let mut accepted = 0;
    for batch in ops.chunks(1_000) {
        accepted += storage
            .push(&device, batch, now)
            .expect("push")
            .iter()
            .filter(|r| r.status == ReceiptStatus::Accepted)
            .count();
    }
    let elapsed = started.elapsed();
    assert_eq!(accepted, ops.len(), "every op is accepted");
    let per_second = ops.len() as f64 / elapsed.as_secs_f64();
    println!(
        "{}",
        json!({"bench": "server_ingest", "ops": ops.len(), "elapsed_ms": elapsed.as_millis(),
               "ops_per_s": per_second.round(), "target_ops_per_s": 50_000, "met": per_second >= 50_000.0})
    );
}
