//! What a signed-in user may see, decided on the server for every page and export: their own area, or
//! one commune of their province; a case only if it is placed in their area. Anything else answers
//! "not found", whatever the URL says. And the oversight figures of the area a page shows.

use super::WebState;
use super::auth::Signed;
use super::layout;
use crate::report::{area_name, units};
use crate::storage::{StorageError, WebUser};
use axum::response::Response;
use hoso_model::area::{Area, AreaKind};
use hoso_model::domain::local_date;
use hoso_model::domain::oversight::{Oversight, OversightInput, oversight};
use hoso_model::hlc::system_now_millis;
use hoso_model::scope::Placement;
use std::collections::HashMap;

/// The area a page shows: the user's own when `commune` is empty, else that commune if it lies in
/// the user's area (a provincial officer's province, or an approver's own commune).
pub fn view_area(user: &WebUser, commune: Option<&str>) -> Option<Area> {
    let Some(code) = commune.filter(|c| !c.is_empty()) else {
        return Some(user.area.clone());
    };
    let wanted = Area {
        kind: AreaKind::Commune,
        code: code.to_string(),
    };
    let inside = wanted == user.area
        || (user.area.kind == AreaKind::Province
            && units()
                .commune(code)
                .is_some_and(|c| c.province_code == user.area.code));
    inside.then_some(wanted)
}

/// Whether a case placed so is the user's to see.
pub fn case_visible(user: &WebUser, placement: &Placement) -> bool {
    placement.in_area(&user.area)
}

/// An area's oversight with what its pages name: managers and the communes that have cases.
pub struct AreaView {
    pub area: Area,
    pub area_name: String,
    pub oversight: Oversight,
    /// User id → name, for managers and devices.
    pub people: HashMap<String, String>,
}

impl AreaView {
    pub fn person(&self, id: Option<&str>) -> String {
        id.and_then(|id| self.people.get(id))
            .cloned()
            .unwrap_or_else(|| "—".into())
    }

    pub fn commune(&self, code: Option<&str>) -> String {
        code.map(commune_name).unwrap_or_else(|| "—".into())
    }
}

pub fn commune_name(code: &str) -> String {
    area_name(&Area {
        kind: AreaKind::Commune,
        code: code.to_string(),
    })
}

/// The communes a user may narrow pages to: every commune of a provincial officer's province (by
/// name), none for an approver of one commune.
pub fn commune_choices(user: &WebUser) -> Vec<(String, String)> {
    if user.area.kind != AreaKind::Province {
        return Vec::new();
    }
    let mut communes: Vec<(String, String)> = units()
        .communes_of(&user.area.code)
        .into_iter()
        .map(|c| (c.code.clone(), commune_name(&c.code)))
        .collect();
    communes.sort_by(|a, b| a.1.cmp(&b.1));
    communes
}

/// Loads an area's oversight on a blocking thread; a user outside the area gets "not found".
pub async fn load(
    state: &WebState,
    signed: &Signed,
    commune: Option<&str>,
) -> Result<AreaView, Response> {
    let Some(area) = view_area(&signed.user, commune) else {
        return Err(layout::not_found(signed.lang));
    };
    let storage = state.storage.clone();
    let role = signed.user.role;
    let loaded = tokio::task::spawn_blocking(move || -> Result<AreaView, StorageError> {
        let now = system_now_millis();
        let cases = storage.case_snapshots(&area)?;
        let conflicts = storage.conflict_entries(&area)?;
        let devices = storage.device_syncs(&area, now)?;
        let config = storage.area_config(&area, now)?;
        let produced = storage.produced_reports(&area)?;
        let overview = oversight(&OversightInput {
            cases: &cases,
            conflicts: &conflicts,
            devices: &devices,
            today: local_date(now),
            now_millis: now,
            config: &config,
            role,
            area_kind: Some(area.kind),
            produced_reports: &produced,
        });
        let ids: Vec<String> = cases
            .iter()
            .filter_map(|c| c.manager_id.clone())
            .chain(devices.iter().map(|d| d.user_id.clone()))
            .collect();
        Ok(AreaView {
            people: storage.user_names(&ids)?,
            area_name: area_name(&area),
            area,
            oversight: overview,
        })
    })
    .await;
    match loaded {
        Ok(Ok(view)) => Ok(view),
        Ok(Err(error)) => {
            tracing::error!(%error, "dashboard: loading an area failed");
            Err(layout::failure(signed.lang))
        }
        Err(_) => Err(layout::failure(signed.lang)),
    }
}
