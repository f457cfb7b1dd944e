//! The data an area shares beyond its records, in the SQLite backend: configuration per province or
//! facility, imported lists of administrative units with the day they take effect, and the periodic
//! reports produced.

use crate::storage::{DeviceAuth, Result};
use chrono::NaiveDate;
use hoso_model::admin_units::AdminUnits;
use hoso_model::area::{Area, AreaKind};
use hoso_model::domain::config::Config;
use hoso_model::protocol::{AdminUnitsUpdate, AreaConfig, KnownReference, ReferenceUpdate};
use rusqlite::{Connection, OptionalExtension, params};

/// Stores the configuration of a province or facility; returns its new version.
pub(super) fn set_config(conn: &Connection, area: &Area, config: &Config) -> Result<u64> {
    let version: u64 = conn
        .query_row(
            "SELECT version FROM area_config WHERE area_kind = ?1 AND area_code = ?2",
            params![area.kind.as_str(), area.code],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0)
        + 1;
    conn.execute(
        "INSERT INTO area_config (area_kind, area_code, version, config) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(area_kind, area_code) DO UPDATE SET version = ?3, config = ?4",
        params![
            area.kind.as_str(),
            area.code,
            version,
            serde_json::to_string(config)?
        ],
    )?;
    Ok(version)
}

pub(super) fn import_admin_units(
    conn: &Connection,
    update: &AdminUnitsUpdate,
    now: u64,
) -> Result<()> {
    conn.execute(
        "INSERT INTO admin_units (version, effective, units, imported_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(version) DO UPDATE SET effective = ?2, units = ?3, imported_at = ?4",
        params![
            update.units.version,
            update.effective.to_string(),
            serde_json::to_string(&update.units)?,
            now
        ],
    )?;
    Ok(())
}

/// The version of the newest imported list in force on `today`, if any: cheap to ask on every push.
pub(super) fn version_in_force(conn: &Connection, today: NaiveDate) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT version FROM admin_units WHERE effective <= ?1
             ORDER BY effective DESC, imported_at DESC LIMIT 1",
        )?
        .query_row([today.to_string()], |r| r.get(0))
        .optional()?)
}

/// The newest imported list in force on `today`, if any (else the bundled list is).
pub(super) fn units_in_force(
    conn: &Connection,
    today: NaiveDate,
) -> Result<Option<AdminUnitsUpdate>> {
    let row: Option<(String, String)> = conn
        .prepare_cached(
            "SELECT effective, units FROM admin_units WHERE effective <= ?1
             ORDER BY effective DESC, imported_at DESC LIMIT 1",
        )?
        .query_row([today.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((effective, units)) = row else {
        return Ok(None);
    };
    let effective = NaiveDate::parse_from_str(&effective, "%Y-%m-%d").map_err(|_| {
        crate::storage::StorageError::Corrupt("an unreadable effective date".into())
    })?;
    Ok(Some(AdminUnitsUpdate {
        effective,
        units: serde_json::from_str(&units)?,
    }))
}

pub(super) fn mark_report_produced(
    conn: &Connection,
    area: &Area,
    period: &str,
    now: u64,
) -> Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO report_produced (area_kind, area_code, period, produced_at)
         VALUES (?1, ?2, ?3, ?4)",
        params![area.kind.as_str(), area.code, period, now],
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

/// The stored configuration of a province or facility with its version, if one was set.
fn stored_config(conn: &Connection, area: &Area) -> Result<Option<AreaConfig>> {
    let stored: Option<(u64, String)> = conn
        .prepare_cached(
            "SELECT version, config FROM area_config WHERE area_kind = ?1 AND area_code = ?2",
        )?
        .query_row(params![area.kind.as_str(), area.code], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    stored
        .map(|(version, config)| {
            Ok(AreaConfig {
                version,
                config: serde_json::from_str(&config)?,
            })
        })
        .transpose()
}

/// The configuration that applies to an area on `today`: its province's for a commune, its own for a
/// province or facility; the defaults when none was set.
pub(super) fn area_config(conn: &Connection, area: &Area, today: NaiveDate) -> Result<Config> {
    let units = units_in_force(conn, today)?
        .map(|u| u.units)
        .unwrap_or_else(AdminUnits::builtin);
    let Some(config_area) = config_area(area, &units) else {
        return Ok(Config::default());
    };
    Ok(stored_config(conn, &config_area)?
        .map(|c| c.config)
        .unwrap_or_default())
}

/// The periods whose report the area has produced, in order.
pub(super) fn produced_reports(conn: &Connection, area: &Area) -> Result<Vec<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT period FROM report_produced WHERE area_kind = ?1 AND area_code = ?2 ORDER BY period",
        )?
        .query_map(params![area.kind.as_str(), area.code], |r| r.get(0))?
        .collect::<std::result::Result<_, _>>()?)
}

/// What the device's area shares that is newer than what the device holds.
pub(super) fn reference(
    conn: &Connection,
    device: &DeviceAuth,
    known: &KnownReference,
    today: NaiveDate,
) -> Result<ReferenceUpdate> {
    let in_force = units_in_force(conn, today)?;
    let units = in_force
        .as_ref()
        .map(|u| u.units.clone())
        .unwrap_or_else(AdminUnits::builtin);
    let mut update = ReferenceUpdate {
        admin_units: in_force.filter(|u| u.units.version != known.units_version),
        ..ReferenceUpdate::default()
    };
    if let Some(area) = config_area(&device.area, &units) {
        update.config = stored_config(conn, &area)?.filter(|c| c.version != known.config_version);
    }
    update.produced_reports = produced_reports(conn, &device.area)?;
    Ok(update)
}
