//! The launch flow through the FFI: the database key for the platform keystore, the enrollment QR
//! code, the PIN and the lock. These calls work while the app is locked.

use super::{ApiResult, HosoCore};
use crate::screens::launch::{self, LaunchScreen};
use hoso_model::enrollment_qr;

/// A new database key (64 hexadecimal characters) for the platform keystore to wrap and keep; called
/// once, on the first launch. See `core/src/security/key.rs` for the contract.
#[uniffi::export]
pub fn new_database_key() -> ApiResult<String> {
    Ok(crate::security::key::new_database_key()?)
}

/// What an enrollment QR code carries, read and checked (to show the server before enrolling).
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct EnrollmentQr {
    pub server_url: String,
    pub code: String,
}

/// Reads a scanned enrollment QR payload; refused with a reason (vi/en) when it is not one.
#[uniffi::export]
pub fn read_enrollment_qr(payload: String) -> ApiResult<EnrollmentQr> {
    let read = enrollment_qr::read(&payload).map_err(crate::Error::Invalid)?;
    Ok(EnrollmentQr {
        server_url: read.server_url,
        code: read.code,
    })
}

/// The payload a QR code carries for this server and code (for administrators' screens and tests).
#[uniffi::export]
pub fn write_enrollment_qr(server_url: String, code: String) -> String {
    enrollment_qr::write(&server_url, &code)
}

#[uniffi::export]
impl HosoCore {
    /// Where the app goes on launch: enroll, choose a PIN, unlock, or ready.
    pub fn launch_screen(&self) -> ApiResult<LaunchScreen> {
        Ok(launch::launch_screen(&self.app)?)
    }

    /// Enrolls this device with a scanned enrollment QR code's payload.
    pub fn enroll_from_qr(&self, payload: String, device_name: String) -> ApiResult<LaunchScreen> {
        Ok(launch::enroll_from_qr(&self.app, &payload, &device_name)?)
    }

    /// Enrolls this device with a server address and a code typed by hand.
    pub fn enroll_with_code(
        &self,
        server_url: String,
        code: String,
        device_name: String,
    ) -> ApiResult<LaunchScreen> {
        Ok(launch::enroll(&self.app, &server_url, &code, &device_name)?)
    }

    /// Sets the first PIN after enrollment (typed twice); the app is then unlocked.
    pub fn choose_pin(&self, pin: String, confirmation: String) -> ApiResult<LaunchScreen> {
        Ok(launch::choose_pin(&self.app, &pin, &confirmation)?)
    }

    /// Tries a PIN. A wrong one is told in the screen's notice; the tenth in a row wipes the device.
    pub fn unlock(&self, pin: String) -> ApiResult<LaunchScreen> {
        Ok(launch::unlock(&self.app, &pin)?)
    }

    /// Locks the app now (call it when the app leaves the screen).
    pub fn lock(&self) -> ApiResult<LaunchScreen> {
        Ok(launch::lock(&self.app)?)
    }
}
