//! The launch screen: where the app goes when it starts — enroll this device, choose a PIN, unlock —
//! and each of those steps. Every call answers the launch screen's new state; a wrong PIN and the wipe
//! after too many are told in its notice, never as errors.

use crate::app::App;
use crate::error::{Error, Result};
use crate::security::pin::{MAX_DIGITS, MAX_FAILED_ATTEMPTS, MIN_DIGITS};
use crate::security::{LockState, UnlockOutcome};
use crate::store::meta_keys::AREA;
use hoso_model::area::{Area, AreaKind};
use hoso_model::enrollment_qr;
use hoso_model::i18n::Localized;
use hoso_model::role::Role;

/// From this many wrong PINs in a row, the notice warns that the data will be wiped.
const WARN_AFTER_FAILURES: u32 = 5;

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum LaunchStage {
    /// No server knows this device: scan an enrollment QR code (or type the server and the code).
    Enroll,
    /// Enrolled: choose a PIN (typed twice).
    ChoosePin,
    /// Type the PIN; `attempts_left` before the data is wiped.
    Unlock { failures: u32, attempts_left: u32 },
    /// Unlocked: the screens answer.
    Ready,
}

/// Who uses this device, as the server enrolled them.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct UserSummary {
    pub user_id: String,
    /// Stable code: `collaborator`, `case_manager`, `approver`, `provincial_officer`, `admin`.
    pub role: String,
    pub role_label: Localized,
    pub may_record: bool,
    pub may_approve: bool,
    /// `commune`, `province` or `facility`.
    pub area_kind: String,
    pub area_code: String,
    /// The commune's or province's name from the administrative units; the code for a facility.
    pub area_name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct LaunchScreen {
    pub stage: LaunchStage,
    /// What just happened, when the user must read it (a wrong PIN, the wipe).
    pub notice: Option<Localized>,
    pub user: Option<UserSummary>,
    pub device_id: String,
    /// What a PIN may be, for the PIN screens' hint.
    pub pin_rule: Localized,
}

pub fn role_label(role: Role) -> Localized {
    let (vi, en) = match role {
        Role::Collaborator => ("Cộng tác viên công tác xã hội", "Social work collaborator"),
        Role::CaseManager => ("Người quản lý đối tượng", "Case manager"),
        Role::Approver => (
            "Chủ tịch UBND xã / người đứng đầu cơ sở",
            "Commune chairman / facility head",
        ),
        Role::ProvincialOfficer => ("Cán bộ cấp tỉnh", "Provincial officer"),
        Role::Admin => ("Quản trị", "Administrator"),
    };
    Localized::new(vi, en)
}

/// The enrolled user, if any.
pub fn user_summary(app: &App) -> Result<Option<UserSummary>> {
    let Some(user_id) = app.store.identity().user_id else {
        return Ok(None);
    };
    let role = app.store.role()?;
    let area: Option<Area> = match app.store.meta(AREA)? {
        Some(text) => Some(serde_json::from_str(&text)?),
        None => None,
    };
    let units = app.store.admin_units()?;
    let (area_kind, area_code, area_name) = match area {
        Some(area) => {
            let name = match area.kind {
                AreaKind::Commune => units
                    .commune(&area.code)
                    .map(|c| super::unit_name(&c.kind, &c.name)),
                AreaKind::Province => units
                    .province(&area.code)
                    .map(|p| super::unit_name(&p.kind, &p.name)),
                AreaKind::Facility => None,
            };
            (
                area.kind.as_str().to_string(),
                area.code.clone(),
                name.unwrap_or(area.code),
            )
        }
        None => Default::default(),
    };
    Ok(Some(UserSummary {
        user_id,
        role: role.as_str().to_string(),
        role_label: role_label(role),
        may_record: role.may_record(),
        may_approve: role.may_approve(),
        area_kind,
        area_code,
        area_name,
    }))
}

fn screen(app: &App, notice: Option<Localized>) -> Result<LaunchScreen> {
    let stage = match app.session.state()? {
        LockState::NotEnrolled => LaunchStage::Enroll,
        LockState::PinNeeded => LaunchStage::ChoosePin,
        LockState::Locked {
            failures,
            attempts_left,
        } => LaunchStage::Unlock {
            failures,
            attempts_left,
        },
        LockState::Unlocked => LaunchStage::Ready,
    };
    Ok(LaunchScreen {
        stage,
        notice,
        user: user_summary(app)?,
        device_id: app.store.identity().device_id,
        pin_rule: Localized::new(
            format!(
                "Mã PIN gồm {MIN_DIGITS}–{MAX_DIGITS} chữ số, không lặp lại hay liên tiếp (như 111111, 123456). Nhập sai {MAX_FAILED_ATTEMPTS} lần liên tiếp thì dữ liệu trên máy bị xóa."
            ),
            format!(
                "A PIN has {MIN_DIGITS}–{MAX_DIGITS} digits, not repeated or consecutive (like 111111, 123456). {MAX_FAILED_ATTEMPTS} wrong PINs in a row erase the data on this device."
            ),
        ),
    })
}

pub fn launch_screen(app: &App) -> Result<LaunchScreen> {
    screen(app, None)
}

/// Enrolls with a scanned QR code's payload.
pub fn enroll_from_qr(app: &App, payload: &str, device_name: &str) -> Result<LaunchScreen> {
    let read = enrollment_qr::read(payload).map_err(Error::Invalid)?;
    enroll(app, &read.server_url, &read.code, device_name)
}

/// Enrolls with a server address and a code typed by hand.
pub fn enroll(app: &App, server_url: &str, code: &str, device_name: &str) -> Result<LaunchScreen> {
    if app.session.state()? != LockState::NotEnrolled {
        return Err(Error::not_allowed(
            "Thiết bị này đã được đăng ký.",
            "This device is already enrolled.",
        ));
    }
    let server_url = enrollment_qr::check_server_url(server_url).map_err(Error::Invalid)?;
    let code = enrollment_qr::normalise_code(code).map_err(Error::Invalid)?;
    // A refused code comes back in the server's own words (`Error::Server`), which say what to do.
    app.sync.enroll(&server_url, &code, device_name.trim())?;
    screen(app, None)
}

pub fn choose_pin(app: &App, pin: &str, confirmation: &str) -> Result<LaunchScreen> {
    app.session.set_pin(pin, confirmation)?;
    screen(app, None)
}

pub fn unlock(app: &App, pin: &str) -> Result<LaunchScreen> {
    let notice = unlock_notice(app.session.unlock(pin)?);
    screen(app, notice)
}

/// What the user reads after trying a PIN.
pub fn unlock_notice(outcome: UnlockOutcome) -> Option<Localized> {
    match outcome {
        UnlockOutcome::Unlocked => None,
        UnlockOutcome::WrongPin { attempts_left }
            if MAX_FAILED_ATTEMPTS - attempts_left >= WARN_AFTER_FAILURES =>
        {
            Some(Localized::new(
                format!(
                    "Mã PIN không đúng. Còn {attempts_left} lần thử: sai thêm {attempts_left} lần nữa thì mọi dữ liệu trên máy, kể cả phần chưa đồng bộ, sẽ bị xóa."
                ),
                format!(
                    "Wrong PIN. {attempts_left} attempt(s) left: {attempts_left} more wrong PIN(s) erase all data on this device, unsynced work included."
                ),
            ))
        }
        UnlockOutcome::WrongPin { attempts_left } => Some(Localized::new(
            format!("Mã PIN không đúng. Còn {attempts_left} lần thử."),
            format!("Wrong PIN. {attempts_left} attempt(s) left."),
        )),
        UnlockOutcome::Wiped => Some(Localized::new(
            format!(
                "Đã nhập sai mã PIN {MAX_FAILED_ATTEMPTS} lần liên tiếp: dữ liệu trên máy đã bị xóa. Hãy đăng ký lại thiết bị; hồ sơ đã đồng bộ vẫn còn trên máy chủ."
            ),
            format!(
                "{MAX_FAILED_ATTEMPTS} wrong PINs in a row: the data on this device was erased. Enroll the device again; synced case files are still on the server."
            ),
        )),
    }
}

/// Locks now (the app left the screen, or the user chose to).
pub fn lock(app: &App) -> Result<LaunchScreen> {
    app.session.lock();
    screen(app, None)
}
