//! The SQLite side of a push's working set (`storage/working_set.rs`): the reads its rules ask for
//! and its writes, each a prepared statement run once per row that changed — a record written once
//! however many of its fields the push sets, a field once however many ops it merges.

use super::placement_from_row;
use crate::storage::Result;
use crate::storage::working_set::{RECORD_COLUMNS, RECORD_UPSERT, RecordReads, RecordRow, Writes};
use hoso_model::merge::FieldState;
use rusqlite::{OptionalExtension, Row, Transaction, params};

fn record_of(row: &Row<'_>) -> rusqlite::Result<(String, RecordRow)> {
    let mut record = RecordRow::stored(row.get(1)?);
    record.parent_id = row.get(2)?;
    record.own = placement_from_row(row, 3)?;
    record.placed = placement_from_row(row, 6)?;
    record.form_id = row.get(9)?;
    record.case_id = row.get(10)?;
    record.manager_id = row.get(11)?;
    record.opened_by = row.get(12)?;
    record.photo_sensitive = row.get(13)?;
    Ok((row.get(0)?, record))
}

/// The push's transaction, as the working set reads it.
pub(super) struct SqliteReads<'a, 'b>(pub &'a Transaction<'b>);

impl RecordReads for SqliteReads<'_, '_> {
    fn record(&mut self, id: &str) -> Result<Option<RecordRow>> {
        Ok(self
            .0
            .prepare_cached(&format!(
                "SELECT {RECORD_COLUMNS} FROM record WHERE id = ?1"
            ))?
            .query_row([id], record_of)
            .optional()?
            .map(|(_, row)| row))
    }

    fn children(&mut self, id: &str) -> Result<Vec<(String, RecordRow)>> {
        Ok(self
            .0
            .prepare_cached(&format!(
                "SELECT {RECORD_COLUMNS} FROM record WHERE parent_id = ?1"
            ))?
            .query_map([id], record_of)?
            .collect::<rusqlite::Result<_>>()?)
    }

    fn field_names(&mut self, id: &str) -> Result<Vec<String>> {
        Ok(self
            .0
            .prepare_cached("SELECT field FROM field_state WHERE record_id = ?1")?
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    }

    fn states(&mut self, fields: &[(&str, &str)]) -> Result<Vec<(String, String, FieldState)>> {
        let mut read = self
            .0
            .prepare_cached("SELECT state FROM field_state WHERE record_id = ?1 AND field = ?2")?;
        let mut found = Vec::new();
        for (record_id, field) in fields {
            let state: Option<String> = read
                .query_row([record_id, field], |r| r.get(0))
                .optional()?;
            if let Some(state) = state {
                let state = serde_json::from_str(&state)?;
                found.push((record_id.to_string(), field.to_string(), state));
            }
        }
        Ok(found)
    }
}

/// Writes everything a push changed: records, re-stamped fields (before the fields written after
/// them), field states, evictions.
pub(super) fn flush(tx: &Transaction<'_>, writes: &Writes) -> Result<()> {
    flush_records(tx, writes)?;
    flush_restamps(tx, writes)?;
    flush_access(tx, writes)?;
    flush_states(tx, writes)?;
    flush_evictions(tx, writes)
}

fn flush_records(tx: &Transaction<'_>, writes: &Writes) -> Result<()> {
    let mut upsert = tx.prepare_cached(&format!(
        "INSERT INTO record ({RECORD_COLUMNS})
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) {RECORD_UPSERT}"
    ))?;
    for (id, row) in &writes.records {
        upsert.execute(params![
            id,
            row.kind,
            row.parent_id,
            row.own.commune,
            row.own.province,
            row.own.facility,
            row.placed.commune,
            row.placed.province,
            row.placed.facility,
            row.form_id,
            row.case_id,
            row.manager_id,
            row.opened_by,
            row.photo_sensitive,
        ])?;
    }
    Ok(())
}

fn flush_restamps(tx: &Transaction<'_>, writes: &Writes) -> Result<()> {
    let mut restamp = tx.prepare_cached(
        "UPDATE field_state SET seq = max(seq, ?2), commune_code = ?3, province_code = ?4,
                facility_id = ?5
         WHERE record_id = ?1",
    )?;
    for (id, moved) in &writes.restamps {
        let place = &moved.place;
        restamp.execute(params![
            id,
            moved.seq,
            place.commune,
            place.province,
            place.facility
        ])?;
    }
    Ok(())
}

/// Case links, sensitivity flags, then the re-sending of sensitive fields (which reads both).
fn flush_access(tx: &Transaction<'_>, writes: &Writes) -> Result<()> {
    // A field keeps its case only while sensitive (who receives it): the record holds it for all.
    let mut link = tx.prepare_cached(
        "UPDATE field_state SET case_id = ?2 WHERE record_id = ?1 AND sensitive = 1",
    )?;
    for (id, case) in &writes.case_links {
        link.execute(params![id, case])?;
    }
    let mut flag = tx.prepare_cached(
        "UPDATE field_state SET sensitive = ?3, seq = max(seq, ?4), case_id = ?5
         WHERE record_id = ?1 AND field = ?2 AND sensitive <> ?3",
    )?;
    for ((id, field), reflag) in &writes.reflags {
        let case = reflag.case_id.as_ref().filter(|_| reflag.sensitive);
        flag.execute(params![id, field, reflag.sensitive, reflag.seq, case])?;
    }
    let mut case_fields = tx.prepare_cached(
        "UPDATE field_state SET seq = max(seq, ?2) WHERE case_id = ?1 AND sensitive = 1",
    )?;
    for (case, seq) in &writes.sensitive_restamps {
        case_fields.execute(params![case, seq])?;
    }
    let mut record_fields = tx.prepare_cached(
        "UPDATE field_state SET seq = max(seq, ?2) WHERE record_id = ?1 AND sensitive = 1",
    )?;
    for (record, seq) in &writes.record_resends {
        record_fields.execute(params![record, seq])?;
    }
    Ok(())
}

fn flush_states(tx: &Transaction<'_>, writes: &Writes) -> Result<()> {
    let mut upsert = tx.prepare_cached(
        "INSERT INTO field_state (record_id, field, kind, state, seq, commune_code, province_code,
                                  facility_id, sensitive, case_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (record_id, field) DO UPDATE SET state = excluded.state,
             seq = max(field_state.seq, excluded.seq)",
    )?;
    for ((record_id, field), pending) in writes.states_in_order() {
        upsert.execute(params![
            record_id,
            field,
            pending.kind,
            serde_json::to_string(&pending.state)?,
            pending.seq,
            pending.place.commune,
            pending.place.province,
            pending.place.facility,
            pending.sensitive,
            // Only a sensitive field keeps its case (who may receive it).
            pending.case_id.as_ref().filter(|_| pending.sensitive),
        ])?;
    }
    Ok(())
}

fn flush_evictions(tx: &Transaction<'_>, writes: &Writes) -> Result<()> {
    let mut log = tx.prepare_cached(
        "INSERT INTO scope_event (seq, record_id, old_commune, old_province, old_facility)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (seq, id, old) in &writes.evictions {
        log.execute(params![seq, id, old.commune, old.province, old.facility])?;
    }
    Ok(())
}
