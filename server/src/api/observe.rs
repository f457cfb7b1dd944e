//! What the server tells its operators: a request id on every request (in each of its log lines, in
//! the `x-request-id` header and in every error body), one structured log line per request, and
//! Prometheus metrics (`GET /metrics`: requests, latencies, ops pushed, field values pulled, storage
//! failures, and on PostgreSQL the age of the oldest open transaction, which devices' pulls wait
//! on). No label, log field or metric carries personal data: routes are the matched patterns, never
//! the query or the body.

use axum::body::{Body, to_bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus::{
    Encoder, Gauge, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, Opts, Registry,
    TextEncoder,
};
use std::sync::LazyLock;
use std::time::Instant;
use tracing::Instrument;

pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// Error bodies are small; a larger one is passed on as it is.
const MAX_ERROR_BODY: usize = 64 * 1024;

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    /// Pushed ops by receipt status (accepted, duplicate, rejected).
    pub ops: IntCounterVec,
    pub pulled_values: IntCounter,
    pub storage_failures: IntCounter,
    pub rate_limited: IntCounterVec,
    /// Read from the database at each scrape; reported only by a backend that has it (PostgreSQL).
    database: Registry,
    oldest_transaction: Gauge,
}

fn build() -> Result<Metrics, prometheus::Error> {
    let registry = Registry::new_custom(Some("hoso".into()), None)?;
    let requests = IntCounterVec::new(
        Opts::new("http_requests_total", "HTTP requests by route and status"),
        &["route", "status"],
    )?;
    let latency = HistogramVec::new(
        HistogramOpts::new(
            "http_request_duration_seconds",
            "HTTP request latency by route",
        )
        .buckets(vec![
            0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
        ]),
        &["route"],
    )?;
    let ops = IntCounterVec::new(
        Opts::new("pushed_ops_total", "Pushed ops by receipt status"),
        &["status"],
    )?;
    let pulled_values = IntCounter::new("pulled_field_values_total", "Field values sent in pulls")?;
    let storage_failures = IntCounter::new(
        "storage_failures_total",
        "Requests that failed in the database (answered 500)",
    )?;
    let rate_limited = IntCounterVec::new(
        Opts::new("rate_limited_total", "Requests refused by a rate limit"),
        &["kind"],
    )?;
    registry.register(Box::new(requests.clone()))?;
    registry.register(Box::new(latency.clone()))?;
    registry.register(Box::new(ops.clone()))?;
    registry.register(Box::new(pulled_values.clone()))?;
    registry.register(Box::new(storage_failures.clone()))?;
    registry.register(Box::new(rate_limited.clone()))?;
    let database = Registry::new_custom(Some("hoso".into()), None)?;
    let oldest_transaction = Gauge::new(
        "oldest_transaction_seconds",
        "How long the database's oldest open writing transaction has run; pulls wait below it",
    )?;
    database.register(Box::new(oldest_transaction.clone()))?;
    Ok(Metrics {
        registry,
        requests,
        latency,
        ops,
        pulled_values,
        storage_failures,
        rate_limited,
        database,
        oldest_transaction,
    })
}

static METRICS: LazyLock<Metrics> =
    LazyLock::new(|| build().expect("the metric names and labels are fixed and valid"));

pub fn metrics() -> &'static Metrics {
    &METRICS
}

/// `GET /metrics` in Prometheus's text format.
pub async fn metrics_page(State(storage): State<super::Shared>) -> Response {
    let mut families = metrics().registry.gather();
    // A database that does not answer leaves the gauge out: the health check reports it.
    if let Ok(Some(seconds)) = super::blocking(move || storage.oldest_transaction_seconds()).await {
        metrics().oldest_transaction.set(seconds);
        families.extend(metrics().database.gather());
    }
    let mut text = Vec::new();
    let encoder = TextEncoder::new();
    if encoder.encode(&families, &mut text).is_err() {
        return super::ApiError::internal().into_response();
    }
    (
        [(header::CONTENT_TYPE, encoder.format_type().to_string())],
        text,
    )
        .into_response()
}

fn new_request_id() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}

/// Gives the request an id, runs it inside a span carrying the id (so every log line it writes has
/// it), logs one line and records metrics when it ends, and puts the id in the answer.
pub async fn observe(request: Request, next: Next) -> Response {
    let id = new_request_id();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |path| path.as_str())
        .to_string();
    let method = request.method().clone();
    let span = tracing::info_span!("request", request_id = %id);
    let started = Instant::now();
    let response = next.run(request).instrument(span.clone()).await;
    let elapsed = started.elapsed();
    let status = response.status();
    let m = metrics();
    m.requests
        .with_label_values(&[route.as_str(), status.as_str()])
        .inc();
    m.latency
        .with_label_values(&[route.as_str()])
        .observe(elapsed.as_secs_f64());
    span.in_scope(|| {
        tracing::info!(%method, route = %route, status = status.as_u16(), ms = elapsed.as_secs_f64() * 1000.0, "request");
    });
    with_request_id(response, &id).await
}

/// The id in the header, and in the body of an error (the documented `{code, message}` body).
async fn with_request_id(response: Response, id: &str) -> Response {
    let (mut parts, body) = response.into_parts();
    if let Ok(value) = HeaderValue::from_str(id) {
        parts.headers.insert(REQUEST_ID_HEADER, value);
    }
    if !(parts.status.is_client_error() || parts.status.is_server_error()) {
        return Response::from_parts(parts, body);
    }
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let body = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(serde_json::Value::Object(mut object)) => {
            object.insert("request_id".into(), id.into());
            serde_json::to_vec(&object).unwrap_or_else(|_| bytes.to_vec())
        }
        _ => bytes.to_vec(),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}
