//! Copies the write-ahead log into the database file on a thread and connection of its own. SQLite's
//! default runs that checkpoint inside the commit that takes the log past 1,000 pages, so the writer
//! (a user action, a pulled page, a push) waits for the copy and its fsyncs. Here the writer's WAL hook
//! only asks, past the same 1,000 pages, and this thread does the copying. Used by the device store and
//! by the server.

use rusqlite::Connection;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;

/// The log size, in pages, past which a commit asks for a checkpoint (SQLite's own default).
pub const WAL_PAGES_BEFORE_CHECKPOINT: i32 = 1_000;

#[derive(Default)]
struct Requests {
    checkpoint: bool,
    stop: bool,
    /// How many [`Hold`]s live: no checkpoint starts until every one is dropped.
    holds: usize,
    /// A checkpoint is running on the thread.
    running: bool,
}

type Shared = Arc<(Mutex<Requests>, Condvar)>;

pub struct Checkpointer {
    requests: Shared,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts the thread on `own`, a connection to the same database as `writer`, and takes over the
    /// writer's automatic checkpoints.
    pub fn start(writer: &mut Connection, own: Connection) -> crate::Result<Checkpointer> {
        let requests: Shared = Arc::new((Mutex::new(Requests::default()), Condvar::new()));
        let asks = requests.clone();
        // Replaces `wal_autocheckpoint`: SQLite runs that policy through this same hook.
        writer.wal_hook(Some(move |_: &mut rusqlite::hooks::Wal, pages| {
            if pages >= WAL_PAGES_BEFORE_CHECKPOINT {
                ask(&asks);
            }
            Ok(())
        }))?;
        let shared = requests.clone();
        let thread = std::thread::Builder::new()
            .name("hoso-checkpoint".into())
            .spawn(move || {
                let (lock, wake) = &*shared;
                loop {
                    {
                        let mut pending = lock.lock().unwrap_or_else(|p| p.into_inner());
                        while (!pending.checkpoint || pending.holds > 0) && !pending.stop {
                            pending = wake.wait(pending).unwrap_or_else(|p| p.into_inner());
                        }
                        if pending.stop {
                            return;
                        }
                        pending.checkpoint = false;
                        pending.running = true;
                    }
                    // PASSIVE never blocks the writer or readers; what it cannot copy now is copied
                    // when the next commit asks again.
                    if let Err(error) =
                        own.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
                    {
                        tracing::warn!(%error, "background checkpoint failed");
                    }
                    lock.lock().unwrap_or_else(|p| p.into_inner()).running = false;
                    wake.notify_all();
                }
            })?;
        Ok(Checkpointer {
            requests,
            thread: Some(thread),
        })
    }

    /// Waits for a running checkpoint to end and keeps the thread from starting another until the
    /// hold is dropped: a checkpoint that truncates the log needs the lock the thread's checkpoints
    /// take, and under sustained writes the thread is asked again at every commit, so without a hold
    /// the truncation found the lock taken and the log grew to three times its limit.
    pub fn hold(&self) -> Hold<'_> {
        let (lock, wake) = &*self.requests;
        let mut requests = lock.lock().unwrap_or_else(|p| p.into_inner());
        requests.holds += 1;
        while requests.running {
            requests = wake.wait(requests).unwrap_or_else(|p| p.into_inner());
        }
        Hold { checkpointer: self }
    }
}

/// While it lives, the checkpoint thread starts no checkpoint ([`Checkpointer::hold`]).
pub struct Hold<'a> {
    checkpointer: &'a Checkpointer,
}

impl Drop for Hold<'_> {
    fn drop(&mut self) {
        let (lock, wake) = &*self.checkpointer.requests;
        lock.lock().unwrap_or_else(|p| p.into_inner()).holds -= 1;
        // An ask made meanwhile is still pending: the thread takes it now.
        wake.notify_all();
    }
}

/// Asks for a checkpoint without waiting for it; asks made while one is pending are folded into it.
fn ask(requests: &Shared) {
    let (lock, wake) = &**requests;
    let already_asked = std::mem::replace(
        &mut lock.lock().unwrap_or_else(|p| p.into_inner()).checkpoint,
        true,
    );
    // The thread already knows: waking it again would only cost the writer a context switch.
    if !already_asked {
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
