//! The records and field states one push touches: read from PostgreSQL in a few set-based queries,
//! changed in memory by the same placement rules as the SQLite backend (`sqlite/placement.rs`: a
//! record's area is its own, else its parent's; a move is logged for eviction and re-stamps the
//! record's fields so the new area pulls them whole), and written back in a few statements at commit.
//! Reading row by row would cost a round trip per op.

use crate::storage::Result;
use hoso_model::area::AreaKind;
use hoso_model::merge::FieldState;
use hoso_model::op::{FieldOp, RecordKind};
use hoso_model::schema::{adopted_kind, area_of_field, has_children, is_parent_link};
use hoso_model::scope::Placement;
use postgres::{Row, Transaction};
use std::collections::{HashMap, HashSet};

/// How deep a move is carried down (case → form → nothing; household → person → nothing).
const MAX_DEPTH: u8 = 3;

const RECORD_COLUMNS: &str = "id, kind, parent_id, own_commune, own_province, own_facility, \
                              commune_code, province_code, facility_id";

pub(super) struct RecordRow {
    pub kind: String,
    parent_id: Option<String>,
    own: Placement,
    pub placed: Placement,
    /// Whether every stored record naming this one as parent is in the working set.
    children_loaded: bool,
}

/// A field written by this push.
struct PendingField {
    kind: &'static str,
    state: FieldState,
    seq: i64,
    /// The area a new row is inserted with; an existing row keeps its stored area unless re-stamped.
    place: Placement,
}

/// A record that moved in this push: its fields' last sequence and area.
pub(super) struct Restamp {
    pub seq: i64,
    pub place: Placement,
}

#[derive(Default)]
pub(super) struct WorkingSet {
    records: HashMap<String, RecordRow>,
    absent: HashSet<String>,
    dirty_records: HashSet<String>,
    stored_states: HashMap<(String, String), FieldState>,
    pending: HashMap<(String, String), PendingField>,
    pending_by_record: HashMap<String, Vec<String>>,
    restamps: HashMap<String, Restamp>,
    evictions: Vec<(i64, String, Placement)>,
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
        let rows = tx.query(
            &format!(
                "SELECT {RECORD_COLUMNS} FROM record WHERE id = ANY($1) OR parent_id = ANY($1)"
            ),
            &[&ids],
        )?;
        set.records = rows.iter().map(record_of).collect();
        for id in ids {
            match set.records.get_mut(*id) {
                Some(row) => row.children_loaded = true,
                None => {
                    set.absent.insert((*id).to_string());
                }
            }
        }
        let (record_ids, names): (Vec<&str>, Vec<&str>) = fields.iter().copied().unzip();
        let states = tx.query(
            "SELECT record_id, field, state FROM field_state
             WHERE (record_id, field) IN (SELECT * FROM unnest($1::text[], $2::text[]))",
            &[&record_ids, &names],
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

    /// The record, read from the database the first time it is asked for.
    pub fn get(&mut self, tx: &mut Transaction<'_>, id: &str) -> Result<Option<&RecordRow>> {
        if !self.records.contains_key(id) && !self.absent.contains(id) {
            let row = tx.query_opt(
                &format!("SELECT {RECORD_COLUMNS} FROM record WHERE id = $1"),
                &[&id],
            )?;
            match row {
                Some(row) => {
                    let (id, record) = record_of(&row);
                    self.records.insert(id, record);
                }
                None => {
                    self.absent.insert(id.to_string());
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

    /// Saves a field's merged state at `seq`; a new row takes `place`.
    pub fn write_state(&mut self, op: &FieldOp, state: FieldState, seq: i64, place: Placement) {
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
            self.absent.remove(id);
            self.records.insert(
                id.to_string(),
                RecordRow {
                    kind: kind.as_str().to_string(),
                    parent_id: None,
                    own: Placement::default(),
                    placed: Placement::default(),
                    children_loaded: false,
                },
            );
            self.dirty_records.insert(id.to_string());
        }
        Ok(())
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
            let rows = tx.query(
                &format!("SELECT {RECORD_COLUMNS} FROM record WHERE parent_id = $1"),
                &[&id],
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
        self.restamps
            .insert(id.to_string(), Restamp { seq, place: new });
    }

    /// Writes everything this push changed: records, re-stamped fields (before the fields written
    /// after them), field states, evictions.
    pub fn flush(self, tx: &mut Transaction<'_>) -> Result<()> {
        self.flush_records(tx)?;
        self.flush_restamps(tx)?;
        self.flush_states(tx)?;
        self.flush_evictions(tx)
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
        tx.execute(
            "INSERT INTO record (id, kind, parent_id, own_commune, own_province, own_facility,
                                 commune_code, province_code, facility_id)
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
                                  $6::text[], $7::text[], $8::text[], $9::text[])
             ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, parent_id = excluded.parent_id,
                 own_commune = excluded.own_commune, own_province = excluded.own_province,
                 own_facility = excluded.own_facility, commune_code = excluded.commune_code,
                 province_code = excluded.province_code, facility_id = excluded.facility_id",
            &[
                &ids,
                &kinds,
                &column(|r| r.parent_id.as_deref()),
                &column(|r| r.own.commune.as_deref()),
                &column(|r| r.own.province.as_deref()),
                &column(|r| r.own.facility.as_deref()),
                &column(|r| r.placed.commune.as_deref()),
                &column(|r| r.placed.province.as_deref()),
                &column(|r| r.placed.facility.as_deref()),
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
        tx.execute(
            "UPDATE field_state f SET seq = u.seq, commune_code = u.commune,
                    province_code = u.province, facility_id = u.facility
             FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[])
                  AS u(record_id, seq, commune, province, facility)
             WHERE f.record_id = u.record_id",
            &[
                &ids,
                &seqs,
                &area(AreaKind::Commune),
                &area(AreaKind::Province),
                &area(AreaKind::Facility),
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
        for ((record_id, field), pending) in &self.pending {
            record_ids.push(record_id.as_str());
            names.push(field.as_str());
            kinds.push(pending.kind);
            states.push(serde_json::to_string(&pending.state)?);
            seqs.push(pending.seq);
        }
        let area = |kind: AreaKind| -> Vec<Option<&str>> {
            self.pending.values().map(|p| p.place.get(kind)).collect()
        };
        tx.execute(
            "INSERT INTO field_state (record_id, field, kind, state, seq, commune_code,
                                      province_code, facility_id)
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[],
                                  $6::text[], $7::text[], $8::text[])
             ON CONFLICT (record_id, field) DO UPDATE SET state = excluded.state, seq = excluded.seq",
            &[
                &record_ids,
                &names,
                &kinds,
                &states,
                &seqs,
                &area(AreaKind::Commune),
                &area(AreaKind::Province),
                &area(AreaKind::Facility),
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
        tx.execute(
            "INSERT INTO scope_event (seq, record_id, old_commune, old_province, old_facility)
             SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[])",
            &[
                &seqs,
                &ids,
                &area(AreaKind::Commune),
                &area(AreaKind::Province),
                &area(AreaKind::Facility),
            ],
        )?;
        Ok(())
    }
}
