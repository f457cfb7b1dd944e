-- Schema version 5 of the PostgreSQL backend: each case's follow-up snapshot leaves `case_view` for a
-- table of its own, stored compact (postcard, days as numbers: hoso_model::domain::stored_day), as in
-- the SQLite backend's 006_case_snapshot.sql.
CREATE TABLE case_snapshot (
    case_id       TEXT PRIMARY KEY,
    commune_code  TEXT,
    province_code TEXT,
    facility_id   TEXT,
    snapshot      BYTEA NOT NULL
);
CREATE INDEX case_snapshot_commune ON case_snapshot(commune_code);
CREATE INDEX case_snapshot_province ON case_snapshot(province_code);
CREATE INDEX case_snapshot_facility ON case_snapshot(facility_id);

ALTER TABLE case_view DROP COLUMN snapshot;

-- The read model is built again, snapshots included, when the storage next opens.
DELETE FROM meta WHERE key = 'read_model_built';
