//! The dashboard for approvers and provincial officers, served by hoso-server on the same port as the
//! sync API: server-rendered HTML (maud), SVG charts drawn on the server, no script. Vietnamese by
//! default, English on request.
//!
//! - [`auth`]: sign-in, passwords set with one-time codes, sessions, form tokens, attempt limits;
//! - [`scope`]: what a user may see (their area, a commune of their province) and the area's figures;
//! - [`overview`], [`lists`], [`case`], [`reports`]: the pages; [`charts`]: SVG; [`layout`]: the
//!   frame; [`i18n`]: the language.
//!
//! Invariant: every page and export decides what it shows from the signed-in user's own area, on the
//! server; a URL naming another area or case gets "not found".

pub mod auth;
mod case;
mod charts;
mod i18n;
mod layout;
mod lists;
mod overview;
mod paging;
mod reports;
mod scope;

use crate::api::Shared;
use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use hoso_model::domain::followup::TaskKind;
use hoso_model::domain::snapshot::PendingKind;
use i18n::Lang;
use maud::{Markup, html};
use serde::Deserialize;
use std::sync::Arc;

#[derive(Clone)]
pub struct WebState {
    pub storage: Shared,
    pub limiter: Arc<auth::Limiter>,
}

pub fn router(storage: Shared) -> Router {
    let state = WebState {
        storage,
        limiter: Arc::new(auth::Limiter::default()),
    };
    Router::new()
        .route("/", get(overview::overview))
        .route("/overdue", get(lists::overdue))
        .route("/no-contact", get(lists::no_contact))
        .route("/approvals", get(lists::approvals))
        .route("/devices", get(lists::devices))
        .route("/cases/{case_id}", get(case::case_page))
        .route("/reports", get(reports::reports))
        .route("/reports/download", get(reports::download))
        .route("/reports/produced", post(reports::mark_submitted))
        .route("/sign-in", get(auth::sign_in_page).post(auth::sign_in))
        .route("/sign-out", post(auth::sign_out))
        .route("/setup", get(auth::setup_page).post(auth::setup))
        .route("/lang", post(auth::switch_language))
        .route("/assets/hoso.css", get(style))
        .with_state(state)
        // The same request ids, log lines and metrics as the API.
        .layer(axum::middleware::from_fn(crate::api::observe::observe))
}

async fn style() -> Response {
    let mut response = layout::STYLE.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("max-age=3600"),
    );
    response
}

/// The commune a page is narrowed to (provincial officers), from `?commune=`.
#[derive(Deserialize)]
pub struct CommuneFilter {
    #[serde(default)]
    pub commune: Option<String>,
    /// The page of a long list (`paging`), kept as text: a malformed number opens the first page.
    #[serde(default)]
    pub page: Option<String>,
}

/// The commune picker of a provincial officer's pages (nothing for an approver of one commune).
fn commune_filter(signed: &auth::Signed, selected: Option<&str>, path: &str) -> Markup {
    let communes = scope::commune_choices(&signed.user);
    let lang = signed.lang;
    html! {
        @if !communes.is_empty() {
            form.filters method="get" action=(path) {
                label { (lang.t("Xã, phường", "Commune"))
                    select name="commune" {
                        option value="" { (lang.t("Cả tỉnh", "Whole province")) }
                        @for (code, name) in &communes {
                            option value=(code) selected[selected == Some(code.as_str())] { (name) }
                        }
                    }
                }
                button type="submit" { (lang.t("Lọc", "Filter")) }
            }
        }
    }
}

fn task_label(lang: Lang, kind: TaskKind) -> &'static str {
    match kind {
        TaskKind::VisitDue => lang.t("Thăm hộ gia đình", "Household visit"),
        TaskKind::ActivityDue => lang.t("Hoạt động của kế hoạch", "Plan activity"),
        TaskKind::ReviewDue => lang.t("Rà soát kế hoạch", "Plan review"),
        TaskKind::ApprovalWaiting => lang.t("Chờ phê duyệt", "Approval"),
        TaskKind::NoContact => lang.t("Không liên hệ", "No contact"),
        TaskKind::AgeLimit => lang.t("Đủ tuổi", "Age limit"),
        TaskKind::PostClosureFollowUp => lang.t("Theo dõi sau kết thúc", "Follow-up after closure"),
        TaskKind::Report => lang.t("Báo cáo định kỳ", "Periodic report"),
        TaskKind::DataRequestDue => lang.t("Yêu cầu về dữ liệu cá nhân", "Personal-data request"),
    }
}

fn pending_label(lang: Lang, kind: PendingKind) -> &'static str {
    match kind {
        PendingKind::Plan => lang.t("Kế hoạch (Mẫu 04)", "Plan (Form 04)"),
        PendingKind::Adjustment => {
            lang.t("Điều chỉnh kế hoạch (Mẫu 04)", "Plan adjustment (Form 04)")
        }
        PendingKind::Closure => lang.t("Kết thúc quản lý (Mẫu 06)", "Closure (Form 06)"),
    }
}
