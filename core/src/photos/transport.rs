//! The photo endpoints of the protocol as the device calls them (`docs/protocol.md`, *Photos*): where
//! an upload stands, one chunk, a range of an image. Blocking, through the sync's HTTP client: the
//! platforms call from a background thread. Every answer is sorted into a network failure (worth
//! another try soon, with its kind) or the server's refusal with its code and message.

use crate::error::{Error, NetworkFault, Result};
use crate::photos::files::sha256_hex;
use crate::store::Store;
use crate::store::meta_keys::{DEVICE_TOKEN, SERVER_URL};
use crate::sync::http::{Answer, Http, NetworkConfig, ServerUrl};
use hoso_model::i18n::Localized;
use hoso_model::protocol::{ErrorBody, UploadStatus};

/// Why an exchange failed.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Failure {
    /// No answer, a cut connection, a timeout or a server fault (5xx): try again. `fault` says which,
    /// as for a sync.
    Network { fault: NetworkFault, detail: String },
    /// The server refused, with its documented `{code, message}`.
    Refused {
        status: u16,
        code: String,
        message: Localized,
    },
}

impl Failure {
    pub fn code(&self) -> &str {
        match self {
            Failure::Network { .. } => "network",
            Failure::Refused { code, .. } => code,
        }
    }

    /// A failure of the exchange itself: the network, or an answer that is not the protocol's.
    fn of(error: Error) -> Failure {
        match error {
            Error::Network { fault, detail } => Failure::Network { fault, detail },
            other => Failure::Network {
                fault: NetworkFault::ServerError,
                detail: other.to_string(),
            },
        }
    }
}

impl From<Failure> for Error {
    fn from(failure: Failure) -> Error {
        match failure {
            Failure::Network { fault, detail } => Error::Network { fault, detail },
            Failure::Refused { code, .. } if code == "device_revoked" => Error::Revoked,
            Failure::Refused {
                status,
                code,
                message,
            } => Error::Server {
                status,
                code,
                message,
            },
        }
    }
}

/// Bytes on the wire of the exchanges so far (bodies), for reports and benchmarks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Wire {
    pub up: u64,
    pub down: u64,
}

/// The photo endpoints of the server this device is enrolled with, over the sync's HTTP client
/// (`crate::sync::http`: no async runtime, HTTPS off loopback, the platform's verifier).
pub(crate) struct PhotoServer {
    http: Http,
    pub wire: Wire,
}

/// Largest answer accepted (an image is at most 8 MiB).
const MAX_ANSWER_BYTES: usize = 16 * 1024 * 1024;
const ACCEPTS_ZSTD: (&str, &str) = ("Accept-Encoding", "zstd");

fn path(photo_id: &str, what: &str) -> String {
    format!("/v1/photos/{photo_id}/{what}")
}

impl PhotoServer {
    /// The server this device is enrolled with, reached as `network` says.
    pub fn of(store: &Store, network: &NetworkConfig) -> Result<PhotoServer> {
        let server = store.meta(SERVER_URL)?.ok_or_else(|| {
            Error::not_allowed(
                "Thiết bị chưa được đăng ký với máy chủ.",
                "This device is not enrolled with a server.",
            )
        })?;
        let token = store.meta(DEVICE_TOKEN)?.unwrap_or_default();
        Ok(PhotoServer {
            http: Http::new(network, &ServerUrl::parse(&server)?, Some(&token))?,
            wire: Wire::default(),
        })
    }

    pub fn upload_status(&mut self, photo_id: &str) -> Result<UploadStatus, Failure> {
        let sent = self
            .http
            .get_raw(&path(photo_id, "upload"), &[ACCEPTS_ZSTD]);
        self.json(sent)
    }

    /// Sends `chunk`, which starts at `offset` of the image, with its SHA-256.
    pub fn send_chunk(
        &mut self,
        photo_id: &str,
        offset: u64,
        chunk: &[u8],
    ) -> Result<UploadStatus, Failure> {
        let path = format!(
            "{}?offset={offset}&sha256={}",
            path(photo_id, "upload"),
            sha256_hex(chunk)
        );
        self.wire.up += chunk.len() as u64;
        let content_type = ("Content-Type", "application/octet-stream");
        let sent = self
            .http
            .put_raw(&path, chunk, &[content_type, ACCEPTS_ZSTD]);
        self.json(sent)
    }

    /// Up to `length` bytes of the image from `offset`, and the image's whole size.
    pub fn image_part(
        &mut self,
        photo_id: &str,
        offset: u64,
        length: u64,
    ) -> Result<(Vec<u8>, u64), Failure> {
        let last = offset + length.max(1) - 1;
        let range = format!("bytes={offset}-{last}");
        let sent = self
            .http
            .get_raw(&path(photo_id, "image"), &[("Range", &range)]);
        let answer = self.exchange(sent)?;
        if !(200..300).contains(&answer.status) {
            return Err(refusal(answer));
        }
        let total = answer
            .content_range
            .as_deref()
            .and_then(|v| v.rsplit('/').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(answer.bytes.len() as u64);
        Ok((answer.bytes, total))
    }

    fn json(&mut self, sent: Result<Answer>) -> Result<UploadStatus, Failure> {
        let answer = self.exchange(sent)?;
        if !(200..300).contains(&answer.status) {
            return Err(refusal(answer));
        }
        let bytes = answer.body(MAX_ANSWER_BYTES).map_err(Failure::of)?;
        serde_json::from_slice(&bytes).map_err(|e| Failure::Network {
            fault: NetworkFault::ServerError,
            detail: format!("an answer that is not the protocol's: {e}"),
        })
    }

    /// Counts what came down, and sorts out a server fault (5xx), worth another try.
    fn exchange(&mut self, sent: Result<Answer>) -> Result<Answer, Failure> {
        let answer = sent.map_err(Failure::of)?;
        self.wire.down += answer.bytes.len() as u64;
        if answer.status >= 500 {
            return Err(Failure::Network {
                fault: NetworkFault::ServerError,
                detail: format!("server fault {}", answer.status),
            });
        }
        Ok(answer)
    }
}

fn refusal(answer: Answer) -> Failure {
    let status = answer.status;
    let json = answer.body(MAX_ANSWER_BYTES).unwrap_or_default();
    match serde_json::from_slice::<ErrorBody>(&json) {
        Ok(body) => Failure::Refused {
            status,
            code: body.code,
            message: body.message,
        },
        Err(_) => Failure::Refused {
            status,
            code: "unknown".into(),
            message: Localized::new(
                format!("Máy chủ từ chối (mã {status})."),
                format!("The server refused (status {status})."),
            ),
        },
    }
}
