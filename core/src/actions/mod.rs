//! The case file as a collaborator works it: the application layer over the [`Store`].
//!
//! Each public method of [`CaseActions`] is one user action: it reads what it needs, asks the pure rules
//! (`hoso_model::domain`, `hoso_model::forms`) and writes the result in one transaction. It owns no rule:
//! every refusal comes from the domain. One file per group of actions: [`intake`] (people, households,
//! new cases), [`forms`] (filling and completing forms, visits, referrals, consents), [`records`]
//! (referral status, conflicts), [`lifecycle`] (the five steps), [`views`] (what screens read),
//! [`oversight`] (an approver's figures and approval queue).

mod forms;
mod intake;
mod lifecycle;
mod oversight;
mod records;
mod views;

pub use forms::Draft;
pub use intake::{CaseArea, NewCase, NewIntake, Registration};
pub use lifecycle::CaseFacts;
pub use oversight::{ApprovalItem, Decision};
pub use views::CaseFile;

use crate::error::{Error, Result};
use crate::store::Store;
use chrono::NaiveDate;
use hoso_model::forms::{FormDefinition, Issue, Registry};
use hoso_model::op::RecordKind;
use hoso_model::record::Record;
use std::sync::Arc;

/// The form definitions this build ships.
pub fn registry() -> &'static Registry {
    hoso_model::forms::builtin()
}

/// The user actions on case files, over one store.
pub struct CaseActions {
    store: Arc<Store>,
}

impl CaseActions {
    pub fn new(store: Arc<Store>) -> CaseActions {
        CaseActions { store }
    }

    fn today(&self) -> NaiveDate {
        self.store.today()
    }

    fn live_case(&self, case_id: &str) -> Result<Record> {
        self.store
            .record(case_id)?
            .filter(|r| r.kind == RecordKind::Case && !r.deleted)
            .ok_or_else(|| not_found(case_id))
    }

    /// The record and its case's other records: what the lifecycle rules read.
    fn linked(&self, case: &Record, link: &str) -> Result<Option<Record>> {
        Ok(case
            .text(link)
            .map(|id| self.store.record(id))
            .transpose()?
            .flatten())
    }
}

fn today_text(today: NaiveDate) -> String {
    today.format("%Y-%m-%d").to_string()
}

fn not_found(id: &str) -> Error {
    Error::NotFound { id: id.to_string() }
}

fn latest_definition(form_id: &str) -> Result<&'static FormDefinition> {
    registry()
        .latest(form_id)
        .ok_or_else(|| Error::invalid("Không có biểu mẫu này.", "There is no such form."))
}

fn issues_to_error(issues: Vec<Issue>) -> Result<()> {
    if issues.is_empty() {
        Ok(())
    } else {
        Err(Error::Validation(issues))
    }
}
