//! The device's HTTP exchanges with its server, built for phones: blocking `ureq` (no async runtime),
//! rustls with the platform's certificate verifier, zstd bodies, a `User-Agent` naming the app and the
//! core, and every failure sorted into a [`NetworkFault`]. HTTPS is required except on loopback (the
//! tests, and a development phone reaching its computer through `adb reverse`).
//!
//! One [`Http`] serves one sync; [`Http::shutdown`] cuts its exchanges in flight, which is how an
//! interrupted sync stops at once even while the server hangs.

use crate::error::{Error, NetworkFault, Result};
use hoso_model::enrollment_qr::check_server_url;
use hoso_model::protocol::{ErrorBody, compress, decompress};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use ureq::config::Config;
use ureq::http::Uri;
use ureq::tls::{Certificate, RootCerts, TlsConfig};
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

/// The core's version, sent in every `User-Agent`.
pub const CORE_VERSION: &str = env!("CARGO_PKG_VERSION");
/// Largest response accepted, on the wire and once decompressed.
const MAX_RESPONSE_BYTES: usize = 256 * 1024 * 1024;

/// The app's name and version as the server's logs see them (`hoso-android/1.4.0`).
#[derive(Clone, Debug, PartialEq)]
pub struct AppIdentity {
    name: String,
    version: String,
}

impl AppIdentity {
    /// Refuses what a `User-Agent` product token cannot carry (spaces, slashes, non-ASCII).
    pub fn new(name: &str, version: &str) -> Result<AppIdentity> {
        let token = |s: &str| {
            !s.is_empty()
                && s.len() <= 64
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._+".contains(&b))
        };
        if !token(name) || !token(version) {
            return Err(Error::invalid(
                "Tên và phiên bản ứng dụng chỉ gồm chữ không dấu, số và các ký tự - . _ +",
                "The app's name and version may only hold ASCII letters, digits and - . _ +",
            ));
        }
        Ok(AppIdentity {
            name: name.to_string(),
            version: version.to_string(),
        })
    }
}

/// Which certificate authorities a server's certificate may chain to.
#[derive(Clone, Debug, PartialEq)]
pub enum TrustedRoots {
    /// The phone's own verifier and store (authorities the user installed, revocation checks).
    Platform,
    /// These authorities only, as DER: a deployment with its own authority, and the tests.
    Only(Vec<Vec<u8>>),
}

/// How the device talks to its server.
#[derive(Clone, Debug)]
pub struct NetworkConfig {
    pub app: Option<AppIdentity>,
    /// Waiting for a connection to open.
    pub connect_timeout: Duration,
    /// One whole exchange: resolving, connecting, sending, the server's work and the answer.
    pub exchange_timeout: Duration,
    pub roots: TrustedRoots,
}

impl Default for NetworkConfig {
    fn default() -> NetworkConfig {
        NetworkConfig {
            app: None,
            connect_timeout: Duration::from_secs(15),
            exchange_timeout: Duration::from_secs(60),
            roots: TrustedRoots::Platform,
        }
    }
}

impl NetworkConfig {
    /// `hoso-android/1.4.0 hoso-core/0.1.0`, or the core alone before the app said who it is.
    pub fn user_agent(&self) -> String {
        let core = format!("hoso-core/{CORE_VERSION}");
        match &self.app {
            Some(app) => format!("{}/{} {core}", app.name, app.version),
            None => core,
        }
    }
}

/// How the device reaches its server, one setting shared by the sync and the photo queue (the app's
/// identity, timeouts, trusted authorities).
#[derive(Clone, Debug, Default)]
pub struct NetworkSettings(Arc<Mutex<NetworkConfig>>);

impl NetworkSettings {
    pub fn get(&self) -> NetworkConfig {
        self.lock().clone()
    }

    pub fn set(&self, config: NetworkConfig) {
        *self.lock() = config;
    }

    pub fn set_app(&self, app: AppIdentity) {
        self.lock().app = Some(app);
    }

    /// The config stays whole even if a holder panicked: it only ever holds plain values.
    fn lock(&self) -> MutexGuard<'_, NetworkConfig> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A server address the device may use: `https://…`, or `http://` to a loopback address only.
#[derive(Clone, Debug, PartialEq)]
pub struct ServerUrl(String);

impl ServerUrl {
    /// The one rule of `hoso_model::enrollment_qr::check_server_url`: https, or http to loopback.
    pub fn parse(url: &str) -> Result<ServerUrl> {
        check_server_url(url).map(ServerUrl).map_err(Error::Invalid)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Set once the app has handed Android's certificate verifier its `Context` (`ffi/android.rs`); on
/// other platforms the verifier needs nothing.
#[cfg(target_os = "android")]
pub static PLATFORM_VERIFIER_READY: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

fn platform_verifier_ready() -> Result<()> {
    #[cfg(target_os = "android")]
    if !PLATFORM_VERIFIER_READY.load(std::sync::atomic::Ordering::Acquire) {
        return Err(Error::Network {
            fault: NetworkFault::Tls,
            detail:
                "the platform verifier has no Context: call HosoAndroid.initTls(context) at start"
                    .into(),
        });
    }
    Ok(())
}

/// Bytes on the wire (compressed) of one exchange.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Wire {
    pub up: usize,
    pub down: usize,
}

/// An answer read whole, whatever its status, for the photo endpoints: the status, the headers they
/// read, and the body as it came (compressed when `zstd`).
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: u16,
    pub zstd: bool,
    pub content_range: Option<String>,
    pub bytes: Vec<u8>,
}

impl Answer {
    /// The body, decompressed when it came compressed.
    pub fn body(self, limit: usize) -> Result<Vec<u8>> {
        if self.zstd {
            Ok(decompress(&self.bytes, limit)?)
        } else {
            Ok(self.bytes)
        }
    }
}

/// One sync's connection to its server: a `ureq` agent (its connection pool) and the credentials.
#[derive(Clone)]
pub(crate) struct Http {
    agent: ureq::Agent,
    server: Arc<str>,
    authorization: Option<Arc<str>>,
}

impl Http {
    pub fn new(config: &NetworkConfig, server: &ServerUrl, token: Option<&str>) -> Result<Http> {
        // ring rather than aws-lc: it builds for every phone target. Installing twice is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        if config.roots == TrustedRoots::Platform {
            platform_verifier_ready()?;
        }
        let roots = match &config.roots {
            TrustedRoots::Platform => RootCerts::PlatformVerifier,
            TrustedRoots::Only(authorities) => RootCerts::Specific(Arc::new(
                authorities
                    .iter()
                    .map(|der| Certificate::from_der(der).to_owned())
                    .collect(),
            )),
        };
        let agent_config = Config::builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(config.user_agent())
            .timeout_connect(Some(config.connect_timeout))
            .timeout_global(Some(config.exchange_timeout))
            .tls_config(TlsConfig::builder().root_certs(roots).build())
            .build();
        Ok(Http {
            agent: ureq::Agent::with_parts(
                agent_config,
                DefaultConnector::default(),
                NameLookup::default(),
            ),
            server: server.as_str().into(),
            authorization: token.map(|t| format!("Bearer {t}").into()),
        })
    }

    /// Posts `body` as zstd-compressed JSON to `path` (`/v1/push`) and reads the JSON answer.
    pub fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl Serialize,
    ) -> Result<(T, Wire)> {
        let compressed = compress(&serde_json::to_vec(body)?);
        let up = compressed.len();
        let request = self
            .with_headers(self.agent.post(format!("{}{path}", self.server)))
            .header("Content-Type", "application/json")
            .header("Content-Encoding", "zstd");
        let (answer, down) = read_answer(request.send(&compressed[..]))?;
        Ok((answer, Wire { up, down }))
    }

    /// Gets `path` (`/v1/pull?cursor=…`) and reads the JSON answer.
    pub fn get<T: DeserializeOwned>(&self, path: &str) -> Result<(T, Wire)> {
        let request = self.with_headers(self.agent.get(format!("{}{path}", self.server)));
        let (answer, down) = read_answer(request.call())?;
        Ok((answer, Wire { up: 0, down }))
    }

    /// Puts `body` as it is to `path`, with `headers`, and reads the answer whatever its status.
    pub fn put_raw(&self, path: &str, body: &[u8], headers: &[(&str, &str)]) -> Result<Answer> {
        let mut request = self.authorized(self.agent.put(format!("{}{path}", self.server)));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        read_whole(request.send(body))
    }

    /// Gets `path` with `headers` (a `Range`) and reads the answer whatever its status.
    pub fn get_raw(&self, path: &str, headers: &[(&str, &str)]) -> Result<Answer> {
        let mut request = self.authorized(self.agent.get(format!("{}{path}", self.server)));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        read_whole(request.call())
    }

    fn with_headers<B>(&self, request: ureq::RequestBuilder<B>) -> ureq::RequestBuilder<B> {
        self.authorized(request.header("Accept-Encoding", "zstd"))
    }

    fn authorized<B>(&self, request: ureq::RequestBuilder<B>) -> ureq::RequestBuilder<B> {
        match &self.authorization {
            Some(authorization) => request.header("Authorization", &**authorization),
            None => request,
        }
    }

    /// Cuts every exchange in flight on this connection (they fail at once) and refuses new ones.
    pub fn shutdown(&self) {
        self.agent.clone().shutdown();
    }
}

/// Reads an answer: JSON, compressed with zstd or not. A 5xx is the server failing; another refusal
/// is the protocol's `{code, message}`.
fn read_answer<T: DeserializeOwned>(
    sent: std::result::Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> Result<(T, usize)> {
    let answer = read_whole(sent)?;
    let (status, down) = (answer.status, answer.bytes.len());
    let bytes = answer.body(MAX_RESPONSE_BYTES)?;
    if (200..300).contains(&status) {
        return Ok((serde_json::from_slice(&bytes)?, down));
    }
    let ErrorBody { code, message } =
        serde_json::from_slice::<ErrorBody>(&bytes).unwrap_or_else(|_| ErrorBody {
            code: "unknown".into(),
            message: Error::unexplained_refusal(status),
        });
    Err(match (status, code.as_str()) {
        (500.., _) => Error::Network {
            fault: NetworkFault::ServerError,
            detail: format!("status {status}, code {code}"),
        },
        (_, "device_revoked") => Error::Revoked,
        _ => Error::Server {
            status,
            code,
            message,
        },
    })
}

/// Reads a whole answer, up to the largest one accepted; a failure on the way is a network fault.
fn read_whole(
    sent: std::result::Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> Result<Answer> {
    let response = sent.map_err(network_error)?;
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let (zstd, content_range) = (
        header("content-encoding").is_some_and(|v| v == "zstd"),
        header("content-range"),
    );
    let status = response.status().as_u16();
    let bytes = response
        .into_body()
        .with_config()
        .limit(MAX_RESPONSE_BYTES as u64)
        .read_to_vec()
        .map_err(network_error)?;
    Ok(Answer {
        status,
        zstd,
        content_range,
        bytes,
    })
}

fn network_error(error: ureq::Error) -> Error {
    Error::Network {
        fault: fault_of(&error),
        detail: error.to_string(),
    }
}

/// Sorts a `ureq` failure into what the user is told.
pub(crate) fn fault_of(error: &ureq::Error) -> NetworkFault {
    match error {
        ureq::Error::Timeout(_) => NetworkFault::Timeout,
        ureq::Error::HostNotFound => NetworkFault::Dns,
        ureq::Error::Tls(_)
        | ureq::Error::Pem(_)
        | ureq::Error::Rustls(_)
        | ureq::Error::TlsRequired => NetworkFault::Tls,
        ureq::Error::Protocol(_)
        | ureq::Error::LargeResponseHeader(..)
        | ureq::Error::BodyExceedsLimit(_)
        | ureq::Error::RedirectFailed
        | ureq::Error::TooManyRedirects => NetworkFault::ServerError,
        ureq::Error::Io(io) => fault_of_io(io),
        _ => NetworkFault::Offline,
    }
}

fn fault_of_io(error: &std::io::Error) -> NetworkFault {
    use std::io::ErrorKind;
    if error
        .get_ref()
        .is_some_and(|inner| inner.is::<rustls::Error>())
    {
        return NetworkFault::Tls;
    }
    match error.kind() {
        ErrorKind::ConnectionRefused => NetworkFault::Refused,
        ErrorKind::TimedOut | ErrorKind::WouldBlock => NetworkFault::Timeout,
        _ => NetworkFault::Offline,
    }
}

/// The system resolver, with every failure to resolve reported as what it is (`HostNotFound`) rather
/// than as the operating system's error text, so a DNS failure is not mistaken for a dead network.
#[derive(Debug, Default)]
struct NameLookup(DefaultResolver);

impl Resolver for NameLookup {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> std::result::Result<ResolvedSocketAddrs, ureq::Error> {
        self.0
            .resolve(uri, config, timeout)
            .map_err(|error| match error {
                ureq::Error::Timeout(_) => error,
                other => {
                    tracing::debug!(error = %other, "name resolution failed");
                    ureq::Error::HostNotFound
                }
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Error as IoError, ErrorKind};

    #[test]
    fn https_is_required_except_on_loopback() {
        assert!(ServerUrl::parse("https://hoso.example.vn/").is_ok());
        assert!(ServerUrl::parse("http://127.0.0.1:8787").is_ok());
        assert!(ServerUrl::parse("http://localhost:8787").is_ok());
        assert!(ServerUrl::parse("http://[::1]:8787").is_ok());
        let refused = ServerUrl::parse("http://hoso.example.vn").unwrap_err();
        assert!(
            matches!(&refused, Error::Invalid(m) if m.vi.contains("https://")),
            "{refused:?}"
        );
        assert!(ServerUrl::parse("http://10.0.2.2:8787").is_err());
        assert!(ServerUrl::parse("ftp://hoso.example.vn").is_err());
        assert!(ServerUrl::parse("hoso.example.vn").is_err());
        assert_eq!(
            ServerUrl::parse(" https://hoso.example.vn/ ")
                .unwrap()
                .as_str(),
            "https://hoso.example.vn"
        );
    }

    #[test]
    fn the_user_agent_names_the_app_and_the_core() {
        let mut config = NetworkConfig::default();
        assert_eq!(config.user_agent(), format!("hoso-core/{CORE_VERSION}"));
        config.app = Some(AppIdentity::new("hoso-android", "1.4.0").unwrap());
        assert_eq!(
            config.user_agent(),
            format!("hoso-android/1.4.0 hoso-core/{CORE_VERSION}")
        );
        assert!(AppIdentity::new("hồ sơ", "1").is_err());
        assert!(AppIdentity::new("hoso", "1.0\r\nX-Evil: 1").is_err());
    }

    #[test]
    fn socket_failures_are_sorted_into_what_the_user_can_act_on() {
        let io = |kind| ureq::Error::Io(IoError::from(kind));
        assert_eq!(
            fault_of(&io(ErrorKind::ConnectionRefused)),
            NetworkFault::Refused
        );
        assert_eq!(
            fault_of(&io(ErrorKind::NetworkUnreachable)),
            NetworkFault::Offline
        );
        assert_eq!(
            fault_of(&io(ErrorKind::HostUnreachable)),
            NetworkFault::Offline
        );
        assert_eq!(
            fault_of(&io(ErrorKind::ConnectionReset)),
            NetworkFault::Offline
        );
        assert_eq!(fault_of(&io(ErrorKind::TimedOut)), NetworkFault::Timeout);
        assert_eq!(fault_of(&ureq::Error::HostNotFound), NetworkFault::Dns);
        let tls = IoError::new(
            ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(rustls::CertificateError::Expired),
        );
        assert_eq!(fault_of(&ureq::Error::Io(tls)), NetworkFault::Tls);
    }
}
