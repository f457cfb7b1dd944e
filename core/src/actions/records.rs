//! Changes to single records outside forms: a referral's status, and settling a conflict between
//! concurrent edits.

use super::{CaseActions, not_found};
use crate::error::{Error, Result};
use hoso_model::domain::referral;
use hoso_model::op::{RecordKind, Value};
use hoso_model::schema::fields;
use serde_json::json;

/// The field of a referral that holds where it stands.
const REFERRAL_STATUS: &str = "a.status";

impl CaseActions {
    /// Moves a referral along proposed → sent → accepted → completed, or to declined. Sending it
    /// shares the case outside the commune or facility, so it needs both consents on file.
    pub fn update_referral(&self, referral_id: &str, status: &str) -> Result<()> {
        let record = self
            .store
            .record(referral_id)?
            .filter(|r| r.kind == RecordKind::Referral)
            .ok_or_else(|| not_found(referral_id))?;
        referral::check_transition(
            record.text(REFERRAL_STATUS).unwrap_or(referral::PROPOSED),
            status,
        )
        .map_err(Error::NotAllowed)?;
        if status == referral::SENT {
            let case_id = record.text(fields::CASE_ID).unwrap_or_default();
            referral::check_may_send(&self.sharing_decision(case_id)?)
                .map_err(Error::NotAllowed)?;
        }
        self.store.write(|w| {
            w.set(
                referral_id,
                RecordKind::Referral,
                REFERRAL_STATUS,
                json!(status),
            )
            .map(|_| ())
        })
    }

    /// Keeps `value` for the field and settles the conflict on every device: the new value supersedes
    /// every concurrent one, which stay in the history.
    pub fn resolve_conflict(&self, record_id: &str, field: &str, value: Value) -> Result<()> {
        self.store
            .write(|w| w.resolve_conflict(record_id, field, value))
    }
}
