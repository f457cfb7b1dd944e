//! The records and field states one push touches, changed in memory by the placement and access
//! rules every backend shares, then handed to the backend as [`Writes`] to store in a few statements.
//!
//! Placement: a record's area is its own, else its parent's; a move is logged for eviction and
//! re-stamps the record's fields so the new area pulls them whole. Access: each field is flagged
//! sensitive (`hoso_model::sensitivity`) with the case it belongs to; a new manager re-stamps the
//! case's sensitive fields, so the new manager's devices pull them and the old one's drop them; a
//! photo marked sensitive is sensitive whole, for good. The backend answers the few reads the rules
//! need ([`RecordReads`]); re-stamped sequence numbers only ever rise, so the order in which the
//! backend writes them cannot hide a change from a device.

use super::Result;
use hoso_model::area::AreaKind;
use hoso_model::merge::FieldState;
use hoso_model::op::{FieldOp, RecordKind};
use hoso_model::schema::{
    adopted_kind, area_of_field, fields, has_children, is_parent_link, photo_fields,
};
use hoso_model::scope::Placement;
use hoso_model::sensitivity::{RecordMarks, Sensitivity};
// A push's maps hold a few thousand short keys each: a fast seeded hash, where SipHash's cost showed
// in profiles. Their keys come from one authenticated device's push of at most 1,000 ops.
use foldhash::{HashMap, HashSet};

/// How deep a move is carried down (case → form → nothing; household → person → nothing).
const MAX_DEPTH: u8 = 3;

/// What the rules read from the database: stored rows only, never what this push changed.
pub(crate) trait RecordReads {
    /// The records `ids` names and every record whose parent is one of them (a record both named and
    /// a child may come twice); by default one lookup of each and of its children.
    fn records_and_children(&mut self, ids: &[&str]) -> Result<Vec<(String, RecordRow)>> {
        let mut found = Vec::new();
        for id in ids {
            found.extend(self.record(id)?.map(|row| (id.to_string(), row)));
            found.extend(self.children(id)?);
        }
        Ok(found)
    }
    fn record(&mut self, id: &str) -> Result<Option<RecordRow>>;
    /// The records whose parent is `id`.
    fn children(&mut self, id: &str) -> Result<Vec<(String, RecordRow)>>;
    /// The names of the record's stored fields.
    fn field_names(&mut self, id: &str) -> Result<Vec<String>>;
    /// The stored states of these fields (record id, field name); absent fields are left out.
    fn states(&mut self, fields: &[(&str, &str)]) -> Result<Vec<(String, String, FieldState)>>;
}

/// The `record` columns a [`RecordRow`] is stored in, the same in both backends' tables.
pub(crate) const RECORD_COLUMNS: &str = "id, kind, parent_id, own_commune, own_province, \
                                         own_facility, commune_code, province_code, facility_id, \
                                         form_id, case_id, manager_id, opened_by, photo_sensitive";

/// What an upsert of a [`RecordRow`] changes in a row already stored: every column but the id.
pub(crate) const RECORD_UPSERT: &str = "ON CONFLICT (id) DO UPDATE SET kind = excluded.kind,
    parent_id = excluded.parent_id, own_commune = excluded.own_commune,
    own_province = excluded.own_province, own_facility = excluded.own_facility,
    commune_code = excluded.commune_code, province_code = excluded.province_code,
    facility_id = excluded.facility_id, form_id = excluded.form_id, case_id = excluded.case_id,
    manager_id = excluded.manager_id, opened_by = excluded.opened_by,
    photo_sensitive = excluded.photo_sensitive";

/// A record as the rules see it: stored, or created by this push.
#[derive(Clone, Debug)]
pub(crate) struct RecordRow {
    pub kind: String,
    pub parent_id: Option<String>,
    pub own: Placement,
    pub placed: Placement,
    pub form_id: Option<String>,
    pub case_id: Option<String>,
    pub manager_id: Option<String>,
    pub opened_by: Option<String>,
    /// A photo marked sensitive (an ID document): sensitive whole, for good.
    pub photo_sensitive: bool,
    /// Whether the record was in the database before this push (then its rows there are updated).
    pub stored: bool,
    /// Whether every stored record naming this one as parent is in the working set.
    children_loaded: bool,
}

impl RecordRow {
    /// A record read from the database.
    pub fn stored(kind: String) -> RecordRow {
        RecordRow {
            stored: true,
            ..RecordRow::unplaced(kind)
        }
    }

    fn new(kind: RecordKind) -> RecordRow {
        RecordRow::unplaced(kind.as_str().to_string())
    }

    fn unplaced(kind: String) -> RecordRow {
        RecordRow {
            kind,
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

    fn marks(&self) -> RecordMarks<'_> {
        RecordMarks {
            form_id: self.form_id.as_deref(),
            photo_sensitive: self.photo_sensitive,
        }
    }
}

/// A field written by this push.
pub(crate) struct PendingField {
    pub kind: &'static str,
    pub state: FieldState,
    pub seq: i64,
    /// The area a new row is inserted with; an existing row keeps its stored area unless re-stamped.
    pub place: Placement,
    /// Likewise the sensitivity and case a new row is inserted with (SQLite keeps the case only on a
    /// sensitive row, the one thing it is read for).
    pub sensitive: bool,
    pub case_id: Option<String>,
}

/// A stored field's recomputed sensitivity: its flag, the sequence from which it is sent again if the
/// flag changes (a device that may read it gets it, one that may not drops it), and its record's
/// case as it stands after the push (who may read it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Reflag {
    pub sensitive: bool,
    pub seq: i64,
    pub case_id: Option<String>,
}

/// A stored record that moved in this push: its fields' last sequence and area.
pub(crate) struct Restamp {
    pub seq: i64,
    pub place: Placement,
}

/// Everything a push changed, for the backend to store. Field rows re-stamped here (`restamps`,
/// `case_links`, `reflags`, the resends) are stored ones; `states` are written after them, and the
/// resends after the case links and flags they select rows by.
#[derive(Default)]
pub(crate) struct Writes {
    /// Records created or changed, in id order: written whole.
    pub records: Vec<(String, RecordRow)>,
    pub restamps: HashMap<String, Restamp>,
    /// Stored records whose fields now belong to another case (or none): on SQLite only their
    /// sensitive fields keep it.
    pub case_links: HashMap<String, Option<String>>,
    /// Stored fields whose sensitivity was recomputed. A record's case changes only with a
    /// recomputation after it (`set_case`), so the case noted is the record's last.
    pub reflags: HashMap<(String, String), Reflag>,
    /// Cases whose manager changed: their sensitive fields are sent again from this sequence.
    pub sensitive_restamps: HashMap<String, i64>,
    /// Stored records whose sensitive fields are sent again from this sequence: a photo newly marked
    /// sensitive, a record linked to another case (whose manager reads them now, the old one not).
    pub record_resends: HashMap<String, i64>,
    pub states: HashMap<(String, String), PendingField>,
    /// Records that left an area: the sequence, the record and the areas it left.
    pub evictions: Vec<(i64, String, Placement)>,
}

impl Writes {
    /// The field states in key order: rows inserted in the order of the tables' keys fill B-tree
    /// pages instead of splitting them (in hash order a SQLite push wrote 64% more bytes).
    pub fn states_in_order(&self) -> Vec<(&(String, String), &PendingField)> {
        let mut states: Vec<_> = self.states.iter().collect();
        states.sort_unstable_by(|a, b| a.0.cmp(b.0));
        states
    }
}

#[derive(Default)]
pub(crate) struct WorkingSet {
    records: HashMap<String, RecordRow>,
    /// Ids with no stored record, each with whether the stored records naming it as parent were read
    /// (`load` reads them for the ids it is given; a later lookup does not).
    absent: HashMap<String, bool>,
    dirty_records: HashSet<String>,
    stored_states: HashMap<(String, String), FieldState>,
    /// The stored field names of records whose sensitivity was recomputed, read once per push.
    stored_fields: HashMap<String, Vec<String>>,
    pending_by_record: HashMap<String, Vec<String>>,
    writes: Writes,
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
    /// stored states of `fields` (record id, field name) of those records.
    pub fn load(db: &mut dyn RecordReads, ids: &[&str], fields: &[(&str, &str)]) -> Result<Self> {
        let mut set = WorkingSet {
            records: db.records_and_children(ids)?.into_iter().collect(),
            ..WorkingSet::default()
        };
        for id in ids {
            match set.records.get_mut(*id) {
                Some(row) => row.children_loaded = true,
                None => {
                    set.absent.insert((*id).to_string(), true);
                }
            }
        }
        // A record the database does not have has no stored fields either.
        let stored: Vec<(&str, &str)> = fields
            .iter()
            .copied()
            .filter(|(id, _)| set.records.get(*id).is_some_and(|row| row.stored))
            .collect();
        if !stored.is_empty() {
            for (record_id, field, state) in db.states(&stored)? {
                set.stored_states.insert((record_id, field), state);
            }
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
    pub fn get(&mut self, db: &mut dyn RecordReads, id: &str) -> Result<Option<&RecordRow>> {
        if !self.records.contains_key(id) && !self.absent.contains_key(id) {
            match db.record(id)? {
                Some(record) => {
                    self.records.insert(id.to_string(), record);
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
        match self.writes.states.get(&key) {
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
        match self.writes.states.get_mut(&key) {
            Some(pending) => {
                pending.state = state;
                pending.seq = seq;
            }
            None => {
                self.pending_by_record
                    .entry(op.record_id.clone())
                    .or_default()
                    .push(op.field.clone());
                self.writes.states.insert(
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
        db: &mut dyn RecordReads,
        id: &str,
        kind: RecordKind,
    ) -> Result<()> {
        if self.get(db, id)?.is_none() {
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

    /// Keeps the record's placement and access in step with a field's winning value (its text;
    /// `None` when it has none).
    pub fn after_merge(
        &mut self,
        db: &mut dyn RecordReads,
        op: &FieldOp,
        value: Option<String>,
        seq: i64,
    ) -> Result<()> {
        self.place(db, op, value.clone(), seq)?;
        self.grant(db, op, value, seq)
    }

    /// Keeps the record's links and own area in step with a field's winning value.
    fn place(
        &mut self,
        db: &mut dyn RecordReads,
        op: &FieldOp,
        value: Option<String>,
        seq: i64,
    ) -> Result<()> {
        if let Some(area) = area_of_field(op.kind, &op.field) {
            self.change(&op.record_id, |row| set_own(&mut row.own, area, value));
            return self.refresh(db, &op.record_id, seq, 0);
        }
        if is_parent_link(op.kind, &op.field) {
            self.change(&op.record_id, |row| row.parent_id = value);
            return self.refresh(db, &op.record_id, seq, 0);
        }
        if let Some(adopted) = adopted_kind(op.kind, &op.field)
            && let Some(target) = value
        {
            self.adopt(db, &target, adopted, &op.record_id, seq)?;
        }
        Ok(())
    }

    /// Keeps form ids, case links and managers in step with a field's winning value.
    fn grant(
        &mut self,
        db: &mut dyn RecordReads,
        op: &FieldOp,
        value: Option<String>,
        seq: i64,
    ) -> Result<()> {
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
                self.reflag(db, &op.record_id, op.kind, seq)?;
            }
            (_, fields::CASE_ID) if op.kind != RecordKind::Case => {
                self.set_case(db, &op.record_id, op.kind, value.clone(), seq)?;
            }
            // The write policy accepts only `true` here: a mark is never taken back.
            (RecordKind::Photo, photo_fields::SENSITIVE) => {
                self.change(&op.record_id, |row| row.photo_sensitive = true);
                self.reflag(db, &op.record_id, op.kind, seq)?;
                self.resend_record(&op.record_id, seq);
            }
            _ => {}
        }
        if let Some(RecordKind::Person) = adopted_kind(op.kind, &op.field)
            && let Some(person) = value
            && self
                .get(db, &person)?
                .is_some_and(|row| row.case_id.is_none())
        {
            self.set_case(
                db,
                &person,
                RecordKind::Person,
                Some(op.record_id.clone()),
                seq,
            )?;
        }
        Ok(())
    }

    /// Whoever may read a case's sensitive fields now pulls them again; whoever may not is told to
    /// drop them.
    fn resend_sensitive(&mut self, case_id: &str, seq: i64) {
        for pending in self.writes.states.values_mut() {
            if pending.sensitive && pending.case_id.as_deref() == Some(case_id) {
                pending.seq = pending.seq.max(seq);
            }
        }
        raise(&mut self.writes.sensitive_restamps, case_id, seq);
    }

    /// A record's sensitive fields are sent again from `seq` (a record new in this push has no
    /// stored ones).
    fn resend_record(&mut self, id: &str, seq: i64) {
        self.each_pending(id, |_, pending| {
            if pending.sensitive {
                pending.seq = pending.seq.max(seq);
            }
        });
        if self.records.get(id).is_some_and(|row| row.stored) {
            raise(&mut self.writes.record_resends, id, seq);
        }
    }

    /// Applies `edit` to every field of the record written in this push.
    fn each_pending(&mut self, id: &str, mut edit: impl FnMut(&str, &mut PendingField)) {
        for field in self.pending_by_record.get(id).into_iter().flatten() {
            if let Some(pending) = self.writes.states.get_mut(&(id.to_string(), field.clone())) {
                edit(field, pending);
            }
        }
    }

    fn set_case(
        &mut self,
        db: &mut dyn RecordReads,
        id: &str,
        kind: RecordKind,
        case: Option<String>,
        seq: i64,
    ) -> Result<()> {
        let Some(row) = self.records.get(id) else {
            return Ok(());
        };
        let (moved, stored) = (row.case_id != case, row.stored);
        self.change(id, |row| row.case_id = case.clone());
        if stored {
            self.writes.case_links.insert(id.to_string(), case.clone());
        }
        self.each_pending(id, |_, pending| pending.case_id = case.clone());
        self.reflag(db, id, kind, seq)?;
        // Its sensitive fields go to the new case's manager and are dropped by the old one's devices.
        if moved && stored {
            self.resend_record(id, seq);
        }
        Ok(())
    }

    /// Recomputes the sensitivity of every field of a record (its form id decides it); a stored
    /// field whose flag changes is sent again from `seq`.
    fn reflag(
        &mut self,
        db: &mut dyn RecordReads,
        id: &str,
        kind: RecordKind,
        seq: i64,
    ) -> Result<()> {
        let Some(row) = self.records.get(id) else {
            return Ok(());
        };
        let (form_id, case_id, photo_sensitive, stored) = (
            row.form_id.clone(),
            row.case_id.clone(),
            row.photo_sensitive,
            row.stored,
        );
        let marks = RecordMarks {
            form_id: form_id.as_deref(),
            photo_sensitive,
        };
        let sensitivity = Sensitivity::builtin();
        self.each_pending(id, |field, pending| {
            pending.sensitive = sensitivity.is_sensitive_in(kind, marks, field);
        });
        if stored {
            for field in self.stored_fields(db, id)? {
                let reflag = Reflag {
                    sensitive: sensitivity.is_sensitive_in(kind, marks, &field),
                    seq,
                    case_id: case_id.clone(),
                };
                self.writes.reflags.insert((id.to_string(), field), reflag);
            }
        }
        Ok(())
    }

    /// The names of a stored record's stored fields (a push may recompute its flags more than once).
    fn stored_fields(&mut self, db: &mut dyn RecordReads, id: &str) -> Result<Vec<String>> {
        if let Some(names) = self.stored_fields.get(id) {
            return Ok(names.clone());
        }
        let names = db.field_names(id)?;
        self.stored_fields.insert(id.to_string(), names.clone());
        Ok(names)
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
        db: &mut dyn RecordReads,
        target: &str,
        kind: RecordKind,
        case_id: &str,
        seq: i64,
    ) -> Result<()> {
        self.ensure_record(db, target, kind)?;
        let unplaced = self
            .records
            .get(target)
            .is_some_and(|row| row.parent_id.is_none() && !row.own.is_placed());
        if unplaced {
            self.change(target, |row| row.parent_id = Some(case_id.to_string()));
        }
        self.refresh(db, target, seq, 0)
    }

    /// Recomputes where a record belongs and carries a change down to its children.
    fn refresh(&mut self, db: &mut dyn RecordReads, id: &str, seq: i64, depth: u8) -> Result<()> {
        let Some(row) = self.get(db, id)? else {
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
                self.get(db, &parent)?.map(|row| row.placed.clone())
            }
            _ => None,
        };
        let new = own.own_or(|| parent_placement);
        if new == old {
            return Ok(());
        }
        self.restamp(id, old, new, seq);
        if depth < MAX_DEPTH && RecordKind::parse(&kind).is_some_and(has_children) {
            for child in self.children(db, id)? {
                self.refresh(db, &child, seq, depth + 1)?;
            }
        }
        Ok(())
    }

    /// The records whose parent is `id` now (stored ones read once, then followed in memory).
    fn children(&mut self, db: &mut dyn RecordReads, id: &str) -> Result<Vec<String>> {
        if self.records.get(id).is_some_and(|row| !row.children_loaded) {
            for (child, record) in db.children(id)? {
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

    /// Moves a record and its fields to `new`, logging the areas it left.
    fn restamp(&mut self, id: &str, old: Placement, new: Placement, seq: i64) {
        let left = old.left_for(&new);
        if left.is_placed() {
            self.writes.evictions.push((seq, id.to_string(), left));
        }
        self.change(id, |row| row.placed = new.clone());
        self.each_pending(id, |_, pending| {
            pending.seq = seq;
            pending.place = new.clone();
        });
        // A record new in this push has no stored fields to re-stamp: its pending ones were above.
        if self.records.get(id).is_some_and(|row| row.stored) {
            self.writes
                .restamps
                .insert(id.to_string(), Restamp { seq, place: new });
        }
    }

    /// Everything this push changed, for the backend to write.
    pub fn into_writes(mut self) -> Writes {
        self.writes.records = self
            .dirty_records
            .into_iter()
            .filter_map(|id| self.records.remove(&id).map(|row| (id, row)))
            .collect();
        // In key order, as `states_in_order`.
        self.writes.records.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        self.writes
    }
}

/// Raises the sequence noted for `key` to at least `seq`.
fn raise(map: &mut HashMap<String, i64>, key: &str, seq: i64) {
    let latest = map.entry(key.to_string()).or_insert(seq);
    *latest = (*latest).max(seq);
}
