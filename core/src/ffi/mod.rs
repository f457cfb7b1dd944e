//! The one module that owns the FFI surface (uniffi proc-macros). Synchronous calls, safe from several
//! background threads; one call per user action. Errors cross as the small [`ApiError`]; details go
//! to the log, never personal data.
//!
//! The apps use the screen calls, one file per screen group — [`launch`] (database key, enrollment QR,
//! PIN, lock), [`agenda`], [`caseload`], [`case_file`], [`form`], [`sync_screen`], [`settings`] — each
//! answering a screen state of [`crate::screens`]. The record-level calls of [`cases`] and [`sync`]
//! (forms as JSON, lifecycle actions with ids) stay for tools and tests. Every call that shows or
//! changes case data passes the session lock and fails with `Locked` until the PIN is typed; the
//! launch calls and the background sync (`sync_now`, `sync_status`, `interrupt_sync`) do not.
//!
//! What the core tells the platform, whatever the screen: [`logging`] (the `LogSink` the app installs
//! for Logcat or OSLog), [`progress`] (a sync's progress to a listener), [`network`] (the kinds of
//! network failure, the app's name for the `User-Agent`), and on Android `android` (the JNI entry
//! that hands the platform verifier the app's `Context`).

use crate::app::App;
use crate::error::Error;
use hoso_model::forms::{Answers, Issue};
use hoso_model::i18n::Localized;
use hoso_model::role::Role;
use std::sync::Arc;

mod agenda;
#[cfg(target_os = "android")]
mod android;
mod case_file;
mod caseload;
mod cases;
mod form;
mod launch;
mod logging;
mod network;
mod oversight;
mod photos;
mod progress;
mod reference;
mod settings;
mod sync;
mod sync_screen;

pub use cases::*;
pub use launch::*;
pub use logging::*;
pub use network::*;
pub use oversight::*;
pub use photos::*;
pub use progress::*;
pub use reference::*;
pub use sync::*;

/// Vietnamese first, English second: every text a user reads.
#[uniffi::remote(Record)]
pub struct Localized {
    pub vi: String,
    pub en: String,
}

#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum ApiError {
    #[error("the key is wrong or the file is not a hoso database")]
    WrongKey,
    #[error("the database was written by a newer app")]
    NewerApp,
    #[error("the database file is damaged")]
    Damaged,
    #[error("not found")]
    NotFound,
    #[error("{message_en}")]
    Invalid {
        message_vi: String,
        message_en: String,
    },
    #[error("{} field(s) to fix", issues.len())]
    Validation { issues: Vec<FieldIssue> },
    #[error("{message_en}")]
    NotAllowed {
        message_vi: String,
        message_en: String,
    },
    /// The server could not be reached or failed: `fault` says how, the message says it to the user.
    #[error("{message_en}")]
    Network {
        fault: NetworkFault,
        message_vi: String,
        message_en: String,
    },
    /// The server refused: its status, its code and its own words for the user.
    #[error("the server refused: {code}")]
    Server {
        status: u16,
        code: String,
        message_vi: String,
        message_en: String,
    },
    #[error("this device was revoked; its data was erased")]
    Revoked,
    #[error("interrupted")]
    Interrupted,
    /// The app is locked, not enrolled, or has no PIN yet: go to the launch screen.
    #[error("the app is locked")]
    Locked,
    #[error("internal error")]
    Internal,
}

impl From<Error> for ApiError {
    fn from(error: Error) -> ApiError {
        let localized = |m: Localized| (m.vi, m.en);
        match error {
            Error::WrongKeyOrNotADatabase => ApiError::WrongKey,
            Error::NewerSchema { .. } => ApiError::NewerApp,
            Error::Corrupt { .. } => ApiError::Damaged,
            Error::NotFound { .. } => ApiError::NotFound,
            Error::Invalid(m) => {
                let (message_vi, message_en) = localized(m);
                ApiError::Invalid {
                    message_vi,
                    message_en,
                }
            }
            Error::NotAllowed(m) => {
                let (message_vi, message_en) = localized(m);
                ApiError::NotAllowed {
                    message_vi,
                    message_en,
                }
            }
            Error::Validation(issues) => ApiError::Validation {
                issues: issues.into_iter().map(FieldIssue::from).collect(),
            },
            Error::Network { fault, detail } => network_error(fault, &detail),
            Error::Server {
                status,
                code,
                message,
            } => {
                let (message_vi, message_en) = localized(message);
                ApiError::Server {
                    status,
                    code,
                    message_vi,
                    message_en,
                }
            }
            Error::Protocol(detail) => {
                tracing::error!(%detail, "the server broke the protocol");
                let (message_vi, message_en) = localized(Error::broken_protocol());
                ApiError::Server {
                    status: 0,
                    code: "protocol".into(),
                    message_vi,
                    message_en,
                }
            }
            Error::Revoked => ApiError::Revoked,
            Error::Interrupted => ApiError::Interrupted,
            Error::Locked => ApiError::Locked,
            other => {
                tracing::error!(error = %other, "internal error");
                ApiError::Internal
            }
        }
    }
}

type ApiResult<T> = Result<T, ApiError>;

fn json_answers(json: &str) -> ApiResult<Answers> {
    serde_json::from_str(json).map_err(|_| ApiError::Invalid {
        message_vi: "Dữ liệu biểu mẫu không đúng định dạng JSON.".into(),
        message_en: "The form data is not valid JSON.".into(),
    })
}

fn to_json(value: &impl serde::Serialize) -> ApiResult<String> {
    serde_json::to_string(value).map_err(|_| ApiError::Internal)
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct FieldIssue {
    pub field: String,
    pub code: String,
    pub message_vi: String,
    pub message_en: String,
}

impl From<Issue> for FieldIssue {
    fn from(issue: Issue) -> FieldIssue {
        FieldIssue {
            field: issue.field,
            code: issue.code,
            message_vi: issue.message.vi,
            message_en: issue.message.en,
        }
    }
}

fn kind_name<T: serde::Serialize>(kind: &T) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The case file of one device: an open encrypted store, its case actions and its sync client.
#[derive(uniffi::Object)]
pub struct HosoCore {
    app: App,
}

impl HosoCore {
    /// The app behind the session lock: every call that shows or changes case data goes through here.
    fn unlocked(&self) -> ApiResult<&App> {
        self.app.session.check()?;
        Ok(&self.app)
    }
}

#[uniffi::export]
impl HosoCore {
    /// Opens (or creates) the encrypted store; `key_hex` is the 32-byte key from the platform keystore
    /// (made once by `new_database_key`). The app starts locked.
    #[uniffi::constructor]
    pub fn open(path: String, key_hex: String) -> ApiResult<Arc<HosoCore>> {
        Ok(Arc::new(HosoCore {
            app: App::open(path, &key_hex)?,
        }))
    }

    pub fn device_id(&self) -> String {
        self.app.store.identity().device_id
    }

    /// Every current form definition, as a JSON array, for the generic renderer.
    pub fn form_definitions_json(&self) -> ApiResult<String> {
        to_json(&crate::actions::registry().all_latest())
    }

    /// The role of the enrolled user (`collaborator`, `approver`, …).
    pub fn role(&self) -> ApiResult<String> {
        Ok(self.app.store.role().map(Role::as_str)?.to_string())
    }
}
