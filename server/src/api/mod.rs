//! The HTTP layer: parses and checks requests, calls [`Storage`] on a blocking thread, answers JSON
//! (zstd-compressed when the client accepts it). No business rule lives here. Every error, whichever
//! layer raises it (a handler, the storage, axum's own extractors and router), leaves as the documented
//! `{code, message{vi, en}}` body: [`error_body_everywhere`] rewrites any other.

mod admin;
mod errors;
pub mod limits;
pub mod observe;
pub mod photos;
mod sync;

pub use errors::ApiError;

use crate::storage::{DeviceAuth, Refusal, Storage, StorageError};
use axum::extract::DefaultBodyLimit;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use errors::error_body_everywhere;
use hoso_model::protocol::{MAX_BODY_BYTES, PROTOCOL_VERSION, compress, decompress};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::sync::Arc;

pub type Shared = Arc<dyn Storage>;

/// How the server is deployed, as far as the HTTP layer cares.
#[derive(Clone, Copy, Debug, Default)]
pub struct RouterOptions {
    /// Behind a reverse proxy the operator trusts: client addresses come from `X-Forwarded-For`.
    pub behind_proxy: bool,
}

/// The sync and admin endpoints, without photos (the fuzzers' router).
pub fn router(storage: Shared) -> Router {
    router_with(storage, RouterOptions::default(), None)
}

/// The whole API: the sync and admin endpoints, and the photo endpoints over `photos`' blob store
/// when there is one; every route behind the same limits, request ids and error bodies.
pub fn router_with(
    storage: Shared,
    options: RouterOptions,
    photos: Option<crate::blobs::Photos>,
) -> Router {
    let behind_proxy = options.behind_proxy;
    let blob_store = photos.as_ref().map(|photos| photos.store.clone());
    let mut routes = Router::new()
        .route(
            "/v1/health",
            get(move |storage, headers| health(storage, blob_store.clone(), headers)),
        )
        .route("/metrics", get(observe::metrics_page))
        .route("/v1/enroll", post(sync::enroll))
        .route("/v1/push", post(sync::push))
        .route(
            "/v1/pull",
            get(sync::pull).layer(Extension(sync::PullLimit::per_core())),
        )
        .route("/v1/reference", get(sync::reference))
        .route("/v1/admin/areas", post(admin::create_area))
        .route("/v1/admin/users", post(admin::create_user))
        .route("/v1/admin/enrollment-codes", post(admin::issue_code))
        .route("/v1/admin/config", post(admin::set_config))
        .route("/v1/admin/admin-units", post(admin::import_admin_units))
        .fallback(not_found)
        .with_state(storage.clone());
    if let Some(photos) = photos {
        routes = routes.merge(photos::router(storage, photos));
    }
    routes
        // Compressed bodies are smaller than the limit on the decompressed size, checked in `body`.
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::map_response(error_body_everywhere))
        .layer(axum::middleware::from_fn(move |request, next| {
            limits::remember_client(behind_proxy, request, next)
        }))
        .layer(axum::middleware::from_fn(observe::observe))
}

type ApiResult<T> = Result<T, ApiError>;

/// Whether the request said it accepts zstd-compressed answers.
fn accepts_zstd(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("zstd"))
}

/// An answer's body, encoded (and compressed when `zstd`) — work for a blocking thread when large.
struct Encoded {
    bytes: Vec<u8>,
    zstd: bool,
}

fn encode<T: Serialize>(value: &T, zstd: bool) -> Encoded {
    let json = serde_json::to_vec(value).unwrap_or_default();
    if zstd {
        Encoded {
            bytes: compress(&json),
            zstd,
        }
    } else {
        Encoded { bytes: json, zstd }
    }
}

impl IntoResponse for Encoded {
    fn into_response(self) -> Response {
        if self.zstd {
            (
                [
                    (header::CONTENT_TYPE, "application/json"),
                    (header::CONTENT_ENCODING, "zstd"),
                ],
                self.bytes,
            )
                .into_response()
        } else {
            ([(header::CONTENT_TYPE, "application/json")], self.bytes).into_response()
        }
    }
}

/// A small JSON answer, compressed with zstd when the request said it accepts it.
fn reply<T: Serialize>(headers: &HeaderMap, value: &T) -> Response {
    encode(value, accepts_zstd(headers)).into_response()
}

/// The request body as `T`, decompressed first when it says it is zstd.
fn body<T: DeserializeOwned>(headers: &HeaderMap, bytes: &[u8]) -> ApiResult<T> {
    let zstd = headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        == Some("zstd");
    let decoded;
    let json: &[u8] = if zstd {
        decoded = decompress(bytes, MAX_BODY_BYTES).map_err(|_| ApiError::damaged_body())?;
        &decoded
    } else {
        bytes
    };
    serde_json::from_slice(json).map_err(|e| ApiError::bad_json(&e))
}

fn bearer(headers: &HeaderMap) -> ApiResult<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_string)
        .ok_or_else(ApiError::missing_token)
}

/// Runs storage work on a blocking thread, off the async workers.
async fn blocking<T: Send + 'static>(
    task: impl FnOnce() -> Result<T, StorageError> + Send + 'static,
) -> ApiResult<T> {
    match tokio::task::spawn_blocking(task).await {
        Ok(result) => result.map_err(ApiError::from),
        Err(_) => Err(ApiError::internal()),
    }
}

/// The device behind the token; a failed attempt counts towards the client's rate limit.
async fn authenticate(
    storage: &Shared,
    headers: &HeaderMap,
    client: &limits::ClientAddress,
) -> ApiResult<DeviceAuth> {
    let token = bearer(headers)?;
    let shared = storage.clone();
    let result = tokio::task::spawn_blocking(move || shared.authenticate(&token)).await;
    match result {
        Ok(Ok(device)) => Ok(device),
        Ok(Err(StorageError::Refused(refusal))) if refusal == Refusal::Unauthenticated => {
            let error = StorageError::Refused(refusal).into();
            Err(limits::failed(storage, limits::FAILED_AUTHENTICATION, client, error).await)
        }
        Ok(Err(error)) => Err(error.into()),
        Err(_) => Err(ApiError::internal()),
    }
}

async fn admin(storage: &Shared, headers: &HeaderMap) -> ApiResult<()> {
    let token = bearer(headers)?;
    let storage = storage.clone();
    blocking(move || storage.check_admin(&token)).await
}

/// Whether the server and its database answer: `200 {"status": "ok", "protocol", "database": "ok"}`,
/// or `503 unavailable`. (The object store of photos will be reported here too.)
/// Whether the database and, when photos are served, the blob store answer.
async fn health(
    State(storage): State<Shared>,
    blob_store: Option<Arc<dyn crate::blobs::BlobStore>>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    if blocking(move || storage.check_reachable()).await.is_err() {
        return Err(ApiError::unavailable());
    }
    let photos = match blob_store {
        Some(store) => {
            let probe = crate::blobs::BlobName::of(b"hoso-server health probe");
            if let Err(error) = store.contains(&probe).await {
                return Err(ApiError::blob_store(&error));
            }
            "ok"
        }
        None => "none",
    };
    Ok(reply(
        &headers,
        &serde_json::json!({"status": "ok", "protocol": PROTOCOL_VERSION, "database": "ok",
                            "photos": photos}),
    ))
}

async fn not_found() -> ApiError {
    ApiError::not_found()
}
