//! The records and field states one push touches: read from PostgreSQL in a few set-based queries,
//! changed in memory by the same placement rules as the SQLite backend (`sqlite/placement.rs`: a
//! record's area is its own, else its parent's; a move is logged for eviction and re-stamps the
//! record's fields so the new area pulls them whole) and the same access rules as `sqlite/access.rs`
//! (each field flagged sensitive with the case it belongs to; a new manager re-stamps the case's
//! sensitive fields), and written back in a few statements at commit. Reading row by row would cost a
//! round trip per op. Statements that re-stamp sequence numbers only ever raise them, so the order
//! in which they run at commit cannot hide a change from a device.

use crate::storage::Result;
use hoso_model::area::AreaKind;
use hoso_model::merge::FieldState;
use hoso_model::op::{FieldOp, RecordKind};
use hoso_model::schema::{
    adopted_kind, area_of_field, fields, has_children, is_parent_link, photo_fields,
};
use hoso_model::scope::Placement;
use hoso_model::sensitivity::{RecordMarks, Sensitivity};
use postgres::types::Type;
use postgres::{Row, Transaction};
use std::collections::{HashMap, HashSet};

/// How deep a move is carried down (case → form → nothing; household → person → nothing).
const MAX_DEPTH: u8 = 3;

const RECORD_COLUMNS: &str = "id, kind, parent_id, own_commune, own_province, own_facility, \
                              commune_code, province_code, facility_id, form_id, case_id, \
                              manager_id, opened_by, photo_sensitive";

pub(super) struct RecordRow {
    pub kind: String,
    parent_id: Option<String>,
    own: Placement,
    pub placed: Placement,
    form_id: Option<String>,
    case_id: Option<String>,
    manager_id: Option<String>,
    opened_by: Option<String>,
    /// A photo marked sensitive (an ID document): sensitive whole, for good.
    photo_sensitive: bool,
    /// Whether the record was in the database before this push (then its rows there are updated).
    pub stored: bool,
    /// Whether every stored record naming this one as parent is in the working set.
    children_loaded: bool,
}

impl RecordRow {
    fn marks(&self) -> RecordMarks<'_> {
        RecordMarks {
            form_id: self.form_id.as_deref(),
            photo_sensitive: self.photo_sensitive,
        }
    }

    fn new(kind: RecordKind) -> RecordRow {
        RecordRow {
            kind: kind.as_str().to_string(),
            parent_id: None,
            own: Placement::default(),
            placed: Placement::default(),
            form_id: None,
            case_id: None,
            manager_id: None,
            opened_by: None,
            photo_sensitive: false,
            stored: false,
            children_loaded: false,
        }
    }
}

/// A field written by this push.
struct PendingField {
    kind: &'static str,
    state: FieldState,
    seq: i64,
    /// The area a new row is inserted with; an existing row keeps its stored area unless re-stamped.
    place: Placement,
    /// Likewise the sensitivity and case a new row is inserted with.
    sensitive: bool,
    case_id: Option<String>,
}

/// A record that moved in this push: its fields' last sequence and area.
pub(super) struct Restamp {
    pub seq: i64,
    pub place: Placement,
}

#[derive(Default)]
pub(super) struct WorkingSet {
    records: HashMap<String, RecordRow>,
    /// Ids with no stored record, each with whether the stored records naming it as parent were read
    /// (`load` reads them for the ids it is given; a later lookup does not).
    absent: HashMap<String, bool>,
    dirty_records: HashSet<String>,
    stored_states: HashMap<(String, String), FieldState>,
    pending: HashMap<(String, String), PendingField>,
    pending_by_record: HashMap<String, Vec<String>>,
    restamps: HashMap<String, Restamp>,
    evictions: Vec<(i64, String, Placement)>,
    /// Stored records whose fields now belong to another case (or none).
    case_links: HashMap<String, Option<String>>,
    /// Stored fields whose sensitivity was recomputed.
    reflags: HashMap<(String, String), bool>,
    /// Cases whose manager changed: their sensitive fields are sent again from this sequence.
    sensitive_restamps: HashMap<String, i64>,
    /// Photos newly marked sensitive: their fields are sent again from this sequence, so that devices
    /// which may no longer read them are told to drop them.
    photo_restamps: HashMap<String, i64>,
}

fn placement_at(row: &Row, first: usize) -> Placement {
    Placement {
        commune: row.get(first),
        province: row.get(first + 1),
        facility: row.get(first + 2),
    }
}

fn record_of(row: &Row) -> (String, RecordRow) {
    (
        row.get(0),
        RecordRow {
            kind: row.get(1),
            parent_id: row.get(2),
            own: placement_at(row, 3),
            placed: placement_at(row, 6),
            form_id: row.get(9),
            case_id: row.get(10),
            manager_id: row.get(11),
            opened_by: row.get(12),
            photo_sensitive: row.get(13),
            stored: true,
            children_loaded: false,
        },
    )
}

fn set_own(own: &mut Placement, area: AreaKind, value: Option<String>) {
    match area {
        AreaKind::Commune => own.commune = value,
        AreaKind::Province => own.province = value,
        AreaKind::Facility => own.facility = value,
    }
}

impl WorkingSet {
    /// Reads the records `ids` names, every stored record whose parent is one of them, and the
    /// stored states of `fields` (record id, field name).
    pub fn load(tx: &mut Transaction<'_>, ids: &[&str], fields: &[(&str, &str)]) -> Result<Self> {
        let mut set = WorkingSet::default();
        let rows = tx.query_typed(
            &format!(
                "SELECT {RECORD_COLUMNS} FROM record WHERE id = ANY($1) OR parent_id = ANY($1)"
            ),
            &[(&ids, Type::TEXT_ARRAY)],
        )?;
        set.records = rows.iter().map(record_of).collect();
        for id in ids {
            match set.records.get_mut(*id) {
                Some(row) => row.children_loaded = true,
                None => {
                    set.absent.insert((*id).to_string(), true);
                }
            }
        }
        let (record_ids, names): (Vec<&str>, Vec<&str>) = fields.iter().copied().unzip();
        let states = tx.query_typed(
            "SELECT record_id, field, state FROM field_state
             WHERE (record_id, field) IN (SELECT * FROM unnest($1::text[], $2::text[]))",
            &[(&record_ids, Type::TEXT_ARRAY), (&names, Type::TEXT_ARRAY)],
        )?;
        for row in states {
            let state: FieldState = serde_json::from_str(row.get(2))?;
            set.stored_states.insert((row.get(0), row.get(1)), state);
        }
        Ok(set)
    }

    /// Whether the record exists (stored, or created earlier in this push).
    pub fn known(&self, id: &str) -> bool {
        self.records.contains_key(id)
    }

    pub fn placement_of(&self, id: &str) -> Option<Placement> {
        self.records.get(id).map(|row| row.placed.clone())
    }

    /// The parent a record the push names has in the database (read by `load`, before any change).
    pub fn stored_parent(&self, id: &str) -> Option<String> {
        self.records
            .get(id)
            .filter(|row| row.stored)
            .and_then(|row| row.parent_id.clone())
    }

    /// The record, read from the database the first time it is asked for.
    pub fn get(&mut self, tx: &mut Transaction<'_>, id: &str) -> Result<Option<&RecordRow>> {
        if !self.records.contains_key(id) && !self.absent.contains_key(id) {
            let row = tx.query_typed_opt(
                &format!("SELECT {RECORD_COLUMNS} FROM record WHERE id = $1"),
                &[(&id, Type::TEXT)],
            )?;
            match row {
                Some(row) => {
                    let (id, record) = record_of(&row);
                    self.records.insert(id, record);
                }
                None => {
                    self.absent.insert(id.to_string(), false);
                }
            }
        }
        Ok(self.records.get(id))
    }

    /// The field's current state: as written in this push, else as stored, else empty.
    pub fn state(&self, record_id: &str, field: &str) -> FieldState {
        let key = (record_id.to_string(), field.to_string());
        match self.pending.get(&key) {
            Some(pending) => pending.state.clone(),
            None => self.stored_states.get(&key).cloned().unwrap_or_default(),
        }
    }

    /// Saves a field's merged state at `seq`; a new row takes `place` and is flagged from what its
    /// record is now (its form and case).
    pub fn write_state(&mut self, op: &FieldOp, state: FieldState, seq: i64, place: Placement) {
        let (sensitive, case_id) = match self.records.get(&op.record_id) {
            Some(row) => (
                Sensitivity::builtin().is_sensitive_in(op.kind, row.marks(), &op.field),
                row.case_id.clone(),
            ),
            None => (false, None),
        };
        let key = (op.record_id.clone(), op.field.clone());
        match self.pending.get_mut(&key) {
            Some(pending) => {
                pending.state = state;
                pending.seq = seq;
            }
            None => {
                self.pending_by_record
                    .entry(op.record_id.clone())
                    .or_default()
                    .push(op.field.clone());
                self.pending.insert(
                    key,
                    PendingField {
                        kind: op.kind.as_str(),
                        state,
                        seq,
                        place,
                        sensitive,
                        case_id,
                    },
                );
            }
        }
    }

    pub fn ensure_record(
        &mut self,
        tx: &mut Transaction<'_>,
        id: &str,
        kind: RecordKind,
    ) -> Result<()> {
        if self.get(tx, id)?.is_none() {
            let children_loaded = self.absent.remove(id).unwrap_or(false);
            self.records.insert(
                id.to_string(),
                RecordRow {
                    children_loaded,
                    ..RecordRow::new(kind)
                },
            );
            self.dirty_records.insert(id.to_string());
        }
        Ok(())
    }

    /// A record this push creates: a case belongs to itself.
    pub fn created(&mut self, id: &str, kind: RecordKind) {
        if kind == RecordKind::Case {
            self.change(id, |row| row.case_id = Some(id.to_string()));
        }
    }

    /// Keeps the record's links and own area in step with a field's winning value.
    pub fn after_merge(
        &mut self,
        tx: &mut Transaction<'_>,
        op: &FieldOp,
        state: &FieldState,
        seq: i64,
    ) -> Result<()> {
        let value = state.value().and_then(|v| v.as_str()).map(str::to_string);
        if let Some(area) = area_of_field(op.kind, &op.field) {
            self.change(&op.record_id, |row| set_own(&mut row.own, area, value));
            return self.refresh(tx, &op.record_id, seq, 0);
        }
        if is_parent_link(op.kind, &op.field) {
            self.change(&op.record_id, |row| row.parent_id = value);
            return self.refresh(tx, &op.record_id, seq, 0);
        }
        if let Some(adopted) = adopted_kind(op.kind, &op.field)
            && let Some(target) = value
        {
            self.adopt(tx, &target, adopted, &op.record_id, seq)?;
        }
        Ok(())
    }

    /// Keeps form ids, case links and managers in step with a field's winning value.
    pub fn after_merge_access(
        &mut self,
        tx: &mut Transaction<'_>,
        op: &FieldOp,
        state: &FieldState,
        seq: i64,
    ) -> Result<()> {
        let value = state.value().and_then(|v| v.as_str()).map(str::to_string);
        match (op.kind, op.field.as_str()) {
            (RecordKind::Case, fields::MANAGER_ID | fields::OPENED_BY) => {
                let manager = op.field == fields::MANAGER_ID;
                self.change(&op.record_id, |row| {
                    if manager {
                        row.manager_id = value.clone();
                    } else {
                        row.opened_by = value.clone();
                    }
                });
                self.resend_sensitive(&op.record_id, seq);
            }
            (_, fields::FORM_ID) if op.kind != RecordKind::Case => {
                self.change(&op.record_id, |row| row.form_id = value.clone());
                self.reflag(tx, &op.record_id, op.kind)?;
            }
            (_, fields::CASE_ID) if op.kind != RecordKind::Case => {
                self.set_case(tx, &op.record_id, op.kind, value.clone())?;
            }
            // The write policy accepts only `true` here: a mark is never taken back.
            (RecordKind::Photo, photo_fields::SENSITIVE) => {
                self.change(&op.record_id, |row| row.photo_sensitive = true);
                self.reflag(tx, &op.record_id, op.kind)?;
                self.resend_photo(&op.record_id, seq);
            }
            _ => {}
        }
        if let Some(RecordKind::Person) = adopted_kind(op.kind, &op.field)
            && let Some(person) = value
            && self
                .get(tx, &person)?
                .is_some_and(|row| row.case_id.is_none())
        {
            self.set_case(tx, &person, RecordKind::Person, Some(op.record_id.clone()))?;
        }
        Ok(())
    }

    /// Whoever may read a case's sensitive fields now pulls them again; whoever may not is told to
    /// drop them.
    fn resend_sensitive(&mut self, case_id: &str, seq: i64) {
        for pending in self.pending.values_mut() {
            if pending.sensitive && pending.case_id.as_deref() == Some(case_id) {
                pending.seq = pending.seq.max(seq);
            }
        }
        let latest = self
            .sensitive_restamps
            .entry(case_id.to_string())
            .or_insert(seq);
        *latest = (*latest).max(seq);
    }

    /// A photo's sensitive fields are sent again from `seq`.
    fn resend_photo(&mut self, photo_id: &str, seq: i64) {
        for field in self.pending_by_record.get(photo_id).into_iter().flatten() {
            if let Some(pending) = self.pending.get_mut(&(photo_id.to_string(), field.clone()))
                && pending.sensitive
            {
                pending.seq = pending.seq.max(seq);
            }
        }
        let latest = self
            .photo_restamps
            .entry(photo_id.to_string())
            .or_insert(seq);
        *latest = (*latest).max(seq);
    }

    fn set_case(
        &mut self,
        tx: &mut Transaction<'_>,
        id: &str,
        kind: RecordKind,
        case: Option<String>,
    ) -> Result<()> {
        self.change(id, |row| row.case_id = case.clone());
        if self.records.get(id).is_some_and(|row| row.stored) {
            self.case_links.insert(id.to_string(), case.clone());
        }
        for field in self.pending_by_record.get(id).into_iter().flatten() {
            if let Some(pending) = self.pending.get_mut(&(id.to_string(), field.clone())) {
                pending.case_id = case.clone();
            }
        }
        self.reflag(tx, id, kind)
    }

    /// Recomputes the sensitivity of every field of a record (its form id decides it).
    fn reflag(&mut self, tx: &mut Transaction<'_>, id: &str, kind: RecordKind) -> Result<()> {
        let Some(row) = self.records.get(id) else {
            return Ok(());
        };
        let (form_id, photo_sensitive, stored) =
            (row.form_id.clone(), row.photo_sensitive, row.stored);
        let marks = RecordMarks {
            form_id: form_id.as_deref(),
            photo_sensitive,
        };
        let sensitivity = Sensitivity::builtin();
        for field in self.pending_by_record.get(id).into_iter().flatten() {
            if let Some(pending) = self.pending.get_mut(&(id.to_string(), field.clone())) {
                pending.sensitive = sensitivity.is_sensitive_in(kind, marks, field);
            }
        }
        if stored {
            let fields = tx.query_typed(
                "SELECT field FROM field_state WHERE record_id = $1",
                &[(&id, Type::TEXT)],
            )?;
            for row in fields {
                let field: String = row.get(0);
                let now = sensitivity.is_sensitive_in(kind, marks, &field);
                self.reflags.insert((id.to_string(), field), now);
            }
        }
        Ok(())
    }

    fn change(&mut self, id: &str, edit: impl FnOnce(&mut RecordRow)) {
        if let Some(row) = self.records.get_mut(id) {
            edit(row);
            self.dirty_records.insert(id.to_string());
        }
    }

    /// A case takes its subject, guardian and household when they have no place of their own.
    fn adopt(
        &mut self,
        tx: &mut Transaction<'_>,
        target: &str,
        kind: RecordKind,
        case_id: &str,
        seq: i64,
    ) -> Result<()> {
        self.ensure_record(tx, target, kind)?;
        self.change(target, |row| {
            if row.parent_id.is_none() && !row.own.is_placed() {
                row.parent_id = Some(case_id.to_string());
            }
        });
        self.refresh(tx, target, seq, 0)
    }

    /// Recomputes where a record belongs and carries a change down to its children.
    fn refresh(&mut self, tx: &mut Transaction<'_>, id: &str, seq: i64, depth: u8) -> Result<()> {
        let Some(row) = self.get(tx, id)? else {
            return Ok(());
        };
        let (own, parent, old, kind) = (
            row.own.clone(),
            row.parent_id.clone(),
            row.placed.clone(),
            row.kind.clone(),
        );
        let parent_placement = match parent {
            Some(parent) if !own.is_placed() => {
                self.get(tx, &parent)?.map(|row| row.placed.clone())
            }
            _ => None,
        };
        let new = own.own_or(|| parent_placement);
        if new == old {
            return Ok(());
        }
        self.restamp(id, old, new, seq);
        if depth < MAX_DEPTH && RecordKind::parse(&kind).is_some_and(has_children) {
            for child in self.children(tx, id)? {
                self.refresh(tx, &child, seq, depth + 1)?;
            }
        }
        Ok(())
    }

    /// The records whose parent is `id` now (stored ones read once, then followed in memory).
    fn children(&mut self, tx: &mut Transaction<'_>, id: &str) -> Result<Vec<String>> {
        if self.records.get(id).is_some_and(|row| !row.children_loaded) {
            let rows = tx.query_typed(
                &format!("SELECT {RECORD_COLUMNS} FROM record WHERE parent_id = $1"),
                &[(&id, Type::TEXT)],
            )?;
            for row in rows {
                let (child, record) = record_of(&row);
                self.absent.remove(&child);
                self.records.entry(child).or_insert(record);
            }
            if let Some(row) = self.records.get_mut(id) {
                row.children_loaded = true;
            }
        }
        Ok(self
            .records
            .iter()
            .filter(|(_, row)| row.parent_id.as_deref() == Some(id))
            .map(|(child, _)| child.clone())
            .collect())
    }

    /// Moves a record and its fields to `new`, logging the area it left.
    fn restamp(&mut self, id: &str, old: Placement, new: Placement, seq: i64) {
        if old.is_placed() {
            self.evictions.push((seq, id.to_string(), old));
        }
        self.change(id, |row| row.placed = new.clone());
        for field in self.pending_by_record.get(id).into_iter().flatten() {
            if let Some(pending) = self.pending.get_mut(&(id.to_string(), field.clone())) {
                pending.seq = seq;
                pending.place = new.clone();
            }
        }
        // A record new in this push has no stored fields to re-stamp: its pending ones were above.
        if self.records.get(id).is_some_and(|row| row.stored) {
            self.restamps
                .insert(id.to_string(), Restamp { seq, place: new });
        }
    }

    /// Writes everything this push changed: records, re-stamped fields (before the fields written
    /// after them), field states, evictions.
    pub fn flush(self, tx: &mut Transaction<'_>) -> Result<()> {
        self.flush_records(tx)?;
        self.flush_restamps(tx)?;
        self.flush_access(tx)?;
        self.flush_states(tx)?;
        self.flush_evictions(tx)
    }

    /// Case links, sensitivity flags, then the re-sending of sensitive fields (which reads both).
    fn flush_access(&self, tx: &mut Transaction<'_>) -> Result<()> {
        if !self.case_links.is_empty() {
            let ids: Vec<&str> = self.case_links.keys().map(String::as_str).collect();
            let cases: Vec<Option<&str>> = self.case_links.values().map(|c| c.as_deref()).collect();
            tx.execute_typed(
                "UPDATE field_state f SET case_id = u.case_id
                 FROM unnest($1::text[], $2::text[]) AS u(record_id, case_id)
                 WHERE f.record_id = u.record_id",
                &[(&ids, Type::TEXT_ARRAY), (&cases, Type::TEXT_ARRAY)],
            )?;
        }
        if !self.reflags.is_empty() {
            let ids: Vec<&str> = self.reflags.keys().map(|k| k.0.as_str()).collect();
            let names: Vec<&str> = self.reflags.keys().map(|k| k.1.as_str()).collect();
            let flags: Vec<bool> = self.reflags.values().copied().collect();
            tx.execute_typed(
                "UPDATE field_state f SET sensitive = u.sensitive
                 FROM unnest($1::text[], $2::text[], $3::boolean[]) AS u(record_id, field, sensitive)
                 WHERE f.record_id = u.record_id AND f.field = u.field",
                &[
                    (&ids, Type::TEXT_ARRAY),
                    (&names, Type::TEXT_ARRAY),
                    (&flags, Type::BOOL_ARRAY),
                ],
            )?;
        }
        if !self.sensitive_restamps.is_empty() {
            let cases: Vec<&str> = self.sensitive_restamps.keys().map(String::as_str).collect();
            let seqs: Vec<i64> = self.sensitive_restamps.values().copied().collect();
            tx.execute_typed(
                "UPDATE field_state f SET seq = GREATEST(f.seq, u.seq)
                 FROM unnest($1::text[], $2::bigint[]) AS u(case_id, seq)
                 WHERE f.case_id = u.case_id AND f.sensitive",
                &[(&cases, Type::TEXT_ARRAY), (&seqs, Type::INT8_ARRAY)],
            )?;
        }
        if !self.photo_restamps.is_empty() {
            let photos: Vec<&str> = self.photo_restamps.keys().map(String::as_str).collect();
            let seqs: Vec<i64> = self.photo_restamps.values().copied().collect();
            tx.execute_typed(
                "UPDATE field_state f SET seq = GREATEST(f.seq, u.seq)
                 FROM unnest($1::text[], $2::bigint[]) AS u(record_id, seq)
                 WHERE f.record_id = u.record_id AND f.sensitive",
                &[(&photos, Type::TEXT_ARRAY), (&seqs, Type::INT8_ARRAY)],
            )?;
        }
        Ok(())
    }

    fn flush_records(&self, tx: &mut Transaction<'_>) -> Result<()> {
        let rows: Vec<(&String, &RecordRow)> = self
            .dirty_records
            .iter()
            .filter_map(|id| self.records.get(id).map(|row| (id, row)))
            .collect();
        if rows.is_empty() {
            return Ok(());
        }
        let column = |pick: fn(&RecordRow) -> Option<&str>| -> Vec<Option<&str>> {
            rows.iter().map(|(_, row)| pick(row)).collect()
        };
        let ids: Vec<&str> = rows.iter().map(|(id, _)| id.as_str()).collect();
        let kinds: Vec<&str> = rows.iter().map(|(_, row)| row.kind.as_str()).collect();
        tx.execute_typed(
            "INSERT INTO record (id, kind, parent_id, own_commune, own_province, own_facility,
                                 commune_code, province_code, facility_id, form_id, case_id,
                                 manager_id, opened_by, photo_sensitive)
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
                                  $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
                                  $11::text[], $12::text[], $13::text[], $14::boolean[])
             ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, parent_id = excluded.parent_id,
                 own_commune = excluded.own_commune, own_province = excluded.own_province,
                 own_facility = excluded.own_facility, commune_code = excluded.commune_code,
                 province_code = excluded.province_code, facility_id = excluded.facility_id,
                 form_id = excluded.form_id, case_id = excluded.case_id,
                 manager_id = excluded.manager_id, opened_by = excluded.opened_by,
                 photo_sensitive = excluded.photo_sensitive",
            &[
                (&ids, Type::TEXT_ARRAY),
                (&kinds, Type::TEXT_ARRAY),
                (&column(|r| r.parent_id.as_deref()), Type::TEXT_ARRAY),
                (&column(|r| r.own.commune.as_deref()), Type::TEXT_ARRAY),
                (&column(|r| r.own.province.as_deref()), Type::TEXT_ARRAY),
                (&column(|r| r.own.facility.as_deref()), Type::TEXT_ARRAY),
                (&column(|r| r.placed.commune.as_deref()), Type::TEXT_ARRAY),
                (&column(|r| r.placed.province.as_deref()), Type::TEXT_ARRAY),
                (&column(|r| r.placed.facility.as_deref()), Type::TEXT_ARRAY),
                (&column(|r| r.form_id.as_deref()), Type::TEXT_ARRAY),
                (&column(|r| r.case_id.as_deref()), Type::TEXT_ARRAY),
                (&column(|r| r.manager_id.as_deref()), Type::TEXT_ARRAY),
                (&column(|r| r.opened_by.as_deref()), Type::TEXT_ARRAY),
                (
                    &rows
                        .iter()
                        .map(|(_, row)| row.photo_sensitive)
                        .collect::<Vec<bool>>(),
                    Type::BOOL_ARRAY,
                ),
            ],
        )?;
        Ok(())
    }

    fn flush_restamps(&self, tx: &mut Transaction<'_>) -> Result<()> {
        if self.restamps.is_empty() {
            return Ok(());
        }
        let ids: Vec<&str> = self.restamps.keys().map(String::as_str).collect();
        let seqs: Vec<i64> = self.restamps.values().map(|r| r.seq).collect();
        let area = |kind: AreaKind| -> Vec<Option<&str>> {
            self.restamps.values().map(|r| r.place.get(kind)).collect()
        };
        tx.execute_typed(
            "UPDATE field_state f SET seq = GREATEST(f.seq, u.seq), commune_code = u.commune,
                    province_code = u.province, facility_id = u.facility
             FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[])
                  AS u(record_id, seq, commune, province, facility)
             WHERE f.record_id = u.record_id",
            &[
                (&ids, Type::TEXT_ARRAY),
                (&seqs, Type::INT8_ARRAY),
                (&area(AreaKind::Commune), Type::TEXT_ARRAY),
                (&area(AreaKind::Province), Type::TEXT_ARRAY),
                (&area(AreaKind::Facility), Type::TEXT_ARRAY),
            ],
        )?;
        Ok(())
    }

    fn flush_states(&self, tx: &mut Transaction<'_>) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let mut record_ids = Vec::with_capacity(self.pending.len());
        let mut names = Vec::with_capacity(self.pending.len());
        let mut kinds = Vec::with_capacity(self.pending.len());
        let mut states = Vec::with_capacity(self.pending.len());
        let mut seqs = Vec::with_capacity(self.pending.len());
        let mut flags = Vec::with_capacity(self.pending.len());
        let mut cases = Vec::with_capacity(self.pending.len());
        for ((record_id, field), pending) in &self.pending {
            record_ids.push(record_id.as_str());
            names.push(field.as_str());
            kinds.push(pending.kind);
            states.push(serde_json::to_string(&pending.state)?);
            seqs.push(pending.seq);
            flags.push(pending.sensitive);
            cases.push(pending.case_id.as_deref());
        }
        let area = |kind: AreaKind| -> Vec<Option<&str>> {
            self.pending.values().map(|p| p.place.get(kind)).collect()
        };
        tx.execute_typed(
            "INSERT INTO field_state (record_id, field, kind, state, seq, commune_code,
                                      province_code, facility_id, sensitive, case_id)
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[],
                                  $6::text[], $7::text[], $8::text[], $9::boolean[], $10::text[])
             ON CONFLICT (record_id, field) DO UPDATE SET state = excluded.state,
                 seq = GREATEST(field_state.seq, excluded.seq)",
            &[
                (&record_ids, Type::TEXT_ARRAY),
                (&names, Type::TEXT_ARRAY),
                (&kinds, Type::TEXT_ARRAY),
                (&states, Type::TEXT_ARRAY),
                (&seqs, Type::INT8_ARRAY),
                (&area(AreaKind::Commune), Type::TEXT_ARRAY),
                (&area(AreaKind::Province), Type::TEXT_ARRAY),
                (&area(AreaKind::Facility), Type::TEXT_ARRAY),
                (&flags, Type::BOOL_ARRAY),
                (&cases, Type::TEXT_ARRAY),
            ],
        )?;
        Ok(())
    }

    fn flush_evictions(&self, tx: &mut Transaction<'_>) -> Result<()> {
        if self.evictions.is_empty() {
            return Ok(());
        }
        let seqs: Vec<i64> = self.evictions.iter().map(|e| e.0).collect();
        let ids: Vec<&str> = self.evictions.iter().map(|e| e.1.as_str()).collect();
        let area = |kind: AreaKind| -> Vec<Option<&str>> {
            self.evictions.iter().map(|e| e.2.get(kind)).collect()
        };
        tx.execute_typed(
            "INSERT INTO scope_event (seq, record_id, old_commune, old_province, old_facility)
             SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[])",
            &[
                (&seqs, Type::INT8_ARRAY),
                (&ids, Type::TEXT_ARRAY),
                (&area(AreaKind::Commune), Type::TEXT_ARRAY),
                (&area(AreaKind::Province), Type::TEXT_ARRAY),
                (&area(AreaKind::Facility), Type::TEXT_ARRAY),
            ],
        )?;
        Ok(())
    }
}
