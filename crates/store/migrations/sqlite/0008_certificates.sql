-- Certificates of completion. Keep in lockstep with the other dialect. The code is what the
-- public verification page looks up; a revoked certificate stays, marked.
CREATE TABLE certificates (
    id BLOB PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    participant_id BLOB NOT NULL REFERENCES training_participants(id),
    session_id BLOB NOT NULL REFERENCES training_sessions(id),
    issued_by TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    revoked_by TEXT,
    revoked_at TEXT,
    revocation_reason TEXT
) STRICT;
CREATE INDEX certificates_participant ON certificates(participant_id);
CREATE INDEX certificates_session ON certificates(session_id);
