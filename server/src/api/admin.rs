//! The administrator's endpoints (an admin token): areas, users and enrollment codes.

use super::{ApiError, ApiResult, Shared, admin, blocking, body, reply};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use hoso_model::area::{Area, AreaKind};
use hoso_model::hlc::system_now_millis;
use hoso_model::i18n::Localized;
use hoso_model::protocol::{
    AdminUnitsUpdate, CreateArea, CreateUser, CreatedUser, IssueCode, IssuedCode, SetConfig,
};

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

/// Sets what the law leaves open for a province or facility; values the law forbids are refused with
/// the rule they break.
pub(super) async fn set_config(
    State(storage): State<Shared>,
    headers: HeaderMap,
    bytes: Bytes,
) -> ApiResult<Response> {
    admin(&storage, &headers).await?;
    let request: SetConfig = body(&headers, &bytes)?;
    request.config.check().map_err(ApiError::bad_config)?;
    if request.area.kind == AreaKind::Commune {
        return Err(ApiError::bad_config(Localized::new(
            "Cấu hình đặt cho tỉnh hoặc cơ sở, không cho từng xã.",
            "Configuration is set for a province or a facility, not for each commune.",
        )));
    }
    let version = blocking(move || storage.set_config(&request.area, &request.config)).await?;
    Ok(reply(&headers, &serde_json::json!({"version": version})))
}

/// Imports a list of administrative units that devices receive from its effective day.
pub(super) async fn import_admin_units(
    State(storage): State<Shared>,
    headers: HeaderMap,
    bytes: Bytes,
) -> ApiResult<Response> {
    admin(&storage, &headers).await?;
    let update: AdminUnitsUpdate = body(&headers, &bytes)?;
    check_units(&update).map_err(ApiError::bad_config)?;
    blocking(move || storage.import_admin_units(&update, system_now_millis())).await?;
    Ok(reply(&headers, &serde_json::json!({"imported": true})))
}

/// A list is taken only if every commune names a province of the list and codes have their widths.
fn check_units(update: &AdminUnitsUpdate) -> Result<(), Localized> {
    let units = &update.units;
    if units.version.trim().is_empty() || units.provinces.is_empty() {
        return Err(Localized::new(
            "Danh mục đơn vị hành chính cần có phiên bản và ít nhất một tỉnh.",
            "A list of administrative units needs a version and at least one province.",
        ));
    }
    for commune in units.communes.values() {
        units
            .check_area(&commune.code, &commune.province_code)
            .map_err(|reason| {
                Localized::new(
                    format!("Xã {}: {}", commune.code, reason.vi),
                    format!("Commune {}: {}", commune.code, reason.en),
                )
            })?;
    }
    Ok(())
}
