//! The reads behind list screens: which cases a search hit belongs to, a household's members and
//! cases, conflicts and unsent changes of a case's records — each over an index and reading only the
//! rows it needs, so a caseload of thousands lists in milliseconds.

use super::Store;
use super::read::{load_record, parse_kind};
use crate::error::Result;
use hoso_model::domain::snapshot::CaseSnapshot;
use hoso_model::op::RecordKind;
use hoso_model::record::Record;
use rusqlite::{Connection, OptionalExtension};

impl Store {
    /// The cases whose subject is one of these people.
    pub fn cases_of_subjects(&self, person_ids: &[String]) -> Result<Vec<String>> {
        self.read(|conn| {
            let mut stmt =
                conn.prepare_cached("SELECT case_id FROM case_summary WHERE subject_id = ?1")?;
            let mut cases = Vec::new();
            for person in person_ids {
                for case in stmt.query_map([person], |row| row.get::<_, String>(0))? {
                    cases.push(case?);
                }
            }
            Ok(cases)
        })
    }

    /// The live records of a kind that belong to a household (its members, its cases). Only the
    /// household's own rows are read, through the household index: filtering on the kind in SQL would
    /// let SQLite pick the kind's index and read every record of that kind.
    pub fn household_records(&self, household_id: &str, kind: RecordKind) -> Result<Vec<Record>> {
        self.read(|conn| {
            let mut records = Vec::new();
            for (id, _) in household_rows(conn, household_id)?
                .into_iter()
                .filter(|(_, k)| *k == kind)
            {
                records.extend(load_record(conn, &id)?);
            }
            Ok(records)
        })
    }

    /// The households stored last on this device, newest first, and how many it has in all (both
    /// through the kind's index: only the rows shown are read).
    pub fn recent_households(&self, limit: usize) -> Result<(Vec<Record>, u32)> {
        self.read(|conn| {
            let kind = RecordKind::Household.as_str();
            let total: u32 = conn
                .prepare_cached("SELECT count(*) FROM record WHERE kind = ?1 AND deleted = 0")?
                .query_row([kind], |row| row.get(0))?;
            let ids: Vec<String> = conn
                .prepare_cached(
                    "SELECT id FROM record WHERE kind = ?1 AND deleted = 0 ORDER BY rowid DESC LIMIT ?2",
                )?
                .query_map(rusqlite::params![kind, limit as i64], |row| row.get(0))?
                .collect::<Result<_, _>>()?;
            let mut households = Vec::with_capacity(ids.len());
            for id in ids {
                households.extend(load_record(conn, &id)?);
            }
            Ok((households, total))
        })
    }

    /// One case's derived summary.
    pub fn case_snapshot(&self, case_id: &str) -> Result<Option<CaseSnapshot>> {
        self.read(|conn| {
            let text: Option<String> = conn
                .prepare_cached("SELECT snapshot FROM case_summary WHERE case_id = ?1")?
                .query_row([case_id], |row| row.get(0))
                .optional()?;
            Ok(text.map(|t| serde_json::from_str(&t)).transpose()?)
        })
    }

    /// How many live people and cases a household has.
    pub fn household_counts(&self, household_id: &str) -> Result<(u32, u32)> {
        self.read(|conn| {
            let rows = household_rows(conn, household_id)?;
            let count = |kind: RecordKind| rows.iter().filter(|(_, k)| *k == kind).count() as u32;
            Ok((count(RecordKind::Person), count(RecordKind::Case)))
        })
    }

    /// How many fields of these records hold concurrent values waiting for review.
    pub fn conflict_count(&self, record_ids: &[String]) -> Result<u32> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT conflicts FROM record WHERE id = ?1 AND conflicts > 0 AND deleted = 0",
            )?;
            let mut total = 0;
            for id in record_ids {
                for count in stmt.query_map([id], |row| row.get::<_, u32>(0))? {
                    total += count?;
                }
            }
            Ok(total)
        })
    }

    /// How many of these records have changes the server has not acknowledged.
    pub fn unsynced_records(&self, record_ids: &[String]) -> Result<u32> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM op WHERE record_id = ?1 AND sync_state != 'acknowledged')",
            )?;
            let mut total = 0;
            for id in record_ids {
                if stmt.query_row([id], |row| row.get::<_, bool>(0))? {
                    total += 1;
                }
            }
            Ok(total)
        })
    }
}

/// The ids and kinds of a household's live records, through the household index.
fn household_rows(conn: &Connection, household_id: &str) -> Result<Vec<(String, RecordKind)>> {
    let mut stmt =
        conn.prepare_cached("SELECT id, kind, deleted FROM record WHERE household_id = ?1")?;
    let mut rows = stmt.query([household_id])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        if !row.get::<_, bool>(2)? {
            let kind = parse_kind(row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?)?;
            out.push((row.get(0)?, kind));
        }
    }
    Ok(out)
}
