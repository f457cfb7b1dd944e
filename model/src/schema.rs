//! The record schema: for each kind of record, the fields that link it to others, place it in an area,
//! hold a form's answers, and record an approval. The device's case actions, the write policy and the
//! server's scope all read these names from here, so renaming one changes every side at once.

use crate::area::AreaKind;
use crate::domain::form_ids;
use crate::op::RecordKind;

/// Prefix of a form record's own answers, keeping them apart from its bookkeeping fields.
pub const ANSWER_PREFIX: &str = "a.";

/// Field names with a meaning beyond the form that fills them.
pub mod fields {
    pub const CASE_ID: &str = "case_id";
    pub const HOUSEHOLD_ID: &str = "household_id";
    pub const SUBJECT_ID: &str = "subject_id";
    pub const GUARDIAN_ID: &str = "guardian_id";
    pub const COMMUNE_CODE: &str = "commune_code";
    pub const PROVINCE_CODE: &str = "province_code";
    pub const FACILITY_ID: &str = "facility_id";
    /// The case manager the commune chairman or facility head assigned (TT 02/2020 Điều 2.2).
    pub const MANAGER_ID: &str = "manager_id";
    /// Who opened the case; they manage it until a manager is assigned.
    pub const OPENED_BY: &str = "opened_by";
    pub const ASSIGNED_ON: &str = "assigned_on";
    pub const REOPENED_ON: &str = "reopened_on";
    pub const REOPEN_REASON: &str = "reopen_reason";
    pub const CATEGORIES: &str = "categories";
    pub const OPENED_ON: &str = "opened_on";
    pub const CLOSED_ON: &str = "closed_on";
    pub const STATUS: &str = "status";
    pub const FORM_ID: &str = "form_id";
    pub const FORM_VERSION: &str = "form_version";
    pub const SUBMITTED_AT: &str = "submitted_at";
    pub const SUBMITTED_BY: &str = "submitted_by";
    pub const APPROVED_AT: &str = "approved_at";
    pub const APPROVED_BY: &str = "approved_by";
    pub const RETURNED_REASON: &str = "returned_reason";
    pub const CURRENT_PLAN_ID: &str = "current_plan_id";
    pub const PENDING_PLAN_ID: &str = "pending_plan_id";
    pub const PENDING_CLOSURE_ID: &str = "pending_closure_id";
    pub const STATUS_BEFORE_CLOSURE: &str = "status_before_closure";
    pub const CLOSURE_TRIGGER: &str = "closure_trigger";
    /// The approver's signature on a closure record (TT 02/2020 Điều 8.3.c).
    pub const SIGNED_APPROVER: &str = "a.signed_approver";
    pub const SIGNED_CASE_MANAGER: &str = "a.signed_case_manager";
    /// The chairman's or facility head's consent to share (TT 02/2020 Điều 9.2).
    pub const APPROVER_CONSENT: &str = "a.approver_consent";
    /// The facility head's confirmation of a hand-over record (TT 02/2020 Điều 10.1).
    pub const CONFIRMED_BY_HEAD: &str = "a.confirmed_by_facility_head";
    pub const FULL_NAME: &str = "full_name";
    pub const BIRTH_DATE: &str = "birth_date";
    pub const CITIZEN_ID: &str = "citizen_id";
    pub const PHONE: &str = "phone";
    pub const SEX: &str = "sex";
}

/// Fields of a photo record (`RecordKind::Photo`). The image itself travels apart (the upload and
/// download endpoints); the record names it by its SHA-256 and carries its thumbnail, so every device of
/// the area sees the photo in lists without downloading it. A photo belongs to its case
/// ([`fields::CASE_ID`]), and may be attached to one of the case's visit notes or forms.
pub mod photo_fields {
    /// The visit note or form record the photo is attached to, if not to the case itself.
    pub const ATTACHED_TO: &str = "attached_to";
    /// The field of that form the photo illustrates (`subject.citizen_id` for a photo of the ID card).
    pub const FORM_FIELD: &str = "form_field";
    pub const CAPTION: &str = "caption";
    /// What the photo shows (`crate::domain::photos::PhotoCategory`).
    pub const CATEGORY: &str = "category";
    /// Lowercase hex SHA-256 of the full image: its name on the device and on the server.
    pub const BLOB: &str = "blob";
    /// Size of the full image in bytes.
    pub const BLOB_BYTES: &str = "blob_bytes";
    pub const WIDTH: &str = "width";
    pub const HEIGHT: &str = "height";
    /// The thumbnail JPEG, base64 (standard alphabet, padded).
    pub const THUMBNAIL: &str = "thumbnail";
    /// Where the photo was taken, only when the user asked to record it: `{"lat", "lon"}` in degrees.
    /// A place is never read from the image's metadata (the pipeline drops it).
    pub const LOCATION: &str = "location";
    /// When the photo was attached (Unix milliseconds).
    pub const TAKEN_AT: &str = "taken_at";
    /// `true` for sensitive data (an ID document, NĐ 356/2025/NĐ-CP; a photo illustrating a sensitive
    /// form field): the photo and its thumbnail reach only the case's managers and approvers. Once set,
    /// it is never unset (`crate::policy`).
    pub const SENSITIVE: &str = "sensitive";
}

/// What the schema says about one kind of record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KindSchema {
    /// The field naming the record this one belongs to (a visit's case, a member's household); the
    /// record lives in its parent's area unless it has one of its own.
    pub parent_link: Option<&'static str>,
    /// The fields that place the record in an area itself, with the kind of area each names.
    pub area_fields: &'static [(AreaKind, &'static str)],
    /// Links to records that live where this one lives when they have no area of their own (a case's
    /// subject, guardian and household).
    pub adopts: &'static [(&'static str, RecordKind)],
}

const PLACED_BY_CASE: KindSchema = KindSchema {
    parent_link: Some(fields::CASE_ID),
    area_fields: &[],
    adopts: &[],
};

/// The schema of a kind of record.
pub fn kind_schema(kind: RecordKind) -> KindSchema {
    match kind {
        RecordKind::Case => KindSchema {
            parent_link: None,
            area_fields: &[
                (AreaKind::Commune, fields::COMMUNE_CODE),
                (AreaKind::Province, fields::PROVINCE_CODE),
                (AreaKind::Facility, fields::FACILITY_ID),
            ],
            adopts: &[
                (fields::SUBJECT_ID, RecordKind::Person),
                (fields::GUARDIAN_ID, RecordKind::Person),
                (fields::HOUSEHOLD_ID, RecordKind::Household),
            ],
        },
        RecordKind::Household => KindSchema {
            parent_link: None,
            area_fields: &[
                (AreaKind::Commune, fields::COMMUNE_CODE),
                (AreaKind::Province, fields::PROVINCE_CODE),
            ],
            adopts: &[],
        },
        RecordKind::Person => KindSchema {
            parent_link: Some(fields::HOUSEHOLD_ID),
            area_fields: &[],
            adopts: &[],
        },
        RecordKind::Form
        | RecordKind::Visit
        | RecordKind::Referral
        | RecordKind::Consent
        | RecordKind::Photo => PLACED_BY_CASE,
    }
}

/// The kind of area a field places a record of this kind in, if it is one of its area fields.
pub fn area_of_field(kind: RecordKind, field: &str) -> Option<AreaKind> {
    kind_schema(kind)
        .area_fields
        .iter()
        .find(|(_, name)| *name == field)
        .map(|(area, _)| *area)
}

/// The field of a case or household that names an area of this kind.
pub fn area_field(kind: AreaKind) -> &'static str {
    match kind {
        AreaKind::Commune => fields::COMMUNE_CODE,
        AreaKind::Province => fields::PROVINCE_CODE,
        AreaKind::Facility => fields::FACILITY_ID,
    }
}

/// Whether the field links the record to the parent it is placed under.
pub fn is_parent_link(kind: RecordKind, field: &str) -> bool {
    kind_schema(kind).parent_link == Some(field)
}

/// The record kind adopted through this field of this kind (a case's `subject_id` adopts a person).
pub fn adopted_kind(kind: RecordKind, field: &str) -> Option<RecordKind> {
    kind_schema(kind)
        .adopts
        .iter()
        .find(|(name, _)| *name == field)
        .map(|(_, adopted)| *adopted)
}

/// Kinds under which other records are placed (whose moves carry their children along).
pub fn has_children(kind: RecordKind) -> bool {
    matches!(kind, RecordKind::Case | RecordKind::Household)
}

/// The kind of record a filled form is stored as.
pub fn kind_of_form(form_id: &str) -> RecordKind {
    match form_id {
        form_ids::PROGRESS => RecordKind::Visit,
        form_ids::REFERRAL => RecordKind::Referral,
        form_ids::CONSENT => RecordKind::Consent,
        _ => RecordKind::Form,
    }
}

/// Form fields bound to records linked from the case: `subject.full_name` is the subject's
/// `full_name`, so a person's identity has one source of truth.
pub const BINDINGS: [(&str, &str, RecordKind); 3] = [
    ("subject.", fields::SUBJECT_ID, RecordKind::Person),
    ("household.", fields::HOUSEHOLD_ID, RecordKind::Household),
    ("guardian.", fields::GUARDIAN_ID, RecordKind::Person),
];

/// Status values of a form-like record (forms, visits, referrals, consents).
pub mod form_status {
    pub const DRAFT: &str = "draft";
    pub const SUBMITTED: &str = "submitted";
    pub const APPROVED: &str = "approved";
    pub const RETURNED: &str = "returned";
    /// A plan replaced by an approved adjustment.
    pub const SUPERSEDED: &str = "superseded";
}

/// The case status an approval of closure writes (the rest of the statuses live in
/// [`crate::domain::lifecycle::CaseStatus`], which names this one too).
pub const CASE_CLOSED: &str = "closed";

/// Whether writing `value` to this field is the decision of the commune chairman or facility head:
/// approving or returning a form, closing a case, the approver's signature (TT 02/2020 Điều 7.1, 8.2,
/// 8.3.c), assigning the case manager (Điều 2.2), their consent to share (Điều 9.2), confirming a
/// hand-over (Điều 10.1).
pub fn is_approval(kind: RecordKind, field: &str, value: &serde_json::Value) -> bool {
    let text = value.as_str().unwrap_or_default();
    match kind {
        RecordKind::Case => match field {
            fields::STATUS => text == CASE_CLOSED,
            fields::CLOSED_ON | fields::MANAGER_ID => true,
            _ => false,
        },
        RecordKind::Form => match field {
            fields::STATUS => matches!(text, form_status::APPROVED | form_status::RETURNED),
            fields::APPROVED_BY
            | fields::APPROVED_AT
            | fields::SIGNED_APPROVER
            | fields::CONFIRMED_BY_HEAD => true,
            _ => false,
        },
        RecordKind::Consent => field == fields::APPROVER_CONSENT,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_kind_is_placed_by_its_own_area_or_by_a_parent() {
        for kind in RecordKind::ALL {
            let schema = kind_schema(kind);
            assert!(
                schema.parent_link.is_some() || !schema.area_fields.is_empty(),
                "{kind:?} could never be placed in an area"
            );
        }
    }

    #[test]
    fn approvals_are_the_approvers_fields_and_values() {
        assert!(is_approval(RecordKind::Form, "status", &json!("approved")));
        assert!(is_approval(RecordKind::Form, "status", &json!("returned")));
        assert!(!is_approval(
            RecordKind::Form,
            "status",
            &json!("submitted")
        ));
        assert!(is_approval(
            RecordKind::Form,
            "a.signed_approver",
            &json!(true)
        ));
        assert!(is_approval(RecordKind::Case, "status", &json!("closed")));
        assert!(!is_approval(RecordKind::Case, "status", &json!("planning")));
        assert!(!is_approval(
            RecordKind::Visit,
            "status",
            &json!("approved")
        ));
    }

    #[test]
    fn forms_are_stored_as_their_kind() {
        assert_eq!(kind_of_form(form_ids::PROGRESS), RecordKind::Visit);
        assert_eq!(kind_of_form(form_ids::CONSENT), RecordKind::Consent);
        assert_eq!(kind_of_form(form_ids::REFERRAL), RecordKind::Referral);
        assert_eq!(kind_of_form(form_ids::PLAN), RecordKind::Form);
    }
}
