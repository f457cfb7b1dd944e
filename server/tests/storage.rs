//! The backend-agnostic storage suite (`storage_suite/`), run on every backend: SQLite always,
//! PostgreSQL when `HOSO_TEST_DATABASE_URL` names a server (the test command starts one).

mod storage_suite;

use hoso_server::storage::postgres::scratch::{ScratchDatabase, TEST_DATABASE_ENV};
use hoso_server::storage::{PgStorage, SqliteStorage, Storage};
use storage_suite::Backend;

/// A fresh SQLite file in a temporary folder.
struct Sqlite {
    storage: SqliteStorage,
    dir: tempfile::TempDir,
}

impl Backend for Sqlite {
    fn fresh() -> Option<Sqlite> {
        let dir = tempfile::tempdir().expect("temp dir");
        let storage =
            SqliteStorage::open(&dir.path().join("server.db"), &test_key()).expect("open");
        Some(Sqlite { storage, dir })
    }

    fn storage(&self) -> &dyn Storage {
        &self.storage
    }

    fn another_process(&self) -> Box<dyn Storage> {
        Box::new(
            SqliteStorage::open(&self.dir.path().join("server.db"), &test_key())
                .expect("open again"),
        )
    }

    fn rewind_to_an_older_schema(&self) {
        let conn = hoso_sqlite::connection::open(
            &self.dir.path().join("server.db"),
            &test_key(),
            hoso_sqlite::connection::Access::ReadWrite,
            std::time::Duration::from_secs(5),
        )
        .expect("open the file");
        conn.execute_batch(
            "DROP VIEW audit_op;
             DROP VIEW field_state_with_case;
             CREATE TABLE op_log_wide (
                 seq INTEGER PRIMARY KEY, op_id TEXT NOT NULL UNIQUE, record_id TEXT NOT NULL,
                 kind TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL, hlc TEXT NOT NULL,
                 supersedes TEXT NOT NULL, device_id TEXT NOT NULL, author TEXT NOT NULL,
                 received_at INTEGER NOT NULL);
             INSERT INTO op_log_wide
                 SELECT o.seq, o.op_id, o.record_id, o.kind, o.field, o.value, o.hlc, o.supersedes,
                        p.device_id, p.author, p.received_at
                 FROM op_log o JOIN push_log p ON p.id = o.push;
             DROP TABLE op_log;
             DROP TABLE push_log;
             ALTER TABLE op_log_wide RENAME TO op_log;
             CREATE INDEX op_log_record ON op_log(record_id);
             CREATE INDEX record_case ON record(case_id) WHERE case_id IS NOT NULL;
             DROP INDEX record_case_commune;
             DROP INDEX record_case_province;
             DROP INDEX record_case_facility;
             CREATE INDEX record_commune ON record(commune_code);
             CREATE INDEX record_province ON record(province_code);
             CREATE INDEX record_facility ON record(facility_id);
             UPDATE field_state
                 SET case_id = (SELECT case_id FROM record WHERE id = field_state.record_id);
             DROP TABLE case_snapshot;
             ALTER TABLE case_view ADD COLUMN snapshot TEXT NOT NULL DEFAULT '{}';
             PRAGMA user_version = 5;",
        )
        .expect("rewind");
    }
}

mod sqlite {
    crate::storage_suite!(super::Sqlite);
}

/// A scratch database on the PostgreSQL server of `HOSO_TEST_DATABASE_URL`.
struct Postgres {
    storage: PgStorage,
    database: ScratchDatabase,
}

impl Backend for Postgres {
    fn fresh() -> Option<Postgres> {
        let Some(database) = ScratchDatabase::for_tests() else {
            eprintln!("PostgreSQL suite not run: {TEST_DATABASE_ENV} is not set");
            return None;
        };
        let database = database.expect("a scratch database");
        let storage = PgStorage::connect(&database.url, 4).expect("connect");
        Some(Postgres { storage, database })
    }

    fn storage(&self) -> &dyn Storage {
        &self.storage
    }

    fn another_process(&self) -> Box<dyn Storage> {
        Box::new(PgStorage::connect(&self.database.url, 4).expect("connect again"))
    }

    fn rewind_to_an_older_schema(&self) {
        let mut client =
            ::postgres::Client::connect(&self.database.url, ::postgres::NoTls).expect("connect");
        client
            .batch_execute(
                "DROP TABLE case_snapshot;
                 ALTER TABLE case_view ADD COLUMN snapshot TEXT NOT NULL DEFAULT '{}';
                 CREATE TABLE sequence_head (id SMALLINT PRIMARY KEY, seq BIGINT NOT NULL);
                 INSERT INTO sequence_head SELECT 1, floor - 1 FROM sequence_floor;
                 DROP TABLE sequence_floor;
                 CREATE INDEX record_case ON record(case_id) WHERE case_id IS NOT NULL;
                 DELETE FROM schema_version WHERE version >= 5;",
            )
            .expect("rewind");
    }
}

mod postgres {
    crate::storage_suite!(super::Postgres);
}

/// A fixed key for the encrypted test database (a deployment's lives in `server.key`).
fn test_key() -> hoso_sqlite::connection::Key {
    hoso_sqlite::connection::Key::from_hex(&"5a".repeat(32)).expect("a 32-byte key")
}

/// A pull never passes a push that is still running in another process: its ops, numbered below the
/// ones committed after it, would be skipped for good.
#[test]
fn postgres_pulls_stop_below_a_push_still_running() {
    use storage_suite::world::{Holdings, Phone, TAN_HIEP, commune, pull_all, setup};
    let Some(backend) = Postgres::fresh() else {
        return;
    };
    let storage = backend.storage();
    setup(storage);
    let lan = Phone::enroll(
        storage,
        "lan",
        hoso_model::role::Role::Collaborator,
        commune(TAN_HIEP),
    );
    let (case, _, _, ops) = lan.new_case(TAN_HIEP);
    // A transaction holding an id, as a push between taking its numbers and committing.
    let mut other =
        ::postgres::Client::connect(&backend.database.url, ::postgres::NoTls).expect("connect");
    let mut running = other.transaction().expect("begin");
    running
        .query_one("SELECT pg_current_xact_id()::text", &[])
        .expect("an id");
    lan.push_accepted(storage, &ops);
    let (held, _, cursor) = pull_all(storage, &lan, Holdings::new(), 0, 1000);
    assert!(
        held.is_empty(),
        "nothing committed after the running push is pulled before it ends"
    );
    running.commit().expect("commit");
    let (held, _, _) = pull_all(storage, &lan, held, cursor, 1000);
    assert!(held.contains_key(&case));
    let (everything, _, _) = pull_all(storage, &lan, Holdings::new(), 0, 1000);
    assert_eq!(
        held, everything,
        "resumed, the device holds what a full pull gives"
    );
}
