//! A case's screen: the subject, the file across the five steps of TT 02/2020 Điều 3, the actions of
//! the current step (with the law's reason when the user may not take one), the forms the user may
//! start, follow-ups, visits, referrals, the timeline and photos. Taking an action answers the new
//! screen (and the form it opened, if any).

use super::agenda::{AgendaItem, item};
use super::caseload::choice_label;
use super::form::{FormScreen, form_screen};
use super::input::{AnswerInput, answer};
use super::{CaseStage, Day, case_status, day_of, user_id};
use crate::actions::{CaseArea, CaseFacts, registry};
use crate::app::App;
use crate::error::{Error, Result};
use crate::store::meta_keys::AREA;
use hoso_model::area::{Area, AreaKind};
use hoso_model::domain::consent::may_share;
use hoso_model::domain::editing::check_form_editable;
use hoso_model::domain::followup::tasks;
use hoso_model::domain::options::{
    ActionInput, ActionKind, CASE_FORMS, STEPS, check_may_start_form, step_of_form, step_title,
};
use hoso_model::domain::snapshot::snapshot;
use hoso_model::domain::timeline::timeline;
use hoso_model::domain::{age_on, date_of, form_ids, local_date, referral};
use hoso_model::forms::Answers;
use hoso_model::i18n::Localized;
use hoso_model::op::RecordKind;
use hoso_model::record::Record;
use hoso_model::schema::{fields, form_status, photo_fields};

#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum StepState {
    Done,
    Current,
    Upcoming,
}

/// The lifecycle actions (TT 02/2020 Điều 3–8), as the case screen offers them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum CaseAction {
    StartPlanning,
    SubmitPlan,
    ApprovePlan,
    ReturnPlan,
    StartAdjustment,
    SubmitAdjustment,
    ApproveAdjustment,
    ReturnAdjustment,
    ProposeClosure,
    ApproveClosure,
    ReturnClosure,
    Reopen,
}

impl CaseAction {
    fn kind(self) -> ActionKind {
        match self {
            CaseAction::StartPlanning => ActionKind::StartPlanning,
            CaseAction::SubmitPlan => ActionKind::SubmitPlan,
            CaseAction::ApprovePlan => ActionKind::ApprovePlan,
            CaseAction::ReturnPlan => ActionKind::ReturnPlan,
            CaseAction::StartAdjustment => ActionKind::StartAdjustment,
            CaseAction::SubmitAdjustment => ActionKind::SubmitAdjustment,
            CaseAction::ApproveAdjustment => ActionKind::ApproveAdjustment,
            CaseAction::ReturnAdjustment => ActionKind::ReturnAdjustment,
            CaseAction::ProposeClosure => ActionKind::ProposeClosure,
            CaseAction::ApproveClosure => ActionKind::ApproveClosure,
            CaseAction::ReturnClosure => ActionKind::ReturnClosure,
            CaseAction::Reopen => ActionKind::Reopen,
        }
    }

    pub(crate) fn of(kind: ActionKind) -> CaseAction {
        match kind {
            ActionKind::StartPlanning => CaseAction::StartPlanning,
            ActionKind::SubmitPlan => CaseAction::SubmitPlan,
            ActionKind::ApprovePlan => CaseAction::ApprovePlan,
            ActionKind::ReturnPlan => CaseAction::ReturnPlan,
            ActionKind::StartAdjustment => CaseAction::StartAdjustment,
            ActionKind::SubmitAdjustment => CaseAction::SubmitAdjustment,
            ActionKind::ApproveAdjustment => CaseAction::ApproveAdjustment,
            ActionKind::ReturnAdjustment => CaseAction::ReturnAdjustment,
            ActionKind::ProposeClosure => CaseAction::ProposeClosure,
            ActionKind::ApproveClosure => CaseAction::ApproveClosure,
            ActionKind::ReturnClosure => CaseAction::ReturnClosure,
            ActionKind::Reopen => CaseAction::Reopen,
        }
    }
}

/// What the user types when taking an action (empty when the action needs nothing).
#[derive(Clone, Debug, Default, PartialEq, Eq, uniffi::Record)]
pub struct CaseActionInput {
    /// Why a plan or a closure proposal is returned, or a closed case reopened (`needs_reason`).
    #[uniffi(default)]
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ActionView {
    pub action: CaseAction,
    pub label: Localized,
    pub allowed: bool,
    /// Why not, when `allowed` is false: the law's reason, or what is left to fill.
    pub refusal: Option<Localized>,
    pub needs_reason: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct FormRow {
    pub record_id: String,
    pub form_id: String,
    pub title: Localized,
    /// `draft`, `submitted`, `approved`, `returned`, `superseded`; for referrals their own status.
    pub status: String,
    pub status_label: Localized,
    /// The day it was approved, submitted, or (referrals) made.
    pub date: Option<Day>,
    pub editable: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct StepView {
    pub step: u8,
    pub title: Localized,
    pub state: StepState,
    /// The step's forms, oldest first; visit notes (step 4) come in the screen's `visits`.
    pub forms: Vec<FormRow>,
}

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct NewFormOption {
    pub form_id: String,
    pub title: Localized,
    pub step: Option<u8>,
    pub allowed: bool,
    pub refusal: Option<Localized>,
}

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct VisitRow {
    pub record_id: String,
    pub date: Option<Day>,
    /// The start of the observations.
    pub summary: String,
    pub next_visit: Option<Day>,
    /// Still being written (not completed).
    pub draft: bool,
}

/// A status a referral may move to next.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ReferralStep {
    pub status: String,
    pub label: Localized,
}

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ReferralRow {
    pub record_id: String,
    pub provider: String,
    pub status: String,
    pub status_label: Localized,
    pub date: Option<Day>,
    pub next: Vec<ReferralStep>,
}

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct TimelineRow {
    pub date: Day,
    pub record_id: String,
    pub title: Localized,
}

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct PhotoRow {
    pub record_id: String,
    pub taken_on: Option<Day>,
}

/// A photo of the case, on the day in Vietnam it was taken (the record keeps the instant).
fn photo_row(photo: &Record) -> PhotoRow {
    PhotoRow {
        record_id: photo.id.clone(),
        taken_on: photo
            .fields
            .get(photo_fields::TAKEN_AT)
            .and_then(serde_json::Value::as_u64)
            .map(|millis| local_date(millis).into()),
    }
}

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct PersonSummary {
    pub person_id: String,
    pub full_name: String,
    pub birth: Option<Day>,
    pub age: Option<u32>,
    pub sex: Option<Localized>,
    pub citizen_id: String,
    pub phone: String,
    pub address: String,
}

/// Whether the case's information may be shared now (TT 02/2020 Điều 9.2), and what is missing.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct SharingView {
    pub allowed: bool,
    pub missing: Vec<Localized>,
}

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct CaseScreen {
    pub case_id: String,
    pub subject: Option<PersonSummary>,
    pub household_id: Option<String>,
    pub household_head: Option<String>,
    pub stage: CaseStage,
    pub opened_on: Option<Day>,
    pub mine: bool,
    pub steps: Vec<StepView>,
    /// Forms of the whole case (consent to share information).
    pub shared_forms: Vec<FormRow>,
    /// The current step's lifecycle actions.
    pub actions: Vec<ActionView>,
    pub new_forms: Vec<NewFormOption>,
    pub follow_ups: Vec<AgendaItem>,
    /// Newest first.
    pub visits: Vec<VisitRow>,
    pub referrals: Vec<ReferralRow>,
    pub timeline: Vec<TimelineRow>,
    pub photos: Vec<PhotoRow>,
    pub sharing: SharingView,
    /// Fields of this case's records where concurrent edits wait for review.
    pub conflicts: u32,
    /// This case's records (its own, its forms, subject, guardian and household) with changes the
    /// server has not acknowledged yet.
    pub unsynced_records: u32,
}

/// The screen after an action: the case, and the form the action opened (a plan adjustment).
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct CaseActionOutcome {
    pub case: CaseScreen,
    pub opened_form: Option<FormScreen>,
}

fn text(record: &Record, field: &str) -> String {
    record.text(field).unwrap_or_default().to_string()
}

fn form_title(form_id: &str) -> Localized {
    registry()
        .latest(form_id)
        .map(|d| d.title.clone())
        .unwrap_or_else(|| Localized::new(form_id, form_id))
}

pub(crate) fn status_label(status: &str) -> Localized {
    let (vi, en) = match status {
        form_status::DRAFT => ("đang soạn", "draft"),
        form_status::SUBMITTED => ("đã hoàn thành", "completed"),
        form_status::APPROVED => ("đã phê duyệt", "approved"),
        form_status::RETURNED => ("bị trả lại", "returned"),
        form_status::SUPERSEDED => ("đã được thay thế", "superseded"),
        _ => ("không rõ", "unknown"),
    };
    Localized::new(vi, en)
}

fn form_row(record: &Record, may_record: bool) -> FormRow {
    let status = record
        .text(fields::STATUS)
        .unwrap_or(form_status::DRAFT)
        .to_string();
    let date = [fields::APPROVED_AT, fields::SUBMITTED_AT]
        .into_iter()
        .find_map(|f| day_of(record, f));
    FormRow {
        record_id: record.id.clone(),
        form_id: text(record, fields::FORM_ID),
        title: form_title(record.text(fields::FORM_ID).unwrap_or_default()),
        status_label: status_label(&status),
        editable: may_record && check_form_editable(Some(&status)).is_ok(),
        status,
        date,
    }
}

fn person_summary(person: &Record, today: chrono::NaiveDate) -> PersonSummary {
    let birth = date_of(person.fields.get(fields::BIRTH_DATE));
    PersonSummary {
        person_id: person.id.clone(),
        full_name: text(person, fields::FULL_NAME),
        birth: birth.map(Day::from),
        age: birth.and_then(|b| u32::try_from(age_on(b, today)).ok()),
        sex: choice_label("subject.sex", person.text(fields::SEX)),
        citizen_id: text(person, fields::CITIZEN_ID),
        phone: text(person, fields::PHONE),
        address: text(person, "address"),
    }
}

fn referral_row(record: &Record) -> ReferralRow {
    let status = record
        .text("a.status")
        .unwrap_or(referral::PROPOSED)
        .to_string();
    ReferralRow {
        record_id: record.id.clone(),
        provider: text(record, "a.provider_name"),
        status_label: referral::label(&status),
        date: day_of(record, "a.referral_date"),
        next: referral::STATUSES
            .iter()
            .filter(|to| referral::check_transition(&status, to).is_ok())
            .map(|to| ReferralStep {
                status: to.to_string(),
                label: referral::label(to),
            })
            .collect(),
        status,
    }
}

fn visit_row(record: &Record) -> VisitRow {
    VisitRow {
        record_id: record.id.clone(),
        date: day_of(record, "a.visit_date"),
        summary: text(record, "a.observations").chars().take(120).collect(),
        next_visit: day_of(record, "a.next_visit_date"),
        draft: record.text(fields::STATUS) != Some(form_status::SUBMITTED),
    }
}

/// The steps of Điều 3 with their forms, each done, current or to come.
fn steps(facts: &CaseFacts, forms: &[&Record], may_record: bool) -> Vec<StepView> {
    let status = case_status(&facts.case);
    let current = status.step();
    let closed = status == hoso_model::domain::lifecycle::CaseStatus::Closed;
    STEPS
        .iter()
        .map(|&step| StepView {
            step,
            title: step_title(step),
            state: if step < current || closed {
                StepState::Done
            } else if step == current {
                StepState::Current
            } else {
                StepState::Upcoming
            },
            forms: forms
                .iter()
                .filter(|r| step_of_form(r.text(fields::FORM_ID).unwrap_or_default()) == Some(step))
                .filter(|r| r.kind == RecordKind::Form)
                .map(|r| form_row(r, may_record))
                .collect(),
        })
        .collect()
}

fn actions(app: &App, facts: &CaseFacts) -> Result<Vec<ActionView>> {
    Ok(app
        .cases
        .options(facts)?
        .into_iter()
        .map(|option| ActionView {
            action: CaseAction::of(option.kind),
            label: option.kind.label(),
            allowed: option.refusal.is_none(),
            refusal: option.refusal,
            needs_reason: option.kind.needs_reason(),
        })
        .collect())
}

fn new_forms(facts: &CaseFacts) -> Vec<NewFormOption> {
    let ctx = facts.context();
    CASE_FORMS
        .iter()
        .map(|&form_id| {
            let refusal = check_may_start_form(&ctx, form_id).err();
            NewFormOption {
                form_id: form_id.to_string(),
                title: form_title(form_id),
                step: step_of_form(form_id),
                allowed: refusal.is_none(),
                refusal,
            }
        })
        .collect()
}

pub fn case_screen(app: &App, case_id: &str) -> Result<CaseScreen> {
    let facts = app.cases.case_facts(case_id)?;
    let case = &facts.case;
    let today = facts.today;
    let may_record = facts.role.may_record();
    let household = match case.text(fields::HOUSEHOLD_ID) {
        Some(id) => app.store.record(id)?,
        None => None,
    };
    let of_kind = |kind: RecordKind| facts.children.iter().filter(move |r| r.kind == kind);
    let forms: Vec<&Record> = of_kind(RecordKind::Form).collect();
    let mut visits: Vec<VisitRow> = of_kind(RecordKind::Visit).map(visit_row).collect();
    visits.sort_by(|a, b| {
        b.date
            .as_ref()
            .map(|d| &d.iso)
            .cmp(&a.date.as_ref().map(|d| &d.iso))
    });
    let consents: Vec<Record> = of_kind(RecordKind::Consent).cloned().collect();
    let birth = facts
        .subject
        .as_ref()
        .and_then(|s| date_of(s.fields.get(fields::BIRTH_DATE)));
    let sharing = may_share(&consents, birth, today);
    let summary = snapshot(case, facts.subject.as_ref(), &facts.children);
    let user = user_id(app);
    let follow_ups = tasks(std::slice::from_ref(&summary), today, &facts.config)
        .into_iter()
        .filter(|t| t.case_id.is_some())
        .map(|t| item(t, Some(&summary), &user))
        .collect();
    let mut touched: Vec<String> = facts.children.iter().map(|r| r.id.clone()).collect();
    touched.push(case.id.clone());
    touched.extend(facts.subject.as_ref().map(|s| s.id.clone()));
    touched.extend(household.as_ref().map(|h| h.id.clone()));
    touched.extend(case.text(fields::GUARDIAN_ID).map(str::to_string));
    Ok(CaseScreen {
        case_id: case.id.clone(),
        subject: facts.subject.as_ref().map(|s| person_summary(s, today)),
        household_id: household.as_ref().map(|h| h.id.clone()),
        household_head: household.as_ref().map(|h| text(h, "head_name")),
        stage: case_status(case).into(),
        opened_on: day_of(case, fields::OPENED_ON),
        mine: summary.manager_id.as_deref() == Some(user.as_str()),
        steps: steps(&facts, &forms, may_record),
        shared_forms: of_kind(RecordKind::Consent)
            .map(|r| form_row(r, may_record))
            .collect(),
        actions: actions(app, &facts)?,
        new_forms: new_forms(&facts),
        follow_ups,
        visits,
        referrals: of_kind(RecordKind::Referral).map(referral_row).collect(),
        timeline: timeline(case, &facts.children)
            .into_iter()
            .map(|e| TimelineRow {
                date: e.date.into(),
                record_id: e.record_id,
                title: e.title,
            })
            .collect(),
        photos: of_kind(RecordKind::Photo).map(photo_row).collect(),
        sharing: SharingView {
            allowed: sharing.allowed,
            missing: sharing.missing,
        },
        conflicts: app.store.conflict_count(&touched)?,
        unsynced_records: app.store.unsynced_records(&touched)?,
    })
}

/// A subject taken in: the new case's information form (Mẫu 01) opened on the subject, and the people
/// already on the device who are probably the same person (the user decides whether to go on).
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct NewCaseScreen {
    pub form: FormScreen,
    pub likely_duplicates: Vec<PersonSummary>,
}

/// Takes in a new subject: registers them, opens a case in the user's commune (or the one given) and
/// starts Mẫu 01 with the name, birth date and sex already answered, as typed ("03/02/1950", "nữ").
pub fn case_new(
    app: &App,
    full_name: &str,
    birth_date: &str,
    sex: &str,
    commune_code: Option<&str>,
) -> Result<NewCaseScreen> {
    let commune_code = match commune_code {
        Some(code) => code.to_string(),
        None => own_commune(app)?,
    };
    let units = app.store.admin_units()?;
    let province_code = units
        .commune(&commune_code)
        .map(|c| c.province_code.clone())
        .ok_or_else(|| Error::invalid("Không có xã này.", "There is no such commune."))?;
    let definition = registry()
        .latest(form_ids::INFORMATION)
        .ok_or_else(|| Error::invalid("Không có biểu mẫu này.", "There is no such form."))?;
    let mut answers = Answers::new();
    for (field, typed) in [
        ("subject.full_name", full_name),
        ("subject.birth_date", birth_date),
        ("subject.sex", sex),
    ] {
        let kind = &definition
            .field(field)
            .ok_or_else(|| Error::NotFound { id: field.into() })?
            .kind;
        let text = AnswerInput::Text {
            text: typed.to_string(),
        };
        answers.insert(
            field.to_string(),
            answer(kind, text).map_err(Error::Invalid)?,
        );
    }
    let area = CaseArea {
        commune_code,
        province_code,
        facility_id: None,
    };
    let intake = app.cases.create_case_with_information(area, answers)?;
    let today = app.store.today();
    let mut likely_duplicates = Vec::new();
    for id in intake.likely_duplicates {
        likely_duplicates.extend(app.store.record(&id)?.map(|p| person_summary(&p, today)));
    }
    Ok(NewCaseScreen {
        form: form_screen(app, &intake.form_record_id)?,
        likely_duplicates,
    })
}

/// The commune the enrolled user works in.
fn own_commune(app: &App) -> Result<String> {
    let area: Option<Area> = match app.store.meta(AREA)? {
        Some(text) => Some(serde_json::from_str(&text)?),
        None => None,
    };
    match area {
        Some(area) if area.kind == AreaKind::Commune => Ok(area.code),
        _ => Err(Error::invalid(
            "Hãy chọn xã quản lý hồ sơ.",
            "Choose the commune that manages the case.",
        )),
    }
}

/// Takes an action of the case's step with what the user typed.
pub fn case_act(
    app: &App,
    case_id: &str,
    action: CaseAction,
    input: CaseActionInput,
) -> Result<CaseActionOutcome> {
    let input = ActionInput {
        reason: input.reason,
    };
    let opened = app.cases.take(case_id, action.kind(), &input)?;
    Ok(CaseActionOutcome {
        case: case_screen(app, case_id)?,
        opened_form: opened.map(|id| form_screen(app, &id)).transpose()?,
    })
}

/// Moves a referral to its next status.
pub fn referral_set_status(app: &App, referral_id: &str, status: &str) -> Result<CaseScreen> {
    app.cases.update_referral(referral_id, status)?;
    let case_id = app
        .store
        .record(referral_id)?
        .and_then(|r| r.text(fields::CASE_ID).map(str::to_string))
        .unwrap_or_default();
    case_screen(app, &case_id)
}
