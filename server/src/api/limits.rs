//! Rate limits on what an attacker would repeat: failed enrollments (the codes are short enough to
//! type, so an address past its limit is refused before its code is even tried) and failed
//! authentications (tokens are 256 random bits: past the limit, failures are answered 429). Counted
//! per client address in the storage, so that every server process on one database shares the
//! count. The address is stored only as a hash.

use super::{ApiError, ApiResult, Shared, blocking};
use crate::credentials::hash;
use axum::extract::{ConnectInfo, Request};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use hoso_model::hlc::system_now_millis;
use std::net::SocketAddr;

/// A limit: at most `attempts` per client address in each window.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub kind: &'static str,
    pub attempts: u32,
    pub window_ms: u64,
}

/// Failed enrollments: ten per address in ten minutes (a phone needs none; a typo, a few).
pub const FAILED_ENROLLMENT: Limit = Limit {
    kind: "enroll",
    attempts: 10,
    window_ms: 10 * 60 * 1000,
};

/// Failed authentication: thirty per address per minute (a device with a stale token fails once).
pub const FAILED_AUTHENTICATION: Limit = Limit {
    kind: "auth",
    attempts: 30,
    window_ms: 60 * 1000,
};

/// Who sent a request, as the rate limits count it.
#[derive(Clone, Debug)]
pub struct ClientAddress(pub String);

/// Where a request comes from: the peer's address, or — behind a reverse proxy the operator said to
/// trust — the address that proxy appended last to `X-Forwarded-For`.
fn client_address(behind_proxy: bool, headers: &HeaderMap, peer: Option<SocketAddr>) -> String {
    let forwarded = headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty());
    match (behind_proxy, forwarded, peer) {
        (true, Some(address), _) => address,
        (_, _, Some(peer)) => peer.ip().to_string(),
        _ => "unknown".into(),
    }
}

/// Middleware: records the request's client address for the limits.
pub async fn remember_client(behind_proxy: bool, mut request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0);
    let address = client_address(behind_proxy, request.headers(), peer);
    request.extensions_mut().insert(ClientAddress(address));
    next.run(request).await
}

async fn attempts(
    storage: &Shared,
    limit: Limit,
    client: &ClientAddress,
    add: u32,
) -> ApiResult<u32> {
    let key = hash(&format!("{}:{}", limit.kind, client.0));
    let storage = storage.clone();
    blocking(move || storage.count_attempts(&key, system_now_millis(), limit.window_ms, add)).await
}

fn refused(limit: Limit) -> ApiError {
    super::observe::metrics()
        .rate_limited
        .with_label_values(&[limit.kind])
        .inc();
    ApiError::too_many_attempts()
}

/// Refuses (429) a client that has used up its failures in this window.
pub async fn check(storage: &Shared, limit: Limit, client: &ClientAddress) -> ApiResult<()> {
    if attempts(storage, limit, client, 0).await? >= limit.attempts {
        return Err(refused(limit));
    }
    Ok(())
}

/// Counts a failure: `error` as it is, or 429 once past the limit.
pub async fn failed(
    storage: &Shared,
    limit: Limit,
    client: &ClientAddress,
    error: ApiError,
) -> ApiError {
    match attempts(storage, limit, client, 1).await {
        Ok(count) if count > limit.attempts => refused(limit),
        Ok(_) => error,
        Err(other) => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_proxys_last_entry_counts_only_behind_a_trusted_proxy() {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "1.2.3.4, 10.0.0.7".parse().unwrap());
        let peer: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        assert_eq!(client_address(true, &headers, Some(peer)), "10.0.0.7");
        assert_eq!(client_address(false, &headers, Some(peer)), "127.0.0.1");
        assert_eq!(
            client_address(true, &HeaderMap::new(), Some(peer)),
            "127.0.0.1"
        );
        assert_eq!(client_address(false, &HeaderMap::new(), None), "unknown");
    }
}
