//! The read side of oversight, reports and case pages in the PostgreSQL backend, as
//! `sqlite/oversight.rs`: an area's `case_snapshot` and `case_view` rows, `field_conflict` rows with the case each
//! belongs to, devices with what they reported, and a case's records with its audit trail.

use super::audit_entry;
use crate::storage::case_view::{decode_snapshot, into_record, winner};
use crate::storage::{CaseHistory, Result, StorageError};
use hoso_model::admin_units::AdminUnits;
use hoso_model::area::{Area, AreaKind};
use hoso_model::domain::history::LoggedOp;
use hoso_model::domain::oversight::{ConflictEntry, DeviceSync};
use hoso_model::domain::report::facts::CaseFacts;
use hoso_model::domain::snapshot::CaseSnapshot;
use hoso_model::op::RecordKind;
use hoso_model::protocol::OutboxReport;
use hoso_model::record::Record;
use hoso_model::schema::{area_field, fields};
use hoso_model::scope::Placement;
use postgres::GenericClient;
use postgres::types::Type;
use std::collections::{BTreeMap, BTreeSet, HashMap};

fn millis(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn unsigned(value: Option<i64>) -> Option<u64> {
    value.and_then(|v| u64::try_from(v).ok())
}

/// The area's report facts (`case_view`).
pub(super) fn case_facts(client: &mut impl GenericClient, area: &Area) -> Result<Vec<CaseFacts>> {
    area_rows(client, area, "SELECT facts FROM case_view", |row| {
        Ok(serde_json::from_str(row.get(0))?)
    })
}

/// The area's follow-up snapshots (`case_snapshot`).
pub(super) fn case_snapshots(
    client: &mut impl GenericClient,
    area: &Area,
) -> Result<Vec<CaseSnapshot>> {
    area_rows(client, area, "SELECT snapshot FROM case_snapshot", |row| {
        decode_snapshot(row.get(0))
    })
}

/// The rows `select` gives for the area, each decoded.
fn area_rows<T>(
    client: &mut impl GenericClient,
    area: &Area,
    select: &str,
    decode: impl Fn(&postgres::Row) -> Result<T>,
) -> Result<Vec<T>> {
    let sql = format!("{select} WHERE {} = $1", area_field(area.kind));
    client
        .query(&sql, &[&area.code])?
        .iter()
        .map(decode)
        .collect()
}

pub(super) fn conflict_entries(
    client: &mut impl GenericClient,
    area: &Area,
) -> Result<Vec<ConflictEntry>> {
    let sql = format!(
        "SELECT fc.record_id, r.kind, fc.field, fc.\"values\",
                CASE r.kind WHEN 'case' THEN r.id
                     WHEN 'person' THEN (SELECT cv.case_id FROM case_view cv
                                         WHERE cv.subject_id = r.id ORDER BY cv.case_id LIMIT 1)
                     ELSE r.parent_id END
         FROM field_conflict fc JOIN record r ON r.id = fc.record_id
         WHERE r.{} = $1 ORDER BY fc.record_id COLLATE \"C\", fc.field COLLATE \"C\"",
        area_field(area.kind)
    );
    client
        .query(&sql, &[&area.code])?
        .iter()
        .map(|row| {
            Ok(ConflictEntry {
                case_id: row.get(4),
                record_id: row.get(0),
                kind: RecordKind::parse(row.get(1))
                    .ok_or_else(|| StorageError::Corrupt("a record has an unknown kind".into()))?,
                field: row.get(2),
                values: u32::try_from(row.get::<_, i32>(3)).unwrap_or_default(),
            })
        })
        .collect()
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
    client: &mut impl GenericClient,
    area: &Area,
    units: &AdminUnits,
) -> Result<Vec<DeviceSync>> {
    let rows = client.query(
        "SELECT d.id, d.name, u.id, u.name, u.area_kind, u.area_code,
                s.last_sync_at, s.pending_ops, s.oldest_unsent_millis
         FROM device d JOIN app_user u ON u.id = d.user_id
         LEFT JOIN device_sync s ON s.device_id = d.id
         WHERE NOT d.revoked ORDER BY d.id COLLATE \"C\"",
        &[],
    )?;
    Ok(rows
        .iter()
        .filter(|row| {
            let user_area = Area {
                kind: AreaKind::parse(row.get(4)).unwrap_or(AreaKind::Commune),
                code: row.get(5),
            };
            works_in(&user_area, area, units)
        })
        .map(|row| DeviceSync {
            device_id: row.get(0),
            device_name: row.get(1),
            user_id: row.get(2),
            user_name: row.get(3),
            last_sync_millis: unsigned(row.get(6)),
            pending_ops: unsigned(row.get(7)),
            oldest_unsent_millis: unsigned(row.get(8)),
        })
        .collect())
}

pub(super) fn note_sync(
    client: &mut impl GenericClient,
    device_id: &str,
    outbox: Option<OutboxReport>,
    now: u64,
) -> Result<()> {
    match outbox {
        Some(report) => client.execute_typed(
            "INSERT INTO device_sync (device_id, last_sync_at, pending_ops, oldest_unsent_millis)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (device_id) DO UPDATE SET last_sync_at = excluded.last_sync_at,
                 pending_ops = excluded.pending_ops,
                 oldest_unsent_millis = excluded.oldest_unsent_millis",
            &[
                (&device_id, Type::TEXT),
                (&millis(now), Type::INT8),
                (&millis(report.pending_ops), Type::INT8),
                (&report.oldest_unsent_millis.map(millis), Type::INT8),
            ],
        )?,
        None => client.execute_typed(
            "INSERT INTO device_sync (device_id, last_sync_at) VALUES ($1, $2)
             ON CONFLICT (device_id) DO UPDATE SET last_sync_at = excluded.last_sync_at",
            &[(&device_id, Type::TEXT), (&millis(now), Type::INT8)],
        )?,
    };
    Ok(())
}

/// Records by id with every current value, in id order.
fn load_records(client: &mut impl GenericClient, ids: &[&str]) -> Result<Vec<Record>> {
    let mut values: BTreeMap<String, (RecordKind, BTreeMap<String, serde_json::Value>)> =
        BTreeMap::new();
    for row in client.query(
        "SELECT r.id, r.kind, f.field, f.state FROM record r
         LEFT JOIN field_state f ON f.record_id = r.id WHERE r.id = ANY($1)",
        &[&ids],
    )? {
        let kind = RecordKind::parse(row.get(1))
            .ok_or_else(|| StorageError::Corrupt("a record has an unknown kind".into()))?;
        let entry = values
            .entry(row.get(0))
            .or_insert_with(|| (kind, BTreeMap::new()));
        if let (Some(field), Some(state)) = (row.get::<_, Option<String>>(2), row.get(3))
            && let Some(value) = winner(state)?
        {
            entry.1.insert(field, value);
        }
    }
    Ok(values
        .into_iter()
        .map(|(id, (kind, fields))| into_record(id, kind, fields))
        .collect())
}

pub(super) fn case_history(
    client: &mut impl GenericClient,
    case_id: &str,
) -> Result<Option<CaseHistory>> {
    let Some(place) = client.query_opt(
        "SELECT commune_code, province_code, facility_id FROM record WHERE id = $1 AND kind = 'case'",
        &[&case_id],
    )?
    else {
        return Ok(None);
    };
    let placement = Placement {
        commune: place.get(0),
        province: place.get(1),
        facility: place.get(2),
    };
    let Some(case) = load_records(client, &[case_id])?.pop() else {
        return Ok(None);
    };
    let child_ids: Vec<String> = client
        .query(
            "SELECT id FROM record WHERE parent_id = $1 AND kind NOT IN ('person', 'household')",
            &[&case_id],
        )?
        .iter()
        .map(|row| row.get(0))
        .collect();
    let child_refs: Vec<&str> = child_ids.iter().map(String::as_str).collect();
    let children = load_records(client, &child_refs)?;
    let subject = match case.text(fields::SUBJECT_ID) {
        Some(id) => load_records(client, &[id])?.pop(),
        None => None,
    };
    let mut ids: BTreeSet<&str> = child_refs.iter().copied().collect();
    ids.insert(case_id);
    for link in [
        fields::SUBJECT_ID,
        fields::GUARDIAN_ID,
        fields::HOUSEHOLD_ID,
    ] {
        ids.extend(case.text(link));
    }
    let ids: Vec<&str> = ids.into_iter().collect();
    let ops = logged_ops(client, &ids)?;
    let users: Vec<String> = ops.iter().map(|l| l.op.author.clone()).collect();
    let devices: Vec<String> = ops.iter().map(|l| l.op.device_id.clone()).collect();
    Ok(Some(CaseHistory {
        placement,
        subject,
        children,
        user_names: names(client, "app_user", &users)?,
        device_names: names(client, "device", &devices)?,
        ops,
        case,
    }))
}

fn logged_ops(client: &mut impl GenericClient, ids: &[&str]) -> Result<Vec<LoggedOp>> {
    client
        .query(
            "SELECT seq, received_at, op_id, record_id, kind, field, value, hlc, supersedes,
                    device_id, author
             FROM op_log WHERE record_id = ANY($1) ORDER BY seq",
            &[&ids],
        )?
        .iter()
        .map(|row| {
            let entry = audit_entry(row)?;
            Ok(LoggedOp {
                received_at_millis: entry.received_at,
                op: entry.op,
            })
        })
        .collect()
}

/// Names from the `app_user` or `device` table, by id.
pub(super) fn names(
    client: &mut impl GenericClient,
    table: &str,
    ids: &[String],
) -> Result<HashMap<String, String>> {
    let mut unique: Vec<&str> = ids.iter().map(String::as_str).collect();
    unique.sort_unstable();
    unique.dedup();
    Ok(client
        .query(
            &format!("SELECT id, name FROM {table} WHERE id = ANY($1)"),
            &[&unique],
        )?
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect())
}
