-- Schema version 6 of the PostgreSQL backend: sequence numbers without a lock held through commit.
-- Until now a push locked the `sequence_head` row from its first read to its commit, so pushes from
-- every process ran one at a time (push p99 of 6–7 s with 1,000 devices: BENCHMARKS.md). Now a push
-- numbers its ops from its own transaction id: floor + xid × 65,536 + n (n ≤ 65,535; a push has at
-- most 1,000 ops). Transaction ids only grow, and a snapshot lists those still running, so a pull
-- returns only sequence numbers below floor + (oldest running) × 65,536: nothing below that bound can
-- still be committed (storage/postgres/ordering.rs). The floor keeps the numbers above those already
-- handed out.
CREATE TABLE sequence_floor (
    id    SMALLINT PRIMARY KEY CHECK (id = 1),
    floor BIGINT NOT NULL
);
INSERT INTO sequence_floor (id, floor) SELECT 1, seq + 1 FROM sequence_head;
DROP TABLE sequence_head;
