//! One victim in one case as an HTCDS row: the columns, named with HTCDS full field names in the
//! standard's order, and their values (multiselects as `;`-joined value names). Three columns
//! that HTCDS has no field for lead the row, named without an HTCDS prefix so they cannot be
//! taken for one: the case reference, its opening date and the office that opened it.

use serde::Serialize;

use crate::countries;
use crate::picklist::Picklist;
use crate::records::{Case, Person, PersonIdentity, VictimContext};

/// A victim in a case with everything the export needs.
#[derive(Debug, Clone, Serialize)]
pub struct VictimRecord {
    /// The case.
    pub case: Case,
    /// Name of the organisation that owns the case.
    pub organisation_name: String,
    /// Name of the office that opened the case, if any.
    pub office_name: Option<String>,
    /// Name of the referring organisation, if any.
    pub referring_organisation_name: Option<String>,
    /// The victim's facts.
    pub person: Person,
    /// The victim context.
    pub victim: VictimContext,
    /// Identity, present only when it was asked for (and the read audited).
    pub identity: Option<PersonIdentity>,
    /// HTCDS `con_Consent` from the person's latest consent record.
    pub consent: Option<bool>,
}

/// Columns that are not HTCDS fields: the case as people quote it, when and where it was opened.
pub const EXTRA_COLUMNS: &[&str] = &["case_reference", "case_opened_on", "case_office"];

/// Columns without identifying data: what an export carries by default.
pub const FACT_COLUMNS: &[&str] = &[
    "prs_Gender",
    "prs_Deceased",
    "prs_MaritalStatus",
    "prs_NumberOfChildren",
    "prs_PrimaryLanguage",
    "prs_SecondaryLanguage",
    "prs_HighestLevelOfEducation",
    "prs_Citizenship",
    "vic_TraffickingStatus",
    "vic_TraffickingStatusDecisionMakingOrg",
    "vic_RelationshipToTrafficker",
    "vic_AgeWhenTrafficked",
    "vic_RecruitmentWebsitesAndApps",
    "vic_MethodOfRecruitment",
    "vic_MethodsOfControl",
    "vic_TypeOfExploitation",
    "vic_ForcedLabourIndustry",
    "vic_TypeOfSexExploitation",
    "vic_ExploitationWebsitesAndApps",
    "cas_Status",
    "cas_ReferringOrganisation",
    "cas_IncomingReferralDate",
    "cas_ReasonForIncomingReferral",
    "con_Consent",
];

/// Identifying columns, added only on request.
pub const IDENTITY_COLUMNS: &[&str] = &[
    "prs_Salutation",
    "prs_FirstName",
    "prs_MiddleName",
    "prs_SecondName",
    "prs_Birthdate",
    "prs_IdentityNumber",
    "prs_Email",
    "prs_HomePhone",
    "prs_MobilePhone",
    "prs_MailingCity",
    "prs_MailingCountry",
    "prs_MailingState",
    "prs_MailingStreet",
    "prs_MailingPostalCode",
    "cas_ReasonForCaseClosure",
    "cas_IncomingReferralDetails",
];

/// The header: the extra case columns, fact columns, then identity columns when asked for.
pub fn columns(with_identity: bool) -> Vec<&'static str> {
    let mut c = EXTRA_COLUMNS.to_vec();
    c.extend_from_slice(FACT_COLUMNS);
    if with_identity {
        c.extend_from_slice(IDENTITY_COLUMNS);
    }
    c
}

fn opt<T: Picklist>(v: Option<T>) -> String {
    v.map(|v| v.value_name().to_string()).unwrap_or_default()
}

fn text(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

impl VictimRecord {
    /// The values in the order of [`columns`].
    pub fn values(&self, with_identity: bool) -> Vec<String> {
        let f = &self.person.facts;
        let v = &self.victim;
        let c = &self.case.facts;
        let mut out = vec![
            self.case.reference(),
            c.opened_on.to_string(),
            text(&self.office_name),
            f.gender.as_str().to_string(),
            f.deceased.to_string(),
            opt(f.marital_status),
            f.number_of_children
                .map(|n| n.to_string())
                .unwrap_or_default(),
            text(&f.primary_language),
            text(&f.secondary_language),
            opt(f.education),
            countries::join(&f.citizenship),
            opt(v.trafficking_status),
            opt(v.decision_org),
            opt(v.relationship_to_trafficker),
            v.age_when_trafficked
                .map(|n| n.to_string())
                .unwrap_or_default(),
            v.recruitment_websites.joined(),
            v.methods_of_recruitment.joined(),
            v.methods_of_control.joined(),
            v.exploitation_types.joined(),
            v.labour_industries.joined(),
            v.sex_exploitation_types.joined(),
            v.exploitation_websites.joined(),
            c.status.as_str().to_string(),
            text(&self.referring_organisation_name),
            c.incoming_referral_date
                .map(|d| d.to_string())
                .unwrap_or_default(),
            opt(c.incoming_referral_reason),
            self.consent.map(|b| b.to_string()).unwrap_or_default(),
        ];
        if with_identity {
            let i = self.identity.clone().unwrap_or_default();
            out.extend([
                text(&i.salutation),
                text(&i.first_name),
                text(&i.middle_name),
                text(&i.second_name),
                i.birthdate.map(|d| d.to_string()).unwrap_or_default(),
                text(&i.identity_number),
                text(&i.email),
                text(&i.home_phone),
                text(&i.mobile_phone),
                text(&i.mailing_city),
                i.mailing_country
                    .map(|c| c.code().to_string())
                    .unwrap_or_default(),
                text(&i.mailing_state),
                text(&i.mailing_street),
                text(&i.mailing_postal_code),
                text(&c.closure_reason),
                text(&c.incoming_referral_details),
            ]);
        }
        out
    }
}

/// A cell made safe for spreadsheets: a value that begins with `=`, `+`, `-`, `@`, a tab or a
/// carriage return would be read as a formula (`=HYPERLINK(…)` sends data away when clicked),
/// so it gets a leading `'`, which spreadsheets show as text. This applies to every cell,
/// numbers included: a negative number is written `'-3` and reads as text; Tabara's exports hold
/// no negative numbers (counts, ages and dates), so nothing legitimate is lost.
pub fn csv_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised() {
        for bad in [
            "=HYPERLINK(\"http://x\")",
            "+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert_eq!(csv_safe(bad), format!("'{bad}"), "{bad:?}");
        }
        for fine in [
            "",
            "Gatumba",
            "TBR-000001",
            "2026-06-30",
            "12",
            "a=b",
            " =x",
        ] {
            assert_eq!(csv_safe(fine), fine, "{fine:?}");
        }
        assert_eq!(
            csv_safe("-5"),
            "'-5",
            "negative numbers are neutralised too"
        );
    }

    #[test]
    fn every_row_has_a_value_per_column() {
        assert_eq!(
            columns(false).len(),
            EXTRA_COLUMNS.len() + FACT_COLUMNS.len()
        );
        assert_eq!(
            columns(true).len(),
            EXTRA_COLUMNS.len() + FACT_COLUMNS.len() + IDENTITY_COLUMNS.len()
        );
    }
}
