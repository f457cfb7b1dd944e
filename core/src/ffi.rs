//! The one module that owns the FFI surface (uniffi proc-macros). Synchronous calls, safe from several
//! background threads; one call per user action (a whole form is saved in one call). Form definitions
//! and answers cross as JSON: the phones' generic renderer interprets them as data. Errors cross as the
//! small [`ApiError`]; details go to the log, never personal data.

use crate::cases::NewCase;
use crate::domain::Role;
use crate::domain::lifecycle::Action;
use crate::error::Error;
use crate::forms::{Answers, Issue};
use crate::i18n::Localized;
use crate::op::Value;
use crate::store::Store;
use std::sync::Arc;

#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum ApiError {
    #[error("the key is wrong or the file is not a hoso database")]
    WrongKey,
    #[error("the database was written by a newer app")]
    NewerApp,
    #[error("the database file is damaged")]
    Damaged,
    #[error("not found")]
    NotFound,
    #[error("{message_en}")]
    Invalid {
        message_vi: String,
        message_en: String,
    },
    #[error("{} field(s) to fix", issues.len())]
    Validation { issues: Vec<FieldIssue> },
    #[error("{message_en}")]
    NotAllowed {
        message_vi: String,
        message_en: String,
    },
    #[error("no network or the server did not answer")]
    Network,
    #[error("the server refused: {code}")]
    Server { status: u16, code: String },
    #[error("this device was revoked; its data was erased")]
    Revoked,
    #[error("interrupted")]
    Interrupted,
    #[error("internal error")]
    Internal,
}

impl From<Error> for ApiError {
    fn from(error: Error) -> ApiError {
        let localized = |m: Localized| (m.vi, m.en);
        match error {
            Error::WrongKeyOrNotADatabase => ApiError::WrongKey,
            Error::NewerSchema { .. } => ApiError::NewerApp,
            Error::Corrupt { .. } => ApiError::Damaged,
            Error::NotFound { .. } => ApiError::NotFound,
            Error::Invalid(m) => {
                let (message_vi, message_en) = localized(m);
                ApiError::Invalid {
                    message_vi,
                    message_en,
                }
            }
            Error::NotAllowed(m) => {
                let (message_vi, message_en) = localized(m);
                ApiError::NotAllowed {
                    message_vi,
                    message_en,
                }
            }
            Error::Validation(issues) => ApiError::Validation {
                issues: issues.into_iter().map(FieldIssue::from).collect(),
            },
            Error::Network(detail) => {
                tracing::warn!(%detail, "sync network failure");
                ApiError::Network
            }
            Error::Server { status, code } => ApiError::Server { status, code },
            Error::Revoked => ApiError::Revoked,
            Error::Interrupted => ApiError::Interrupted,
            other => {
                tracing::error!(error = %other, "internal error");
                ApiError::Internal
            }
        }
    }
}

type ApiResult<T> = Result<T, ApiError>;

fn json_answers(json: &str) -> ApiResult<Answers> {
    serde_json::from_str(json).map_err(|_| ApiError::Invalid {
        message_vi: "Dữ liệu biểu mẫu không đúng định dạng JSON.".into(),
        message_en: "The form data is not valid JSON.".into(),
    })
}

fn to_json(value: &impl serde::Serialize) -> ApiResult<String> {
    serde_json::to_string(value).map_err(|_| ApiError::Internal)
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct FieldIssue {
    pub field: String,
    pub code: String,
    pub message_vi: String,
    pub message_en: String,
}

impl From<Issue> for FieldIssue {
    fn from(issue: Issue) -> FieldIssue {
        FieldIssue {
            field: issue.field,
            code: issue.code,
            message_vi: issue.message.vi,
            message_en: issue.message.en,
        }
    }
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct Enrollment {
    pub user_id: String,
    pub role: String,
    pub area_kind: String,
    pub area_code: String,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct Registration {
    pub record_id: String,
    pub likely_duplicates: Vec<String>,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct CaseInput {
    pub subject_id: String,
    pub household_id: Option<String>,
    pub commune_code: String,
    pub province_code: String,
    pub facility_id: Option<String>,
    pub categories: Vec<String>,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct NewIntake {
    pub case_id: String,
    pub subject_id: String,
    pub form_record_id: String,
    pub issues: Vec<FieldIssue>,
    pub likely_duplicates: Vec<String>,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct FormDraft {
    pub record_id: String,
    pub case_id: String,
    pub form_id: String,
    pub status: String,
    /// The definition to render, as JSON.
    pub definition_json: String,
    /// The answers, as a JSON object keyed by field name.
    pub answers_json: String,
    pub orphaned: Vec<String>,
    pub issues: Vec<FieldIssue>,
}

#[derive(Debug, Clone, uniffi::Enum)]
pub enum LifecycleAction {
    StartPlanning,
    SubmitPlan {
        plan_id: String,
    },
    ApprovePlan {
        plan_id: String,
    },
    ReturnPlan {
        plan_id: String,
        reason: String,
    },
    SubmitAdjustment {
        plan_id: String,
    },
    ApproveAdjustment {
        plan_id: String,
    },
    ReturnAdjustment {
        plan_id: String,
        reason: String,
    },
    ProposeClosure {
        closure_form_id: String,
    },
    ApproveClosure,
    ReturnClosure {
        reason: String,
    },
    Transfer {
        commune_code: String,
        province_code: String,
    },
}

impl From<LifecycleAction> for Action {
    fn from(action: LifecycleAction) -> Action {
        match action {
            LifecycleAction::StartPlanning => Action::StartPlanning,
            LifecycleAction::SubmitPlan { plan_id } => Action::SubmitPlan { plan_id },
            LifecycleAction::ApprovePlan { plan_id } => Action::ApprovePlan { plan_id },
            LifecycleAction::ReturnPlan { plan_id, reason } => {
                Action::ReturnPlan { plan_id, reason }
            }
            LifecycleAction::SubmitAdjustment { plan_id } => Action::SubmitAdjustment { plan_id },
            LifecycleAction::ApproveAdjustment { plan_id } => Action::ApproveAdjustment { plan_id },
            LifecycleAction::ReturnAdjustment { plan_id, reason } => {
                Action::ReturnAdjustment { plan_id, reason }
            }
            LifecycleAction::ProposeClosure { closure_form_id } => {
                Action::ProposeClosure { closure_form_id }
            }
            LifecycleAction::ApproveClosure => Action::ApproveClosure,
            LifecycleAction::ReturnClosure { reason } => Action::ReturnClosure { reason },
            LifecycleAction::Transfer {
                commune_code,
                province_code,
            } => Action::Transfer {
                commune_code,
                province_code,
            },
        }
    }
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct TimelineItem {
    pub date: String,
    pub record_id: String,
    pub kind: String,
    pub title_vi: String,
    pub title_en: String,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct CaseFileView {
    pub case_id: String,
    pub status: String,
    pub step: u8,
    pub status_vi: String,
    pub status_en: String,
    pub subject_name: String,
    pub timeline: Vec<TimelineItem>,
    /// Every record of the case (case, subject, household, forms, visits, referrals, consents), as JSON.
    pub records_json: String,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct FollowUpTask {
    pub case_id: Option<String>,
    pub subject_name: String,
    pub kind: String,
    pub due: String,
    pub overdue: bool,
    pub reason_vi: String,
    pub reason_en: String,
    pub legal_ref: String,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct SearchResult {
    pub record_id: String,
    pub kind: String,
    pub title: String,
    pub subtitle: String,
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

#[derive(Debug, Clone, uniffi::Record)]
pub struct ShareDecision {
    pub allowed: bool,
    pub missing_vi: Vec<String>,
    pub missing_en: Vec<String>,
}

fn kind_name<T: serde::Serialize>(kind: &T) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn conflict_value(version: crate::merge::Version) -> ConflictValue {
    ConflictValue {
        value_json: serde_json::to_string(&version.value).unwrap_or_default(),
        author: version.author,
        at_millis: version.hlc.millis,
    }
}

/// The case file of one device: an open encrypted store.
#[derive(uniffi::Object)]
pub struct HosoCore {
    store: Store,
}

#[uniffi::export]
impl HosoCore {
    /// Opens (or creates) the encrypted store; `key_hex` is the 32-byte key from the platform keystore.
    #[uniffi::constructor]
    pub fn open(path: String, key_hex: String) -> ApiResult<Arc<HosoCore>> {
        Ok(Arc::new(HosoCore {
            store: Store::open(path, &key_hex)?,
        }))
    }

    pub fn device_id(&self) -> String {
        self.store.identity().device_id
    }

    pub fn enroll(
        &self,
        server_url: String,
        code: String,
        device_name: String,
    ) -> ApiResult<Enrollment> {
        let response = self.store.enroll(&server_url, &code, &device_name)?;
        Ok(Enrollment {
            user_id: response.user_id,
            role: response.role.as_str().to_string(),
            area_kind: response.area.kind.as_str().to_string(),
            area_code: response.area.code,
        })
    }

    /// Every current form definition, as a JSON array, for the generic renderer.
    pub fn form_definitions_json(&self) -> ApiResult<String> {
        to_json(&crate::cases::registry().all_latest())
    }

    pub fn register_household(&self, fields_json: String) -> ApiResult<String> {
        Ok(self.store.register_household(json_answers(&fields_json)?)?)
    }

    pub fn register_person(
        &self,
        household_id: Option<String>,
        fields_json: String,
    ) -> ApiResult<Registration> {
        let registration = self
            .store
            .register_person(household_id.as_deref(), json_answers(&fields_json)?)?;
        Ok(Registration {
            record_id: registration.record_id,
            likely_duplicates: registration.likely_duplicates,
        })
    }

    pub fn open_case(&self, input: CaseInput) -> ApiResult<String> {
        Ok(self.store.open_case(NewCase {
            subject_id: input.subject_id,
            household_id: input.household_id,
            commune_code: input.commune_code,
            province_code: input.province_code,
            facility_id: input.facility_id,
            manager_id: None,
            categories: input.categories,
        })?)
    }

    /// A new case from a filled Mẫu 01 in one call: subject registered, case opened, form saved as a draft.
    pub fn create_case_with_information(
        &self,
        commune_code: String,
        province_code: String,
        facility_id: Option<String>,
        answers_json: String,
    ) -> ApiResult<NewIntake> {
        let area = crate::cases::CaseArea {
            commune_code,
            province_code,
            facility_id,
        };
        let intake = self
            .store
            .create_case_with_information(area, json_answers(&answers_json)?)?;
        Ok(NewIntake {
            case_id: intake.case_id,
            subject_id: intake.subject_id,
            form_record_id: intake.form_record_id,
            issues: intake.issues.into_iter().map(FieldIssue::from).collect(),
            likely_duplicates: intake.likely_duplicates,
        })
    }

    pub fn start_form(&self, case_id: String, form_id: String) -> ApiResult<String> {
        Ok(self.store.start_form(&case_id, &form_id)?)
    }

    pub fn open_form(&self, record_id: String) -> ApiResult<FormDraft> {
        let draft = self.store.open_form(&record_id)?;
        Ok(FormDraft {
            record_id: draft.record_id,
            case_id: draft.case_id,
            form_id: draft.definition.id.clone(),
            status: draft.status,
            definition_json: to_json(&draft.definition)?,
            answers_json: to_json(&draft.answers)?,
            orphaned: draft.orphaned,
            issues: draft.issues.into_iter().map(FieldIssue::from).collect(),
        })
    }

    /// Saves a whole form in one call; returns what is still to fix (a draft is always saved).
    pub fn save_form(&self, record_id: String, answers_json: String) -> ApiResult<Vec<FieldIssue>> {
        Ok(self
            .store
            .save_form(&record_id, json_answers(&answers_json)?)?
            .into_iter()
            .map(FieldIssue::from)
            .collect())
    }

    pub fn submit_form(&self, record_id: String) -> ApiResult<()> {
        Ok(self.store.submit_form(&record_id)?)
    }

    pub fn record_visit(&self, case_id: String, answers_json: String) -> ApiResult<String> {
        Ok(self
            .store
            .record_visit(&case_id, json_answers(&answers_json)?)?)
    }

    pub fn add_referral(&self, case_id: String, answers_json: String) -> ApiResult<String> {
        Ok(self
            .store
            .add_referral(&case_id, json_answers(&answers_json)?)?)
    }

    pub fn update_referral(&self, referral_id: String, status: String) -> ApiResult<()> {
        Ok(self.store.update_referral(&referral_id, &status)?)
    }

    pub fn record_consent(&self, case_id: String, answers_json: String) -> ApiResult<String> {
        Ok(self
            .store
            .record_consent(&case_id, json_answers(&answers_json)?)?)
    }

    pub fn sharing_decision(&self, case_id: String) -> ApiResult<ShareDecision> {
        let decision = self.store.sharing_decision(&case_id)?;
        Ok(ShareDecision {
            allowed: decision.allowed,
            missing_vi: decision.missing.iter().map(|m| m.vi.clone()).collect(),
            missing_en: decision.missing.iter().map(|m| m.en.clone()).collect(),
        })
    }

    pub fn act(&self, case_id: String, action: LifecycleAction) -> ApiResult<()> {
        Ok(self.store.act(&case_id, action.into())?)
    }

    pub fn start_adjustment(&self, case_id: String) -> ApiResult<String> {
        Ok(self.store.start_adjustment(&case_id)?)
    }

    pub fn case_file(&self, case_id: String) -> ApiResult<CaseFileView> {
        let file = self.store.case_file(&case_id)?;
        let label = file.status.label();
        let mut records = vec![file.case.clone()];
        records.extend(file.subject.clone());
        records.extend(file.household.clone());
        records.extend(
            file.forms
                .iter()
                .chain(&file.visits)
                .chain(&file.referrals)
                .chain(&file.consents)
                .cloned(),
        );
        Ok(CaseFileView {
            case_id: file.case.id.clone(),
            status: file.status.as_str().to_string(),
            step: file.step,
            status_vi: label.vi,
            status_en: label.en,
            subject_name: file
                .subject
                .as_ref()
                .and_then(|s| s.text("full_name"))
                .unwrap_or_default()
                .to_string(),
            timeline: file
                .timeline
                .into_iter()
                .map(|e| TimelineItem {
                    date: e.date.to_string(),
                    record_id: e.record_id,
                    kind: e.kind.as_str().to_string(),
                    title_vi: e.title.vi,
                    title_en: e.title.en,
                })
                .collect(),
            records_json: to_json(&records)?,
        })
    }

    /// Tasks due by `today` (ISO date) and within the configured horizon, overdue first.
    pub fn follow_ups(&self, today: String) -> ApiResult<Vec<FollowUpTask>> {
        let day = chrono::NaiveDate::parse_from_str(&today, "%Y-%m-%d").map_err(|_| {
            ApiError::Invalid {
                message_vi: "Ngày phải có dạng năm-tháng-ngày.".into(),
                message_en: "The date must be YYYY-MM-DD.".into(),
            }
        })?;
        Ok(self
            .store
            .follow_ups(day)?
            .into_iter()
            .map(|t| FollowUpTask {
                case_id: t.case_id,
                subject_name: t.subject_name,
                kind: kind_name(&t.kind),
                due: t.due.to_string(),
                overdue: t.overdue,
                reason_vi: t.reason.vi,
                reason_en: t.reason.en,
                legal_ref: t.legal_ref,
            })
            .collect())
    }

    /// People and households matching the query, without diacritics ("duc" finds "Đức").
    pub fn search(&self, query: String, limit: u32) -> ApiResult<Vec<SearchResult>> {
        let hits = self.store.search(&query, limit as usize)?;
        let mut results = Vec::with_capacity(hits.len());
        for hit in hits {
            let record = self.store.record(&hit.record_id)?;
            let text = |f: &str| {
                record
                    .as_ref()
                    .and_then(|r| r.text(f))
                    .unwrap_or_default()
                    .to_string()
            };
            let (title, subtitle) = match hit.kind {
                crate::op::RecordKind::Household => (text("head_name"), text("address")),
                _ => (text("full_name"), text("birth_date")),
            };
            results.push(SearchResult {
                record_id: hit.record_id,
                kind: hit.kind.as_str().to_string(),
                title,
                subtitle,
            });
        }
        Ok(results)
    }

    pub fn sync_now(&self) -> ApiResult<SyncReport> {
        let report = self.store.sync_now()?;
        Ok(SyncReport {
            pushed: report.pushed as u64,
            acknowledged: report.acknowledged as u64,
            rejected: report.rejected as u64,
            pulled_records: report.pulled_records as u64,
            evicted: report.evicted as u64,
        })
    }

    /// Stops a running `sync_now` at its next step (from another thread).
    pub fn interrupt_sync(&self) {
        self.store.interrupt_sync();
    }

    pub fn sync_status(&self) -> ApiResult<SyncStatus> {
        let status = self.store.sync_status()?;
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
            .store
            .outbox()?
            .into_iter()
            .map(|entry| OutboxEntry {
                record_id: entry.record_id,
                state: kind_name(&entry.state),
                pending_ops: entry.pending_ops,
                rejection_code: entry.rejection.as_ref().map(|r| r.code.clone()),
                rejection_vi: entry.rejection.as_ref().map(|r| r.reason.vi.clone()),
                rejection_en: entry.rejection.map(|r| r.reason.en),
            })
            .collect())
    }

    pub fn conflicts(&self) -> ApiResult<Vec<Conflict>> {
        Ok(self
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
            .store
            .write(|w| w.resolve_conflict(&record_id, &field, value))?)
    }

    /// The role of the enrolled user (`collaborator`, `approver`, …).
    pub fn role(&self) -> ApiResult<String> {
        Ok(self.store.role().map(Role::as_str)?.to_string())
    }
}
