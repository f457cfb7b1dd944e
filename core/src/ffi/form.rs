//! Filling forms through the FFI: open, start, one call per autosaved answer, list items, complete.
//! Every call answers the form's whole new screen.

use super::{ApiResult, HosoCore};
use crate::screens::form::{self, FormScreen};
use crate::screens::input::AnswerInput;
use hoso_model::domain::form_ids;

#[uniffi::export]
impl HosoCore {
    pub fn form_open(&self, record_id: String) -> ApiResult<FormScreen> {
        Ok(form::form_screen(self.unlocked()?, &record_id)?)
    }

    /// Starts a new form of the case (one of the case screen's `new_forms`).
    pub fn form_start(&self, case_id: String, form_id: String) -> ApiResult<FormScreen> {
        Ok(form::form_start(self.unlocked()?, &case_id, &form_id)?)
    }

    /// Starts a visit note (Mẫu số 05) on the case.
    pub fn visit_start(&self, case_id: String) -> ApiResult<FormScreen> {
        Ok(form::form_start(
            self.unlocked()?,
            &case_id,
            form_ids::PROGRESS,
        )?)
    }

    /// Autosaves one answer (a field's `path`); a draft always saves, the issues say what is left.
    pub fn form_answer(
        &self,
        record_id: String,
        path: String,
        input: AnswerInput,
    ) -> ApiResult<FormScreen> {
        Ok(form::form_answer(
            self.unlocked()?,
            &record_id,
            &path,
            input,
        )?)
    }

    pub fn form_add_item(&self, record_id: String, list: String) -> ApiResult<FormScreen> {
        Ok(form::form_add_item(self.unlocked()?, &record_id, &list)?)
    }

    pub fn form_remove_item(
        &self,
        record_id: String,
        list: String,
        index: u32,
    ) -> ApiResult<FormScreen> {
        Ok(form::form_remove_item(
            self.unlocked()?,
            &record_id,
            &list,
            index,
        )?)
    }

    /// Marks the form complete (`finish` is `Complete`); refused with the issues when any is left.
    pub fn form_complete(&self, record_id: String) -> ApiResult<FormScreen> {
        Ok(form::form_complete(self.unlocked()?, &record_id)?)
    }
}
