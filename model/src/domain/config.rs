//! What the law leaves open, as configuration with its legal reference. Never a hard-coded rule.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Config {
    /// Age at which management ends (closure trigger 4). TT 02/2020 Điều 8.3.a says 18, copying
    /// NĐ 103/2017; NĐ 20/2021 Điều 30.2.d (later, higher-ranking) says 16. A legal owner must choose.
    pub closure_age: u8,
    /// Care continues while studying, until the first degree but not beyond this age (TT 02 Điều 8.3.a;
    /// NĐ 20/2021 Điều 5.2).
    pub studying_age_limit: u8,
    /// Months without contact after which closure trigger 6 applies (TT 02 Điều 8.3.a: "1 tháng").
    pub no_contact_months: u32,
    /// Months of reintegration follow-up after the return (TT 02 Điều 10.2: "ít nhất 06 tháng").
    pub post_closure_follow_up_months: u32,
    /// Days between plan reviews. TT 02 sets no review frequency (Điều 7.3.b, 8.1): `None` = no
    /// review reminders until the province configures one.
    pub review_interval_days: Option<u32>,
    /// Days between visits when no next-visit date was set. TT 02 sets none: `None` = no reminder.
    pub default_visit_interval_days: Option<u32>,
    /// How far ahead "due soon" tasks appear (a user-interface choice, not a legal rule).
    pub due_soon_days: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            closure_age: 18,
            studying_age_limit: 22,
            no_contact_months: 1,
            post_closure_follow_up_months: 6,
            review_interval_days: None,
            default_visit_interval_days: None,
            due_soon_days: 7,
        }
    }
}

impl Config {
    /// Refuses settings the law cannot mean.
    pub fn check(&self) -> Result<(), crate::i18n::Localized> {
        if self.closure_age != 16 && self.closure_age != 18 {
            return Err(crate::i18n::Localized::new(
                "Tuổi kết thúc quản lý chỉ có thể là 16 (NĐ 20/2021 Điều 30) hoặc 18 (TT 02/2020 Điều 8).",
                "The closure age can only be 16 (NĐ 20/2021 Art. 30) or 18 (TT 02/2020 Art. 8).",
            ));
        }
        if self.studying_age_limit < self.closure_age || self.studying_age_limit > 22 {
            return Err(crate::i18n::Localized::new(
                "Tuổi tối đa khi đang đi học phải từ tuổi kết thúc quản lý đến 22.",
                "The studying age limit must be between the closure age and 22.",
            ));
        }
        Ok(())
    }
}
