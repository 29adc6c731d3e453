//! Persons: victims (some registered again by another agency, with variant spellings), suspects and witnesses.
use chrono::{Days, NaiveDate};
use rand::Rng;
use tabara_core::Country;
use tabara_core::htcds::*;
use tabara_core::ids::*;
use tabara_core::records::*;

use crate::weights::*;
use crate::{Demo, PROVINCES, names, pick_weighted, spelling_variant};

impl Demo {
    pub(crate) fn victim_person(
        &mut self,
        organisation_id: OrganisationId,
        registered_on: NaiveDate,
        exploitation: ExploitationType,
    ) -> (Person, PersonIdentity) {
        // About one victim in sixteen is someone another agency registered before, written
        // with another spelling: the duplicates record linkage must find.
        if !self.recent_victims.is_empty() && self.rng.random_bool(0.06) {
            let i = self.rng.random_range(0..self.recent_victims.len());
            let (identity, facts) = self.recent_victims[i].clone();
            let mut identity = identity;
            identity.first_name = identity
                .first_name
                .map(|n| spelling_variant(&mut self.rng, &n));
            identity.second_name = identity
                .second_name
                .map(|n| spelling_variant(&mut self.rng, &n));
            identity.mobile_phone = None;
            let age = identity
                .birthdate
                .map(|b| age_on(b, registered_on))
                .or(facts.age_at_registration);
            let person = Person {
                id: PersonId(self.ids.next()),
                organisation_id,
                facts: PersonFacts {
                    age_at_registration: age,
                    registered_on,
                    ..facts
                },
                version: 1,
            };
            return (person, identity);
        }
        let child = match exploitation {
            ExploitationType::ChildLabour | ExploitationType::ForcedAdoption => true,
            ExploitationType::ForcedBegging | ExploitationType::ForcedMilitaryByNonStateActors => {
                self.rng.random_bool(0.6)
            }
            _ => self.rng.random_bool(0.22),
        };
        let ages = if child { 7..18 } else { 18..46 };
        let female = match exploitation {
            ExploitationType::SexualExploitation
            | ExploitationType::ForcedMarriage
            | ExploitationType::Surrogacy => 0.93,
            ExploitationType::Servitude => 0.8,
            ExploitationType::ForcedMilitaryByNonStateActors => 0.1,
            _ => 0.5,
        };
        let (person, identity) = self.adult(organisation_id, registered_on, ages, female);
        if self.recent_victims.len() < 512 {
            self.recent_victims
                .push((identity.clone(), person.facts.clone()));
        } else {
            let i = self.rng.random_range(0..512);
            self.recent_victims[i] = (identity.clone(), person.facts.clone());
        }
        (person, identity)
    }

    /// A person of an age in `ages` (the name says adult; victims reuse it for children).
    pub(crate) fn adult(
        &mut self,
        organisation_id: OrganisationId,
        registered_on: NaiveDate,
        ages: std::ops::Range<i64>,
        female_share: f64,
    ) -> (Person, PersonIdentity) {
        let rng = &mut self.rng;
        let female = rng.random_bool(female_share);
        let age = rng.random_range(ages);
        let uncertain = rng.random_bool(0.15);
        let birthdate = (!uncertain).then(|| {
            let days = age as u64 * 365 + rng.random_range(0..365) + (age as u64 / 4);
            registered_on - Days::new(days)
        });
        let age_at_registration = birthdate.map(|b| age_on(b, registered_on)).unwrap_or(age);
        let citizenship = vec![pick_weighted(rng, CITIZENSHIP)];
        let (first, french_middle) = names::given_name(rng, female);
        let identity = PersonIdentity {
            salutation: None,
            first_name: Some(first),
            middle_name: french_middle,
            second_name: Some(names::surname(rng)),
            birthdate,
            identity_number: rng.random_bool(0.3).then(|| {
                format!(
                    "{}/{:05}",
                    rng.random_range(100..999),
                    rng.random_range(0..99_999)
                )
            }),
            title: None,
            email: None,
            home_phone: None,
            mobile_phone: rng.random_bool(0.5).then(|| {
                format!(
                    "+257{}{:07}",
                    pick_weighted(rng, &[(6, 1), (7, 3)]),
                    rng.random_range(0..10_000_000)
                )
            }),
            mailing_street: None,
            mailing_city: None,
            mailing_state: rng
                .random_bool(0.7)
                .then(|| names::pick(rng, &PROVINCES).to_string()),
            mailing_postal_code: None,
            mailing_country: Some(citizenship[0]),
            notes: rng
                .random_bool(0.1)
                .then(|| names::pick(rng, names::NOTES).to_string()),
        };
        let facts = PersonFacts {
            gender: if female {
                Gender::Feminine
            } else {
                Gender::Masculine
            },
            age_at_registration: Some(age_at_registration),
            age_uncertain: uncertain,
            citizenship,
            marital_status: (age_at_registration >= 18).then(|| {
                pick_weighted(
                    rng,
                    &[
                        (MaritalStatus::Single, 50),
                        (MaritalStatus::Married, 35),
                        (MaritalStatus::Widowed, 5),
                        (MaritalStatus::Divorced, 4),
                        (MaritalStatus::Separated, 6),
                    ],
                )
            }),
            number_of_children: (age_at_registration >= 18).then(|| rng.random_range(0..6)),
            primary_language: Some(
                pick_weighted(rng, &[("rn", 85), ("fr", 5), ("sw", 10)]).to_string(),
            ),
            secondary_language: rng.random_bool(0.4).then(|| "fr".to_string()),
            education: Some(pick_weighted(
                rng,
                &[
                    (EducationLevel::PrimaryEducation, 50),
                    (EducationLevel::LowerSecondaryEducation, 25),
                    (EducationLevel::UpperSecondaryEducation, 15),
                    (EducationLevel::BachelorsOrEquivalentLevel, 5),
                    (EducationLevel::EarlyChildhoodEducation, 5),
                ],
            )),
            deceased: false,
            registered_on,
        };
        let person = Person {
            id: PersonId(self.ids.next()),
            organisation_id,
            facts,
            version: 1,
        };
        (person, identity)
    }

    pub(crate) fn victim_context(
        &mut self,
        person: &Person,
        exploitation: ExploitationType,
        destination: &str,
    ) -> VictimContext {
        let rng = &mut self.rng;
        let mut v = VictimContext::default();
        v.exploitation_types.insert(exploitation);
        if exploitation == ExploitationType::SexualExploitation {
            v.sex_exploitation_types.insert(pick_weighted(
                rng,
                &[
                    (SexExploitationType::Prostitution, 70),
                    (SexExploitationType::PrivateSexualServices, 15),
                    (SexExploitationType::RemoteInteractiveServices, 10),
                    (SexExploitationType::Pornography, 5),
                ],
            ));
        }
        if matches!(
            exploitation,
            ExploitationType::ForcedLabour
                | ExploitationType::ChildLabour
                | ExploitationType::Servitude
        ) {
            v.labour_industries.insert(pick_weighted(
                rng,
                &[
                    (LabourIndustry::T, 40),
                    (LabourIndustry::A, 25),
                    (LabourIndustry::B, 10),
                    (LabourIndustry::F, 8),
                    (LabourIndustry::I, 10),
                    (LabourIndustry::G, 7),
                ],
            ));
        }
        for _ in 0..rng.random_range(1..=3) {
            v.methods_of_control
                .insert(pick_weighted(rng, CONTROL_WEIGHTS));
        }
        v.methods_of_recruitment
            .insert(pick_weighted(rng, RECRUITMENT_WEIGHTS));
        if v.methods_of_recruitment
            .contains(MethodOfRecruitment::ThroughOnlineSocialNetworks)
        {
            v.recruitment_websites.insert(pick_weighted(
                rng,
                &[
                    (WebsiteOrApp::WhatsApp, 50),
                    (WebsiteOrApp::Facebook, 35),
                    (WebsiteOrApp::TikTok, 15),
                ],
            ));
        }
        v.trafficking_status = Some(pick_weighted(
            rng,
            &[
                (TraffickingStatus::PossibleVictimOfTrafficking, 50),
                (TraffickingStatus::ActualVictimOfTrafficking, 40),
                (TraffickingStatus::NotAVictimOfTrafficking, 10),
            ],
        ));
        v.decision_org = Some(pick_weighted(
            rng,
            &[
                (DecisionMakingOrg::Police, 60),
                (DecisionMakingOrg::Ngo, 25),
                (DecisionMakingOrg::CourtOrProsecution, 10),
                (DecisionMakingOrg::NonPoliceGovernmentalOrganization, 5),
            ],
        ));
        v.relationship_to_trafficker = Some(pick_weighted(
            rng,
            &[
                (RelationshipToTrafficker::Acquainted, 50),
                (RelationshipToTrafficker::Familial, 20),
                (RelationshipToTrafficker::Unacquainted, 30),
            ],
        ));
        v.age_when_trafficked = person
            .facts
            .age_at_registration
            .map(|a| (a - rng.random_range(0..3)).max(5));
        v.recruitment_country = Some(Country::BI);
        v.exploitation_country = Country::parse(destination);
        v
    }
}
