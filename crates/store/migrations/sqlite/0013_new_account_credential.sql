-- Whether the account's current one-time credential is its first (a new account) rather than a
-- reset, so that the page where its holder chooses a password says "created" or "reset".
-- Keep in lockstep with ../postgres/0013_new_account_credential.sql.
ALTER TABLE users ADD COLUMN reset_is_creation INTEGER NOT NULL DEFAULT 0;
