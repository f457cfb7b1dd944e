-- hoso device store, schema version 1.
-- Records are generic: a kind and a set of fields. Each field keeps its merge state (winner, losers
-- and superseded versions), so that the same merge function runs here and on the server.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE record (
    id           TEXT NOT NULL PRIMARY KEY,
    kind         TEXT NOT NULL,
    -- Derived from the fields when the record is written, for fast case files and lists.
    case_id      TEXT,
    household_id TEXT,
    deleted      INTEGER NOT NULL DEFAULT 0,
    -- HLC text of the newest field version, for "recently changed" lists.
    updated_hlc  TEXT NOT NULL,
    -- How many fields hold concurrent values waiting for review.
    conflicts    INTEGER NOT NULL DEFAULT 0,
    -- Every field's merge state, one JSON object keyed by field name (see core/src/store/doc.rs):
    -- one row per record, not per field, so a record is read and written whole.
    fields       TEXT NOT NULL
);
-- Covers the ids of a case's live children, which case summaries list before reading them.
CREATE INDEX record_by_case ON record(case_id, deleted, id) WHERE case_id IS NOT NULL;
CREATE INDEX record_by_household ON record(household_id) WHERE household_id IS NOT NULL;
CREATE INDEX record_by_kind ON record(kind, deleted);
CREATE INDEX record_with_conflicts ON record(id) WHERE conflicts > 0;

-- Local operations: the outbox that sync ships and this device's audit trail.
CREATE TABLE op (
    seq           INTEGER PRIMARY KEY,
    op_id         TEXT NOT NULL UNIQUE,
    record_id     TEXT NOT NULL,
    kind          TEXT NOT NULL,
    field         TEXT NOT NULL,
    value         TEXT NOT NULL,
    hlc           TEXT NOT NULL,
    supersedes    TEXT NOT NULL,   -- JSON array of HLC texts
    device_id     TEXT NOT NULL,
    author        TEXT NOT NULL,
    -- queued → sent → acknowledged | rejected
    sync_state    TEXT NOT NULL DEFAULT 'queued',
    reject_code   TEXT,
    reject_reason TEXT
);
CREATE INDEX op_by_state ON op(sync_state, seq);
CREATE INDEX op_by_record ON op(record_id);

-- Identity keys of people, for warning about likely duplicates registered offline.
CREATE TABLE person_key (
    key       TEXT NOT NULL,
    record_id TEXT NOT NULL,
    PRIMARY KEY (key, record_id)
) WITHOUT ROWID;
CREATE INDEX person_key_by_record ON person_key(record_id);

-- Search over people and households: text folded in Rust (đ → d), diacritics folding as a safety net.
-- FTS rows are addressed by an integer rowid (deleting by an UNINDEXED column would scan the index).
CREATE TABLE search_doc (
    id        INTEGER PRIMARY KEY,
    record_id TEXT NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE search_index USING fts5(
    record_id UNINDEXED,
    kind UNINDEXED,
    body,
    tokenize = "unicode61 remove_diacritics 2",
    prefix = '1 2 3',
    detail = none
);

-- Administrative units as updatable data (QĐ 19/2025/QĐ-TTg codes, strings with leading zeros).
CREATE TABLE admin_unit (
    code          TEXT NOT NULL,
    level         TEXT NOT NULL,   -- 'province' | 'commune'
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    province_code TEXT,
    PRIMARY KEY (level, code)
) WITHOUT ROWID;

-- One derived summary per case (domain::snapshot), refreshed in the transaction that changes any of
-- the case's records, so that caseload lists and follow-ups never read every visit. Not synced.
CREATE TABLE case_summary (
    case_id    TEXT PRIMARY KEY,
    subject_id TEXT,
    snapshot   TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX case_summary_by_subject ON case_summary(subject_id);
