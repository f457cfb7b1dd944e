//! How the app reaches its server, through the FFI: the kinds of network failure it can show apart
//! (each with its Vietnamese and English text in [`ApiError::Network`]) and the app's name and
//! version for the `User-Agent`.

use super::{ApiError, ApiResult, HosoCore};
use crate::error::NetworkFault as Fault;
use crate::sync::http::AppIdentity;

/// Why a sync did not get through; the app may choose its own words or icon per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum NetworkFault {
    /// No network, or the connection dropped mid-way.
    Offline,
    /// The server's name did not resolve.
    Dns,
    /// No secure connection (certificate, the phone's clock, a Wi-Fi sign-in page).
    Tls,
    /// The server took too long.
    Timeout,
    /// The server failed (5xx).
    ServerError,
    /// Nothing accepts connections at the address.
    Refused,
}

impl From<Fault> for NetworkFault {
    fn from(fault: Fault) -> NetworkFault {
        match fault {
            Fault::Offline => NetworkFault::Offline,
            Fault::Dns => NetworkFault::Dns,
            Fault::Tls => NetworkFault::Tls,
            Fault::Timeout => NetworkFault::Timeout,
            Fault::ServerError => NetworkFault::ServerError,
            Fault::Refused => NetworkFault::Refused,
        }
    }
}

/// The public error for a network failure; the detail (addresses, the system's words) goes to the log.
pub(super) fn network_error(fault: Fault, detail: &str) -> ApiError {
    tracing::warn!(?fault, %detail, "sync could not reach its server");
    let message = fault.message();
    ApiError::Network {
        fault: fault.into(),
        message_vi: message.vi,
        message_en: message.en,
    }
}

#[uniffi::export]
impl HosoCore {
    /// Names the app in the `User-Agent` of every later exchange (`hoso-android`, `1.4.0`), beside
    /// the core's own version, so that the server's logs tell app versions apart.
    pub fn identify_app(&self, name: String, version: String) -> ApiResult<()> {
        self.app.sync.set_app(AppIdentity::new(&name, &version)?);
        Ok(())
    }
}
