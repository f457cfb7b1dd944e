-- What an area shares beyond its records: the configuration of what the law leaves open (per province
-- or facility), the administrative units in force, and which periodic reports were produced.

CREATE TABLE area_config (
    area_kind TEXT NOT NULL,
    area_code TEXT NOT NULL,
    version   INTEGER NOT NULL,
    config    TEXT NOT NULL,
    PRIMARY KEY (area_kind, area_code)
) WITHOUT ROWID;

-- Imported lists of administrative units; the newest whose effective day has come is in force.
CREATE TABLE admin_units (
    version     TEXT PRIMARY KEY,
    effective   TEXT NOT NULL,
    units       TEXT NOT NULL,
    imported_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE report_produced (
    area_kind   TEXT NOT NULL,
    area_code   TEXT NOT NULL,
    period      TEXT NOT NULL,
    produced_at INTEGER NOT NULL,
    PRIMARY KEY (area_kind, area_code, period)
) WITHOUT ROWID;
