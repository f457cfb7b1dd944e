//! Enrollment, sync, the outbox and conflicts through the FFI.

use super::{ApiError, ApiResult, HosoCore};
use hoso_model::op::Value;

#[derive(Debug, Clone, uniffi::Record)]
pub struct Enrollment {
    pub user_id: String,
    pub role: String,
    pub area_kind: String,
    pub area_code: String,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct SyncReport {
    pub pushed: u64,
    pub acknowledged: u64,
    pub rejected: u64,
    pub pulled_records: u64,
    pub evicted: u64,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct SyncStatus {
    pub enrolled: bool,
    pub last_success_millis: Option<u64>,
    pub consecutive_failures: u32,
    pub next_attempt_millis: u64,
    pub outbox_ops: u64,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct OutboxEntry {
    pub record_id: String,
    /// queued, sent, acknowledged or rejected
    pub state: String,
    pub pending_ops: u32,
    pub rejection_code: Option<String>,
    pub rejection_vi: Option<String>,
    pub rejection_en: Option<String>,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct ConflictValue {
    pub value_json: String,
    pub author: String,
    pub at_millis: u64,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct Conflict {
    pub record_id: String,
    pub kind: String,
    pub field: String,
    pub current: ConflictValue,
    pub losers: Vec<ConflictValue>,
}

fn conflict_value(version: hoso_model::merge::Version) -> ConflictValue {
    ConflictValue {
        value_json: serde_json::to_string(&version.value).unwrap_or_default(),
        author: version.author,
        at_millis: version.hlc.millis,
    }
}

#[uniffi::export]
impl HosoCore {
    /// Enrolls with a server address and a code (as `enroll_with_code`, answering the enrollment).
    pub fn enroll(
        &self,
        server_url: String,
        code: String,
        device_name: String,
    ) -> ApiResult<Enrollment> {
        let screen = crate::screens::launch::enroll(&self.app, &server_url, &code, &device_name)?;
        let user = screen.user.ok_or(ApiError::Internal)?;
        Ok(Enrollment {
            user_id: user.user_id,
            role: user.role,
            area_kind: user.area_kind,
            area_code: user.area_code,
        })
    }

    pub fn sync_now(&self) -> ApiResult<SyncReport> {
        Ok(self.app.sync.sync_now()?.into())
    }

    /// Stops a running sync at once (from another thread): an exchange in flight is cut.
    pub fn interrupt_sync(&self) {
        self.app.sync.interrupt();
    }

    pub fn sync_status(&self) -> ApiResult<SyncStatus> {
        let status = self.app.sync.status()?;
        Ok(SyncStatus {
            enrolled: status.enrolled,
            last_success_millis: status.last_success_millis,
            consecutive_failures: status.consecutive_failures,
            next_attempt_millis: status.next_attempt_millis,
            outbox_ops: status.outbox_ops as u64,
        })
    }

    pub fn outbox(&self) -> ApiResult<Vec<OutboxEntry>> {
        Ok(self
            .unlocked()?
            .store
            .outbox()?
            .into_iter()
            .map(|entry| OutboxEntry {
                record_id: entry.record_id,
                state: entry.state.as_str().to_string(),
                pending_ops: entry.pending_ops,
                rejection_code: entry.rejection.as_ref().map(|r| r.code.clone()),
                rejection_vi: entry.rejection.as_ref().map(|r| r.reason.vi.clone()),
                rejection_en: entry.rejection.map(|r| r.reason.en),
            })
            .collect())
    }

    pub fn conflicts(&self) -> ApiResult<Vec<Conflict>> {
        Ok(self
            .unlocked()?
            .store
            .conflicts()?
            .into_iter()
            .map(|c| Conflict {
                record_id: c.record_id,
                kind: c.kind.as_str().to_string(),
                field: c.field,
                current: conflict_value(c.current),
                losers: c.losers.into_iter().map(conflict_value).collect(),
            })
            .collect())
    }

    /// Keeps `value_json` for the field and settles the conflict on every device.
    pub fn resolve_conflict(
        &self,
        record_id: String,
        field: String,
        value_json: String,
    ) -> ApiResult<()> {
        let value: Value = serde_json::from_str(&value_json).map_err(|_| ApiError::Invalid {
            message_vi: "Giá trị không đúng định dạng JSON.".into(),
            message_en: "The value is not valid JSON.".into(),
        })?;
        Ok(self
            .unlocked()?
            .cases
            .resolve_conflict(&record_id, &field, value)?)
    }
}
