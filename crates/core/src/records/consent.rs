//! Consent records (HTCDS `con_Consent`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ids::*;
use crate::picklist::picklist;
use crate::validation::ValidationErrors;

picklist! {
    /// What a consent covers.
    ConsentScope, fields [] {
        Interview = "interview", "Interview", "Entretien";
        DataProcessing = "data_processing", "Processing of personal data", "Traitement des données personnelles";
        DataSharing = "data_sharing", "Sharing with another agency", "Partage avec une autre structure";
        Research = "research", "Use of non-identifying data for research", "Utilisation de données non identifiantes pour la recherche";
    }
}

/// A consent record (HTCDS `con_Consent`, with each point the person was informed of kept
/// separately, as HTCDS v1.0 did and data-protection practice needs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    /// Identifier.
    pub id: ConsentId,
    /// Whose consent.
    pub person_id: PersonId,
    /// The case it was given in, if any.
    pub case_id: Option<CaseId>,
    /// What it covers.
    pub scope: ConsentScope,
    /// Consent (or a child's assent) given.
    pub given: bool,
    /// Informed of the purpose of the interview.
    pub informed_purpose: bool,
    /// Informed of the actual and potential use of the data.
    pub informed_data_use: bool,
    /// Informed of the research use of non-identifying data.
    pub informed_research_use: bool,
    /// Informed of the right to request their personal data.
    pub informed_right_of_access: bool,
    /// Informed of how long the data is kept.
    pub informed_retention: bool,
    /// Informed of how to withdraw consent.
    pub informed_withdrawal: bool,
    /// The day it was recorded.
    pub recorded_on: NaiveDate,
    /// The day it was withdrawn.
    pub withdrawn_on: Option<NaiveDate>,
}

impl Consent {
    /// HTCDS `con_Consent`: given, fully informed and not withdrawn.
    pub fn htcds_consent(&self) -> bool {
        self.given
            && self.withdrawn_on.is_none()
            && self.informed_purpose
            && self.informed_data_use
            && self.informed_research_use
            && self.informed_right_of_access
            && self.informed_retention
            && self.informed_withdrawal
    }

    /// Check the consent rules as of `today`.
    pub fn validate(&self, today: NaiveDate) -> Result<(), ValidationErrors> {
        let mut e = ValidationErrors::default();
        if self.recorded_on < crate::validation::EARLIEST_RECORD_DATE {
            e.push(
                "con_RecordedOn",
                "date_range",
                format!(
                    "date {} is before {}",
                    self.recorded_on,
                    crate::validation::EARLIEST_RECORD_DATE
                ),
            );
        }
        if self.recorded_on > today {
            e.push(
                "con_RecordedOn",
                "not_in_future",
                format!("date {} is in the future", self.recorded_on),
            );
        }
        if let Some(w) = self.withdrawn_on {
            if w < self.recorded_on {
                e.push(
                    "con_WithdrawnOn",
                    "after_recorded",
                    format!("withdrawal {w} is before the consent {}", self.recorded_on),
                );
            }
            if !self.given {
                e.push(
                    "con_WithdrawnOn",
                    "requires_given",
                    "only a consent that was given can be withdrawn",
                );
            }
        }
        e.into_result(())
    }
}
