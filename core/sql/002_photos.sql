-- hoso device store, schema version 2: photos.
-- The images live in files beside the database, sealed with a key derived from its key
-- (core/src/photos/files.rs); the database keeps the upload queue and what the files take.

-- One row per photo taken on this device: its upload, separate from record sync.
CREATE TABLE photo_upload (
    photo_id     TEXT PRIMARY KEY,
    blob         TEXT NOT NULL,              -- SHA-256 of the full image (its file's name)
    size         INTEGER NOT NULL,           -- bytes of the full image
    state        TEXT NOT NULL,              -- waiting | uploading | uploaded | failed
    sent         INTEGER NOT NULL DEFAULT 0, -- bytes the server said it holds
    attempts     INTEGER NOT NULL DEFAULT 0, -- failed attempts in a row
    next_attempt INTEGER NOT NULL DEFAULT 0, -- Unix ms: not tried again before
    fail_code    TEXT,
    fail_reason  TEXT,                       -- Localized JSON
    queued_at    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX photo_upload_due ON photo_upload(state, next_attempt);

-- Image files on this device: taken here (pinned until uploaded) or downloaded (a cache with a cap).
CREATE TABLE photo_file (
    blob      TEXT PRIMARY KEY,
    bytes     INTEGER NOT NULL,   -- size of the sealed file
    pinned    INTEGER NOT NULL,   -- 1 while an upload needs it: never evicted
    last_used INTEGER NOT NULL    -- Unix ms, for evicting the least recently used first
) WITHOUT ROWID;
CREATE INDEX photo_file_evictable ON photo_file(pinned, last_used);
