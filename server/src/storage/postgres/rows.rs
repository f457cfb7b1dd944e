//! The PostgreSQL side of a push's working set (`storage/working_set.rs`): the reads its rules ask
//! for, set-based where the whole push asks at once, and its writes, one statement per kind of row
//! whatever the push's size (reading or writing row by row would cost a round trip per op).

use crate::storage::Result;
use crate::storage::working_set::{RECORD_COLUMNS, RECORD_UPSERT, RecordReads, RecordRow, Writes};
use hoso_model::area::AreaKind;
use hoso_model::merge::FieldState;
use hoso_model::scope::Placement;
use postgres::types::Type;
use postgres::{Row, Transaction};

fn placement_at(row: &Row, first: usize) -> Placement {
    Placement {
        commune: row.get(first),
        province: row.get(first + 1),
        facility: row.get(first + 2),
    }
}

fn record_of(row: &Row) -> (String, RecordRow) {
    let mut record = RecordRow::stored(row.get(1));
    record.parent_id = row.get(2);
    record.own = placement_at(row, 3);
    record.placed = placement_at(row, 6);
    record.form_id = row.get(9);
    record.case_id = row.get(10);
    record.manager_id = row.get(11);
    record.opened_by = row.get(12);
    record.photo_sensitive = row.get(13);
    (row.get(0), record)
}

/// The push's transaction, as the working set reads it.
pub(super) struct PgReads<'a, 'b>(pub &'a mut Transaction<'b>);

impl RecordReads for PgReads<'_, '_> {
    fn records_and_children(&mut self, ids: &[&str]) -> Result<Vec<(String, RecordRow)>> {
        let rows = self.0.query_typed(
            &format!(
                "SELECT {RECORD_COLUMNS} FROM record WHERE id = ANY($1) OR parent_id = ANY($1)"
            ),
            &[(&ids, Type::TEXT_ARRAY)],
        )?;
        Ok(rows.iter().map(record_of).collect())
    }

    fn record(&mut self, id: &str) -> Result<Option<RecordRow>> {
        let row = self.0.query_typed_opt(
            &format!("SELECT {RECORD_COLUMNS} FROM record WHERE id = $1"),
            &[(&id, Type::TEXT)],
        )?;
        Ok(row.map(|row| record_of(&row).1))
    }

    fn children(&mut self, id: &str) -> Result<Vec<(String, RecordRow)>> {
        let rows = self.0.query_typed(
            &format!("SELECT {RECORD_COLUMNS} FROM record WHERE parent_id = $1"),
            &[(&id, Type::TEXT)],
        )?;
        Ok(rows.iter().map(record_of).collect())
    }

    fn field_names(&mut self, id: &str) -> Result<Vec<String>> {
        let rows = self.0.query_typed(
            "SELECT field FROM field_state WHERE record_id = $1",
            &[(&id, Type::TEXT)],
        )?;
        Ok(rows.iter().map(|row| row.get(0)).collect())
    }

    fn states(&mut self, fields: &[(&str, &str)]) -> Result<Vec<(String, String, FieldState)>> {
        let (record_ids, names): (Vec<&str>, Vec<&str>) = fields.iter().copied().unzip();
        let rows = self.0.query_typed(
            "SELECT record_id, field, state FROM field_state
             WHERE (record_id, field) IN (SELECT * FROM unnest($1::text[], $2::text[]))",
            &[(&record_ids, Type::TEXT_ARRAY), (&names, Type::TEXT_ARRAY)],
        )?;
        rows.iter()
            .map(|row| Ok((row.get(0), row.get(1), serde_json::from_str(row.get(2))?)))
            .collect()
    }
}

/// Writes everything this push changed: records, re-stamped fields (before the fields written
/// after them), field states, evictions.
pub(super) fn flush(tx: &mut Transaction<'_>, writes: &Writes) -> Result<()> {
    flush_records(tx, writes)?;
    flush_restamps(tx, writes)?;
    flush_access(tx, writes)?;
    flush_states(tx, writes)?;
    flush_evictions(tx, writes)
}

/// Case links, sensitivity flags, then the re-sending of sensitive fields (which reads both).
fn flush_access(tx: &mut Transaction<'_>, writes: &Writes) -> Result<()> {
    if !writes.case_links.is_empty() {
        let ids: Vec<&str> = writes.case_links.keys().map(String::as_str).collect();
        let cases: Vec<Option<&str>> = writes.case_links.values().map(|c| c.as_deref()).collect();
        tx.execute_typed(
            "UPDATE field_state f SET case_id = u.case_id
             FROM unnest($1::text[], $2::text[]) AS u(record_id, case_id)
             WHERE f.record_id = u.record_id",
            &[(&ids, Type::TEXT_ARRAY), (&cases, Type::TEXT_ARRAY)],
        )?;
    }
    if !writes.reflags.is_empty() {
        let ids: Vec<&str> = writes.reflags.keys().map(|k| k.0.as_str()).collect();
        let names: Vec<&str> = writes.reflags.keys().map(|k| k.1.as_str()).collect();
        let flags: Vec<bool> = writes.reflags.values().map(|r| r.sensitive).collect();
        let seqs: Vec<i64> = writes.reflags.values().map(|r| r.seq).collect();
        tx.execute_typed(
            "UPDATE field_state f SET sensitive = u.sensitive, seq = GREATEST(f.seq, u.seq)
             FROM unnest($1::text[], $2::text[], $3::boolean[], $4::bigint[])
                  AS u(record_id, field, sensitive, seq)
             WHERE f.record_id = u.record_id AND f.field = u.field
               AND f.sensitive IS DISTINCT FROM u.sensitive",
            &[
                (&ids, Type::TEXT_ARRAY),
                (&names, Type::TEXT_ARRAY),
                (&flags, Type::BOOL_ARRAY),
                (&seqs, Type::INT8_ARRAY),
            ],
        )?;
    }
    if !writes.sensitive_restamps.is_empty() {
        let cases: Vec<&str> = writes
            .sensitive_restamps
            .keys()
            .map(String::as_str)
            .collect();
        let seqs: Vec<i64> = writes.sensitive_restamps.values().copied().collect();
        tx.execute_typed(
            "UPDATE field_state f SET seq = GREATEST(f.seq, u.seq)
             FROM unnest($1::text[], $2::bigint[]) AS u(case_id, seq)
             WHERE f.case_id = u.case_id AND f.sensitive",
            &[(&cases, Type::TEXT_ARRAY), (&seqs, Type::INT8_ARRAY)],
        )?;
    }
    if !writes.record_resends.is_empty() {
        let records: Vec<&str> = writes.record_resends.keys().map(String::as_str).collect();
        let seqs: Vec<i64> = writes.record_resends.values().copied().collect();
        tx.execute_typed(
            "UPDATE field_state f SET seq = GREATEST(f.seq, u.seq)
             FROM unnest($1::text[], $2::bigint[]) AS u(record_id, seq)
             WHERE f.record_id = u.record_id AND f.sensitive",
            &[(&records, Type::TEXT_ARRAY), (&seqs, Type::INT8_ARRAY)],
        )?;
    }
    Ok(())
}

fn flush_records(tx: &mut Transaction<'_>, writes: &Writes) -> Result<()> {
    let rows = &writes.records;
    if rows.is_empty() {
        return Ok(());
    }
    let column = |pick: fn(&RecordRow) -> Option<&str>| -> Vec<Option<&str>> {
        rows.iter().map(|(_, row)| pick(row)).collect()
    };
    let ids: Vec<&str> = rows.iter().map(|(id, _)| id.as_str()).collect();
    let kinds: Vec<&str> = rows.iter().map(|(_, row)| row.kind.as_str()).collect();
    tx.execute_typed(
        &format!(
            "INSERT INTO record ({RECORD_COLUMNS})
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
                                  $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
                                  $11::text[], $12::text[], $13::text[], $14::boolean[])
             {RECORD_UPSERT}"
        ),
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

fn flush_restamps(tx: &mut Transaction<'_>, writes: &Writes) -> Result<()> {
    if writes.restamps.is_empty() {
        return Ok(());
    }
    let ids: Vec<&str> = writes.restamps.keys().map(String::as_str).collect();
    let seqs: Vec<i64> = writes.restamps.values().map(|r| r.seq).collect();
    let area = |kind: AreaKind| -> Vec<Option<&str>> {
        writes
            .restamps
            .values()
            .map(|r| r.place.get(kind))
            .collect()
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

fn flush_states(tx: &mut Transaction<'_>, writes: &Writes) -> Result<()> {
    if writes.states.is_empty() {
        return Ok(());
    }
    let mut record_ids = Vec::with_capacity(writes.states.len());
    let mut names = Vec::with_capacity(writes.states.len());
    let mut kinds = Vec::with_capacity(writes.states.len());
    let mut states = Vec::with_capacity(writes.states.len());
    let mut seqs = Vec::with_capacity(writes.states.len());
    let mut flags = Vec::with_capacity(writes.states.len());
    let mut cases = Vec::with_capacity(writes.states.len());
    let in_order = writes.states_in_order();
    for ((record_id, field), pending) in &in_order {
        record_ids.push(record_id.as_str());
        names.push(field.as_str());
        kinds.push(pending.kind);
        states.push(serde_json::to_string(&pending.state)?);
        seqs.push(pending.seq);
        flags.push(pending.sensitive);
        cases.push(pending.case_id.as_deref());
    }
    let area = |kind: AreaKind| -> Vec<Option<&str>> {
        in_order.iter().map(|(_, p)| p.place.get(kind)).collect()
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

fn flush_evictions(tx: &mut Transaction<'_>, writes: &Writes) -> Result<()> {
    if writes.evictions.is_empty() {
        return Ok(());
    }
    let seqs: Vec<i64> = writes.evictions.iter().map(|e| e.0).collect();
    let ids: Vec<&str> = writes.evictions.iter().map(|e| e.1.as_str()).collect();
    let area = |kind: AreaKind| -> Vec<Option<&str>> {
        writes.evictions.iter().map(|e| e.2.get(kind)).collect()
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
