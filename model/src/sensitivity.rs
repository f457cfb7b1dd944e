//! Which stored fields hold sensitive personal data (NĐ 356/2025/NĐ-CP Điều 4: health, ethnic origin,
//! images of ID cards…), derived once from the form definitions' `sensitive` markers, so the server's
//! pull, the device and the reports all agree on one list.
//!
//! A form's own answer `a.x` is sensitive when its definition marks `x`; a person's or household's
//! field `x` when any form binds a sensitive `subject.x`, `guardian.x` or `household.x` to it; a case's
//! subject categories always (they may name an HIV category). A photo marked sensitive (an ID document,
//! [`crate::domain::photos::is_sensitive`]) is sensitive whole — its image, thumbnail, caption and place
//! — except the fields that say where it belongs and that it is sensitive.

use crate::forms::{Registry, builtin};
use crate::op::{DELETED_FIELD, RecordKind};
use crate::schema::{ANSWER_PREFIX, BINDINGS, fields, photo_fields};
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
    /// For photos, see [`Sensitivity::is_sensitive_in`].
    pub fn is_sensitive(&self, kind: RecordKind, form_id: Option<&str>, field: &str) -> bool {
        self.is_sensitive_in(
            kind,
            RecordMarks {
                form_id,
                photo_sensitive: false,
            },
            field,
        )
    }

    /// Whether the field of a record is sensitive, given what marks the record as a whole.
    pub fn is_sensitive_in(&self, kind: RecordKind, marks: RecordMarks<'_>, field: &str) -> bool {
        let form_id = marks.form_id;
        match kind {
            RecordKind::Photo => marks.photo_sensitive && !PHOTO_OPEN_FIELDS.contains(&field),
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

/// What decides, beyond its kind, whether a record's fields are sensitive: a form-like record's form,
/// a photo's [`SENSITIVE`](photo_fields::SENSITIVE) mark.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RecordMarks<'a> {
    pub form_id: Option<&'a str>,
    pub photo_sensitive: bool,
}

/// Fields of a sensitive photo every device of the area still receives: where the photo belongs and that
/// it is sensitive, so a colleague's list shows "a sensitive photo" without showing it.
pub const PHOTO_OPEN_FIELDS: [&str; 6] = [
    fields::CASE_ID,
    photo_fields::ATTACHED_TO,
    photo_fields::FORM_FIELD,
    photo_fields::SENSITIVE,
    photo_fields::TAKEN_AT,
    DELETED_FIELD,
];

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

    #[test]
    fn a_sensitive_photo_is_sensitive_whole_except_where_it_belongs() {
        let s = Sensitivity::builtin();
        let marked = RecordMarks {
            form_id: None,
            photo_sensitive: true,
        };
        for field in [
            photo_fields::BLOB,
            photo_fields::THUMBNAIL,
            photo_fields::CAPTION,
            photo_fields::LOCATION,
        ] {
            assert!(
                s.is_sensitive_in(RecordKind::Photo, marked, field),
                "{field}"
            );
            assert!(
                !s.is_sensitive_in(RecordKind::Photo, RecordMarks::default(), field),
                "{field} of an ordinary photo"
            );
        }
        for field in PHOTO_OPEN_FIELDS {
            assert!(
                !s.is_sensitive_in(RecordKind::Photo, marked, field),
                "{field}"
            );
        }
    }
}
