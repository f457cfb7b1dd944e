//! The dashboard's sign-in names, one-time setup codes and sessions in the PostgreSQL backend, as
//! `sqlite/web_accounts.rs`. Codes and session tokens are stored as SHA-256 only; passwords arrive
//! hashed with argon2.

use crate::credentials::{enrollment_code, hash, normalise_code};
use crate::storage::{Refusal, Result, WEB_CODE_TTL_MILLIS, WebSession, WebUser};
use hoso_model::area::{Area, AreaKind};
use hoso_model::role::Role;
use postgres::{Client, GenericClient, Row};

fn millis(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

const USER_COLUMNS: &str = "u.id, u.name, u.role, u.area_kind, u.area_code";

fn web_user(row: &Row) -> WebUser {
    WebUser {
        user_id: row.get(0),
        name: row.get(1),
        role: Role::parse(row.get(2)).unwrap_or(Role::Collaborator),
        area: Area {
            kind: AreaKind::parse(row.get(3)).unwrap_or(AreaKind::Commune),
            code: row.get(4),
        },
    }
}

pub(super) fn issue_web_code(
    client: &mut impl GenericClient,
    user_id: &str,
    now: u64,
) -> Result<(String, u64)> {
    if client
        .query_opt("SELECT 1 FROM app_user WHERE id = $1", &[&user_id])?
        .is_none()
    {
        return Err(Refusal::UnknownUser.into());
    }
    let code = enrollment_code();
    let expires = now + WEB_CODE_TTL_MILLIS;
    client.execute(
        "INSERT INTO web_code (code_hash, user_id, expires_at) VALUES ($1, $2, $3)",
        &[&hash(&code), &user_id, &millis(expires)],
    )?;
    Ok((code, expires))
}

pub(super) fn set_web_login(
    client: &mut Client,
    code: &str,
    login: &str,
    password_hash: &str,
    now: u64,
) -> Result<WebUser> {
    let code_hash = hash(&normalise_code(code));
    let mut tx = client.transaction()?;
    // The row lock makes a code usable once even when two processes receive it at the same moment.
    let row = tx.query_opt(
        "SELECT user_id, expires_at, used_at FROM web_code WHERE code_hash = $1 FOR UPDATE",
        &[&code_hash],
    )?;
    let user_id: String = match row {
        None => return Err(Refusal::CodeUnknown.into()),
        Some(row) if row.get::<_, Option<i64>>(2).is_some() => {
            return Err(Refusal::CodeUsed.into());
        }
        Some(row) if row.get::<_, i64>(1) <= millis(now) => {
            return Err(Refusal::CodeExpired.into());
        }
        Some(row) => row.get(0),
    };
    let holder: Option<String> = tx
        .query_opt("SELECT user_id FROM web_login WHERE login = $1", &[&login])?
        .map(|row| row.get(0));
    if holder.is_some_and(|holder| holder != user_id) {
        return Err(Refusal::LoginTaken.into());
    }
    tx.execute(
        "UPDATE web_code SET used_at = $2 WHERE code_hash = $1",
        &[&code_hash, &millis(now)],
    )?;
    tx.execute(
        "INSERT INTO web_login (user_id, login, password_hash, set_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id) DO UPDATE SET login = excluded.login,
             password_hash = excluded.password_hash, set_at = excluded.set_at",
        &[&user_id, &login, &password_hash, &millis(now)],
    )?;
    // A new password ends every session opened with the old one.
    tx.execute("DELETE FROM web_session WHERE user_id = $1", &[&user_id])?;
    let user = web_user(&tx.query_one(
        &format!("SELECT {USER_COLUMNS} FROM app_user u WHERE u.id = $1"),
        &[&user_id],
    )?);
    tx.commit()?;
    Ok(user)
}

pub(super) fn web_login(
    client: &mut impl GenericClient,
    login: &str,
) -> Result<Option<(WebUser, String)>> {
    Ok(client
        .query_opt(
            &format!(
                "SELECT {USER_COLUMNS}, w.password_hash FROM web_login w
                 JOIN app_user u ON u.id = w.user_id WHERE w.login = $1"
            ),
            &[&login],
        )?
        .map(|row| (web_user(&row), row.get(5))))
}

pub(super) fn create_web_session(
    client: &mut impl GenericClient,
    token: &str,
    user_id: &str,
    csrf: &str,
    expires_at: u64,
) -> Result<()> {
    client.execute(
        "INSERT INTO web_session (token_hash, user_id, csrf, expires_at) VALUES ($1, $2, $3, $4)",
        &[&hash(token), &user_id, &csrf, &millis(expires_at)],
    )?;
    Ok(())
}

pub(super) fn web_session(
    client: &mut impl GenericClient,
    token: &str,
    now: u64,
) -> Result<Option<WebSession>> {
    Ok(client
        .query_opt(
            &format!(
                "SELECT {USER_COLUMNS}, s.csrf FROM web_session s
                 JOIN app_user u ON u.id = s.user_id
                 WHERE s.token_hash = $1 AND s.expires_at > $2"
            ),
            &[&hash(token), &millis(now)],
        )?
        .map(|row| WebSession {
            user: web_user(&row),
            csrf: row.get(5),
        }))
}

pub(super) fn end_web_session(client: &mut impl GenericClient, token: &str) -> Result<()> {
    client.execute(
        "DELETE FROM web_session WHERE token_hash = $1",
        &[&hash(token)],
    )?;
    Ok(())
}
