//! The settings screen through the FFI.

use super::{ApiResult, HosoCore};
use crate::screens::settings::{self, Language, SettingsScreen};

#[uniffi::export]
impl HosoCore {
    pub fn settings_screen(&self) -> ApiResult<SettingsScreen> {
        Ok(settings::settings_screen(self.unlocked()?)?)
    }

    pub fn settings_set_language(&self, language: Language) -> ApiResult<SettingsScreen> {
        Ok(settings::set_language(self.unlocked()?, language)?)
    }

    /// Minutes without use before the app locks itself: one of the screen's `auto_lock_choices`.
    pub fn settings_set_auto_lock(&self, minutes: u32) -> ApiResult<SettingsScreen> {
        Ok(settings::set_auto_lock(self.unlocked()?, minutes)?)
    }

    pub fn settings_change_pin(
        &self,
        current: String,
        pin: String,
        confirmation: String,
    ) -> ApiResult<SettingsScreen> {
        Ok(settings::change_pin(
            self.unlocked()?,
            &current,
            &pin,
            &confirmation,
        )?)
    }

    pub fn settings_set_server(&self, server_url: String) -> ApiResult<SettingsScreen> {
        Ok(settings::set_server(self.unlocked()?, &server_url)?)
    }
}
