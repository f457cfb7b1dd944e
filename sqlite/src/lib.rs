//! hoso-sqlite: what the device store and the embedded server share about SQLite (SQLCipher).
//!
//! - [`connection`]: opening a connection, encrypted with a raw 32-byte key, after SQLCipher is ready;
//! - [`migrate`]: `.sql` migrations applied in order and tracked by `PRAGMA user_version`;
//! - [`checkpoint`]: the WAL copied into the database by a thread of its own, off the writer's path;
//! - [`meta`]: the `meta` key–value table, read and written through named keys only;
//! - [`op_row`]: a field operation as the columns both sides store it in;
//! - [`sealed`]: files beside the database (photos), encrypted with a key derived from its key.
//!
//! Invariant: nothing here knows a table of the device or the server beyond `meta`; each crate owns its
//! schema.

pub mod checkpoint;
pub mod connection;
pub mod meta;
pub mod migrate;
pub mod op_row;
pub mod sealed;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the key is wrong or the file is not a hoso database")]
    WrongKeyOrNotADatabase,
    #[error("the database file is damaged: {detail}")]
    Corrupt { detail: String },
    #[error(
        "the database was written by a newer version (schema {found}, this one knows up to {supported})"
    )]
    NewerSchema { found: u32, supported: u32 },
    #[error("storage: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("file: {0}")]
    Io(#[from] std::io::Error),
}
