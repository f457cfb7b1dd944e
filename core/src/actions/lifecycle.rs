//! The five steps of TT 02/2020 Điều 3 as actions on a case: the domain decides, this writes.

use super::{CaseActions, issues_to_error};
use crate::error::{Error, Result};
use hoso_model::domain::form_ids;
use hoso_model::domain::lifecycle::{Action, CaseContext, Change, decide};
use hoso_model::schema::fields;

impl CaseActions {
    /// A lifecycle action of the five steps; refused with the law's reason when not allowed now.
    pub fn act(&self, case_id: &str, action: Action) -> Result<()> {
        let case = self.live_case(case_id)?;
        let children = self.store.records_of_case(case_id)?;
        let subject = self.linked(&case, fields::SUBJECT_ID)?;
        let config = self.store.config()?;
        let role = self.store.role()?;
        let today = self.today();
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
        let current = case.text(fields::CURRENT_PLAN_ID).ok_or_else(|| {
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
}
