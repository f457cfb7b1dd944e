//! What the screens read: a case's whole file, today's follow-ups, whether a case may be shared.

use super::CaseActions;
use crate::error::Result;
use chrono::NaiveDate;
use hoso_model::domain::consent::{ShareDecision, may_share};
use hoso_model::domain::date_of;
use hoso_model::domain::followup::{Task, tasks};
use hoso_model::domain::lifecycle::CaseStatus;
use hoso_model::domain::reporting::report_tasks;
use hoso_model::domain::timeline::{TimelineEntry, timeline};
use hoso_model::op::RecordKind;
use hoso_model::record::Record;
use hoso_model::schema::fields;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CaseFile {
    pub case: Record,
    pub status: CaseStatus,
    pub step: u8,
    pub subject: Option<Record>,
    pub household: Option<Record>,
    pub forms: Vec<Record>,
    pub visits: Vec<Record>,
    pub referrals: Vec<Record>,
    pub consents: Vec<Record>,
    pub photos: Vec<Record>,
    pub timeline: Vec<TimelineEntry>,
}

impl CaseActions {
    /// Everything about a case, for its screen: the records and the timeline.
    pub fn case_file(&self, case_id: &str) -> Result<CaseFile> {
        let case = self.live_case(case_id)?;
        let children = self.store.records_of_case(case_id)?;
        let subject = self.linked(&case, fields::SUBJECT_ID)?;
        let household = self.linked(&case, fields::HOUSEHOLD_ID)?;
        let status = case
            .text(fields::STATUS)
            .and_then(CaseStatus::parse)
            .unwrap_or(CaseStatus::Intake);
        let timeline = timeline(&case, &children);
        let mut file = CaseFile {
            step: status.step(),
            status,
            subject,
            household,
            forms: Vec::new(),
            visits: Vec::new(),
            referrals: Vec::new(),
            consents: Vec::new(),
            photos: Vec::new(),
            timeline,
            case,
        };
        for record in children {
            match record.kind {
                RecordKind::Visit => file.visits.push(record),
                RecordKind::Referral => file.referrals.push(record),
                RecordKind::Consent => file.consents.push(record),
                RecordKind::Photo => file.photos.push(record),
                _ => file.forms.push(record),
            }
        }
        Ok(file)
    }

    /// Today's tasks over every case on this device, then the area's periodic reports this user
    /// produces.
    pub fn follow_ups(&self, today: NaiveDate) -> Result<Vec<Task>> {
        let config = self.store.config()?;
        let mut all = tasks(&self.store.case_snapshots()?, today, &config);
        if let Some(area) = self.store.area()? {
            all.extend(report_tasks(
                self.store.role()?,
                area.kind,
                today,
                &config,
                &self.store.produced_reports()?,
            ));
        }
        Ok(all)
    }

    /// Whether the case's information may be shared now (TT 02 Điều 9.2; children 7+).
    pub fn sharing_decision(&self, case_id: &str) -> Result<ShareDecision> {
        let file = self.case_file(case_id)?;
        let birth = file
            .subject
            .as_ref()
            .and_then(|s| date_of(s.fields.get(fields::BIRTH_DATE)));
        Ok(may_share(&file.consents, birth, self.today()))
    }
}
