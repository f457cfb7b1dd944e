//! Realistic complete fillings of every form, shared by the tests.
#![allow(dead_code)]

use hoso_model::forms::Answers;
use serde_json::{Value, json};

pub fn answers(pairs: Value) -> Answers {
    serde_json::from_value(pairs).expect("an object of answers")
}

pub fn information_form() -> Answers {
    answers(json!({
        "subject.full_name": "Nguyễn Thị Lan",
        "subject.birth_date": "1948-03-12",
        "subject.sex": "female",
        "subject.marital_status": "widowed",
        "subject.address": "Thôn 3, xã Tân Hiệp",
        "subject.phone": "0912345678",
        "subject.citizen_id": "079148012345",
        "subject.ethnicity": "Kinh",
        "subject.categories": ["ND20-D5-K5-a"],
        "subject.studying": false,
        "subject.income": 0,
        "current_benefits": "Trợ cấp xã hội hằng tháng 500.000 đồng",
        "subject_needs": "1. Khám chữa bệnh khớp. 2. Sửa mái nhà. 3. Người trông nom ban ngày.",
        "health_condition": "Thoái hóa khớp gối hai bên, đi lại khó khăn",
        "disability_type": "mobility",
        "disability_degree": "severe",
        "current_state": "Tinh thần minh mẫn, hay buồn vì sống một mình",
        "household.head_name": "Nguyễn Thị Lan",
        "household.address": "Thôn 3, xã Tân Hiệp",
        "relationship_to_head": "Chủ hộ",
        "household.member_count": 1,
        "household.economic_situation": "poor",
        "expense_food": 900000,
        "expense_medicine": 250000,
        "care_capacity": "Không có người thân ở cùng; cháu ở xã bên thỉnh thoảng về thăm",
        "has_guardian": true,
        "guardian.full_name": "Trần Văn Bình",
        "guardian.relationship": "Cháu ngoại",
        "guardian.phone": "+84 983 111 222"
    }))
}

pub fn needs_assessment() -> Answers {
    answers(json!({
        "assessment_date": "2026-11-02",
        "assessed_with": ["subject", "caregiver"],
        "need_health": "Khám và điều trị khớp gối, cấp thuốc giảm đau",
        "priority_health": 1,
        "need_livelihood": "Gạo và nhu yếu phẩm hằng tháng",
        "priority_livelihood": 2,
        "need_psychological": "Trò chuyện, kết nối câu lạc bộ người cao tuổi",
        "priority_psychological": 3,
        "summary": "Cần hỗ trợ y tế trước tiên, sau đó sinh kế và tinh thần"
    }))
}

pub fn eligibility() -> Answers {
    answers(json!({
        "need_types": ["long_term", "continuous"],
        "voluntary": true,
        "eligible_at_facility_or_locality": true,
        "determined_on": "2026-11-03"
    }))
}

pub fn plan() -> Answers {
    answers(json!({
        "plan_date": "2026-11-05",
        "objectives": "Bà Lan được khám, điều trị khớp và có người trông nom ban ngày trong 6 tháng",
        "activities": [
            {"activity": "Đưa bà đi khám tại trạm y tế xã", "priority": 1, "start_date": "2026-11-10",
             "end_date": "2026-11-20", "responsible": "Cộng tác viên Trần Thị Mai", "provider": "Trạm y tế xã"},
            {"activity": "Kết nối Hội Người cao tuổi thăm hỏi hằng tuần", "priority": 2, "start_date": "2026-11-15",
             "end_date": "2027-05-15", "responsible": "Chi hội Người cao tuổi thôn 3"}
        ],
        "responsibilities": "Gia đình cháu ngoại đưa đón khi đi khám; UBND xã hỗ trợ kinh phí thuốc",
        "risks": [{"risk": "Bà từ chối đi khám vì ngại", "mitigation": "Nhờ cháu ngoại động viên"}]
    }))
}

pub fn visit(date: &str, next: &str) -> Answers {
    answers(json!({
        "visit_date": date,
        "met_with": ["subject"],
        "observations": "Bà đi lại được trong nhà, đã uống thuốc đều",
        "needs_status": "partly_met",
        "actions_taken": "Đã hẹn trạm y tế khám lại",
        "next_visit_date": next
    }))
}

pub fn closure() -> Answers {
    answers(json!({
        "closure_trigger": "objectives_achieved",
        "evaluation": "Bà đã được điều trị, có người trông nom; mục tiêu kế hoạch đạt",
        "meeting_date": "2026-11-20",
        "meeting_participants": "Chủ tịch UBND xã, cộng tác viên, bà Lan, cháu ngoại",
        "subject_opinion": "Đồng ý kết thúc",
        "signed_case_manager": true,
        "signed_subject": true,
        "signed_family": false,
        "unsigned_reason": "Cháu ngoại đi làm xa, ký sau qua bưu điện"
    }))
}

pub fn referral() -> Answers {
    answers(json!({
        "service_type": "health",
        "provider_name": "Trung tâm y tế khu vực",
        "reason": "Chụp X-quang khớp gối",
        "referral_date": "2026-11-12"
    }))
}

pub fn consent() -> Answers {
    answers(json!({
        "lawful_basis": "state_duty",
        "share_consent_by": ["subject"],
        "approver_consent": true,
        "consent_date": "2026-11-02"
    }))
}

pub fn data_request() -> Answers {
    answers(json!({
        "request_type": "access",
        "requested_by": "subject",
        "received_date": "2026-11-20",
        "details": "Bà Lan muốn xem thông tin sức khỏe đã ghi trong hồ sơ"
    }))
}

pub fn handover() -> Answers {
    answers(json!({
        "handover_date": "2026-11-21",
        "received_by": "Trần Văn Bình",
        "relationship": "Cháu ngoại",
        "confirmed_by_facility_head": true,
        "confirmed_by_family": true
    }))
}

/// Noon in Vietnam (05:00 UTC) on `day` (`YYYY-MM-DD`), in milliseconds.
pub fn millis(day: &str) -> u64 {
    let date = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
    date.and_hms_opt(5, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp_millis() as u64
}

/// An app in a temporary folder whose clock the test moves: the app, its clock (milliseconds, noon of
/// `day` to start) and the folder, kept alive as long as the app.
pub fn clocked_app(
    day: &str,
    key: &str,
) -> (
    hoso_core::app::App,
    std::sync::Arc<std::sync::atomic::AtomicU64>,
    tempfile::TempDir,
) {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(AtomicU64::new(millis(day)));
    let time = clock.clone();
    let app = hoso_core::app::App::open_with_time(
        dir.path().join("device.db"),
        key,
        Arc::new(move || time.load(Ordering::SeqCst)),
    )
    .unwrap();
    (app, clock, dir)
}
