//! The supervisor's tablet as text: the approval queue (plans, adjustments and closures waiting, longest
//! first) and the oversight figures of the area, both answered offline by the core. Rendering only; the
//! numbers point at cases for `case N`, `approve N` and `giveback N`.

use crate::render::Lang;
use hoso_core::ffi::{ApprovalQueueItem, CaseLine, OversightView};
use std::fmt::Write;

/// Today in Vietnam as the oversight calls take it (`2026-11-26`).
pub fn today() -> String {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    hoso_model::domain::local_date(millis).to_string()
}

fn waiting_kind(lang: Lang, kind: &str) -> &'static str {
    match kind {
        "plan" => lang.say("Kế hoạch trợ giúp", "Support plan"),
        "adjustment" => lang.say("Điều chỉnh kế hoạch", "Plan adjustment"),
        _ => lang.say("Đề xuất đóng hồ sơ", "Closure proposal"),
    }
}

/// The queue, numbered; returns the case of each number.
pub fn queue(lang: Lang, items: &[ApprovalQueueItem]) -> (String, Vec<Option<String>>) {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {}",
        items.len(),
        lang.say("mục chờ phê duyệt", "item(s) waiting for approval")
    );
    for (i, item) in items.iter().enumerate() {
        let waiting = &item.waiting;
        let _ = writeln!(
            out,
            "  {}. [{}] {} — {} {} ({} {})",
            i + 1,
            waiting_kind(lang, &waiting.kind),
            waiting.case.subject_name,
            lang.say("chờ từ", "waiting since"),
            waiting.since,
            waiting.days_waiting,
            lang.say("ngày", "days")
        );
    }
    (
        out,
        items
            .iter()
            .map(|i| Some(i.waiting.case.case_id.clone()))
            .collect(),
    )
}

fn case_line(out: &mut String, cases: &mut Vec<Option<String>>, case: &CaseLine, detail: &str) {
    cases.push(Some(case.case_id.clone()));
    let _ = writeln!(out, "  {}. {} — {detail}", cases.len(), case.subject_name);
}

/// The figures: open cases by step, then each list with its cases numbered; returns the case of each
/// number.
pub fn oversight(lang: Lang, view: &OversightView) -> (String, Vec<Option<String>>) {
    let mut out = String::new();
    let mut cases = Vec::new();
    let steps: Vec<String> = view
        .open_by_step
        .iter()
        .enumerate()
        .map(|(i, n)| format!("{} {}: {n}", lang.say("bước", "step"), i + 1))
        .collect();
    let _ = writeln!(
        out,
        "{} {}: {} {} · {} {} ({})",
        lang.say("Số liệu đến ngày", "Figures as of"),
        view.today,
        view.open_cases,
        lang.say("hồ sơ đang mở", "open cases"),
        view.closed_cases,
        lang.say("đã đóng", "closed"),
        steps.join(", ")
    );
    let _ = writeln!(
        out,
        "{} ({})",
        lang.say("Quá hạn", "Overdue"),
        view.overdue.len()
    );
    for row in &view.overdue {
        let detail = format!(
            "{} · {} {} {} [{}]",
            lang.say(&row.reason_vi, &row.reason_en),
            lang.say("quá", "overdue by"),
            row.days_overdue,
            lang.say("ngày", "days"),
            row.legal_ref
        );
        case_line(&mut out, &mut cases, &row.case, &detail);
    }
    let _ = writeln!(
        out,
        "{} ({})",
        lang.say("Chờ phê duyệt", "Waiting for approval"),
        view.approvals.len()
    );
    for row in &view.approvals {
        let detail = format!("{} · {}", waiting_kind(lang, &row.kind), row.since);
        case_line(&mut out, &mut cases, &row.case, &detail);
    }
    let _ = writeln!(
        out,
        "{} ({})",
        lang.say("Sắp mất liên lạc", "Contact about to lapse"),
        view.no_contact.len()
    );
    for row in &view.no_contact {
        let detail = format!("{} {}", lang.say("đến ngày", "on"), row.trigger_on);
        case_line(&mut out, &mut cases, &row.case, &detail);
    }
    let _ = writeln!(
        out,
        "{}: {} · {}: {} · {}: {}",
        lang.say("Theo dõi sau khi đóng", "Follow-up after closure"),
        view.post_closure.len(),
        lang.say("Xung đột", "Conflicts"),
        view.conflicts.len(),
        lang.say("Báo cáo đến hạn", "Reports due"),
        view.reports_due.len()
    );
    (out, cases)
}
