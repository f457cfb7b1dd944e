//! Areas, users, enrollment codes, devices and admin tokens in the PostgreSQL backend.

use crate::credentials::{enrollment_code, hash, normalise_code, random_token};
use crate::storage::{CODE_TTL_MILLIS, DeviceAuth, Enrollment, Refusal, Result, valid_area};
use hoso_model::area::{Area, AreaKind};
use hoso_model::role::Role;
use postgres::types::Type;
use postgres::{Client, GenericClient};

pub(super) fn millis(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

pub(super) fn create_area(client: &mut Client, area: &Area, name: &str) -> Result<()> {
    if !valid_area(area, name) {
        return Err(Refusal::BadArea.into());
    }
    client.execute(
        "INSERT INTO area (kind, code, name) VALUES ($1, $2, $3)
         ON CONFLICT (kind, code) DO UPDATE SET name = excluded.name",
        &[&area.kind.as_str(), &area.code, &name],
    )?;
    Ok(())
}

pub(super) fn create_user(
    client: &mut Client,
    name: &str,
    role: Role,
    area: &Area,
) -> Result<String> {
    let exists = client.query_opt(
        "SELECT 1 FROM area WHERE kind = $1 AND code = $2",
        &[&area.kind.as_str(), &area.code],
    )?;
    if exists.is_none() {
        return Err(Refusal::UnknownArea.into());
    }
    let id = uuid::Uuid::now_v7().to_string();
    client.execute(
        "INSERT INTO app_user (id, name, role, area_kind, area_code) VALUES ($1, $2, $3, $4, $5)",
        &[&id, &name, &role.as_str(), &area.kind.as_str(), &area.code],
    )?;
    Ok(id)
}

pub(super) fn issue_code(client: &mut Client, user_id: &str, now: u64) -> Result<(String, u64)> {
    issue_one_time_code(client, "enrollment_code", user_id, now + CODE_TTL_MILLIS)
}

/// A one-time code for a known user, kept hashed in `table` (enrollment or dashboard codes) until
/// `expires`.
pub(super) fn issue_one_time_code(
    client: &mut impl GenericClient,
    table: &'static str,
    user_id: &str,
    expires: u64,
) -> Result<(String, u64)> {
    if client
        .query_opt("SELECT 1 FROM app_user WHERE id = $1", &[&user_id])?
        .is_none()
    {
        return Err(Refusal::UnknownUser.into());
    }
    let code = enrollment_code();
    client.execute(
        &format!("INSERT INTO {table} (code_hash, user_id, expires_at) VALUES ($1, $2, $3)"),
        &[&hash(&code), &user_id, &millis(expires)],
    )?;
    Ok((code, expires))
}

pub(super) fn enroll(
    client: &mut Client,
    code: &str,
    device_id: &str,
    device_name: &str,
    now: u64,
) -> Result<Enrollment> {
    if uuid::Uuid::parse_str(device_id).is_err() || device_name.len() > 200 {
        return Err(Refusal::BadDeviceId.into());
    }
    let code_hash = hash(&normalise_code(code));
    let mut tx = client.transaction()?;
    // The row lock makes a code usable once even when two processes receive it at the same moment.
    let row = tx.query_opt(
        "SELECT user_id, expires_at, used_at FROM enrollment_code WHERE code_hash = $1 FOR UPDATE",
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
    let token = random_token(32);
    tx.execute(
        "UPDATE enrollment_code SET used_at = $2 WHERE code_hash = $1",
        &[&code_hash, &millis(now)],
    )?;
    tx.execute(
        "INSERT INTO device (id, user_id, name, token_hash, enrolled_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, name = excluded.name,
             token_hash = excluded.token_hash, revoked = FALSE, enrolled_at = excluded.enrolled_at",
        &[&device_id, &user_id, &device_name, &hash(&token), &millis(now)],
    )?;
    let user = tx.query_one(
        "SELECT role, area_kind, area_code FROM app_user WHERE id = $1",
        &[&user_id],
    )?;
    tx.commit()?;
    Ok(Enrollment {
        token,
        user_id,
        role: Role::parse(user.get(0)).unwrap_or(Role::Collaborator),
        area: area_of(user.get(1), user.get(2)),
    })
}

fn area_of(kind: &str, code: String) -> Area {
    Area {
        kind: AreaKind::parse(kind).unwrap_or(AreaKind::Commune),
        code,
    }
}

pub(super) fn authenticate(client: &mut Client, token: &str) -> Result<DeviceAuth> {
    let row = client.query_typed_opt(
        "SELECT d.id, d.user_id, d.revoked, u.role, u.area_kind, u.area_code
         FROM device d JOIN app_user u ON u.id = d.user_id WHERE d.token_hash = $1",
        &[(&hash(token), Type::TEXT)],
    )?;
    let Some(row) = row else {
        return Err(Refusal::Unauthenticated.into());
    };
    if row.get::<_, bool>(2) {
        return Err(Refusal::DeviceRevoked.into());
    }
    Ok(DeviceAuth {
        device_id: row.get(0),
        user_id: row.get(1),
        role: Role::parse(row.get(3)).unwrap_or(Role::Collaborator),
        area: area_of(row.get(4), row.get(5)),
    })
}

pub(super) fn revoke_device(client: &mut Client, device_id: &str) -> Result<()> {
    let changed = client.execute(
        "UPDATE device SET revoked = TRUE WHERE id = $1",
        &[&device_id],
    )?;
    if changed == 0 {
        return Err(Refusal::UnknownDevice.into());
    }
    Ok(())
}

pub(super) fn issue_admin_token(client: &mut Client, now: u64) -> Result<String> {
    let token = random_token(32);
    client.execute(
        "INSERT INTO admin_token (token_hash, created_at) VALUES ($1, $2)",
        &[&hash(&token), &millis(now)],
    )?;
    Ok(token)
}

pub(super) fn check_admin(client: &mut Client, token: &str) -> Result<()> {
    client
        .query_opt(
            "SELECT 1 FROM admin_token WHERE token_hash = $1",
            &[&hash(token)],
        )?
        .map(|_| ())
        .ok_or_else(|| Refusal::WrongAdminToken.into())
}
