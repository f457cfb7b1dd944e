//! Cases and households: the caseload list with search and filters (step, overdue, mine), households
//! with search, and one household with its members and cases. Search is the store's Vietnamese search
//! over people and households ("duc" finds "Đức"); a case matches when its subject or household does.

use super::agenda::title;
use super::{CaseStage, Day, user_id};
use crate::app::App;
use crate::error::{Error, Result};
use hoso_model::domain::followup::{Task, tasks};
use hoso_model::domain::snapshot::CaseSnapshot;
use hoso_model::domain::{age_on, date_of, form_ids};
use hoso_model::fold::fold;
use hoso_model::i18n::Localized;
use hoso_model::op::RecordKind;
use hoso_model::record::Record;
use hoso_model::schema::fields;
use std::collections::{HashMap, HashSet};

/// The most rows a search asks the store for (its own cap on ordered matches).
const SEARCH_HITS: usize = 100;

#[derive(Clone, Debug, Default, PartialEq, Eq, uniffi::Record)]
pub struct CaseFilter {
    /// Words of the subject's or household's name, address, ID or phone number ("" = every case).
    #[uniffi(default)]
    pub query: String,
    /// Only cases at this step of TT 02/2020 Điều 3 (1–5).
    #[uniffi(default)]
    pub step: Option<u8>,
    /// Only cases with an overdue follow-up.
    #[uniffi(default)]
    pub overdue_only: bool,
    /// Only cases the signed-in user manages.
    #[uniffi(default)]
    pub mine_only: bool,
    /// The most rows to return (0 = 100).
    #[uniffi(default)]
    pub limit: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct CaseRow {
    pub case_id: String,
    pub subject_name: String,
    pub subject_birth: Option<Day>,
    pub stage: CaseStage,
    pub opened_on: Option<Day>,
    /// How many of the case's follow-ups are overdue.
    pub overdue: u32,
    /// The case's most urgent follow-up, if any is due within the agenda's horizon.
    pub next: Option<Localized>,
    pub next_due: Option<Day>,
    pub mine: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct CaseListScreen {
    /// Overdue cases first, then by the next follow-up's date, then by name.
    pub rows: Vec<CaseRow>,
    /// Cases matching the filter, before the limit.
    pub matching: u32,
    /// Cases matching everything but the step, per step 1–5 (for the step chips).
    pub per_step: Vec<u32>,
    /// The search found more people than it orders: the user should type more.
    pub search_capped: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct HouseholdRow {
    pub household_id: String,
    pub head_name: String,
    pub address: String,
    pub members: u32,
    pub cases: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct HouseholdListScreen {
    pub rows: Vec<HouseholdRow>,
    pub matching: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct MemberRow {
    pub person_id: String,
    pub full_name: String,
    pub birth: Option<Day>,
    pub age: Option<u32>,
    pub sex: Option<Localized>,
    /// The cases this person is the subject of.
    pub case_ids: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct HouseholdScreen {
    pub household_id: String,
    pub head_name: String,
    pub address: String,
    pub area_name: String,
    pub economic_situation: Option<Localized>,
    pub members: Vec<MemberRow>,
    pub cases: Vec<CaseRow>,
}

fn text(record: &Record, field: &str) -> String {
    record.text(field).unwrap_or_default().to_string()
}

/// The label of a choice, from the information form (Mẫu 01) that defines the field.
pub(crate) fn choice_label(field: &str, code: Option<&str>) -> Option<Localized> {
    let code = code?;
    crate::actions::registry()
        .latest(form_ids::INFORMATION)?
        .field(field)?
        .kind
        .choices()?
        .iter()
        .find(|c| c.code == code)
        .map(|c| c.label.clone())
}

/// Each case's follow-ups within the agenda's horizon, most urgent first.
fn tasks_by_case(app: &App, snapshots: &[CaseSnapshot]) -> Result<HashMap<String, Vec<Task>>> {
    let config = app.store.config()?;
    let mut by_case: HashMap<String, Vec<Task>> = HashMap::new();
    for task in tasks(snapshots, app.store.today(), &config) {
        if let Some(case_id) = task.case_id.clone() {
            by_case.entry(case_id).or_default().push(task);
        }
    }
    Ok(by_case)
}

fn case_row(case: &CaseSnapshot, tasks: &[Task], user: &str) -> CaseRow {
    let first = tasks.first();
    CaseRow {
        case_id: case.case_id.clone(),
        subject_name: case.subject_name.clone(),
        subject_birth: case.subject_birth.map(Day::from),
        stage: case.status.into(),
        opened_on: case.opened_on.map(Day::from),
        overdue: tasks.iter().filter(|t| t.overdue).count() as u32,
        next: first.map(|t| title(t.kind)),
        next_due: first.map(|t| t.due.into()),
        mine: case.manager_id.as_deref() == Some(user),
    }
}

/// The cases a search matches: those whose subject or household is a hit.
fn searched_cases(app: &App, query: &str) -> Result<(HashSet<String>, bool)> {
    let hits = app.store.search(query, SEARCH_HITS)?;
    let capped = hits.len() >= SEARCH_HITS;
    let (mut people, mut households) = (Vec::new(), Vec::new());
    for hit in hits {
        match hit.kind {
            RecordKind::Household => households.push(hit.record_id),
            _ => people.push(hit.record_id),
        }
    }
    let mut cases: HashSet<String> = app.store.cases_of_subjects(&people)?.into_iter().collect();
    for household in households {
        for case in app.store.household_records(&household, RecordKind::Case)? {
            cases.insert(case.id);
        }
    }
    Ok((cases, capped))
}

fn limit_of(limit: u32) -> usize {
    if limit == 0 { 100 } else { limit as usize }
}

pub fn case_list(app: &App, filter: &CaseFilter) -> Result<CaseListScreen> {
    if filter.step.is_some_and(|s| !(1..=5).contains(&s)) {
        return Err(Error::invalid(
            "Bước phải từ 1 đến 5 (TT 02/2020 Điều 3).",
            "The step must be 1 to 5 (TT 02/2020 Art. 3).",
        ));
    }
    let user = user_id(app);
    let (searched, search_capped) = match filter.query.trim() {
        "" => (None, false),
        query => {
            let (cases, capped) = searched_cases(app, query)?;
            (Some(cases), capped)
        }
    };
    // Follow-ups are worked out only for the cases the search and "mine" leave; a search reads only
    // the summaries of the cases it found.
    let snapshots: Vec<CaseSnapshot> = match &searched {
        Some(found) => {
            let mut snapshots = Vec::with_capacity(found.len());
            for case_id in found {
                snapshots.extend(app.store.case_snapshot(case_id)?);
            }
            snapshots
        }
        None => app.store.case_snapshots()?,
    }
    .into_iter()
    .filter(|c| !filter.mine_only || c.manager_id.as_deref() == Some(user.as_str()))
    .collect();
    let by_case = tasks_by_case(app, &snapshots)?;
    let no_tasks: Vec<Task> = Vec::new();
    let mut per_step = vec![0u32; 5];
    // Only the rows shown are built whole: the others are counted and sorted by their keys.
    let mut matches: Vec<(&CaseSnapshot, &[Task])> = Vec::new();
    for case in &snapshots {
        if searched
            .as_ref()
            .is_some_and(|s| !s.contains(&case.case_id))
        {
            continue;
        }
        let tasks = by_case.get(&case.case_id).unwrap_or(&no_tasks).as_slice();
        let overdue = tasks.iter().any(|t| t.overdue);
        let mine = case.manager_id.as_deref() == Some(user.as_str());
        if (filter.overdue_only && !overdue) || (filter.mine_only && !mine) {
            continue;
        }
        let step = case.status.step();
        per_step[usize::from(step.clamp(1, 5) - 1)] += 1;
        if filter.step.is_none_or(|s| s == step) {
            matches.push((case, tasks));
        }
    }
    let matching = matches.len() as u32;
    matches.sort_by_cached_key(|&(case, tasks)| {
        let overdue = tasks.iter().filter(|t| t.overdue).count();
        (
            overdue == 0,
            std::cmp::Reverse(overdue),
            tasks.first().map(|t| t.due),
            fold(&case.subject_name),
            case.case_id.as_str(),
        )
    });
    let rows = matches
        .into_iter()
        .take(limit_of(filter.limit))
        .map(|(case, tasks)| case_row(case, tasks, &user))
        .collect();
    Ok(CaseListScreen {
        rows,
        matching,
        per_step,
        search_capped,
    })
}

/// Households: with a query, those it finds (by the head's name, the address or a member's name),
/// ordered by name; without one, the households stored last on this device, newest first.
pub fn household_list(app: &App, query: &str, limit: u32) -> Result<HouseholdListScreen> {
    let limit = limit_of(limit);
    let (households, matching) = match query.trim() {
        "" => app.store.recent_households(limit)?,
        query => {
            let mut found = searched_households(app, query)?;
            found.sort_by_cached_key(|h| (fold(&text(h, "head_name")), fold(&text(h, "address"))));
            let matching = found.len() as u32;
            found.truncate(limit);
            (found, matching)
        }
    };
    let mut rows = Vec::with_capacity(households.len());
    for household in households {
        let (members, cases) = app.store.household_counts(&household.id)?;
        rows.push(HouseholdRow {
            head_name: text(&household, "head_name"),
            address: text(&household, "address"),
            household_id: household.id,
            members,
            cases,
        });
    }
    Ok(HouseholdListScreen { rows, matching })
}

/// The households a search finds, directly or through a member.
fn searched_households(app: &App, query: &str) -> Result<Vec<Record>> {
    let mut found: Vec<Record> = Vec::new();
    for hit in app.store.search(query, SEARCH_HITS)? {
        let household_id = match hit.kind {
            RecordKind::Household => Some(hit.record_id),
            _ => app
                .store
                .record(&hit.record_id)?
                .and_then(|p| p.text(fields::HOUSEHOLD_ID).map(str::to_string)),
        };
        if let Some(id) = household_id.filter(|id| !found.iter().any(|h| &h.id == id)) {
            found.extend(app.store.record(&id)?.filter(|h| !h.deleted));
        }
    }
    Ok(found)
}

pub fn household_screen(app: &App, household_id: &str) -> Result<HouseholdScreen> {
    let household = app
        .store
        .record(household_id)?
        .filter(|h| h.kind == RecordKind::Household && !h.deleted)
        .ok_or_else(|| Error::NotFound {
            id: household_id.to_string(),
        })?;
    let today = app.store.today();
    let case_records = app
        .store
        .household_records(household_id, RecordKind::Case)?;
    let mut snapshots: Vec<CaseSnapshot> = Vec::with_capacity(case_records.len());
    for case in &case_records {
        snapshots.extend(app.store.case_snapshot(&case.id)?);
    }
    let by_case = tasks_by_case(app, &snapshots)?;
    let user = user_id(app);
    let no_tasks: Vec<Task> = Vec::new();
    let members = app
        .store
        .household_records(household_id, RecordKind::Person)?
        .into_iter()
        .map(|person| {
            let birth = date_of(person.fields.get(fields::BIRTH_DATE));
            MemberRow {
                full_name: text(&person, fields::FULL_NAME),
                birth: birth.map(Day::from),
                age: birth.and_then(|b| u32::try_from(age_on(b, today)).ok()),
                sex: choice_label("subject.sex", person.text(fields::SEX)),
                case_ids: case_records
                    .iter()
                    .filter(|c| c.text(fields::SUBJECT_ID) == Some(person.id.as_str()))
                    .map(|c| c.id.clone())
                    .collect(),
                person_id: person.id,
            }
        })
        .collect();
    let area_name = super::commune_name(app, household.text(fields::COMMUNE_CODE).unwrap_or(""))?;
    Ok(HouseholdScreen {
        household_id: household.id.clone(),
        head_name: text(&household, "head_name"),
        address: text(&household, "address"),
        area_name,
        economic_situation: choice_label(
            "household.economic_situation",
            household.text("economic_situation"),
        ),
        members,
        cases: snapshots
            .iter()
            .map(|c| case_row(c, by_case.get(&c.case_id).unwrap_or(&no_tasks), &user))
            .collect(),
    })
}
