//! Filling forms: starting one, opening it (upgraded to the newest definition), autosaving answers,
//! and completing it. Visits, referrals and consents are forms completed in one call; every completed
//! form goes through the same submission, so each records when and by whom.

use super::{CaseActions, issues_to_error, latest_definition, not_found, registry, today_text};
use crate::error::{Error, Result};
use crate::store::WriteTx;
use hoso_model::domain::editing::{
    check_answers_allowed, check_completes_directly, check_form_editable, check_form_may_start,
    submission,
};
use hoso_model::domain::identity::{bound_answers, check_person};
use hoso_model::domain::lifecycle::CaseStatus;
use hoso_model::domain::{form_ids, referral};
use hoso_model::forms::{Answers, FormDefinition, Issue, upgrade_answers, validate};
use hoso_model::op::{RecordKind, Value, new_id};
use hoso_model::record::Record;
use hoso_model::schema::{ANSWER_PREFIX, BINDINGS, fields, form_status, kind_of_form};
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;

/// A form opened for editing: the definition to render and the answers, upgraded to that definition.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Draft {
    pub record_id: String,
    pub case_id: String,
    pub definition: FormDefinition,
    pub status: String,
    pub answers: Answers,
    /// Answers to fields the current definition no longer has: kept, shown read-only.
    pub orphaned: Vec<String>,
    pub issues: Vec<Issue>,
}

/// The bookkeeping fields every form record starts with.
pub(super) struct FormHeader<'a> {
    pub record_id: &'a str,
    pub kind: RecordKind,
    pub case_id: &'a str,
    pub definition: &'a FormDefinition,
}

/// A form completed in one call (a visit note, a referral, a consent), with any field its kind adds.
struct CompleteForm<'a> {
    case_id: &'a str,
    form_id: &'a str,
    answers: Answers,
    extra: Option<(&'a str, Value)>,
}

impl CaseActions {
    /// Starts a new form of the case under the latest definition; returns the draft's record id.
    pub fn start_form(&self, case_id: &str, form_id: &str) -> Result<String> {
        let case = self.live_case(case_id)?;
        check_form_may_start(
            case.text(fields::STATUS).and_then(CaseStatus::parse),
            form_id,
        )
        .map_err(Error::NotAllowed)?;
        let definition = latest_definition(form_id)?;
        let id = new_id();
        let header = FormHeader {
            record_id: &id,
            kind: kind_of_form(form_id),
            case_id,
            definition,
        };
        self.store.write(|w| write_form_header(w, &header))?;
        Ok(id)
    }

    /// Opens a form for editing. An answer kept under an older definition opens under the newest one,
    /// with renamed fields carried over and dropped fields kept as orphaned: nothing typed is lost.
    pub fn open_form(&self, record_id: &str) -> Result<Draft> {
        let record = self
            .store
            .record(record_id)?
            .ok_or_else(|| not_found(record_id))?;
        let form_id = record
            .text(fields::FORM_ID)
            .ok_or_else(|| not_found(record_id))?
            .to_string();
        let latest = latest_definition(&form_id)?;
        let version = record
            .fields
            .get(fields::FORM_VERSION)
            .and_then(Value::as_u64)
            .and_then(|v| u32::try_from(v).ok())
            .unwrap_or(latest.version);
        let stored = self.stored_answers(&record, latest)?;
        let (answers, orphaned) = match registry().get(&form_id, version) {
            Some(old) if old.version != latest.version => {
                let upgraded = upgrade_answers(old, latest, stored);
                (upgraded.answers, upgraded.orphaned)
            }
            _ => {
                let orphaned = stored
                    .keys()
                    .filter(|k| !latest.defines(k))
                    .cloned()
                    .collect();
                (stored, orphaned)
            }
        };
        let issues = form_issues(latest, &answers, self.today());
        Ok(Draft {
            record_id: record_id.to_string(),
            case_id: record.text(fields::CASE_ID).unwrap_or_default().to_string(),
            definition: latest.clone(),
            status: record
                .text(fields::STATUS)
                .unwrap_or(form_status::DRAFT)
                .to_string(),
            answers,
            orphaned,
            issues,
        })
    }

    /// The answers of a form record, gathered from the form and the records its fields are bound to
    /// (only the bound fields the definition has: a person's other data is not this form's).
    fn stored_answers(&self, form: &Record, definition: &FormDefinition) -> Result<Answers> {
        let mut answers: Answers = form
            .fields
            .iter()
            .filter_map(|(k, v)| {
                k.strip_prefix(ANSWER_PREFIX)
                    .map(|name| (name.to_string(), v.clone()))
            })
            .collect();
        let Some(case) = self.linked(form, fields::CASE_ID)? else {
            return Ok(answers);
        };
        for (prefix, link, _) in BINDINGS {
            let Some(bound) = self.linked(&case, link)? else {
                continue;
            };
            for (name, value) in &bound.fields {
                let answer = format!("{prefix}{name}");
                if definition.defines(&answer) {
                    answers.insert(answer, value.clone());
                }
            }
        }
        Ok(answers)
    }

    /// Saves a form's answers in one call (the phone autosaves field by field; only changed fields make
    /// ops). Saving never refuses a draft: it returns the issues still to fix.
    pub fn save_form(&self, record_id: &str, answers: Answers) -> Result<Vec<Issue>> {
        let record = self
            .store
            .record(record_id)?
            .ok_or_else(|| not_found(record_id))?;
        let form_id = record
            .text(fields::FORM_ID)
            .ok_or_else(|| not_found(record_id))?;
        check_form_editable(record.text(fields::STATUS)).map_err(Error::NotAllowed)?;
        check_answers_allowed(self.store.role()?, form_id, &answers).map_err(Error::NotAllowed)?;
        let definition = latest_definition(form_id)?;
        let case = self.live_case(record.text(fields::CASE_ID).unwrap_or_default())?;
        let issues = form_issues(definition, &answers, self.today());
        self.store.write(|w| {
            w.set(
                record_id,
                record.kind,
                fields::FORM_VERSION,
                json!(definition.version),
            )?;
            write_answers(w, record_id, record.kind, &case, answers)
        })?;
        Ok(issues)
    }

    /// Marks a form complete after checking it. Plans and closure records are submitted through
    /// [`CaseActions::act`] instead, because submitting them moves the case.
    pub fn submit_form(&self, record_id: &str) -> Result<()> {
        let draft = self.open_form(record_id)?;
        check_completes_directly(&draft.definition.id).map_err(Error::Invalid)?;
        issues_to_error(draft.issues)?;
        let kind = kind_of_form(&draft.definition.id);
        let today = today_text(self.today());
        self.store.write(|w| {
            let author = w.author()?.to_string();
            write_fields(w, record_id, kind, submission(&today, &author))
        })
    }

    /// Records a household visit (Mẫu 05) in one call: checked, saved and complete.
    pub fn record_visit(&self, case_id: &str, answers: Answers) -> Result<String> {
        self.complete_form(CompleteForm {
            case_id,
            form_id: form_ids::PROGRESS,
            answers,
            extra: None,
        })
    }

    /// Adds a referral (chuyển tuyến) to a service provider, status `proposed`.
    pub fn add_referral(&self, case_id: &str, answers: Answers) -> Result<String> {
        self.complete_form(CompleteForm {
            case_id,
            form_id: form_ids::REFERRAL,
            answers,
            extra: Some(("a.status", json!(referral::PROPOSED))),
        })
    }

    /// Records consent (lawful basis, consent to share per TT 02 Điều 9.2).
    pub fn record_consent(&self, case_id: &str, answers: Answers) -> Result<String> {
        self.complete_form(CompleteForm {
            case_id,
            form_id: form_ids::CONSENT,
            answers,
            extra: None,
        })
    }

    fn complete_form(&self, form: CompleteForm<'_>) -> Result<String> {
        let case = self.live_case(form.case_id)?;
        check_answers_allowed(self.store.role()?, form.form_id, &form.answers)
            .map_err(Error::NotAllowed)?;
        let definition = latest_definition(form.form_id)?;
        issues_to_error(form_issues(definition, &form.answers, self.today()))?;
        let id = new_id();
        let kind = kind_of_form(form.form_id);
        let today = today_text(self.today());
        let header = FormHeader {
            record_id: &id,
            kind,
            case_id: form.case_id,
            definition,
        };
        self.store.write(|w| {
            write_form_header(w, &header)?;
            write_answers(w, &id, kind, &case, form.answers)?;
            if let Some((field, value)) = form.extra {
                w.set(&id, kind, field, value)?;
            }
            let author = w.author()?.to_string();
            write_fields(w, &id, kind, submission(&today, &author))
        })?;
        Ok(id)
    }
}

/// What is still to fix in a form: its definition's checks, then the identity checks of every person
/// its fields are bound to (once per field).
fn form_issues(
    definition: &FormDefinition,
    answers: &Answers,
    today: chrono::NaiveDate,
) -> Vec<Issue> {
    let mut issues = validate(definition, answers, today);
    for (prefix, _, _) in BINDINGS {
        let person_issues = check_person(&bound_answers(answers, prefix), prefix, today);
        let new: Vec<Issue> = person_issues
            .into_iter()
            .filter(|i| !issues.iter().any(|j| j.field == i.field))
            .collect();
        issues.extend(new);
    }
    issues
}

fn write_fields(
    w: &mut WriteTx<'_>,
    record_id: &str,
    kind: RecordKind,
    values: Vec<(&str, Value)>,
) -> Result<()> {
    for (field, value) in values {
        w.set(record_id, kind, field, value)?;
    }
    Ok(())
}

pub(super) fn write_form_header(w: &mut WriteTx<'_>, header: &FormHeader<'_>) -> Result<()> {
    write_fields(
        w,
        header.record_id,
        header.kind,
        vec![
            (fields::CASE_ID, json!(header.case_id)),
            (fields::FORM_ID, json!(header.definition.id)),
            (fields::FORM_VERSION, json!(header.definition.version)),
            (fields::STATUS, json!(form_status::DRAFT)),
        ],
    )
}

/// Writes answers: bound fields to the subject, household or guardian record (creating the household
/// or guardian on first use, so nothing typed is dropped), the rest to the form record under `a.`.
pub(super) fn write_answers(
    w: &mut WriteTx<'_>,
    form_id: &str,
    form_kind: RecordKind,
    case: &Record,
    answers: Answers,
) -> Result<()> {
    let mut links: BTreeMap<&str, String> = BINDINGS
        .iter()
        .filter_map(|(_, link, _)| case.text(link).map(|id| (*link, id.to_string())))
        .collect();
    for (name, value) in answers {
        let binding = BINDINGS.iter().find_map(|(prefix, link, kind)| {
            name.strip_prefix(prefix).map(|field| (*link, *kind, field))
        });
        let Some((link, kind, field)) = binding else {
            w.set(form_id, form_kind, &format!("{ANSWER_PREFIX}{name}"), value)?;
            continue;
        };
        let target = match links.get(link) {
            Some(id) => id.clone(),
            None if value.is_null() => continue,
            None => {
                let id = create_bound_record(w, case, link, kind)?;
                links.insert(link, id.clone());
                id
            }
        };
        w.set(&target, kind, field, value)?;
    }
    Ok(())
}

/// A household or guardian first named on a form: linked from the case, a household placed in the
/// case's area.
fn create_bound_record(
    w: &mut WriteTx<'_>,
    case: &Record,
    link: &str,
    kind: RecordKind,
) -> Result<String> {
    let id = new_id();
    w.set(&case.id, RecordKind::Case, link, json!(id))?;
    if kind == RecordKind::Household {
        for area in [fields::COMMUNE_CODE, fields::PROVINCE_CODE] {
            w.set(
                &id,
                kind,
                area,
                case.fields.get(area).cloned().unwrap_or(Value::Null),
            )?;
        }
    }
    Ok(id)
}
