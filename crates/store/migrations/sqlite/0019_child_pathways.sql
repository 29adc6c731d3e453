-- The child pathway (issue 12): one row per child (or presumed child) of a case, opened by the
-- store when it learns of the child; guardian and best-interests assessment as JSON
-- (tabara_core::pathway::Guardian, BestInterests) with who recorded them and when; signed off
-- by child protection. Keep in lockstep with the other dialect.
CREATE TABLE child_pathways (
    id BLOB PRIMARY KEY,
    case_id BLOB NOT NULL REFERENCES cases(id),
    person_id BLOB NOT NULL REFERENCES persons(id),
    reason TEXT NOT NULL CHECK (reason IN ('registered', 'screening')),
    opened_at TEXT NOT NULL,
    guardian TEXT,
    guardian_by TEXT,
    guardian_at TEXT,
    best_interests TEXT,
    best_interests_by TEXT,
    best_interests_at TEXT,
    signed_off_by TEXT,
    signed_off_at TEXT,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL,
    UNIQUE (case_id, person_id)
) STRICT;
CREATE INDEX child_pathways_open ON child_pathways(signed_off_at, opened_at);
