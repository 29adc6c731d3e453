//! Screening interviews and the officer's decision on them (the rules are in
//! `tabara_core::decision`).

use chrono::{DateTime, Utc};
use serde::Serialize;
use tabara_core::ids::*;

use crate::{Actor, Result, Store};

pub use tabara_core::decision::{DecisionKind, ScreeningState};

/// The officer's decision on a completed screening.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScreeningDecision {
    /// Confirmed or overridden.
    pub kind: DecisionKind,
    /// The trafficking status decided (HTCDS `vic_TraffickingStatus`).
    pub status: tabara_core::htcds::TraffickingStatus,
    /// Why (required to override).
    pub reason: Option<String>,
    /// Who decided (actor id).
    pub decided_by: String,
    /// When.
    pub decided_at: DateTime<Utc>,
}

/// A screening interview as stored.
#[derive(Debug, Clone, Serialize)]
pub struct Screening {
    /// Id.
    pub id: tabara_core::ids::ScreeningId,
    /// The person screened.
    pub person_id: PersonId,
    /// The case it belongs to.
    pub case_id: CaseId,
    /// Version of the catalogue the questions came from.
    pub catalogue_version: String,
    /// Draft or completed.
    pub state: ScreeningState,
    /// Answers by indicator id (missing ids were not asked).
    pub answers: std::collections::BTreeMap<String, tabara_core::screening::Answer>,
    /// Age and signs of minority.
    pub age: tabara_core::screening::AgeFacts,
    /// Facts for the trafficking-vs-smuggling aid.
    pub movement: tabara_core::palermo::MovementFacts,
    /// The engine's evaluation, once completed.
    pub evaluation: Option<tabara_core::screening::Evaluation>,
    /// The officer's decision, once taken.
    pub decision: Option<ScreeningDecision>,
    /// Who started it (actor id).
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Version (optimistic concurrency).
    pub version: i64,
}

/// What the officer decides on a completed screening (see [`crate::Store::decide_screening`]).
#[derive(Debug, Clone, Copy)]
pub struct DecisionInput<'a> {
    /// Confirm the suggestion or override it.
    pub kind: DecisionKind,
    /// The status, required to override.
    pub status: Option<tabara_core::htcds::TraffickingStatus>,
    /// Why; required to override.
    pub reason: &'a str,
    /// Who decides, in HTCDS terms.
    pub decided_by: tabara_core::htcds::DecisionMakingOrg,
}

/// What a screening decision's reason is sealed for (under the key of the person screened).
pub(crate) const DECISION_REASON: &str = "screenings.decision_reason";

impl crate::keys::PersonTexts for Screening {
    fn person(&self) -> PersonId {
        self.person_id
    }

    fn texts(&mut self, f: &mut dyn FnMut(&'static str, &mut String) -> Result<()>) -> Result<()> {
        if let Some(r) = self.decision.as_mut().and_then(|d| d.reason.as_mut()) {
            f(DECISION_REASON, r)?;
        }
        Ok(())
    }
}

impl Store {
    /// Start a screening (a draft) of a person of a case, on the given catalogue version.
    pub async fn create_screening(
        &self,
        actor: &Actor,
        id: ScreeningId,
        case_id: CaseId,
        person_id: PersonId,
        catalogue_version: &str,
    ) -> Result<Screening> {
        dispatch!(
            self,
            create_screening(actor, id, case_id, person_id, catalogue_version)
        )
    }

    /// A screening.
    pub async fn screening(&self, id: ScreeningId) -> Result<Screening> {
        let mut one = [dispatch!(self, screening(id))?];
        self.open_texts(&mut one).await?;
        let [s] = one;
        Ok(s)
    }

    /// A person's screenings, newest first.
    pub async fn person_screenings(
        &self,
        person_id: PersonId,
        limit: i64,
    ) -> Result<Vec<Screening>> {
        let mut list = dispatch!(self, person_screenings(person_id, limit))?;
        self.open_texts(&mut list).await?;
        Ok(list)
    }

    /// Save a draft's answers, based on `expected_version`. Returns the new version.
    pub async fn save_screening(
        &self,
        actor: &Actor,
        id: ScreeningId,
        expected_version: i64,
        answers: &std::collections::BTreeMap<String, tabara_core::screening::Answer>,
        age: &tabara_core::screening::AgeFacts,
        movement: &tabara_core::palermo::MovementFacts,
    ) -> Result<i64> {
        dispatch!(
            self,
            save_screening(actor, id, expected_version, answers, age, movement)
        )
    }

    /// Close a draft: the engine evaluates its answers with `catalogue` and the evaluation is
    /// stored with the screening.
    pub async fn complete_screening(
        &self,
        actor: &Actor,
        id: ScreeningId,
        expected_version: i64,
        catalogue: &tabara_core::screening::Catalogue,
    ) -> Result<Screening> {
        dispatch!(
            self,
            complete_screening(actor, id, expected_version, catalogue)
        )
    }

    /// The officer's decision on a completed screening: confirm the suggested status, or
    /// override it with a status and a reason. Audited; once per screening. When the person is
    /// a victim in the case, the decided status and `decided_by` become their HTCDS trafficking
    /// status and decision-making organisation, in the same transaction.
    pub async fn decide_screening(
        &self,
        actor: &Actor,
        id: ScreeningId,
        expected_version: i64,
        input: DecisionInput<'_>,
    ) -> Result<Screening> {
        let mut one = [dispatch!(
            self,
            decide_screening(&self.keys, actor, id, expected_version, input)
        )?];
        self.open_texts(&mut one).await?;
        let [s] = one;
        Ok(s)
    }
}

#[path = "."]
pub(crate) mod sqlite {
    use crate::backend::sqlite::*;
    use crate::cases::sqlite::queries as cases;
    use crate::pathways::sqlite::queries as pathways;
    pub(crate) mod queries;
}

#[path = "."]
pub(crate) mod postgres {
    use crate::backend::postgres::*;
    use crate::cases::postgres::queries as cases;
    use crate::pathways::postgres::queries as pathways;
    pub(crate) mod queries;
}
