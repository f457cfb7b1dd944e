//! The `meta` table (`key TEXT PRIMARY KEY, value TEXT`), read and written only through [`MetaKey`]s,
//! so every key a database holds is named once, in the crate that owns it.

use crate::Result;
use rusqlite::{Connection, OptionalExtension};

/// A named key of the `meta` table. Each crate declares its keys as constants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MetaKey(pub &'static str);

impl MetaKey {
    pub fn name(self) -> &'static str {
        self.0
    }
}

pub fn get(conn: &Connection, key: MetaKey) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row([key.0], |row| row.get(0))
        .optional()?)
}

/// Reads a key holding a number; a missing or unreadable value reads as `None`.
pub fn get_number<T: std::str::FromStr>(conn: &Connection, key: MetaKey) -> Result<Option<T>> {
    Ok(get(conn, key)?.and_then(|text| text.parse().ok()))
}

pub fn set(conn: &Connection, key: MetaKey, value: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2",
    )?
    .execute([key.0, value])?;
    Ok(())
}

pub fn remove(conn: &Connection, key: MetaKey) -> Result<()> {
    conn.prepare_cached("DELETE FROM meta WHERE key = ?1")?
        .execute([key.0])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const COUNT: MetaKey = MetaKey("count");

    #[test]
    fn keys_are_set_replaced_read_and_removed() {
        let conn = Connection::open_in_memory().expect("memory database");
        conn.execute_batch("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);")
            .expect("schema");
        assert_eq!(get(&conn, COUNT).expect("read"), None);
        set(&conn, COUNT, "1").expect("set");
        set(&conn, COUNT, "2").expect("replace");
        assert_eq!(get_number::<u64>(&conn, COUNT).expect("read"), Some(2));
        remove(&conn, COUNT).expect("remove");
        assert_eq!(get(&conn, COUNT).expect("read"), None);
    }
}
