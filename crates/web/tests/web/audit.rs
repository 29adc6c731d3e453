//! Every write route appends its audit action, in the name of the user who made it. The table
//! below names the action of every POST route of the router: a new write route fails the test
//! until its audit action is written here (or it is declared to write nothing).

use std::collections::BTreeMap;

use tabara_store::AuditEntry;

use crate::common::*;
use crate::world::world_signed_in;

/// Each POST route and the audit actions a successful request appends (among others).
/// An empty list: the route writes nothing to the register, and appends nothing.
const ACTIONS: &[(&str, &[&str])] = &[
    ("/signin", &["user.login"]),
    // A sign-out deletes the session row: nothing of the register changes.
    ("/signout", &[]),
    // The language is a cookie, and the session's preference.
    ("/lang", &[]),
    ("/account/password", &["user.password"]),
    (
        "/cases/new",
        &[
            "case.create",
            "person.create",
            "case_person.add",
            "consent.create",
        ],
    ),
    ("/cases/{number}/edit", &["case.update"]),
    ("/cases/{number}/comments", &["case_comment.create"]),
    ("/cases/{number}/shares", &["case.share"]),
    (
        "/cases/{number}/persons/{person}/edit",
        &["person.update", "person_identity.update"],
    ),
    (
        "/cases/{number}/persons/{person}/screenings",
        &["screening.create"],
    ),
    ("/screenings/{id}", &["screening.save"]),
    ("/screenings/{id}/complete", &["screening.complete"]),
    ("/screenings/{id}/decision", &["screening.confirm"]),
    ("/training/materials/items", &["material.create"]),
    ("/training/materials/receive", &["material.receipt"]),
    ("/training/materials/distribute", &["material.distribution"]),
    ("/training/sessions/new", &["training_session.create"]),
    (
        "/training/sessions/{id}/participants",
        &["training_participant.create"],
    ),
    (
        "/training/sessions/{id}/register",
        &["training_attendance.present", "training_participant.scores"],
    ),
    (
        "/training/participants/{id}/grade",
        &["training_participant.scores"],
    ),
    (
        "/training/sessions/{id}/certificates",
        &["certificate.issue"],
    ),
    (
        "/training/certificates/{id}/revoke",
        &["certificate.revoke"],
    ),
    ("/admin/users/new", &["user.create"]),
    ("/admin/users/{username}/disable", &["user.disable"]),
    ("/admin/users/{username}/enable", &["user.enable"]),
    (
        "/admin/users/{username}/reset",
        &["user.one_time_credential"],
    ),
    ("/admin/requests/{id}/approve", &["user.request_approve"]),
    ("/admin/requests/{id}/refuse", &["user.request_refuse"]),
    ("/admin/organisations/new", &["organisation.create"]),
    ("/admin/organisations/{id}", &["organisation.update"]),
    ("/admin/organisations/{id}/offices", &["office.create"]),
    // Stateless: evaluates the answers it is given, stores nothing.
    ("/api/v1/screening/evaluate", &[]),
];

/// What each route's request appended, and who made it.
struct Log {
    head: i64,
    appended: BTreeMap<&'static str, (String, Vec<AuditEntry>)>,
}

impl Log {
    /// Move to the end of the audit log: what `route`'s request just appended, made by `actor`.
    async fn record(&mut self, db: &TestDb, route: &'static str, actor: String) {
        let mut entries = Vec::new();
        loop {
            let more = db.store.audit_entries(self.head, 500).await.unwrap();
            let Some(last) = more.last() else { break };
            self.head = last.seq;
            entries.extend(more);
        }
        assert!(
            self.appended.insert(route, (actor, entries)).is_none(),
            "{route} recorded twice"
        );
    }

    /// Skip what was appended since the last request recorded (sign-ins, page reads).
    async fn skip(&mut self, db: &TestDb) {
        loop {
            let more = db.store.audit_entries(self.head, 500).await.unwrap();
            let Some(last) = more.last() else { return };
            self.head = last.seq;
        }
    }
}

/// Post `fields` to `path` and check that the write went through (a redirect, or the page
/// that tells its result).
async fn post(b: &mut Browser<'_>, path: &str, fields: &[(String, String)]) -> Reply {
    let form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = b.post(path, &form).await;
    assert!(
        matches!(r.status, 200 | 303),
        "POST {path}: {}\n{}",
        r.status,
        r.body
    );
    r
}

store_test!(every_write_appends_its_audit_action, |db| async move {
    let app = start(&db).await;
    let mut world = world_signed_in(&db, &app, Some(&["officer", "trainer", "admin"])).await;
    let mut log = Log {
        head: 0,
        appended: BTreeMap::new(),
    };
    let who = |world: &crate::world::World<'_>, name: &str| {
        world
            .users
            .iter()
            .position(|u| u.username == name)
            .unwrap_or_else(|| panic!("no user {name}"))
    };
    let actor = |world: &crate::world::World<'_>, i: usize| {
        Actor::user(world.users[i].id).as_str().to_string()
    };
    let org_id = |prefix: &str| {
        app.reference
            .organisations
            .iter()
            .find(|o| o.name.starts_with(prefix))
            .unwrap()
            .id
            .to_string()
    };
    let (officer, trainer, admin) = (
        who(&world, "officer"),
        who(&world, "trainer"),
        who(&world, "admin"),
    );

    // --- the officer: language, intake, the case page's forms, a person, a screening
    let b = &mut world.users[officer].browser;
    let (action, mut f) = form_fields(&b.get("/").await.body, "/lang");
    set(&mut f, "lang", "en");
    log.skip(&db).await;
    post(b, &action, &f).await;
    log.record(&db, "/lang", actor(&world, officer)).await;

    let b = &mut world.users[officer].browser;
    let (action, mut f) = form_fields(&b.get("/cases/new").await.body, "/cases/new");
    for (k, v) in [
        ("opened_on", "2026-01-15"),
        ("first_name", "Espérance"),
        ("second_name", "Niyonzima"),
        ("age", "16"),
        ("gender", "Feminine"),
        ("citizenship", "BI"),
        ("exploitation", "ChildLabour"),
        ("trafficking_status", "PossibleVictimOfTrafficking"),
        ("consent", "1"),
    ] {
        set(&mut f, k, v);
    }
    log.skip(&db).await;
    let opened = post(b, &action, &f).await;
    log.record(&db, "/cases/new", actor(&world, officer)).await;
    // The new case's victim is a child: the one screened below.
    let child_case: i64 = opened
        .location
        .expect("to the new case")
        .trim_start_matches("/cases/")
        .parse()
        .unwrap();
    let child_case_id = db.store.case_by_number(child_case).await.unwrap().id;
    let child = db.store.case_persons(child_case_id).await.unwrap()[0]
        .person
        .id;

    let case = world.cases[0].number;
    let (victim, _) = world.cases[0].persons[0];
    let b = &mut world.users[officer].browser;
    let path = format!("/cases/{case}/edit");
    let (action, mut f) = form_fields(&b.get(&path).await.body, &path);
    set(&mut f, "opened_on", "2026-03-01");
    log.skip(&db).await;
    post(b, &action, &f).await;
    log.record(&db, "/cases/{number}/edit", actor(&world, officer))
        .await;

    let b = &mut world.users[officer].browser;
    let page = b.get(&format!("/cases/{case}")).await.body;
    let (action, mut f) = form_fields(&page, &format!("/cases/{case}/comments"));
    set(&mut f, "body", "Vue au poste, orientée vers l'OIM.");
    log.skip(&db).await;
    post(b, &action, &f).await;
    log.record(&db, "/cases/{number}/comments", actor(&world, officer))
        .await;

    let b = &mut world.users[officer].browser;
    let (action, mut f) = form_fields(&page, &format!("/cases/{case}/shares"));
    set(&mut f, "organisation", &org_id("Parquet"));
    set(&mut f, "reason", "Transmis au parquet");
    log.skip(&db).await;
    post(b, &action, &f).await;
    log.record(&db, "/cases/{number}/shares", actor(&world, officer))
        .await;

    let b = &mut world.users[officer].browser;
    let path = format!("/cases/{case}/persons/{victim}/edit");
    let (action, mut f) = form_fields(&b.get(&path).await.body, &path);
    set(&mut f, "age", "31");
    set(&mut f, "first_name", "Victime corrigée");
    log.skip(&db).await;
    post(b, &action, &f).await;
    log.record(
        &db,
        "/cases/{number}/persons/{person}/edit",
        actor(&world, officer),
    )
    .await;

    let b = &mut world.users[officer].browser;
    let path = format!("/cases/{child_case}/persons/{child}");
    let (action, f) = form_fields(&b.get(&path).await.body, &format!("{path}/screenings"));
    log.skip(&db).await;
    let started = post(b, &action, &f).await;
    log.record(
        &db,
        "/cases/{number}/persons/{person}/screenings",
        actor(&world, officer),
    )
    .await;
    let step = started.location.expect("to the first step");
    let screening = step
        .trim_start_matches("/screenings/")
        .split('?')
        .next()
        .unwrap()
        .to_string();

    let b = &mut world.users[officer].browser;
    let (action, f) = form_fields(
        &b.get(&step).await.body,
        &format!("/screenings/{screening}?step="),
    );
    log.skip(&db).await;
    post(b, &action, &f).await;
    log.record(&db, "/screenings/{id}", actor(&world, officer))
        .await;
    // Recruited, and exploited: for a child, enough for a suggested status to confirm.
    for (step, answers) in [
        ("recruitment-d1", &["a_act_recruited"][..]),
        ("exploitation-d4", &["a_d4_hours", "a_d4_pay"][..]),
    ] {
        let b = &mut world.users[officer].browser;
        let at = format!("/screenings/{screening}?step={step}");
        let (action, mut f) = form_fields(&b.get(&at).await.body, &at);
        for a in answers {
            set(&mut f, a, "yes");
        }
        post(b, &action, &f).await;
    }

    let b = &mut world.users[officer].browser;
    let review = b.get(&format!("/screenings/{screening}/review")).await.body;
    let (action, f) = form_fields(&review, &format!("/screenings/{screening}/complete"));
    log.skip(&db).await;
    let completed = post(b, &action, &f).await;
    log.record(&db, "/screenings/{id}/complete", actor(&world, officer))
        .await;

    let b = &mut world.users[officer].browser;
    let result = match completed.location {
        Some(l) => b.get(&l).await.body,
        None => completed.body,
    };
    let (action, f) = form_fields(&result, &format!("/screenings/{screening}/decision"));
    assert!(f.contains(&("decision".into(), "confirm".into())), "{f:?}");
    log.skip(&db).await;
    post(b, &action, &f).await;
    log.record(&db, "/screenings/{id}/decision", actor(&world, officer))
        .await;

    // --- the trainer: materials, a session from its creation to a revoked certificate
    let gatumba = app
        .reference
        .offices
        .iter()
        .find(|o| o.name == "Poste frontalier de Gatumba")
        .unwrap()
        .id
        .to_string();
    let store = app
        .reference
        .offices
        .iter()
        .find(|o| o.name == "Poste frontalier de Ruhwa")
        .unwrap()
        .id
        .to_string();
    let b = &mut world.users[trainer].browser;
    let page = b.get("/training/materials").await.body;
    let (action, mut f) = form_fields(&page, "/training/materials/items");
    for (k, v) in [
        ("kind", "poster"),
        ("title", "Ntimugurishwe"),
        ("language", "rn"),
    ] {
        set(&mut f, k, v);
    }
    log.skip(&db).await;
    post(b, &action, &f).await;
    log.record(&db, "/training/materials/items", actor(&world, trainer))
        .await;
    let item = db
        .store
        .materials()
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.title == "Ntimugurishwe")
        .expect("the new item")
        .id
        .to_string();
    for (route, fields) in [
        (
            "/training/materials/receive",
            vec![
                ("item", item.as_str()),
                ("store", &store),
                ("quantity", "10"),
                ("on", "2026-03-01"),
            ],
        ),
        (
            "/training/materials/distribute",
            vec![
                ("item", item.as_str()),
                ("store", &store),
                ("to", &gatumba),
                ("quantity", "4"),
                ("on", "2026-03-05"),
            ],
        ),
    ] {
        let b = &mut world.users[trainer].browser;
        let (action, mut f) = form_fields(&b.get("/training/materials").await.body, route);
        for (k, v) in fields {
            set(&mut f, k, v);
        }
        log.skip(&db).await;
        post(b, &action, &f).await;
        log.record(&db, route, actor(&world, trainer)).await;
    }

    let b = &mut world.users[trainer].browser;
    let (action, mut f) = form_fields(
        &b.get("/training/sessions/new").await.body,
        "/training/sessions/new",
    );
    for (k, v) in [
        ("title", "Formation des OPJ — audit"),
        ("starts_on", "2026-03-02"),
        ("ends_on", "2026-03-03"),
        ("venue", "Bujumbura"),
        ("organiser", &org_id("OIM")),
        ("trainers", "Josiane Kwizera"),
        ("m_legal_frameworks", "1"),
        ("min_attendance", "80"),
        ("min_post_test", "70"),
    ] {
        set(&mut f, k, v);
    }
    log.skip(&db).await;
    let created = post(b, &action, &f).await;
    log.record(&db, "/training/sessions/new", actor(&world, trainer))
        .await;
    let session = created.location.expect("to the new session");

    let b = &mut world.users[trainer].browser;
    let (action, mut f) = form_fields(
        &b.get(&session).await.body,
        &format!("{session}/participants"),
    );
    for (k, v) in [
        ("full_name", "Jean Hatungimana"),
        ("rank", "OPJ"),
        ("sex", "Masculine"),
    ] {
        set(&mut f, k, v);
    }
    log.skip(&db).await;
    post(b, &action, &f).await;
    log.record(
        &db,
        "/training/sessions/{id}/participants",
        actor(&world, trainer),
    )
    .await;
    let session_id: tabara_core::ids::TrainingSessionId =
        session.rsplit('/').next().unwrap().parse().unwrap();
    let participant = db.store.participants(session_id).await.unwrap()[0]
        .id
        .to_string();

    let b = &mut world.users[trainer].browser;
    let (action, mut f) = form_fields(&b.get(&session).await.body, &format!("{session}/register"));
    for day in ["2026-03-02", "2026-03-03"] {
        set(&mut f, &format!("att_{participant}_{day}"), "1");
    }
    set(&mut f, &format!("pre_{participant}"), "40");
    set(&mut f, &format!("post_{participant}"), "60");
    log.skip(&db).await;
    post(b, &action, &f).await;
    log.record(
        &db,
        "/training/sessions/{id}/register",
        actor(&world, trainer),
    )
    .await;

    // Graded on screen: every answer right.
    let b = &mut world.users[trainer].browser;
    let grade = format!("/training/participants/{participant}/grade");
    let sheet = b.get(&format!("{grade}?kind=post")).await.body;
    let (action, mut f) = form_fields(&sheet, &grade);
    let mut questions: Vec<String> = sheet
        .split("name=\"q_")
        .skip(1)
        .map(|rest| format!("q_{}", rest.split('"').next().unwrap()))
        .collect();
    questions.dedup();
    assert!(!questions.is_empty(), "a test sheet with questions");
    for q in &questions {
        // No answer is checked on a fresh sheet: the first choice of each question.
        set(&mut f, q, "0");
    }
    log.skip(&db).await;
    post(b, &action, &f).await;
    log.record(
        &db,
        "/training/participants/{id}/grade",
        actor(&world, trainer),
    )
    .await;

    // Completed (both days, 90 % after the test), then certified.
    let b = &mut world.users[trainer].browser;
    let (action, mut f) = form_fields(&b.get(&session).await.body, &format!("{session}/register"));
    set(&mut f, &format!("post_{participant}"), "90");
    post(b, &action, &f).await;
    let (action, f) = form_fields(
        &b.get(&session).await.body,
        &format!("{session}/certificates"),
    );
    log.skip(&db).await;
    post(b, &action, &f).await;
    log.record(
        &db,
        "/training/sessions/{id}/certificates",
        actor(&world, trainer),
    )
    .await;

    let b = &mut world.users[trainer].browser;
    let (action, mut f) = form_fields(&b.get(&session).await.body, "/training/certificates/");
    set(&mut f, "reason", "Délivré par erreur");
    log.skip(&db).await;
    post(b, &action, &f).await;
    log.record(
        &db,
        "/training/certificates/{id}/revoke",
        actor(&world, trainer),
    )
    .await;

    // --- the administrator: accounts, requests, organisations and offices
    let commission = org_id("Commission");
    let b = &mut world.users[admin].browser;
    let (action, mut f) = form_fields(&b.get("/admin/users/new").await.body, "/admin/users/new");
    for (k, v) in [
        ("username", "audit.analyste"),
        ("display_name", "Analyste d'audit"),
        ("role", "analyst"),
        ("organisation", &commission),
        ("office", ""),
    ] {
        set(&mut f, k, v);
    }
    log.skip(&db).await;
    post(b, &action, &f).await;
    log.record(&db, "/admin/users/new", actor(&world, admin))
        .await;

    for route in [
        "/admin/users/{username}/disable",
        "/admin/users/{username}/enable",
        "/admin/users/{username}/reset",
    ] {
        let b = &mut world.users[admin].browser;
        let path = route.replace("{username}", "matrix.target");
        let (action, f) = form_fields(&b.get("/admin/users/matrix.target").await.body, &path);
        log.skip(&db).await;
        post(b, &action, &f).await;
        log.record(&db, route, actor(&world, admin)).await;
    }

    let requester = world.requester;
    let pending = db
        .store
        .user_by_username("matrix.pending")
        .await
        .unwrap()
        .unwrap()
        .id;
    for route in [
        "/admin/requests/{id}/approve",
        "/admin/requests/{id}/refuse",
    ] {
        let waiting = db.store.pending_account_requests(500).await.unwrap();
        let id = match waiting.iter().find(|r| r.user.id == pending) {
            Some(r) => r.id,
            None => db.store.request_reset(requester, pending).await.unwrap(),
        };
        let b = &mut world.users[admin].browser;
        let path = route.replace("{id}", &id.to_string());
        let (action, f) = form_fields(&b.get("/admin/users").await.body, &path);
        log.skip(&db).await;
        post(b, &action, &f).await;
        log.record(&db, route, actor(&world, admin)).await;
    }

    let b = &mut world.users[admin].browser;
    let (action, mut f) = form_fields(
        &b.get("/admin/organisations/new").await.body,
        "/admin/organisations/new",
    );
    set(&mut f, "name", "Association Tubiyage (fictive)");
    set(&mut f, "org_type", "NGO");
    log.skip(&db).await;
    post(b, &action, &f).await;
    log.record(&db, "/admin/organisations/new", actor(&world, admin))
        .await;

    let shelter = org_id("Maison");
    let b = &mut world.users[admin].browser;
    let path = format!("/admin/organisations/{shelter}");
    let page = b.get(&path).await.body;
    let (action, mut f) = form_fields(&page, &format!("{path}\""));
    set(&mut f, "phone", "+25722229999");
    log.skip(&db).await;
    post(b, action.trim_end_matches('"'), &f).await;
    log.record(&db, "/admin/organisations/{id}", actor(&world, admin))
        .await;

    let b = &mut world.users[admin].browser;
    let (action, mut f) = form_fields(&b.get(&path).await.body, &format!("{path}/offices"));
    set(&mut f, "name", "Antenne de Rumonge");
    set(&mut f, "kind", "FieldOffice");
    set(&mut f, "province", "Rumonge");
    log.skip(&db).await;
    post(b, &action, &f).await;
    log.record(
        &db,
        "/admin/organisations/{id}/offices",
        actor(&world, admin),
    )
    .await;

    // --- the API's stateless evaluation, with the officer's token
    log.skip(&db).await;
    let r = app
        .http
        .post(format!("{}/api/v1/screening/evaluate", app.base))
        .bearer_auth(&world.users[officer].token)
        .header("content-type", "application/json")
        .body(r#"{"answers": {}}"#)
        .send()
        .await
        .unwrap();
    assert!(
        r.status().is_success() || r.status() == 422,
        "{}",
        r.status()
    );
    log.record(&db, "/api/v1/screening/evaluate", actor(&world, officer))
        .await;

    // --- a visitor signs in, changes the password, signs out
    let mut visitor = browser(&app);
    let analyst = app
        .reference
        .users
        .iter()
        .find(|u| u.username == "analyst")
        .unwrap()
        .id;
    log.skip(&db).await;
    assert_eq!(visitor.sign_in("analyst", DEMO_PASSWORD).await.status, 303);
    log.record(&db, "/signin", Actor::user(analyst).as_str().to_string())
        .await;
    let (action, mut f) = form_fields(
        &visitor.get("/account/password").await.body,
        "/account/password",
    );
    set(&mut f, "current", DEMO_PASSWORD);
    set(&mut f, "new", "Rumonge-2026-safe");
    set(&mut f, "repeat", "Rumonge-2026-safe");
    log.skip(&db).await;
    post(&mut visitor, &action, &f).await;
    log.record(
        &db,
        "/account/password",
        Actor::user(analyst).as_str().to_string(),
    )
    .await;
    assert_eq!(
        visitor.sign_in("analyst", "Rumonge-2026-safe").await.status,
        303
    );
    let (action, f) = form_fields(&visitor.get("/").await.body, "/signout");
    log.skip(&db).await;
    post(&mut visitor, &action, &f).await;
    log.record(&db, "/signout", Actor::user(analyst).as_str().to_string())
        .await;

    // Every POST route of the router is in the table, and every one was made.
    let posts: Vec<&str> = tabara_web::route_table()
        .into_iter()
        .filter(|r| r.method == "POST")
        .map(|r| r.path)
        .collect();
    let declared: Vec<&str> = ACTIONS.iter().map(|(p, _)| *p).collect();
    let mut a = posts.clone();
    let mut b = declared.clone();
    a.sort();
    b.sort();
    assert_eq!(a, b, "the write routes and their declared audit actions");
    let mut wrong = Vec::new();
    for (route, want) in ACTIONS {
        let (actor, entries) = log
            .appended
            .get(route)
            .unwrap_or_else(|| panic!("{route} not made"));
        let got: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
        if want.is_empty() && !entries.is_empty() {
            wrong.push(format!("{route} appended {got:?}, want nothing"));
        }
        for action in *want {
            match entries.iter().find(|e| e.action == *action) {
                None => wrong.push(format!("{route}: no {action} in {got:?}")),
                Some(e) if e.actor != *actor => {
                    wrong.push(format!("{route}: {action} by {}, want {actor}", e.actor))
                }
                Some(_) => {}
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    db.finish().await;
});
