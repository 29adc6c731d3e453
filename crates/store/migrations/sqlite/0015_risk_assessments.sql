-- Victim risk assessments (security and re-trafficking), append-only: a reassessment is a new
-- row, the history of a person is the list of them. Keep in lockstep with the other dialect.
-- factors: the ids of the factors present, ';'-joined in order; suggestion: the cell the
-- factors suggested and its reasons (JSON, tabara_core::risk::Suggestion).
CREATE TABLE risk_assessments (
    id BLOB PRIMARY KEY,
    case_id BLOB NOT NULL REFERENCES cases(id),
    person_id BLOB NOT NULL REFERENCES persons(id),
    kind TEXT NOT NULL CHECK (kind IN ('security', 're_trafficking')),
    likelihood INTEGER NOT NULL CHECK (likelihood BETWEEN 1 AND 5),
    impact INTEGER NOT NULL CHECK (impact BETWEEN 1 AND 5),
    level TEXT NOT NULL CHECK (level IN ('low', 'medium', 'high', 'critical')),
    factors TEXT NOT NULL,
    suggestion TEXT NOT NULL,
    safety_plan TEXT,
    factors_version TEXT NOT NULL,
    assessed_by TEXT NOT NULL,
    assessed_at TEXT NOT NULL,
    reassess_by TEXT NOT NULL
) STRICT;
CREATE INDEX risk_assessments_person ON risk_assessments(case_id, person_id, kind, assessed_at);
CREATE INDEX risk_assessments_due ON risk_assessments(reassess_by);
