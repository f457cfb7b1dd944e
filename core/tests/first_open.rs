//! An app that opens several stores at once on its first use of SQLite (the UI and a background sync
//! starting together) gets every one of them. This must stay the only test in its binary: the race it
//! guards against exists only while the process initialises SQLCipher.

use hoso_core::store::Store;
use std::sync::{Arc, Barrier};

const KEY: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";

#[test]
fn stores_opened_together_at_process_start_all_open() {
    let dir = tempfile::tempdir().unwrap();
    let threads = 64;
    let start = Arc::new(Barrier::new(threads));
    let handles: Vec<_> = (0..threads)
        .map(|i| {
            let path = dir.path().join(format!("phone-{i}.db"));
            let start = start.clone();
            std::thread::spawn(move || {
                start.wait();
                Store::open(&path, KEY)
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            })
        })
        .collect();
    let failures: Vec<String> = handles
        .into_iter()
        .filter_map(|h| h.join().unwrap().err())
        .collect();
    assert!(
        failures.is_empty(),
        "stores that failed to open: {failures:?}"
    );
}
