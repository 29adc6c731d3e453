-- Tabara register, SQLite dialect. Keep in lockstep with ../postgres/0001_register.sql.
-- Ids are UUID v7 stored as 16-byte BLOBs; dates as ISO text; timestamps written from Rust.
-- Multiselects are ';'-joined HTCDS value names with a leading and trailing ';' so that a
-- filter on one value is a LIKE '%;Value;%'.

CREATE TABLE organisations (
    id BLOB PRIMARY KEY,
    name TEXT NOT NULL,
    org_type TEXT NOT NULL,
    street TEXT,
    city TEXT,
    province TEXT,
    country TEXT,
    phone TEXT,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE offices (
    id BLOB PRIMARY KEY,
    organisation_id BLOB NOT NULL REFERENCES organisations(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    province TEXT NOT NULL,
    border_country TEXT,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX offices_organisation ON offices(organisation_id);

CREATE TABLE users (
    id BLOB PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    organisation_id BLOB NOT NULL REFERENCES organisations(id),
    office_id BLOB REFERENCES offices(id),
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

-- Facts about a person: publishable in aggregate, never identifying on their own.
CREATE TABLE persons (
    id BLOB PRIMARY KEY,
    organisation_id BLOB NOT NULL REFERENCES organisations(id),
    gender TEXT NOT NULL,
    age_at_registration INTEGER,
    age_uncertain INTEGER NOT NULL,
    citizenship TEXT NOT NULL,
    marital_status TEXT,
    number_of_children INTEGER,
    primary_language TEXT,
    secondary_language TEXT,
    education TEXT,
    deceased INTEGER NOT NULL,
    registered_on TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX persons_organisation ON persons(organisation_id);

-- Identifying data, one row per person, kept apart so it can be encrypted with a per-person
-- key and so every read of it goes through one audited path.
CREATE TABLE person_identities (
    person_id BLOB PRIMARY KEY REFERENCES persons(id),
    salutation TEXT,
    first_name TEXT,
    middle_name TEXT,
    second_name TEXT,
    birthdate TEXT,
    identity_number TEXT,
    title TEXT,
    email TEXT,
    home_phone TEXT,
    mobile_phone TEXT,
    mailing_street TEXT,
    mailing_city TEXT,
    mailing_state TEXT,
    mailing_postal_code TEXT,
    mailing_country TEXT,
    notes TEXT,
    name_key TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX person_identities_name_key ON person_identities(name_key);

CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) STRICT;
INSERT INTO counters (name, value) VALUES ('case_number', 0);

CREATE TABLE cases (
    id BLOB PRIMARY KEY,
    number INTEGER NOT NULL UNIQUE,
    organisation_id BLOB NOT NULL REFERENCES organisations(id),
    office_id BLOB REFERENCES offices(id),
    owner_id BLOB REFERENCES users(id),
    status TEXT NOT NULL,
    opened_on TEXT NOT NULL,
    closed_on TEXT,
    closure_reason TEXT,
    referring_organisation_id BLOB REFERENCES organisations(id),
    incoming_referral_date TEXT,
    incoming_referral_reason TEXT,
    incoming_referral_details TEXT,
    -- Union of the victims' exploitation types, kept by the store for list filters.
    exploitation_types TEXT NOT NULL DEFAULT ';',
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX cases_status_number ON cases(status, number);
CREATE INDEX cases_office_number ON cases(office_id, number);
CREATE INDEX cases_organisation_number ON cases(organisation_id, number);
CREATE INDEX cases_opened_on ON cases(opened_on, number);

CREATE TABLE case_persons (
    case_id BLOB NOT NULL REFERENCES cases(id),
    person_id BLOB NOT NULL REFERENCES persons(id),
    role TEXT NOT NULL,
    trafficking_status TEXT,
    decision_org TEXT,
    relationship_to_trafficker TEXT,
    age_when_trafficked INTEGER,
    recruitment_websites TEXT,
    methods_of_recruitment TEXT,
    methods_of_control TEXT,
    exploitation_types TEXT,
    labour_industries TEXT,
    sex_exploitation_types TEXT,
    exploitation_websites TEXT,
    recruitment_country TEXT,
    exploitation_country TEXT,
    perpetrator_roles TEXT,
    perpetrator_role_details TEXT,
    perpetrator_organisation_id BLOB REFERENCES organisations(id),
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (case_id, person_id)
) STRICT;
CREATE INDEX case_persons_person ON case_persons(person_id);

CREATE TABLE case_comments (
    id BLOB PRIMARY KEY,
    case_id BLOB NOT NULL REFERENCES cases(id),
    author TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX case_comments_case ON case_comments(case_id, id);

CREATE TABLE consents (
    id BLOB PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES persons(id),
    case_id BLOB REFERENCES cases(id),
    scope TEXT NOT NULL,
    given INTEGER NOT NULL,
    informed_purpose INTEGER NOT NULL,
    informed_data_use INTEGER NOT NULL,
    informed_research_use INTEGER NOT NULL,
    informed_right_of_access INTEGER NOT NULL,
    informed_retention INTEGER NOT NULL,
    informed_withdrawal INTEGER NOT NULL,
    recorded_on TEXT NOT NULL,
    withdrawn_on TEXT,
    recorded_by TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX consents_person ON consents(person_id, id);

-- Earlier values of every changed field: who changed what, when.
CREATE TABLE record_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    record_kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    actor TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    changes TEXT NOT NULL
) STRICT;
CREATE INDEX record_history_record ON record_history(record_kind, record_id, version);

-- Append-only, hash-chained audit log. No personal data: ids and action names only.
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at_us INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    record_kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
) STRICT;
CREATE INDEX audit_log_record ON audit_log(record_kind, record_id);

-- The chain's head, one row; updating it inside every writing transaction serialises appends.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
) STRICT;
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
