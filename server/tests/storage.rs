//! The backend-agnostic storage suite (`storage_suite/`), run on every backend: SQLite always,
//! PostgreSQL when `HOSO_TEST_DATABASE_URL` names a server (the test command starts one).

mod storage_suite;

use hoso_server::storage::{SqliteStorage, Storage};
use storage_suite::Backend;

/// A fresh SQLite file in a temporary folder.
struct Sqlite {
    storage: SqliteStorage,
    dir: tempfile::TempDir,
}

impl Backend for Sqlite {
    fn fresh() -> Option<Sqlite> {
        let dir = tempfile::tempdir().expect("temp dir");
        let storage = SqliteStorage::open(&dir.path().join("server.db")).expect("open");
        Some(Sqlite { storage, dir })
    }

    fn storage(&self) -> &dyn Storage {
        &self.storage
    }

    fn another_process(&self) -> Box<dyn Storage> {
        Box::new(SqliteStorage::open(&self.dir.path().join("server.db")).expect("open again"))
    }
}

mod sqlite {
    crate::storage_suite!(super::Sqlite);
}
