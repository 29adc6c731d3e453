-- Signed checkpoints of the audit log (issue 13; tabara_core::checkpoint, store audit/tree).
-- One per size of the log: the Merkle root over entries 1..size (RFC 6962), the chain hash of
-- entry `size`, the tree's peaks (the roots of its perfect subtrees, largest first, hex joined
-- by commas) so the next checkpoint reads only the entries after it, and the signed text as
-- made. The signing key is never here; a copy of the text kept elsewhere is what detects a
-- rewrite of this table and the log together. Keep in lockstep with the other dialect.
CREATE TABLE audit_checkpoints (
    size BIGINT PRIMARY KEY,
    root TEXT NOT NULL,
    head TEXT NOT NULL,
    peaks TEXT NOT NULL,
    signer TEXT NOT NULL,
    made_at TIMESTAMPTZ NOT NULL,
    text TEXT NOT NULL
);
