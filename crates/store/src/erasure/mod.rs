//! Erasure of persons and the legal holds that make it wait (issue 13; the rules are
//! `tabara_core::erasure`). Erasing destroys the person's data key: their identity and its
//! history stay in the register as sealed bytes no key opens, and they leave the name index.
//! A case under investigation or before a court holds its persons: their erasure waits, with
//! the cases that hold it, until the last hold is lifted; lifting a hold carries out the
//! erasures it was the last to stop, in the same transaction.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tabara_core::erasure::{ErasureGround, ErasureOutcome, HoldKind};
use tabara_core::ids::{CaseId, PersonId};
use uuid::Uuid;

use crate::{Actor, Result, Store};

/// A legal hold on a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LegalHold {
    /// Id.
    pub id: Uuid,
    /// The case held.
    pub case_id: CaseId,
    /// Investigation or court.
    pub kind: HoldKind,
    /// The investigation or court file number.
    pub reference: String,
    /// Who placed it (actor id), and when.
    pub placed_by: String,
    /// When.
    pub placed_at: DateTime<Utc>,
    /// Who lifted it, and when; `None` while it holds.
    pub lifted: Option<(String, DateTime<Utc>)>,
}

/// A person's erasure, asked or done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErasureRecord {
    /// The person.
    pub person_id: PersonId,
    /// Why.
    pub ground: ErasureGround,
    /// Who asked (actor id).
    pub requested_by: String,
    /// When.
    pub requested_at: DateTime<Utc>,
    /// The cases whose holds stopped it when last checked (empty once erased).
    pub held_by: Vec<String>,
    /// When the data key was destroyed; `None` while it waits.
    pub erased_at: Option<DateTime<Utc>>,
}

impl Store {
    /// Erase a person on `ground`: at once when no case holds them (their data key and name
    /// index terms deleted, `person.erase` audited), otherwise the request is kept waiting
    /// with the holding cases (`person.erase_request`). An erased person's identity reads as
    /// empty; changing it is refused.
    pub async fn erase_person(
        &self,
        actor: &Actor,
        person: PersonId,
        ground: ErasureGround,
    ) -> Result<ErasureOutcome> {
        let outcome = dispatch!(self, erase_person(actor, person, ground))?;
        if outcome == ErasureOutcome::Erased {
            self.compact_after_erasure().await;
        }
        Ok(outcome)
    }

    /// The person's erasure, if one was asked.
    pub async fn erasure_of(&self, person: PersonId) -> Result<Option<ErasureRecord>> {
        dispatch!(self, erasure_of(person))
    }

    /// Place a hold on a case (`case.hold`): its persons are not erased while it holds.
    pub async fn place_hold(
        &self,
        actor: &Actor,
        case: CaseId,
        kind: HoldKind,
        reference: &str,
    ) -> Result<LegalHold> {
        let reference = tabara_core::erasure::check_hold_reference(reference)?;
        dispatch!(self, place_hold(actor, case, kind, &reference))
    }

    /// Lift a hold (`case.hold_lift`), and carry out the waiting erasures no other hold
    /// stops; returns the hold and how many persons were erased.
    pub async fn lift_hold(&self, actor: &Actor, hold: Uuid) -> Result<(LegalHold, u64)> {
        let out = dispatch!(self, lift_hold(actor, hold))?;
        if out.1 > 0 {
            self.compact_after_erasure().await;
        }
        Ok(out)
    }

    /// The holds of a case, placed first first (lifted ones included).
    pub async fn holds_of_case(&self, case: CaseId) -> Result<Vec<LegalHold>> {
        dispatch!(self, holds_of_case(case))
    }

    /// Carry out every waiting erasure no hold stops any more (the daily job's part; a hold
    /// lifted does it already for its case). Returns how many persons were erased.
    pub async fn run_waiting_erasures(&self, actor: &Actor) -> Result<u64> {
        let n = dispatch!(self, run_waiting_erasures(actor))?;
        if n > 0 {
            self.compact_after_erasure().await;
        }
        Ok(n)
    }

    /// After an erasure: SQLite's write-ahead log is emptied so no earlier page holding the
    /// destroyed key stays in it (deleted rows are overwritten in the file by `secure_delete`).
    /// PostgreSQL's dead row versions go with its autovacuum. Best effort: a busy log is
    /// emptied at the next erasure or checkpoint.
    async fn compact_after_erasure(&self) {
        if let crate::Backend::Sqlite(pool) = &self.backend {
            let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(pool)
                .await;
        }
    }
}

#[path = "."]
pub(crate) mod sqlite {
    use crate::backend::sqlite::*;
    pub(crate) mod queries;
}

#[path = "."]
pub(crate) mod postgres {
    use crate::backend::postgres::*;
    pub(crate) mod queries;
}
