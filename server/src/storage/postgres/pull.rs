//! A pull in the PostgreSQL backend: a page of the device's own area after its cursor, walking the
//! `(area, seq)` index, with the field states sent as the JSON stored; sensitive fields the device's user
//! may not read are withheld (named, never sent), as in `sqlite/pull.rs`. One repeatable-read snapshot:
//! the page, the horizon and the evictions agree even while other processes push; no page passes the
//! horizon (`ordering`), below which every push has committed or never will.

use super::ordering;
use crate::storage::{DeviceAuth, PullPage, Result, StorageError};
use hoso_model::area::AreaKind;
use hoso_model::op::RecordKind;
use hoso_model::protocol::{MAX_PAGE_FIELDS, PullResponse, RemoteRecord};
use hoso_model::schema::area_field;
use postgres::types::Type;
use postgres::{Client, IsolationLevel, Transaction};
use serde_json::value::RawValue;
use std::collections::{HashMap, HashSet};

/// Snapshots a pull may take before it settles for a horizon held back by a transaction that ended.
const SNAPSHOT_TRIES: u32 = 3;

pub(super) fn pull(
    client: &mut Client,
    device: &DeviceAuth,
    cursor: u64,
    limit: usize,
) -> Result<PullPage> {
    let mut attempt = 1;
    loop {
        let mut tx = client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?;
        let horizon = ordering::horizon(&mut tx)?;
        if horizon.settled || attempt == SNAPSHOT_TRIES {
            return page(tx, device, cursor, limit, horizon.seq);
        }
        tx.rollback()?;
        attempt += 1;
    }
}

/// The page after `cursor`, read in the snapshot of `tx`, never past `horizon`.
fn page(
    mut tx: Transaction<'_>,
    device: &DeviceAuth,
    cursor: u64,
    limit: usize,
    horizon: i64,
) -> Result<PullPage> {
    let limit = limit.clamp(1, MAX_PAGE_FIELDS) as i64;
    let column = area_field(device.area.kind);
    let cursor_param = i64::try_from(cursor).unwrap_or(i64::MAX);
    let code = device.area.code.as_str();
    // A page ends on a sequence boundary: fields re-stamped together (a moved case) share one
    // sequence number and must travel in the same page, or the next cursor would skip them.
    let boundary: Option<i64> = tx
        .query_typed_opt(
            &format!(
                "SELECT seq FROM field_state WHERE {column} = $2 AND seq > $1 AND seq <= $4
                 ORDER BY seq LIMIT 1 OFFSET $3"
            ),
            &[
                (&cursor_param, Type::INT8),
                (&code, Type::TEXT),
                (&(limit - 1), Type::INT8),
                (&horizon, Type::INT8),
            ],
        )?
        .map(|row| row.get(0));
    let rows = tx.query_typed(
        &format!(
            "SELECT record_id, kind, field, state, seq, sensitive, case_id FROM field_state
             WHERE {column} = $2 AND seq > $1 AND seq <= $3 ORDER BY seq"
        ),
        &[
            (&cursor_param, Type::INT8),
            (&code, Type::TEXT),
            (&boundary.unwrap_or(horizon), Type::INT8),
        ],
    )?;
    let reader = Reader::of(&mut tx, device)?;
    let (records, withheld, last_seq) = group(&rows, &reader, cursor)?;
    let has_more = boundary.is_some() && !rows.is_empty();
    // Not the horizon itself, which moves with every transaction: a pull that finds nothing new
    // answers the same cursor again, whatever other areas and requests did meanwhile.
    let horizon = u64::try_from(horizon).unwrap_or(0);
    let head = area_head(&mut tx, device, horizon)?.max(cursor.min(horizon));
    let upper = if has_more {
        last_seq
    } else {
        head.max(last_seq)
    };
    let evicted = evicted(&mut tx, device, cursor_param, upper)?;
    let next_cursor = upper.max(cursor.min(head));
    tx.commit()?;
    Ok(PullResponse {
        records,
        withheld,
        evicted,
        next_cursor,
        has_more,
        // Counted on request (`Storage::remaining`); nothing is left after the last page.
        remaining: (!has_more).then_some(0),
        server_time_millis: 0,
        // Filled by the API for those who oversee the area (`docs/protocol.md`).
        devices: Vec::new(),
    })
}

/// How far the device still is from the head, for its progress bar (withheld fields included: the
/// device counts them as done), on the same (area, seq) index the pages walk.
pub(super) fn remaining_after(
    client: &mut Client,
    device: &DeviceAuth,
    cursor: u64,
) -> Result<u64> {
    let column = area_field(device.area.kind);
    let after = i64::try_from(cursor).unwrap_or(i64::MAX);
    let count: i64 = client
        .query_one(
            &format!("SELECT count(*) FROM field_state WHERE {column} = $2 AND seq > $1"),
            &[&after, &device.area.code],
        )?
        .get(0);
    Ok(u64::try_from(count).unwrap_or(0))
}

type Records = Vec<RemoteRecord<Box<RawValue>>>;
/// (record id, field) of each sensitive field held back.
type Withheld = Vec<(String, String)>;

/// Which sensitive fields a device may receive: all of its area's for the chairman or facility head
/// (they approve every case there), else those of the cases its user manages.
pub(super) enum Reader {
    Approver,
    Manager(HashSet<String>),
}

impl Reader {
    pub(super) fn of(tx: &mut Transaction<'_>, device: &DeviceAuth) -> Result<Reader> {
        if device.role.may_approve() {
            return Ok(Reader::Approver);
        }
        let column = area_field(device.area.kind);
        let managed = tx
            .query_typed(
                &format!(
                    "SELECT id FROM record WHERE kind = 'case' AND {column} = $1
                     AND (manager_id = $2 OR (manager_id IS NULL AND opened_by = $2))"
                ),
                &[
                    (&device.area.code, Type::TEXT),
                    (&device.user_id, Type::TEXT),
                ],
            )?
            .iter()
            .map(|row| row.get(0))
            .collect();
        Ok(Reader::Manager(managed))
    }

    pub(super) fn may_read(&self, case_id: Option<&str>) -> bool {
        match self {
            Reader::Approver => true,
            Reader::Manager(cases) => case_id.is_some_and(|c| cases.contains(c)),
        }
    }
}

/// The rows as records, in the order of their first field; the sensitive fields withheld from this
/// reader; and the last sequence seen.
fn group(rows: &[postgres::Row], reader: &Reader, cursor: u64) -> Result<(Records, Withheld, u64)> {
    let mut records: Records = Vec::new();
    let mut withheld = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut last_seq = cursor;
    for row in rows {
        let record_id: String = row.get(0);
        last_seq = last_seq.max(row.get::<_, i64>(4) as u64);
        if row.get::<_, bool>(5) && !reader.may_read(row.get(6)) {
            withheld.push((record_id, row.get(2)));
            continue;
        }
        let state = RawValue::from_string(row.get(3))?;
        let slot = match index.get(&record_id) {
            Some(&slot) => slot,
            None => {
                let kind = RecordKind::parse(row.get(1)).ok_or_else(|| {
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
        records[slot].fields.push((row.get(2), state));
    }
    Ok((records, withheld, last_seq))
}

/// The last sequence number up to the horizon that the device's area has to see: of its fields, or
/// of a record leaving it.
fn area_head(tx: &mut Transaction<'_>, device: &DeviceAuth, horizon: u64) -> Result<u64> {
    let horizon = i64::try_from(horizon).unwrap_or(i64::MAX);
    let head: Option<i64> = tx
        .query_typed_one(
            &format!(
                "SELECT GREATEST(
                    (SELECT max(seq) FROM field_state WHERE {} = $1 AND seq <= $2),
                    (SELECT max(seq) FROM scope_event WHERE {} = $1 AND seq <= $2))",
                area_field(device.area.kind),
                old_area_column(device.area.kind)
            ),
            &[(&device.area.code, Type::TEXT), (&horizon, Type::INT8)],
        )?
        .get(0);
    Ok(head.and_then(|seq| u64::try_from(seq).ok()).unwrap_or(0))
}

fn old_area_column(kind: AreaKind) -> &'static str {
    match kind {
        AreaKind::Commune => "old_commune",
        AreaKind::Province => "old_province",
        AreaKind::Facility => "old_facility",
    }
}

/// Records that left the device's area between the cursor and `upper` and are not back in it.
fn evicted(
    tx: &mut Transaction<'_>,
    device: &DeviceAuth,
    cursor: i64,
    upper: u64,
) -> Result<Vec<String>> {
    let column = area_field(device.area.kind);
    let old_column = old_area_column(device.area.kind);
    let upper = i64::try_from(upper).unwrap_or(i64::MAX);
    Ok(tx
        .query_typed(
            &format!(
                "SELECT DISTINCT se.record_id FROM scope_event se JOIN record r ON r.id = se.record_id
                 WHERE se.seq > $1 AND se.seq <= $2 AND se.{old_column} = $3
                   AND (r.{column} IS NULL OR r.{column} != $3)"
            ),
            &[
                (&cursor, Type::INT8),
                (&upper, Type::INT8),
                (&device.area.code, Type::TEXT),
            ],
        )?
        .iter()
        .map(|row| row.get(0))
        .collect())
}
