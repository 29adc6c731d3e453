-- Tabara register, PostgreSQL dialect. Keep in lockstep with ../sqlite/0001_register.sql.
-- Ids are UUID v7 stored as uuid; dates as date; timestamps as timestamptz; timestamps written from Rust.
-- Multiselects are ';'-joined HTCDS value names with a leading and trailing ';' so that a
-- filter on one value is a LIKE '%;Value;%'.

CREATE TABLE organisations (
    id UUID PRIMARY KEY,
    name TEXT NOT NULL,
    org_type TEXT NOT NULL,
    street TEXT,
    city TEXT,
    province TEXT,
    country TEXT,
    phone TEXT,
    version BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE offices (
    id UUID PRIMARY KEY,
    organisation_id UUID NOT NULL REFERENCES organisations(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    province TEXT NOT NULL,
    border_country TEXT,
    version BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX offices_organisation ON offices(organisation_id);

CREATE TABLE users (
    id UUID PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    organisation_id UUID NOT NULL REFERENCES organisations(id),
    office_id UUID REFERENCES offices(id),
    password_hash TEXT NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    version BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- Facts about a person: publishable in aggregate, never identifying on their own.
CREATE TABLE persons (
    id UUID PRIMARY KEY,
    organisation_id UUID NOT NULL REFERENCES organisations(id),
    gender TEXT NOT NULL,
    age_at_registration BIGINT,
    age_uncertain BOOLEAN NOT NULL,
    citizenship TEXT NOT NULL,
    marital_status TEXT,
    number_of_children BIGINT,
    primary_language TEXT,
    secondary_language TEXT,
    education TEXT,
    deceased BOOLEAN NOT NULL,
    registered_on DATE NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX persons_organisation ON persons(organisation_id);

-- Identifying data, one row per person, kept apart so it can be encrypted with a per-person
-- key and so every read of it goes through one audited path.
CREATE TABLE person_identities (
    person_id UUID PRIMARY KEY REFERENCES persons(id),
    salutation TEXT,
    first_name TEXT,
    middle_name TEXT,
    second_name TEXT,
    birthdate DATE,
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
    -- Byte order, as on SQLite: prefix ranges on the normalised name use the index whatever
    -- the database's default collation.
    name_key TEXT COLLATE "C" NOT NULL,
    version BIGINT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX person_identities_name_key ON person_identities(name_key);

CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('case_number', 0);

CREATE TABLE cases (
    id UUID PRIMARY KEY,
    number BIGINT NOT NULL UNIQUE,
    organisation_id UUID NOT NULL REFERENCES organisations(id),
    office_id UUID REFERENCES offices(id),
    owner_id UUID REFERENCES users(id),
    status TEXT NOT NULL,
    opened_on DATE NOT NULL,
    closed_on DATE,
    closure_reason TEXT,
    referring_organisation_id UUID REFERENCES organisations(id),
    incoming_referral_date DATE,
    incoming_referral_reason TEXT,
    incoming_referral_details TEXT,
    -- Union of the victims' exploitation types, kept by the store for list filters.
    exploitation_types TEXT NOT NULL DEFAULT ';',
    version BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX cases_status_number ON cases(status, number);
CREATE INDEX cases_office_number ON cases(office_id, number);
CREATE INDEX cases_organisation_number ON cases(organisation_id, number);
CREATE INDEX cases_opened_on ON cases(opened_on, number);

CREATE TABLE case_persons (
    case_id UUID NOT NULL REFERENCES cases(id),
    person_id UUID NOT NULL REFERENCES persons(id),
    role TEXT NOT NULL,
    trafficking_status TEXT,
    decision_org TEXT,
    relationship_to_trafficker TEXT,
    age_when_trafficked BIGINT,
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
    perpetrator_organisation_id UUID REFERENCES organisations(id),
    version BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (case_id, person_id)
);
CREATE INDEX case_persons_person ON case_persons(person_id);

CREATE TABLE case_comments (
    id UUID PRIMARY KEY,
    case_id UUID NOT NULL REFERENCES cases(id),
    author TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX case_comments_case ON case_comments(case_id, id);

CREATE TABLE consents (
    id UUID PRIMARY KEY,
    person_id UUID NOT NULL REFERENCES persons(id),
    case_id UUID REFERENCES cases(id),
    scope TEXT NOT NULL,
    given BOOLEAN NOT NULL,
    informed_purpose BOOLEAN NOT NULL,
    informed_data_use BOOLEAN NOT NULL,
    informed_research_use BOOLEAN NOT NULL,
    informed_right_of_access BOOLEAN NOT NULL,
    informed_retention BOOLEAN NOT NULL,
    informed_withdrawal BOOLEAN NOT NULL,
    recorded_on DATE NOT NULL,
    withdrawn_on DATE,
    recorded_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX consents_person ON consents(person_id, id);

-- Earlier values of every changed field: who changed what, when.
CREATE TABLE record_history (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    record_kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    actor TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    changes TEXT NOT NULL
);
CREATE INDEX record_history_record ON record_history(record_kind, record_id, version);

-- Append-only, hash-chained audit log. No personal data: ids and action names only.
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at_us BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    record_kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_record ON audit_log(record_kind, record_id);

-- The chain's head, one row; updating it inside every writing transaction serialises appends.
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
