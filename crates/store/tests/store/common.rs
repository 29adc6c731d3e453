//! Fixtures, assertions and helpers shared by the store tests, and the imports they all use.
#![allow(unused_imports)]

pub(crate) use std::collections::HashMap;
pub(crate) use std::fmt::Debug;

pub(crate) use chrono::{Days, NaiveDate};
pub(crate) use serde_json::json;
pub(crate) use sqlx::{ConnectOptions, Connection};
pub(crate) use tabara_core::htcds::*;
pub(crate) use tabara_core::ids::*;
pub(crate) use tabara_core::records::*;
pub(crate) use tabara_core::{Country, Picklist, Role, ValueSet};
pub(crate) use tabara_demo::{Demo, Reference};
pub(crate) use tabara_store::audit::GENESIS;
pub(crate) use tabara_store::testing::TestDb;
pub(crate) use tabara_store::{
    Actor, AuditEntry, Batch, BatchCase, CaseFilter, CaseSummary, DecisionInput, DecisionKind,
    ExportRow, Location, NewCase, NewUser, OpenMode, Page, PageRequest, RegisterStats, Store,
    StoreError, Verification, store_test,
};
pub(crate) use tokio::task::JoinSet;

pub(crate) type StoreResult<T> = Result<T, StoreError>;

// ---------------------------------------------------------------- fixtures

pub(crate) fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a YYYY-MM-DD date")
}

pub(crate) fn system() -> Actor {
    Actor::system("test")
}

pub(crate) fn set<T: Picklist>(values: &[T]) -> ValueSet<T> {
    values.iter().copied().collect()
}

pub(crate) fn org(name: &str) -> Organisation {
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

pub(crate) fn office(org: &Organisation, name: &str) -> Office {
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
pub(crate) struct World {
    pub(crate) org: Organisation,
    pub(crate) office: Office,
}

pub(crate) async fn world(s: &Store) -> World {
    let org = org("Agence de test");
    let office = office(&org, "Poste frontalier de Ruhwa");
    s.create_organisation(&system(), &org).await.unwrap();
    s.create_office(&system(), &office).await.unwrap();
    World { org, office }
}

pub(crate) fn facts() -> PersonFacts {
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
pub(crate) fn identity(first: &str, second: &str) -> PersonIdentity {
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

pub(crate) async fn add_person(s: &Store, w: &World, first: &str, second: &str) -> Person {
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

pub(crate) fn new_case(org: OrganisationId, office: Option<OfficeId>, facts: CaseFacts) -> NewCase {
    NewCase {
        id: CaseId::new(),
        organisation_id: org,
        office_id: office,
        owner_id: None,
        facts,
    }
}

pub(crate) async fn open_case(s: &Store, w: &World, opened_on: &str) -> Case {
    let new = new_case(
        w.org.id,
        Some(w.office.id),
        CaseFacts::opened(day(opened_on)),
    );
    s.create_case(&system(), &new).await.unwrap()
}

/// Involve a stored person in a stored case as a victim of forced labour.
pub(crate) async fn involve_victim(s: &Store, case: CaseId, person: PersonId) {
    s.add_case_person(
        &system(),
        case,
        person,
        &victim(&[ExploitationType::ForcedLabour]),
    )
    .await
    .unwrap();
}

pub(crate) fn victim(types: &[ExploitationType]) -> Involvement {
    Involvement::Victim(VictimContext {
        exploitation_types: set(types),
        ..Default::default()
    })
}

/// A victim context with every field set.
pub(crate) fn full_victim() -> VictimContext {
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

pub(crate) fn full_victim_without(t: ExploitationType) -> VictimContext {
    let mut v = full_victim();
    v.exploitation_types = v.exploitation_types.iter().filter(|x| *x != t).collect();
    v
}

pub(crate) fn suspect(
    roles: &[RoleInProcess],
    organisation_id: Option<OrganisationId>,
) -> Involvement {
    Involvement::Suspect(PerpetratorContext {
        roles: set(roles),
        role_details: Some("Recrutait au marché de Ruhwa".into()),
        organisation_id,
    })
}

pub(crate) fn consent(person_id: PersonId, scope: ConsentScope, recorded_on: &str) -> Consent {
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
pub(crate) fn assert_invalid<T: Debug>(r: StoreResult<T>, field: &str, rule: &str) {
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
pub(crate) fn assert_conflict<T: Debug>(
    r: StoreResult<T>,
    kind: &str,
    id: &str,
    expected: i64,
    actual: i64,
) {
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
pub(crate) fn assert_duplicate<T: Debug>(r: StoreResult<T>, what: &str, value_contains: &str) {
    match r {
        Err(StoreError::Duplicate { what: w, value }) => {
            assert_eq!(w, what);
            assert!(value.contains(value_contains), "{value}");
        }
        other => panic!("expected Duplicate {what}, got {other:?}"),
    }
}

#[track_caller]
pub(crate) fn assert_not_found<T: Debug>(r: StoreResult<T>, kind: &str, id: &str) {
    match r {
        Err(StoreError::NotFound { kind: k, id: i }) => assert_eq!((k, i.as_str()), (kind, id)),
        other => panic!("expected NotFound {kind} {id}, got {other:?}"),
    }
}

#[track_caller]
pub(crate) fn assert_broken(v: Verification, seq: i64) {
    match v {
        Verification::Broken { seq: s, reason } => assert_eq!(s, seq, "{reason}"),
        other => panic!("expected the chain broken at entry {seq}, got {other:?}"),
    }
}

// ---------------------------------------------------------------- audit helpers

/// The audit chain, and the register against it, verify whole with `entries` entries.
pub(crate) async fn assert_verified(s: &Store, entries: i64) {
    assert_eq!(
        s.verify_audit().await.unwrap(),
        Verification::Ok { entries }
    );
}

pub(crate) async fn all_audit(s: &Store) -> Vec<AuditEntry> {
    s.audit_entries(0, 100_000).await.unwrap()
}

/// Number of audit entries (the chain head).
pub(crate) async fn audit_count(s: &Store) -> i64 {
    s.stats().await.unwrap().audit_entries
}

/// The record's history is one change, to version 2, by `actor`, of exactly these fields.
pub(crate) async fn assert_one_change(
    s: &Store,
    kind: &str,
    id: &str,
    actor: &Actor,
    changes: serde_json::Value,
) {
    let history = s.history(kind, id).await.unwrap();
    assert_eq!(history.len(), 1, "{history:?}");
    assert_eq!(
        (history[0].version, history[0].actor.as_str()),
        (2, actor.as_str())
    );
    assert_eq!(history[0].changes, changes);
}

/// `(actor, action, record_kind, record_id)` of each entry.
pub(crate) fn audit_lines(entries: &[AuditEntry]) -> Vec<(String, String, String, String)> {
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

pub(crate) fn audit_line(
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

pub(crate) async fn trail_actions(s: &Store, kind: &str, id: &str) -> Vec<String> {
    s.audit_trail(kind, id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

/// Run one statement on the register through a connection of its own, as an attacker with
/// database access would, and check that it touched exactly one row.
pub(crate) async fn tamper(db: &TestDb, sql: &'static str) {
    let rows = tamper_all(db, &[sql.to_string()]).await;
    assert_eq!(rows, [1], "tampering must touch exactly one row: {sql}");
}

/// Run statements on the register behind Tabara's back (an attacker with database access);
/// unlike `tamper`, any number of rows: the rows each statement touched.
pub(crate) async fn tamper_all(db: &TestDb, statements: &[String]) -> Vec<u64> {
    match db.sqlite_path() {
        Some(path) => {
            let conn = sqlx::sqlite::SqliteConnectOptions::new()
                .filename(path)
                .connect()
                .await
                .expect("open the SQLite file");
            let done = execute_all(conn, statements).await;
            done.iter().map(|d| d.rows_affected()).collect()
        }
        None => {
            let conn = sqlx::PgConnection::connect(&db.database_arg())
                .await
                .expect("connect to the PostgreSQL register");
            let done = execute_all(conn, statements).await;
            done.iter().map(|d| d.rows_affected()).collect()
        }
    }
}

async fn execute_all<C>(
    mut conn: C,
    statements: &[String],
) -> Vec<<C::Database as sqlx::Database>::QueryResult>
where
    C: Connection,
    for<'c> &'c mut C: sqlx::Executor<'c, Database = C::Database>,
    <C::Database as sqlx::Database>::Arguments: sqlx::IntoArguments<C::Database>,
{
    let mut out = Vec::new();
    for sql in statements {
        let done = sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .execute(&mut conn)
            .await
            .unwrap();
        out.push(done);
    }
    conn.close().await.unwrap();
    out
}

/// Writes of several kinds; returns the actions they must have logged, in order.
pub(crate) async fn audited_writes(s: &Store) -> Vec<&'static str> {
    let w = world(s).await;
    let p = add_person(s, &w, "Aline", "Niyonkuru").await;
    s.read_identity(&system(), p.id).await.unwrap();
    let case = open_case(s, &w, "2026-01-10").await;
    involve_victim(s, case.id, p.id).await;
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
pub(crate) async fn pages(s: &Store, filter: &CaseFilter, limit: i64) -> Vec<Page<CaseSummary>> {
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

pub(crate) fn numbers(pages: &[Page<CaseSummary>]) -> Vec<i64> {
    pages
        .iter()
        .flat_map(|p| p.items.iter().map(|c| c.number))
        .collect()
}

pub(crate) async fn listed(s: &Store, filter: &CaseFilter) -> Vec<i64> {
    let pages = pages(s, filter, 500).await;
    assert_eq!(pages.len(), 1, "one page of 500 holds every test case");
    numbers(&pages)
}

pub(crate) async fn listed_summaries(s: &Store, filter: &CaseFilter) -> Vec<CaseSummary> {
    pages(s, filter, 500)
        .await
        .into_iter()
        .flat_map(|p| p.items)
        .collect()
}

// ---------------------------------------------------------------- demo helpers

/// The demo's organisations and offices, then every batch through `bulk_insert`.
pub(crate) async fn load_demo(s: &Store, seed: u64, persons: u64) -> (Demo, Vec<Batch>) {
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
pub(crate) fn numbered(batches: &[Batch]) -> Vec<(i64, &BatchCase)> {
    batches
        .iter()
        .flat_map(|b| &b.cases)
        .enumerate()
        .map(|(i, c)| (i as i64 + 1, c))
        .collect()
}

pub(crate) fn union_of_victims(c: &BatchCase) -> ValueSet<ExploitationType> {
    c.persons
        .iter()
        .filter_map(|(_, inv)| match inv {
            Involvement::Victim(v) => Some(v.exploitation_types.iter()),
            _ => None,
        })
        .flatten()
        .collect()
}

// ---------------------------------------------------------------- value samples

pub(crate) const STATUSES: [CaseStatus; 4] = [
    CaseStatus::Active,
    CaseStatus::FollowUp,
    CaseStatus::Closed,
    CaseStatus::ClosedReferred,
];

pub(crate) const TYPES: [ExploitationType; 4] = [
    ExploitationType::ForcedLabour,
    ExploitationType::SexualExploitation,
    ExploitationType::ChildLabour,
    ExploitationType::ForcedMarriage,
];

/// Screening answers by question id.
pub(crate) fn answers(
    list: &[(&str, tabara_core::screening::Answer)],
) -> std::collections::BTreeMap<String, tabara_core::screening::Answer> {
    list.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

/// The police confirm the status the screening suggests.
pub(crate) fn confirmed() -> DecisionInput<'static> {
    DecisionInput {
        kind: DecisionKind::Confirmed,
        status: None,
        reason: "",
        decided_by: DecisionMakingOrg::Police,
    }
}

/// The police override the suggestion: an actual victim of trafficking, for `reason`.
pub(crate) fn overridden(reason: &str) -> DecisionInput<'_> {
    DecisionInput {
        kind: DecisionKind::Overridden,
        status: Some(TraffickingStatus::ActualVictimOfTrafficking),
        reason,
        decided_by: DecisionMakingOrg::Police,
    }
}

/// The age and movement facts of a 16-year-old recruited and exploited (a screening fixture).
pub(crate) fn child_made_to_work() -> (
    tabara_core::screening::AgeFacts,
    tabara_core::palermo::MovementFacts,
) {
    use tabara_core::palermo::{Fact, MovementFacts};
    let age = tabara_core::screening::AgeFacts {
        age: Some(16),
        ..Default::default()
    };
    let movement = MovementFacts {
        act: Fact::Yes,
        exploitation: Fact::Yes,
        child: Fact::Yes,
        ..Default::default()
    };
    (age, movement)
}

/// Every byte of the register as someone holding a copy of it reads it, lower-cased: the SQLite
/// file with its write-ahead log (emptied into the file first), or on PostgreSQL the rows of
/// `tables` as text.
pub(crate) async fn raw_register(db: &TestDb, tables: &[&str]) -> String {
    use sqlx::Connection as _;
    match db.sqlite_path() {
        Some(path) => {
            let url = format!("sqlite://{}", path.display());
            let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&mut conn)
                .await
                .unwrap();
            conn.close().await.unwrap();
            let mut all = std::fs::read(&path).unwrap();
            let mut wal = path.as_os_str().to_owned();
            wal.push("-wal");
            all.extend(std::fs::read(std::path::PathBuf::from(wal)).unwrap_or_default());
            String::from_utf8_lossy(&all).to_lowercase()
        }
        None => {
            let mut conn = sqlx::PgConnection::connect(&db.database_arg())
                .await
                .unwrap();
            let mut out = String::new();
            for table in tables {
                let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "SELECT t::text FROM {table} t"
                )))
                .fetch_all(&mut conn)
                .await
                .unwrap();
                out.push_str(&rows.join("\n").to_lowercase());
            }
            conn.close().await.unwrap();
            out
        }
    }
}
