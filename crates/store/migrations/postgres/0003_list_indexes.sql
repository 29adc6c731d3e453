-- The case list walks cases newest first through an index that starts with how the user
-- reaches them (agency, office, owner, minor); an index on status or opening date would tempt
-- the planner into collecting every case with that status and sorting it. Filters on status
-- and dates are applied while walking. Keep in lockstep with ../sqlite/0003_list_indexes.sql.
DROP INDEX IF EXISTS cases_status_number;
DROP INDEX IF EXISTS cases_opened_on;
