-- The services directory (issue 12). Keep in lockstep with the other dialect.
-- A provider is an agency (or one of its offices) offering services in areas. `services`,
-- `areas` and `languages` are `;a;b;` sets (service value names, area codes of
-- core's data/areas.toml, ISO 639 codes), so `LIKE '%;x;%'` finds one value. The places free
-- are reported by the provider's own agency: how many, when, by whom (actor) and that
-- user's agency (none for a system process); all four empty when not reported.
CREATE TABLE service_providers (
    id BLOB PRIMARY KEY,
    organisation_id BLOB NOT NULL REFERENCES organisations(id),
    office_id BLOB REFERENCES offices(id),
    name TEXT NOT NULL,
    services TEXT NOT NULL,
    areas TEXT NOT NULL,
    languages TEXT NOT NULL,
    phone TEXT,
    email TEXT,
    hours TEXT,
    capacity_free INTEGER CHECK (capacity_free BETWEEN 0 AND 10000),
    capacity_updated_at TEXT,
    capacity_updated_by TEXT,
    capacity_updated_org BLOB REFERENCES organisations(id),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL
) STRICT;
CREATE INDEX service_providers_name ON service_providers(name, id);
CREATE INDEX service_providers_organisation ON service_providers(organisation_id);
