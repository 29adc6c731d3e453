//! Cases (HTCDS `cas_`), their references, and how a person is involved in one.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::fields::*;
use super::*;
use crate::countries::Country;
use crate::htcds::*;
use crate::ids::*;
use crate::picklist::{ValueSet, picklist};
use crate::validation::ValidationErrors;

picklist! {
    /// The role a person plays in a case.
    PersonRole, fields [] {
        Victim = "victim", "Victim", "Victime";
        Suspect = "suspect", "Suspect", "Suspect";
        Witness = "witness", "Witness", "Témoin";
        Other = "other", "Other", "Autre";
    }
}

/// Victim context of a person in a case (HTCDS `vic_`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct VictimContext {
    /// `vic_TraffickingStatus`.
    pub trafficking_status: Option<TraffickingStatus>,
    /// `vic_TraffickingStatusDecisionMakingOrg`.
    pub decision_org: Option<DecisionMakingOrg>,
    /// `vic_RelationshipToTrafficker`.
    pub relationship_to_trafficker: Option<RelationshipToTrafficker>,
    /// `vic_AgeWhenTrafficked`.
    pub age_when_trafficked: Option<i64>,
    /// `vic_RecruitmentWebsitesAndApps`.
    pub recruitment_websites: ValueSet<WebsiteOrApp>,
    /// `vic_MethodOfRecruitment`.
    pub methods_of_recruitment: ValueSet<MethodOfRecruitment>,
    /// `vic_MethodsOfControl`.
    pub methods_of_control: ValueSet<MethodOfControl>,
    /// `vic_TypeOfExploitation`.
    pub exploitation_types: ValueSet<ExploitationType>,
    /// `vic_ForcedLabourIndustry` (a set, see [`crate::htcds`]).
    pub labour_industries: ValueSet<LabourIndustry>,
    /// `vic_TypeOfSexExploitation`.
    pub sex_exploitation_types: ValueSet<SexExploitationType>,
    /// `vic_ExploitationWebsitesAndApps`.
    pub exploitation_websites: ValueSet<WebsiteOrApp>,
    /// Country of recruitment (Tabara extension; CTDC's citizenship/route analyses need it).
    pub recruitment_country: Option<Country>,
    /// Country of exploitation (Tabara extension; CTDC `CountryOfExploitation`).
    pub exploitation_country: Option<Country>,
}

/// Perpetrator context of a person in a case (HTCDS `per_`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PerpetratorContext {
    /// `per_RoleInProcess`.
    pub roles: ValueSet<RoleInProcess>,
    /// `per_RoleDetails` (free text: sensitive).
    pub role_details: Option<String>,
    /// `per_Organisation`: the organisation the suspect acted for, if any.
    pub organisation_id: Option<OrganisationId>,
}

/// How a person is involved in a case. The context travels with the role, so a witness cannot
/// carry a trafficking status and a victim cannot carry a role in the process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum Involvement {
    /// A victim or presumed victim.
    Victim(VictimContext),
    /// A suspect.
    Suspect(PerpetratorContext),
    /// A witness.
    Witness,
    /// Anyone else (relative, guardian, informant).
    Other,
}

impl Involvement {
    /// The role.
    pub fn role(&self) -> PersonRole {
        match self {
            Involvement::Victim(_) => PersonRole::Victim,
            Involvement::Suspect(_) => PersonRole::Suspect,
            Involvement::Witness => PersonRole::Witness,
            Involvement::Other => PersonRole::Other,
        }
    }

    /// Check the rules of the context.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut e = ValidationErrors::default();
        match self {
            Involvement::Victim(v) => {
                if let Some(age) = v.age_when_trafficked
                    && !(0..=120).contains(&age)
                {
                    e.push(
                        "vic_AgeWhenTrafficked",
                        "age_range",
                        format!("{age} is not an age between 0 and 120"),
                    );
                }
                if !v.sex_exploitation_types.is_empty()
                    && !v
                        .exploitation_types
                        .contains(ExploitationType::SexualExploitation)
                {
                    e.push(
                        "vic_TypeOfSexExploitation",
                        "requires_sexual_exploitation",
                        "a type of sexual exploitation needs SexualExploitation among the types of exploitation",
                    );
                }
                let labour = [
                    ExploitationType::ForcedLabour,
                    ExploitationType::ChildLabour,
                    ExploitationType::Servitude,
                    ExploitationType::ForcedBegging,
                ];
                if !v.labour_industries.is_empty()
                    && !labour.iter().any(|t| v.exploitation_types.contains(*t))
                {
                    e.push(
                        "vic_ForcedLabourIndustry",
                        "requires_labour_exploitation",
                        "an industry needs ForcedLabour, ChildLabour, Servitude or ForcedBegging among the types of exploitation",
                    );
                }
                if v.decision_org.is_some() && v.trafficking_status.is_none() {
                    e.push(
                        "vic_TraffickingStatusDecisionMakingOrg",
                        "requires_status",
                        "who decided is recorded only with a trafficking status",
                    );
                }
            }
            Involvement::Suspect(p) => {
                if let Some(d) = &p.role_details {
                    check_len(&mut e, "per_RoleDetails", d, MAX_LONG_TEXT);
                }
            }
            Involvement::Witness | Involvement::Other => {}
        }
        e.into_result(())
    }
}

/// The facts of a case that a user edits (HTCDS `cas_`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFacts {
    /// `cas_Status`.
    pub status: CaseStatus,
    /// The day the case was opened.
    pub opened_on: NaiveDate,
    /// The day the case was closed (required for a closed status, refused otherwise).
    pub closed_on: Option<NaiveDate>,
    /// `cas_ReasonForCaseClosure` (free text: sensitive).
    pub closure_reason: Option<String>,
    /// `cas_ReferringOrganisation`.
    pub referring_organisation_id: Option<OrganisationId>,
    /// `cas_IncomingReferralDate`.
    pub incoming_referral_date: Option<NaiveDate>,
    /// `cas_ReasonForIncomingReferral`.
    pub incoming_referral_reason: Option<ReferralReason>,
    /// `cas_IncomingReferralDetails` (free text: sensitive).
    pub incoming_referral_details: Option<String>,
}

impl CaseFacts {
    /// A new active case opened on the given day.
    pub fn opened(on: NaiveDate) -> CaseFacts {
        CaseFacts {
            status: CaseStatus::Active,
            opened_on: on,
            closed_on: None,
            closure_reason: None,
            referring_organisation_id: None,
            incoming_referral_date: None,
            incoming_referral_reason: None,
            incoming_referral_details: None,
        }
    }

    /// Check the case rules as of `today`.
    pub fn validate(&self, today: NaiveDate) -> Result<(), ValidationErrors> {
        let mut e = ValidationErrors::default();
        let earliest = crate::validation::EARLIEST_RECORD_DATE;
        if self.opened_on < earliest {
            e.push(
                "cas_OpenedOn",
                "date_range",
                format!("opening date {} is before {earliest}", self.opened_on),
            );
        }
        if let Some(d) = self.incoming_referral_date
            && !(earliest..=today).contains(&d)
        {
            e.push(
                "cas_IncomingReferralDate",
                "date_range",
                format!("referral date {d} is outside {earliest} to {today}"),
            );
        }
        if self.opened_on > today {
            e.push(
                "cas_OpenedOn",
                "not_in_future",
                format!("opening date {} is in the future", self.opened_on),
            );
        }
        let closed = matches!(self.status, CaseStatus::Closed | CaseStatus::ClosedReferred);
        match (closed, self.closed_on) {
            (true, None) => e.push(
                "cas_ClosedOn",
                "required_when_closed",
                format!("a case with status {} needs a closing date", self.status),
            ),
            (false, Some(_)) => e.push(
                "cas_ClosedOn",
                "only_when_closed",
                format!(
                    "a case with status {} cannot have a closing date",
                    self.status
                ),
            ),
            (true, Some(d)) if d < self.opened_on => e.push(
                "cas_ClosedOn",
                "after_opening",
                format!(
                    "closing date {d} is before the opening date {}",
                    self.opened_on
                ),
            ),
            (true, Some(d)) if d > today => e.push(
                "cas_ClosedOn",
                "not_in_future",
                format!("closing date {d} is in the future"),
            ),
            _ => {}
        }
        if let Some(r) = &self.closure_reason {
            check_len(&mut e, "cas_ReasonForCaseClosure", r, MAX_LONG_TEXT);
        }
        if let Some(d) = &self.incoming_referral_details {
            check_len(&mut e, "cas_IncomingReferralDetails", d, MAX_LONG_TEXT);
        }
        if let Some(d) = self.incoming_referral_date
            && d > today
        {
            e.push(
                "cas_IncomingReferralDate",
                "not_in_future",
                format!("referral date {d} is in the future"),
            );
        }
        e.into_result(())
    }
}

/// A case as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    /// Identifier.
    pub id: CaseId,
    /// The case number users quote (unique, increasing).
    pub number: i64,
    /// The organisation that owns the case.
    pub organisation_id: OrganisationId,
    /// The office that opened the case.
    pub office_id: Option<OfficeId>,
    /// `cas_CaseOwner`: the user who manages it.
    pub owner_id: Option<UserId>,
    /// Editable facts.
    pub facts: CaseFacts,
    /// Optimistic-concurrency version.
    pub version: i64,
}

impl Case {
    /// The reference shown to users, e.g. `TBR-000123`.
    pub fn reference(&self) -> String {
        case_reference(self.number)
    }
}

/// Format a case number as its reference.
pub fn case_reference(number: i64) -> String {
    format!("TBR-{number:06}")
}

/// Parse `TBR-000123`, `tbr-123` or `123` into a case number.
pub fn parse_case_reference(s: &str) -> Option<i64> {
    let s = s.trim();
    let digits = s
        .strip_prefix("TBR-")
        .or_else(|| s.strip_prefix("tbr-"))
        .unwrap_or(s);
    digits.parse::<i64>().ok().filter(|n| *n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    #[test]
    fn case_rules() {
        let today = day("2026-11-23");
        let mut c = CaseFacts::opened(day("2026-01-10"));
        assert!(c.validate(today).is_ok());
        c.status = CaseStatus::Closed;
        assert_eq!(
            c.validate(today).unwrap_err().0[0].rule,
            "required_when_closed"
        );
        c.closed_on = Some(day("2025-12-31"));
        assert_eq!(c.validate(today).unwrap_err().0[0].rule, "after_opening");
        c.closed_on = Some(day("2026-02-01"));
        assert!(c.validate(today).is_ok());
        c.status = CaseStatus::Active;
        assert_eq!(c.validate(today).unwrap_err().0[0].rule, "only_when_closed");
        let future = CaseFacts::opened(day("2027-01-01"));
        assert!(future.validate(today).unwrap_err().has("cas_OpenedOn"));
    }

    #[test]
    fn victim_context_rules() {
        let mut v = VictimContext::default();
        v.sex_exploitation_types
            .insert(SexExploitationType::Prostitution);
        let err = Involvement::Victim(v.clone()).validate().unwrap_err();
        assert!(err.has("vic_TypeOfSexExploitation"));
        v.exploitation_types
            .insert(ExploitationType::SexualExploitation);
        assert!(Involvement::Victim(v.clone()).validate().is_ok());
        v.labour_industries.insert(LabourIndustry::A);
        assert!(
            Involvement::Victim(v.clone())
                .validate()
                .unwrap_err()
                .has("vic_ForcedLabourIndustry")
        );
        v.age_when_trafficked = Some(130);
        assert!(
            Involvement::Victim(v)
                .validate()
                .unwrap_err()
                .has("vic_AgeWhenTrafficked")
        );
    }

    #[test]
    fn case_references() {
        assert_eq!(case_reference(123), "TBR-000123");
        assert_eq!(parse_case_reference("TBR-000123"), Some(123));
        assert_eq!(parse_case_reference(" 42 "), Some(42));
        assert_eq!(parse_case_reference("TBR-x"), None);
        assert_eq!(parse_case_reference("0"), None);
    }
}
