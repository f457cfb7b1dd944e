//! A database of its own for one test, benchmark or simulation run on a shared PostgreSQL server:
//! created empty, dropped when the run ends.

use crate::storage::Result;
use postgres::NoTls;

/// The environment variable through which the test command names a PostgreSQL server for tests.
pub const TEST_DATABASE_ENV: &str = "HOSO_TEST_DATABASE_URL";

pub struct ScratchDatabase {
    /// The URL of the new database.
    pub url: String,
    server_url: String,
    name: String,
}

/// `url` with its database name replaced by `name` (query parameters kept).
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let authority_end = base
        .find("://")
        .map(|scheme| scheme + 3)
        .and_then(|start| base[start..].find('/').map(|slash| start + slash))
        .unwrap_or(base.len());
    format!("{}/{name}{query}", &base[..authority_end])
}

impl ScratchDatabase {
    /// Creates an empty database on the server `server_url` names.
    pub fn create(server_url: &str) -> Result<ScratchDatabase> {
        let name = format!("hoso_{}", uuid::Uuid::now_v7().simple());
        let mut admin = postgres::Client::connect(server_url, NoTls)?;
        admin.batch_execute(&format!("CREATE DATABASE {name}"))?;
        Ok(ScratchDatabase {
            url: with_database(server_url, &name),
            server_url: server_url.to_string(),
            name,
        })
    }

    /// A scratch database on the server of [`TEST_DATABASE_ENV`], or `None` when it is not set.
    pub fn for_tests() -> Option<Result<ScratchDatabase>> {
        let server = std::env::var(TEST_DATABASE_ENV).ok()?;
        Some(ScratchDatabase::create(&server))
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        if let Ok(mut admin) = postgres::Client::connect(&self.server_url, NoTls) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_name_is_replaced_and_parameters_kept() {
        assert_eq!(
            with_database("postgres://u@127.0.0.1:5432/postgres", "hoso_x"),
            "postgres://u@127.0.0.1:5432/hoso_x"
        );
        assert_eq!(
            with_database("postgresql://u:p@h/db?sslmode=disable", "t"),
            "postgresql://u:p@h/t?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h:1", "t"), "postgres://h:1/t");
    }
}
