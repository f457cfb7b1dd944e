//! What the database keeps about photos beyond their records: the upload queue (one row per photo
//! taken on this device, with its state, the bytes the server holds and when to try again), the image
//! files beside the database (pinned while an upload needs them, else a cache), and the photo settings.
//! The files themselves are `crate::photos::files`' business.

use super::outbox::Rejection;
use super::{Store, WriteTx, meta_keys};
use crate::error::Result;
use crate::sync::backoff::retry_delay_millis;
use hoso_model::hlc::node_of;
use rusqlite::{Connection, OptionalExtension, params};

/// Where a photo's upload stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UploadState {
    /// Not sent yet (or waiting for its record to reach the server).
    Waiting,
    /// Being sent: `sent` of `size` bytes are on the server.
    Uploading,
    /// On the server, checked against its hash.
    Uploaded,
    /// The last attempt failed (the reason says why); it is tried again at `next_attempt_millis`.
    Failed,
}

impl UploadState {
    pub fn as_str(self) -> &'static str {
        match self {
            UploadState::Waiting => "waiting",
            UploadState::Uploading => "uploading",
            UploadState::Uploaded => "uploaded",
            UploadState::Failed => "failed",
        }
    }

    fn parse(text: &str) -> UploadState {
        match text {
            "uploading" => UploadState::Uploading,
            "uploaded" => UploadState::Uploaded,
            "failed" => UploadState::Failed,
            _ => UploadState::Waiting,
        }
    }
}

/// One photo in the upload queue.
#[derive(Clone, Debug, PartialEq)]
pub struct PhotoUpload {
    pub photo_id: String,
    /// The image's SHA-256 (the name of its file and of the blob on the server).
    pub blob: String,
    pub size: u64,
    pub state: UploadState,
    /// Bytes the server said it holds, from the start.
    pub sent: u64,
    pub attempts: u32,
    pub next_attempt_millis: u64,
    pub failure: Option<Rejection>,
}

/// Whether a record's ops reached the server.
#[derive(Clone, Debug, PartialEq)]
pub enum RecordPush {
    /// Some ops are not acknowledged yet.
    Pending,
    Acknowledged,
    /// The server refused an op of the record: the photo cannot go either.
    Rejected(Rejection),
}

const UPLOAD_COLUMNS: &str =
    "photo_id, blob, size, state, sent, attempts, next_attempt, fail_code, fail_reason";

fn upload_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<(PhotoUpload, Option<String>)> {
    let code: Option<String> = row.get(7)?;
    let reason: Option<String> = row.get(8)?;
    Ok((
        PhotoUpload {
            photo_id: row.get(0)?,
            blob: row.get(1)?,
            size: row.get(2)?,
            state: UploadState::parse(&row.get::<_, String>(3)?),
            sent: row.get(4)?,
            attempts: row.get(5)?,
            next_attempt_millis: row.get(6)?,
            failure: code.map(|code| Rejection {
                code,
                reason: Default::default(),
            }),
        },
        reason,
    ))
}

fn read_uploads(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<PhotoUpload>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params, upload_from_row)?;
    let mut uploads = Vec::new();
    for row in rows {
        let (mut upload, reason) = row?;
        if let (Some(failure), Some(reason)) = (upload.failure.as_mut(), reason) {
            failure.reason = serde_json::from_str(&reason)?;
        }
        uploads.push(upload);
    }
    Ok(uploads)
}

impl WriteTx<'_> {
    /// Queues the upload of a photo taken here, in the transaction that writes its record, so a photo
    /// record never exists without its upload (nor the reverse).
    pub fn queue_photo_upload(&self, photo_id: &str, blob: &str, size: u64) -> Result<()> {
        self.transaction()
            .prepare_cached(
                "INSERT INTO photo_upload (photo_id, blob, size, state, queued_at)
                 VALUES (?1, ?2, ?3, 'waiting', ?4)",
            )?
            .execute(params![photo_id, blob, size, self.now_millis()])?;
        Ok(())
    }

    /// Records an image file written beside the database (`pinned`: taken here, needed until
    /// uploaded).
    pub fn add_photo_file(&self, blob: &str, file_bytes: u64, pinned: bool) -> Result<()> {
        add_file(
            self.transaction(),
            blob,
            file_bytes,
            pinned,
            self.now_millis(),
        )
    }
}

fn add_file(conn: &Connection, blob: &str, bytes: u64, pinned: bool, now: u64) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO photo_file (blob, bytes, pinned, last_used) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(blob) DO UPDATE SET pinned = max(pinned, ?3), last_used = ?4",
    )?
    .execute(params![blob, bytes, pinned, now])?;
    Ok(())
}

impl Store {
    pub fn photo_upload(&self, photo_id: &str) -> Result<Option<PhotoUpload>> {
        self.read(|conn| {
            Ok(read_uploads(
                conn,
                &format!("SELECT {UPLOAD_COLUMNS} FROM photo_upload WHERE photo_id = ?1"),
                [photo_id],
            )?
            .pop())
        })
    }

    /// Every photo taken on this device, in the order they were taken.
    pub fn photo_uploads(&self) -> Result<Vec<PhotoUpload>> {
        self.read(|conn| {
            read_uploads(
                conn,
                &format!("SELECT {UPLOAD_COLUMNS} FROM photo_upload ORDER BY queued_at, photo_id"),
                [],
            )
        })
    }

    /// Photos not uploaded whose next attempt is due, those waiting longest first: a photo that failed
    /// goes behind the others, so one bad photo never holds up the queue.
    pub fn due_photo_uploads(&self) -> Result<Vec<PhotoUpload>> {
        let now = self.now_millis();
        self.read(|conn| {
            read_uploads(
                conn,
                &format!(
                    "SELECT {UPLOAD_COLUMNS} FROM photo_upload
                     WHERE state != 'uploaded' AND next_attempt <= ?1
                     ORDER BY next_attempt, queued_at, photo_id"
                ),
                [now],
            )
        })
    }

    /// The server holds `sent` bytes of the photo: it is being uploaded (or is complete).
    pub fn photo_upload_progress(&self, photo_id: &str, sent: u64) -> Result<()> {
        self.lock_writer()
            .conn
            .prepare_cached(
                "UPDATE photo_upload SET state = 'uploading', sent = ?2 WHERE photo_id = ?1",
            )?
            .execute(params![photo_id, sent])?;
        Ok(())
    }

    /// The server holds the whole image: done, and its file is no longer pinned (it becomes cache).
    pub fn photo_uploaded(&self, photo_id: &str) -> Result<()> {
        let mut writer = self.lock_writer();
        let tx = writer.conn.transaction()?;
        tx.prepare_cached(
            "UPDATE photo_upload SET state = 'uploaded', sent = size, attempts = 0, fail_code = NULL,
                                     fail_reason = NULL WHERE photo_id = ?1",
        )?
        .execute([photo_id])?;
        tx.prepare_cached(
            "UPDATE photo_file SET pinned = 0
             WHERE blob = (SELECT blob FROM photo_upload WHERE photo_id = ?1)
               AND NOT EXISTS (SELECT 1 FROM photo_upload other WHERE other.blob = photo_file.blob
                                 AND other.state != 'uploaded')",
        )?
        .execute([photo_id])?;
        tx.commit()?;
        Ok(())
    }

    /// Waits without counting a failure (its record has not reached the server yet): tried again at
    /// the next run.
    pub fn photo_upload_waits(&self, photo_id: &str) -> Result<()> {
        self.lock_writer()
            .conn
            .prepare_cached("UPDATE photo_upload SET state = 'waiting' WHERE photo_id = ?1")?
            .execute([photo_id])?;
        Ok(())
    }

    /// The attempt failed: the reason is kept for the screen and the next attempt is scheduled with
    /// the sync's backoff (15 s doubling to 30 min), so a failed upload always comes back.
    pub fn photo_upload_failed(&self, photo_id: &str, failure: &Rejection) -> Result<u64> {
        let now = self.now_millis();
        let jitter = node_of(photo_id) % 1000;
        let writer = self.lock_writer();
        let attempts: u32 = writer
            .conn
            .prepare_cached("SELECT attempts FROM photo_upload WHERE photo_id = ?1")?
            .query_row([photo_id], |r| r.get(0))
            .optional()?
            .unwrap_or(0)
            + 1;
        let next = now + retry_delay_millis(attempts, jitter);
        writer
            .conn
            .prepare_cached(
                "UPDATE photo_upload SET state = 'failed', attempts = ?2, next_attempt = ?3,
                                         fail_code = ?4, fail_reason = ?5 WHERE photo_id = ?1",
            )?
            .execute(params![
                photo_id,
                attempts,
                next,
                failure.code,
                serde_json::to_string(&failure.reason)?
            ])?;
        Ok(next)
    }

    /// The user asks to try every photo not uploaded now, whatever its schedule.
    pub fn retry_photo_uploads(&self) -> Result<usize> {
        Ok(self
            .lock_writer()
            .conn
            .prepare_cached("UPDATE photo_upload SET next_attempt = 0 WHERE state != 'uploaded'")?
            .execute([])?)
    }

    /// Whether the record's ops reached the server.
    pub fn record_push(&self, record_id: &str) -> Result<RecordPush> {
        self.read(|conn| {
            let rejected: Option<(String, Option<String>)> = conn
                .prepare_cached(
                    "SELECT reject_code, reject_reason FROM op
                     WHERE record_id = ?1 AND sync_state = 'rejected' LIMIT 1",
                )?
                .query_row([record_id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            if let Some((code, reason)) = rejected {
                let reason = match reason {
                    Some(text) => serde_json::from_str(&text)?,
                    None => Default::default(),
                };
                return Ok(RecordPush::Rejected(Rejection { code, reason }));
            }
            let pending: i64 = conn
                .prepare_cached(
                    "SELECT count(*) FROM op WHERE record_id = ?1 AND sync_state != 'acknowledged'",
                )?
                .query_row([record_id], |r| r.get(0))?;
            Ok(if pending == 0 {
                RecordPush::Acknowledged
            } else {
                RecordPush::Pending
            })
        })
    }
}

impl Store {
    /// Whether the image file is on this device.
    pub fn has_photo_file(&self, blob: &str) -> Result<bool> {
        self.read(|conn| {
            Ok(conn
                .prepare_cached("SELECT 1 FROM photo_file WHERE blob = ?1")?
                .query_row([blob], |_| Ok(()))
                .optional()?
                .is_some())
        })
    }

    /// Records an image file written outside an action (a downloaded one, never pinned).
    pub fn add_cached_photo_file(&self, blob: &str, file_bytes: u64) -> Result<()> {
        add_file(
            &self.lock_writer().conn,
            blob,
            file_bytes,
            false,
            self.now_millis(),
        )
    }

    pub fn touch_photo_file(&self, blob: &str) -> Result<()> {
        let now = self.now_millis();
        self.lock_writer()
            .conn
            .prepare_cached("UPDATE photo_file SET last_used = ?2 WHERE blob = ?1")?
            .execute(params![blob, now])?;
        Ok(())
    }

    pub fn forget_photo_file(&self, blob: &str) -> Result<()> {
        self.lock_writer()
            .conn
            .prepare_cached("DELETE FROM photo_file WHERE blob = ?1 AND pinned = 0")?
            .execute([blob])?;
        Ok(())
    }

    /// Unpinned files to remove, least recently used first, so that the unpinned ones take at most
    /// `cap` bytes. Pinned files (photos not uploaded yet) are never listed.
    pub fn photo_files_over(&self, cap: u64) -> Result<Vec<String>> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT blob, bytes FROM photo_file WHERE pinned = 0 ORDER BY last_used DESC, blob",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u64>(1)?)))?;
            let mut kept = 0u64;
            let mut over = Vec::new();
            for row in rows {
                let (blob, bytes) = row?;
                kept += bytes;
                if kept > cap {
                    over.push(blob);
                }
            }
            Ok(over)
        })
    }

    /// Bytes the image files take: (pinned, cached).
    pub fn photo_file_bytes(&self) -> Result<(u64, u64)> {
        self.read(|conn| {
            Ok(conn.query_row(
                "SELECT coalesce(sum(CASE WHEN pinned = 1 THEN bytes END), 0),
                        coalesce(sum(CASE WHEN pinned = 0 THEN bytes END), 0) FROM photo_file",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
    }
}

/// The keys of the saved photo settings (a JSON object in `meta`).
const UNMETERED_ONLY: &str = "unmetered_only";
const CACHE_BYTES: &str = "cache_bytes";

/// What the user chose about photos.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PhotoSettings {
    /// Send photos only on Wi-Fi or another network the platform says is unmetered.
    pub unmetered_only: bool,
    /// Space downloaded images may take on this device.
    pub cache_bytes: u64,
}

impl Default for PhotoSettings {
    fn default() -> PhotoSettings {
        PhotoSettings {
            unmetered_only: false,
            // About 300 photos at 1600 px: a commune's recent cases, on a cheap phone's storage.
            cache_bytes: 100 * 1024 * 1024,
        }
    }
}

impl Store {
    /// The saved settings; a setting never saved keeps its default.
    pub fn photo_settings(&self) -> Result<PhotoSettings> {
        let defaults = PhotoSettings::default();
        let Some(text) = self.meta(meta_keys::PHOTO_SETTINGS)? else {
            return Ok(defaults);
        };
        let saved: serde_json::Value = serde_json::from_str(&text)?;
        Ok(PhotoSettings {
            unmetered_only: saved[UNMETERED_ONLY]
                .as_bool()
                .unwrap_or(defaults.unmetered_only),
            cache_bytes: saved[CACHE_BYTES].as_u64().unwrap_or(defaults.cache_bytes),
        })
    }

    /// Saves the settings. A cache of 0 bytes keeps no downloaded image (each opens from the network).
    pub fn set_photo_settings(&self, settings: &PhotoSettings) -> Result<()> {
        let saved = serde_json::json!({
            UNMETERED_ONLY: settings.unmetered_only,
            CACHE_BYTES: settings.cache_bytes,
        });
        self.set_meta(meta_keys::PHOTO_SETTINGS, &saved.to_string())
    }
}
