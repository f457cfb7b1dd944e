//! The HTTP layer: parses and checks requests, calls [`Storage`] on a blocking thread, answers JSON
//! (zstd-compressed when the client accepts it). No business rule lives here.

use crate::storage::{DeviceAuth, Storage, StorageError};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use hoso_core::hlc::system_now_millis;
use hoso_core::i18n::Localized;
use hoso_core::sync::protocol::{
    CreateArea, CreateUser, CreatedUser, EnrollRequest, EnrollResponse, ErrorBody, IssueCode,
    IssuedCode, MAX_BODY_BYTES, MAX_OPS_PER_PUSH, PROTOCOL_VERSION, PushRequest, PushResponse,
    compress, decompress,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::sync::Arc;

pub type Shared = Arc<dyn Storage>;

pub fn router(storage: Shared) -> Router {
    Router::new()
        .route("/v1/health", get(health))
        .route("/v1/enroll", post(enroll))
        .route("/v1/push", post(push))
        .route("/v1/pull", get(pull))
        .route("/v1/admin/areas", post(create_area))
        .route("/v1/admin/users", post(create_user))
        .route("/v1/admin/enrollment-codes", post(issue_code))
        .fallback(not_found)
        // Compressed bodies are smaller than the limit on the decompressed size, checked in `body`.
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(storage)
}

pub struct ApiError {
    status: StatusCode,
    code: String,
    message: Localized,
}

impl ApiError {
    fn new(status: u16, code: &str, vi: &str, en: &str) -> ApiError {
        ApiError {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
            code: code.to_string(),
            message: Localized::new(vi, en),
        }
    }
}

impl From<StorageError> for ApiError {
    fn from(error: StorageError) -> ApiError {
        match error {
            StorageError::Refused {
                status,
                code,
                message,
            } => ApiError {
                status: StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
                code: code.to_string(),
                message,
            },
            other => {
                tracing::error!(error = %other, "storage failure");
                ApiError::new(
                    500,
                    "internal",
                    "Lỗi máy chủ, hãy thử lại sau.",
                    "Server error, try again later.",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&ErrorBody {
            code: self.code,
            message: self.message,
        })
        .unwrap_or_default();
        (
            self.status,
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response()
    }
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

fn body<T: DeserializeOwned>(headers: &HeaderMap, bytes: &[u8]) -> ApiResult<T> {
    let zstd = headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        == Some("zstd");
    let decoded;
    let json: &[u8] = if zstd {
        decoded = decompress(bytes, MAX_BODY_BYTES).map_err(|_| {
            ApiError::new(
                413,
                "bad_body",
                "Nội dung nén hỏng hoặc lớn hơn 2,5 MB sau khi giải nén.",
                "The compressed body is damaged or larger than 2.5 MB once decompressed.",
            )
        })?;
        &decoded
    } else {
        bytes
    };
    serde_json::from_slice(json).map_err(|e| {
        ApiError::new(
            400,
            "bad_json",
            "Nội dung yêu cầu không đúng định dạng.",
            &format!("The request body is not valid: {e}"),
        )
    })
}

fn bearer(headers: &HeaderMap) -> ApiResult<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_string)
        .ok_or_else(|| {
            ApiError::new(
                401,
                "unauthenticated",
                "Thiếu mã truy cập.",
                "Missing bearer token.",
            )
        })
}

async fn blocking<T: Send + 'static>(
    task: impl FnOnce() -> Result<T, StorageError> + Send + 'static,
) -> ApiResult<T> {
    match tokio::task::spawn_blocking(task).await {
        Ok(result) => result.map_err(ApiError::from),
        Err(_) => Err(ApiError::new(
            500,
            "internal",
            "Lỗi máy chủ.",
            "Server error.",
        )),
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
    ApiError::new(
        404,
        "not_found",
        "Không có địa chỉ này.",
        "No such endpoint.",
    )
}

async fn enroll(
    State(storage): State<Shared>,
    headers: HeaderMap,
    bytes: Bytes,
) -> ApiResult<Response> {
    let request: EnrollRequest = body(&headers, &bytes)?;
    let enrollment = blocking(move || {
        storage.enroll(
            &request.code,
            &request.device_id,
            &request.device_name,
            system_now_millis(),
        )
    })
    .await?;
    tracing::info!(user = %enrollment.user_id, "device enrolled");
    Ok(reply(
        &headers,
        &EnrollResponse {
            token: enrollment.token,
            user_id: enrollment.user_id,
            role: enrollment.role,
            area: enrollment.area,
            server_time_millis: system_now_millis(),
        },
    ))
}

async fn push(
    State(storage): State<Shared>,
    headers: HeaderMap,
    bytes: Bytes,
) -> ApiResult<Response> {
    let device = authenticate(&storage, &headers).await?;
    let request: PushRequest = body(&headers, &bytes)?;
    if request.ops.len() > MAX_OPS_PER_PUSH {
        return Err(ApiError::new(
            413,
            "too_many_ops",
            &format!("Mỗi lần gửi tối đa {MAX_OPS_PER_PUSH} thao tác."),
            &format!("At most {MAX_OPS_PER_PUSH} ops per push."),
        ));
    }
    let count = request.ops.len();
    let device_id = device.device_id.clone();
    let receipts =
        blocking(move || storage.push(&device, &request.ops, system_now_millis())).await?;
    let rejected = receipts.iter().filter(|r| r.code.is_some()).count();
    tracing::info!(device = %device_id, ops = count, rejected, "push");
    Ok(reply(
        &headers,
        &PushResponse {
            receipts,
            server_time_millis: system_now_millis(),
        },
    ))
}

#[derive(serde::Deserialize)]
struct PullQuery {
    cursor: Option<String>,
    limit: Option<String>,
}

async fn pull(
    State(storage): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<PullQuery>,
) -> ApiResult<Response> {
    let device = authenticate(&storage, &headers).await?;
    let parse = |text: Option<String>, default: u64| -> ApiResult<u64> {
        match text {
            None => Ok(default),
            Some(text) => text.parse::<u64>().map_err(|_| {
                ApiError::new(
                    400,
                    "bad_cursor",
                    "Con trỏ đồng bộ không hợp lệ.",
                    "The cursor or limit is not a whole number.",
                )
            }),
        }
    };
    let cursor = parse(query.cursor, 0)?;
    let limit = parse(query.limit, 5_000)? as usize;
    let device_id = device.device_id.clone();
    let mut page = blocking(move || storage.pull(&device, cursor, limit)).await?;
    page.server_time_millis = system_now_millis();
    tracing::info!(device = %device_id, records = page.records.len(), evicted = page.evicted.len(), "pull");
    Ok(reply(&headers, &page))
}

async fn create_area(
    State(storage): State<Shared>,
    headers: HeaderMap,
    bytes: Bytes,
) -> ApiResult<Response> {
    admin(&storage, &headers).await?;
    let request: CreateArea = body(&headers, &bytes)?;
    let area = hoso_core::sync::protocol::Area {
        kind: request.kind,
        code: request.code.clone(),
    };
    blocking(move || storage.create_area(&area, &request.name)).await?;
    Ok(reply(&headers, &serde_json::json!({"created": true})))
}

async fn create_user(
    State(storage): State<Shared>,
    headers: HeaderMap,
    bytes: Bytes,
) -> ApiResult<Response> {
    admin(&storage, &headers).await?;
    let request: CreateUser = body(&headers, &bytes)?;
    let user_id =
        blocking(move || storage.create_user(&request.name, request.role, &request.area)).await?;
    Ok(reply(&headers, &CreatedUser { user_id }))
}

async fn issue_code(
    State(storage): State<Shared>,
    headers: HeaderMap,
    bytes: Bytes,
) -> ApiResult<Response> {
    admin(&storage, &headers).await?;
    let request: IssueCode = body(&headers, &bytes)?;
    let (code, expires_at_millis) =
        blocking(move || storage.issue_code(&request.user_id, system_now_millis())).await?;
    Ok(reply(
        &headers,
        &IssuedCode {
            code,
            expires_at_millis,
        },
    ))
}
