//! `serve --demo` loads the whole living province through the real push path: every case the seeds
//! describe arrives, concurrent edits wait for review, devices have reported, sign-ins work.

use hoso_model::area::{Area, AreaKind};
use hoso_model::hlc::system_now_millis;
use hoso_server::demo;
use hoso_server::storage::{OversightStore, SqliteStorage, WebAccountStore};

fn province(code: &str) -> Area {
    Area {
        kind: AreaKind::Province,
        code: code.into(),
    }
}

#[test]
fn the_demo_province_arrives_whole_and_signs_in() {
    let dir = tempfile::tempdir().unwrap();
    let key = hoso_sqlite::connection::Key::from_hex(&"5a".repeat(32)).expect("a 32-byte key");
    let storage = SqliteStorage::open(&dir.path().join("demo.db"), &key).unwrap();
    demo::load(&storage).unwrap();
    assert_eq!(storage.case_snapshots(&province("79")).unwrap().len(), 166);
    assert_eq!(storage.case_snapshots(&province("66")).unwrap().len(), 12);
    assert_eq!(
        storage.conflict_entries(&province("79")).unwrap().len(),
        8,
        "two in each commune but Phường Tân Hiệp, where phones enroll"
    );
    let devices = storage
        .device_syncs(&province("79"), system_now_millis())
        .unwrap();
    assert_eq!(
        devices.len(),
        15,
        "two phones and a tablet in each of five communes"
    );
    assert!(
        devices.iter().any(|d| d.last_sync_millis.is_none()),
        "one never synced"
    );
    assert!(
        devices.iter().any(|d| d.pending_ops == Some(37)),
        "one has work waiting"
    );
    for login in ["so-y-te-79", "chu-tich-25920", "so-y-te-66"] {
        assert!(storage.web_login(login).unwrap().is_some(), "{login}");
    }
    demo::load(&storage).unwrap();
    assert_eq!(
        storage.case_snapshots(&province("79")).unwrap().len(),
        166,
        "loaded once per data folder"
    );
}
