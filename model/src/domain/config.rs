//! What the law leaves open, as configuration with its legal reference. Never a hard-coded rule.
//!
//! An administrator sets it per province or facility on the server; devices receive it through sync and
//! the follow-up engine applies it. [`Config::check`] refuses what the law forbids, and
//! [`Config::settings`] shows every value with the rule it follows, for the settings screen.

use crate::i18n::Localized;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
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
    /// Days between reminders during the reintegration follow-up. TT 02 sets no frequency; hoso reminds
    /// monthly unless the province sets another cadence.
    pub post_closure_reminder_days: Option<u32>,
    /// Days between plan reviews. TT 02 sets no review frequency (Điều 7.3.b, 8.1): `None` = no
    /// review reminders until the province configures one.
    pub review_interval_days: Option<u32>,
    /// Days between visits when no next-visit date was set. TT 02 sets none: `None` = no reminder.
    pub default_visit_interval_days: Option<u32>,
    /// Day of June and December by which the commune's and the facility's reports are due: "trước ngày
    /// 15" (TT 02 Điều 11.3.b, 12.7), so at the latest the 14th.
    pub commune_report_due_day: u32,
    /// Day of June and December by which the province's report is due: "trước ngày 25" (Điều 11.1.d).
    pub province_report_due_day: u32,
    /// Working days to answer a data subject's request (NĐ 356/2025/NĐ-CP: 2 working days, as reported
    /// by secondary sources; a legal owner should confirm).
    pub data_request_working_days: u32,
    /// Public holidays of the year, which are not working days (set by the province each year).
    pub public_holidays: Vec<NaiveDate>,
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
            post_closure_reminder_days: Some(30),
            review_interval_days: None,
            default_visit_interval_days: None,
            commune_report_due_day: 14,
            province_report_due_day: 24,
            data_request_working_days: 2,
            public_holidays: Vec::new(),
            due_soon_days: 7,
        }
    }
}

/// One setting as the settings screen shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Setting {
    pub key: &'static str,
    pub label: Localized,
    pub value: String,
    /// The rule the value must follow and where it comes from.
    pub rule: Localized,
    pub legal_ref: &'static str,
}

fn refuse(vi: &str, en: &str) -> Localized {
    Localized::new(vi, en)
}

fn days(value: Option<u32>) -> String {
    value.map_or_else(|| "—".to_string(), |d| d.to_string())
}

fn setting(
    key: &'static str,
    label: (&str, &str),
    value: String,
    rule: (&str, &str),
    legal_ref: &'static str,
) -> Setting {
    Setting {
        key,
        label: Localized::new(label.0, label.1),
        value,
        rule: Localized::new(rule.0, rule.1),
        legal_ref,
    }
}

impl Config {
    /// Refuses settings the law forbids, saying which rule.
    pub fn check(&self) -> Result<(), Localized> {
        if self.closure_age != 16 && self.closure_age != 18 {
            return Err(refuse(
                "Tuổi kết thúc quản lý chỉ có thể là 16 (NĐ 20/2021 Điều 30) hoặc 18 (TT 02/2020 Điều 8).",
                "The closure age can only be 16 (NĐ 20/2021 Art. 30) or 18 (TT 02/2020 Art. 8).",
            ));
        }
        if self.studying_age_limit < self.closure_age || self.studying_age_limit > 22 {
            return Err(refuse(
                "Tuổi tối đa khi đang đi học phải từ tuổi kết thúc quản lý đến 22.",
                "The studying age limit must be between the closure age and 22.",
            ));
        }
        if self.no_contact_months < 1 {
            return Err(refuse(
                "Thời gian không liên hệ trước khi kết thúc không được ngắn hơn 1 tháng (TT 02/2020 Điều 8.3.a).",
                "The no-contact period before closure cannot be shorter than 1 month (TT 02/2020 Art. 8.3.a).",
            ));
        }
        if self.post_closure_follow_up_months < 6 {
            return Err(refuse(
                "Theo dõi sau khi kết thúc ít nhất 6 tháng (TT 02/2020 Điều 10.2).",
                "Follow-up after closure lasts at least 6 months (TT 02/2020 Art. 10.2).",
            ));
        }
        self.check_intervals()?;
        self.check_deadlines()
    }

    fn check_intervals(&self) -> Result<(), Localized> {
        let intervals = [
            self.post_closure_reminder_days,
            self.review_interval_days,
            self.default_visit_interval_days,
        ];
        if intervals.iter().flatten().any(|d| *d == 0 || *d > 366) {
            return Err(refuse(
                "Chu kỳ nhắc việc phải từ 1 đến 366 ngày.",
                "A reminder interval must be 1 to 366 days.",
            ));
        }
        if self.due_soon_days > 60 {
            return Err(refuse(
                "Chỉ báo trước tối đa 60 ngày.",
                "Tasks can be shown at most 60 days ahead.",
            ));
        }
        Ok(())
    }

    fn check_deadlines(&self) -> Result<(), Localized> {
        if !(1..=14).contains(&self.commune_report_due_day) {
            return Err(refuse(
                "Báo cáo của UBND cấp xã và cơ sở nộp trước ngày 15/6 và 15/12: hạn phải từ ngày 1 đến ngày 14 (TT 02/2020 Điều 11.3.b, 12.7).",
                "Commune and facility reports are due before 15 June and 15 December: the deadline must be day 1 to 14 (TT 02/2020 Art. 11.3.b, 12.7).",
            ));
        }
        if !(1..=24).contains(&self.province_report_due_day) {
            return Err(refuse(
                "Báo cáo của tỉnh nộp trước ngày 25/6 và 25/12: hạn phải từ ngày 1 đến ngày 24 (TT 02/2020 Điều 11.1.d).",
                "The province's reports are due before 25 June and 25 December: the deadline must be day 1 to 24 (TT 02/2020 Art. 11.1.d).",
            ));
        }
        if !(1..=2).contains(&self.data_request_working_days) {
            return Err(refuse(
                "Yêu cầu của chủ thể dữ liệu được trả lời trong tối đa 2 ngày làm việc (NĐ 356/2025/NĐ-CP).",
                "A data subject's request is answered within at most 2 working days (NĐ 356/2025/NĐ-CP).",
            ));
        }
        Ok(())
    }

    /// Every setting with its value, its rule and its legal reference.
    pub fn settings(&self) -> Vec<Setting> {
        let mut settings = self.closure_settings();
        settings.extend(self.follow_up_settings());
        settings.extend(self.reporting_settings());
        settings
    }

    /// When a case's management ends (TT 02/2020 Điều 8.3).
    fn closure_settings(&self) -> Vec<Setting> {
        vec![
            setting(
                "closure_age",
                ("Tuổi kết thúc quản lý", "Age at which management ends"),
                self.closure_age.to_string(),
                (
                    "16 hoặc 18: hai văn bản quy định khác nhau, cơ quan có thẩm quyền chọn",
                    "16 or 18: two texts differ, the competent authority chooses",
                ),
                "TT 02/2020 Điều 8.3.a (4); NĐ 20/2021 Điều 30.2.d",
            ),
            setting(
                "studying_age_limit",
                ("Tuổi tối đa khi đang đi học", "Age limit while studying"),
                self.studying_age_limit.to_string(),
                ("Không quá 22 tuổi", "Not beyond 22"),
                "TT 02/2020 Điều 8.3.a (4); NĐ 20/2021 Điều 5.2",
            ),
            setting(
                "no_contact_months",
                ("Số tháng không liên hệ", "Months without contact"),
                self.no_contact_months.to_string(),
                ("Ít nhất 1 tháng", "At least 1 month"),
                "TT 02/2020 Điều 8.3.a (6)",
            ),
        ]
    }

    /// How often a case is visited and reviewed, during and after management.
    fn follow_up_settings(&self) -> Vec<Setting> {
        vec![
            setting(
                "post_closure_follow_up_months",
                (
                    "Thời gian theo dõi sau khi kết thúc (tháng)",
                    "Follow-up after closure (months)",
                ),
                self.post_closure_follow_up_months.to_string(),
                ("Ít nhất 6 tháng", "At least 6 months"),
                "TT 02/2020 Điều 10.2",
            ),
            setting(
                "post_closure_reminder_days",
                (
                    "Nhắc theo dõi sau kết thúc (ngày)",
                    "Follow-up reminders after closure (days)",
                ),
                days(self.post_closure_reminder_days),
                (
                    "Văn bản không quy định tần suất; mặc định của hoso là hằng tháng",
                    "The law sets no frequency; hoso's default is monthly",
                ),
                "TT 02/2020 Điều 10.2",
            ),
            setting(
                "review_interval_days",
                (
                    "Chu kỳ rà soát kế hoạch (ngày)",
                    "Plan review interval (days)",
                ),
                days(self.review_interval_days),
                (
                    "Văn bản không quy định tần suất; địa phương tự đặt",
                    "The law sets no frequency; set locally",
                ),
                "TT 02/2020 Điều 7.3.b, 8.1",
            ),
            setting(
                "default_visit_interval_days",
                (
                    "Chu kỳ thăm hộ gia đình (ngày)",
                    "Household visit interval (days)",
                ),
                days(self.default_visit_interval_days),
                (
                    "Văn bản không quy định tần suất; địa phương tự đặt",
                    "The law sets no frequency; set locally",
                ),
                "TT 02/2020 Điều 7.3.c",
            ),
        ]
    }

    /// Deadlines of reports and of data subjects' requests.
    fn reporting_settings(&self) -> Vec<Setting> {
        vec![
            setting(
                "commune_report_due_day",
                (
                    "Hạn báo cáo của xã, cơ sở (ngày trong tháng 6 và 12)",
                    "Commune and facility report deadline (day of June and December)",
                ),
                self.commune_report_due_day.to_string(),
                (
                    "Trước ngày 15: từ ngày 1 đến 14",
                    "Before the 15th: day 1 to 14",
                ),
                "TT 02/2020 Điều 11.3.b, 12.7",
            ),
            setting(
                "province_report_due_day",
                (
                    "Hạn báo cáo của tỉnh (ngày trong tháng 6 và 12)",
                    "Province report deadline (day of June and December)",
                ),
                self.province_report_due_day.to_string(),
                (
                    "Trước ngày 25: từ ngày 1 đến 24",
                    "Before the 25th: day 1 to 24",
                ),
                "TT 02/2020 Điều 11.1.d",
            ),
            setting(
                "data_request_working_days",
                (
                    "Hạn trả lời yêu cầu của chủ thể dữ liệu (ngày làm việc)",
                    "Deadline to answer a data subject's request (working days)",
                ),
                self.data_request_working_days.to_string(),
                ("Tối đa 2 ngày làm việc", "At most 2 working days"),
                "Luật 91/2025/QH15; NĐ 356/2025/NĐ-CP",
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_follow_the_law() {
        assert_eq!(Config::default().check(), Ok(()));
    }

    #[test]
    fn values_the_law_forbids_are_refused_with_the_rule() {
        let short_follow_up = Config {
            post_closure_follow_up_months: 3,
            ..Config::default()
        };
        assert!(short_follow_up.check().unwrap_err().vi.contains("6 tháng"));
        let late_report = Config {
            commune_report_due_day: 15,
            ..Config::default()
        };
        assert!(
            late_report
                .check()
                .unwrap_err()
                .en
                .contains("before 15 June")
        );
        let slow_answer = Config {
            data_request_working_days: 5,
            ..Config::default()
        };
        assert!(
            slow_answer
                .check()
                .unwrap_err()
                .vi
                .contains("2 ngày làm việc")
        );
        let age = Config {
            closure_age: 17,
            ..Config::default()
        };
        assert!(age.check().is_err());
    }

    #[test]
    fn every_setting_shows_its_legal_reference() {
        let settings = Config::default().settings();
        assert!(settings.len() >= 10);
        assert!(
            settings
                .iter()
                .all(|s| !s.legal_ref.is_empty() && !s.rule.vi.is_empty())
        );
        let age = settings.iter().find(|s| s.key == "closure_age").unwrap();
        assert_eq!(age.value, "18");
    }

    #[test]
    fn a_configuration_from_an_older_device_fills_in_the_new_settings() {
        let old: Config = serde_json::from_str(r#"{"closure_age": 16, "studying_age_limit": 22}"#)
            .expect("older JSON still reads");
        assert_eq!(old.closure_age, 16);
        assert_eq!(old.commune_report_due_day, 14);
    }
}
