//! The frame of every dashboard page (header, navigation, language, sign-out) and the pages without
//! a session (sign-in, setting a password, messages), rendered on the server with maud. Pages carry a
//! strict content policy: no script, styles from the site only, forms posting to the site only.

use super::auth::Signed;
use super::i18n::Lang;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hoso_model::role::Role;
use maud::{DOCTYPE, Markup, html};

/// The dashboard's style sheet, served at `/assets/hoso.css`: readable on a 10-inch tablet and a
/// desktop, tables that scroll sideways on narrow screens.
pub const STYLE: &str = include_str!("hoso.css");

const POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
                      form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// A page as the answer to a request, with the headers every page carries.
pub fn respond(markup: Markup) -> Response {
    let mut response = markup.into_string().into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        respond(self.0)
    }
}

/// A rendered page.
pub struct Page(pub Markup);

/// The sections of the dashboard, in navigation order.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Overview,
    Overdue,
    NoContact,
    Approvals,
    Devices,
    Reports,
    None,
}

fn nav_items(lang: Lang) -> [(Nav, &'static str, &'static str); 6] {
    [
        (Nav::Overview, "/", lang.t("Tổng quan", "Overview")),
        (Nav::Overdue, "/overdue", lang.t("Quá hạn", "Overdue")),
        (
            Nav::NoContact,
            "/no-contact",
            lang.t("Không liên hệ", "No contact"),
        ),
        (
            Nav::Approvals,
            "/approvals",
            lang.t("Chờ phê duyệt", "Approvals"),
        ),
        (Nav::Devices, "/devices", lang.t("Thiết bị", "Devices")),
        (Nav::Reports, "/reports", lang.t("Báo cáo", "Reports")),
    ]
}

pub fn role_label(lang: Lang, role: Role) -> &'static str {
    match role {
        Role::Approver => lang.t("Người phê duyệt", "Approver"),
        Role::ProvincialOfficer => lang.t("Cán bộ cấp tỉnh", "Provincial officer"),
        Role::Admin => lang.t("Quản trị", "Administrator"),
        Role::CaseManager => lang.t("Người quản lý đối tượng", "Case manager"),
        Role::Collaborator => lang.t("Cộng tác viên", "Collaborator"),
    }
}

/// A whole HTML document.
fn document(lang: Lang, title: &str, bare: bool, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — hoso" }
                link rel="stylesheet" href="/assets/hoso.css";
            }
            body class=[bare.then_some("bare")] { (body) }
        }
    }
}

fn language_switch(lang: Lang, csrf: &str, back: &str) -> Markup {
    let (to, label) = match lang {
        Lang::Vi => ("en", "English"),
        Lang::En => ("vi", "Tiếng Việt"),
    };
    html! {
        form.inline method="post" action="/lang" {
            input type="hidden" name="csrf" value=(csrf);
            input type="hidden" name="to" value=(to);
            input type="hidden" name="back" value=(back);
            button.link type="submit" lang=(to) { (label) }
        }
    }
}

/// A signed-in page: header, navigation and the content.
pub fn page(
    signed: &Signed,
    area_name: &str,
    here: Nav,
    path: &str,
    title: &str,
    content: Markup,
) -> Page {
    let lang = signed.lang;
    Page(document(
        lang,
        title,
        false,
        html! {
            header.top {
                a.brand href="/" { "hoso" }
                nav {
                    @for (nav, href, label) in nav_items(lang) {
                        a href=(href) class=[(nav == here).then_some("here")] { (label) }
                    }
                }
                div.who {
                    span.name { (signed.user.name) }
                    span.role { (role_label(lang, signed.user.role)) " · " (area_name) }
                    (language_switch(lang, &signed.csrf, path))
                    form.inline method="post" action="/sign-out" {
                        input type="hidden" name="csrf" value=(signed.csrf);
                        button.link type="submit" { (lang.t("Đăng xuất", "Sign out")) }
                    }
                }
            }
            main {
                h1 { (title) }
                (content)
            }
            footer {
                (lang.t(
                    "Danh sách chỉ có số liệu và tên, không có thông tin sức khỏe, khuyết tật hay HIV.",
                    "Lists show figures and names only: no health, disability or HIV details."
                ))
            }
        },
    ))
}

fn bare(lang: Lang, title: &str, csrf: &str, back: &str, content: Markup) -> Page {
    Page(document(
        lang,
        title,
        true,
        html! {
            header.top {
                span.brand { "hoso" }
                div.who { (language_switch(lang, csrf, back)) }
            }
            main.narrow {
                h1 { (title) }
                (content)
            }
        },
    ))
}

pub fn sign_in(lang: Lang, csrf: &str, note: Option<&str>, problem: Option<&str>) -> Page {
    let title = lang.t("Đăng nhập trang quản lý", "Sign in to the dashboard");
    bare(
        lang,
        title,
        csrf,
        "/sign-in",
        html! {
            @if let Some(note) = note { p.note { (note) } }
            @if let Some(problem) = problem { p.problem role="alert" { (problem) } }
            form.stack method="post" action="/sign-in" {
                input type="hidden" name="csrf" value=(csrf);
                label { (lang.t("Tên đăng nhập", "Sign-in name"))
                    input type="text" name="login" autocomplete="username" required; }
                label { (lang.t("Mật khẩu", "Password"))
                    input type="password" name="password" autocomplete="current-password" required; }
                button type="submit" { (lang.t("Đăng nhập", "Sign in")) }
            }
            p.hint { (lang.t(
                "Chưa có mật khẩu? Dùng mã một lần do quản trị viên cấp tại trang Đặt mật khẩu.",
                "No password yet? Use the one-time code from your administrator on the Set password page."
            )) " " a href="/setup" { (lang.t("Đặt mật khẩu", "Set password")) } }
        },
    )
}

pub fn setup(lang: Lang, csrf: &str, code: &str, problem: Option<&str>) -> Page {
    let title = lang.t(
        "Đặt tên đăng nhập và mật khẩu",
        "Set your sign-in name and password",
    );
    bare(
        lang,
        title,
        csrf,
        "/setup",
        html! {
            @if let Some(problem) = problem { p.problem role="alert" { (problem) } }
            form.stack method="post" action="/setup" {
                input type="hidden" name="csrf" value=(csrf);
                label { (lang.t("Mã một lần", "One-time code"))
                    input type="text" name="code" value=(code) required; }
                label { (lang.t("Tên đăng nhập", "Sign-in name"))
                    input type="text" name="login" autocomplete="username" required; }
                label { (lang.t("Mật khẩu (ít nhất 10 ký tự)", "Password (at least 10 characters)"))
                    input type="password" name="password" autocomplete="new-password" required; }
                label { (lang.t("Nhập lại mật khẩu", "Password again"))
                    input type="password" name="again" autocomplete="new-password" required; }
                button type="submit" { (lang.t("Lưu", "Save")) }
            }
        },
    )
}

pub fn message_page(lang: Lang, title: &str, message: &str) -> Page {
    Page(document(
        lang,
        title,
        true,
        html! {
            header.top { a.brand href="/" { "hoso" } }
            main.narrow {
                h1 { (title) }
                p { (message) }
                p { a href="/" { (lang.t("Về trang chính", "Back to the dashboard")) } }
            }
        },
    ))
}

/// A server fault, without detail (the log has it).
pub fn failure(lang: Lang) -> Response {
    let page = message_page(
        lang,
        lang.t("Lỗi máy chủ", "Server error"),
        lang.t(
            "Có lỗi xảy ra. Hãy thử lại sau.",
            "Something went wrong. Try again later.",
        ),
    );
    (StatusCode::INTERNAL_SERVER_ERROR, page).into_response()
}

/// A page or case outside the visitor's area, or that does not exist: the same answer for both.
pub fn not_found(lang: Lang) -> Response {
    let page = message_page(
        lang,
        lang.t("Không tìm thấy", "Not found"),
        lang.t(
            "Không có trang này trong địa bàn của bạn.",
            "There is no such page in your area.",
        ),
    );
    (StatusCode::NOT_FOUND, page).into_response()
}
