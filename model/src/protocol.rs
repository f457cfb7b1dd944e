//! Wire types of the sync protocol, version 1. Bodies are JSON; requests and responses may be
//! compressed with zstd (`Content-Encoding: zstd`). Every error body is [`ErrorBody`].

use crate::admin_units::AdminUnits;
use crate::area::{Area, AreaKind};
use crate::domain::config::Config;
use crate::domain::oversight::DeviceSync;
use crate::i18n::Localized;
use crate::merge::FieldState;
use crate::op::FieldOp;
use crate::op::RecordKind;
use crate::role::Role;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub const PROTOCOL_VERSION: u32 = 1;
/// At most this many ops in one push.
pub const MAX_OPS_PER_PUSH: usize = 1_000;
/// At most this many bytes in one request body, after decompression.
pub const MAX_BODY_BYTES: usize = 2_500_000;
/// At most this many field values in one pull page.
pub const MAX_PAGE_FIELDS: usize = 20_000;

/// At most this many bytes in one photo's full image (the device sends 1600 px JPEGs of ~300 KB).
pub const MAX_PHOTO_BYTES: u64 = 8 * 1024 * 1024;
/// At most this many bytes in one upload chunk.
pub const MAX_CHUNK_BYTES: usize = 1024 * 1024;

/// Where the server stands with a photo's full image: the answer of `GET /v1/photos/{id}/upload` and of
/// every chunk sent. The image is named by the photo record's `blob` field (its SHA-256) and its size by
/// `blob_bytes`; `received` bytes from the start are held, and `complete` once the whole image arrived
/// and matched its hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadStatus {
    pub blob: String,
    pub size: u64,
    pub received: u64,
    pub complete: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnrollRequest {
    pub code: String,
    pub device_id: String,
    pub device_name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnrollResponse {
    pub token: String,
    pub user_id: String,
    pub role: Role,
    pub area: Area,
    pub server_time_millis: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PushRequest {
    pub ops: Vec<FieldOp>,
    /// The device's outbox as it sends this push (optional: older devices do not send it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outbox: Option<OutboxReport>,
}

/// What a device reports of its outbox when it syncs, so that approvers and provincial officers see
/// whose work is still on a phone. Sent with each push (the ops of that push included) and as the
/// `pending_ops` and `oldest_unsent_millis` parameters of a pull (what is left after the push).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxReport {
    /// Ops recorded on the device and not yet acknowledged by the server.
    pub pending_ops: u64,
    /// Device time (Unix ms, the clock's `millis`) of the oldest of them; absent when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oldest_unsent_millis: Option<u64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptStatus {
    Accepted,
    /// Already received earlier (a retried push): nothing changed.
    Duplicate,
    Rejected,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Receipt {
    pub op_id: String,
    pub status: ReceiptStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Localized>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PushResponse {
    pub receipts: Vec<Receipt>,
    pub server_time_millis: u64,
}

/// A page of the device's scope. `S` is how each field state travels: decoded on devices, the stored
/// JSON on the server (see [`RemoteRecord`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PullResponse<S = FieldState> {
    pub records: Vec<RemoteRecord<S>>,
    /// Sensitive fields (record id, field) this device's user may not read: never sent; a device that
    /// holds a copy (its user managed the case before) drops it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub withheld: Vec<(String, String)>,
    /// Records that left this device's scope since the cursor: remove them.
    pub evicted: Vec<String>,
    pub next_cursor: u64,
    pub has_more: bool,
    /// Field values of the scope after `next_cursor` when the page was read: how far the device is
    /// from the head, for its progress bar. An estimate (writes after the page add to it); absent
    /// from servers that predate it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining: Option<u64>,
    pub server_time_millis: u64,
    /// On the last page of an approver's, provincial officer's or administrator's pull: what the server
    /// knows of the sync of each device of their area, so that their tablet shows it offline.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub devices: Vec<DeviceSync>,
}

/// A record as pulled: its kind and the state of each field. Devices decode each state into a
/// [`FieldState`]; the server sends the JSON it stored as it is (`S` = raw JSON), without decoding it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RemoteRecord<S = FieldState> {
    pub record_id: String,
    pub kind: RecordKind,
    pub fields: Vec<(String, S)>,
}

/// What the device already has of the data its area shares: `GET /v1/reference` answers with what is
/// newer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct KnownReference {
    /// The version of the configuration the device holds (0: the defaults).
    #[serde(default)]
    pub config_version: u64,
    /// The version of the administrative units the device holds (empty: the bundled list).
    #[serde(default)]
    pub units_version: String,
}

/// Data a device's area shares, sent when newer than what the device holds.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ReferenceUpdate {
    /// The configuration of what the law leaves open for the device's province or facility.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<AreaConfig>,
    /// A newer list of administrative units, already in force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_units: Option<AdminUnitsUpdate>,
    /// Periodic reports of the device's area already produced (`2026-H1`, `2026`): their deadlines are
    /// met.
    #[serde(default)]
    pub produced_reports: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AreaConfig {
    pub version: u64,
    pub config: Config,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminUnitsUpdate {
    /// The day the list takes effect (e.g. a resolution merging communes); the server sends it from then.
    pub effective: NaiveDate,
    pub units: AdminUnits,
}

/// Sets the configuration of a province or facility (admin token).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SetConfig {
    pub area: Area,
    pub config: Config,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: Localized,
}

/// Area and user set-up through HTTP, for tools holding an admin token.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreateArea {
    pub kind: AreaKind,
    pub code: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreateUser {
    pub name: String,
    pub role: Role,
    pub area: Area,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreatedUser {
    pub user_id: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IssueCode {
    pub user_id: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IssuedCode {
    pub code: String,
    pub expires_at_millis: u64,
}

/// zstd level for bodies: fast enough for a phone, good on repetitive JSON.
pub const ZSTD_LEVEL: i32 = 6;

pub fn compress(bytes: &[u8]) -> Vec<u8> {
    zstd::bulk::compress(bytes, ZSTD_LEVEL).expect("in-memory compression cannot fail")
}

/// Decompresses a body, refusing one that would grow past `limit` bytes (a zip bomb stays small).
pub fn decompress(bytes: &[u8], limit: usize) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut out = Vec::new();
    let decoder = zstd::stream::read::Decoder::new(bytes)?;
    decoder.take(limit as u64 + 1).read_to_end(&mut out)?;
    if out.len() > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "body larger than the limit",
        ));
    }
    Ok(out)
}
