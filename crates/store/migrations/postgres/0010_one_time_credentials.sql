-- One-time credentials and the second administrator's approval. Keep in lockstep with
-- ../sqlite/0010_one_time_credentials.sql.
--
-- An account whose password was given out by someone else (a new account, a reset) holds a
-- one-time credential: `must_change_password` is set and the credential signs in only until
-- `one_time_expires_at`, to the page that chooses a new password; signing in with it clears
-- `one_time_expires_at`, so it works once. Who reset the account, who approved and when, are
-- kept to tell the holder (as actors: `user:<id>` or `system:cli`).
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN one_time_expires_at TIMESTAMPTZ;
ALTER TABLE users ADD COLUMN reset_by TEXT;
ALTER TABLE users ADD COLUMN reset_approved_by TEXT;
ALTER TABLE users ADD COLUMN reset_at TIMESTAMPTZ;

-- A session opened with a one-time credential reaches only the new-password page.
ALTER TABLE sessions ADD COLUMN password_only BOOLEAN NOT NULL DEFAULT FALSE;

-- An administrator's request to create or reset an account that reads identities, waiting
-- for another administrator's decision.
CREATE TABLE account_requests (
    id UUID PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL CHECK (kind IN ('create', 'reset')),
    requested_by UUID NOT NULL REFERENCES users(id),
    requested_at TIMESTAMPTZ NOT NULL,
    decision TEXT CHECK (decision IN ('approved', 'refused')),
    decided_by UUID REFERENCES users(id),
    decided_at TIMESTAMPTZ
);
-- At most one request waits per account.
CREATE UNIQUE INDEX account_requests_pending ON account_requests(user_id) WHERE decision IS NULL;
