//! The settings screen: the language the user reads, the auto-lock delay, changing the PIN, the server
//! address, who is enrolled, and — read-only — what the law leaves open as this province configured it,
//! each with its legal reference (`hoso_model::domain::config`).

use super::launch::{UserSummary, unlock_notice, user_summary};
use crate::app::App;
use crate::error::{Error, Result};
use crate::security::{AUTO_LOCK_CHOICES, UnlockOutcome};
use crate::store::meta_keys::{LANGUAGE, SERVER_URL};
use hoso_model::domain::config::Config;
use hoso_model::enrollment_qr::check_server_url;
use hoso_model::i18n::Localized;

#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum Language {
    Vi,
    En,
}

/// One value of what the law leaves open, as configured.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct RuleSetting {
    pub label: Localized,
    pub value: Localized,
    pub legal_ref: String,
}

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct SettingsScreen {
    pub language: Language,
    pub user: Option<UserSummary>,
    pub device_id: String,
    pub server_url: Option<String>,
    pub auto_lock_minutes: u32,
    pub auto_lock_choices: Vec<u32>,
    pub rules: Vec<RuleSetting>,
    pub app_version: String,
    pub schema_version: u32,
    pub admin_units_version: String,
    /// What just happened (a wrong current PIN when changing it).
    pub notice: Option<Localized>,
}

fn count(value: u32, vi: &str, en: &str) -> Localized {
    Localized::new(format!("{value} {vi}"), format!("{value} {en}"))
}

fn optional_days(value: Option<u32>) -> Localized {
    match value {
        Some(days) => count(days, "ngày", "days"),
        None => Localized::new("không đặt (không nhắc)", "not set (no reminder)"),
    }
}

/// The configuration, each value with the text that leaves it open.
fn rules(config: &Config) -> Vec<RuleSetting> {
    let rule = |vi: &str, en: &str, value: Localized, legal_ref: &str| RuleSetting {
        label: Localized::new(vi, en),
        value,
        legal_ref: legal_ref.to_string(),
    };
    vec![
        rule(
            "Tuổi kết thúc quản lý",
            "Age at which management ends",
            count(u32::from(config.closure_age), "tuổi", "years"),
            "TT 02/2020 Điều 8.3.a (18); NĐ 20/2021 Điều 30.2.d (16)",
        ),
        rule(
            "Tuổi tối đa khi đang đi học",
            "Age limit while studying",
            count(u32::from(config.studying_age_limit), "tuổi", "years"),
            "TT 02/2020 Điều 8.3.a; NĐ 20/2021 Điều 5.2",
        ),
        rule(
            "Mất liên lạc sau",
            "No contact after",
            count(config.no_contact_months, "tháng", "month(s)"),
            "TT 02/2020 Điều 8.3.a (6)",
        ),
        rule(
            "Theo dõi sau khi kết thúc",
            "Follow-up after closure",
            count(config.post_closure_follow_up_months, "tháng", "months"),
            "TT 02/2020 Điều 10.2",
        ),
        rule(
            "Chu kỳ rà soát kế hoạch",
            "Plan review interval",
            optional_days(config.review_interval_days),
            "TT 02/2020 Điều 7.3.b (không quy định tần suất)",
        ),
        rule(
            "Chu kỳ thăm khi chưa hẹn",
            "Visit interval when none was set",
            optional_days(config.default_visit_interval_days),
            "TT 02/2020 không quy định tần suất",
        ),
        rule(
            "Hiện việc sắp đến hạn trước",
            "Show work coming due within",
            count(config.due_soon_days, "ngày", "days"),
            "Lựa chọn giao diện, không phải quy định",
        ),
    ]
}

pub fn language(app: &App) -> Result<Language> {
    Ok(match app.store.meta(LANGUAGE)?.as_deref() {
        Some("en") => Language::En,
        _ => Language::Vi,
    })
}

fn screen(app: &App, notice: Option<Localized>) -> Result<SettingsScreen> {
    let units = app.store.admin_units()?;
    Ok(SettingsScreen {
        language: language(app)?,
        user: user_summary(app)?,
        device_id: app.store.identity().device_id,
        server_url: app.store.meta(SERVER_URL)?,
        auto_lock_minutes: app.session.auto_lock_minutes()?,
        auto_lock_choices: AUTO_LOCK_CHOICES.to_vec(),
        rules: rules(&app.store.config()?),
        app_version: env!("CARGO_PKG_VERSION").to_string(),
        schema_version: crate::store::SCHEMA_VERSION,
        admin_units_version: units.version.clone(),
        notice,
    })
}

pub fn settings_screen(app: &App) -> Result<SettingsScreen> {
    screen(app, None)
}

pub fn set_language(app: &App, language: Language) -> Result<SettingsScreen> {
    let code = match language {
        Language::Vi => "vi",
        Language::En => "en",
    };
    app.store.set_meta(LANGUAGE, code)?;
    screen(app, None)
}

pub fn set_auto_lock(app: &App, minutes: u32) -> Result<SettingsScreen> {
    app.session.set_auto_lock_minutes(minutes)?;
    screen(app, None)
}

/// Changes the PIN. A wrong current PIN counts as a failed attempt (the notice says how many are
/// left); the tenth in a row wipes the device (the call then fails with `Locked`).
pub fn change_pin(
    app: &App,
    current: &str,
    pin: &str,
    confirmation: &str,
) -> Result<SettingsScreen> {
    match app.session.change_pin(current, pin, confirmation)? {
        UnlockOutcome::Unlocked => screen(
            app,
            Some(Localized::new("Đã đổi mã PIN.", "The PIN was changed.")),
        ),
        UnlockOutcome::Wiped => Err(Error::Locked),
        wrong => screen(app, unlock_notice(wrong)),
    }
}

/// Points the device at another address of its server; the enrollment stays.
pub fn set_server(app: &App, server_url: &str) -> Result<SettingsScreen> {
    let url = check_server_url(server_url).map_err(Error::Invalid)?;
    app.sync.set_server(&url)?;
    screen(app, None)
}
