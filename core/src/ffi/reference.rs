//! The data the settings screen and the pickers read: the configuration in force with the legal rule of
//! each value, and the provinces and communes of the administrative units in force.

use super::{ApiResult, HosoCore};

/// One setting of what the law leaves open, as configured for this device's province or facility.
#[derive(Debug, Clone, uniffi::Record)]
pub struct SettingView {
    pub key: String,
    pub label_vi: String,
    pub label_en: String,
    pub value: String,
    pub rule_vi: String,
    pub rule_en: String,
    pub legal_ref: String,
}

/// A province or commune to pick from: its code, its name and its kind (`tinh`, `thanh_pho`, `xa`,
/// `phuong`, `dac_khu`).
#[derive(Debug, Clone, uniffi::Record)]
pub struct UnitChoice {
    pub code: String,
    pub name: String,
    pub kind: String,
}

#[uniffi::export]
impl HosoCore {
    /// Every setting in force, with its rule and legal reference (read-only on the phone: an
    /// administrator sets them on the server).
    pub fn settings(&self) -> ApiResult<Vec<SettingView>> {
        Ok(self
            .app
            .store
            .config()?
            .settings()
            .into_iter()
            .map(|s| SettingView {
                key: s.key.to_string(),
                label_vi: s.label.vi,
                label_en: s.label.en,
                value: s.value,
                rule_vi: s.rule.vi,
                rule_en: s.rule.en,
                legal_ref: s.legal_ref.to_string(),
            })
            .collect())
    }

    /// The 34 provinces (or those of a newer list received through sync), by name.
    pub fn provinces(&self) -> ApiResult<Vec<UnitChoice>> {
        let units = self.app.store.admin_units()?;
        let mut provinces: Vec<UnitChoice> = units
            .provinces
            .values()
            .map(|p| UnitChoice {
                code: p.code.clone(),
                name: p.name.clone(),
                kind: p.kind.clone(),
            })
            .collect();
        provinces.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(provinces)
    }

    /// Communes of a province whose name matches what was typed, without diacritics ("tan hiep" finds
    /// "Tân Hiệp"): the picker that replaces typing a commune code.
    pub fn search_communes(
        &self,
        province_code: String,
        query: String,
        limit: u32,
    ) -> ApiResult<Vec<UnitChoice>> {
        let units = self.app.store.admin_units()?;
        Ok(units
            .search_communes(&province_code, &query, limit as usize)
            .into_iter()
            .map(|c| UnitChoice {
                code: c.code.clone(),
                name: c.name.clone(),
                kind: c.kind.clone(),
            })
            .collect())
    }
}
