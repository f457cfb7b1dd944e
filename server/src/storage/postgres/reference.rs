//! The data an area shares beyond its records, in the PostgreSQL backend: configuration per province or
//! facility, imported lists of administrative units with the day they take effect, and the periodic
//! reports produced (as `sqlite/reference.rs`).

use crate::storage::{DeviceAuth, Result, StorageError};
use chrono::NaiveDate;
use hoso_model::admin_units::AdminUnits;
use hoso_model::area::{Area, AreaKind};
use hoso_model::domain::config::Config;
use hoso_model::protocol::{AdminUnitsUpdate, AreaConfig, KnownReference, ReferenceUpdate};
use postgres::GenericClient;
use postgres::types::Type;

fn millis(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// Stores the configuration of a province or facility; returns its new version.
pub(super) fn set_config(
    client: &mut impl GenericClient,
    area: &Area,
    config: &Config,
) -> Result<u64> {
    let row = client.query_one(
        "INSERT INTO area_config (area_kind, area_code, version, config) VALUES ($1, $2, 1, $3)
         ON CONFLICT (area_kind, area_code)
         DO UPDATE SET version = area_config.version + 1, config = excluded.config
         RETURNING version",
        &[
            &area.kind.as_str(),
            &area.code,
            &serde_json::to_string(config)?,
        ],
    )?;
    Ok(row.get::<_, i64>(0) as u64)
}

pub(super) fn import_admin_units(
    client: &mut impl GenericClient,
    update: &AdminUnitsUpdate,
    now: u64,
) -> Result<()> {
    client.execute(
        "INSERT INTO admin_units (version, effective, units, imported_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (version) DO UPDATE SET effective = excluded.effective, units = excluded.units,
             imported_at = excluded.imported_at",
        &[
            &update.units.version,
            &update.effective.to_string(),
            &serde_json::to_string(&update.units)?,
            &millis(now),
        ],
    )?;
    Ok(())
}

/// The version of the newest imported list in force on `today`, if any: cheap to ask on every push.
pub(super) fn version_in_force(
    client: &mut impl GenericClient,
    today: NaiveDate,
) -> Result<Option<String>> {
    Ok(client
        .query_typed_opt(
            "SELECT version FROM admin_units WHERE effective <= $1
             ORDER BY effective DESC, imported_at DESC LIMIT 1",
            &[(&today.to_string(), Type::TEXT)],
        )?
        .map(|row| row.get(0)))
}

/// The newest imported list in force on `today`, if any (else the bundled list is).
pub(super) fn units_in_force(
    client: &mut impl GenericClient,
    today: NaiveDate,
) -> Result<Option<AdminUnitsUpdate>> {
    let Some(row) = client.query_opt(
        "SELECT effective, units FROM admin_units WHERE effective <= $1
         ORDER BY effective DESC, imported_at DESC LIMIT 1",
        &[&today.to_string()],
    )?
    else {
        return Ok(None);
    };
    let effective = NaiveDate::parse_from_str(row.get(0), "%Y-%m-%d")
        .map_err(|_| StorageError::Corrupt("an unreadable effective date".into()))?;
    Ok(Some(AdminUnitsUpdate {
        effective,
        units: serde_json::from_str(row.get(1))?,
    }))
}

pub(super) fn mark_report_produced(
    client: &mut impl GenericClient,
    area: &Area,
    period: &str,
    now: u64,
) -> Result<()> {
    client.execute(
        "INSERT INTO report_produced (area_kind, area_code, period, produced_at)
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        &[&area.kind.as_str(), &area.code, &period, &millis(now)],
    )?;
    Ok(())
}

/// The area whose configuration applies to a device: its province's for a commune (from the units in
/// force), its own for a province or a facility.
fn config_area(device: &Area, units: &AdminUnits) -> Option<Area> {
    match device.kind {
        AreaKind::Commune => units.commune(&device.code).map(|c| Area {
            kind: AreaKind::Province,
            code: c.province_code.clone(),
        }),
        AreaKind::Province | AreaKind::Facility => Some(device.clone()),
    }
}

/// The configuration that applies to an area on `today`: its province's for a commune, its own for a
/// province or facility; the defaults when none was set.
pub(super) fn area_config(
    client: &mut impl GenericClient,
    area: &Area,
    today: NaiveDate,
) -> Result<Config> {
    let units = units_in_force(client, today)?
        .map(|u| u.units)
        .unwrap_or_else(AdminUnits::builtin);
    let Some(config_area) = config_area(area, &units) else {
        return Ok(Config::default());
    };
    match client.query_opt(
        "SELECT config FROM area_config WHERE area_kind = $1 AND area_code = $2",
        &[&config_area.kind.as_str(), &config_area.code],
    )? {
        Some(row) => Ok(serde_json::from_str(row.get(0))?),
        None => Ok(Config::default()),
    }
}

/// The periods whose report the area has produced, in order.
pub(super) fn produced_reports(
    client: &mut impl GenericClient,
    area: &Area,
) -> Result<Vec<String>> {
    Ok(client
        .query(
            "SELECT period FROM report_produced WHERE area_kind = $1 AND area_code = $2
             ORDER BY period COLLATE \"C\"",
            &[&area.kind.as_str(), &area.code],
        )?
        .iter()
        .map(|row| row.get(0))
        .collect())
}

/// What the device's area shares that is newer than what the device holds.
pub(super) fn reference(
    client: &mut impl GenericClient,
    device: &DeviceAuth,
    known: &KnownReference,
    today: NaiveDate,
) -> Result<ReferenceUpdate> {
    let in_force = units_in_force(client, today)?;
    let units = in_force
        .as_ref()
        .map(|u| u.units.clone())
        .unwrap_or_else(AdminUnits::builtin);
    let mut update = ReferenceUpdate {
        admin_units: in_force.filter(|u| u.units.version != known.units_version),
        ..ReferenceUpdate::default()
    };
    if let Some(area) = config_area(&device.area, &units)
        && let Some(row) = client.query_opt(
            "SELECT version, config FROM area_config WHERE area_kind = $1 AND area_code = $2",
            &[&area.kind.as_str(), &area.code],
        )?
        && row.get::<_, i64>(0) as u64 != known.config_version
    {
        update.config = Some(AreaConfig {
            version: row.get::<_, i64>(0) as u64,
            config: serde_json::from_str(row.get(1))?,
        });
    }
    update.produced_reports = produced_reports(client, &device.area)?;
    Ok(update)
}
