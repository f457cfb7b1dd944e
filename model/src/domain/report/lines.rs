//! A report as labelled lines and columns, in Vietnamese and English: what the XLSX and CSV exports
//! and the dashboard's report page lay out. Labels of closure reasons and subject categories, and which
//! categories are never posted, come from the form definitions, so they read as the forms do.

use super::figures::{Audience, Figures, Report};
use crate::domain::closure::ClosureTrigger;
use crate::domain::form_ids::{CLOSURE, INFORMATION};
use crate::domain::referral::{self, STATUSES};
use crate::forms::{Choice, Registry};
use crate::i18n::Localized;
use std::collections::{BTreeMap, BTreeSet};

/// The codes a report counts by, as the form definitions describe them: labels, and which subject
/// categories are never posted.
#[derive(Clone, Debug)]
pub struct Catalog {
    triggers: BTreeMap<String, Localized>,
    categories: BTreeMap<String, Localized>,
    never_posted: BTreeSet<String>,
}

impl Catalog {
    pub fn from_registry(registry: &Registry) -> Catalog {
        let choices = |form: &str, field: &str| -> &[Choice] {
            registry
                .latest(form)
                .and_then(|f| f.field(field))
                .and_then(|f| f.kind.choices())
                .unwrap_or_default()
        };
        let labels = |choices: &[Choice]| -> BTreeMap<String, Localized> {
            choices
                .iter()
                .map(|c| (c.code.clone(), c.label.clone()))
                .collect()
        };
        let categories = choices(INFORMATION, "subject.categories");
        Catalog {
            triggers: labels(choices(CLOSURE, "closure_trigger")),
            categories: labels(categories),
            never_posted: categories
                .iter()
                .filter(|c| c.never_posted)
                .map(|c| c.code.clone())
                .collect(),
        }
    }

    /// Whether the category is left out of anything meant for posting.
    pub fn never_posted(&self, code: &str) -> bool {
        self.never_posted.contains(code)
    }

    pub fn trigger(&self, trigger: ClosureTrigger) -> Localized {
        self.triggers
            .get(trigger.code())
            .cloned()
            .unwrap_or_else(|| Localized::new(trigger.code(), trigger.code()))
    }

    pub fn category(&self, code: &str) -> Localized {
        self.categories
            .get(code)
            .cloned()
            .unwrap_or_else(|| Localized::new(code, code))
    }

    /// Every category code the forms know, with its label.
    pub fn categories(&self) -> impl Iterator<Item = (&str, &Localized)> {
        self.categories
            .iter()
            .map(|(code, label)| (code.as_str(), label))
    }
}

/// One figure with its section and label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub section: Localized,
    /// A stable code for machines reading the CSV (`cases.new`, `closed.adopted`, …).
    pub code: String,
    pub label: Localized,
    pub value: u32,
}

fn l(vi: &str, en: &str) -> Localized {
    Localized::new(vi, en)
}

/// Every figure of `figures` as lines, section by section.
pub fn lines(figures: &Figures, labels: &Catalog) -> Vec<Line> {
    let mut out = Vec::new();
    let mut push = |section: &Localized, code: String, label: Localized, value: u32| {
        out.push(Line {
            section: section.clone(),
            code,
            label,
            value,
        });
    };
    let cases = l("Số trường hợp", "Cases");
    for column in columns().iter().take(4) {
        push(
            &cases,
            format!("cases.{}", column.code),
            column.label.clone(),
            (column.value)(figures),
        );
    }
    let closed = l(
        "Kết thúc quản lý theo lý do (TT 02/2020 Điều 8.3.a)",
        "Closures by reason (TT 02/2020 Art. 8.3.a)",
    );
    for (trigger, value) in ClosureTrigger::ALL.iter().zip(figures.closed_by_trigger) {
        push(
            &closed,
            format!("closed.{}", trigger.code()),
            labels.trigger(*trigger),
            value,
        );
    }
    let categories = l(
        "Trường hợp được quản lý trong kỳ theo nhóm đối tượng",
        "Cases managed during the period by subject category",
    );
    for (code, value) in &figures.by_category {
        push(
            &categories,
            format!("category.{code}"),
            labels.category(code),
            *value,
        );
    }
    let plans = l("Kế hoạch chăm sóc, trợ giúp", "Care plans");
    for (code, label, value) in [
        (
            "approved",
            l("Kế hoạch được phê duyệt", "Plans approved"),
            figures.plans_approved,
        ),
        (
            "adjusted",
            l(
                "Điều chỉnh kế hoạch được phê duyệt",
                "Plan adjustments approved",
            ),
            figures.adjustments_approved,
        ),
        (
            "activities_done",
            l(
                "Hoạt động đã hoàn thành (kế hoạch đang thực hiện)",
                "Activities done (plans in force)",
            ),
            figures.activities_done,
        ),
        (
            "activities_total",
            l(
                "Tổng số hoạt động (kế hoạch đang thực hiện)",
                "Activities in all (plans in force)",
            ),
            figures.activities_total,
        ),
    ] {
        push(&plans, format!("plans.{code}"), label, value);
    }
    let referrals = l(
        "Chuyển tuyến, kết nối trong kỳ theo tình trạng",
        "Referrals made during the period by status",
    );
    for (status, value) in STATUSES.iter().zip(figures.referrals_by_status) {
        push(
            &referrals,
            format!("referrals.{status}"),
            referral::label(status),
            value,
        );
    }
    let follow_up = l("Theo dõi", "Follow-up");
    push(
        &follow_up,
        "follow_up.visits".into(),
        l(
            "Lượt thăm hộ gia đình trong kỳ",
            "Household visits during the period",
        ),
        figures.visits,
    );
    push(
        &follow_up,
        "follow_up.overdue".into(),
        l(
            "Việc theo dõi quá hạn tại ngày lập báo cáo",
            "Follow-ups overdue on the day of the report",
        ),
        figures.overdue_follow_ups,
    );
    out
}

/// A figure shown as a column of the per-commune and per-manager tables.
pub struct Column {
    pub code: &'static str,
    pub label: Localized,
    pub value: fn(&Figures) -> u32,
}

/// The headline figures, in table order.
pub fn columns() -> Vec<Column> {
    vec![
        Column {
            code: "open_at_start",
            label: l("Đang quản lý đầu kỳ", "Open at the start"),
            value: |f| f.open_at_start,
        },
        Column {
            code: "new",
            label: l("Mới tiếp nhận trong kỳ", "New during the period"),
            value: |f| f.new,
        },
        Column {
            code: "closed",
            label: l("Kết thúc trong kỳ", "Closed during the period"),
            value: |f| f.closed,
        },
        Column {
            code: "open_at_end",
            label: l("Đang quản lý cuối kỳ", "Open at the end"),
            value: |f| f.open_at_end,
        },
        Column {
            code: "plans_approved",
            label: l("Kế hoạch được phê duyệt", "Plans approved"),
            value: |f| f.plans_approved,
        },
        Column {
            code: "adjustments_approved",
            label: l("Điều chỉnh được phê duyệt", "Adjustments approved"),
            value: |f| f.adjustments_approved,
        },
        Column {
            code: "referrals",
            label: l("Chuyển tuyến trong kỳ", "Referrals made"),
            value: Figures::referrals,
        },
        Column {
            code: "visits",
            label: l("Lượt thăm trong kỳ", "Visits made"),
            value: |f| f.visits,
        },
        Column {
            code: "overdue_follow_ups",
            label: l("Theo dõi quá hạn", "Overdue follow-ups"),
            value: |f| f.overdue_follow_ups,
        },
    ]
}

/// What a reader must know about the figures: hoso's layout (no official template exists), the day
/// state figures are counted on, and what a report for posting leaves out.
pub fn notes(report: &Report) -> Vec<Localized> {
    let day = crate::domain::day_text(report.made_on);
    let mut notes = vec![
        l(
            "Bố cục và chỉ tiêu do hoso trình bày; pháp luật chưa ban hành mẫu báo cáo chính thức (TT 02/2020 Điều 7.3.a, 11, 12).",
            "Layout and figures are hoso's; no official report template exists (TT 02/2020 Art. 7.3.a, 11, 12).",
        ),
        Localized::new(
            format!("Việc theo dõi quá hạn và hoạt động của kế hoạch tính tại ngày {day}."),
            format!("Overdue follow-ups and plan activities are counted as of {day}."),
        ),
    ];
    if report.audience == Audience::Posting {
        notes.push(l(
            "Bản để niêm yết: không có thông tin về HIV/AIDS và không có số liệu theo người quản lý (NĐ 20/2021/NĐ-CP Điều 8.1.b).",
            "For posting: no HIV/AIDS information and no figures per worker (NĐ 20/2021/NĐ-CP Art. 8.1.b).",
        ));
    }
    notes
}
