-- Photos (as sql/004_photos.sql for SQLite): a photo record marked sensitive (an ID document) is
-- sensitive whole, and stays so; each device's photo bytes per day, counted against its quota. The
-- images themselves live in the blob store (server/src/blobs/), never in this database.

ALTER TABLE record ADD COLUMN photo_sensitive BOOLEAN NOT NULL DEFAULT false;

CREATE TABLE photo_upload_usage (
    device_id TEXT NOT NULL,
    day       TEXT NOT NULL,
    bytes     BIGINT NOT NULL,
    PRIMARY KEY (device_id, day)
);
