-- Schema version 4 (PostgreSQL backend): as server/sql/005_oversight.sql for SQLite. The read model
-- of oversight and reports (one row per case, refreshed in the push that changes the case; fields
-- whose concurrent values wait for a resolution), what devices report of their sync, and the
-- dashboard's sign-ins, one-time codes and sessions.

CREATE TABLE case_view (
    case_id       TEXT PRIMARY KEY,
    subject_id    TEXT,
    commune_code  TEXT,
    province_code TEXT,
    facility_id   TEXT,
    snapshot      TEXT NOT NULL,
    facts         TEXT NOT NULL
);
CREATE INDEX case_view_commune ON case_view(commune_code);
CREATE INDEX case_view_province ON case_view(province_code);
CREATE INDEX case_view_facility ON case_view(facility_id);
CREATE INDEX case_view_subject ON case_view(subject_id);

CREATE TABLE field_conflict (
    record_id TEXT NOT NULL,
    field     TEXT NOT NULL,
    "values"  INTEGER NOT NULL,
    PRIMARY KEY (record_id, field)
);

CREATE TABLE device_sync (
    device_id            TEXT PRIMARY KEY REFERENCES device(id),
    last_sync_at         BIGINT NOT NULL,
    pending_ops          BIGINT,
    oldest_unsent_millis BIGINT
);

CREATE TABLE web_login (
    user_id       TEXT PRIMARY KEY REFERENCES app_user(id),
    login         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    set_at        BIGINT NOT NULL
);

CREATE TABLE web_code (
    code_hash  TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES app_user(id),
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);

-- Only the SHA-256 of the cookie's token is stored, with the form token (CSRF).
CREATE TABLE web_session (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES app_user(id),
    csrf       TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
