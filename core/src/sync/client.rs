//! The device side of sync: [`SyncClient`] enrolls once, then `sync_now` pushes the outbox and pulls
//! the scope.
//!
//! Resumable by construction: ops are acknowledged one by one from receipts (a push cut mid-way is
//! simply repeated, the server dedupes by op id), and the pull cursor only advances after a page is
//! merged. Synchronous on purpose: phones call it from a background thread.

use super::backoff::retry_delay_millis;
use crate::error::{Error, Result};
use crate::store::meta_keys::{
    AREA, DEVICE_TOKEN, LAST_SYNC_FAILURE, LAST_SYNC_SUCCESS, PULL_CURSOR, SERVER_URL,
    SYNC_FAILURES,
};
use crate::store::{Rejection, Store};
use hoso_model::hlc::node_of;
use hoso_model::protocol::{
    EnrollRequest, EnrollResponse, ErrorBody, MAX_OPS_PER_PUSH, PullResponse, PushRequest,
    PushResponse, Receipt, ReceiptStatus, ReferenceUpdate, compress, decompress,
};
use hoso_model::role::Role;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Largest pulled response accepted after decompression.
const MAX_RESPONSE_BYTES: usize = 256 * 1024 * 1024;
const PULL_PAGE_FIELDS: usize = 10_000;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncReport {
    pub pushed: usize,
    pub acknowledged: usize,
    pub rejected: usize,
    pub pulled_records: usize,
    pub changed_values: usize,
    pub evicted: usize,
    /// Bytes sent and received on the wire (compressed), for the sync screen and the benchmarks.
    pub bytes_up: usize,
    pub bytes_down: usize,
    /// Field values merged from pulls.
    pub pulled_values: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SyncStatus {
    pub enrolled: bool,
    pub last_success_millis: Option<u64>,
    pub consecutive_failures: u32,
    /// When the next attempt is due, even if nothing new is recorded meanwhile.
    pub next_attempt_millis: u64,
    pub outbox_ops: usize,
}

fn http() -> Result<reqwest::blocking::Client> {
    // ring rather than aws-lc: it builds for every phone target. Installing twice is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .connect_timeout(Duration::from_secs(15))
        .build()
        .map_err(|e| Error::Network(e.to_string()))
}

fn network(error: reqwest::Error) -> Error {
    Error::Network(error.to_string())
}

/// Sends a JSON body compressed with zstd and reads a JSON answer, compressed or not.
fn call<T: DeserializeOwned>(
    request: reqwest::blocking::RequestBuilder,
    body: Option<&impl Serialize>,
    wire: &mut (usize, usize),
) -> Result<T> {
    let request = request.header("Accept-Encoding", "zstd");
    let request = match body {
        Some(body) => {
            let compressed = compress(&serde_json::to_vec(body)?);
            wire.0 += compressed.len();
            request
                .header("Content-Type", "application/json")
                .header("Content-Encoding", "zstd")
                .body(compressed)
        }
        None => request,
    };
    let response = request.send().map_err(network)?;
    let status = response.status();
    let zstd = response
        .headers()
        .get("content-encoding")
        .is_some_and(|v| v.as_bytes() == b"zstd");
    let bytes = response.bytes().map_err(network)?;
    wire.1 += bytes.len();
    let bytes = if zstd {
        decompress(&bytes, MAX_RESPONSE_BYTES)?
    } else {
        bytes.to_vec()
    };
    if !status.is_success() {
        let code = serde_json::from_slice::<ErrorBody>(&bytes)
            .map(|b| b.code)
            .unwrap_or_else(|_| "unknown".into());
        if code == "device_revoked" {
            return Err(Error::Revoked);
        }
        return Err(Error::Server {
            status: status.as_u16(),
            code,
        });
    }
    Ok(serde_json::from_slice(&bytes)?)
}

/// Syncs one store with its server. Holds the store it syncs and the flag that stops a running sync.
pub struct SyncClient {
    store: Arc<Store>,
    interrupted: AtomicBool,
}

/// The server's answer to one push, reduced to what the outbox needs.
#[derive(Debug, Default, PartialEq)]
struct PushOutcome {
    acknowledged: Vec<String>,
    rejected: Vec<(String, Rejection)>,
}

/// Sorts the receipts of one batch. Receipts for ops that were not in the batch are ignored: only the
/// server's word on what was sent counts.
fn sort_receipts(batch: &HashSet<&str>, receipts: Vec<Receipt>) -> PushOutcome {
    let mut outcome = PushOutcome::default();
    for receipt in receipts {
        if !batch.contains(receipt.op_id.as_str()) {
            continue;
        }
        match receipt.status {
            ReceiptStatus::Accepted | ReceiptStatus::Duplicate => {
                outcome.acknowledged.push(receipt.op_id)
            }
            ReceiptStatus::Rejected => {
                let rejection = Rejection {
                    code: receipt.code.unwrap_or_else(|| "rejected".into()),
                    reason: receipt.reason.unwrap_or_default(),
                };
                outcome.rejected.push((receipt.op_id, rejection));
            }
        }
    }
    outcome
}

impl SyncClient {
    pub fn new(store: Arc<Store>) -> SyncClient {
        SyncClient {
            store,
            interrupted: AtomicBool::new(false),
        }
    }

    /// Enrolls this device with a one-time code from the server's administrator.
    pub fn enroll(
        &self,
        server_url: &str,
        code: &str,
        device_name: &str,
    ) -> Result<EnrollResponse> {
        let store = &self.store;
        let device_id = store.identity().device_id;
        let url = format!("{}/v1/enroll", server_url.trim_end_matches('/'));
        let request = EnrollRequest {
            code: code.trim().to_string(),
            device_id,
            device_name: device_name.to_string(),
        };
        let response: EnrollResponse = call(http()?.post(url), Some(&request), &mut (0, 0))?;
        store.set_identity(&response.user_id, response.role)?;
        store.set_meta(SERVER_URL, server_url.trim_end_matches('/'))?;
        store.set_meta(DEVICE_TOKEN, &response.token)?;
        store.set_meta(AREA, &serde_json::to_string(&response.area)?)?;
        Ok(response)
    }

    /// Points this device at another address of its server (a new domain, a proxy); the enrollment
    /// stays.
    pub fn set_server(&self, server_url: &str) -> Result<()> {
        self.store
            .set_meta(SERVER_URL, server_url.trim_end_matches('/'))
    }

    /// The user's role, as the server gave it at enrollment.
    pub fn role(&self) -> Result<Role> {
        self.store.role()
    }

    /// Asks a running sync to stop at its next step; it returns `Interrupted` and loses nothing.
    pub fn interrupt(&self) {
        self.interrupted.store(true, Ordering::SeqCst);
    }

    fn check_interrupted(&self) -> Result<()> {
        if self.interrupted.swap(false, Ordering::SeqCst) {
            Err(Error::Interrupted)
        } else {
            Ok(())
        }
    }

    /// Pushes every queued op, then pulls until the scope is up to date. On failure the retry is
    /// scheduled by itself (see [`SyncClient::status`]).
    pub fn sync_now(&self) -> Result<SyncReport> {
        self.interrupted.store(false, Ordering::SeqCst);
        let outcome = self.sync_once();
        let store = &self.store;
        match &outcome {
            Ok(_) => {
                store.set_meta(SYNC_FAILURES, "0")?;
                store.set_meta(LAST_SYNC_SUCCESS, &store.now_millis().to_string())?;
            }
            Err(Error::Revoked) => store.wipe()?,
            Err(_) => {
                let failures = store
                    .meta(SYNC_FAILURES)?
                    .and_then(|f| f.parse::<u32>().ok())
                    .unwrap_or(0)
                    + 1;
                store.set_meta(SYNC_FAILURES, &failures.to_string())?;
                store.set_meta(LAST_SYNC_FAILURE, &store.now_millis().to_string())?;
            }
        }
        outcome
    }

    fn sync_once(&self) -> Result<SyncReport> {
        let server = self.store.meta(SERVER_URL)?.ok_or_else(|| {
            Error::not_allowed(
                "Thiết bị chưa được đăng ký với máy chủ.",
                "This device is not enrolled with a server.",
            )
        })?;
        let token = self.store.meta(DEVICE_TOKEN)?.unwrap_or_default();
        let client = http()?;
        let mut report = SyncReport::default();
        self.push_outbox(&client, &server, &token, &mut report)?;
        self.pull_pages(&client, &server, &token, &mut report)?;
        self.refresh_reference(&client, &server, &token, &mut report)?;
        Ok(report)
    }

    /// Takes the configuration, administrative units and produced reports of the device's area when
    /// the server has newer ones than the device holds.
    fn refresh_reference(
        &self,
        client: &reqwest::blocking::Client,
        server: &str,
        token: &str,
        report: &mut SyncReport,
    ) -> Result<()> {
        self.check_interrupted()?;
        let known = self.store.known_reference()?;
        let mut wire = (0, 0);
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("config_version", &known.config_version.to_string())
            .append_pair("units_version", &known.units_version)
            .finish();
        let update: Result<ReferenceUpdate> = call(
            client
                .get(format!("{server}/v1/reference?{query}"))
                .bearer_auth(token),
            None::<&()>,
            &mut wire,
        );
        report.bytes_down += wire.1;
        self.store.apply_reference(update?)
    }

    /// Pushes the outbox in batches until it is empty. A batch the server answers without a receipt
    /// for any of its ops is an error, not a reason to send it again forever.
    fn push_outbox(
        &self,
        client: &reqwest::blocking::Client,
        server: &str,
        token: &str,
        report: &mut SyncReport,
    ) -> Result<()> {
        let store = &self.store;
        loop {
            self.check_interrupted()?;
            let ops = store.ops_to_push(MAX_OPS_PER_PUSH)?;
            if ops.is_empty() {
                return Ok(());
            }
            let ids: Vec<String> = ops.iter().map(|o| o.op_id.clone()).collect();
            store.mark_sent(&ids)?;
            report.pushed += ops.len();
            let mut wire = (0, 0);
            let response: Result<PushResponse> = call(
                client.post(format!("{server}/v1/push")).bearer_auth(token),
                Some(&PushRequest { ops }),
                &mut wire,
            );
            report.bytes_up += wire.0;
            report.bytes_down += wire.1;
            let batch: HashSet<&str> = ids.iter().map(String::as_str).collect();
            let outcome = sort_receipts(&batch, response?.receipts);
            if outcome.acknowledged.is_empty() && outcome.rejected.is_empty() {
                return Err(Error::Protocol(
                    "the server answered a push without a receipt for any of its ops".into(),
                ));
            }
            for (op_id, rejection) in &outcome.rejected {
                store.mark_rejected(op_id, rejection)?;
            }
            report.rejected += outcome.rejected.len();
            report.acknowledged += outcome.acknowledged.len();
            store.mark_acknowledged(&outcome.acknowledged)?;
        }
    }

    /// Pulls until the scope is up to date. The next page is fetched (and decoded) on a second thread
    /// while this one merges the current page, so the network and the database work at the same time;
    /// the cursor is saved only after its page is merged, so an interruption anywhere loses nothing.
    fn pull_pages(
        &self,
        client: &reqwest::blocking::Client,
        server: &str,
        token: &str,
        report: &mut SyncReport,
    ) -> Result<()> {
        let start = self
            .store
            .meta(PULL_CURSOR)?
            .and_then(|c| c.parse::<u64>().ok())
            .unwrap_or(0);
        std::thread::scope(|scope| {
            let (pages, received) =
                std::sync::mpsc::sync_channel::<Result<(PullResponse, usize)>>(1);
            scope.spawn(move || {
                let mut cursor = start;
                loop {
                    let mut wire = (0, 0);
                    let page: Result<PullResponse> = call(
                        client
                            .get(format!(
                                "{server}/v1/pull?cursor={cursor}&limit={PULL_PAGE_FIELDS}"
                            ))
                            .bearer_auth(token),
                        None::<&()>,
                        &mut wire,
                    );
                    let more = page.as_ref().ok().map(|p| (p.has_more, p.next_cursor));
                    // A closed channel means the merging side stopped (an error or an interruption).
                    if pages.send(page.map(|p| (p, wire.1))).is_err() {
                        return;
                    }
                    match more {
                        Some((true, next)) => cursor = next,
                        _ => return,
                    }
                }
            });
            for page in received {
                self.check_interrupted()?;
                let (page, bytes_down) = page?;
                report.bytes_down += bytes_down;
                report.pulled_values += page.records.iter().map(|r| r.fields.len()).sum::<usize>();
                report.pulled_records += page.records.len();
                report.evicted += page.evicted.len();
                report.changed_values += self.store.apply_remote_page(page)?;
            }
            Ok(())
        })
    }

    pub fn status(&self) -> Result<SyncStatus> {
        let store = &self.store;
        let failures = store
            .meta(SYNC_FAILURES)?
            .and_then(|f| f.parse::<u32>().ok())
            .unwrap_or(0);
        let last_failure = store
            .meta(LAST_SYNC_FAILURE)?
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0);
        let jitter = node_of(&store.identity().device_id) % 1000;
        Ok(SyncStatus {
            enrolled: store.meta(DEVICE_TOKEN)?.is_some(),
            last_success_millis: store.meta(LAST_SYNC_SUCCESS)?.and_then(|f| f.parse().ok()),
            consecutive_failures: failures,
            next_attempt_millis: if failures == 0 {
                0
            } else {
                last_failure + retry_delay_millis(failures, jitter)
            },
            outbox_ops: store.outbox_len()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hoso_model::i18n::Localized;

    fn receipt(op_id: &str, status: ReceiptStatus) -> Receipt {
        Receipt {
            op_id: op_id.into(),
            status,
            code: (status == ReceiptStatus::Rejected).then(|| "not_allowed".into()),
            reason: (status == ReceiptStatus::Rejected).then(|| Localized::new("không", "no")),
        }
    }

    #[test]
    fn receipts_sort_into_acknowledged_and_rejected() {
        let batch: HashSet<&str> = ["a", "b", "c"].into_iter().collect();
        let outcome = sort_receipts(
            &batch,
            vec![
                receipt("a", ReceiptStatus::Accepted),
                receipt("b", ReceiptStatus::Duplicate),
                receipt("c", ReceiptStatus::Rejected),
            ],
        );
        assert_eq!(outcome.acknowledged, vec!["a", "b"]);
        assert_eq!(outcome.rejected.len(), 1);
        assert_eq!(outcome.rejected[0].1.code, "not_allowed");
    }

    #[test]
    fn receipts_for_ops_not_sent_in_the_batch_count_for_nothing() {
        let batch: HashSet<&str> = ["a"].into_iter().collect();
        let outcome = sort_receipts(&batch, vec![receipt("z", ReceiptStatus::Accepted)]);
        assert_eq!(outcome, PushOutcome::default());
    }
}
