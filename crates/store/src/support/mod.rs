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

/// What support text is sealed for (under the key of the person supported).
pub(crate) const OBJECTIVES: &str = "support_plans.objectives";
pub(crate) const ACTION_PLAN: &str = "support_plans.action_plan";
pub(crate) const CLOSURE_NOTE: &str = "support_plans.closure_note";
pub(crate) const SERVICE_NOTE: &str = "support_services.note";
pub(crate) const VISIT_NOTES: &str = "support_visits.notes";
pub(crate) const STEP_NOTE: &str = "support_steps.note";

impl crate::keys::PersonTexts for SupportPlan {
    fn person(&self) -> PersonId {
        self.person_id
    }

    fn texts(&mut self, f: &mut dyn FnMut(&'static str, &mut String) -> Result<()>) -> Result<()> {
        f(OBJECTIVES, &mut self.facts.objectives)?;
        if let Some(a) = &mut self.facts.action_plan {
            f(ACTION_PLAN, a)?;
        }
        if let Some(n) = self.closure.as_mut().and_then(|c| c.note.as_mut()) {
            f(CLOSURE_NOTE, n)?;
        }
        Ok(())
    }
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
            create_support_plan(&self.keys, actor, id, case_id, person_id, form, policy)
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
            update_support_plan(&self.keys, actor, id, expected_version, form, policy)
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
        dispatch!(
            self,
            record_support_service(&self.keys, actor, id, plan_id, form)
        )
    }

    /// Record a follow-up visit under an open plan. Audited `support_visit.record`.
    pub async fn record_support_visit(
        &self,
        actor: &Actor,
        id: Uuid,
        plan_id: Uuid,
        form: &VisitForm,
    ) -> Result<Recorded<FollowUpVisit>> {
        dispatch!(
            self,
            record_support_visit(&self.keys, actor, id, plan_id, form)
        )
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
        dispatch!(
            self,
            record_support_step(&self.keys, actor, id, plan_id, form)
        )
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
        dispatch!(
            self,
            close_support_plan(&self.keys, actor, id, expected_version, form)
        )
    }

    /// One plan.
    pub async fn support_plan(&self, id: Uuid) -> Result<SupportPlan> {
        let mut one = [dispatch!(self, support_plan(id))?];
        self.open_texts(&mut one).await?;
        let [plan] = one;
        Ok(plan)
    }

    /// The plans of a person in a case, newest first, at most `limit` (1 to
    /// [`MAX_SUPPORT_LIST`]).
    pub async fn support_plans(
        &self,
        case_id: CaseId,
        person_id: PersonId,
        limit: i64,
    ) -> Result<Vec<SupportPlan>> {
        let mut plans = dispatch!(self, support_plans(case_id, person_id, limit))?;
        self.open_texts(&mut plans).await?;
        Ok(plans)
    }

    /// The services, visits and steps of a plan, each list newest first and at most `limit`
    /// (1 to [`MAX_SUPPORT_LIST`]).
    pub async fn support_follow_up(&self, plan_id: Uuid, limit: i64) -> Result<FollowUp> {
        let mut follow_up = dispatch!(self, support_follow_up(plan_id, limit))?;
        let person = dispatch!(self, support_plan(plan_id))?.person_id;
        let text = self.text_key(person).await?;
        let open = |purpose, note: &mut Option<String>| -> Result<()> {
            if let Some(n) = note {
                *n = text.open(purpose, n)?;
            }
            Ok(())
        };
        for s in &mut follow_up.services {
            open(SERVICE_NOTE, &mut s.entry.note)?;
        }
        for v in &mut follow_up.visits {
            open(VISIT_NOTES, &mut v.entry.notes)?;
        }
        for s in &mut follow_up.steps {
            open(STEP_NOTE, &mut s.entry.note)?;
        }
        Ok(follow_up)
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
