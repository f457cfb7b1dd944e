//! The sync screen through the FFI: status, outbox, conflicts, a run, a resolution.

use super::{ApiResult, HosoCore};
use crate::screens::sync::{self, SyncScreen};

#[uniffi::export]
impl HosoCore {
    pub fn sync_screen(&self) -> ApiResult<SyncScreen> {
        Ok(sync::sync_screen(self.unlocked()?)?)
    }

    /// Syncs now and answers the screen with what happened (blocking: call it off the main thread).
    pub fn sync_run(&self) -> ApiResult<SyncScreen> {
        Ok(sync::sync_run(self.unlocked()?)?)
    }

    /// Keeps the value at `index` of a conflicting field (as the screen lists them) on every device.
    pub fn conflict_resolve(
        &self,
        record_id: String,
        field: String,
        index: u32,
    ) -> ApiResult<SyncScreen> {
        Ok(sync::conflict_resolve(
            self.unlocked()?,
            &record_id,
            &field,
            index,
        )?)
    }
}
