//! The reads behind list screens: which cases a search hit belongs to, a household's members and
//! cases, and counts per household — each one query over an index, so a caseload of thousands lists in
//! milliseconds.

use super::Store;
use super::read::load_record;
use crate::error::Result;
use hoso_model::op::RecordKind;
use hoso_model::record::Record;
use std::collections::HashMap;

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

    /// The live records of a kind that belong to a household (its members, its cases).
    pub fn household_records(&self, household_id: &str, kind: RecordKind) -> Result<Vec<Record>> {
        self.read(|conn| {
            let ids: Vec<String> = conn
                .prepare_cached(
                    "SELECT id FROM record WHERE household_id = ?1 AND kind = ?2 AND deleted = 0
                     ORDER BY id",
                )?
                .query_map([household_id, kind.as_str()], |row| row.get(0))?
                .collect::<Result<_, _>>()?;
            let mut records = Vec::with_capacity(ids.len());
            for id in ids {
                records.extend(load_record(conn, &id)?);
            }
            Ok(records)
        })
    }

    /// How many live records of a kind each household has (members for people, cases for cases).
    pub fn count_by_household(&self, kind: RecordKind) -> Result<HashMap<String, u32>> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT household_id, count(*) FROM record
                 WHERE kind = ?1 AND deleted = 0 AND household_id IS NOT NULL GROUP BY household_id",
            )?;
            let rows = stmt.query_map([kind.as_str()], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, u32>(1)?))
            })?;
            rows.map(|row| Ok(row?)).collect()
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
