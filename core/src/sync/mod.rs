//! Sync: the device client ([`client`]) of the protocol in `hoso_model::protocol`, its HTTP exchanges
//! ([`http`]), what it reports while it runs ([`progress`]) and the retry schedule ([`backoff`]). See
//! `docs/protocol.md`.

pub mod backoff;
pub mod client;
pub mod http;
pub mod progress;
