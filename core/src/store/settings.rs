//! What the device keeps about its user and the rules in force: the role given at enrollment, the
//! configuration of what the law leaves open, and today's date in Vietnam.

use super::{Store, meta_keys};
use crate::error::{Error, Result};
use chrono::NaiveDate;
use hoso_model::domain::config::Config;
use hoso_model::domain::local_date;
use hoso_model::role::Role;

impl Store {
    /// The signed-in user's role (set at enrollment); a collaborator until then.
    pub fn role(&self) -> Result<Role> {
        Ok(self
            .meta(meta_keys::ROLE)?
            .as_deref()
            .and_then(Role::parse)
            .unwrap_or(Role::Collaborator))
    }

    pub fn set_identity(&self, user_id: &str, role: Role) -> Result<()> {
        self.set_user(user_id)?;
        self.set_meta(meta_keys::ROLE, role.as_str())
    }

    /// The configuration of what the law leaves open, as it stands on this device.
    pub fn config(&self) -> Result<Config> {
        match self.meta(meta_keys::CONFIG)? {
            Some(text) => Ok(serde_json::from_str(&text)?),
            None => Ok(Config::default()),
        }
    }

    pub fn set_config(&self, config: &Config) -> Result<()> {
        config.check().map_err(Error::Invalid)?;
        self.set_meta(meta_keys::CONFIG, &serde_json::to_string(config)?)
    }

    /// Today in Vietnam (UTC+7), by the store's clock.
    pub fn today(&self) -> NaiveDate {
        local_date(self.now_millis())
    }
}
