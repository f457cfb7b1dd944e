//! The field-level operation: the unit of change, of sync and of audit.
//!
//! Every local change to a record is one [`FieldOp`] per changed field, written in the same transaction
//! as the change. Ops are immutable once made; sync ships them, the server keeps all of them as the
//! audit trail, and [`crate::merge`] folds them into field state.

use crate::hlc::Hlc;
use serde::{Deserialize, Serialize};

/// Field values are JSON: text, numbers, booleans, dates as ISO strings, lists for repeat groups.
/// `Null` clears a field.
pub type Value = serde_json::Value;

/// The reserved field whose `true` value is a record's tombstone.
pub const DELETED_FIELD: &str = "_deleted";

/// Kinds of record. Stable wire names: never rename one, only add.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Household,
    Person,
    Case,
    /// One filled form (Mẫu 01–06 or another definition) belonging to a case.
    Form,
    /// A household visit note (Mẫu 05 progress record).
    Visit,
    Referral,
    Consent,
    /// A photo's metadata; its bytes travel separately.
    Photo,
}

impl RecordKind {
    pub const ALL: [RecordKind; 8] = [
        RecordKind::Household,
        RecordKind::Person,
        RecordKind::Case,
        RecordKind::Form,
        RecordKind::Visit,
        RecordKind::Referral,
        RecordKind::Consent,
        RecordKind::Photo,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Household => "household",
            RecordKind::Person => "person",
            RecordKind::Case => "case",
            RecordKind::Form => "form",
            RecordKind::Visit => "visit",
            RecordKind::Referral => "referral",
            RecordKind::Consent => "consent",
            RecordKind::Photo => "photo",
        }
    }

    pub fn parse(text: &str) -> Option<RecordKind> {
        RecordKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldOp {
    /// Client-generated UUIDv7; pushes are idempotent by this id.
    pub op_id: String,
    pub record_id: String,
    pub kind: RecordKind,
    pub field: String,
    pub value: Value,
    pub hlc: Hlc,
    /// The versions of this field the author had seen and replaces: normally the one current value,
    /// plus any conflicting values when the op resolves a conflict. Empty for a first write.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supersedes: Vec<Hlc>,
    pub device_id: String,
    /// The user who made the change (audit trail).
    pub author: String,
}

/// The wire form of a [`FieldOp`]: a JSON object (never an array of its fields).
#[derive(Deserialize)]
struct FieldOpObject {
    op_id: String,
    record_id: String,
    kind: RecordKind,
    field: String,
    value: Value,
    hlc: Hlc,
    #[serde(default)]
    supersedes: Vec<Hlc>,
    device_id: String,
    author: String,
}

impl<'de> Deserialize<'de> for FieldOp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<FieldOp, D::Error> {
        let FieldOpObject {
            op_id,
            record_id,
            kind,
            field,
            value,
            hlc,
            supersedes,
            device_id,
            author,
        } = crate::wire::from_object(deserializer, "a field op object")?;
        Ok(FieldOp {
            op_id,
            record_id,
            kind,
            field,
            value,
            hlc,
            supersedes,
            device_id,
            author,
        })
    }
}

/// Limits a field name so that a crafted op cannot bloat every replica.
pub const MAX_FIELD_NAME_LEN: usize = 64;
/// Limits one field value's JSON size (a long visit note fits many times over).
pub const MAX_VALUE_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpShapeError {
    #[error("record id is not a UUID")]
    BadRecordId,
    #[error("op id is not a UUID")]
    BadOpId,
    #[error("field name is empty, too long or has characters other than a-z, 0-9, '_' and '.'")]
    BadFieldName,
    #[error("field value is larger than {MAX_VALUE_BYTES} bytes")]
    ValueTooLarge,
    #[error("an op cannot supersede itself or a later version")]
    BadSupersedes,
}

impl FieldOp {
    /// Checks what can be checked on an op alone (no state): ids, field name, value size, causality.
    pub fn check_shape(&self) -> Result<(), OpShapeError> {
        uuid::Uuid::parse_str(&self.record_id).map_err(|_| OpShapeError::BadRecordId)?;
        uuid::Uuid::parse_str(&self.op_id).map_err(|_| OpShapeError::BadOpId)?;
        if !is_valid_field_name(&self.field) {
            return Err(OpShapeError::BadFieldName);
        }
        if serde_json::to_vec(&self.value)
            .map(|v| v.len())
            .unwrap_or(usize::MAX)
            > MAX_VALUE_BYTES
        {
            return Err(OpShapeError::ValueTooLarge);
        }
        if self.supersedes.iter().any(|seen| *seen >= self.hlc) {
            return Err(OpShapeError::BadSupersedes);
        }
        Ok(())
    }
}

pub fn is_valid_field_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_FIELD_NAME_LEN
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.')
}

/// A new UUIDv7 (time-ordered, so ids created on one device sort by creation).
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
