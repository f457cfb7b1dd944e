//! The photo endpoints of the protocol as the device calls them (`docs/protocol.md`, *Photos*): where
//! an upload stands, one chunk, a range of an image. Blocking, like sync: the platforms call from a
//! background thread. Every answer is sorted into a network failure (worth another try soon) or the
//! server's refusal with its code and message.

use crate::error::{Error, Result};
use crate::photos::files::sha256_hex;
use crate::store::Store;
use crate::store::meta_keys::{DEVICE_TOKEN, SERVER_URL};
use hoso_model::i18n::Localized;
use hoso_model::protocol::{ErrorBody, UploadStatus, decompress};
use std::time::Duration;

/// Why an exchange failed.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Failure {
    /// No answer, a cut connection, a timeout or a server fault (5xx): try again.
    Network(String),
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
            Failure::Network(_) => "network",
            Failure::Refused { code, .. } => code,
        }
    }
}

impl From<Failure> for Error {
    fn from(failure: Failure) -> Error {
        match failure {
            Failure::Network(detail) => Error::Network(detail),
            Failure::Refused { code, .. } if code == "device_revoked" => Error::Revoked,
            Failure::Refused { status, code, .. } => Error::Server { status, code },
        }
    }
}

/// Bytes on the wire of the exchanges so far (bodies), for reports and benchmarks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Wire {
    pub up: u64,
    pub down: u64,
}

pub(crate) struct PhotoServer {
    client: reqwest::blocking::Client,
    server: String,
    token: String,
    pub wire: Wire,
}

/// Largest answer accepted (an image is at most 8 MiB).
const MAX_ANSWER_BYTES: usize = 16 * 1024 * 1024;

impl PhotoServer {
    /// The server this device is enrolled with.
    pub fn of(store: &Store) -> Result<PhotoServer> {
        let server = store.meta(SERVER_URL)?.ok_or_else(|| {
            Error::not_allowed(
                "Thiết bị chưa được đăng ký với máy chủ.",
                "This device is not enrolled with a server.",
            )
        })?;
        // ring rather than aws-lc: it builds for every phone target. Installing twice is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(60))
            .connect_timeout(Duration::from_secs(15))
            .build()
            .map_err(|e| Error::Network(e.to_string()))?;
        Ok(PhotoServer {
            client,
            server,
            token: store.meta(DEVICE_TOKEN)?.unwrap_or_default(),
            wire: Wire::default(),
        })
    }

    fn url(&self, photo_id: &str, what: &str) -> String {
        format!("{}/v1/photos/{photo_id}/{what}", self.server)
    }

    pub fn upload_status(&mut self, photo_id: &str) -> Result<UploadStatus, Failure> {
        let request = self.client.get(self.url(photo_id, "upload"));
        self.json(request, 0)
    }

    /// Sends `chunk`, which starts at `offset` of the image, with its SHA-256.
    pub fn send_chunk(
        &mut self,
        photo_id: &str,
        offset: u64,
        chunk: &[u8],
    ) -> Result<UploadStatus, Failure> {
        let url = format!(
            "{}?offset={offset}&sha256={}",
            self.url(photo_id, "upload"),
            sha256_hex(chunk)
        );
        let request = self
            .client
            .put(url)
            .header("Content-Type", "application/octet-stream")
            .body(chunk.to_vec());
        self.json(request, chunk.len() as u64)
    }

    /// Up to `length` bytes of the image from `offset`, and the image's whole size.
    pub fn image_part(
        &mut self,
        photo_id: &str,
        offset: u64,
        length: u64,
    ) -> Result<(Vec<u8>, u64), Failure> {
        let last = offset + length.max(1) - 1;
        let request = self
            .client
            .get(self.url(photo_id, "image"))
            .header("Range", format!("bytes={offset}-{last}"));
        let (status, headers, bytes) = self.exchange(request, 0)?;
        if !(200..300).contains(&status) {
            return Err(refusal(status, &headers, &bytes));
        }
        let total = headers
            .get("content-range")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit('/').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(bytes.len() as u64);
        Ok((bytes, total))
    }

    fn json(
        &mut self,
        request: reqwest::blocking::RequestBuilder,
        up: u64,
    ) -> Result<UploadStatus, Failure> {
        let (status, headers, bytes) =
            self.exchange(request.header("Accept-Encoding", "zstd"), up)?;
        if !(200..300).contains(&status) {
            return Err(refusal(status, &headers, &bytes));
        }
        let bytes = if is_zstd(&headers) {
            decompress(&bytes, MAX_ANSWER_BYTES).map_err(|e| Failure::Network(e.to_string()))?
        } else {
            bytes
        };
        serde_json::from_slice(&bytes)
            .map_err(|e| Failure::Network(format!("an answer that is not the protocol's: {e}")))
    }

    fn exchange(
        &mut self,
        request: reqwest::blocking::RequestBuilder,
        up: u64,
    ) -> Result<(u16, reqwest::header::HeaderMap, Vec<u8>), Failure> {
        let network = |e: reqwest::Error| Failure::Network(e.to_string());
        self.wire.up += up;
        let response = request.bearer_auth(&self.token).send().map_err(network)?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().map_err(network)?.to_vec();
        self.wire.down += bytes.len() as u64;
        if status >= 500 {
            return Err(Failure::Network(format!("server fault {status}")));
        }
        Ok((status, headers, bytes))
    }
}

fn is_zstd(headers: &reqwest::header::HeaderMap) -> bool {
    headers
        .get("content-encoding")
        .is_some_and(|v| v.as_bytes() == b"zstd")
}

fn refusal(status: u16, headers: &reqwest::header::HeaderMap, bytes: &[u8]) -> Failure {
    let json = if is_zstd(headers) {
        decompress(bytes, MAX_ANSWER_BYTES).unwrap_or_default()
    } else {
        bytes.to_vec()
    };
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
