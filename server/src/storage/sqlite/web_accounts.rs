//! The dashboard's sign-in names, one-time setup codes and sessions in the SQLite backend. Codes and
//! session tokens are stored as SHA-256 only; passwords arrive hashed with argon2.

use crate::credentials::{enrollment_code, hash, normalise_code};
use crate::storage::{Refusal, Result, WEB_CODE_TTL_MILLIS, WebSession, WebUser};
use hoso_model::area::{Area, AreaKind};
use hoso_model::role::Role;
use rusqlite::{Connection, OptionalExtension, params};

fn web_user(row: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<WebUser> {
    Ok(WebUser {
        user_id: row.get(first)?,
        name: row.get(first + 1)?,
        role: Role::parse(&row.get::<_, String>(first + 2)?).unwrap_or(Role::Collaborator),
        area: Area {
            kind: AreaKind::parse(&row.get::<_, String>(first + 3)?).unwrap_or(AreaKind::Commune),
            code: row.get(first + 4)?,
        },
    })
}

const USER_COLUMNS: &str = "u.id, u.name, u.role, u.area_kind, u.area_code";

pub(super) fn issue_web_code(conn: &Connection, user_id: &str, now: u64) -> Result<(String, u64)> {
    let known: Option<String> = conn
        .query_row("SELECT id FROM user WHERE id = ?1", [user_id], |r| r.get(0))
        .optional()?;
    if known.is_none() {
        return Err(Refusal::UnknownUser.into());
    }
    let code = enrollment_code();
    let expires = now + WEB_CODE_TTL_MILLIS;
    conn.execute(
        "INSERT INTO web_code (code_hash, user_id, expires_at) VALUES (?1, ?2, ?3)",
        params![hash(&code), user_id, expires],
    )?;
    Ok((code, expires))
}

pub(super) fn set_web_login(
    conn: &mut Connection,
    code: &str,
    login: &str,
    password_hash: &str,
    now: u64,
) -> Result<WebUser> {
    let code_hash = hash(&normalise_code(code));
    let tx = conn.transaction()?;
    let row: Option<(String, u64, Option<u64>)> = tx
        .query_row(
            "SELECT user_id, expires_at, used_at FROM web_code WHERE code_hash = ?1",
            [&code_hash],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let user_id = match row {
        Some((user, expires, None)) if expires > now => user,
        Some((_, _, Some(_))) => return Err(Refusal::CodeUsed.into()),
        Some(_) => return Err(Refusal::CodeExpired.into()),
        None => return Err(Refusal::CodeUnknown.into()),
    };
    let holder: Option<String> = tx
        .query_row(
            "SELECT user_id FROM web_login WHERE login = ?1",
            [login],
            |r| r.get(0),
        )
        .optional()?;
    if holder.is_some_and(|holder| holder != user_id) {
        return Err(Refusal::LoginTaken.into());
    }
    tx.execute(
        "UPDATE web_code SET used_at = ?2 WHERE code_hash = ?1",
        params![code_hash, now],
    )?;
    tx.execute(
        "INSERT INTO web_login (user_id, login, password_hash, set_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(user_id) DO UPDATE SET login = ?2, password_hash = ?3, set_at = ?4",
        params![user_id, login, password_hash, now],
    )?;
    // A new password ends every session opened with the old one.
    tx.execute("DELETE FROM web_session WHERE user_id = ?1", [&user_id])?;
    let user = tx.query_row(
        &format!("SELECT {USER_COLUMNS} FROM user u WHERE u.id = ?1"),
        [&user_id],
        |r| web_user(r, 0),
    )?;
    tx.commit()?;
    Ok(user)
}

pub(super) fn web_login(conn: &Connection, login: &str) -> Result<Option<(WebUser, String)>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {USER_COLUMNS}, w.password_hash FROM web_login w JOIN user u ON u.id = w.user_id
             WHERE w.login = ?1"
        ))?
        .query_row([login], |r| Ok((web_user(r, 0)?, r.get(5)?)))
        .optional()?)
}

pub(super) fn create_web_session(
    conn: &Connection,
    token: &str,
    user_id: &str,
    csrf: &str,
    expires_at: u64,
) -> Result<()> {
    conn.execute(
        "INSERT INTO web_session (token_hash, user_id, csrf, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![hash(token), user_id, csrf, expires_at],
    )?;
    Ok(())
}

pub(super) fn web_session(conn: &Connection, token: &str, now: u64) -> Result<Option<WebSession>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {USER_COLUMNS}, s.csrf FROM web_session s JOIN user u ON u.id = s.user_id
             WHERE s.token_hash = ?1 AND s.expires_at > ?2"
        ))?
        .query_row(params![hash(token), now], |r| {
            Ok(WebSession {
                user: web_user(r, 0)?,
                csrf: r.get(5)?,
            })
        })
        .optional()?)
}

pub(super) fn end_web_session(conn: &Connection, token: &str) -> Result<()> {
    conn.execute(
        "DELETE FROM web_session WHERE token_hash = ?1",
        [hash(token)],
    )?;
    Ok(())
}
