-- Sign-in, sessions, API tokens and need-to-know sharing. Keep in lockstep with
-- ../sqlite/0002_access.sql.

ALTER TABLE users ADD COLUMN failed_logins BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until TIMESTAMPTZ;
ALTER TABLE users ADD COLUMN password_changed_at TIMESTAMPTZ;

-- Server-side sessions; the cookie holds a random token, the table only its SHA-256.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    lang TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Tokens of machine clients of the JSON API; only the SHA-256 is kept.
CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ,
    revoked BOOLEAN NOT NULL DEFAULT FALSE
);

-- A case shared with another agency, by an explicit act with a reason.
CREATE TABLE case_shares (
    case_id UUID NOT NULL REFERENCES cases(id),
    organisation_id UUID NOT NULL REFERENCES organisations(id),
    reason TEXT NOT NULL,
    shared_by TEXT NOT NULL,
    shared_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (case_id, organisation_id)
);
CREATE INDEX case_shares_organisation ON case_shares(organisation_id, case_id);

-- A child is involved: child protection sees the case (maintained by the store).
ALTER TABLE cases ADD COLUMN involves_minor BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX cases_minor_number ON cases(involves_minor, number);
CREATE INDEX cases_owner_number ON cases(owner_id, number);
-- Existing registers: mark the cases that already involve a child (the rule of
-- PersonFacts::is_child_or_presumed: under 18, or of uncertain age and possibly under 21).
UPDATE cases SET involves_minor = TRUE WHERE EXISTS (
    SELECT 1 FROM case_persons cp JOIN persons p ON p.id = cp.person_id
    WHERE cp.case_id = cases.id AND (
        p.age_at_registration < 18
        OR (p.age_uncertain AND (p.age_at_registration IS NULL OR p.age_at_registration < 21))
    )
);
