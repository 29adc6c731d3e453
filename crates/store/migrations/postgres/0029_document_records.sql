-- Documents recorded on a person of a case (issue 15; tabara_core::documents::record, store
-- documents/records.rs): type, issuing state, dates, the zone's validity, the officer's
-- checklist and outcome in clear; the number, the zone and the notes sealed under the person's
-- key (`~s1:` values, purposes `document_records.<column>`), so erasing the person erases them.
-- The photo is a file of the encrypted file store. `lost_reason` is the lost, stolen and
-- fraudulent documents list's reason when the document was on it at entry. Keep in lockstep
-- with the other dialect.
CREATE TABLE document_records (
    id UUID PRIMARY KEY,
    case_id UUID NOT NULL REFERENCES cases(id),
    person_id UUID NOT NULL REFERENCES persons(id),
    doc_type TEXT NOT NULL,
    issuing_state TEXT NOT NULL,
    number TEXT NOT NULL,
    issued_on DATE,
    expires_on DATE,
    zone TEXT,
    zone_valid BOOLEAN,
    features TEXT NOT NULL,
    outcome TEXT,
    notes TEXT NOT NULL,
    photo_file_id UUID REFERENCES files(id),
    lost_reason TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX document_records_person ON document_records(case_id, person_id, recorded_at);
CREATE INDEX document_records_updated ON document_records(updated_at, id);

-- Alerts learn the lost-list hit on a document entered (to the supervisors).
ALTER TABLE alerts DROP CONSTRAINT alerts_kind_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_kind_check CHECK (kind IN ('referral_overdue',
    'risk_high', 'risk_reassessment_due', 'custody_due_soon', 'custody_overdue',
    'investigation_task_overdue', 'lost_document'));
ALTER TABLE alerts DROP CONSTRAINT alerts_subject_kind_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_subject_kind_check CHECK (subject_kind IN ('referral',
    'risk_assessment', 'custody', 'investigation_task', 'document'));
