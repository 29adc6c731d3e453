-- The child pathway (issue 12): one row per child (or presumed child) of a case, opened by the
-- store when it learns of the child; guardian and best-interests assessment as JSON
-- (tabara_core::pathway::Guardian, BestInterests) with who recorded them and when; signed off
-- by child protection. Keep in lockstep with the other dialect.
CREATE TABLE child_pathways (
    id UUID PRIMARY KEY,
    case_id UUID NOT NULL REFERENCES cases(id),
    person_id UUID NOT NULL REFERENCES persons(id),
    reason TEXT NOT NULL CHECK (reason IN ('registered', 'screening')),
    opened_at TIMESTAMPTZ NOT NULL,
    guardian TEXT,
    guardian_by TEXT,
    guardian_at TIMESTAMPTZ,
    best_interests TEXT,
    best_interests_by TEXT,
    best_interests_at TIMESTAMPTZ,
    signed_off_by TEXT,
    signed_off_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL,
    UNIQUE (case_id, person_id)
);
CREATE INDEX child_pathways_open ON child_pathways(signed_off_at, opened_at);
