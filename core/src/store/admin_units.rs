//! The administrative units in force on this device: the bundled QĐ 19/2025 list until the server
//! sends a newer one, kept as rows (never as CSV text, which a name with a comma would break).

use super::{Store, meta_keys};
use crate::error::{Error, Result};
use hoso_model::admin_units::{AdminUnits, Commune, Province};
use hoso_sqlite::meta;
use rusqlite::Connection;
use std::sync::Arc;

impl Store {
    /// The administrative units in force on this device.
    pub fn admin_units(&self) -> Result<Arc<AdminUnits>> {
        if let Some(units) = self
            .admin_units
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
        {
            return Ok(units);
        }
        let loaded = self.read(|conn| {
            let Some(version) = meta::get(conn, meta_keys::ADMIN_UNITS_VERSION)? else {
                return Ok(AdminUnits::builtin());
            };
            let complete =
                meta::get(conn, meta_keys::ADMIN_UNITS_COMPLETE)?.as_deref() != Some("0");
            load_admin_units(conn, version, complete)
        })?;
        let loaded = Arc::new(loaded);
        *self.admin_units.write().unwrap_or_else(|p| p.into_inner()) = Some(loaded.clone());
        Ok(loaded)
    }

    /// Replaces the administrative units kept on this device (a newer official list).
    pub fn import_admin_units(&self, units: &AdminUnits) -> Result<()> {
        {
            let mut writer = self.lock_writer();
            let tx = writer.conn.transaction()?;
            tx.execute("DELETE FROM admin_unit", [])?;
            {
                let mut insert = tx.prepare(
                    "INSERT INTO admin_unit (code, level, name, kind, province_code) VALUES (?1, ?2, ?3, ?4, ?5)",
                )?;
                for p in units.provinces.values() {
                    insert.execute(rusqlite::params![
                        p.code,
                        "province",
                        p.name,
                        p.kind,
                        Option::<String>::None
                    ])?;
                }
                for c in units.communes.values() {
                    insert.execute(rusqlite::params![
                        c.code,
                        "commune",
                        c.name,
                        c.kind,
                        c.province_code
                    ])?;
                }
            }
            meta::set(&tx, meta_keys::ADMIN_UNITS_VERSION, &units.version)?;
            meta::set(
                &tx,
                meta_keys::ADMIN_UNITS_COMPLETE,
                if units.complete { "1" } else { "0" },
            )?;
            tx.commit()?;
        }
        *self.admin_units.write().unwrap_or_else(|p| p.into_inner()) =
            Some(Arc::new(units.clone()));
        Ok(())
    }
}

/// Reads the imported administrative units back from their rows, as they were imported.
fn load_admin_units(conn: &Connection, version: String, complete: bool) -> Result<AdminUnits> {
    let mut units = AdminUnits {
        version,
        complete,
        provinces: Default::default(),
        communes: Default::default(),
    };
    let mut stmt = conn.prepare("SELECT code, level, name, kind, province_code FROM admin_unit")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let (code, level, name, kind): (String, String, String, String) =
            (row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?);
        match (level.as_str(), row.get::<_, Option<String>>(4)?) {
            ("province", _) => {
                units
                    .provinces
                    .insert(code.clone(), Province { code, name, kind });
            }
            ("commune", Some(province_code)) => {
                let commune = Commune {
                    code: code.clone(),
                    name,
                    kind,
                    province_code,
                };
                units.communes.insert(code, commune);
            }
            _ => {
                return Err(Error::Corrupt {
                    detail: "a stored administrative unit has no valid level or province".into(),
                });
            }
        }
    }
    Ok(units)
}
