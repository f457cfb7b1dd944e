-- Photos: a photo record marked sensitive (an ID document) is sensitive whole, and stays so; each
-- device's photo bytes per day, counted against its quota. The images themselves live in the blob
-- store (server/src/blobs/), never in this database.

ALTER TABLE record ADD COLUMN photo_sensitive INTEGER NOT NULL DEFAULT 0;

CREATE TABLE photo_upload_usage (
    device_id TEXT NOT NULL,
    day       TEXT NOT NULL,
    bytes     INTEGER NOT NULL,
    PRIMARY KEY (device_id, day)
) WITHOUT ROWID;
