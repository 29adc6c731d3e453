-- Files about a person of a case (issue 13; tabara_core::files, store files/): each sealed in
-- chunks of 64 KiB under a key of its own, wrapped by the person's data key (erasing the
-- person erases their files), with the SHA-256 of its plaintext recorded at upload. The name
-- is sealed too; the type is what the first bytes are. A row is written when an upload
-- begins and completed (`completed_at`, with its `file.upload` entry) when its last chunk is
-- kept; an upload never completed is swept after a day. `blob_store` names where the chunks
-- are: `register` (file_chunks, the default) or `directory` (a folder of sealed chunks).
-- Keep in lockstep with the other dialect.
CREATE TABLE files (
    id BLOB PRIMARY KEY,
    case_id BLOB NOT NULL REFERENCES cases(id),
    person_id BLOB NOT NULL REFERENCES persons(id),
    purpose TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    chunks INTEGER NOT NULL,
    wrapped_key BLOB NOT NULL,
    sealed_name BLOB NOT NULL,
    blob_store TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    started_at TEXT NOT NULL,
    completed_at TEXT,
    erased_at TEXT
) STRICT;
CREATE INDEX files_of_person ON files(person_id, case_id, started_at);
CREATE TABLE file_chunks (
    file_id BLOB NOT NULL REFERENCES files(id),
    seq INTEGER NOT NULL,
    sealed BLOB NOT NULL,
    PRIMARY KEY (file_id, seq)
) STRICT;
