//! The read model of oversight and reports in the SQLite backend: per case one `case_view` row (report
//! facts) and one `case_snapshot` row (follow-up snapshot), and one `field_conflict` row per field
//! whose concurrent values wait for a resolution. They change in the push transaction that changes
//! what they derive from, and are built whole once for a database that had data before they existed.

use crate::storage::Result;
use crate::storage::case_view::{Changed, case_view, child_fields, into_record, winner};
use hoso_model::op::{RecordKind, Value};
use hoso_model::record::Record;
use hoso_model::schema::fields;
use hoso_sqlite::meta::{self, MetaKey};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// Set once `case_view` and `field_conflict` hold every case and conflict of the database.
const READ_MODEL_BUILT: MetaKey = MetaKey("read_model_built");

/// Brings conflicts and case views in step with the fields a push changed.
pub(super) fn after_push(
    tx: &Transaction<'_>,
    changed: &[Changed<'_>],
    left: Vec<String>,
) -> Result<()> {
    let mut cases: BTreeSet<String> = left.into_iter().collect();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for Changed {
        op,
        losers_before,
        losers,
    } in changed
    {
        // Most fields never had concurrent values: nothing to note or clear.
        if *losers_before > 0 || *losers > 0 {
            note_conflict(tx, &op.record_id, &op.field, *losers)?;
        }
        if !seen.insert(op.record_id.as_str()) {
            continue;
        }
        match op.kind {
            RecordKind::Case => {
                cases.insert(op.record_id.clone());
            }
            RecordKind::Household => {}
            RecordKind::Person => {
                let mut stmt =
                    tx.prepare_cached("SELECT case_id FROM case_view WHERE subject_id = ?1")?;
                for case in stmt.query_map([&op.record_id], |r| r.get::<_, String>(0))? {
                    cases.insert(case?);
                }
            }
            _ => {
                let parent: Option<Option<String>> = tx
                    .prepare_cached("SELECT parent_id FROM record WHERE id = ?1")?
                    .query_row([&op.record_id], |r| r.get(0))
                    .optional()?;
                cases.extend(parent.flatten());
            }
        }
    }
    for case_id in cases {
        refresh_case(tx, &case_id)?;
    }
    Ok(())
}

fn note_conflict(tx: &Connection, record_id: &str, field: &str, losers: usize) -> Result<()> {
    if losers > 0 {
        tx.prepare_cached(
            "INSERT INTO field_conflict (record_id, field, \"values\") VALUES (?1, ?2, ?3)
             ON CONFLICT(record_id, field) DO UPDATE SET \"values\" = ?3",
        )?
        .execute(params![record_id, field, losers as i64 + 1])?;
    } else {
        tx.prepare_cached("DELETE FROM field_conflict WHERE record_id = ?1 AND field = ?2")?
            .execute(params![record_id, field])?;
    }
    Ok(())
}

/// A record's current values (its tombstone read into `deleted`).
pub(super) fn load_record(conn: &Connection, id: &str) -> Result<Option<Record>> {
    let kind: Option<String> = conn
        .prepare_cached("SELECT kind FROM record WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    let Some(kind) = kind.as_deref().and_then(RecordKind::parse) else {
        return Ok(None);
    };
    let mut values = BTreeMap::new();
    let mut stmt =
        conn.prepare_cached("SELECT field, state FROM field_state WHERE record_id = ?1")?;
    let mut rows = stmt.query([id])?;
    while let Some(row) = rows.next()? {
        let state = row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
        if let Some(value) = winner(state)? {
            values.insert(row.get::<_, String>(0)?, value);
        }
    }
    Ok(Some(into_record(id.to_string(), kind, values)))
}

/// The case's forms, visits, referrals, consents and photos, with only the fields snapshots and
/// facts read (long notes stay unread).
fn load_children(conn: &Connection, case_id: &str) -> Result<Vec<Record>> {
    static SQL: OnceLock<String> = OnceLock::new();
    let sql = SQL.get_or_init(|| {
        let list = child_fields()
            .iter()
            .map(|f| format!("'{f}'"))
            .collect::<Vec<_>>()
            .join(", ");
        // `+f.field`: each child's fields are read as one range of the key and filtered, where
        // SQLite would otherwise probe the key once per wanted name (17 probes for a visit's 3
        // fields). Long notes are skipped by the filter before their pages are read.
        format!(
            "SELECT r.id, r.kind, f.field, f.state FROM record r JOIN field_state f ON f.record_id = r.id
             WHERE r.parent_id = ?1 AND r.kind NOT IN ('person', 'household') AND +f.field IN ({list})
             ORDER BY r.id"
        )
    });
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query([case_id])?;
    let mut children: Vec<(String, RecordKind, BTreeMap<String, Value>)> = Vec::new();
    while let Some(row) = rows.next()? {
        let id: String = row.get(0)?;
        let state = row.get_ref(3)?.as_str().map_err(rusqlite::Error::from)?;
        let Some(value) = winner(state)? else {
            continue;
        };
        if children.last().is_none_or(|(last, ..)| *last != id) {
            let kind = RecordKind::parse(row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?)
                .unwrap_or(RecordKind::Form);
            children.push((id, kind, BTreeMap::new()));
        }
        if let Some((.., values)) = children.last_mut() {
            values.insert(row.get(2)?, value);
        }
    }
    Ok(children
        .into_iter()
        .map(|(id, kind, values)| into_record(id, kind, values))
        .collect())
}

/// Recomputes one case's row from its records (removes it if the case is gone or deleted).
pub(super) fn refresh_case(conn: &Connection, case_id: &str) -> Result<()> {
    let view = match load_record(conn, case_id)? {
        Some(case) => {
            let subject = match case.text(fields::SUBJECT_ID) {
                Some(id) => load_record(conn, id)?,
                None => None,
            };
            case_view(&case, subject.as_ref(), &load_children(conn, case_id)?)?
        }
        None => None,
    };
    let Some(view) = view else {
        for table in ["case_view", "case_snapshot"] {
            conn.prepare_cached(&format!("DELETE FROM {table} WHERE case_id = ?1"))?
                .execute([case_id])?;
        }
        return Ok(());
    };
    conn.prepare_cached(
        "INSERT INTO case_view (case_id, subject_id, commune_code, province_code, facility_id, facts)
         SELECT ?1, ?2, commune_code, province_code, facility_id, ?3 FROM record WHERE id = ?1
         ON CONFLICT(case_id) DO UPDATE SET subject_id = excluded.subject_id,
            commune_code = excluded.commune_code, province_code = excluded.province_code,
            facility_id = excluded.facility_id, facts = excluded.facts",
    )?
    .execute(params![view.case_id, view.subject_id, view.facts])?;
    conn.prepare_cached(
        "INSERT INTO case_snapshot (case_id, commune_code, province_code, facility_id, snapshot)
         SELECT ?1, commune_code, province_code, facility_id, ?2 FROM record WHERE id = ?1
         ON CONFLICT(case_id) DO UPDATE SET commune_code = excluded.commune_code,
            province_code = excluded.province_code, facility_id = excluded.facility_id,
            snapshot = excluded.snapshot",
    )?
    .execute(params![view.case_id, view.snapshot])?;
    Ok(())
}

/// Builds the read model of a database written before it existed; does nothing once built.
pub(super) fn build_once(conn: &mut Connection) -> Result<()> {
    if meta::get(conn, READ_MODEL_BUILT)?.is_some() {
        return Ok(());
    }
    let tx = conn.transaction()?;
    let cases: Vec<String> = tx
        .prepare("SELECT id FROM record WHERE kind = 'case'")?
        .query_map([], |r| r.get(0))?
        .collect::<std::result::Result<_, _>>()?;
    for case_id in cases {
        refresh_case(&tx, &case_id)?;
    }
    let states: Vec<(String, String, String)> = tx
        .prepare(
            "SELECT record_id, field, state FROM field_state WHERE state LIKE '%\"losers\":[{%'",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<std::result::Result<_, _>>()?;
    for (record_id, field, state) in states {
        let state: hoso_model::merge::FieldState = serde_json::from_str(&state)?;
        note_conflict(&tx, &record_id, &field, state.losers.len())?;
    }
    meta::set(&tx, READ_MODEL_BUILT, "1")?;
    tx.commit()?;
    Ok(())
}
