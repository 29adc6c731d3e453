//! A realistic, entirely fictional register for demonstrations, training and load tests:
//! Burundi's provinces, 17 border posts and police stations, the partner agencies, persons with
//! Kirundi and French names (and the spelling variants that several agencies produce when they
//! register the same person), cases across every HTCDS exploitation type, consent records.
//!
//! Deterministic: the same seed and size give the same data (ids included). Dates are anchored
//! on [`ANCHOR`], not on today, so a demo built on another day is identical.
#![deny(missing_docs)]

mod names;

mod screenings;
mod shares;
mod training;
pub use screenings::write_screenings;
pub use shares::write_shares;
pub use training::{TrainingSummary, write_training};

use chrono::{Days, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tabara_core::htcds::*;
use tabara_core::ids::*;
use tabara_core::records::*;
use tabara_core::{Country, Role, ValueSet};
use uuid::Uuid;

pub use names::spelling_variant;

/// The last day covered by demo data; cases open over the three years before it.
pub const ANCHOR: NaiveDate = match NaiveDate::from_ymd_opt(2026, 6, 30) {
    Some(d) => d,
    None => panic!("valid date"),
};

/// The password of every demo account (printed by `tabara demo`; never use it for real data).
pub const DEMO_PASSWORD: &str = "tabara-demo-2026";

/// Burundi's provinces (the 18 provinces in use before the 2025 reorganisation, which is how
/// most case files still name places).
pub const PROVINCES: [&str; 18] = [
    "Bubanza",
    "Bujumbura Mairie",
    "Bujumbura Rural",
    "Bururi",
    "Cankuzo",
    "Cibitoke",
    "Gitega",
    "Karuzi",
    "Kayanza",
    "Kirundo",
    "Makamba",
    "Muramvya",
    "Muyinga",
    "Mwaro",
    "Ngozi",
    "Rumonge",
    "Rutana",
    "Ruyigi",
];

/// A demo account to create.
#[derive(Debug, Clone)]
pub struct DemoUser {
    /// Sign-in name.
    pub username: String,
    /// Shown in the interface.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Agency.
    pub organisation_id: OrganisationId,
    /// Office.
    pub office_id: Option<OfficeId>,
    /// Id.
    pub id: UserId,
}

/// Organisations, offices and accounts: the fixed frame of the demo.
#[derive(Debug, Clone)]
pub struct Reference {
    /// Agencies and partners.
    pub organisations: Vec<Organisation>,
    /// Border posts, police stations and other offices.
    pub offices: Vec<Office>,
    /// One account per role.
    pub users: Vec<DemoUser>,
}

/// Deterministic id maker: UUID v7 layout with a synthetic clock and seeded random bits.
struct Ids {
    rng: ChaCha8Rng,
    millis: u64,
}

impl Ids {
    fn next(&mut self) -> Uuid {
        self.millis += 1;
        let bytes: [u8; 10] = self.rng.random();
        uuid::Builder::from_unix_timestamp_millis(self.millis, &bytes).into_uuid()
    }
}

fn org(
    ids: &mut Ids,
    name: &str,
    org_type: OrgType,
    city: &str,
    province: &str,
    phone: &str,
) -> Organisation {
    Organisation {
        id: OrganisationId(ids.next()),
        name: name.to_string(),
        org_type,
        street: None,
        city: Some(city.to_string()),
        province: Some(province.to_string()),
        country: Some(Country::BI),
        phone: Some(phone.to_string()),
        version: 1,
    }
}

/// Index of agencies in [`Reference::organisations`].
mod agency {
    pub const PJ: usize = 0;
    pub const PAFE: usize = 1;
    pub const IOM: usize = 2;
    pub const UNICEF: usize = 3;
    pub const LEGAL_AID: usize = 4;
    pub const SHELTER_NGO: usize = 5;
    pub const PROSECUTION: usize = 6;
    pub const COMMISSION: usize = 7;
    pub const MINISTRY: usize = 8;
}

fn reference(ids: &mut Ids) -> Reference {
    use agency::*;
    let organisations = vec![
        org(
            ids,
            "Police Judiciaire (PJ)",
            OrgType::LawEnforcement,
            "Bujumbura",
            "Bujumbura Mairie",
            "+25722220001",
        ),
        org(
            ids,
            "Police de l'Air, des Frontières et des Étrangers (PAFE)",
            OrgType::ImmigrationService,
            "Bujumbura",
            "Bujumbura Mairie",
            "+25722220002",
        ),
        org(
            ids,
            "OIM Burundi (IOM)",
            OrgType::InternationalOrganisation,
            "Bujumbura",
            "Bujumbura Mairie",
            "+25722220003",
        ),
        org(
            ids,
            "UNICEF Burundi — protection de l'enfance",
            OrgType::InternationalOrganisation,
            "Bujumbura",
            "Bujumbura Mairie",
            "+25722220004",
        ),
        org(
            ids,
            "Centre d'aide juridique Ubuntu (fictif)",
            OrgType::LegalService,
            "Gitega",
            "Gitega",
            "+25722220005",
        ),
        org(
            ids,
            "Maison d'accueil Amahoro (fictif)",
            OrgType::Ngo,
            "Ngozi",
            "Ngozi",
            "+25722220006",
        ),
        org(
            ids,
            "Parquet général de la République",
            OrgType::CentralGovernmentOrganisation,
            "Bujumbura",
            "Bujumbura Mairie",
            "+25722220007",
        ),
        org(
            ids,
            "Commission de concertation et de suivi (CCSPRTP)",
            OrgType::CentralGovernmentOrganisation,
            "Gitega",
            "Gitega",
            "+25722220008",
        ),
        org(
            ids,
            "Ministère de la Solidarité nationale",
            OrgType::CentralGovernmentOrganisation,
            "Gitega",
            "Gitega",
            "+25722220009",
        ),
    ];
    let post = |ids: &mut Ids,
                name: &str,
                province: &str,
                border: &str,
                kind: OfficeKind,
                agency: usize| Office {
        id: OfficeId(ids.next()),
        organisation_id: organisations[agency].id,
        name: name.to_string(),
        kind,
        province: province.to_string(),
        border_country: Country::parse(border),
        version: 1,
    };
    use OfficeKind::*;
    let offices = vec![
        post(
            ids,
            "Poste frontalier de Gatumba",
            "Bujumbura Rural",
            "CD",
            BorderPost,
            PAFE,
        ),
        post(
            ids,
            "Poste frontalier de Ruhwa",
            "Cibitoke",
            "RW",
            BorderPost,
            PAFE,
        ),
        post(
            ids,
            "Poste frontalier de Kanyaru-Haut",
            "Kayanza",
            "RW",
            BorderPost,
            PAFE,
        ),
        post(
            ids,
            "Poste frontalier de Kanyaru-Bas",
            "Ngozi",
            "RW",
            BorderPost,
            PAFE,
        ),
        post(
            ids,
            "Poste frontalier de Gasenyi-Nemba",
            "Kirundo",
            "RW",
            BorderPost,
            PAFE,
        ),
        post(
            ids,
            "Poste frontalier de Kobero",
            "Muyinga",
            "TZ",
            BorderPost,
            PAFE,
        ),
        post(
            ids,
            "Poste frontalier de Mugina",
            "Makamba",
            "TZ",
            BorderPost,
            PAFE,
        ),
        post(
            ids,
            "Poste frontalier de Gisuru",
            "Ruyigi",
            "TZ",
            BorderPost,
            PAFE,
        ),
        post(
            ids,
            "Poste frontalier de Mabanda",
            "Makamba",
            "TZ",
            BorderPost,
            PAFE,
        ),
        post(
            ids,
            "Poste frontalier de Nyanza-Lac",
            "Makamba",
            "TZ",
            BorderPost,
            PAFE,
        ),
        post(
            ids,
            "Aéroport international Melchior Ndadaye",
            "Bujumbura Mairie",
            "",
            BorderPost,
            PAFE,
        ),
        post(
            ids,
            "Port de Bujumbura",
            "Bujumbura Mairie",
            "",
            BorderPost,
            PAFE,
        ),
        post(
            ids,
            "Commissariat PJ de Bujumbura Mairie",
            "Bujumbura Mairie",
            "",
            PoliceStation,
            PJ,
        ),
        post(
            ids,
            "Commissariat PJ de Gitega",
            "Gitega",
            "",
            PoliceStation,
            PJ,
        ),
        post(
            ids,
            "Commissariat PJ de Ngozi",
            "Ngozi",
            "",
            PoliceStation,
            PJ,
        ),
        post(
            ids,
            "Commissariat PJ de Rumonge",
            "Rumonge",
            "",
            PoliceStation,
            PJ,
        ),
        post(
            ids,
            "Commissariat PJ de Muyinga",
            "Muyinga",
            "",
            PoliceStation,
            PJ,
        ),
        post(
            ids,
            "Centre de formation OIM de Bujumbura",
            "Bujumbura Mairie",
            "",
            TrainingCentre,
            IOM,
        ),
        post(
            ids,
            "Siège de la PJ",
            "Bujumbura Mairie",
            "",
            Headquarters,
            PJ,
        ),
    ];
    let user = |ids: &mut Ids,
                username: &str,
                display: &str,
                role: Role,
                agency: usize,
                office: Option<usize>| DemoUser {
        id: UserId(ids.next()),
        username: username.to_string(),
        display_name: display.to_string(),
        role,
        organisation_id: organisations[agency].id,
        office_id: office.map(|i| offices[i].id),
    };
    let users = vec![
        user(
            ids,
            "officer",
            "Agent Claudine Iradukunda (Gatumba)",
            Role::Officer,
            PAFE,
            Some(0),
        ),
        user(
            ids,
            "investigator",
            "OPJ Pascal Nshimirimana",
            Role::Investigator,
            PJ,
            Some(12),
        ),
        user(
            ids,
            "supervisor",
            "Commissaire Didace Ndikumana",
            Role::Supervisor,
            PJ,
            Some(18),
        ),
        user(
            ids,
            "prosecutor",
            "Substitut Aline Niyonkuru",
            Role::Prosecutor,
            PROSECUTION,
            None,
        ),
        user(
            ids,
            "caseworker",
            "Gérard Habonimana (OIM)",
            Role::Caseworker,
            IOM,
            None,
        ),
        user(
            ids,
            "childprotection",
            "Béatrice Irakoze (UNICEF)",
            Role::ChildProtection,
            UNICEF,
            None,
        ),
        user(
            ids,
            "legalaid",
            "Maître Jean-Bosco Bizimana",
            Role::LegalAid,
            LEGAL_AID,
            None,
        ),
        user(
            ids,
            "trainer",
            "Josiane Kwizera (formatrice OIM)",
            Role::Trainer,
            IOM,
            Some(17),
        ),
        user(
            ids,
            "analyst",
            "Fabrice Nduwimana (CCSPRTP)",
            Role::Analyst,
            COMMISSION,
            None,
        ),
        user(
            ids,
            "admin",
            "Administrateur Tabara",
            Role::Admin,
            COMMISSION,
            None,
        ),
    ];
    let _ = (SHELTER_NGO, MINISTRY);
    Reference {
        organisations,
        offices,
        users,
    }
}

impl DemoUser {
    /// The account as the store sees it for need-to-know.
    pub fn viewer(&self) -> tabara_store::Viewer {
        tabara_store::Viewer {
            user_id: self.id,
            role: self.role,
            organisation_id: self.organisation_id,
            office_id: self.office_id,
        }
    }
}

impl Reference {
    /// Write the organisations, offices and accounts to a register, every account with the
    /// given password hash (demo accounts share the demo password by design).
    pub async fn write(
        &self,
        store: &tabara_store::Store,
        actor: &tabara_store::Actor,
        password_hash: &str,
    ) -> Result<(), tabara_store::StoreError> {
        for org in &self.organisations {
            store.create_organisation(actor, org).await?;
        }
        for office in &self.offices {
            store.create_office(actor, office).await?;
        }
        for u in &self.users {
            let user = tabara_store::NewUser {
                id: u.id,
                username: u.username.clone(),
                display_name: u.display_name.clone(),
                role: u.role,
                organisation_id: u.organisation_id,
                office_id: u.office_id,
                password_hash: password_hash.to_string(),
            };
            store.create_user(actor, &user).await?;
        }
        Ok(())
    }
}

/// The generator. Call [`Demo::next_batch`] until it returns `None`.
pub struct Demo {
    rng: ChaCha8Rng,
    ids: Ids,
    reference: Reference,
    persons_target: u64,
    persons_made: u64,
    cases_made: u64,
    /// Recent victims' identities (and facts) for re-registration by another agency.
    recent_victims: Vec<(PersonIdentity, PersonFacts)>,
}

impl Demo {
    /// A generator for about `persons` persons (at least one case's worth).
    pub fn new(seed: u64, persons: u64) -> Demo {
        let mut ids = Ids {
            rng: ChaCha8Rng::seed_from_u64(seed ^ 0x7ab4_7a00),
            // 2023-07-01T00:00:00Z: ids sort like the cases' history.
            millis: 1_688_169_600_000,
        };
        let reference = reference(&mut ids);
        Demo {
            rng: ChaCha8Rng::seed_from_u64(seed),
            ids,
            reference,
            persons_target: persons.max(1),
            persons_made: 0,
            cases_made: 0,
            recent_victims: Vec::new(),
        }
    }

    /// Organisations, offices and accounts.
    pub fn reference(&self) -> &Reference {
        &self.reference
    }

    /// Persons generated so far.
    pub fn persons_made(&self) -> u64 {
        self.persons_made
    }

    /// Cases generated so far.
    pub fn cases_made(&self) -> u64 {
        self.cases_made
    }

    /// The next batch of about `max_persons` persons with their cases, or `None` when done.
    pub fn next_batch(&mut self, max_persons: usize) -> Option<Batch> {
        if self.persons_made >= self.persons_target {
            return None;
        }
        let mut batch = Batch::default();
        while batch.persons.len() < max_persons && self.persons_made < self.persons_target {
            self.make_case(&mut batch);
        }
        Some(batch)
    }

    fn make_case(&mut self, batch: &mut Batch) {
        let n = self.cases_made;
        self.cases_made += 1;
        let rng = &mut self.rng;
        let exploitation = if (n as usize) < ALL_TYPES.len() {
            // The first cases walk through every type, so even a tiny demo shows them all.
            ALL_TYPES[n as usize]
        } else {
            pick_weighted(rng, EXPLOITATION_WEIGHTS)
        };
        let opened_on = ANCHOR - Days::new(rng.random_range(0..1095));
        let office_index = pick_weighted(rng, OFFICE_WEIGHTS);
        let office = &self.reference.offices[office_index];
        let organisation_id = match rng.random_range(0..10) {
            0 => self.reference.organisations[agency::IOM].id,
            1 if exploitation == ExploitationType::ChildLabour => {
                self.reference.organisations[agency::UNICEF].id
            }
            2 => self.reference.organisations[agency::SHELTER_NGO].id,
            _ => office.organisation_id,
        };
        let status = pick_weighted(
            rng,
            &[
                (CaseStatus::Active, 55),
                (CaseStatus::FollowUp, 20),
                (CaseStatus::Closed, 20),
                (CaseStatus::ClosedReferred, 5),
            ],
        );
        let closed_on =
            matches!(status, CaseStatus::Closed | CaseStatus::ClosedReferred).then(|| {
                let max = (ANCHOR - opened_on).num_days().max(1) as u64;
                opened_on + Days::new(rng.random_range(0..max))
            });
        let mut facts = CaseFacts::opened(opened_on);
        facts.status = status;
        facts.closed_on = closed_on;
        if closed_on.is_some() {
            facts.closure_reason = Some(names::pick(rng, names::CLOSURE_REASONS).to_string());
        }
        if organisation_id != office.organisation_id && rng.random_bool(0.6) {
            facts.referring_organisation_id = Some(office.organisation_id);
            facts.incoming_referral_date = Some(opened_on);
            facts.incoming_referral_reason = Some(ReferralReason::AdditionalServicesRequired);
        }
        let case_id = CaseId(self.ids.next());
        let case = NewCase {
            id: case_id,
            organisation_id,
            office_id: Some(office.id),
            owner_id: None,
            facts,
        };

        let destination = pick_weighted(&mut self.rng, DESTINATIONS);
        let victims = pick_weighted(&mut self.rng, &[(1usize, 60), (2, 25), (3, 15)]);
        let suspects = pick_weighted(&mut self.rng, &[(0usize, 15), (1, 50), (2, 35)]);
        let witnesses = usize::from(self.rng.random_bool(0.45));
        let mut involved = Vec::new();
        for _ in 0..victims {
            let (person, identity) = self.victim_person(organisation_id, opened_on, exploitation);
            let ctx = self.victim_context(&person, exploitation, destination);
            batch
                .consents
                .push(self.consent(person.id, case_id, opened_on));
            involved.push((person.id, Involvement::Victim(ctx)));
            batch.persons.push((person, identity));
        }
        for _ in 0..suspects {
            let (person, identity) = self.adult(organisation_id, opened_on, 22..62, 0.35);
            let mut roles = ValueSet::new();
            roles.insert(pick_weighted(&mut self.rng, ROLE_WEIGHTS));
            if self.rng.random_bool(0.3) {
                roles.insert(pick_weighted(&mut self.rng, ROLE_WEIGHTS));
            }
            let ctx = PerpetratorContext {
                roles,
                role_details: self
                    .rng
                    .random_bool(0.4)
                    .then(|| names::pick(&mut self.rng, names::ROLE_DETAILS).to_string()),
                organisation_id: None,
            };
            involved.push((person.id, Involvement::Suspect(ctx)));
            batch.persons.push((person, identity));
        }
        for _ in 0..witnesses {
            let (person, identity) = self.adult(organisation_id, opened_on, 18..70, 0.5);
            involved.push((person.id, Involvement::Witness));
            batch.persons.push((person, identity));
        }
        self.persons_made += involved.len() as u64;
        let first = self.rng.random_range(0..names::COMMENTS.len());
        let comments = (0..self.rng.random_range(1..=2))
            .map(|k| {
                let text = names::COMMENTS[(first + k) % names::COMMENTS.len()];
                ("system:demo".to_string(), text.to_string())
            })
            .collect();
        batch.cases.push(BatchCase {
            case,
            persons: involved,
            comments,
        });
    }

    fn victim_person(
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
    fn adult(
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

    fn victim_context(
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

    fn consent(&mut self, person_id: PersonId, case_id: CaseId, on: NaiveDate) -> Consent {
        let rng = &mut self.rng;
        let given = rng.random_bool(0.9);
        let informed = given || rng.random_bool(0.5);
        Consent {
            id: ConsentId(self.ids.next()),
            person_id,
            case_id: Some(case_id),
            scope: ConsentScope::Interview,
            given,
            informed_purpose: informed,
            informed_data_use: informed,
            informed_research_use: informed && rng.random_bool(0.9),
            informed_right_of_access: informed,
            informed_retention: informed,
            informed_withdrawal: informed,
            recorded_on: on,
            withdrawn_on: (given && rng.random_bool(0.02)).then(|| on + Days::new(30)),
        }
    }
}

pub use tabara_store::{Batch, BatchCase, NewCase};

fn pick_weighted<T: Copy, R: Rng>(rng: &mut R, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut x = rng.random_range(0..total);
    for (item, w) in items {
        if x < *w {
            return *item;
        }
        x -= w;
    }
    items[items.len() - 1].0
}

const ALL_TYPES: &[ExploitationType] = <ExploitationType as tabara_core::Picklist>::ALL;

const EXPLOITATION_WEIGHTS: &[(ExploitationType, u32)] = &[
    (ExploitationType::ForcedLabour, 35),
    (ExploitationType::SexualExploitation, 25),
    (ExploitationType::Servitude, 15),
    (ExploitationType::ChildLabour, 8),
    (ExploitationType::ForcedMarriage, 5),
    (ExploitationType::ForcedBegging, 4),
    (ExploitationType::ForcedMilitaryByNonStateActors, 3),
    (ExploitationType::OrganRemoval, 1),
    (ExploitationType::ForcedAdoption, 1),
    (ExploitationType::Surrogacy, 1),
    (ExploitationType::Other, 2),
];

/// Busy posts register more cases: Gatumba, Kobero, the airport, Bujumbura's PJ.
const OFFICE_WEIGHTS: &[(usize, u32)] = &[
    (0, 14),
    (1, 5),
    (2, 5),
    (3, 4),
    (4, 5),
    (5, 10),
    (6, 7),
    (7, 4),
    (8, 4),
    (9, 5),
    (10, 9),
    (11, 4),
    (12, 10),
    (13, 4),
    (14, 3),
    (15, 4),
    (16, 3),
];

const DESTINATIONS: &[(&str, u32)] = &[
    ("TZ", 18),
    ("KE", 8),
    ("UG", 6),
    ("RW", 5),
    ("CD", 7),
    ("SA", 14),
    ("OM", 10),
    ("AE", 6),
    ("QA", 4),
    ("KW", 4),
    ("LB", 3),
    ("ZA", 3),
    ("BI", 12),
];

const CITIZENSHIP: &[(Country, u32)] = &[(Country::BI, 92)];

const ROLE_WEIGHTS: &[(RoleInProcess, u32)] = &[
    (RoleInProcess::RecruiterOrIntermediary, 35),
    (RoleInProcess::Transporter, 15),
    (RoleInProcess::BrokerTravelAgent, 12),
    (RoleInProcess::Exploiter, 15),
    (RoleInProcess::HarbouredIndividual, 6),
    (RoleInProcess::Smuggler, 8),
    (RoleInProcess::ControlledIndividual, 5),
    (RoleInProcess::SoldIndividual, 2),
    (RoleInProcess::Other, 2),
];

const CONTROL_WEIGHTS: &[(MethodOfControl, u32)] = &[
    (MethodOfControl::FalsePromises, 25),
    (MethodOfControl::WithholdsDocuments, 18),
    (MethodOfControl::DebtBondage, 12),
    (MethodOfControl::TakesEarnings, 12),
    (MethodOfControl::RestrictsMovement, 8),
    (MethodOfControl::PsychologicalAbuse, 6),
    (MethodOfControl::PhysicalAbuse, 5),
    (MethodOfControl::ExcessiveWorkingHours, 6),
    (MethodOfControl::ThreatsLawEnforcement, 3),
    (MethodOfControl::SexualAbuse, 3),
    (MethodOfControl::WithholdsNecessities, 2),
];

const RECRUITMENT_WEIGHTS: &[(MethodOfRecruitment, u32)] = &[
    (MethodOfRecruitment::ThroughFriendsOrSocialEvents, 35),
    (MethodOfRecruitment::ThroughFamilyOrFamilyEvents, 20),
    (MethodOfRecruitment::ThroughOnlineSocialNetworks, 25),
    (MethodOfRecruitment::AtAPlaceOfBusiness, 10),
    (MethodOfRecruitment::ThroughAnOnlineAdvertisement, 5),
    (MethodOfRecruitment::AtWork, 5),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn all(seed: u64, persons: u64) -> Vec<tabara_store::Batch> {
        let mut d = Demo::new(seed, persons);
        std::iter::from_fn(|| d.next_batch(500)).collect()
    }

    #[test]
    fn deterministic_for_a_seed() {
        let a = all(7, 800);
        let b = all(7, 800);
        let ids = |bs: &[tabara_store::Batch]| -> Vec<(PersonId, Option<String>)> {
            bs.iter()
                .flat_map(|b| b.persons.iter().map(|(p, i)| (p.id, i.first_name.clone())))
                .collect()
        };
        assert_eq!(ids(&a), ids(&b));
        assert_ne!(ids(&a), ids(&all(8, 800)));
        assert_eq!(
            Demo::new(7, 10).reference().offices[0].id,
            Demo::new(7, 10).reference().offices[0].id
        );
    }

    #[test]
    fn shape_of_the_default_demo() {
        let batches = all(42, 2000);
        let persons: usize = batches.iter().map(|b| b.persons.len()).sum();
        let cases: usize = batches.iter().map(|b| b.cases.len()).sum();
        assert!((2000..2010).contains(&persons), "{persons}");
        assert!((450..750).contains(&cases), "{cases}");
        let mut types = std::collections::BTreeSet::new();
        for b in &batches {
            for c in &b.cases {
                c.case.facts.validate(ANCHOR).unwrap();
                for (_, inv) in &c.persons {
                    inv.validate().unwrap();
                    if let Involvement::Victim(v) = inv {
                        types.extend(v.exploitation_types.iter());
                    }
                }
            }
            for c in &b.consents {
                c.validate(ANCHOR).unwrap();
            }
        }
        assert_eq!(types.len(), ALL_TYPES.len());
        let reference = Demo::new(1, 1).reference().clone();
        let posts = reference
            .offices
            .iter()
            .filter(|o| matches!(o.kind, OfficeKind::BorderPost | OfficeKind::PoliceStation))
            .count();
        assert_eq!(posts, 17);
        let roles: std::collections::BTreeSet<Role> =
            reference.users.iter().map(|u| u.role).collect();
        assert_eq!(roles.len(), 10);
    }

    #[test]
    fn some_victims_are_registered_twice_with_variant_spellings() {
        let batches = all(42, 2000);
        let mut seen = std::collections::HashMap::new();
        let mut variants = 0;
        for b in &batches {
            for (p, i) in &b.persons {
                if let Some(birth) = i.birthdate {
                    let key = (birth, p.facts.gender);
                    if let Some(other) = seen.insert(key, i.name_key())
                        && other != i.name_key()
                    {
                        variants += 1;
                    }
                }
            }
        }
        assert!(variants >= 20, "{variants}");
    }
}
