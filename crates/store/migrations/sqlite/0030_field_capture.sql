-- Offline field capture (issue 16; tabara_core::fieldforms, store field/): the phones an agency
-- gave out (ODK Collect, KoboCollect), each acting for one account, found by the SHA-256 of its
-- token (in the server address of a phone without credentials) or by its user name (Digest
-- authentication, whose secret is the token, kept sealed under the register's text key);
-- and every completed form a phone sent, kept before anything is done with it (nothing lost):
-- keyed by its meta/instanceID (the same instance posted twice is one row), the XML sealed,
-- its state (received, accepted, invalid, rejected) and what it became. Attachments are kept
-- sealed the same way until they reach the encrypted file store. Keep in lockstep with the
-- other dialect.
CREATE TABLE field_devices (
    id BLOB PRIMARY KEY,
    organisation_id BLOB NOT NULL REFERENCES organisations (id),
    user_id BLOB NOT NULL REFERENCES users (id),
    label TEXT NOT NULL,
    login TEXT NOT NULL UNIQUE,
    token_hash TEXT NOT NULL UNIQUE,
    secret BLOB NOT NULL,
    issued_by TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    revoked_by TEXT,
    revoked_at TEXT,
    last_seen_at TEXT
) STRICT;
CREATE INDEX field_devices_by_organisation ON field_devices (organisation_id, issued_at);

CREATE TABLE field_submissions (
    id BLOB PRIMARY KEY,
    instance_id TEXT NOT NULL UNIQUE,
    deprecated_id TEXT,
    form_id TEXT NOT NULL,
    form_version TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    organisation_id BLOB NOT NULL REFERENCES organisations (id),
    user_id BLOB NOT NULL REFERENCES users (id),
    device_id BLOB REFERENCES field_devices (id),
    xml BLOB NOT NULL,
    corrected BLOB,
    state TEXT NOT NULL,
    reasons TEXT NOT NULL,
    case_id BLOB,
    person_id BLOB,
    record_id BLOB,
    received_at TEXT NOT NULL,
    claimed_at TEXT,
    processed_at TEXT,
    version INTEGER NOT NULL
) STRICT;
CREATE INDEX field_submissions_by_organisation ON field_submissions (organisation_id, state, received_at);

CREATE TABLE field_attachments (
    submission_id BLOB NOT NULL REFERENCES field_submissions (id),
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sealed BLOB,
    file_id BLOB,
    received_at TEXT NOT NULL,
    PRIMARY KEY (submission_id, name)
) STRICT;

-- Every version of a form served to a phone, with its bytes: a submission names the version it
-- was filled on, and one of a version never served is refused (download the form again).
CREATE TABLE field_forms (
    form_id TEXT NOT NULL,
    version TEXT NOT NULL,
    md5 TEXT NOT NULL,
    xml TEXT NOT NULL,
    first_served_at TEXT NOT NULL,
    PRIMARY KEY (form_id, version)
) STRICT;

-- A phone's edit of a form it sent (meta/deprecatedID) is applied field by field against the
-- values it was filled from; a field changed in Tabara since is not overwritten: the three
-- values (as filled, as changed in Tabara, as the phone now says) are kept here, sealed, for a
-- supervisor.
CREATE TABLE field_conflicts (
    submission_id BLOB NOT NULL REFERENCES field_submissions (id),
    field TEXT NOT NULL,
    sealed BLOB NOT NULL,
    PRIMARY KEY (submission_id, field)
) STRICT;
