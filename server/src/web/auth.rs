//! Who is signed in to the dashboard, and how they got there: passwords (argon2, set by the user with
//! an administrator's one-time code), sessions in an HttpOnly, SameSite=Strict cookie whose token is
//! stored hashed, a form token on every POST (the session's own once signed in; a double-submitted
//! cookie before), and sign-in attempts limited per name and per address.
//!
//! Only approvers (the commune chairman, a facility head or their delegate), provincial officers and
//! administrators use the dashboard; collaborators work on their phones.

use super::WebState;
use super::i18n::{LANG_COOKIE, Lang};
use super::layout::{self, message_page};
use crate::credentials::random_token;
use crate::storage::{Refusal, StorageError, WebUser};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::Form;
use axum::extract::{ConnectInfo, FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use hoso_model::hlc::system_now_millis;
use hoso_model::role::Role;
use rand::RngCore;
use serde::Deserialize;
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const SESSION_COOKIE: &str = "hoso_session";
/// The form token of visitors not signed in yet (double-submitted: cookie and hidden field).
pub const FORM_COOKIE: &str = "hoso_form";
const SESSION_MILLIS: u64 = 12 * 3600 * 1000;

/// Failed sign-ins allowed per name and per address within [`WINDOW`].
const MAX_FAILURES_PER_NAME: usize = 5;
const MAX_FAILURES_PER_ADDRESS: usize = 20;
const WINDOW: Duration = Duration::from_secs(15 * 60);

/// The value of a cookie of the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, the whole site.
pub fn set_cookie(name: &str, value: &str, max_age_secs: u64) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("hoso_invalid=; Path=/; Max-Age=0"))
}

pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt)?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

fn password_matches(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .and_then(|hash| Argon2::default().verify_password(password.as_bytes(), &hash))
        .is_ok()
}

/// Failed sign-ins, by name and by address, over the last [`WINDOW`].
#[derive(Default)]
pub struct Limiter {
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Limiter {
    fn recent(&self, key: &str) -> usize {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let Some(times) = failures.get_mut(key) else {
            return 0;
        };
        while times.front().is_some_and(|t| t.elapsed() > WINDOW) {
            times.pop_front();
        }
        times.len()
    }

    fn blocked(&self, name: &str, address: &str) -> bool {
        self.recent(name) >= MAX_FAILURES_PER_NAME
            || self.recent(address) >= MAX_FAILURES_PER_ADDRESS
    }

    fn fail(&self, keys: [&str; 2]) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        for key in keys {
            failures
                .entry(key.to_string())
                .or_default()
                .push_back(Instant::now());
        }
    }
}

/// A signed-in visitor: who, their session's form token, their language.
pub struct Signed {
    pub user: WebUser,
    pub csrf: String,
    pub lang: Lang,
}

impl FromRequestParts<WebState> for Signed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Signed, Response> {
        let lang = Lang::of(&parts.headers);
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(Redirect::to("/sign-in").into_response());
        };
        let storage = state.storage.clone();
        let session =
            tokio::task::spawn_blocking(move || storage.web_session(&token, system_now_millis()))
                .await;
        match session {
            Ok(Ok(Some(session))) => Ok(Signed {
                user: session.user,
                csrf: session.csrf,
                lang,
            }),
            Ok(Ok(None)) => Err(Redirect::to("/sign-in").into_response()),
            _ => Err(layout::failure(lang)),
        }
    }
}

/// Whether a form's token is the one this visitor was given.
pub fn form_token_ok(headers: &HeaderMap, expected_session: Option<&str>, sent: &str) -> bool {
    let expected = match expected_session {
        Some(token) => Some(token.to_string()),
        None => cookie(headers, FORM_COOKIE),
    };
    expected.is_some_and(|e| !sent.is_empty() && constant_time_eq(e.as_bytes(), sent.as_bytes()))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The answer to a POST without the right form token.
pub fn refused_form(lang: Lang) -> Response {
    let page = message_page(
        lang,
        lang.t("Yêu cầu bị từ chối", "Request refused"),
        lang.t(
            "Biểu mẫu thiếu mã bảo vệ hoặc mã đã hết hạn. Hãy tải lại trang rồi thử lại.",
            "The form has no protection token or it expired. Reload the page and try again.",
        ),
    );
    (StatusCode::FORBIDDEN, page).into_response()
}

/// The form token of a visitor not signed in: the cookie's, or a new one to set.
fn anonymous_token(headers: &HeaderMap) -> (String, Option<HeaderValue>) {
    match cookie(headers, FORM_COOKIE) {
        Some(token) if token.len() == 32 => (token, None),
        _ => {
            let token = random_token(16);
            let header = set_cookie(FORM_COOKIE, &token, 24 * 3600);
            (token, Some(header))
        }
    }
}

fn with_cookie(mut response: Response, cookie: Option<HeaderValue>) -> Response {
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

#[derive(Deserialize)]
pub struct SignInQuery {
    #[serde(default)]
    done: bool,
}

pub async fn sign_in_page(headers: HeaderMap, Query(query): Query<SignInQuery>) -> Response {
    let lang = Lang::of(&headers);
    let (token, set) = anonymous_token(&headers);
    let note = query.done.then(|| {
        lang.t(
            "Đã đặt mật khẩu. Hãy đăng nhập.",
            "Your password is set. Sign in.",
        )
    });
    with_cookie(
        layout::sign_in(lang, &token, note, None).into_response(),
        set,
    )
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
}

pub async fn sign_in(
    State(state): State<WebState>,
    headers: HeaderMap,
    connect: Option<axum::Extension<ConnectInfo<SocketAddr>>>,
    Form(form): Form<SignInForm>,
) -> Response {
    let lang = Lang::of(&headers);
    if !form_token_ok(&headers, None, &form.csrf) {
        return refused_form(lang);
    }
    let login = form.login.trim().to_lowercase();
    let address = connect
        .map(|c| format!("ip:{}", c.0.0.ip()))
        .unwrap_or_else(|| "ip:unknown".into());
    let name_key = format!("name:{login}");
    if state.limiter.blocked(&name_key, &address) {
        let page = layout::sign_in(
            lang,
            &form.csrf,
            None,
            Some(lang.t(
                "Quá nhiều lần đăng nhập sai. Hãy thử lại sau 15 phút.",
                "Too many failed sign-ins. Try again in 15 minutes.",
            )),
        );
        return (StatusCode::TOO_MANY_REQUESTS, page).into_response();
    }
    let storage = state.storage.clone();
    let password = form.password;
    let outcome = tokio::task::spawn_blocking(move || -> Result<Option<WebUser>, StorageError> {
        let Some((user, stored)) = storage.web_login(&login)? else {
            // Hash anyway, so a missing name takes as long as a wrong password.
            let _ = hash_password(&password);
            return Ok(None);
        };
        Ok(password_matches(&password, &stored).then_some(user))
    })
    .await;
    match outcome {
        Ok(Ok(Some(user))) if may_use_dashboard(user.role) => {
            start_session(&state, user, lang).await
        }
        Ok(Ok(Some(_))) => {
            let page = layout::sign_in(
                lang,
                &form.csrf,
                None,
                Some(lang.t(
                    "Trang quản lý dành cho người phê duyệt và cán bộ cấp tỉnh; cộng tác viên làm việc trên điện thoại.",
                    "The dashboard is for approvers and provincial officers; collaborators work on their phones.",
                )),
            );
            (StatusCode::FORBIDDEN, page).into_response()
        }
        Ok(Ok(None)) => {
            state.limiter.fail([&name_key, &address]);
            let page = layout::sign_in(
                lang,
                &form.csrf,
                None,
                Some(lang.t(
                    "Tên đăng nhập hoặc mật khẩu không đúng.",
                    "Wrong sign-in name or password.",
                )),
            );
            (StatusCode::UNAUTHORIZED, page).into_response()
        }
        _ => layout::failure(lang),
    }
}

fn may_use_dashboard(role: Role) -> bool {
    role.may_approve() || role == Role::ProvincialOfficer
}

async fn start_session(state: &WebState, user: WebUser, lang: Lang) -> Response {
    let token = random_token(32);
    let csrf = random_token(16);
    let storage = state.storage.clone();
    let (session_token, user_id) = (token.clone(), user.user_id.clone());
    let created = tokio::task::spawn_blocking(move || {
        storage.create_web_session(
            &session_token,
            &user_id,
            &csrf,
            system_now_millis() + SESSION_MILLIS,
        )
    })
    .await;
    if !matches!(created, Ok(Ok(()))) {
        return layout::failure(lang);
    }
    tracing::info!(user = %user.user_id, "dashboard sign-in");
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, &token, SESSION_MILLIS / 1000),
    );
    response
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    csrf: String,
}

pub async fn sign_out(
    State(state): State<WebState>,
    signed: Signed,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> Response {
    if !form_token_ok(&headers, Some(&signed.csrf), &form.csrf) {
        return refused_form(signed.lang);
    }
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        let storage = state.storage.clone();
        let _ = tokio::task::spawn_blocking(move || storage.end_web_session(&token)).await;
    }
    let mut response = Redirect::to("/sign-in").into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, "", 0));
    response
}

#[derive(Deserialize)]
pub struct LangForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    back: String,
}

/// Switches the language. Signed-in visitors send their session's token, others the form cookie's.
pub async fn switch_language(
    State(state): State<WebState>,
    headers: HeaderMap,
    Form(form): Form<LangForm>,
) -> Response {
    let lang = Lang::of(&headers);
    let session_csrf = match cookie(&headers, SESSION_COOKIE) {
        Some(token) => {
            let storage = state.storage.clone();
            tokio::task::spawn_blocking(move || storage.web_session(&token, system_now_millis()))
                .await
                .ok()
                .and_then(Result::ok)
                .flatten()
                .map(|s| s.csrf)
        }
        None => None,
    };
    if !form_token_ok(&headers, session_csrf.as_deref(), &form.csrf) {
        return refused_form(lang);
    }
    let to = if form.to == "en" { "en" } else { "vi" };
    // Only a path of this site: never a redirect elsewhere.
    let back = if form.back.starts_with('/') && !form.back.starts_with("//") {
        form.back
    } else {
        "/".into()
    };
    let mut response = Redirect::to(&back).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(LANG_COOKIE, to, 365 * 24 * 3600),
    );
    response
}

#[derive(Deserialize)]
pub struct SetupQuery {
    #[serde(default)]
    code: String,
}

pub async fn setup_page(headers: HeaderMap, Query(query): Query<SetupQuery>) -> Response {
    let lang = Lang::of(&headers);
    let (token, set) = anonymous_token(&headers);
    with_cookie(
        layout::setup(lang, &token, &query.code, None).into_response(),
        set,
    )
}

#[derive(Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    again: String,
}

/// What is wrong with a chosen sign-in name and password, if anything.
fn setup_problem(lang: Lang, login: &str, password: &str, again: &str) -> Option<&'static str> {
    let name_ok = (3..=40).contains(&login.len())
        && login
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if !name_ok {
        return Some(lang.t(
            "Tên đăng nhập gồm 3–40 ký tự: chữ thường không dấu, số, dấu chấm, gạch ngang hoặc gạch dưới.",
            "A sign-in name has 3–40 characters: lower-case letters, digits, '.', '-' or '_'.",
        ));
    }
    if password.chars().count() < 10 {
        return Some(lang.t(
            "Mật khẩu cần ít nhất 10 ký tự.",
            "The password needs at least 10 characters.",
        ));
    }
    if password != again {
        return Some(lang.t(
            "Hai lần nhập mật khẩu không giống nhau.",
            "The two passwords differ.",
        ));
    }
    None
}

pub async fn setup(
    State(state): State<WebState>,
    headers: HeaderMap,
    Form(form): Form<SetupForm>,
) -> Response {
    let lang = Lang::of(&headers);
    if !form_token_ok(&headers, None, &form.csrf) {
        return refused_form(lang);
    }
    let login = form.login.trim().to_lowercase();
    if let Some(problem) = setup_problem(lang, &login, &form.password, &form.again) {
        let page = layout::setup(lang, &form.csrf, &form.code, Some(problem));
        return (StatusCode::BAD_REQUEST, page).into_response();
    }
    let storage = state.storage.clone();
    let (code, password) = (form.code.clone(), form.password);
    let outcome = tokio::task::spawn_blocking(move || {
        let hash = hash_password(&password)
            .map_err(|_| StorageError::Corrupt("argon2 could not hash a password".into()))?;
        storage.set_web_login(&code, &login, &hash, system_now_millis())
    })
    .await;
    match outcome {
        Ok(Ok(_)) => Redirect::to("/sign-in?done=true").into_response(),
        Ok(Err(StorageError::Refused(refusal))) => {
            let message = refusal_text(lang, refusal);
            let page = layout::setup(lang, &form.csrf, &form.code, Some(&message));
            (StatusCode::BAD_REQUEST, page).into_response()
        }
        _ => layout::failure(lang),
    }
}

fn refusal_text(lang: Lang, refusal: Refusal) -> String {
    lang.pick(&refusal.message()).to_string()
}
