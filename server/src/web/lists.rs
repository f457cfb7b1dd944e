//! The list pages: overdue visits, activities and reviews (with post-closure follow-ups), subjects
//! close to or past the one-month no-contact trigger, plans and closures waiting for approval, and
//! devices with their sync backlog. Names, communes, managers, days — never a diagnosis.

use super::auth::Signed;
use super::layout::{Nav, page};
use super::paging::Paged;
use super::scope::{AreaView, load};
use super::{CommuneFilter, WebState, commune_filter, pending_label, task_label};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use hoso_model::domain::oversight::CaseRef;
use maud::{Markup, html};

fn case_link(case: &CaseRef) -> Markup {
    html! { a href=(format!("/cases/{}", case.case_id)) { (case.subject_name) } }
}

/// Loads the area and renders one list page around `body`.
async fn list_page(
    state: WebState,
    signed: Signed,
    filter: CommuneFilter,
    (here, path): (Nav, &str),
    title: (&'static str, &'static str),
    body: impl FnOnce(&Paged<'_>, &AreaView) -> Markup,
) -> Response {
    let view = match load(&state, &signed, filter.commune.as_deref()).await {
        Ok(view) => view,
        Err(response) => return response,
    };
    let lang = signed.lang;
    let paged = Paged::new(
        lang,
        filter.page.as_deref(),
        path,
        filter.commune.as_deref(),
    );
    let content = html! {
        (commune_filter(&signed, filter.commune.as_deref(), path))
        (body(&paged, &view))
    };
    page(
        &signed,
        &view.area_name,
        here,
        path,
        lang.t(title.0, title.1),
        content,
    )
    .into_response()
}

pub async fn overdue(
    State(state): State<WebState>,
    signed: Signed,
    Query(filter): Query<CommuneFilter>,
) -> Response {
    list_page(state, signed, filter, (Nav::Overdue, "/overdue"), ("Việc quá hạn", "Overdue items"), |paged, view| {
        let (lang, o) = (paged.lang, &view.oversight);
        html! {
            p.hint { (lang.t(
                "Lần thăm, hoạt động của kế hoạch và lần rà soát đã qua ngày đến hạn, quá hạn lâu nhất trước.",
                "Visits, plan activities and reviews past their day, most overdue first."
            )) }
            div.scroll { table id="overdue" {
                thead { tr {
                    th { (lang.t("Đối tượng", "Subject")) }
                    th { (lang.t("Xã", "Commune")) }
                    th { (lang.t("Người quản lý", "Case manager")) }
                    th { (lang.t("Việc", "Item")) }
                    th { (lang.t("Đến hạn", "Due")) }
                    th.num { (lang.t("Số ngày quá hạn", "Days overdue")) }
                    th { (lang.t("Lý do", "Why")) }
                } }
                tbody { @for item in paged.rows(&o.overdue) { tr {
                    td { (case_link(&item.case)) }
                    td { (view.commune(item.case.commune_code.as_deref())) }
                    td { (view.person(item.case.manager_id.as_deref())) }
                    td { (task_label(lang, item.kind())) }
                    td { (lang.day(item.due)) }
                    td.num.late { (item.days_overdue) }
                    td { (lang.pick(&item.reason())) br; span.muted { (item.legal_ref()) } }
                } } }
            } }
            (paged.range(o.overdue.len()))
            h2 { (lang.t("Theo dõi sau kết thúc (TT 02/2020 Điều 10.2)", "Follow-up after closure (TT 02/2020 Art. 10.2)")) }
            div.scroll { table id="post-closure" {
                thead { tr {
                    th { (lang.t("Đối tượng", "Subject")) }
                    th { (lang.t("Xã", "Commune")) }
                    th { (lang.t("Đến hạn", "Due")) }
                    th { (lang.t("Ghi chú", "Note")) }
                } }
                tbody { @for item in paged.rows(&o.post_closure) { tr {
                    td { (case_link(&item.case)) }
                    td { (view.commune(item.case.commune_code.as_deref())) }
                    td class=[item.overdue.then_some("late")] { (lang.day(item.due)) }
                    td { (lang.pick(&item.reason())) }
                } } }
            } }
            (paged.range(o.post_closure.len()))
            (paged.links(&[o.overdue.len(), o.post_closure.len()]))
        }
    })
    .await
}

pub async fn no_contact(
    State(state): State<WebState>,
    signed: Signed,
    Query(filter): Query<CommuneFilter>,
) -> Response {
    list_page(state, signed, filter, (Nav::NoContact, "/no-contact"), ("Không liên hệ được", "No contact"), |paged, view| {
        let lang = paged.lang;
        html! {
            p.hint { (lang.t(
                "Đối tượng đã hoặc sắp quá 1 tháng không liên hệ: lý do kết thúc số 6 (TT 02/2020 Điều 8.3.a). Số ngày âm là đã quá.",
                "Subjects past or close to one month without contact: closure reason 6 (TT 02/2020 Art. 8.3.a). Negative days have passed."
            )) }
            div.scroll { table id="no-contact" {
                thead { tr {
                    th { (lang.t("Đối tượng", "Subject")) }
                    th { (lang.t("Xã", "Commune")) }
                    th { (lang.t("Người quản lý", "Case manager")) }
                    th { (lang.t("Liên hệ gần nhất", "Last contact")) }
                    th { (lang.t("Đủ 1 tháng vào", "One month on")) }
                    th.num { (lang.t("Còn (ngày)", "Days left")) }
                } }
                tbody { @for item in paged.rows(&view.oversight.no_contact) { tr {
                    td { (case_link(&item.case)) }
                    td { (view.commune(item.case.commune_code.as_deref())) }
                    td { (view.person(item.case.manager_id.as_deref())) }
                    td { (lang.day(item.last_contact)) }
                    td { (lang.day(item.trigger_on)) }
                    td.num class=[(item.days_left < 0).then_some("late")] { (item.days_left) }
                } } }
            } }
            (paged.end_of_list(view.oversight.no_contact.len()))
        }
    })
    .await
}

pub async fn approvals(
    State(state): State<WebState>,
    signed: Signed,
    Query(filter): Query<CommuneFilter>,
) -> Response {
    list_page(state, signed, filter, (Nav::Approvals, "/approvals"), ("Chờ phê duyệt", "Waiting for approval"), |paged, view| {
        let lang = paged.lang;
        html! {
            p.hint { (lang.t(
                "Kế hoạch, điều chỉnh và đề nghị kết thúc đang chờ Chủ tịch UBND xã hoặc người đứng đầu cơ sở (TT 02/2020 Điều 7.1, 8.2). Pháp luật không quy định thời hạn phê duyệt. Phê duyệt trên máy tính bảng của người phê duyệt.",
                "Plans, adjustments and closures waiting for the commune chairman or facility head (TT 02/2020 Art. 7.1, 8.2). The law sets no approval deadline. Approvals are made on the approver's tablet."
            )) }
            div.scroll { table id="approvals" {
                thead { tr {
                    th { (lang.t("Đối tượng", "Subject")) }
                    th { (lang.t("Xã", "Commune")) }
                    th { (lang.t("Người quản lý", "Case manager")) }
                    th { (lang.t("Chờ duyệt", "Waiting")) }
                    th { (lang.t("Trình ngày", "Submitted")) }
                    th.num { (lang.t("Số ngày chờ", "Days waiting")) }
                } }
                tbody { @for item in paged.rows(&view.oversight.approvals) { tr {
                    td { (case_link(&item.case)) }
                    td { (view.commune(item.case.commune_code.as_deref())) }
                    td { (view.person(item.case.manager_id.as_deref())) }
                    td { (pending_label(lang, item.kind)) }
                    td { (lang.day(item.since)) }
                    td.num { (item.days_waiting) }
                } } }
            } }
            (paged.end_of_list(view.oversight.approvals.len()))
        }
    })
    .await
}

pub async fn devices(
    State(state): State<WebState>,
    signed: Signed,
    Query(filter): Query<CommuneFilter>,
) -> Response {
    list_page(state, signed, filter, (Nav::Devices, "/devices"), ("Thiết bị và dữ liệu chưa gửi", "Devices and unsent work"), |paged, view| {
        let lang = paged.lang;
        html! {
            p.hint { (lang.t(
                "Lần đồng bộ gần nhất và số thay đổi còn trên máy theo báo cáo của thiết bị. Thiết bị 7 ngày chưa đồng bộ được tô đỏ.",
                "Last sync and the changes still on the device, as the device reported them. Devices silent for 7 days are in red."
            )) }
            div.scroll { table id="devices" {
                thead { tr {
                    th { (lang.t("Thiết bị", "Device")) }
                    th { (lang.t("Người dùng", "User")) }
                    th { (lang.t("Đồng bộ gần nhất", "Last sync")) }
                    th.num { (lang.t("Số ngày", "Days ago")) }
                    th.num { (lang.t("Thay đổi chưa gửi", "Unsent changes")) }
                    th.num { (lang.t("Cũ nhất (ngày)", "Oldest (days)")) }
                } }
                tbody { @for d in paged.rows(&view.oversight.devices) { tr class=[d.quiet.then_some("quiet")] {
                    td { (d.device.device_name) }
                    td { (d.device.user_name) }
                    td { @match d.device.last_sync_millis {
                        Some(millis) => (lang.instant(millis)),
                        None => (lang.t("chưa bao giờ", "never")),
                    } }
                    td.num { (d.days_since_sync.map(|v| v.to_string()).unwrap_or_else(|| "—".into())) }
                    td.num { (d.device.pending_ops.map(|v| v.to_string()).unwrap_or_else(|| "—".into())) }
                    td.num { (d.oldest_unsent_days.map(|v| v.to_string()).unwrap_or_else(|| "—".into())) }
                } } }
            } }
            (paged.end_of_list(view.oversight.devices.len()))
        }
    })
    .await
}
