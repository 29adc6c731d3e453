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
    id UUID PRIMARY KEY,
    organisation_id UUID NOT NULL REFERENCES organisations (id),
    user_id UUID NOT NULL REFERENCES users (id),
    label TEXT NOT NULL,
    login TEXT NOT NULL UNIQUE,
    token_hash TEXT NOT NULL UNIQUE,
    secret BYTEA NOT NULL,
    issued_by TEXT NOT NULL,
    issued_at TIMESTAMPTZ NOT NULL,
    revoked_by TEXT,
    revoked_at TIMESTAMPTZ,
    last_seen_at TIMESTAMPTZ
);
CREATE INDEX field_devices_by_organisation ON field_devices (organisation_id, issued_at);

CREATE TABLE field_submissions (
    id UUID PRIMARY KEY,
    instance_id TEXT NOT NULL UNIQUE,
    deprecated_id TEXT,
    form_id TEXT NOT NULL,
    form_version TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    organisation_id UUID NOT NULL REFERENCES organisations (id),
    user_id UUID NOT NULL REFERENCES users (id),
    device_id UUID REFERENCES field_devices (id),
    xml BYTEA NOT NULL,
    corrected BYTEA,
    state TEXT NOT NULL,
    reasons TEXT NOT NULL,
    case_id UUID,
    person_id UUID,
    record_id UUID,
    received_at TIMESTAMPTZ NOT NULL,
    claimed_at TIMESTAMPTZ,
    processed_at TIMESTAMPTZ,
    version BIGINT NOT NULL
);
CREATE INDEX field_submissions_by_organisation ON field_submissions (organisation_id, state, received_at);

CREATE TABLE field_attachments (
    submission_id UUID NOT NULL REFERENCES field_submissions (id),
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sealed BYTEA,
    file_id UUID,
    received_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (submission_id, name)
);

-- Every version of a form served to a phone, with its bytes: a submission names the version it
-- was filled on, and one of a version never served is refused (download the form again).
CREATE TABLE field_forms (
    form_id TEXT NOT NULL,
    version TEXT NOT NULL,
    md5 TEXT NOT NULL,
    xml TEXT NOT NULL,
    first_served_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (form_id, version)
);

-- A phone's edit of a form it sent (meta/deprecatedID) is applied field by field against the
-- values it was filled from; a field changed in Tabara since is not overwritten: the three
-- values (as filled, as changed in Tabara, as the phone now says) are kept here, sealed, for a
-- supervisor.
CREATE TABLE field_conflicts (
    submission_id UUID NOT NULL REFERENCES field_submissions (id),
    field TEXT NOT NULL,
    sealed BYTEA NOT NULL,
    PRIMARY KEY (submission_id, field)
);
