-- The second factor (issue 13; tabara_core::totp, store second_factor/). An account's TOTP
-- secret, wrapped by the master key (key_id names which, for rotations), unconfirmed until the
-- first code from the app is typed back; the last step used (a code is good once), failures
-- and the lock they bring. Recovery codes kept as SHA-256 hashes, each good once. A session
-- whose password was right but whose second factor is still to come reaches nothing but the
-- second-factor pages. Keep in lockstep with the other dialect.
CREATE TABLE second_factors (
    user_id BLOB PRIMARY KEY REFERENCES users(id),
    key_id TEXT NOT NULL,
    secret BLOB NOT NULL,
    created_at TEXT NOT NULL,
    confirmed_at TEXT,
    last_step INTEGER NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT
) STRICT;
CREATE TABLE recovery_codes (
    user_id BLOB NOT NULL REFERENCES users(id),
    code_hash TEXT NOT NULL,
    used_at TEXT,
    PRIMARY KEY (user_id, code_hash)
) STRICT;
ALTER TABLE sessions ADD COLUMN second_factor_pending INTEGER NOT NULL DEFAULT 0;
