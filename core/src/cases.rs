//! The case file as a collaborator works it: the store's application layer.
//!
//! Each public function is one user action: it reads what it needs, asks the pure rules
//! ([`crate::domain`], [`crate::forms`]) and writes the result in one transaction. Nothing here is a
//! business rule of its own; it routes.

use crate::domain::config::Config;
use crate::domain::consent::{ShareDecision, may_share};
use crate::domain::followup::{Task, tasks};
use crate::domain::form_ids;
use crate::domain::lifecycle::{Action, CaseContext, CaseStatus, Change, decide, form_status};
use crate::domain::timeline::{TimelineEntry, timeline};
use crate::domain::{Role, date_of, referral};
use crate::error::{Error, Result};
use crate::forms::{Answers, FormDefinition, Issue, Registry, checks, upgrade_answers, validate};
use crate::i18n::Localized;
use crate::op::{RecordKind, Value, new_id};
use crate::record::Record;
use crate::store::{Store, WriteTx};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::sync::OnceLock;

/// Prefix of a form record's own answers, keeping them apart from its bookkeeping fields.
const ANSWER_PREFIX: &str = "a.";

/// Form fields bound to other records: `subject.full_name` is the subject's `full_name`, and so on.
const BINDINGS: [(&str, &str); 3] = [
    ("subject.", "subject_id"),
    ("household.", "household_id"),
    ("guardian.", "guardian_id"),
];

pub fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(Registry::builtin)
}

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
    pub manager_id: Option<String>,
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

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CaseFile {
    pub case: Record,
    pub status: CaseStatus,
    pub step: u8,
    pub subject: Option<Record>,
    pub household: Option<Record>,
    pub forms: Vec<Record>,
    pub visits: Vec<Record>,
    pub referrals: Vec<Record>,
    pub consents: Vec<Record>,
    pub photos: Vec<Record>,
    pub timeline: Vec<TimelineEntry>,
}

fn today_text(today: NaiveDate) -> Value {
    json!(today.format("%Y-%m-%d").to_string())
}

fn not_found(id: &str) -> Error {
    Error::NotFound { id: id.to_string() }
}

fn issues_to_error(issues: Vec<Issue>) -> Result<()> {
    if issues.is_empty() {
        Ok(())
    } else {
        Err(Error::Validation(issues))
    }
}

fn field_issue(field: &str, code: &str, message: Localized) -> Issue {
    Issue {
        field: field.to_string(),
        code: code.to_string(),
        message,
    }
}

fn text_answer<'a>(answers: &'a Answers, field: &str) -> Option<&'a str> {
    answers
        .get(field)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
}

/// Checks the identity fields of a person, whatever form they came from.
fn check_person(fields: &Answers, prefix: &str, today: NaiveDate) -> Vec<Issue> {
    let mut issues = Vec::new();
    let birth = match text_answer(fields, "birth_date") {
        Some(text) => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(day) => {
                if let Err(issue) = checks::check_birth_date(day, today) {
                    issues.push(Issue {
                        field: format!("{prefix}birth_date"),
                        ..issue
                    });
                }
                Some(day)
            }
            Err(_) => {
                issues.push(field_issue(
                    &format!("{prefix}birth_date"),
                    "date_format",
                    Localized::new(
                        "Ngày sinh phải có dạng năm-tháng-ngày.",
                        "The date of birth must be a date (YYYY-MM-DD).",
                    ),
                ));
                None
            }
        },
        None => None,
    };
    if let Some(id) = text_answer(fields, "citizen_id")
        && let Err(issue) = checks::check_citizen_id(id, birth, text_answer(fields, "sex"))
    {
        issues.push(Issue {
            field: format!("{prefix}citizen_id"),
            ..issue
        });
    }
    if let Some(phone) = text_answer(fields, "phone")
        && let Err(issue) = checks::check_phone(phone)
    {
        issues.push(Issue {
            field: format!("{prefix}phone"),
            ..issue
        });
    }
    issues
}

impl Store {
    /// The signed-in user's role (set at enrollment).
    pub fn role(&self) -> Result<Role> {
        Ok(self
            .meta("role")?
            .as_deref()
            .and_then(Role::parse)
            .unwrap_or(Role::Collaborator))
    }

    pub fn set_identity(&self, user_id: &str, role: Role) -> Result<()> {
        self.set_user(user_id)?;
        self.set_meta("role", role.as_str())
    }

    /// The local configuration of what the law leaves open.
    pub fn config(&self) -> Result<Config> {
        match self.meta("config")? {
            Some(text) => Ok(serde_json::from_str(&text)?),
            None => Ok(Config::default()),
        }
    }

    pub fn set_config(&self, config: &Config) -> Result<()> {
        config.check().map_err(Error::Invalid)?;
        self.set_meta("config", &serde_json::to_string(config)?)
    }

    fn today(&self) -> NaiveDate {
        chrono::DateTime::from_timestamp_millis(self.now_millis() as i64)
            .map(|t| {
                t.with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).expect("UTC+7 is valid"))
                    .date_naive()
            })
            .unwrap_or_default()
    }

    pub fn register_household(&self, fields: Answers) -> Result<String> {
        let commune = text_answer(&fields, "commune_code").unwrap_or_default();
        let province = text_answer(&fields, "province_code").unwrap_or_default();
        self.admin_units()?
            .check_area(commune, province)
            .map_err(Error::Invalid)?;
        let id = new_id();
        self.write(|w| {
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
        if text_answer(&fields, "full_name").is_none() {
            return Err(Error::Validation(vec![field_issue(
                "full_name",
                "required",
                Localized::new("Hãy nhập họ và tên.", "Enter the full name."),
            )]));
        }
        issues_to_error(check_person(&fields, "", self.today()))?;
        if let Some(phone) = text_answer(&fields, "phone").and_then(|p| checks::check_phone(p).ok())
        {
            fields.insert("phone".into(), json!(phone));
        }
        let likely_duplicates = self.likely_duplicates(&fields, None)?;
        let id = new_id();
        self.write(|w| {
            if let Some(household) = household_id {
                w.set(&id, RecordKind::Person, "household_id", json!(household))?;
            }
            w.set_all(&id, RecordKind::Person, fields)?;
            Ok(())
        })?;
        Ok(Registration {
            record_id: id,
            likely_duplicates,
        })
    }

    /// A case may be opened only in a known area and by someone who records (not provincial staff).
    fn check_may_open_case(&self, commune_code: &str, province_code: &str) -> Result<()> {
        self.admin_units()?
            .check_area(commune_code, province_code)
            .map_err(Error::Invalid)?;
        if !self.role()?.may_record() {
            return Err(Error::not_allowed(
                "Bạn chỉ có quyền xem.",
                "You can only view.",
            ));
        }
        Ok(())
    }

    /// Opens a case (step 1 begins) for a registered subject.
    pub fn open_case(&self, new: NewCase) -> Result<String> {
        self.check_may_open_case(&new.commune_code, &new.province_code)?;
        let subject = self
            .record(&new.subject_id)?
            .filter(|r| r.kind == RecordKind::Person && !r.deleted);
        let subject = subject.ok_or_else(|| not_found(&new.subject_id))?;
        let household_id = new
            .household_id
            .clone()
            .or_else(|| subject.text("household_id").map(str::to_string));
        let id = new_id();
        let today = today_text(self.today());
        self.write(|w| write_new_case(w, &id, &new, household_id, today))?;
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
        let subject: Answers = answers
            .iter()
            .filter_map(|(k, v)| {
                k.strip_prefix("subject.")
                    .map(|n| (n.to_string(), v.clone()))
            })
            .collect();
        if text_answer(&subject, "full_name").is_none() {
            return Err(Error::Validation(vec![field_issue(
                "subject.full_name",
                "required",
                Localized::new("Hãy nhập họ và tên.", "Enter the full name."),
            )]));
        }
        issues_to_error(check_person(&subject, "subject.", today))?;
        let definition = registry()
            .latest(form_ids::INFORMATION)
            .ok_or_else(|| not_found(form_ids::INFORMATION))?;
        let issues = validate(definition, &answers, today);
        let likely_duplicates = self.likely_duplicates(&subject, None)?;
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
            manager_id: None,
            categories,
        };
        self.write(|w| {
            write_new_case(w, &case_id, &new, None, today_text(today))?;
            write_form_header(
                w,
                &form_record_id,
                RecordKind::Form,
                &case_id,
                form_ids::INFORMATION,
                definition.version,
            )?;
            let case = Record {
                id: case_id.clone(),
                kind: RecordKind::Case,
                deleted: false,
                fields: [
                    ("subject_id".to_string(), json!(subject_id)),
                    ("commune_code".to_string(), json!(new.commune_code)),
                    ("province_code".to_string(), json!(new.province_code)),
                ]
                .into_iter()
                .collect(),
            };
            let form = Record {
                id: form_record_id.clone(),
                kind: RecordKind::Form,
                deleted: false,
                fields: Default::default(),
            };
            write_answers(w, &form, &case, answers)
        })?;
        Ok(NewIntake {
            case_id,
            subject_id,
            form_record_id,
            issues,
            likely_duplicates,
        })
    }

    fn live_case(&self, case_id: &str) -> Result<Record> {
        self.record(case_id)?
            .filter(|r| r.kind == RecordKind::Case && !r.deleted)
            .ok_or_else(|| not_found(case_id))
    }

    /// Starts a new form of the case under the latest definition; returns the draft's record id.
    pub fn start_form(&self, case_id: &str, form_id: &str) -> Result<String> {
        let case = self.live_case(case_id)?;
        if case.text("status") == Some(CaseStatus::Closed.as_str())
            && !matches!(form_id, form_ids::HANDOVER | form_ids::PROGRESS)
        {
            return Err(Error::not_allowed(
                "Hồ sơ đã kết thúc: chỉ còn ghi biên bản bàn giao và theo dõi sau kết thúc.",
                "The case is closed: only the hand-over record and follow-up notes can be added.",
            ));
        }
        let definition = registry()
            .latest(form_id)
            .ok_or_else(|| Error::invalid("Không có biểu mẫu này.", "There is no such form."))?;
        let kind = kind_of_form(form_id);
        let id = new_id();
        self.write(|w| write_form_header(w, &id, kind, case_id, form_id, definition.version))?;
        Ok(id)
    }

    /// Opens a form for editing. An answer kept under an older definition opens under the newest one,
    /// with renamed fields carried over and dropped fields kept as orphaned: nothing typed is lost.
    pub fn open_form(&self, record_id: &str) -> Result<Draft> {
        let record = self
            .record(record_id)?
            .ok_or_else(|| not_found(record_id))?;
        let form_id = record
            .text("form_id")
            .ok_or_else(|| not_found(record_id))?
            .to_string();
        let case_id = record.text("case_id").unwrap_or_default().to_string();
        let latest = registry()
            .latest(&form_id)
            .ok_or_else(|| not_found(&form_id))?;
        let version = record
            .fields
            .get("form_version")
            .and_then(Value::as_u64)
            .unwrap_or(u64::from(latest.version));
        let stored = self.stored_answers(&record, latest)?;
        let (answers, orphaned) = match u32::try_from(version)
            .ok()
            .and_then(|v| registry().get(&form_id, v))
        {
            Some(old) if old.version != latest.version => {
                let upgraded = upgrade_answers(old, latest, stored);
                (upgraded.answers, upgraded.orphaned)
            }
            _ => {
                let orphaned = stored
                    .keys()
                    .filter(|k| !defines(latest, k))
                    .cloned()
                    .collect();
                (stored, orphaned)
            }
        };
        let issues = validate(latest, &answers, self.today());
        Ok(Draft {
            record_id: record_id.to_string(),
            case_id,
            definition: latest.clone(),
            status: record
                .text("status")
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
        if let Some(case) = form
            .text("case_id")
            .map(|id| self.record(id))
            .transpose()?
            .flatten()
        {
            for (prefix, link) in BINDINGS {
                if let Some(bound) = case
                    .text(link)
                    .map(|id| self.record(id))
                    .transpose()?
                    .flatten()
                {
                    for (name, value) in &bound.fields {
                        let answer = format!("{prefix}{name}");
                        if defines(definition, &answer) {
                            answers.insert(answer, value.clone());
                        }
                    }
                }
            }
        }
        Ok(answers)
    }

    /// Saves a form's answers in one call (the phone autosaves field by field; only changed fields make
    /// ops). Saving never refuses a draft: it returns the issues still to fix. Returns the issues.
    pub fn save_form(&self, record_id: &str, answers: Answers) -> Result<Vec<Issue>> {
        let record = self
            .record(record_id)?
            .ok_or_else(|| not_found(record_id))?;
        let form_id = record
            .text("form_id")
            .ok_or_else(|| not_found(record_id))?
            .to_string();
        if matches!(
            record.text("status"),
            Some(form_status::APPROVED | form_status::SUPERSEDED)
        ) {
            return Err(Error::not_allowed(
                "Biểu mẫu đã được phê duyệt nên không sửa được; hãy lập bản điều chỉnh.",
                "This form was approved and cannot be edited; make an adjustment instead.",
            ));
        }
        let definition = registry()
            .latest(&form_id)
            .ok_or_else(|| not_found(&form_id))?;
        let case = self.live_case(record.text("case_id").unwrap_or_default())?;
        let today = self.today();
        let mut issues = validate(definition, &answers, today);
        for (prefix, _) in BINDINGS {
            let bound: Answers = answers
                .iter()
                .filter_map(|(k, v)| k.strip_prefix(prefix).map(|n| (n.to_string(), v.clone())))
                .collect();
            let person_issues = check_person(&bound, prefix, today);
            let new: Vec<Issue> = person_issues
                .into_iter()
                .filter(|i| !issues.iter().any(|j| j.field == i.field))
                .collect();
            issues.extend(new);
        }
        self.write(|w| {
            w.set(
                record_id,
                record.kind,
                "form_version",
                json!(definition.version),
            )?;
            write_answers(w, &record, &case, answers)?;
            Ok(())
        })?;
        Ok(issues)
    }

    /// Marks a form complete after checking it. Plans and closure records are submitted through
    /// [`Store::act`] instead, because submitting them moves the case.
    pub fn submit_form(&self, record_id: &str) -> Result<()> {
        let draft = self.open_form(record_id)?;
        if matches!(
            draft.definition.id.as_str(),
            form_ids::PLAN | form_ids::CLOSURE
        ) {
            return Err(Error::invalid(
                "Kế hoạch và biên bản kết thúc được trình để phê duyệt, không hoàn thành trực tiếp.",
                "Plans and closure records are submitted for approval, not completed directly.",
            ));
        }
        issues_to_error(draft.issues)?;
        let kind = kind_of_form(&draft.definition.id);
        let today = today_text(self.today());
        self.write(|w| {
            let author = w.author()?.to_string();
            w.set(record_id, kind, "status", json!(form_status::SUBMITTED))?;
            w.set(record_id, kind, "submitted_at", today)?;
            w.set(record_id, kind, "submitted_by", json!(author))?;
            Ok(())
        })
    }

    /// Records a household visit (Mẫu 05) in one call: checked, saved and complete.
    pub fn record_visit(&self, case_id: &str, answers: Answers) -> Result<String> {
        let case = self.live_case(case_id)?;
        let definition = registry()
            .latest(form_ids::PROGRESS)
            .ok_or_else(|| not_found(form_ids::PROGRESS))?;
        issues_to_error(validate(definition, &answers, self.today()))?;
        let id = new_id();
        let today = today_text(self.today());
        self.write(|w| {
            let author = w.author()?.to_string();
            let kind = RecordKind::Visit;
            w.set(&id, kind, "case_id", json!(case_id))?;
            w.set(&id, kind, "form_id", json!(form_ids::PROGRESS))?;
            w.set(&id, kind, "form_version", json!(definition.version))?;
            let draft = Record {
                id: id.clone(),
                kind,
                deleted: false,
                fields: Default::default(),
            };
            write_answers(w, &draft, &case, answers)?;
            w.set(&id, kind, "status", json!(form_status::SUBMITTED))?;
            w.set(&id, kind, "submitted_at", today)?;
            w.set(&id, kind, "submitted_by", json!(author))?;
            Ok(())
        })?;
        Ok(id)
    }

    /// Adds a referral (chuyển tuyến) to a service provider, status `proposed`.
    pub fn add_referral(&self, case_id: &str, answers: Answers) -> Result<String> {
        self.add_complete_form(
            case_id,
            form_ids::REFERRAL,
            RecordKind::Referral,
            answers,
            Some(("a.status", json!("proposed"))),
        )
    }

    /// Records consent (lawful basis, consent to share per TT 02 Điều 9.2).
    pub fn record_consent(&self, case_id: &str, answers: Answers) -> Result<String> {
        self.add_complete_form(
            case_id,
            form_ids::CONSENT,
            RecordKind::Consent,
            answers,
            None,
        )
    }

    fn add_complete_form(
        &self,
        case_id: &str,
        form_id: &str,
        kind: RecordKind,
        answers: Answers,
        extra: Option<(&str, Value)>,
    ) -> Result<String> {
        let case = self.live_case(case_id)?;
        let definition = registry()
            .latest(form_id)
            .ok_or_else(|| not_found(form_id))?;
        issues_to_error(validate(definition, &answers, self.today()))?;
        let id = new_id();
        let today = today_text(self.today());
        self.write(|w| {
            w.set(&id, kind, "case_id", json!(case_id))?;
            w.set(&id, kind, "form_id", json!(form_id))?;
            w.set(&id, kind, "form_version", json!(definition.version))?;
            let draft = Record {
                id: id.clone(),
                kind,
                deleted: false,
                fields: Default::default(),
            };
            write_answers(w, &draft, &case, answers)?;
            if let Some((field, value)) = extra.clone() {
                w.set(&id, kind, field, value)?;
            }
            w.set(&id, kind, "status", json!(form_status::SUBMITTED))?;
            w.set(&id, kind, "submitted_at", today)?;
            Ok(())
        })?;
        Ok(id)
    }

    /// Moves a referral along proposed → sent → accepted → completed, or to declined.
    pub fn update_referral(&self, referral_id: &str, status: &str) -> Result<()> {
        let record = self
            .record(referral_id)?
            .filter(|r| r.kind == RecordKind::Referral)
            .ok_or_else(|| not_found(referral_id))?;
        referral::check_transition(record.text("a.status").unwrap_or("proposed"), status)
            .map_err(Error::NotAllowed)?;
        self.write(|w| {
            w.set(referral_id, RecordKind::Referral, "a.status", json!(status))
                .map(|_| ())
        })
    }

    /// A lifecycle action of the five steps; refused with the law's reason when not allowed now.
    pub fn act(&self, case_id: &str, action: Action) -> Result<()> {
        let case = self.live_case(case_id)?;
        let children = self.records_of_case(case_id)?;
        let subject = case
            .text("subject_id")
            .map(|id| self.record(id))
            .transpose()?
            .flatten();
        let config = self.config()?;
        let role = self.role()?;
        let today = self.today();
        // Submitting a plan or a closure record needs a complete form.
        if let Action::SubmitPlan { plan_id } | Action::SubmitAdjustment { plan_id } = &action {
            issues_to_error(self.open_form(plan_id)?.issues)?;
        }
        if let Action::ProposeClosure { closure_form_id } = &action {
            issues_to_error(self.open_form(closure_form_id)?.issues)?;
        }
        self.write(|w| {
            let user_id = w.author()?.to_string();
            let ctx = CaseContext {
                case: &case,
                children: &children,
                subject: subject.as_ref(),
                role,
                user_id: &user_id,
                today,
                config: &config,
            };
            let changes = decide(&action, &ctx).map_err(Error::NotAllowed)?;
            for Change {
                record_id,
                kind,
                fields,
            } in changes
            {
                w.set_all(&record_id, kind, fields)?;
            }
            Ok(())
        })
    }

    /// Starts a plan adjustment: a new draft plan pre-filled from the plan in force.
    pub fn start_adjustment(&self, case_id: &str) -> Result<String> {
        let case = self.live_case(case_id)?;
        let current = case.text("current_plan_id").ok_or_else(|| {
            Error::not_allowed(
                "Chưa có kế hoạch được phê duyệt để điều chỉnh.",
                "There is no approved plan to adjust.",
            )
        })?;
        let answers = self.open_form(current)?.answers;
        let id = self.start_form(case_id, form_ids::PLAN)?;
        self.save_form(&id, answers)?;
        Ok(id)
    }

    /// Everything about a case, for its screen: the records and the timeline.
    pub fn case_file(&self, case_id: &str) -> Result<CaseFile> {
        let case = self.live_case(case_id)?;
        let children = self.records_of_case(case_id)?;
        let subject = case
            .text("subject_id")
            .map(|id| self.record(id))
            .transpose()?
            .flatten();
        let household = case
            .text("household_id")
            .map(|id| self.record(id))
            .transpose()?
            .flatten();
        let status = case
            .text("status")
            .and_then(CaseStatus::parse)
            .unwrap_or(CaseStatus::Intake);
        let timeline = timeline(&case, &children);
        let mut file = CaseFile {
            step: status.step(),
            status,
            subject,
            household,
            forms: Vec::new(),
            visits: Vec::new(),
            referrals: Vec::new(),
            consents: Vec::new(),
            photos: Vec::new(),
            timeline,
            case,
        };
        for record in children {
            match record.kind {
                RecordKind::Visit => file.visits.push(record),
                RecordKind::Referral => file.referrals.push(record),
                RecordKind::Consent => file.consents.push(record),
                RecordKind::Photo => file.photos.push(record),
                _ => file.forms.push(record),
            }
        }
        Ok(file)
    }

    /// Today's tasks over every case on this device.
    pub fn follow_ups(&self, today: NaiveDate) -> Result<Vec<Task>> {
        let config = self.config()?;
        Ok(tasks(&self.case_snapshots()?, today, &config))
    }

    /// Whether the case's information may be shared now (TT 02 Điều 9.2; children 7+).
    pub fn sharing_decision(&self, case_id: &str) -> Result<ShareDecision> {
        let file = self.case_file(case_id)?;
        let birth = file
            .subject
            .as_ref()
            .and_then(|s| date_of(s.fields.get("birth_date")));
        Ok(may_share(&file.consents, birth, self.today()))
    }
}

fn defines(definition: &FormDefinition, name: &str) -> bool {
    definition
        .sections
        .iter()
        .any(|s| s.fields.iter().any(|f| f.name == name))
}

fn kind_of_form(form_id: &str) -> RecordKind {
    match form_id {
        form_ids::PROGRESS => RecordKind::Visit,
        form_ids::REFERRAL => RecordKind::Referral,
        form_ids::CONSENT => RecordKind::Consent,
        _ => RecordKind::Form,
    }
}

/// Writes answers: bound fields to the subject, household or guardian record (creating the household
/// or guardian on first use, so nothing typed is dropped), the rest to the form record under `a.`.
fn write_answers(
    w: &mut WriteTx<'_>,
    form: &Record,
    case: &Record,
    answers: Answers,
) -> Result<()> {
    let mut links: std::collections::BTreeMap<&str, String> = BINDINGS
        .iter()
        .filter_map(|(_, link)| case.text(link).map(|id| (*link, id.to_string())))
        .collect();
    for (name, value) in answers {
        let binding = BINDINGS
            .iter()
            .find_map(|(prefix, link)| name.strip_prefix(prefix).map(|field| (*link, field)));
        let Some((link, field)) = binding else {
            w.set(
                &form.id,
                form.kind,
                &format!("{ANSWER_PREFIX}{name}"),
                value,
            )?;
            continue;
        };
        let kind = if link == "household_id" {
            RecordKind::Household
        } else {
            RecordKind::Person
        };
        let target = match links.get(link) {
            Some(id) => id.clone(),
            None if value.is_null() => continue,
            None => {
                let id = new_id();
                w.set(&case.id, RecordKind::Case, link, json!(id))?;
                if kind == RecordKind::Household {
                    for area in ["commune_code", "province_code"] {
                        w.set(
                            &id,
                            kind,
                            area,
                            case.fields.get(area).cloned().unwrap_or(Value::Null),
                        )?;
                    }
                }
                links.insert(link, id.clone());
                id
            }
        };
        w.set(&target, kind, field, value)?;
    }
    Ok(())
}

fn write_new_case(
    w: &mut WriteTx<'_>,
    id: &str,
    new: &NewCase,
    household_id: Option<String>,
    today: Value,
) -> Result<()> {
    let manager = match new.manager_id.clone() {
        Some(m) => m,
        None => w.author()?.to_string(),
    };
    w.set_all(
        id,
        RecordKind::Case,
        [
            ("subject_id".to_string(), json!(new.subject_id)),
            (
                "household_id".to_string(),
                household_id.map_or(Value::Null, Value::String),
            ),
            ("commune_code".to_string(), json!(new.commune_code)),
            ("province_code".to_string(), json!(new.province_code)),
            (
                "facility_id".to_string(),
                new.facility_id.clone().map_or(Value::Null, Value::String),
            ),
            ("manager_id".to_string(), json!(manager)),
            ("categories".to_string(), json!(new.categories)),
            ("status".to_string(), json!(CaseStatus::Intake.as_str())),
            ("opened_on".to_string(), today),
        ],
    )?;
    Ok(())
}

fn write_form_header(
    w: &mut WriteTx<'_>,
    id: &str,
    kind: RecordKind,
    case_id: &str,
    form_id: &str,
    version: u32,
) -> Result<()> {
    w.set(id, kind, "case_id", json!(case_id))?;
    w.set(id, kind, "form_id", json!(form_id))?;
    w.set(id, kind, "form_version", json!(version))?;
    w.set(id, kind, "status", json!(form_status::DRAFT))?;
    Ok(())
}
