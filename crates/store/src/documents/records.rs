//! Documents recorded on a person of a case (issue 15). The entry comes checked by core
//! (`tabara_core::documents::DocumentEntry`); what identifies the holder (the number, the zone,
//! the notes) is sealed under the person's key, so erasing the person erases it, and opening
//! it is an audited read (`document.read`). Recording a document looks it up on the lost,
//! stolen and fraudulent documents list: a hit is kept with the record, audited
//! (`lost_document.hit`) and raised as an alert to the supervisors of the recording officer's
//! agency and the case's owner, in the same transaction as the record.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use tabara_core::documents::{DocumentEntry, DocumentOutcome, DocumentType};
use tabara_core::ids::{CaseId, PersonId};
use uuid::Uuid;

use crate::{Actor, Result, Store};

/// The most documents one list returns.
pub const MAX_DOCUMENT_LIST: i64 = 500;

/// A document as recorded, opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentRecord {
    /// Id.
    pub id: Uuid,
    /// The case.
    pub case_id: CaseId,
    /// The holder.
    pub person_id: PersonId,
    /// What was entered (number, zone and notes empty once the person is erased).
    pub entry: DocumentEntry,
    /// Whether the zone was valid when entered (`None`: no zone).
    pub zone_valid: Option<bool>,
    /// The photo of the page, a file of the encrypted file store about the same person.
    pub photo_file_id: Option<Uuid>,
    /// The lost, stolen and fraudulent documents list's reason, when the document was on it
    /// at entry.
    pub lost_reason: Option<String>,
    /// The person is erased: what identified them does not open any more.
    pub erased: bool,
    /// Who recorded it, and when.
    pub recorded_by: String,
    /// When.
    pub recorded_at: DateTime<Utc>,
    /// Who changed it last, and when.
    pub updated_by: String,
    /// When.
    pub updated_at: DateTime<Utc>,
    /// Optimistic concurrency version.
    pub version: i64,
}

/// A document without what identifies its holder (for lists).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentSummary {
    /// Id.
    pub id: Uuid,
    /// The case.
    pub case_id: CaseId,
    /// Its number (`TBR-000123` on pages).
    pub case_number: i64,
    /// The holder.
    pub person_id: PersonId,
    /// Kind.
    pub doc_type: DocumentType,
    /// Issuing state.
    pub issuing_state: String,
    /// Expiry.
    pub expires_on: Option<NaiveDate>,
    /// Whether the zone was valid (`None`: no zone).
    pub zone_valid: Option<bool>,
    /// The officer's conclusion.
    pub outcome: Option<DocumentOutcome>,
    /// How many security features were found suspicious.
    pub failed_features: usize,
    /// On the lost, stolen and fraudulent documents list at entry: its reason.
    pub lost_reason: Option<String>,
    /// With a photo.
    pub has_photo: bool,
    /// When recorded.
    pub recorded_at: DateTime<Utc>,
    /// When changed last.
    pub updated_at: DateTime<Utc>,
}

impl DocumentSummary {
    /// On the list of suspect documents: an outcome other than genuine, or a lost-list hit.
    pub fn is_suspect(&self) -> bool {
        self.outcome.is_some_and(DocumentOutcome::is_suspect) || self.lost_reason.is_some()
    }
}

impl Store {
    /// Record a document on a person of a case (audited `document.record`): refused when the
    /// person is not in the case or was erased, or when `photo` is not an image file about the
    /// same person in the same case. The document is looked up on the lost, stolen and
    /// fraudulent documents list; a hit is kept, audited and alerted in the same transaction.
    pub async fn record_document(
        &self,
        actor: &Actor,
        case: CaseId,
        person: PersonId,
        entry: &DocumentEntry,
        photo: Option<Uuid>,
    ) -> Result<DocumentRecord> {
        let id = dispatch!(
            self,
            record_document(&self.keys, actor, case, person, entry, photo)
        )?;
        dispatch!(self, document(&self.keys, id))
    }

    /// Change a document's record from `version` (audited `document.update`); a number or
    /// state changed onto the list is a hit as at entry.
    pub async fn update_document(
        &self,
        actor: &Actor,
        id: Uuid,
        version: i64,
        entry: &DocumentEntry,
        photo: Option<Uuid>,
    ) -> Result<DocumentRecord> {
        dispatch!(
            self,
            update_document(&self.keys, actor, id, version, entry, photo)
        )?;
        dispatch!(self, document(&self.keys, id))
    }

    /// A document opened, for `actor` (audited `document.read` before it is returned).
    pub async fn read_document(&self, actor: &Actor, id: Uuid) -> Result<DocumentRecord> {
        let d = dispatch!(self, document(&self.keys, id))?;
        dispatch!(self, audit_read(actor, id))?;
        Ok(d)
    }

    /// The documents of a person in a case, oldest first, without what identifies them.
    pub async fn document_summaries(
        &self,
        case: CaseId,
        person: PersonId,
    ) -> Result<Vec<DocumentSummary>> {
        dispatch!(
            self,
            summaries(Some((case, person)), false, MAX_DOCUMENT_LIST)
        )
    }

    /// The suspect documents of the register (an outcome other than genuine, or on the lost
    /// list at entry), most recently changed first, at most `limit` (1 to
    /// [`MAX_DOCUMENT_LIST`]); the caller shows only those of cases within the reader's reach.
    pub async fn suspect_documents(&self, limit: i64) -> Result<Vec<DocumentSummary>> {
        dispatch!(
            self,
            summaries(None, true, limit.clamp(1, MAX_DOCUMENT_LIST))
        )
    }

    /// Every document of a person, opened (for their access report, audited as the report).
    pub(crate) async fn person_documents(&self, person: PersonId) -> Result<Vec<DocumentRecord>> {
        dispatch!(self, person_documents(&self.keys, person))
    }
}

mod sqlite {
    pub(crate) use super::super::sqlite::record_queries as queries;
}

mod postgres {
    pub(crate) use super::super::postgres::record_queries as queries;
}
