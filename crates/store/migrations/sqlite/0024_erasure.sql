-- Erasure of persons and legal holds on cases (issue 13; tabara_core::erasure, store
-- erasure/). A hold (a case under investigation or before a court) stops the erasure of the
-- case's persons until it is lifted; an erasure asked meanwhile waits in `erasures` with the
-- cases that hold it, and the daily job carries it out. Erasing deletes the person's data key
-- (person_keys) and blind-index terms, and empties their sealed identity: nothing identifying
-- can be opened again, here or in a backup restored later (the restore replays `erasures`).
-- Grounds and hold kinds are value names, references are file numbers: never a person's
-- name. Keep in lockstep with the other dialect.
CREATE TABLE legal_holds (
    id BLOB PRIMARY KEY,
    case_id BLOB NOT NULL REFERENCES cases(id),
    kind TEXT NOT NULL,
    reference TEXT NOT NULL,
    placed_by TEXT NOT NULL,
    placed_at TEXT NOT NULL,
    lifted_by TEXT,
    lifted_at TEXT
) STRICT;
CREATE INDEX legal_holds_open ON legal_holds(case_id) WHERE lifted_at IS NULL;
CREATE TABLE erasures (
    person_id BLOB PRIMARY KEY REFERENCES persons(id),
    ground TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    held_by TEXT NOT NULL,
    erased_at TEXT
) STRICT;
CREATE INDEX erasures_waiting ON erasures(requested_at) WHERE erased_at IS NULL;
