//! A pull in the SQLite backend: a page of the device's own area after its cursor, walking the
//! `(area, seq)` index, with the field states sent as the JSON stored. Sensitive fields the device's
//! user may not read are withheld: named in the page so the device drops any copy, never sent.

use super::SEQ;
use super::access::Reader;
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
    let cursor_param = i64::try_from(cursor).unwrap_or(i64::MAX);
    let boundary = page_boundary(conn, device, cursor_param, limit)?;
    let reader = Reader::of(conn, device)?;
    let page = page_rows(conn, device, &reader, cursor_param, boundary)?;
    let has_more = boundary.is_some() && page.count > 0;
    let head: u64 = meta::get_number(conn, SEQ)?.unwrap_or(0);
    let last_seq = page.last_seq.max(cursor);
    let upper = if has_more {
        last_seq
    } else {
        head.max(last_seq)
    };
    let evicted = evictions(conn, device, cursor_param, upper)?;
    let next_cursor = upper.max(cursor.min(head));
    Ok(PullResponse {
        records: page.records,
        withheld: page.withheld,
        evicted,
        next_cursor,
        has_more,
        // Counted on request (`Storage::remaining`); nothing is left after the last page.
        remaining: (!has_more).then_some(0),
        server_time_millis: 0,
        devices: Vec::new(),
    })
}

/// The field values of the device's area after `cursor`, counted on the same `(area, seq)` index the
/// pages walk, for the device's progress bar (withheld ones included: the device counts them as done).
pub(super) fn remaining_after(conn: &Connection, device: &DeviceAuth, cursor: u64) -> Result<u64> {
    let column = area_field(device.area.kind);
    let sql = format!("SELECT count(*) FROM field_state WHERE seq > ?1 AND {column} = ?2");
    let cursor = i64::try_from(cursor).unwrap_or(i64::MAX);
    let count: i64 = conn
        .prepare_cached(&sql)?
        .query_row(params![cursor, device.area.code], |r| r.get(0))?;
    Ok(u64::try_from(count).unwrap_or(0))
}

/// The last sequence number of the page: a page ends on a sequence boundary, because fields re-stamped
/// together (a moved case) share one sequence number and must travel in the same page, or the next
/// cursor would skip them. `None`: the rest of the area fits in this page.
fn page_boundary(
    conn: &Connection,
    device: &DeviceAuth,
    cursor: i64,
    limit: usize,
) -> Result<Option<i64>> {
    // Every device pulls its own area, administrators' too: nobody's phone carries the province. The
    // area is the leading column of the index the query walks, so a page costs the same whatever else
    // the server holds.
    let column = area_field(device.area.kind);
    let sql = format!(
        "SELECT seq FROM field_state WHERE seq > ?1 AND {column} = ?2 ORDER BY seq LIMIT 1 OFFSET ?3"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![cursor, device.area.code, limit as i64 - 1], |r| {
            r.get(0)
        })
        .optional()?)
}

struct Page {
    records: Vec<RemoteRecord<Box<RawValue>>>,
    withheld: Vec<(String, String)>,
    last_seq: u64,
    count: usize,
}

fn page_rows(
    conn: &Connection,
    device: &DeviceAuth,
    reader: &Reader,
    cursor: i64,
    boundary: Option<i64>,
) -> Result<Page> {
    let column = area_field(device.area.kind);
    let sql = format!(
        "SELECT record_id, kind, field, state, seq, sensitive, case_id FROM field_state
         WHERE seq > ?1 AND seq <= ?3 AND {column} = ?2 ORDER BY seq"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params![
        cursor,
        device.area.code,
        boundary.unwrap_or(i64::MAX)
    ])?;
    let mut page = Page {
        records: Vec::new(),
        withheld: Vec::new(),
        last_seq: 0,
        count: 0,
    };
    let mut index: HashMap<String, usize> = HashMap::new();
    while let Some(row) = rows.next()? {
        let (record_id, field): (String, String) = (row.get(0)?, row.get(2)?);
        page.count += 1;
        page.last_seq = page.last_seq.max(row.get::<_, u64>(4)?);
        let sensitive: bool = row.get(5)?;
        if sensitive && !reader.may_read(row.get::<_, Option<String>>(6)?.as_deref()) {
            page.withheld.push((record_id, field));
            continue;
        }
        let state = RawValue::from_string(row.get(3)?)?;
        let slot = match index.get(&record_id) {
            Some(&slot) => slot,
            None => {
                // Only kinds that passed vetting are ever stored: anything else is a damaged file.
                let kind = RecordKind::parse(&row.get::<_, String>(1)?).ok_or_else(|| {
                    StorageError::Corrupt("a stored field state has an unknown record kind".into())
                })?;
                index.insert(record_id.clone(), page.records.len());
                page.records.push(RemoteRecord {
                    record_id,
                    kind,
                    fields: Vec::new(),
                });
                page.records.len() - 1
            }
        };
        page.records[slot].fields.push((field, state));
    }
    Ok(page)
}

/// Records that left the device's area between the cursor and `upper`.
fn evictions(
    conn: &Connection,
    device: &DeviceAuth,
    cursor: i64,
    upper: u64,
) -> Result<Vec<String>> {
    let column = area_field(device.area.kind);
    let old_column = match device.area.kind {
        AreaKind::Commune => "old_commune",
        AreaKind::Province => "old_province",
        AreaKind::Facility => "old_facility",
    };
    let sql = format!(
        "SELECT DISTINCT se.record_id FROM scope_event se JOIN record r ON r.id = se.record_id
         WHERE se.seq > ?1 AND se.seq <= ?2 AND se.{old_column} = ?3 AND (r.{column} IS NULL OR r.{column} != ?3)"
    );
    let upper = i64::try_from(upper).unwrap_or(i64::MAX);
    Ok(conn
        .prepare_cached(&sql)?
        .query_map(params![cursor, upper, device.area.code], |r| r.get(0))?
        .collect::<std::result::Result<_, _>>()?)
}
