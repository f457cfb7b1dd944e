//! A case's history in date order: every step, visit, review, referral, consent and photo.

use super::date_of;
use super::form_ids;
use crate::i18n::Localized;
use crate::op::RecordKind;
use crate::record::Record;
use crate::schema::form_status;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub date: NaiveDate,
    pub record_id: String,
    pub kind: RecordKind,
    pub title: Localized,
}

fn form_name(form_id: &str) -> Localized {
    let (vi, en) = match form_id {
        form_ids::INFORMATION => ("Thu thập thông tin (Mẫu 01)", "Information (Form 01)"),
        form_ids::NEEDS_ASSESSMENT => ("Đánh giá nhu cầu (Mẫu 02)", "Needs assessment (Form 02)"),
        form_ids::ELIGIBILITY => (
            "Tiêu chí xác định đối tượng (Mẫu 03)",
            "Eligibility criteria (Form 03)",
        ),
        form_ids::PLAN => (
            "Kế hoạch chăm sóc, trợ giúp (Mẫu 04)",
            "Care plan (Form 04)",
        ),
        form_ids::PROGRESS => ("Ghi chép tiến độ (Mẫu 05)", "Progress record (Form 05)"),
        form_ids::CLOSURE => ("Kết thúc quản lý (Mẫu 06)", "Closure (Form 06)"),
        form_ids::HANDOVER => ("Biên bản bàn giao", "Hand-over record"),
        _ => ("Biểu mẫu", "Form"),
    };
    Localized::new(vi, en)
}

fn entry(
    record: &Record,
    date: Option<NaiveDate>,
    vi: String,
    en: String,
) -> Option<TimelineEntry> {
    date.map(|date| TimelineEntry {
        date,
        record_id: record.id.clone(),
        kind: record.kind,
        title: Localized::new(vi, en),
    })
}

/// Builds the timeline from the case and its records; records without a date are left out.
pub fn timeline(case: &Record, children: &[Record]) -> Vec<TimelineEntry> {
    let mut out: Vec<TimelineEntry> = Vec::new();
    out.extend(entry(
        case,
        date_of(case.fields.get("opened_on")),
        "Mở hồ sơ".into(),
        "Case opened".into(),
    ));
    out.extend(entry(
        case,
        date_of(case.fields.get("closed_on")),
        "Kết thúc quản lý đối tượng".into(),
        "Management ended".into(),
    ));
    out.extend(entry(
        case,
        date_of(case.fields.get("assigned_on")),
        "Phân công người quản lý đối tượng".into(),
        "Case manager assigned".into(),
    ));
    // A reopened case keeps its closure in the history: the approved closure record stays listed.
    let reason = case.text("reopen_reason").unwrap_or_default();
    out.extend(entry(
        case,
        date_of(case.fields.get("reopened_on")),
        format!("Mở lại hồ sơ: {reason}"),
        format!("Case reopened: {reason}"),
    ));
    for record in children.iter().filter(|r| !r.deleted) {
        match record.kind {
            RecordKind::Visit => out.extend(entry(
                record,
                date_of(record.fields.get("a.visit_date")),
                "Thăm hộ gia đình".into(),
                "Household visit".into(),
            )),
            RecordKind::Referral => out.extend(entry(
                record,
                date_of(record.fields.get("a.referral_date")),
                format!(
                    "Chuyển tuyến: {}",
                    record.text("a.provider_name").unwrap_or("")
                ),
                format!("Referral: {}", record.text("a.provider_name").unwrap_or("")),
            )),
            RecordKind::Consent => out.extend(entry(
                record,
                date_of(record.fields.get("a.consent_date")),
                "Ghi nhận sự đồng ý".into(),
                "Consent recorded".into(),
            )),
            RecordKind::Photo => out.extend(entry(
                record,
                date_of(record.fields.get("taken_on")),
                "Ảnh".into(),
                "Photo".into(),
            )),
            RecordKind::Form => {
                let name = form_name(record.text("form_id").unwrap_or(""));
                out.extend(entry(
                    record,
                    date_of(record.fields.get("submitted_at")),
                    format!("{}: đã hoàn thành", name.vi),
                    format!("{}: completed", name.en),
                ));
                if record.text("status") == Some(form_status::APPROVED)
                    || record.fields.contains_key("approved_at")
                {
                    out.extend(entry(
                        record,
                        date_of(record.fields.get("approved_at")),
                        format!("{}: đã phê duyệt", name.vi),
                        format!("{}: approved", name.en),
                    ));
                }
            }
            RecordKind::Household | RecordKind::Person | RecordKind::Case => {}
        }
    }
    out.sort_by(|a, b| (a.date, &a.record_id).cmp(&(b.date, &b.record_id)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(id: &str, kind: RecordKind, fields: serde_json::Value) -> Record {
        Record {
            id: id.into(),
            kind,
            deleted: false,
            fields: serde_json::from_value(fields).expect("fields"),
        }
    }

    #[test]
    fn a_reopened_case_keeps_its_closure_in_the_history() {
        let case = record(
            "c",
            RecordKind::Case,
            json!({"opened_on": "2026-01-05", "assigned_on": "2026-01-06",
                   "reopened_on": "2026-09-01", "reopen_reason": "Tái phát bệnh"}),
        );
        let closure = record(
            "m06",
            RecordKind::Form,
            json!({"form_id": "TT02-M06", "status": "approved", "submitted_at": "2026-06-01",
                   "approved_at": "2026-06-03"}),
        );
        let entries = timeline(&case, &[closure]);
        let titles: Vec<&str> = entries.iter().map(|e| e.title.vi.as_str()).collect();
        assert_eq!(titles[0], "Mở hồ sơ");
        assert_eq!(titles[1], "Phân công người quản lý đối tượng");
        assert!(titles[3].ends_with("đã phê duyệt"), "{titles:?}");
        assert_eq!(titles[4], "Mở lại hồ sơ: Tái phát bệnh");
    }
}
