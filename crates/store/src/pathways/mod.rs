//! The child pathway: opened by the store for every child (or presumed child) of a case the
//! moment it learns of them (a registration, a change of age or role, a screening that presumes
//! a child), then the guardian, the best-interests assessment and child protection's sign-off;
//! the rules are `tabara_core::pathway`. A case with an open pathway cannot be closed.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tabara_core::Role;
use tabara_core::ids::*;
use uuid::Uuid;

use crate::{Actor, Result, Store};

pub use tabara_core::pathway::{
    BestInterests, DurableSolution, Guardian, GuardianKind, OpenReason, Pathway,
};

/// The actor of the pathways the store opens by itself.
pub const PATHWAY_ACTOR: &str = "child-pathway";

/// A child's pathway as stored.
#[derive(Debug, Clone, Serialize)]
pub struct ChildPathway {
    /// Id.
    pub id: Uuid,
    /// The case.
    pub case_id: CaseId,
    /// The child.
    pub person_id: PersonId,
    /// Where it stands.
    pub pathway: Pathway,
    /// Who recorded the guardian (actor id), and when.
    pub guardian_by: Option<(String, DateTime<Utc>)>,
    /// Who recorded the best-interests assessment, and when.
    pub best_interests_by: Option<(String, DateTime<Utc>)>,
    /// Who signed it off.
    pub signed_off_by: Option<String>,
    /// Version (optimistic concurrency).
    pub version: i64,
}

/// A step on a pathway (see [`Store::pathway_step`]).
#[derive(Debug, Clone)]
pub enum PathwayStep {
    /// Record the guardian, or that there is none.
    Guardian(Guardian),
    /// Record a best-interests assessment.
    BestInterests(BestInterests),
    /// Sign the pathway off.
    SignOff,
}

/// The most pathways a list returns.
pub const MAX_PATHWAYS: i64 = 200;

impl crate::keys::PersonTexts for ChildPathway {
    fn person(&self) -> PersonId {
        self.person_id
    }

    fn texts(&mut self, f: &mut dyn FnMut(&'static str, &mut String) -> Result<()>) -> Result<()> {
        match &mut self.pathway.guardian {
            Some(Guardian::Named { name, .. }) => f("child_pathways.guardian", name)?,
            Some(Guardian::Absent { reason }) => f("child_pathways.guardian", reason)?,
            None => {}
        }
        if let Some(b) = &mut self.pathway.best_interests {
            f("child_pathways.best_interests", &mut b.summary)?;
        }
        Ok(())
    }
}

impl Store {
    /// The pathway of a child in a case, if one is open or was.
    pub async fn child_pathway(
        &self,
        case_id: CaseId,
        person_id: PersonId,
    ) -> Result<Option<ChildPathway>> {
        let mut found: Vec<ChildPathway> = dispatch!(self, child_pathway(case_id, person_id))?
            .into_iter()
            .collect();
        self.open_texts(&mut found).await?;
        Ok(found.pop())
    }

    /// The pathways of a case's children.
    pub async fn case_pathways(&self, case_id: CaseId) -> Result<Vec<ChildPathway>> {
        let mut list = dispatch!(self, case_pathways(case_id))?;
        self.open_texts(&mut list).await?;
        Ok(list)
    }

    /// The open pathways (not signed off), oldest first, at most `limit` (1 to
    /// [`MAX_PATHWAYS`]), and how many are open in all.
    pub async fn open_pathways(&self, limit: i64) -> Result<(Vec<ChildPathway>, i64)> {
        let (mut list, open) = dispatch!(self, open_pathways(limit))?;
        self.open_texts(&mut list).await?;
        Ok((list, open))
    }

    /// Take a step on a child's pathway by a user in `role`, based on `expected_version`:
    /// core decides (`Pathway::record_guardian`, `record_best_interests`, `sign_off`); the
    /// change, its history and its audit entry commit together.
    pub async fn pathway_step(
        &self,
        actor: &Actor,
        role: Role,
        case_id: CaseId,
        person_id: PersonId,
        expected_version: i64,
        step: &PathwayStep,
    ) -> Result<ChildPathway> {
        let mut one = [dispatch!(
            self,
            pathway_step(
                &self.keys,
                actor,
                role,
                case_id,
                person_id,
                expected_version,
                step
            )
        )?];
        self.open_texts(&mut one).await?;
        let [stored] = one;
        Ok(stored)
    }

    /// Open the pathways missing for the children of cases that involve one (after a bulk
    /// load, which writes cases without the per-case checks); returns how many were opened.
    pub async fn open_missing_pathways(&self) -> Result<usize> {
        dispatch!(self, open_missing_pathways())
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
