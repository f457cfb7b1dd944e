//! A record as the domain sees it: a kind and its current field values (the merge winners).

use crate::op::{RecordKind, Value};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A record's current values (the winners of each field).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub id: String,
    pub kind: RecordKind,
    pub deleted: bool,
    pub fields: BTreeMap<String, Value>,
}

impl Record {
    pub fn text(&self, field: &str) -> Option<&str> {
        self.fields
            .get(field)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }
}
