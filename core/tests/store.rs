//! The encrypted store as a collaborator's phone uses it.

use hoso_core::Error;
use hoso_core::store::Store;
use hoso_model::op::RecordKind;
use serde_json::json;

const KEY: &str = "7f3a9c0e5b2d4f6a8c1e3b5d7f9a0c2e4b6d8f0a1c3e5b7d9f1a3c5e7b9d0f2a";
const OTHER_KEY: &str = "0000000000000000000000000000000000000000000000000000000000000001";

fn open(dir: &tempfile::TempDir) -> Store {
    let store = Store::open(dir.path().join("hoso.db"), KEY).unwrap();
    store.set_user("user-lan").unwrap();
    store
}

fn add_person(store: &Store, name: &str, citizen_id: &str, birth_date: &str) -> String {
    let id = hoso_model::op::new_id();
    store
        .write(|w| {
            w.set_all(
                &id,
                RecordKind::Person,
                [
                    ("full_name".to_string(), json!(name)),
                    ("citizen_id".to_string(), json!(citizen_id)),
                    ("birth_date".to_string(), json!(birth_date)),
                    ("phone".to_string(), json!("+84 912 345 678")),
                ],
            )
        })
        .unwrap();
    id
}

#[test]
fn the_database_file_holds_no_plaintext() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    add_person(&store, "Nguyễn Văn Đức", "079123456789", "1990-04-02");
    drop(store);
    let mut bytes = std::fs::read(dir.path().join("hoso.db")).unwrap();
    if let Ok(wal) = std::fs::read(dir.path().join("hoso.db-wal")) {
        bytes.extend(wal);
    }
    let haystack = String::from_utf8_lossy(&bytes);
    assert!(!haystack.contains("SQLite format 3"));
    assert!(!haystack.contains("079123456789"));
    assert!(!haystack.contains("Nguy"));
    assert!(!haystack.contains("full_name"));
}

#[test]
fn a_wrong_key_is_refused_and_the_data_survives() {
    let dir = tempfile::tempdir().unwrap();
    let id = add_person(&open(&dir), "Trần Thị Hoa", "001234567890", "1985-01-01");
    let wrong = Store::open(dir.path().join("hoso.db"), OTHER_KEY);
    assert!(matches!(wrong, Err(Error::WrongKeyOrNotADatabase)));
    let store = open(&dir);
    let person = store
        .record(&id)
        .unwrap()
        .expect("record survives a wrong-key attempt");
    assert_eq!(person.text("full_name"), Some("Trần Thị Hoa"));
}

#[test]
fn a_key_that_is_not_32_bytes_of_hex_is_refused_with_a_vietnamese_message() {
    let dir = tempfile::tempdir().unwrap();
    match Store::open(dir.path().join("hoso.db"), "mat-khau") {
        Err(Error::Invalid(message)) => assert!(message.vi.contains("Khóa mã hóa")),
        Err(other) => panic!("unexpected error {other:?}"),
        Ok(_) => panic!("a short key must be refused"),
    }
    assert!(
        !dir.path().join("hoso.db").exists(),
        "nothing is created for a bad key"
    );
}

#[test]
fn a_file_that_is_not_a_database_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hoso.db");
    let garbage = b"this is a photo, not a database".repeat(200);
    std::fs::write(&path, &garbage).unwrap();
    match Store::open(&path, KEY) {
        Err(Error::WrongKeyOrNotADatabase | Error::Corrupt { .. }) => {}
        Err(other) => panic!("a foreign file must be refused as unreadable, got {other:?}"),
        Ok(_) => panic!("a foreign file must not open as a database"),
    }
    assert_eq!(std::fs::read(&path).unwrap(), garbage);
    assert!(
        !dir.path().join("hoso.db-wal").exists(),
        "refusing the file creates nothing beside it"
    );
}

#[test]
fn a_database_from_a_newer_app_is_refused_and_not_changed() {
    let dir = tempfile::tempdir().unwrap();
    let id = add_person(&open(&dir), "Lê Văn Nam", "", "1970-05-05");
    {
        let conn = rusqlite::Connection::open(dir.path().join("hoso.db")).unwrap();
        conn.execute_batch(&format!(
            "PRAGMA key = \"x'{KEY}'\"; {} PRAGMA user_version = 99;",
            hoso_sqlite::connection::CIPHER_SETTINGS
        ))
        .unwrap();
    }
    match Store::open(dir.path().join("hoso.db"), KEY) {
        Err(Error::NewerSchema {
            found: 99,
            supported,
        }) => assert_eq!(supported, hoso_core::store::SCHEMA_VERSION),
        other => panic!("expected NewerSchema, got {:?}", other.err()),
    }
    {
        let conn = rusqlite::Connection::open(dir.path().join("hoso.db")).unwrap();
        conn.execute_batch(&format!(
            "PRAGMA key = \"x'{KEY}'\"; {} PRAGMA user_version = {};",
            hoso_sqlite::connection::CIPHER_SETTINGS,
            hoso_core::store::SCHEMA_VERSION
        ))
        .unwrap();
    }
    assert!(open(&dir).record(&id).unwrap().is_some());
}

#[test]
fn every_change_is_an_op_in_the_same_transaction_and_a_failed_action_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let id = add_person(&store, "Phạm Thị Mai", "", "2001-09-09");
    let ops_before = store.outbox_len().unwrap();
    assert_eq!(ops_before, 4);
    let failed: Result<(), Error> = store.write(|w| {
        w.set(&id, RecordKind::Person, "full_name", json!("Tên mới"))?;
        Err(Error::invalid("lỗi giả lập", "simulated failure"))
    });
    assert!(failed.is_err());
    assert_eq!(
        store.record(&id).unwrap().unwrap().text("full_name"),
        Some("Phạm Thị Mai")
    );
    assert_eq!(store.outbox_len().unwrap(), ops_before);
    // saving the same value again (autosave) makes no op
    store
        .write(|w| w.set(&id, RecordKind::Person, "full_name", json!("Phạm Thị Mai")))
        .unwrap();
    assert_eq!(store.outbox_len().unwrap(), ops_before);
}

#[test]
fn writing_before_enrollment_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("hoso.db"), KEY).unwrap();
    let result = store.write(|w| {
        w.set(
            &hoso_model::op::new_id(),
            RecordKind::Person,
            "full_name",
            json!("A"),
        )
    });
    assert!(matches!(result, Err(Error::NotAllowed(m)) if m.vi.contains("đăng nhập")));
}

#[test]
fn search_finds_vietnamese_names_without_diacritics_and_by_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let duc = add_person(&store, "Nguyễn Văn Đức", "079123456789", "1990-04-02");
    let hoa = add_person(&store, "Trần Thị Hoa", "001234567890", "1985-01-01");
    let ids = |q: &str| {
        store
            .search(q, 10)
            .unwrap()
            .into_iter()
            .map(|h| h.record_id)
            .collect::<Vec<_>>()
    };
    assert_eq!(ids("duc"), vec![duc.clone()]);
    assert_eq!(ids("nguyen van"), vec![duc.clone()]);
    assert_eq!(ids("NGUYỄN ĐỨC"), vec![duc.clone()]);
    assert_eq!(ids("0791234"), vec![duc.clone()]);
    assert_eq!(ids("hoa"), vec![hoa.clone()]);
    assert_eq!(
        ids("0912345678").len(),
        2,
        "phone typed in national form finds +84 numbers"
    );
    assert!(
        ids("\"; DROP TABLE record; --").is_empty(),
        "query syntax is neutralised"
    );
    store
        .write(|w| w.set(&hoa, RecordKind::Person, "full_name", json!("Trần Thị Mai")))
        .unwrap();
    assert!(
        ids("hoa").is_empty(),
        "a renamed person is no longer found by the old name"
    );
    assert_eq!(ids("mai"), vec![hoa.clone()]);
    store.write(|w| w.delete(&duc)).unwrap();
    assert!(ids("duc").is_empty(), "a tombstoned person leaves search");
}

#[test]
fn registering_the_same_person_twice_offline_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let first = add_person(&store, "Đặng Thị Hương", "", "1960-03-15");
    let second_entry = [
        ("full_name".to_string(), json!("dang thi huong")),
        ("birth_date".to_string(), json!("1960-03-15")),
    ]
    .into_iter()
    .collect();
    assert_eq!(
        store.likely_duplicates(&second_entry, None).unwrap(),
        vec![first.clone()]
    );
    let by_id = [("citizen_id".to_string(), json!("079 123 456 789"))]
        .into_iter()
        .collect();
    let with_id = add_person(&store, "Khác Tên", "079123456789", "1999-01-01");
    assert_eq!(
        store.likely_duplicates(&by_id, None).unwrap(),
        vec![with_id.clone()]
    );
    assert!(
        store
            .likely_duplicates(&by_id, Some(&with_id))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn administrative_units_are_updatable_data_kept_on_the_device() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    assert_eq!(store.admin_units().unwrap().provinces.len(), 34);
    let newer = hoso_model::admin_units::AdminUnits::from_csv(
        "2026-04-30",
        "code,name,kind\n40,Nghệ An,tinh\n",
        "code,name,kind,province_code\n16681,Vinh Phú,phuong,40\n",
    )
    .unwrap();
    store.import_admin_units(&newer).unwrap();
    drop(store);
    let store = open(&dir);
    let units = store.admin_units().unwrap();
    assert_eq!(units.version, "2026-04-30");
    assert_eq!(units.commune("16681").unwrap().name, "Vinh Phú");
    assert!(
        units.check_area("00004", "40").is_err(),
        "the imported list is the one in force"
    );
}

#[test]
fn imported_names_with_commas_and_quotes_come_back_identical_after_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let imported = hoso_model::admin_units::AdminUnits::from_csv(
        "2026-04-30, bản thử",
        "code,name,kind\n40,\"Nghệ An, \"\"Xứ Nghệ\"\"\",tinh\n",
        "code,name,kind,province_code\n16681,\"Thành Vinh, Phường \"\"Mới\"\"\",phuong,40\n",
    )
    .unwrap();
    let partial = hoso_model::admin_units::AdminUnits {
        complete: false,
        ..imported
    };
    store.import_admin_units(&partial).unwrap();
    drop(store);
    let store = open(&dir);
    let units = store.admin_units().unwrap();
    assert_eq!(*units, partial);
    assert_eq!(
        units.commune("16681").unwrap().name,
        "Thành Vinh, Phường \"Mới\""
    );
    assert!(
        units.check_area("99999", "40").is_ok(),
        "still marked partial"
    );
}

#[test]
fn a_short_earlier_word_still_matches_as_a_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let duc = add_person(&store, "Nguyễn Văn Đức", "079123456789", "1990-04-02");
    let ids = |q: &str| {
        store
            .search(q, 10)
            .unwrap()
            .into_iter()
            .map(|h| h.record_id)
            .collect::<Vec<_>>()
    };
    assert_eq!(ids("ng van d"), vec![duc.clone()]);
    assert_eq!(ids("nguyen va"), vec![duc.clone()]);
    assert!(
        ids("nguye van").is_empty(),
        "a long earlier word is taken as typed"
    );
}

#[test]
fn saved_work_reaches_the_database_file_while_the_app_stays_open() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let db = dir.path().join("hoso.db");
    let empty = std::fs::metadata(&db).unwrap().len();
    // Each person is one transaction of a few pages: together well past the 1,000 pages of log at
    // which a checkpoint is asked for.
    for n in 0..600 {
        add_person(&store, &format!("Người thứ {n}"), "", "1990-01-01");
    }
    // The writer never checkpoints itself: past 1,000 pages of log it asks the background thread.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::fs::metadata(&db).unwrap().len() <= empty {
        assert!(
            std::time::Instant::now() < deadline,
            "the write-ahead log was not copied into the database"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    drop(store);
    let store = open(&dir);
    assert_eq!(
        store.records_of_kind(RecordKind::Person).unwrap().len(),
        600
    );
}
