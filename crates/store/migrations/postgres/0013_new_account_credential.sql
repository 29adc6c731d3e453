-- Whether the account's current one-time credential is its first (a new account) rather than a
-- reset, so that the page where its holder chooses a password says "created" or "reset".
-- Keep in lockstep with ../sqlite/0013_new_account_credential.sql.
ALTER TABLE users ADD COLUMN reset_is_creation BOOLEAN NOT NULL DEFAULT FALSE;
