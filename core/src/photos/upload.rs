//! The upload queue, apart from record sync: records keep syncing while photos wait. Each photo taken
//! here goes up in chunks; the server answers how much it holds after each, so an upload cut at 70 %
//! resumes from 70 % (in this run or the next, after a restart of either side), and the server keeps
//! the image only once it matches its hash. The progress is saved after every chunk, for a screen's
//! progress bar.
//!
//! A photo goes only after its record reached the server (the server checks the image against what
//! the record names). A failed attempt is kept with its reason and tried again on the sync's backoff
//! schedule — always re-armed, never dropped — and the photos that failed go behind the others, so one
//! bad photo never holds up the queue. Metered networks are skipped when the user asked for Wi-Fi only.

use super::PhotoActions;
use super::files::PhotoFiles;
use super::transport::{Failure, PhotoServer};
use crate::error::{Error, Result};
use crate::store::{PhotoUpload, RecordPush, Rejection, UploadState};
use hoso_model::i18n::Localized;
use hoso_model::protocol::UploadStatus;
use hoso_model::schema::photo_fields;
use std::sync::atomic::Ordering;

/// The network the platform says the phone is on now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Network {
    /// Wi-Fi or another network the platform reports as not metered.
    Unmetered,
    /// Mobile data.
    Metered,
    Offline,
}

/// What one run of the queue did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UploadReport {
    pub uploaded: usize,
    pub failed: usize,
    /// Photos whose record has not reached the server yet: they go after the next sync.
    pub waiting_for_records: usize,
    /// Nothing was sent: the network is metered and the user wants Wi-Fi only.
    pub held_for_unmetered: bool,
    /// Image bytes the server took in this run.
    pub bytes_sent: u64,
    /// Request and answer bodies, both ways, of this run.
    pub wire_up: u64,
    pub wire_down: u64,
}

/// Told after every chunk: the photo's id, the bytes the server holds, the image's size.
pub trait UploadObserver {
    fn progress(&self, photo_id: &str, sent: u64, size: u64);
}

/// For a run nobody watches.
pub struct Unobserved;

impl UploadObserver for Unobserved {
    fn progress(&self, _: &str, _: u64, _: u64) {}
}

/// Bytes per chunk: 2 s of a 250 kbit/s link, so a cut loses little and the overhead of a request
/// (~400 bytes both ways) stays under 1 %. Chosen by the upload benchmark (BENCHMARKS.md).
pub const DEFAULT_CHUNK_BYTES: usize = 64 * 1024;
/// Quick retries of one chunk within a run after a network failure, before the photo backs off.
const QUICK_RETRIES: u32 = 3;
/// Photos failing on the network in a row that end a run (the network is down; save the battery).
const NETWORK_FAILURES_TO_STOP: u32 = 2;
/// Bytes asked per download request.
const DOWNLOAD_PIECE: u64 = 64 * 1024;

/// How one photo's attempt ended, when not uploaded.
enum Stop {
    /// Its record is not on the server yet: wait without counting a failure.
    Waits,
    Failed {
        failure: Rejection,
        network: bool,
    },
    /// The device may not go on at all (revoked, unknown): the run stops with this error.
    Fatal(Error),
}

impl PhotoActions {
    /// Sends the photos whose turn has come, one after the other, unless `network` says not to.
    pub fn upload_pending(&self, network: Network) -> Result<UploadReport> {
        self.upload_pending_with(network, DEFAULT_CHUNK_BYTES, &Unobserved)
    }

    /// [`PhotoActions::upload_pending`] in chunks of `chunk_bytes`, telling `observer` as it goes.
    pub fn upload_pending_with(
        &self,
        network: Network,
        chunk_bytes: usize,
        observer: &dyn UploadObserver,
    ) -> Result<UploadReport> {
        self.interrupted.store(false, Ordering::SeqCst);
        let mut report = UploadReport::default();
        if network == Network::Offline {
            return Ok(report);
        }
        if network == Network::Metered && self.store.photo_settings()?.unmetered_only {
            report.held_for_unmetered = true;
            return Ok(report);
        }
        let due = self.store.due_photo_uploads()?;
        if due.is_empty() {
            return Ok(report);
        }
        let mut server = PhotoServer::of(&self.store, &self.network.get())?;
        let mut network_failures = 0;
        for upload in due {
            self.check_interrupted()?;
            let outcome = match self.store.record_push(&upload.photo_id)? {
                RecordPush::Pending => Err(Stop::Waits),
                RecordPush::Rejected(rejection) => Err(Stop::Failed {
                    failure: rejection,
                    network: false,
                }),
                RecordPush::Acknowledged => {
                    self.upload_one(&mut server, &upload, chunk_bytes.max(1), observer)
                }
            };
            match outcome {
                Ok(sent) => {
                    report.uploaded += 1;
                    report.bytes_sent += sent;
                    network_failures = 0;
                }
                Err(Stop::Waits) => {
                    self.store.photo_upload_waits(&upload.photo_id)?;
                    report.waiting_for_records += 1;
                }
                Err(Stop::Failed { failure, network }) => {
                    self.store.photo_upload_failed(&upload.photo_id, &failure)?;
                    report.failed += 1;
                    network_failures = if network { network_failures + 1 } else { 0 };
                    if network_failures >= NETWORK_FAILURES_TO_STOP {
                        break;
                    }
                }
                Err(Stop::Fatal(error)) => return Err(error),
            }
        }
        report.wire_up = server.wire.up;
        report.wire_down = server.wire.down;
        Ok(report)
    }

    /// Asks a running upload to stop before its next chunk; what the server holds is kept.
    pub fn interrupt_uploads(&self) {
        self.interrupted.store(true, Ordering::SeqCst);
    }

    fn check_interrupted(&self) -> Result<()> {
        if self.interrupted.swap(false, Ordering::SeqCst) {
            Err(Error::Interrupted)
        } else {
            Ok(())
        }
    }

    /// Sends one photo from where the server stands. Returns the image bytes the server took.
    fn upload_one(
        &self,
        server: &mut PhotoServer,
        upload: &PhotoUpload,
        chunk_bytes: usize,
        observer: &dyn UploadObserver,
    ) -> Result<u64, Stop> {
        let image = self.local_image(upload)?;
        let id = upload.photo_id.as_str();
        let mut status = with_quick_retries(|| server.upload_status(id))?;
        let started_at = status.received;
        let mut retries = 0;
        loop {
            self.store
                .photo_upload_progress(id, status.received)
                .map_err(Stop::Fatal)?;
            observer.progress(id, status.received, status.size);
            if status.complete {
                self.finish(upload).map_err(Stop::Fatal)?;
                return Ok(status.size.saturating_sub(started_at));
            }
            self.check_interrupted().map_err(Stop::Fatal)?;
            let chunk = next_chunk(&image, &status, chunk_bytes)?;
            match server.send_chunk(id, status.received, chunk) {
                Ok(next) => {
                    status = next;
                    retries = 0;
                }
                Err(failure) if retries < QUICK_RETRIES && worth_resuming(&failure) => {
                    retries += 1;
                    status = with_quick_retries(|| server.upload_status(id))?;
                }
                Err(failure) => return Err(stop(failure)),
            }
        }
    }

    /// The image file of a photo taken here, as it was named when queued.
    fn local_image(&self, upload: &PhotoUpload) -> Result<Vec<u8>, Stop> {
        let local_failure = |code: &str| Stop::Failed {
            failure: Rejection {
                code: code.to_string(),
                reason: Localized::new(
                    "Tệp ảnh trên máy bị mất hoặc hỏng: ảnh này không gửi được, hãy chụp lại.",
                    "The photo's file on this phone is missing or damaged: it cannot be sent; take it again.",
                ),
            },
            network: false,
        };
        match PhotoFiles::of(&self.store).read(&upload.blob) {
            Ok(Some(image)) if image.len() as u64 == upload.size => Ok(image),
            Ok(_) => Err(local_failure("local_file_missing")),
            Err(Error::Corrupt { .. }) => Err(local_failure("local_file_damaged")),
            Err(other) => Err(Stop::Fatal(other)),
        }
    }

    /// The server has the whole image: the file is no longer pinned, and if the server withholds the
    /// photo from this user (a sensitive photo of a case they do not manage), this device keeps no copy.
    fn finish(&self, upload: &PhotoUpload) -> Result<()> {
        self.store.photo_uploaded(&upload.photo_id)?;
        let readable = self
            .store
            .record(&upload.photo_id)?
            .is_some_and(|record| record.text(photo_fields::BLOB).is_some());
        if !readable {
            PhotoFiles::of(&self.store).remove(&upload.blob)?;
            self.store.forget_photo_file(&upload.blob)?;
        }
        Ok(())
    }
}

fn next_chunk<'a>(
    image: &'a [u8],
    status: &UploadStatus,
    chunk_bytes: usize,
) -> Result<&'a [u8], Stop> {
    let start = usize::try_from(status.received).unwrap_or(usize::MAX);
    if status.size != image.len() as u64 || start >= image.len() {
        return Err(Stop::Failed {
            failure: Rejection {
                code: "size_mismatch".into(),
                reason: Localized::new(
                    "Máy chủ ghi nhận kích thước ảnh khác với tệp trên máy.",
                    "The server expects another size than the file on this phone.",
                ),
            },
            network: false,
        });
    }
    Ok(&image[start..(start + chunk_bytes).min(image.len())])
}

/// A failure after which asking where the upload stands and going on may succeed at once: the
/// network, a chunk damaged on its way, an offset the server did not reach.
fn worth_resuming(failure: &Failure) -> bool {
    matches!(
        failure.code(),
        "network" | "chunk_damaged" | "offset_mismatch"
    )
}

fn with_quick_retries<T>(mut exchange: impl FnMut() -> Result<T, Failure>) -> Result<T, Stop> {
    let mut tries = 0;
    loop {
        match exchange() {
            Ok(value) => return Ok(value),
            Err(Failure::Network { .. }) if tries < QUICK_RETRIES => tries += 1,
            Err(failure) => return Err(stop(failure)),
        }
    }
}

/// What a failure means for the photo.
fn stop(failure: Failure) -> Stop {
    match failure {
        Failure::Network { .. } => Stop::Failed {
            failure: Rejection {
                code: "network".into(),
                reason: Localized::new(
                    "Mất kết nối khi gửi ảnh: ảnh sẽ được gửi tiếp từ chỗ đã dừng.",
                    "The connection dropped while sending: the photo will go on from where it stopped.",
                ),
            },
            network: true,
        },
        Failure::Refused { code, .. } if code == "unknown_photo" => Stop::Waits,
        Failure::Refused { code, .. } if code == "device_revoked" => Stop::Fatal(Error::Revoked),
        Failure::Refused {
            status,
            code,
            message,
        } if code == "unauthenticated" => Stop::Fatal(Error::Server {
            status,
            code,
            message,
        }),
        Failure::Refused { code, message, .. } => Stop::Failed {
            failure: Rejection {
                code,
                reason: message,
            },
            network: false,
        },
    }
}

/// Downloads a photo's whole image in pieces (each a `Range` request), so a cut costs one piece.
pub(super) fn download(server: &mut PhotoServer, photo_id: &str) -> Result<Vec<u8>> {
    let mut image = Vec::new();
    let mut tries = 0;
    loop {
        let offset = image.len() as u64;
        match server.image_part(photo_id, offset, DOWNLOAD_PIECE) {
            Ok((part, total)) => {
                tries = 0;
                if part.is_empty() && offset < total {
                    return Err(Error::Protocol("an empty piece of an image".into()));
                }
                image.extend_from_slice(&part);
                if image.len() as u64 >= total {
                    return Ok(image);
                }
            }
            Err(Failure::Network { .. }) if tries < QUICK_RETRIES => tries += 1,
            Err(failure) => return Err(failure.into()),
        }
    }
}

/// The queue at a glance, for a badge and for the platform's scheduler.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueueSummary {
    pub waiting: usize,
    pub uploading: usize,
    pub uploaded: usize,
    pub failed: usize,
    /// Image bytes still to send.
    pub bytes_to_send: u64,
    /// When the next photo is due (0: now); `None` when nothing is left to send.
    pub next_attempt_millis: Option<u64>,
}

impl PhotoActions {
    pub fn queue(&self) -> Result<QueueSummary> {
        let mut summary = QueueSummary::default();
        for upload in self.store.photo_uploads()? {
            match upload.state {
                UploadState::Waiting => summary.waiting += 1,
                UploadState::Uploading => summary.uploading += 1,
                UploadState::Uploaded => {
                    summary.uploaded += 1;
                    continue;
                }
                UploadState::Failed => summary.failed += 1,
            }
            summary.bytes_to_send += upload.size.saturating_sub(upload.sent);
            let next = upload.next_attempt_millis;
            summary.next_attempt_millis =
                Some(summary.next_attempt_millis.map_or(next, |n| n.min(next)));
        }
        Ok(summary)
    }

    /// The user asks to send every photo not uploaded now (a "retry" button), whatever its schedule.
    pub fn retry_now(&self) -> Result<usize> {
        self.store.retry_photo_uploads()
    }
}
