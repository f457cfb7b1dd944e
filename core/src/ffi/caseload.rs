//! Cases and households through the FFI: lists with search and filters, and one household.

use super::{ApiResult, HosoCore};
use crate::screens::caseload::{
    self, CaseFilter, CaseListScreen, HouseholdListScreen, HouseholdScreen,
};

#[uniffi::export]
impl HosoCore {
    /// The caseload, searched ("duc" finds "Đức") and filtered by step, overdue work and "mine".
    pub fn case_list(&self, filter: CaseFilter) -> ApiResult<CaseListScreen> {
        Ok(caseload::case_list(self.unlocked()?, &filter)?)
    }

    /// Households, searched by the head's name, address or a member's name ("" lists them all).
    pub fn household_list(&self, query: String, limit: u32) -> ApiResult<HouseholdListScreen> {
        Ok(caseload::household_list(self.unlocked()?, &query, limit)?)
    }

    /// A household with its members and cases.
    pub fn household_screen(&self, household_id: String) -> ApiResult<HouseholdScreen> {
        Ok(caseload::household_screen(self.unlocked()?, &household_id)?)
    }
}
