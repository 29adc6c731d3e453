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

/// Everything the register holds about a person (a data subject's access request).
#[derive(Debug, Clone, Serialize)]
pub struct AccessReport {
    /// When it was made.
    pub made_at: DateTime<Utc>,
    /// Who asked for it (actor id).
    pub made_by: String,
    /// The person's facts.
    pub person: tabara_core::records::Person,
    /// Their identity (empty once erased).
    pub identity: tabara_core::records::PersonIdentity,
    /// Their erasure, asked or done.
    pub erasure: Option<ErasureRecord>,
    /// The cases they are in, with their role and its context.
    pub cases: Vec<ReportCase>,
    /// Consents recorded.
    pub consents: Vec<tabara_core::records::Consent>,
    /// Screening interviews.
    pub screenings: Vec<crate::Screening>,
    /// Risk assessments in their cases, safety plans opened.
    pub risk_assessments: Vec<crate::RiskAssessment>,
    /// Support plans in their cases, each with its services, visits and steps.
    pub support: Vec<ReportSupport>,
    /// Referrals of them to other agencies.
    pub referrals: Vec<crate::Referral>,
    /// Their child pathways (guardian, best-interests assessment, sign-off).
    pub pathways: Vec<crate::ChildPathway>,
    /// Travel and identity documents recorded on them (number, zone and notes opened).
    pub documents: Vec<crate::documents::records::DocumentRecord>,
    /// Changes of their facts.
    pub person_history: Vec<crate::HistoryEntry>,
    /// Changes of their identity (opened; `null` values once erased).
    pub identity_history: Vec<crate::HistoryEntry>,
    /// Who read or changed their record, and when.
    pub audit: Vec<crate::AuditEntry>,
}

/// A support plan in an access report, with what was recorded under it.
#[derive(Debug, Clone, Serialize)]
pub struct ReportSupport {
    /// The plan.
    pub plan: crate::support::SupportPlan,
    /// Its services, visits and steps.
    pub follow_up: crate::support::FollowUp,
}

/// A case in an access report.
#[derive(Debug, Clone, Serialize)]
pub struct ReportCase {
    /// `TBR-000123`.
    pub reference: String,
    /// Opened on.
    pub opened_on: chrono::NaiveDate,
    /// The person's role and its context.
    pub involvement: tabara_core::records::Involvement,
}

use crate::risk::MAX_RISK_LIST;
use crate::support::MAX_SUPPORT_LIST;

impl Store {
    /// Everything held about a person, for their access request: facts, identity (the read
    /// audited), cases, consents, screenings, risk assessments, support plans and their
    /// follow-up, referrals, child pathways, documents, the history of facts and identity, and who read or changed
    /// the record; the report itself audited (`person.access_report`).
    pub async fn access_report(&self, actor: &Actor, person: PersonId) -> Result<AccessReport> {
        let facts = self.person(person).await?;
        let identity = self.read_identity(actor, person).await?.0;
        let mut cases = Vec::new();
        let (mut risk_assessments, mut support, mut referrals, mut pathways) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for case_id in dispatch!(self, cases_of_person(person))? {
            risk_assessments.extend(self.risk_history(case_id, person, MAX_RISK_LIST).await?);
            for plan in self
                .support_plans(case_id, person, MAX_SUPPORT_LIST)
                .await?
            {
                let follow_up = self.support_follow_up(plan.id, MAX_SUPPORT_LIST).await?;
                support.push(ReportSupport { plan, follow_up });
            }
            referrals.extend(self.case_referrals(case_id, person, 500).await?);
            pathways.extend(self.child_pathway(case_id, person).await?);
            let case = self.case(case_id).await?;
            for cp in self.case_persons(case_id).await? {
                if cp.person.id == person {
                    cases.push(ReportCase {
                        reference: case.reference(),
                        opened_on: case.facts.opened_on,
                        involvement: cp.involvement,
                    });
                }
            }
        }
        let id = person.to_string();
        self.record_event(
            actor,
            tabara_core::audit::AuditAction::PersonAccessReport,
            "person",
            id.clone(),
        )
        .await?;
        Ok(AccessReport {
            made_at: Utc::now(),
            made_by: actor.as_str().to_string(),
            erasure: self.erasure_of(person).await?,
            consents: self.consents(person).await?,
            screenings: self.person_screenings(person, 1_000).await?,
            risk_assessments,
            support,
            referrals,
            pathways,
            documents: self.person_documents(person).await?,
            person_history: self.history("person", &id).await?,
            identity_history: self.history("person_identity", &id).await?,
            audit: self.audit_trail("person", &id).await?,
            person: facts,
            identity,
            cases,
        })
    }

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
