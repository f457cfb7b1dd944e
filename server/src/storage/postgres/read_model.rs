//! The read model of oversight and reports in the PostgreSQL backend, as `sqlite/read_model.rs`: one
//! `case_view` row (report facts) and one `case_snapshot` row (follow-up snapshot) per case, and one `field_conflict` row per
//! field whose concurrent values wait for a resolution, both changed in the push transaction that
//! changes what they derive from — here in a few set-based statements per push, whatever its size —
//! and built whole once for a database that had data before they existed.

use super::ordering::{self, LockSpace};
use crate::storage::Result;
use crate::storage::case_view::{Changed, case_view, child_fields, into_record, winner};
use hoso_model::merge::FieldState;
use hoso_model::op::{RecordKind, Value};
use hoso_model::record::Record;
use hoso_model::schema::fields;
use postgres::types::Type;
use postgres::{Client, GenericClient};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Set once `case_view` and `field_conflict` hold every case and conflict of the database.
const READ_MODEL_BUILT: &str = "read_model_built";

/// Any number, the same in every process: the advisory lock key of the first build.
const BUILD_LOCK: i64 = 0x686f_736f_7276_6d31;

/// Brings conflicts and case views in step with the fields a push changed (after it is written).
pub(super) fn after_push(
    client: &mut impl GenericClient,
    changed: &[Changed<'_>],
    left: Vec<String>,
) -> Result<()> {
    note_conflicts(client, changed)?;
    let mut cases: BTreeSet<String> = left.into_iter().collect();
    let (mut subjects, mut children) = (BTreeSet::new(), BTreeSet::new());
    for Changed { op, .. } in changed {
        match op.kind {
            RecordKind::Case => {
                cases.insert(op.record_id.clone());
            }
            RecordKind::Household => {}
            RecordKind::Person => {
                subjects.insert(op.record_id.as_str());
            }
            _ => {
                children.insert(op.record_id.as_str());
            }
        }
    }
    let subjects: Vec<&str> = subjects.into_iter().collect();
    let children: Vec<&str> = children.into_iter().collect();
    for row in client.query_typed(
        "SELECT case_id FROM case_view WHERE subject_id = ANY($1)
         UNION SELECT parent_id FROM record WHERE id = ANY($2) AND parent_id IS NOT NULL",
        &[(&subjects, Type::TEXT_ARRAY), (&children, Type::TEXT_ARRAY)],
    )? {
        cases.insert(row.get(0));
    }
    let cases: Vec<String> = cases.into_iter().collect();
    // Pushes that changed one of these cases before this one have committed once the lock is ours:
    // the rows are computed from every change, whichever push commits last.
    let ids: Vec<&str> = cases.iter().map(String::as_str).collect();
    ordering::lock(client, LockSpace::CaseViews, &ids)?;
    refresh_cases(client, &cases)
}

/// The fields that keep concurrent values now are listed (with how many); the others are not.
fn note_conflicts(client: &mut impl GenericClient, changed: &[Changed<'_>]) -> Result<()> {
    // Most fields never had concurrent values: nothing to note or clear. The last change counts.
    let mut now: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for c in changed
        .iter()
        .filter(|c| c.losers_before > 0 || c.losers > 0)
    {
        now.insert((c.op.record_id.as_str(), c.op.field.as_str()), c.losers);
    }
    let (kept, gone): (Vec<_>, Vec<_>) = now.into_iter().partition(|(_, losers)| *losers > 0);
    if !kept.is_empty() {
        let ids: Vec<&str> = kept.iter().map(|((id, _), _)| *id).collect();
        let names: Vec<&str> = kept.iter().map(|((_, field), _)| *field).collect();
        let values: Vec<i32> = kept
            .iter()
            .map(|(_, losers)| i32::try_from(*losers + 1).unwrap_or(i32::MAX))
            .collect();
        client.execute_typed(
            "INSERT INTO field_conflict (record_id, field, \"values\")
             SELECT * FROM unnest($1::text[], $2::text[], $3::integer[])
             ON CONFLICT (record_id, field) DO UPDATE SET \"values\" = excluded.\"values\"",
            &[
                (&ids, Type::TEXT_ARRAY),
                (&names, Type::TEXT_ARRAY),
                (&values, Type::INT4_ARRAY),
            ],
        )?;
    }
    if !gone.is_empty() {
        let ids: Vec<&str> = gone.iter().map(|((id, _), _)| *id).collect();
        let names: Vec<&str> = gone.iter().map(|((_, field), _)| *field).collect();
        client.execute_typed(
            "DELETE FROM field_conflict f USING unnest($1::text[], $2::text[]) AS u(record_id, field)
             WHERE f.record_id = u.record_id AND f.field = u.field",
            &[(&ids, Type::TEXT_ARRAY), (&names, Type::TEXT_ARRAY)],
        )?;
    }
    Ok(())
}

/// Records by id, each with every current value.
fn load_records(client: &mut impl GenericClient, ids: &[&str]) -> Result<HashMap<String, Record>> {
    let mut values: BTreeMap<String, (RecordKind, BTreeMap<String, Value>)> = BTreeMap::new();
    for row in client.query_typed(
        "SELECT r.id, r.kind, f.field, f.state FROM record r
         LEFT JOIN field_state f ON f.record_id = r.id WHERE r.id = ANY($1)",
        &[(&ids, Type::TEXT_ARRAY)],
    )? {
        let kind = RecordKind::parse(row.get(1)).unwrap_or(RecordKind::Form);
        let entry = values
            .entry(row.get(0))
            .or_insert_with(|| (kind, BTreeMap::new()));
        let (Some(field), Some(state)) = (row.get::<_, Option<String>>(2), row.get(3)) else {
            continue;
        };
        if let Some(value) = winner(state)? {
            entry.1.insert(field, value);
        }
    }
    Ok(values
        .into_iter()
        .map(|(id, (kind, fields))| (id.clone(), into_record(id, kind, fields)))
        .collect())
}

/// The forms, visits, referrals, consents and photos of each case, with only the fields snapshots
/// and facts read.
fn load_children(
    client: &mut impl GenericClient,
    case_ids: &[&str],
) -> Result<HashMap<String, Vec<Record>>> {
    let wanted = child_fields();
    let mut grouped: BTreeMap<(String, String), (RecordKind, BTreeMap<String, Value>)> =
        BTreeMap::new();
    for row in client.query_typed(
        // Each child's fields probed by its id (`OFFSET 0` keeps the planner from turning the probes
        // into a scan of every field with a wanted name).
        "SELECT r.parent_id, r.id, r.kind, f.field, f.state FROM record r
         CROSS JOIN LATERAL (SELECT field, state FROM field_state
                             WHERE record_id = r.id AND field = ANY($2) OFFSET 0) f
         WHERE r.parent_id = ANY($1) AND r.kind NOT IN ('person', 'household')",
        &[(&case_ids, Type::TEXT_ARRAY), (&wanted, Type::TEXT_ARRAY)],
    )? {
        let Some(value) = winner(row.get(4))? else {
            continue;
        };
        let kind = RecordKind::parse(row.get(2)).unwrap_or(RecordKind::Form);
        grouped
            .entry((row.get(0), row.get(1)))
            .or_insert_with(|| (kind, BTreeMap::new()))
            .1
            .insert(row.get(3), value);
    }
    let mut out: HashMap<String, Vec<Record>> = HashMap::new();
    for ((case_id, id), (kind, values)) in grouped {
        out.entry(case_id)
            .or_default()
            .push(into_record(id, kind, values));
    }
    Ok(out)
}

/// Recomputes the rows of these cases from their records (a case gone or deleted loses its row).
pub(super) fn refresh_cases(client: &mut impl GenericClient, case_ids: &[String]) -> Result<()> {
    if case_ids.is_empty() {
        return Ok(());
    }
    let ids: Vec<&str> = case_ids.iter().map(String::as_str).collect();
    let cases = load_records(client, &ids)?;
    let subject_ids: Vec<&str> = cases
        .values()
        .filter_map(|case| case.text(fields::SUBJECT_ID))
        .collect();
    let subjects = load_records(client, &subject_ids)?;
    let mut children = load_children(client, &ids)?;
    let mut rows = Vec::with_capacity(ids.len());
    let mut gone = Vec::new();
    for id in &ids {
        let view = match cases.get(*id) {
            Some(case) => {
                let subject = case.text(fields::SUBJECT_ID).and_then(|s| subjects.get(s));
                case_view(case, subject, &children.remove(*id).unwrap_or_default())?
            }
            None => None,
        };
        match view {
            Some(view) => rows.push(view),
            None => gone.push(*id),
        }
    }
    if !gone.is_empty() {
        for table in ["case_view", "case_snapshot"] {
            client.execute_typed(
                &format!("DELETE FROM {table} WHERE case_id = ANY($1)"),
                &[(&gone, Type::TEXT_ARRAY)],
            )?;
        }
    }
    if rows.is_empty() {
        return Ok(());
    }
    let ids: Vec<&str> = rows.iter().map(|v| v.case_id.as_str()).collect();
    let subjects: Vec<Option<&str>> = rows.iter().map(|v| v.subject_id.as_deref()).collect();
    let facts: Vec<&str> = rows.iter().map(|v| v.facts.as_str()).collect();
    let snapshots: Vec<&[u8]> = rows.iter().map(|v| v.snapshot.as_slice()).collect();
    client.execute_typed(
        "INSERT INTO case_view (case_id, subject_id, commune_code, province_code, facility_id, facts)
         SELECT u.case_id, u.subject_id, r.commune_code, r.province_code, r.facility_id, u.facts
         FROM unnest($1::text[], $2::text[], $3::text[]) AS u(case_id, subject_id, facts)
         JOIN record r ON r.id = u.case_id
         ON CONFLICT (case_id) DO UPDATE SET subject_id = excluded.subject_id,
             commune_code = excluded.commune_code, province_code = excluded.province_code,
             facility_id = excluded.facility_id, facts = excluded.facts",
        &[
            (&ids, Type::TEXT_ARRAY),
            (&subjects, Type::TEXT_ARRAY),
            (&facts, Type::TEXT_ARRAY),
        ],
    )?;
    client.execute_typed(
        "INSERT INTO case_snapshot (case_id, commune_code, province_code, facility_id, snapshot)
         SELECT u.case_id, r.commune_code, r.province_code, r.facility_id, u.snapshot
         FROM unnest($1::text[], $2::bytea[]) AS u(case_id, snapshot)
         JOIN record r ON r.id = u.case_id
         ON CONFLICT (case_id) DO UPDATE SET commune_code = excluded.commune_code,
             province_code = excluded.province_code, facility_id = excluded.facility_id,
             snapshot = excluded.snapshot",
        &[(&ids, Type::TEXT_ARRAY), (&snapshots, Type::BYTEA_ARRAY)],
    )?;
    Ok(())
}

/// Builds the read model of a database written before it existed; does nothing once built (one
/// process builds it: the others wait on the lock, then find it done).
pub(super) fn build_once(client: &mut Client) -> Result<()> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&BUILD_LOCK])?;
    if tx
        .query_opt("SELECT 1 FROM meta WHERE key = $1", &[&READ_MODEL_BUILT])?
        .is_some()
    {
        return Ok(());
    }
    let cases: Vec<String> = tx
        .query("SELECT id FROM record WHERE kind = 'case'", &[])?
        .iter()
        .map(|row| row.get(0))
        .collect();
    for chunk in cases.chunks(500) {
        refresh_cases(&mut tx, chunk)?;
    }
    let waiting = tx.query(
        "SELECT record_id, field, state FROM field_state WHERE state LIKE '%\"losers\":[{%'",
        &[],
    )?;
    for row in waiting {
        let state: FieldState = serde_json::from_str(row.get(2))?;
        let values = i32::try_from(state.losers.len() + 1).unwrap_or(i32::MAX);
        if values > 1 {
            tx.execute(
                "INSERT INTO field_conflict (record_id, field, \"values\") VALUES ($1, $2, $3)
                 ON CONFLICT (record_id, field) DO UPDATE SET \"values\" = excluded.\"values\"",
                &[&row.get::<_, &str>(0), &row.get::<_, &str>(1), &values],
            )?;
        }
    }
    tx.execute(
        "INSERT INTO meta (key, value) VALUES ($1, '1') ON CONFLICT (key) DO NOTHING",
        &[&READ_MODEL_BUILT],
    )?;
    tx.commit()?;
    Ok(())
}
