//! Forms as data: versioned declarative definitions (`core/forms/*.json`) that core validates and the
//! phone UIs render generically.
//!
//! The printed layouts of TT 02/2020's Mẫu 01–06 were never found (the annex is missing from every
//! public source), so each definition captures the content its article requires and says so.
//! Invariants: a shipped definition is valid (checked at build by the tests); validation messages are in
//! Vietnamese and English and never repeat a value; upgrading a draft never drops an answer.

pub mod checks;
mod definition;
mod registry;
mod upgrade;
mod validate;

use crate::i18n::Localized;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use definition::{
    Choice, ChoiceSource, Condition, FieldDef, FieldKind, FormDefinition, Section,
};
pub use registry::{DefinitionError, Registry};
pub use upgrade::{Upgraded, upgrade_answers};
pub use validate::{evaluate, validate};

/// The definitions this build ships, loaded once per process.
pub fn builtin() -> &'static Registry {
    static REGISTRY: std::sync::OnceLock<Registry> = std::sync::OnceLock::new();
    REGISTRY.get_or_init(Registry::builtin)
}

/// A form's answers by field name; repeat groups are arrays of objects.
pub type Answers = BTreeMap<String, serde_json::Value>;

/// One validation problem on one field, with a message in Vietnamese and English.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    /// The field's name in its form definition (a path such as `activities.2.end_date` inside repeats).
    pub field: String,
    /// A stable machine code, e.g. `required`, `date_in_future`, `citizen_id_format`.
    pub code: String,
    pub message: Localized,
}
