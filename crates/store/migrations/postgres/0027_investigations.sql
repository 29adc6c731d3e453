-- Investigation casework (issue 14; tabara_core::investigation, store investigations/): the
-- investigation file of a case (lead, team, status, tasks, timeline, notes), offences of the
-- suspects from the legal catalogue with the facts supporting each element, the evidence
-- register with its chain of custody, suspects' police custody with extensions and the rights
-- checklist, and the dossiers made for the prosecutor. Words are sealed: under the case text key
-- (tasks, timeline, notes, facts, evidence, custody events, reasons) or the suspect's data key
-- (the rights checklist's notes). Nothing is deleted: a custody event, an extension, a right
-- recorded are rows appended. Keep in lockstep with the other dialect.
CREATE TABLE investigations (
    id UUID PRIMARY KEY,
    case_id UUID NOT NULL UNIQUE REFERENCES cases(id),
    agency_id UUID NOT NULL REFERENCES organisations(id),
    status TEXT NOT NULL,
    status_reason TEXT,
    lead_id UUID NOT NULL REFERENCES users(id),
    jurisdiction TEXT NOT NULL,
    opened_by TEXT NOT NULL,
    opened_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX investigations_agency ON investigations(agency_id, status);

CREATE TABLE investigation_team (
    investigation_id UUID NOT NULL REFERENCES investigations(id),
    user_id UUID NOT NULL REFERENCES users(id),
    added_by TEXT NOT NULL,
    added_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (investigation_id, user_id)
);
CREATE INDEX investigation_team_user ON investigation_team(user_id);

CREATE TABLE investigation_tasks (
    id UUID PRIMARY KEY,
    investigation_id UUID NOT NULL REFERENCES investigations(id),
    title TEXT NOT NULL,
    owner_id UUID NOT NULL REFERENCES users(id),
    due_on DATE NOT NULL,
    state TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    closed_by TEXT,
    closed_at TIMESTAMPTZ,
    version BIGINT NOT NULL
);
CREATE INDEX investigation_tasks_of ON investigation_tasks(investigation_id, due_on);
CREATE INDEX investigation_tasks_open ON investigation_tasks(state, due_on);

-- kind: fact (typed by a user) or the step of another record (status, evidence, custody…).
CREATE TABLE investigation_timeline (
    id UUID PRIMARY KEY,
    investigation_id UUID NOT NULL REFERENCES investigations(id),
    at TIMESTAMPTZ NOT NULL,
    kind TEXT NOT NULL,
    words TEXT NOT NULL,
    record_id UUID,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX investigation_timeline_of ON investigation_timeline(investigation_id, at);

CREATE TABLE investigation_notes (
    id UUID PRIMARY KEY,
    investigation_id UUID NOT NULL REFERENCES investigations(id),
    body TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX investigation_notes_of ON investigation_notes(investigation_id, created_at);

-- aggravating: ';'-joined ids of the catalogue, with a leading and a trailing ';'.
CREATE TABLE offences (
    id UUID PRIMARY KEY,
    investigation_id UUID NOT NULL REFERENCES investigations(id),
    person_id UUID NOT NULL REFERENCES persons(id),
    code TEXT NOT NULL,
    aggravating TEXT NOT NULL,
    catalogue_version TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX offences_of ON offences(investigation_id, person_id);

CREATE TABLE evidence_items (
    id UUID PRIMARY KEY,
    investigation_id UUID NOT NULL REFERENCES investigations(id),
    number BIGINT NOT NULL,
    kind TEXT NOT NULL,
    description TEXT NOT NULL,
    obtained_at TIMESTAMPTZ NOT NULL,
    obtained_where TEXT NOT NULL,
    obtained_by TEXT NOT NULL,
    storage_location TEXT NOT NULL,
    person_id UUID REFERENCES persons(id),
    file_id UUID REFERENCES files(id),
    file_sha256 TEXT,
    state TEXT NOT NULL,
    holder TEXT NOT NULL,
    mismatch_at TIMESTAMPTZ,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL,
    UNIQUE (investigation_id, number),
    CHECK ((file_id IS NULL) = (file_sha256 IS NULL))
);

CREATE TABLE element_supports (
    id UUID PRIMARY KEY,
    offence_id UUID NOT NULL REFERENCES offences(id),
    element TEXT NOT NULL,
    fact TEXT NOT NULL,
    evidence_id UUID REFERENCES evidence_items(id),
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX element_supports_of ON element_supports(offence_id);

-- hash_check: no_file, match or mismatch; found_sha256 what the file hashed to (NULL when it
-- could not be read whole). audit_seq: the entry of the event in the audit log (its proof).
CREATE TABLE custody_events (
    id UUID PRIMARY KEY,
    evidence_id UUID NOT NULL REFERENCES evidence_items(id),
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    from_holder TEXT NOT NULL,
    to_holder TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    reason TEXT NOT NULL,
    hash_check TEXT NOT NULL,
    found_sha256 TEXT,
    audit_seq BIGINT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    UNIQUE (evidence_id, seq)
);

CREATE TABLE custodies (
    id UUID PRIMARY KEY,
    investigation_id UUID NOT NULL REFERENCES investigations(id),
    person_id UUID NOT NULL REFERENCES persons(id),
    jurisdiction TEXT NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    limit_hours BIGINT NOT NULL CHECK (limit_hours BETWEEN 1 AND 720),
    extension_max_hours BIGINT NOT NULL CHECK (extension_max_hours BETWEEN 0 AND 720),
    extended_hours BIGINT NOT NULL,
    deadline TIMESTAMPTZ NOT NULL,
    place TEXT NOT NULL,
    legal_basis TEXT NOT NULL,
    legal_aid_id UUID REFERENCES organisations(id),
    ended_at TIMESTAMPTZ,
    end_kind TEXT,
    transferred_to TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL,
    CHECK ((ended_at IS NULL) = (end_kind IS NULL))
);
CREATE INDEX custodies_of ON custodies(investigation_id, started_at);
CREATE INDEX custodies_running ON custodies(ended_at, deadline);
CREATE INDEX custodies_legal_aid ON custodies(legal_aid_id);

CREATE TABLE custody_extensions (
    id UUID PRIMARY KEY,
    custody_id UUID NOT NULL REFERENCES custodies(id),
    hours BIGINT NOT NULL CHECK (hours BETWEEN 1 AND 720),
    authorised_by TEXT NOT NULL,
    reference TEXT NOT NULL,
    authorised_at TIMESTAMPTZ NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX custody_extensions_of ON custody_extensions(custody_id, authorised_at);

CREATE TABLE custody_rights (
    id UUID PRIMARY KEY,
    custody_id UUID NOT NULL REFERENCES custodies(id),
    person_id UUID NOT NULL REFERENCES persons(id),
    right_kind TEXT NOT NULL,
    status TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    language TEXT,
    note TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX custody_rights_of ON custody_rights(custody_id, at);

-- The PDF sealed under the case text key; content_hash: SHA-256 of the dossier's contents,
-- printed on every page. sent_to: the prosecutor's office it was shared with.
CREATE TABLE dossiers (
    id UUID PRIMARY KEY,
    investigation_id UUID NOT NULL REFERENCES investigations(id),
    content_hash TEXT NOT NULL,
    pdf BYTEA NOT NULL,
    pages BIGINT NOT NULL,
    mismatch_stated BOOLEAN NOT NULL,
    made_by TEXT NOT NULL,
    made_at TIMESTAMPTZ NOT NULL,
    sent_to UUID REFERENCES organisations(id),
    sent_by TEXT,
    sent_at TIMESTAMPTZ
);
CREATE INDEX dossiers_of ON dossiers(investigation_id, made_at);
CREATE INDEX dossiers_sent_to ON dossiers(sent_to, sent_at);

-- Alerts learn the custody limits and overdue tasks: new kinds and subjects, and an alert
-- about no one person (a task).
ALTER TABLE alerts DROP CONSTRAINT alerts_kind_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_kind_check CHECK (kind IN ('referral_overdue',
    'risk_high', 'risk_reassessment_due', 'custody_due_soon', 'custody_overdue',
    'investigation_task_overdue'));
ALTER TABLE alerts DROP CONSTRAINT alerts_subject_kind_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_subject_kind_check CHECK (subject_kind IN ('referral',
    'risk_assessment', 'custody', 'investigation_task'));
ALTER TABLE alerts ALTER COLUMN person_id DROP NOT NULL;
