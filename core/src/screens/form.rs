//! A form's screen, field by field: which fields apply now (the definition's conditions), which are
//! required, each answer and what is wrong with it, and how the form is finished. Every autosave
//! (`form_answer`, adding or removing a list item) saves one answer and answers the whole new state,
//! so a shell never evaluates a condition or a check.
//!
//! Fields come flat, in order: a list (repeat group) is one field whose items' fields follow it, each
//! with the list's name and the item's index, and a `path` (`activities.1.end_date`) that is also the
//! field named by its issues.

use super::case::{CaseAction, status_label};
use super::input::{AnswerInput, answer, text_of};
use crate::actions::{CaseFacts, Draft};
use crate::app::App;
use crate::error::{Error, Result};
use hoso_model::domain::editing::{check_form_editable, check_may_record};
use hoso_model::domain::form_ids;
use hoso_model::domain::lifecycle::decide;
use hoso_model::domain::options::ActionKind;
use hoso_model::domain::snapshot::snapshot;
use hoso_model::forms::{
    Answers, ChoiceSource, FieldDef, FieldKind, FormDefinition, Issue, evaluate,
};
use hoso_model::i18n::Localized;
use hoso_model::role::Role;
use hoso_model::schema::{ANSWER_PREFIX, fields, form_status, is_approval, kind_of_form};
use serde_json::{Map, Value};

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ChoiceView {
    pub code: String,
    pub label: Localized,
    /// Choosing it reveals sensitive personal data (an HIV subject category).
    pub sensitive: bool,
}

/// The kind of input a field takes, with its limits.
#[derive(Clone, Debug, PartialEq, uniffi::Enum)]
pub enum FieldInput {
    Text {
        multiline: bool,
        max_len: Option<u32>,
    },
    Integer {
        min: Option<i64>,
        max: Option<i64>,
    },
    Decimal {
        min: Option<f64>,
        max: Option<f64>,
    },
    /// Whole đồng.
    Money,
    Date {
        not_in_future: bool,
        birth: bool,
    },
    Choice {
        choices: Vec<ChoiceView>,
    },
    MultiChoice {
        choices: Vec<ChoiceView>,
    },
    Boolean,
    /// Số căn cước: 12 digits.
    CitizenId,
    Phone,
    /// A list of items (the plan's activities); its items' fields follow it.
    Repeat {
        min: u32,
        max: Option<u32>,
        items: u32,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct IssueView {
    /// The field's path.
    pub field: String,
    /// Stable code: `required`, `date_in_future`, `citizen_id_format`, …
    pub code: String,
    pub message: Localized,
}

#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct FieldView {
    /// What `form_answer` takes to change this field.
    pub path: String,
    /// The list this field is an item's field of, and the item's index (from 0).
    pub list: Option<String>,
    pub item: Option<u32>,
    pub label: Localized,
    pub hint: Option<Localized>,
    pub legal_ref: Option<String>,
    /// Sensitive personal data (NĐ 356/2025 Điều 4): the shells mark it and never show it in
    /// notifications or previews.
    pub sensitive: bool,
    pub input: FieldInput,
    /// Whether the field applies now; a hidden field keeps its answer and is never required.
    pub visible: bool,
    pub required: bool,
    pub editable: bool,
    pub answered: bool,
    /// The answer as a text box shows it (dates as dd/mm/yyyy); "" for choices, yes/no and lists.
    pub text: String,
    /// The codes chosen (choices).
    pub selected: Vec<String>,
    /// The yes/no answer.
    pub checked: Option<bool>,
    pub issues: Vec<IssueView>,
}

#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct SectionView {
    pub id: String,
    pub title: Localized,
    pub fields: Vec<FieldView>,
}

/// An answer to a field the current definition no longer has: kept, shown read-only.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct OrphanedAnswer {
    pub name: String,
    /// The answer as JSON.
    pub value_json: String,
}

/// How this form is finished.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum FormFinish {
    /// `form_complete` marks it complete.
    Complete,
    /// It is submitted through the case's action (a plan, a closure record): `case_act`.
    ThroughCase { action: CaseAction },
    /// Nothing left to do (already complete or approved).
    Done,
}

#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct FormScreen {
    pub record_id: String,
    pub case_id: String,
    pub form_id: String,
    pub version: u32,
    pub title: Localized,
    pub description: Localized,
    pub legal_ref: String,
    pub subject_name: String,
    pub status: String,
    pub status_label: Localized,
    pub editable: bool,
    /// Why the form cannot be changed, when it cannot.
    pub read_only_reason: Option<Localized>,
    pub sections: Vec<SectionView>,
    pub orphaned: Vec<OrphanedAnswer>,
    /// Every issue, in the order of the fields.
    pub issues: Vec<IssueView>,
    pub finish: FormFinish,
    pub finish_label: Localized,
    pub finish_allowed: bool,
    pub finish_refusal: Option<Localized>,
}

fn issue_view(issue: &Issue) -> IssueView {
    IssueView {
        field: issue.field.clone(),
        code: issue.code.clone(),
        message: issue.message.clone(),
    }
}

fn choice_views(kind: &FieldKind) -> Vec<ChoiceView> {
    kind.choices()
        .unwrap_or_default()
        .iter()
        .map(|c| ChoiceView {
            code: c.code.clone(),
            label: c.label.clone(),
            sensitive: c.sensitive,
        })
        .collect()
}

fn input_of(kind: &FieldKind, value: Option<&Value>, case_choices: &[ChoiceView]) -> FieldInput {
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    match kind {
        FieldKind::Text {
            multiline, max_len, ..
        } => FieldInput::Text {
            multiline: *multiline,
            max_len: max_len.map(count),
        },
        FieldKind::Integer { min, max } => FieldInput::Integer {
            min: *min,
            max: *max,
        },
        FieldKind::Decimal { min, max } => FieldInput::Decimal {
            min: *min,
            max: *max,
        },
        FieldKind::Money => FieldInput::Money,
        FieldKind::Date {
            not_in_future,
            birth,
            ..
        } => FieldInput::Date {
            not_in_future: *not_in_future,
            birth: *birth,
        },
        FieldKind::Choice { .. } => FieldInput::Choice {
            choices: choice_views(kind),
        },
        FieldKind::MultiChoice {
            choices_from: Some(ChoiceSource::PlanActivities),
            ..
        } => FieldInput::MultiChoice {
            choices: case_choices.to_vec(),
        },
        FieldKind::MultiChoice { .. } => FieldInput::MultiChoice {
            choices: choice_views(kind),
        },
        FieldKind::Boolean => FieldInput::Boolean,
        FieldKind::CitizenId => FieldInput::CitizenId,
        FieldKind::Phone => FieldInput::Phone,
        FieldKind::Repeat { min, max, .. } => FieldInput::Repeat {
            min: count(*min),
            max: max.map(count),
            items: count(value.and_then(Value::as_array).map_or(0, Vec::len)),
        },
    }
}

/// What the field views of one form share: the answers' issues, who edits, and the choices that
/// come from the case (the activities of the plan in force).
struct Shaping<'a> {
    issues: &'a [Issue],
    editable: bool,
    may_approve: bool,
    record_kind: hoso_model::op::RecordKind,
    case_choices: Vec<ChoiceView>,
}

impl Shaping<'_> {
    fn view(
        &self,
        field: &FieldDef,
        scope: &Map<String, Value>,
        path: String,
        place: Option<(&str, u32)>,
    ) -> FieldView {
        let value = scope.get(&field.name).filter(|v| !v.is_null());
        let visible = field.relevant.as_ref().is_none_or(|c| evaluate(c, scope));
        let approval = is_approval(
            self.record_kind,
            &format!("{ANSWER_PREFIX}{}", field.name),
            value.unwrap_or(&Value::Null),
        );
        FieldView {
            list: place.map(|(list, _)| list.to_string()),
            item: place.map(|(_, index)| index),
            label: field.label.clone(),
            hint: field.hint.clone(),
            legal_ref: field.legal_ref.clone(),
            sensitive: field.sensitive,
            input: input_of(&field.kind, value, &self.case_choices),
            visible,
            required: visible && field.required,
            editable: self.editable && (self.may_approve || !approval),
            answered: value.is_some_and(|v| !matches!(v, Value::String(s) if s.trim().is_empty())),
            text: text_of(&field.kind, value),
            selected: match value {
                Some(Value::String(code)) if field.kind.choices().is_some() => vec![code.clone()],
                Some(Value::Array(codes)) if field.kind.choices().is_some() => codes
                    .iter()
                    .filter_map(|c| c.as_str().map(str::to_string))
                    .collect(),
                _ => Vec::new(),
            },
            checked: value.and_then(Value::as_bool),
            issues: self
                .issues
                .iter()
                .filter(|i| i.field == path)
                .map(issue_view)
                .collect(),
            path,
        }
    }

    /// A field and, for a list, its items' fields after it.
    fn views(&self, field: &FieldDef, scope: &Map<String, Value>, out: &mut Vec<FieldView>) {
        out.push(self.view(field, scope, field.name.clone(), None));
        let FieldKind::Repeat { fields, .. } = &field.kind else {
            return;
        };
        let items = scope.get(&field.name).and_then(Value::as_array);
        for (index, item) in items.into_iter().flatten().enumerate() {
            let empty = Map::new();
            let item_scope = item.as_object().unwrap_or(&empty);
            let index = u32::try_from(index).unwrap_or(u32::MAX);
            for sub in fields {
                let path = format!("{}.{index}.{}", field.name, sub.name);
                out.push(self.view(sub, item_scope, path, Some((&field.name, index))));
            }
        }
    }
}

/// The activities of the plan in force, as choices answered by their titles (a progress note marks
/// the ones done), read by the domain's case summary.
fn plan_activities(facts: &CaseFacts) -> Vec<ChoiceView> {
    snapshot(&facts.case, facts.subject.as_ref(), &facts.children)
        .activities
        .into_iter()
        .filter(|a| !a.title.is_empty())
        .map(|a| ChoiceView {
            code: a.title.clone(),
            label: Localized::new(a.title.clone(), a.title),
            sensitive: false,
        })
        .collect()
}

/// Whether this user may change this form now, and if not why.
fn editability(role: Role, status: &str) -> Option<Localized> {
    check_may_record(role)
        .and_then(|()| check_form_editable(Some(status)))
        .err()
}

/// How the form is finished, whether the user may finish it now, and if not why.
fn finish(
    app: &App,
    draft: &Draft,
    issues: &[Issue],
    facts: &CaseFacts,
) -> Result<(FormFinish, Localized, Option<Localized>)> {
    let open = matches!(
        draft.status.as_str(),
        form_status::DRAFT | form_status::RETURNED
    );
    let through_case = match draft.definition.id.as_str() {
        form_ids::PLAN => Some(ActionKind::SubmitPlan),
        form_ids::CLOSURE => Some(ActionKind::ProposeClosure),
        _ => None,
    };
    if !open {
        return Ok((FormFinish::Done, status_label(&draft.status), None));
    }
    let Some(default_kind) = through_case else {
        let refusal = check_may_record(facts.role)
            .err()
            .or_else(|| issues.first().map(|_| incomplete(issues.len())));
        return Ok((
            FormFinish::Complete,
            Localized::new("Hoàn thành", "Complete"),
            refusal,
        ));
    };
    let options = app.cases.options(facts)?;
    let targeted = options
        .into_iter()
        .find(|o| o.form_record_id.as_deref() == Some(draft.record_id.as_str()));
    let (kind, refusal) = match targeted {
        Some(option) => (option.kind, option.refusal),
        None => {
            let input = hoso_model::domain::options::ActionInput::default();
            let refusal = default_kind
                .action(Some(&draft.record_id), &input)
                .and_then(|action| decide(&action, &facts.context()).err());
            (default_kind, refusal)
        }
    };
    Ok((
        FormFinish::ThroughCase {
            action: CaseAction::of(kind),
        },
        kind.label(),
        refusal,
    ))
}

fn incomplete(count: usize) -> Localized {
    Localized::new(
        format!("Còn {count} mục cần sửa trước khi hoàn thành."),
        format!("{count} answer(s) to fix before completing."),
    )
}

/// The screen of a form whose answers and issues are known (just opened, or just saved).
fn build(app: &App, draft: &Draft, answers: &Answers, issues: &[Issue]) -> Result<FormScreen> {
    let facts = app.cases.case_facts(&draft.case_id)?;
    let definition: &FormDefinition = &draft.definition;
    let read_only_reason = editability(facts.role, &draft.status);
    let shaping = Shaping {
        issues,
        editable: read_only_reason.is_none(),
        may_approve: facts.role.may_approve(),
        record_kind: kind_of_form(&definition.id),
        case_choices: plan_activities(&facts),
    };
    let scope: Map<String, Value> = answers
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let sections = definition
        .sections
        .iter()
        .map(|section| {
            let mut fields = Vec::new();
            for field in &section.fields {
                shaping.views(field, &scope, &mut fields);
            }
            SectionView {
                id: section.id.clone(),
                title: section.title.clone(),
                fields,
            }
        })
        .collect();
    let (finish, finish_label, finish_refusal) = finish(app, draft, issues, &facts)?;
    Ok(FormScreen {
        record_id: draft.record_id.clone(),
        case_id: draft.case_id.clone(),
        form_id: definition.id.clone(),
        version: definition.version,
        title: definition.title.clone(),
        description: definition.description.clone(),
        legal_ref: definition.legal_ref.clone(),
        subject_name: facts
            .subject
            .as_ref()
            .and_then(|s| s.text(fields::FULL_NAME))
            .unwrap_or_default()
            .to_string(),
        status: draft.status.clone(),
        status_label: status_label(&draft.status),
        editable: read_only_reason.is_none(),
        read_only_reason,
        sections,
        orphaned: draft
            .orphaned
            .iter()
            .map(|name| OrphanedAnswer {
                name: name.clone(),
                value_json: answers.get(name).map(Value::to_string).unwrap_or_default(),
            })
            .collect(),
        issues: issues.iter().map(issue_view).collect(),
        finish_allowed: finish_refusal.is_none() && finish != FormFinish::Done,
        finish,
        finish_label,
        finish_refusal,
    })
}

pub fn form_screen(app: &App, record_id: &str) -> Result<FormScreen> {
    let draft = app.cases.open_form(record_id)?;
    build(app, &draft, &draft.answers, &draft.issues)
}

/// Starts a new form of the case (a visit note is `TT02-M05`) and opens it.
pub fn form_start(app: &App, case_id: &str, form_id: &str) -> Result<FormScreen> {
    let id = app.cases.start_form(case_id, form_id)?;
    form_screen(app, &id)
}

/// Where a path points in a form: a top-level field, or a field of one item of a list.
enum Place<'a> {
    Field(&'a FieldDef),
    Item {
        list: &'a FieldDef,
        index: usize,
        field: &'a FieldDef,
    },
}

fn locate<'a>(definition: &'a FormDefinition, path: &str) -> Result<Place<'a>> {
    if let Some(field) = definition.field(path) {
        return Ok(Place::Field(field));
    }
    let unknown = || {
        Error::invalid(
            "Biểu mẫu không có trường này.",
            "The form has no such field.",
        )
    };
    for list in definition.fields() {
        let FieldKind::Repeat { fields, .. } = &list.kind else {
            continue;
        };
        let Some(rest) = path.strip_prefix(&format!("{}.", list.name)) else {
            continue;
        };
        let (index, name) = rest.split_once('.').ok_or_else(unknown)?;
        let index: usize = index.parse().map_err(|_| unknown())?;
        let field = fields.iter().find(|f| f.name == name).ok_or_else(unknown)?;
        return Ok(Place::Item { list, index, field });
    }
    Err(unknown())
}

fn items_of<'a>(answers: &'a mut Answers, list: &str) -> &'a mut Vec<Value> {
    let entry = answers.entry(list.to_string()).or_insert(Value::Null);
    if !entry.is_array() {
        *entry = Value::Array(Vec::new());
    }
    entry.as_array_mut().expect("made an array just above")
}

fn no_item() -> Error {
    Error::invalid("Danh sách không có mục này.", "The list has no such item.")
}

/// Saves changed answers (a draft always saves) and answers the new screen.
fn save(app: &App, draft: &Draft, answers: Answers) -> Result<FormScreen> {
    if let Some(reason) = editability(app.store.role()?, &draft.status) {
        return Err(Error::NotAllowed(reason));
    }
    let issues = app.cases.save_form(&draft.record_id, answers.clone())?;
    build(app, draft, &answers, &issues)
}

/// Autosaves one answer, given as the user typed or picked it.
pub fn form_answer(
    app: &App,
    record_id: &str,
    path: &str,
    input: AnswerInput,
) -> Result<FormScreen> {
    let draft = app.cases.open_form(record_id)?;
    let mut answers = draft.answers.clone();
    match locate(&draft.definition, path)? {
        Place::Field(field) => {
            let value = answer(&field.kind, input).map_err(Error::Invalid)?;
            answers.insert(field.name.clone(), value);
        }
        Place::Item { list, index, field } => {
            let value = answer(&field.kind, input).map_err(Error::Invalid)?;
            let item = items_of(&mut answers, &list.name)
                .get_mut(index)
                .ok_or_else(no_item)?;
            if !item.is_object() {
                *item = Value::Object(Map::new());
            }
            if let Value::Object(item) = item {
                item.insert(field.name.clone(), value);
            }
        }
    }
    save(app, &draft, answers)
}

/// Adds an empty item at the end of a list.
pub fn form_add_item(app: &App, record_id: &str, list: &str) -> Result<FormScreen> {
    let draft = app.cases.open_form(record_id)?;
    let Some(FieldKind::Repeat { max, .. }) = draft.definition.field(list).map(|f| &f.kind) else {
        return Err(Error::invalid(
            "Trường này không phải danh sách.",
            "This field is not a list.",
        ));
    };
    let mut answers = draft.answers.clone();
    let items = items_of(&mut answers, list);
    if max.is_some_and(|m| items.len() >= m) {
        return Err(Error::not_allowed(
            &format!("Danh sách có tối đa {} mục.", max.unwrap_or(0)),
            &format!("The list takes at most {} items.", max.unwrap_or(0)),
        ));
    }
    items.push(Value::Object(Map::new()));
    save(app, &draft, answers)
}

/// Removes one item of a list.
pub fn form_remove_item(app: &App, record_id: &str, list: &str, index: u32) -> Result<FormScreen> {
    let draft = app.cases.open_form(record_id)?;
    let mut answers = draft.answers.clone();
    let items = items_of(&mut answers, list);
    let index = usize::try_from(index).map_err(|_| no_item())?;
    if index >= items.len() {
        return Err(no_item());
    }
    items.remove(index);
    save(app, &draft, answers)
}

/// Marks a form complete (forms that are not submitted through a case action).
pub fn form_complete(app: &App, record_id: &str) -> Result<FormScreen> {
    app.cases.submit_form(record_id)?;
    form_screen(app, record_id)
}
