//! The photo endpoints: where an upload stands, one chunk of an upload, and the image itself. Who may
//! touch a photo is the storage's answer from the photo's record (`Storage::photo_blob`); what a chunk
//! means is `blobs::upload`'s. Nothing here is a rule.

use super::limits::ClientAddress;
use super::{ApiError, ApiResult, Shared, authenticate, blocking, reply};
use crate::blobs::upload::{self, Chunk, Expected, KeepError, Plan};
use crate::blobs::{BlobName, PhotoRefusal, Photos};
use crate::storage::{DeviceAuth, PhotoBlob};
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hoso_model::domain::local_date;
use hoso_model::hlc::system_now_millis;

/// The header that names the image sent (its SHA-256), so the device checks what it received.
pub const BLOB_HEADER: &str = "x-hoso-blob";

#[derive(Clone)]
struct PhotoState {
    storage: Shared,
    photos: Photos,
}

/// The photo routes, merged into the main router by [`super::router_with`] (which puts its limits,
/// request ids and error bodies around them).
pub fn router(storage: Shared, photos: Photos) -> Router {
    Router::new()
        .route(
            "/v1/photos/{photo_id}/upload",
            get(upload_status).put(upload_chunk),
        )
        .route("/v1/photos/{photo_id}/image", get(image))
        .with_state(PhotoState { storage, photos })
}

async fn photo_blob(
    state: &PhotoState,
    device: DeviceAuth,
    photo_id: String,
) -> ApiResult<PhotoBlob> {
    let storage = state.storage.clone();
    blocking(move || storage.photo_blob(&device, &photo_id)).await
}

fn expected(state: &PhotoState, blob: &PhotoBlob) -> ApiResult<Expected> {
    Expected::from_record(blob.blob.as_deref(), blob.size, &state.photos.limits)
        .map_err(|refusal| refused(state, refusal))
}

fn refused(state: &PhotoState, refusal: PhotoRefusal) -> ApiError {
    ApiError::photo(refusal, &state.photos.limits)
}

async fn upload_status(
    State(state): State<PhotoState>,
    Extension(client): Extension<ClientAddress>,
    Path(photo_id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let device = authenticate(&state.storage, &headers, &client).await?;
    let blob = photo_blob(&state, device, photo_id).await?;
    let expected = expected(&state, &blob)?;
    let status = upload::status(&*state.photos.store, &expected)
        .await
        .map_err(|e| ApiError::blob_store(&e))?;
    Ok(reply(&headers, &status))
}

#[derive(serde::Deserialize)]
struct ChunkQuery {
    offset: u64,
    sha256: String,
}

async fn upload_chunk(
    State(state): State<PhotoState>,
    Extension(client): Extension<ClientAddress>,
    Path(photo_id): Path<String>,
    query: Result<Query<ChunkQuery>, QueryRejection>,
    headers: HeaderMap,
    bytes: Bytes,
) -> ApiResult<Response> {
    let device = authenticate(&state.storage, &headers, &client).await?;
    let Query(query) = query.map_err(|_| refused(&state, PhotoRefusal::BadChunk))?;
    let device_id = device.device_id.clone();
    let blob = photo_blob(&state, device, photo_id.clone()).await?;
    let expected = expected(&state, &blob)?;
    let store = &*state.photos.store;
    let status = upload::status(store, &expected)
        .await
        .map_err(|e| ApiError::blob_store(&e))?;
    if status.complete {
        return Ok(reply(&headers, &status));
    }
    let chunk = Chunk {
        offset: query.offset,
        bytes: &bytes,
        sha256: &query.sha256,
    };
    let (at, skip) = match upload::plan(&expected, status.received, &chunk) {
        Ok(Plan::Held) => return Ok(reply(&headers, &status)),
        Ok(Plan::Keep { at, skip }) => (at, skip),
        Err(refusal) => return Err(refused(&state, refusal)),
    };
    let new = bytes.slice(skip..);
    charge(&state, &device_id, new.len() as u64).await?;
    let status = upload::keep(store, &expected, at, &new)
        .await
        .map_err(|error| match error {
            KeepError::Refused(refusal) => refused(&state, refusal),
            KeepError::Store(e) => ApiError::blob_store(&e),
        })?;
    tracing::info!(device = %device_id, photo = %photo_id, bytes = new.len(), complete = status.complete, "photo chunk");
    Ok(reply(&headers, &status))
}

/// Counts new bytes against the device's quota for today (Vietnam's day).
async fn charge(state: &PhotoState, device_id: &str, bytes: u64) -> ApiResult<()> {
    let storage = state.storage.clone();
    let (device_id, quota) = (device_id.to_string(), state.photos.limits.daily_quota_bytes);
    let day = local_date(system_now_millis()).to_string();
    let charged = blocking(move || storage.charge_upload(&device_id, &day, bytes, quota)).await?;
    if charged {
        Ok(())
    } else {
        Err(refused(state, PhotoRefusal::QuotaExceeded))
    }
}

async fn image(
    State(state): State<PhotoState>,
    Extension(client): Extension<ClientAddress>,
    Path(photo_id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let device = authenticate(&state.storage, &headers, &client).await?;
    let blob = photo_blob(&state, device, photo_id).await?;
    if !blob.readable {
        return Err(refused(&state, PhotoRefusal::Sensitive));
    }
    let name = blob
        .blob
        .as_deref()
        .and_then(BlobName::parse)
        .ok_or_else(|| refused(&state, PhotoRefusal::NoImage))?;
    let bytes = state
        .photos
        .store
        .read(&name)
        .await
        .map_err(|e| ApiError::blob_store(&e))?
        .ok_or_else(|| refused(&state, PhotoRefusal::NotUploaded))?;
    let range = requested_range(&headers, bytes.len() as u64)
        .map_err(|refusal| refused(&state, refusal))?;
    let blob_header = HeaderValue::from_str(name.as_str()).expect("a hex name is a header value");
    let mut response = match range {
        None => (StatusCode::OK, bytes).into_response(),
        Some((start, end)) => {
            let content_range = format!("bytes {start}-{end}/{}", bytes.len());
            let part = bytes[start as usize..=end as usize].to_vec();
            let mut response = (StatusCode::PARTIAL_CONTENT, part).into_response();
            response.headers_mut().insert(
                header::CONTENT_RANGE,
                HeaderValue::from_str(&content_range).expect("digits are a header value"),
            );
            response
        }
    };
    let response_headers = response.headers_mut();
    response_headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
    response_headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    response_headers.insert(BLOB_HEADER, blob_header);
    Ok(response)
}

/// The one byte range asked for (`bytes=N-` or `bytes=N-M`), inclusive; `None` for the whole image.
fn requested_range(headers: &HeaderMap, length: u64) -> Result<Option<(u64, u64)>, PhotoRefusal> {
    let Some(value) = headers.get(header::RANGE) else {
        return Ok(None);
    };
    let spec = value
        .to_str()
        .ok()
        .and_then(|v| v.trim().strip_prefix("bytes="))
        .ok_or(PhotoRefusal::BadRange)?;
    let (start, end) = spec.split_once('-').ok_or(PhotoRefusal::BadRange)?;
    let start: u64 = start.trim().parse().map_err(|_| PhotoRefusal::BadRange)?;
    let end: u64 = match end.trim() {
        "" => length.saturating_sub(1),
        text => text
            .parse::<u64>()
            .map_err(|_| PhotoRefusal::BadRange)?
            .min(length.saturating_sub(1)),
    };
    if start >= length || start > end {
        return Err(PhotoRefusal::BadRange);
    }
    Ok(Some((start, end)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(value: &str, length: u64) -> Result<Option<(u64, u64)>, PhotoRefusal> {
        let mut headers = HeaderMap::new();
        headers.insert(header::RANGE, HeaderValue::from_str(value).expect("header"));
        requested_range(&headers, length)
    }

    #[test]
    fn a_download_resumes_from_a_byte_range() {
        assert_eq!(requested_range(&HeaderMap::new(), 100), Ok(None));
        assert_eq!(range("bytes=70-", 100), Ok(Some((70, 99))));
        assert_eq!(range("bytes=0-9", 100), Ok(Some((0, 9))));
        assert_eq!(range("bytes=90-500", 100), Ok(Some((90, 99))));
        for bad in [
            "bytes=100-",
            "bytes=5-2",
            "items=0-1",
            "bytes=-5",
            "bytes=a-",
        ] {
            assert_eq!(range(bad, 100), Err(PhotoRefusal::BadRange), "{bad}");
        }
    }
}
