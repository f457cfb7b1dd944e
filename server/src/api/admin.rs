//! The administrator's endpoints (an admin token): areas, users and enrollment codes.

use super::{ApiResult, Shared, admin, blocking, body, reply};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use hoso_model::area::Area;
use hoso_model::hlc::system_now_millis;
use hoso_model::protocol::{CreateArea, CreateUser, CreatedUser, IssueCode, IssuedCode};

pub(super) async fn create_area(
    State(storage): State<Shared>,
    headers: HeaderMap,
    bytes: Bytes,
) -> ApiResult<Response> {
    admin(&storage, &headers).await?;
    let request: CreateArea = body(&headers, &bytes)?;
    let area = Area {
        kind: request.kind,
        code: request.code.clone(),
    };
    blocking(move || storage.create_area(&area, &request.name)).await?;
    Ok(reply(&headers, &serde_json::json!({"created": true})))
}

pub(super) async fn create_user(
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

pub(super) async fn issue_code(
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
