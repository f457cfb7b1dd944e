//! Registering people and households, and opening cases (step 1 of TT 02/2020 Điều 3).

use super::forms::{FormHeader, write_answers, write_form_header};
use super::{CaseActions, issues_to_error, latest_definition, not_found, today_text};
use crate::error::{Error, Result};
use crate::store::WriteTx;
use hoso_model::domain::editing::check_may_record;
use hoso_model::domain::form_ids;
use hoso_model::domain::identity::{bound_answers, check_person, require_full_name};
use hoso_model::domain::lifecycle::CaseStatus;
use hoso_model::forms::{Answers, Issue, checks, validate};
use hoso_model::op::{RecordKind, Value, new_id};
use hoso_model::record::Record;
use hoso_model::schema::fields;
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Registration {
    pub record_id: String,
    /// People already on this device who are probably the same person (same citizen ID, or same name
    /// and birth date): the worker decides whether to go on.
    pub likely_duplicates: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewCase {
    pub subject_id: String,
    pub household_id: Option<String>,
    pub commune_code: String,
    pub province_code: String,
    pub facility_id: Option<String>,
    /// Subject category codes built from the legal reference, e.g. `ND20-D5-K6`.
    pub categories: Vec<String>,
}

/// Where a new case is managed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseArea {
    pub commune_code: String,
    pub province_code: String,
    pub facility_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NewIntake {
    pub case_id: String,
    pub subject_id: String,
    pub form_record_id: String,
    pub issues: Vec<Issue>,
    pub likely_duplicates: Vec<String>,
}

fn text<'a>(answers: &'a Answers, field: &str) -> &'a str {
    answers
        .get(field)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

impl CaseActions {
    pub fn register_household(&self, fields: Answers) -> Result<String> {
        self.store
            .admin_units()?
            .check_area(
                text(&fields, fields::COMMUNE_CODE),
                text(&fields, fields::PROVINCE_CODE),
            )
            .map_err(Error::Invalid)?;
        let id = new_id();
        self.store.write(|w| {
            w.set_all(&id, RecordKind::Household, fields)?;
            Ok(())
        })?;
        Ok(id)
    }

    /// Registers a person (subject, household member or guardian). Warns of likely duplicates but does
    /// not refuse: two people can share a name and a birthday.
    pub fn register_person(
        &self,
        household_id: Option<&str>,
        mut fields: Answers,
    ) -> Result<Registration> {
        require_full_name(&fields, "").map_err(|issue| Error::Validation(vec![issue]))?;
        issues_to_error(check_person(&fields, "", self.today()))?;
        let phone = fields
            .get(fields::PHONE)
            .and_then(Value::as_str)
            .and_then(|p| checks::check_phone(p).ok());
        if let Some(phone) = phone {
            fields.insert(fields::PHONE.into(), json!(phone));
        }
        let likely_duplicates = self.store.likely_duplicates(&fields, None)?;
        let id = new_id();
        self.store.write(|w| {
            if let Some(household) = household_id {
                w.set(
                    &id,
                    RecordKind::Person,
                    fields::HOUSEHOLD_ID,
                    json!(household),
                )?;
            }
            w.set_all(&id, RecordKind::Person, fields)?;
            Ok(())
        })?;
        Ok(Registration {
            record_id: id,
            likely_duplicates,
        })
    }

    /// A case may be opened only in a known area and by someone who records.
    fn check_may_open_case(&self, commune_code: &str, province_code: &str) -> Result<()> {
        self.store
            .admin_units()?
            .check_area(commune_code, province_code)
            .map_err(Error::Invalid)?;
        check_may_record(self.store.role()?).map_err(Error::NotAllowed)
    }

    /// Opens a case (step 1 begins) for a registered subject.
    pub fn open_case(&self, new: NewCase) -> Result<String> {
        self.check_may_open_case(&new.commune_code, &new.province_code)?;
        let subject = self
            .store
            .record(&new.subject_id)?
            .filter(|r| r.kind == RecordKind::Person && !r.deleted)
            .ok_or_else(|| not_found(&new.subject_id))?;
        let household_id = new
            .household_id
            .clone()
            .or_else(|| subject.text(fields::HOUSEHOLD_ID).map(str::to_string));
        let id = new_id();
        let today = today_text(self.today());
        self.store
            .write(|w| write_new_case(w, &id, &new, household_id, &today))?;
        Ok(id)
    }

    /// A new case from a filled Mẫu 01, in one transaction (one call from the phone): the subject is
    /// registered from the `subject.` answers, the case opened in the given area, and the form saved as
    /// a draft. Returns what is still to fix in the form and the likely duplicates of the subject.
    pub fn create_case_with_information(
        &self,
        area: CaseArea,
        answers: Answers,
    ) -> Result<NewIntake> {
        self.check_may_open_case(&area.commune_code, &area.province_code)?;
        let today = self.today();
        let subject = bound_answers(&answers, "subject.");
        require_full_name(&subject, "subject.").map_err(|issue| Error::Validation(vec![issue]))?;
        issues_to_error(check_person(&subject, "subject.", today))?;
        let definition = latest_definition(form_ids::INFORMATION)?;
        let issues = validate(definition, &answers, today);
        let likely_duplicates = self.store.likely_duplicates(&subject, None)?;
        let categories: Vec<String> = answers
            .get("subject.categories")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let (case_id, subject_id, form_record_id) = (new_id(), new_id(), new_id());
        let new = NewCase {
            subject_id: subject_id.clone(),
            household_id: None,
            commune_code: area.commune_code,
            province_code: area.province_code,
            facility_id: area.facility_id,
            categories,
        };
        self.store.write(|w| {
            write_new_case(w, &case_id, &new, None, &today_text(today))?;
            let header = FormHeader {
                record_id: &form_record_id,
                kind: RecordKind::Form,
                case_id: &case_id,
                definition,
            };
            write_form_header(w, &header)?;
            let case = Record {
                id: case_id.clone(),
                kind: RecordKind::Case,
                deleted: false,
                fields: [
                    (fields::SUBJECT_ID.to_string(), json!(subject_id)),
                    (fields::COMMUNE_CODE.to_string(), json!(new.commune_code)),
                    (fields::PROVINCE_CODE.to_string(), json!(new.province_code)),
                ]
                .into_iter()
                .collect(),
            };
            write_answers(w, &form_record_id, RecordKind::Form, &case, answers)
        })?;
        Ok(NewIntake {
            case_id,
            subject_id,
            form_record_id,
            issues,
            likely_duplicates,
        })
    }
}

fn write_new_case(
    w: &mut WriteTx<'_>,
    id: &str,
    new: &NewCase,
    household_id: Option<String>,
    today: &str,
) -> Result<()> {
    // The opener manages the case until the chairman or facility head assigns a case manager
    // (TT 02/2020 Điều 2.2).
    let opener = w.author()?.to_string();
    let optional = |value: Option<String>| value.map_or(Value::Null, Value::String);
    w.set_all(
        id,
        RecordKind::Case,
        [
            (fields::SUBJECT_ID.to_string(), json!(new.subject_id)),
            (fields::HOUSEHOLD_ID.to_string(), optional(household_id)),
            (fields::COMMUNE_CODE.to_string(), json!(new.commune_code)),
            (fields::PROVINCE_CODE.to_string(), json!(new.province_code)),
            (
                fields::FACILITY_ID.to_string(),
                optional(new.facility_id.clone()),
            ),
            (fields::OPENED_BY.to_string(), json!(opener)),
            (fields::CATEGORIES.to_string(), json!(new.categories)),
            (
                fields::STATUS.to_string(),
                json!(CaseStatus::Intake.as_str()),
            ),
            (fields::OPENED_ON.to_string(), json!(today)),
        ],
    )?;
    Ok(())
}
