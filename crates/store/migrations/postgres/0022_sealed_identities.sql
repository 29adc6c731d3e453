-- Identities sealed at rest (issue 13). Each person's data key, wrapped by the master key
-- (key_id names which), in person_keys: deleting the row erases the person. The identity is
-- one sealed value in person_identities.sealed (XChaCha20-Poly1305, tabara_core::protect); the
-- plaintext columns stay empty (the store seals a register's older rows when it opens it). The
-- name search reads person_name_terms, keyed hashes of the name's words and prefixes, in
-- place of person_name_keys, which is emptied. Keep in lockstep with the other dialect.
CREATE TABLE person_keys (
    person_id UUID PRIMARY KEY REFERENCES persons(id),
    key_id TEXT NOT NULL,
    wrapped BYTEA NOT NULL
);
ALTER TABLE person_identities ADD COLUMN sealed BYTEA;
-- The rows still in plain text (a register from before), found without a scan.
CREATE INDEX person_identities_unsealed ON person_identities(person_id) WHERE sealed IS NULL;
CREATE TABLE person_name_terms (
    term BIGINT NOT NULL,
    person_id UUID NOT NULL REFERENCES persons(id)
);
CREATE INDEX person_name_terms_term ON person_name_terms(term, person_id);
CREATE INDEX person_name_terms_person ON person_name_terms(person_id);
