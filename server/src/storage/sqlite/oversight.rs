//! The read side of oversight, reports and case pages in the SQLite backend: an area's
//! `case_snapshot` and `case_view` rows, `field_conflict` rows with the case each belongs to, devices
//! with what they reported, and a case's records with its audit trail from `op_log`.

use super::placement_from_row;
use super::read_model::load_record;
use crate::storage::case_view::decode_snapshot;
use crate::storage::{CaseHistory, Result, StorageError};
use hoso_model::admin_units::AdminUnits;
use hoso_model::area::{Area, AreaKind};
use hoso_model::domain::history::LoggedOp;
use hoso_model::domain::oversight::{ConflictEntry, DeviceSync};
use hoso_model::domain::report::facts::CaseFacts;
use hoso_model::domain::snapshot::CaseSnapshot;
use hoso_model::op::RecordKind;
use hoso_model::protocol::OutboxReport;
use hoso_model::schema::{area_field, fields};
use hoso_sqlite::op_row::{OP_COLUMNS, OpRow};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, params, params_from_iter};
use std::collections::{BTreeSet, HashMap};

/// The area's report facts (`case_view`).
pub(super) fn case_facts(conn: &Connection, area: &Area) -> Result<Vec<CaseFacts>> {
    area_rows(conn, area, "SELECT facts FROM case_view", |value| {
        Ok(serde_json::from_str(
            value.as_str().map_err(rusqlite::Error::from)?,
        )?)
    })
}

/// The area's follow-up snapshots (`case_snapshot`).
pub(super) fn case_snapshots(conn: &Connection, area: &Area) -> Result<Vec<CaseSnapshot>> {
    area_rows(conn, area, "SELECT snapshot FROM case_snapshot", |value| {
        decode_snapshot(value.as_blob().map_err(rusqlite::Error::from)?)
    })
}

/// One column of the rows `select` gives for the area, each decoded.
fn area_rows<T>(
    conn: &Connection,
    area: &Area,
    select: &str,
    decode: impl Fn(ValueRef<'_>) -> Result<T>,
) -> Result<Vec<T>> {
    let sql = format!("{select} WHERE {} = ?1", area_field(area.kind));
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query([&area.code])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(decode(row.get_ref(0)?)?);
    }
    Ok(out)
}

/// Driven from `field_conflict` (`CROSS JOIN` fixes SQLite's join order): conflicts are few, while
/// walking the area's records first probed every record of a province (0.36 s for 100,000 cases).
pub(super) fn conflict_entries(conn: &Connection, area: &Area) -> Result<Vec<ConflictEntry>> {
    let sql = format!(
        "SELECT fc.record_id, r.kind, fc.field, fc.\"values\",
                CASE r.kind WHEN 'case' THEN r.id
                     WHEN 'person' THEN (SELECT cv.case_id FROM case_view cv WHERE cv.subject_id = r.id LIMIT 1)
                     ELSE r.parent_id END
         FROM field_conflict fc CROSS JOIN record r ON r.id = fc.record_id
         WHERE r.{} = ?1 ORDER BY fc.record_id, fc.field",
        area_field(area.kind)
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([&area.code], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, u32>(3)?,
            r.get::<_, Option<String>>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (record_id, kind, field, values, case_id) = row?;
        out.push(ConflictEntry {
            case_id,
            record_id,
            kind: RecordKind::parse(&kind)
                .ok_or_else(|| StorageError::Corrupt("a record has an unknown kind".into()))?,
            field,
            values,
        });
    }
    Ok(out)
}

/// Whether a user working in `user_area` works inside `area` (a province holds its communes).
fn works_in(user_area: &Area, area: &Area, units: &AdminUnits) -> bool {
    user_area == area
        || (area.kind == AreaKind::Province
            && user_area.kind == AreaKind::Commune
            && units
                .commune(&user_area.code)
                .is_some_and(|c| c.province_code == area.code))
}

pub(super) fn device_syncs(
    conn: &Connection,
    area: &Area,
    units: &AdminUnits,
) -> Result<Vec<DeviceSync>> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.id, d.name, u.id, u.name, u.area_kind, u.area_code,
                s.last_sync_at, s.pending_ops, s.oldest_unsent_millis
         FROM device d JOIN user u ON u.id = d.user_id LEFT JOIN device_sync s ON s.device_id = d.id
         WHERE d.revoked = 0 ORDER BY d.id",
    )?;
    let rows = stmt.query_map([], |r| {
        let user_area = Area {
            kind: AreaKind::parse(&r.get::<_, String>(4)?).unwrap_or(AreaKind::Commune),
            code: r.get(5)?,
        };
        Ok((
            user_area,
            DeviceSync {
                device_id: r.get(0)?,
                device_name: r.get(1)?,
                user_id: r.get(2)?,
                user_name: r.get(3)?,
                last_sync_millis: r.get(6)?,
                pending_ops: r.get(7)?,
                oldest_unsent_millis: r.get(8)?,
            },
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (user_area, device) = row?;
        if works_in(&user_area, area, units) {
            out.push(device);
        }
    }
    Ok(out)
}

pub(super) fn note_sync(
    conn: &Connection,
    device_id: &str,
    outbox: Option<OutboxReport>,
    now: u64,
) -> Result<()> {
    match outbox {
        Some(report) => conn
            .prepare_cached(
                "INSERT INTO device_sync (device_id, last_sync_at, pending_ops, oldest_unsent_millis)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(device_id) DO UPDATE SET last_sync_at = ?2, pending_ops = ?3,
                    oldest_unsent_millis = ?4",
            )?
            .execute(params![
                device_id,
                now,
                report.pending_ops,
                report.oldest_unsent_millis
            ])?,
        None => conn
            .prepare_cached(
                "INSERT INTO device_sync (device_id, last_sync_at) VALUES (?1, ?2)
                 ON CONFLICT(device_id) DO UPDATE SET last_sync_at = ?2",
            )?
            .execute(params![device_id, now])?,
    };
    Ok(())
}

pub(super) fn case_history(conn: &Connection, case_id: &str) -> Result<Option<CaseHistory>> {
    let Some(case) = load_record(conn, case_id)?.filter(|c| c.kind == RecordKind::Case) else {
        return Ok(None);
    };
    let place = conn
        .prepare_cached(
            "SELECT commune_code, province_code, facility_id FROM record WHERE id = ?1",
        )?
        .query_row([case_id], |r| placement_from_row(r, 0))?;
    let child_ids: Vec<String> = conn
        .prepare_cached(
            "SELECT id FROM record WHERE parent_id = ?1 AND kind NOT IN ('person', 'household')
             ORDER BY id",
        )?
        .query_map([case_id], |r| r.get(0))?
        .collect::<std::result::Result<_, _>>()?;
    let mut children = Vec::with_capacity(child_ids.len());
    for id in &child_ids {
        children.extend(load_record(conn, id)?);
    }
    let subject = match case.text(fields::SUBJECT_ID) {
        Some(id) => load_record(conn, id)?,
        None => None,
    };
    let mut ids: BTreeSet<String> = child_ids.into_iter().collect();
    ids.insert(case_id.to_string());
    for link in [
        fields::SUBJECT_ID,
        fields::GUARDIAN_ID,
        fields::HOUSEHOLD_ID,
    ] {
        ids.extend(case.text(link).map(str::to_string));
    }
    let ops = logged_ops(conn, &ids)?;
    let users: Vec<String> = ops.iter().map(|l| l.op.author.clone()).collect();
    let devices: Vec<String> = ops.iter().map(|l| l.op.device_id.clone()).collect();
    Ok(Some(CaseHistory {
        placement: place,
        case,
        subject,
        children,
        user_names: names(conn, "user", &users)?,
        device_names: names(conn, "device", &devices)?,
        ops,
    }))
}

fn logged_ops(conn: &Connection, ids: &BTreeSet<String>) -> Result<Vec<LoggedOp>> {
    let mut ops = Vec::new();
    let ids: Vec<&String> = ids.iter().collect();
    for chunk in ids.chunks(500) {
        let sql = format!(
            "SELECT received_at, {OP_COLUMNS} FROM audit_op WHERE record_id IN ({}) ORDER BY seq",
            vec!["?"; chunk.len()].join(", ")
        );
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query(params_from_iter(chunk))?;
        while let Some(row) = rows.next()? {
            ops.push(LoggedOp {
                received_at_millis: row.get(0)?,
                op: OpRow::read(row, 1)?,
            });
        }
    }
    Ok(ops)
}

/// Names from the `user` or `device` table, by id.
pub(super) fn names(
    conn: &Connection,
    table: &str,
    ids: &[String],
) -> Result<HashMap<String, String>> {
    let mut unique: Vec<&String> = ids.iter().collect();
    unique.sort_unstable();
    unique.dedup();
    let mut out = HashMap::with_capacity(unique.len());
    for chunk in unique.chunks(500) {
        let sql = format!(
            "SELECT id, name FROM {table} WHERE id IN ({})",
            vec!["?"; chunk.len()].join(", ")
        );
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt.query_map(params_from_iter(chunk), |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        for row in rows {
            let (id, name) = row?;
            out.insert(id, name);
        }
    }
    Ok(out)
}
