//! Victim risk assessments (security and re-trafficking), append-only: a reassessment is a new
//! assessment, and the history of a person in a case is the list of them. The rules (the form's
//! checks, the suggestion, the level, the safety plan, the next reassessment) are in
//! `tabara_core::risk`; the store persists what core returns.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tabara_core::ids::*;
use uuid::Uuid;

use crate::{Actor, Result, Store};

pub use tabara_core::risk::{
    Assessment, AssessmentForm, Factors, ReassessmentPolicy, RiskKind, RiskLevel,
};

/// The most assessments one list returns.
pub const MAX_RISK_LIST: i64 = 500;

/// A stored risk assessment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RiskAssessment {
    /// Id.
    pub id: Uuid,
    /// The case it was made in.
    pub case_id: CaseId,
    /// The person assessed (a victim of the case).
    pub person_id: PersonId,
    /// Who assessed (actor id).
    pub assessed_by: String,
    /// What core checked and built: kind, cell, level, factors, suggestion, safety plan,
    /// factors version, when it was made and when it is to be reassessed.
    pub assessment: Assessment,
}

/// The purpose a safety plan is sealed for (it says where the person is kept safe).
pub(crate) const SAFETY_PLAN: &str = "risk_assessments.safety_plan";

impl crate::keys::PersonTexts for RiskAssessment {
    fn person(&self) -> PersonId {
        self.person_id
    }

    fn texts(&mut self, f: &mut dyn FnMut(&'static str, &mut String) -> Result<()>) -> Result<()> {
        if let Some(plan) = &mut self.assessment.safety_plan {
            f(SAFETY_PLAN, plan)?;
        }
        Ok(())
    }
}

impl Store {
    /// Record an assessment of a victim of a case: the form is checked by core against the
    /// embedded factors, `policy` (the default [`ReassessmentPolicy`] when `None`), whether the
    /// person is a child or presumed one (from their facts), and the store's clock. Written in
    /// one transaction with its audit entry (`risk_assessment.record`). Refused for a person
    /// not involved in the case (not found) or not a victim of it (`risk_Person`/`victim_only`).
    pub async fn record_risk_assessment(
        &self,
        actor: &Actor,
        id: Uuid,
        case_id: CaseId,
        person_id: PersonId,
        form: &AssessmentForm,
        policy: Option<&ReassessmentPolicy>,
    ) -> Result<RiskAssessment> {
        dispatch!(
            self,
            record_risk_assessment(&self.keys, actor, id, case_id, person_id, form, policy)
        )
    }

    /// One assessment.
    pub async fn risk_assessment(&self, id: Uuid) -> Result<RiskAssessment> {
        let mut one = [dispatch!(self, risk_assessment(id))?];
        self.open_texts(&mut one).await?;
        let [a] = one;
        Ok(a)
    }

    /// The assessments of a person in a case, newest first, at most `limit` (1 to
    /// [`MAX_RISK_LIST`]).
    pub async fn risk_history(
        &self,
        case_id: CaseId,
        person_id: PersonId,
        limit: i64,
    ) -> Result<Vec<RiskAssessment>> {
        let mut list = dispatch!(self, risk_history(case_id, person_id, limit))?;
        self.open_texts(&mut list).await?;
        Ok(list)
    }

    /// The latest assessment of each kind of a person in a case (at most one per kind, in the
    /// order of [`RiskKind`]).
    pub async fn latest_risk_assessments(
        &self,
        case_id: CaseId,
        person_id: PersonId,
    ) -> Result<Vec<RiskAssessment>> {
        let mut list = dispatch!(self, latest_risk_assessments(case_id, person_id))?;
        self.open_texts(&mut list).await?;
        Ok(list)
    }

    /// The latest assessments (per case, person and kind) due for reassessment at `now`
    /// ([`Assessment::is_due`]: `reassess_by` at or before `now`), the longest overdue first,
    /// at most `limit` (1 to [`MAX_RISK_LIST`]).
    pub async fn risk_reassessments_due(
        &self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<RiskAssessment>> {
        let mut list = dispatch!(self, risk_reassessments_due(now, limit))?;
        self.open_texts(&mut list).await?;
        Ok(list)
    }
}

#[path = "."]
pub(crate) mod sqlite {
    use crate::backend::sqlite::*;
    use crate::cases::sqlite::queries as cases;
    use crate::persons::sqlite::queries as persons;
    pub(crate) mod queries;
}

#[path = "."]
pub(crate) mod postgres {
    use crate::backend::postgres::*;
    use crate::cases::postgres::queries as cases;
    use crate::persons::postgres::queries as persons;
    pub(crate) mod queries;
}
