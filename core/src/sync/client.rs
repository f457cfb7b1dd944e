//! The device side of sync: [`SyncClient`] enrolls once, then `sync_now` pushes the outbox and pulls
//! the scope, telling a [`SyncObserver`] how far it is.
//!
//! Resumable by construction: ops are acknowledged one by one from receipts (a push cut mid-way is
//! simply repeated, the server dedupes by op id), and the pull cursor only advances after a page is
//! merged. Synchronous on purpose: phones call it from a background thread. Interruptible at once:
//! every exchange runs on a thread of its own while the sync's thread watches for `interrupt`, which
//! also cuts the exchanges in flight (see [`super::http`]).

use super::backoff::retry_delay_millis;
use super::http::{AppIdentity, Http, NetworkConfig, NetworkSettings, ServerUrl, Wire};
use super::progress::{PhaseProgress, Step, SyncObserver, SyncPhase, Unobserved};
use crate::error::{Error, Result};
use crate::store::meta_keys::{
    AREA, AREA_DEVICES, DEVICE_TOKEN, LAST_SYNC_FAILURE, LAST_SYNC_SUCCESS, PULL_CURSOR,
    SERVER_URL, SYNC_FAILURES,
};
use crate::store::{Rejection, Store};
use hoso_model::hlc::node_of;
use hoso_model::protocol::{
    EnrollRequest, EnrollResponse, MAX_OPS_PER_PUSH, PullResponse, PushRequest, PushResponse,
    Receipt, ReceiptStatus, ReferenceUpdate,
};
use hoso_model::role::Role;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

const PULL_PAGE_FIELDS: usize = 10_000;
/// How often a sync waiting for an exchange looks whether it was interrupted.
const WATCH_INTERVAL: Duration = Duration::from_millis(50);

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
    /// Sensitive field values the server held back from this user (named in the pages, never sent).
    pub withheld_values: usize,
}

impl SyncReport {
    fn count_wire(&mut self, wire: Wire) {
        self.bytes_up += wire.up;
        self.bytes_down += wire.down;
    }
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

/// Syncs one store with its server. Holds the store it syncs, how it reaches the server, and what
/// stops a running sync.
pub struct SyncClient {
    store: Arc<Store>,
    network: NetworkSettings,
    interrupted: AtomicBool,
    /// The connection of the sync in progress, so that `interrupt` can cut its exchanges.
    running: Mutex<Option<Http>>,
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

/// Fetches pages from `cursor` until the last one, each as soon as the one before is handed over.
/// Ends when the merging side stops listening (an error, an interruption).
/// `report_query` tells the server what is left in this device's outbox (for its supervisors).
fn fetch_pages(
    http: &Http,
    mut cursor: u64,
    report_query: &str,
    pages: &SyncSender<Result<(PullResponse, Wire)>>,
) {
    // Only the first page asks how far the head is; the progress counts down from there.
    let mut count_remaining = "&count_remaining=true";
    loop {
        let page: Result<(PullResponse, Wire)> = http.get(&format!(
            "/v1/pull?cursor={cursor}&limit={PULL_PAGE_FIELDS}{report_query}{count_remaining}"
        ));
        count_remaining = "";
        let next = match &page {
            Ok((page, _)) if page.has_more => Some(page.next_cursor),
            _ => None,
        };
        if pages.send(page).is_err() {
            return;
        }
        match next {
            Some(next) => cursor = next,
            None => return,
        }
    }
}

/// A lock whose data stays whole even if a holder panicked (it only ever holds plain values).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl SyncClient {
    /// A client of `store` reaching its server as `network` says (shared with the photo queue).
    pub fn new(store: Arc<Store>, network: NetworkSettings) -> SyncClient {
        SyncClient {
            store,
            network,
            interrupted: AtomicBool::new(false),
            running: Mutex::new(None),
        }
    }

    /// How this device reaches its server (timeouts, trusted authorities, the app's identity).
    pub fn network(&self) -> NetworkConfig {
        self.network.get()
    }

    pub fn set_network(&self, config: NetworkConfig) {
        self.network.set(config);
    }

    /// Names the app in the `User-Agent` of every later exchange.
    pub fn set_app(&self, app: AppIdentity) {
        self.network.set_app(app);
    }

    /// Enrolls this device with a one-time code from the server's administrator.
    pub fn enroll(
        &self,
        server_url: &str,
        code: &str,
        device_name: &str,
    ) -> Result<EnrollResponse> {
        let server = ServerUrl::parse(server_url)?;
        let store = &self.store;
        let request = EnrollRequest {
            code: code.trim().to_string(),
            device_id: store.identity().device_id,
            device_name: device_name.to_string(),
        };
        let http = Http::new(&self.network(), &server, None)?;
        let (response, _): (EnrollResponse, _) = http.post("/v1/enroll", &request)?;
        store.set_identity(&response.user_id, response.role)?;
        store.set_meta(SERVER_URL, server.as_str())?;
        store.set_meta(DEVICE_TOKEN, &response.token)?;
        store.set_meta(AREA, &serde_json::to_string(&response.area)?)?;
        Ok(response)
    }

    /// Points this device at another address of its server (a new domain, a proxy); the enrollment
    /// stays.
    pub fn set_server(&self, server_url: &str) -> Result<()> {
        self.store
            .set_meta(SERVER_URL, ServerUrl::parse(server_url)?.as_str())
    }

    /// The user's role, as the server gave it at enrollment.
    pub fn role(&self) -> Result<Role> {
        self.store.role()
    }

    /// Stops a running sync at once, from another thread: an exchange in flight is cut, and the sync
    /// returns `Interrupted` having lost nothing.
    pub fn interrupt(&self) {
        self.interrupted.store(true, Ordering::SeqCst);
        if let Some(http) = lock(&self.running).as_ref() {
            http.shutdown();
        }
    }

    fn check_interrupted(&self) -> Result<()> {
        if self.interrupted.load(Ordering::SeqCst) {
            Err(Error::Interrupted)
        } else {
            Ok(())
        }
    }

    /// Pushes every queued op, then pulls until the scope is up to date. On failure the retry is
    /// scheduled by itself (see [`SyncClient::status`]).
    pub fn sync_now(&self) -> Result<SyncReport> {
        self.sync_now_observed(&Unobserved)
    }

    /// As [`SyncClient::sync_now`], telling `observer` how far it is after every batch and page.
    pub fn sync_now_observed(&self, observer: &dyn SyncObserver) -> Result<SyncReport> {
        self.interrupted.store(false, Ordering::SeqCst);
        let started = std::time::Instant::now();
        let outcome = self.sync_once(observer);
        let store = &self.store;
        match &outcome {
            Ok(report) => {
                tracing::info!(
                    pushed = report.pushed,
                    rejected = report.rejected,
                    pulled_records = report.pulled_records,
                    pulled_values = report.pulled_values,
                    evicted = report.evicted,
                    bytes_up = report.bytes_up,
                    bytes_down = report.bytes_down,
                    ms = started.elapsed().as_millis() as u64,
                    "sync finished"
                );
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

    fn sync_once(&self, observer: &dyn SyncObserver) -> Result<SyncReport> {
        let server = self.store.meta(SERVER_URL)?.ok_or_else(|| {
            Error::not_allowed(
                "Thiết bị chưa được đăng ký với máy chủ.",
                "This device is not enrolled with a server.",
            )
        })?;
        let token = self.store.meta(DEVICE_TOKEN)?.unwrap_or_default();
        let http = Http::new(&self.network(), &ServerUrl::parse(&server)?, Some(&token))?;
        *lock(&self.running) = Some(http.clone());
        let mut report = SyncReport::default();
        let outcome = self
            .push_outbox(&http, &mut report, observer)
            .and_then(|()| self.pull_pages(&http, &mut report, observer))
            .and_then(|()| self.refresh_reference(&http, &mut report));
        lock(&self.running).take();
        // Also ends a page fetched ahead that nobody will merge.
        http.shutdown();
        outcome.map(|()| report)
    }

    /// Runs one exchange on a thread of its own and waits for it, watching for an interruption: an
    /// exchange cut by `interrupt` fails at once, and one still resolving or connecting is left to
    /// its timeout while the sync returns.
    fn exchange<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let (answer, answered) = std::sync::mpsc::sync_channel(1);
        std::thread::spawn(move || {
            // Nobody listens any more if the sync was interrupted meanwhile.
            let _ = answer.send(job());
        });
        self.wait_for(&answered)
    }

    /// The next answer from an exchange thread, or `Interrupted` as soon as the sync is stopped.
    fn wait_for<T>(&self, answers: &Receiver<Result<T>>) -> Result<T> {
        loop {
            self.check_interrupted()?;
            match answers.recv_timeout(WATCH_INTERVAL) {
                // A failure caused by the cut is the interruption, not a network fault.
                Ok(Err(error)) => return self.check_interrupted().and(Err(error)),
                Ok(answer) => return answer,
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(Error::Io(std::io::Error::other(
                        "an exchange thread stopped without an answer",
                    )));
                }
            }
        }
    }

    /// Takes the configuration, administrative units and produced reports of the device's area when
    /// the server has newer ones than the device holds.
    fn refresh_reference(&self, http: &Http, report: &mut SyncReport) -> Result<()> {
        self.check_interrupted()?;
        let known = self.store.known_reference()?;
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("config_version", &known.config_version.to_string())
            .append_pair("units_version", &known.units_version)
            .finish();
        let (http, path) = (http.clone(), format!("/v1/reference?{query}"));
        let (update, wire): (ReferenceUpdate, Wire) = self.exchange(move || http.get(&path))?;
        report.count_wire(wire);
        self.store.apply_reference(update)
    }

    /// Pushes the outbox in batches until it is empty. A batch the server answers without a receipt
    /// for any of its ops is an error, not a reason to send it again forever.
    fn push_outbox(
        &self,
        http: &Http,
        report: &mut SyncReport,
        observer: &dyn SyncObserver,
    ) -> Result<()> {
        let store = &self.store;
        let mut progress = None;
        loop {
            self.check_interrupted()?;
            let ops = store.ops_to_push(MAX_OPS_PER_PUSH)?;
            if ops.is_empty() {
                break;
            }
            let progress =
                progress.get_or_insert_with(|| PhaseProgress::begin(observer, SyncPhase::Push));
            let ids: Vec<String> = ops.iter().map(|o| o.op_id.clone()).collect();
            let outbox = Some(store.outbox_report()?);
            store.mark_sent(&ids)?;
            report.pushed += ops.len();
            let sent = ops.len() as u64;
            let (http, request) = (http.clone(), PushRequest { ops, outbox });
            let (response, wire): (PushResponse, Wire) =
                self.exchange(move || http.post("/v1/push", &request))?;
            report.count_wire(wire);
            let batch: HashSet<&str> = ids.iter().map(String::as_str).collect();
            let outcome = sort_receipts(&batch, response.receipts);
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
            tracing::debug!(
                sent,
                acknowledged = outcome.acknowledged.len(),
                rejected = outcome.rejected.len(),
                bytes = wire.up + wire.down,
                "push batch answered"
            );
            progress.step(Step {
                done: sent,
                records: 0,
                bytes: (wire.up + wire.down) as u64,
                remaining: Some(store.ops_to_push_count()? as u64),
            });
        }
        if let Some(progress) = progress {
            progress.finish();
        }
        Ok(())
    }

    /// Pulls until the scope is up to date. The next page is fetched (and decoded) on a second thread
    /// while this one merges the current page, so the network and the database work at the same time;
    /// the cursor is saved only after its page is merged, so an interruption anywhere loses nothing.
    fn pull_pages(
        &self,
        http: &Http,
        report: &mut SyncReport,
        observer: &dyn SyncObserver,
    ) -> Result<()> {
        let start = self
            .store
            .meta(PULL_CURSOR)?
            .and_then(|c| c.parse::<u64>().ok())
            .unwrap_or(0);
        // What is left in the outbox after the push (edits made meanwhile), reported with each page.
        let outbox = self.store.outbox_report()?;
        let report_query = format!(
            "&pending_ops={}{}",
            outbox.pending_ops,
            outbox
                .oldest_unsent_millis
                .map(|m| format!("&oldest_unsent_millis={m}"))
                .unwrap_or_default()
        );
        let (pages, received) = std::sync::mpsc::sync_channel(1);
        let fetcher = http.clone();
        std::thread::spawn(move || fetch_pages(&fetcher, start, &report_query, &pages));
        let mut progress = PhaseProgress::begin(observer, SyncPhase::Pull);
        loop {
            let (page, wire): (PullResponse, Wire) = self.wait_for(&received)?;
            // A page that arrives after the stop is not merged.
            self.check_interrupted()?;
            report.count_wire(wire);
            let values = page.records.iter().map(|r| r.fields.len()).sum::<usize>();
            report.pulled_values += values;
            report.withheld_values += page.withheld.len();
            report.pulled_records += page.records.len();
            report.evicted += page.evicted.len();
            // The server's estimate of what remains counts withheld values too: they are done here.
            let step = Step {
                done: (values + page.withheld.len()) as u64,
                records: page.records.len() as u64,
                bytes: wire.down as u64,
                remaining: page.remaining,
            };
            let more = page.has_more;
            if !more {
                self.store
                    .set_meta(AREA_DEVICES, &serde_json::to_string(&page.devices)?)?;
            }
            report.changed_values += self.store.apply_remote_page(page)?;
            tracing::debug!(
                values,
                records = step.records,
                bytes = wire.down,
                remaining = step.remaining,
                "pulled page merged"
            );
            progress.step(step);
            if !more {
                break;
            }
        }
        progress.finish();
        Ok(())
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
