//! The declarative shape of a form: what the phone renders and what core validates.

use crate::i18n::Localized;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FormDefinition {
    /// Stable id from the legal reference, e.g. `TT02-M01`.
    pub id: String,
    pub version: u32,
    pub title: Localized,
    pub legal_ref: String,
    /// What the definition is based on; says so when the printed layout is unknown.
    pub description: Localized,
    pub sections: Vec<Section>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub id: String,
    pub title: Localized,
    pub fields: Vec<FieldDef>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldDef {
    pub name: String,
    pub label: Localized,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<Localized>,
    pub kind: FieldKind,
    #[serde(default)]
    pub required: bool,
    /// The field applies only when this holds; an irrelevant field is never required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relevant: Option<Condition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_ref: Option<String>,
    /// Names this field had in earlier versions, so drafts carry over.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub renamed_from: Vec<String>,
    /// Sensitive personal data (NĐ 356/2025/NĐ-CP Điều 4: health, ethnic origin, ID card images…):
    /// its values reach only the devices of the people who manage or approve the case.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sensitive: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    pub code: String,
    pub label: Localized,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_ref: Option<String>,
    /// Choosing it reveals sensitive data (an HIV subject category reveals health status).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sensitive: bool,
    /// Never shown in a list meant for public posting: HIV information (NĐ 20/2021/NĐ-CP Điều 8.1.b,
    /// 28.1.b).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub never_posted: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FieldKind {
    Text {
        #[serde(default)]
        multiline: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_len: Option<usize>,
    },
    Integer {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<i64>,
    },
    Decimal {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
    },
    /// Vietnamese đồng, a whole number ≥ 0.
    Money,
    Date {
        #[serde(default)]
        not_in_future: bool,
        /// Must be on or after this other field's date (same repeat item or top level).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        after_field: Option<String>,
        /// A date of birth: not in the future, not more than 120 years ago.
        #[serde(default)]
        birth: bool,
    },
    Choice {
        #[serde(default)]
        choices: Vec<Choice>,
        /// Name of a shared choice list (e.g. `subject_categories`), resolved by the registry.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        choices_ref: Option<String>,
    },
    MultiChoice {
        #[serde(default)]
        choices: Vec<Choice>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        choices_ref: Option<String>,
        /// Choices that depend on the case (e.g. the activities of the plan in force): the screen
        /// state lists them; answers are their titles.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        choices_from: Option<ChoiceSource>,
    },
    Boolean,
    /// Số CMND (9 digits) or số căn cước công dân (12 digits), TT 02/2020 Điều 4.1.a.
    CitizenId,
    /// A Vietnamese phone number.
    Phone,
    /// A list of items, each with the same fields (e.g. the plan's activities).
    Repeat {
        fields: Vec<FieldDef>,
        #[serde(default)]
        min: usize,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<usize>,
    },
}

impl FieldKind {
    pub fn choices(&self) -> Option<&[Choice]> {
        match self {
            FieldKind::Choice { choices, .. } | FieldKind::MultiChoice { choices, .. } => {
                Some(choices)
            }
            _ => None,
        }
    }
}

/// Where a field's choices come from when they depend on the case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChoiceSource {
    /// The activities of the plan in force (Mẫu 04), by title.
    PlanActivities,
}

/// When a field applies, as structured JSON (no expression parser on phones).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// The field has a non-empty answer.
    Answered(String),
    /// The field's answer equals the value.
    Equals(String, serde_json::Value),
    /// The multiple-choice field includes the code.
    Includes(String, String),
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
}

impl Condition {
    pub fn fields(&self) -> Vec<&str> {
        match self {
            Condition::Answered(f) | Condition::Equals(f, _) | Condition::Includes(f, _) => {
                vec![f.as_str()]
            }
            Condition::All(all) | Condition::Any(all) => {
                all.iter().flat_map(Condition::fields).collect()
            }
            Condition::Not(inner) => inner.fields(),
        }
    }
}

impl FormDefinition {
    /// Every top-level field, section by section.
    pub fn fields(&self) -> impl Iterator<Item = &FieldDef> {
        self.sections.iter().flat_map(|s| s.fields.iter())
    }

    pub fn field(&self, name: &str) -> Option<&FieldDef> {
        self.fields().find(|f| f.name == name)
    }

    /// Whether the definition has a top-level field of this name.
    pub fn defines(&self, name: &str) -> bool {
        self.field(name).is_some()
    }
}
