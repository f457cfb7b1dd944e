//! The case actions through the FFI: registering, forms, the lifecycle, the case file, follow-ups and
//! search, with the records the screens receive.

use super::{ApiError, ApiResult, FieldIssue, HosoCore, json_answers, kind_name, to_json};
use crate::actions::NewCase;
use hoso_model::domain::lifecycle::Action;

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
    /// The chairman or facility head assigns the case manager (TT 02/2020 Điều 2.2).
    AssignManager {
        user_id: String,
    },
    /// A closed case reopens when the subject relapses (TT 02/2020 Điều 10.3).
    Reopen {
        reason: String,
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
            LifecycleAction::AssignManager { user_id } => Action::AssignManager { user_id },
            LifecycleAction::Reopen { reason } => Action::Reopen { reason },
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
pub struct ShareDecision {
    pub allowed: bool,
    pub missing_vi: Vec<String>,
    pub missing_en: Vec<String>,
}

#[uniffi::export]
impl HosoCore {
    pub fn register_household(&self, fields_json: String) -> ApiResult<String> {
        Ok(self
            .unlocked()?
            .cases
            .register_household(json_answers(&fields_json)?)?)
    }

    pub fn register_person(
        &self,
        household_id: Option<String>,
        fields_json: String,
    ) -> ApiResult<Registration> {
        let registration = self
            .unlocked()?
            .cases
            .register_person(household_id.as_deref(), json_answers(&fields_json)?)?;
        Ok(Registration {
            record_id: registration.record_id,
            likely_duplicates: registration.likely_duplicates,
        })
    }

    pub fn open_case(&self, input: CaseInput) -> ApiResult<String> {
        Ok(self.unlocked()?.cases.open_case(NewCase {
            subject_id: input.subject_id,
            household_id: input.household_id,
            commune_code: input.commune_code,
            province_code: input.province_code,
            facility_id: input.facility_id,
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
        let area = crate::actions::CaseArea {
            commune_code,
            province_code,
            facility_id,
        };
        let intake = self
            .unlocked()?
            .cases
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
        Ok(self.unlocked()?.cases.start_form(&case_id, &form_id)?)
    }

    pub fn open_form(&self, record_id: String) -> ApiResult<FormDraft> {
        let draft = self.unlocked()?.cases.open_form(&record_id)?;
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
            .unlocked()?
            .cases
            .save_form(&record_id, json_answers(&answers_json)?)?
            .into_iter()
            .map(FieldIssue::from)
            .collect())
    }

    pub fn submit_form(&self, record_id: String) -> ApiResult<()> {
        Ok(self.unlocked()?.cases.submit_form(&record_id)?)
    }

    pub fn record_visit(&self, case_id: String, answers_json: String) -> ApiResult<String> {
        Ok(self
            .unlocked()?
            .cases
            .record_visit(&case_id, json_answers(&answers_json)?)?)
    }

    pub fn add_referral(&self, case_id: String, answers_json: String) -> ApiResult<String> {
        Ok(self
            .unlocked()?
            .cases
            .add_referral(&case_id, json_answers(&answers_json)?)?)
    }

    pub fn update_referral(&self, referral_id: String, status: String) -> ApiResult<()> {
        Ok(self
            .unlocked()?
            .cases
            .update_referral(&referral_id, &status)?)
    }

    pub fn record_consent(&self, case_id: String, answers_json: String) -> ApiResult<String> {
        Ok(self
            .unlocked()?
            .cases
            .record_consent(&case_id, json_answers(&answers_json)?)?)
    }

    pub fn sharing_decision(&self, case_id: String) -> ApiResult<ShareDecision> {
        let decision = self.unlocked()?.cases.sharing_decision(&case_id)?;
        Ok(ShareDecision {
            allowed: decision.allowed,
            missing_vi: decision.missing.iter().map(|m| m.vi.clone()).collect(),
            missing_en: decision.missing.iter().map(|m| m.en.clone()).collect(),
        })
    }

    pub fn act(&self, case_id: String, action: LifecycleAction) -> ApiResult<()> {
        Ok(self.unlocked()?.cases.act(&case_id, action.into())?)
    }

    pub fn start_adjustment(&self, case_id: String) -> ApiResult<String> {
        Ok(self.unlocked()?.cases.start_adjustment(&case_id)?)
    }

    pub fn case_file(&self, case_id: String) -> ApiResult<CaseFileView> {
        let file = self.unlocked()?.cases.case_file(&case_id)?;
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
            .unlocked()?
            .cases
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
        let app = self.unlocked()?;
        let hits = app.store.search(&query, limit as usize)?;
        let mut results = Vec::with_capacity(hits.len());
        for hit in hits {
            let record = app.store.record(&hit.record_id)?;
            let text = |f: &str| {
                record
                    .as_ref()
                    .and_then(|r| r.text(f))
                    .unwrap_or_default()
                    .to_string()
            };
            let (title, subtitle) = match hit.kind {
                hoso_model::op::RecordKind::Household => (text("head_name"), text("address")),
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
}
