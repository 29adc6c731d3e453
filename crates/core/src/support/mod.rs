//! The support plan of a victim and its follow-up, as pure rules: the HTCDS support plan (its
//! types from [`SupportPlanType`], `spl_Objectives`, `spl_ActionPlan`, `spl_PlannedEndDate`),
//! the reflection and recovery period (its start and length, by default
//! [`ReflectionPolicy::default_days`] = 30 days, its end computed), the services delivered
//! (a [`ServiceType`] of the referral module, a day, by an organisation of the directory and/or
//! a named person), follow-up visits, return and reintegration steps, and the closure with a
//! reason ([`ClosureReason`], and words). Each form is checked by field and stable rule name;
//! the store persists what the checks return.
//!
//! **Assistance never depends on cooperation with the police or the prosecution** (Council of
//! Europe Convention on Action against Trafficking, art. 12.6; EU Directive 2011/36, art.
//! 11.3): nothing here records whether the person cooperates, testifies or files a complaint,
//! and no rule looks at it, so no page or query built on these types can make support
//! conditional on it. `tests::no_field_or_value_names_cooperation` keeps it so.

mod forms;
#[cfg(test)]
mod tests;

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

pub use crate::htcds::SupportPlanType;
use crate::picklist::picklist;
pub use crate::referral::ServiceType;
use crate::validation::ValidationErrors;
pub use forms::*;

picklist! {
    /// Why a support plan was closed.
    ClosureReason, fields [] {
        /// The plan's objectives were reached.
        ObjectivesMet = "objectives_met", "Objectives of the plan met", "Objectifs du plan atteints";
        /// The person lives independently again, at home or in a new place.
        Reintegrated = "reintegrated", "Reintegrated", "Réintégration accomplie";
        /// Another organisation takes the support over.
        TransferredToOtherOrganisation = "transferred", "Support taken over by another organisation", "Aide reprise par une autre organisation";
        /// The person asked for the support to end (their choice, never a condition).
        PersonEndedSupport = "person_ended_support", "The person chose to end the support", "La personne a choisi de mettre fin à l'aide";
        /// The person moved out of reach or could not be contacted again.
        LostContact = "lost_contact", "Contact lost", "Contact perdu";
        /// The person died.
        Deceased = "deceased", "Deceased", "Décès";
        /// Another reason, said in the closure's words.
        Other = "other", "Other (say which)", "Autre (préciser)";
    }
}

picklist! {
    /// A step of return and reintegration.
    ReintegrationStepKind, fields [] {
        FamilyTracing = "family_tracing", "Family traced", "Famille retrouvée";
        FamilyAssessment = "family_assessment", "Family and home assessed", "Famille et foyer évalués";
        ReturnPlanned = "return_planned", "Return planned with the person", "Retour planifié avec la personne";
        TravelDocuments = "travel_documents", "Travel or identity documents obtained", "Documents de voyage ou d'identité obtenus";
        Returned = "returned", "Returned", "Retour effectué";
        Schooling = "schooling", "Back to school or training", "Retour à l'école ou en formation";
        Livelihood = "livelihood", "Work or income-generating activity", "Travail ou activité génératrice de revenus";
        CommunityReintegration = "community_reintegration", "Reintegrated in the community", "Réintégration dans la communauté";
    }
}

/// The longest reflection and recovery period a plan may give.
pub const MAX_REFLECTION_DAYS: u16 = 365;
/// The longest notes of a follow-up visit.
pub const MAX_VISIT_NOTES: usize = 4_000;
/// The latest planned end of a plan, in days after today.
pub const MAX_PLANNED_DAYS: i64 = 5 * 366;

/// The reflection and recovery period the deployment gives by default (configurable; at least
/// 30 days under the Council of Europe Convention, art. 13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReflectionPolicy {
    /// Days given when the form leaves the length empty.
    pub default_days: u16,
}

impl Default for ReflectionPolicy {
    fn default() -> Self {
        ReflectionPolicy { default_days: 30 }
    }
}

impl ReflectionPolicy {
    /// A configured policy: 1 to [`MAX_REFLECTION_DAYS`] days (`spl_ReflectionDays`/`range`).
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut e = ValidationErrors::default();
        if !(1..=MAX_REFLECTION_DAYS).contains(&self.default_days) {
            e.push(
                "spl_ReflectionDays",
                "range",
                format!(
                    "{} days, expected 1 to {MAX_REFLECTION_DAYS}",
                    self.default_days
                ),
            );
        }
        e.into_result(())
    }
}

/// The reflection and recovery period: from its first day, for a number of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReflectionPeriod {
    /// Its first day.
    pub starts_on: NaiveDate,
    /// How many days it lasts.
    pub days: u16,
}

impl ReflectionPeriod {
    /// Its last day: `days` days from the first one, that day counted (30 days from 1 March end
    /// on 30 March).
    pub fn ends_on(&self) -> NaiveDate {
        self.starts_on + Duration::days(i64::from(self.days.max(1)) - 1)
    }

    /// Whether `today` is within it.
    pub fn is_running(&self, today: NaiveDate) -> bool {
        (self.starts_on..=self.ends_on()).contains(&today)
    }

    /// Days left after `today` (0 on its last day and after it).
    pub fn days_left(&self, today: NaiveDate) -> i64 {
        (self.ends_on() - today).num_days().max(0)
    }
}

/// A plan's facts as checked: what the store keeps and the page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanFacts {
    /// `spl_Type`: the kinds of support, at least one.
    pub types: crate::ValueSet<SupportPlanType>,
    /// `spl_Objectives`: the goals agreed with the person.
    pub objectives: String,
    /// `spl_ActionPlan`: the actions to reach them.
    pub action_plan: Option<String>,
    /// `spl_PlannedEndDate`.
    pub planned_end: Option<NaiveDate>,
    /// The reflection and recovery period.
    pub reflection: ReflectionPeriod,
}

/// A service delivered, as checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceDelivered {
    /// What was delivered.
    pub service: ServiceType,
    /// When.
    pub delivered_on: NaiveDate,
    /// By which organisation of the directory, if one.
    pub organisation_id: Option<crate::ids::OrganisationId>,
    /// By whom, in words (a person, a unit, an organisation outside the directory).
    pub provided_by: Option<String>,
    /// A note.
    pub note: Option<String>,
}

/// A follow-up visit, as checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpVisit {
    /// When.
    pub visited_on: NaiveDate,
    /// By whom.
    pub visited_by: String,
    /// What was seen and agreed (at most [`MAX_VISIT_NOTES`] characters).
    pub notes: Option<String>,
}

/// A return or reintegration step, as checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReintegrationStep {
    /// Which step.
    pub step: ReintegrationStepKind,
    /// When it was reached.
    pub on: NaiveDate,
    /// A note.
    pub note: Option<String>,
}

/// A closure, as checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    /// Why.
    pub reason: ClosureReason,
    /// In words (required for [`ClosureReason::Other`]).
    pub note: Option<String>,
    /// `spl_ActualEndDate`.
    pub closed_on: NaiveDate,
}
