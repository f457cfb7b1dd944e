//! A pull in the SQLite backend: a page of the device's own area after its cursor, walking the
//! `(area, seq)` index, with the field states sent as the JSON stored.

use super::SEQ;
use crate::storage::{DeviceAuth, PullPage, Result, StorageError};
use hoso_model::area::AreaKind;
use hoso_model::op::RecordKind;
use hoso_model::protocol::{MAX_PAGE_FIELDS, PullResponse, RemoteRecord};
use hoso_model::schema::area_field;
use hoso_sqlite::meta;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::value::RawValue;
use std::collections::HashMap;

pub(super) fn pull(
    conn: &Connection,
    device: &DeviceAuth,
    cursor: u64,
    limit: usize,
) -> Result<PullPage> {
    let limit = limit.clamp(1, MAX_PAGE_FIELDS);
    // Every device pulls its own area, administrators' too: nobody's phone carries the province.
    // The area is the leading column of the index the query walks, so a page costs the same
    // whatever else the server holds.
    let column = area_field(device.area.kind);
    let scope = format!("{column} = ?2");
    // A page ends on a sequence boundary: fields re-stamped together (a moved case) share one
    // sequence number and must travel in the same page, or the next cursor would skip them.
    let boundary_sql = format!(
        "SELECT seq FROM field_state WHERE seq > ?1 AND {scope} ORDER BY seq LIMIT 1 OFFSET ?3"
    );
    let cursor_param = i64::try_from(cursor).unwrap_or(i64::MAX);
    let boundary: Option<i64> = conn
        .prepare_cached(&boundary_sql)?
        .query_row(
            params![cursor_param, device.area.code, limit as i64 - 1],
            |r| r.get(0),
        )
        .optional()?;
    let sql = format!(
        "SELECT record_id, kind, field, state, seq FROM field_state
         WHERE seq > ?1 AND seq <= ?3 AND {scope} ORDER BY seq"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        params![cursor_param, device.area.code, boundary.unwrap_or(i64::MAX)],
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, u64>(4)?,
            ))
        },
    )?;
    let mut records: Vec<RemoteRecord<Box<RawValue>>> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut last_seq = cursor;
    let mut count = 0;
    for row in rows {
        let (record_id, kind, field, state, seq) = row?;
        count += 1;
        last_seq = last_seq.max(seq);
        let state = RawValue::from_string(state)?;
        let slot = match index.get(&record_id) {
            Some(&slot) => slot,
            None => {
                // Only kinds that passed `vet` are ever stored: anything else is a damaged file.
                let kind = RecordKind::parse(&kind).ok_or_else(|| {
                    StorageError::Corrupt("a stored field state has an unknown record kind".into())
                })?;
                index.insert(record_id.clone(), records.len());
                records.push(RemoteRecord {
                    record_id,
                    kind,
                    fields: Vec::new(),
                });
                records.len() - 1
            }
        };
        records[slot].fields.push((field, state));
    }
    let has_more = boundary.is_some() && count > 0;
    let head: u64 = meta::get_number(conn, SEQ)?.unwrap_or(0);
    let upper = if has_more {
        last_seq
    } else {
        head.max(last_seq)
    };
    let old_column = match device.area.kind {
        AreaKind::Commune => "old_commune",
        AreaKind::Province => "old_province",
        AreaKind::Facility => "old_facility",
    };
    let evicted_sql = format!(
        "SELECT DISTINCT se.record_id FROM scope_event se JOIN record r ON r.id = se.record_id
         WHERE se.seq > ?1 AND se.seq <= ?2 AND se.{old_column} = ?3 AND (r.{column} IS NULL OR r.{column} != ?3)"
    );
    let upper_param = i64::try_from(upper).unwrap_or(i64::MAX);
    let evicted: Vec<String> = conn
        .prepare_cached(&evicted_sql)?
        .query_map(params![cursor_param, upper_param, device.area.code], |r| {
            r.get(0)
        })?
        .collect::<std::result::Result<_, _>>()?;
    let next_cursor = upper.max(cursor.min(head));
    let remaining = if has_more {
        remaining_after(conn, &scope, next_cursor, &device.area.code)?
    } else {
        0
    };
    Ok(PullResponse {
        records,
        evicted,
        next_cursor,
        has_more,
        remaining: Some(remaining),
        server_time_millis: 0,
    })
}

/// The field values of the scope after `cursor`, counted on the same `(area, seq)` index the pages
/// walk, for the device's progress bar.
fn remaining_after(conn: &Connection, scope: &str, cursor: u64, area_code: &str) -> Result<u64> {
    let sql = format!("SELECT count(*) FROM field_state WHERE seq > ?1 AND {scope}");
    let cursor = i64::try_from(cursor).unwrap_or(i64::MAX);
    let count: i64 = conn
        .prepare_cached(&sql)?
        .query_row(params![cursor, area_code], |r| r.get(0))?;
    Ok(u64::try_from(count).unwrap_or(0))
}
