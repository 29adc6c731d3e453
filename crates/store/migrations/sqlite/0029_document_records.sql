-- Documents recorded on a person of a case (issue 15; tabara_core::documents::record, store
-- documents/records.rs): type, issuing state, dates, the zone's validity, the officer's
-- checklist and outcome in clear; the number, the zone and the notes sealed under the person's
-- key (`~s1:` values, purposes `document_records.<column>`), so erasing the person erases them.
-- The photo is a file of the encrypted file store. `lost_reason` is the lost, stolen and
-- fraudulent documents list's reason when the document was on it at entry. Keep in lockstep
-- with the other dialect.
CREATE TABLE document_records (
    id BLOB PRIMARY KEY,
    case_id BLOB NOT NULL REFERENCES cases(id),
    person_id BLOB NOT NULL REFERENCES persons(id),
    doc_type TEXT NOT NULL,
    issuing_state TEXT NOT NULL,
    number TEXT NOT NULL,
    issued_on TEXT,
    expires_on TEXT,
    zone TEXT,
    zone_valid INTEGER,
    features TEXT NOT NULL,
    outcome TEXT,
    notes TEXT NOT NULL,
    photo_file_id BLOB REFERENCES files(id),
    lost_reason TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL
) STRICT;
CREATE INDEX document_records_person ON document_records(case_id, person_id, recorded_at);
CREATE INDEX document_records_updated ON document_records(updated_at, id);

-- Alerts learn the lost-list hit on a document entered (to the supervisors). SQLite changes a
-- CHECK only by rebuilding the table, its children with it (as 0027 did).
CREATE TABLE alerts_new (
    id BLOB PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('referral_overdue', 'risk_high', 'risk_reassessment_due',
        'custody_due_soon', 'custody_overdue', 'investigation_task_overdue', 'lost_document')),
    alert_key TEXT NOT NULL UNIQUE,
    subject_kind TEXT NOT NULL CHECK (subject_kind IN ('referral', 'risk_assessment', 'custody',
        'investigation_task', 'document')),
    subject_id BLOB NOT NULL,
    case_id BLOB NOT NULL REFERENCES cases(id),
    person_id BLOB REFERENCES persons(id),
    due_at TEXT NOT NULL,
    raised_at TEXT NOT NULL
) STRICT;
INSERT INTO alerts_new SELECT id, kind, alert_key, subject_kind, subject_id, case_id, person_id,
    due_at, raised_at FROM alerts;
CREATE TABLE notifications_new (
    id BLOB PRIMARY KEY,
    alert_id BLOB NOT NULL REFERENCES alerts_new(id),
    user_id BLOB NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    read_at TEXT,
    UNIQUE (alert_id, user_id)
) STRICT;
INSERT INTO notifications_new SELECT id, alert_id, user_id, created_at, read_at FROM notifications;
CREATE TABLE deliveries_new (
    notification_id BLOB NOT NULL REFERENCES notifications_new(id),
    channel TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    last_attempt_at TEXT NOT NULL,
    delivered_at TEXT,
    last_error TEXT,
    PRIMARY KEY (notification_id, channel)
) STRICT;
INSERT INTO deliveries_new SELECT notification_id, channel, attempts, last_attempt_at,
    delivered_at, last_error FROM deliveries;
DROP TABLE deliveries;
DROP TABLE notifications;
DROP TABLE alerts;
ALTER TABLE alerts_new RENAME TO alerts;
ALTER TABLE notifications_new RENAME TO notifications;
ALTER TABLE deliveries_new RENAME TO deliveries;
CREATE INDEX alerts_subject ON alerts(subject_id, kind);
CREATE INDEX notifications_inbox ON notifications(user_id, created_at, id);
CREATE INDEX notifications_unread ON notifications(user_id) WHERE read_at IS NULL;
