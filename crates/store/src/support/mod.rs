//! Support plans of victims and their follow-up: the plan (HTCDS `spl_` types, objectives,
//! action plan, planned end, the reflection and recovery period), the services delivered, the
//! follow-up visits, the return and reintegration steps, and the closure with its reason. The
//! checks are `tabara_core::support`'s; the store adds what needs the register: the person is
//! a victim of the case (`spl_Person`/`victim_only`), one plan open per person and case
//! (`spl_Status`/`already_open`), nothing recorded on a closed plan (`spl_Status`/`closed`),
//! an organisation named as provider exists (`sps_Organisation`/`unknown`). Every write is
//! audited in its own transaction; a change of a plan names the version it was based on and
//! keeps the earlier values in `record_history`.
//!
//! Nothing here records cooperation with the police or the prosecution, and no query looks
//! at it: assistance never depends on it (see `tabara_core::support`).

use chrono::{DateTime, Utc};
use serde::Serialize;
use tabara_core::ids::*;
use uuid::Uuid;

use crate::{Actor, Result, Store};

pub use tabara_core::support::{
    Closure, ClosureForm, FollowUpVisit, PlanFacts, PlanForm, ReflectionPolicy, ReintegrationStep,
    ServiceDelivered, ServiceForm, StepForm, VisitForm,
};

/// The most entries one list of a plan returns.
pub const MAX_SUPPORT_LIST: i64 = 500;

/// A stored support plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SupportPlan {
    /// Id.
    pub id: Uuid,
    /// The case.
    pub case_id: CaseId,
    /// The person supported (a victim of the case).
    pub person_id: PersonId,
    /// Types, goals, dates, reflection period.
    pub facts: PlanFacts,
    /// How it ended; `None` while open.
    pub closure: Option<Closure>,
    /// Who opened it (actor id).
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version.
    pub version: i64,
}

impl SupportPlan {
    /// Whether it is still open.
    pub fn is_open(&self) -> bool {
        self.closure.is_none()
    }
}

/// Something recorded under a plan: who recorded it and when.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recorded<T> {
    /// Id.
    pub id: Uuid,
    /// The plan.
    pub plan_id: Uuid,
    /// What was recorded.
    pub entry: T,
    /// Who recorded it (actor id).
    pub recorded_by: String,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

/// The follow-up of a plan, each list newest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FollowUp {
    /// Services delivered.
    pub services: Vec<Recorded<ServiceDelivered>>,
    /// Follow-up visits.
    pub visits: Vec<Recorded<FollowUpVisit>>,
    /// Return and reintegration steps.
    pub steps: Vec<Recorded<ReintegrationStep>>,
}

impl Store {
    /// Open a support plan for a victim of a case, checked by core against `policy` (the
    /// default [`ReflectionPolicy`], 30 days, when `None`) and today. Refused for a person not
    /// in the case (not found), not a victim of it (`spl_Person`/`victim_only`), or who has an
    /// open plan in it already (`spl_Status`/`already_open`). Audited `support_plan.create`.
    pub async fn create_support_plan(
        &self,
        actor: &Actor,
        id: Uuid,
        case_id: CaseId,
        person_id: PersonId,
        form: &PlanForm,
        policy: Option<&ReflectionPolicy>,
    ) -> Result<SupportPlan> {
        dispatch!(
            self,
            create_support_plan(actor, id, case_id, person_id, form, policy)
        )
    }

    /// Change an open plan read at `expected_version` (`Conflict` otherwise; a closed plan is
    /// `spl_Status`/`closed`). Audited `support_plan.update`, the earlier values kept.
    pub async fn update_support_plan(
        &self,
        actor: &Actor,
        id: Uuid,
        expected_version: i64,
        form: &PlanForm,
        policy: Option<&ReflectionPolicy>,
    ) -> Result<SupportPlan> {
        dispatch!(
            self,
            update_support_plan(actor, id, expected_version, form, policy)
        )
    }

    /// Record a service delivered under an open plan. Audited `support_service.record`.
    pub async fn record_support_service(
        &self,
        actor: &Actor,
        id: Uuid,
        plan_id: Uuid,
        form: &ServiceForm,
    ) -> Result<Recorded<ServiceDelivered>> {
        dispatch!(self, record_support_service(actor, id, plan_id, form))
    }

    /// Record a follow-up visit under an open plan. Audited `support_visit.record`.
    pub async fn record_support_visit(
        &self,
        actor: &Actor,
        id: Uuid,
        plan_id: Uuid,
        form: &VisitForm,
    ) -> Result<Recorded<FollowUpVisit>> {
        dispatch!(self, record_support_visit(actor, id, plan_id, form))
    }

    /// Record a return or reintegration step under an open plan. Audited
    /// `support_step.record`.
    pub async fn record_support_step(
        &self,
        actor: &Actor,
        id: Uuid,
        plan_id: Uuid,
        form: &StepForm,
    ) -> Result<Recorded<ReintegrationStep>> {
        dispatch!(self, record_support_step(actor, id, plan_id, form))
    }

    /// Close an open plan read at `expected_version`, with its reason. Audited
    /// `support_plan.close`, the earlier values kept.
    pub async fn close_support_plan(
        &self,
        actor: &Actor,
        id: Uuid,
        expected_version: i64,
        form: &ClosureForm,
    ) -> Result<SupportPlan> {
        dispatch!(self, close_support_plan(actor, id, expected_version, form))
    }

    /// One plan.
    pub async fn support_plan(&self, id: Uuid) -> Result<SupportPlan> {
        dispatch!(self, support_plan(id))
    }

    /// The plans of a person in a case, newest first, at most `limit` (1 to
    /// [`MAX_SUPPORT_LIST`]).
    pub async fn support_plans(
        &self,
        case_id: CaseId,
        person_id: PersonId,
        limit: i64,
    ) -> Result<Vec<SupportPlan>> {
        dispatch!(self, support_plans(case_id, person_id, limit))
    }

    /// The services, visits and steps of a plan, each list newest first and at most `limit`
    /// (1 to [`MAX_SUPPORT_LIST`]).
    pub async fn support_follow_up(&self, plan_id: Uuid, limit: i64) -> Result<FollowUp> {
        dispatch!(self, support_follow_up(plan_id, limit))
    }
}

#[path = "."]
pub(crate) mod sqlite {
    use crate::backend::sqlite::*;
    use crate::cases::sqlite::queries as cases;
    pub(crate) mod queries;
}

#[path = "."]
pub(crate) mod postgres {
    use crate::backend::postgres::*;
    use crate::cases::postgres::queries as cases;
    pub(crate) mod queries;
}
