//! The check a referral passes to be sent: addressed to another agency, for services it
//! offers, sharing named data, under a consent in force that covers that agency, those
//! services and that data. Its success is [`Covered`], which [`super::Transition::Send`]
//! requires, so a send cannot skip it.

use chrono::{DateTime, Utc};

use crate::ids::OrganisationId;
use crate::picklist::ValueSet;
use crate::validation::ValidationErrors;

use super::consent::{Consent, DataCategory};
use super::service::ServiceType;

/// A referral about to be sent, as the send check sees it.
#[derive(Debug, Clone, Copy)]
pub struct Outgoing<'a> {
    /// The sending agency.
    pub sender: OrganisationId,
    /// The addressed agency.
    pub recipient: OrganisationId,
    /// The services the addressed agency offers (from the directory).
    pub offered: &'a ValueSet<ServiceType>,
    /// The services asked for.
    pub services: &'a ValueSet<ServiceType>,
    /// The data shared.
    pub data: &'a ValueSet<DataCategory>,
    /// The person's referral consents (every one recorded, withdrawn ones included).
    pub consents: &'a [Consent],
}

/// Proof that a referral may be sent: the consent that covers it. Only [`Outgoing::check`]
/// makes one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Covered {
    pub(super) consent: usize,
}

impl Covered {
    /// The position, in [`Outgoing::consents`], of the consent the referral is sent under
    /// (the store links the referral to it, so a withdrawal stops the sharing).
    pub fn consent_index(self) -> usize {
        self.consent
    }
}

impl Outgoing<'_> {
    /// Check the referral at `now`. Every broken rule is returned: `ref_Recipient`/`own_agency`,
    /// `ref_Services`/`required` or `not_offered`, `ref_Data`/`required`, and when services and
    /// data are given `ref_Consent` with the first of `missing` (no consent to this agency),
    /// `withdrawn` (every one is withdrawn), `service_not_covered`, `data_not_covered`.
    pub fn check(&self, now: DateTime<Utc>) -> Result<Covered, ValidationErrors> {
        let mut e = ValidationErrors::default();
        if self.sender == self.recipient {
            e.push(
                "ref_Recipient",
                "own_agency",
                "a referral goes to another agency",
            );
        }
        if self.services.is_empty() {
            e.push("ref_Services", "required", "choose the services asked for");
        }
        let missing: Vec<&str> = self
            .services
            .iter()
            .filter(|s| !self.offered.contains(*s))
            .map(ServiceType::as_str)
            .collect();
        if !missing.is_empty() {
            e.push(
                "ref_Services",
                "not_offered",
                format!("the agency does not offer {}", missing.join(", ")),
            );
        }
        if self.data.is_empty() {
            e.push("ref_Data", "required", "choose the data shared");
        }
        if !e.0.is_empty() {
            return Err(e);
        }
        let given: Vec<(usize, &Consent)> = self
            .consents
            .iter()
            .enumerate()
            .filter(|(_, c)| c.recipient == self.recipient && c.given_at <= now)
            .collect();
        let in_force: Vec<(usize, &Consent)> = given
            .iter()
            .copied()
            .filter(|(_, c)| c.in_force_at(now))
            .collect();
        if let Some((i, _)) = in_force
            .iter()
            .find(|(_, c)| c.covers(self.recipient, self.services, self.data, now))
        {
            return Ok(Covered { consent: *i });
        }
        let (rule, message) = if given.is_empty() {
            (
                "missing",
                "no consent to a referral to this agency is recorded",
            )
        } else if in_force.is_empty() {
            ("withdrawn", "the consent to this agency was withdrawn")
        } else if !in_force
            .iter()
            .any(|(_, c)| c.covers(self.recipient, self.services, &ValueSet::new(), now))
        {
            (
                "service_not_covered",
                "the consent does not cover these services",
            )
        } else {
            (
                "data_not_covered",
                "the consent does not cover the data shared",
            )
        };
        e.push("ref_Consent", rule, message);
        Err(e)
    }
}
