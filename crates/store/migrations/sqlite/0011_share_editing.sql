-- A share lets the receiving agency read and comment on a case; editing it needs the owning
-- agency's explicit leave, given with the share (issue 10). Existing shares stay read-only.
ALTER TABLE case_shares ADD COLUMN may_edit INTEGER NOT NULL DEFAULT 0;
