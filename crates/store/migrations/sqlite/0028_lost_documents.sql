-- The lost, stolen and fraudulent documents list (issue 15; tabara_core::documents::lost, store
-- documents/): one row per document by issuing state and number (as keyed by core), with why it
-- is listed, since when, on whose word, and which import put it there. A document read is
-- looked up by the same keys. Keep in lockstep with the other dialect.
CREATE TABLE lost_documents (
    id BLOB PRIMARY KEY,
    issuing_state TEXT NOT NULL,
    number TEXT NOT NULL,
    reason TEXT NOT NULL,
    reported_on TEXT NOT NULL,
    source TEXT NOT NULL,
    import_id BLOB NOT NULL,
    imported_by TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    UNIQUE (issuing_state, number)
) STRICT;
