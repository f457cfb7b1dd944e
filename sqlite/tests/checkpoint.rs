//! The background checkpoint against a real encrypted database file.

use hoso_sqlite::checkpoint::Checkpointer;
use hoso_sqlite::connection::{self, Access, Key};
use std::path::Path;
use std::time::{Duration, Instant};

fn open(path: &Path) -> rusqlite::Connection {
    let key = Key::from_hex(&"5a".repeat(32)).expect("a 32-byte key");
    connection::open(path, &key, Access::ReadWrite, Duration::from_secs(5)).expect("opens")
}

/// Commits well past the 1,000 pages of log at which the writer asks for a checkpoint.
fn write_pages(conn: &rusqlite::Connection, from: i64) {
    for n in from..from + 300 {
        conn.execute("INSERT INTO t VALUES (?1, zeroblob(16000))", [n])
            .expect("insert");
    }
}

fn database_size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

#[test]
fn a_hold_keeps_checkpoints_off_until_it_is_dropped_and_the_asks_made_meanwhile_are_kept() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("held.db");
    let mut writer = open(&path);
    writer
        .execute_batch("CREATE TABLE t (n INTEGER PRIMARY KEY, b BLOB)")
        .expect("table");
    let checkpointer = Checkpointer::start(&mut writer, open(&path)).expect("starts");
    let empty = database_size(&path);
    let hold = checkpointer.hold();
    write_pages(&writer, 0);
    // Long enough for the thread to have copied the log had it not been held.
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        database_size(&path),
        empty,
        "nothing is copied into the database file while the hold lives"
    );
    // The writer's own truncating checkpoint finds the checkpoint lock free.
    let busy: bool = writer
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))
        .expect("checkpoint");
    assert!(!busy, "the truncation was not refused");
    assert_eq!(database_size(&dir.path().join("held.db-wal")), 0);
    write_pages(&writer, 300);
    let copied = database_size(&path);
    drop(hold);
    let deadline = Instant::now() + Duration::from_secs(10);
    while database_size(&path) <= copied {
        assert!(
            Instant::now() < deadline,
            "the ask made during the hold was not taken up after it"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
