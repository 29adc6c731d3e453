-- The lost, stolen and fraudulent documents list (issue 15; tabara_core::documents::lost, store
-- documents/): one row per document by issuing state and number (as keyed by core), with why it
-- is listed, since when, on whose word, and which import put it there. A document read is
-- looked up by the same keys. Keep in lockstep with the other dialect.
CREATE TABLE lost_documents (
    id UUID PRIMARY KEY,
    issuing_state TEXT NOT NULL,
    number TEXT NOT NULL,
    reason TEXT NOT NULL,
    reported_on DATE NOT NULL,
    source TEXT NOT NULL,
    import_id UUID NOT NULL,
    imported_by TEXT NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL,
    UNIQUE (issuing_state, number)
);
