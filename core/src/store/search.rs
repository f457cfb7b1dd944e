//! Vietnamese search over people and households: the query is folded the same way as the index
//! ("duc" finds "Đức"), every word must match, the last one as a prefix as the user types.

use super::Store;
use crate::error::Result;
use hoso_model::fold::fold;
use hoso_model::op::RecordKind;

/// How many matches are ordered before the best `limit` are returned.
const CANDIDATES: usize = 100;

#[derive(Clone, Debug, PartialEq)]
pub struct SearchHit {
    pub record_id: String,
    pub kind: RecordKind,
}

/// Builds an FTS5 query from folded words; quoting makes any user text safe. The last word is a prefix
/// (the user is typing it). Earlier words are prefixes only when short enough for the prefix indexes
/// (1–3 letters); a longer earlier word is taken as typed, because a long prefix would make FTS5 merge
/// the doclists of every term that starts with it ("nguyen*" over a whole province).
fn fts_query(query: &str) -> Option<String> {
    let folded = fold(query);
    let words: Vec<&str> = folded.split(' ').filter(|t| !t.is_empty()).collect();
    let last = words.len().checked_sub(1)?;
    let terms: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            if i == last || w.chars().count() <= 3 {
                format!("\"{w}\"*")
            } else {
                format!("\"{w}\"")
            }
        })
        .collect();
    Some(terms.join(" "))
}

impl Store {
    /// People and households matching every word, those whose name starts with the query first, then
    /// in alphabetical order. No bm25 ranking: it needs each term's document frequency, which means
    /// reading the whole doclist of a common name ("nguyen") on every keystroke.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        let Some(fts) = fts_query(query) else {
            return Ok(Vec::new());
        };
        let folded = fold(query);
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT record_id, kind, body FROM search_index WHERE search_index MATCH ?1 LIMIT ?2",
            )?;
            let mut rows: Vec<(bool, String, SearchHit)> = Vec::new();
            let found = stmt.query_map(rusqlite::params![fts, CANDIDATES as i64], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?))
            })?;
            for row in found {
                let (record_id, kind, body) = row?;
                if let Some(kind) = RecordKind::parse(&kind) {
                    rows.push((!body.starts_with(&folded), body, SearchHit { record_id, kind }));
                }
            }
            rows.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
            Ok(rows.into_iter().take(limit).map(|(_, _, hit)| hit).collect())
        })
    }

    /// People already known under the same citizen ID, or the same folded name and birth date.
    pub fn likely_duplicates(
        &self,
        fields: &std::collections::BTreeMap<String, hoso_model::op::Value>,
        except: Option<&str>,
    ) -> Result<Vec<String>> {
        let keys = super::write::person_keys(fields);
        self.read(|conn| {
            let mut stmt =
                conn.prepare_cached("SELECT record_id FROM person_key WHERE key = ?1")?;
            let mut found: Vec<String> = Vec::new();
            for key in &keys {
                for id in stmt.query_map([key], |row| row.get::<_, String>(0))? {
                    let id = id?;
                    if Some(id.as_str()) != except && !found.contains(&id) {
                        found.push(id);
                    }
                }
            }
            Ok(found)
        })
    }
}
