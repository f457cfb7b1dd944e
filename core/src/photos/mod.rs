//! Photos as a collaborator uses them: attaching one to a case, a visit note or a form field; listing
//! a case's photos with their thumbnails and upload state; opening a full image (downloaded on demand
//! into a cache with a size cap); and the upload queue ([`upload`]), which runs apart from record sync.
//!
//! A photo is two things: a record (`RecordKind::Photo`, fields in `hoso_model::schema::photo_fields`)
//! that syncs like any other and carries the thumbnail, so every device of the area sees it in lists;
//! and its full image, a file beside the database ([`files`]), sealed with a key derived from the
//! store's key, sent by the upload queue and fetched by others only when opened.
//!
//! Invariants: attaching writes the image file first, then the record, its upload and its file's row
//! in one transaction, so a record never points at an image this device does not hold and an image
//! taken here is never lost before the server has it (its file is pinned until uploaded); nothing
//! from inside the image is kept but its pixels (the pipeline drops all metadata; a place is recorded
//! only when the user gives one).

mod files;
mod transport;
pub mod upload;

pub use upload::{Network, QueueSummary, UploadObserver, UploadReport};

use crate::error::{Error, Result};
use crate::photo::{PhotoOptions, PreparedPhoto, prepare};
use crate::store::{PhotoUpload, Store};
use crate::sync::http::NetworkSettings;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use files::{PhotoFiles, sha256_hex};
use hoso_model::domain::editing::check_may_record;
use hoso_model::domain::photos::{self, Location, PhotoCategory};
use hoso_model::forms::FieldDef;
use hoso_model::op::{MAX_VALUE_BYTES, RecordKind, new_id};
use hoso_model::record::Record;
use hoso_model::schema::{fields, photo_fields};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use transport::PhotoServer;

/// A photo as the user attaches it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NewPhoto {
    pub case_id: String,
    /// A visit note or form of the case, if not the case itself.
    pub attached_to: Option<String>,
    /// The form field the photo illustrates (with `attached_to` naming the form).
    pub form_field: Option<String>,
    pub caption: String,
    pub category: PhotoCategory,
    /// Only when the user asked to record where the photo was taken.
    pub location: Option<Location>,
    /// The user marks the photo sensitive data (an ID document is, whatever this says).
    pub sensitive: bool,
}

/// A photo as a screen shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct PhotoView {
    pub photo_id: String,
    pub case_id: String,
    pub attached_to: Option<String>,
    pub form_field: Option<String>,
    pub caption: String,
    pub category: PhotoCategory,
    pub sensitive: bool,
    /// Sensitive and this user neither manages nor approves the case: the server withheld the image,
    /// the thumbnail and the caption.
    pub withheld: bool,
    /// The thumbnail JPEG (about 320 px), `None` when withheld.
    pub thumbnail: Option<Vec<u8>>,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    pub taken_at_millis: u64,
    pub location: Option<Location>,
    /// The full image is on this device: it opens without a network.
    pub on_device: bool,
    /// For photos taken on this device: where their upload stands.
    pub upload: Option<PhotoUpload>,
}

/// The photo actions of one device.
pub struct PhotoActions {
    store: Arc<Store>,
    options: PhotoOptions,
    /// How the server is reached, shared with the sync.
    network: NetworkSettings,
    interrupted: AtomicBool,
}

/// A thumbnail travels inside its record as base64, within one field value's limit.
const MAX_THUMBNAIL_BYTES: usize = (MAX_VALUE_BYTES - 64) / 4 * 3;

impl PhotoActions {
    pub fn new(store: Arc<Store>, network: NetworkSettings) -> PhotoActions {
        PhotoActions::with_options(store, PhotoOptions::default(), network)
    }

    pub fn with_options(
        store: Arc<Store>,
        options: PhotoOptions,
        network: NetworkSettings,
    ) -> PhotoActions {
        PhotoActions {
            store,
            options,
            network,
            interrupted: AtomicBool::new(false),
        }
    }

    /// Attaches a photo from the camera or the gallery (JPEG, PNG or WebP; iOS converts HEIC to JPEG
    /// first): prepares it (upright, no metadata, 1600 px), keeps the image sealed on this device,
    /// writes the photo record with its thumbnail and queues the upload. Returns the photo's id.
    /// A bad image is refused with its own message (`crate::photo::PhotoError`); nothing is written.
    pub fn attach(&self, image: &[u8], photo: NewPhoto) -> Result<String> {
        check_may_record(self.store.role()?).map_err(Error::NotAllowed)?;
        let attached_field = self.check_attachment(&photo)?;
        photos::check_caption(&photo.caption).map_err(Error::Invalid)?;
        if let Some(location) = &photo.location {
            photos::check_location(location).map_err(Error::Invalid)?;
        }
        let prepared = self.prepare(image)?;
        let sensitive =
            photos::is_sensitive(photo.category, attached_field.as_ref(), photo.sensitive);
        let full = &prepared.full;
        let files = PhotoFiles::of(&self.store);
        let file_bytes = files.write(&full.name, &full.bytes)?;
        let photo_id = new_id();
        let written = self.store.write(|w| {
            w.set_all(
                &photo_id,
                RecordKind::Photo,
                photo_fields_of(&photo, &prepared, sensitive, w.now_millis()),
            )?;
            w.queue_photo_upload(&photo_id, &full.name, full.bytes.len() as u64)?;
            w.add_photo_file(&full.name, file_bytes, true)
        });
        if let Err(error) = written {
            if !self.store.has_photo_file(&full.name)? {
                files.remove(&full.name)?;
            }
            return Err(error);
        }
        Ok(photo_id)
    }

    /// The photo pipeline, with a thumbnail small enough to travel in its record.
    fn prepare(&self, image: &[u8]) -> Result<PreparedPhoto> {
        let mut options = self.options;
        loop {
            let prepared = prepare(image, &options).map_err(|e| Error::Invalid(e.message()))?;
            if prepared.thumbnail.bytes.len() <= MAX_THUMBNAIL_BYTES
                || options.thumbnail_quality <= 30
            {
                return Ok(prepared);
            }
            options.thumbnail_quality -= 20;
        }
    }

    /// The case must be live; a visit note or form must be the case's own, and a form field must be
    /// in its form's definition. Returns that field's definition.
    fn check_attachment(&self, photo: &NewPhoto) -> Result<Option<FieldDef>> {
        self.store
            .record(&photo.case_id)?
            .filter(|r| r.kind == RecordKind::Case && !r.deleted)
            .ok_or_else(|| Error::NotFound {
                id: photo.case_id.clone(),
            })?;
        let target = match &photo.attached_to {
            Some(id) => Some(
                self.store
                    .record(id)?
                    .ok_or_else(|| Error::NotFound { id: id.clone() })?,
            ),
            None => None,
        };
        let definition = target.as_ref().and_then(|form| {
            let id = form.text(fields::FORM_ID)?;
            let version = form.fields.get(fields::FORM_VERSION)?.as_u64()?;
            crate::actions::registry().get(id, u32::try_from(version).ok()?)
        });
        let field = |name: &str| definition.and_then(|d| d.field(name));
        photos::check_attachment(
            &photo.case_id,
            target.as_ref(),
            photo.form_field.as_deref(),
            |name| field(name).is_some(),
        )
        .map_err(Error::Invalid)?;
        Ok(photo.form_field.as_deref().and_then(field).cloned())
    }

    /// The photos of a case, oldest first, with thumbnails and, for those taken here, their upload.
    pub fn case_photos(&self, case_id: &str) -> Result<Vec<PhotoView>> {
        let records = self.store.records_of_case(case_id)?;
        self.views(records.into_iter().filter(|r| r.kind == RecordKind::Photo))
    }

    /// The photos attached to one visit note or form.
    pub fn attached_photos(&self, record_id: &str) -> Result<Vec<PhotoView>> {
        let Some(target) = self.store.record(record_id)? else {
            return Ok(Vec::new());
        };
        let case_id = target.text(fields::CASE_ID).unwrap_or_default();
        let records = self.store.records_of_case(case_id)?;
        self.views(records.into_iter().filter(|r| {
            r.kind == RecordKind::Photo && r.text(photo_fields::ATTACHED_TO) == Some(record_id)
        }))
    }

    fn views(&self, records: impl Iterator<Item = Record>) -> Result<Vec<PhotoView>> {
        let mut views = Vec::new();
        for record in records {
            let upload = self.store.photo_upload(&record.id)?;
            let on_device = match record.text(photo_fields::BLOB) {
                Some(blob) => self.store.has_photo_file(blob)?,
                None => false,
            };
            views.push(view(record, upload, on_device));
        }
        views.sort_by(|a, b| {
            (a.taken_at_millis, &a.photo_id).cmp(&(b.taken_at_millis, &b.photo_id))
        });
        Ok(views)
    }

    /// The full image (JPEG) of a photo: from this device if it holds it, else downloaded from the
    /// server (only the photo's own area may, and for a sensitive photo only the case's managers and
    /// approvers), checked against its name and kept in the cache, whose oldest images are dropped
    /// beyond the size the settings allow.
    pub fn open_image(&self, photo_id: &str) -> Result<Vec<u8>> {
        let record = self
            .store
            .record(photo_id)?
            .filter(|r| r.kind == RecordKind::Photo && !r.deleted)
            .ok_or_else(|| Error::NotFound {
                id: photo_id.to_string(),
            })?;
        let Some(blob) = record.text(photo_fields::BLOB).map(str::to_string) else {
            return Err(withheld());
        };
        let files = PhotoFiles::of(&self.store);
        if let Some(image) = files.read(&blob)? {
            self.store.touch_photo_file(&blob)?;
            return Ok(image);
        }
        let server = &mut PhotoServer::of(&self.store, &self.network.get())?;
        let image = upload::download(server, photo_id)?;
        if sha256_hex(&image) != blob {
            return Err(Error::Protocol(
                "the image downloaded does not match its name".into(),
            ));
        }
        let file_bytes = files.write(&blob, &image)?;
        self.store.add_cached_photo_file(&blob, file_bytes)?;
        self.trim_cache()?;
        Ok(image)
    }

    /// Drops the least recently used downloaded images beyond the cache's size.
    fn trim_cache(&self) -> Result<()> {
        let files = PhotoFiles::of(&self.store);
        let cap = self.store.photo_settings()?.cache_bytes;
        for blob in self.store.photo_files_over(cap)? {
            files.remove(&blob)?;
            self.store.forget_photo_file(&blob)?;
        }
        Ok(())
    }
}

fn withheld() -> Error {
    Error::not_allowed(
        "Ảnh này là dữ liệu nhạy cảm: chỉ người quản lý trường hợp và người phê duyệt được xem.",
        "This photo is sensitive data: only the case's managers and approvers may see it.",
    )
}

/// The fields of a new photo record.
fn photo_fields_of(
    photo: &NewPhoto,
    prepared: &PreparedPhoto,
    sensitive: bool,
    now: u64,
) -> Vec<(String, serde_json::Value)> {
    let full = &prepared.full;
    let mut out = vec![
        (fields::CASE_ID, json!(photo.case_id)),
        (photo_fields::CAPTION, json!(photo.caption.trim())),
        (photo_fields::CATEGORY, json!(photo.category.as_str())),
        (photo_fields::BLOB, json!(full.name)),
        (photo_fields::BLOB_BYTES, json!(full.bytes.len())),
        (photo_fields::WIDTH, json!(full.width)),
        (photo_fields::HEIGHT, json!(full.height)),
        (
            photo_fields::THUMBNAIL,
            json!(BASE64.encode(&prepared.thumbnail.bytes)),
        ),
        (photo_fields::TAKEN_AT, json!(now)),
    ];
    if let Some(target) = &photo.attached_to {
        out.push((photo_fields::ATTACHED_TO, json!(target)));
    }
    if let Some(field) = &photo.form_field {
        out.push((photo_fields::FORM_FIELD, json!(field)));
    }
    if let Some(location) = &photo.location {
        out.push((photo_fields::LOCATION, json!(location)));
    }
    if sensitive {
        out.push((photo_fields::SENSITIVE, json!(true)));
    }
    out.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

fn view(record: Record, upload: Option<PhotoUpload>, on_device: bool) -> PhotoView {
    let number = |name: &str| {
        record
            .fields
            .get(name)
            .and_then(|v| v.as_u64())
            .unwrap_or(0)
    };
    let text = |name: &str| record.text(name).map(str::to_string);
    let sensitive = record.fields.get(photo_fields::SENSITIVE) == Some(&json!(true));
    let thumbnail = record
        .text(photo_fields::THUMBNAIL)
        .and_then(|b64| BASE64.decode(b64).ok());
    PhotoView {
        photo_id: record.id.clone(),
        case_id: text(fields::CASE_ID).unwrap_or_default(),
        attached_to: text(photo_fields::ATTACHED_TO),
        form_field: text(photo_fields::FORM_FIELD),
        caption: text(photo_fields::CAPTION).unwrap_or_default(),
        category: record
            .text(photo_fields::CATEGORY)
            .and_then(PhotoCategory::parse)
            .unwrap_or_default(),
        withheld: sensitive && record.text(photo_fields::BLOB).is_none(),
        sensitive,
        width: u32::try_from(number(photo_fields::WIDTH)).unwrap_or(0),
        height: u32::try_from(number(photo_fields::HEIGHT)).unwrap_or(0),
        bytes: number(photo_fields::BLOB_BYTES),
        taken_at_millis: number(photo_fields::TAKEN_AT),
        location: record
            .fields
            .get(photo_fields::LOCATION)
            .and_then(|v| serde_json::from_value(v.clone()).ok()),
        thumbnail,
        on_device,
        upload,
    }
}
