-- hoso-server storage, schema version 6: each case's follow-up snapshot leaves `case_view` for a table
-- of its own, stored compact (postcard, days as numbers: hoso_model::domain::stored_day). An oversight
-- reads every snapshot of an area; beside the report facts it read twice the pages it needed, and its
-- JSON took as long to decode as the figures took to compute (BENCHMARKS.md, "Province oversight").
CREATE TABLE case_snapshot (
    case_id       TEXT PRIMARY KEY,
    commune_code  TEXT,
    province_code TEXT,
    facility_id   TEXT,
    snapshot      BLOB NOT NULL
) WITHOUT ROWID;
CREATE INDEX case_snapshot_commune ON case_snapshot(commune_code);
-- A province's oversight reads every snapshot of the province: the snapshot is in its index, so the
-- read walks that index alone instead of looking each row up by case.
CREATE INDEX case_snapshot_province ON case_snapshot(province_code, snapshot);
CREATE INDEX case_snapshot_facility ON case_snapshot(facility_id);

ALTER TABLE case_view DROP COLUMN snapshot;

-- The read model is built again, snapshots included, when the storage next opens.
DELETE FROM meta WHERE key = 'read_model_built';
