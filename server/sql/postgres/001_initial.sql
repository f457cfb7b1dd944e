-- hoso-server storage, schema version 1 (PostgreSQL backend). The same tables as the SQLite backend
-- (server/sql/001_initial.sql), plus what several server processes share: the sequence head (whose
-- row lock orders pushes) and rate-limit counters.

CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

-- The last sequence number handed out. A push locks this row (SELECT … FOR UPDATE) for its whole
-- transaction: pushes from every process commit in sequence order, so a pull's snapshot never sees
-- a sequence number while an earlier one is still to come.
CREATE TABLE sequence_head (
    id  SMALLINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL
);
INSERT INTO sequence_head (id, seq) VALUES (1, 0);

CREATE TABLE area (
    kind TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (kind, code)
);

CREATE TABLE app_user (
    id        TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    role      TEXT NOT NULL,
    area_kind TEXT NOT NULL,
    area_code TEXT NOT NULL
);

CREATE TABLE device (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES app_user(id),
    name        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,   -- SHA-256 of the bearer token; the token itself is never stored
    revoked     BOOLEAN NOT NULL DEFAULT FALSE,
    enrolled_at BIGINT NOT NULL
);

CREATE TABLE enrollment_code (
    code_hash  TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES app_user(id),
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);

CREATE TABLE admin_token (token_hash TEXT PRIMARY KEY, created_at BIGINT NOT NULL);

-- Every accepted op, append-only: the audit trail. The trigger below refuses any change or removal.
CREATE TABLE op_log (
    seq         BIGINT PRIMARY KEY,
    op_id       TEXT NOT NULL UNIQUE,
    record_id   TEXT NOT NULL,
    kind        TEXT NOT NULL,
    field       TEXT NOT NULL,
    value       TEXT NOT NULL,
    hlc         TEXT NOT NULL,
    supersedes  TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    author      TEXT NOT NULL,
    received_at BIGINT NOT NULL
);
CREATE INDEX op_log_record ON op_log(record_id);

CREATE FUNCTION op_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'op_log is append-only (the audit trail)';
END;
$$;
CREATE TRIGGER op_log_no_update BEFORE UPDATE OR DELETE ON op_log
    FOR EACH STATEMENT EXECUTE FUNCTION op_log_is_append_only();
CREATE TRIGGER op_log_no_truncate BEFORE TRUNCATE ON op_log
    FOR EACH STATEMENT EXECUTE FUNCTION op_log_is_append_only();

-- Where each record belongs (see the SQLite schema for the rules).
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
);
CREATE INDEX record_parent ON record(parent_id);

-- Current merged state of every field, stamped with the sequence of its last change and carrying its
-- record's kind and area, so that a pull walks one (area, seq) index.
CREATE TABLE field_state (
    record_id     TEXT NOT NULL,
    field         TEXT NOT NULL,
    kind          TEXT NOT NULL,
    state         TEXT NOT NULL,
    seq           BIGINT NOT NULL,
    commune_code  TEXT,
    province_code TEXT,
    facility_id   TEXT,
    PRIMARY KEY (record_id, field)
);
CREATE INDEX field_state_commune ON field_state(commune_code, seq) WHERE commune_code IS NOT NULL;
CREATE INDEX field_state_province ON field_state(province_code, seq) WHERE province_code IS NOT NULL;
CREATE INDEX field_state_facility ON field_state(facility_id, seq) WHERE facility_id IS NOT NULL;

-- A record left an area at `seq`: devices of that area are told to evict it.
CREATE TABLE scope_event (
    seq          BIGINT NOT NULL,
    record_id    TEXT NOT NULL,
    old_commune  TEXT,
    old_province TEXT,
    old_facility TEXT
);
CREATE INDEX scope_event_seq ON scope_event(seq);

-- Attempts counted per key (an address, a kind of request) in fixed windows, shared by every process.
CREATE TABLE rate_limit (
    key          TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    attempts     INTEGER NOT NULL
);
