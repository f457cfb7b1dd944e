//! The five steps of TT 02/2020 Điều 3 as actions on a case: the domain decides, this writes. Also what
//! the user may do on the case now, for its screen: the domain's options, with the completeness of the
//! form each one submits.

use super::{CaseActions, issues_to_error};
use crate::error::{Error, Result};
use hoso_model::domain::config::Config;
use hoso_model::domain::form_ids;
use hoso_model::domain::lifecycle::{Action, CaseContext, Change, decide};
use hoso_model::domain::options::{
    ActionInput, ActionKind, ActionOption, check_may_adjust, lifecycle_options,
};
use hoso_model::i18n::Localized;
use hoso_model::record::Record;
use hoso_model::role::Role;
use hoso_model::schema::fields;

/// Everything the lifecycle rules read about one case, loaded once.
pub struct CaseFacts {
    pub case: Record,
    pub children: Vec<Record>,
    pub subject: Option<Record>,
    pub config: Config,
    pub role: Role,
    pub user_id: String,
    pub today: chrono::NaiveDate,
}

impl CaseFacts {
    /// The rules' view of these facts.
    pub fn context(&self) -> CaseContext<'_> {
        CaseContext {
            case: &self.case,
            children: &self.children,
            subject: self.subject.as_ref(),
            role: self.role,
            user_id: &self.user_id,
            today: self.today,
            config: &self.config,
        }
    }
}

impl CaseActions {
    /// Loads what the lifecycle rules read about a live case.
    pub fn case_facts(&self, case_id: &str) -> Result<CaseFacts> {
        let case = self.live_case(case_id)?;
        let children = self.store.records_of_case(case_id)?;
        let subject = self.linked(&case, fields::SUBJECT_ID)?;
        Ok(CaseFacts {
            case,
            children,
            subject,
            config: self.store.config()?,
            role: self.store.role()?,
            user_id: self.store.identity().user_id.unwrap_or_default(),
            today: self.today(),
        })
    }

    /// A lifecycle action of the five steps; refused with the law's reason when not allowed now.
    pub fn act(&self, case_id: &str, action: Action) -> Result<()> {
        let facts = self.case_facts(case_id)?;
        // Submitting a plan or a closure record needs a complete form.
        if let Action::SubmitPlan { plan_id } | Action::SubmitAdjustment { plan_id } = &action {
            issues_to_error(self.open_form(plan_id)?.issues)?;
        }
        if let Action::ProposeClosure { closure_form_id } = &action {
            issues_to_error(self.open_form(closure_form_id)?.issues)?;
        }
        self.store.write(|w| {
            let user_id = w.author()?.to_string();
            let ctx = CaseContext {
                user_id: &user_id,
                ..facts.context()
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
        let facts = self.case_facts(case_id)?;
        check_may_adjust(&facts.context()).map_err(Error::NotAllowed)?;
        let current = facts
            .case
            .text(fields::CURRENT_PLAN_ID)
            .unwrap_or_default()
            .to_string();
        let answers = self.open_form(&current)?.answers;
        let id = self.start_form(case_id, form_ids::PLAN)?;
        self.save_form(&id, answers)?;
        Ok(id)
    }

    /// The lifecycle actions of the case's step, each refused with its reason when the user may not
    /// take it now; an action that submits an incomplete form says what is left to fill.
    pub fn options(&self, facts: &CaseFacts) -> Result<Vec<ActionOption>> {
        let mut options = lifecycle_options(&facts.context());
        for option in &mut options {
            let submits = matches!(
                option.kind,
                ActionKind::SubmitPlan | ActionKind::SubmitAdjustment | ActionKind::ProposeClosure
            );
            if let (true, None, Some(form)) =
                (submits, &option.refusal, option.form_record_id.as_deref())
            {
                option.refusal = incomplete(&self.open_form(form)?.issues);
            }
        }
        Ok(options)
    }

    /// Takes one of the case's options with what the user typed (a reason, an area); returns the
    /// record id of a new draft when the action starts one (an adjustment).
    pub fn take(
        &self,
        case_id: &str,
        kind: ActionKind,
        input: &ActionInput,
    ) -> Result<Option<String>> {
        let facts = self.case_facts(case_id)?;
        let option = self
            .options(&facts)?
            .into_iter()
            .find(|o| o.kind == kind)
            .ok_or_else(|| {
                Error::not_allowed(
                    "Bước hiện tại của hồ sơ không có thao tác này.",
                    "The case's current step has no such action.",
                )
            })?;
        match kind.action(option.form_record_id.as_deref(), input) {
            Some(action) => self.act(case_id, action).map(|()| None),
            None => self.start_adjustment(case_id).map(Some),
        }
    }
}

/// Why a form cannot be submitted yet: how many answers are missing or wrong, and the first of them.
fn incomplete(issues: &[hoso_model::forms::Issue]) -> Option<Localized> {
    let first = issues.first()?;
    Some(Localized::new(
        format!(
            "Biểu mẫu còn {} mục cần sửa, trước hết: {}",
            issues.len(),
            first.message.vi
        ),
        format!(
            "The form has {} answer(s) to fix, first: {}",
            issues.len(),
            first.message.en
        ),
    ))
}
