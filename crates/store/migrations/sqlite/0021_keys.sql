-- The register's own keys (issue 13), each wrapped by the master key, which lives in a key
-- file outside the register (tabara_core::protect, store keys/). key_id names the master key
-- that wrapped it (the first 8 bytes of its SHA-256, hex), so that a rotation knows what is
-- left to re-wrap and a wrong key file is told apart from damage. Keep in lockstep with the
-- other dialect.
CREATE TABLE register_keys (
    purpose TEXT PRIMARY KEY,
    key_id TEXT NOT NULL,
    wrapped BLOB NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
