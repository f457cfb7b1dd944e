//! Two phones exchanging field states through the store's outbox and inbox, as sync does.

use hoso_core::merge::FieldState;
use hoso_core::op::{FieldOp, RecordKind, new_id};
use hoso_core::store::{OutboxState, Rejection, RemoteRecord, Store};
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
    to.apply_remote(&records, &[]).unwrap();
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
                reason: hoso_core::i18n::Localized::new("Ngoài địa bàn.", "Out of area."),
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
        .apply_remote(&[], std::slice::from_ref(&person))
        .unwrap();
    assert!(lan.store.record(&person).unwrap().is_none());
    assert!(lan.store.search("dinh", 5).unwrap().is_empty());
}
