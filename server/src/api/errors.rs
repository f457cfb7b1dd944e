//! The error body of every refused request, and the mapping of storage refusals to HTTP statuses.

use crate::blobs::{BlobError, PhotoLimits, PhotoRefusal};
use crate::storage::{Refusal, StorageError};
use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use hoso_model::i18n::Localized;
use hoso_model::protocol::{ErrorBody, MAX_OPS_PER_PUSH};

pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: Localized,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: Localized) -> ApiError {
        ApiError {
            status,
            code,
            message,
        }
    }

    pub fn internal() -> ApiError {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            Localized::new(
                "Lỗi máy chủ, hãy thử lại sau.",
                "Server error, try again later.",
            ),
        )
    }

    pub fn not_found() -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            Localized::new("Không có địa chỉ này.", "No such endpoint."),
        )
    }

    pub fn missing_token() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            Localized::new("Thiếu mã truy cập.", "Missing bearer token."),
        )
    }

    pub fn damaged_body() -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "bad_body",
            Localized::new(
                "Nội dung nén hỏng hoặc lớn hơn 2,5 MB sau khi giải nén.",
                "The compressed body is damaged or larger than 2.5 MB once decompressed.",
            ),
        )
    }

    /// The body is not the JSON the endpoint takes; the English text says where (it names fields,
    /// never values).
    pub fn bad_json(error: &serde_json::Error) -> ApiError {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_json",
            Localized::new(
                "Nội dung yêu cầu không đúng định dạng.",
                format!(
                    "The request body is not valid (line {}, column {}): {}",
                    error.line(),
                    error.column(),
                    error_kind(error)
                ),
            ),
        )
    }

    pub fn bad_cursor() -> ApiError {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_cursor",
            Localized::new(
                "Con trỏ đồng bộ không hợp lệ: cursor và limit phải là số nguyên, mỗi tham số một lần.",
                "The cursor or limit is not valid: each must be a whole number, given once.",
            ),
        )
    }

    pub fn too_many_attempts() -> ApiError {
        ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            Localized::new(
                "Quá nhiều lần thử từ địa chỉ này: hãy đợi vài phút rồi thử lại.",
                "Too many attempts from this address: wait a few minutes and try again.",
            ),
        )
    }

    pub fn unavailable() -> ApiError {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            Localized::new(
                "Máy chủ không kết nối được cơ sở dữ liệu.",
                "The server cannot reach its database.",
            ),
        )
    }

    /// A configuration or a reference list the law or the data does not allow; the message says which
    /// rule.
    pub fn bad_config(message: Localized) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_config", message)
    }

    pub fn too_many_ops() -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_many_ops",
            Localized::new(
                format!("Mỗi lần gửi tối đa {MAX_OPS_PER_PUSH} thao tác."),
                format!("At most {MAX_OPS_PER_PUSH} ops per push."),
            ),
        )
    }
}

impl ApiError {
    pub fn photo(refusal: PhotoRefusal, limits: &PhotoLimits) -> ApiError {
        let status = match refusal {
            PhotoRefusal::BadChunk | PhotoRefusal::ChunkDamaged => StatusCode::BAD_REQUEST,
            PhotoRefusal::OffsetMismatch | PhotoRefusal::NoImage => StatusCode::CONFLICT,
            PhotoRefusal::HashMismatch => StatusCode::UNPROCESSABLE_ENTITY,
            PhotoRefusal::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            PhotoRefusal::QuotaExceeded => StatusCode::TOO_MANY_REQUESTS,
            PhotoRefusal::NotUploaded => StatusCode::NOT_FOUND,
            PhotoRefusal::BadRange => StatusCode::RANGE_NOT_SATISFIABLE,
            PhotoRefusal::Sensitive => StatusCode::FORBIDDEN,
        };
        ApiError::new(status, refusal.code(), refusal.message(limits))
    }

    /// The blob store failed: unreachable object storage is worth a retry (503); a damaged blob is a
    /// server fault (500). Logged without personal data (names are hashes).
    pub fn blob_store(error: &BlobError) -> ApiError {
        match error {
            BlobError::Store(detail) => {
                tracing::warn!(error = %detail, "blob store unavailable");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "blob_store_unavailable",
                    Localized::new(
                        "Kho ảnh của máy chủ tạm thời không trả lời, hãy thử lại sau.",
                        "The server's photo store is not answering for now, try again later.",
                    ),
                )
            }
            BlobError::Damaged(detail) => {
                tracing::error!(error = %detail, "damaged blob");
                ApiError::internal()
            }
        }
    }
}

/// What kind of JSON error it was, without quoting the input.
fn error_kind(error: &serde_json::Error) -> &'static str {
    use serde_json::error::Category;
    match error.classify() {
        Category::Syntax => "not JSON",
        Category::Eof => "the body ends too early",
        Category::Data => "a field is missing, unknown or of the wrong type",
        Category::Io => "the body could not be read",
    }
}

fn status_of(refusal: Refusal) -> StatusCode {
    match refusal {
        Refusal::BadArea | Refusal::UnknownArea | Refusal::BadDeviceId => StatusCode::BAD_REQUEST,
        Refusal::UnknownUser | Refusal::UnknownDevice | Refusal::UnknownPhoto => {
            StatusCode::NOT_FOUND
        }
        Refusal::OutOfScope => StatusCode::FORBIDDEN,
        Refusal::CodeUnknown
        | Refusal::CodeUsed
        | Refusal::CodeExpired
        | Refusal::Unauthenticated
        | Refusal::DeviceRevoked
        | Refusal::WrongAdminToken => StatusCode::UNAUTHORIZED,
        Refusal::LoginTaken => StatusCode::CONFLICT,
    }
}

impl From<StorageError> for ApiError {
    fn from(error: StorageError) -> ApiError {
        match error {
            StorageError::Refused(refusal) => {
                ApiError::new(status_of(refusal), refusal.code(), refusal.message())
            }
            StorageError::Busy(detail) => {
                super::observe::metrics().storage_failures.inc();
                tracing::warn!(error = %detail, "no database connection in time");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "busy",
                    Localized::new(
                        "Máy chủ đang quá tải, điện thoại sẽ tự gửi lại sau.",
                        "The server is overloaded; the phone will send again later.",
                    ),
                )
            }
            other => {
                super::observe::metrics().storage_failures.inc();
                tracing::error!(error = %other, "storage failure");
                ApiError::internal()
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&ErrorBody {
            code: self.code.to_string(),
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

/// The documented error for a status some other layer answered with (axum's extractors and router
/// answer in plain text or with an empty body).
fn for_status(status: StatusCode) -> ApiError {
    let (code, vi, en) = match status {
        StatusCode::TOO_MANY_REQUESTS => (
            "too_many_attempts",
            "Quá nhiều yêu cầu: hãy thử lại sau.",
            "Too many requests: try again later.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "bad_body",
            "Nội dung yêu cầu lớn hơn giới hạn 2,5 MB.",
            "The request body is larger than the 2.5 MB limit.",
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "Địa chỉ này không nhận phương thức HTTP này.",
            "This endpoint does not take this HTTP method.",
        ),
        StatusCode::NOT_FOUND => ("not_found", "Không có địa chỉ này.", "No such endpoint."),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "bad_request",
            "Kiểu nội dung không được hỗ trợ.",
            "Unsupported content type.",
        ),
        status if status.is_server_error() => (
            "internal",
            "Lỗi máy chủ, hãy thử lại sau.",
            "Server error, try again later.",
        ),
        _ => (
            "bad_request",
            "Yêu cầu không hợp lệ.",
            "The request is not valid.",
        ),
    };
    ApiError::new(status, code, Localized::new(vi, en))
}

/// Gives every error response the documented body: one that is already JSON passes unchanged.
pub async fn error_body_everywhere(response: Response<Body>) -> Response<Body> {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if (status.is_client_error() || status.is_server_error()) && !is_json {
        return for_status(status).into_response();
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_too_busy_to_answer_is_a_503_the_phone_retries_not_a_server_fault() {
        let busy = ApiError::from(StorageError::Busy("pool timed out".into()));
        assert_eq!(busy.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(busy.code, "busy");
        assert!(busy.message.vi.contains("quá tải"));
        let damaged = ApiError::from(StorageError::Corrupt("bad row".into()));
        assert_eq!(damaged.status, StatusCode::INTERNAL_SERVER_ERROR);
    }
}
