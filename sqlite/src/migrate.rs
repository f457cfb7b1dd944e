//! Schema changes as `.sql` files applied in order, each in its own transaction, tracked by
//! `PRAGMA user_version`. A file written by a newer version is refused untouched.

use crate::{Error, Result};
use rusqlite::Connection;

/// Brings the database up to `migrations.len()`; returns the version found before.
pub fn migrate(conn: &Connection, migrations: &[&str]) -> Result<u32> {
    let supported = migrations.len() as u32;
    let found: u32 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if found > supported {
        return Err(Error::NewerSchema { found, supported });
    }
    for (index, sql) in migrations.iter().enumerate().skip(found as usize) {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(sql)?;
        tx.execute_batch(&format!("PRAGMA user_version = {};", index + 1))?;
        tx.commit()?;
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1: &str = "CREATE TABLE a (x);";
    const V2: &str = "CREATE TABLE b (y);";

    #[test]
    fn migrations_apply_once_in_order() {
        let conn = Connection::open_in_memory().expect("memory database");
        assert_eq!(migrate(&conn, &[V1]).expect("v1"), 0);
        assert_eq!(migrate(&conn, &[V1, V2]).expect("v2"), 1);
        assert_eq!(migrate(&conn, &[V1, V2]).expect("again"), 2);
        conn.execute("INSERT INTO b VALUES (1)", [])
            .expect("v2 table exists");
    }

    #[test]
    fn a_newer_schema_is_refused_untouched() {
        let conn = Connection::open_in_memory().expect("memory database");
        migrate(&conn, &[V1, V2]).expect("v2");
        let refused = migrate(&conn, &[V1]);
        assert!(matches!(
            refused,
            Err(Error::NewerSchema {
                found: 2,
                supported: 1
            })
        ));
    }

    #[test]
    fn a_failing_migration_leaves_the_previous_version() {
        let conn = Connection::open_in_memory().expect("memory database");
        migrate(&conn, &[V1]).expect("v1");
        assert!(migrate(&conn, &[V1, "CREATE TABLE c (z); NOT SQL;"]).is_err());
        let version: u32 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("version");
        assert_eq!(version, 1);
        let c_exists: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'c'",
                [],
                |r| r.get(0),
            )
            .expect("schema");
        assert_eq!(c_exists, 0, "the failed migration rolled back");
    }
}
