-- hoso-server storage, schema version 1 (SQLite backend).

CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

CREATE TABLE area (
    kind TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (kind, code)
) WITHOUT ROWID;

CREATE TABLE user (
    id        TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    role      TEXT NOT NULL,
    area_kind TEXT NOT NULL,
    area_code TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE device (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES user(id),
    name        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,   -- SHA-256 of the bearer token; the token itself is never stored
    revoked     INTEGER NOT NULL DEFAULT 0,
    enrolled_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE enrollment_code (
    code_hash  TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES user(id),
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
) WITHOUT ROWID;

CREATE TABLE admin_token (token_hash TEXT PRIMARY KEY, created_at INTEGER NOT NULL) WITHOUT ROWID;

-- Every accepted op, append-only: the audit trail.
CREATE TABLE op_log (
    seq         INTEGER PRIMARY KEY,
    op_id       TEXT NOT NULL UNIQUE,
    record_id   TEXT NOT NULL,
    kind        TEXT NOT NULL,
    field       TEXT NOT NULL,
    value       TEXT NOT NULL,
    hlc         TEXT NOT NULL,
    supersedes  TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    author      TEXT NOT NULL,
    received_at INTEGER NOT NULL
);
CREATE INDEX op_log_record ON op_log(record_id);

-- Where each record belongs. Cases and households carry their own area; other records inherit their
-- parent's (a visit its case, a person its household or the case it is the subject of).
CREATE TABLE record (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL,
    parent_id     TEXT,
    own_commune   TEXT,
    own_province  TEXT,
    own_facility  TEXT,
    commune_code  TEXT,
    province_code TEXT,
    facility_id   TEXT
) WITHOUT ROWID;
CREATE INDEX record_parent ON record(parent_id);
CREATE INDEX record_commune ON record(commune_code);
CREATE INDEX record_province ON record(province_code);
CREATE INDEX record_facility ON record(facility_id);

-- Current merged state of every field, stamped with the sequence of its last change (pulls page by it).
-- The record's kind and area are copied onto each field (and re-stamped with the record when it moves),
-- so that a pull walks one index in sequence order, whatever the size of the rest of the province.
CREATE TABLE field_state (
    record_id     TEXT NOT NULL,
    field         TEXT NOT NULL,
    kind          TEXT NOT NULL,
    state         TEXT NOT NULL,
    seq           INTEGER NOT NULL,
    commune_code  TEXT,
    province_code TEXT,
    facility_id   TEXT,
    PRIMARY KEY (record_id, field)
) WITHOUT ROWID;
CREATE INDEX field_state_commune ON field_state(commune_code, seq) WHERE commune_code IS NOT NULL;
CREATE INDEX field_state_province ON field_state(province_code, seq) WHERE province_code IS NOT NULL;
CREATE INDEX field_state_facility ON field_state(facility_id, seq) WHERE facility_id IS NOT NULL;

-- A record left an area at `seq`: devices of that area are told to evict it.
CREATE TABLE scope_event (
    seq          INTEGER NOT NULL,
    record_id    TEXT NOT NULL,
    old_commune  TEXT,
    old_province TEXT,
    old_facility TEXT
);
CREATE INDEX scope_event_seq ON scope_event(seq);
