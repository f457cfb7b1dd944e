//! Server storage behind a trait, so that a PostgreSQL backend can follow; [`SqliteStorage`] is the
//! embedded default. Invariants: an op is stored once (by op id) and merged with the same
//! `FieldState::merge` as on devices; all of one push is one transaction; a refused request changes
//! nothing; scope is applied inside every pull query, whatever cursor a device sends.

use hoso_core::domain::Role;
use hoso_core::hlc::{DEFAULT_MAX_DRIFT_MILLIS, Hlc};
use hoso_core::i18n::Localized;
use hoso_core::merge::FieldState;
use hoso_core::op::{FieldOp, RecordKind};
use hoso_core::store::RemoteRecord;
use hoso_core::store::checkpoint::Checkpointer;
use hoso_core::sync::policy::check_write;
use hoso_core::sync::protocol::{Area, AreaKind, PullResponse, Receipt, ReceiptStatus};
use rand::RngCore;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::Mutex;

const MIGRATIONS: &[&str] = &[include_str!("../sql/001_initial.sql")];
const CODE_TTL_MILLIS: u64 = 7 * 24 * 3600 * 1000;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("{code}")]
    Refused {
        status: u16,
        code: &'static str,
        message: Localized,
    },
    #[error("storage: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("serialisation: {0}")]
    Json(#[from] serde_json::Error),
    #[error("core: {0}")]
    Core(#[from] hoso_core::Error),
}

pub type Result<T> = std::result::Result<T, StorageError>;

/// A pull page as the server sends it: each field state is the JSON stored for it.
pub type PullPage = PullResponse<Box<RawValue>>;

fn refused(status: u16, code: &'static str, vi: &str, en: &str) -> StorageError {
    StorageError::Refused {
        status,
        code,
        message: Localized::new(vi, en),
    }
}

/// An authenticated device and what it may see.
#[derive(Clone, Debug)]
pub struct DeviceAuth {
    pub device_id: String,
    pub user_id: String,
    pub role: Role,
    pub area: Area,
}

pub struct Enrollment {
    pub token: String,
    pub user_id: String,
    pub role: Role,
    pub area: Area,
}

pub trait Storage: Send + Sync {
    fn create_area(&self, area: &Area, name: &str) -> Result<()>;
    fn create_user(&self, name: &str, role: Role, area: &Area) -> Result<String>;
    /// A one-time enrollment code for the user, valid for 7 days: (code, expiry in Unix ms).
    fn issue_code(&self, user_id: &str, now: u64) -> Result<(String, u64)>;
    fn enroll(
        &self,
        code: &str,
        device_id: &str,
        device_name: &str,
        now: u64,
    ) -> Result<Enrollment>;
    fn authenticate(&self, token: &str) -> Result<DeviceAuth>;
    fn revoke_device(&self, device_id: &str) -> Result<()>;
    fn issue_admin_token(&self, now: u64) -> Result<String>;
    fn check_admin(&self, token: &str) -> Result<()>;
    fn push(&self, device: &DeviceAuth, ops: &[FieldOp], now: u64) -> Result<Vec<Receipt>>;
    /// A page of the device's scope; field states stay the JSON they were stored as.
    fn pull(&self, device: &DeviceAuth, cursor: u64, limit: usize) -> Result<PullPage>;
}

pub struct SqliteStorage {
    conn: Mutex<Connection>,
    _checkpointer: Checkpointer,
}

fn hash(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn random_token(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buffer);
    buffer.iter().map(|b| format!("{b:02x}")).collect()
}

/// A code a person can read aloud or type: 12 characters without look-alikes (0/O, 1/I/L).
fn enrollment_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 12];
    rand::rng().fill_bytes(&mut bytes);
    let chars: String = bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect();
    format!("{}-{}-{}", &chars[0..4], &chars[4..8], &chars[8..12])
}

/// The field of a case or household that names an area of this kind; the `record` table's column for
/// the record's area has the same name.
fn area_field(kind: AreaKind) -> &'static str {
    match kind {
        AreaKind::Commune => "commune_code",
        AreaKind::Province => "province_code",
        AreaKind::Facility => "facility_id",
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
struct Placement {
    commune: Option<String>,
    province: Option<String>,
    facility: Option<String>,
}

impl Placement {
    /// Reads the three area columns that start at `first` (commune, province, facility, in that order).
    fn from_row(row: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<Placement> {
        Ok(Placement {
            commune: row.get(first)?,
            province: row.get(first + 1)?,
            facility: row.get(first + 2)?,
        })
    }

    fn in_area(&self, area: &Area) -> bool {
        let value = match area.kind {
            AreaKind::Commune => &self.commune,
            AreaKind::Province => &self.province,
            AreaKind::Facility => &self.facility,
        };
        value.as_deref() == Some(area.code.as_str())
    }

    fn is_placed(&self) -> bool {
        self.commune.is_some() || self.province.is_some() || self.facility.is_some()
    }
}

impl SqliteStorage {
    pub fn open(path: &Path) -> Result<SqliteStorage> {
        let mut conn = Connection::open(path)?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        let found: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if found as usize > MIGRATIONS.len() {
            return Err(refused(
                500,
                "newer_schema",
                "Dữ liệu máy chủ do phiên bản mới hơn tạo.",
                "The data was written by a newer server.",
            ));
        }
        for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
            let tx = conn.unchecked_transaction()?;
            tx.execute_batch(sql)?;
            tx.execute_batch(&format!("PRAGMA user_version = {};", index + 1))?;
            tx.commit()?;
        }
        conn.set_prepared_statement_cache_capacity(64);
        let checkpoint_conn = Connection::open(path)?;
        checkpoint_conn.busy_timeout(std::time::Duration::from_secs(1))?;
        let checkpointer = Checkpointer::start(&mut conn, checkpoint_conn)?;
        Ok(SqliteStorage {
            conn: Mutex::new(conn),
            _checkpointer: checkpointer,
        })
    }

    /// Marks a one-time job done; returns false if it was already done (e.g. the demo data).
    pub fn mark_once(&self, key: &str) -> Result<bool> {
        let changed = self.lock().execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES (?1, '1')",
            [format!("once:{key}")],
        )?;
        Ok(changed == 1)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The last sequence number handed out (pull cursors count in it).
fn current_seq(tx: &Transaction<'_>) -> Result<u64> {
    let current: Option<String> = tx
        .prepare_cached("SELECT value FROM meta WHERE key = 'seq'")?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok(current.and_then(|s| s.parse::<u64>().ok()).unwrap_or(0))
}

fn store_seq(tx: &Transaction<'_>, seq: u64) -> Result<()> {
    tx.prepare_cached("INSERT INTO meta (key, value) VALUES ('seq', ?1) ON CONFLICT(key) DO UPDATE SET value = ?1")?
        .execute([seq.to_string()])?;
    Ok(())
}

fn placement(tx: &Transaction<'_>, record_id: &str) -> Result<Option<Placement>> {
    Ok(tx
        .prepare_cached(
            "SELECT commune_code, province_code, facility_id FROM record WHERE id = ?1",
        )?
        .query_row([record_id], |r| Placement::from_row(r, 0))
        .optional()?)
}

/// Recomputes where a record belongs (its own area, else its parent's) and carries a change down to
/// its children: a moved record is logged for eviction and re-stamped so the new area pulls it whole.
fn refresh_placement(tx: &Transaction<'_>, record_id: &str, seq: u64, depth: u8) -> Result<()> {
    let row = tx
        .prepare_cached(
            "SELECT own_commune, own_province, own_facility, parent_id, commune_code, province_code,
                    facility_id, kind FROM record WHERE id = ?1",
        )?
        .query_row([record_id], |r| {
            Ok((
                Placement::from_row(r, 0)?,
                r.get::<_, Option<String>>(3)?,
                Placement::from_row(r, 4)?,
                r.get::<_, String>(7)?,
            ))
        })
        .optional()?;
    let Some((own, parent, old, kind)) = row else {
        return Ok(());
    };
    let new = if own.is_placed() {
        own
    } else {
        match parent {
            Some(parent) => placement(tx, &parent)?.unwrap_or_default(),
            None => Placement::default(),
        }
    };
    if new == old {
        return Ok(());
    }
    if old.is_placed() {
        tx.prepare_cached(
            "INSERT INTO scope_event (seq, record_id, old_commune, old_province, old_facility) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![seq, record_id, old.commune, old.province, old.facility])?;
    }
    tx.prepare_cached(
        "UPDATE record SET commune_code = ?2, province_code = ?3, facility_id = ?4 WHERE id = ?1",
    )?
    .execute(params![record_id, new.commune, new.province, new.facility])?;
    tx.prepare_cached(
        "UPDATE field_state SET seq = ?2, commune_code = ?3, province_code = ?4, facility_id = ?5
         WHERE record_id = ?1",
    )?
    .execute(params![
        record_id,
        seq,
        new.commune,
        new.province,
        new.facility
    ])?;
    // Only cases and households have records placed under them.
    let may_have_children = matches!(
        RecordKind::parse(&kind),
        Some(RecordKind::Case | RecordKind::Household)
    );
    if depth < 3 && may_have_children {
        let children: Vec<String> = tx
            .prepare_cached("SELECT id FROM record WHERE parent_id = ?1")?
            .query_map([record_id], |r| r.get(0))?
            .collect::<std::result::Result<_, _>>()?;
        for child in children {
            refresh_placement(tx, &child, seq, depth + 1)?;
        }
    }
    Ok(())
}

/// Keeps the record's links and own area in step with a field's winning value.
fn after_merge(tx: &Transaction<'_>, op: &FieldOp, state: &FieldState, seq: u64) -> Result<()> {
    let value = state.value().and_then(|v| v.as_str()).map(str::to_string);
    let own_column = match (op.kind, op.field.as_str()) {
        (RecordKind::Case | RecordKind::Household, "commune_code") => Some("own_commune"),
        (RecordKind::Case | RecordKind::Household, "province_code") => Some("own_province"),
        (RecordKind::Case, "facility_id") => Some("own_facility"),
        _ => None,
    };
    if let Some(column) = own_column {
        tx.prepare_cached(&format!("UPDATE record SET {column} = ?2 WHERE id = ?1"))?
            .execute(params![op.record_id, value])?;
        return refresh_placement(tx, &op.record_id, seq, 0);
    }
    let parent_link = matches!(
        (op.kind, op.field.as_str()),
        (RecordKind::Person, "household_id")
            | (
                RecordKind::Form
                    | RecordKind::Visit
                    | RecordKind::Referral
                    | RecordKind::Consent
                    | RecordKind::Photo,
                "case_id"
            )
    );
    if parent_link {
        tx.prepare_cached("UPDATE record SET parent_id = ?2 WHERE id = ?1")?
            .execute(params![op.record_id, value])?;
        return refresh_placement(tx, &op.record_id, seq, 0);
    }
    // A case adopts its subject, guardian and household when they have no place of their own.
    if op.kind == RecordKind::Case
        && matches!(
            op.field.as_str(),
            "subject_id" | "guardian_id" | "household_id"
        )
        && let Some(target) = value
    {
        ensure_record(
            tx,
            &target,
            if op.field == "household_id" {
                RecordKind::Household
            } else {
                RecordKind::Person
            },
        )?;
        tx.prepare_cached(
            "UPDATE record SET parent_id = ?2 WHERE id = ?1 AND parent_id IS NULL
                 AND own_commune IS NULL AND own_province IS NULL AND own_facility IS NULL",
        )?
        .execute(params![target, op.record_id])?;
        refresh_placement(tx, &target, seq, 0)?;
    }
    Ok(())
}

fn ensure_record(tx: &Transaction<'_>, record_id: &str, kind: RecordKind) -> Result<()> {
    tx.prepare_cached("INSERT OR IGNORE INTO record (id, kind) VALUES (?1, ?2)")?
        .execute(params![record_id, kind.as_str()])?;
    Ok(())
}

fn reject(op: &FieldOp, code: &str, reason: Localized) -> Receipt {
    Receipt {
        op_id: op.op_id.clone(),
        status: ReceiptStatus::Rejected,
        code: Some(code.to_string()),
        reason: Some(reason),
    }
}

/// Checks one op against everything but the merge: its rejection, or the record's placement as it
/// is now, which the merge reuses (`None`: the server has never seen the record).
fn vet(
    tx: &Transaction<'_>,
    device: &DeviceAuth,
    op: &FieldOp,
    now: u64,
) -> Result<std::result::Result<Option<Placement>, Receipt>> {
    if let Err(shape) = op.check_shape() {
        return Ok(Err(reject(
            op,
            "bad_shape",
            Localized::new(
                "Dữ liệu không đúng định dạng.",
                format!("Malformed op: {shape}"),
            ),
        )));
    }
    if op
        .hlc
        .check_plausible(now, DEFAULT_MAX_DRIFT_MILLIS)
        .is_err()
    {
        return Ok(Err(reject(
            op,
            "clock_skew",
            Localized::new(
                "Đồng hồ của thiết bị sai quá xa so với máy chủ: hãy chỉnh ngày giờ của điện thoại.",
                "The device's clock is too far from the server's: correct the phone's date and time.",
            ),
        )));
    }
    if op.device_id != device.device_id || op.author != device.user_id {
        return Ok(Err(reject(
            op,
            "not_allowed",
            Localized::new(
                "Thao tác không thuộc thiết bị này.",
                "This op was not made on this device.",
            ),
        )));
    }
    if let Err(refusal) = check_write(device.role, op) {
        return Ok(Err(reject(op, refusal.code, refusal.reason)));
    }
    let out_of_scope = || {
        reject(
            op,
            "out_of_scope",
            Localized::new(
                "Hồ sơ này nằm ngoài địa bàn của bạn.",
                "This record is outside your area.",
            ),
        )
    };
    // One lookup of the record serves the kind check and the scope checks.
    let existing: Option<(String, Placement)> = tx
        .prepare_cached(
            "SELECT kind, commune_code, province_code, facility_id FROM record WHERE id = ?1",
        )?
        .query_row([&op.record_id], |r| {
            Ok((r.get(0)?, Placement::from_row(r, 1)?))
        })
        .optional()?;
    if existing
        .as_ref()
        .is_some_and(|(k, _)| k != op.kind.as_str())
    {
        return Ok(Err(reject(
            op,
            "bad_shape",
            Localized::new("Loại hồ sơ không khớp.", "The record kind does not match."),
        )));
    }
    if device.role != Role::Admin {
        let placed = existing.as_ref().map(|(_, p)| p).filter(|p| p.is_placed());
        if placed.is_some_and(|p| !p.in_area(&device.area)) {
            return Ok(Err(out_of_scope()));
        }
        let parent_field =
            matches!(op.field.as_str(), "case_id" | "household_id") && op.kind != RecordKind::Case;
        if let Some(parent) = op.value.as_str().filter(|_| parent_field)
            && let Some(place) = placement(tx, parent)?
            && place.is_placed()
            && !place.in_area(&device.area)
        {
            return Ok(Err(out_of_scope()));
        }
        // A new root must be created in the device's own area.
        let root_area_field = matches!(op.kind, RecordKind::Case | RecordKind::Household)
            && op.field == area_field(device.area.kind)
            && placed.is_none();
        if root_area_field && op.value.as_str() != Some(device.area.code.as_str()) {
            return Ok(Err(out_of_scope()));
        }
    }
    Ok(Ok(existing.map(|(_, placement)| placement)))
}

impl Storage for SqliteStorage {
    fn create_area(&self, area: &Area, name: &str) -> Result<()> {
        let digits =
            |n: usize| area.code.len() == n && area.code.bytes().all(|b| b.is_ascii_digit());
        let valid = match area.kind {
            AreaKind::Commune => digits(5),
            AreaKind::Province => digits(2),
            AreaKind::Facility => !area.code.trim().is_empty(),
        };
        if !valid || name.trim().is_empty() {
            return Err(refused(
                400,
                "bad_area",
                "Mã địa bàn hoặc tên không hợp lệ.",
                "Invalid area code or name.",
            ));
        }
        self.lock().execute(
            "INSERT INTO area (kind, code, name) VALUES (?1, ?2, ?3) ON CONFLICT(kind, code) DO UPDATE SET name = ?3",
            params![area.kind.as_str(), area.code, name],
        )?;
        Ok(())
    }

    fn create_user(&self, name: &str, role: Role, area: &Area) -> Result<String> {
        let conn = self.lock();
        let exists: Option<String> = conn
            .query_row(
                "SELECT name FROM area WHERE kind = ?1 AND code = ?2",
                params![area.kind.as_str(), area.code],
                |r| r.get(0),
            )
            .optional()?;
        if exists.is_none() {
            return Err(refused(
                400,
                "unknown_area",
                "Địa bàn chưa được tạo.",
                "The area does not exist yet.",
            ));
        }
        let id = uuid::Uuid::now_v7().to_string();
        conn.execute(
            "INSERT INTO user (id, name, role, area_kind, area_code) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, name, role.as_str(), area.kind.as_str(), area.code],
        )?;
        Ok(id)
    }

    fn issue_code(&self, user_id: &str, now: u64) -> Result<(String, u64)> {
        let conn = self.lock();
        let known: Option<String> = conn
            .query_row("SELECT id FROM user WHERE id = ?1", [user_id], |r| r.get(0))
            .optional()?;
        if known.is_none() {
            return Err(refused(
                404,
                "unknown_user",
                "Không có người dùng này.",
                "There is no such user.",
            ));
        }
        let code = enrollment_code();
        let expires = now + CODE_TTL_MILLIS;
        conn.execute(
            "INSERT INTO enrollment_code (code_hash, user_id, expires_at) VALUES (?1, ?2, ?3)",
            params![hash(&code), user_id, expires],
        )?;
        Ok((code, expires))
    }

    fn enroll(
        &self,
        code: &str,
        device_id: &str,
        device_name: &str,
        now: u64,
    ) -> Result<Enrollment> {
        if uuid::Uuid::parse_str(device_id).is_err() || device_name.len() > 200 {
            return Err(refused(
                400,
                "bad_request",
                "Mã thiết bị không hợp lệ.",
                "Invalid device id.",
            ));
        }
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let row: Option<(String, u64, Option<u64>)> = tx
            .query_row(
                "SELECT user_id, expires_at, used_at FROM enrollment_code WHERE code_hash = ?1",
                [hash(&code.trim().to_ascii_uppercase())],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let user_id = match row {
            Some((user, expires, None)) if expires > now => user,
            Some((_, _, Some(_))) => {
                return Err(refused(
                    401,
                    "code_used",
                    "Mã đăng ký này đã được dùng.",
                    "This enrollment code was already used.",
                ));
            }
            Some(_) => {
                return Err(refused(
                    401,
                    "code_expired",
                    "Mã đăng ký đã hết hạn.",
                    "This enrollment code has expired.",
                ));
            }
            None => {
                return Err(refused(
                    401,
                    "code_unknown",
                    "Mã đăng ký không đúng.",
                    "The enrollment code is not valid.",
                ));
            }
        };
        let token = random_token(32);
        tx.execute(
            "UPDATE enrollment_code SET used_at = ?2 WHERE code_hash = ?1",
            params![hash(&code.trim().to_ascii_uppercase()), now],
        )?;
        tx.execute(
            "INSERT INTO device (id, user_id, name, token_hash, enrolled_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(id) DO UPDATE SET user_id = ?2, name = ?3, token_hash = ?4, revoked = 0, enrolled_at = ?5",
            params![device_id, user_id, device_name, hash(&token), now],
        )?;
        let (role, kind, area_code): (String, String, String) = tx.query_row(
            "SELECT role, area_kind, area_code FROM user WHERE id = ?1",
            [&user_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        tx.commit()?;
        Ok(Enrollment {
            token,
            user_id,
            role: Role::parse(&role).unwrap_or(Role::Collaborator),
            area: Area {
                kind: AreaKind::parse(&kind).unwrap_or(AreaKind::Commune),
                code: area_code,
            },
        })
    }

    fn authenticate(&self, token: &str) -> Result<DeviceAuth> {
        let conn = self.lock();
        let row: Option<(String, String, bool, String, String, String)> = conn
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
                    r.get(4)?,
                    r.get(5)?,
                ))
            })
            .optional()?;
        match row {
            None => Err(refused(
                401,
                "unauthenticated",
                "Thiết bị chưa đăng ký hoặc mã truy cập sai.",
                "Unknown device or wrong token.",
            )),
            Some((_, _, true, ..)) => Err(refused(
                401,
                "device_revoked",
                "Thiết bị này đã bị thu hồi: dữ liệu trên máy sẽ được xóa.",
                "This device was revoked: its local data will be erased.",
            )),
            Some((device_id, user_id, false, role, kind, code)) => Ok(DeviceAuth {
                device_id,
                user_id,
                role: Role::parse(&role).unwrap_or(Role::Collaborator),
                area: Area {
                    kind: AreaKind::parse(&kind).unwrap_or(AreaKind::Commune),
                    code,
                },
            }),
        }
    }

    fn revoke_device(&self, device_id: &str) -> Result<()> {
        let changed = self
            .lock()
            .execute("UPDATE device SET revoked = 1 WHERE id = ?1", [device_id])?;
        if changed == 0 {
            return Err(refused(
                404,
                "unknown_device",
                "Không có thiết bị này.",
                "There is no such device.",
            ));
        }
        Ok(())
    }

    fn issue_admin_token(&self, now: u64) -> Result<String> {
        let token = random_token(32);
        self.lock().execute(
            "INSERT INTO admin_token (token_hash, created_at) VALUES (?1, ?2)",
            params![hash(&token), now],
        )?;
        Ok(token)
    }

    fn check_admin(&self, token: &str) -> Result<()> {
        let found: Option<String> = self
            .lock()
            .query_row(
                "SELECT token_hash FROM admin_token WHERE token_hash = ?1",
                [hash(token)],
                |r| r.get(0),
            )
            .optional()?;
        found.map(|_| ()).ok_or_else(|| {
            refused(
                401,
                "unauthenticated",
                "Mã quản trị không đúng.",
                "Wrong admin token.",
            )
        })
    }

    fn push(&self, device: &DeviceAuth, ops: &[FieldOp], now: u64) -> Result<Vec<Receipt>> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let mut receipts = Vec::with_capacity(ops.len());
        // One read and one write of the counter per push, not per op (the push is one transaction).
        let mut seq = current_seq(&tx)?;
        // The statements every op runs, prepared once per push rather than looked up per op.
        let mut known_op = tx.prepare_cached("SELECT seq FROM op_log WHERE op_id = ?1")?;
        let mut log_op = tx.prepare_cached(
            "INSERT INTO op_log (seq, op_id, record_id, kind, field, value, hlc, supersedes, device_id, author, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?;
        let mut read_state =
            tx.prepare_cached("SELECT state FROM field_state WHERE record_id = ?1 AND field = ?2")?;
        // The field takes its record's kind and area as vetting found them; a later move of the
        // record re-stamps every field (see `refresh_placement`).
        let mut save_state = tx.prepare_cached(
            "INSERT INTO field_state (record_id, field, kind, state, seq, commune_code, province_code, facility_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT(record_id, field) DO UPDATE SET state = ?4, seq = ?5",
        )?;
        for op in ops {
            let known: Option<i64> = known_op.query_row([&op.op_id], |r| r.get(0)).optional()?;
            if known.is_some() {
                receipts.push(Receipt {
                    op_id: op.op_id.clone(),
                    status: ReceiptStatus::Duplicate,
                    code: None,
                    reason: None,
                });
                continue;
            }
            let existing = match vet(&tx, device, op, now)? {
                Ok(existing) => existing,
                Err(rejection) => {
                    receipts.push(rejection);
                    continue;
                }
            };
            seq += 1;
            let supersedes: Vec<String> = op.supersedes.iter().map(Hlc::encode).collect();
            log_op.execute(params![
                seq,
                op.op_id,
                op.record_id,
                op.kind.as_str(),
                op.field,
                serde_json::to_string(&op.value)?,
                op.hlc.encode(),
                serde_json::to_string(&supersedes)?,
                op.device_id,
                op.author,
                now
            ])?;
            if existing.is_none() {
                ensure_record(&tx, &op.record_id, op.kind)?;
            }
            let place = existing.unwrap_or_default();
            let current: Option<String> = read_state
                .query_row([&op.record_id, &op.field], |r| r.get(0))
                .optional()?;
            let mut state: FieldState = match current {
                Some(text) => serde_json::from_str(&text)?,
                None => FieldState::default(),
            };
            if !matches!(state.merge(op), hoso_core::merge::MergeOutcome::Duplicate) {
                save_state.execute(params![
                    op.record_id,
                    op.field,
                    op.kind.as_str(),
                    serde_json::to_string(&state)?,
                    seq,
                    place.commune,
                    place.province,
                    place.facility,
                ])?;
                after_merge(&tx, op, &state, seq)?;
            }
            receipts.push(Receipt {
                op_id: op.op_id.clone(),
                status: ReceiptStatus::Accepted,
                code: None,
                reason: None,
            });
        }
        drop((known_op, log_op, read_state, save_state));
        store_seq(&tx, seq)?;
        tx.commit()?;
        Ok(receipts)
    }

    fn pull(&self, device: &DeviceAuth, cursor: u64, limit: usize) -> Result<PullPage> {
        let limit = limit.clamp(1, hoso_core::sync::protocol::MAX_PAGE_FIELDS);
        let conn = self.lock();
        // Every device pulls its own area, administrators' too: nobody's phone carries the province.
        // The area is the leading column of the index the query walks, so a page costs the same
        // whatever else the server holds.
        let column = area_field(device.area.kind);
        let scope = format!("{column} = ?2");
        // A page ends on a sequence boundary: fields re-stamped together (a moved case) share one
        // sequence number and must travel in the same page, or the next cursor would skip them.
        let boundary_sql = format!(
            "SELECT seq FROM field_state WHERE seq > ?1 AND {scope} ORDER BY seq LIMIT 1 OFFSET ?3"
        );
        let cursor_param = i64::try_from(cursor).unwrap_or(i64::MAX);
        let boundary: Option<i64> = conn
            .prepare_cached(&boundary_sql)?
            .query_row(
                params![cursor_param, device.area.code, limit as i64 - 1],
                |r| r.get(0),
            )
            .optional()?;
        let sql = format!(
            "SELECT record_id, kind, field, state, seq FROM field_state
             WHERE seq > ?1 AND seq <= ?3 AND {scope} ORDER BY seq"
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(
            params![cursor_param, device.area.code, boundary.unwrap_or(i64::MAX)],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, u64>(4)?,
                ))
            },
        )?;
        let mut records: Vec<RemoteRecord<Box<RawValue>>> = Vec::new();
        let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        let mut last_seq = cursor;
        let mut count = 0;
        for row in rows {
            let (record_id, kind, field, state, seq) = row?;
            count += 1;
            last_seq = last_seq.max(seq);
            let state = RawValue::from_string(state)?;
            let slot = match index.get(&record_id) {
                Some(&slot) => slot,
                None => {
                    // Only kinds that passed `vet` are ever stored: anything else is a damaged file.
                    let kind =
                        RecordKind::parse(&kind).ok_or_else(|| hoso_core::Error::Corrupt {
                            detail: "a stored field state has an unknown record kind".into(),
                        })?;
                    index.insert(record_id.clone(), records.len());
                    records.push(RemoteRecord {
                        record_id,
                        kind,
                        fields: Vec::new(),
                    });
                    records.len() - 1
                }
            };
            records[slot].fields.push((field, state));
        }
        let has_more = boundary.is_some() && count > 0;
        let head: u64 = conn
            .query_row("SELECT value FROM meta WHERE key = 'seq'", [], |r| {
                r.get::<_, String>(0)
            })
            .optional()?
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let upper = if has_more {
            last_seq
        } else {
            head.max(last_seq)
        };
        let old_column = match device.area.kind {
            AreaKind::Commune => "old_commune",
            AreaKind::Province => "old_province",
            AreaKind::Facility => "old_facility",
        };
        let evicted_sql = format!(
            "SELECT DISTINCT se.record_id FROM scope_event se JOIN record r ON r.id = se.record_id
             WHERE se.seq > ?1 AND se.seq <= ?2 AND se.{old_column} = ?3 AND (r.{column} IS NULL OR r.{column} != ?3)"
        );
        let upper_param = i64::try_from(upper).unwrap_or(i64::MAX);
        let evicted: Vec<String> = conn
            .prepare_cached(&evicted_sql)?
            .query_map(params![cursor_param, upper_param, device.area.code], |r| {
                r.get(0)
            })?
            .collect::<std::result::Result<_, _>>()?;
        Ok(PullResponse {
            records,
            evicted,
            next_cursor: upper.max(cursor.min(head)),
            has_more,
            server_time_millis: 0,
        })
    }
}
