//! Which stored fields hold sensitive personal data (NĐ 356/2025/NĐ-CP Điều 4: health, ethnic origin,
//! images of ID cards…), derived once from the form definitions' `sensitive` markers, so the server's
//! pull, the device and the reports all agree on one list.
//!
//! A form's own answer `a.x` is sensitive when its definition marks `x`; a person's or household's
//! field `x` when any form binds a sensitive `subject.x`, `guardian.x` or `household.x` to it; a case's
//! subject categories always (they may name an HIV category).

use crate::forms::{Registry, builtin};
use crate::op::RecordKind;
use crate::schema::{ANSWER_PREFIX, BINDINGS, fields};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sensitivity {
    /// form id → its sensitive answers (without the `a.` prefix).
    forms: BTreeMap<String, BTreeSet<String>>,
    person: BTreeSet<String>,
    household: BTreeSet<String>,
}

impl Sensitivity {
    pub fn from_registry(registry: &Registry) -> Sensitivity {
        let mut sensitivity = Sensitivity::default();
        for definition in registry.all_latest() {
            for field in definition.fields().filter(|f| f.sensitive) {
                let bound = BINDINGS.iter().find_map(|(prefix, _, kind)| {
                    field.name.strip_prefix(prefix).map(|n| (n, kind))
                });
                match bound {
                    Some((name, RecordKind::Household)) => {
                        sensitivity.household.insert(name.to_string());
                    }
                    Some((name, _)) => {
                        sensitivity.person.insert(name.to_string());
                    }
                    None => {
                        sensitivity
                            .forms
                            .entry(definition.id.clone())
                            .or_default()
                            .insert(field.name.clone());
                    }
                }
            }
        }
        sensitivity
    }

    /// The list for the forms this build ships.
    pub fn builtin() -> &'static Sensitivity {
        static SENSITIVITY: OnceLock<Sensitivity> = OnceLock::new();
        SENSITIVITY.get_or_init(|| Sensitivity::from_registry(builtin()))
    }

    /// Whether the field of a record of this kind (and, for form-like records, this form) is sensitive.
    pub fn is_sensitive(&self, kind: RecordKind, form_id: Option<&str>, field: &str) -> bool {
        match kind {
            RecordKind::Person => self.person.contains(field),
            RecordKind::Household => self.household.contains(field),
            RecordKind::Case => field == fields::CATEGORIES,
            _ => field.strip_prefix(ANSWER_PREFIX).is_some_and(|answer| {
                form_id
                    .and_then(|id| self.forms.get(id))
                    .is_some_and(|names| names.contains(answer))
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::form_ids;

    #[test]
    fn health_disability_and_ethnicity_are_sensitive_wherever_they_are_stored() {
        let s = Sensitivity::builtin();
        let m01 = Some(form_ids::INFORMATION);
        assert!(s.is_sensitive(RecordKind::Form, m01, "a.health_condition"));
        assert!(s.is_sensitive(RecordKind::Form, m01, "a.disability_type"));
        assert!(s.is_sensitive(RecordKind::Person, None, "ethnicity"));
        assert!(s.is_sensitive(RecordKind::Person, None, "categories"));
        assert!(s.is_sensitive(RecordKind::Case, None, "categories"));
        assert!(s.is_sensitive(
            RecordKind::Form,
            Some(form_ids::NEEDS_ASSESSMENT),
            "a.need_health"
        ));
    }

    #[test]
    fn names_dates_and_visit_notes_are_not_marked() {
        let s = Sensitivity::builtin();
        assert!(!s.is_sensitive(RecordKind::Person, None, "full_name"));
        assert!(!s.is_sensitive(RecordKind::Case, None, "status"));
        assert!(!s.is_sensitive(
            RecordKind::Form,
            Some(form_ids::INFORMATION),
            "a.current_benefits"
        ));
        assert!(!s.is_sensitive(RecordKind::Visit, Some(form_ids::PROGRESS), "a.visit_date"));
        assert!(
            !s.is_sensitive(RecordKind::Form, None, "a.health_condition"),
            "a form-like record whose form is not known yet is decided when its form id arrives"
        );
    }
}
