//! The reports page: choose an area (your own, or one commune of your province), a period and who the
//! report is for; read the figures; download them as XLSX or CSV. Every area asked for, in the page or
//! the download, is checked against the signed-in user's own. A user who produces the periodic report
//! of the period shown (their level's 6-monthly or annual one) marks it submitted here, which ends its
//! reminder on the overview.

use super::WebState;
use super::auth::{Signed, form_token_ok, refused_form};
use super::i18n::Lang;
use super::layout::{self, Nav, page};
use super::scope::{commune_choices, view_area};
use crate::report::{self, NamedReport};
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, Months, NaiveDate};
use hoso_model::domain::local_date;
use hoso_model::domain::report::lines::{columns, lines, notes};
use hoso_model::domain::report::{Audience, Period};
use hoso_model::domain::reporting::produces_report;
use hoso_model::hlc::system_now_millis;
use maud::{Markup, html};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct ReportQuery {
    #[serde(default)]
    commune: Option<String>,
    #[serde(default)]
    period: Option<String>,
    #[serde(default)]
    posting: bool,
    #[serde(default)]
    format: Option<String>,
}

/// The periods offered: this year and last, their halves and quarters, and the last twelve months.
fn period_choices(today: NaiveDate) -> Vec<Period> {
    let mut out = Vec::new();
    for year in [today.year(), today.year() - 1] {
        out.push(Period::Year { year });
        out.extend((1..=2).map(|half| Period::Half { year, half }));
        out.extend((1..=4).map(|quarter| Period::Quarter { year, quarter }));
    }
    let this_month = today.with_day(1).unwrap_or(today);
    out.extend((0..12).filter_map(|back| {
        let month = this_month.checked_sub_months(Months::new(back))?;
        Some(Period::Month {
            year: month.year(),
            month: month.month(),
        })
    }));
    out
}

/// The report asked for, or the page's answer when the request is not the user's to make.
async fn prepared(
    state: &WebState,
    signed: &Signed,
    query: &ReportQuery,
) -> Result<(NamedReport, Period), Response> {
    let Some(area) = view_area(&signed.user, query.commune.as_deref()) else {
        return Err(layout::not_found(signed.lang));
    };
    let today = local_date(system_now_millis());
    let period = match query.period.as_deref().filter(|p| !p.is_empty()) {
        Some(text) => match Period::parse(text) {
            Ok(period) => period,
            Err(_) => return Err(layout::not_found(signed.lang)),
        },
        None => Period::half_of(today),
    };
    let audience = if query.posting {
        Audience::Posting
    } else {
        Audience::Internal
    };
    let storage = state.storage.clone();
    let made = tokio::task::spawn_blocking(move || {
        report::prepare(storage.as_ref(), &area, period, audience, today)
    })
    .await;
    match made {
        Ok(Ok(named)) => Ok((named, period)),
        _ => Err(layout::failure(signed.lang)),
    }
}

pub async fn reports(
    State(state): State<WebState>,
    signed: Signed,
    Query(query): Query<ReportQuery>,
) -> Response {
    let (named, period) = match prepared(&state, &signed, &query).await {
        Ok(made) => made,
        Err(response) => return response,
    };
    let submission = submission(&state, &signed, &query, period).await;
    let lang = signed.lang;
    let today = named.report.made_on;
    let download = |format: &str| {
        format!(
            "/reports/download?commune={}&period={}&posting={}&format={format}",
            query.commune.as_deref().unwrap_or_default(),
            period.code(),
            query.posting
        )
    };
    let content = html! {
        form.filters method="get" action="/reports" {
            @let communes = commune_choices(&signed.user);
            @if !communes.is_empty() {
                label { (lang.t("Địa bàn", "Area"))
                    select name="commune" {
                        option value="" { (lang.t("Cả tỉnh", "Whole province")) }
                        @for (code, name) in &communes {
                            option value=(code) selected[query.commune.as_deref() == Some(code.as_str())] { (name) }
                        }
                    }
                }
            }
            label { (lang.t("Kỳ báo cáo", "Period"))
                select name="period" {
                    @for choice in period_choices(today) {
                        option value=(choice.code()) selected[choice == period] { (lang.pick(&choice.label())) }
                    }
                }
            }
            label { (lang.t("Bản", "Version"))
                select name="posting" {
                    option value="false" selected[!query.posting] { (lang.t("Gửi cơ quan quản lý", "For the authorities")) }
                    option value="true" selected[query.posting] { (lang.t("Để niêm yết (không có HIV)", "For posting (no HIV)")) }
                }
            }
            button type="submit" { (lang.t("Xem", "Show")) }
        }
        p {
            a.button href=(download("xlsx")) download { (lang.t("Tải XLSX", "Download XLSX")) }
            a.button href=(download("csv")) download { (lang.t("Tải CSV", "Download CSV")) }
        }
        @if let Some(submitted) = submission {
            (submission_form(&signed, period, submitted))
        }
        (figures(lang, &named))
    };
    page(
        &signed,
        &named.area_name,
        Nav::Reports,
        "/reports",
        lang.t("Báo cáo định kỳ", "Periodic reports"),
        content,
    )
    .into_response()
}

/// Whether the report shown is one the user produces (their own area, a periodic report's period) and,
/// if so, whether it is marked submitted already.
async fn submission(
    state: &WebState,
    signed: &Signed,
    query: &ReportQuery,
    period: Period,
) -> Option<bool> {
    let own_area = query.commune.as_deref().is_none_or(str::is_empty);
    let code = period.code();
    if !own_area || !produces_report(signed.user.role, signed.user.area.kind, &code) {
        return None;
    }
    let (storage, area) = (state.storage.clone(), signed.user.area.clone());
    let produced = tokio::task::spawn_blocking(move || storage.produced_reports(&area)).await;
    Some(matches!(produced, Ok(Ok(periods)) if periods.contains(&code)))
}

fn submission_form(signed: &Signed, period: Period, submitted: bool) -> Markup {
    let lang = signed.lang;
    html! {
        @if submitted {
            p.done id="report-submitted" { (lang.t("Báo cáo kỳ này đã được đánh dấu là đã nộp.", "This period's report is marked as submitted.")) }
        } @else {
            form.inline method="post" action="/reports/produced" {
                input type="hidden" name="csrf" value=(signed.csrf);
                input type="hidden" name="period" value=(period.code());
                button type="submit" id="mark-submitted" { (lang.t("Đánh dấu đã nộp báo cáo kỳ này", "Mark this period's report as submitted")) }
                span.hint { (lang.t("Nhắc hạn nộp báo cáo sẽ không còn hiện trên trang tổng quan.", "Its deadline reminder leaves the overview.")) }
            }
        }
    }
}

#[derive(Deserialize)]
pub struct SubmittedForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    period: String,
}

/// Marks the user's own periodic report of a period as submitted: only a period whose report their
/// role and area produce, only for their own area.
pub async fn mark_submitted(
    State(state): State<WebState>,
    signed: Signed,
    headers: HeaderMap,
    Form(form): Form<SubmittedForm>,
) -> Response {
    if !form_token_ok(&headers, Some(&signed.csrf), &form.csrf) {
        return refused_form(signed.lang);
    }
    let area = signed.user.area.clone();
    let Some(period) = Period::parse(&form.period)
        .ok()
        .map(Period::code)
        .filter(|code| produces_report(signed.user.role, area.kind, code))
    else {
        return layout::not_found(signed.lang);
    };
    let storage = state.storage.clone();
    let marked = tokio::task::spawn_blocking({
        let period = period.clone();
        move || storage.mark_report_produced(&area, &period, system_now_millis())
    })
    .await;
    if !matches!(marked, Ok(Ok(()))) {
        return layout::failure(signed.lang);
    }
    tracing::info!(user = %signed.user.user_id, area = %signed.user.area.code, period = %period, "report marked submitted");
    Redirect::to(&format!("/reports?period={period}")).into_response()
}

fn figures(lang: Lang, named: &NamedReport) -> Markup {
    let r = &named.report;
    let mut rows = Vec::new();
    let mut section = String::new();
    for line in lines(&r.total, report::catalog()) {
        let heading = (line.section.vi != section).then(|| line.section.clone());
        section = line.section.vi.clone();
        rows.push((heading, line));
    }
    html! {
        h2 { (named.area_name) " — " (lang.pick(&r.period.label())) }
        ul.hint { @for note in notes(r) { li { (lang.pick(&note)) } } }
        div.scroll { table id="report-lines" {
            thead { tr { th { (lang.t("Chỉ tiêu", "Figure")) } th.num { (lang.t("Số liệu", "Value")) } } }
            tbody {
                @for (heading, line) in &rows {
                    @if let Some(heading) = heading {
                        tr { th colspan="2" { (lang.pick(heading)) } }
                    }
                    tr data-code=(line.code) { td { (lang.pick(&line.label)) } td.num { (line.value) } }
                }
            }
        } }
        h2 { (lang.t("Theo xã", "By commune")) }
        div.scroll { table id="report-communes" {
            thead { tr {
                th { (lang.t("Xã, phường", "Commune")) }
                @for column in columns() { th.num { (lang.pick(&column.label)) } }
            } }
            tbody { @for (code, f) in &r.by_commune { tr {
                td { (named.commune(code)) }
                @for column in columns() { td.num { ((column.value)(f)) } }
            } } }
        } }
        @if !r.by_manager.is_empty() {
            h2 { (lang.t("Theo người quản lý (TT 02/2020 Điều 7.3.a)", "By case manager (TT 02/2020 Art. 7.3.a)")) }
            div.scroll { table id="report-managers" {
                thead { tr {
                    th { (lang.t("Người quản lý", "Case manager")) }
                    @for column in columns() { th.num { (lang.pick(&column.label)) } }
                } }
                tbody { @for (id, f) in &r.by_manager { tr {
                    td { (named.manager(id.as_deref())) }
                    @for column in columns() { td.num { ((column.value)(f)) } }
                } } }
            } }
        }
    }
}

pub async fn download(
    State(state): State<WebState>,
    signed: Signed,
    Query(query): Query<ReportQuery>,
) -> Response {
    let (named, _) = match prepared(&state, &signed, &query).await {
        Ok(made) => made,
        Err(response) => return response,
    };
    let (bytes, content_type, name) = if query.format.as_deref() == Some("csv") {
        (
            report::csv(&named).ok(),
            report::CSV_CONTENT_TYPE,
            report::file_name(&named, "csv"),
        )
    } else {
        (
            report::xlsx(&named).ok(),
            report::XLSX_CONTENT_TYPE,
            report::file_name(&named, "xlsx"),
        )
    };
    let Some(bytes) = bytes else {
        return layout::failure(signed.lang);
    };
    tracing::info!(user = %signed.user.user_id, area = %named.area.code, "report downloaded");
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
