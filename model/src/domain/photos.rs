//! What a photo may be attached to and when it is sensitive data, as pure rules. The device's photo
//! actions ask them before writing a photo record; the server's pull reads the record's
//! [`SENSITIVE`](crate::schema::photo_fields::SENSITIVE) mark they set.
//!
//! An image of an ID card is sensitive personal data (NĐ 356/2025/NĐ-CP Điều 4), and so is a photo
//! that illustrates a form field the definitions mark sensitive (a health condition, a disability).

use crate::forms::{FieldDef, FieldKind};
use crate::i18n::Localized;
use crate::op::RecordKind;
use crate::record::Record;
use crate::schema::fields;
use serde::{Deserialize, Serialize};

/// What a photo shows, chosen by the user when attaching it (stable wire names).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhotoCategory {
    /// A citizen ID card, an old ID card, a birth certificate, a disability certificate…
    IdDocument,
    /// Any other paper: a decision, a medical record, a receipt.
    Document,
    /// The home and living conditions (TT 02/2020 Điều 4.1.c: housing and living conditions).
    LivingConditions,
    /// An activity of the plan being carried out.
    Activity,
    #[default]
    Other,
}

impl PhotoCategory {
    pub const ALL: [PhotoCategory; 5] = [
        PhotoCategory::IdDocument,
        PhotoCategory::Document,
        PhotoCategory::LivingConditions,
        PhotoCategory::Activity,
        PhotoCategory::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PhotoCategory::IdDocument => "id_document",
            PhotoCategory::Document => "document",
            PhotoCategory::LivingConditions => "living_conditions",
            PhotoCategory::Activity => "activity",
            PhotoCategory::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<PhotoCategory> {
        PhotoCategory::ALL
            .into_iter()
            .find(|category| category.as_str() == text)
    }

    pub fn label(self) -> Localized {
        match self {
            PhotoCategory::IdDocument => Localized::new("Giấy tờ tùy thân", "Identity document"),
            PhotoCategory::Document => Localized::new("Giấy tờ khác", "Other document"),
            PhotoCategory::LivingConditions => {
                Localized::new("Điều kiện sống", "Living conditions")
            }
            PhotoCategory::Activity => Localized::new("Hoạt động", "Activity"),
            PhotoCategory::Other => Localized::new("Khác", "Other"),
        }
    }
}

/// The longest caption kept, in characters.
pub const MAX_CAPTION_CHARS: usize = 500;

/// Whether a photo is sensitive data: an identity document, a photo of an ID number field, or a photo
/// illustrating a field the form definitions mark sensitive. `marked` is the user's own choice.
pub fn is_sensitive(
    category: PhotoCategory,
    attached_field: Option<&FieldDef>,
    marked: bool,
) -> bool {
    marked
        || category == PhotoCategory::IdDocument
        || attached_field
            .is_some_and(|field| field.sensitive || matches!(field.kind, FieldKind::CitizenId))
}

/// A place the user asked to record with the photo, in degrees (WGS 84).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Location {
    pub lat: f64,
    pub lon: f64,
}

pub fn check_location(location: &Location) -> Result<(), Localized> {
    let in_range = location.lat.is_finite()
        && location.lon.is_finite()
        && (-90.0..=90.0).contains(&location.lat)
        && (-180.0..=180.0).contains(&location.lon);
    if in_range {
        Ok(())
    } else {
        Err(Localized::new(
            "Vị trí không hợp lệ: vĩ độ từ -90 đến 90, kinh độ từ -180 đến 180.",
            "The location is not valid: latitude from -90 to 90, longitude from -180 to 180.",
        ))
    }
}

pub fn check_caption(caption: &str) -> Result<(), Localized> {
    if caption.chars().count() <= MAX_CAPTION_CHARS {
        Ok(())
    } else {
        Err(Localized::new(
            format!("Chú thích dài quá {MAX_CAPTION_CHARS} ký tự."),
            format!("The caption is longer than {MAX_CAPTION_CHARS} characters."),
        ))
    }
}

/// A photo attaches to its case, to one of the case's visit notes, or to one of its forms (optionally
/// to a field of that form, which `field_exists` checks against the form's definition).
pub fn check_attachment(
    case_id: &str,
    target: Option<&Record>,
    form_field: Option<&str>,
    field_exists: impl Fn(&str) -> bool,
) -> Result<(), Localized> {
    let Some(target) = target else {
        return match form_field {
            None => Ok(()),
            Some(_) => Err(Localized::new(
                "Ảnh gắn với một trường phải gắn với biểu mẫu chứa trường đó.",
                "A photo attached to a field must be attached to the form that holds it.",
            )),
        };
    };
    let same_case = target.text(fields::CASE_ID) == Some(case_id) && !target.deleted;
    let kind_ok = matches!(target.kind, RecordKind::Visit | RecordKind::Form);
    if !same_case || !kind_ok {
        return Err(Localized::new(
            "Ảnh chỉ gắn được với hồ sơ, một ghi chép thăm hoặc một biểu mẫu của chính hồ sơ đó.",
            "A photo attaches only to its case, or to a visit note or form of that same case.",
        ));
    }
    match form_field {
        Some(field) if !field_exists(field) => Err(Localized::new(
            "Biểu mẫu không có trường này.",
            "The form has no such field.",
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    fn field(kind: FieldKind, sensitive: bool) -> FieldDef {
        serde_json::from_value(json!({
            "name": "x", "label": {"vi": "x", "en": "x"}, "kind": kind, "sensitive": sensitive
        }))
        .expect("a field definition")
    }

    fn record(kind: RecordKind, case_id: &str, deleted: bool) -> Record {
        Record {
            id: "r".into(),
            kind,
            deleted,
            fields: BTreeMap::from([(fields::CASE_ID.to_string(), json!(case_id))]),
        }
    }

    #[test]
    fn identity_documents_id_numbers_and_sensitive_fields_make_a_photo_sensitive() {
        let text = FieldKind::Text {
            multiline: false,
            max_len: None,
        };
        assert!(is_sensitive(PhotoCategory::IdDocument, None, false));
        assert!(is_sensitive(
            PhotoCategory::Other,
            Some(&field(FieldKind::CitizenId, false)),
            false
        ));
        assert!(is_sensitive(
            PhotoCategory::Document,
            Some(&field(text.clone(), true)),
            false
        ));
        assert!(is_sensitive(PhotoCategory::Activity, None, true));
        assert!(!is_sensitive(
            PhotoCategory::LivingConditions,
            Some(&field(text, false)),
            false
        ));
        assert!(!is_sensitive(PhotoCategory::Other, None, false));
    }

    #[test]
    fn categories_keep_their_wire_names() {
        for category in PhotoCategory::ALL {
            assert_eq!(PhotoCategory::parse(category.as_str()), Some(category));
            assert_eq!(
                serde_json::to_value(category).expect("json"),
                json!(category.as_str())
            );
        }
        assert_eq!(PhotoCategory::parse("selfie"), None);
    }

    #[test]
    fn a_photo_attaches_only_within_its_own_case() {
        let visit = record(RecordKind::Visit, "case-1", false);
        assert!(check_attachment("case-1", None, None, |_| true).is_ok());
        assert!(check_attachment("case-1", Some(&visit), None, |_| true).is_ok());
        assert!(check_attachment("case-2", Some(&visit), None, |_| true).is_err());
        let deleted = record(RecordKind::Form, "case-1", true);
        assert!(check_attachment("case-1", Some(&deleted), None, |_| true).is_err());
        let person = record(RecordKind::Person, "case-1", false);
        assert!(check_attachment("case-1", Some(&person), None, |_| true).is_err());
        let form = record(RecordKind::Form, "case-1", false);
        assert!(check_attachment("case-1", Some(&form), Some("a.x"), |f| f == "a.x").is_ok());
        assert!(check_attachment("case-1", Some(&form), Some("a.y"), |f| f == "a.x").is_err());
        assert!(check_attachment("case-1", None, Some("a.x"), |_| true).is_err());
    }

    #[test]
    fn locations_and_captions_are_checked() {
        assert!(
            check_location(&Location {
                lat: 10.8,
                lon: 106.6
            })
            .is_ok()
        );
        assert!(
            check_location(&Location {
                lat: 91.0,
                lon: 0.0
            })
            .is_err()
        );
        assert!(
            check_location(&Location {
                lat: f64::NAN,
                lon: 0.0
            })
            .is_err()
        );
        assert!(check_caption(&"ả".repeat(MAX_CAPTION_CHARS)).is_ok());
        assert!(check_caption(&"ả".repeat(MAX_CAPTION_CHARS + 1)).is_err());
    }
}
