-- The referral inbox read in index order (issue 12): one index per side of an inbox, keyed by
-- urgency and state, then the moment the referral stands by (sent_at; a draft's created_at,
-- its sent_at being NULL) and id, with due_at last so the overdue test reads the index alone.
-- Each (urgency, state) slice comes out already in core's inbox order and is read with a
-- LIMIT; the store merges the few slices (see referrals::queries::referral_inbox). They
-- replace the first two indexes, which made every inbox read sort all of an agency's open
-- referrals. Keep in lockstep with the other dialect.
DROP INDEX referrals_recipient;
DROP INDEX referrals_sender;
CREATE INDEX referrals_inbox_incoming ON referrals(recipient_id, urgent, state, sent_at, id, due_at);
CREATE INDEX referrals_inbox_assigned ON referrals(recipient_id, assignee_id, urgent, state, sent_at, id, due_at);
CREATE INDEX referrals_inbox_outgoing ON referrals(sender_id, urgent, state, sent_at, created_at, id, due_at);
