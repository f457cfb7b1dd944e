//! Today's agenda through the FFI.

use super::{ApiResult, HosoCore};
use crate::screens::agenda::{self, AgendaScreen};

#[uniffi::export]
impl HosoCore {
    /// Today's follow-ups of every case on the device: overdue, due today, due this week.
    pub fn agenda_screen(&self) -> ApiResult<AgendaScreen> {
        Ok(agenda::agenda_screen(self.unlocked()?)?)
    }
}
