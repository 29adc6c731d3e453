-- The case list walks each way a user reaches cases (agency, office, minors) newest first and
-- applies the filters (status, opening date, office, exploitation types) while walking. These
-- indexes carry the filtered columns (INCLUDE), so the walk can be an index-only scan instead
-- of one heap read per case walked. They replace the narrower indexes of the same prefix.
-- Keep in lockstep with ../sqlite/0012_covering_list_indexes.sql.
CREATE INDEX cases_organisation_list ON cases(organisation_id, number) INCLUDE (status, opened_on, office_id, exploitation_types);
CREATE INDEX cases_office_list ON cases(office_id, number) INCLUDE (status, opened_on, organisation_id, exploitation_types);
CREATE INDEX cases_minor_list ON cases(involves_minor, number) INCLUDE (status, opened_on, office_id, exploitation_types);
DROP INDEX IF EXISTS cases_organisation_number;
DROP INDEX IF EXISTS cases_office_number;
DROP INDEX IF EXISTS cases_minor_number;
