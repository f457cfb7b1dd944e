//! The dashboard's accounts and sessions, as a trait every backend implements. A user sets their own
//! sign-in name and password with a one-time code an administrator issues; the password arrives here
//! already hashed (argon2, by the web layer), and tokens and codes are stored as SHA-256 only.

use super::Result;
use hoso_model::area::Area;
use hoso_model::role::Role;

/// Who is signed in to the dashboard, and where they work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebUser {
    pub user_id: String,
    pub name: String,
    pub role: Role,
    pub area: Area,
}

/// A live session: its user and the token every form of the session must carry (CSRF).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebSession {
    pub user: WebUser,
    pub csrf: String,
}

/// How long a dashboard setup code stays valid.
pub const WEB_CODE_TTL_MILLIS: u64 = 7 * 24 * 3600 * 1000;

pub trait WebAccountStore {
    /// A one-time code with which the user sets their dashboard sign-in: (code, expiry in Unix ms).
    fn issue_web_code(&self, user_id: &str, now: u64) -> Result<(String, u64)>;
    /// Uses a one-time code: the user's sign-in name (unique, lower case) and password hash. Refused
    /// if the code is unknown, used or expired, or the name belongs to someone else.
    fn set_web_login(
        &self,
        code: &str,
        login: &str,
        password_hash: &str,
        now: u64,
    ) -> Result<WebUser>;
    /// The account behind a sign-in name, with its password hash.
    fn web_login(&self, login: &str) -> Result<Option<(WebUser, String)>>;
    fn create_web_session(
        &self,
        token: &str,
        user_id: &str,
        csrf: &str,
        expires_at: u64,
    ) -> Result<()>;
    /// The session behind a cookie token, if it is live at `now`.
    fn web_session(&self, token: &str, now: u64) -> Result<Option<WebSession>>;
    fn end_web_session(&self, token: &str) -> Result<()>;
}
