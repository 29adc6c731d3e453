//! Integration tests of `tabara-store` through its public API. Every `store_test!` runs twice,
//! on a fresh SQLite file (`name::sqlite`) and on a fresh PostgreSQL database
//! (`name::postgres`). Raw SQL appears only where a test plays an attacker who edits the audit
//! table behind Tabara's back.

use std::collections::HashMap;
use std::fmt::Debug;

use chrono::{Days, NaiveDate};
use serde_json::json;
use sqlx::{ConnectOptions, Connection};
use tabara_core::htcds::*;
use tabara_core::ids::*;
use tabara_core::records::*;
use tabara_core::{Country, Picklist, Role, ValueSet};
use tabara_demo::{Demo, Reference};
use tabara_store::audit::GENESIS;
use tabara_store::testing::TestDb;
use tabara_store::{
    Actor, AuditEntry, Batch, BatchCase, CaseFilter, CaseSummary, ExportRow, Location, NewCase,
    NewUser, OpenMode, Page, PageRequest, Store, StoreError, Verification, store_test,
};
use tokio::task::JoinSet;

type StoreResult<T> = Result<T, StoreError>;

// ---------------------------------------------------------------- fixtures

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a YYYY-MM-DD date")
}

fn system() -> Actor {
    Actor::system("test")
}

fn set<T: Picklist>(values: &[T]) -> ValueSet<T> {
    values.iter().copied().collect()
}

fn org(name: &str) -> Organisation {
    Organisation {
        id: OrganisationId::new(),
        name: name.to_string(),
        org_type: OrgType::Ngo,
        street: Some("Avenue de l'Université 3".into()),
        city: Some("Bujumbura".into()),
        province: Some("Bujumbura Mairie".into()),
        country: Some(Country::BI),
        phone: Some("+25722000000".into()),
        version: 1,
    }
}

fn office(org: &Organisation, name: &str) -> Office {
    Office {
        id: OfficeId::new(),
        organisation_id: org.id,
        name: name.to_string(),
        kind: OfficeKind::BorderPost,
        province: "Cibitoke".into(),
        border_country: Country::parse("RW"),
        version: 1,
    }
}

/// One organisation with one office, stored (two audit entries).
struct World {
    org: Organisation,
    office: Office,
}

async fn world(s: &Store) -> World {
    let org = org("Agence de test");
    let office = office(&org, "Poste frontalier de Ruhwa");
    s.create_organisation(&system(), &org).await.unwrap();
    s.create_office(&system(), &office).await.unwrap();
    World { org, office }
}

fn facts() -> PersonFacts {
    PersonFacts {
        gender: Gender::Feminine,
        age_at_registration: Some(24),
        age_uncertain: false,
        citizenship: vec![Country::BI, Country::parse("CD").unwrap()],
        marital_status: Some(MaritalStatus::Single),
        number_of_children: Some(1),
        primary_language: Some("rn".into()),
        secondary_language: Some("fr".into()),
        education: Some(EducationLevel::PrimaryEducation),
        deceased: false,
        registered_on: day("2026-01-10"),
    }
}

/// An identity with every field set; the name is `first second` (no middle name).
fn identity(first: &str, second: &str) -> PersonIdentity {
    PersonIdentity {
        salutation: Some("Mme".into()),
        first_name: Some(first.to_string()),
        middle_name: None,
        second_name: Some(second.to_string()),
        birthdate: Some(day("2002-03-14")),
        identity_number: Some("531/04417".into()),
        title: Some("Commerçante".into()),
        email: Some("personne@example.invalid".into()),
        home_phone: Some("+25722123456".into()),
        mobile_phone: Some("+25779123456".into()),
        mailing_street: Some("Quartier Rohero".into()),
        mailing_city: Some("Bujumbura".into()),
        mailing_state: Some("Bujumbura Mairie".into()),
        mailing_postal_code: Some("BP 1234".into()),
        mailing_country: Some(Country::BI),
        notes: Some("Rencontrée au poste frontalier".into()),
    }
}

async fn add_person(s: &Store, w: &World, first: &str, second: &str) -> Person {
    let person = Person {
        id: PersonId::new(),
        organisation_id: w.org.id,
        facts: facts(),
        version: 1,
    };
    s.create_person(&system(), &person, &identity(first, second))
        .await
        .unwrap();
    person
}

fn new_case(org: OrganisationId, office: Option<OfficeId>, facts: CaseFacts) -> NewCase {
    NewCase {
        id: CaseId::new(),
        organisation_id: org,
        office_id: office,
        owner_id: None,
        facts,
    }
}

async fn open_case(s: &Store, w: &World, opened_on: &str) -> Case {
    let new = new_case(
        w.org.id,
        Some(w.office.id),
        CaseFacts::opened(day(opened_on)),
    );
    s.create_case(&system(), &new).await.unwrap()
}

fn victim(types: &[ExploitationType]) -> Involvement {
    Involvement::Victim(VictimContext {
        exploitation_types: set(types),
        ..Default::default()
    })
}

/// A victim context with every field set.
fn full_victim() -> VictimContext {
    VictimContext {
        trafficking_status: Some(TraffickingStatus::ActualVictimOfTrafficking),
        decision_org: Some(DecisionMakingOrg::Police),
        relationship_to_trafficker: Some(RelationshipToTrafficker::Unacquainted),
        age_when_trafficked: Some(16),
        recruitment_websites: set(&[WebsiteOrApp::Facebook, WebsiteOrApp::WhatsApp]),
        methods_of_recruitment: set(&[MethodOfRecruitment::ThroughFriendsOrSocialEvents]),
        methods_of_control: set(&[
            MethodOfControl::DebtBondage,
            MethodOfControl::WithholdsDocuments,
        ]),
        exploitation_types: set(&[
            ExploitationType::ForcedLabour,
            ExploitationType::SexualExploitation,
        ]),
        labour_industries: set(&[LabourIndustry::A, LabourIndustry::T]),
        sex_exploitation_types: set(&[SexExploitationType::Prostitution]),
        exploitation_websites: set(&[WebsiteOrApp::FourSale]),
        recruitment_country: Some(Country::BI),
        exploitation_country: Country::parse("TZ"),
    }
}

fn full_victim_without(t: ExploitationType) -> VictimContext {
    let mut v = full_victim();
    v.exploitation_types = v.exploitation_types.iter().filter(|x| *x != t).collect();
    v
}

fn suspect(roles: &[RoleInProcess], organisation_id: Option<OrganisationId>) -> Involvement {
    Involvement::Suspect(PerpetratorContext {
        roles: set(roles),
        role_details: Some("Recrutait au marché de Ruhwa".into()),
        organisation_id,
    })
}

fn consent(person_id: PersonId, scope: ConsentScope, recorded_on: &str) -> Consent {
    Consent {
        id: ConsentId::new(),
        person_id,
        case_id: None,
        scope,
        given: true,
        informed_purpose: true,
        informed_data_use: true,
        informed_research_use: true,
        informed_right_of_access: true,
        informed_retention: true,
        informed_withdrawal: true,
        recorded_on: day(recorded_on),
        withdrawn_on: None,
    }
}

// ---------------------------------------------------------------- assertions

#[track_caller]
fn assert_invalid<T: Debug>(r: StoreResult<T>, field: &str, rule: &str) {
    match r {
        Err(StoreError::Invalid(e)) => {
            let f = e
                .get(field)
                .unwrap_or_else(|| panic!("expected an error on {field}, got: {e}"));
            assert_eq!(f.rule, rule, "{e}");
        }
        other => panic!("expected Invalid on {field} ({rule}), got {other:?}"),
    }
}

#[track_caller]
fn assert_conflict<T: Debug>(r: StoreResult<T>, kind: &str, id: &str, expected: i64, actual: i64) {
    match r {
        Err(StoreError::Conflict {
            kind: k,
            id: i,
            expected: e,
            actual: a,
        }) => assert_eq!((k, i.as_str(), e, a), (kind, id, expected, actual)),
        other => panic!("expected Conflict on {kind} {id}, got {other:?}"),
    }
}

#[track_caller]
fn assert_duplicate<T: Debug>(r: StoreResult<T>, what: &str, value_contains: &str) {
    match r {
        Err(StoreError::Duplicate { what: w, value }) => {
            assert_eq!(w, what);
            assert!(value.contains(value_contains), "{value}");
        }
        other => panic!("expected Duplicate {what}, got {other:?}"),
    }
}

#[track_caller]
fn assert_not_found<T: Debug>(r: StoreResult<T>, kind: &str, id: &str) {
    match r {
        Err(StoreError::NotFound { kind: k, id: i }) => assert_eq!((k, i.as_str()), (kind, id)),
        other => panic!("expected NotFound {kind} {id}, got {other:?}"),
    }
}

#[track_caller]
fn assert_broken(v: Verification, seq: i64) {
    match v {
        Verification::Broken { seq: s, reason } => assert_eq!(s, seq, "{reason}"),
        other => panic!("expected the chain broken at entry {seq}, got {other:?}"),
    }
}

// ---------------------------------------------------------------- audit helpers

async fn all_audit(s: &Store) -> Vec<AuditEntry> {
    s.audit_entries(0, 100_000).await.unwrap()
}

/// Number of audit entries (the chain head).
async fn audit_count(s: &Store) -> i64 {
    s.stats().await.unwrap().audit_entries
}

/// `(actor, action, record_kind, record_id)` of each entry.
fn audit_lines(entries: &[AuditEntry]) -> Vec<(String, String, String, String)> {
    entries
        .iter()
        .map(|e| {
            (
                e.actor.clone(),
                e.action.clone(),
                e.record_kind.clone(),
                e.record_id.clone(),
            )
        })
        .collect()
}

fn audit_line(
    actor: &Actor,
    action: &str,
    kind: &str,
    id: &str,
) -> (String, String, String, String) {
    (
        actor.as_str().to_string(),
        action.to_string(),
        kind.to_string(),
        id.to_string(),
    )
}

async fn trail_actions(s: &Store, kind: &str, id: &str) -> Vec<String> {
    s.audit_trail(kind, id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

/// Run one statement on the register through a connection of its own, as an attacker with
/// database access would, and check that it touched exactly one row.
async fn tamper(db: &TestDb, sql: &'static str) {
    let rows = match db.sqlite_path() {
        Some(path) => {
            let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
                .filename(path)
                .connect()
                .await
                .expect("open the SQLite file");
            let done = sqlx::query(sql).execute(&mut conn).await.unwrap();
            conn.close().await.unwrap();
            done.rows_affected()
        }
        None => {
            let mut conn = sqlx::PgConnection::connect(&db.database_arg())
                .await
                .expect("connect to the PostgreSQL register");
            let done = sqlx::query(sql).execute(&mut conn).await.unwrap();
            conn.close().await.unwrap();
            done.rows_affected()
        }
    };
    assert_eq!(rows, 1, "tampering must touch exactly one row: {sql}");
}

/// Writes of several kinds; returns the actions they must have logged, in order.
async fn audited_writes(s: &Store) -> Vec<&'static str> {
    let w = world(s).await;
    let p = add_person(s, &w, "Aline", "Niyonkuru").await;
    s.read_identity(&system(), p.id).await.unwrap();
    let case = open_case(s, &w, "2026-01-10").await;
    s.add_case_person(
        &system(),
        case.id,
        p.id,
        &victim(&[ExploitationType::ForcedLabour]),
    )
    .await
    .unwrap();
    s.add_comment(&system(), case.id, "Audition faite.")
        .await
        .unwrap();
    let mut edit = p.clone();
    edit.facts.number_of_children = Some(2);
    s.update_person(&system(), &edit).await.unwrap();
    vec![
        "organisation.create",
        "office.create",
        "person.create",
        "person_identity.read",
        "case.create",
        "case_person.add",
        "case_comment.create",
        "person.update",
    ]
}

// ---------------------------------------------------------------- case list helpers

/// Every page of the case list for a filter, following the cursor.
async fn pages(s: &Store, filter: &CaseFilter, limit: i64) -> Vec<Page<CaseSummary>> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = s
            .list_cases(filter, PageRequest { after, limit })
            .await
            .unwrap();
        after = page.next;
        out.push(page);
        if after.is_none() {
            return out;
        }
        assert!(out.len() < 1000, "the cursor never ends");
    }
}

fn numbers(pages: &[Page<CaseSummary>]) -> Vec<i64> {
    pages
        .iter()
        .flat_map(|p| p.items.iter().map(|c| c.number))
        .collect()
}

async fn listed(s: &Store, filter: &CaseFilter) -> Vec<i64> {
    let pages = pages(s, filter, 500).await;
    assert_eq!(pages.len(), 1, "one page of 500 holds every test case");
    numbers(&pages)
}

async fn listed_summaries(s: &Store, filter: &CaseFilter) -> Vec<CaseSummary> {
    pages(s, filter, 500)
        .await
        .into_iter()
        .flat_map(|p| p.items)
        .collect()
}

// ---------------------------------------------------------------- demo helpers

/// The demo's organisations and offices, then every batch through `bulk_insert`.
async fn load_demo(s: &Store, seed: u64, persons: u64) -> (Demo, Vec<Batch>) {
    let mut demo = Demo::new(seed, persons);
    let Reference {
        organisations,
        offices,
        ..
    } = demo.reference().clone();
    for o in &organisations {
        s.create_organisation(&system(), o).await.unwrap();
    }
    for o in &offices {
        s.create_office(&system(), o).await.unwrap();
    }
    let mut batches = Vec::new();
    while let Some(batch) = demo.next_batch(100) {
        s.bulk_insert(&Actor::system("demo"), &batch).await.unwrap();
        batches.push(batch);
    }
    (demo, batches)
}

/// The cases of the batches with the numbers the store must have given them.
fn numbered(batches: &[Batch]) -> Vec<(i64, &BatchCase)> {
    batches
        .iter()
        .flat_map(|b| &b.cases)
        .enumerate()
        .map(|(i, c)| (i as i64 + 1, c))
        .collect()
}

fn union_of_victims(c: &BatchCase) -> ValueSet<ExploitationType> {
    c.persons
        .iter()
        .filter_map(|(_, inv)| match inv {
            Involvement::Victim(v) => Some(v.exploitation_types.iter()),
            _ => None,
        })
        .flatten()
        .collect()
}

// ================================================================ 1. organisations, users

store_test!(organisations_offices_and_users, |db| async move {
    let s = &db.store;
    let actor = system();
    let beta = org("Beta ONG");
    let alpha = Organisation {
        org_type: OrgType::LawEnforcement,
        street: None,
        city: None,
        province: None,
        country: None,
        phone: None,
        ..org("Alpha Police")
    };
    s.create_organisation(&actor, &beta).await.unwrap();
    s.create_organisation(&actor, &alpha).await.unwrap();
    assert_eq!(
        s.organisations().await.unwrap(),
        vec![alpha.clone(), beta.clone()]
    );

    let ruhwa = office(&alpha, "Poste frontalier de Ruhwa");
    let gitega = Office {
        kind: OfficeKind::Headquarters,
        border_country: None,
        province: "Gitega".into(),
        ..office(&beta, "Bureau de Gitega")
    };
    s.create_office(&actor, &ruhwa).await.unwrap();
    s.create_office(&actor, &gitega).await.unwrap();
    assert_eq!(
        s.offices().await.unwrap(),
        vec![gitega.clone(), ruhwa.clone()]
    );

    let user = NewUser {
        id: UserId::new(),
        username: "opj.nshimirimana".into(),
        display_name: "OPJ Pascal Nshimirimana".into(),
        role: Role::Investigator,
        organisation_id: alpha.id,
        office_id: Some(ruhwa.id),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
    };
    assert_eq!(s.create_user(&actor, &user).await.unwrap(), user.id);
    let got = s
        .user_by_username("opj.nshimirimana")
        .await
        .unwrap()
        .expect("the user is found by user name");
    assert_eq!(
        (
            got.id,
            got.username.as_str(),
            got.display_name.as_str(),
            got.role,
            got.organisation_id,
            got.office_id,
            got.disabled,
            got.version
        ),
        (
            user.id,
            "opj.nshimirimana",
            "OPJ Pascal Nshimirimana",
            Role::Investigator,
            alpha.id,
            Some(ruhwa.id),
            false,
            1
        )
    );
    assert!(s.user_by_username("nobody").await.unwrap().is_none());

    let again = NewUser {
        id: UserId::new(),
        display_name: "Quelqu'un d'autre".into(),
        role: Role::Analyst,
        organisation_id: beta.id,
        office_id: None,
        ..user.clone()
    };
    assert_duplicate(
        s.create_user(&actor, &again).await,
        "user name",
        "opj.nshimirimana",
    );
    assert_eq!(s.count_users().await.unwrap(), 1);
    // A display name reaches pages, exports and terminals: no control characters.
    let escape = NewUser {
        id: UserId::new(),
        username: "opj.escape".into(),
        display_name: "OPJ \u{1b}[2J".into(),
        ..user.clone()
    };
    match s.create_user(&actor, &escape).await {
        Err(tabara_store::StoreError::Invalid(e)) => {
            assert_eq!(e.0[0].rule, "control_characters", "{e}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(s.count_users().await.unwrap(), 1);

    let stats = s.stats().await.unwrap();
    assert_eq!(
        (
            stats.organisations,
            stats.offices,
            stats.users,
            stats.persons,
            stats.cases,
            stats.audit_entries
        ),
        (2, 2, 1, 0, 0, 5)
    );
    assert_eq!(
        audit_lines(&all_audit(s).await),
        vec![
            audit_line(
                &actor,
                "organisation.create",
                "organisation",
                &beta.id.to_string()
            ),
            audit_line(
                &actor,
                "organisation.create",
                "organisation",
                &alpha.id.to_string()
            ),
            audit_line(&actor, "office.create", "office", &ruhwa.id.to_string()),
            audit_line(&actor, "office.create", "office", &gitega.id.to_string()),
            audit_line(&actor, "user.create", "user", &user.id.to_string()),
        ]
    );
    db.finish().await
});

store_test!(organisation_update_is_versioned, |db| async move {
    let s = &db.store;
    let w = world(s).await;
    let renamed = Organisation {
        name: "Agence renommée".into(),
        ..w.org.clone()
    };
    assert_eq!(s.update_organisation(&system(), &renamed).await.unwrap(), 2);
    assert_eq!(
        s.organisations().await.unwrap(),
        vec![Organisation {
            version: 2,
            ..renamed.clone()
        }]
    );
    let history = s
        .history("organisation", &w.org.id.to_string())
        .await
        .unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        history[0].changes,
        json!({ "name": ["Agence de test", "Agence renommée"] })
    );
    let stale = Organisation {
        phone: None,
        ..w.org.clone()
    };
    assert_conflict(
        s.update_organisation(&system(), &stale).await,
        "organisation",
        &w.org.id.to_string(),
        1,
        2,
    );
    db.finish().await
});

// ================================================================ 2. persons

store_test!(
    person_identity_reads_are_audited_without_names,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let actor = Actor::user(UserId::new());
        let ident = identity("Évariste", "Ndayishimiye");
        let person = Person {
            id: PersonId::new(),
            organisation_id: w.org.id,
            facts: facts(),
            version: 1,
        };
        let pid = person.id.to_string();
        s.create_person(&actor, &person, &ident).await.unwrap();

        assert_eq!(s.person(person.id).await.unwrap(), person);
        assert_eq!(
            trail_actions(s, "person", &pid).await,
            vec!["person.create"],
            "reading facts is not audited"
        );

        assert_eq!(
            s.read_identity(&actor, person.id).await.unwrap(),
            (ident.clone(), 1)
        );
        assert_eq!(
            audit_lines(&s.audit_trail("person", &pid).await.unwrap()),
            vec![
                audit_line(&actor, "person.create", "person", &pid),
                audit_line(&actor, "person_identity.read", "person", &pid),
            ]
        );
        s.read_identity(&system(), person.id).await.unwrap();
        assert_eq!(
            audit_lines(&s.audit_trail("person", &pid).await.unwrap())[2],
            audit_line(&system(), "person_identity.read", "person", &pid),
            "every read is audited, against its own actor"
        );

        let secrets = [
            "évariste",
            "evariste",
            "ndayishimiye",
            "531/04417",
            "+25779123456",
            "personne@example.invalid",
        ];
        for e in all_audit(s).await {
            for field in [&e.actor, &e.action, &e.record_kind, &e.record_id] {
                for secret in secrets {
                    assert!(
                        !field.to_lowercase().contains(secret),
                        "audit entry {} holds '{secret}': {field}",
                        e.seq
                    );
                }
            }
        }

        let unknown = PersonId::new();
        let before = audit_count(s).await;
        assert_not_found(s.person(unknown).await, "person", &unknown.to_string());
        assert_not_found(
            s.read_identity(&actor, unknown).await,
            "person",
            &unknown.to_string(),
        );
        assert_eq!(audit_count(s).await, before, "a failed read logs nothing");
        db.finish().await
    }
);

// ================================================================ 3. optimistic concurrency

store_test!(person_update_is_versioned, |db| async move {
    let s = &db.store;
    let w = world(s).await;
    let actor = Actor::user(UserId::new());
    let p = add_person(s, &w, "Aline", "Niyonkuru").await;
    let pid = p.id.to_string();

    let mut edit = p.clone();
    edit.facts.number_of_children = Some(3);
    edit.facts.marital_status = Some(MaritalStatus::Married);
    assert_eq!(s.update_person(&actor, &edit).await.unwrap(), 2);
    assert_eq!(
        s.person(p.id).await.unwrap(),
        Person {
            version: 2,
            ..edit.clone()
        }
    );
    let history = s.history("person", &pid).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        (history[0].version, history[0].actor.as_str()),
        (2, actor.as_str())
    );
    assert_eq!(
        history[0].changes,
        json!({
            "marital_status": ["Single", "Married"],
            "number_of_children": [1, 3],
        })
    );

    let mut stale = p.clone();
    stale.facts.deceased = true;
    assert_conflict(s.update_person(&actor, &stale).await, "person", &pid, 1, 2);
    let stored = s.person(p.id).await.unwrap();
    assert_eq!((stored.version, stored.facts.deceased), (2, false));
    assert_eq!(s.history("person", &pid).await.unwrap().len(), 1);
    assert_eq!(
        trail_actions(s, "person", &pid).await,
        vec!["person.create", "person.update"]
    );

    let mut next = stored.clone();
    next.facts.deceased = true;
    assert_eq!(s.update_person(&actor, &next).await.unwrap(), 3);
    let unknown = Person {
        id: PersonId::new(),
        ..p.clone()
    };
    assert_not_found(
        s.update_person(&actor, &unknown).await,
        "person",
        &unknown.id.to_string(),
    );
    db.finish().await
});

store_test!(person_history_matches_stored_facts, |db| async move {
    // Whatever an update records as changed must be what the store now holds.
    let s = &db.store;
    let w = world(s).await;
    let p = add_person(s, &w, "Aline", "Niyonkuru").await;
    let mut edit = p.clone();
    edit.facts.registered_on = day("2026-02-01");
    edit.facts.gender = Gender::NonSpecifiedUnknown;
    s.update_person(&system(), &edit).await.unwrap();
    let stored = s.person(p.id).await.unwrap();
    let history = s.history("person", &p.id.to_string()).await.unwrap();
    let changed: Vec<&String> = history[0].changes.as_object().unwrap().keys().collect();
    assert!(changed.iter().any(|f| *f == "gender"), "{changed:?}");
    assert_eq!(stored.facts.gender, Gender::NonSpecifiedUnknown);
    for field in changed {
        let now = serde_json::to_value(&stored.facts).unwrap()[field].clone();
        assert_eq!(
            now, history[0].changes[field][1],
            "history says {field} changed to {}, the store holds {now}",
            history[0].changes[field][1]
        );
    }
    db.finish().await
});

store_test!(case_update_is_versioned, |db| async move {
    let s = &db.store;
    let w = world(s).await;
    let actor = Actor::user(UserId::new());
    let other_office = office(&w.org, "Commissariat de Cibitoke");
    s.create_office(&system(), &other_office).await.unwrap();
    let case = open_case(s, &w, "2026-01-10").await;
    let cid = case.id.to_string();

    let mut edit = case.clone();
    edit.office_id = Some(other_office.id);
    edit.facts.status = CaseStatus::Closed;
    edit.facts.closed_on = Some(day("2026-03-01"));
    edit.facts.closure_reason = Some("Victime réintégrée".into());
    assert_eq!(s.update_case(&actor, &edit).await.unwrap(), 2);
    assert_eq!(
        s.case(case.id).await.unwrap(),
        Case {
            version: 2,
            ..edit.clone()
        }
    );
    let history = s.history("case", &cid).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        (history[0].version, history[0].actor.as_str()),
        (2, actor.as_str())
    );
    assert_eq!(
        history[0].changes,
        json!({
            "status": ["Active", "Closed"],
            "closed_on": [null, "2026-03-01"],
            "closure_reason": [null, "Victime réintégrée"],
            "office_id": [w.office.id.to_string(), other_office.id.to_string()],
        })
    );

    let mut stale = case.clone();
    stale.facts.status = CaseStatus::FollowUp;
    assert_conflict(
        s.update_case(&actor, &stale).await,
        "case",
        "TBR-000001",
        1,
        2,
    );
    let mut invalid = s.case(case.id).await.unwrap();
    invalid.facts.closed_on = None;
    assert_invalid(
        s.update_case(&actor, &invalid).await,
        "cas_ClosedOn",
        "required_when_closed",
    );
    assert_eq!(
        s.case(case.id).await.unwrap(),
        Case {
            version: 2,
            ..edit.clone()
        }
    );
    assert_eq!(s.history("case", &cid).await.unwrap().len(), 1);
    assert_eq!(
        trail_actions(s, "case", &cid).await,
        vec!["case.create", "case.update"]
    );
    db.finish().await
});

store_test!(identity_update_is_versioned, |db| async move {
    let s = &db.store;
    let w = world(s).await;
    let actor = Actor::user(UserId::new());
    let p = add_person(s, &w, "Aline", "Niyonkuru").await;
    let pid = p.id.to_string();

    let (mut ident, version) = s.read_identity(&actor, p.id).await.unwrap();
    assert_eq!(version, 1);
    ident.mobile_phone = Some("+25779000111".into());
    ident.second_name = Some("Niyonkuru-Bizimana".into());
    assert_eq!(s.update_identity(&actor, p.id, 1, &ident).await.unwrap(), 2);
    assert_eq!(
        s.read_identity(&actor, p.id).await.unwrap(),
        (ident.clone(), 2)
    );
    let history = s.history("person_identity", &pid).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        (history[0].version, history[0].actor.as_str()),
        (2, actor.as_str())
    );
    assert_eq!(
        history[0].changes,
        json!({
            "mobile_phone": ["+25779123456", "+25779000111"],
            "second_name": ["Niyonkuru", "Niyonkuru-Bizimana"],
        })
    );
    assert!(
        s.history("person", &pid).await.unwrap().is_empty(),
        "identifying values never land in the person's history"
    );

    let other = identity("Autre", "Nom");
    assert_conflict(
        s.update_identity(&actor, p.id, 1, &other).await,
        "person identity",
        &pid,
        1,
        2,
    );
    assert_eq!(s.read_identity(&actor, p.id).await.unwrap(), (ident, 2));
    assert_eq!(
        trail_actions(s, "person", &pid).await,
        vec![
            "person.create",
            "person_identity.read",
            "person_identity.update",
            "person_identity.read",
            "person_identity.read",
        ]
    );
    db.finish().await
});

// ================================================================ 4. cases

store_test!(cases_are_numbered_in_order, |db| async move {
    let s = &db.store;
    let w = world(s).await;
    let referrer = org("Maison d'accueil");
    s.create_organisation(&system(), &referrer).await.unwrap();
    let facts = CaseFacts {
        referring_organisation_id: Some(referrer.id),
        incoming_referral_date: Some(day("2026-01-09")),
        incoming_referral_reason: Some(ReferralReason::AdditionalServicesRequired),
        incoming_referral_details: Some("Référée par la maison d'accueil".into()),
        ..CaseFacts::opened(day("2026-01-10"))
    };
    let mut made = Vec::new();
    for on in ["2026-01-10", "2026-02-11", "2026-03-12"] {
        let new = new_case(
            w.org.id,
            Some(w.office.id),
            CaseFacts {
                opened_on: day(on),
                ..facts.clone()
            },
        );
        let case = s.create_case(&system(), &new).await.unwrap();
        assert_eq!(
            case,
            Case {
                id: new.id,
                number: case.number,
                organisation_id: w.org.id,
                office_id: Some(w.office.id),
                owner_id: None,
                facts: new.facts.clone(),
                version: 1,
            }
        );
        made.push(case);
    }
    assert_eq!(made.iter().map(|c| c.number).collect::<Vec<_>>(), [1, 2, 3]);
    for c in &made {
        assert_eq!(&s.case_by_number(c.number).await.unwrap(), c);
        assert_eq!(&s.case(c.id).await.unwrap(), c);
    }
    assert_eq!(made[1].reference(), "TBR-000002");

    let closed_without_date = CaseFacts {
        status: CaseStatus::Closed,
        ..CaseFacts::opened(day("2026-01-10"))
    };
    assert_invalid(
        s.create_case(&system(), &new_case(w.org.id, None, closed_without_date))
            .await,
        "cas_ClosedOn",
        "required_when_closed",
    );
    assert_invalid(
        s.create_case(
            &system(),
            &new_case(w.org.id, None, CaseFacts::opened(day("2099-01-01"))),
        )
        .await,
        "cas_OpenedOn",
        "not_in_future",
    );
    let unknown_org = new_case(OrganisationId::new(), None, facts.clone());
    match s.create_case(&system(), &unknown_org).await {
        Err(StoreError::Database(_)) => {}
        other => panic!("a case of an unknown organisation must be refused, got {other:?}"),
    }
    let fourth = s
        .create_case(&system(), &new_case(w.org.id, None, facts))
        .await
        .unwrap();
    assert_eq!(fourth.number, 4, "refused cases use up no number");

    assert_not_found(s.case_by_number(99).await, "case", "TBR-000099");
    let unknown = CaseId::new();
    assert_not_found(s.case(unknown).await, "case", &unknown.to_string());
    assert_eq!(s.stats().await.unwrap().cases, 4);
    db.finish().await
});

// ================================================================ 5. case persons

store_test!(case_persons_with_their_involvement, |db| async move {
    let s = &db.store;
    let w = world(s).await;
    let actor = Actor::user(UserId::new());
    let case = open_case(s, &w, "2026-01-10").await;
    let v = add_person(s, &w, "Aline", "Niyonkuru").await;
    let sp = add_person(s, &w, "Didace", "Ndikumana").await;
    let wt = add_person(s, &w, "Josiane", "Kwizera").await;
    let involved = [
        (v.clone(), Involvement::Victim(full_victim())),
        (
            sp.clone(),
            suspect(
                &[
                    RoleInProcess::RecruiterOrIntermediary,
                    RoleInProcess::Transporter,
                ],
                Some(w.org.id),
            ),
        ),
        (wt.clone(), Involvement::Witness),
    ];
    for (p, inv) in &involved {
        s.add_case_person(&actor, case.id, p.id, inv).await.unwrap();
    }

    let stored = s.case_persons(case.id).await.unwrap();
    assert_eq!(stored.len(), 3);
    for (p, inv) in &involved {
        let cp = stored
            .iter()
            .find(|cp| cp.person.id == p.id)
            .expect("every involved person is listed");
        assert_eq!((&cp.person, &cp.involvement, cp.version), (p, inv, 1));
    }

    assert_duplicate(
        s.add_case_person(&actor, case.id, v.id, &Involvement::Witness)
            .await,
        "person in this case",
        "victim",
    );
    let x = add_person(s, &w, "Fabrice", "Nduwimana").await;
    let sex_without_sexual = Involvement::Victim(VictimContext {
        sex_exploitation_types: set(&[SexExploitationType::Prostitution]),
        ..full_victim_without(ExploitationType::SexualExploitation)
    });
    assert_invalid(
        s.add_case_person(&actor, case.id, x.id, &sex_without_sexual)
            .await,
        "vic_TypeOfSexExploitation",
        "requires_sexual_exploitation",
    );
    let unknown_case = CaseId::new();
    assert_not_found(
        s.add_case_person(&actor, unknown_case, x.id, &Involvement::Other)
            .await,
        "case",
        &unknown_case.to_string(),
    );
    let unknown_person = PersonId::new();
    assert_not_found(
        s.add_case_person(&actor, case.id, unknown_person, &Involvement::Other)
            .await,
        "person",
        &unknown_person.to_string(),
    );
    assert_eq!(s.case_persons(case.id).await.unwrap().len(), 3);

    let summary = &listed_summaries(s, &CaseFilter::default()).await[0];
    assert_eq!(
        (
            summary.persons,
            summary.victims,
            summary.exploitation_types.clone()
        ),
        (3, 1, full_victim().exploitation_types)
    );

    // A new context replaces the old one, based on version 1.
    let begging = Involvement::Victim(VictimContext {
        exploitation_types: set(&[ExploitationType::ForcedBegging]),
        sex_exploitation_types: ValueSet::new(),
        labour_industries: ValueSet::new(),
        ..full_victim()
    });
    assert_eq!(
        s.update_case_person(&actor, case.id, v.id, 1, &begging)
            .await
            .unwrap(),
        2
    );
    let cp_id = format!("{}/{}", case.id, v.id);
    assert_conflict(
        s.update_case_person(&actor, case.id, v.id, 1, &Involvement::Witness)
            .await,
        "person in case",
        &cp_id,
        1,
        2,
    );
    let stored = s.case_persons(case.id).await.unwrap();
    let cp = stored.iter().find(|cp| cp.person.id == v.id).unwrap();
    assert_eq!((&cp.involvement, cp.version), (&begging, 2));
    let history = s.history("case_person", &cp_id).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        history[0].changes,
        json!({ "involvement": [Involvement::Victim(full_victim()), begging] })
    );
    let by_type = |t| CaseFilter {
        exploitation: Some(t),
        ..Default::default()
    };
    assert_eq!(
        listed(s, &by_type(ExploitationType::ForcedBegging)).await,
        [1]
    );
    assert_eq!(
        listed(s, &by_type(ExploitationType::ForcedLabour)).await,
        Vec::<i64>::new(),
        "the case's exploitation types follow its victims"
    );
    assert_not_found(
        s.update_case_person(&actor, case.id, x.id, 1, &Involvement::Other)
            .await,
        "person in case",
        &format!("{}/{}", case.id, x.id),
    );
    assert_eq!(
        trail_actions(s, "case_person", &cp_id).await,
        vec!["case_person.add", "case_person.update"]
    );
    db.finish().await
});

// ================================================================ 6. case list

const STATUSES: [CaseStatus; 4] = [
    CaseStatus::Active,
    CaseStatus::FollowUp,
    CaseStatus::Closed,
    CaseStatus::ClosedReferred,
];
const TYPES: [ExploitationType; 4] = [
    ExploitationType::ForcedLabour,
    ExploitationType::SexualExploitation,
    ExploitationType::ChildLabour,
    ExploitationType::ForcedMarriage,
];
const LIST_CASES: usize = 30;

/// What the list test stores as case `i` (number `i + 1`).
struct Planned {
    number: i64,
    status: CaseStatus,
    office: usize,
    organisation: usize,
    opened_on: NaiveDate,
    involved: Vec<Involvement>,
}

impl Planned {
    fn new(i: usize) -> Planned {
        let mut involved = Vec::new();
        if i % 5 != 4 {
            involved.push(victim(&[TYPES[i % 4]]));
        }
        if i.is_multiple_of(6) {
            involved.push(victim(&[ExploitationType::SexualExploitation]));
        }
        if i.is_multiple_of(3) {
            involved.push(Involvement::Witness);
        }
        Planned {
            number: i as i64 + 1,
            status: STATUSES[i % 4],
            office: i % 3,
            organisation: usize::from(i % 3 == 2),
            opened_on: day("2026-01-05") + Days::new(5 * i as u64),
            involved,
        }
    }

    fn facts(&self) -> CaseFacts {
        let closed = matches!(self.status, CaseStatus::Closed | CaseStatus::ClosedReferred);
        CaseFacts {
            status: self.status,
            closed_on: closed.then(|| self.opened_on + Days::new(3)),
            ..CaseFacts::opened(self.opened_on)
        }
    }

    fn types(&self) -> ValueSet<ExploitationType> {
        self.involved
            .iter()
            .filter_map(|inv| match inv {
                Involvement::Victim(v) => Some(v.exploitation_types.iter()),
                _ => None,
            })
            .flatten()
            .collect()
    }

    fn victims(&self) -> i64 {
        self.involved
            .iter()
            .filter(|inv| matches!(inv, Involvement::Victim(_)))
            .count() as i64
    }
}

/// The list filtered in the store equals the plan filtered in Rust (newest first), and the
/// filter keeps some cases but not all.
async fn assert_filter(
    s: &Store,
    plan: &[Planned],
    filter: CaseFilter,
    keep: impl Fn(&Planned) -> bool,
) {
    let expected: Vec<i64> = plan
        .iter()
        .rev()
        .filter(|p| keep(p))
        .map(|p| p.number)
        .collect();
    assert!(
        !expected.is_empty() && expected.len() < plan.len(),
        "{filter:?} must select some cases but not all: {expected:?}"
    );
    assert_eq!(listed(s, &filter).await, expected, "{filter:?}");
}

store_test!(case_list_filters_and_pages, |db| async move {
    let s = &db.store;
    let orgs = [org("Agence A"), org("Agence B")];
    let offices = [
        office(&orgs[0], "Bureau 1"),
        office(&orgs[0], "Bureau 2"),
        office(&orgs[1], "Bureau 3"),
    ];
    for o in &orgs {
        s.create_organisation(&system(), o).await.unwrap();
    }
    for o in &offices {
        s.create_office(&system(), o).await.unwrap();
    }
    let w = World {
        org: orgs[0].clone(),
        office: offices[0].clone(),
    };
    let plan: Vec<Planned> = (0..LIST_CASES).map(Planned::new).collect();
    for p in &plan {
        let new = new_case(
            orgs[p.organisation].id,
            Some(offices[p.office].id),
            p.facts(),
        );
        let case = s.create_case(&system(), &new).await.unwrap();
        assert_eq!(case.number, p.number);
        for inv in &p.involved {
            let person = add_person(s, &w, "Personne", &format!("N{}", p.number)).await;
            s.add_case_person(&system(), case.id, person.id, inv)
                .await
                .unwrap();
        }
    }

    // Every line of the unfiltered list.
    let all = listed_summaries(s, &CaseFilter::default()).await;
    let lines: Vec<_> = all
        .iter()
        .map(|c| {
            (
                c.number,
                c.reference.clone(),
                c.status,
                c.opened_on,
                c.organisation.clone(),
                c.office.clone(),
                c.exploitation_types.clone(),
                c.persons,
                c.victims,
            )
        })
        .collect();
    let expected: Vec<_> = plan
        .iter()
        .rev()
        .map(|p| {
            (
                p.number,
                format!("TBR-{:06}", p.number),
                p.status,
                p.opened_on,
                orgs[p.organisation].name.clone(),
                Some(offices[p.office].name.clone()),
                p.types(),
                p.involved.len() as i64,
                p.victims(),
            )
        })
        .collect();
    assert_eq!(lines, expected);

    for status in STATUSES {
        let filter = CaseFilter {
            status: Some(status),
            ..Default::default()
        };
        assert_filter(s, &plan, filter, |p| p.status == status).await;
    }
    for t in TYPES {
        let filter = CaseFilter {
            exploitation: Some(t),
            ..Default::default()
        };
        assert_filter(s, &plan, filter, |p| p.types().contains(t)).await;
    }
    let begging = CaseFilter {
        exploitation: Some(ExploitationType::ForcedBegging),
        ..Default::default()
    };
    assert_eq!(listed(s, &begging).await, Vec::<i64>::new());
    for (i, o) in offices.iter().enumerate() {
        let filter = CaseFilter {
            office_id: Some(o.id),
            ..Default::default()
        };
        assert_filter(s, &plan, filter, |p| p.office == i).await;
    }
    for (i, o) in orgs.iter().enumerate() {
        let filter = CaseFilter {
            organisation_id: Some(o.id),
            ..Default::default()
        };
        assert_filter(s, &plan, filter, |p| p.organisation == i).await;
    }
    let (from, to) = (plan[10].opened_on, plan[20].opened_on);
    let from_filter = CaseFilter {
        opened_from: Some(from),
        ..Default::default()
    };
    assert_filter(s, &plan, from_filter, |p| p.opened_on >= from).await;
    let to_filter = CaseFilter {
        opened_to: Some(to),
        ..Default::default()
    };
    assert_filter(s, &plan, to_filter, |p| p.opened_on <= to).await;
    let between = CaseFilter {
        opened_from: Some(from),
        opened_to: Some(to),
        ..Default::default()
    };
    assert_eq!(
        listed(s, &between).await,
        (11..=21).rev().collect::<Vec<i64>>(),
        "both bounds are inclusive"
    );
    let combined = CaseFilter {
        status: Some(CaseStatus::Active),
        organisation_id: Some(orgs[0].id),
        exploitation: Some(ExploitationType::ForcedLabour),
        ..Default::default()
    };
    assert_filter(s, &plan, combined, |p| {
        p.status == CaseStatus::Active
            && p.organisation == 0
            && p.types().contains(ExploitationType::ForcedLabour)
    })
    .await;

    // Keyset pagination over everything, 7 at a time.
    let walked = pages(s, &CaseFilter::default(), 7).await;
    assert_eq!(
        walked.iter().map(|p| p.items.len()).collect::<Vec<_>>(),
        [7, 7, 7, 7, 2]
    );
    assert_eq!(
        walked.iter().map(|p| p.next).collect::<Vec<_>>(),
        [Some(24), Some(17), Some(10), Some(3), None]
    );
    assert_eq!(numbers(&walked), (1..=30).rev().collect::<Vec<i64>>());

    // A filter whose count (20) is a multiple of the page size: no empty last page.
    let org_a = CaseFilter {
        organisation_id: Some(orgs[0].id),
        ..Default::default()
    };
    let walked = pages(s, &org_a, 5).await;
    assert_eq!(
        walked.iter().map(|p| p.items.len()).collect::<Vec<_>>(),
        [5, 5, 5, 5]
    );
    assert_eq!(numbers(&walked), listed(s, &org_a).await);
    db.finish().await
});

// ================================================================ 7. comments and consents

store_test!(comments_and_consents, |db| async move {
    let s = &db.store;
    let w = world(s).await;
    let actor = Actor::user(UserId::new());
    let case = open_case(s, &w, "2026-01-10").await;
    let other = open_case(s, &w, "2026-01-11").await;

    let first = s
        .add_comment(&actor, case.id, "Première audition faite.")
        .await
        .unwrap();
    let second = s
        .add_comment(
            &system(),
            case.id,
            "  Transfert vers la maison d'accueil.\n",
        )
        .await
        .unwrap();
    let third = s
        .add_comment(&actor, case.id, "Famille retrouvée à Ngozi.")
        .await
        .unwrap();
    let comments: Vec<_> = s
        .comments(case.id)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.id, c.author, c.body))
        .collect();
    assert_eq!(
        comments,
        vec![
            (
                first,
                actor.as_str().to_string(),
                "Première audition faite.".to_string()
            ),
            (
                second,
                "system:test".to_string(),
                "Transfert vers la maison d'accueil.".to_string()
            ),
            (
                third,
                actor.as_str().to_string(),
                "Famille retrouvée à Ngozi.".to_string()
            ),
        ]
    );
    assert_invalid(
        s.add_comment(&actor, case.id, " \n\t ").await,
        "cco_CaseComment",
        "required",
    );
    assert_invalid(
        s.add_comment(&actor, case.id, &"x".repeat(MAX_LONG_TEXT + 1))
            .await,
        "cco_CaseComment",
        "max_length",
    );
    let unknown = CaseId::new();
    assert_not_found(
        s.add_comment(&actor, unknown, "Texte").await,
        "case",
        &unknown.to_string(),
    );
    assert_eq!(s.comments(case.id).await.unwrap().len(), 3);
    assert!(s.comments(other.id).await.unwrap().is_empty());

    let p = add_person(s, &w, "Aline", "Niyonkuru").await;
    let interview = Consent {
        case_id: Some(case.id),
        ..consent(p.id, ConsentScope::Interview, "2026-01-10")
    };
    let sharing = Consent {
        given: false,
        informed_research_use: false,
        ..consent(p.id, ConsentScope::DataSharing, "2026-02-01")
    };
    let withdrawn = Consent {
        withdrawn_on: Some(day("2026-03-01")),
        ..consent(p.id, ConsentScope::Research, "2026-02-15")
    };
    for c in [&interview, &sharing, &withdrawn] {
        s.record_consent(&actor, c).await.unwrap();
    }
    assert_eq!(
        s.consents(p.id).await.unwrap(),
        vec![interview.clone(), sharing.clone(), withdrawn.clone()]
    );

    let before_recorded = Consent {
        withdrawn_on: Some(day("2026-01-05")),
        ..consent(p.id, ConsentScope::Interview, "2026-01-10")
    };
    assert_invalid(
        s.record_consent(&actor, &before_recorded).await,
        "con_WithdrawnOn",
        "after_recorded",
    );
    let withdrawn_not_given = Consent {
        given: false,
        withdrawn_on: Some(day("2026-02-01")),
        ..consent(p.id, ConsentScope::Interview, "2026-01-10")
    };
    assert_invalid(
        s.record_consent(&actor, &withdrawn_not_given).await,
        "con_WithdrawnOn",
        "requires_given",
    );
    assert_invalid(
        s.record_consent(
            &actor,
            &consent(p.id, ConsentScope::Interview, "2099-01-01"),
        )
        .await,
        "con_RecordedOn",
        "not_in_future",
    );
    let stranger = PersonId::new();
    assert_not_found(
        s.record_consent(
            &actor,
            &consent(stranger, ConsentScope::Interview, "2026-01-10"),
        )
        .await,
        "person",
        &stranger.to_string(),
    );
    assert_eq!(s.consents(p.id).await.unwrap().len(), 3);

    let actions: Vec<String> = all_audit(s).await.into_iter().map(|e| e.action).collect();
    let count = |a: &str| actions.iter().filter(|x| *x == a).count();
    assert_eq!(
        (count("case_comment.create"), count("consent.create")),
        (3, 3)
    );
    db.finish().await
});

// ================================================================ 8. audit chain

store_test!(audit_chain_verifies_after_writes, |db| async move {
    let s = &db.store;
    assert_eq!(
        s.verify_audit().await.unwrap(),
        Verification::Ok { entries: 0 }
    );
    let actions = audited_writes(s).await;
    let n = actions.len() as i64;

    // Refused writes log nothing.
    let case = s.case_by_number(1).await.unwrap();
    assert_invalid(
        s.add_comment(&system(), case.id, "").await,
        "cco_CaseComment",
        "required",
    );
    assert_conflict(
        s.update_case(&system(), &Case { version: 7, ..case }).await,
        "case",
        "TBR-000001",
        7,
        1,
    );

    assert_eq!(
        s.verify_audit().await.unwrap(),
        Verification::Ok { entries: n }
    );
    assert_eq!(audit_count(s).await, n);
    let entries = all_audit(s).await;
    assert_eq!(
        entries
            .iter()
            .map(|e| e.action.as_str())
            .collect::<Vec<_>>(),
        actions
    );
    assert_eq!(
        entries.iter().map(|e| e.seq).collect::<Vec<_>>(),
        (1..=n).collect::<Vec<_>>()
    );
    assert_eq!(entries[0].prev_hash, GENESIS);
    for pair in entries.windows(2) {
        assert_eq!(pair[1].prev_hash, pair[0].hash, "entry {}", pair[1].seq);
    }
    assert_eq!(s.audit_entries(3, 2).await.unwrap(), entries[3..5].to_vec());
    db.finish().await
});

store_test!(audit_chain_detects_an_edited_entry, |db| async move {
    let s = &db.store;
    let n = audited_writes(s).await.len() as i64;
    assert_eq!(
        s.verify_audit().await.unwrap(),
        Verification::Ok { entries: n }
    );
    tamper(
        &db,
        "UPDATE audit_log SET actor = 'user:forged' WHERE seq = 3",
    )
    .await;
    assert_broken(s.verify_audit().await.unwrap(), 3);
    db.finish().await
});

store_test!(audit_chain_detects_a_deleted_last_entry, |db| async move {
    let s = &db.store;
    let n = audited_writes(s).await.len() as i64;
    assert_eq!(n, 8);
    tamper(&db, "DELETE FROM audit_log WHERE seq = 8").await;
    assert_broken(s.verify_audit().await.unwrap(), 8);
    db.finish().await
});

store_test!(
    audit_chain_detects_a_deleted_middle_entry,
    |db| async move {
        let s = &db.store;
        audited_writes(s).await;
        tamper(&db, "DELETE FROM audit_log WHERE seq = 3").await;
        assert_broken(s.verify_audit().await.unwrap(), 3);
        db.finish().await
    }
);

store_test!(audit_chain_detects_a_forged_append, |db| async move {
    let s = &db.store;
    let n = audited_writes(s).await.len() as i64;
    assert_eq!(n, 8);
    tamper(
        &db,
        "INSERT INTO audit_log (seq, at_us, actor, action, record_kind, record_id, prev_hash, hash) \
         SELECT 9, at_us, actor, action, record_kind, record_id, hash, hash FROM audit_log WHERE seq = 8",
    )
    .await;
    assert_broken(s.verify_audit().await.unwrap(), 9);
    db.finish().await
});

// ================================================================ 9. bulk load

store_test!(bulk_insert_of_the_demo, |db| async move {
    let s = &db.store;
    let (demo, batches) = load_demo(s, 42, 300).await;
    let reference = demo.reference();
    let cases = numbered(&batches);
    let persons: usize = batches.iter().map(|b| b.persons.len()).sum();
    let consents: usize = batches.iter().map(|b| b.consents.len()).sum();
    let involvements: usize = cases.iter().map(|(_, c)| c.persons.len()).sum();
    let comments: usize = cases.iter().map(|(_, c)| c.comments.len()).sum();
    assert_eq!(persons as u64, demo.persons_made());
    assert_eq!(cases.len() as u64, demo.cases_made());
    assert!(persons >= 300 && batches.len() >= 3, "{persons} persons");

    let stats = s.stats().await.unwrap();
    let entries = reference.organisations.len()
        + reference.offices.len()
        + persons
        + cases.len()
        + involvements
        + comments
        + consents;
    assert_eq!(
        (
            stats.organisations,
            stats.offices,
            stats.users,
            stats.persons,
            stats.cases,
            stats.audit_entries
        ),
        (
            reference.organisations.len() as i64,
            reference.offices.len() as i64,
            0,
            persons as i64,
            cases.len() as i64,
            entries as i64
        )
    );
    assert_eq!(
        s.verify_audit().await.unwrap(),
        Verification::Ok {
            entries: entries as i64
        }
    );

    // Numbers 1..=cases in the batches' order.
    let listed: Vec<(i64, CaseId)> = pages(s, &CaseFilter::default(), 500)
        .await
        .iter()
        .flat_map(|p| p.items.iter().map(|c| (c.number, c.id)))
        .collect();
    let expected: Vec<(i64, CaseId)> = cases.iter().rev().map(|(n, c)| (*n, c.case.id)).collect();
    assert_eq!(listed, expected);
    let (n, last) = cases.last().unwrap();
    let stored = s.case_by_number(*n).await.unwrap();
    assert_eq!(
        (stored.id, stored.facts.clone(), stored.office_id),
        (last.case.id, last.case.facts.clone(), last.case.office_id)
    );
    let (first_person, _) = &batches[0].persons[0];
    assert_eq!(&s.person(first_person.id).await.unwrap(), first_person);

    // Exploitation filters find exactly the cases whose victims have the type.
    for &t in ExploitationType::ALL {
        let filter = CaseFilter {
            exploitation: Some(t),
            ..Default::default()
        };
        let expected: Vec<i64> = cases
            .iter()
            .rev()
            .filter(|(_, c)| union_of_victims(c).contains(t))
            .map(|(n, _)| *n)
            .collect();
        assert!(!expected.is_empty(), "the demo has {t:?} cases");
        assert_eq!(numbers(&pages(s, &filter, 500).await), expected, "{t:?}");
    }
    for status in STATUSES {
        let filter = CaseFilter {
            status: Some(status),
            ..Default::default()
        };
        let expected: Vec<i64> = cases
            .iter()
            .rev()
            .filter(|(_, c)| c.case.facts.status == status)
            .map(|(n, _)| *n)
            .collect();
        assert_eq!(
            numbers(&pages(s, &filter, 500).await),
            expected,
            "{status:?}"
        );
    }
    db.finish().await
});

// ================================================================ 10. export

/// One victim row as the export must give it.
struct ExpectedRow {
    number: i64,
    case: NewCase,
    organisation: String,
    referring_organisation: Option<String>,
    person: Person,
    victim: VictimContext,
    identity: PersonIdentity,
    consent: Option<bool>,
}

fn expected_export(reference: &Reference, batches: &[Batch]) -> Vec<ExpectedRow> {
    let persons: HashMap<PersonId, &(Person, PersonIdentity)> = batches
        .iter()
        .flat_map(|b| &b.persons)
        .map(|pi| (pi.0.id, pi))
        .collect();
    let mut latest: HashMap<PersonId, &Consent> = HashMap::new();
    for c in batches.iter().flat_map(|b| &b.consents) {
        let slot = latest.entry(c.person_id).or_insert(c);
        if c.id > slot.id {
            *slot = c;
        }
    }
    let names: HashMap<OrganisationId, &str> = reference
        .organisations
        .iter()
        .map(|o| (o.id, o.name.as_str()))
        .collect();
    let mut rows = Vec::new();
    for (number, c) in numbered(batches) {
        for (pid, inv) in &c.persons {
            if let Involvement::Victim(v) = inv {
                let (person, identity) = persons[pid];
                rows.push(ExpectedRow {
                    number,
                    case: c.case.clone(),
                    organisation: names[&c.case.organisation_id].to_string(),
                    referring_organisation: c
                        .case
                        .facts
                        .referring_organisation_id
                        .map(|id| names[&id].to_string()),
                    person: person.clone(),
                    victim: v.clone(),
                    identity: identity.clone(),
                    consent: latest.get(pid).map(|c| c.htcds_consent()),
                });
            }
        }
    }
    rows.sort_by_key(|r| (r.number, r.person.id));
    rows
}

/// Every page of the victim export; returns the rows and the page sizes.
async fn export_all(
    s: &Store,
    limit: i64,
    identity_of: Option<&Actor>,
) -> (Vec<ExportRow>, Vec<usize>) {
    let mut rows: Vec<ExportRow> = Vec::new();
    let mut sizes = Vec::new();
    loop {
        let after = rows.last().map(|r| (r.case.number, r.person.id));
        let page = s.export_victims(after, limit, identity_of).await.unwrap();
        if page.is_empty() {
            return (rows, sizes);
        }
        sizes.push(page.len());
        rows.extend(page);
        assert!(sizes.len() < 1000, "the export never ends");
    }
}

#[track_caller]
fn assert_rows(rows: &[ExportRow], expected: &[ExpectedRow], with_identity: bool) {
    assert_eq!(
        rows.iter()
            .map(|r| (r.case.number, r.person.id))
            .collect::<Vec<_>>(),
        expected
            .iter()
            .map(|e| (e.number, e.person.id))
            .collect::<Vec<_>>()
    );
    for (r, e) in rows.iter().zip(expected) {
        assert_eq!(
            (
                r.case.id,
                &r.case.facts,
                &r.organisation_name,
                &r.referring_organisation_name,
                &r.person,
                &r.victim,
                r.consent
            ),
            (
                e.case.id,
                &e.case.facts,
                &e.organisation,
                &e.referring_organisation,
                &e.person,
                &e.victim,
                e.consent
            ),
            "case {} person {}",
            e.number,
            e.person.id
        );
        assert_eq!(r.identity.as_ref(), with_identity.then_some(&e.identity));
    }
}

store_test!(export_victims_pages_and_audits_identity, |db| async move {
    let s = &db.store;
    let (demo, batches) = load_demo(s, 7, 300).await;
    let expected = expected_export(demo.reference(), &batches);
    assert!(expected.len() > 100, "{} victims", expected.len());
    let full_pages = vec![50; expected.len() / 50];
    let page_sizes: Vec<usize> = full_pages
        .into_iter()
        .chain(Some(expected.len() % 50).filter(|n| *n > 0))
        .collect();
    assert!(
        expected.iter().any(|e| e.consent == Some(false))
            && expected.iter().any(|e| e.consent == Some(true)),
        "the demo has both kinds of consent"
    );

    let head = audit_count(s).await;
    let (rows, sizes) = export_all(s, 50, None).await;
    assert_eq!(sizes, page_sizes);
    assert_rows(&rows, &expected, false);
    assert_eq!(
        audit_count(s).await,
        head,
        "an export without identity logs nothing"
    );

    let analyst = Actor::user(UserId::new());
    let (rows, sizes) = export_all(s, 50, Some(&analyst)).await;
    assert_eq!(sizes, page_sizes);
    assert_rows(&rows, &expected, true);
    let logged = s.audit_entries(head, 100_000).await.unwrap();
    assert_eq!(
        audit_lines(&logged),
        expected
            .iter()
            .map(|e| audit_line(
                &analyst,
                "person_identity.export",
                "person",
                &e.person.id.to_string()
            ))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        s.verify_audit().await.unwrap(),
        Verification::Ok {
            entries: head + expected.len() as i64
        }
    );
    db.finish().await
});

// ================================================================ 11. name search

store_test!(
    find_persons_by_name_ignores_accents_and_case,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let a = add_person(s, &w, "Évariste", "Ndayishimiye").await;
        let b = add_person(s, &w, "EVARISTE", "Nkurunziza").await;
        let c = add_person(s, &w, "Eva", "Uwimana").await;
        let d = add_person(s, &w, "Jean-Bosco", "Niyonzima").await;
        let head = audit_count(s).await;

        let find = |q: &'static str, limit: i64| async move {
            s.find_persons_by_name(q, limit).await.unwrap()
        };
        assert_eq!(find("evar", 10).await, [a.id, b.id]);
        assert_eq!(find("ÉVAR", 10).await, [a.id, b.id]);
        assert_eq!(find("Évariste  nd", 10).await, [a.id]);
        assert_eq!(find("eva", 10).await, [c.id, a.id, b.id]);
        assert_eq!(find("eva", 1).await, [c.id]);
        assert_eq!(find("jean bosco", 10).await, [d.id]);
        assert_eq!(find("Jean-Bosco Niyo", 10).await, [d.id]);
        assert_eq!(
            find("variste", 10).await,
            Vec::<PersonId>::new(),
            "a prefix, not a substring"
        );
        assert_eq!(find("evariste x", 10).await, Vec::<PersonId>::new());
        assert_eq!(find(" - ", 10).await, Vec::<PersonId>::new());
        assert_eq!(
            audit_count(s).await,
            head,
            "a search returns ids and logs nothing"
        );

        let (mut ident, version) = s.read_identity(&system(), b.id).await.unwrap();
        ident.first_name = Some("Ézéchiel".into());
        s.update_identity(&system(), b.id, version, &ident)
            .await
            .unwrap();
        assert_eq!(find("evar", 10).await, [a.id]);
        assert_eq!(find("ezechiel nkuru", 10).await, [b.id]);
        db.finish().await
    }
);

// ================================================================ concurrency

store_test!(
    concurrent_case_creation_numbers_without_gaps,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let mut tasks = JoinSet::new();
        for _ in 0..12 {
            let (s, new) = (
                s.clone(),
                new_case(
                    w.org.id,
                    Some(w.office.id),
                    CaseFacts::opened(day("2026-01-10")),
                ),
            );
            tasks.spawn(async move { s.create_case(&system(), &new).await.map(|c| c.number) });
        }
        let mut numbers: Vec<i64> = tasks
            .join_all()
            .await
            .into_iter()
            .map(|r| r.unwrap())
            .collect();
        numbers.sort();
        assert_eq!(numbers, (1..=12).collect::<Vec<i64>>());
        assert_eq!(
            s.verify_audit().await.unwrap(),
            Verification::Ok { entries: 14 }
        );
        db.finish().await
    }
);

/// Editors who save a change at the same moment, all based on version 1.
const EDITORS: usize = 4;
/// Races per record kind: one lost race is enough to show a lost update.
const ROUNDS: usize = 5;

/// Runs `EDITORS` updates of one record at once, all based on version 1: exactly one must win
/// (version 2), every other one must be told of the conflict, and the record's history must
/// hold exactly one change. No change may be lost silently.
async fn assert_one_editor_wins<F, Fut>(s: &Store, kind: &str, id: &str, update: F)
where
    F: Fn(Store, usize) -> Fut,
    Fut: Future<Output = StoreResult<i64>> + Send + 'static,
{
    let mut tasks = JoinSet::new();
    for k in 0..EDITORS {
        tasks.spawn(update(s.clone(), k));
    }
    let results = tasks.join_all().await;
    let won: Vec<i64> = results
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .copied()
        .collect();
    let conflicts = results
        .iter()
        .filter(|r| {
            matches!(
                r,
                Err(StoreError::Conflict {
                    expected: 1,
                    actual: 2,
                    ..
                })
            )
        })
        .count();
    assert_eq!(
        (won, conflicts),
        (vec![2], EDITORS - 1),
        "{kind} {id}: {results:?}"
    );
    let history = s.history(kind, id).await.unwrap();
    assert_eq!(history.len(), 1, "{kind} {id}: {history:?}");
}

store_test!(
    concurrent_person_updates_let_one_editor_win,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        for round in 0..ROUNDS {
            let p = add_person(s, &w, "Aline", &format!("Round{round}")).await;
            assert_one_editor_wins(s, "person", &p.id.to_string(), |s, k| {
                let mut edit = p.clone();
                edit.facts.number_of_children = Some(10 + k as i64);
                async move { s.update_person(&system(), &edit).await }
            })
            .await;
        }
        db.finish().await
    }
);

store_test!(
    concurrent_case_updates_let_one_editor_win,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        for _ in 0..ROUNDS {
            let case = open_case(s, &w, "2026-01-10").await;
            assert_one_editor_wins(s, "case", &case.id.to_string(), |s, k| {
                let mut edit = case.clone();
                edit.facts.incoming_referral_details = Some(format!("Version de l'éditeur {k}"));
                async move { s.update_case(&system(), &edit).await }
            })
            .await;
        }
        db.finish().await
    }
);

store_test!(
    concurrent_identity_updates_let_one_editor_win,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        for round in 0..ROUNDS {
            let p = add_person(s, &w, "Aline", &format!("Round{round}")).await;
            assert_one_editor_wins(s, "person_identity", &p.id.to_string(), |s, k| {
                let edit = identity("Aline", &format!("Variante{k}"));
                async move { s.update_identity(&system(), p.id, 1, &edit).await }
            })
            .await;
        }
        db.finish().await
    }
);

store_test!(
    concurrent_case_person_updates_let_one_editor_win,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let case = open_case(s, &w, "2026-01-10").await;
        for round in 0..ROUNDS {
            let p = add_person(s, &w, "Aline", &format!("Round{round}")).await;
            let first = victim(&[ExploitationType::Other]);
            s.add_case_person(&system(), case.id, p.id, &first)
                .await
                .unwrap();
            let id = format!("{}/{}", case.id, p.id);
            assert_one_editor_wins(s, "case_person", &id, |s, k| {
                let edit = victim(&[TYPES[k % TYPES.len()]]);
                async move {
                    s.update_case_person(&system(), case.id, p.id, 1, &edit)
                        .await
                }
            })
            .await;
        }
        db.finish().await
    }
);

store_test!(
    concurrent_duplicate_usernames_are_duplicates,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let mut tasks = JoinSet::new();
        for _ in 0..4 {
            let s = s.clone();
            let user = NewUser {
                id: UserId::new(),
                username: "caseworker".into(),
                display_name: "Gérard Habonimana".into(),
                role: Role::Caseworker,
                organisation_id: w.org.id,
                office_id: None,
                password_hash: "x".into(),
            };
            tasks.spawn(async move { s.create_user(&system(), &user).await });
        }
        let results = tasks.join_all().await;
        let ok = results.iter().filter(|r| r.is_ok()).count();
        let duplicates = results
            .iter()
            .filter(|r| {
                matches!(
                    r,
                    Err(StoreError::Duplicate {
                        what: "user name",
                        ..
                    })
                )
            })
            .count();
        assert_eq!((ok, duplicates), (1, 3), "{results:?}");
        assert_eq!(s.count_users().await.unwrap(), 1);
        db.finish().await
    }
);

// ================================================================ 12. locations

#[tokio::test]
async fn location_parsing_and_missing_sqlite_file() {
    let url = "postgres://tabara:secret@db.example:5432/tabara";
    assert_eq!(
        Location::parse(url).unwrap(),
        Location::Postgres(url.into())
    );
    assert_eq!(
        Location::parse(" postgresql://h/db ").unwrap(),
        Location::Postgres("postgresql://h/db".into())
    );
    assert_eq!(
        Location::parse("sqlite:///var/lib/tabara.db").unwrap(),
        Location::Sqlite("/var/lib/tabara.db".into())
    );
    assert_eq!(
        Location::parse("sqlite:data/tabara.db").unwrap(),
        Location::Sqlite("data/tabara.db".into())
    );
    assert_eq!(
        Location::parse("  registre.db ").unwrap(),
        Location::Sqlite("registre.db".into())
    );
    for bad in ["", "   ", "mysql://h/db"] {
        match Location::parse(bad) {
            Err(StoreError::Location(m)) => {
                assert!(
                    bad.trim().is_empty() || m.to_string().contains("'mysql'"),
                    "{m}"
                )
            }
            other => panic!("'{bad}' must be refused, got {other:?}"),
        }
    }
    let redacted = Location::parse(url).unwrap().redacted();
    assert_eq!(redacted, "postgres://…@db.example:5432/tabara");

    let dir =
        std::env::temp_dir().join(format!("tabara-missing-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let missing = dir.join("absent.db");
    match Store::open(&Location::Sqlite(missing.clone()), OpenMode::Existing).await {
        Err(StoreError::Location(m)) => assert!(m.to_string().contains("absent.db"), "{m}"),
        other => panic!("opening a missing register must fail, got {other:?}"),
    }
    assert!(
        !missing.exists(),
        "opening an existing register creates nothing"
    );
    let no_folder = dir.join("nope").join("tabara.db");
    match Store::open(&Location::Sqlite(no_folder), OpenMode::CreateIfMissing).await {
        Err(StoreError::Location(m)) => assert!(m.to_string().contains("does not exist"), "{m}"),
        other => panic!("a missing folder must be named, got {other:?}"),
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---------------------------------------------------------------- screenings

store_test!(screening_draft_complete_and_decide, |db| async move {
    use std::collections::BTreeMap;
    use tabara_core::palermo::{Fact, MovementFacts};
    use tabara_core::screening::{AgeFacts, Answer, Catalogue, Outcome};
    use tabara_store::{DecisionKind, ScreeningState};
    let s = &db.store;
    let w = world(s).await;
    let p = add_person(s, &w, "Aline", "Niyonkuru").await;
    let stranger = add_person(s, &w, "Jean", "Ndikumana").await;
    let case = open_case(s, &w, "2026-01-10").await;
    s.add_case_person(
        &system(),
        case.id,
        p.id,
        &victim(&[ExploitationType::ForcedLabour]),
    )
    .await
    .unwrap();
    let catalogue = Catalogue::embedded().unwrap();
    // Only a person of the case can be screened in it.
    assert_not_found(
        s.create_screening(
            &system(),
            ScreeningId::new(),
            case.id,
            stranger.id,
            &catalogue.version,
        )
        .await,
        "person of the case",
        &stranger.id.to_string(),
    );
    let id = ScreeningId::new();
    let draft = s
        .create_screening(&system(), id, case.id, p.id, &catalogue.version)
        .await
        .unwrap();
    assert_eq!((draft.state, draft.version), (ScreeningState::Draft, 1));
    assert!(draft.answers.is_empty());

    // Saved as a draft, resumed: skipped questions stay "not asked".
    let mut answers: BTreeMap<String, Answer> = [
        ("act_recruited", Answer::Yes),
        ("d4_hours", Answer::Yes),
        ("d4_pay", Answer::Yes),
        ("d5_violence", Answer::NotAsked),
        ("d2_threats", Answer::Refused),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let age = AgeFacts {
        age: Some(16),
        ..Default::default()
    };
    let movement = MovementFacts {
        act: Fact::Yes,
        exploitation: Fact::Yes,
        child: Fact::Yes,
        ..Default::default()
    };
    let v2 = s
        .save_screening(&system(), id, 1, &answers, &age, &movement)
        .await
        .unwrap();
    let resumed = s.screening(id).await.unwrap();
    assert_eq!(resumed.answers, answers);
    assert_eq!(resumed.answers["d5_violence"], Answer::NotAsked);
    assert_eq!(resumed.age, age);
    assert_eq!(resumed.movement, movement);
    // A stale save is refused.
    answers.insert("d4_living".into(), Answer::Yes);
    assert_conflict(
        s.save_screening(&system(), id, 1, &answers, &age, &movement)
            .await,
        "screening",
        &id.to_string(),
        1,
        2,
    );

    // Nothing to decide before completion; completion evaluates the stored answers.
    assert_invalid(
        s.decide_screening(
            &system(),
            id,
            v2,
            tabara_store::DecisionInput {
                kind: DecisionKind::Confirmed,
                status: None,
                reason: "",
                decided_by: tabara_core::htcds::DecisionMakingOrg::Police,
            },
        )
        .await,
        "scr_State",
        "not_completed",
    );
    let done = s
        .complete_screening(&system(), id, v2, catalogue)
        .await
        .unwrap();
    let evaluation = done.evaluation.clone().unwrap();
    assert_eq!(evaluation.outcome, Outcome::PresumedChildVictim);
    assert_eq!(done.state, ScreeningState::Completed);
    assert_invalid(
        s.save_screening(&system(), id, done.version, &answers, &age, &movement)
            .await,
        "scr_State",
        "completed",
    );

    // An override needs a reason; the decision is taken once.
    assert_invalid(
        s.decide_screening(
            &system(),
            id,
            done.version,
            tabara_store::DecisionInput {
                kind: DecisionKind::Overridden,
                status: Some(TraffickingStatus::ActualVictimOfTrafficking),
                reason: "  ",
                decided_by: tabara_core::htcds::DecisionMakingOrg::Police,
            },
        )
        .await,
        "scr_DecisionReason",
        "required",
    );
    let decided = s
        .decide_screening(
            &system(),
            id,
            done.version,
            tabara_store::DecisionInput {
                kind: DecisionKind::Overridden,
                status: Some(TraffickingStatus::ActualVictimOfTrafficking),
                reason: "Birth certificate seen; employer's ledger seized",
                decided_by: tabara_core::htcds::DecisionMakingOrg::Police,
            },
        )
        .await
        .unwrap();
    let d = decided.decision.clone().unwrap();
    assert_eq!(d.kind, DecisionKind::Overridden);
    assert_eq!(d.status, TraffickingStatus::ActualVictimOfTrafficking);
    // The decision is the victim's HTCDS trafficking status in the case, with who decided.
    let persons = s.case_persons(case.id).await.unwrap();
    match &persons
        .iter()
        .find(|cp| cp.person.id == p.id)
        .unwrap()
        .involvement
    {
        Involvement::Victim(v) => {
            assert_eq!(
                v.trafficking_status,
                Some(TraffickingStatus::ActualVictimOfTrafficking)
            );
            assert_eq!(v.decision_org, Some(DecisionMakingOrg::Police));
        }
        other => panic!("{other:?}"),
    }
    assert_invalid(
        s.decide_screening(
            &system(),
            id,
            decided.version,
            tabara_store::DecisionInput {
                kind: DecisionKind::Confirmed,
                status: None,
                reason: "",
                decided_by: tabara_core::htcds::DecisionMakingOrg::Police,
            },
        )
        .await,
        "scr_Decision",
        "already_decided",
    );

    // Screened again later: the history keeps both, newest first.
    let again = ScreeningId::new();
    s.create_screening(&system(), again, case.id, p.id, &catalogue.version)
        .await
        .unwrap();
    let history = s.person_screenings(p.id, 10).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].id, again);
    assert_eq!(
        history[1].decision.as_ref().unwrap().status,
        TraffickingStatus::ActualVictimOfTrafficking
    );

    // Every step is in the audit trail of the screening.
    let trail: Vec<String> = s
        .audit_trail("screening", &id.to_string())
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        trail,
        vec![
            "screening.create",
            "screening.save",
            "screening.complete",
            "screening.override"
        ]
    );
    assert!(matches!(
        s.verify_audit().await.unwrap(),
        Verification::Ok { .. }
    ));

    // Confirming takes the suggestion; with none (a full interview needed), there is nothing
    // to confirm.
    let open = ScreeningId::new();
    let o = s
        .create_screening(&system(), open, case.id, p.id, &catalogue.version)
        .await
        .unwrap();
    let o = s
        .complete_screening(&system(), open, o.version, catalogue)
        .await
        .unwrap();
    assert_eq!(
        o.evaluation.as_ref().unwrap().outcome,
        Outcome::NeedsFullInterview
    );
    assert_invalid(
        s.decide_screening(
            &system(),
            open,
            o.version,
            tabara_store::DecisionInput {
                kind: DecisionKind::Confirmed,
                status: None,
                reason: "",
                decided_by: tabara_core::htcds::DecisionMakingOrg::Police,
            },
        )
        .await,
        "scr_Decision",
        "nothing_to_confirm",
    );
    // A demo reset clears screenings with the rest.
    s.wipe().await.unwrap();
    s.migrate().await.unwrap();
    assert_eq!(s.stats().await.unwrap().persons, 0);
    db.finish().await;
});

// ---------------------------------------------------------------- training

store_test!(
    training_sessions_participants_attendance_and_completion,
    |db| async move {
        use tabara_core::training::{CompletionRule, Shortfall};
        use tabara_store::{NewParticipant, NewTrainingSession, SessionModule};
        let s = &db.store;
        let w = world(s).await;
        let session = |starts: &str, ends: &str, modules: &[&str]| NewTrainingSession {
            id: TrainingSessionId::new(),
            title: "Formation des OPJ — session 1".into(),
            starts_on: day(starts),
            ends_on: day(ends),
            venue: "Bujumbura, hôtel Source du Nil".into(),
            organiser_id: w.org.id,
            funding: Some("Programme de l'Union européenne".into()),
            modules: modules
                .iter()
                .map(|m| SessionModule {
                    module: m.to_string(),
                    facilitator_id: Some(w.org.id),
                })
                .collect(),
            trainers: vec!["Josiane Kwizera".into()],
            rule: CompletionRule::default(),
        };
        assert_invalid(
            s.create_training_session(
                &system(),
                &session("2026-03-05", "2026-03-02", &["legal_frameworks"]),
            )
            .await,
            "trn_EndsOn",
            "after_start",
        );
        assert_invalid(
            s.create_training_session(
                &system(),
                &session("2026-03-02", "2026-03-04", &["astrology"]),
            )
            .await,
            "trn_Modules",
            "picklist",
        );
        let created = s
            .create_training_session(
                &system(),
                &session(
                    "2026-03-02",
                    "2026-03-06",
                    &["legal_frameworks", "child_protection"],
                ),
            )
            .await
            .unwrap();
        assert_eq!(created.days(), 5);
        assert_eq!(created.modules.len(), 2);
        let later = s
            .create_training_session(
                &system(),
                &session("2026-04-06", "2026-04-08", &["fraudulent_documents"]),
            )
            .await
            .unwrap();
        let listed = s.training_sessions(None, 1).await.unwrap();
        assert_eq!(listed[0].id, later.id, "newest first");
        let next = s.training_sessions(Some(later.id), 10).await.unwrap();
        assert_eq!(next[0].id, created.id);

        let officer_id = s
            .create_user(
                &system(),
                &NewUser {
                    id: UserId::new(),
                    username: "opj.kabura".into(),
                    display_name: "OPJ Kabura".into(),
                    role: Role::Investigator,
                    organisation_id: w.org.id,
                    office_id: None,
                    password_hash: "x".into(),
                },
            )
            .await
            .unwrap();
        let officer = Some(s.user(officer_id).await.unwrap());
        let add = |name: &str, user: Option<UserId>| NewParticipant {
            id: ParticipantId::new(),
            session_id: created.id,
            user_id: user,
            full_name: name.into(),
            rank: Some("OPJ".into()),
            unit: Some("PJ Bujumbura".into()),
            office_id: Some(w.office.id),
            sex: Gender::Feminine,
        };
        let linked_user = officer.as_ref().map(|u| u.id);
        let a = s
            .add_participant(&system(), &add("Aline Niyonkuru", linked_user))
            .await
            .unwrap();
        assert_duplicate(
            s.add_participant(&system(), &add("Aline Niyonkuru", linked_user))
                .await,
            "participant",
            "",
        );
        let b = s
            .add_participant(&system(), &add("Béatrice Irakoze", None))
            .await
            .unwrap();
        assert_invalid(
            s.add_participant(&system(), &add("  ", None)).await,
            "trp_FullName",
            "required",
        );

        // Attendance: within the session only; marking twice changes nothing; absent removes.
        assert_invalid(
            s.set_attendance(&system(), a.id, day("2026-03-07"), true)
                .await,
            "trp_Day",
            "outside_session",
        );
        for d in ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"] {
            s.set_attendance(&system(), a.id, day(d), true)
                .await
                .unwrap();
        }
        s.set_attendance(&system(), a.id, day("2026-03-05"), true)
            .await
            .unwrap();
        for d in ["2026-03-02", "2026-03-03", "2026-03-04"] {
            s.set_attendance(&system(), b.id, day(d), true)
                .await
                .unwrap();
        }
        s.set_attendance(&system(), b.id, day("2026-03-06"), true)
            .await
            .unwrap();
        s.set_attendance(&system(), b.id, day("2026-03-06"), false)
            .await
            .unwrap();

        // Scores: 0–100, versioned.
        assert_invalid(
            s.set_scores(&system(), a.id, 1, Some(40), Some(101)).await,
            "trp_PostTest",
            "range",
        );
        let v = s
            .set_scores(&system(), a.id, 1, Some(40), Some(70))
            .await
            .unwrap();
        assert_conflict(
            s.set_scores(&system(), a.id, 1, Some(40), Some(90)).await,
            "participant",
            &a.id.to_string(),
            1,
            v,
        );
        s.set_scores(&system(), b.id, 1, Some(55), Some(95))
            .await
            .unwrap();

        // Completion at the boundaries: 4 of 5 days and 70 % complete; 3 of 5 days do not.
        let people = s.participants(created.id).await.unwrap();
        assert_eq!(people.len(), 2);
        let aline = people.iter().find(|p| p.id == a.id).unwrap();
        let beatrice = people.iter().find(|p| p.id == b.id).unwrap();
        assert_eq!(aline.days_attended.len(), 4);
        assert_eq!(beatrice.days_attended.len(), 3);
        let check = |p: &tabara_store::Participant| {
            created
                .rule
                .check(p.days_attended.len() as u32, created.days(), p.post_test)
        };
        assert!(check(aline).is_empty());
        assert_eq!(check(beatrice), vec![Shortfall::Attendance]);

        let trail: Vec<String> = s
            .audit_trail("training_participant", &a.id.to_string())
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(
            trail.first().map(String::as_str),
            Some("training_participant.create")
        );
        assert_eq!(
            trail
                .iter()
                .filter(|a| *a == "training_attendance.present")
                .count(),
            4,
            "a repeated mark is not logged twice"
        );
        assert!(trail.contains(&"training_participant.scores".to_string()));

        // Certificates: only for who completed; one valid at a time; found by code; revoked with
        // a reason and then found as revoked.
        assert_invalid(
            s.issue_certificate(&system(), b.id).await,
            "crt_Completion",
            "attendance",
        );
        let cert = s.issue_certificate(&system(), a.id).await.unwrap();
        assert_eq!(cert.code.len(), 14);
        assert_duplicate(
            s.issue_certificate(&system(), a.id).await,
            "certificate",
            "",
        );
        let found = s.certificate_by_code(&cert.code).await.unwrap().unwrap();
        assert_eq!((found.id, found.revoked_at), (cert.id, None));
        assert!(
            s.certificate_by_code("AAAA-BBBB-CCCC")
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(s.user_certificates(officer_id).await.unwrap().len(), 1);
        assert_invalid(
            s.revoke_certificate(&system(), cert.id, " ").await,
            "crt_RevocationReason",
            "required",
        );
        let revoked = s
            .revoke_certificate(&system(), cert.id, "Attendance sheet found to be forged")
            .await
            .unwrap();
        assert!(revoked.revoked_at.is_some());
        assert_invalid(
            s.revoke_certificate(&system(), cert.id, "again").await,
            "crt_State",
            "already_revoked",
        );
        let again = s.issue_certificate(&system(), a.id).await.unwrap();
        assert_ne!(again.code, cert.code);
        assert_eq!(s.session_certificates(created.id).await.unwrap().len(), 2);
        let actions: Vec<String> = s
            .audit_trail("certificate", &cert.id.to_string())
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(actions, vec!["certificate.issue", "certificate.revoke"]);
        db.finish().await;
    }
);

// ---------------------------------------------------------------- awareness materials

store_test!(material_stock_never_goes_negative, |db| async move {
    let s = &db.store;
    let w = world(s).await;
    let post = office(&w.org, "Poste frontalier de Gatumba");
    s.create_office(&system(), &post).await.unwrap();
    let store = w.office.id;
    let poster = MaterialId::new();
    s.create_material(
        &system(),
        poster,
        "poster",
        "Ntimugurishwe",
        "rn",
        Some("Campagne 2026"),
    )
    .await
    .unwrap();
    assert_invalid(
        s.create_material(&system(), MaterialId::new(), "leaflet", "X", "rn", None)
            .await,
        "mat_Kind",
        "picklist",
    );
    assert_invalid(
        s.create_material(&system(), MaterialId::new(), "flyer", "X", "kirundi", None)
            .await,
        "mat_Language",
        "iso639",
    );
    assert_eq!(
        s.receive_material(&system(), poster, store, 100, day("2026-02-01"))
            .await
            .unwrap(),
        100
    );
    assert_invalid(
        s.distribute_material(&system(), poster, store, post.id, 0, day("2026-02-02"))
            .await,
        "mat_Quantity",
        "range",
    );
    assert_invalid(
        s.distribute_material(&system(), poster, store, post.id, 101, day("2026-02-02"))
            .await,
        "mat_Quantity",
        "insufficient_stock",
    );
    // Thirty distributions of 5 at once from a stock of 100: exactly twenty go through.
    let mut set = JoinSet::new();
    for _ in 0..30 {
        let st = s.clone();
        let to = post.id;
        set.spawn(async move {
            st.distribute_material(&system(), poster, store, to, 5, day("2026-02-03"))
                .await
        });
    }
    let (mut ok, mut short) = (0, 0);
    while let Some(r) = set.join_next().await {
        match r.unwrap() {
            Ok(left) => {
                assert!(left >= 0);
                ok += 1;
            }
            Err(StoreError::Invalid(e)) => {
                assert_eq!(e.0[0].rule, "insufficient_stock");
                short += 1;
            }
            Err(other) => panic!("{other:?}"),
        }
    }
    assert_eq!((ok, short), (20, 10));
    let stock = s.material_stock().await.unwrap();
    assert_eq!(stock.len(), 1);
    assert_eq!(stock[0].quantity, 0);
    let received: i64 = s
        .distributions()
        .await
        .unwrap()
        .iter()
        .filter(|d| d.office_id == post.id)
        .map(|d| d.quantity)
        .sum();
    assert_eq!(received, 100, "what left the store arrived at the post");
    db.finish().await;
});

// ---------------------------------------------------------------- issue 10: access

fn viewer_of(role: Role, organisation_id: OrganisationId) -> tabara_store::Viewer {
    tabara_store::Viewer {
        user_id: UserId::new(),
        role,
        organisation_id,
        office_id: None,
    }
}

store_test!(
    a_share_reads_and_comments_and_edits_only_when_it_says_so,
    |db| async move {
        use tabara_core::permissions::{Action, decide};
        let s = &db.store;
        let w = world(s).await;
        let (reader, editor) = (org("Lecteurs"), org("Éditeurs"));
        s.create_organisation(&system(), &reader).await.unwrap();
        s.create_organisation(&system(), &editor).await.unwrap();
        let case = open_case(s, &w, "2026-01-10").await;
        let actor = Actor::user(UserId::new());
        s.share_case(&actor, case.id, reader.id, "Pour suivi", false)
            .await
            .unwrap();
        s.share_case(&actor, case.id, editor.id, "Pour prise en charge", true)
            .await
            .unwrap();

        let shares = s.case_shares(case.id).await.unwrap();
        let flags: HashMap<OrganisationId, bool> = shares
            .iter()
            .map(|x| (x.organisation_id, x.may_edit))
            .collect();
        assert!(!flags[&reader.id]);
        assert!(flags[&editor.id]);
        // The flag is audited with the share, in the same entry.
        let trail = trail_actions(s, "case", &case.id.to_string()).await;
        assert_eq!(
            &trail[trail.len() - 2..],
            ["case.share", "case.share_for_editing"]
        );

        for role in [Role::Caseworker, Role::Investigator, Role::Supervisor] {
            let r = s
                .relation(&viewer_of(role, reader.id), case.id)
                .await
                .unwrap()
                .unwrap();
            assert!(r.shared_with_agency && !r.shared_for_editing, "{r:?}");
            assert!(decide(role, Action::ReadCase, Some(r)).allowed(), "{role}");
            assert!(
                decide(role, Action::CommentCase, Some(r)).allowed(),
                "{role}"
            );
            assert!(!decide(role, Action::EditCase, Some(r)).allowed(), "{role}");
            assert!(
                !decide(role, Action::ShareCase, Some(r)).allowed(),
                "{role}"
            );

            let r = s
                .relation(&viewer_of(role, editor.id), case.id)
                .await
                .unwrap()
                .unwrap();
            assert!(r.shared_with_agency && r.shared_for_editing, "{r:?}");
            assert!(decide(role, Action::EditCase, Some(r)).allowed(), "{role}");
            assert!(
                !decide(role, Action::ShareCase, Some(r)).allowed(),
                "{role}"
            );
        }
        // A share for editing never makes the prosecutor change the dossier.
        let r = s
            .relation(&viewer_of(Role::Prosecutor, editor.id), case.id)
            .await
            .unwrap()
            .unwrap();
        assert!(!decide(Role::Prosecutor, Action::EditCase, Some(r)).allowed());
        // An agency without a share has neither flag.
        let r = s
            .relation(&viewer_of(Role::Caseworker, OrganisationId::new()), case.id)
            .await
            .unwrap()
            .unwrap();
        assert!(!r.shared_with_agency && !r.shared_for_editing);
        db.finish().await;
    }
);

store_test!(
    a_name_search_finds_cases_only_through_persons_whose_identity_the_role_reads,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let prosecution = org("Parquet");
        s.create_organisation(&system(), &prosecution)
            .await
            .unwrap();
        let case = open_case(s, &w, "2026-01-10").await;
        let victim_p = add_person(s, &w, "Aline", "Ndayishimiye").await;
        let suspect_p = add_person(s, &w, "Bosco", "Kaburungu").await;
        let witness_p = add_person(s, &w, "Claver", "Hakizimana").await;
        s.add_case_person(
            &system(),
            case.id,
            victim_p.id,
            &victim(&[ExploitationType::ForcedLabour]),
        )
        .await
        .unwrap();
        s.add_case_person(
            &system(),
            case.id,
            suspect_p.id,
            &suspect(&[RoleInProcess::RecruiterOrIntermediary], None),
        )
        .await
        .unwrap();
        s.add_case_person(&system(), case.id, witness_p.id, &Involvement::Witness)
            .await
            .unwrap();
        s.share_case(
            &system(),
            case.id,
            prosecution.id,
            "Transmis au parquet",
            false,
        )
        .await
        .unwrap();

        let found = |viewer: Option<tabara_store::Viewer>, name: &'static str| {
            let filter = CaseFilter {
                visible_to: viewer,
                name: Some(name.to_string()),
                ..Default::default()
            };
            async move { listed(s, &filter).await == vec![case.number] }
        };
        // (viewer, finds the victim, the suspect, the witness)
        let expectations = [
            (viewer_of(Role::Supervisor, w.org.id), [true, true, true]),
            (viewer_of(Role::Investigator, w.org.id), [true, true, true]),
            (viewer_of(Role::Caseworker, w.org.id), [true, false, false]),
            (
                viewer_of(Role::ChildProtection, w.org.id),
                [true, false, false],
            ),
            (
                viewer_of(Role::Prosecutor, prosecution.id),
                [false, true, true],
            ),
            (viewer_of(Role::LegalAid, w.org.id), [false, false, false]),
            (viewer_of(Role::Analyst, w.org.id), [false, false, false]),
        ];
        for (viewer, want) in expectations {
            let role = viewer.role;
            let got = [
                found(Some(viewer.clone()), "aline nday").await,
                found(Some(viewer.clone()), "kaburungu").await,
                found(Some(viewer.clone()), "claver").await,
            ];
            assert_eq!(got, want, "{role}");
        }
        // Operator tools (no viewer) search every person.
        assert!(found(None, "bosco").await);
        db.finish().await;
    }
);

store_test!(
    the_demo_shares_cases_with_the_prosecution_and_iom,
    |db| async move {
        use tabara_core::permissions::{Action, decide};
        let s = &db.store;
        let (demo, _) = load_demo(s, 4, 300).await;
        let reference = demo.reference().clone();
        let written = tabara_demo::write_shares(s, &Actor::system("demo"), &reference)
            .await
            .unwrap();
        assert!(written > 10, "{written}");
        let user = |name: &str| {
            reference
                .users
                .iter()
                .find(|u| u.username == name)
                .unwrap()
                .viewer()
        };
        let all = listed_summaries(s, &CaseFilter::default()).await;
        let (mut shares, mut for_editing) = (0, 0);
        for c in &all {
            for share in s.case_shares(c.id).await.unwrap() {
                shares += 1;
                for_editing += usize::from(share.may_edit);
            }
        }
        assert_eq!(shares, written);
        assert!(for_editing > 0 && for_editing < shares, "{for_editing}");
        // The prosecutor now has dossiers to read, the caseworker some cases to edit.
        let prosecutor = user("prosecutor");
        assert!(
            !listed(
                s,
                &CaseFilter {
                    visible_to: Some(prosecutor),
                    ..Default::default()
                }
            )
            .await
            .is_empty()
        );
        let caseworker = user("caseworker");
        let mut editable_shared = 0;
        for c in &all {
            let r = s.relation(&caseworker, c.id).await.unwrap().unwrap();
            if !r.same_agency && decide(Role::Caseworker, Action::EditCase, Some(r)).allowed() {
                editable_shared += 1;
            }
        }
        assert_eq!(editable_shared, for_editing);
        db.finish().await;
    }
);

store_test!(
    editing_an_age_recomputes_whether_the_case_involves_a_minor,
    |db| async move {
        use tabara_core::permissions::{Action, decide};
        let s = &db.store;
        let w = world(s).await;
        let case = open_case(s, &w, "2026-01-12").await;
        let person = add_person(s, &w, "Aline", "Ndayishimiye").await;
        s.add_case_person(&system(), case.id, person.id, &victim(&[]))
            .await
            .unwrap();
        // A child-protection caseworker of another agency reaches the case only through a minor.
        let unicef = org("Protection de l'enfance");
        s.create_organisation(&system(), &unicef).await.unwrap();
        let viewer = tabara_store::Viewer {
            user_id: UserId::new(),
            role: Role::ChildProtection,
            organisation_id: unicef.id,
            office_id: None,
        };
        let reach = |s: Store, viewer: tabara_store::Viewer| async move {
            let relation = s.relation(&viewer, case.id).await.unwrap().unwrap();
            let listed = s
                .list_cases(
                    &CaseFilter {
                        visible_to: Some(viewer.clone()),
                        ..Default::default()
                    },
                    PageRequest {
                        after: None,
                        limit: 50,
                    },
                )
                .await
                .unwrap()
                .items
                .iter()
                .any(|c| c.id == case.id);
            let allowed = decide(Role::ChildProtection, Action::ReadCase, Some(relation)).allowed();
            assert_eq!(allowed, listed, "the list and the rule agree");
            (relation.involves_minor, allowed)
        };
        assert_eq!(reach(s.clone(), viewer.clone()).await, (false, false));
        // Each edit of the age (through the person form's path) recomputes the flag.
        let mut current = s.person(person.id).await.unwrap();
        for (age, uncertain, minor) in [
            (Some(17), false, true),
            (Some(18), false, false),
            (Some(20), true, true),
            (Some(21), true, false),
            (None, true, false),
            (Some(17), true, true),
            (Some(24), false, false),
        ] {
            let (identity, identity_version) = s.read_identity(&system(), person.id).await.unwrap();
            current.facts.age_at_registration = age;
            current.facts.age_uncertain = uncertain;
            let (version, _) = s
                .update_person_with_identity(&system(), &current, identity_version, &identity)
                .await
                .unwrap();
            current.version = version;
            assert_eq!(
                reach(s.clone(), viewer.clone()).await,
                (minor, minor),
                "age {age:?}, uncertain {uncertain}"
            );
        }
        db.finish().await;
    }
);

// ---------------------------------------------------------------- issue 10: accounts

store_test!(
    account_requests_wait_for_a_second_administrator,
    |db| async move {
        let s = &db.store;
        let demo = Demo::new(3, 10);
        let reference = demo.reference().clone();
        reference
            .write(s, &system(), "$argon2id$demo")
            .await
            .unwrap();
        let id_of = async |name: &str| s.user_by_username(name).await.unwrap().unwrap().id;
        let admin = id_of("admin").await;
        let officer = id_of("officer").await;
        let org = s.user(admin).await.unwrap().organisation_id;
        let admin2 = s
            .create_user(
                &system(),
                &NewUser {
                    id: UserId::new(),
                    username: "admin2".into(),
                    display_name: "Second".into(),
                    role: Role::Admin,
                    organisation_id: org,
                    office_id: None,
                    password_hash: "$argon2id$demo".into(),
                },
            )
            .await
            .unwrap();
        let later = chrono::Utc::now() + chrono::Duration::hours(72);

        // One request waits per account.
        let request = s.request_reset(admin, officer).await.unwrap();
        assert!(matches!(
            s.request_reset(admin2, officer).await,
            Err(StoreError::Duplicate { .. })
        ));
        let pending = s.pending_account_requests(10).await.unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].user.id, officer);
        assert_eq!(pending[0].requested_by, admin);
        assert_eq!(pending[0].requested_by_name, "Administrateur Tabara");
        // Nothing changed for the account yet.
        let c = s.credentials("officer").await.unwrap().unwrap();
        assert!(!c.must_change_password);

        // The requester cannot approve; another administrator can, once.
        match s
            .decide_account_request(admin, request, Some(("$argon2id$one-time", later)))
            .await
        {
            Err(StoreError::Invalid(e)) => assert_eq!(e.0[0].rule, "second_administrator"),
            other => panic!("{other:?}"),
        }
        assert!(
            !s.credentials("officer")
                .await
                .unwrap()
                .unwrap()
                .must_change_password
        );
        s.decide_account_request(admin2, request, Some(("$argon2id$one-time", later)))
            .await
            .unwrap();
        assert!(matches!(
            s.decide_account_request(admin2, request, None).await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(s.pending_account_requests(10).await.unwrap().is_empty());
        let c = s.credentials("officer").await.unwrap().unwrap();
        assert_eq!(c.password_hash, "$argon2id$one-time");
        assert!(c.must_change_password);
        assert!(c.one_time_expires_at.is_some());
        let notice = s.reset_notice(officer).await.unwrap().unwrap();
        assert_eq!(notice.by.as_deref(), Some("Administrateur Tabara"));
        assert_eq!(notice.approved_by.as_deref(), Some("Second"));

        // The credential is spent once; setting a password ends the one-time state.
        assert!(s.use_one_time_credential(officer).await.unwrap());
        assert!(!s.use_one_time_credential(officer).await.unwrap());
        s.set_password(&Actor::user(officer), officer, "$argon2id$own")
            .await
            .unwrap();
        let c = s.credentials("officer").await.unwrap().unwrap();
        assert!(!c.must_change_password && c.one_time_expires_at.is_none());

        // An expired credential is not spent.
        let past = chrono::Utc::now() - chrono::Duration::seconds(1);
        s.issue_one_time_credential(&system(), officer, "$argon2id$x", past)
            .await
            .unwrap();
        assert!(!s.use_one_time_credential(officer).await.unwrap());

        // A refused new account stays without a credential, disabled.
        let newcomer = UserId::new();
        let req = s
            .create_account(
                &Actor::user(admin),
                &NewUser {
                    id: newcomer,
                    username: "agent.new".into(),
                    display_name: "New".into(),
                    role: Role::Officer,
                    organisation_id: org,
                    office_id: None,
                    password_hash: "$argon2id$nobody-knows".into(),
                },
                tabara_store::FirstCredential::AwaitingApproval(admin),
            )
            .await
            .unwrap()
            .expect("a request");
        assert!(!s.use_one_time_credential(newcomer).await.unwrap());
        s.decide_account_request(admin2, req, None).await.unwrap();
        assert!(s.user(newcomer).await.unwrap().disabled);

        let officer_actions: Vec<String> = s
            .audit_trail("user", &officer.to_string())
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(
            officer_actions[1..],
            [
                "user.reset_request",
                "user.request_approve",
                "user.one_time_credential",
                "user.login_one_time",
                "user.password",
                "user.one_time_credential",
            ]
        );
        let newcomer_actions: Vec<String> = s
            .audit_trail("user", &newcomer.to_string())
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(
            newcomer_actions,
            [
                "user.create",
                "user.create_request",
                "user.request_refuse",
                "user.disable"
            ]
        );
        assert!(matches!(
            s.verify_audit().await.unwrap(),
            Verification::Ok { .. }
        ));
        db.finish().await;
    }
);

// ================================================================ issue 10: audit evidence

/// Run statements on the register behind Tabara's back (an attacker with database access);
/// unlike `tamper`, any number of rows.
async fn tamper_all(db: &TestDb, statements: &[String]) {
    match db.sqlite_path() {
        Some(path) => {
            let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
                .filename(path)
                .connect()
                .await
                .expect("open the SQLite file");
            for sql in statements {
                sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                    .execute(&mut conn)
                    .await
                    .unwrap();
            }
            conn.close().await.unwrap();
        }
        None => {
            let mut conn = sqlx::PgConnection::connect(&db.database_arg())
                .await
                .expect("connect to the PostgreSQL register");
            for sql in statements {
                sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                    .execute(&mut conn)
                    .await
                    .unwrap();
            }
            conn.close().await.unwrap();
        }
    }
}

/// Cut the log after entry `keep` and move the head back to it: the chain alone stays whole.
fn cut_tail(keep: &AuditEntry) -> Vec<String> {
    vec![
        format!("DELETE FROM audit_log WHERE seq > {}", keep.seq),
        format!(
            "UPDATE audit_head SET seq = {}, hash = '{}' WHERE id = 1",
            keep.seq, keep.hash
        ),
    ]
}

store_test!(
    audit_verify_detects_a_cut_tail_with_the_head_moved_back,
    |db| async move {
        let s = &db.store;
        load_demo(s, 5, 150).await;
        let entries = all_audit(s).await;
        let n = entries.len() as i64;
        assert_eq!(
            s.verify_audit().await.unwrap(),
            Verification::Ok { entries: n }
        );
        // The last batch ends with its consents' entries: cut five of them.
        let removed = &entries[entries.len() - 5..];
        assert!(
            removed.iter().all(|e| e.action == "consent.create"),
            "{removed:?}"
        );
        let keep = &entries[entries.len() - 6];
        tamper_all(&db, &cut_tail(keep)).await;
        match s.verify_audit().await.unwrap() {
            Verification::Broken {
                seq,
                reason:
                    tabara_store::Problem::Unrecorded {
                        kind,
                        action,
                        records,
                        entries: found,
                        example,
                    },
            } => {
                assert_eq!(seq, keep.seq + 1);
                assert_eq!(
                    (kind.as_str(), action.as_str()),
                    ("consent", "consent.create")
                );
                assert_eq!(records, found + 5);
                assert!(
                    removed
                        .iter()
                        .any(|e| Some(&e.record_id) == example.as_ref()),
                    "{example:?} is one of the consents whose entry was cut"
                );
            }
            other => panic!("a cut tail must be detected: {other:?}"),
        }
        db.finish().await
    }
);

store_test!(audit_verify_detects_a_wiped_log, |db| async move {
    let s = &db.store;
    load_demo(s, 6, 60).await;
    tamper_all(
        &db,
        &[
            "DELETE FROM audit_log".to_string(),
            format!("UPDATE audit_head SET seq = 0, hash = '{GENESIS}' WHERE id = 1"),
        ],
    )
    .await;
    match s.verify_audit().await.unwrap() {
        Verification::Broken {
            seq: 1,
            reason:
                tabara_store::Problem::Unrecorded {
                    kind,
                    entries: 0,
                    records,
                    example,
                    ..
                },
        } => {
            assert_eq!(kind, "organisation");
            assert!(records > 0);
            assert_eq!(example.map(|e| e.len()), Some(36), "a uuid");
        }
        other => panic!("a wiped log must be detected: {other:?}"),
    }
    db.finish().await
});

store_test!(audit_verify_names_a_missing_head, |db| async move {
    let s = &db.store;
    let n = audited_writes(s).await.len() as i64;
    tamper_all(&db, &["DELETE FROM audit_head".to_string()]).await;
    assert_eq!(
        s.verify_audit().await.unwrap(),
        Verification::Broken {
            seq: n + 1,
            reason: tabara_store::Problem::HeadMissing
        }
    );
    db.finish().await
});

store_test!(
    audit_verify_detects_a_record_written_after_the_log,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let case = open_case(s, &w, "2026-01-10").await;
        assert!(matches!(
            s.verify_audit().await.unwrap(),
            Verification::Ok { .. }
        ));
        // As if the case's last change had been audited in entries since cut away.
        tamper_all(
            &db,
            &[format!(
                "UPDATE cases SET updated_at = '2999-01-01T00:00:00+00:00' WHERE number = {}",
                case.number
            )],
        )
        .await;
        match s.verify_audit().await.unwrap() {
            Verification::Broken {
                reason: tabara_store::Problem::WrittenAfterLog { table, .. },
                ..
            } => assert_eq!(table, "cases"),
            other => panic!("{other:?}"),
        }
        db.finish().await
    }
);

// ================================================================ issue 10: the register file

/// The SQLite file holds identities: created readable by its owner only, and so are the
/// write-ahead log and shared-memory files SQLite puts next to it.
#[cfg(unix)]
#[tokio::test]
async fn a_new_sqlite_register_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("tabara-mode-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("register.db");
    let s = Store::open(&Location::Sqlite(path.clone()), OpenMode::CreateIfMissing)
        .await
        .unwrap();
    s.create_organisation(&system(), &org("Agence"))
        .await
        .unwrap();
    for name in ["register.db", "register.db-wal", "register.db-shm"] {
        let mode = std::fs::metadata(dir.join(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{name}: {mode:o}");
    }
    s.close().await;
    std::fs::remove_dir_all(&dir).unwrap();
}
