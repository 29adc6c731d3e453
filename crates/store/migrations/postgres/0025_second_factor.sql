-- The second factor (issue 13; tabara_core::totp, store second_factor/). An account's TOTP
-- secret, wrapped by the master key (key_id names which, for rotations), unconfirmed until the
-- first code from the app is typed back; the last step used (a code is good once), failures
-- and the lock they bring. Recovery codes kept as SHA-256 hashes, each good once. A session
-- whose password was right but whose second factor is still to come reaches nothing but the
-- second-factor pages. Keep in lockstep with the other dialect.
CREATE TABLE second_factors (
    user_id UUID PRIMARY KEY REFERENCES users(id),
    key_id TEXT NOT NULL,
    secret BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    confirmed_at TIMESTAMPTZ,
    last_step BIGINT NOT NULL DEFAULT 0,
    failures BIGINT NOT NULL DEFAULT 0,
    locked_until TIMESTAMPTZ
);
CREATE TABLE recovery_codes (
    user_id UUID NOT NULL REFERENCES users(id),
    code_hash TEXT NOT NULL,
    used_at TIMESTAMPTZ,
    PRIMARY KEY (user_id, code_hash)
);
ALTER TABLE sessions ADD COLUMN second_factor_pending BOOLEAN NOT NULL DEFAULT false;
