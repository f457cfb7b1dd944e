//! Photos in the PostgreSQL backend, as `sqlite/photos.rs`: what a photo record says about its image
//! for the blob endpoints, decided with the pull's own rules (the record's area, and for a sensitive
//! photo the case's managers and approvers), and each device's photo bytes per day against its quota.

use super::pull::Reader;
use crate::storage::{DeviceAuth, PhotoBlob, Refusal, Result};
use hoso_model::merge::FieldState;
use hoso_model::op::RecordKind;
use hoso_model::schema::photo_fields;
use hoso_model::scope::{Placement, check_existing};
use postgres::{Client, Transaction};

pub(super) fn photo_blob(
    client: &mut Client,
    device: &DeviceAuth,
    photo_id: &str,
) -> Result<PhotoBlob> {
    let mut tx = client.build_transaction().read_only(true).start()?;
    let row = tx.query_opt(
        "SELECT kind, commune_code, province_code, facility_id, case_id, photo_sensitive
         FROM record WHERE id = $1",
        &[&photo_id],
    )?;
    let Some(row) = row else {
        return Err(Refusal::UnknownPhoto.into());
    };
    if row.get::<_, String>(0) != RecordKind::Photo.as_str() {
        return Err(Refusal::UnknownPhoto.into());
    }
    let placement = Placement {
        commune: row.get(1),
        province: row.get(2),
        facility: row.get(3),
    };
    if !placement.is_placed() || check_existing(&device.area, &placement).is_err() {
        return Err(Refusal::OutOfScope.into());
    }
    let case_id: Option<String> = row.get(4);
    let sensitive: bool = row.get(5);
    let readable = !sensitive || Reader::of(&mut tx, device)?.may_read(case_id.as_deref());
    let blob = PhotoBlob {
        blob: winner(&mut tx, photo_id, photo_fields::BLOB)?
            .and_then(|v| v.as_str().map(str::to_string)),
        size: winner(&mut tx, photo_id, photo_fields::BLOB_BYTES)?.and_then(|v| v.as_u64()),
        readable,
    };
    tx.commit()?;
    Ok(blob)
}

/// The winning value of a field, if it has one.
fn winner(
    tx: &mut Transaction<'_>,
    record_id: &str,
    field: &str,
) -> Result<Option<serde_json::Value>> {
    let row = tx.query_opt(
        "SELECT state FROM field_state WHERE record_id = $1 AND field = $2",
        &[&record_id, &field],
    )?;
    Ok(match row {
        Some(row) => serde_json::from_str::<FieldState>(row.get(0))?
            .value()
            .cloned(),
        None => None,
    })
}

pub(super) fn charge_upload(
    client: &mut Client,
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
    let charged = client.execute(
        "INSERT INTO photo_upload_usage (device_id, day, bytes) VALUES ($1, $2, $3)
         ON CONFLICT (device_id, day) DO UPDATE SET bytes = photo_upload_usage.bytes + excluded.bytes
         WHERE photo_upload_usage.bytes + excluded.bytes <= $4",
        &[&device_id, &day, &bytes, &quota],
    )?;
    Ok(charged == 1)
}
