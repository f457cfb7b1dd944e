//! Two phones exchanging field states through the store's outbox and inbox, as sync does.

use hoso_core::store::{OutboxState, Rejection, Store};
use hoso_model::merge::FieldState;
use hoso_model::op::{FieldOp, RecordKind, new_id};
use hoso_model::protocol::RemoteRecord;
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

const KEY: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";

struct Phone {
    store: Store,
    clock: Arc<AtomicU64>,
    _dir: tempfile::TempDir,
}

fn phone(user: &str, millis: u64) -> Phone {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(AtomicU64::new(millis));
    let time = clock.clone();
    let store = Store::open_with_time(
        dir.path().join("p.db"),
        KEY,
        Arc::new(move || time.load(Ordering::SeqCst)),
    )
    .unwrap();
    store.set_user(user).unwrap();
    Phone {
        store,
        clock,
        _dir: dir,
    }
}

/// Delivers ops as a server would: each op's state, merged by the receiver.
fn deliver(ops: &[FieldOp], to: &Store) {
    let records: Vec<RemoteRecord> = ops
        .iter()
        .map(|op| {
            let mut state = FieldState::default();
            state.merge(op);
            RemoteRecord {
                record_id: op.record_id.clone(),
                kind: op.kind,
                fields: vec![(op.field.clone(), state)],
            }
        })
        .collect();
    to.apply_remote(records, &[]).unwrap();
}

const NOW: u64 = 1_795_000_000_000;

#[test]
fn concurrent_offline_edits_converge_and_keep_the_loser_until_resolved() {
    let lan = phone("lan", NOW);
    let minh = phone("minh", NOW + 10);
    let person = new_id();
    lan.store
        .write(|w| {
            w.set(&person, RecordKind::Person, "phone", json!("0901111111"))
                .map(|_| ())
        })
        .unwrap();
    deliver(&lan.store.ops_to_push(100).unwrap(), &minh.store);
    // both edit offline
    lan.clock.fetch_add(1_000, Ordering::SeqCst);
    minh.clock.fetch_add(2_000, Ordering::SeqCst);
    lan.store
        .write(|w| {
            w.set(&person, RecordKind::Person, "phone", json!("0902222222"))
                .map(|_| ())
        })
        .unwrap();
    minh.store
        .write(|w| {
            w.set(&person, RecordKind::Person, "phone", json!("0903333333"))
                .map(|_| ())
        })
        .unwrap();
    let lan_ops = lan.store.ops_to_push(100).unwrap();
    let minh_ops = minh.store.ops_to_push(100).unwrap();
    deliver(&minh_ops, &lan.store);
    deliver(&lan_ops, &minh.store);
    for store in [&lan.store, &minh.store] {
        let record = store.record(&person).unwrap().unwrap();
        assert_eq!(
            record.text("phone"),
            Some("0903333333"),
            "the later edit wins everywhere"
        );
        let conflicts = store.conflicts().unwrap();
        assert_eq!(conflicts.len(), 1);
        assert_eq!(conflicts[0].losers[0].value, json!("0902222222"));
        assert_eq!(conflicts[0].losers[0].author, "lan");
    }
    // Lan keeps her number; the resolution syncs and settles the conflict on Minh's phone too.
    lan.clock.fetch_add(5_000, Ordering::SeqCst);
    lan.store
        .write(|w| w.resolve_conflict(&person, "phone", json!("0902222222")))
        .unwrap();
    let resolution: Vec<FieldOp> = lan
        .store
        .ops_to_push(100)
        .unwrap()
        .into_iter()
        .filter(|o| !o.supersedes.is_empty())
        .collect();
    deliver(&resolution, &minh.store);
    for store in [&lan.store, &minh.store] {
        assert!(store.conflicts().unwrap().is_empty());
        assert_eq!(
            store.record(&person).unwrap().unwrap().text("phone"),
            Some("0902222222")
        );
    }
}

#[test]
fn a_phone_with_a_wrong_clock_still_accepts_data_and_orders_its_next_edit_after_it() {
    let right = phone("lan", NOW);
    let two_days_behind = phone("minh", NOW - 2 * 86_400_000);
    let person = new_id();
    right
        .store
        .write(|w| {
            w.set(
                &person,
                RecordKind::Person,
                "full_name",
                json!("Lò Thị Ánh"),
            )
            .map(|_| ())
        })
        .unwrap();
    deliver(
        &right.store.ops_to_push(10).unwrap(),
        &two_days_behind.store,
    );
    two_days_behind
        .store
        .write(|w| {
            w.set(
                &person,
                RecordKind::Person,
                "full_name",
                json!("Lò Thị Ánh Tuyết"),
            )
            .map(|_| ())
        })
        .unwrap();
    deliver(
        &two_days_behind.store.ops_to_push(10).unwrap(),
        &right.store,
    );
    for store in [&right.store, &two_days_behind.store] {
        assert_eq!(
            store.record(&person).unwrap().unwrap().text("full_name"),
            Some("Lò Thị Ánh Tuyết")
        );
        assert!(
            store.conflicts().unwrap().is_empty(),
            "the second edit saw the first: no conflict"
        );
    }
}

#[test]
fn the_outbox_shows_each_records_state_and_edits_during_a_push_stay_queued() {
    let lan = phone("lan", NOW);
    let (a, b) = (new_id(), new_id());
    lan.store
        .write(|w| {
            w.set(&a, RecordKind::Person, "full_name", json!("A"))
                .map(|_| ())
        })
        .unwrap();
    lan.store
        .write(|w| {
            w.set(&b, RecordKind::Person, "full_name", json!("B"))
                .map(|_| ())
        })
        .unwrap();
    let batch: Vec<String> = lan
        .store
        .ops_to_push(100)
        .unwrap()
        .into_iter()
        .map(|o| o.op_id)
        .collect();
    lan.store.mark_sent(&batch).unwrap();
    lan.clock.fetch_add(10, Ordering::SeqCst);
    lan.store
        .write(|w| {
            w.set(&a, RecordKind::Person, "phone", json!("0901234567"))
                .map(|_| ())
        })
        .unwrap();
    lan.store.mark_acknowledged(&batch[..1]).unwrap();
    lan.store
        .mark_rejected(
            &batch[1],
            &Rejection {
                code: "out_of_scope".into(),
                reason: hoso_model::i18n::Localized::new("Ngoài địa bàn.", "Out of area."),
            },
        )
        .unwrap();
    let outbox = lan.store.outbox().unwrap();
    let state_of = |id: &str| outbox.iter().find(|r| r.record_id == id).map(|r| r.state);
    assert_eq!(
        state_of(&a),
        Some(OutboxState::Queued),
        "the edit made during the push is still queued"
    );
    assert_eq!(state_of(&b), Some(OutboxState::Rejected));
    let rejected = outbox.iter().find(|r| r.record_id == b).unwrap();
    assert_eq!(
        rejected.rejection.as_ref().unwrap().reason.vi,
        "Ngoài địa bàn."
    );
    assert_eq!(
        lan.store.ops_to_push(100).unwrap().len(),
        1,
        "rejected and acknowledged ops are not pushed again"
    );
}

#[test]
fn an_evicted_record_leaves_the_phone_and_search() {
    let lan = phone("lan", NOW);
    let person = new_id();
    lan.store
        .write(|w| {
            w.set(
                &person,
                RecordKind::Person,
                "full_name",
                json!("Hứa Văn Định"),
            )
            .map(|_| ())
        })
        .unwrap();
    assert_eq!(lan.store.search("dinh", 5).unwrap().len(), 1);
    lan.store
        .apply_remote(Vec::new(), std::slice::from_ref(&person))
        .unwrap();
    assert!(lan.store.record(&person).unwrap().is_none());
    assert!(lan.store.search("dinh", 5).unwrap().is_empty());
}

/// A record the phone has never seen is inserted whole (what makes a first pull fast); one it already
/// holds is merged field by field. Both ways must leave the phone the same: merge states with their
/// losers and tombstones, what lists, search, duplicate warnings and follow-ups show.
#[test]
fn a_record_pulled_whole_ends_exactly_as_one_merged_field_by_field() {
    use hoso_model::hlc::Hlc;
    use hoso_model::merge::Version;
    let at = |n: u64, node: u64| Hlc::new(NOW + n, 0, node);
    let version = |value: serde_json::Value, hlc: Hlc, author: &str| Version {
        value,
        hlc,
        author: author.to_string(),
    };
    let settled = |value: serde_json::Value, n: u64| FieldState {
        winner: Some(version(value, at(n, 1), "lan")),
        ..FieldState::default()
    };
    let (household, person, case, visit, deleted_visit) =
        (new_id(), new_id(), new_id(), new_id(), new_id());
    let conflicted_phone = FieldState {
        winner: Some(version(json!("0903333333"), at(20, 2), "minh")),
        losers: vec![version(json!("0902222222"), at(10, 1), "lan")],
        superseded: [at(5, 1)].into_iter().collect(),
    };
    let records = vec![
        RemoteRecord {
            record_id: household.clone(),
            kind: RecordKind::Household,
            fields: vec![
                ("commune_code".into(), settled(json!("25920"), 1)),
                ("head_name".into(), settled(json!("Lò Văn Đức"), 2)),
                (
                    "address".into(),
                    settled(json!("Bản Phiêng, xã Mường Chiềng"), 3),
                ),
            ],
        },
        RemoteRecord {
            record_id: person.clone(),
            kind: RecordKind::Person,
            fields: vec![
                ("household_id".into(), settled(json!(household), 4)),
                ("full_name".into(), settled(json!("Lò Thị Ánh"), 5)),
                ("birth_date".into(), settled(json!("2014-03-09"), 6)),
                ("citizen_id".into(), settled(json!("014314000123"), 7)),
                ("phone".into(), conflicted_phone),
            ],
        },
        RemoteRecord {
            record_id: case.clone(),
            kind: RecordKind::Case,
            fields: vec![
                ("subject_id".into(), settled(json!(person), 8)),
                ("household_id".into(), settled(json!(household), 9)),
                ("commune_code".into(), settled(json!("25920"), 10)),
                ("status".into(), settled(json!("in_progress"), 11)),
                ("opened_on".into(), settled(json!("2026-06-01"), 12)),
            ],
        },
        RemoteRecord {
            record_id: visit.clone(),
            kind: RecordKind::Visit,
            fields: vec![
                ("case_id".into(), settled(json!(case), 13)),
                ("form_id".into(), settled(json!("TT02-M05"), 14)),
                ("a.visit_date".into(), settled(json!("2026-10-02"), 15)),
                ("a.next_visit_date".into(), settled(json!("2026-11-02"), 16)),
                (
                    "a.observations".into(),
                    settled(json!("Cháu đi học đều."), 17),
                ),
            ],
        },
        RemoteRecord {
            record_id: deleted_visit.clone(),
            kind: RecordKind::Visit,
            fields: vec![
                ("case_id".into(), settled(json!(case), 18)),
                ("a.visit_date".into(), settled(json!("2026-10-20"), 19)),
                ("a.next_visit_date".into(), settled(json!("2026-12-20"), 20)),
                (
                    hoso_model::op::DELETED_FIELD.into(),
                    settled(json!(true), 21),
                ),
            ],
        },
    ];
    let fresh = phone("hoa", NOW + 100);
    fresh.store.apply_remote(records.clone(), &[]).unwrap();
    // The other phone already holds each record (one field of it), so every field goes the slow way.
    let known = phone("hoa", NOW + 100);
    let stubs: Vec<RemoteRecord> = records
        .iter()
        .map(|r| RemoteRecord {
            fields: r.fields[..1].to_vec(),
            ..r.clone()
        })
        .collect();
    known.store.apply_remote(stubs, &[]).unwrap();
    known.store.apply_remote(records.clone(), &[]).unwrap();

    for record in &records {
        assert_eq!(
            fresh.store.record(&record.record_id).unwrap(),
            known.store.record(&record.record_id).unwrap()
        );
        for (field, _) in &record.fields {
            assert_eq!(
                fresh.store.field_state(&record.record_id, field).unwrap(),
                known.store.field_state(&record.record_id, field).unwrap(),
                "{field}"
            );
        }
    }
    let conflicts = fresh.store.conflicts().unwrap();
    assert_eq!(
        conflicts.len(),
        1,
        "the lost phone number is kept for review"
    );
    assert_eq!(conflicts, known.store.conflicts().unwrap());
    for query in ["duc", "lo thi anh", "0143"] {
        let found = fresh.store.search(query, 5).unwrap();
        assert_eq!(found.len(), 1, "{query}");
        assert_eq!(found, known.store.search(query, 5).unwrap());
    }
    let same_child: std::collections::BTreeMap<String, serde_json::Value> = [
        ("full_name".to_string(), json!("Lò Thị Ánh")),
        ("birth_date".to_string(), json!("2014-03-09")),
    ]
    .into_iter()
    .collect();
    assert_eq!(
        fresh.store.likely_duplicates(&same_child, None).unwrap(),
        vec![person.clone()]
    );
    let summaries = fresh.store.case_snapshots().unwrap();
    assert_eq!(summaries, known.store.case_snapshots().unwrap());
    assert_eq!(summaries[0].subject_name, "Lò Thị Ánh");
    assert_eq!(
        summaries[0].next_visit,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 2),
        "the deleted visit does not count"
    );
    let file_visits = fresh.store.records_of_case(&case).unwrap();
    assert_eq!(file_visits.len(), 1);
    assert_eq!(file_visits[0].id, visit);
}
