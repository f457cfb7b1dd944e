//! Photos through the FFI: one call per user action — attach a photo from the camera's bytes, list a
//! case's (or a visit note's, or a form's) photos with thumbnails and upload progress, open a full
//! image — and the upload queue the platform's background worker runs (with the network it is on).
//!
//! iOS hands over JPEG: HEIC photos are converted with ImageIO first (see `crate::photo::prepare`).
//! Progress: each item's `upload` carries the bytes the server holds of the total after every chunk;
//! a screen polls `case_photos` (or `photo_queue` for a badge) while `upload_photos` runs elsewhere.
//! What shows or changes a case's photos passes the session lock; the upload queue, like sync, does
//! not (the background worker runs it while the app is locked).

use super::{ApiError, ApiResult, HosoCore};
use crate::photos::{self, NewPhoto, PhotoView};
use crate::store::{self, PhotoUpload};
use hoso_model::domain::photos::{Location, PhotoCategory};

/// A photo to attach, as the screen collected it.
#[derive(Debug, Clone, uniffi::Record)]
pub struct PhotoInput {
    pub case_id: String,
    /// A visit note or form of the case; `None` attaches the photo to the case itself.
    pub attached_to: Option<String>,
    /// The form field the photo illustrates (`subject.citizen_id` for the ID card), with
    /// `attached_to` naming the form.
    pub form_field: Option<String>,
    pub caption: String,
    /// One of `photo_categories()`' codes: `id_document`, `document`, `living_conditions`,
    /// `activity`, `other`.
    pub category: String,
    /// Only when the user asked to record the place (degrees, WGS 84).
    pub location: Option<PhotoLocation>,
    /// The user marks the photo sensitive data (an ID document is sensitive whatever this says).
    pub sensitive: bool,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct PhotoLocation {
    pub latitude: f64,
    pub longitude: f64,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct PhotoCategoryOption {
    pub code: String,
    pub label_vi: String,
    pub label_en: String,
}

/// Where the upload of a photo taken on this device stands, for a progress bar.
#[derive(Debug, Clone, uniffi::Record)]
pub struct PhotoUploadProgress {
    /// `waiting`, `uploading`, `uploaded` or `failed`.
    pub state: String,
    /// Bytes the server holds, of `total_bytes`.
    pub sent_bytes: u64,
    pub total_bytes: u64,
    /// `sent_bytes / total_bytes`, from 0 to 1.
    pub fraction: f64,
    /// Why the last attempt failed (a `failed` photo is tried again at `next_attempt_millis`).
    pub failure_code: Option<String>,
    pub failure_vi: Option<String>,
    pub failure_en: Option<String>,
    pub next_attempt_millis: u64,
}

/// A photo in a list.
#[derive(Debug, Clone, uniffi::Record)]
pub struct PhotoItem {
    pub photo_id: String,
    pub case_id: String,
    pub attached_to: Option<String>,
    pub form_field: Option<String>,
    pub caption: String,
    pub category: String,
    pub sensitive: bool,
    /// Sensitive, and this user neither manages nor approves the case: show a placeholder ("ảnh
    /// nhạy cảm"); the thumbnail and the image are not on this device and will not open.
    pub withheld: bool,
    /// The thumbnail JPEG (about 320 px on its long side).
    pub thumbnail_jpeg: Option<Vec<u8>>,
    pub width: u32,
    pub height: u32,
    /// Size of the full image in bytes (what opening it may download).
    pub bytes: u64,
    pub taken_at_millis: u64,
    pub location: Option<PhotoLocation>,
    /// The full image is on this device: it opens without a network.
    pub on_device: bool,
    /// For photos taken on this device.
    pub upload: Option<PhotoUploadProgress>,
}

/// The network the phone is on, as the platform reports it (Android `NET_CAPABILITY_NOT_METERED`,
/// iOS `NWPath.isExpensive`/`isConstrained`).
#[derive(Debug, Clone, Copy, uniffi::Enum)]
pub enum NetworkKind {
    Unmetered,
    Metered,
    Offline,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct PhotoUploadReport {
    pub uploaded: u32,
    pub failed: u32,
    /// Photos whose record has not reached the server: sync first; they go on the next run.
    pub waiting_for_records: u32,
    /// Nothing was sent: the network is metered and the settings say Wi-Fi only.
    pub held_for_unmetered: bool,
    pub bytes_sent: u64,
}

/// The queue at a glance.
#[derive(Debug, Clone, uniffi::Record)]
pub struct PhotoQueue {
    pub waiting: u32,
    pub uploading: u32,
    pub uploaded: u32,
    pub failed: u32,
    pub bytes_to_send: u64,
    /// When the platform should run `upload_photos` next (0: now); `None`: nothing to send.
    pub next_attempt_millis: Option<u64>,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct PhotoSettings {
    /// Send photos only on Wi-Fi or another unmetered network.
    pub unmetered_only: bool,
    /// Space downloaded full images may take on this phone.
    pub cache_bytes: u64,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn progress(upload: PhotoUpload) -> PhotoUploadProgress {
    let failure = upload.failure;
    PhotoUploadProgress {
        state: upload.state.as_str().to_string(),
        sent_bytes: upload.sent,
        total_bytes: upload.size,
        fraction: if upload.size == 0 {
            0.0
        } else {
            (upload.sent as f64 / upload.size as f64).min(1.0)
        },
        failure_code: failure.as_ref().map(|f| f.code.clone()),
        failure_vi: failure.as_ref().map(|f| f.reason.vi.clone()),
        failure_en: failure.map(|f| f.reason.en),
        next_attempt_millis: upload.next_attempt_millis,
    }
}

fn location(location: Location) -> PhotoLocation {
    PhotoLocation {
        latitude: location.lat,
        longitude: location.lon,
    }
}

fn item(view: PhotoView) -> PhotoItem {
    PhotoItem {
        photo_id: view.photo_id,
        case_id: view.case_id,
        attached_to: view.attached_to,
        form_field: view.form_field,
        caption: view.caption,
        category: view.category.as_str().to_string(),
        sensitive: view.sensitive,
        withheld: view.withheld,
        thumbnail_jpeg: view.thumbnail,
        width: view.width,
        height: view.height,
        bytes: view.bytes,
        taken_at_millis: view.taken_at_millis,
        location: view.location.map(location),
        on_device: view.on_device,
        upload: view.upload.map(progress),
    }
}

#[uniffi::export]
impl HosoCore {
    /// Attaches a photo (JPEG, PNG or WebP bytes from the camera or gallery): it is made upright,
    /// stripped of all metadata, reduced to 1600 px, kept encrypted on the phone and queued for
    /// upload; its record (with a thumbnail) syncs like any other. Returns the photo's id. A bad
    /// image is `Invalid` with a message saying what was wrong; nothing is saved then.
    pub fn attach_photo(&self, input: PhotoInput, image: Vec<u8>) -> ApiResult<String> {
        let category = PhotoCategory::parse(&input.category).ok_or_else(|| ApiError::Invalid {
            message_vi: "Loại ảnh không hợp lệ.".into(),
            message_en: "Unknown photo category.".into(),
        })?;
        let photo = NewPhoto {
            case_id: input.case_id,
            attached_to: input.attached_to,
            form_field: input.form_field,
            caption: input.caption,
            category,
            location: input.location.map(|l| Location {
                lat: l.latitude,
                lon: l.longitude,
            }),
            sensitive: input.sensitive,
        };
        Ok(self.unlocked()?.photos.attach(&image, photo)?)
    }

    /// The photos of a case, oldest first.
    pub fn case_photos(&self, case_id: String) -> ApiResult<Vec<PhotoItem>> {
        Ok(self
            .unlocked()?
            .photos
            .case_photos(&case_id)?
            .into_iter()
            .map(item)
            .collect())
    }

    /// The photos attached to one visit note or form.
    pub fn attached_photos(&self, record_id: String) -> ApiResult<Vec<PhotoItem>> {
        Ok(self
            .unlocked()?
            .photos
            .attached_photos(&record_id)?
            .into_iter()
            .map(item)
            .collect())
    }

    /// The full image (JPEG) of a photo: from the phone, or downloaded (and cached) when it is not
    /// here. `Network` when offline; `Server { code: "sensitive" }` or `NotAllowed` for a sensitive
    /// photo this user may not see.
    pub fn open_photo(&self, photo_id: String) -> ApiResult<Vec<u8>> {
        Ok(self.unlocked()?.photos.open_image(&photo_id)?)
    }

    /// Sends the photos whose turn has come (run it from the background worker after `sync_now`,
    /// and again at `photo_queue().next_attempt_millis`). Records never wait for photos.
    pub fn upload_photos(&self, network: NetworkKind) -> ApiResult<PhotoUploadReport> {
        let network = match network {
            NetworkKind::Unmetered => photos::Network::Unmetered,
            NetworkKind::Metered => photos::Network::Metered,
            NetworkKind::Offline => photos::Network::Offline,
        };
        let report = self.app.photos.upload_pending(network)?;
        Ok(PhotoUploadReport {
            uploaded: count(report.uploaded),
            failed: count(report.failed),
            waiting_for_records: count(report.waiting_for_records),
            held_for_unmetered: report.held_for_unmetered,
            bytes_sent: report.bytes_sent,
        })
    }

    /// Stops a running `upload_photos` before its next chunk (from another thread).
    pub fn interrupt_photo_uploads(&self) {
        self.app.photos.interrupt_uploads();
    }

    pub fn photo_queue(&self) -> ApiResult<PhotoQueue> {
        let queue = self.app.photos.queue()?;
        Ok(PhotoQueue {
            waiting: count(queue.waiting),
            uploading: count(queue.uploading),
            uploaded: count(queue.uploaded),
            failed: count(queue.failed),
            bytes_to_send: queue.bytes_to_send,
            next_attempt_millis: queue.next_attempt_millis,
        })
    }

    /// "Retry now": every photo not uploaded is due at once. Returns how many.
    pub fn retry_photo_uploads(&self) -> ApiResult<u32> {
        Ok(count(self.app.photos.retry_now()?))
    }

    pub fn photo_settings(&self) -> ApiResult<PhotoSettings> {
        let settings = self.unlocked()?.store.photo_settings()?;
        Ok(PhotoSettings {
            unmetered_only: settings.unmetered_only,
            cache_bytes: settings.cache_bytes,
        })
    }

    pub fn set_photo_settings(&self, settings: PhotoSettings) -> ApiResult<()> {
        Ok(self
            .unlocked()?
            .store
            .set_photo_settings(&store::PhotoSettings {
                unmetered_only: settings.unmetered_only,
                cache_bytes: settings.cache_bytes,
            })?)
    }

    /// What a photo may show, with labels for a picker.
    pub fn photo_categories(&self) -> Vec<PhotoCategoryOption> {
        PhotoCategory::ALL
            .into_iter()
            .map(|category| {
                let label = category.label();
                PhotoCategoryOption {
                    code: category.as_str().to_string(),
                    label_vi: label.vi,
                    label_en: label.en,
                }
            })
            .collect()
    }
}
