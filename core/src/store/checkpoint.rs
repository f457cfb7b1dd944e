//! Copies the write-ahead log into the database file on a thread and connection of its own, so that the
//! writer never pays for a checkpoint inside a commit (SQLite's default: the commit that crosses 1,000
//! pages copies them all and waits for two fsyncs). Used by the device store and by the server.

use rusqlite::Connection;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// The writer still checkpoints by itself past this many WAL pages (40 MB with 4 KiB pages), should the
/// background thread ever fall behind.
pub const WAL_PAGES_BEFORE_WRITER_CHECKPOINTS: u32 = 10_000;

#[derive(Default)]
struct Requests {
    checkpoint: bool,
    stop: bool,
}

pub struct Checkpointer {
    requests: Arc<(Mutex<Requests>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts the thread on `conn`, a connection to the same database as the writer. It checkpoints
    /// when nudged, and at least every `every`.
    pub fn start(conn: Connection, every: Duration) -> std::io::Result<Checkpointer> {
        let requests = Arc::new((Mutex::new(Requests::default()), Condvar::new()));
        let shared = requests.clone();
        let thread = std::thread::Builder::new()
            .name("hoso-checkpoint".into())
            .spawn(move || {
                let (lock, wake) = &*shared;
                loop {
                    {
                        let mut pending = lock.lock().unwrap_or_else(|p| p.into_inner());
                        if !pending.checkpoint && !pending.stop {
                            pending = wake
                                .wait_timeout(pending, every)
                                .unwrap_or_else(|p| p.into_inner())
                                .0;
                        }
                        if pending.stop {
                            return;
                        }
                        pending.checkpoint = false;
                    }
                    // PASSIVE never blocks the writer or readers; what it cannot copy now waits for the
                    // next round.
                    if let Err(error) =
                        conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
                    {
                        tracing::warn!(%error, "background checkpoint failed");
                    }
                }
            })?;
        Ok(Checkpointer {
            requests,
            thread: Some(thread),
        })
    }

    /// Asks for a checkpoint soon (after a commit), without waiting for it. Nudges made while one runs
    /// are folded into the next.
    pub fn nudge(&self) {
        let (lock, wake) = &*self.requests;
        lock.lock().unwrap_or_else(|p| p.into_inner()).checkpoint = true;
        wake.notify_all();
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        let (lock, wake) = &*self.requests;
        lock.lock().unwrap_or_else(|p| p.into_inner()).stop = true;
        wake.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
