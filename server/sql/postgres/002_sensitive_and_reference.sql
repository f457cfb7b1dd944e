-- Schema version 2 (PostgreSQL backend): as server/sql/002_sensitive.sql and 003_reference.sql.
-- Sensitive personal data reaches only the people who manage or approve a case (NĐ 356/2025,
-- TT 02/2020 Điều 9.2): each field is flagged when written, with the case it belongs to; each case keeps
-- who manages it. An area also shares its configuration, the administrative units in force and which
-- periodic reports were produced.

ALTER TABLE record ADD COLUMN form_id TEXT;
ALTER TABLE record ADD COLUMN case_id TEXT;
ALTER TABLE record ADD COLUMN manager_id TEXT;
ALTER TABLE record ADD COLUMN opened_by TEXT;

ALTER TABLE field_state ADD COLUMN sensitive BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE field_state ADD COLUMN case_id TEXT;
CREATE INDEX field_state_sensitive_case ON field_state(case_id) WHERE sensitive;
CREATE INDEX record_case ON record(case_id) WHERE case_id IS NOT NULL;
CREATE INDEX record_managed ON record(manager_id) WHERE kind = 'case';
CREATE INDEX record_opened ON record(opened_by) WHERE kind = 'case';

CREATE TABLE area_config (
    area_kind TEXT NOT NULL,
    area_code TEXT NOT NULL,
    version   BIGINT NOT NULL,
    config    TEXT NOT NULL,
    PRIMARY KEY (area_kind, area_code)
);

CREATE TABLE admin_units (
    version     TEXT PRIMARY KEY,
    effective   TEXT NOT NULL,
    units       TEXT NOT NULL,
    imported_at BIGINT NOT NULL
);

CREATE TABLE report_produced (
    area_kind   TEXT NOT NULL,
    area_code   TEXT NOT NULL,
    period      TEXT NOT NULL,
    produced_at BIGINT NOT NULL,
    PRIMARY KEY (area_kind, area_code, period)
);
