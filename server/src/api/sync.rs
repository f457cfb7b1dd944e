//! The device endpoints: enroll, push, pull.

use super::limits::{self, ClientAddress};
use super::observe::metrics;
use super::{
    ApiError, ApiResult, Shared, accepts_zstd, authenticate, blocking, body, encode, reply,
};
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use hoso_model::hlc::system_now_millis;
use hoso_model::protocol::ReceiptStatus;
use hoso_model::protocol::{
    EnrollRequest, EnrollResponse, KnownReference, MAX_OPS_PER_PUSH, OutboxReport, PushRequest,
    PushResponse,
};
use hoso_model::role::Role;
use std::num::NonZeroUsize;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// How many pulls read and encode a page at once: one per core. A commune's first pages are
/// CPU-heavy; a thousand of them at once would take every core and make each push (milliseconds of
/// work) wait seconds behind them. Pulls beyond the limit wait their turn; pushes never wait here.
#[derive(Clone)]
pub(super) struct PullLimit(Arc<Semaphore>);

impl PullLimit {
    pub(super) fn per_core() -> PullLimit {
        let cores = std::thread::available_parallelism().map_or(2, NonZeroUsize::get);
        PullLimit(Arc::new(Semaphore::new(cores)))
    }
}

/// Roles whose pulls carry the sync state of their area's devices.
fn oversees(role: Role) -> bool {
    role.may_approve() || role == Role::ProvincialOfficer
}

pub(super) async fn enroll(
    State(storage): State<Shared>,
    Extension(client): Extension<ClientAddress>,
    headers: HeaderMap,
    bytes: Bytes,
) -> ApiResult<Response> {
    limits::check(&storage, limits::FAILED_ENROLLMENT, &client).await?;
    let request: EnrollRequest = body(&headers, &bytes)?;
    let shared = storage.clone();
    let enrolled = blocking(move || {
        shared.enroll(
            &request.code,
            &request.device_id,
            &request.device_name,
            system_now_millis(),
        )
    })
    .await;
    let enrollment = match enrolled {
        Ok(enrollment) => enrollment,
        Err(error) => {
            return Err(limits::failed(&storage, limits::FAILED_ENROLLMENT, &client, error).await);
        }
    };
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

pub(super) async fn push(
    State(storage): State<Shared>,
    Extension(client): Extension<ClientAddress>,
    headers: HeaderMap,
    bytes: Bytes,
) -> ApiResult<Response> {
    let device = authenticate(&storage, &headers, &client).await?;
    let request: PushRequest = body(&headers, &bytes)?;
    if request.ops.len() > MAX_OPS_PER_PUSH {
        return Err(ApiError::too_many_ops());
    }
    let count = request.ops.len();
    let device_id = device.device_id.clone();
    let receipts = blocking(move || {
        let now = system_now_millis();
        let receipts = storage.push(&device, &request.ops, now)?;
        storage.note_sync(&device.device_id, request.outbox, now)?;
        Ok(receipts)
    })
    .await?;
    let rejected = receipts.iter().filter(|r| r.code.is_some()).count();
    for status in [
        ReceiptStatus::Accepted,
        ReceiptStatus::Duplicate,
        ReceiptStatus::Rejected,
    ] {
        let label = match status {
            ReceiptStatus::Accepted => "accepted",
            ReceiptStatus::Duplicate => "duplicate",
            ReceiptStatus::Rejected => "rejected",
        };
        let n = receipts.iter().filter(|r| r.status == status).count();
        metrics().ops.with_label_values(&[label]).inc_by(n as u64);
    }
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
pub(super) struct PullQuery {
    cursor: Option<u64>,
    limit: Option<u64>,
    /// The device's outbox after its push (`docs/protocol.md`, "Outbox report").
    pending_ops: Option<u64>,
    oldest_unsent_millis: Option<u64>,
    /// The first page of a sync asks how far the device is from the head (`docs/protocol.md`).
    #[serde(default)]
    count_remaining: bool,
}

/// Default page size when the device does not ask for one.
const DEFAULT_PAGE_FIELDS: u64 = 5_000;

pub(super) async fn pull(
    State(storage): State<Shared>,
    Extension(client): Extension<ClientAddress>,
    Extension(pulls): Extension<PullLimit>,
    headers: HeaderMap,
    query: Result<Query<PullQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let device = authenticate(&storage, &headers, &client).await?;
    let Query(query) = query.map_err(|_| ApiError::bad_cursor())?;
    let cursor = query.cursor.unwrap_or(0);
    let limit = usize::try_from(query.limit.unwrap_or(DEFAULT_PAGE_FIELDS)).unwrap_or(usize::MAX);
    let device_id = device.device_id.clone();
    let outbox = query.pending_ops.map(|pending_ops| OutboxReport {
        pending_ops,
        oldest_unsent_millis: query.oldest_unsent_millis,
    });
    let zstd = accepts_zstd(&headers);
    let _turn = pulls
        .0
        .acquire()
        .await
        .expect("the pull limit is never closed");
    // The page is read, encoded and compressed on a blocking thread: a commune's first pages are
    // megabytes of JSON, too much work for an async worker.
    let (encoded, records, values, evicted) = blocking(move || {
        let mut page = storage.pull(&device, cursor, limit)?;
        if page.has_more && query.count_remaining {
            page.remaining = Some(storage.remaining(&device, page.next_cursor)?);
        }
        let now = system_now_millis();
        storage.note_sync(&device.device_id, outbox, now)?;
        // Those who oversee an area see its devices on their tablet, as of their last pull.
        if !page.has_more && oversees(device.role) {
            page.devices = storage.device_syncs(&device.area, now)?;
        }
        page.server_time_millis = system_now_millis();
        let values: usize = page.records.iter().map(|r| r.fields.len()).sum();
        Ok((
            encode(&page, zstd),
            page.records.len(),
            values,
            page.evicted.len(),
        ))
    })
    .await?;
    metrics().pulled_values.inc_by(values as u64);
    tracing::info!(device = %device_id, records, values, evicted, "pull");
    Ok(encoded.into_response())
}

/// The data the device's area shares (configuration, administrative units, reports produced), when
/// newer than what the device holds.
pub(super) async fn reference(
    State(storage): State<Shared>,
    Extension(client): Extension<ClientAddress>,
    headers: HeaderMap,
    query: Result<Query<KnownReference>, QueryRejection>,
) -> ApiResult<Response> {
    let device = authenticate(&storage, &headers, &client).await?;
    let Query(known) = query.map_err(|_| ApiError::bad_cursor())?;
    let update = blocking(move || storage.reference(&device, &known, system_now_millis())).await?;
    Ok(reply(&headers, &update))
}
