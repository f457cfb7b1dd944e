//! The HTTP layer: parses and checks requests, calls [`Storage`] on a blocking thread, answers JSON
//! (zstd-compressed when the client accepts it). No business rule lives here. Every error, whichever
//! layer raises it (a handler, the storage, axum's own extractors and router), leaves as the documented
//! `{code, message{vi, en}}` body: [`error_body_everywhere`] rewrites any other.

mod admin;
mod errors;
mod sync;

pub use errors::ApiError;

use crate::storage::{DeviceAuth, Storage, StorageError};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use errors::error_body_everywhere;
use hoso_model::protocol::{MAX_BODY_BYTES, PROTOCOL_VERSION, compress, decompress};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::sync::Arc;

pub type Shared = Arc<dyn Storage>;

pub fn router(storage: Shared) -> Router {
    Router::new()
        .route("/v1/health", get(health))
        .route("/v1/enroll", post(sync::enroll))
        .route("/v1/push", post(sync::push))
        .route("/v1/pull", get(sync::pull))
        .route("/v1/reference", get(sync::reference))
        .route("/v1/admin/areas", post(admin::create_area))
        .route("/v1/admin/users", post(admin::create_user))
        .route("/v1/admin/enrollment-codes", post(admin::issue_code))
        .route("/v1/admin/config", post(admin::set_config))
        .route("/v1/admin/admin-units", post(admin::import_admin_units))
        .fallback(not_found)
        // Compressed bodies are smaller than the limit on the decompressed size, checked in `body`.
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::map_response(error_body_everywhere))
        .with_state(storage)
}

type ApiResult<T> = Result<T, ApiError>;

/// A JSON answer, compressed with zstd when the request said it accepts it.
fn reply<T: Serialize>(headers: &HeaderMap, value: &T) -> Response {
    let json = serde_json::to_vec(value).unwrap_or_default();
    let accepts_zstd = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("zstd"));
    if accepts_zstd {
        (
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CONTENT_ENCODING, "zstd"),
            ],
            compress(&json),
        )
            .into_response()
    } else {
        ([(header::CONTENT_TYPE, "application/json")], json).into_response()
    }
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

async fn authenticate(storage: &Shared, headers: &HeaderMap) -> ApiResult<DeviceAuth> {
    let token = bearer(headers)?;
    let storage = storage.clone();
    blocking(move || storage.authenticate(&token)).await
}

async fn admin(storage: &Shared, headers: &HeaderMap) -> ApiResult<()> {
    let token = bearer(headers)?;
    let storage = storage.clone();
    blocking(move || storage.check_admin(&token)).await
}

async fn health(headers: HeaderMap) -> Response {
    reply(
        &headers,
        &serde_json::json!({"status": "ok", "protocol": PROTOCOL_VERSION}),
    )
}

async fn not_found() -> ApiError {
    ApiError::not_found()
}
