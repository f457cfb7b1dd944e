-- hoso-server storage, schema version 5: the read model of oversight and reports, what devices report
-- of their sync, and the dashboard's accounts and sessions.

-- One row per case: its follow-up snapshot (hoso_model::domain::snapshot) and its report facts
-- (hoso_model::domain::report::facts) as JSON, with the case's area and subject. Refreshed in the push
-- transaction that changes the case, one of its records or its subject, so oversight and reports read
-- one row per case, never the field states of every visit.
CREATE TABLE case_view (
    case_id       TEXT PRIMARY KEY,
    subject_id    TEXT,
    commune_code  TEXT,
    province_code TEXT,
    facility_id   TEXT,
    snapshot      TEXT NOT NULL,
    facts         TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX case_view_commune ON case_view(commune_code);
CREATE INDEX case_view_province ON case_view(province_code);
CREATE INDEX case_view_facility ON case_view(facility_id);
CREATE INDEX case_view_subject ON case_view(subject_id);

-- Fields whose state keeps concurrent values (losers) waiting for a resolution.
CREATE TABLE field_conflict (
    record_id TEXT NOT NULL,
    field     TEXT NOT NULL,
    "values"  INTEGER NOT NULL,
    PRIMARY KEY (record_id, field)
) WITHOUT ROWID;

-- The last time each device reached the server and the outbox it reported then.
CREATE TABLE device_sync (
    device_id            TEXT PRIMARY KEY REFERENCES device(id),
    last_sync_at         INTEGER NOT NULL,
    pending_ops          INTEGER,
    oldest_unsent_millis INTEGER
) WITHOUT ROWID;

-- Dashboard sign-in: a name and an argon2 password hash, set by the user with a one-time code.
CREATE TABLE web_login (
    user_id       TEXT PRIMARY KEY REFERENCES user(id),
    login         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    set_at        INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE web_code (
    code_hash  TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES user(id),
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
) WITHOUT ROWID;

-- Dashboard sessions: only the SHA-256 of the cookie's token is stored, with the form token (CSRF).
CREATE TABLE web_session (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES user(id),
    csrf       TEXT NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
