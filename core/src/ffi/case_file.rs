//! A case's screen through the FFI: its file across the five steps, and the actions on it.

use super::{ApiResult, HosoCore};
use crate::screens::case::{
    self, CaseAction, CaseActionInput, CaseActionOutcome, CaseScreen, NewCaseScreen,
};

#[uniffi::export]
impl HosoCore {
    /// A case's file across the five steps, with what the user may do now and why not.
    pub fn case_screen(&self, case_id: String) -> ApiResult<CaseScreen> {
        Ok(case::case_screen(self.unlocked()?, &case_id)?)
    }

    /// Takes an action of the case's step (the input carries a reason when the action needs one);
    /// answers the new case screen, and the form the action opened (an adjustment).
    pub fn case_act(
        &self,
        case_id: String,
        action: CaseAction,
        input: CaseActionInput,
    ) -> ApiResult<CaseActionOutcome> {
        Ok(case::case_act(self.unlocked()?, &case_id, action, input)?)
    }

    /// Takes in a new subject (name, birth date and sex as typed) and opens the new case's Mẫu 01;
    /// `commune_code` defaults to the user's commune.
    pub fn case_new(
        &self,
        full_name: String,
        birth_date: String,
        sex: String,
        commune_code: Option<String>,
    ) -> ApiResult<NewCaseScreen> {
        Ok(case::case_new(
            self.unlocked()?,
            &full_name,
            &birth_date,
            &sex,
            commune_code.as_deref(),
        )?)
    }

    /// Moves a referral to one of the statuses its row offers next.
    pub fn referral_set_status(
        &self,
        referral_id: String,
        status: String,
    ) -> ApiResult<CaseScreen> {
        Ok(case::referral_set_status(
            self.unlocked()?,
            &referral_id,
            &status,
        )?)
    }
}
