//! The device side of sync: enroll once, then `sync_now` pushes the outbox and pulls the scope.
//!
//! Resumable by construction: ops are acknowledged one by one from receipts (a push cut mid-way is
//! simply repeated, the server dedupes by op id), and the pull cursor only advances after a page is
//! merged. Synchronous on purpose: phones call it from a background thread.

use super::backoff::retry_delay_millis;
use super::protocol::{
    EnrollRequest, EnrollResponse, ErrorBody, MAX_OPS_PER_PUSH, PullResponse, PushRequest,
    PushResponse, ReceiptStatus, compress, decompress,
};
use crate::error::{Error, Result};
use crate::store::{Rejection, Store};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::sync::atomic::Ordering;
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

impl Store {
    /// Enrolls this device with a one-time code from the server's administrator.
    pub fn enroll(
        &self,
        server_url: &str,
        code: &str,
        device_name: &str,
    ) -> Result<EnrollResponse> {
        let device_id = self.identity().device_id;
        let url = format!("{}/v1/enroll", server_url.trim_end_matches('/'));
        let request = EnrollRequest {
            code: code.trim().to_string(),
            device_id,
            device_name: device_name.to_string(),
        };
        let response: EnrollResponse = call(http()?.post(url), Some(&request), &mut (0, 0))?;
        self.set_identity(&response.user_id, response.role)?;
        self.set_meta("server_url", server_url.trim_end_matches('/'))?;
        self.set_meta("device_token", &response.token)?;
        self.set_meta("area", &serde_json::to_string(&response.area)?)?;
        Ok(response)
    }

    /// Asks a running sync to stop at its next step; it returns `Interrupted` and loses nothing.
    pub fn interrupt_sync(&self) {
        self.sync_interrupted.store(true, Ordering::SeqCst);
    }

    fn check_interrupted(&self) -> Result<()> {
        if self.sync_interrupted.swap(false, Ordering::SeqCst) {
            Err(Error::Interrupted)
        } else {
            Ok(())
        }
    }

    /// Pushes every queued op, then pulls until the scope is up to date. On failure the retry is
    /// scheduled by itself (see [`Store::sync_status`]).
    pub fn sync_now(&self) -> Result<SyncReport> {
        self.sync_interrupted.store(false, Ordering::SeqCst);
        let outcome = self.sync_once();
        match &outcome {
            Ok(_) => {
                self.set_meta("sync_failures", "0")?;
                self.set_meta("last_sync_success", &self.now_millis().to_string())?;
            }
            Err(Error::Revoked) => self.wipe()?,
            Err(_) => {
                let failures = self
                    .meta("sync_failures")?
                    .and_then(|f| f.parse::<u32>().ok())
                    .unwrap_or(0)
                    + 1;
                self.set_meta("sync_failures", &failures.to_string())?;
                self.set_meta("last_sync_failure", &self.now_millis().to_string())?;
            }
        }
        outcome
    }

    fn sync_once(&self) -> Result<SyncReport> {
        let server = self.meta("server_url")?.ok_or_else(|| {
            Error::not_allowed(
                "Thiết bị chưa được đăng ký với máy chủ.",
                "This device is not enrolled with a server.",
            )
        })?;
        let token = self.meta("device_token")?.unwrap_or_default();
        let client = http()?;
        let mut report = SyncReport::default();
        loop {
            self.check_interrupted()?;
            let ops = self.ops_to_push(MAX_OPS_PER_PUSH)?;
            if ops.is_empty() {
                break;
            }
            let ids: Vec<String> = ops.iter().map(|o| o.op_id.clone()).collect();
            self.mark_sent(&ids)?;
            report.pushed += ops.len();
            let mut wire = (0, 0);
            let response: Result<PushResponse> = call(
                client.post(format!("{server}/v1/push")).bearer_auth(&token),
                Some(&PushRequest { ops }),
                &mut wire,
            );
            report.bytes_up += wire.0;
            report.bytes_down += wire.1;
            let response = response?;
            let mut acknowledged = Vec::new();
            for receipt in response.receipts {
                match receipt.status {
                    ReceiptStatus::Accepted | ReceiptStatus::Duplicate => {
                        acknowledged.push(receipt.op_id)
                    }
                    ReceiptStatus::Rejected => {
                        report.rejected += 1;
                        let rejection = Rejection {
                            code: receipt.code.unwrap_or_else(|| "rejected".into()),
                            reason: receipt.reason.unwrap_or_default(),
                        };
                        self.mark_rejected(&receipt.op_id, &rejection)?;
                    }
                }
            }
            report.acknowledged += acknowledged.len();
            if acknowledged.is_empty() && report.rejected == 0 {
                return Err(Error::Network(
                    "the server acknowledged nothing in a push".into(),
                ));
            }
            self.mark_acknowledged(&acknowledged)?;
        }
        self.pull_pages(&client, &server, &token, &mut report)?;
        Ok(report)
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
            .meta("pull_cursor")?
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
                report.changed_values += self.apply_remote_page(page)?;
            }
            Ok(())
        })
    }

    pub fn sync_status(&self) -> Result<SyncStatus> {
        let failures = self
            .meta("sync_failures")?
            .and_then(|f| f.parse::<u32>().ok())
            .unwrap_or(0);
        let last_failure = self
            .meta("last_sync_failure")?
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0);
        let jitter = crate::store::node_of(&self.identity().device_id) % 1000;
        Ok(SyncStatus {
            enrolled: self.meta("device_token")?.is_some(),
            last_success_millis: self.meta("last_sync_success")?.and_then(|f| f.parse().ok()),
            consecutive_failures: failures,
            next_attempt_millis: if failures == 0 {
                0
            } else {
                last_failure + retry_delay_millis(failures, jitter)
            },
            outbox_ops: self.outbox_len()?,
        })
    }
}
