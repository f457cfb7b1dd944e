-- hoso-server storage, schema version 7: fewer bytes and index entries per pushed op (BENCHMARKS.md,
-- "Fewer bytes per op"). A push writes each op twice (the audit trail and the field's state), each
-- with its indexes, through the page cipher twice (log, then file): what is not stored is not
-- encrypted, logged or checkpointed.
--
-- The views below name `op_log`, `push_log`, `field_state` and `record`: a later migration that
-- rebuilds one of those tables (copy, drop, rename) drops the views first and creates them again.

-- 1. Who pushed, from which device and when is the same for every op of a push (vetting refuses an op
--    whose device or author is not the pushing device's): kept once per push, not on each op.
CREATE TABLE push_log (
    id          INTEGER PRIMARY KEY,
    device_id   TEXT NOT NULL,
    author      TEXT NOT NULL,
    received_at INTEGER NOT NULL
);
INSERT INTO push_log (device_id, author, received_at)
    SELECT device_id, author, received_at FROM op_log
    GROUP BY device_id, author, received_at ORDER BY min(seq);
CREATE INDEX push_log_origin ON push_log(device_id, author, received_at);

CREATE TABLE op_log_compact (
    seq        INTEGER PRIMARY KEY,
    op_id      TEXT NOT NULL UNIQUE,
    record_id  TEXT NOT NULL,
    kind       TEXT NOT NULL,
    field      TEXT NOT NULL,
    value      TEXT NOT NULL,
    hlc        TEXT NOT NULL,
    supersedes TEXT NOT NULL,
    push       INTEGER NOT NULL   -- push_log.id
);
INSERT INTO op_log_compact (seq, op_id, record_id, kind, field, value, hlc, supersedes, push)
    SELECT o.seq, o.op_id, o.record_id, o.kind, o.field, o.value, o.hlc, o.supersedes, p.id
    FROM op_log o JOIN push_log p
      ON p.device_id = o.device_id AND p.author = o.author AND p.received_at = o.received_at
    ORDER BY o.seq;
DROP TABLE op_log;
ALTER TABLE op_log_compact RENAME TO op_log;
CREATE INDEX op_log_record ON op_log(record_id);
DROP INDEX push_log_origin;

-- Every op as it was logged: what the audit trail and `hoso-server migrate` read.
CREATE VIEW audit_op AS
    SELECT o.seq, p.received_at, o.op_id, o.record_id, o.kind, o.field, o.value, o.hlc,
           o.supersedes, p.device_id, p.author
    FROM op_log o JOIN push_log p ON p.id = o.push;

-- 2. A field's case is read only to decide who receives a sensitive field: kept on sensitive fields
--    only (the record's `case_id` holds it for every record).
UPDATE field_state SET case_id = NULL WHERE sensitive = 0 AND case_id IS NOT NULL;

-- Every field state with its case (a sensitive field's own, any other its record's), as PostgreSQL
-- stores it (`hoso-server migrate`).
CREATE VIEW field_state_with_case AS
    SELECT f.record_id, f.field, f.kind, f.state, f.seq, f.commune_code, f.province_code,
           f.facility_id, f.sensitive,
           CASE WHEN f.sensitive THEN f.case_id ELSE r.case_id END AS case_id
    FROM field_state f LEFT JOIN record r ON r.id = f.record_id;

-- 3. Records are looked up by their parent, and by area only as a manager's cases (who may read
--    sensitive fields): a case's records are not indexed by their case, and only cases by their
--    area. Parents are never looked up as NULL.
DROP INDEX record_case;
DROP INDEX record_commune;
DROP INDEX record_province;
DROP INDEX record_facility;
CREATE INDEX record_case_commune ON record(commune_code)
    WHERE kind = 'case' AND commune_code IS NOT NULL;
CREATE INDEX record_case_province ON record(province_code)
    WHERE kind = 'case' AND province_code IS NOT NULL;
CREATE INDEX record_case_facility ON record(facility_id)
    WHERE kind = 'case' AND facility_id IS NOT NULL;
DROP INDEX record_parent;
CREATE INDEX record_parent ON record(parent_id) WHERE parent_id IS NOT NULL;

-- 4. A case's read model is looked up by area, never as NULL: a commune deployment's cases have no
--    facility, a facility's no commune.
DROP INDEX case_view_commune;
CREATE INDEX case_view_commune ON case_view(commune_code) WHERE commune_code IS NOT NULL;
DROP INDEX case_view_province;
CREATE INDEX case_view_province ON case_view(province_code) WHERE province_code IS NOT NULL;
DROP INDEX case_view_facility;
CREATE INDEX case_view_facility ON case_view(facility_id) WHERE facility_id IS NOT NULL;
DROP INDEX case_snapshot_commune;
CREATE INDEX case_snapshot_commune ON case_snapshot(commune_code) WHERE commune_code IS NOT NULL;
DROP INDEX case_snapshot_province;
CREATE INDEX case_snapshot_province ON case_snapshot(province_code, snapshot)
    WHERE province_code IS NOT NULL;
DROP INDEX case_snapshot_facility;
CREATE INDEX case_snapshot_facility ON case_snapshot(facility_id) WHERE facility_id IS NOT NULL;
