-- hoso-server storage, PostgreSQL schema version 7: no statement looks a record up by its case (a
-- case's records are found by their parent); the index only cost each new record a write.
DROP INDEX record_case;
