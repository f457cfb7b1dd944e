//! Areas, users, enrollment codes, devices and admin tokens in the SQLite backend.

use crate::credentials::{enrollment_code, hash, normalise_code, random_token};
use crate::storage::{CODE_TTL_MILLIS, DeviceAuth, Enrollment, Refusal, Result, valid_area};
use hoso_model::area::{Area, AreaKind};
use hoso_model::role::Role;
use rusqlite::{Connection, OptionalExtension, params};

pub(super) fn create_area(conn: &Connection, area: &Area, name: &str) -> Result<()> {
    if !valid_area(area, name) {
        return Err(Refusal::BadArea.into());
    }
    conn.execute(
        "INSERT INTO area (kind, code, name) VALUES (?1, ?2, ?3) ON CONFLICT(kind, code) DO UPDATE SET name = ?3",
        params![area.kind.as_str(), area.code, name],
    )?;
    Ok(())
}

pub(super) fn create_user(
    conn: &Connection,
    name: &str,
    role: Role,
    area: &Area,
) -> Result<String> {
    let exists: Option<String> = conn
        .query_row(
            "SELECT name FROM area WHERE kind = ?1 AND code = ?2",
            params![area.kind.as_str(), area.code],
            |r| r.get(0),
        )
        .optional()?;
    if exists.is_none() {
        return Err(Refusal::UnknownArea.into());
    }
    let id = uuid::Uuid::now_v7().to_string();
    conn.execute(
        "INSERT INTO user (id, name, role, area_kind, area_code) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, name, role.as_str(), area.kind.as_str(), area.code],
    )?;
    Ok(id)
}

pub(super) fn issue_code(conn: &Connection, user_id: &str, now: u64) -> Result<(String, u64)> {
    let known: Option<String> = conn
        .query_row("SELECT id FROM user WHERE id = ?1", [user_id], |r| r.get(0))
        .optional()?;
    if known.is_none() {
        return Err(Refusal::UnknownUser.into());
    }
    let code = enrollment_code();
    let expires = now + CODE_TTL_MILLIS;
    conn.execute(
        "INSERT INTO enrollment_code (code_hash, user_id, expires_at) VALUES (?1, ?2, ?3)",
        params![hash(&code), user_id, expires],
    )?;
    Ok((code, expires))
}

pub(super) fn enroll(
    conn: &mut Connection,
    code: &str,
    device_id: &str,
    device_name: &str,
    now: u64,
) -> Result<Enrollment> {
    if uuid::Uuid::parse_str(device_id).is_err() || device_name.len() > 200 {
        return Err(Refusal::BadDeviceId.into());
    }
    let code_hash = hash(&normalise_code(code));
    let tx = conn.transaction()?;
    let row: Option<(String, u64, Option<u64>)> = tx
        .query_row(
            "SELECT user_id, expires_at, used_at FROM enrollment_code WHERE code_hash = ?1",
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
    let token = random_token(32);
    tx.execute(
        "UPDATE enrollment_code SET used_at = ?2 WHERE code_hash = ?1",
        params![code_hash, now],
    )?;
    tx.execute(
        "INSERT INTO device (id, user_id, name, token_hash, enrolled_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(id) DO UPDATE SET user_id = ?2, name = ?3, token_hash = ?4, revoked = 0, enrolled_at = ?5",
        params![device_id, user_id, device_name, hash(&token), now],
    )?;
    let (role, area) = tx.query_row(
        "SELECT role, area_kind, area_code FROM user WHERE id = ?1",
        [&user_id],
        |r| Ok((r.get::<_, String>(0)?, area_of(r.get(1)?, r.get(2)?))),
    )?;
    tx.commit()?;
    Ok(Enrollment {
        token,
        user_id,
        role: Role::parse(&role).unwrap_or(Role::Collaborator),
        area,
    })
}

fn area_of(kind: String, code: String) -> Area {
    Area {
        kind: AreaKind::parse(&kind).unwrap_or(AreaKind::Commune),
        code,
    }
}

pub(super) fn authenticate(conn: &Connection, token: &str) -> Result<DeviceAuth> {
    let row: Option<(String, String, bool, String, Area)> = conn
        .prepare_cached(
            "SELECT d.id, d.user_id, d.revoked, u.role, u.area_kind, u.area_code
             FROM device d JOIN user u ON u.id = d.user_id WHERE d.token_hash = ?1",
        )?
        .query_row([hash(token)], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                area_of(r.get(4)?, r.get(5)?),
            ))
        })
        .optional()?;
    match row {
        None => Err(Refusal::Unauthenticated.into()),
        Some((_, _, true, ..)) => Err(Refusal::DeviceRevoked.into()),
        Some((device_id, user_id, false, role, area)) => Ok(DeviceAuth {
            device_id,
            user_id,
            role: Role::parse(&role).unwrap_or(Role::Collaborator),
            area,
        }),
    }
}

pub(super) fn revoke_device(conn: &Connection, device_id: &str) -> Result<()> {
    let changed = conn.execute("UPDATE device SET revoked = 1 WHERE id = ?1", [device_id])?;
    if changed == 0 {
        return Err(Refusal::UnknownDevice.into());
    }
    Ok(())
}

pub(super) fn issue_admin_token(conn: &Connection, now: u64) -> Result<String> {
    let token = random_token(32);
    conn.execute(
        "INSERT INTO admin_token (token_hash, created_at) VALUES (?1, ?2)",
        params![hash(&token), now],
    )?;
    Ok(token)
}

pub(super) fn check_admin(conn: &Connection, token: &str) -> Result<()> {
    let found: Option<String> = conn
        .query_row(
            "SELECT token_hash FROM admin_token WHERE token_hash = ?1",
            [hash(token)],
            |r| r.get(0),
        )
        .optional()?;
    found
        .map(|_| ())
        .ok_or_else(|| Refusal::WrongAdminToken.into())
}
