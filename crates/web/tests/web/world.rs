//! The records and users the access matrix, the CSRF walk and the audit walk ask about,
//! seeded on the demo register: cases of several agencies (at the user's office, another post
//! of the same agency, a partner's case at the officer's post, shared to read, shared for
//! editing, assigned to a user of another agency, of a child, assigned to a supervisor of
//! another agency), each with a victim, a suspect and a witness (and a relative, in the dossier
//! sent to the prosecution), a draft screening, a risk assessment and a support plan of the victim; a training session with the demo officer
//! certified and another participant; accounts to act upon and a request waiting for a second
//! administrator; and requesters of every role.

use tabara_core::Picklist;
use tabara_core::htcds::{Gender, TraffickingStatus};
use tabara_core::ids::{CaseId, OfficeId, OrganisationId, PersonId, ScreeningId, UserId};
use tabara_core::records::{
    CaseFacts, Involvement, Person, PersonFacts, PersonIdentity, PersonRole, VictimContext,
};

use crate::common::*;
use crate::policy::Rel;
use tabara_web::{Access, Kind, RouteInfo};

/// A case made for the matrix, with what the oracle needs to know of it.
pub(crate) struct CaseFx {
    pub(crate) label: &'static str,
    pub(crate) id: CaseId,
    pub(crate) number: i64,
    pub(crate) organisation: OrganisationId,
    pub(crate) office: Option<OfficeId>,
    pub(crate) owner: Option<UserId>,
    /// Agencies it is shared with, and whether for editing.
    pub(crate) shares: Vec<(OrganisationId, bool)>,
    pub(crate) minor: bool,
    /// Its persons (a victim, a suspect, a witness), in that order.
    pub(crate) persons: Vec<(PersonId, PersonRole)>,
    /// A draft screening of its victim.
    pub(crate) screening: ScreeningId,
    /// A file about each of its persons, in the order of `persons`.
    pub(crate) files: Vec<uuid::Uuid>,
    /// A document recorded on each of its persons, in the order of `persons`.
    pub(crate) documents: Vec<uuid::Uuid>,
}

/// A signed-in user of the matrix.
pub(crate) struct Requester<'a> {
    pub(crate) username: String,
    pub(crate) role: Role,
    pub(crate) organisation: OrganisationId,
    pub(crate) office: Option<OfficeId>,
    pub(crate) id: UserId,
    pub(crate) token: String,
    pub(crate) csrf: String,
    pub(crate) browser: Browser<'a>,
}

impl Requester<'_> {
    pub(crate) fn rel(&self, case: &CaseFx) -> Rel {
        let share = case.shares.iter().find(|(o, _)| *o == self.organisation);
        Rel {
            same_agency: case.organisation == self.organisation,
            same_office: case.office.is_some() && case.office == self.office,
            assigned: case.owner == Some(self.id),
            shared: share.is_some(),
            shared_for_editing: share.is_some_and(|(_, edit)| *edit),
            minor: case.minor,
        }
    }
}

/// Everything the matrix and the CSRF walk ask about, on one server.
/// A referral fixture: from a case of the fixtures to another agency.
#[derive(Debug, Clone)]
pub(crate) struct ReferralFx {
    pub(crate) label: &'static str,
    pub(crate) id: tabara_core::ids::ReferralId,
    /// Index of its case in [`World::cases`] (the sending agency is the case's).
    pub(crate) case: usize,
    pub(crate) recipient: OrganisationId,
    pub(crate) assignee: Option<UserId>,
    /// Sent, and neither declined nor cancelled: the addressed agency's receivers see it.
    pub(crate) shared_with_recipient: bool,
    /// The person referred.
    pub(crate) person: PersonId,
    /// Accepted or in progress: the addressed agency works on the person's support.
    pub(crate) at_work: bool,
}

/// A suspect's custody on a case of the fixtures, and the legal-aid organisation it was given
/// to.
pub(crate) struct CustodyFx {
    pub(crate) label: &'static str,
    pub(crate) id: uuid::Uuid,
    pub(crate) case: usize,
    pub(crate) legal_aid: Option<OrganisationId>,
}

/// A dossier of an investigation on a case of the fixtures, and the office it was sent to.
pub(crate) struct DossierFx {
    pub(crate) label: &'static str,
    pub(crate) id: uuid::Uuid,
    pub(crate) case: usize,
    pub(crate) sent_to: Option<OrganisationId>,
}

pub(crate) struct World<'a> {
    pub(crate) users: Vec<Requester<'a>>,
    pub(crate) custodies: Vec<CustodyFx>,
    pub(crate) dossiers: Vec<DossierFx>,
    pub(crate) cases: Vec<CaseFx>,
    pub(crate) referrals: Vec<ReferralFx>,
    pub(crate) session: String,
    pub(crate) participant: String,
    pub(crate) certificate: String,
    pub(crate) certificate_code: String,
    pub(crate) certificate_holder: UserId,
    /// An account the administrators disable, enable and reset (no one signs in with it).
    pub(crate) target_user: String,
    /// An account a second administrator asked to reset, and the request's requester.
    pub(crate) pending_user: UserId,
    pub(crate) requester: UserId,
    pub(crate) request: uuid::Uuid,
    pub(crate) organisation: OrganisationId,
    /// A provider of the services directory, of the shelter's agency.
    pub(crate) provider: String,
    pub(crate) provider_agency: OrganisationId,
    /// The demo officer's notifications (two high risks they assessed), newest first; the
    /// inbox routes name the first.
    pub(crate) notifications: Vec<uuid::Uuid>,
    pub(crate) notification_recipient: UserId,
    /// A phone issued to the demo investigator, and a submission it sent, kept as invalid: both
    /// of the judicial police, whose supervisors alone reach them.
    pub(crate) field_device: String,
    pub(crate) field_submission: String,
    pub(crate) field_agency: OrganisationId,
}

pub(crate) fn facts(age: i64) -> PersonFacts {
    PersonFacts {
        gender: Gender::Feminine,
        age_at_registration: Some(age),
        age_uncertain: false,
        citizenship: vec![tabara_core::Country::BI],
        marital_status: None,
        number_of_children: None,
        primary_language: None,
        secondary_language: None,
        education: None,
        deceased: false,
        registered_on: chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
    }
}

/// A case of `organisation` opened at `office`, owned by `owner`, with a victim of age
/// `victim_age`, a suspect and a witness, a draft screening of the victim, and its shares.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn make_case(
    db: &TestDb,
    label: &'static str,
    organisation: OrganisationId,
    office: Option<OfficeId>,
    owner: Option<UserId>,
    victim_age: i64,
    shares: Vec<(OrganisationId, bool)>,
) -> CaseFx {
    let actor = Actor::system("test");
    let case = db
        .store
        .create_case(
            &actor,
            &tabara_store::NewCase {
                id: CaseId::new(),
                organisation_id: organisation,
                office_id: office,
                owner_id: owner,
                facts: CaseFacts::opened(chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()),
            },
        )
        .await
        .unwrap();
    let mut persons = Vec::new();
    let mut files = Vec::new();
    let mut documents = Vec::new();
    for (role, involvement, age, name) in [
        (
            PersonRole::Victim,
            Involvement::Victim(VictimContext {
                trafficking_status: Some(TraffickingStatus::PossibleVictimOfTrafficking),
                ..Default::default()
            }),
            victim_age,
            "Victime",
        ),
        (
            PersonRole::Suspect,
            Involvement::Suspect(Default::default()),
            41,
            "Suspect",
        ),
        (PersonRole::Witness, Involvement::Witness, 33, "Témoin"),
    ] {
        let person = Person {
            id: PersonId::new(),
            organisation_id: organisation,
            facts: facts(age),
            version: 1,
        };
        let identity = PersonIdentity {
            first_name: Some(name.to_string()),
            second_name: Some(format!("Matrice {label}")),
            ..Default::default()
        };
        add_person(db, case.id, &person, &identity, &involvement).await;
        persons.push((person.id, role));
        files.push(attach_file(db, case.id, person.id).await);
        documents.push(record_document(db, case.id, person.id).await);
    }
    for (with, may_edit) in &shares {
        db.store
            .share_case(&actor, case.id, *with, "Matrice", *may_edit)
            .await
            .unwrap();
    }
    let version = tabara_core::screening::Catalogue::embedded()
        .unwrap()
        .version
        .clone();
    let screening = ScreeningId::new();
    db.store
        .create_screening(&actor, screening, case.id, persons[0].0, &version)
        .await
        .unwrap();
    // An open support plan of the victim, for the support pages to show.
    db.store
        .create_support_plan(
            &actor,
            uuid::Uuid::now_v7(),
            case.id,
            persons[0].0,
            &tabara_store::support::PlanForm {
                types: vec!["Health".into()],
                objectives: "Matrice: soins.".into(),
                reflection_start: "2026-03-02".into(),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
    // A security assessment of the victim, for the risk pages to show.
    db.store
        .record_risk_assessment(
            &actor,
            uuid::Uuid::now_v7(),
            case.id,
            persons[0].0,
            &tabara_core::risk::AssessmentForm {
                kind: "security".into(),
                likelihood: "3".into(),
                impact: "4".into(),
                factors: vec!["sec_address_known".into()],
                safety_plan: "Matrice: hébergement sûr.".into(),
            },
            None,
        )
        .await
        .unwrap();
    CaseFx {
        label,
        id: case.id,
        number: case.number,
        organisation,
        office,
        owner,
        shares,
        minor: victim_age < 18,
        persons,
        screening,
        files,
        documents,
    }
}

/// An identity card recorded on a person of a case, for the document routes.
pub(crate) async fn record_document(db: &TestDb, case: CaseId, person: PersonId) -> uuid::Uuid {
    let entry = tabara_core::documents::DocumentEntry::parse(
        &tabara_core::documents::DocumentForm {
            doc_type: "identity_card",
            number: "CNI0001",
            issuing_state: "BDI",
            ..Default::default()
        },
        chrono::Utc::now().date_naive(),
    )
    .unwrap();
    db.store
        .record_document(
            &tabara_store::Actor::system("matrix"),
            case,
            person,
            &entry,
            None,
        )
        .await
        .unwrap()
        .id
}

/// A small PDF about a person of a case, for the file routes.
pub(crate) async fn attach_file(db: &TestDb, case: CaseId, person: PersonId) -> uuid::Uuid {
    db.store
        .put_file(
            &tabara_store::Actor::system("matrix"),
            tabara_store::files::NewFile {
                case,
                person,
                purpose: tabara_core::files::FilePurpose::Evidence,
                name: "matrice.pdf",
                declared_type: Some("application/pdf"),
                limit: tabara_core::files::DEFAULT_MAX_BYTES,
            },
            &b"%PDF-1.4\n%%EOF\n"[..],
        )
        .await
        .unwrap()
        .id
}

pub(crate) async fn new_account(
    db: &TestDb,
    hash: &str,
    username: &str,
    role: Role,
    organisation: OrganisationId,
    office: Option<OfficeId>,
) -> UserId {
    db.store
        .create_user(
            &Actor::system("test"),
            &tabara_store::NewUser {
                id: UserId::new(),
                username: username.to_string(),
                display_name: format!("Matrice {username}"),
                role,
                organisation_id: organisation,
                office_id: office,
                password_hash: hash.to_string(),
            },
        )
        .await
        .unwrap()
}

/// Seed the fixtures on the demo register of `app` and sign every requester in.
pub(crate) async fn world<'a>(db: &TestDb, app: &'a App) -> World<'a> {
    world_signed_in(db, app, None).await
}

/// The same fixtures, with only the requesters named (`None`: all) signed in.
pub(crate) async fn world_signed_in<'a>(
    db: &TestDb,
    app: &'a App,
    only: Option<&[&str]>,
) -> World<'a> {
    let (pj, pafe, iom, unicef) = (
        app.org("Police Judiciaire"),
        app.org("Police de l'Air"),
        app.org("OIM"),
        app.org("UNICEF"),
    );
    let (prosecution, shelter, commission) =
        (app.org("Parquet"), app.org("Maison"), app.org("Commission"));
    let gatumba = app.office("Poste frontalier de Gatumba");
    let kanyaru = app.office("Poste frontalier de Kanyaru-Bas");
    let pj_bujumbura = app.office("Commissariat PJ de Bujumbura Mairie");
    let pj_gitega = app.office("Commissariat PJ de Gitega");
    let hash = tabara_core::password::hash_password(DEMO_PASSWORD);
    // Requesters besides the ten demo accounts: an officer of another post of the same agency,
    // a caseworker of another partner, a second administrator.
    new_account(
        db,
        &hash,
        "officer.kanyaru",
        Role::Officer,
        pafe,
        Some(kanyaru),
    )
    .await;
    new_account(
        db,
        &hash,
        "caseworker.shelter",
        Role::Caseworker,
        shelter,
        None,
    )
    .await;
    let requester = new_account(db, &hash, "admin.second", Role::Admin, commission, None).await;
    // Accounts acted upon, never signed in with.
    let target_user = "matrix.target".to_string();
    new_account(db, &hash, &target_user, Role::Analyst, commission, None).await;
    let pending_user = new_account(db, &hash, "matrix.pending", Role::Investigator, pj, None).await;
    let request = db
        .store
        .request_reset(requester, pending_user)
        .await
        .unwrap();

    let investigator = app.user("investigator").id;
    let supervisor = app.user("supervisor").id;
    let mut cases = vec![
        make_case(db, "PAFE at Gatumba", pafe, Some(gatumba), None, 30, vec![]).await,
        make_case(db, "PAFE at Kanyaru", pafe, Some(kanyaru), None, 30, vec![]).await,
        make_case(db, "IOM at Gatumba", iom, Some(gatumba), None, 30, vec![]).await,
        make_case(
            db,
            "PJ shared to read",
            pj,
            Some(pj_bujumbura),
            None,
            30,
            vec![(iom, false), (prosecution, false)],
        )
        .await,
        make_case(
            db,
            "PJ shared for editing",
            pj,
            Some(pj_gitega),
            None,
            30,
            vec![(iom, true)],
        )
        .await,
        make_case(
            db,
            "shelter's, assigned to the investigator",
            shelter,
            None,
            Some(investigator),
            30,
            vec![],
        )
        .await,
        make_case(
            db,
            "PAFE's, of a child",
            pafe,
            Some(kanyaru),
            None,
            15,
            vec![],
        )
        .await,
        // Reached by a supervisor of another agency through the assignment alone: read and
        // commented on, not edited; the shelter edits it through its share.
        make_case(
            db,
            "UNICEF's, assigned to the PJ supervisor, shared for editing with the shelter",
            unicef,
            None,
            Some(supervisor),
            30,
            vec![(shelter, true)],
        )
        .await,
    ];
    // Someone else in the dossier sent to the prosecution (a relative): only the
    // investigating services read who.
    let relative = Person {
        id: PersonId::new(),
        organisation_id: pj,
        facts: facts(52),
        version: 1,
    };
    let identity = PersonIdentity {
        first_name: Some("Parent".into()),
        second_name: Some("Matrice".into()),
        ..Default::default()
    };
    add_person(db, cases[3].id, &relative, &identity, &Involvement::Other).await;
    cases[3].persons.push((relative.id, PersonRole::Other));
    let relative_file = attach_file(db, cases[3].id, relative.id).await;
    cases[3].files.push(relative_file);
    let relative_document = record_document(db, cases[3].id, relative.id).await;
    cases[3].documents.push(relative_document);

    // Referrals: sent and unassigned, sent and assigned, a draft, one accepted, one declined.
    let caseworker = app.user("caseworker").id;
    let child_protection = app.user("childprotection").id;
    let referrals = vec![
        referral_fx(db, "PAFE to PJ, sent", &cases, 0, pj, None, &["send"]).await,
        referral_fx(
            db,
            "PJ to IOM, sent, assigned to the caseworker",
            &cases,
            3,
            iom,
            Some(caseworker),
            &["send"],
        )
        .await,
        referral_fx(
            db,
            "IOM to the shelter, a draft",
            &cases,
            2,
            shelter,
            None,
            &[],
        )
        .await,
        referral_fx(
            db,
            "shelter to UNICEF, accepted by child protection",
            &cases,
            5,
            unicef,
            Some(child_protection),
            &["send", "accept"],
        )
        .await,
        referral_fx(
            db,
            "PAFE to IOM, declined",
            &cases,
            0,
            iom,
            None,
            &["send", "decline"],
        )
        .await,
    ];

    // Training: a two-day session, the demo officer certified in it, another participant.
    let officer = app.user("officer").id;
    let system = Actor::system("test");
    let (first_day, last_day) = (
        chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
        chrono::NaiveDate::from_ymd_opt(2026, 3, 3).unwrap(),
    );
    let session = db
        .store
        .create_training_session(
            &system,
            &tabara_store::NewTrainingSession {
                id: tabara_core::ids::TrainingSessionId::new(),
                title: "Formation de la matrice".into(),
                starts_on: first_day,
                ends_on: last_day,
                venue: "Bujumbura".into(),
                organiser_id: iom,
                funding: None,
                modules: vec![tabara_store::SessionModule {
                    module: "legal_frameworks".into(),
                    facilitator_id: Some(iom),
                }],
                trainers: vec!["Josiane Kwizera".into()],
                rule: Default::default(),
            },
        )
        .await
        .unwrap();
    let mut participants = Vec::new();
    for (name, account) in [
        ("Claudine Iradukunda", Some(officer)),
        ("Jean Hatungimana", None),
    ] {
        let p = db
            .store
            .add_participant(
                &system,
                &tabara_store::NewParticipant {
                    id: tabara_core::ids::ParticipantId::new(),
                    session_id: session.id,
                    user_id: account,
                    full_name: name.into(),
                    rank: Some("OPJ".into()),
                    unit: None,
                    office_id: None,
                    sex: Gender::Feminine,
                },
            )
            .await
            .unwrap();
        participants.push(p);
    }
    let holder = &participants[0];
    for day in [first_day, last_day] {
        db.store
            .set_attendance(&system, holder.id, day, true)
            .await
            .unwrap();
    }
    let version = db.store.participant(holder.id).await.unwrap().version;
    db.store
        .set_scores(&system, holder.id, version, Some(40), Some(90))
        .await
        .unwrap();
    let certificate = db
        .store
        .issue_certificate(&system, holder.id)
        .await
        .unwrap();
    let participant = participants[1].clone();

    // Alerts: the demo officer assesses both risks of the first case's victim as high; the
    // alerts raised tell them (and the case's owner, if any).
    for kind in ["security", "re_trafficking"] {
        let form = tabara_core::risk::AssessmentForm {
            kind: kind.into(),
            likelihood: "4".into(),
            impact: "4".into(),
            safety_plan: "Hébergement protégé".into(),
            ..Default::default()
        };
        db.store
            .record_risk_assessment(
                &Actor::user(officer),
                uuid::Uuid::now_v7(),
                cases[0].id,
                cases[0].persons[0].0,
                &form,
                None,
            )
            .await
            .unwrap();
    }
    db.store
        .raise_due_alerts(chrono::Utc::now(), 500)
        .await
        .unwrap();
    let notifications: Vec<uuid::Uuid> = db
        .store
        .notifications(officer, true, 500)
        .await
        .unwrap()
        .iter()
        .map(|n| n.id)
        .collect();
    assert_eq!(notifications.len(), 2, "the officer's two alerts");

    let mut users = Vec::new();
    let mut accounts: Vec<(String, Role, OrganisationId, Option<OfficeId>, UserId)> = app
        .reference
        .users
        .iter()
        .map(|u| {
            (
                u.username.clone(),
                u.role,
                u.organisation_id,
                u.office_id,
                u.id,
            )
        })
        .collect();
    // A provider of the shelter's agency in the services directory.
    let provider = tabara_core::services::ProviderForm {
        organisation: shelter.to_string(),
        name: "Maison d'accueil de la matrice".into(),
        services: vec!["shelter".into()],
        areas: vec!["bi-gitega".into()],
        ..Default::default()
    }
    .validate()
    .unwrap();
    db.store
        .create_service_provider(&Actor::system("test"), &provider)
        .await
        .unwrap();

    for name in ["officer.kanyaru", "caseworker.shelter", "admin.second"] {
        let u = db.store.user_by_username(name).await.unwrap().unwrap();
        accounts.push((name.into(), u.role, u.organisation_id, u.office_id, u.id));
    }
    for (username, role, organisation, office, id) in accounts {
        if only.is_some_and(|names| !names.contains(&username.as_str())) {
            continue;
        }
        let mut browser = browser(app);
        let signed = browser.sign_in(&username, DEMO_PASSWORD).await;
        assert_eq!(signed.status, 303, "{username} signs in");
        let csrf = browser.csrf_of("/").await;
        assert!(!csrf.is_empty(), "{username}'s pages carry a token");
        let token = api_token(db, &username).await;
        users.push(Requester {
            username,
            role,
            organisation,
            office,
            id,
            token,
            csrf,
            browser,
        });
    }
    // Every role is asked, and some by users of two agencies or offices.
    for role in Role::ALL.iter().filter(|_| only.is_none()) {
        assert!(users.iter().any(|u| u.role == *role), "{role}");
    }
    // Investigations by the PJ's investigator: on the case shared with the prosecution (its
    // suspect in custody, given to legal aid; a dossier sent), and on the case the prosecution
    // does not reach (a custody nobody else has; a dossier sent, which the prosecution reads
    // without reaching the case; another not sent).
    let legal_aid = app.user("legalaid").organisation_id;
    let mut custodies = Vec::new();
    let mut dossiers = Vec::new();
    for (c, aid, labels) in [
        (
            3usize,
            Some(legal_aid),
            ("custody given to legal aid", "dossier sent, case shared"),
        ),
        (
            4usize,
            None,
            ("custody kept", "dossier sent, case not shared"),
        ),
    ] {
        let inv = db
            .store
            .open_investigation(&system, cases[c].id, investigator, None)
            .await
            .unwrap();
        db.store
            .investigation_step(
                &system,
                inv.id,
                inv.version,
                tabara_core::investigation::StatusStep::Activate,
                "",
            )
            .await
            .unwrap();
        let suspect = cases[c].persons[1].0;
        let custody = db
            .store
            .start_custody(
                &system,
                inv.id,
                suspect,
                &tabara_core::investigation::CustodyForm {
                    started_at: chrono::Utc::now() - chrono::Duration::hours(30),
                    place: "Cachot de la PJ".into(),
                    legal_basis: "Flagrant délit".into(),
                },
            )
            .await
            .unwrap();
        if let Some(aid) = aid {
            db.store
                .set_custody_legal_aid(&system, custody.id, custody.version, Some(aid))
                .await
                .unwrap();
        }
        custodies.push(CustodyFx {
            label: labels.0,
            id: custody.id,
            case: c,
            legal_aid: aid,
        });
        let d = db
            .store
            .record_dossier(
                &system,
                inv.id,
                &"ab".repeat(32),
                b"%PDF-1.7\n%%EOF\n",
                1,
                false,
            )
            .await
            .unwrap();
        db.store
            .send_dossier(&system, d.id, prosecution)
            .await
            .unwrap();
        dossiers.push(DossierFx {
            label: labels.1,
            id: d.id,
            case: c,
            sent_to: Some(prosecution),
        });
        if c == 4 {
            let kept = db
                .store
                .record_dossier(
                    &system,
                    inv.id,
                    &"cd".repeat(32),
                    b"%PDF-1.7\n%%EOF\n",
                    1,
                    false,
                )
                .await
                .unwrap();
            dossiers.push(DossierFx {
                label: "dossier not sent",
                id: kept.id,
                case: c,
                sent_to: None,
            });
        }
    }
    let field_user = db
        .store
        .user_by_username("investigator")
        .await
        .unwrap()
        .expect("the demo investigator");
    let field_device = db
        .store
        .issue_field_device(
            &system,
            field_user.organisation_id,
            field_user.id,
            "Bujumbura, phone 1",
        )
        .await
        .unwrap();
    let field_xml = format!(
        "<data id=\"tabara_intake\" version=\"v1\"><meta><instanceID>uuid:{}</instanceID></meta></data>",
        uuid::Uuid::now_v7()
    );
    let field_instance = tabara_core::fieldforms::Instance::parse(field_xml.as_bytes()).unwrap();
    let tabara_store::field::Received::New(field_submission) = db
        .store
        .receive_submission(
            &system,
            tabara_store::field::NewSubmission {
                instance: &field_instance,
                xml: field_xml.as_bytes(),
                user: &field_user,
                device_id: Some(field_device.device.id),
            },
        )
        .await
        .unwrap()
    else {
        panic!("a new instance");
    };
    db.store
        .claim_submission(field_submission.id)
        .await
        .unwrap();
    db.store
        .finish_submission(
            &system,
            field_submission.id,
            &tabara_store::field::Outcome::Invalid(vec![tabara_store::field::Reason {
                field: "prs_FirstName".into(),
                rule: "required".into(),
                message: "give at least one name".into(),
            }]),
        )
        .await
        .unwrap();
    World {
        field_device: field_device.device.id.to_string(),
        field_submission: field_submission.id.to_string(),
        field_agency: field_user.organisation_id,
        users,
        custodies,
        dossiers,
        cases,
        referrals,
        session: certificate.session_id.to_string(),
        participant: participant.id.to_string(),
        certificate: certificate.id.to_string(),
        certificate_code: certificate.code.clone(),
        certificate_holder: officer,
        target_user,
        pending_user,
        requester,
        request,
        organisation: shelter,
        provider: provider.id.to_string(),
        provider_agency: shelter,
        notifications,
        notification_recipient: officer,
    }
}

/// A referral from a victim of `cases[case]` to `recipient`, under a consent covering it,
/// assigned (before any step) and taken through `steps` by the store.
pub(crate) async fn referral_fx(
    db: &TestDb,
    label: &'static str,
    cases: &[CaseFx],
    case: usize,
    recipient: OrganisationId,
    assignee: Option<UserId>,
    steps: &[&str],
) -> ReferralFx {
    use tabara_core::picklist::ValueSet;
    use tabara_core::referral::{
        Consent, ConsentGiver, DataCategory, Deadlines, Party, ServiceType,
    };
    use tabara_store::{NewReferral, ReferralStep};
    let system = Actor::system("test");
    let c = &cases[case];
    let person = c
        .persons
        .iter()
        .find(|(_, role)| *role == PersonRole::Victim)
        .expect("a victim")
        .0;
    let services: ValueSet<ServiceType> = [ServiceType::Shelter].into_iter().collect();
    let data: ValueSet<DataCategory> = [DataCategory::Facts, DataCategory::Identity]
        .into_iter()
        .collect();
    let consent = Consent {
        recipient,
        services: services.clone(),
        data: data.clone(),
        given_at: chrono::Utc::now() - chrono::Duration::hours(1),
        given_by: if c.minor {
            ConsentGiver::Guardian
        } else {
            ConsentGiver::Person
        },
        language: "rn".into(),
        witness: None,
        withdrawn_at: None,
    };
    let new = NewReferral {
        id: tabara_core::ids::ReferralId::new(),
        case_id: c.id,
        person_id: person,
        sender_id: c.organisation,
        recipient_id: recipient,
        services,
        data,
        urgency: ValueSet::new(),
        answer_by: None,
    };
    let consent_id = tabara_core::ids::ReferralConsentId::new();
    let mut r = db
        .store
        .refer(&system, Some((consent_id, &consent)), &new, None)
        .await
        .unwrap();
    if let Some(user) = assignee {
        r = db
            .store
            .assign_referral(&system, r.id, r.version, Some(user))
            .await
            .unwrap();
    }
    let offered: ValueSet<ServiceType> = ServiceType::ALL.iter().copied().collect();
    let deadlines = Deadlines::default();
    for step in steps {
        let (party, step) = match *step {
            "send" => (
                Party::Sender,
                ReferralStep::Send {
                    offered: &offered,
                    deadlines: &deadlines,
                },
            ),
            "accept" => (Party::Supervisor, ReferralStep::Accept),
            "decline" => (
                Party::Supervisor,
                ReferralStep::Decline { reason: "no place" },
            ),
            other => panic!("no step {other}"),
        };
        r = db
            .store
            .apply_referral_step(&system, r.id, r.version, party, step)
            .await
            .unwrap();
    }
    ReferralFx {
        label,
        id: r.id,
        case,
        recipient,
        assignee,
        person,
        at_work: matches!(
            r.state,
            tabara_core::referral::ReferralState::Accepted
                | tabara_core::referral::ReferralState::InProgress
        ),
        shared_with_recipient: !matches!(
            r.state,
            tabara_core::referral::ReferralState::Draft
                | tabara_core::referral::ReferralState::Declined
                | tabara_core::referral::ReferralState::Cancelled
        ),
    }
}

// ================================================================ the walk

/// The record a request names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// The route names no record of a kind with fixtures.
    One,
    Case(usize),
    Person(usize, usize),
    Screening(usize),
    Referral(usize),
    Custody(usize),
    Dossier(usize),
}

/// The records to try a route on.
pub(crate) fn targets(world: &World, route: &RouteInfo) -> Vec<Target> {
    let kind = match route.access {
        Access::Record(kind, _) => Some(kind),
        _ => None,
    };
    let cases = 0..world.cases.len();
    match kind {
        // A route under a person names the person, whatever kind it is decided on.
        Some(Kind::Case | Kind::CasePerson | Kind::SupportPerson)
            if route.path.contains("{person}") =>
        {
            cases
                .flat_map(|c| (0..world.cases[c].persons.len()).map(move |p| Target::Person(c, p)))
                .collect()
        }
        Some(Kind::Case) => cases.map(Target::Case).collect(),
        Some(Kind::Screening) => cases.map(Target::Screening).collect(),
        Some(Kind::Referral) => (0..world.referrals.len()).map(Target::Referral).collect(),
        Some(Kind::Custody) => (0..world.custodies.len()).map(Target::Custody).collect(),
        Some(Kind::Dossier) => (0..world.dossiers.len()).map(Target::Dossier).collect(),
        _ => vec![Target::One],
    }
}

/// The path with its parameters filled from the target's fixture.
pub(crate) fn fill(world: &World, route: &RouteInfo, target: Target) -> String {
    let case = match target {
        Target::Case(c) | Target::Person(c, _) | Target::Screening(c) => Some(&world.cases[c]),
        Target::Referral(i) => Some(&world.cases[world.referrals[i].case]),
        Target::Custody(i) => Some(&world.cases[world.custodies[i].case]),
        Target::Dossier(i) => Some(&world.cases[world.dossiers[i].case]),
        Target::One => None,
    };
    let kind = match route.access {
        Access::Record(kind, _) => Some(kind),
        _ => None,
    };
    let mut out = String::new();
    for segment in route.path.split('/').skip(1) {
        out.push('/');
        let Some(name) = segment.strip_prefix('{') else {
            out.push_str(segment);
            continue;
        };
        let (name, suffix) = name.split_once('}').unwrap();
        let value = match (name, kind) {
            ("number" | "reference", _) => case.unwrap().number.to_string(),
            ("person", _) => match target {
                Target::Person(c, p) => world.cases[c].persons[p].0.to_string(),
                _ => panic!("{}: a person without a person target", route.path),
            },
            ("id", Some(Kind::Screening)) => case.unwrap().screening.to_string(),
            ("id", Some(Kind::Referral)) => match target {
                Target::Referral(i) => world.referrals[i].id.to_string(),
                _ => panic!("{}: a referral route without a referral target", route.path),
            },
            ("id", Some(Kind::Custody)) => match target {
                Target::Custody(i) => world.custodies[i].id.to_string(),
                _ => panic!("{}: a custody route without a custody target", route.path),
            },
            ("id", Some(Kind::Dossier)) => match target {
                Target::Dossier(i) => world.dossiers[i].id.to_string(),
                _ => panic!("{}: a dossier route without a dossier target", route.path),
            },
            ("id", Some(Kind::TrainingSession)) => world.session.clone(),
            ("id", Some(Kind::Participant)) => world.participant.clone(),
            ("id", Some(Kind::Certificate | Kind::OwnCertificate)) => world.certificate.clone(),
            ("id", Some(Kind::Organisation)) => world.organisation.to_string(),
            ("id", Some(Kind::AccountRequest)) => world.request.to_string(),
            ("id", Some(Kind::ServiceProvider | Kind::OwnServiceProvider)) => {
                world.provider.clone()
            }
            ("id", None) if route.path.starts_with("/notifications/") => {
                world.notifications[0].to_string()
            }
            ("file", _) => match target {
                Target::Person(c, p) => world.cases[c].files[p].to_string(),
                _ => panic!("{}: a file without a person target", route.path),
            },
            ("document", _) => match target {
                Target::Person(c, p) => world.cases[c].documents[p].to_string(),
                _ => panic!("{}: a document without a person target", route.path),
            },
            ("device", _) => world.field_device.clone(),
            ("submission", _) => world.field_submission.clone(),
            // A phone's routes: no session opens them, whatever the address names.
            ("agency", _) => world.field_agency.to_string(),
            ("token", _) => "not-a-device-token".to_string(),
            ("form", _) => "tabara_intake".to_string(),
            ("username", _) => world.target_user.clone(),
            ("code", _) => world.certificate_code.clone(),
            ("name", _) => "by-sex".to_string(),
            ("*rest", _) => "no-such-thing".to_string(),
            _ => panic!("{}: no fixture for {{{name}}}", route.path),
        };
        out.push_str(&value);
        out.push_str(suffix);
    }
    out
}
