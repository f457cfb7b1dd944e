//! The internal error: full detail for logs and tests. It never carries personal data (no names, ID
//! numbers or field values), only ids, codes and counts. The FFI maps it to the small public
//! `ApiError` in [`crate::ffi`].

use hoso_model::i18n::Localized;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the database key is wrong or the file is not a hoso database")]
    WrongKeyOrNotADatabase,
    #[error(
        "the database was written by a newer app (schema {found}, this app knows up to {supported})"
    )]
    NewerSchema { found: u32, supported: u32 },
    #[error("the database file is damaged: {detail}")]
    Corrupt { detail: String },
    #[error("record {id} was not found")]
    NotFound { id: String },
    #[error("invalid input: {}", .0.en)]
    Invalid(Localized),
    #[error("validation failed on {} field(s)", .0.len())]
    Validation(Vec<hoso_model::forms::Issue>),
    #[error("not allowed: {}", .0.en)]
    NotAllowed(Localized),
    #[error(transparent)]
    Clock(#[from] hoso_model::hlc::ClockError),
    #[error(transparent)]
    OpShape(#[from] hoso_model::op::OpShapeError),
    #[error("storage: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("serialisation: {0}")]
    Json(#[from] serde_json::Error),
    #[error("file: {0}")]
    Io(#[from] std::io::Error),
    #[error("network: {0}")]
    Network(String),
    /// The server answered something the protocol does not allow (e.g. a push without receipts).
    #[error("the server broke the protocol: {0}")]
    Protocol(String),
    #[error("the server refused: {status} {code}")]
    Server { status: u16, code: String },
    #[error("this device was revoked by the server")]
    Revoked,
    #[error("interrupted")]
    Interrupted,
    /// The app is locked (or not yet enrolled, or without a PIN): the screens wait for the launch
    /// screen's flow.
    #[error("the app is locked")]
    Locked,
}

impl From<hoso_sqlite::Error> for Error {
    fn from(error: hoso_sqlite::Error) -> Error {
        match error {
            hoso_sqlite::Error::WrongKeyOrNotADatabase => Error::WrongKeyOrNotADatabase,
            hoso_sqlite::Error::Corrupt { detail } => Error::Corrupt { detail },
            hoso_sqlite::Error::NewerSchema { found, supported } => {
                Error::NewerSchema { found, supported }
            }
            hoso_sqlite::Error::Sqlite(e) => Error::Sqlite(e),
            hoso_sqlite::Error::Io(e) => Error::Io(e),
        }
    }
}

impl Error {
    pub fn invalid(vi: &str, en: &str) -> Error {
        Error::Invalid(Localized::new(vi, en))
    }

    pub fn not_allowed(vi: &str, en: &str) -> Error {
        Error::NotAllowed(Localized::new(vi, en))
    }
}
