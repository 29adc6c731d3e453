-- The case list walks each way a user reaches cases (agency, office, minors) newest first and
-- applies the filters (status, opening date, office, exploitation types) while walking. With
-- the filters outside the index, every case walked was a read of its table row: a narrow reach
-- with a rare filter (child protection's own 2,527 cases filtered on servitude, in the demo of
-- 1,000,000 persons) read thousands of rows scattered over the file, 130 ms with a cold cache.
-- These indexes carry the filtered columns, so the walk reads the index alone (3 ms cold).
-- They replace the narrower indexes of the same prefix. Keep in lockstep with
-- ../postgres/0012_covering_list_indexes.sql.
CREATE INDEX cases_organisation_list ON cases(organisation_id, number, status, opened_on, office_id, exploitation_types);
CREATE INDEX cases_office_list ON cases(office_id, number, status, opened_on, organisation_id, exploitation_types);
CREATE INDEX cases_minor_list ON cases(involves_minor, number, status, opened_on, office_id, exploitation_types);
DROP INDEX IF EXISTS cases_organisation_number;
DROP INDEX IF EXISTS cases_office_number;
DROP INDEX IF EXISTS cases_minor_number;
