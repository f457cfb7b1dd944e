//! Sync: the device client ([`client`]) of the protocol in `hoso_model::protocol` and the retry
//! schedule ([`backoff`]). See `docs/protocol.md`.

pub mod backoff;
pub mod client;
