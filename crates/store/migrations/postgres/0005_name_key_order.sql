-- Name searches read keys in (key, person) order and stop at the limit: with the person in the
-- index no match set is sorted, however common the name.
DROP INDEX IF EXISTS person_name_keys_key;
CREATE INDEX person_name_keys_key ON person_name_keys(key, person_id);
