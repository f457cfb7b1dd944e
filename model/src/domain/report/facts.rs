//! A case reduced to what periodic reports count: when it opened and closed and why, its subject
//! categories, the days of its visits, plan approvals and referrals. Derived from records by a pure
//! function, as [`crate::domain::snapshot`] is for follow-ups; the server keeps one per case.

use crate::domain::closure::ClosureTrigger;
use crate::domain::date_of;
use crate::domain::form_ids::PLAN;
use crate::domain::referral::PROPOSED;
use crate::op::{RecordKind, Value};
use crate::record::Record;
use crate::schema::fields;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The field of a referral that holds where it stands.
pub const REFERRAL_STATUS: &str = "a.status";
const REFERRAL_DATE: &str = "a.referral_date";
const VISIT_DATE: &str = "a.visit_date";

/// The only fields of a case's child records that [`facts`] reads.
pub const FACT_CHILD_FIELDS: &[&str] = &[
    fields::FORM_ID,
    fields::APPROVED_AT,
    VISIT_DATE,
    REFERRAL_DATE,
    REFERRAL_STATUS,
];

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralFact {
    /// The day of the referral as recorded on it.
    pub on: Option<NaiveDate>,
    /// Where it stands now (`hoso_model::domain::referral::STATUSES`).
    pub status: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFacts {
    pub case_id: String,
    pub commune_code: Option<String>,
    pub manager_id: Option<String>,
    pub opened_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub closure_trigger: Option<ClosureTrigger>,
    /// Subject category codes (`model/forms/subject_categories.json`).
    pub categories: Vec<String>,
    /// The day of every visit recorded (Mẫu 05), in order.
    pub visits: Vec<NaiveDate>,
    /// The days the case's plans were approved, in order: the first approved the plan, each later one
    /// an adjustment (TT 02/2020 Điều 7.1, 7.3.b).
    pub plan_approvals: Vec<NaiveDate>,
    pub referrals: Vec<ReferralFact>,
}

pub fn facts(case: &Record, children: &[Record]) -> CaseFacts {
    let live = || children.iter().filter(|r| !r.deleted);
    let mut visits: Vec<NaiveDate> = live()
        .filter(|r| r.kind == RecordKind::Visit)
        .filter_map(|r| date_of(r.fields.get(VISIT_DATE)))
        .collect();
    visits.sort_unstable();
    let mut plan_approvals: Vec<NaiveDate> = live()
        .filter(|r| r.text(fields::FORM_ID) == Some(PLAN))
        .filter_map(|r| date_of(r.fields.get(fields::APPROVED_AT)))
        .collect();
    plan_approvals.sort_unstable();
    let referrals = live()
        .filter(|r| r.kind == RecordKind::Referral)
        .map(|r| ReferralFact {
            on: date_of(r.fields.get(REFERRAL_DATE)),
            status: r.text(REFERRAL_STATUS).unwrap_or(PROPOSED).to_string(),
        })
        .collect();
    CaseFacts {
        case_id: case.id.clone(),
        commune_code: case.text(fields::COMMUNE_CODE).map(str::to_string),
        manager_id: case.text(fields::MANAGER_ID).map(str::to_string),
        opened_on: date_of(case.fields.get(fields::OPENED_ON)),
        closed_on: date_of(case.fields.get(fields::CLOSED_ON)),
        closure_trigger: case
            .text(fields::CLOSURE_TRIGGER)
            .and_then(ClosureTrigger::parse),
        categories: case
            .fields
            .get(fields::CATEGORIES)
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
        visits,
        plan_approvals,
        referrals,
    }
}
