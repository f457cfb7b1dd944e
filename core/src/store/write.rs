//! The write path: one transaction per user action; each changed field becomes a [`FieldOp`] in the
//! `op` table, merged into the field's state with the same function the server uses.

use super::{Store, Writer, meta_set};
use crate::error::{Error, Result};
use crate::fold::{digits, fold};
use crate::hlc::{Clock, Hlc};
use crate::merge::{FieldState, Version};
use crate::op::{DELETED_FIELD, FieldOp, RecordKind, Value, new_id};
use rusqlite::{OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Losers and superseded versions of a field, stored beside the inline winner only when non-empty.
#[derive(Serialize, Deserialize, Default)]
struct History {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    losers: Vec<Version>,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    superseded: BTreeSet<Hlc>,
}

pub struct WriteTx<'a> {
    tx: Transaction<'a>,
    clock: &'a mut Clock,
    device_id: &'a str,
    author: Option<&'a str>,
    now: u64,
    touched: BTreeMap<String, RecordKind>,
    touched_cases: BTreeSet<String>,
    /// Case of each child record seen in this transaction, so a record's fields look it up once.
    linked_case: std::collections::HashMap<String, Option<String>>,
    /// Records whose row exists, with their kind and the newest HLC written in this transaction.
    ensured: std::collections::HashMap<String, (RecordKind, Hlc)>,
}

impl Store {
    /// Runs one local action in one transaction. On error nothing is written and the clock is unchanged.
    pub fn write<T>(&self, action: impl FnOnce(&mut WriteTx<'_>) -> Result<T>) -> Result<T> {
        let now = self.now_millis();
        let mut guard = self.lock_writer();
        let Writer {
            conn,
            clock,
            identity,
        } = &mut *guard;
        let clock_before = clock.clone();
        let tx = conn.transaction()?;
        let mut write = WriteTx {
            tx,
            clock,
            device_id: &identity.device_id,
            author: identity.user_id.as_deref(),
            now,
            touched: BTreeMap::new(),
            touched_cases: BTreeSet::new(),
            linked_case: std::collections::HashMap::new(),
            ensured: std::collections::HashMap::new(),
        };
        let outcome = action(&mut write).and_then(|value| write.finish().map(|()| value));
        match outcome {
            Ok(value) => {
                write.tx.commit()?;
                Ok(value)
            }
            Err(error) => {
                drop(write);
                guard.clock = clock_before;
                Err(error)
            }
        }
    }
}

impl WriteTx<'_> {
    pub fn now_millis(&self) -> u64 {
        self.now
    }

    pub fn author(&self) -> Result<&str> {
        self.author.ok_or_else(|| {
            Error::not_allowed(
                "Thiết bị chưa được đăng ký cho người dùng nào: hãy đăng nhập trước khi ghi.",
                "This device is not enrolled for a user yet: sign in before recording.",
            )
        })
    }

    /// Sets a field as an ordinary edit (it supersedes the value the user saw). Returns whether anything
    /// changed: writing the value the field already has makes no op, so autosave cannot flood the outbox.
    pub fn set(
        &mut self,
        record_id: &str,
        kind: RecordKind,
        field: &str,
        value: Value,
    ) -> Result<bool> {
        let state = self.field_state(record_id, field)?;
        if state.value() == Some(&value) && !state.has_conflict() {
            return Ok(false);
        }
        if state.winner.is_none() && value.is_null() {
            return Ok(false);
        }
        self.write_op(
            record_id,
            kind,
            field,
            value,
            state.supersedes_for_edit(),
            state,
        )?;
        Ok(true)
    }

    pub fn set_all(
        &mut self,
        record_id: &str,
        kind: RecordKind,
        fields: impl IntoIterator<Item = (String, Value)>,
    ) -> Result<usize> {
        let mut changed = 0;
        for (field, value) in fields {
            changed += usize::from(self.set(record_id, kind, &field, value)?);
        }
        Ok(changed)
    }

    /// Tombstones a record: it disappears from lists and search, its history stays.
    pub fn delete(&mut self, record_id: &str) -> Result<()> {
        let kind = self.kind_of(record_id)?.ok_or_else(|| Error::NotFound {
            id: record_id.to_string(),
        })?;
        self.set(record_id, kind, DELETED_FIELD, Value::Bool(true))?;
        Ok(())
    }

    /// Settles a conflict on a field by choosing `value` (the kept value, the lost one, or a new one).
    pub fn resolve_conflict(&mut self, record_id: &str, field: &str, value: Value) -> Result<()> {
        let kind = self.kind_of(record_id)?.ok_or_else(|| Error::NotFound {
            id: record_id.to_string(),
        })?;
        let state = self.field_state(record_id, field)?;
        if !state.has_conflict() {
            return Err(Error::invalid(
                "Trường này không còn xung đột để giải quyết.",
                "This field has no conflict left to resolve.",
            ));
        }
        let supersedes = state.supersedes_for_resolution();
        self.write_op(record_id, kind, field, value, supersedes, state)
    }

    fn write_op(
        &mut self,
        record_id: &str,
        kind: RecordKind,
        field: &str,
        value: Value,
        supersedes: Vec<Hlc>,
        mut state: FieldState,
    ) -> Result<()> {
        let author = self.author()?.to_string();
        let hlc = self.clock.tick(self.now)?;
        let op = FieldOp {
            op_id: new_id(),
            record_id: record_id.to_string(),
            kind,
            field: field.to_string(),
            value,
            hlc,
            supersedes,
            device_id: self.device_id.to_string(),
            author,
        };
        op.check_shape().map_err(|e| {
            Error::Invalid(crate::i18n::Localized::new(
                "Dữ liệu không hợp lệ, không thể lưu.",
                format!("Invalid data, not saved: {e}"),
            ))
        })?;
        self.ensure_record(record_id, kind, hlc)?;
        state.merge(&op);
        self.save_state(record_id, field, &state)?;
        let supersedes_text: Vec<String> = op.supersedes.iter().map(Hlc::encode).collect();
        self.tx
            .prepare_cached(
                "INSERT INTO op (op_id, record_id, kind, field, value, hlc, supersedes, device_id, author)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                op.op_id,
                op.record_id,
                kind.as_str(),
                op.field,
                serde_json::to_string(&op.value)?,
                hlc.encode(),
                serde_json::to_string(&supersedes_text)?,
                op.device_id,
                op.author,
            ])?;
        self.after_field_change(record_id, kind, field, &state)?;
        Ok(())
    }

    /// Merges a pulled record. A record this device has never seen is inserted whole: nothing local can
    /// collide with it, so no field is read first (what makes a fresh device's first pull fast). A
    /// known record is merged field by field. Returns how many winning values changed.
    pub fn absorb_record(&mut self, remote: &super::RemoteRecord) -> Result<usize> {
        let id = remote.record_id.as_str();
        if self.ensured.contains_key(id) || self.kind_of(id)?.is_some() {
            let mut changed = 0;
            for (field, state) in &remote.fields {
                changed += usize::from(self.absorb(id, remote.kind, field, state)?);
            }
            return Ok(changed);
        }
        self.insert_pulled_record(remote)
    }

    fn insert_pulled_record(&mut self, remote: &super::RemoteRecord) -> Result<usize> {
        let mut states: Vec<(&str, FieldState)> = Vec::with_capacity(remote.fields.len());
        for (field, incoming) in &remote.fields {
            self.observe_remote_clocks(incoming);
            // Absorbing into an empty state runs the shared merge, so the stored state is exactly what
            // the per-field path would have produced.
            let mut state = FieldState::default();
            state.absorb(incoming);
            if state.winner.is_some() {
                states.push((field, state));
            }
        }
        let Some(newest) = states
            .iter()
            .filter_map(|(_, s)| s.winner.as_ref().map(|w| w.hlc))
            .max()
        else {
            return Ok(0);
        };
        let link = |name: &str| -> Option<&str> {
            states
                .iter()
                .find(|(field, _)| *field == name)
                .and_then(|(_, s)| s.value()?.as_str())
        };
        let case_id = link("case_id").map(str::to_string);
        let deleted = states
            .iter()
            .any(|(field, s)| *field == DELETED_FIELD && s.value() == Some(&Value::Bool(true)));
        self.tx
            .prepare_cached(
                "INSERT INTO record (id, kind, case_id, household_id, deleted, updated_hlc)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                remote.record_id,
                remote.kind.as_str(),
                case_id,
                link("household_id"),
                deleted,
                newest.encode()
            ])?;
        {
            let mut insert = self.tx.prepare_cached(SAVE_FIELD)?;
            for (field, state) in &states {
                bind_field_row(&mut insert, &remote.record_id, field, state)?;
            }
        }
        // Not added to `ensured`: the row already carries its newest clock, and a later write in this
        // transaction finds the row (and checks its kind) like any other.
        self.linked_case.insert(remote.record_id.clone(), case_id);
        self.note_record_changed(&remote.record_id, remote.kind)?;
        Ok(states.len())
    }

    fn observe_remote_clocks(&mut self, remote: &FieldState) {
        for version in remote.winner.iter().chain(remote.losers.iter()) {
            self.clock.observe_checked_remote(version.hlc);
        }
    }

    /// Merges another replica's state of a field (from a pull). Returns whether the winning value changed.
    pub fn absorb(
        &mut self,
        record_id: &str,
        kind: RecordKind,
        field: &str,
        remote: &FieldState,
    ) -> Result<bool> {
        self.observe_remote_clocks(remote);
        let mut state = self.field_state(record_id, field)?;
        let before = state.clone();
        state.absorb(remote);
        if state == before {
            return Ok(false);
        }
        let newest = state
            .winner
            .as_ref()
            .map(|w| w.hlc)
            .unwrap_or(Hlc::new(0, 0, 0));
        self.ensure_record(record_id, kind, newest)?;
        self.save_state(record_id, field, &state)?;
        self.after_field_change(record_id, kind, field, &state)?;
        Ok(before.value() != state.value())
    }

    pub(crate) fn set_pull_cursor(&self, cursor: u64) -> Result<()> {
        meta_set(&self.tx, "pull_cursor", &cursor.to_string())
    }

    /// Removes a record and everything stored about it from this device (it left the device's scope).
    pub fn evict(&mut self, record_id: &str) -> Result<()> {
        for sql in [
            "DELETE FROM field WHERE record_id = ?1",
            "DELETE FROM record WHERE id = ?1",
            "DELETE FROM search_index WHERE rowid = (SELECT id FROM search_doc WHERE record_id = ?1)",
            "DELETE FROM search_doc WHERE record_id = ?1",
            "DELETE FROM person_key WHERE record_id = ?1",
        ] {
            self.tx.prepare_cached(sql)?.execute([record_id])?;
        }
        self.touched.remove(record_id);
        self.ensured.remove(record_id);
        self.linked_case.remove(record_id);
        Ok(())
    }

    pub fn field_state(&self, record_id: &str, field: &str) -> Result<FieldState> {
        read_field_state(&self.tx, record_id, field)
    }

    fn save_state(&mut self, record_id: &str, field: &str, state: &FieldState) -> Result<()> {
        let mut statement = self.tx.prepare_cached(SAVE_FIELD)?;
        bind_field_row(&mut statement, record_id, field, state)
    }

    pub fn kind_of(&self, record_id: &str) -> Result<Option<RecordKind>> {
        let kind: Option<String> = self
            .tx
            .prepare_cached("SELECT kind FROM record WHERE id = ?1")?
            .query_row([record_id], |row| row.get(0))
            .optional()?;
        Ok(kind.and_then(|k| RecordKind::parse(&k)))
    }

    /// The current fields of a record as this transaction sees them.
    pub fn record(&self, record_id: &str) -> Result<Option<super::Record>> {
        super::read::load_record(&self.tx, record_id)
    }

    /// Makes sure the record row exists with this kind. Checked once per record per transaction; the
    /// row's newest HLC is written at commit.
    fn ensure_record(&mut self, record_id: &str, kind: RecordKind, hlc: Hlc) -> Result<()> {
        if let Some((known_kind, newest)) = self.ensured.get_mut(record_id) {
            if *known_kind != kind {
                return Err(kind_mismatch());
            }
            *newest = (*newest).max(hlc);
            return Ok(());
        }
        match self.kind_of(record_id)? {
            Some(existing) if existing != kind => {
                return Err(kind_mismatch());
            }
            Some(_) => {}
            None => {
                self.tx
                    .prepare_cached(
                        "INSERT INTO record (id, kind, updated_hlc) VALUES (?1, ?2, ?3)",
                    )?
                    .execute(params![record_id, kind.as_str(), hlc.encode()])?;
            }
        }
        self.ensured.insert(record_id.to_string(), (kind, hlc));
        Ok(())
    }

    /// Keeps the denormalised link columns in step with the winning values and marks records whose
    /// search entries must be rebuilt at commit.
    fn after_field_change(
        &mut self,
        record_id: &str,
        kind: RecordKind,
        field: &str,
        state: &FieldState,
    ) -> Result<()> {
        let value = state.value().cloned().unwrap_or(Value::Null);
        let column = match field {
            "case_id" => Some("case_id"),
            "household_id" => Some("household_id"),
            DELETED_FIELD => Some("deleted"),
            _ => None,
        };
        if let Some(column) = column {
            let sql_value: rusqlite::types::Value = match (&value, column) {
                (Value::Bool(deleted), "deleted") => i64::from(*deleted).into(),
                (Value::String(link), _) => link.clone().into(),
                (_, "deleted") => 0i64.into(),
                _ => rusqlite::types::Value::Null,
            };
            self.tx
                .prepare_cached(&format!("UPDATE record SET {column} = ?2 WHERE id = ?1"))?
                .execute(params![record_id, sql_value])?;
        }
        if field == "case_id" {
            self.linked_case.remove(record_id);
        }
        self.note_record_changed(record_id, kind)
    }

    /// Marks what a change of this record makes stale: its search entries (people and households) and
    /// the summary of the case it belongs to, both rebuilt once at commit.
    fn note_record_changed(&mut self, record_id: &str, kind: RecordKind) -> Result<()> {
        if matches!(kind, RecordKind::Person | RecordKind::Household) {
            self.touched.insert(record_id.to_string(), kind);
        }
        match kind {
            RecordKind::Case => {
                self.touched_cases.insert(record_id.to_string());
            }
            RecordKind::Person => {
                let mut stmt = self
                    .tx
                    .prepare_cached("SELECT case_id FROM case_summary WHERE subject_id = ?1")?;
                let cases = stmt
                    .query_map([record_id], |row| row.get::<_, String>(0))?
                    .collect::<Result<Vec<_>, _>>()?;
                drop(stmt);
                self.touched_cases.extend(cases);
            }
            RecordKind::Household => {}
            _ if self.linked_case.contains_key(record_id) => {
                let case_id = self.linked_case[record_id].clone();
                self.touched_cases.extend(case_id);
            }
            _ => {
                let case_id: Option<String> = self
                    .tx
                    .prepare_cached("SELECT case_id FROM record WHERE id = ?1")?
                    .query_row([record_id], |row| row.get(0))
                    .optional()?
                    .flatten();
                if case_id.is_some() {
                    self.linked_case
                        .insert(record_id.to_string(), case_id.clone());
                }
                self.touched_cases.extend(case_id);
            }
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        for (record_id, (_, newest)) in std::mem::take(&mut self.ensured) {
            self.tx
                .prepare_cached(
                    "UPDATE record SET updated_hlc = max(updated_hlc, ?2) WHERE id = ?1",
                )?
                .execute(params![record_id, newest.encode()])?;
        }
        for (record_id, kind) in std::mem::take(&mut self.touched) {
            self.reindex(&record_id, kind)?;
        }
        for case_id in std::mem::take(&mut self.touched_cases) {
            self.refresh_case_summary(&case_id)?;
        }
        meta_set(&self.tx, "last_hlc", &self.clock.last().encode())?;
        Ok(())
    }

    /// Rebuilds the case's derived summary from its records (see `domain::snapshot`).
    fn refresh_case_summary(&mut self, case_id: &str) -> Result<()> {
        let case = match self.record(case_id)? {
            Some(case) if case.kind == RecordKind::Case && !case.deleted => case,
            _ => {
                self.tx
                    .prepare_cached("DELETE FROM case_summary WHERE case_id = ?1")?
                    .execute([case_id])?;
                return Ok(());
            }
        };
        let subject_id = case.text("subject_id").map(str::to_string);
        let subject = match &subject_id {
            Some(id) => self.record(id)?,
            None => None,
        };
        let children = super::read::load_children_for_summary(&self.tx, case_id)?;
        let snapshot = crate::domain::snapshot::snapshot(&case, subject.as_ref(), &children);
        self.tx
            .prepare_cached(
                "INSERT INTO case_summary (case_id, subject_id, snapshot) VALUES (?1, ?2, ?3)
                 ON CONFLICT(case_id) DO UPDATE SET subject_id = ?2, snapshot = ?3",
            )?
            .execute(params![
                case_id,
                subject_id,
                serde_json::to_string(&snapshot)?
            ])?;
        Ok(())
    }

    fn reindex(&mut self, record_id: &str, kind: RecordKind) -> Result<()> {
        self.tx
            .prepare_cached("INSERT OR IGNORE INTO search_doc (record_id) VALUES (?1)")?
            .execute([record_id])?;
        let doc: i64 = self
            .tx
            .prepare_cached("SELECT id FROM search_doc WHERE record_id = ?1")?
            .query_row([record_id], |row| row.get(0))?;
        self.tx
            .prepare_cached("DELETE FROM search_index WHERE rowid = ?1")?
            .execute([doc])?;
        self.tx
            .prepare_cached("DELETE FROM person_key WHERE record_id = ?1")?
            .execute([record_id])?;
        let Some(record) = self.record(record_id)? else {
            return Ok(());
        };
        if record.deleted {
            return Ok(());
        }
        let body = search_body(kind, &record.fields);
        if !body.is_empty() {
            self.tx
                .prepare_cached(
                    "INSERT INTO search_index (rowid, record_id, kind, body) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![doc, record_id, kind.as_str(), body])?;
        }
        if kind == RecordKind::Person {
            for key in person_keys(&record.fields) {
                self.tx
                    .prepare_cached(
                        "INSERT OR IGNORE INTO person_key (key, record_id) VALUES (?1, ?2)",
                    )?
                    .execute(params![key, record_id])?;
            }
        }
        Ok(())
    }
}

const SAVE_FIELD: &str =
    "INSERT INTO field (record_id, name, value, hlc, author, history, conflict)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
     ON CONFLICT(record_id, name) DO UPDATE SET
       value = ?3, hlc = ?4, author = ?5, history = ?6, conflict = ?7";

/// Stores a field's state: the winner inline, losers and superseded versions as JSON only when there
/// are any. A state with no winner has nothing to store.
fn bind_field_row(
    statement: &mut rusqlite::Statement<'_>,
    record_id: &str,
    field: &str,
    state: &FieldState,
) -> Result<()> {
    let Some(winner) = &state.winner else {
        return Ok(());
    };
    let history = if state.losers.is_empty() && state.superseded.is_empty() {
        None
    } else {
        Some(serde_json::to_string(&History {
            losers: state.losers.clone(),
            superseded: state.superseded.clone(),
        })?)
    };
    statement.execute(params![
        record_id,
        field,
        serde_json::to_string(&winner.value)?,
        winner.hlc.encode(),
        winner.author,
        history,
        state.has_conflict(),
    ])?;
    Ok(())
}

fn text_of<'v>(fields: &'v BTreeMap<String, Value>, name: &str) -> &'v str {
    fields.get(name).and_then(Value::as_str).unwrap_or("")
}

/// Folded names and addresses plus the digits of ID and phone numbers, so that "duc", "nguyen van",
/// "0790" or "0912" all find the person.
fn search_body(kind: RecordKind, fields: &BTreeMap<String, Value>) -> String {
    let mut parts: Vec<String> = Vec::new();
    let texts: &[&str] = match kind {
        RecordKind::Person => &["full_name", "address"],
        RecordKind::Household => &["address", "head_name"],
        _ => &[],
    };
    for name in texts {
        parts.push(fold(text_of(fields, name)));
    }
    for name in [
        "citizen_id",
        "personal_id",
        "phone",
        "head_citizen_id",
        "head_phone",
    ] {
        let number = digits(text_of(fields, name));
        if let Some(national) = number.strip_prefix("84").filter(|rest| rest.len() == 9) {
            parts.push(format!("0{national}"));
        }
        parts.push(number);
    }
    parts.retain(|p| !p.is_empty());
    parts.join(" ")
}

/// Keys under which two registrations of the same person meet: the citizen ID, or the folded name with
/// the birth date.
pub(crate) fn person_keys(fields: &BTreeMap<String, Value>) -> Vec<String> {
    let mut keys = Vec::new();
    let citizen_id = digits(text_of(fields, "citizen_id"));
    if !citizen_id.is_empty() {
        keys.push(format!("cid:{citizen_id}"));
    }
    let name = fold(text_of(fields, "full_name"));
    let birth_date = text_of(fields, "birth_date");
    if !name.is_empty() && !birth_date.is_empty() {
        keys.push(format!("nb:{name}|{birth_date}"));
    }
    keys
}

pub(crate) fn read_field_state(
    conn: &rusqlite::Connection,
    record_id: &str,
    field: &str,
) -> Result<FieldState> {
    let row = conn
        .prepare_cached(
            "SELECT value, hlc, author, history FROM field WHERE record_id = ?1 AND name = ?2",
        )?
        .query_row([record_id, field], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, Option<String>>(3)?,
            ))
        })
        .optional()?;
    let Some((value, hlc, author, history)) = row else {
        return Ok(FieldState::default());
    };
    let hlc = Hlc::decode(&hlc).ok_or_else(|| Error::Corrupt {
        detail: "unreadable field clock".into(),
    })?;
    let history: History = match history {
        Some(text) => serde_json::from_str(&text)?,
        None => History::default(),
    };
    Ok(FieldState {
        winner: Some(Version {
            value: serde_json::from_str(&value)?,
            hlc,
            author,
        }),
        losers: history.losers,
        superseded: history.superseded,
    })
}

fn kind_mismatch() -> Error {
    Error::invalid(
        "Bản ghi đã tồn tại với loại khác.",
        "The record already exists with another kind.",
    )
}
