//! The write path: one transaction per user action; each changed field becomes a [`FieldOp`] in the
//! `op` table, merged into the field's state with the same function the server uses.

use super::doc::{self, States};
use super::{Store, Writer, meta_keys};
use crate::error::{Error, Result};
use hoso_model::fold::{digits, fold};
use hoso_model::hlc::{Clock, Hlc};
use hoso_model::merge::FieldState;
use hoso_model::op::{DELETED_FIELD, FieldOp, RecordKind, Value, new_id};
use hoso_sqlite::meta;
use hoso_sqlite::op_row::{OP_COLUMNS, OpRow};
use rusqlite::{OptionalExtension, Transaction, params};
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub struct WriteTx<'a> {
    tx: Transaction<'a>,
    clock: &'a mut Clock,
    device_id: &'a str,
    author: Option<&'a str>,
    now: u64,
    /// Records read or changed in this transaction: each is read from the database once and, if
    /// changed, written back once at commit.
    docs: HashMap<String, Doc>,
}

/// A record as this transaction sees it.
struct Doc {
    kind: RecordKind,
    states: States,
    /// Whether the record's row exists in the database.
    stored: bool,
    /// The case the stored row belongs to: a child moved to another case leaves both summaries stale.
    stored_case: Option<String>,
    /// The newest HLC this transaction wrote into the record; `None` while it is unchanged.
    changed: Option<Hlc>,
}

impl Doc {
    fn text(&self, field: &str) -> Option<&str> {
        self.states.get(field)?.value()?.as_str()
    }

    fn deleted(&self) -> bool {
        self.states
            .get(DELETED_FIELD)
            .and_then(FieldState::value)
            .is_some_and(|v| *v == Value::Bool(true))
    }

    /// The record's current values of the fields `wanted` accepts.
    fn record_with(&self, id: &str, wanted: impl Fn(&str) -> bool) -> super::Record {
        super::Record {
            id: id.to_string(),
            kind: self.kind,
            deleted: self.deleted(),
            fields: self
                .states
                .iter()
                .filter(|(name, _)| wanted(name))
                .filter_map(|(name, state)| Some((name.clone(), state.value()?.clone())))
                .collect(),
        }
    }
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
            docs: HashMap::new(),
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

impl<'a> WriteTx<'a> {
    /// The transaction itself, for the store's tables beside records (the photo queue).
    pub(super) fn transaction(&self) -> &Transaction<'a> {
        &self.tx
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
        let state = self.state_of(record_id, field)?;
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
        let state = self.state_of(record_id, field)?;
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
            Error::Invalid(hoso_model::i18n::Localized::new(
                "Dữ liệu không hợp lệ, không thể lưu.",
                format!("Invalid data, not saved: {e}"),
            ))
        })?;
        state.merge(&op);
        self.put_state(record_id, kind, field, state, hlc)?;
        self.tx
            .prepare_cached(&format!(
                "INSERT INTO op ({OP_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
            ))?
            .execute(OpRow::encode(&op).values().as_slice())?;
        Ok(())
    }

    /// Merges a pulled record. A record this device has never seen is taken whole: nothing local can
    /// collide with it, so nothing is read first (what makes a fresh device's first pull fast). A
    /// known record is merged field by field. Returns how many winning values changed.
    pub fn absorb_record(&mut self, remote: hoso_model::protocol::RemoteRecord) -> Result<usize> {
        let id = remote.record_id.as_str();
        if self.doc(id)?.is_some() {
            let mut changed = 0;
            for (field, state) in &remote.fields {
                changed += usize::from(self.absorb(id, remote.kind, field, state)?);
            }
            return Ok(changed);
        }
        let mut states = States::new();
        for (field, incoming) in remote.fields {
            self.observe_remote_clocks(&incoming);
            // Absorbing into an empty state runs the shared merge, so the stored state is exactly what
            // the per-field path would have produced.
            let mut state = FieldState::default();
            state.absorb_owned(incoming);
            if state.winner.is_some() {
                states.insert(field, state);
            }
        }
        let Some(newest) = states
            .values()
            .filter_map(|s| s.winner.as_ref().map(|w| w.hlc))
            .max()
        else {
            return Ok(0);
        };
        let changed = states.len();
        self.docs.insert(
            remote.record_id,
            Doc {
                kind: remote.kind,
                states,
                stored: false,
                stored_case: None,
                changed: Some(newest),
            },
        );
        Ok(changed)
    }

    fn observe_remote_clocks(&mut self, remote: &FieldState) {
        for version in remote.winner.iter().chain(remote.losers.iter()) {
            self.clock.observe_checked_remote(version.hlc);
        }
    }

    /// Merges another replica's state of a field (from a pull). Returns whether the winning value changed.
    fn absorb(
        &mut self,
        record_id: &str,
        kind: RecordKind,
        field: &str,
        remote: &FieldState,
    ) -> Result<bool> {
        self.observe_remote_clocks(remote);
        let mut state = self.state_of(record_id, field)?;
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
        let value_changed = before.value() != state.value();
        self.put_state(record_id, kind, field, state, newest)?;
        Ok(value_changed)
    }

    pub(crate) fn set_pull_cursor(&self, cursor: u64) -> Result<()> {
        Ok(meta::set(
            &self.tx,
            meta_keys::PULL_CURSOR,
            &cursor.to_string(),
        )?)
    }

    /// Drops this device's copy of a field its user may not read (a sensitive field of a case they do
    /// not manage, withheld by the server). Makes no op: nothing changed on the server.
    pub fn withhold(&mut self, record_id: &str, field: &str) -> Result<()> {
        let Some(doc) = self.doc(record_id)? else {
            return Ok(());
        };
        if doc.states.remove(field).is_some() {
            let newest = doc
                .states
                .values()
                .filter_map(|s| s.winner.as_ref().map(|w| w.hlc))
                .max()
                .unwrap_or(Hlc::new(0, 0, 0));
            doc.changed = Some(doc.changed.map_or(newest, |seen| seen.max(newest)));
        }
        Ok(())
    }

    /// Removes a record and everything stored about it from this device (it left the device's scope).
    pub fn evict(&mut self, record_id: &str) -> Result<()> {
        for sql in [
            "DELETE FROM record WHERE id = ?1",
            "DELETE FROM search_index WHERE rowid = (SELECT id FROM search_doc WHERE record_id = ?1)",
            "DELETE FROM search_doc WHERE record_id = ?1",
            "DELETE FROM person_key WHERE record_id = ?1",
        ] {
            self.tx.prepare_cached(sql)?.execute([record_id])?;
        }
        self.docs.remove(record_id);
        Ok(())
    }

    pub fn kind_of(&self, record_id: &str) -> Result<Option<RecordKind>> {
        if let Some(doc) = self.docs.get(record_id) {
            return Ok(Some(doc.kind));
        }
        let kind: Option<String> = self
            .tx
            .prepare_cached("SELECT kind FROM record WHERE id = ?1")?
            .query_row([record_id], |row| row.get(0))
            .optional()?;
        Ok(kind.and_then(|k| RecordKind::parse(&k)))
    }

    /// The current fields of a record as this transaction sees it.
    pub fn record(&self, record_id: &str) -> Result<Option<super::Record>> {
        match self.docs.get(record_id) {
            Some(doc) => Ok(Some(doc.record_with(record_id, |_| true))),
            None => super::read::load_record(&self.tx, record_id),
        }
    }

    /// The record as this transaction sees it, read from the database on first use.
    fn doc(&mut self, record_id: &str) -> Result<Option<&mut Doc>> {
        if !self.docs.contains_key(record_id) {
            let row: Option<(String, Option<String>, String)> = self
                .tx
                .prepare_cached("SELECT kind, case_id, fields FROM record WHERE id = ?1")?
                .query_row([record_id], |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get(2)?))
                })
                .optional()?;
            let Some((kind, stored_case, fields)) = row else {
                return Ok(None);
            };
            let doc = Doc {
                kind: super::read::parse_kind(&kind)?,
                states: doc::decode_states(&fields)?,
                stored: true,
                stored_case,
                changed: None,
            };
            self.docs.insert(record_id.to_string(), doc);
        }
        Ok(self.docs.get_mut(record_id))
    }

    fn state_of(&mut self, record_id: &str, field: &str) -> Result<FieldState> {
        Ok(self
            .doc(record_id)?
            .and_then(|doc| doc.states.get(field).cloned())
            .unwrap_or_default())
    }

    /// Stores a field's new state in its record, creating the record if it is new. A record keeps
    /// the kind it was created with.
    fn put_state(
        &mut self,
        record_id: &str,
        kind: RecordKind,
        field: &str,
        state: FieldState,
        hlc: Hlc,
    ) -> Result<()> {
        if self.doc(record_id)?.is_none() {
            self.docs.insert(
                record_id.to_string(),
                Doc {
                    kind,
                    states: States::new(),
                    stored: false,
                    stored_case: None,
                    changed: None,
                },
            );
        }
        let doc = self.docs.get_mut(record_id).expect("inserted above");
        if doc.kind != kind {
            return Err(kind_mismatch());
        }
        doc.states.insert(field.to_string(), state);
        doc.changed = Some(doc.changed.map_or(hlc, |newest| newest.max(hlc)));
        Ok(())
    }

    /// Writes every changed record once, then rebuilds what they make stale: search entries and
    /// duplicate keys of people and households, and the summaries of the cases they belong to.
    fn finish(&mut self) -> Result<()> {
        let mut touched: Vec<(String, RecordKind, bool)> = Vec::new();
        let mut touched_cases: BTreeSet<String> = BTreeSet::new();
        let mut subjects: Vec<String> = Vec::new();
        {
            let mut save = self.tx.prepare_cached(SAVE_RECORD)?;
            for (id, doc) in self.docs.iter_mut() {
                let Some(newest) = doc.changed.take() else {
                    continue;
                };
                let case_id = doc.text("case_id").map(str::to_string);
                save.execute(params![
                    id,
                    doc.kind.as_str(),
                    case_id,
                    doc.text("household_id"),
                    doc.deleted(),
                    &*newest.text(),
                    doc::conflicts(&doc.states) as i64,
                    doc::encode(&doc.states)?,
                ])?;
                let was_stored = std::mem::replace(&mut doc.stored, true);
                match doc.kind {
                    RecordKind::Case => {
                        touched_cases.insert(id.clone());
                    }
                    RecordKind::Person => {
                        touched.push((id.clone(), doc.kind, was_stored));
                        subjects.push(id.clone());
                    }
                    RecordKind::Household => touched.push((id.clone(), doc.kind, was_stored)),
                    _ => {
                        touched_cases.extend(doc.stored_case.clone());
                        touched_cases.extend(case_id.clone());
                    }
                }
                doc.stored_case = case_id;
            }
        }
        for subject in subjects {
            let mut stmt = self
                .tx
                .prepare_cached("SELECT case_id FROM case_summary WHERE subject_id = ?1")?;
            let cases = stmt.query_map([&subject], |row| row.get::<_, String>(0))?;
            for case in cases {
                touched_cases.insert(case?);
            }
        }
        for case_id in touched_cases {
            self.refresh_case_summary(&case_id)?;
        }
        meta::set(&self.tx, meta_keys::LAST_HLC, &self.clock.last().encode())?;
        self.reindex(touched)
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
        let children = self.children_for_summary(case_id)?;
        let snapshot = hoso_model::domain::snapshot::snapshot(&case, subject.as_ref(), &children);
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

    /// The live children of a case with only the fields its summary reads
    /// ([`CHILD_FIELDS`](hoso_model::domain::snapshot::CHILD_FIELDS)), ordered by id: records this
    /// transaction holds come from memory (a pulled page's visits were just written), the others are
    /// read with their other fields (long visit notes) left undecoded.
    fn children_for_summary(&self, case_id: &str) -> Result<Vec<super::Record>> {
        let wanted = |name: &str| hoso_model::domain::snapshot::CHILD_FIELDS.contains(&name);
        let ids = self
            .tx
            .prepare_cached("SELECT id FROM record WHERE case_id = ?1 AND deleted = 0 ORDER BY id")?
            .query_map([case_id], |row| row.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        let mut children = Vec::with_capacity(ids.len());
        for id in ids {
            let child = match self.docs.get(&id) {
                Some(doc) => Some(doc.record_with(&id, wanted)),
                None => super::read::load_record_with(&self.tx, &id, wanted)?,
            };
            children.extend(child);
        }
        Ok(children)
    }

    /// Rebuilds the search entries and duplicate keys of people and households (`was_stored` false:
    /// new to this device, so there is nothing to remove first).
    ///
    /// FTS5 writes the entries it holds in memory to disk whenever another statement opens a statement
    /// savepoint (an upsert does): interleaved with other writes, every record would become an index
    /// segment of its own. So every other write comes first, and the index entries go in one run, last
    /// in the transaction.
    fn reindex(&mut self, touched: Vec<(String, RecordKind, bool)>) -> Result<()> {
        let mut entries: Vec<(i64, bool, String, RecordKind, String)> = Vec::new();
        for (record_id, kind, was_stored) in touched {
            let doc: i64 = self
                .tx
                .prepare_cached(
                    "INSERT INTO search_doc (record_id) VALUES (?1)
                     ON CONFLICT(record_id) DO UPDATE SET record_id = excluded.record_id
                     RETURNING id",
                )?
                .query_row([&record_id], |row| row.get(0))?;
            if was_stored {
                self.tx
                    .prepare_cached("DELETE FROM person_key WHERE record_id = ?1")?
                    .execute([&record_id])?;
            }
            let body = match self.record(&record_id)? {
                Some(record) if !record.deleted => {
                    if kind == RecordKind::Person {
                        for key in person_keys(&record.fields) {
                            self.tx
                                .prepare_cached(
                                    "INSERT OR IGNORE INTO person_key (key, record_id) VALUES (?1, ?2)",
                                )?
                                .execute(params![key, record_id])?;
                        }
                    }
                    search_body(kind, &record.fields)
                }
                _ => String::new(),
            };
            entries.push((doc, was_stored, record_id, kind, body));
        }
        for (doc, was_stored, record_id, kind, body) in entries {
            if was_stored {
                self.tx
                    .prepare_cached("DELETE FROM search_index WHERE rowid = ?1")?
                    .execute([doc])?;
            }
            if !body.is_empty() {
                self.tx
                    .prepare_cached(
                        "INSERT INTO search_index (rowid, record_id, kind, body) VALUES (?1, ?2, ?3, ?4)",
                    )?
                    .execute(params![doc, record_id, kind.as_str(), body])?;
            }
        }
        Ok(())
    }
}

/// Writes a changed record: its row's derived columns and its fields' states in one statement.
const SAVE_RECORD: &str =
    "INSERT INTO record (id, kind, case_id, household_id, deleted, updated_hlc, conflicts, fields)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
     ON CONFLICT(id) DO UPDATE SET
       case_id = ?3, household_id = ?4, deleted = ?5, updated_hlc = max(updated_hlc, ?6),
       conflicts = ?7, fields = ?8";

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

fn kind_mismatch() -> Error {
    Error::invalid(
        "Bản ghi đã tồn tại với loại khác.",
        "The record already exists with another kind.",
    )
}
