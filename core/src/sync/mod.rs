//! Sync: the wire protocol shared with `hoso-server` ([`protocol`]), the device client ([`client`]) and
//! the retry schedule ([`backoff`]). See `docs/protocol.md`.

pub mod backoff;
pub mod client;
pub mod policy;
pub mod protocol;
