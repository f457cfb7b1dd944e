//! Where a user works (a commune, a province or a facility): what their devices may see and change.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AreaKind {
    Commune,
    Province,
    Facility,
}

impl AreaKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AreaKind::Commune => "commune",
            AreaKind::Province => "province",
            AreaKind::Facility => "facility",
        }
    }

    pub fn parse(text: &str) -> Option<AreaKind> {
        [AreaKind::Commune, AreaKind::Province, AreaKind::Facility]
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

/// Where a user works: what their devices may see and change.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Area {
    pub kind: AreaKind,
    pub code: String,
}
