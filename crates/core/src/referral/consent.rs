//! A person's informed consent to a referral, recorded per recipient and per purpose: which
//! agency, which services, which data (domain research §6.3: consent per service and per
//! recipient agency, in a language understood, revocable, recorded with time and witness; a
//! child's consent is given by a guardian or representative).
//!
//! This is not [`crate::records::Consent`] (HTCDS `con_Consent`, the consent to the interview
//! and to processing): that one says the register may hold the data, this one says which of it
//! may leave the agency, to whom and for what.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::OrganisationId;
use crate::picklist::{ValueSet, picklist};
use crate::records::MAX_SHORT_TEXT;
use crate::validation::{
    EARLIEST_RECORD_DATE, ValidationErrors, check_characters, is_language_code,
};

use super::service::ServiceType;

picklist! {
    /// What a referral shares with the addressed agency.
    DataCategory, fields [] {
        Facts = "facts", "Case facts (without identity)", "Faits du dossier (sans identité)";
        Identity = "identity", "Identity (names, date of birth, documents)", "Identité (noms, date de naissance, pièces)";
        Contacts = "contacts", "Contacts and address", "Coordonnées et adresse";
        ScreeningResult = "screening_result", "Screening result", "Résultat du filtrage";
        RiskAssessment = "risk_assessment", "Risk assessment", "Évaluation des risques";
        Health = "health", "Health information", "Informations de santé";
    }
}

picklist! {
    /// Who gave the consent.
    ConsentGiver, fields [] {
        Person = "person", "The person", "La personne";
        Guardian = "guardian", "Parent or guardian", "Parent ou tuteur";
        Representative = "representative", "Legal representative", "Représentant légal";
    }
}

/// Consent to a referral: to one recipient agency, for some services, sharing some data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    /// The agency the person agrees to be referred to.
    pub recipient: OrganisationId,
    /// The services the referral may ask that agency for.
    pub services: ValueSet<ServiceType>,
    /// The data that may be shared with it.
    pub data: ValueSet<DataCategory>,
    /// When it was given.
    pub given_at: DateTime<Utc>,
    /// By the person, or for a child by a guardian or representative.
    pub given_by: ConsentGiver,
    /// The language the person was informed in (ISO 639 code, e.g. `rn`, `fr`, `sw`).
    pub language: String,
    /// Who witnessed it (name and function), if anyone.
    pub witness: Option<String>,
    /// When it was withdrawn; from that moment nothing more is shared.
    pub withdrawn_at: Option<DateTime<Utc>>,
}

impl Consent {
    /// Check the record as it is about to be stored, at `now`, for a person who is a child
    /// (or presumed one, [`crate::child::presumed_child`]) or not. Every broken rule is
    /// returned: `con_Services`/`required`, `con_Data`/`required`, `con_GivenAt`/`date_range`
    /// or `not_in_future`, `con_GivenBy`/`guardian_required`, `con_Language`/`language_code`,
    /// `con_Witness`/`control_characters` or `max_length`, `con_WithdrawnAt`/`before_given`.
    pub fn validate(&self, now: DateTime<Utc>, child: bool) -> Result<(), ValidationErrors> {
        let mut e = ValidationErrors::default();
        if self.services.is_empty() {
            e.push(
                "con_Services",
                "required",
                "choose the services consented to",
            );
        }
        if self.data.is_empty() {
            e.push("con_Data", "required", "choose the data that may be shared");
        }
        if self.given_at.date_naive() < EARLIEST_RECORD_DATE {
            e.push(
                "con_GivenAt",
                "date_range",
                format!(
                    "{} is before {EARLIEST_RECORD_DATE}",
                    self.given_at.date_naive()
                ),
            );
        } else if self.given_at > now {
            e.push(
                "con_GivenAt",
                "not_in_future",
                format!("{} is in the future", self.given_at),
            );
        }
        if child && self.given_by == ConsentGiver::Person {
            e.push(
                "con_GivenBy",
                "guardian_required",
                "a child's consent is given by a guardian or a legal representative",
            );
        }
        if !is_language_code(&self.language) {
            e.push(
                "con_Language",
                "language_code",
                "the language is a two- or three-letter ISO 639 code",
            );
        }
        if let Some(w) = &self.witness {
            check_characters(&mut e, "con_Witness", w, false);
            if w.chars().count() > MAX_SHORT_TEXT {
                e.push("con_Witness", "max_length", "the witness is too long");
            }
        }
        if self.withdrawn_at.is_some_and(|w| w < self.given_at) {
            e.push(
                "con_WithdrawnAt",
                "before_given",
                "a consent is withdrawn after it was given",
            );
        }
        e.into_result(())
    }

    /// Whether the consent holds at `at`: given by then and not withdrawn by then.
    pub fn in_force_at(&self, at: DateTime<Utc>) -> bool {
        self.given_at <= at && self.visible_at(at)
    }

    /// Whether, at `at`, this consent lets a referral to `recipient` ask for every one of
    /// `services` and share every one of `data`.
    pub fn covers(
        &self,
        recipient: OrganisationId,
        services: &ValueSet<ServiceType>,
        data: &ValueSet<DataCategory>,
        at: DateTime<Utc>,
    ) -> bool {
        self.recipient == recipient
            && self.in_force_at(at)
            && services.iter().all(|s| self.services.contains(s))
            && data.iter().all(|d| self.data.contains(d))
    }

    /// Withdraw the consent at `at`. Refused, and nothing changes, when it was withdrawn
    /// already (`con_WithdrawnAt`/`already_withdrawn`) or `at` is before it was given
    /// (`con_WithdrawnAt`/`before_given`).
    pub fn withdraw(&mut self, at: DateTime<Utc>) -> Result<(), ValidationErrors> {
        let mut e = ValidationErrors::default();
        if self.withdrawn_at.is_some() {
            e.push(
                "con_WithdrawnAt",
                "already_withdrawn",
                "this consent was withdrawn already",
            );
        } else if at < self.given_at {
            e.push(
                "con_WithdrawnAt",
                "before_given",
                "a consent is withdrawn after it was given",
            );
        }
        e.into_result(())?;
        self.withdrawn_at = Some(at);
        Ok(())
    }

    /// Whether something recorded at `recorded_at` may be shared under this consent: anything
    /// recorded before the withdrawal (what was shared stays shared), nothing recorded from the
    /// withdrawal on.
    pub fn visible_at(&self, recorded_at: DateTime<Utc>) -> bool {
        self.withdrawn_at.is_none_or(|w| recorded_at < w)
    }

    /// Whether a record of `category` recorded at `recorded_at` is shared with the recipient:
    /// the category is consented to and [`Consent::visible_at`] holds.
    pub fn shares(&self, category: DataCategory, recorded_at: DateTime<Utc>) -> bool {
        self.data.contains(category) && self.visible_at(recorded_at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    pub(crate) fn at(h: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_782_000_000 + h * 3600, 0).unwrap()
    }

    fn shelter() -> OrganisationId {
        OrganisationId(uuid::Uuid::from_u128(7))
    }

    fn consent() -> Consent {
        Consent {
            recipient: shelter(),
            services: [ServiceType::Shelter, ServiceType::Medical]
                .into_iter()
                .collect(),
            data: [DataCategory::Facts, DataCategory::Contacts]
                .into_iter()
                .collect(),
            given_at: at(0),
            given_by: ConsentGiver::Person,
            language: "rn".into(),
            witness: Some("Caseworker Ndayizeye".into()),
            withdrawn_at: None,
        }
    }

    fn set<T: crate::Picklist>(v: &[T]) -> ValueSet<T> {
        v.iter().copied().collect()
    }

    #[test]
    fn a_consent_covers_its_recipient_services_and_data_only() {
        let c = consent();
        let facts = set(&[DataCategory::Facts]);
        let shelter_only = set(&[ServiceType::Shelter]);
        assert!(c.covers(shelter(), &shelter_only, &facts, at(1)));
        assert!(c.covers(shelter(), &c.services, &c.data, at(0)));
        let other = OrganisationId(uuid::Uuid::from_u128(8));
        assert!(
            !c.covers(other, &shelter_only, &facts, at(1)),
            "another agency"
        );
        assert!(
            !c.covers(shelter(), &set(&[ServiceType::LegalAid]), &facts, at(1)),
            "another service"
        );
        assert!(
            !c.covers(
                shelter(),
                &shelter_only,
                &set(&[DataCategory::Identity]),
                at(1)
            ),
            "other data"
        );
        assert!(
            !c.covers(shelter(), &shelter_only, &facts, at(-1)),
            "not given yet"
        );
        let mut w = c.clone();
        w.withdraw(at(5)).unwrap();
        assert!(w.covers(shelter(), &shelter_only, &facts, at(4)));
        assert!(
            !w.covers(shelter(), &shelter_only, &facts, at(5)),
            "withdrawn"
        );
    }

    #[test]
    fn a_consent_is_withdrawn_once_and_after_it_was_given() {
        let mut c = consent();
        let e = c.withdraw(at(-1)).unwrap_err();
        assert_eq!(
            (e.0[0].field, e.0[0].rule),
            ("con_WithdrawnAt", "before_given")
        );
        assert_eq!(c.withdrawn_at, None, "unchanged");
        c.withdraw(at(3)).unwrap();
        let e = c.withdraw(at(4)).unwrap_err();
        assert_eq!(
            (e.0[0].field, e.0[0].rule),
            ("con_WithdrawnAt", "already_withdrawn")
        );
        assert_eq!(c.withdrawn_at, Some(at(3)), "the first withdrawal stays");
    }

    #[test]
    fn nothing_recorded_from_the_withdrawal_on_is_shared() {
        let mut c = consent();
        assert!(c.visible_at(at(1000)));
        c.withdraw(at(10)).unwrap();
        assert!(c.visible_at(at(9)));
        assert!(!c.visible_at(at(10)));
        assert!(!c.visible_at(at(11)));
        assert!(c.shares(DataCategory::Contacts, at(9)));
        assert!(!c.shares(DataCategory::Contacts, at(10)));
        assert!(
            !c.shares(DataCategory::Identity, at(9)),
            "never consented to"
        );
    }

    #[test]
    fn a_consent_record_is_validated() {
        assert_eq!(consent().validate(at(0), false), Ok(()));
        let bad = Consent {
            services: ValueSet::new(),
            data: ValueSet::new(),
            given_at: at(5),
            language: "Kirundi".into(),
            witness: Some("a\u{1b}b".into()),
            withdrawn_at: Some(at(1)),
            ..consent()
        };
        let e = bad.validate(at(0), true).unwrap_err();
        let rules: Vec<_> = e.0.iter().map(|e| (e.field, e.rule)).collect();
        assert_eq!(
            rules,
            [
                ("con_Services", "required"),
                ("con_Data", "required"),
                ("con_GivenAt", "not_in_future"),
                ("con_GivenBy", "guardian_required"),
                ("con_Language", "language_code"),
                ("con_Witness", "control_characters"),
                ("con_WithdrawnAt", "before_given"),
            ]
        );
        let old = Consent {
            given_at: DateTime::from_timestamp(0, 0).unwrap(),
            witness: Some("x".repeat(MAX_SHORT_TEXT + 1)),
            ..consent()
        };
        let e = old.validate(at(0), false).unwrap_err();
        assert!(e.get("con_GivenAt").is_some_and(|e| e.rule == "date_range"));
        assert!(e.get("con_Witness").is_some_and(|e| e.rule == "max_length"));
        let guardian = Consent {
            given_by: ConsentGiver::Guardian,
            witness: None,
            ..consent()
        };
        assert_eq!(guardian.validate(at(0), true), Ok(()));
    }

    proptest! {
        #[test]
        fn a_withdrawn_consent_covers_and_shows_nothing_from_then_on(
            given in -100i64..100, withdrawn in 0i64..200, probe in -300i64..300
        ) {
            let mut c = Consent { given_at: at(given), ..consent() };
            let withdrawn = given + withdrawn;
            c.withdraw(at(withdrawn)).unwrap();
            prop_assert!(c.withdraw(at(probe)).is_err());
            let covers = c.covers(shelter(), &c.services, &c.data, at(probe));
            prop_assert_eq!(covers, given <= probe && probe < withdrawn);
            prop_assert_eq!(c.visible_at(at(probe)), probe < withdrawn);
        }
    }
}
