//! Who may read a case's sensitive fields in the SQLite backend: the reading side of the access rules
//! (`storage/working_set.rs` keeps each field's sensitivity flag and case in step at every push).

use crate::storage::{DeviceAuth, Result};
use hoso_model::area::AreaKind;
use rusqlite::{Connection, params};
use std::collections::HashSet;

/// Which sensitive fields a device may receive: all of its area's for the chairman or facility head
/// (they approve every case there), else those of the cases its user manages.
pub(super) enum Reader {
    Approver,
    Manager(HashSet<String>),
}

impl Reader {
    pub fn of(conn: &Connection, device: &DeviceAuth) -> Result<Reader> {
        if device.role.may_approve() {
            return Ok(Reader::Approver);
        }
        let column = match device.area.kind {
            AreaKind::Commune => "commune_code",
            AreaKind::Province => "province_code",
            AreaKind::Facility => "facility_id",
        };
        let sql = format!(
            "SELECT id FROM record WHERE kind = 'case' AND {column} = ?1
             AND (manager_id = ?2 OR (manager_id IS NULL AND opened_by = ?2))"
        );
        let managed = conn
            .prepare_cached(&sql)?
            .query_map(params![device.area.code, device.user_id], |r| r.get(0))?
            .collect::<std::result::Result<_, _>>()?;
        Ok(Reader::Manager(managed))
    }

    pub fn may_read(&self, case_id: Option<&str>) -> bool {
        match self {
            Reader::Approver => true,
            Reader::Manager(cases) => case_id.is_some_and(|c| cases.contains(c)),
        }
    }
}
