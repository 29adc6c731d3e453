-- Normalised name forms for searching (full name, first + surname, surname + first), one row
-- each, so a prefix search uses an index whatever order the name is typed in. Identifying:
-- read only by the store's name search. Keep in lockstep with ../postgres/0004_name_keys.sql.
CREATE TABLE person_name_keys (
    key TEXT NOT NULL,
    person_id BLOB NOT NULL REFERENCES persons(id)
) STRICT;
CREATE INDEX person_name_keys_key ON person_name_keys(key);
CREATE INDEX person_name_keys_person ON person_name_keys(person_id);
-- Searches use the keys above; the full-name index on identities is no longer read.
DROP INDEX IF EXISTS person_identities_name_key;
INSERT INTO person_name_keys (key, person_id) SELECT name_key, person_id FROM person_identities WHERE name_key <> '';
