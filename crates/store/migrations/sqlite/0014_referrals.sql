-- Referrals between agencies (issue 12). Keep in lockstep with the other dialect.
-- A consent names one recipient agency, the services and the data categories consented to
-- (`;a;b;` sets of picklist values); it is withdrawn at most once, never deleted. A referral
-- is sent under one consent (`consent_id`, set on send); `due_at` is fixed on send, so the
-- inbox sorts and the overdue list selects by columns. `referral_events` is its timeline: one
-- row per step, written with the step's audit entry.
CREATE TABLE referral_consents (
    id BLOB PRIMARY KEY,
    case_id BLOB NOT NULL REFERENCES cases(id),
    person_id BLOB NOT NULL REFERENCES persons(id),
    recipient_id BLOB NOT NULL REFERENCES organisations(id),
    services TEXT NOT NULL,
    data TEXT NOT NULL,
    given_at TEXT NOT NULL,
    given_by TEXT NOT NULL CHECK (given_by IN ('person', 'guardian', 'representative')),
    language TEXT NOT NULL,
    witness TEXT,
    withdrawn_at TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL
) STRICT;
CREATE INDEX referral_consents_person ON referral_consents(case_id, person_id, recipient_id, given_at);

CREATE TABLE referrals (
    id BLOB PRIMARY KEY,
    case_id BLOB NOT NULL REFERENCES cases(id),
    person_id BLOB NOT NULL REFERENCES persons(id),
    sender_id BLOB NOT NULL REFERENCES organisations(id),
    recipient_id BLOB NOT NULL REFERENCES organisations(id),
    services TEXT NOT NULL,
    data TEXT NOT NULL,
    urgency TEXT NOT NULL,
    urgent INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('draft', 'sent', 'accepted', 'declined', 'in_progress',
        'completed', 'closed', 'cancelled')),
    consent_id BLOB REFERENCES referral_consents(id),
    answer_by TEXT,
    sent_at TEXT,
    due_at TEXT,
    assignee_id BLOB REFERENCES users(id),
    reason TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL
) STRICT;
CREATE INDEX referrals_case ON referrals(case_id, created_at);
CREATE INDEX referrals_recipient ON referrals(recipient_id, state, urgent, due_at);
CREATE INDEX referrals_sender ON referrals(sender_id, state, urgent, created_at);
CREATE INDEX referrals_overdue ON referrals(state, due_at);

CREATE TABLE referral_events (
    referral_id BLOB NOT NULL REFERENCES referrals(id),
    seq INTEGER NOT NULL,
    step TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TEXT NOT NULL,
    reason TEXT,
    PRIMARY KEY (referral_id, seq)
) STRICT;
