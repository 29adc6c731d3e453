-- Investigation casework (issue 14; tabara_core::investigation, store investigations/): the
-- investigation file of a case (lead, team, status, tasks, timeline, notes), offences of the
-- suspects from the legal catalogue with the facts supporting each element, the evidence
-- register with its chain of custody, suspects' police custody with extensions and the rights
-- checklist, and the dossiers made for the prosecutor. Words are sealed: under the case text key
-- (tasks, timeline, notes, facts, evidence, custody events, reasons) or the suspect's data key
-- (the rights checklist's notes). Nothing is deleted: a custody event, an extension, a right
-- recorded are rows appended. Keep in lockstep with the other dialect.
CREATE TABLE investigations (
    id BLOB PRIMARY KEY,
    case_id BLOB NOT NULL UNIQUE REFERENCES cases(id),
    agency_id BLOB NOT NULL REFERENCES organisations(id),
    status TEXT NOT NULL,
    status_reason TEXT,
    lead_id BLOB NOT NULL REFERENCES users(id),
    jurisdiction TEXT NOT NULL,
    opened_by TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL
) STRICT;
CREATE INDEX investigations_agency ON investigations(agency_id, status);

CREATE TABLE investigation_team (
    investigation_id BLOB NOT NULL REFERENCES investigations(id),
    user_id BLOB NOT NULL REFERENCES users(id),
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (investigation_id, user_id)
) STRICT;
CREATE INDEX investigation_team_user ON investigation_team(user_id);

CREATE TABLE investigation_tasks (
    id BLOB PRIMARY KEY,
    investigation_id BLOB NOT NULL REFERENCES investigations(id),
    title TEXT NOT NULL,
    owner_id BLOB NOT NULL REFERENCES users(id),
    due_on TEXT NOT NULL,
    state TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    closed_by TEXT,
    closed_at TEXT,
    version INTEGER NOT NULL
) STRICT;
CREATE INDEX investigation_tasks_of ON investigation_tasks(investigation_id, due_on);
CREATE INDEX investigation_tasks_open ON investigation_tasks(state, due_on);

-- kind: fact (typed by a user) or the step of another record (status, evidence, custody…).
CREATE TABLE investigation_timeline (
    id BLOB PRIMARY KEY,
    investigation_id BLOB NOT NULL REFERENCES investigations(id),
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    words TEXT NOT NULL,
    record_id BLOB,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
) STRICT;
CREATE INDEX investigation_timeline_of ON investigation_timeline(investigation_id, at);

CREATE TABLE investigation_notes (
    id BLOB PRIMARY KEY,
    investigation_id BLOB NOT NULL REFERENCES investigations(id),
    body TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX investigation_notes_of ON investigation_notes(investigation_id, created_at);

-- aggravating: ';'-joined ids of the catalogue, with a leading and a trailing ';'.
CREATE TABLE offences (
    id BLOB PRIMARY KEY,
    investigation_id BLOB NOT NULL REFERENCES investigations(id),
    person_id BLOB NOT NULL REFERENCES persons(id),
    code TEXT NOT NULL,
    aggravating TEXT NOT NULL,
    catalogue_version TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
) STRICT;
CREATE INDEX offences_of ON offences(investigation_id, person_id);

CREATE TABLE evidence_items (
    id BLOB PRIMARY KEY,
    investigation_id BLOB NOT NULL REFERENCES investigations(id),
    number INTEGER NOT NULL,
    kind TEXT NOT NULL,
    description TEXT NOT NULL,
    obtained_at TEXT NOT NULL,
    obtained_where TEXT NOT NULL,
    obtained_by TEXT NOT NULL,
    storage_location TEXT NOT NULL,
    person_id BLOB REFERENCES persons(id),
    file_id BLOB REFERENCES files(id),
    file_sha256 TEXT,
    state TEXT NOT NULL,
    holder TEXT NOT NULL,
    mismatch_at TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL,
    UNIQUE (investigation_id, number),
    CHECK ((file_id IS NULL) = (file_sha256 IS NULL))
) STRICT;

CREATE TABLE element_supports (
    id BLOB PRIMARY KEY,
    offence_id BLOB NOT NULL REFERENCES offences(id),
    element TEXT NOT NULL,
    fact TEXT NOT NULL,
    evidence_id BLOB REFERENCES evidence_items(id),
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
) STRICT;
CREATE INDEX element_supports_of ON element_supports(offence_id);

-- hash_check: no_file, match or mismatch; found_sha256 what the file hashed to (NULL when it
-- could not be read whole). audit_seq: the entry of the event in the audit log (its proof).
CREATE TABLE custody_events (
    id BLOB PRIMARY KEY,
    evidence_id BLOB NOT NULL REFERENCES evidence_items(id),
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    from_holder TEXT NOT NULL,
    to_holder TEXT NOT NULL,
    at TEXT NOT NULL,
    reason TEXT NOT NULL,
    hash_check TEXT NOT NULL,
    found_sha256 TEXT,
    audit_seq INTEGER NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    UNIQUE (evidence_id, seq)
) STRICT;

CREATE TABLE custodies (
    id BLOB PRIMARY KEY,
    investigation_id BLOB NOT NULL REFERENCES investigations(id),
    person_id BLOB NOT NULL REFERENCES persons(id),
    jurisdiction TEXT NOT NULL,
    started_at TEXT NOT NULL,
    limit_hours INTEGER NOT NULL CHECK (limit_hours BETWEEN 1 AND 720),
    extension_max_hours INTEGER NOT NULL CHECK (extension_max_hours BETWEEN 0 AND 720),
    extended_hours INTEGER NOT NULL,
    deadline TEXT NOT NULL,
    place TEXT NOT NULL,
    legal_basis TEXT NOT NULL,
    legal_aid_id BLOB REFERENCES organisations(id),
    ended_at TEXT,
    end_kind TEXT,
    transferred_to TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL,
    CHECK ((ended_at IS NULL) = (end_kind IS NULL))
) STRICT;
CREATE INDEX custodies_of ON custodies(investigation_id, started_at);
CREATE INDEX custodies_running ON custodies(ended_at, deadline);
CREATE INDEX custodies_legal_aid ON custodies(legal_aid_id);

CREATE TABLE custody_extensions (
    id BLOB PRIMARY KEY,
    custody_id BLOB NOT NULL REFERENCES custodies(id),
    hours INTEGER NOT NULL CHECK (hours BETWEEN 1 AND 720),
    authorised_by TEXT NOT NULL,
    reference TEXT NOT NULL,
    authorised_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
) STRICT;
CREATE INDEX custody_extensions_of ON custody_extensions(custody_id, authorised_at);

CREATE TABLE custody_rights (
    id BLOB PRIMARY KEY,
    custody_id BLOB NOT NULL REFERENCES custodies(id),
    person_id BLOB NOT NULL REFERENCES persons(id),
    right_kind TEXT NOT NULL,
    status TEXT NOT NULL,
    at TEXT NOT NULL,
    language TEXT,
    note TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
) STRICT;
CREATE INDEX custody_rights_of ON custody_rights(custody_id, at);

-- The PDF sealed under the case text key; content_hash: SHA-256 of the dossier's contents,
-- printed on every page. sent_to: the prosecutor's office it was shared with.
CREATE TABLE dossiers (
    id BLOB PRIMARY KEY,
    investigation_id BLOB NOT NULL REFERENCES investigations(id),
    content_hash TEXT NOT NULL,
    pdf BLOB NOT NULL,
    pages INTEGER NOT NULL,
    mismatch_stated INTEGER NOT NULL,
    made_by TEXT NOT NULL,
    made_at TEXT NOT NULL,
    sent_to BLOB REFERENCES organisations(id),
    sent_by TEXT,
    sent_at TEXT
) STRICT;
CREATE INDEX dossiers_of ON dossiers(investigation_id, made_at);
CREATE INDEX dossiers_sent_to ON dossiers(sent_to, sent_at);

-- Alerts learn the custody limits and overdue tasks: new kinds and subjects, and an alert
-- about no one person (a task). SQLite changes a CHECK only by rebuilding the table; its
-- children are rebuilt with it, so the references follow the renames (foreign keys stay on).
CREATE TABLE alerts_new (
    id BLOB PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('referral_overdue', 'risk_high', 'risk_reassessment_due',
        'custody_due_soon', 'custody_overdue', 'investigation_task_overdue')),
    alert_key TEXT NOT NULL UNIQUE,
    subject_kind TEXT NOT NULL CHECK (subject_kind IN ('referral', 'risk_assessment', 'custody',
        'investigation_task')),
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
