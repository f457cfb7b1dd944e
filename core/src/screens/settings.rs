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

/// One value of what the law leaves open, as configured, with the rule it must follow.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct RuleSetting {
    pub key: String,
    pub label: Localized,
    pub value: String,
    pub rule: Localized,
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

/// The configuration in force, each value with its rule and legal reference (from the domain).
fn rules(config: &Config) -> Vec<RuleSetting> {
    config
        .settings()
        .into_iter()
        .map(|s| RuleSetting {
            key: s.key.to_string(),
            label: s.label,
            value: s.value,
            rule: s.rule,
            legal_ref: s.legal_ref.to_string(),
        })
        .collect()
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
