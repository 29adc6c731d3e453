//! The records of the register, following HTCDS v2.0: organisations and their offices, persons
//! (case facts apart from identifying data), cases with the persons involved and their context
//! (victim or perpetrator), case comments and consent records.
//!
//! A person's identifying data ([`PersonIdentity`]: names, date of birth, contacts, document
//! numbers, free-text notes) is a separate type from the facts ([`PersonFacts`]) so that
//! statistics never need it, reading it can be audited, and it can be encrypted with a
//! per-person key.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::countries::Country;
use crate::htcds::*;
use crate::ids::*;
use crate::picklist::{Picklist, ValueSet, picklist};
use crate::validation::{ValidationErrors, is_language_code, is_plausible_email, normalise_phone};

/// Longest name or short text field accepted.
pub const MAX_SHORT_TEXT: usize = 200;
/// Longest free-text field accepted (comments, notes).
pub const MAX_LONG_TEXT: usize = 20_000;

picklist! {
    /// What an office is.
    OfficeKind, fields [] {
        BorderPost = "border_post", "Border post", "Poste frontalier";
        PoliceStation = "police_station", "Police station", "Commissariat de police";
        Headquarters = "headquarters", "Headquarters", "Siège";
        FieldOffice = "field_office", "Field office", "Bureau de terrain";
        Shelter = "shelter", "Shelter", "Centre d'hébergement";
        TrainingCentre = "training_centre", "Training centre", "Centre de formation";
    }
}

picklist! {
    /// The role a person plays in a case.
    PersonRole, fields [] {
        Victim = "victim", "Victim", "Victime";
        Suspect = "suspect", "Suspect", "Suspect";
        Witness = "witness", "Witness", "Témoin";
        Other = "other", "Other", "Autre";
    }
}

picklist! {
    /// What a consent covers.
    ConsentScope, fields [] {
        Interview = "interview", "Interview", "Entretien";
        DataProcessing = "data_processing", "Processing of personal data", "Traitement des données personnelles";
        DataSharing = "data_sharing", "Sharing with another agency", "Partage avec une autre structure";
        Research = "research", "Use of non-identifying data for research", "Utilisation de données non identifiantes pour la recherche";
    }
}

/// An organisation: an agency that uses Tabara or a partner it works with (HTCDS `org_`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organisation {
    /// Identifier.
    pub id: OrganisationId,
    /// `org_Name`.
    pub name: String,
    /// `org_Type`.
    pub org_type: OrgType,
    /// `org_ShippingStreet`.
    pub street: Option<String>,
    /// `org_ShippingCity`.
    pub city: Option<String>,
    /// `org_ShippingState` (province).
    pub province: Option<String>,
    /// `org_ShippingCountry`.
    pub country: Option<Country>,
    /// `org_Phone` (E.164).
    pub phone: Option<String>,
    /// Optimistic-concurrency version, 1 on creation.
    pub version: i64,
}

/// An office of an organisation: a border post, a police station, a headquarters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Office {
    /// Identifier.
    pub id: OfficeId,
    /// The organisation the office belongs to.
    pub organisation_id: OrganisationId,
    /// Name, e.g. "Poste frontalier de Gatumba".
    pub name: String,
    /// Kind of office.
    pub kind: OfficeKind,
    /// Province.
    pub province: String,
    /// For a border post, the neighbouring country.
    pub border_country: Option<Country>,
    /// Optimistic-concurrency version.
    pub version: i64,
}

/// What may be published about a person in aggregate: never identifies them on its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonFacts {
    /// `prs_Gender`.
    pub gender: Gender,
    /// Age in years on the registration date, from the date of birth or as stated.
    pub age_at_registration: Option<i64>,
    /// The age is an estimate (no document, no sure date). The child rule
    /// ([`crate::child::presumed_child`]) presumes an estimate under 21 a child.
    pub age_uncertain: bool,
    /// `prs_Citizenship` (a set: dual citizenship).
    pub citizenship: Vec<Country>,
    /// `prs_MaritalStatus`.
    pub marital_status: Option<MaritalStatus>,
    /// `prs_NumberOfChildren`.
    pub number_of_children: Option<i64>,
    /// `prs_PrimaryLanguage` (ISO 639 code).
    pub primary_language: Option<String>,
    /// `prs_SecondaryLanguage` (ISO 639 code).
    pub secondary_language: Option<String>,
    /// `prs_HighestLevelOfEducation`.
    pub education: Option<EducationLevel>,
    /// `prs_Deceased`.
    pub deceased: bool,
    /// The day the person was first registered in Tabara.
    pub registered_on: NaiveDate,
}

impl PersonFacts {
    /// A child or presumed a child on the registration date, by the one child rule
    /// ([`crate::child::presumed_child`]): under 18, or an estimated age under 21. Intake
    /// records no signs of minority, so an unknown age is not presumed a child here.
    pub fn is_child_or_presumed(&self) -> bool {
        crate::child::presumed_child(
            self.age_at_registration,
            self.age_uncertain,
            std::iter::empty(),
        )
        .is_some()
    }
}

/// Identifying data of a person. Reading it is an audited event; it is stored apart from the
/// facts and never leaves through statistics.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PersonIdentity {
    /// `prs_Salutation`.
    pub salutation: Option<String>,
    /// `prs_FirstName`.
    pub first_name: Option<String>,
    /// `prs_MiddleName`.
    pub middle_name: Option<String>,
    /// `prs_SecondName` (surname).
    pub second_name: Option<String>,
    /// `prs_Birthdate`.
    pub birthdate: Option<NaiveDate>,
    /// `prs_IdentityNumber` (national identity or travel document number).
    pub identity_number: Option<String>,
    /// `prs_Title` (position within an organisation).
    pub title: Option<String>,
    /// `prs_Email`.
    pub email: Option<String>,
    /// `prs_HomePhone` (E.164).
    pub home_phone: Option<String>,
    /// `prs_MobilePhone` (E.164).
    pub mobile_phone: Option<String>,
    /// `prs_MailingStreet`.
    pub mailing_street: Option<String>,
    /// `prs_MailingCity`.
    pub mailing_city: Option<String>,
    /// `prs_MailingState`.
    pub mailing_state: Option<String>,
    /// `prs_MailingPostalCode`.
    pub mailing_postal_code: Option<String>,
    /// `prs_MailingCountry`.
    pub mailing_country: Option<Country>,
    /// Free-text notes about the person.
    pub notes: Option<String>,
}

impl PersonIdentity {
    /// The name as written, for display: first, middle, second.
    pub fn display_name(&self) -> String {
        [&self.first_name, &self.middle_name, &self.second_name]
            .iter()
            .filter_map(|n| n.as_deref())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The name normalised for matching: lower case, accents removed, only letters and single
    /// spaces, so that `Évariste  NDAYISHIMIYE` and `evariste ndayishimiye` meet.
    pub fn name_key(&self) -> String {
        normalise_name(&self.display_name())
    }

    /// The normalised forms a search may start with: the full name, first and surname without
    /// the middle name, and surname first (as many registers in the region write it).
    pub fn search_keys(&self) -> Vec<String> {
        let first = self.first_name.as_deref().unwrap_or("");
        let second = self.second_name.as_deref().unwrap_or("");
        let mut keys = vec![
            self.name_key(),
            normalise_name(&format!("{first} {second}")),
            normalise_name(&format!("{second} {first}")),
        ];
        keys.retain(|k| !k.is_empty());
        keys.sort();
        keys.dedup();
        keys
    }
}

/// Lower-case, strip accents and punctuation, collapse spaces. Names are stored as written;
/// this key is only for matching.
pub fn normalise_name(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    // Lower-case first, then fold: folding first would leave upper-case letters the table does
    // not list (e.g. 'Ÿ') to be lower-cased into accented ones, and the key would change when
    // normalised again.
    for c in s.chars().flat_map(char::to_lowercase) {
        let base = fold_accent(c);
        if base.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(base.to_lowercase());
        } else {
            pending_space = true;
        }
    }
    out
}

fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => 'A',
        'ç' => 'c',
        'Ç' => 'C',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'È' | 'É' | 'Ê' | 'Ë' => 'E',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'Ì' | 'Í' | 'Î' | 'Ï' => 'I',
        'ñ' => 'n',
        'Ñ' => 'N',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' => 'O',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'Ù' | 'Ú' | 'Û' | 'Ü' => 'U',
        'ý' | 'ÿ' => 'y',
        'Ý' => 'Y',
        other => other,
    }
}

/// A person as stored: facts, owning organisation, version. Identity is fetched separately.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    /// Identifier.
    pub id: PersonId,
    /// The organisation that registered the person and owns the record.
    pub organisation_id: OrganisationId,
    /// Non-identifying facts.
    pub facts: PersonFacts,
    /// Optimistic-concurrency version of the facts.
    pub version: i64,
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

/// Organisation input as typed by a user or read from a file: every field a string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationForm {
    /// `org_Name`.
    pub name: String,
    /// `org_Type` value name.
    pub org_type: String,
    /// `org_ShippingStreet`.
    pub street: String,
    /// `org_ShippingCity`.
    pub city: String,
    /// `org_ShippingState`.
    pub province: String,
    /// `org_ShippingCountry`.
    pub country: String,
    /// `org_Phone`.
    pub phone: String,
}

impl OrganisationForm {
    /// Validate into an organisation with a fresh id and version 1.
    pub fn validate(&self) -> Result<Organisation, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let name = self.name.trim();
        if name.is_empty() {
            e.push("org_Name", "required", "the organisation needs a name");
        }
        check_len(&mut e, "org_Name", name, MAX_SHORT_TEXT);
        let org_type = parse_required::<OrgType>(&mut e, "org_Type", &self.org_type);
        let country = parse_country(&mut e, "org_ShippingCountry", &self.country);
        let phone = parse_phone(&mut e, "org_Phone", &self.phone);
        let out = Organisation {
            id: OrganisationId::new(),
            name: name.to_string(),
            org_type: org_type.unwrap_or(OrgType::Ngo),
            street: opt_text(&mut e, "org_ShippingStreet", &self.street),
            city: opt_text(&mut e, "org_ShippingCity", &self.city),
            province: opt_text(&mut e, "org_ShippingState", &self.province),
            country,
            phone,
            version: 1,
        };
        e.into_result(out)
    }
}

/// Person input as typed by a user or read from a file: every field a string, named after the
/// HTCDS field it fills.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonForm {
    /// `prs_Salutation`.
    pub salutation: String,
    /// `prs_FirstName`.
    pub first_name: String,
    /// `prs_MiddleName`.
    pub middle_name: String,
    /// `prs_SecondName`.
    pub second_name: String,
    /// `prs_Birthdate`, `YYYY-MM-DD`.
    pub birthdate: String,
    /// Age in years as stated or estimated.
    pub age: String,
    /// "true" when the age is an estimate.
    pub age_uncertain: bool,
    /// `prs_Gender` value name.
    pub gender: String,
    /// `prs_Citizenship`: ISO codes joined by `;` or `,`.
    pub citizenship: String,
    /// `prs_MaritalStatus`.
    pub marital_status: String,
    /// `prs_NumberOfChildren`.
    pub number_of_children: String,
    /// `prs_PrimaryLanguage`.
    pub primary_language: String,
    /// `prs_SecondaryLanguage`.
    pub secondary_language: String,
    /// `prs_HighestLevelOfEducation`.
    pub education: String,
    /// `prs_Deceased`.
    pub deceased: bool,
    /// `prs_IdentityNumber`.
    pub identity_number: String,
    /// `prs_Title`.
    pub title: String,
    /// `prs_Email`.
    pub email: String,
    /// `prs_HomePhone`.
    pub home_phone: String,
    /// `prs_MobilePhone`.
    pub mobile_phone: String,
    /// `prs_MailingStreet`.
    pub mailing_street: String,
    /// `prs_MailingCity`.
    pub mailing_city: String,
    /// `prs_MailingState`.
    pub mailing_state: String,
    /// `prs_MailingPostalCode`.
    pub mailing_postal_code: String,
    /// `prs_MailingCountry`.
    pub mailing_country: String,
    /// Free-text notes.
    pub notes: String,
}

impl PersonForm {
    /// Validate into facts and identity, as of `today` (the registration day).
    pub fn validate(
        &self,
        today: NaiveDate,
    ) -> Result<(PersonFacts, PersonIdentity), ValidationErrors> {
        let mut e = ValidationErrors::default();
        let birthdate = parse_date(&mut e, "prs_Birthdate", &self.birthdate);
        let stated_age = parse_int(&mut e, "prs_Age", &self.age, 0, 120);
        let mut age = stated_age;
        if let Some(b) = birthdate {
            if b > today {
                e.push(
                    "prs_Birthdate",
                    "not_in_future",
                    format!("date of birth {b} is in the future"),
                );
            } else if b.year() < 1900 {
                e.push(
                    "prs_Birthdate",
                    "plausible",
                    format!("date of birth {b} is before 1900"),
                );
            } else {
                let computed = age_on(b, today);
                match stated_age {
                    Some(s) if !self.age_uncertain && s != computed => e.push(
                        "prs_Age",
                        "matches_birthdate",
                        format!(
                            "age {s} contradicts the date of birth {b} (age {computed} on {today})"
                        ),
                    ),
                    Some(s) if self.age_uncertain && (s - computed).abs() > 2 => e.push(
                        "prs_Age",
                        "matches_birthdate",
                        format!(
                            "estimated age {s} is more than 2 years from the age {computed} given by the date of birth {b}"
                        ),
                    ),
                    _ => {}
                }
                if !self.age_uncertain {
                    age = Some(computed);
                }
            }
        }
        let gender = if self.gender.trim().is_empty() {
            Some(Gender::NonSpecifiedUnknown)
        } else {
            parse_required::<Gender>(&mut e, "prs_Gender", &self.gender)
        };
        let mut citizenship = Vec::new();
        for code in self
            .citizenship
            .split([';', ','])
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            match Country::parse(code) {
                Some(c) if !citizenship.contains(&c) => citizenship.push(c),
                Some(_) => {}
                None => e.push(
                    "prs_Citizenship",
                    "iso3166_alpha2",
                    format!("'{code}' is not an ISO 3166 two-letter country code"),
                ),
            }
        }
        citizenship.sort();
        let facts = PersonFacts {
            gender: gender.unwrap_or(Gender::NonSpecifiedUnknown),
            age_at_registration: age,
            age_uncertain: self.age_uncertain,
            citizenship,
            marital_status: parse_optional(&mut e, "prs_MaritalStatus", &self.marital_status),
            number_of_children: parse_int(
                &mut e,
                "prs_NumberOfChildren",
                &self.number_of_children,
                0,
                40,
            ),
            primary_language: parse_language(&mut e, "prs_PrimaryLanguage", &self.primary_language),
            secondary_language: parse_language(
                &mut e,
                "prs_SecondaryLanguage",
                &self.secondary_language,
            ),
            education: parse_optional(&mut e, "prs_HighestLevelOfEducation", &self.education),
            deceased: self.deceased,
            registered_on: today,
        };
        let email = opt_text(&mut e, "prs_Email", &self.email);
        if let Some(m) = &email
            && !is_plausible_email(m)
        {
            e.push(
                "prs_Email",
                "email",
                format!("'{m}' is not an e-mail address"),
            );
        }
        let identity = PersonIdentity {
            salutation: opt_text(&mut e, "prs_Salutation", &self.salutation),
            first_name: opt_text(&mut e, "prs_FirstName", &self.first_name),
            middle_name: opt_text(&mut e, "prs_MiddleName", &self.middle_name),
            second_name: opt_text(&mut e, "prs_SecondName", &self.second_name),
            birthdate: birthdate.filter(|b| *b <= today),
            identity_number: opt_text(&mut e, "prs_IdentityNumber", &self.identity_number),
            title: opt_text(&mut e, "prs_Title", &self.title),
            email,
            home_phone: parse_phone(&mut e, "prs_HomePhone", &self.home_phone),
            mobile_phone: parse_phone(&mut e, "prs_MobilePhone", &self.mobile_phone),
            mailing_street: opt_text(&mut e, "prs_MailingStreet", &self.mailing_street),
            mailing_city: opt_text(&mut e, "prs_MailingCity", &self.mailing_city),
            mailing_state: opt_text(&mut e, "prs_MailingState", &self.mailing_state),
            mailing_postal_code: opt_text(
                &mut e,
                "prs_MailingPostalCode",
                &self.mailing_postal_code,
            ),
            mailing_country: parse_country(&mut e, "prs_MailingCountry", &self.mailing_country),
            notes: {
                let n = self.notes.trim();
                check_len(&mut e, "prs_Notes", n, MAX_LONG_TEXT);
                (!n.is_empty()).then(|| n.to_string())
            },
        };
        e.into_result((facts, identity))
    }
}

/// Whole years between `birth` and `on`.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i64 {
    let mut years = i64::from(on.year() - birth.year());
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}

/// Length and characters of a text: a long text ([`MAX_LONG_TEXT`]) is free text and keeps
/// its line breaks; a short one is a single line.
fn check_len(e: &mut ValidationErrors, field: &'static str, value: &str, max: usize) {
    crate::validation::check_characters(e, field, value, max > MAX_SHORT_TEXT);
    let n = value.chars().count();
    if n > max {
        e.push(
            field,
            "max_length",
            format!("{n} characters, at most {max} allowed"),
        );
    }
}

fn opt_text(e: &mut ValidationErrors, field: &'static str, raw: &str) -> Option<String> {
    let t = raw.trim();
    check_len(e, field, t, MAX_SHORT_TEXT);
    (!t.is_empty()).then(|| t.to_string())
}

fn parse_required<T: Picklist>(
    e: &mut ValidationErrors,
    field: &'static str,
    raw: &str,
) -> Option<T> {
    if raw.trim().is_empty() {
        e.push(field, "required", "a value is required");
        return None;
    }
    parse_optional(e, field, raw)
}

fn parse_optional<T: Picklist>(
    e: &mut ValidationErrors,
    field: &'static str,
    raw: &str,
) -> Option<T> {
    if raw.trim().is_empty() {
        return None;
    }
    match T::parse(raw) {
        Ok(v) => Some(v),
        Err(err) => {
            let allowed: Vec<&str> = T::ALL.iter().map(|v| v.value_name()).collect();
            e.push(
                field,
                "picklist",
                format!("{err}; expected one of {}", allowed.join(", ")),
            );
            None
        }
    }
}

fn parse_country(e: &mut ValidationErrors, field: &'static str, raw: &str) -> Option<Country> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    let c = Country::parse(t);
    if c.is_none() {
        e.push(
            field,
            "iso3166_alpha2",
            format!("'{t}' is not an ISO 3166 two-letter country code"),
        );
    }
    c
}

fn parse_phone(e: &mut ValidationErrors, field: &'static str, raw: &str) -> Option<String> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    let p = normalise_phone(t);
    if p.is_none() {
        e.push(
            field,
            "e164",
            format!(
                "'{t}' is not a phone number in E.164 form (+country code and up to 15 digits)"
            ),
        );
    }
    p
}

fn parse_language(e: &mut ValidationErrors, field: &'static str, raw: &str) -> Option<String> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    if is_language_code(t) {
        Some(t.to_string())
    } else {
        e.push(
            field,
            "iso639",
            format!("'{t}' is not an ISO 639 language code (two or three lower-case letters)"),
        );
        None
    }
}

/// An optional `YYYY-MM-DD` date: empty is `None`; anything else that is not a date is an
/// error of rule `date` on `field`.
pub fn parse_date(e: &mut ValidationErrors, field: &'static str, raw: &str) -> Option<NaiveDate> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            e.push(
                field,
                "date",
                format!("'{t}' is not a date in the form YYYY-MM-DD"),
            );
            None
        }
    }
}

fn parse_int(
    e: &mut ValidationErrors,
    field: &'static str,
    raw: &str,
    min: i64,
    max: i64,
) -> Option<i64> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    match t.parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Some(n),
        Ok(n) => {
            e.push(
                field,
                "range",
                format!("{n} is outside the range {min} to {max}"),
            );
            None
        }
        Err(_) => {
            e.push(field, "integer", format!("'{t}' is not a whole number"));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn form() -> PersonForm {
        PersonForm {
            first_name: "Évariste".into(),
            second_name: "Ndayishimiye".into(),
            birthdate: "2001-03-14".into(),
            gender: "Masculine".into(),
            citizenship: "BI".into(),
            ..Default::default()
        }
    }

    #[test]
    fn valid_person_splits_facts_and_identity() {
        let (facts, id) = form().validate(day("2026-11-23")).unwrap();
        assert_eq!(facts.age_at_registration, Some(25));
        assert_eq!(facts.citizenship, vec![Country::BI]);
        assert_eq!(id.display_name(), "Évariste Ndayishimiye");
        assert_eq!(id.name_key(), "evariste ndayishimiye");
    }

    #[test]
    fn birthdate_in_future_is_rejected_naming_field_and_rule() {
        let mut f = form();
        f.birthdate = "2030-01-01".into();
        let err = f.validate(day("2026-11-23")).unwrap_err();
        let e = err.get("prs_Birthdate").unwrap();
        assert_eq!(e.rule, "not_in_future");
        assert!(
            err.to_string()
                .contains("prs_Birthdate: date of birth 2030-01-01 is in the future")
        );
    }

    #[test]
    fn age_contradicting_birthdate_is_rejected() {
        let mut f = form();
        f.age = "30".into();
        let err = f.validate(day("2026-11-23")).unwrap_err();
        let e = err.get("prs_Age").unwrap();
        assert_eq!(e.rule, "matches_birthdate");
        assert!(e.message.contains("age 30 contradicts"), "{}", e.message);
        f.age = "25".into();
        assert!(f.validate(day("2026-11-23")).is_ok());
        f.age = "27".into();
        f.age_uncertain = true;
        assert!(f.validate(day("2026-11-23")).is_ok());
    }

    #[test]
    fn unknown_country_code_is_rejected() {
        let mut f = form();
        f.citizenship = "BI;XZ".into();
        let err = f.validate(day("2026-11-23")).unwrap_err();
        let e = err.get("prs_Citizenship").unwrap();
        assert_eq!(e.rule, "iso3166_alpha2");
        assert!(e.message.contains("'XZ'"));
        let mut f = form();
        f.mailing_country = "Burundi".into();
        assert!(
            f.validate(day("2026-11-23"))
                .unwrap_err()
                .has("prs_MailingCountry")
        );
    }

    #[test]
    fn every_error_is_reported_at_once() {
        let f = PersonForm {
            birthdate: "14/03/2001".into(),
            gender: "male-ish".into(),
            mobile_phone: "abc".into(),
            email: "nobody".into(),
            number_of_children: "-1".into(),
            primary_language: "Kirundi".into(),
            ..Default::default()
        };
        let err = f.validate(day("2026-11-23")).unwrap_err();
        for field in [
            "prs_Birthdate",
            "prs_Gender",
            "prs_MobilePhone",
            "prs_Email",
            "prs_NumberOfChildren",
            "prs_PrimaryLanguage",
        ] {
            assert!(err.has(field), "missing error on {field}: {err}");
        }
    }

    #[test]
    fn child_rule_on_facts() {
        let (mut facts, _) = form().validate(day("2026-11-23")).unwrap();
        assert!(!facts.is_child_or_presumed());
        facts.age_at_registration = Some(17);
        assert!(facts.is_child_or_presumed());
        facts.age_at_registration = None;
        facts.age_uncertain = true;
        // Unknown age, no sign of minority recorded at intake: not presumed.
        assert!(!facts.is_child_or_presumed());
        facts.age_at_registration = Some(19);
        assert!(facts.is_child_or_presumed());
    }

    #[test]
    fn records_and_screening_share_the_child_rule() {
        let (mut facts, _) = form().validate(day("2026-11-23")).unwrap();
        for age in [None, Some(17), Some(18), Some(20), Some(21)] {
            for uncertain in [false, true] {
                facts.age_at_registration = age;
                facts.age_uncertain = uncertain;
                let screening = crate::screening::AgeFacts {
                    age,
                    uncertain,
                    minority_signs: Default::default(),
                };
                assert_eq!(
                    facts.is_child_or_presumed(),
                    screening.child_basis().is_some(),
                    "{age:?} uncertain={uncertain}"
                );
            }
        }
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

    #[test]
    fn search_keys_cover_usual_orders() {
        let id = PersonIdentity {
            first_name: Some("Évelyne".into()),
            middle_name: Some("Ineza".into()),
            second_name: Some("Habonimana".into()),
            ..Default::default()
        };
        assert_eq!(
            id.search_keys(),
            [
                "evelyne habonimana",
                "evelyne ineza habonimana",
                "habonimana evelyne"
            ]
        );
        assert!(PersonIdentity::default().search_keys().is_empty());
    }

    #[test]
    fn names_normalise() {
        assert_eq!(
            normalise_name("  Jean-Bosco  NIYONZIMA "),
            "jean bosco niyonzima"
        );
        assert_eq!(normalise_name("Bénigne Irakoze"), "benigne irakoze");
        // Upper-case letters the accent table does not list are lower-cased before folding.
        assert_eq!(normalise_name("ŸVONNE"), "yvonne");
        assert_eq!(normalise_name(&normalise_name("Ÿ")), normalise_name("Ÿ"));
    }

    #[test]
    fn organisation_form() {
        let f = OrganisationForm {
            name: "OIM Burundi".into(),
            org_type: "InternationalOrganisation".into(),
            country: "BI".into(),
            phone: "+257 22 000 000".into(),
            ..Default::default()
        };
        let o = f.validate().unwrap();
        assert_eq!(o.phone.as_deref(), Some("+25722000000"));
        let bad = OrganisationForm {
            org_type: "Police".into(),
            country: "ZZ".into(),
            ..Default::default()
        };
        let err = bad.validate().unwrap_err();
        assert!(err.has("org_Name") && err.has("org_Type") && err.has("org_ShippingCountry"));
    }
}
