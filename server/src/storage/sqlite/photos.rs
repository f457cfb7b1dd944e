//! Photos in the SQLite backend: what a photo record says about its image for the blob endpoints,
//! decided with the pull's own rules (the record's area, and for a sensitive photo the case's managers
//! and approvers), and each device's photo bytes per day against its quota.

use super::access::Reader;
use super::placement_from_row;
use crate::storage::{DeviceAuth, PhotoBlob, Refusal, Result};
use hoso_model::merge::FieldState;
use hoso_model::op::RecordKind;
use hoso_model::schema::photo_fields;
use hoso_model::scope::check_existing;
use rusqlite::{Connection, OptionalExtension, params};

pub(super) fn photo_blob(
    conn: &Connection,
    device: &DeviceAuth,
    photo_id: &str,
) -> Result<PhotoBlob> {
    let row = conn
        .prepare_cached(
            "SELECT kind, commune_code, province_code, facility_id, case_id, photo_sensitive
             FROM record WHERE id = ?1",
        )?
        .query_row([photo_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                placement_from_row(r, 1)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, bool>(5)?,
            ))
        })
        .optional()?;
    let Some((kind, placement, case_id, sensitive)) = row else {
        return Err(Refusal::UnknownPhoto.into());
    };
    if kind != RecordKind::Photo.as_str() {
        return Err(Refusal::UnknownPhoto.into());
    }
    if !placement.is_placed() || check_existing(&device.area, &placement).is_err() {
        return Err(Refusal::OutOfScope.into());
    }
    let readable = !sensitive || Reader::of(conn, device)?.may_read(case_id.as_deref());
    Ok(PhotoBlob {
        blob: winner(conn, photo_id, photo_fields::BLOB)?
            .and_then(|v| v.as_str().map(str::to_string)),
        size: winner(conn, photo_id, photo_fields::BLOB_BYTES)?.and_then(|v| v.as_u64()),
        readable,
    })
}

/// The winning value of a field, if it has one.
fn winner(conn: &Connection, record_id: &str, field: &str) -> Result<Option<serde_json::Value>> {
    let state: Option<String> = conn
        .prepare_cached("SELECT state FROM field_state WHERE record_id = ?1 AND field = ?2")?
        .query_row(params![record_id, field], |r| r.get(0))
        .optional()?;
    Ok(match state {
        Some(text) => serde_json::from_str::<FieldState>(&text)?.value().cloned(),
        None => None,
    })
}

pub(super) fn charge_upload(
    conn: &Connection,
    device_id: &str,
    day: &str,
    bytes: u64,
    quota: u64,
) -> Result<bool> {
    let bytes = i64::try_from(bytes).unwrap_or(i64::MAX);
    let quota = if quota == 0 {
        i64::MAX
    } else {
        i64::try_from(quota).unwrap_or(i64::MAX)
    };
    if bytes > quota {
        return Ok(false);
    }
    let charged = conn
        .prepare_cached(
            "INSERT INTO photo_upload_usage (device_id, day, bytes) VALUES (?1, ?2, ?3)
             ON CONFLICT(device_id, day) DO UPDATE SET bytes = bytes + ?3 WHERE bytes + ?3 <= ?4",
        )?
        .execute(params![device_id, day, bytes, quota])?;
    Ok(charged == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_is_charged_up_to_its_quota_and_each_day_starts_afresh() {
        let conn = Connection::open_in_memory().expect("database");
        hoso_sqlite::migrate::migrate(&conn, super::super::MIGRATIONS).expect("schema");
        assert!(charge_upload(&conn, "d", "2026-11-27", 600, 1000).expect("charge"));
        assert!(charge_upload(&conn, "d", "2026-11-27", 400, 1000).expect("charge"));
        assert!(!charge_upload(&conn, "d", "2026-11-27", 1, 1000).expect("over"));
        assert!(charge_upload(&conn, "e", "2026-11-27", 1000, 1000).expect("another device"));
        assert!(charge_upload(&conn, "d", "2026-11-28", 1000, 1000).expect("another day"));
        assert!(!charge_upload(&conn, "f", "2026-11-28", 1001, 1000).expect("one chunk over"));
        assert!(charge_upload(&conn, "f", "2026-11-28", u64::MAX / 2, 0).expect("no limit"));
    }
}
