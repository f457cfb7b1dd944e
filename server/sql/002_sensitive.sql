-- Sensitive personal data reaches only the people who manage or approve a case (NĐ 356/2025,
-- TT 02/2020 Điều 9.2). Each field is flagged when written, with the case it belongs to; each case keeps
-- who manages it.

ALTER TABLE record ADD COLUMN form_id TEXT;
-- The case a record's data belongs to: the case itself, or the case a form, visit or person is under.
ALTER TABLE record ADD COLUMN case_id TEXT;
-- For cases: the manager the chairman or facility head assigned, and who opened the case.
ALTER TABLE record ADD COLUMN manager_id TEXT;
ALTER TABLE record ADD COLUMN opened_by TEXT;

ALTER TABLE field_state ADD COLUMN sensitive INTEGER NOT NULL DEFAULT 0;
ALTER TABLE field_state ADD COLUMN case_id TEXT;
CREATE INDEX field_state_sensitive_case ON field_state(case_id) WHERE sensitive = 1;
CREATE INDEX record_case ON record(case_id) WHERE case_id IS NOT NULL;
