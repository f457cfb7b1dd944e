//! What the device keeps about its user and the rules in force: the role given at enrollment, the
//! configuration of what the law leaves open, and today's date in Vietnam.

use super::{Store, meta_keys};
use crate::error::{Error, Result};
use chrono::NaiveDate;
use hoso_model::area::Area;
use hoso_model::domain::config::Config;
use hoso_model::domain::local_date;
use hoso_model::protocol::{KnownReference, ReferenceUpdate};
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

    /// What this device holds of the data its area shares, as the server asks.
    pub fn known_reference(&self) -> Result<KnownReference> {
        let units = self.admin_units()?;
        let imported = self.meta(meta_keys::ADMIN_UNITS_VERSION)?.is_some();
        Ok(KnownReference {
            config_version: self
                .meta(meta_keys::CONFIG_VERSION)?
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
            units_version: if imported {
                units.version.clone()
            } else {
                String::new()
            },
        })
    }

    /// Keeps what the server sent of the area's shared data. A configuration the law forbids is
    /// refused here too, whatever the server says.
    pub fn apply_reference(&self, update: ReferenceUpdate) -> Result<()> {
        if let Some(area_config) = update.config {
            self.set_config(&area_config.config)?;
            self.set_meta(meta_keys::CONFIG_VERSION, &area_config.version.to_string())?;
        }
        if let Some(units) = update.admin_units {
            self.import_admin_units(&units.units)?;
        }
        self.set_meta(
            meta_keys::PRODUCED_REPORTS,
            &serde_json::to_string(&update.produced_reports)?,
        )
    }

    /// The area's periodic reports already produced (`2026-H1`, `2026`).
    pub fn produced_reports(&self) -> Result<Vec<String>> {
        match self.meta(meta_keys::PRODUCED_REPORTS)? {
            Some(text) => Ok(serde_json::from_str(&text)?),
            None => Ok(Vec::new()),
        }
    }

    /// The area this device's user works in, as enrollment gave it.
    pub fn area(&self) -> Result<Option<Area>> {
        self.meta(meta_keys::AREA)?
            .map(|text| serde_json::from_str(&text).map_err(Error::from))
            .transpose()
    }

    /// Today in Vietnam (UTC+7), by the store's clock.
    pub fn today(&self) -> NaiveDate {
        local_date(self.now_millis())
    }
}
