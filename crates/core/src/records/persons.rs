//! Persons: the facts that may be counted, the identity kept apart, and the person input form.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::fields::*;
use super::*;
use crate::countries::Country;
use crate::htcds::*;
use crate::ids::*;
use crate::validation::{ValidationErrors, is_plausible_email};

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
}
