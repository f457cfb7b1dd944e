//! Progress of a sync through the FFI: the app implements [`SyncProgressListener`] (a foreign trait)
//! and calls [`HosoCore::sync_with_progress`]; the listener is called on the thread running the sync,
//! after every batch sent and every page merged, so the app can show a real progress bar.

use super::{ApiResult, HosoCore, SyncReport};
use crate::sync::client::SyncReport as CoreReport;
use crate::sync::progress::{SyncObserver, SyncPhase as CorePhase, SyncProgress as CoreProgress};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SyncPhase {
    /// Sending this device's outbox.
    Push,
    /// Receiving the area's changes.
    Pull,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct SyncProgress {
    pub phase: SyncPhase,
    /// Batches sent (push) or pages merged (pull) so far in this phase.
    pub pages: u32,
    /// Ops sent (push) or field values merged (pull) so far.
    pub done: u64,
    /// Left to do in the same unit, as far as known (the server's estimate while pulling).
    pub remaining: Option<u64>,
    /// Records merged so far (pull).
    pub records: u64,
    /// Bytes on the wire so far in this phase (compressed, both ways).
    pub bytes: u64,
    /// From 0 to 1 within the phase, never going back; 1 when the phase is over.
    pub fraction: f64,
}

/// Implemented by the app; must return quickly (post to the UI thread, do not draw here).
#[uniffi::export(with_foreign)]
pub trait SyncProgressListener: Send + Sync {
    fn on_progress(&self, progress: SyncProgress);
}

struct Forward(Arc<dyn SyncProgressListener>);

impl SyncObserver for Forward {
    fn progress(&self, progress: &CoreProgress) {
        self.0.on_progress(SyncProgress {
            phase: match progress.phase {
                CorePhase::Push => SyncPhase::Push,
                CorePhase::Pull => SyncPhase::Pull,
            },
            pages: progress.pages,
            done: progress.done,
            remaining: progress.remaining,
            records: progress.records,
            bytes: progress.bytes,
            fraction: progress.fraction,
        });
    }
}

impl From<CoreReport> for SyncReport {
    fn from(report: CoreReport) -> SyncReport {
        SyncReport {
            pushed: report.pushed as u64,
            acknowledged: report.acknowledged as u64,
            rejected: report.rejected as u64,
            pulled_records: report.pulled_records as u64,
            evicted: report.evicted as u64,
        }
    }
}

#[uniffi::export]
impl HosoCore {
    /// As `sync_now`, telling `listener` how far it is; `interrupt_sync` stops it at once.
    pub fn sync_with_progress(
        &self,
        listener: Arc<dyn SyncProgressListener>,
    ) -> ApiResult<SyncReport> {
        Ok(self.app.sync.sync_now_observed(&Forward(listener))?.into())
    }
}
