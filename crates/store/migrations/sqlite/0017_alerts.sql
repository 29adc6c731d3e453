-- Alerts the register raises on its own (issue 12). Keep in lockstep with the other dialect.
-- An alert is written once: `alert_key` (kind, record, the moment it fell due; see
-- tabara_core::alerts::alert_key) is unique, and every raise inserts with ON CONFLICT DO
-- NOTHING, so two servers or a restart never raise one twice. `notifications` is each user's
-- inbox: one row per alert and recipient, read once. `deliveries` is the outbox of the external
-- channels (SMS, e-mail, log): one row per notification and channel, with its attempts.
-- Nothing here holds personal data: kinds, ids and moments; the pages put them in words.
CREATE TABLE alerts (
    id BLOB PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('referral_overdue', 'risk_high', 'risk_reassessment_due')),
    alert_key TEXT NOT NULL UNIQUE,
    subject_kind TEXT NOT NULL CHECK (subject_kind IN ('referral', 'risk_assessment')),
    subject_id BLOB NOT NULL,
    case_id BLOB NOT NULL REFERENCES cases(id),
    person_id BLOB NOT NULL REFERENCES persons(id),
    due_at TEXT NOT NULL,
    raised_at TEXT NOT NULL
) STRICT;
CREATE INDEX alerts_subject ON alerts(subject_id, kind);

CREATE TABLE notifications (
    id BLOB PRIMARY KEY,
    alert_id BLOB NOT NULL REFERENCES alerts(id),
    user_id BLOB NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    read_at TEXT,
    UNIQUE (alert_id, user_id)
) STRICT;
CREATE INDEX notifications_inbox ON notifications(user_id, created_at, id);
CREATE INDEX notifications_unread ON notifications(user_id) WHERE read_at IS NULL;

CREATE TABLE deliveries (
    notification_id BLOB NOT NULL REFERENCES notifications(id),
    channel TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    last_attempt_at TEXT NOT NULL,
    delivered_at TEXT,
    last_error TEXT,
    PRIMARY KEY (notification_id, channel)
) STRICT;

-- The scheduler's search for high risks without their alert reads only those.
CREATE INDEX risk_assessments_high ON risk_assessments(assessed_at) WHERE level IN ('high', 'critical');
