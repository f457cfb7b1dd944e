//! The overview page: the area at a glance — counts, caseload by step, new and closed cases per month,
//! overdue items by commune, caseload per case manager, reports due, values waiting for review.

use super::auth::Signed;
use super::charts;
use super::i18n::Lang;
use super::layout::{Nav, page};
use super::scope::{AreaView, load};
use super::{CommuneFilter, WebState, commune_filter};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, Months};
use hoso_model::domain::report::figures::monthly_flow;
use maud::{Markup, html};
use std::collections::BTreeMap;

pub async fn overview(
    State(state): State<WebState>,
    signed: Signed,
    Query(filter): Query<CommuneFilter>,
) -> Response {
    let view = match load(&state, &signed, filter.commune.as_deref()).await {
        Ok(view) => view,
        Err(response) => return response,
    };
    let storage = state.storage.clone();
    let area = view.area.clone();
    let facts = tokio::task::spawn_blocking(move || storage.case_facts(&area)).await;
    let Ok(Ok(facts)) = facts else {
        return super::layout::failure(signed.lang);
    };
    let today = view.oversight.today;
    let first = today
        .with_day(1)
        .and_then(|d| d.checked_sub_months(Months::new(11)))
        .unwrap_or(today);
    let flow = monthly_flow(&facts, first, 12);
    let lang = signed.lang;
    let content = html! {
        (commune_filter(&signed, filter.commune.as_deref(), "/"))
        (cards(lang, &view))
        div.charts {
            figure {
                figcaption { (lang.t("Trường hợp đang quản lý theo bước", "Open cases by step")) }
                (charts::bars(
                    lang.t("Trường hợp đang quản lý theo bước (TT 02/2020 Điều 3)", "Open cases by step (TT 02/2020 Art. 3)"),
                    &step_bars(lang, &view),
                ))
            }
            figure {
                figcaption { (lang.t("Tiếp nhận mới và kết thúc theo tháng", "New and closed cases per month")) }
                (charts::paired(
                    lang.t("Tiếp nhận mới và kết thúc theo tháng", "New and closed cases per month"),
                    &flow.iter().map(|(m, _, _)| format!("{:02}/{}", m.month(), m.year() % 100)).collect::<Vec<_>>(),
                    (lang.t("Mới", "New"), &flow.iter().map(|f| f.1).collect::<Vec<_>>()),
                    (lang.t("Kết thúc", "Closed"), &flow.iter().map(|f| f.2).collect::<Vec<_>>()),
                ))
            }
            figure {
                figcaption { (lang.t("Việc quá hạn theo xã", "Overdue items by commune")) }
                (charts::rows(lang.t("Việc quá hạn theo xã", "Overdue items by commune"), &overdue_by_commune(&view)))
            }
        }
        (caseload(lang, &view))
        (reports_due(lang, &view))
        (conflicts(lang, &view))
    };
    page(
        &signed,
        &view.area_name,
        Nav::Overview,
        "/",
        lang.t("Tổng quan", "Overview"),
        content,
    )
    .into_response()
}

fn cards(lang: Lang, view: &AreaView) -> Markup {
    let o = &view.oversight;
    let quiet = o.devices.iter().filter(|d| d.quiet).count();
    let past_trigger = o.no_contact.iter().filter(|n| n.days_left < 0).count();
    let items = [
        (
            o.totals.open as usize,
            lang.t("Đang quản lý", "Open cases"),
            false,
            "/",
        ),
        (
            o.totals.closed as usize,
            lang.t("Đã kết thúc", "Closed"),
            false,
            "/",
        ),
        (
            o.approvals.len(),
            lang.t("Chờ phê duyệt", "Waiting for approval"),
            false,
            "/approvals",
        ),
        (
            o.overdue.len(),
            lang.t("Việc quá hạn", "Overdue items"),
            true,
            "/overdue",
        ),
        (
            past_trigger,
            lang.t("Quá 1 tháng không liên hệ", "No contact for over a month"),
            true,
            "/no-contact",
        ),
        (
            quiet,
            lang.t("Thiết bị lâu chưa đồng bộ", "Devices not syncing"),
            true,
            "/devices",
        ),
    ];
    html! {
        div.cards {
            @for (value, label, alert, href) in items {
                a.card.alert[alert && value > 0] href=(href) data-figure=(label) {
                    span.figure { (value) }
                    span.label { (label) }
                }
            }
        }
    }
}

fn step_bars(lang: Lang, view: &AreaView) -> Vec<(String, u32)> {
    view.oversight
        .totals
        .by_step
        .iter()
        .enumerate()
        .map(|(index, count)| (format!("{} {}", lang.t("Bước", "Step"), index + 1), *count))
        .collect()
}

/// Overdue visits, activities and reviews, and subjects past the no-contact day, per commune.
fn overdue_by_commune(view: &AreaView) -> Vec<(String, u32)> {
    let mut per: BTreeMap<String, u32> = BTreeMap::new();
    let o = &view.oversight;
    let communes = o
        .overdue
        .iter()
        .map(|x| x.case.commune_code.as_deref())
        .chain(
            o.no_contact
                .iter()
                .filter(|n| n.days_left < 0)
                .map(|n| n.case.commune_code.as_deref()),
        );
    for commune in communes {
        *per.entry(view.commune(commune)).or_default() += 1;
    }
    let mut rows: Vec<(String, u32)> = per.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    rows
}

fn caseload(lang: Lang, view: &AreaView) -> Markup {
    html! {
        h2 { (lang.t("Số trường hợp theo người quản lý và bước", "Caseload per case manager and step")) }
        div.scroll { table id="caseload" {
            thead { tr {
                th { (lang.t("Người quản lý", "Case manager")) }
                @for step in 1..=5 { th.num { (lang.t("Bước", "Step")) " " (step) } }
                th.num { (lang.t("Đang quản lý", "Open")) }
                th.num { (lang.t("Đã kết thúc", "Closed")) }
            } }
            tbody {
                @for load in &view.oversight.caseload {
                    tr {
                        td { (view.person(load.manager_id.as_deref())) }
                        @for count in load.by_step { td.num { (count) } }
                        td.num { (load.open) }
                        td.num { (load.closed) }
                    }
                }
            }
        } }
        p.hint { (lang.t(
            "Bước 1: tiếp nhận, đánh giá; 2: kế hoạch; 3: thực hiện; 4: điều chỉnh; 5: đề nghị kết thúc.",
            "Step 1: intake and assessment; 2: plan; 3: carrying out; 4: adjustment; 5: closure proposed."
        )) }
    }
}

fn reports_due(lang: Lang, view: &AreaView) -> Markup {
    let due = &view.oversight.reports_due;
    html! {
        @if !due.is_empty() {
            h2 { (lang.t("Báo cáo định kỳ sắp đến hạn", "Periodic reports due")) }
            p.hint { (lang.t("Khi đã nộp, đánh dấu ở trang Báo cáo.", "Once submitted, mark it on the Reports page.")) }
            ul id="reports-due" {
                @for task in due {
                    li { (lang.pick(&task.reason)) " " span.muted { "(" (task.legal_ref) ")" } }
                }
            }
        }
    }
}

fn conflicts(lang: Lang, view: &AreaView) -> Markup {
    let conflicts = &view.oversight.conflicts;
    html! {
        h2 { (lang.t("Giá trị chờ chọn (sửa đồng thời)", "Values waiting for review (concurrent edits)")) }
        @if conflicts.is_empty() {
            p.muted { (lang.t("Không có.", "None.")) }
        } @else {
            div.scroll { table id="conflicts" {
                thead { tr {
                    th { (lang.t("Đối tượng", "Subject")) }
                    th { (lang.t("Xã", "Commune")) }
                    th { (lang.t("Trường", "Field")) }
                    th.num { (lang.t("Số giá trị", "Values")) }
                } }
                tbody { @for c in conflicts { tr {
                    td { @match &c.case {
                        Some(case) => a href=(format!("/cases/{}", case.case_id)) { (case.subject_name) },
                        None => span.muted { (c.record_id) },
                    } }
                    td { (view.commune(c.case.as_ref().and_then(|r| r.commune_code.as_deref()))) }
                    td { code { (c.field) } }
                    td.num { (c.values) }
                } } }
            } }
        }
    }
}
