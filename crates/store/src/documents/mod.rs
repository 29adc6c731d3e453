//! Travel documents (issue 15): the lost, stolen and fraudulent documents list. Entries come
//! checked by core (`tabara_core::documents::LostEntry`); an import adds or replaces them in
//! one transaction with one audit entry; a document read is looked up by issuing state and
//! number, and a hit is audited in the name of who read it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::{Actor, Result, Store};

pub use tabara_core::documents::{LostEntry, LostReason};

/// An entry of the list as kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LostDocument {
    /// Id.
    pub id: Uuid,
    /// Issuing state (`DEU` for Germany).
    pub issuing_state: String,
    /// Document number, keyed as core keys it.
    pub number: String,
    /// `lost`, `stolen`, `fraudulent` or `revoked`.
    pub reason: String,
    /// When it was reported.
    pub reported_on: NaiveDate,
    /// On whose word.
    pub source: String,
    /// The import that put it there.
    pub import_id: Uuid,
    /// Who imported it.
    pub imported_by: String,
    /// When.
    pub imported_at: DateTime<Utc>,
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LostImport {
    /// The import's id (named by its audit entry and by each row it wrote).
    pub id: Uuid,
    /// Entries new to the list.
    pub added: u64,
    /// Entries that replaced one of the same state and number.
    pub replaced: u64,
}

impl Store {
    /// Add or replace `entries` (by issuing state and number) in one transaction, audited
    /// `lost_document.import` once, under a new import id.
    pub async fn import_lost_documents(
        &self,
        actor: &Actor,
        entries: &[LostEntry],
    ) -> Result<LostImport> {
        dispatch!(self, import_lost_documents(actor, entries))
    }

    /// The entry of a document, by issuing state and number (keyed as core keys them).
    pub async fn lost_document(&self, state: &str, number: &str) -> Result<Option<LostDocument>> {
        let (state, number) = (
            tabara_core::documents::state_key(state),
            tabara_core::documents::number_key(number),
        );
        dispatch!(self, lost_document(&state, &number))
    }

    /// The list, most recently reported first, at most `limit`.
    pub async fn lost_documents(&self, limit: i64) -> Result<Vec<LostDocument>> {
        dispatch!(self, lost_documents(limit))
    }

    /// Look a document read up on the list; a hit is audited `lost_document.hit` in the name
    /// of `actor` (who read the document) before it is returned.
    pub async fn check_lost_document(
        &self,
        actor: &Actor,
        state: &str,
        number: &str,
    ) -> Result<Option<LostDocument>> {
        let Some(hit) = self.lost_document(state, number).await? else {
            return Ok(None);
        };
        dispatch!(self, record_lost_hit(actor, hit.id))?;
        Ok(Some(hit))
    }
}

pub mod records;

#[path = "."]
pub(crate) mod sqlite {
    use crate::alerts::sqlite::queries as alerts;
    use crate::backend::sqlite::*;
    pub(crate) mod queries;
    pub(crate) mod record_queries;
}

#[path = "."]
pub(crate) mod postgres {
    use crate::alerts::postgres::queries as alerts;
    use crate::backend::postgres::*;
    pub(crate) mod queries;
    pub(crate) mod record_queries;
}
