-- Screening interviews (victim identification). Keep in lockstep with the other dialect.
-- Answers, age facts and movement facts are JSON documents keyed by the catalogue's stable ids;
-- a skipped question is stored as "not_asked", never as "no".
CREATE TABLE screenings (
    id UUID PRIMARY KEY,
    person_id UUID NOT NULL REFERENCES persons(id),
    case_id UUID NOT NULL REFERENCES cases(id),
    catalogue_version TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('draft', 'completed')),
    answers TEXT NOT NULL,
    age_facts TEXT NOT NULL,
    movement_facts TEXT NOT NULL,
    outcome TEXT,
    evaluation TEXT,
    decision TEXT CHECK (decision IN ('confirmed', 'overridden')),
    decided_status TEXT,
    decision_reason TEXT,
    decided_by TEXT,
    decided_at TIMESTAMPTZ,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX screenings_person ON screenings(person_id, created_at);
CREATE INDEX screenings_case ON screenings(case_id, created_at);
