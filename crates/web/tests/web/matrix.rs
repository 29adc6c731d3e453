//! The access matrix, generated from the router's route table: every (method, path) pair the
//! router serves, asked by a user of every role (of several agencies) and by an anonymous
//! visitor, on every record fixture of the route's kind. The fixtures meet every way of
//! reaching a case: the user's agency, office, a case shared to read, one shared for editing,
//! one assigned to a user, one of a child, and persons of each role.
//!
//! The expected answer comes from the policy written out in this file from the documentation
//! of `crates/core/src/permissions.rs` and `docs/security.md` — never from `decide` or
//! `Store::relation`, which the server calls: a rule changed there and not here fails here.
//! Every write route is tried by users it refuses too, and a refused write changes nothing
//! (the audit log keeps its length: every write is audited in its own transaction).

use std::collections::BTreeSet;

use tabara_core::Picklist;
use tabara_core::htcds::{Gender, TraffickingStatus};
use tabara_core::ids::{CaseId, OfficeId, OrganisationId, PersonId, ScreeningId, UserId};
use tabara_core::permissions::Action;
use tabara_core::records::{
    CaseFacts, Involvement, Person, PersonFacts, PersonIdentity, PersonRole, VictimContext,
};

use crate::common::*;
use crate::shim::{Access, Body, Kind, RouteInfo, route_table};

// ================================================================ the policy (the oracle)

/// One way a user stands to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Via {
    /// Whichever way the user reaches the case.
    Reach,
    SameAgency,
    SameOffice,
    /// The user's agency's case, opened at the user's office.
    SameAgencyAndOffice,
    Assigned,
    Shared,
    SharedForEditing,
    Minor,
}

/// How a user stands to a case, computed here from how the fixture was made.
#[derive(Debug, Clone, Copy, Default)]
struct Rel {
    same_agency: bool,
    same_office: bool,
    assigned: bool,
    shared: bool,
    shared_for_editing: bool,
    minor: bool,
}

impl Rel {
    fn has(self, via: Via) -> bool {
        match via {
            Via::Reach => true,
            Via::SameAgency => self.same_agency,
            Via::SameOffice => self.same_office,
            Via::SameAgencyAndOffice => self.same_agency && self.same_office,
            Via::Assigned => self.assigned,
            Via::Shared => self.shared,
            Via::SharedForEditing => self.shared_for_editing,
            Via::Minor => self.minor,
        }
    }
}

use Via::*;

/// Who reaches (reads) a case, and through which relations. A role not listed reaches none:
/// administrators, analysts and trainers never see case content, and legal aid sees only
/// its clients' records (no client link exists yet).
const REACH: &[(Role, &[Via])] = &[
    // Border and station officers: their office's cases and what is given to them.
    (Role::Officer, &[SameOffice, Assigned]),
    // Judicial police and supervisors: their agency's cases and those shared with it.
    (Role::Investigator, &[SameAgency, Assigned, Shared]),
    (Role::Supervisor, &[SameAgency, Assigned, Shared]),
    // The prosecutor reads the dossiers sent to the prosecution.
    (Role::Prosecutor, &[Shared, Assigned]),
    // Partners: their own cases and the ones referred or shared to them.
    (Role::Caseworker, &[SameAgency, Assigned, Shared]),
    // Child protection also sees every case of a child.
    (
        Role::ChildProtection,
        &[SameAgency, Assigned, Shared, Minor],
    ),
];

/// What a role does on a case it reaches, and through which relations. Not listed: refused.
const ACTS: &[(Role, Action, &[Via])] = &[
    (Role::Officer, Action::ReadCase, &[Reach]),
    (Role::Officer, Action::CommentCase, &[Reach]),
    (Role::Officer, Action::EditCase, &[Reach]),
    // Another agency's case at the officer's post is worked on, never shared onwards.
    (Role::Officer, Action::ShareCase, &[SameAgencyAndOffice]),
    (Role::Investigator, Action::ReadCase, &[Reach]),
    (Role::Investigator, Action::CommentCase, &[Reach]),
    (
        Role::Investigator,
        Action::EditCase,
        &[SameAgency, Assigned, SharedForEditing],
    ),
    (Role::Investigator, Action::ShareCase, &[SameAgency]),
    (Role::Caseworker, Action::ReadCase, &[Reach]),
    (Role::Caseworker, Action::CommentCase, &[Reach]),
    (
        Role::Caseworker,
        Action::EditCase,
        &[SameAgency, Assigned, SharedForEditing],
    ),
    (Role::Caseworker, Action::ShareCase, &[SameAgency]),
    (Role::ChildProtection, Action::ReadCase, &[Reach]),
    (Role::ChildProtection, Action::CommentCase, &[Reach]),
    (
        Role::ChildProtection,
        Action::EditCase,
        &[SameAgency, Assigned, Minor, SharedForEditing],
    ),
    (Role::ChildProtection, Action::ShareCase, &[SameAgency]),
    (Role::Supervisor, Action::ReadCase, &[Reach]),
    (Role::Supervisor, Action::CommentCase, &[Reach]),
    (
        Role::Supervisor,
        Action::EditCase,
        &[SameAgency, SharedForEditing],
    ),
    (Role::Supervisor, Action::ShareCase, &[SameAgency]),
    (Role::Supervisor, Action::AssignCase, &[SameAgency]),
    (Role::Supervisor, Action::ReadCaseAudit, &[SameAgency]),
    // The prosecutor reads dossiers and changes nothing.
    (Role::Prosecutor, Action::ReadCase, &[Reach]),
];

/// Whose identity a role reads on a case it reaches.
const IDENTITIES: &[(Role, &[PersonRole])] = &[
    (Role::Officer, PersonRole::ALL),
    (Role::Investigator, PersonRole::ALL),
    (Role::Supervisor, PersonRole::ALL),
    // The dossier refers to victims without their identity.
    (
        Role::Prosecutor,
        &[PersonRole::Suspect, PersonRole::Witness],
    ),
    // Victim assistance reads the victims.
    (Role::Caseworker, &[PersonRole::Victim]),
    (Role::ChildProtection, &[PersonRole::Victim]),
];

/// The actions that are not about one record, and the roles they are granted to.
const GLOBAL: &[(Action, &[Role])] = &[
    (
        Action::CreateCase,
        &[
            Role::Officer,
            Role::Investigator,
            Role::Caseworker,
            Role::ChildProtection,
        ],
    ),
    (Action::ReadStatistics, &[Role::Analyst, Role::Supervisor]),
    (Action::ManageUsers, &[Role::Admin]),
    (Action::ManageOrganisations, &[Role::Admin]),
    (Action::ManageTraining, &[Role::Trainer]),
    (Action::ReadDirectory, Role::ALL),
];

fn may_global(role: Role, action: Action) -> bool {
    GLOBAL
        .iter()
        .any(|(a, roles)| *a == action && roles.contains(&role))
}

fn reaches(role: Role, rel: Rel) -> bool {
    REACH
        .iter()
        .any(|(r, vias)| *r == role && vias.iter().any(|v| rel.has(*v)))
}

fn reads_identity(role: Role, rel: Rel, person: PersonRole) -> bool {
    reaches(role, rel)
        && IDENTITIES
            .iter()
            .any(|(r, persons)| *r == role && persons.contains(&person))
}

fn may_on_case(role: Role, action: Action, rel: Rel) -> bool {
    if !reaches(role, rel) {
        return false;
    }
    if action == Action::ReadIdentity {
        return PersonRole::ALL
            .iter()
            .any(|p| reads_identity(role, rel, *p));
    }
    ACTS.iter()
        .any(|(r, a, vias)| *r == role && *a == action && vias.iter().any(|v| rel.has(*v)))
}

/// The answer a request should get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Want {
    /// Through the gate: anything but 401, 403, 404, a 5xx or the sign-in page (a form with
    /// no fields may well answer 400 or 422: the gate let it through).
    Allowed,
    /// The same 404 as a missing record.
    NotFound,
    /// 403: the record is readable, the action is not allowed.
    Forbidden,
    /// A page for signed-in users, asked anonymously: 303 to `/signin?next=…`.
    SignIn,
    /// An API route asked without a token: 401.
    Unauthorized,
    /// Signed out: 303 to the sign-in page, and the session no longer opens pages.
    SignedOut,
}

impl Want {
    fn refused(self) -> bool {
        self != Want::Allowed
    }

    fn matches(self, status: u16, location: Option<&str>) -> bool {
        let to_sign_in = status == 303 && location.is_some_and(|l| l.starts_with("/signin"));
        match self {
            Want::Allowed => !matches!(status, 401 | 403 | 404) && status < 500 && !to_sign_in,
            Want::NotFound => status == 404,
            Want::Forbidden => status == 403,
            Want::SignIn => to_sign_in,
            Want::Unauthorized => status == 401,
            Want::SignedOut => status == 303 && location == Some("/signin"),
        }
    }
}

// ================================================================ the fixtures

/// A case made for the matrix, with what the oracle needs to know of it.
pub(crate) struct CaseFx {
    pub(crate) label: &'static str,
    pub(crate) number: i64,
    organisation: OrganisationId,
    office: Option<OfficeId>,
    owner: Option<UserId>,
    /// Agencies it is shared with, and whether for editing.
    shares: Vec<(OrganisationId, bool)>,
    minor: bool,
    /// Its persons (a victim, a suspect, a witness), in that order.
    pub(crate) persons: Vec<(PersonId, PersonRole)>,
    /// A draft screening of its victim.
    pub(crate) screening: ScreeningId,
}

/// A signed-in user of the matrix.
pub(crate) struct Requester<'a> {
    pub(crate) username: String,
    pub(crate) role: Role,
    organisation: OrganisationId,
    office: Option<OfficeId>,
    pub(crate) id: UserId,
    pub(crate) token: String,
    pub(crate) csrf: String,
    pub(crate) browser: Browser<'a>,
}

impl Requester<'_> {
    fn rel(&self, case: &CaseFx) -> Rel {
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
pub(crate) struct World<'a> {
    pub(crate) users: Vec<Requester<'a>>,
    pub(crate) cases: Vec<CaseFx>,
    session: String,
    participant: String,
    certificate: String,
    certificate_code: String,
    certificate_holder: UserId,
    /// An account the administrators disable, enable and reset (no one signs in with it).
    target_user: String,
    /// An account a second administrator asked to reset, and the request's requester.
    pending_user: UserId,
    requester: UserId,
    request: uuid::Uuid,
    organisation: OrganisationId,
}

fn org(app: &App, prefix: &str) -> OrganisationId {
    app.reference
        .organisations
        .iter()
        .find(|o| o.name.starts_with(prefix))
        .unwrap_or_else(|| panic!("no organisation {prefix}"))
        .id
}

fn office(app: &App, name: &str) -> OfficeId {
    app.reference
        .offices
        .iter()
        .find(|o| o.name == name)
        .unwrap_or_else(|| panic!("no office {name}"))
        .id
}

fn facts(age: i64) -> PersonFacts {
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
async fn make_case(
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
        db.store
            .create_person(&actor, &person, &identity)
            .await
            .unwrap();
        db.store
            .add_case_person(&actor, case.id, person.id, &involvement)
            .await
            .unwrap();
        persons.push((person.id, role));
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
    CaseFx {
        label,
        number: case.number,
        organisation,
        office,
        owner,
        shares,
        minor: victim_age < 18,
        persons,
        screening,
    }
}

async fn new_account(
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
    let (pj, pafe, iom, unicef) = (
        org(app, "Police Judiciaire"),
        org(app, "Police de l'Air"),
        org(app, "OIM"),
        org(app, "UNICEF"),
    );
    let (prosecution, shelter, commission) = (
        org(app, "Parquet"),
        org(app, "Maison"),
        org(app, "Commission"),
    );
    let _ = unicef;
    let gatumba = office(app, "Poste frontalier de Gatumba");
    let kanyaru = office(app, "Poste frontalier de Kanyaru-Bas");
    let pj_bujumbura = office(app, "Commissariat PJ de Bujumbura Mairie");
    let pj_gitega = office(app, "Commissariat PJ de Gitega");
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

    let investigator = app
        .reference
        .users
        .iter()
        .find(|u| u.username == "investigator")
        .unwrap()
        .id;
    let cases = vec![
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
    ];

    // Training: the demo programme, and a certificate of the demo officer.
    tabara_demo::write_training(&db.store, &Actor::system("test"), &app.reference, 9)
        .await
        .unwrap();
    let officer = app
        .reference
        .users
        .iter()
        .find(|u| u.username == "officer")
        .unwrap()
        .id;
    let certificate = db
        .store
        .user_certificates(officer)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.revoked_at.is_none())
        .expect("the demo officer holds a certificate");
    let participant = db
        .store
        .participants(certificate.session_id)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.user_id != Some(officer))
        .expect("a participant");

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
    for name in ["officer.kanyaru", "caseworker.shelter", "admin.second"] {
        let u = db.store.user_by_username(name).await.unwrap().unwrap();
        accounts.push((name.into(), u.role, u.organisation_id, u.office_id, u.id));
    }
    for (username, role, organisation, office, id) in accounts {
        let mut browser = browser(app);
        let signed = browser.sign_in(&username, DEMO_PASSWORD).await;
        assert_eq!(signed.status, 303, "{username} signs in");
        let csrf = Browser::csrf(&browser.get("/").await.body);
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
    for role in Role::ALL {
        assert!(users.iter().any(|u| u.role == *role), "{role}");
    }
    World {
        users,
        cases,
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
        Some(Kind::Case | Kind::CasePerson) if route.path.contains("{person}") => cases
            .flat_map(|c| (0..world.cases[c].persons.len()).map(move |p| Target::Person(c, p)))
            .collect(),
        Some(Kind::Case) => cases.map(Target::Case).collect(),
        Some(Kind::Screening) => cases.map(Target::Screening).collect(),
        _ => vec![Target::One],
    }
}

/// The path with its parameters filled from the target's fixture.
pub(crate) fn fill(world: &World, route: &RouteInfo, target: Target) -> String {
    let case = match target {
        Target::Case(c) | Target::Person(c, _) | Target::Screening(c) => Some(&world.cases[c]),
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
            ("id", Some(Kind::TrainingSession)) => world.session.clone(),
            ("id", Some(Kind::Participant)) => world.participant.clone(),
            ("id", Some(Kind::Certificate | Kind::OwnCertificate)) => world.certificate.clone(),
            ("id", Some(Kind::Organisation)) => world.organisation.to_string(),
            ("id", Some(Kind::AccountRequest)) => world.request.to_string(),
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

/// What the policy says `who` (None: anonymous) gets for `route` on `target`.
pub(crate) fn want(
    world: &World,
    route: &RouteInfo,
    who: Option<&Requester>,
    target: Target,
) -> Want {
    let api = route.path.starts_with("/api/");
    // The API's catch-all answers every path under it that is not a route: 404.
    if route.path.contains("{*") && (who.is_some() || route.access == Access::Public) {
        return Want::NotFound;
    }
    let Some(user) = who else {
        return match route.access {
            Access::Public => Want::Allowed,
            _ if api => Want::Unauthorized,
            _ => Want::SignIn,
        };
    };
    let gate = |ok: bool| if ok { Want::Allowed } else { Want::NotFound };
    if route.method == "POST" && route.path == "/signout" {
        return Want::SignedOut;
    }
    match route.access {
        Access::Public | Access::SignedIn => Want::Allowed,
        Access::Global(action) => gate(may_global(user.role, action)),
        Access::Record(Kind::Case | Kind::Screening, action) => {
            let case = match target {
                Target::Case(c) | Target::Person(c, _) | Target::Screening(c) => &world.cases[c],
                Target::One => unreachable!("a record route without a record"),
            };
            let rel = user.rel(case);
            if !reaches(user.role, rel) {
                Want::NotFound
            } else if may_on_case(user.role, action, rel) {
                Want::Allowed
            } else {
                Want::Forbidden
            }
        }
        // A person of a case the user may not act on this way is out of reach: 404.
        Access::Record(Kind::CasePerson, action) => {
            let Target::Person(c, _) = target else {
                unreachable!()
            };
            let rel = user.rel(&world.cases[c]);
            gate(may_on_case(user.role, action, rel))
        }
        // A certificate's holder reaches it too.
        Access::Record(Kind::OwnCertificate, action) => {
            gate(user.id == world.certificate_holder || may_global(user.role, action))
        }
        // The other kinds are under a global action: anyone else gets the 404 of a missing one.
        Access::Record(_, action) => gate(may_global(user.role, action)),
    }
}

/// One request as the route's client sends it: pages with the browser's cookies (a form with
/// the session's token and nothing else), the API with the user's bearer token.
pub(crate) async fn send<'a>(
    app: &App,
    route: &RouteInfo,
    path: &str,
    who: Option<&mut Requester<'a>>,
    anonymous: &mut Browser<'a>,
    csrf: Option<&str>,
    extra: &[(&str, &str)],
) -> Reply {
    if route.path.starts_with("/api/") {
        let url = format!("{}{path}", app.base);
        let mut request = if route.method == "POST" {
            app.http
                .post(url)
                .header("content-type", "application/json")
                .body("{}")
        } else {
            app.http.get(url)
        };
        if let Some(user) = who {
            request = request.bearer_auth(&user.token);
        }
        return anonymous.reply(request.send().await.unwrap()).await;
    }
    let (browser, token) = match who {
        Some(user) => {
            let token = csrf.map(str::to_string).unwrap_or(user.csrf.clone());
            (&mut user.browser, token)
        }
        None => {
            let token = match csrf {
                Some(t) => t.to_string(),
                None => Browser::csrf(&anonymous.get("/signin").await.body),
            };
            (anonymous, token)
        }
    };
    let mut form: Vec<(&str, &str)> = extra.to_vec();
    if !token.is_empty() {
        form.push(("csrf", &token));
    }
    match route.method {
        "GET" => browser.get(path).await,
        "POST" => browser.post(path, &form).await,
        other => panic!("{}: method {other}", route.path),
    }
}

/// The audit log's last position, moved on to its end: how many entries were appended since
/// `head` was last moved.
pub(crate) async fn audit_grown(db: &TestDb, head: &mut i64) -> usize {
    let mut grown = 0;
    loop {
        let entries = db.store.audit_entries(*head, 500).await.unwrap();
        let Some(last) = entries.last() else {
            return grown;
        };
        *head = last.seq;
        grown += entries.len();
    }
}

/// Keep the account request waiting: an administrator's approval or refusal decides it, so
/// the next administrator gets a new one.
async fn keep_request_waiting(db: &TestDb, world: &mut World<'_>) {
    let waiting = db.store.pending_account_requests(500).await.unwrap();
    if !waiting.iter().any(|r| r.id == world.request) {
        world.request = db
            .store
            .request_reset(world.requester, world.pending_user)
            .await
            .unwrap();
    }
}

/// Reads of a person's identity in the audit log.
async fn identity_read_count(db: &TestDb, person: PersonId) -> usize {
    db.store
        .audit_trail("person", &person.to_string())
        .await
        .unwrap()
        .iter()
        .filter(|e| e.action == "person_identity.read")
        .count()
}

store_test!(access_matrix_from_the_route_table, |db| async move {
    let app = start(&db).await;
    let mut world = world(&db, &app).await;
    let mut routes = route_table();
    let all: BTreeSet<(&str, &str)> = routes.iter().map(|r| (r.method, r.path)).collect();
    assert_eq!(
        all.len(),
        routes.len(),
        "a (method, path) pair declared twice"
    );
    // Reads first, then writes (an allowed write may revoke or decide what a read needs);
    // signing out last, since it ends the session.
    routes.sort_by_key(|r| (r.method == "POST", r.path == "/signout"));
    let mut anonymous = browser(&app);
    let mut head = 0;
    let mut wrong = Vec::new();
    let mut covered = BTreeSet::new();
    let mut cells = 0usize;
    // Per write route: refused signed-in users that changed nothing.
    let mut refused_writes: BTreeSet<&str> = BTreeSet::new();
    let mut anonymous_writes: BTreeSet<&str> = BTreeSet::new();
    let mut identity_cells = 0usize;
    let mut answers: std::collections::BTreeMap<String, usize> = Default::default();
    for route in &routes {
        for target in targets(&world, route) {
            let path = fill(&world, route, target);
            for who in std::iter::once(None).chain((0..world.users.len()).map(Some)) {
                if route.path.starts_with("/admin/requests/") {
                    keep_request_waiting(&db, &mut world).await;
                }
                let path = if route.path.starts_with("/admin/requests/") {
                    fill(&world, route, target)
                } else {
                    path.clone()
                };
                let expected = want(&world, route, who.map(|i| &world.users[i]), target);
                let person = match target {
                    Target::Person(c, p)
                        if route.method == "GET"
                            && route.path == "/cases/{number}/persons/{person}" =>
                    {
                        Some(world.cases[c].persons[p])
                    }
                    _ => None,
                };
                let reads_before = match person {
                    Some((id, _)) if who.is_some() => identity_read_count(&db, id).await,
                    _ => 0,
                };
                if route.method == "POST" {
                    audit_grown(&db, &mut head).await;
                }
                let reply = send(
                    &app,
                    route,
                    &path,
                    who.map(|i| &mut world.users[i]),
                    &mut anonymous,
                    None,
                    &[],
                )
                .await;
                let appended = if route.method == "POST" {
                    audit_grown(&db, &mut head).await
                } else {
                    0
                };
                cells += 1;
                *answers.entry(format!("{expected:?}")).or_default() += 1;
                covered.insert((route.method, route.path));
                let name = who.map_or("anonymous".to_string(), |i| {
                    format!("{} ({})", world.users[i].username, world.users[i].role)
                });
                let record = match target {
                    Target::Case(c) | Target::Screening(c) => world.cases[c].label.to_string(),
                    Target::Person(c, p) => format!(
                        "{} of {}",
                        world.cases[c].persons[p].1, world.cases[c].label
                    ),
                    Target::One => String::new(),
                };
                if !expected.matches(reply.status, reply.location.as_deref()) {
                    wrong.push(format!(
                        "{name} {} {path} [{record}]: {} {:?}, want {expected:?}",
                        route.method, reply.status, reply.location
                    ));
                }
                if route.method == "POST" && expected.refused() {
                    if appended != 0 {
                        wrong.push(format!(
                            "{name} {} {path} [{record}]: refused, yet the audit log grew by \
                             {appended}",
                            route.method
                        ));
                    } else if who.is_some() {
                        refused_writes.insert(route.path);
                    } else {
                        anonymous_writes.insert(route.path);
                    }
                }
                // A person's page shows the identity, and audits its read, exactly when the
                // role reads that kind of person on that case.
                if let (Some((id, person_role)), Some(i), Target::Person(c, _)) =
                    (person, who, target)
                {
                    let user = &world.users[i];
                    let allowed = reads_identity(user.role, user.rel(&world.cases[c]), person_role);
                    let shows = reply.status == 200
                        && !reply.body.contains("does not give access to this person");
                    let audited = identity_read_count(&db, id).await - reads_before;
                    if shows != allowed || audited != usize::from(allowed) {
                        wrong.push(format!(
                            "{name} identity of the {person_role} of {record}: shown={shows}, \
                             audited={audited}, allowed={allowed}"
                        ));
                    }
                    if reply.status == 200 && reply.body.contains("person-identity-hidden") {
                        wrong.push(format!("{name} sees a raw key on {path}"));
                    }
                    identity_cells += 1;
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong cells:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    // Signed out (the last route asked): the sessions no longer open pages.
    for user in &mut world.users {
        let home = user.browser.get("/").await;
        assert_eq!(home.status, 303, "{} is signed out", user.username);
    }
    assert_eq!(
        covered, all,
        "every (method, path) pair of the route table is asked"
    );
    // Every write is refused to somebody, and that refusal changed nothing: a signed-in user
    // the role or the relation refuses, or (for the writes of any signed-in user) anonymous.
    for route in routes.iter().filter(|r| r.method == "POST") {
        let tried = match route.access {
            Access::Global(_) | Access::Record(..) => refused_writes.contains(route.path),
            Access::SignedIn => anonymous_writes.contains(route.path),
            Access::Public => true,
        };
        assert!(
            tried,
            "POST {} is never tried by a refused user",
            route.path
        );
    }
    assert_eq!(identity_cells, 7 * 3 * world.users.len(), "identity cells");
    // Every kind of answer is met, so no branch of the policy goes untried.
    for want in [
        "Allowed",
        "NotFound",
        "Forbidden",
        "SignIn",
        "Unauthorized",
        "SignedOut",
    ] {
        assert!(
            answers.get(want).is_some_and(|n| *n > 0),
            "no cell wants {want}"
        );
    }
    eprintln!(
        "access matrix: {} (method, path) pairs, {cells} cells ({answers:?}), {} users and \
         anonymous",
        all.len(),
        world.users.len()
    );
    db.finish().await;
});
