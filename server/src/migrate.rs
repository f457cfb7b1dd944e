//! `hoso-server migrate --from DIR --to postgres://…`: moves an embedded deployment up to PostgreSQL.
//! Every table is copied as it is — records, field states, the audit trail, evictions, areas, users,
//! devices (their token hashes, so phones keep working), codes, admin tokens, the sequence head (so
//! devices' cursors stay valid), the read model of oversight, devices' last syncs, the dashboard's
//! sign-ins, codes and sessions — from one consistent read of the SQLite file, in batches, with a
//! progress bar; then counts and a SHA-256 of every table are compared on both sides.
//!
//! Safe to re-run after an interruption: rows are upserted by their keys (the audit trail only
//! appended), and a target that holds data not copied from this source is refused untouched.
//! Photos will be copied to the object store here once the blob store exists (the photos work).

use crate::storage::{PgStorage, Result, StorageError};
use hoso_sqlite::connection::{self, Access};
use indicatif::{ProgressBar, ProgressStyle};
use postgres::types::ToSql;
use rusqlite::types::ValueRef;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::time::Duration;

/// How a column is typed on the PostgreSQL side.
#[derive(Clone, Copy)]
enum Column {
    Text,
    Int,
    Bool,
    Bytes,
}

use Column::{Bool, Bytes, Int, Text};

/// One table: its columns (same names on both sides unless `pg_name` differs), the columns rows are
/// ordered by for hashing, and what a re-run does with a row that is already there.
struct Table {
    /// A table, or a view where SQLite stores the rows more compactly than PostgreSQL (`audit_op`,
    /// `field_state_with_case`: server/sql/007_compact_rows.sql).
    sqlite_name: &'static str,
    pg_name: &'static str,
    columns: &'static [(&'static str, Column)],
    key: &'static str,
    on_conflict: &'static str,
}

const TABLES: &[Table] = &[
    Table {
        sqlite_name: "area",
        pg_name: "area",
        columns: &[("kind", Text), ("code", Text), ("name", Text)],
        key: "kind, code",
        on_conflict: "ON CONFLICT (kind, code) DO UPDATE SET name = excluded.name",
    },
    Table {
        sqlite_name: "user",
        pg_name: "app_user",
        columns: &[
            ("id", Text),
            ("name", Text),
            ("role", Text),
            ("area_kind", Text),
            ("area_code", Text),
        ],
        key: "id",
        on_conflict: "ON CONFLICT (id) DO NOTHING",
    },
    Table {
        sqlite_name: "device",
        pg_name: "device",
        columns: &[
            ("id", Text),
            ("user_id", Text),
            ("name", Text),
            ("token_hash", Text),
            ("revoked", Bool),
            ("enrolled_at", Int),
        ],
        key: "id",
        on_conflict: "ON CONFLICT (id) DO UPDATE SET token_hash = excluded.token_hash, \
                      revoked = excluded.revoked, enrolled_at = excluded.enrolled_at",
    },
    Table {
        sqlite_name: "enrollment_code",
        pg_name: "enrollment_code",
        columns: &[
            ("code_hash", Text),
            ("user_id", Text),
            ("expires_at", Int),
            ("used_at", Int),
        ],
        key: "code_hash",
        on_conflict: "ON CONFLICT (code_hash) DO UPDATE SET used_at = excluded.used_at",
    },
    Table {
        sqlite_name: "admin_token",
        pg_name: "admin_token",
        columns: &[("token_hash", Text), ("created_at", Int)],
        key: "token_hash",
        on_conflict: "ON CONFLICT (token_hash) DO NOTHING",
    },
    Table {
        sqlite_name: "audit_op",
        pg_name: "op_log",
        columns: &[
            ("seq", Int),
            ("op_id", Text),
            ("record_id", Text),
            ("kind", Text),
            ("field", Text),
            ("value", Text),
            ("hlc", Text),
            ("supersedes", Text),
            ("device_id", Text),
            ("author", Text),
            ("received_at", Int),
        ],
        key: "seq",
        on_conflict: "ON CONFLICT (seq) DO NOTHING",
    },
    Table {
        sqlite_name: "record",
        pg_name: "record",
        columns: &[
            ("id", Text),
            ("kind", Text),
            ("parent_id", Text),
            ("own_commune", Text),
            ("own_province", Text),
            ("own_facility", Text),
            ("commune_code", Text),
            ("province_code", Text),
            ("facility_id", Text),
            ("form_id", Text),
            ("case_id", Text),
            ("manager_id", Text),
            ("opened_by", Text),
            ("photo_sensitive", Bool),
        ],
        key: "id",
        on_conflict: "ON CONFLICT (id) DO UPDATE SET parent_id = excluded.parent_id, \
                      own_commune = excluded.own_commune, own_province = excluded.own_province, \
                      own_facility = excluded.own_facility, commune_code = excluded.commune_code, \
                      province_code = excluded.province_code, facility_id = excluded.facility_id, \
                      form_id = excluded.form_id, case_id = excluded.case_id, \
                      manager_id = excluded.manager_id, opened_by = excluded.opened_by, \
                      photo_sensitive = excluded.photo_sensitive",
    },
    Table {
        sqlite_name: "field_state_with_case",
        pg_name: "field_state",
        columns: &[
            ("record_id", Text),
            ("field", Text),
            ("kind", Text),
            ("state", Text),
            ("seq", Int),
            ("commune_code", Text),
            ("province_code", Text),
            ("facility_id", Text),
            ("sensitive", Bool),
            ("case_id", Text),
        ],
        key: "record_id, field",
        on_conflict: "ON CONFLICT (record_id, field) DO UPDATE SET state = excluded.state, \
                      seq = excluded.seq, commune_code = excluded.commune_code, \
                      province_code = excluded.province_code, facility_id = excluded.facility_id, \
                      sensitive = excluded.sensitive, case_id = excluded.case_id",
    },
    Table {
        sqlite_name: "scope_event",
        pg_name: "scope_event",
        columns: &[
            ("seq", Int),
            ("record_id", Text),
            ("old_commune", Text),
            ("old_province", Text),
            ("old_facility", Text),
        ],
        key: "seq, record_id",
        // Derived, without a key of its own: emptied and copied whole on every run.
        on_conflict: "",
    },
    Table {
        sqlite_name: "area_config",
        pg_name: "area_config",
        columns: &[
            ("area_kind", Text),
            ("area_code", Text),
            ("version", Int),
            ("config", Text),
        ],
        key: "area_kind, area_code",
        on_conflict: "ON CONFLICT (area_kind, area_code) DO UPDATE SET version = excluded.version, \
                      config = excluded.config",
    },
    Table {
        sqlite_name: "admin_units",
        pg_name: "admin_units",
        columns: &[
            ("version", Text),
            ("effective", Text),
            ("units", Text),
            ("imported_at", Int),
        ],
        key: "version",
        on_conflict: "ON CONFLICT (version) DO UPDATE SET effective = excluded.effective, \
                      units = excluded.units, imported_at = excluded.imported_at",
    },
    Table {
        sqlite_name: "photo_upload_usage",
        pg_name: "photo_upload_usage",
        columns: &[("device_id", Text), ("day", Text), ("bytes", Int)],
        key: "device_id, day",
        on_conflict: "ON CONFLICT (device_id, day) DO UPDATE SET bytes = excluded.bytes",
    },
    Table {
        sqlite_name: "report_produced",
        pg_name: "report_produced",
        columns: &[
            ("area_kind", Text),
            ("area_code", Text),
            ("period", Text),
            ("produced_at", Int),
        ],
        key: "area_kind, area_code, period",
        on_conflict: "ON CONFLICT (area_kind, area_code, period) DO NOTHING",
    },
    Table {
        sqlite_name: "case_view",
        pg_name: "case_view",
        columns: &[
            ("case_id", Text),
            ("subject_id", Text),
            ("commune_code", Text),
            ("province_code", Text),
            ("facility_id", Text),
            ("facts", Text),
        ],
        key: "case_id",
        // Derived (the read model): emptied and copied whole on every run.
        on_conflict: "",
    },
    Table {
        sqlite_name: "case_snapshot",
        pg_name: "case_snapshot",
        columns: &[
            ("case_id", Text),
            ("commune_code", Text),
            ("province_code", Text),
            ("facility_id", Text),
            ("snapshot", Bytes),
        ],
        key: "case_id",
        on_conflict: "",
    },
    Table {
        sqlite_name: "field_conflict",
        pg_name: "field_conflict",
        columns: &[("record_id", Text), ("field", Text), ("\"values\"", Int)],
        key: "record_id, field",
        on_conflict: "",
    },
    Table {
        sqlite_name: "device_sync",
        pg_name: "device_sync",
        columns: &[
            ("device_id", Text),
            ("last_sync_at", Int),
            ("pending_ops", Int),
            ("oldest_unsent_millis", Int),
        ],
        key: "device_id",
        on_conflict: "ON CONFLICT (device_id) DO UPDATE SET last_sync_at = excluded.last_sync_at, \
                      pending_ops = excluded.pending_ops, \
                      oldest_unsent_millis = excluded.oldest_unsent_millis",
    },
    Table {
        sqlite_name: "web_login",
        pg_name: "web_login",
        columns: &[
            ("user_id", Text),
            ("login", Text),
            ("password_hash", Text),
            ("set_at", Int),
        ],
        key: "user_id",
        on_conflict: "ON CONFLICT (user_id) DO UPDATE SET login = excluded.login, \
                      password_hash = excluded.password_hash, set_at = excluded.set_at",
    },
    Table {
        sqlite_name: "web_code",
        pg_name: "web_code",
        columns: &[
            ("code_hash", Text),
            ("user_id", Text),
            ("expires_at", Int),
            ("used_at", Int),
        ],
        key: "code_hash",
        on_conflict: "ON CONFLICT (code_hash) DO UPDATE SET used_at = excluded.used_at",
    },
    Table {
        sqlite_name: "web_session",
        pg_name: "web_session",
        columns: &[
            ("token_hash", Text),
            ("user_id", Text),
            ("csrf", Text),
            ("expires_at", Int),
        ],
        key: "token_hash",
        // Sessions come and go: emptied and copied whole on every run.
        on_conflict: "",
    },
];

/// Marks a PostgreSQL database as the copy of an embedded deployment (its first op's id).
const MIGRATED_FROM: &str = "migrated_from";

const BATCH: usize = 5_000;

#[derive(Debug)]
pub struct TableReport {
    pub table: &'static str,
    pub rows: u64,
    pub hash_matches: bool,
}

fn fail(message: impl Into<String>) -> StorageError {
    StorageError::Postgres(message.into())
}

/// Copies the deployment in `from` (a data folder) to the PostgreSQL database `to`, then verifies it.
pub fn migrate(from: &Path, to: &str) -> Result<Vec<TableReport>> {
    let file = from.join("hoso-server.db");
    if !file.exists() {
        return Err(fail(format!("no hoso-server.db in {}", from.display())));
    }
    // The key exists beside a database that exists (or is in HOSO_SERVER_KEY).
    let key = crate::keyfile::load_or_create(from).map_err(fail)?;
    // Brought to this server's schema first, as `serve` would (its read model rebuilt if a
    // migration asks); then opened writable so that SQLite can read a WAL the server left, and
    // nothing more is written.
    drop(crate::storage::SqliteStorage::open(&file, &key)?);
    let mut sqlite = connection::open(&file, &key, Access::ReadWrite, Duration::from_secs(10))?;
    drop(PgStorage::connect(to, 1)?);
    let mut pg = postgres::Client::connect(to, postgres::NoTls)?;
    // One snapshot of the source for the copy and its verification.
    let snapshot = sqlite.transaction()?;
    claim_target(&snapshot, &mut pg)?;
    let total: u64 = TABLES
        .iter()
        .map(|t| count_sqlite(&snapshot, t.sqlite_name))
        .sum::<Result<u64>>()?;
    let bar = ProgressBar::new(total).with_style(
        ProgressStyle::with_template("{msg:>16} [{bar:40}] {pos}/{len} rows ({eta})")
            .map_err(|e| fail(e.to_string()))?
            .progress_chars("=> "),
    );
    for table in TABLES {
        bar.set_message(table.pg_name);
        copy_table(&snapshot, &mut pg, table, &bar)?;
    }
    let head: i64 = snapshot
        .query_row("SELECT value FROM meta WHERE key = 'seq'", [], |r| {
            r.get::<_, String>(0)
        })
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(0);
    pg.execute(
        "UPDATE sequence_floor SET floor = GREATEST(floor, $1::bigint + 1) WHERE id = 1",
        &[&head],
    )?;
    bar.finish_and_clear();
    let reports = TABLES
        .iter()
        .map(|table| verify(&snapshot, &mut pg, table))
        .collect::<Result<Vec<_>>>()?;
    // A bulk copy leaves the planner's statistics behind the tables; until autovacuum catches up it
    // plans pushes' key lookups as scans (docs/operations.md, "Sizing").
    pg.batch_execute("ANALYZE")?;
    Ok(reports)
}

/// Refuses a target that holds data not copied from this source; marks it as this source's copy.
fn claim_target(sqlite: &rusqlite::Transaction<'_>, pg: &mut postgres::Client) -> Result<()> {
    let source: String = sqlite.query_row(
        "SELECT coalesce((SELECT op_id FROM op_log ORDER BY seq LIMIT 1), 'empty')",
        [],
        |r| r.get(0),
    )?;
    let marker: Option<String> = pg
        .query_opt("SELECT value FROM meta WHERE key = $1", &[&MIGRATED_FROM])?
        .map(|row| row.get(0));
    let target_ops: i64 = pg.query_one("SELECT count(*) FROM op_log", &[])?.get(0);
    match marker {
        Some(marker) if marker == source => Ok(()),
        Some(_) => Err(fail(
            "the target database is a copy of another deployment: nothing was changed",
        )),
        None if target_ops > 0 => Err(fail(
            "the target database already holds records: nothing was changed",
        )),
        None => {
            pg.execute(
                "INSERT INTO meta (key, value) VALUES ($1, $2)",
                &[&MIGRATED_FROM, &source],
            )?;
            Ok(())
        }
    }
}

fn count_sqlite(sqlite: &rusqlite::Connection, table: &str) -> Result<u64> {
    Ok(
        sqlite.query_row(&format!("SELECT count(*) FROM \"{table}\""), [], |r| {
            r.get::<_, i64>(0)
        })? as u64,
    )
}

/// Column values gathered for one batch, one vector per column.
enum Values {
    Text(Vec<Option<String>>),
    Int(Vec<Option<i64>>),
    Bool(Vec<Option<bool>>),
    Bytes(Vec<Option<Vec<u8>>>),
}

impl Values {
    fn new(column: Column) -> Values {
        match column {
            Text => Values::Text(Vec::with_capacity(BATCH)),
            Int => Values::Int(Vec::with_capacity(BATCH)),
            Bool => Values::Bool(Vec::with_capacity(BATCH)),
            Bytes => Values::Bytes(Vec::with_capacity(BATCH)),
        }
    }

    fn push(&mut self, value: ValueRef<'_>) {
        let int = match value {
            ValueRef::Integer(n) => Some(n),
            _ => None,
        };
        match self {
            Values::Text(v) => v.push(value.as_str().ok().map(str::to_string)),
            Values::Int(v) => v.push(int),
            Values::Bool(v) => v.push(int.map(|n| n != 0)),
            Values::Bytes(v) => v.push(value.as_blob().ok().map(<[u8]>::to_vec)),
        }
    }

    fn sql_type(&self) -> &'static str {
        match self {
            Values::Text(_) => "text[]",
            Values::Int(_) => "bigint[]",
            Values::Bool(_) => "boolean[]",
            Values::Bytes(_) => "bytea[]",
        }
    }

    fn as_param(&self) -> &(dyn ToSql + Sync) {
        match self {
            Values::Text(v) => v,
            Values::Int(v) => v,
            Values::Bool(v) => v,
            Values::Bytes(v) => v,
        }
    }
}

fn copy_table(
    sqlite: &rusqlite::Connection,
    pg: &mut postgres::Client,
    table: &Table,
    bar: &ProgressBar,
) -> Result<()> {
    let names: Vec<&str> = table.columns.iter().map(|(name, _)| *name).collect();
    if table.on_conflict.is_empty() {
        pg.execute(&format!("DELETE FROM {}", table.pg_name), &[])?;
    }
    let mut statement = sqlite.prepare(&format!(
        "SELECT {} FROM \"{}\"",
        names.join(", "),
        table.sqlite_name
    ))?;
    let mut rows = statement.query([])?;
    let mut batch: Vec<Values> = table.columns.iter().map(|(_, c)| Values::new(*c)).collect();
    let mut pending = 0;
    while let Some(row) = rows.next()? {
        for (index, values) in batch.iter_mut().enumerate() {
            values.push(row.get_ref(index)?);
        }
        pending += 1;
        if pending == BATCH {
            insert(pg, table, &names, &batch)?;
            bar.inc(pending as u64);
            batch = table.columns.iter().map(|(_, c)| Values::new(*c)).collect();
            pending = 0;
        }
    }
    if pending > 0 {
        insert(pg, table, &names, &batch)?;
        bar.inc(pending as u64);
    }
    Ok(())
}

fn insert(
    pg: &mut postgres::Client,
    table: &Table,
    names: &[&str],
    batch: &[Values],
) -> Result<()> {
    let arrays: Vec<String> = batch
        .iter()
        .enumerate()
        .map(|(i, values)| format!("${}::{}", i + 1, values.sql_type()))
        .collect();
    let sql = format!(
        "INSERT INTO {} ({}) SELECT * FROM unnest({}) {}",
        table.pg_name,
        names.join(", "),
        arrays.join(", "),
        table.on_conflict
    );
    let params: Vec<&(dyn ToSql + Sync)> = batch.iter().map(Values::as_param).collect();
    pg.execute(&sql, &params)?;
    Ok(())
}

/// Feeds one value to a table's hash, the same way whichever side it comes from.
fn feed(hasher: &mut Sha256, value: Option<String>) {
    match value {
        Some(text) => {
            hasher.update(format!("{}:", text.len()));
            hasher.update(text);
        }
        None => hasher.update("-"),
    }
}

fn verify(
    sqlite: &rusqlite::Connection,
    pg: &mut postgres::Client,
    table: &Table,
) -> Result<TableReport> {
    // Every value compared as text; booleans as 0/1 and bytes as upper-case hex on both sides; keys in
    // byte order on both, named through the table (an output column of the same name would sort as
    // text).
    let pg_columns: Vec<String> = table
        .columns
        .iter()
        .map(|(name, column)| match column {
            Bool => format!("({name})::int::text"),
            Bytes => format!("upper(encode({name}, 'hex'))"),
            _ => format!("({name})::text"),
        })
        .collect();
    let pg_order: Vec<String> = table
        .key
        .split(", ")
        .map(|key| match table.columns.iter().find(|(n, _)| *n == key) {
            Some((_, Text)) => format!("src.{key} COLLATE \"C\""),
            _ => format!("src.{key}"),
        })
        .collect();
    let mut source = Sha256::new();
    let mut source_rows = 0u64;
    let names: Vec<&str> = table.columns.iter().map(|(name, _)| *name).collect();
    let sqlite_columns: Vec<String> = table
        .columns
        .iter()
        .map(|(name, column)| match column {
            Bytes => format!("hex({name})"),
            _ => format!("CAST({name} AS TEXT)"),
        })
        .collect();
    let mut statement = sqlite.prepare(&format!(
        "SELECT {} FROM \"{}\" ORDER BY {}",
        sqlite_columns.join(", "),
        table.sqlite_name,
        table.key
    ))?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        source_rows += 1;
        for index in 0..names.len() {
            feed(&mut source, row.get(index)?);
        }
    }
    let mut target = Sha256::new();
    let mut target_rows = 0u64;
    for row in pg.query(
        &format!(
            "SELECT {} FROM {} AS src ORDER BY {}",
            pg_columns.join(", "),
            table.pg_name,
            pg_order.join(", ")
        ),
        &[],
    )? {
        target_rows += 1;
        for index in 0..names.len() {
            feed(&mut target, row.get(index));
        }
    }
    if source_rows != target_rows {
        return Err(fail(format!(
            "{}: {source_rows} rows in the source, {target_rows} in PostgreSQL",
            table.pg_name
        )));
    }
    Ok(TableReport {
        table: table.pg_name,
        rows: source_rows,
        hash_matches: source.finalize() == target.finalize(),
    })
}
