//! The web application over real HTTP, on SQLite and PostgreSQL: sign-in, sessions, CSRF,
//! need-to-know (a record out of reach answers 404), audited identity reads, languages.

use std::collections::HashMap;

use reqwest::redirect::Policy;
use tabara_core::Role;
use tabara_demo::{DEMO_PASSWORD, Demo, Reference};
use tabara_store::testing::TestDb;
use tabara_store::{Actor, CaseFilter, PageRequest, Store, store_test};

struct App {
    base: String,
    http: reqwest::Client,
    reference: Reference,
    _stop: tokio::sync::oneshot::Sender<()>,
}

/// A browser-like client: keeps its cookies, does not follow redirects.
struct Browser<'a> {
    app: &'a App,
    cookies: HashMap<String, String>,
}

struct Reply {
    status: u16,
    location: Option<String>,
    headers: reqwest::header::HeaderMap,
    body: String,
}

impl Browser<'_> {
    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep(&mut self, headers: &reqwest::header::HeaderMap) {
        for v in headers.get_all(reqwest::header::SET_COOKIE) {
            let v = v.to_str().unwrap();
            let (kv, attrs) = v.split_once(';').unwrap_or((v, ""));
            let (k, val) = kv.split_once('=').unwrap();
            if attrs.contains("Max-Age=0") || val.is_empty() {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), val.to_string());
            }
        }
    }

    async fn reply(&mut self, r: reqwest::Response) -> Reply {
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        self.keep(&headers);
        Reply {
            status,
            location: headers
                .get("location")
                .map(|l| l.to_str().unwrap().to_string()),
            headers,
            body: r.text().await.unwrap(),
        }
    }

    async fn get(&mut self, path: &str) -> Reply {
        let r = self
            .app
            .http
            .get(format!("{}{path}", self.app.base))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.reply(r).await
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Reply {
        let r = self
            .app
            .http
            .post(format!("{}{path}", self.app.base))
            .header("cookie", self.cookie_header())
            .form(form)
            .send()
            .await
            .unwrap();
        self.reply(r).await
    }

    /// The value of the last hidden `csrf` field of a page (the page's own form).
    fn csrf(body: &str) -> String {
        body.split("name=\"csrf\" value=\"")
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap().to_string())
            .filter(|v| !v.is_empty())
            .last()
            .unwrap_or_default()
    }

    async fn sign_in(&mut self, username: &str, password: &str) -> Reply {
        let page = self.get("/signin").await;
        let csrf = Self::csrf(&page.body);
        self.post(
            "/signin",
            &[
                ("username", username),
                ("password", password),
                ("csrf", &csrf),
                ("next", "/"),
            ],
        )
        .await
    }
}

async fn start(db: &TestDb) -> App {
    start_with(db, tabara_web::Config::default()).await
}

async fn start_with(db: &TestDb, config: tabara_web::Config) -> App {
    let store: Store = db.store.clone();
    let actor = Actor::system("test");
    let mut demo = Demo::new(9, 300);
    let reference = demo.reference().clone();
    let hash = tabara_core::password::hash_password(DEMO_PASSWORD);
    reference.write(&store, &actor, &hash).await.unwrap();
    while let Some(batch) = demo.next_batch(300) {
        store.bulk_insert(&actor, &batch).await.unwrap();
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(tabara_web::serve_on(listener, store, config, async {
        let _ = stopped.await;
    }));
    App {
        base,
        http: reqwest::Client::builder()
            .redirect(Policy::none())
            .build()
            .unwrap(),
        reference,
        _stop: stop,
    }
}

fn browser(app: &App) -> Browser<'_> {
    Browser {
        app,
        cookies: HashMap::new(),
    }
}

store_test!(anonymous_visitors_are_sent_to_sign_in, |db| async move {
    let app = start(&db).await;
    let mut b = browser(&app);
    let r = b.get("/cases?status=Active").await;
    assert_eq!(r.status, 303);
    assert_eq!(
        r.location.as_deref(),
        Some("/signin?next=/cases%3Fstatus%3DActive")
    );
    let page = b.get("/signin").await;
    assert_eq!(page.status, 200);
    for (h, v) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
    ] {
        assert_eq!(page.headers.get(h).unwrap(), v, "{h}");
    }
    let csp = page
        .headers
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"),
        "{csp}"
    );
    assert!(!page.body.contains("<script"), "no inline script");
    assert_eq!(b.get("/healthz").await.body, "ok");
    assert_eq!(b.get("/readyz").await.body, "ready");
    db.finish().await;
});

store_test!(sign_in_failures_lock_the_account, |db| async move {
    let app = start(&db).await;
    let mut b = browser(&app);
    let r = b.sign_in("officer", "wrong-password-1").await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("Incorrect user name or password."),
        "{}",
        r.body
    );
    let unknown = b.sign_in("nobody", "whatever-123").await;
    assert!(unknown.body.contains("Incorrect user name or password."));
    // A form without the sign-in cookie's token is refused.
    let mut other = browser(&app);
    let r = other
        .post(
            "/signin",
            &[
                ("username", "officer"),
                ("password", DEMO_PASSWORD),
                ("csrf", "forged"),
            ],
        )
        .await;
    assert!(r.body.contains("expired"), "{}", r.body);
    for _ in 0..4 {
        b.sign_in("officer", "wrong-password-1").await;
    }
    // A locked account answers exactly like a wrong password or an unknown name.
    let locked = b.sign_in("officer", DEMO_PASSWORD).await;
    assert_eq!(locked.status, 422);
    assert!(
        locked.body.contains("Incorrect user name or password."),
        "{}",
        locked.body
    );
    assert!(!locked.body.contains("locked"), "{}", locked.body);
    let creds = db.store.credentials("officer").await.unwrap().unwrap();
    assert_eq!(creds.failed_logins, 5);
    db.finish().await;
});

store_test!(need_to_know_on_pages, |db| async move {
    let app = start(&db).await;
    let officer = app
        .reference
        .users
        .iter()
        .find(|u| u.role == Role::Officer)
        .unwrap()
        .clone();
    let mut b = browser(&app);
    let r = b.sign_in("officer", DEMO_PASSWORD).await;
    assert_eq!((r.status, r.location.as_deref()), (303, Some("/")));
    assert!(b.cookies.contains_key("tabara_session"));

    // The list shows exactly the cases the rules let the officer see.
    let viewer = officer.viewer();
    let visible = db
        .store
        .list_cases(
            &CaseFilter {
                visible_to: Some(viewer),
                ..Default::default()
            },
            PageRequest {
                after: None,
                limit: 25,
            },
        )
        .await
        .unwrap();
    assert!(!visible.items.is_empty());
    let list = b.get("/cases").await;
    assert_eq!(list.status, 200);
    for c in &visible.items {
        assert!(list.body.contains(&c.reference), "{} missing", c.reference);
    }
    let all = db
        .store
        .list_cases(
            &CaseFilter::default(),
            PageRequest {
                after: None,
                limit: 500,
            },
        )
        .await
        .unwrap();
    let hidden = all
        .items
        .iter()
        .find(|c| {
            !visible.items.iter().any(|v| v.id == c.id)
                && c.office.as_deref() != Some("Poste frontalier de Gatumba")
        })
        .unwrap();
    assert!(!list.body.contains(&format!(">{}<", hidden.reference)));

    // Another office's case answers like a missing one.
    let denied = b.get(&format!("/cases/{}", hidden.number)).await;
    let missing = b.get("/cases/999999").await;
    assert_eq!((denied.status, missing.status), (404, 404));
    assert_eq!(
        denied.body, missing.body,
        "a denied case must look exactly like a missing one"
    );

    // Opening a person's identity is audited, naming the user and the person.
    let case = &visible.items[0];
    let page = b.get(&format!("/cases/{}", case.number)).await;
    assert_eq!(page.status, 200);
    let persons = db.store.case_persons(case.id).await.unwrap();
    let person = &persons[0].person;
    let before = db
        .store
        .audit_trail("person", &person.id.to_string())
        .await
        .unwrap()
        .len();
    let p = b
        .get(&format!("/cases/{}/persons/{}", case.number, person.id))
        .await;
    assert_eq!(p.status, 200);
    let trail = db
        .store
        .audit_trail("person", &person.id.to_string())
        .await
        .unwrap();
    assert_eq!(trail.len(), before + 1);
    let last = trail.last().unwrap();
    assert_eq!(
        (last.action.as_str(), last.actor.as_str()),
        ("person_identity.read", Actor::user(officer.id).as_str())
    );

    // Sign-out needs the session's token, then ends the session.
    assert_eq!(b.post("/signout", &[("csrf", "forged")]).await.status, 403);
    let home = b.get("/").await;
    let csrf = Browser::csrf(&home.body);
    assert_eq!(b.post("/signout", &[("csrf", &csrf)]).await.status, 303);
    assert_eq!(b.get("/cases").await.status, 303);
    db.finish().await;
});

store_test!(roles_without_case_access_see_none, |db| async move {
    let app = start(&db).await;
    for name in ["admin", "analyst", "trainer", "legalaid"] {
        let mut b = browser(&app);
        assert_eq!(b.sign_in(name, DEMO_PASSWORD).await.status, 303, "{name}");
        let home = b.get("/").await;
        assert!(
            home.body
                .contains("Your role does not give access to case records."),
            "{name}"
        );
        let list = b.get("/cases").await;
        assert!(list.body.contains("No cases match"), "{name}");
        assert_eq!(b.get("/cases/1").await.status, 404, "{name}");
    }
    db.finish().await;
});

store_test!(language_switch_and_page_weight, |db| async move {
    let app = start(&db).await;
    let mut b = browser(&app);
    b.sign_in("supervisor", DEMO_PASSWORD).await;
    let home = b.get("/").await;
    let csrf = Browser::csrf(&home.body);
    let r = b
        .post(
            "/lang",
            &[("lang", "fr"), ("csrf", &csrf), ("back", "/cases")],
        )
        .await;
    assert_eq!((r.status, r.location.as_deref()), (303, Some("/cases")));
    let list = b.get("/cases").await;
    assert!(
        list.body.contains("<html lang=\"fr\">") && list.body.contains(">Dossiers<"),
        "page not in French"
    );
    let rn = b
        .post("/lang", &[("lang", "rn"), ("csrf", &csrf), ("back", "/")])
        .await;
    assert_eq!(rn.status, 303);
    let home = b.get("/").await;
    assert!(home.body.contains("Amadosiye"), "Kirundi navigation");
    // A forged language switch is refused.
    assert_eq!(
        b.post("/lang", &[("lang", "en"), ("csrf", "forged")])
            .await
            .status,
        403
    );

    // Pages stay light: the list compressed stays far under 60 KB.
    let r = app
        .http
        .get(format!("{}/cases", app.base))
        .header("cookie", b.cookie_header())
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers().get("content-encoding").unwrap(), "gzip");
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.len() < 60 * 1024, "{} bytes", bytes.len());
    db.finish().await;
});

store_test!(
    opening_a_case_with_an_invalid_then_a_valid_form,
    |db| async move {
        let app = start(&db).await;
        let mut b = browser(&app);
        b.sign_in("officer", DEMO_PASSWORD).await;
        let form_page = b.get("/cases/new").await;
        assert_eq!(form_page.status, 200);
        let csrf = Browser::csrf(&form_page.body);
        let office = app.reference.users[0].office_id.unwrap().to_string();
        let before = db.store.stats().await.unwrap();

        let mut fields = vec![
            ("csrf", csrf.as_str()),
            ("opened_on", "2026-11-01"),
            ("office", office.as_str()),
            ("first_name", "Évariste"),
            ("second_name", "Ndayishimiye"),
            ("birthdate", "2031-01-01"),
            ("gender", "Masculine"),
            ("citizenship", "BI, XZ"),
            ("exploitation", ""),
            ("trafficking_status", "PossibleVictimOfTrafficking"),
        ];
        let bad = b.post("/cases/new", &fields).await;
        assert_eq!(bad.status, 422);
        for id in [
            "err-prs_Birthdate",
            "err-prs_Citizenship",
            "err-vic_TypeOfExploitation",
        ] {
            assert!(bad.body.contains(&format!("id=\"{id}\"")), "{id} missing");
        }
        assert!(bad.body.contains("This date is in the future."));
        assert!(
            bad.body.contains("value=\"Évariste\"") && bad.body.contains("value=\"BI, XZ\""),
            "typed values kept"
        );
        assert_eq!(
            db.store.stats().await.unwrap().cases,
            before.cases,
            "nothing written"
        );

        fields[5] = ("birthdate", "2001-03-14");
        fields[7] = ("citizenship", "BI");
        fields[8] = ("exploitation", "ForcedLabour");
        let good = b.post("/cases/new", &fields).await;
        assert_eq!(good.status, 303, "{}", good.body);
        let location = good.location.unwrap();
        let number: i64 = location.trim_start_matches("/cases/").parse().unwrap();
        let case = db.store.case_by_number(number).await.unwrap();
        assert_eq!(case.owner_id, Some(app.reference.users[0].id));
        let persons = db.store.case_persons(case.id).await.unwrap();
        assert_eq!(persons.len(), 1);
        let (identity, _) = db
            .store
            .read_identity(&Actor::system("test"), persons[0].person.id)
            .await
            .unwrap();
        assert_eq!(identity.display_name(), "Évariste Ndayishimiye");
        let page = b.get(&location).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Forced labour"));
        let trail = db
            .store
            .audit_trail("case", &case.id.to_string())
            .await
            .unwrap();
        assert_eq!(trail[0].action, "case.create");
        assert_eq!(
            trail[0].actor,
            Actor::user(app.reference.users[0].id).as_str()
        );

        // A forged form is refused; roles that do not record intake do not get the form.
        fields[0] = ("csrf", "forged");
        assert_eq!(b.post("/cases/new", &fields).await.status, 403);
        let mut analyst = browser(&app);
        analyst.sign_in("analyst", DEMO_PASSWORD).await;
        assert_eq!(analyst.get("/cases/new").await.status, 404);
        assert!(!analyst.get("/").await.body.contains("/cases/new"));
        db.finish().await;
    }
);

async fn api_token(db: &TestDb, username: &str) -> String {
    let user = db.store.user_by_username(username).await.unwrap().unwrap();
    let token = format!("tbr_test_{}", user.id.0.simple());
    let hash = tabara_store::token_hash(&token);
    db.store
        .create_api_token(&Actor::system("test"), user.id, &hash, "test client", None)
        .await
        .unwrap();
    token
}

store_test!(
    json_api_with_tokens_problems_and_need_to_know,
    |db| async move {
        let app = start(&db).await;
        let get = |path: String, token: Option<String>| {
            let mut r = app.http.get(format!("{}{path}", app.base));
            if let Some(t) = token {
                r = r.bearer_auth(t);
            }
            async move {
                let r = r.send().await.unwrap();
                let status = r.status().as_u16();
                let ctype = r
                    .headers()
                    .get("content-type")
                    .map(|v| v.to_str().unwrap().to_string())
                    .unwrap_or_default();
                (
                    status,
                    ctype,
                    serde_json::from_str::<serde_json::Value>(&r.text().await.unwrap()).unwrap(),
                )
            }
        };
        // The OpenAPI document is public and lists the routes.
        let (status, _, doc) = get("/api/v1/openapi.json".into(), None).await;
        assert_eq!(status, 200);
        assert_eq!(doc["openapi"], "3.1.0");
        assert!(
            doc["paths"]["/cases"]["get"].is_object()
                && doc["paths"]["/cases/{reference}"]["get"].is_object()
        );

        // No token, or a wrong one: 401 problem.
        let (status, ctype, problem) = get("/api/v1/cases".into(), None).await;
        assert_eq!((status, ctype.as_str()), (401, "application/problem+json"));
        assert_eq!(problem["status"], 401);
        assert_eq!(
            get("/api/v1/cases".into(), Some("tbr_forged".into()))
                .await
                .0,
            401
        );

        let token = api_token(&db, "investigator").await;
        let (status, _, page) = get("/api/v1/cases?limit=5".into(), Some(token.clone())).await;
        assert_eq!(status, 200);
        let items = page["items"].as_array().unwrap();
        assert_eq!(items.len(), 5);
        let next = page["next"].as_i64().unwrap();
        let (_, _, page2) = get(
            format!("/api/v1/cases?limit=5&after={next}"),
            Some(token.clone()),
        )
        .await;
        assert!(page2["items"][0]["number"].as_i64().unwrap() < next);

        // Bad parameters name the parameter.
        let (status, _, problem) =
            get("/api/v1/cases?status=Open".into(), Some(token.clone())).await;
        assert_eq!(status, 400);
        assert!(problem["detail"].as_str().unwrap().starts_with("status:"));

        // A case of the investigator's agency, then one out of reach: 404 like a missing one.
        let number = items[0]["number"].as_i64().unwrap();
        let (status, _, doc) = get(format!("/api/v1/cases/{number}"), Some(token.clone())).await;
        assert_eq!(status, 200);
        assert_eq!(doc["case"]["number"], number);
        assert!(doc["persons"].as_array().is_some_and(|p| !p.is_empty()));
        assert!(
            !doc.to_string().contains("first_name"),
            "no identity in the API document"
        );
        let analyst = api_token(&db, "analyst").await;
        let (denied, _, _) = get(format!("/api/v1/cases/{number}"), Some(analyst.clone())).await;
        let (missing, _, _) = get("/api/v1/cases/999999".into(), Some(analyst)).await;
        assert_eq!((denied, missing), (404, 404));
        assert_eq!(get("/api/v1/nothing".into(), Some(token)).await.0, 404);
        db.finish().await;
    }
);

// Every role against every record route, for cases of three different agencies: the page, a
// person of the case, and the API answer exactly as `permissions::decide` says, and identity
// appears only where the role may read it.
store_test!(authorization_matrix_over_http, |db| async move {
    use tabara_core::permissions::{Action, decide, decide_identity};
    let app = start(&db).await;
    let all = db
        .store
        .list_cases(
            &CaseFilter::default(),
            PageRequest {
                after: None,
                limit: 500,
            },
        )
        .await
        .unwrap();
    let mut samples = Vec::new();
    for org in &app.reference.organisations {
        if let Some(c) = all.items.iter().find(|c| c.organisation == org.name) {
            samples.push(c.clone());
        }
        if samples.len() == 3 {
            break;
        }
    }
    assert_eq!(samples.len(), 3);
    // Shares, so that the shared paths are walked too: every sample goes to the prosecution
    // (to read), the first to IOM for editing, the second to IOM to read and comment.
    let orgs = &app.reference.organisations;
    let prosecution = orgs
        .iter()
        .find(|o| o.name.starts_with("Parquet"))
        .unwrap()
        .id;
    let iom = orgs.iter().find(|o| o.name.starts_with("OIM")).unwrap().id;
    for (i, c) in samples.iter().enumerate() {
        let owner = db.store.case(c.id).await.unwrap().organisation_id;
        let system = Actor::system("test");
        db.store
            .share_case(&system, c.id, prosecution, "Transmis au parquet", false)
            .await
            .unwrap();
        if i < 2 && owner != iom {
            db.store
                .share_case(&system, c.id, iom, "Prise en charge", i == 0)
                .await
                .unwrap();
        }
    }
    // One screening (a draft) in each sample case.
    let version = tabara_core::screening::Catalogue::embedded()
        .unwrap()
        .version
        .clone();
    let mut screenings = Vec::new();
    for c in &samples {
        let person = db.store.case_persons(c.id).await.unwrap()[0].person.id;
        let id = tabara_core::ids::ScreeningId::new();
        db.store
            .create_screening(&Actor::system("test"), id, c.id, person, &version)
            .await
            .unwrap();
        screenings.push(id);
    }
    let mut wrong = Vec::new();
    for u in &app.reference.users {
        let mut b = browser(&app);
        assert_eq!(
            b.sign_in(&u.username, DEMO_PASSWORD).await.status,
            303,
            "{}",
            u.username
        );
        let token = api_token(&db, &u.username).await;
        let viewer = u.viewer();
        let create = decide(u.role, Action::CreateCase, None).allowed();
        let new_case = b.get("/cases/new").await.status;
        if new_case != if create { 200 } else { 404 } {
            wrong.push(format!("{} GET /cases/new: {new_case}", u.username));
        }
        for (path, action) in [
            ("/admin/users", Action::ManageUsers),
            ("/admin/users/new", Action::ManageUsers),
            ("/admin/organisations", Action::ManageOrganisations),
            ("/admin/organisations/new", Action::ManageOrganisations),
            ("/training", Action::ManageTraining),
            ("/training/sessions/new", Action::ManageTraining),
            ("/training/reports", Action::ManageTraining),
            ("/training/materials", Action::ManageTraining),
        ] {
            let want = if decide(u.role, action, None).allowed() {
                200
            } else {
                404
            };
            let got = b.get(path).await.status;
            if got != want {
                wrong.push(format!("{} GET {path}: {got}, want {want}", u.username));
            }
        }
        let csrf = Browser::csrf(&b.get("/").await.body);
        for c in &samples {
            let relation = db.store.relation(&viewer, c.id).await.unwrap().unwrap();
            let read = decide(u.role, Action::ReadCase, Some(relation)).allowed();
            let want = if read { 200 } else { 404 };
            let page = b.get(&format!("/cases/{}", c.number)).await.status;
            let person = db.store.case_persons(c.id).await.unwrap()[0].person.id;
            let person_page = b
                .get(&format!("/cases/{}/persons/{person}", c.number))
                .await;
            let api = app
                .http
                .get(format!("{}/api/v1/cases/{}", app.base, c.number))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16();
            for (what, got) in [
                ("page", page),
                ("person page", person_page.status),
                ("api", api),
            ] {
                if got != want {
                    wrong.push(format!(
                        "{} ({}) {what} of {}: {got}, want {want}",
                        u.username, u.role, c.reference
                    ));
                }
            }
            // Record actions: allowed → the page or its form answers; readable but not
            // allowed → 403; out of reach → the same 404 as a missing case.
            let gate = |action: Action, ok: u16| {
                if !read {
                    404
                } else if decide(u.role, action, Some(relation)).allowed() {
                    ok
                } else {
                    403
                }
            };
            let edit = b.get(&format!("/cases/{}/edit", c.number)).await.status;
            let edit_person = b
                .get(&format!("/cases/{}/persons/{person}/edit", c.number))
                .await
                .status;
            let comment = b
                .post(
                    &format!("/cases/{}/comments", c.number),
                    &[("csrf", &csrf), ("body", "matrix check")],
                )
                .await
                .status;
            let share = b
                .post(
                    &format!("/cases/{}/shares", c.number),
                    &[("csrf", &csrf), ("organisation", ""), ("reason", "")],
                )
                .await
                .status;
            let screening = screenings[samples.iter().position(|x| x.id == c.id).unwrap()];
            let screening_page = b.get(&format!("/screenings/{screening}")).await.status;
            let start_screening = b
                .post(
                    &format!("/cases/{}/persons/{person}/screenings", c.number),
                    &[("csrf", &csrf)],
                )
                .await
                .status;
            for (what, got, want) in [
                ("screening", screening_page, if read { 200 } else { 404 }),
                (
                    "start screening",
                    start_screening,
                    gate(Action::EditCase, 303),
                ),
                ("edit", edit, gate(Action::EditCase, 200)),
                // A person's edit form out of the user's rights answers like a missing one.
                (
                    "person edit",
                    edit_person,
                    if read && decide(u.role, Action::EditCase, Some(relation)).allowed() {
                        200
                    } else {
                        404
                    },
                ),
                ("comment", comment, gate(Action::CommentCase, 303)),
                ("share", share, gate(Action::ShareCase, 422)),
            ] {
                if got != want {
                    wrong.push(format!(
                        "{} ({}) {what} of {}: {got}, want {want}",
                        u.username, u.role, c.reference
                    ));
                }
            }
            if read && person_page.body.contains("person-identity-hidden") {
                wrong.push(format!("{} sees a raw key", u.username));
            }
            // Identity by the person's role: the first person of each role of the case, shown
            // and its read audited exactly when `decide_identity` allows it.
            let persons = db.store.case_persons(c.id).await.unwrap();
            let mut roles_seen = Vec::new();
            for cp in &persons {
                let person_role = cp.involvement.role();
                if !read || roles_seen.contains(&person_role) {
                    continue;
                }
                roles_seen.push(person_role);
                let allowed = decide_identity(u.role, relation, person_role).allowed();
                let trail = |db: &TestDb| {
                    let id = cp.person.id.to_string();
                    let store = db.store.clone();
                    async move {
                        store
                            .audit_trail("person", &id)
                            .await
                            .unwrap()
                            .iter()
                            .filter(|e| e.action == "person_identity.read")
                            .count()
                    }
                };
                let reads_before = trail(&db).await;
                let page = b
                    .get(&format!("/cases/{}/persons/{}", c.number, cp.person.id))
                    .await;
                let shows = page.status == 200
                    && !page.body.contains("does not give access to this person");
                let audited = trail(&db).await - reads_before;
                if shows != allowed || audited != usize::from(allowed) {
                    wrong.push(format!(
                        "{} ({}) identity of a {person_role} on {}: shown={shows}, \
                         audited={audited}, allowed={allowed}",
                        u.username, u.role, c.reference
                    ));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    db.finish().await;
});

store_test!(changing_ones_password, |db| async move {
    let app = start(&db).await;
    let mut b = browser(&app);
    b.sign_in("caseworker", DEMO_PASSWORD).await;
    let page = b.get("/account/password").await;
    assert_eq!(page.status, 200);
    let csrf = Browser::csrf(&page.body);
    let attempt = |current: &'static str, new: &'static str, repeat: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("current", current.to_string()),
            ("new", new.to_string()),
            ("repeat", repeat.to_string()),
        ]
    };
    for (form, message) in [
        (
            attempt("wrong-password-9", "Rumonge-2026-safe", "Rumonge-2026-safe"),
            "current password is not correct",
        ),
        (
            attempt(DEMO_PASSWORD, "Rumonge-2026-safe", "Rumonge-2026-sage"),
            "two new passwords differ",
        ),
        (
            attempt(DEMO_PASSWORD, "short-1", "short-1"),
            "at least 12 characters",
        ),
        (
            attempt(DEMO_PASSWORD, "onlylettersherenow", "onlylettersherenow"),
            "mix at least two",
        ),
    ] {
        let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = b.post("/account/password", &fields).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains(message), "{message}");
    }
    let form = attempt(DEMO_PASSWORD, "Rumonge-2026-safe", "Rumonge-2026-safe");
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = b.post("/account/password", &fields).await;
    assert_eq!(r.status, 303);
    // The session ended; the old password no longer works, the new one does.
    assert_eq!(b.get("/").await.status, 303);
    assert_eq!(b.sign_in("caseworker", DEMO_PASSWORD).await.status, 422);
    assert_eq!(
        b.sign_in("caseworker", "Rumonge-2026-safe").await.status,
        303
    );
    let user = db
        .store
        .user_by_username("caseworker")
        .await
        .unwrap()
        .unwrap();
    let trail = db
        .store
        .audit_trail("user", &user.id.to_string())
        .await
        .unwrap();
    assert!(
        trail
            .iter()
            .any(|e| e.action == "user.password" && e.actor == Actor::user(user.id).as_str())
    );
    db.finish().await;
});

store_test!(searching_cases_by_a_persons_name, |db| async move {
    let app = start(&db).await;
    let supervisor = app
        .reference
        .users
        .iter()
        .find(|u| u.username == "supervisor")
        .unwrap()
        .clone();
    let viewer = supervisor.viewer();
    let visible = db
        .store
        .list_cases(
            &CaseFilter {
                visible_to: Some(viewer),
                ..Default::default()
            },
            PageRequest {
                after: None,
                limit: 5,
            },
        )
        .await
        .unwrap();
    let case = &visible.items[0];
    let person = db.store.case_persons(case.id).await.unwrap()[0].person.id;
    let (identity, _) = db
        .store
        .read_identity(&Actor::system("test"), person)
        .await
        .unwrap();
    let surname = identity.second_name.unwrap();
    let query = format!("{} {}", identity.first_name.unwrap(), &surname[..3]).to_lowercase();

    let mut b = browser(&app);
    b.sign_in("supervisor", DEMO_PASSWORD).await;
    let events_before = db.store.stats().await.unwrap().audit_entries;
    let r = b
        .get(&format!("/cases?q={}", query.replace(' ', "+")))
        .await;
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains(&case.reference),
        "{} not found by '{query}'",
        case.reference
    );
    assert!(
        r.body.contains(&format!("value=\"{query}\"")),
        "query kept in the form"
    );
    let trail = db.store.audit_entries(events_before, 10).await.unwrap();
    assert!(
        trail.iter().any(|e| e.action == "person_identity.search"
            && e.actor == Actor::user(supervisor.id).as_str())
    );
    assert!(
        trail.iter().all(|e| !e.record_id.contains(&surname)),
        "the searched name is never in the log"
    );
    let none = b.get("/cases?q=zzzz-nobody").await;
    assert!(none.body.contains("No cases match"));

    // Roles without identity access get no search box, and a crafted query is ignored.
    let mut analyst = browser(&app);
    analyst.sign_in("analyst", DEMO_PASSWORD).await;
    let page = analyst
        .get(&format!("/cases?q={}", query.replace(' ', "+")))
        .await;
    assert!(!page.body.contains("id=\"q\""));
    db.finish().await;
});

/// The first cases the demo user `username` can see.
async fn cases_of(
    db: &TestDb,
    app: &App,
    username: &str,
    n: i64,
) -> Vec<tabara_store::CaseSummary> {
    let user = app
        .reference
        .users
        .iter()
        .find(|u| u.username == username)
        .unwrap();
    db.store
        .list_cases(
            &CaseFilter {
                visible_to: Some(user.viewer()),
                ..Default::default()
            },
            PageRequest {
                after: None,
                limit: n,
            },
        )
        .await
        .unwrap()
        .items
}

/// The value of the hidden field `name` in a page.
fn hidden(body: &str, name: &str) -> String {
    body.split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_default()
        .to_string()
}

store_test!(
    editing_a_case_with_validation_and_conflicts,
    |db| async move {
        let app = start(&db).await;
        let case = cases_of(&db, &app, "supervisor", 50)
            .await
            .into_iter()
            .find(|c| c.status == tabara_core::htcds::CaseStatus::Active)
            .unwrap();
        let mut b = browser(&app);
        b.sign_in("supervisor", DEMO_PASSWORD).await;
        let form = b.get(&format!("/cases/{}/edit", case.number)).await;
        assert_eq!(form.status, 200);
        let csrf = Browser::csrf(&form.body);
        let version = hidden(&form.body, "version");
        let stored = db.store.case(case.id).await.unwrap();
        assert_eq!(version, stored.version.to_string());
        let opened = stored.facts.opened_on.to_string();
        let path = format!("/cases/{}/edit", case.number);

        // Closed without a closing date, and a malformed opening date: both errors at their field,
        // the typed values kept, nothing stored.
        let bad = b
            .post(
                &path,
                &[
                    ("csrf", &csrf),
                    ("version", &version),
                    ("status", "Closed"),
                    ("opened_on", "23/11/2026"),
                    ("closed_on", ""),
                    ("closure_reason", "Victim returned home"),
                    ("office", ""),
                ],
            )
            .await;
        assert_eq!(bad.status, 422);
        assert!(bad.body.contains("id=\"err-cas_OpenedOn\""), "{}", bad.body);
        assert!(bad.body.contains("value=\"23/11/2026\""));
        assert!(bad.body.contains("Victim returned home"));
        let bad2 = b
            .post(
                &path,
                &[
                    ("csrf", &csrf),
                    ("version", &version),
                    ("status", "Closed"),
                    ("opened_on", &opened),
                    ("closed_on", ""),
                ],
            )
            .await;
        assert_eq!(bad2.status, 422);
        assert!(bad2.body.contains("id=\"err-cas_ClosedOn\""));
        assert!(bad2.body.contains("A closed case needs a closing date"));
        assert_eq!(
            db.store.case(case.id).await.unwrap().version,
            stored.version
        );

        // A forged token changes nothing.
        let forged = b
            .post(
                &path,
                &[("csrf", "x"), ("version", &version), ("status", "Closed")],
            )
            .await;
        assert_eq!(forged.status, 403);

        // Someone else saves first: the change based on the old version is refused, the form keeps
        // what this user typed and shows what is stored now, and a second save goes through.
        let mut other = stored.clone();
        other.facts.status = tabara_core::htcds::CaseStatus::FollowUp;
        db.store
            .update_case(&Actor::system("colleague"), &other)
            .await
            .unwrap();
        let today = chrono::Utc::now().date_naive().to_string();
        let fields = |v: &str| {
            vec![
                ("csrf".to_string(), csrf.clone()),
                ("version".to_string(), v.to_string()),
                ("status".to_string(), "Closed".to_string()),
                ("opened_on".to_string(), opened.clone()),
                ("closed_on".to_string(), today.clone()),
                (
                    "closure_reason".to_string(),
                    "Returned to family".to_string(),
                ),
                (
                    "office".to_string(),
                    stored.office_id.map(|o| o.to_string()).unwrap_or_default(),
                ),
            ]
        };
        let as_refs = |f: &Vec<(String, String)>| -> Vec<(String, String)> { f.clone() };
        let f = as_refs(&fields(&version));
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let conflict = b.post(&path, &pairs).await;
        assert_eq!(conflict.status, 422);
        assert!(conflict.body.contains("id=\"form-conflict\""));
        assert!(conflict.body.contains("Follow Up"), "stored status shown");
        assert!(
            conflict.body.contains("Returned to family"),
            "typed text kept"
        );
        let new_version = hidden(&conflict.body, "version");
        assert_eq!(new_version, (stored.version + 1).to_string());
        let f = fields(&new_version);
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let saved = b.post(&path, &pairs).await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        let after = db.store.case(case.id).await.unwrap();
        assert_eq!(after.facts.status, tabara_core::htcds::CaseStatus::Closed);
        assert_eq!(
            after.facts.closure_reason.as_deref(),
            Some("Returned to family")
        );
        assert_eq!(after.version, stored.version + 2);
        let trail = db
            .store
            .audit_trail("case", &case.id.to_string())
            .await
            .unwrap();
        let supervisor = app
            .reference
            .users
            .iter()
            .find(|u| u.username == "supervisor")
            .unwrap();
        assert!(
            trail.iter().any(
                |e| e.action == "case.update" && e.actor == Actor::user(supervisor.id).as_str()
            )
        );
        let page = b.get(&format!("/cases/{}", case.number)).await;
        assert!(
            page.body.contains("Returned to family"),
            "history shows the change"
        );

        // Assigning the case to oneself puts it under "my cases" on the dashboard.
        let form = b.get(&path).await;
        let v = hidden(&form.body, "version");
        let mut f = fields(&v);
        f.push(("owner".to_string(), supervisor.id.to_string()));
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(b.post(&path, &pairs).await.status, 303);
        assert_eq!(
            db.store.case(case.id).await.unwrap().owner_id,
            Some(supervisor.id)
        );
        let home = b.get("/").await.body;
        let mine = home.split("Newest cases you can see").next().unwrap();
        assert!(mine.contains(&case.reference), "{home}");

        db.finish().await;
    }
);

store_test!(
    editing_a_person_changes_facts_and_identity_together,
    |db| async move {
        let app = start(&db).await;
        let case = cases_of(&db, &app, "investigator", 1).await.remove(0);
        let person = db.store.case_persons(case.id).await.unwrap()[0]
            .person
            .clone();
        let mut b = browser(&app);
        b.sign_in("investigator", DEMO_PASSWORD).await;
        let path = format!("/cases/{}/persons/{}/edit", case.number, person.id);
        let reads_before = db
            .store
            .audit_trail("person", &person.id.to_string())
            .await
            .unwrap()
            .len();
        let form = b.get(&path).await;
        assert_eq!(form.status, 200);
        let reads_after = db
            .store
            .audit_trail("person", &person.id.to_string())
            .await
            .unwrap();
        assert_eq!(
            reads_after.len(),
            reads_before + 1,
            "opening the form reads the identity: audited"
        );
        assert_eq!(reads_after.last().unwrap().action, "person_identity.read");
        let csrf = Browser::csrf(&form.body);
        let fv = hidden(&form.body, "facts_version");
        let iv = hidden(&form.body, "identity_version");
        let gender = person.facts.gender.as_str();

        let bad = b
            .post(
                &path,
                &[
                    ("csrf", &csrf),
                    ("facts_version", &fv),
                    ("identity_version", &iv),
                    ("first_name", "Aline"),
                    ("second_name", "Ndayishimiye"),
                    ("gender", gender),
                    ("citizenship", "BI, XX"),
                    ("mobile_phone", "079 12"),
                ],
            )
            .await;
        assert_eq!(bad.status, 422);
        assert!(bad.body.contains("id=\"err-prs_Citizenship\""));
        assert!(bad.body.contains("id=\"err-prs_MobilePhone\""));
        assert!(bad.body.contains("value=\"BI, XX\""));
        let good = b
            .post(
                &path,
                &[
                    ("csrf", &csrf),
                    ("facts_version", &fv),
                    ("identity_version", &iv),
                    ("first_name", "Aline"),
                    ("second_name", "Ndayishimiye"),
                    ("gender", gender),
                    ("citizenship", "BI, TZ"),
                    ("mobile_phone", "+25779123456"),
                    ("primary_language", "rn"),
                ],
            )
            .await;
        assert_eq!(good.status, 303, "{}", good.body);
        let (identity, _) = db
            .store
            .read_identity(&Actor::system("test"), person.id)
            .await
            .unwrap();
        assert_eq!(identity.first_name.as_deref(), Some("Aline"));
        assert_eq!(identity.mobile_phone.as_deref(), Some("+25779123456"));
        let facts = db.store.person(person.id).await.unwrap();
        assert_eq!(facts.facts.citizenship.len(), 2);
        assert_eq!(facts.facts.registered_on, person.facts.registered_on);
        assert!(
            db.store
                .find_persons_by_name("aline ndayishimiye", 10)
                .await
                .unwrap()
                .contains(&person.id)
        );

        // The same form again, based on the old versions: refused as a whole, nothing half-saved.
        let stale = b
            .post(
                &path,
                &[
                    ("csrf", &csrf),
                    ("facts_version", &fv),
                    ("identity_version", &iv),
                    ("first_name", "Other"),
                    ("gender", gender),
                ],
            )
            .await;
        assert_eq!(stale.status, 422);
        assert!(stale.body.contains("id=\"form-conflict\""));
        let (identity, _) = db
            .store
            .read_identity(&Actor::system("test"), person.id)
            .await
            .unwrap();
        assert_eq!(identity.first_name.as_deref(), Some("Aline"));
        db.finish().await;
    }
);

store_test!(comments_and_shares_from_the_case_page, |db| async move {
    let app = start(&db).await;
    // A case of the judicial police that the IOM caseworker cannot see yet.
    let case = cases_of(&db, &app, "supervisor", 50)
        .await
        .into_iter()
        .find(|c| c.organisation == "Police Judiciaire (PJ)")
        .unwrap();
    let mut caseworker = browser(&app);
    caseworker.sign_in("caseworker", DEMO_PASSWORD).await;
    let page_path = format!("/cases/{}", case.number);
    assert_eq!(caseworker.get(&page_path).await.status, 404);

    let mut b = browser(&app);
    b.sign_in("supervisor", DEMO_PASSWORD).await;
    let page = b.get(&page_path).await;
    let csrf = Browser::csrf(&page.body);
    let empty = b
        .post(
            &format!("{page_path}/comments"),
            &[("csrf", &csrf), ("body", "  ")],
        )
        .await;
    assert_eq!(empty.status, 422);
    assert!(empty.body.contains("id=\"err-comment\""));
    let ok = b
        .post(
            &format!("{page_path}/comments"),
            &[("csrf", &csrf), ("body", "Victim moved to the IOM shelter")],
        )
        .await;
    assert_eq!(ok.status, 303);
    assert!(
        b.get(&page_path)
            .await
            .body
            .contains("Victim moved to the IOM shelter")
    );

    let iom = app
        .reference
        .organisations
        .iter()
        .find(|o| o.name.starts_with("OIM"))
        .unwrap();
    let iom_id = iom.id.to_string();
    let no_reason = b
        .post(
            &format!("{page_path}/shares"),
            &[("csrf", &csrf), ("organisation", &iom_id), ("reason", "")],
        )
        .await;
    assert_eq!(no_reason.status, 422);
    assert!(no_reason.body.contains("id=\"err-share\""));
    assert_eq!(caseworker.get(&page_path).await.status, 404);
    let shared = b
        .post(
            &format!("{page_path}/shares"),
            &[
                ("csrf", &csrf),
                ("organisation", &iom_id),
                ("reason", "Assistance and shelter"),
            ],
        )
        .await;
    assert_eq!(shared.status, 303);
    let seen = caseworker.get(&page_path).await;
    assert_eq!(
        seen.status, 200,
        "shared with IOM: the caseworker now reads it"
    );
    assert!(seen.body.contains("Assistance and shelter"));
    let again = b
        .post(
            &format!("{page_path}/shares"),
            &[
                ("csrf", &csrf),
                ("organisation", &iom_id),
                ("reason", "again"),
            ],
        )
        .await;
    assert_eq!(again.status, 422);
    db.finish().await;
});

store_test!(admin_manages_accounts_and_organisations, |db| async move {
    let app = start(&db).await;
    let mut admin = browser(&app);
    admin.sign_in("admin", DEMO_PASSWORD).await;
    let list = admin.get("/admin/users").await;
    assert_eq!(list.status, 200);
    for u in &app.reference.users {
        assert!(list.body.contains(&format!(">{}<", u.username)));
    }
    let form = admin.get("/admin/users/new").await;
    assert_eq!(form.status, 200);
    let csrf = Browser::csrf(&form.body);
    let pafe = app
        .reference
        .organisations
        .iter()
        .find(|o| o.name.contains("PAFE"))
        .unwrap();
    let gatumba = app
        .reference
        .offices
        .iter()
        .find(|o| o.name == "Poste frontalier de Gatumba")
        .unwrap();
    let other_office = app
        .reference
        .offices
        .iter()
        .find(|o| o.organisation_id != pafe.id)
        .unwrap();
    let (pafe_id, gatumba_id, other_id) = (
        pafe.id.to_string(),
        gatumba.id.to_string(),
        other_office.id.to_string(),
    );
    let bad = admin
        .post(
            "/admin/users/new",
            &[
                ("csrf", &csrf),
                ("username", "bad name"),
                ("display_name", ""),
                ("role", "officer"),
                ("organisation", &pafe_id),
                ("office", &other_id),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    for field in ["usr_Username", "usr_DisplayName", "usr_Office"] {
        assert!(bad.body.contains(&format!("id=\"err-{field}\"")), "{field}");
    }
    let taken = admin
        .post(
            "/admin/users/new",
            &[
                ("csrf", &csrf),
                ("username", "officer"),
                ("display_name", "Someone"),
                ("role", "officer"),
                ("organisation", &pafe_id),
            ],
        )
        .await;
    assert_eq!(taken.status, 422);
    assert!(taken.body.contains("already taken"));
    // A trainer reads no identities: one administrator creates the account, with a one-time
    // password that leads only to choosing one's own (officers: see
    // `one_time_credentials_and_a_second_administrator`).
    let created = admin
        .post(
            "/admin/users/new",
            &[
                ("csrf", &csrf),
                ("username", "kobero.officer"),
                ("display_name", "Agent Kobero"),
                ("role", "trainer"),
                ("organisation", &pafe_id),
                ("office", &gatumba_id),
            ],
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let one_time = one_time_password(&created.body, "kobero.officer");
    let mut newcomer = browser(&app);
    let r = newcomer.sign_in("kobero.officer", &one_time).await;
    assert_eq!(r.location.as_deref(), Some("/account/password"));
    choose_password(&mut newcomer, "Kobero-2026-own").await;
    let password = "Kobero-2026-own".to_string();
    assert_eq!(
        newcomer.sign_in("kobero.officer", &password).await.status,
        303
    );
    assert_eq!(newcomer.get("/training").await.status, 200);

    // Disabling ends the sessions and sign-in; enabling lets them back; a reset replaces the
    // password.
    let r = admin
        .post("/admin/users/kobero.officer/disable", &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("disabled"));
    assert_eq!(newcomer.get("/training").await.status, 303);
    assert_ne!(
        browser(&app)
            .sign_in("kobero.officer", &password)
            .await
            .status,
        303
    );
    admin
        .post("/admin/users/kobero.officer/enable", &[("csrf", &csrf)])
        .await;
    let reset = admin
        .post("/admin/users/kobero.officer/reset", &[("csrf", &csrf)])
        .await;
    let new_password = one_time_password(&reset.body, "kobero.officer");
    assert_ne!(
        browser(&app)
            .sign_in("kobero.officer", &password)
            .await
            .status,
        303
    );
    assert_eq!(
        browser(&app)
            .sign_in("kobero.officer", &new_password)
            .await
            .status,
        303
    );
    let me = admin
        .post("/admin/users/admin/disable", &[("csrf", &csrf)])
        .await;
    assert_eq!(
        me.status, 422,
        "an administrator cannot lock themselves out"
    );

    // Organisations and offices.
    let orgs = admin.get("/admin/organisations").await;
    assert!(orgs.body.contains("Police Judiciaire"));
    let bad_org = admin
        .post(
            "/admin/organisations/new",
            &[
                ("csrf", &csrf),
                ("name", ""),
                ("org_type", "NGO"),
                ("country", "ZZ"),
            ],
        )
        .await;
    assert_eq!(bad_org.status, 422);
    assert!(bad_org.body.contains("id=\"err-org_Name\""));
    assert!(bad_org.body.contains("id=\"err-org_ShippingCountry\""));
    let org_type = tabara_core::htcds::OrgType::Ngo.as_str();
    let new_org = admin
        .post(
            "/admin/organisations/new",
            &[
                ("csrf", &csrf),
                ("name", "Association Twiyubake"),
                ("org_type", org_type),
                ("city", "Gitega"),
                ("country", "BI"),
            ],
        )
        .await;
    assert_eq!(new_org.status, 303, "{}", new_org.body);
    let org_path = new_org.location.unwrap();
    let org_page = admin.get(&org_path).await;
    assert!(org_page.body.contains("Association Twiyubake"));
    let bad_office = admin
        .post(
            &format!("{org_path}/offices"),
            &[
                ("csrf", &csrf),
                ("name", "Antenne"),
                ("kind", ""),
                ("province", ""),
                ("border_country", "Q1"),
            ],
        )
        .await;
    assert_eq!(bad_office.status, 422);
    for field in ["off_Kind", "off_Province", "off_BorderCountry"] {
        assert!(
            bad_office.body.contains(&format!("id=\"err-{field}\"")),
            "{field}"
        );
    }
    let office = admin
        .post(
            &format!("{org_path}/offices"),
            &[
                ("csrf", &csrf),
                ("name", "Antenne de Gitega"),
                ("kind", "field_office"),
                ("province", "Gitega"),
            ],
        )
        .await;
    assert_eq!(office.status, 303);
    assert!(
        admin
            .get(&org_path)
            .await
            .body
            .contains("Antenne de Gitega")
    );
    let version = hidden(&org_page.body, "version");
    let renamed = admin
        .post(
            &org_path,
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("name", "Association Twiyubake Burundi"),
                ("org_type", org_type),
                ("country", "BI"),
            ],
        )
        .await;
    assert_eq!(renamed.status, 303);
    let stale = admin
        .post(
            &org_path,
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("name", "Stale"),
                ("org_type", org_type),
                ("country", "BI"),
            ],
        )
        .await;
    assert_eq!(stale.status, 422);
    assert!(stale.body.contains("id=\"form-conflict\""));
    let names: Vec<String> = db
        .store
        .organisations()
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.name)
        .collect();
    assert!(names.contains(&"Association Twiyubake Burundi".to_string()));
    assert!(!names.contains(&"Stale".to_string()));

    // Nobody else reaches the admin pages.
    let mut officer = browser(&app);
    officer.sign_in("officer", DEMO_PASSWORD).await;
    for path in [
        "/admin/users",
        "/admin/users/new",
        "/admin/organisations",
        &org_path,
    ] {
        assert_eq!(officer.get(path).await.status, 404, "{path}");
    }
    db.finish().await;
});

store_test!(
    screening_interview_in_steps_then_decision,
    |db| async move {
        use tabara_core::ids::ScreeningId;
        let app = start(&db).await;
        let case = cases_of(&db, &app, "officer", 1).await.remove(0);
        let person = db.store.case_persons(case.id).await.unwrap()[0].person.id;
        let mut b = browser(&app);
        b.sign_in("officer", DEMO_PASSWORD).await;
        let person_path = format!("/cases/{}/persons/{person}", case.number);
        let page = b.get(&person_path).await;
        assert!(page.body.contains("Start a screening"));
        let csrf = Browser::csrf(&page.body);
        let started = b
            .post(&format!("{person_path}/screenings"), &[("csrf", &csrf)])
            .await;
        assert_eq!(started.status, 303);
        let location = started.location.unwrap();
        assert!(location.ends_with("?step=age"), "{location}");
        let path = location.split('?').next().unwrap().to_string();
        let id: ScreeningId = path.trim_start_matches("/screenings/").parse().unwrap();

        // Step 1: an uncertain age with a sign of minority; saved as a draft and resumed.
        let step = b.get(&location).await;
        assert_eq!(step.status, 200);
        let v = hidden(&step.body, "version");
        let r = b
            .post(
                &format!("{path}?step=age"),
                &[
                    ("csrf", &csrf),
                    ("version", &v),
                    ("age", "19"),
                    ("age_uncertain", "1"),
                    ("sign_minor_looks_under_18", "1"),
                    ("go", "stay"),
                ],
            )
            .await;
        assert_eq!(r.status, 303);
        let resumed = b.get(r.location.as_deref().unwrap()).await;
        assert!(resumed.body.contains("Draft saved"));
        assert!(
            resumed
                .body
                .contains("name=\"sign_minor_looks_under_18\" value=\"1\" checked")
        );

        // Recruitment: one "yes", one skipped (stays not asked), one refused.
        let v = hidden(&resumed.body, "version");
        let r = b
            .post(
                &format!("{path}?step=recruitment"),
                &[
                    ("csrf", &csrf),
                    ("version", &v),
                    ("a_act_recruited", "yes"),
                    ("a_d1_job_nature", "not_asked"),
                    ("a_d2_threats", "refused"),
                    ("go", "next"),
                ],
            )
            .await;
        assert_eq!(
            r.location.as_deref(),
            Some(format!("{path}?step=recruitment-d2").as_str())
        );
        // A stale version is refused without losing what is stored.
        let stale = b
            .post(
                &format!("{path}?step=exploitation"),
                &[("csrf", &csrf), ("version", &v), ("a_d4_hours", "yes")],
            )
            .await;
        assert_eq!(stale.status, 409);
        let step = b.get(&format!("{path}?step=exploitation")).await;
        let v = hidden(&step.body, "version");
        let r = b
            .post(
                &format!("{path}?step=exploitation"),
                &[
                    ("csrf", &csrf),
                    ("version", &v),
                    ("a_d4_hours", "yes"),
                    ("a_d4_pay", "yes"),
                    ("a_d5_violence", "no"),
                    ("go", "next"),
                ],
            )
            .await;
        assert_eq!(r.status, 303);
        let step = b.get(&format!("{path}?step=facts")).await;
        let v = hidden(&step.body, "version");
        let r = b
            .post(
                &format!("{path}?step=facts"),
                &[
                    ("csrf", &csrf),
                    ("version", &v),
                    ("f_act", "yes"),
                    ("f_exploitation", "yes"),
                    ("f_child", "yes"),
                    ("f_illegal_crossing", "no"),
                    ("go", "complete"),
                ],
            )
            .await;
        assert_eq!(
            r.location.as_deref(),
            Some(format!("{path}/review").as_str())
        );
        let stored = db.store.screening(id).await.unwrap();
        assert!(
            !stored.answers.contains_key("d1_job_nature"),
            "skipped = not asked"
        );
        assert_eq!(
            stored.answers.get("d2_threats"),
            Some(&tabara_core::screening::Answer::Refused)
        );

        // Review (provisional), then completion: a presumed child, with reasons and next steps.
        let review = b.get(&format!("{path}/review")).await;
        assert!(review.body.contains("id=\"provisional\""));
        let v = hidden(&review.body, "version");
        let done = b
            .post(
                &format!("{path}/complete"),
                &[("csrf", &csrf), ("version", &v)],
            )
            .await;
        assert_eq!(done.status, 303);
        let result = b.get(&path).await;
        assert!(
            result.body.contains("Presumed child victim of trafficking"),
            "{}",
            result.body
        );
        assert!(result.body.contains("Presumed a child"));
        assert!(result.body.contains("Refer the child to child protection"));
        assert!(result.body.contains("Trafficking indicated"));

        // Override without a reason is refused; with one it is recorded and audited.
        let v = hidden(&result.body, "version");
        let no_reason = b
            .post(
                &format!("{path}/decision"),
                &[
                    ("csrf", &csrf),
                    ("version", &v),
                    ("decision", "override"),
                    ("status", "ActualVictimOfTrafficking"),
                    ("reason", ""),
                ],
            )
            .await;
        assert_eq!(no_reason.status, 422);
        let decided = b
            .post(
                &format!("{path}/decision"),
                &[
                    ("csrf", &csrf),
                    ("version", &v),
                    ("decision", "override"),
                    ("status", "ActualVictimOfTrafficking"),
                    ("reason", "School record shows she is 15"),
                ],
            )
            .await;
        assert_eq!(decided.status, 303);
        let trail: Vec<String> = db
            .store
            .audit_trail("screening", &id.to_string())
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(trail.last().map(String::as_str), Some("screening.override"));
        let person_page = b.get(&person_path).await;
        assert!(person_page.body.contains(&format!("/screenings/{id}")));
        assert!(person_page.body.contains("Actual victim of trafficking"));

        // French.
        let fr_csrf = Browser::csrf(&person_page.body);
        b.post(
            "/lang",
            &[("csrf", &fr_csrf), ("lang", "fr"), ("back", "/")],
        )
        .await;
        let fr = b.get(&path).await;
        assert!(
            fr.body.contains("Enfant victime présumé de la traite"),
            "{}",
            fr.body
        );

        // Out of reach: the same 404 as a missing screening.
        let mut other = browser(&app);
        other.sign_in("caseworker", DEMO_PASSWORD).await;
        let denied = other.get(&path).await;
        let missing = other
            .get(&format!("/screenings/{}", ScreeningId::new()))
            .await;
        assert_eq!((denied.status, missing.status), (404, 404));
        assert_eq!(denied.body, missing.body);
        db.finish().await;
    }
);

store_test!(screening_api_catalogue_evaluate_and_read, |db| async move {
    use tabara_core::ids::ScreeningId;
    let app = start(&db).await;
    let token = api_token(&db, "officer").await;
    let api = |path: &str| format!("{}/api/v1{path}", app.base);

    let anonymous = app
        .http
        .get(api("/screening/catalogue"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
    let catalogue: serde_json::Value = app
        .http
        .get(api("/screening/catalogue"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .map(|t| serde_json::from_str(&t).unwrap())
        .unwrap();
    let indicators = catalogue["indicator"].as_array().unwrap();
    assert!(indicators.len() >= 45);
    assert!(
        indicators
            .iter()
            .any(|i| i["id"] == "d5_documents" && i["adult"] == "strong")
    );

    let body = serde_json::json!({
        "answers": {"act_recruited": "yes", "d4_hours": "yes", "d4_pay": "yes"},
        "age": {"age": 14, "uncertain": false, "minority_signs": []},
        "movement": {"act": "yes", "exploitation": "yes", "child": "yes", "illegal_crossing": "no"}
    });
    let r = app
        .http
        .post(api("/screening/evaluate"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let v: serde_json::Value = r
        .text()
        .await
        .map(|t| serde_json::from_str(&t).unwrap())
        .unwrap();
    assert_eq!(v["evaluation"]["outcome"], "presumed_child_victim");
    assert_eq!(v["distinction"]["verdict"], "trafficking_indicated");
    let bad = app
        .http
        .post(api("/screening/evaluate"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(serde_json::json!({"answers": {"d9_unknown": "yes"}}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status().as_u16(), 400);
    assert_eq!(
        bad.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    let bad_answer = app
        .http
        .post(api("/screening/evaluate"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(serde_json::json!({"answers": {"d4_hours": "maybe"}}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(bad_answer.status().as_u16(), 400);
    // The schema says object: an array is refused, not read field by field.
    let array = app
        .http
        .post(api("/screening/evaluate"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("[]")
        .send()
        .await
        .unwrap();
    assert_eq!(array.status().as_u16(), 400);

    // A stored screening: readable within reach, 404 otherwise.
    let case = cases_of(&db, &app, "officer", 1).await.remove(0);
    let person = db.store.case_persons(case.id).await.unwrap()[0].person.id;
    let id = ScreeningId::new();
    let version = tabara_core::screening::Catalogue::embedded()
        .unwrap()
        .version
        .clone();
    db.store
        .create_screening(&Actor::system("test"), id, case.id, person, &version)
        .await
        .unwrap();
    let mine: serde_json::Value = app
        .http
        .get(api(&format!("/screenings/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .map(|t| serde_json::from_str(&t).unwrap())
        .unwrap();
    assert_eq!(mine["case"], case.reference);
    assert_eq!(mine["provisional"], true);
    let other = api_token(&db, "caseworker").await;
    let denied = app
        .http
        .get(api(&format!("/screenings/{id}")))
        .bearer_auth(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status().as_u16(), 404);
    db.finish().await;
});

/// The text of a PDF, as `pdftotext` (poppler-utils, installed by .ci/run) reads it.
fn pdf_text(pdf: &[u8]) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("pdftotext")
        .args(["-layout", "-", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("pdftotext not found: install Debian's poppler-utils (bash .ci/run does)");
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

store_test!(training_session_to_verified_certificate, |db| async move {
    let app = start(&db).await;
    let mut t = browser(&app);
    t.sign_in("trainer", DEMO_PASSWORD).await;
    assert_eq!(t.get("/training").await.status, 200);
    let mut officer = browser(&app);
    officer.sign_in("officer", DEMO_PASSWORD).await;
    assert_eq!(officer.get("/training").await.status, 404);

    let form = t.get("/training/sessions/new").await;
    let csrf = Browser::csrf(&form.body);
    let org = app
        .reference
        .organisations
        .iter()
        .find(|o| o.name.starts_with("OIM"))
        .unwrap()
        .id
        .to_string();
    let unicef = app
        .reference
        .organisations
        .iter()
        .find(|o| o.name.starts_with("UNICEF"))
        .unwrap()
        .id
        .to_string();
    let bad = t
        .post(
            "/training/sessions/new",
            &[
                ("csrf", &csrf),
                ("title", "Formation OPJ"),
                ("starts_on", "2026-03-06"),
                ("ends_on", "2026-03-02"),
                ("venue", "Bujumbura"),
                ("organiser", &org),
                ("min_attendance", "80"),
                ("min_post_test", "70"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("id=\"err-trn_EndsOn\""), "{}", bad.body);
    assert!(bad.body.contains("id=\"err-trn_Modules\""));
    assert!(bad.body.contains("value=\"Formation OPJ\""));
    let created = t
        .post(
            "/training/sessions/new",
            &[
                ("csrf", &csrf),
                ("title", "Formation des OPJ sur la traite — session 1"),
                ("starts_on", "2026-03-02"),
                ("ends_on", "2026-03-06"),
                ("venue", "Bujumbura"),
                ("organiser", &org),
                ("funding", "Union européenne"),
                ("trainers", "Josiane Kwizera, Pascal Ndayizeye"),
                ("m_legal_frameworks", "1"),
                ("m_child_protection", "1"),
                ("fac_child_protection", &unicef),
                ("min_attendance", "80"),
                ("min_post_test", "70"),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let session_path = created.location.unwrap();
    let page = t.get(&session_path).await;
    assert!(page.body.contains("UNICEF"), "facilitator shown");
    let test = t.get(&format!("{session_path}/test")).await;
    assert_eq!(test.status, 200);
    assert!(
        test.body.contains("id=\"q_legal_elements\""),
        "{}",
        test.body
    );
    assert!(test.body.contains("id=\"q_child_means\""));
    assert!(
        !test.body.contains("id=\"q_mrz\""),
        "only the session's modules"
    );
    assert!(!test.body.contains('✔'));
    let key = t.get(&format!("{session_path}/test?key=1")).await;
    assert_eq!(
        key.body.matches('✔').count(),
        4,
        "one right answer per question"
    );

    for (name, account) in [
        ("", "officer"),
        ("Béatrice Irakoze", ""),
        ("Jean Hatungimana", ""),
    ] {
        let r = t
            .post(
                &format!("{session_path}/participants"),
                &[
                    ("csrf", &csrf),
                    ("full_name", name),
                    ("username", account),
                    ("rank", "OPJ"),
                    ("sex", "Feminine"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
    }
    let id: tabara_core::ids::TrainingSessionId =
        session_path.rsplit('/').next().unwrap().parse().unwrap();
    let people = db.store.participants(id).await.unwrap();
    let by = |n: &str| {
        people
            .iter()
            .find(|p| p.full_name.contains(n))
            .unwrap()
            .id
            .to_string()
    };
    let (claudine, beatrice, jean) = (by("Claudine"), by("Béatrice"), by("Jean"));
    // Claudine: 4 of 5 days, 70 %: completes. Béatrice: 3 days. Jean: 5 days, 69 %.
    let mut fields: Vec<(String, String)> = vec![("csrf".into(), csrf.clone())];
    for (p, days) in [(&claudine, 4), (&beatrice, 3), (&jean, 5)] {
        for d in 0..days {
            fields.push((format!("att_{p}_2026-03-0{}", 2 + d), "1".into()));
        }
    }
    for (p, pre, post) in [
        (&claudine, "40", "70"),
        (&beatrice, "50", "90"),
        (&jean, "30", "69"),
    ] {
        fields.push((format!("pre_{p}"), pre.into()));
        fields.push((format!("post_{p}"), post.into()));
    }
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let saved = t.post(&format!("{session_path}/register"), &pairs).await;
    // Redirect after post: the address bar shows the session, a reload does not post again.
    assert_eq!(saved.status, 303, "{}", saved.body);
    let location = saved.location.clone().unwrap();
    assert!(location.starts_with(&session_path), "{location}");
    let saved = t.get(&location).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert!(saved.body.contains("Attendance and scores saved"));
    assert!(saved.body.contains("too few days attended"));
    assert!(saved.body.contains("post-test under the threshold"));

    // Grading Béatrice's post-test on screen: 3 of the 4 questions right gives 75 %.
    let grade_path = format!("/training/participants/{beatrice}/grade?kind=post");
    let sheet = t.get(&grade_path).await;
    assert_eq!(sheet.status, 200);
    let version = hidden(&sheet.body, "version");
    let graded = t
        .post(
            &grade_path,
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("q_q_legal_elements", "0"),
                ("q_q_legal_consent", "1"),
                ("q_q_presumption_minority", "1"),
                ("q_q_child_means", "2"),
            ],
        )
        .await;
    assert_eq!(graded.status, 303, "{}", graded.body);
    let graded = t.get(&graded.location.unwrap()).await;
    assert!(
        graded.body.contains("75 % recorded"),
        "the notice reads the score back: {}",
        graded.body
    );
    let b = db
        .store
        .participant(beatrice.parse().unwrap())
        .await
        .unwrap();
    assert_eq!((b.pre_test, b.post_test), (Some(50), Some(75)));

    let issued = t
        .post(&format!("{session_path}/certificates"), &[("csrf", &csrf)])
        .await;
    assert_eq!(issued.status, 303, "{}", issued.body);
    let issued = t.get(&issued.location.unwrap()).await;
    assert!(
        issued
            .body
            .contains("Certificates issued: the session now has 1 valid certificate."),
        "one certificate, in the singular, read from the register: {}",
        issued.body
    );
    let certs = db.store.session_certificates(id).await.unwrap();
    assert_eq!(certs.len(), 1);
    let cert = &certs[0];

    // The PDF holds the name and the code; the holder downloads it too, nobody else.
    let pdf_path = format!("/training/certificates/{}/pdf", cert.id);
    let pdf = app
        .http
        .get(format!("{}{pdf_path}", app.base))
        .header("cookie", t.cookie_header())
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let bytes = pdf.bytes().await.unwrap();
    let text = pdf_text(&bytes);
    assert!(text.contains("Claudine Iradukunda"), "{text}");
    assert!(text.contains(&cert.code), "{text}");
    assert!(text.contains("Formation des OPJ sur la traite"), "{text}");
    assert_eq!(officer.get(&pdf_path).await.status, 200, "the holder");
    assert!(
        officer
            .get("/account/certificates")
            .await
            .body
            .contains(&cert.code)
    );
    let mut someone = browser(&app);
    someone.sign_in("investigator", DEMO_PASSWORD).await;
    assert_eq!(someone.get(&pdf_path).await.status, 404);
    let batch = t.get(&format!("{session_path}/certificates.pdf")).await;
    assert_eq!(batch.status, 200);

    // Public verification, without signing in: valid, then revoked; unknown and malformed.
    let mut public = browser(&app);
    let typed = cert.code.to_lowercase().replace('-', " ");
    let ok = public
        .get(&format!("/verify?code={}", typed.replace(' ', "+")))
        .await;
    assert_eq!(ok.status, 200);
    assert!(ok.body.contains("This certificate is valid"));
    // Enough to tie the code to the person in front of the checker: name, course, dates.
    let holder = db.store.participant(cert.participant_id).await.unwrap();
    assert!(
        ok.body
            .contains(&format!("id=\"holder\">{}</dd>", holder.full_name)),
        "{}",
        ok.body
    );
    assert!(
        ok.body
            .contains("Formation des OPJ sur la traite — session 1")
    );
    assert!(ok.body.contains("Mar 2026"), "the dates");
    assert!(
        !ok.body.contains(" %") && !ok.body.contains("Feminine") && !ok.body.contains("Béatrice"),
        "nothing more: no score, no sex, no other participant"
    );
    assert_eq!(public.get("/verify?code=AAAA-BBBB-CCCC").await.status, 404);
    assert!(
        public
            .get("/verify?code=nonsense")
            .await
            .body
            .contains("not a certificate code")
    );
    let no_reason = t
        .post(
            &format!("/training/certificates/{}/revoke", cert.id),
            &[("csrf", &csrf), ("reason", "")],
        )
        .await;
    assert_eq!(no_reason.status, 422);
    let revoked = t
        .post(
            &format!("/training/certificates/{}/revoke", cert.id),
            &[
                ("csrf", &csrf),
                ("reason", "Attendance sheet was signed by someone else"),
            ],
        )
        .await;
    assert_eq!(revoked.status, 303);
    assert!(
        t.get(&revoked.location.unwrap())
            .await
            .body
            .contains("The certificate is revoked")
    );
    let after = public.get(&format!("/verify?code={}", cert.code)).await;
    assert!(after.body.contains("has been revoked"));
    assert!(
        !after.body.contains(&holder.full_name),
        "a revoked certificate names nobody"
    );
    assert_eq!(
        officer.get(&pdf_path).await.status,
        404,
        "a revoked certificate is not printed"
    );

    // The programme report: tables, SVG charts, CSV; trainers only.
    let report = t.get("/training/reports").await;
    assert_eq!(report.status, 200);
    assert!(report.body.contains("People trained by sex"));
    assert!(
        report.body.contains("<svg"),
        "charts are rendered on the server"
    );
    let csv = t.get("/training/reports/by-sex.csv").await;
    assert_eq!(csv.status, 200);
    assert_eq!(csv.body, "Group,Participants,Completed\nFeminine,3,1\n");
    let gain = t.get("/training/reports/knowledge-gain.csv").await;
    assert!(gain.body.contains(",31,40,71\n"), "{}", gain.body);
    assert_eq!(t.get("/training/reports/nothing.csv").await.status, 404);
    assert_eq!(officer.get("/training/reports").await.status, 404);
    db.finish().await;
});

store_test!(
    awareness_materials_stock_and_distributions,
    |db| async move {
        let app = start(&db).await;
        let mut t = browser(&app);
        t.sign_in("trainer", DEMO_PASSWORD).await;
        let page = t.get("/training/materials").await;
        assert_eq!(page.status, 200);
        let csrf = Browser::csrf(&page.body);
        let bad = t
            .post(
                "/training/materials/items",
                &[
                    ("csrf", &csrf),
                    ("kind", "poster"),
                    ("title", "Ntimugurishwe"),
                    ("language", "kirundi"),
                ],
            )
            .await;
        assert_eq!(bad.status, 422);
        assert!(bad.body.contains("two-letter language code"));
        let ok = t
            .post(
                "/training/materials/items",
                &[
                    ("csrf", &csrf),
                    ("kind", "poster"),
                    ("title", "Ntimugurishwe"),
                    ("language", "rn"),
                ],
            )
            .await;
        assert_eq!(ok.status, 303);
        let item = db.store.materials().await.unwrap()[0].id.to_string();
        let store = app
            .reference
            .offices
            .iter()
            .find(|o| o.name != "Poste frontalier de Gatumba")
            .unwrap()
            .id
            .to_string();
        let post = app
            .reference
            .offices
            .iter()
            .find(|o| o.name == "Poste frontalier de Gatumba")
            .unwrap();
        let post_id = post.id.to_string();
        let r = t
            .post(
                "/training/materials/receive",
                &[
                    ("csrf", &csrf),
                    ("item", &item),
                    ("store", &store),
                    ("quantity", "10"),
                    ("on", "2026-03-01"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let r = t.get(&r.location.unwrap()).await;
        assert!(r.body.contains("Now in that store: 10"), "{}", r.body);
        let d = t
            .post(
                "/training/materials/distribute",
                &[
                    ("csrf", &csrf),
                    ("item", &item),
                    ("store", &store),
                    ("to", &post_id),
                    ("quantity", "4"),
                    ("on", "2026-03-05"),
                ],
            )
            .await;
        assert_eq!(d.status, 303, "{}", d.body);
        let d = t.get(&d.location.unwrap()).await;
        assert!(d.body.contains("Now in that store: 6"), "{}", d.body);
        let short = t
            .post(
                "/training/materials/distribute",
                &[
                    ("csrf", &csrf),
                    ("item", &item),
                    ("store", &store),
                    ("to", &post_id),
                    ("quantity", "7"),
                    ("on", "2026-03-06"),
                ],
            )
            .await;
        assert_eq!(short.status, 422);
        assert!(short.body.contains("cannot go below zero"));
        let listed = t.get("/training/materials").await;
        let received = listed.body.split("id=\"received\"").nth(1).unwrap();
        assert!(
            received.contains("Poste frontalier de Gatumba") && received.contains("5 Mar 2026")
        );
        assert_eq!(db.store.material_stock().await.unwrap()[0].quantity, 6);
        let mut officer = browser(&app);
        officer.sign_in("officer", DEMO_PASSWORD).await;
        assert_eq!(officer.get("/training/materials").await.status, 404);
        db.finish().await;
    }
);

store_test!(training_api_for_trainer_tokens, |db| async move {
    use tabara_core::ids::{ParticipantId, TrainingSessionId};
    let app = start(&db).await;
    let actor = Actor::system("test");
    let org = app.reference.organisations[0].id;
    let session = db
        .store
        .create_training_session(
            &actor,
            &tabara_store::NewTrainingSession {
                id: TrainingSessionId::new(),
                title: "Session API".into(),
                starts_on: chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
                ends_on: chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
                venue: "Gitega".into(),
                organiser_id: org,
                funding: None,
                modules: vec![tabara_store::SessionModule {
                    module: "rights_of_suspects".into(),
                    facilitator_id: None,
                }],
                trainers: vec![],
                rule: tabara_core::training::CompletionRule::default(),
            },
        )
        .await
        .unwrap();
    let p = db
        .store
        .add_participant(
            &actor,
            &tabara_store::NewParticipant {
                id: ParticipantId::new(),
                session_id: session.id,
                user_id: None,
                full_name: "Jean Hatungimana".into(),
                rank: None,
                unit: None,
                office_id: None,
                sex: tabara_core::htcds::Gender::Masculine,
            },
        )
        .await
        .unwrap();
    db.store
        .set_attendance(&actor, p.id, session.starts_on, true)
        .await
        .unwrap();
    db.store
        .set_scores(&actor, p.id, 1, Some(40), Some(80))
        .await
        .unwrap();
    let cert = db.store.issue_certificate(&actor, p.id).await.unwrap();

    let token = api_token(&db, "trainer").await;
    let get = |path: String, token: String| {
        let http = app.http.clone();
        let url = format!("{}/api/v1{path}", app.base);
        async move {
            let r = http.get(url).bearer_auth(token).send().await.unwrap();
            let status = r.status().as_u16();
            let body = r.text().await.unwrap();
            (
                status,
                serde_json::from_str::<serde_json::Value>(&body).unwrap_or_default(),
            )
        }
    };
    let (status, list) = get("/training/sessions".into(), token.clone()).await;
    assert_eq!(status, 200);
    assert_eq!(list[0]["title"], "Session API");
    let (_, detail) = get(format!("/training/sessions/{}", session.id), token.clone()).await;
    assert_eq!(detail["days"], 1);
    assert_eq!(detail["participants"][0]["completed"], true);
    assert_eq!(detail["certificates"][0]["code"], cert.code);
    let (_, st) = get(
        format!("/training/certificates/{}", cert.code.to_lowercase()),
        token.clone(),
    )
    .await;
    assert_eq!(st["status"], "valid");
    let (bad, _) = get("/training/certificates/xyz".into(), token.clone()).await;
    assert_eq!(bad, 400);
    let (status, cur) = get("/training/curriculum".into(), token.clone()).await;
    assert_eq!(status, 200);
    assert!(cur["module"].as_array().unwrap().len() >= 8);
    assert_eq!(
        get("/training/materials".into(), token.clone()).await.0,
        200
    );
    let officer = api_token(&db, "officer").await;
    assert_eq!(get("/training/sessions".into(), officer).await.0, 404);
    db.finish().await;
});

// ---------------------------------------------------------------- issue 10: lead

async fn post_pairs(b: &mut Browser<'_>, path: &str, pairs: Vec<(&'static str, String)>) -> Reply {
    let form: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.post(path, &form).await
}

store_test!(authenticated_answers_are_never_cached, |db| async move {
    let app = start(&db).await;
    let mut b = browser(&app);
    b.sign_in("supervisor", DEMO_PASSWORD).await;
    let case = cases_of(&db, &app, "supervisor", 1).await.remove(0);
    let token = api_token(&db, "supervisor").await;
    let mut replies = Vec::new();
    for path in ["/", "/cases", &format!("/cases/{}", case.number)] {
        replies.push((path.to_string(), b.get(path).await.headers));
    }
    let api = app
        .http
        .get(format!("{}/api/v1/cases", app.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    replies.push(("/api/v1/cases".into(), api.headers().clone()));
    let mut t = browser(&app);
    t.sign_in("trainer", DEMO_PASSWORD).await;
    let csv = t.get("/training/reports/by-sex").await;
    replies.push(("/training/reports/by-sex".into(), csv.headers));
    for (path, headers) in &replies {
        assert_eq!(
            headers.get("cache-control").map(|v| v.to_str().unwrap()),
            Some("no-store"),
            "{path}"
        );
        assert!(headers.contains_key("x-request-id"), "{path}");
    }
    // The stylesheet holds no data and stays cacheable.
    let css = b.get("/static/tabara.css").await;
    assert_eq!(css.headers["cache-control"], "public, max-age=86400");
    db.finish().await;
});

store_test!(
    broken_cursors_and_huge_numbers_answer_cleanly,
    |db| async move {
        let app = start(&db).await;
        let mut t = browser(&app);
        t.sign_in("trainer", DEMO_PASSWORD).await;
        let unknown = uuid::Uuid::now_v7();
        for path in [
            format!("/training?after={unknown}"),
            "/training?after=not-an-id".to_string(),
        ] {
            let r = t.get(&path).await;
            assert_eq!(r.status, 400, "{path}: {}", r.body);
            assert!(r.body.contains("Request not understood"), "{path}");
        }
        assert_eq!(t.get("/training").await.status, 200);

        let token = api_token(&db, "trainer").await;
        let api = |path: String| {
            let req = app
                .http
                .get(format!("{}{path}", app.base))
                .bearer_auth(&token);
            async move {
                let r = req.send().await.unwrap();
                let status = r.status().as_u16();
                let kind = r.headers()["content-type"].to_str().unwrap().to_string();
                let body: serde_json::Value =
                    serde_json::from_str(&r.text().await.unwrap()).unwrap();
                (status, kind, body)
            }
        };
        for path in [
            format!("/api/v1/training/sessions?after={unknown}"),
            "/api/v1/cases?after=abc".to_string(),
            "/api/v1/cases?limit=9223372036854775808".to_string(),
        ] {
            let (status, kind, body) = api(path.clone()).await;
            assert_eq!(status, 400, "{path}: {body}");
            assert_eq!(kind, "application/problem+json", "{path}");
            assert_eq!(body["status"], 400, "{path}");
        }
        // Errors raised before any handler (a method not allowed) are problem documents too.
        let r = app
            .http
            .post(format!("{}/api/v1/cases", app.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 405);
        assert_eq!(r.headers()["content-type"], "application/problem+json");

        // Quantities are bounded: nothing overflows, and the reports keep working.
        let page = t.get("/training/materials").await;
        let csrf = Browser::csrf(&page.body);
        let created = t
            .post(
                "/training/materials/items",
                &[
                    ("csrf", &csrf),
                    ("kind", "flyer"),
                    ("title", "Ntimugurishwe"),
                    ("language", "rn"),
                ],
            )
            .await;
        assert_eq!(created.status, 303);
        let item = db.store.materials().await.unwrap()[0].id.to_string();
        let store = app.reference.offices[0].id.to_string();
        let to = app.reference.offices[1].id.to_string();
        for (path, quantity) in [
            ("/training/materials/receive", "9223372036854775807"),
            ("/training/materials/receive", "1000001"),
            ("/training/materials/distribute", "4611686018427387904"),
        ] {
            let r = t
                .post(
                    path,
                    &[
                        ("csrf", &csrf),
                        ("item", &item),
                        ("store", &store),
                        ("to", &to),
                        ("quantity", quantity),
                        ("on", "2026-03-01"),
                    ],
                )
                .await;
            assert_eq!(r.status, 422, "{path} {quantity}: {}", r.body);
        }
        assert!(db.store.material_stock().await.unwrap().is_empty());
        let dated = t
            .post(
                "/training/materials/receive",
                &[
                    ("csrf", &csrf),
                    ("item", &item),
                    ("store", &store),
                    ("quantity", "5"),
                    ("on", "9999-12-31"),
                ],
            )
            .await;
        assert_eq!(dated.status, 422);
        assert!(dated.body.contains("between 1 January 1990 and today"));
        assert_eq!(t.get("/training/reports").await.status, 200);
        assert_eq!(t.get("/training/materials").await.status, 200);
        db.finish().await;
    }
);

store_test!(
    control_characters_bad_dates_and_unknown_values_are_refused,
    |db| async move {
        let app = start(&db).await;
        let mut b = browser(&app);
        b.sign_in("officer", DEMO_PASSWORD).await;
        let form_page = b.get("/cases/new").await;
        let csrf = Browser::csrf(&form_page.body);
        let office = app.reference.users[0].office_id.unwrap().to_string();
        let before = db.store.stats().await.unwrap();
        let fields = |name: &'static str, opened: &'static str, status: &'static str| {
            vec![
                ("csrf", csrf.clone()),
                ("opened_on", opened.to_string()),
                ("office", office.clone()),
                ("first_name", name.to_string()),
                ("second_name", "Ndayishimiye".to_string()),
                ("gender", "Masculine".to_string()),
                ("exploitation", "ForcedLabour".to_string()),
                ("trafficking_status", status.to_string()),
            ]
        };
        let escape = post_pairs(
            &mut b,
            "/cases/new",
            fields("Jean\u{1b}[2J", "2026-11-01", ""),
        )
        .await;
        assert_eq!(escape.status, 422, "{}", escape.body);
        assert!(escape.body.contains("id=\"err-prs_FirstName\""));
        assert!(escape.body.contains("control character"));
        // Each error is tied to its input, for screen readers.
        for id in escape.body.split("id=\"err-").skip(1) {
            let id = id.split('"').next().unwrap();
            assert!(
                escape
                    .body
                    .contains(&format!("aria-describedby=\"err-{id}\"")),
                "err-{id} is described by no input"
            );
        }
        let nul = post_pairs(&mut b, "/cases/new", fields("Jean\u{0}", "2026-11-01", "")).await;
        assert_eq!(nul.status, 422);
        let old = post_pairs(&mut b, "/cases/new", fields("Jean", "0201-11-01", "")).await;
        assert_eq!(old.status, 422);
        assert!(old.body.contains("id=\"err-cas_OpenedOn\""));
        let unknown = post_pairs(
            &mut b,
            "/cases/new",
            fields("Jean", "2026-11-01", "SomethingElse"),
        )
        .await;
        assert_eq!(unknown.status, 422);
        assert!(unknown.body.contains("id=\"err-vic_TraffickingStatus\""));
        assert_eq!(
            db.store.stats().await.unwrap().cases,
            before.cases,
            "nothing stored"
        );
        let ok = post_pairs(
            &mut b,
            "/cases/new",
            fields("Jean", "2026-11-01", "PossibleVictimOfTrafficking"),
        )
        .await;
        assert_eq!(ok.status, 303, "{}", ok.body);
        let case_path = ok.location.unwrap();

        // Comments keep their line breaks and refuse the rest.
        let page = b.get(&case_path).await;
        let csrf = Browser::csrf(&page.body);
        let bell = b
            .post(
                &format!("{case_path}/comments"),
                &[("csrf", &csrf), ("body", "Seen at the border\u{7}")],
            )
            .await;
        assert_eq!(bell.status, 422);
        let lines = b
            .post(
                &format!("{case_path}/comments"),
                &[
                    ("csrf", &csrf),
                    ("body", "Seen at the border.\r\nTaken to the shelter."),
                ],
            )
            .await;
        assert_eq!(lines.status, 303);

        // An unknown filter value is said, not silently ignored.
        let listed = b.get("/cases?status=Nonsense").await;
        assert_eq!(listed.status, 200);
        assert!(
            listed.body.contains("not one of the list"),
            "{}",
            listed.body
        );
        db.finish().await;
    }
);

// ---------------------------------------------------------------- issue 10: access

/// A form for a new case, opened at `office` (empty: no office field).
fn intake_fields<'a>(csrf: &'a str, office: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("opened_on", "2026-01-15"),
        ("office", office),
        ("first_name", "Espérance"),
        ("second_name", "Niyonzima"),
        ("age", "16"),
        ("gender", "Feminine"),
        ("citizenship", "BI"),
        ("exploitation", "ChildLabour"),
        ("consent", "1"),
    ]
}

store_test!(
    every_role_that_may_open_a_case_opens_one_through_the_form,
    |db| async move {
        use tabara_core::permissions::{Action, decide};
        let app = start(&db).await;
        let mut opened = 0;
        for u in &app.reference.users {
            if !decide(u.role, Action::CreateCase, None).allowed() {
                continue;
            }
            let mut b = browser(&app);
            b.sign_in(&u.username, DEMO_PASSWORD).await;
            let form = b.get("/cases/new").await;
            assert_eq!(form.status, 200, "{}", u.username);
            let csrf = Browser::csrf(&form.body);
            let agency_offices: Vec<String> = app
                .reference
                .offices
                .iter()
                .filter(|o| o.organisation_id == u.organisation_id)
                .map(|o| o.id.to_string())
                .collect();
            // The user's own office when it is the agency's, else the agency's first, else none.
            let office = u
                .office_id
                .map(|o| o.to_string())
                .filter(|o| agency_offices.contains(o))
                .or_else(|| agency_offices.first().cloned())
                .unwrap_or_default();
            if office.is_empty() {
                assert!(form.body.contains("id=\"no-office\""), "{}", u.username);
                assert!(!form.body.contains("name=\"office\""), "{}", u.username);
            } else {
                assert!(
                    form.body.contains(&format!("<option value=\"{office}\"")),
                    "{} is offered their agency's office",
                    u.username
                );
                // An agency with offices names the one that opens the case.
                let none = b.post("/cases/new", &intake_fields(&csrf, "")).await;
                assert_eq!(none.status, 422, "{}", u.username);
                assert!(
                    none.body.contains("id=\"err-cas_Office\""),
                    "{}",
                    u.username
                );
            }
            let r = b.post("/cases/new", &intake_fields(&csrf, &office)).await;
            assert_eq!(r.status, 303, "{}: {}", u.username, r.body);
            let number: i64 = r
                .location
                .unwrap()
                .trim_start_matches("/cases/")
                .parse()
                .unwrap();
            let case = db.store.case_by_number(number).await.unwrap();
            assert_eq!(case.organisation_id, u.organisation_id, "{}", u.username);
            assert_eq!(case.owner_id, Some(u.id), "{}", u.username);
            assert_eq!(
                case.office_id.map(|o| o.to_string()).unwrap_or_default(),
                office,
                "{}",
                u.username
            );
            // The one who opened it reads it.
            assert_eq!(
                b.get(&format!("/cases/{number}")).await.status,
                200,
                "{}",
                u.username
            );
            opened += 1;
        }
        assert_eq!(
            opened, 4,
            "officer, investigator, caseworker, child protection"
        );
        // Another agency's office is refused, even for an agency without offices.
        let mut cp = browser(&app);
        cp.sign_in("childprotection", DEMO_PASSWORD).await;
        let csrf = Browser::csrf(&cp.get("/cases/new").await.body);
        let foreign = app.reference.offices[0].id.to_string();
        let r = cp.post("/cases/new", &intake_fields(&csrf, &foreign)).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("id=\"err-cas_Office\""));
        db.finish().await;
    }
);

store_test!(
    an_officer_cannot_share_another_agencys_case_opened_at_their_post,
    |db| async move {
        let app = start(&db).await;
        let officer = app
            .reference
            .users
            .iter()
            .find(|u| u.username == "officer")
            .unwrap();
        // A case of another agency (IOM, UNICEF, the shelter) opened at the officer's post.
        let case = cases_of(&db, &app, "officer", 500)
            .await
            .into_iter()
            .find(|c| {
                c.office.as_deref() == Some("Poste frontalier de Gatumba")
                    && !c.organisation.contains("PAFE")
            })
            .expect("a partner's case at Gatumba");
        let prosecution = app
            .reference
            .organisations
            .iter()
            .find(|o| o.name.starts_with("Parquet"))
            .unwrap()
            .id
            .to_string();
        let mut b = browser(&app);
        b.sign_in("officer", DEMO_PASSWORD).await;
        let path = format!("/cases/{}", case.number);
        let page = b.get(&path).await;
        assert_eq!(page.status, 200, "the officer works on it");
        assert!(!page.body.contains("/shares\""), "no share form");
        let csrf = Browser::csrf(&page.body);
        let audit_before = db.store.stats().await.unwrap().audit_entries;
        let r = b
            .post(
                &format!("{path}/shares"),
                &[
                    ("csrf", &csrf),
                    ("organisation", &prosecution),
                    ("reason", "Transmis au parquet"),
                    ("may_edit", "1"),
                ],
            )
            .await;
        assert!(matches!(r.status, 403 | 404), "{}", r.status);
        assert!(db.store.case_shares(case.id).await.unwrap().is_empty());
        let entries = db.store.audit_entries(audit_before, 50).await.unwrap();
        assert!(
            entries.iter().all(|e| !e.action.starts_with("case.share")),
            "nothing shared, nothing audited as shared"
        );
        // Their own agency's case at their post they still share.
        let own = cases_of(&db, &app, "officer", 500)
            .await
            .into_iter()
            .find(|c| c.organisation.contains("PAFE"))
            .unwrap();
        let own_page = b.get(&format!("/cases/{}", own.number)).await;
        let csrf = Browser::csrf(&own_page.body);
        let r = b
            .post(
                &format!("/cases/{}/shares", own.number),
                &[
                    ("csrf", &csrf),
                    ("organisation", &prosecution),
                    ("reason", "Transmis au parquet"),
                ],
            )
            .await;
        assert_eq!(r.status, 303);
        let shares = db.store.case_shares(own.id).await.unwrap();
        assert_eq!(shares.len(), 1);
        assert_eq!(shares[0].shared_by, Actor::user(officer.id).as_str());
        db.finish().await;
    }
);

/// A case of the judicial police with a victim and a suspect, and those two persons.
async fn pj_case_with_victim_and_suspect(
    db: &TestDb,
    app: &App,
) -> (
    tabara_store::CaseSummary,
    tabara_core::ids::PersonId,
    tabara_core::ids::PersonId,
) {
    use tabara_core::records::PersonRole;
    for c in cases_of(db, app, "supervisor", 200).await {
        if c.organisation != "Police Judiciaire (PJ)" {
            continue;
        }
        let persons = db.store.case_persons(c.id).await.unwrap();
        let of = |role| {
            persons
                .iter()
                .find(|p| p.involvement.role() == role)
                .map(|p| p.person.id)
        };
        if let (Some(v), Some(s)) = (of(PersonRole::Victim), of(PersonRole::Suspect)) {
            return (c, v, s);
        }
    }
    panic!("no PJ case with a victim and a suspect");
}

/// How many times the identity of `person` was read, by anyone.
async fn identity_reads(db: &TestDb, person: tabara_core::ids::PersonId) -> usize {
    db.store
        .audit_trail("person", &person.to_string())
        .await
        .unwrap()
        .iter()
        .filter(|e| e.action == "person_identity.read")
        .count()
}

store_test!(
    a_shared_agency_comments_but_edits_only_when_the_share_says_so,
    |db| async move {
        let app = start(&db).await;
        let (case, victim, _) = pj_case_with_victim_and_suspect(&db, &app).await;
        let iom = app
            .reference
            .organisations
            .iter()
            .find(|o| o.name.starts_with("OIM"))
            .unwrap()
            .id
            .to_string();
        let path = format!("/cases/{}", case.number);
        let mut sup = browser(&app);
        sup.sign_in("supervisor", DEMO_PASSWORD).await;
        let page = sup.get(&path).await;
        assert!(page.body.contains("name=\"may_edit\""), "the checkbox");
        let csrf = Browser::csrf(&page.body);
        let r = sup
            .post(
                &format!("{path}/shares"),
                &[
                    ("csrf", &csrf),
                    ("organisation", &iom),
                    ("reason", "Assistance et hébergement"),
                ],
            )
            .await;
        assert_eq!(r.status, 303);
        let listed = sup.get(&path).await.body;
        assert!(listed.contains("class=\"share-read-only\""), "{listed}");

        let mut cw = browser(&app);
        cw.sign_in("caseworker", DEMO_PASSWORD).await;
        let page = cw.get(&path).await;
        assert_eq!(page.status, 200);
        assert!(
            !page.body.contains(&format!("{path}/edit\"")),
            "no edit link"
        );
        let cw_csrf = Browser::csrf(&page.body);
        let comment = cw
            .post(
                &format!("{path}/comments"),
                &[("csrf", &cw_csrf), ("body", "Hébergée au centre OIM")],
            )
            .await;
        assert_eq!(comment.status, 303);
        let version_before = db.store.case(case.id).await.unwrap().version;
        assert_eq!(cw.get(&format!("{path}/edit")).await.status, 403);
        let refused = cw
            .post(
                &format!("{path}/edit"),
                &[
                    ("csrf", &cw_csrf),
                    ("version", &version_before.to_string()),
                    ("status", "FollowUp"),
                    ("opened_on", "2026-01-01"),
                ],
            )
            .await;
        assert_eq!(refused.status, 403);
        assert_eq!(
            cw.get(&format!("{path}/persons/{victim}/edit"))
                .await
                .status,
            404
        );
        assert_eq!(
            db.store.case(case.id).await.unwrap().version,
            version_before
        );

        // Shared for editing (the checkbox): the caseworker edits.
        // Another PJ case, shared with IOM for editing through the form.
        let other = cases_of(&db, &app, "supervisor", 200)
            .await
            .into_iter()
            .find(|c| c.organisation == "Police Judiciaire (PJ)" && c.id != case.id)
            .unwrap();
        let other_path = format!("/cases/{}", other.number);
        let csrf = Browser::csrf(&sup.get(&other_path).await.body);
        let r = sup
            .post(
                &format!("{other_path}/shares"),
                &[
                    ("csrf", &csrf),
                    ("organisation", &iom),
                    ("reason", "Prise en charge"),
                    ("may_edit", "1"),
                ],
            )
            .await;
        assert_eq!(r.status, 303);
        let shares = db.store.case_shares(other.id).await.unwrap();
        assert!(shares.iter().any(|s| s.may_edit), "{shares:?}");
        assert!(
            sup.get(&other_path)
                .await
                .body
                .contains("class=\"share-may-edit\"")
        );
        let trail = db
            .store
            .audit_trail("case", &other.id.to_string())
            .await
            .unwrap();
        assert_eq!(trail.last().unwrap().action, "case.share_for_editing");
        let form = cw.get(&format!("{other_path}/edit")).await;
        assert_eq!(form.status, 200);
        let stored = db.store.case(other.id).await.unwrap();
        let saved = cw
            .post(
                &format!("{other_path}/edit"),
                &[
                    ("csrf", &Browser::csrf(&form.body)),
                    ("version", &hidden(&form.body, "version")),
                    ("status", "FollowUp"),
                    ("opened_on", &stored.facts.opened_on.to_string()),
                    (
                        "office",
                        &stored.office_id.map(|o| o.to_string()).unwrap_or_default(),
                    ),
                ],
            )
            .await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        assert_eq!(
            db.store.case(other.id).await.unwrap().facts.status,
            tabara_core::htcds::CaseStatus::FollowUp
        );
        db.finish().await;
    }
);

store_test!(
    identity_follows_the_persons_role_on_a_shared_case,
    |db| async move {
        let app = start(&db).await;
        let (case, victim, suspect) = pj_case_with_victim_and_suspect(&db, &app).await;
        let org = |prefix: &str| {
            app.reference
                .organisations
                .iter()
                .find(|o| o.name.starts_with(prefix))
                .unwrap()
                .id
        };
        let system = Actor::system("test");
        for target in [org("OIM"), org("Parquet")] {
            db.store
                .share_case(&system, case.id, target, "Transmis", false)
                .await
                .unwrap();
        }
        let name_of = |person| {
            let store = db.store.clone();
            async move {
                store
                    .read_identity(&Actor::system("test"), person)
                    .await
                    .unwrap()
                    .0
                    .display_name()
            }
        };
        let (victim_name, suspect_name) = (name_of(victim).await, name_of(suspect).await);
        let path = format!("/cases/{}", case.number);

        // (user, reads the victim, reads the suspect)
        for (username, reads_victim, reads_suspect) in
            [("caseworker", true, false), ("prosecutor", false, true)]
        {
            let mut b = browser(&app);
            b.sign_in(username, DEMO_PASSWORD).await;
            assert_eq!(b.get(&path).await.status, 200, "{username}");
            for (person, name, allowed) in [
                (victim, &victim_name, reads_victim),
                (suspect, &suspect_name, reads_suspect),
            ] {
                let before = identity_reads(&db, person).await;
                let page = b.get(&format!("{path}/persons/{person}")).await;
                assert_eq!(page.status, 200, "{username}");
                let escaped = name.replace('\'', "&#x27;");
                assert_eq!(
                    page.body.contains(&escaped),
                    allowed,
                    "{username} and {name}"
                );
                assert_eq!(
                    page.body.contains("does not give access to this person"),
                    !allowed,
                    "{username}"
                );
                assert_eq!(
                    identity_reads(&db, person).await - before,
                    usize::from(allowed),
                    "{username}: a read is audited exactly when it happens"
                );
            }
            // Neither edits a case shared to read.
            assert_eq!(
                b.get(&format!("{path}/persons/{suspect}/edit"))
                    .await
                    .status,
                404,
                "{username}"
            );
            // The name search finds the case only through a person the user may read.
            let search = |name: &str| {
                let q = name.to_lowercase().replace(' ', "+");
                format!("/cases?q={q}")
            };
            let by_victim = b.get(&search(&victim_name)).await.body;
            let by_suspect = b.get(&search(&suspect_name)).await.body;
            let found = |body: &str| body.contains(&format!(">{}<", case.reference));
            assert_eq!(found(&by_victim), reads_victim, "{username} by victim");
            assert_eq!(found(&by_suspect), reads_suspect, "{username} by suspect");
        }
        db.finish().await;
    }
);

store_test!(
    a_person_whose_identity_is_hidden_has_only_facts_to_edit,
    |db| async move {
        use tabara_core::records::PersonRole;
        let app = start(&db).await;
        // A case of the caseworker's own agency with a suspect: they edit it, but read only
        // the victims' identities.
        let mut found = None;
        for c in cases_of(&db, &app, "caseworker", 200).await {
            if !c.organisation.starts_with("OIM") {
                continue;
            }
            let persons = db.store.case_persons(c.id).await.unwrap();
            if let Some(p) = persons
                .iter()
                .find(|p| p.involvement.role() == PersonRole::Suspect)
            {
                found = Some((c, p.person.clone()));
                break;
            }
        }
        let (case, suspect) = found.expect("an IOM case with a suspect");
        let (identity_before, identity_version) = db
            .store
            .read_identity(&Actor::system("test"), suspect.id)
            .await
            .unwrap();
        let reads = identity_reads(&db, suspect.id).await;
        let mut b = browser(&app);
        b.sign_in("caseworker", DEMO_PASSWORD).await;
        let path = format!("/cases/{}/persons/{}/edit", case.number, suspect.id);
        let form = b.get(&path).await;
        assert_eq!(form.status, 200);
        assert!(form.body.contains("id=\"identity-not-editable\""));
        assert!(!form.body.contains("name=\"first_name\""));
        let first = identity_before.first_name.clone().unwrap();
        assert!(!form.body.contains(&first), "no name on the form");
        assert_eq!(
            identity_reads(&db, suspect.id).await,
            reads,
            "no identity read"
        );
        // A crafted identity field is ignored; the facts are saved.
        let saved = b
            .post(
                &path,
                &[
                    ("csrf", &Browser::csrf(&form.body)),
                    ("facts_version", &hidden(&form.body, "facts_version")),
                    ("identity_version", &identity_version.to_string()),
                    ("first_name", "Forged"),
                    ("gender", suspect.facts.gender.as_str()),
                    ("age", "44"),
                    ("citizenship", "BI, TZ"),
                ],
            )
            .await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        let facts = db.store.person(suspect.id).await.unwrap();
        assert_eq!(facts.facts.age_at_registration, Some(44));
        assert_eq!(facts.version, suspect.version + 1);
        let (identity_after, version_after) = db
            .store
            .read_identity(&Actor::system("test"), suspect.id)
            .await
            .unwrap();
        assert_eq!(
            (identity_after, version_after),
            (identity_before, identity_version),
            "identity untouched"
        );
        // The system reads above are the only ones.
        assert_eq!(identity_reads(&db, suspect.id).await, reads + 1);
        db.finish().await;
    }
);

/// The officer's first case with a victim, and that victim.
async fn officer_victim(
    db: &TestDb,
    app: &App,
) -> (tabara_store::CaseSummary, tabara_store::CasePerson) {
    for case in cases_of(db, app, "officer", 50).await {
        let persons = db.store.case_persons(case.id).await.unwrap();
        if let Some(v) = persons
            .into_iter()
            .find(|p| p.involvement.role() == tabara_core::records::PersonRole::Victim)
        {
            return (case, v);
        }
    }
    panic!("the officer reaches no case with a victim");
}

store_test!(
    screening_is_offered_and_started_for_possible_victims_only,
    |db| async move {
        use tabara_core::records::{Involvement, PersonIdentity};
        let app = start(&db).await;
        let (case, victim) = officer_victim(&db, &app).await;
        // A witness and a suspect in the same case.
        let actor = Actor::system("test");
        let mut others = Vec::new();
        for involvement in [
            Involvement::Witness,
            Involvement::Suspect(Default::default()),
        ] {
            let mut p = victim.person.clone();
            p.id = tabara_core::ids::PersonId::new();
            db.store
                .create_person(&actor, &p, &PersonIdentity::default())
                .await
                .unwrap();
            db.store
                .add_case_person(&actor, case.id, p.id, &involvement)
                .await
                .unwrap();
            others.push(p.id);
        }
        let mut b = browser(&app);
        b.sign_in("officer", DEMO_PASSWORD).await;
        let page = b
            .get(&format!(
                "/cases/{}/persons/{}",
                case.number, victim.person.id
            ))
            .await;
        assert!(page.body.contains("Start a screening"), "{}", page.body);
        let csrf = Browser::csrf(&page.body);
        for id in others {
            let path = format!("/cases/{}/persons/{id}", case.number);
            let page = b.get(&path).await;
            assert_eq!(page.status, 200);
            assert!(!page.body.contains("Start a screening"), "{path}");
            assert!(!page.body.contains(&format!("{path}/screenings")), "{path}");
            // Posting the form anyway is refused, in words, and nothing is created.
            let refused = b
                .post(&format!("{path}/screenings"), &[("csrf", &csrf)])
                .await;
            assert_eq!(refused.status, 422);
            assert!(
                refused
                    .body
                    .contains("Only a possible victim of the case is screened"),
                "{}",
                refused.body
            );
            assert!(db.store.person_screenings(id, 10).await.unwrap().is_empty());
        }
        // In French too.
        b.post("/lang", &[("csrf", &csrf), ("lang", "fr"), ("back", "/")])
            .await;
        let path = format!("/cases/{}/persons/{}", case.number, victim.person.id);
        let fr = b.get(&path).await;
        let csrf = Browser::csrf(&fr.body);
        let witness = db
            .store
            .case_persons(case.id)
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.involvement.role() == tabara_core::records::PersonRole::Witness)
            .unwrap();
        let refused = b
            .post(
                &format!(
                    "/cases/{}/persons/{}/screenings",
                    case.number, witness.person.id
                ),
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(refused.status, 422);
        assert!(
            refused.body.contains(
                "Seule une victime possible du dossier fait l&#x27;objet d&#x27;un screening"
            ) || refused.body.contains(
                "Seule une victime possible du dossier fait l&#39;objet d&#39;un screening"
            ),
            "{}",
            refused.body
        );
        db.finish().await;
    }
);

store_test!(
    screening_in_short_screens_with_the_age_carried_over_and_a_linked_result,
    |db| async move {
        let app = start(&db).await;
        let (case, victim) = officer_victim(&db, &app).await;
        // Registered with an estimated age of 19: presumed a child by the one rule.
        let mut person = victim.person.clone();
        person.facts.age_at_registration = Some(19);
        person.facts.age_uncertain = true;
        db.store
            .update_person(&Actor::system("test"), &person)
            .await
            .unwrap();
        let mut b = browser(&app);
        b.sign_in("officer", DEMO_PASSWORD).await;
        let person_path = format!("/cases/{}/persons/{}", case.number, person.id);
        let page = b.get(&person_path).await;
        let csrf = Browser::csrf(&page.body);
        let started = b
            .post(&format!("{person_path}/screenings"), &[("csrf", &csrf)])
            .await;
        assert_eq!(started.status, 303);
        let location = started.location.unwrap();
        let path = location.split('?').next().unwrap().to_string();

        // The age step shows the age recorded at registration, and that it is an estimate.
        let age = b.get(&location).await;
        assert!(
            age.body
                .contains("id=\"age\" name=\"age\" inputmode=\"numeric\" value=\"19\"")
        );
        assert!(
            age.body
                .contains("name=\"age_uncertain\" value=\"1\" checked")
        );
        assert!(age.body.contains("Carried over from the registration"));
        // The step bar: the age is done (an age is recorded) and current; the rest to do, in
        // words as well as signs.
        assert!(age.body.contains("aria-current=\"step\""));
        assert!(age.body.contains("(current step; done)"), "{}", age.body);
        assert!(
            age.body
                .contains("2. D1 <span class=\"visually-hidden\">(to do)</span>")
        );

        // Short screens by dimension, each dimension explained in one line.
        let d1 = b.get(&format!("{path}?step=recruitment-d1")).await;
        assert_eq!(d1.status, 200);
        assert!(d1.body.contains("Lies told to get the person to come"));
        assert!(d1.body.contains("What happened: someone recruited"));
        assert!(d1.body.contains("name=\"a_act_recruited\""));
        assert!(d1.body.contains("name=\"a_d1_job_nature\""));
        assert!(!d1.body.contains("name=\"a_d2_violence\""));
        assert_eq!(d1.body.matches("class=\"question\"").count(), 7);
        let d5 = b.get(&format!("{path}?step=exploitation-d5-2")).await;
        assert!(d5.body.contains("D5 Coercion at destination (2/2)"));
        assert!(d5.body.matches("class=\"question\"").count() <= 8);
        // A phase name opens its first screen (old addresses keep working).
        let old = b.get(&format!("{path}?step=exploitation")).await;
        assert!(
            old.body.contains("action=\"/screenings/")
                && old.body.contains("?step=exploitation-d4\"")
        );

        // Answer every question of the first screen: it is marked done; one answer on the next
        // screen marks it partly done.
        let v = hidden(&d1.body, "version");
        let mut form: Vec<(String, String)> = vec![
            ("csrf".into(), csrf.clone()),
            ("version".into(), v),
            ("go".into(), "next".into()),
        ];
        for id in [
            "act_recruited",
            "d1_job_nature",
            "d1_wages",
            "d1_conditions",
            "d1_papers",
            "d1_marriage_adoption",
            "d1_education",
        ] {
            form.push((
                format!("a_{id}"),
                if id == "act_recruited" { "yes" } else { "no" }.into(),
            ));
        }
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = b.post(&format!("{path}?step=recruitment-d1"), &form).await;
        assert_eq!(
            r.location.as_deref(),
            Some(format!("{path}?step=recruitment-d2").as_str())
        );
        let d2 = b.get(r.location.as_deref().unwrap()).await;
        assert!(
            d2.body
                .contains("2. D1 <span class=\"visually-hidden\">(done)</span>"),
            "{}",
            d2.body
        );
        let v = hidden(&d2.body, "version");
        b.post(
            &format!("{path}?step=recruitment-d2"),
            &[
                ("csrf", &csrf),
                ("version", &v),
                ("a_d2_debt", "dont_know"),
                ("go", "stay"),
            ],
        )
        .await;
        let d2 = b.get(&format!("{path}?step=recruitment-d2")).await;
        assert!(
            d2.body.contains("(current step; 1 of 7 answered)"),
            "{}",
            d2.body
        );
        // Drafts stay version-checked.
        let stale = b
            .post(
                &format!("{path}?step=exploitation-d4"),
                &[("csrf", &csrf), ("version", &v), ("a_d4_hours", "yes")],
            )
            .await;
        assert_eq!(stale.status, 409);
        let d4 = b.get(&format!("{path}?step=exploitation-d4")).await;
        let v = hidden(&d4.body, "version");
        let r = b
            .post(
                &format!("{path}?step=exploitation-d4"),
                &[
                    ("csrf", &csrf),
                    ("version", &v),
                    ("a_d4_hours", "yes"),
                    ("a_d4_pay", "yes"),
                    ("go", "complete"),
                ],
            )
            .await;
        assert_eq!(
            r.location.as_deref(),
            Some(format!("{path}/review").as_str())
        );
        let review = b.get(&format!("{path}/review")).await;
        let v = hidden(&review.body, "version");
        b.post(
            &format!("{path}/complete"),
            &[("csrf", &csrf), ("version", &v)],
        )
        .await;

        // The result: a presumed child (estimated age), the confirmation says the same thing,
        // and the next steps link to where they are done.
        let result = b.get(&path).await;
        assert!(result.body.contains("Presumed child victim of trafficking"));
        assert!(result.body.contains("the age (19) is an estimate"));
        assert!(
            result.body.contains(
                "Confirm: Presumed child victim of trafficking — recorded as the HTCDS status “Possible victim of trafficking”"
            ),
            "{}",
            result.body
        );
        let case_path = format!("/cases/{}", case.number);
        assert!(result.body.contains(&format!(
            "<a href=\"{case_path}#share_organisation\">Refer the child to child protection"
        )));
        assert!(
            result
                .body
                .contains(&format!("<a href=\"{person_path}/edit\">Verify the age"))
        );
        assert!(
            result.body.contains("<li>Refer to assistance"),
            "referral does not exist yet: no link"
        );
        // Confirmed: who and when are shown.
        let v = hidden(&result.body, "version");
        let decided = b
            .post(
                &format!("{path}/decision"),
                &[("csrf", &csrf), ("version", &v), ("decision", "confirm")],
            )
            .await;
        assert_eq!(decided.status, 303);
        let result = b.get(&path).await;
        let officer = app
            .reference
            .users
            .iter()
            .find(|u| u.username == "officer")
            .unwrap();
        assert!(
            result
                .body
                .contains(&format!("Decided by {} on ", officer.display_name)),
            "{}",
            result.body
        );
        assert!(result.body.contains(" UTC</p>"));
        db.finish().await;
    }
);

// ---------------------------------------------------------------- issue 10: accounts

/// The one-time password an administrator's page hands over for `username`.
fn one_time_password(body: &str, username: &str) -> String {
    body.split(&format!("One-time password for {username}: "))
        .nth(1)
        .unwrap_or_else(|| panic!("no one-time password in {body}"))
        .split(' ')
        .next()
        .unwrap()
        .to_string()
}

/// After signing in with a one-time password: choose `new` on the only page that opens.
async fn choose_password(b: &mut Browser<'_>, new: &str) {
    let page = b.get("/account/password").await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("name=\"current\""), "{}", page.body);
    let csrf = Browser::csrf(&page.body);
    let r = b
        .post(
            "/account/password",
            &[("csrf", &csrf), ("new", new), ("repeat", new)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
}

/// A second administrator, of the demo administrator's agency.
async fn second_admin(db: &TestDb) {
    let admin = db.store.user_by_username("admin").await.unwrap().unwrap();
    db.store
        .create_user(
            &Actor::system("test"),
            &tabara_store::NewUser {
                id: tabara_core::ids::UserId::new(),
                username: "admin2".into(),
                display_name: "Seconde Administratrice".into(),
                role: Role::Admin,
                organisation_id: admin.organisation_id,
                office_id: None,
                password_hash: tabara_core::password::hash_password(DEMO_PASSWORD),
            },
        )
        .await
        .unwrap();
}

async fn actions(db: &TestDb, username: &str) -> Vec<String> {
    let u = db.store.user_by_username(username).await.unwrap().unwrap();
    db.store
        .audit_trail("user", &u.id.to_string())
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

/// The id of the request waiting on the `/admin/users` page, for a second administrator.
fn request_id(body: &str) -> String {
    body.split("/admin/requests/")
        .nth(1)
        .unwrap_or_else(|| panic!("no request in {body}"))
        .split('/')
        .next()
        .unwrap()
        .to_string()
}

store_test!(
    one_time_credentials_and_a_second_administrator,
    |db| async move {
        let app = start(&db).await;
        second_admin(&db).await;
        let mut admin = browser(&app);
        admin.sign_in("admin", DEMO_PASSWORD).await;
        let csrf = Browser::csrf(&admin.get("/admin/users").await.body);

        // A reset of an account that reads identities is only requested: nothing changes yet.
        let r = admin
            .post("/admin/users/investigator/reset", &[("csrf", &csrf)])
            .await;
        assert_eq!(r.status, 200);
        assert!(
            r.body.contains("Another administrator must approve it"),
            "{}",
            r.body
        );
        assert!(!r.body.contains("One-time password"), "{}", r.body);
        let again = admin
            .post("/admin/users/investigator/reset", &[("csrf", &csrf)])
            .await;
        assert_eq!(again.status, 422);
        assert!(again.body.contains("already waiting"));
        assert_eq!(
            browser(&app)
                .sign_in("investigator", DEMO_PASSWORD)
                .await
                .location
                .as_deref(),
            Some("/")
        );
        // The requester sees the request but cannot decide it.
        let list = admin.get("/admin/users").await;
        assert!(list.body.contains("waiting for another administrator"));
        assert!(!list.body.contains("/approve"), "{}", list.body);
        let mut admin2 = browser(&app);
        admin2.sign_in("admin2", DEMO_PASSWORD).await;
        let list2 = admin2.get("/admin/users").await;
        let id = request_id(&list2.body);
        let own = admin
            .post(&format!("/admin/requests/{id}/approve"), &[("csrf", &csrf)])
            .await;
        assert_eq!(own.status, 422);
        assert!(own.body.contains("Another administrator must decide"));
        assert!(!own.body.contains("One-time password"));

        // The second administrator approves: only now is the one-time password produced.
        let csrf2 = Browser::csrf(&list2.body);
        let approved = admin2
            .post(
                &format!("/admin/requests/{id}/approve"),
                &[("csrf", &csrf2)],
            )
            .await;
        assert_eq!(approved.status, 200, "{}", approved.body);
        let one_time = one_time_password(&approved.body, "investigator");
        assert_eq!(
            admin2
                .post(
                    &format!("/admin/requests/{id}/approve"),
                    &[("csrf", &csrf2)]
                )
                .await
                .status,
            404,
            "decided once"
        );
        assert_eq!(
            browser(&app)
                .sign_in("investigator", DEMO_PASSWORD)
                .await
                .status,
            422
        );

        // The one-time password opens the new-password page and nothing else.
        let mut holder = browser(&app);
        let r = holder.sign_in("investigator", &one_time).await;
        assert_eq!(r.location.as_deref(), Some("/account/password"));
        for path in ["/", "/cases", "/account/certificates", "/admin/users"] {
            let r = holder.get(path).await;
            assert_eq!(r.status, 303, "{path}");
            assert_eq!(r.location.as_deref(), Some("/account/password"), "{path}");
        }
        let page = holder.get("/account/password").await;
        assert!(
            page.body
                .contains("Your account was reset by Administrateur Tabara on "),
            "{}",
            page.body
        );
        assert!(page.body.contains("Approved by Seconde Administratrice."));
        assert!(page.body.contains("Choose your new password"));
        // Used once: it does not sign in again.
        assert_eq!(
            browser(&app)
                .sign_in("investigator", &one_time)
                .await
                .status,
            422
        );
        // The holder's language is the session's: French.
        let csrf_h = Browser::csrf(&page.body);
        holder
            .post(
                "/lang",
                &[
                    ("lang", "fr"),
                    ("csrf", &csrf_h),
                    ("back", "/account/password"),
                ],
            )
            .await;
        let fr = holder.get("/account/password").await;
        assert!(
            fr.body
                .contains("Votre compte a été réinitialisé par Administrateur Tabara le "),
            "{}",
            fr.body
        );
        choose_password(&mut holder, "Ngozi-2026-mien").await;
        let mut back = browser(&app);
        assert_eq!(
            back.sign_in("investigator", "Ngozi-2026-mien")
                .await
                .location
                .as_deref(),
            Some("/")
        );
        assert_eq!(back.get("/cases").await.status, 200);
        let trail = actions(&db, "investigator").await;
        for a in [
            "user.reset_request",
            "user.request_approve",
            "user.one_time_credential",
            "user.login_one_time",
            "user.password",
        ] {
            assert!(trail.iter().any(|x| x == a), "{a} in {trail:?}");
        }

        // A refusal changes nothing for the account.
        admin
            .post("/admin/users/officer/reset", &[("csrf", &csrf)])
            .await;
        let list2 = admin2.get("/admin/users").await;
        let id = request_id(&list2.body);
        let refused = admin2
            .post(&format!("/admin/requests/{id}/refuse"), &[("csrf", &csrf2)])
            .await;
        assert_eq!(refused.status, 200);
        assert!(refused.body.contains("The request is refused."));
        assert!(!refused.body.contains("One-time password"));
        assert_eq!(
            browser(&app)
                .sign_in("officer", DEMO_PASSWORD)
                .await
                .location
                .as_deref(),
            Some("/")
        );
        assert!(
            actions(&db, "officer")
                .await
                .contains(&"user.request_refuse".to_string())
        );

        // A new account that reads identities has no password until approved.
        let pafe = app
            .reference
            .organisations
            .iter()
            .find(|o| o.name.contains("PAFE"))
            .unwrap()
            .id
            .to_string();
        let created = admin
            .post(
                "/admin/users/new",
                &[
                    ("csrf", &csrf),
                    ("username", "agent.nduwayo"),
                    ("display_name", "Agent Nduwayo"),
                    ("role", "officer"),
                    ("organisation", &pafe),
                ],
            )
            .await;
        assert_eq!(created.status, 200, "{}", created.body);
        assert!(created.body.contains("created without a password"));
        assert!(!created.body.contains("One-time password"));
        let creds = db
            .store
            .credentials("agent.nduwayo")
            .await
            .unwrap()
            .unwrap();
        assert!(creds.must_change_password && creds.one_time_expires_at.is_none());
        let list2 = admin2.get("/admin/users").await;
        assert!(list2.body.contains("new account"));
        let id = request_id(&list2.body);
        let approved = admin2
            .post(
                &format!("/admin/requests/{id}/approve"),
                &[("csrf", &csrf2)],
            )
            .await;
        let one_time = one_time_password(&approved.body, "agent.nduwayo");
        let mut newcomer = browser(&app);
        assert_eq!(
            newcomer
                .sign_in("agent.nduwayo", &one_time)
                .await
                .location
                .as_deref(),
            Some("/account/password")
        );
        assert_eq!(
            actions(&db, "agent.nduwayo").await[..2],
            ["user.create", "user.create_request"]
        );
        db.finish().await;
    }
);

store_test!(
    one_time_credentials_without_a_second_administrator_and_expiry,
    |db| async move {
        let config = tabara_web::Config {
            admin_approval: false,
            ..Default::default()
        };
        let app = start_with(&db, config).await;
        let token = api_token(&db, "officer").await;
        let api = |token: String| {
            let url = format!("{}/api/v1/cases", app.base);
            let http = app.http.clone();
            async move {
                http.get(url)
                    .bearer_auth(token)
                    .send()
                    .await
                    .unwrap()
                    .status()
            }
        };
        assert_eq!(api(token.clone()).await, 200);
        let mut admin = browser(&app);
        admin.sign_in("admin", DEMO_PASSWORD).await;
        let csrf = Browser::csrf(&admin.get("/admin/users").await.body);
        let r = admin
            .post("/admin/users/officer/reset", &[("csrf", &csrf)])
            .await;
        let one_time = one_time_password(&r.body, "officer");
        assert!(r.body.contains("valid 72 hours"));
        // The account under reset uses no API token until its holder chose a password.
        assert_eq!(api(token.clone()).await, 401);
        let mut holder = browser(&app);
        assert_eq!(
            holder
                .sign_in("officer", &one_time)
                .await
                .location
                .as_deref(),
            Some("/account/password")
        );
        assert!(
            holder
                .get("/account/password")
                .await
                .body
                .contains("Your account was reset by Administrateur Tabara on ")
        );
        choose_password(&mut holder, "Officer-2026-own").await;
        assert_eq!(api(token).await, 200);

        // An expired one-time password signs in no more.
        let caseworker = db
            .store
            .user_by_username("caseworker")
            .await
            .unwrap()
            .unwrap();
        db.store
            .issue_one_time_credential(
                &Actor::system("cli"),
                caseworker.id,
                &tabara_core::password::hash_password("Expired-2026-pass"),
                chrono::Utc::now() - chrono::Duration::seconds(1),
            )
            .await
            .unwrap();
        let r = browser(&app)
            .sign_in("caseworker", "Expired-2026-pass")
            .await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("Incorrect user name or password."));
        db.finish().await;
    }
);

store_test!(
    locked_unknown_and_wrong_answer_alike_and_are_audited,
    |db| async move {
        let app = start(&db).await;
        let mut b = browser(&app);
        let wrong = b.sign_in("officer", "wrong-password-1").await;
        let unknown = b.sign_in("nobody.here", "wrong-password-1").await;
        for _ in 0..4 {
            b.sign_in("officer", "wrong-password-1").await;
        }
        let locked = b.sign_in("officer", DEMO_PASSWORD).await;
        let error = |body: &str| {
            body.split("role=\"alert\">")
                .nth(1)
                .unwrap()
                .split('<')
                .next()
                .unwrap()
                .to_string()
        };
        for r in [&wrong, &unknown, &locked] {
            assert_eq!(r.status, 422);
            assert_eq!(error(&r.body), "Incorrect user name or password.");
        }
        let trail = actions(&db, "officer").await;
        assert!(
            trail.contains(&"user.login_locked".to_string()),
            "{trail:?}"
        );
        let unknowns = db.store.audit_trail("user", "unknown").await.unwrap();
        assert!(unknowns.iter().any(|e| e.action == "user.login_unknown"));
        db.finish().await;
    }
);

store_test!(
    the_password_form_counts_wrong_current_passwords,
    |db| async move {
        let app = start(&db).await;
        let mut b = browser(&app);
        b.sign_in("caseworker", DEMO_PASSWORD).await;
        let csrf = Browser::csrf(&b.get("/account/password").await.body);
        let attempt = async |b: &mut Browser<'_>, current: &str| {
            b.post(
                "/account/password",
                &[
                    ("csrf", &csrf),
                    ("current", current),
                    ("new", "Rumonge-2026-safe"),
                    ("repeat", "Rumonge-2026-safe"),
                ],
            )
            .await
        };
        for _ in 0..4 {
            let r = attempt(&mut b, "wrong-password-9").await;
            assert!(r.body.contains("current password is not correct"));
        }
        let r = attempt(&mut b, "wrong-password-9").await;
        assert!(r.body.contains("Too many wrong attempts"), "{}", r.body);
        let creds = db.store.credentials("caseworker").await.unwrap().unwrap();
        assert_eq!(creds.failed_logins, 5);
        assert!(creds.locked_until.is_some());
        // Locked: even the right current password changes nothing, and sign-in is refused.
        let r = attempt(&mut b, DEMO_PASSWORD).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("Too many wrong attempts"));
        assert_eq!(
            browser(&app)
                .sign_in("caseworker", DEMO_PASSWORD)
                .await
                .status,
            422
        );
        let trail = actions(&db, "caseworker").await;
        assert_eq!(
            trail
                .iter()
                .filter(|a| *a == "user.password_check_failed")
                .count(),
            5
        );
        assert!(trail.contains(&"user.password_check_locked".to_string()));
        assert!(!trail.contains(&"user.password".to_string()));
        db.finish().await;
    }
);

store_test!(redirects_stay_on_the_site, |db| async move {
    let app = start(&db).await;
    for (next, expected) in [
        ("/cases?status=Active", "/cases?status=Active"),
        ("/\t/evil.example/", "/"),
        ("/\\evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/cases\r\nSet-Cookie: a=b", "/"),
        ("https://evil.example/", "/"),
    ] {
        let mut b = browser(&app);
        let page = b.get("/signin").await;
        let csrf = Browser::csrf(&page.body);
        let r = b
            .post(
                "/signin",
                &[
                    ("username", "officer"),
                    ("password", DEMO_PASSWORD),
                    ("csrf", &csrf),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{next:?}");
        assert_eq!(r.location.as_deref(), Some(expected), "{next:?}");
        let csrf = Browser::csrf(&b.get("/").await.body);
        let r = b
            .post("/lang", &[("lang", "fr"), ("csrf", &csrf), ("back", next)])
            .await;
        assert_eq!(r.status, 303, "{next:?}");
        assert_eq!(r.location.as_deref(), Some(expected), "{next:?}");
    }
    // The sign-in page never writes a foreign `next` into its form.
    let page = browser(&app).get("/signin?next=/%09/evil.example/").await;
    assert!(
        page.body.contains("name=\"next\" value=\"/\""),
        "{}",
        page.body
    );
    db.finish().await;
});

store_test!(cookies_behind_tls_carry_the_host_prefix, |db| async move {
    let config = tabara_web::Config {
        behind_tls: true,
        ..Default::default()
    };
    let app = start_with(&db, config).await;
    let mut b = browser(&app);
    let page = b.get("/signin").await;
    let cookies: Vec<String> = page
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let host_cookie = |c: &str| {
        c.contains("; Secure") && c.contains("; Path=/") && !c.to_lowercase().contains("domain")
    };
    let presignin = cookies
        .iter()
        .find(|c| c.starts_with("__Host-tabara_presignin="))
        .unwrap_or_else(|| panic!("{cookies:?}"));
    assert!(host_cookie(presignin), "{presignin}");
    let r = b.sign_in("officer", DEMO_PASSWORD).await;
    assert_eq!(r.status, 303);
    let session = r
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("__Host-tabara_session="))
        .expect("a __Host- session cookie");
    assert!(host_cookie(&session), "{session}");
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Strict"));
    assert!(!b.cookies.contains_key("tabara_session"));
    assert_eq!(b.get("/cases").await.status, 200);
    // Sign-out clears the same cookie.
    let csrf = Browser::csrf(&b.get("/").await.body);
    b.post("/signout", &[("csrf", &csrf)]).await;
    assert!(!b.cookies.contains_key("__Host-tabara_session"));
    assert_eq!(b.get("/cases").await.status, 303);
    db.finish().await;
});

store_test!(csrf_tokens_are_masked_per_response, |db| async move {
    let app = start(&db).await;
    let mut b = browser(&app);
    b.sign_in("officer", DEMO_PASSWORD).await;
    // A page that reflects what was typed, rendered twice.
    let one = b.get("/cases?q=Ndayisenga").await;
    let two = b.get("/cases?q=Ndayisenga").await;
    let (t1, t2) = (Browser::csrf(&one.body), Browser::csrf(&two.body));
    assert!(!t1.is_empty());
    assert_ne!(t1, t2, "a fresh mask per response");
    let mut forged = t1.clone().into_bytes();
    forged[70] = if forged[70] == b'a' { b'b' } else { b'a' };
    let forged = String::from_utf8(forged).unwrap();
    for (token, status) in [(&t1, 303), (&t2, 303), (&forged, 403)] {
        let r = b
            .post("/lang", &[("lang", "en"), ("csrf", token), ("back", "/")])
            .await;
        assert_eq!(r.status, status, "{token}");
    }
    // A token masked for one page is good for the forms of another.
    let r = b.post("/signout", &[("csrf", &t2)]).await;
    assert_eq!(r.location.as_deref(), Some("/signin"));
    // Before sign-in, too: two sign-in pages carry different tokens.
    let mut v = browser(&app);
    let (p1, p2) = (v.get("/signin").await, v.get("/signin").await);
    assert_ne!(Browser::csrf(&p1.body), Browser::csrf(&p2.body));
    db.finish().await;
});

store_test!(
    the_new_account_form_offers_offices_by_agency,
    |db| async move {
        let app = start(&db).await;
        let mut admin = browser(&app);
        admin.sign_in("admin", DEMO_PASSWORD).await;
        let form = admin.get("/admin/users/new").await;
        let csrf = Browser::csrf(&form.body);
        let pafe = app
            .reference
            .organisations
            .iter()
            .find(|o| o.name.contains("PAFE"))
            .unwrap();
        // Each office sits in its own agency's group.
        for office in &app.reference.offices {
            let org = app
                .reference
                .organisations
                .iter()
                .find(|o| o.id == office.organisation_id)
                .unwrap();
            let group = form
                .body
                .split(&format!(
                    "<optgroup label=\"{}\">",
                    askama_escape(&org.name)
                ))
                .nth(1)
                .unwrap_or_else(|| panic!("no group for {}", org.name))
                .split("</optgroup>")
                .next()
                .unwrap();
            assert!(
                group.contains(&format!("value=\"{}\"", office.id)),
                "{} in {}",
                office.name,
                org.name
            );
        }
        // An office of another agency is refused with a field error, and the form then offers
        // only the chosen agency's offices.
        let other = app
            .reference
            .offices
            .iter()
            .find(|o| o.organisation_id != pafe.id)
            .unwrap();
        let r = admin
            .post(
                "/admin/users/new",
                &[
                    ("csrf", &csrf),
                    ("username", "agent.x"),
                    ("display_name", "Agent X"),
                    ("role", "trainer"),
                    ("organisation", &pafe.id.to_string()),
                    ("office", &other.id.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("id=\"err-usr_Office\""));
        assert!(!r.body.contains(&other.id.to_string()));
        assert_eq!(r.body.matches("<optgroup").count(), 1);
        assert!(
            db.store
                .user_by_username("agent.x")
                .await
                .unwrap()
                .is_none()
        );
        db.finish().await;
    }
);

/// Names as askama writes them into an attribute.
fn askama_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

// ================================================================ issue 10: the case page in words

/// Whether the text holds something shaped like a UUID (8-4-4-4-12 hexadecimal digits).
fn has_uuid(text: &str) -> bool {
    let b = text.as_bytes();
    b.windows(36).any(|w| {
        w.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
    })
}

/// The part of a page from the heading `title` to the next heading of the same level.
fn section<'a>(body: &'a str, title: &str) -> &'a str {
    let start = body
        .find(&format!("<h2>{title}</h2>"))
        .unwrap_or_else(|| panic!("no section {title}"));
    let rest = &body[start + 4..];
    let end = rest.find("<h2>").unwrap_or(rest.len());
    &rest[..end]
}

store_test!(the_case_page_tells_its_history_in_words, |db| async move {
    let app = start(&db).await;
    let case = cases_of(&db, &app, "supervisor", 50)
        .await
        .into_iter()
        .find(|c| c.status == tabara_core::htcds::CaseStatus::Active)
        .unwrap();
    let supervisor = app
        .reference
        .users
        .iter()
        .find(|u| u.username == "supervisor")
        .unwrap();
    let mut b = browser(&app);
    b.sign_in("supervisor", DEMO_PASSWORD).await;
    let path = format!("/cases/{}/edit", case.number);
    let form = b.get(&path).await;
    let stored = db.store.case(case.id).await.unwrap();
    let office = stored.office_id.map(|o| o.to_string()).unwrap_or_default();
    let saved = b
        .post(
            &path,
            &[
                ("csrf", &Browser::csrf(&form.body)),
                ("version", &hidden(&form.body, "version")),
                ("status", "FollowUp"),
                ("opened_on", &stored.facts.opened_on.to_string()),
                ("closed_on", ""),
                ("office", &office),
                ("owner", &supervisor.id.to_string()),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let page = b.get(&format!("/cases/{}", case.number)).await;
    let csrf = Browser::csrf(&page.body);
    let commented = b
        .post(
            &format!("/cases/{}/comments", case.number),
            &[("csrf", &csrf), ("body", "Met the family at the post.")],
        )
        .await;
    assert_eq!(commented.status, 303, "{}", commented.body);

    let page = b.get(&format!("/cases/{}", case.number)).await.body;
    let history = section(&page, "History of changes");
    assert!(history.contains("Status: Active → Follow Up"), "{history}");
    assert!(
        history.contains(&format!("Assigned to: – → {}", supervisor.display_name)),
        "{history}"
    );
    assert!(history.contains(&supervisor.display_name), "{history}");
    assert!(
        !history.contains('{') && !history.contains('}'),
        "{history}"
    );
    assert!(!has_uuid(history), "{history}");
    let comments = section(&page, "Comments");
    assert!(
        comments.contains("Met the family at the post."),
        "{comments}"
    );
    assert!(comments.contains(&supervisor.display_name), "{comments}");
    assert!(!has_uuid(comments), "{comments}");
    let audit = section(&page, "Audit trail");
    assert!(
        audit.contains("case changed") && audit.contains(&supervisor.display_name),
        "{audit}"
    );
    assert!(!has_uuid(audit), "{audit}");
    assert!(!page.contains(">Version<"), "no raw version shown");
    // One date format: the page's dates are written the English way, times in UTC.
    let today = chrono::Utc::now().date_naive();
    let written = format!(
        "{} {} {}",
        chrono::Datelike::day(&today),
        today.format("%b"),
        chrono::Datelike::year(&today)
    );
    assert!(
        history.contains(&written) && comments.contains(&written),
        "{history}"
    );
    assert!(!has_iso_date(history) && !has_iso_date(comments) && !has_iso_date(audit));
    db.finish().await
});

/// Whether the text holds a date written `YYYY-MM-DD`.
fn has_iso_date(text: &str) -> bool {
    text.as_bytes().windows(10).any(|w| {
        w.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
    })
}

store_test!(
    the_case_history_tells_changes_of_a_persons_involvement,
    |db| async move {
        use tabara_core::htcds::{ExploitationType, TraffickingStatus};
        use tabara_core::records::Involvement;
        let app = start(&db).await;
        let case = cases_of(&db, &app, "supervisor", 1).await.remove(0);
        let persons = db.store.case_persons(case.id).await.unwrap();
        let (index, victim) = persons
            .iter()
            .enumerate()
            .find(|(_, p)| matches!(p.involvement, Involvement::Victim(_)))
            .unwrap();
        let Involvement::Victim(mut context) = victim.involvement.clone() else {
            unreachable!()
        };
        use tabara_core::Picklist;
        let status = *TraffickingStatus::ALL
            .iter()
            .find(|s| context.trafficking_status != Some(**s))
            .unwrap();
        context.trafficking_status = Some(status);
        context
            .exploitation_types
            .insert(ExploitationType::ForcedMarriage);
        let supervisor = app
            .reference
            .users
            .iter()
            .find(|u| u.username == "supervisor")
            .unwrap();
        db.store
            .update_case_person(
                &Actor::user(supervisor.id),
                case.id,
                victim.person.id,
                victim.version,
                &Involvement::Victim(context),
            )
            .await
            .unwrap();
        let mut b = browser(&app);
        b.sign_in("supervisor", DEMO_PASSWORD).await;
        let page = b.get(&format!("/cases/{}", case.number)).await;
        assert_eq!(page.status, 200);
        let history = page
            .body
            .split("id=\"history\"")
            .nth(1)
            .expect("a history list");
        let history = history.split("</ul></li></ul>").next().unwrap();
        assert!(
            history.contains(&format!("person {} (Victim)", index + 1)),
            "{history}"
        );
        assert!(history.contains("Trafficking status:"), "{history}");
        assert!(
            history.contains(status.label(tabara_core::Lang::En)),
            "{history}"
        );
        assert!(history.contains("Forced marriage"), "{history}");
        assert!(history.contains(&supervisor.display_name), "{history}");
        assert!(!history.contains('{'), "no JSON: {history}");
        db.finish().await;
    }
);

store_test!(
    a_share_reason_with_a_control_character_is_refused,
    |db| async move {
        let app = start(&db).await;
        let case = cases_of(&db, &app, "supervisor", 50)
            .await
            .into_iter()
            .find(|c| c.organisation == "Police Judiciaire (PJ)")
            .unwrap();
        let iom = app
            .reference
            .organisations
            .iter()
            .find(|o| o.name.starts_with("OIM"))
            .unwrap()
            .id
            .to_string();
        let mut b = browser(&app);
        b.sign_in("supervisor", DEMO_PASSWORD).await;
        let path = format!("/cases/{}", case.number);
        let csrf = Browser::csrf(&b.get(&path).await.body);
        let before = db.store.case_shares(case.id).await.unwrap().len();
        let r = b
            .post(
                &format!("{path}/shares"),
                &[
                    ("csrf", &csrf),
                    ("organisation", &iom),
                    ("reason", "r\u{0}"),
                ],
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("control character"), "{}", r.body);
        assert_eq!(db.store.case_shares(case.id).await.unwrap().len(), before);
        db.finish().await;
    }
);

// ---------------------------------------------------------------- issue 10: accounts 2

store_test!(
    one_administrator_gets_no_credential_for_an_administrator_account,
    |db| async move {
        let app = start(&db).await;
        second_admin(&db).await;
        let mut admin = browser(&app);
        admin.sign_in("admin", DEMO_PASSWORD).await;
        let csrf = Browser::csrf(&admin.get("/admin/users").await.body);
        let pafe = app
            .reference
            .organisations
            .iter()
            .find(|o| o.name.contains("PAFE"))
            .unwrap()
            .id
            .to_string();

        // A new administrator account is only requested: no credential is handed over, and
        // it signs in with nothing.
        let created = admin
            .post(
                "/admin/users/new",
                &[
                    ("csrf", &csrf),
                    ("username", "admin.bis"),
                    ("display_name", "Administrateur Bis"),
                    ("role", "admin"),
                    ("organisation", &pafe),
                ],
            )
            .await;
        assert_eq!(created.status, 200, "{}", created.body);
        assert!(
            created.body.contains("created without a password"),
            "{}",
            created.body
        );
        assert!(
            !created.body.contains("One-time password"),
            "{}",
            created.body
        );
        let creds = db.store.credentials("admin.bis").await.unwrap().unwrap();
        assert!(creds.must_change_password && creds.one_time_expires_at.is_none());
        assert_eq!(
            actions(&db, "admin.bis").await,
            ["user.create", "user.create_request"]
        );

        // A reset of another administrator is only requested too: their password still works.
        let r = admin
            .post("/admin/users/admin2/reset", &[("csrf", &csrf)])
            .await;
        assert_eq!(r.status, 200);
        assert!(
            r.body.contains("Another administrator must approve it"),
            "{}",
            r.body
        );
        assert!(!r.body.contains("One-time password"), "{}", r.body);
        assert_eq!(
            browser(&app)
                .sign_in("admin2", DEMO_PASSWORD)
                .await
                .location
                .as_deref(),
            Some("/")
        );

        // The bypass: the first administrator asks for an investigator's reset and would
        // approve it as the administrator they made. They hold no credential of any other
        // administrator, and their own approval is refused.
        admin
            .post("/admin/users/investigator/reset", &[("csrf", &csrf)])
            .await;
        let list = admin.get("/admin/users").await;
        assert!(!list.body.contains("/approve"), "{}", list.body);
        let mut admin2 = browser(&app);
        admin2.sign_in("admin2", DEMO_PASSWORD).await;
        let list2 = admin2.get("/admin/users").await;
        for part in list2.body.split("/admin/requests/").skip(1) {
            let id = part.split('/').next().unwrap();
            let own = admin
                .post(&format!("/admin/requests/{id}/approve"), &[("csrf", &csrf)])
                .await;
            assert_eq!(own.status, 422);
            assert!(!own.body.contains("One-time password"));
        }
        assert_eq!(
            browser(&app)
                .sign_in("investigator", DEMO_PASSWORD)
                .await
                .location
                .as_deref(),
            Some("/")
        );
        assert_eq!(
            db.store.pending_account_requests(50).await.unwrap().len(),
            3
        );
        db.finish().await;
    }
);

store_test!(
    a_new_account_reads_created_and_waits_for_approval,
    |db| async move {
        let app = start(&db).await;
        second_admin(&db).await;
        let pafe = app
            .reference
            .organisations
            .iter()
            .find(|o| o.name.contains("PAFE"))
            .unwrap()
            .id;

        // An account the command line created: its holder reads "created", not "reset".
        db.store
            .create_account(
                &Actor::system("cli"),
                &tabara_store::NewUser {
                    id: tabara_core::ids::UserId::new(),
                    username: "agent.operateur".into(),
                    display_name: "Agent Opérateur".into(),
                    role: Role::Trainer,
                    organisation_id: pafe,
                    office_id: None,
                    password_hash: tabara_core::password::hash_password("One-time-of-cli-1"),
                },
                tabara_store::FirstCredential::OneTime(
                    chrono::Utc::now() + chrono::Duration::hours(72),
                ),
            )
            .await
            .unwrap();
        let mut holder = browser(&app);
        holder.sign_in("agent.operateur", "One-time-of-cli-1").await;
        let page = holder.get("/account/password").await;
        assert!(
            page.body
                .contains("Your account was created from the command line (by an operator) on "),
            "{}",
            page.body
        );
        assert!(!page.body.contains("was reset"), "{}", page.body);
        let csrf_h = Browser::csrf(&page.body);
        holder
            .post(
                "/lang",
                &[
                    ("lang", "fr"),
                    ("csrf", &csrf_h),
                    ("back", "/account/password"),
                ],
            )
            .await;
        let fr = holder.get("/account/password").await;
        assert!(
            fr.body
                .contains("Votre compte a été créé en ligne de commande (par un opérateur) le "),
            "{}",
            fr.body
        );

        // A new account waiting for a second administrator is not "active".
        let mut admin = browser(&app);
        admin.sign_in("admin", DEMO_PASSWORD).await;
        let csrf = Browser::csrf(&admin.get("/admin/users").await.body);
        let created = admin
            .post(
                "/admin/users/new",
                &[
                    ("csrf", &csrf),
                    ("username", "agent.attente"),
                    ("display_name", "Agent Attente"),
                    ("role", "officer"),
                    ("organisation", &pafe.to_string()),
                ],
            )
            .await;
        assert_eq!(created.status, 200, "{}", created.body);
        assert!(
            created
                .body
                .contains("<dd id=\"state\">waiting for approval</dd>"),
            "{}",
            created.body
        );
        let list = admin.get("/admin/users").await;
        let row = list
            .body
            .split("<tr><td><a href=\"/admin/users/agent.attente\">")
            .last()
            .unwrap()
            .split("</tr>")
            .next()
            .unwrap();
        assert!(row.contains("<td>waiting for approval</td>"), "{row}");
        // A reset waiting for approval leaves a working account active.
        admin
            .post("/admin/users/investigator/reset", &[("csrf", &csrf)])
            .await;
        let inv = admin.get("/admin/users/investigator").await;
        assert!(
            inv.body.contains("<dd id=\"state\">active</dd>"),
            "{}",
            inv.body
        );
        let csrf_fr = Browser::csrf(&inv.body);
        admin
            .post(
                "/lang",
                &[("lang", "fr"), ("csrf", &csrf_fr), ("back", "/")],
            )
            .await;
        let fr = admin.get("/admin/users/agent.attente").await;
        assert!(
            fr.body
                .contains("<dd id=\"state\">en attente d’approbation</dd>"),
            "{}",
            fr.body
        );

        // Approved, it is active, and its holder reads who created it and who approved.
        let mut admin2 = browser(&app);
        admin2.sign_in("admin2", DEMO_PASSWORD).await;
        let list2 = admin2.get("/admin/users").await;
        let csrf2 = Browser::csrf(&list2.body);
        let id = list2
            .body
            .split("<tr><td><a href=\"/admin/users/agent.attente\">")
            .nth(1)
            .map(request_id)
            .unwrap();
        let approved = admin2
            .post(
                &format!("/admin/requests/{id}/approve"),
                &[("csrf", &csrf2)],
            )
            .await;
        assert_eq!(approved.status, 200, "{}", approved.body);
        assert!(
            approved.body.contains("<dd id=\"state\">active</dd>"),
            "{}",
            approved.body
        );
        let one_time = one_time_password(&approved.body, "agent.attente");
        let mut newcomer = browser(&app);
        newcomer.sign_in("agent.attente", &one_time).await;
        let page = newcomer.get("/account/password").await;
        assert!(
            page.body
                .contains("Your account was created by Administrateur Tabara on "),
            "{}",
            page.body
        );
        assert!(page.body.contains("Approved by Seconde Administratrice."));
        db.finish().await;
    }
);

/// The new-session form as a trainer fills it, with `extra` replacing or adding fields.
fn session_fields(csrf: &str, oim: &str, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut f: Vec<(String, String)> = [
        ("csrf", csrf),
        ("title", "Formation OPJ"),
        ("starts_on", "2026-03-02"),
        ("ends_on", "2026-03-06"),
        ("venue", "Bujumbura"),
        ("organiser", oim),
        ("m_legal_frameworks", "1"),
        ("min_attendance", "80"),
        ("min_post_test", "70"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (k, v) in extra {
        f.retain(|(fk, _)| fk != k);
        f.push((k.to_string(), v.to_string()));
    }
    f
}

store_test!(
    training_forms_refuse_unknown_values_and_say_why,
    |db| async move {
        let app = start(&db).await;
        let mut t = browser(&app);
        t.sign_in("trainer", DEMO_PASSWORD).await;
        let csrf = Browser::csrf(&t.get("/training/sessions/new").await.body);
        let oim = app
            .reference
            .organisations
            .iter()
            .find(|o| o.name.starts_with("OIM"))
            .unwrap()
            .id
            .to_string();
        let send = |extra: &[(&str, &str)]| session_fields(&csrf, &oim, extra);
        // Each refused form: the field that carries the error, and the words it must say.
        for (extra, field, words) in [
            (
                vec![("fac_legal_frameworks", "bogus")],
                "trn_Modules",
                "Choose a facilitating organisation of the directory",
            ),
            (
                vec![("funding", "f\u{7}")],
                "trn_Funding",
                "control character",
            ),
            (
                vec![("trainers", "a\u{1b}")],
                "trn_Trainers",
                "control character",
            ),
            (
                vec![("ends_on", "2026-03-01")],
                "trn_EndsOn",
                "The last day is before the first day.",
            ),
            (
                vec![("ends_on", "2028-03-01")],
                "trn_EndsOn",
                "A session lasts at most 60 days",
            ),
        ] {
            let fields = send(&extra);
            let pairs: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let r = t.post("/training/sessions/new", &pairs).await;
            assert_eq!(r.status, 422, "{extra:?}: {}", r.body);
            assert!(
                r.body
                    .contains(&format!("<span class=\"error\" id=\"err-{field}\">")),
                "{extra:?}: {}",
                r.body
            );
            assert!(
                r.body.contains(&format!(
                    "aria-invalid=\"true\" aria-describedby=\"err-{field}\""
                )),
                "{extra:?}: the input is tied to its message"
            );
            assert!(r.body.contains(words), "{extra:?}: {}", r.body);
            assert!(!r.body.contains("out of range"), "{extra:?}");
        }
        assert!(
            db.store
                .training_sessions(None, 100)
                .await
                .unwrap()
                .is_empty()
        );

        let fields = send(&[("trainers", "Josiane Kwizera")]);
        let pairs: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let created = t.post("/training/sessions/new", &pairs).await;
        assert_eq!(created.status, 303, "{}", created.body);
        let session_path = created.location.unwrap();
        let page = t.get(&session_path).await;
        // A read-only page: the row is named without the typing hint of the form.
        assert!(page.body.contains("<dt>Trainers</dt>"), "{}", page.body);
        assert!(!page.body.contains("separate names with commas"));

        // The add-participant form: an unknown sex is refused, not stored as "not specified";
        // each refusal says what is wrong, next to the field.
        let long = "N".repeat(100_000);
        for (name, rank, sex, field, words) in [
            (
                "Béatrice Irakoze",
                "OPJ",
                "Bogus",
                "trp_Sex",
                "Choose one of the values offered for sex.",
            ),
            (
                "Béatrice Irakoze",
                "OP\u{7}J",
                "Feminine",
                "trp_Rank",
                "The rank holds a control character",
            ),
            (
                long.as_str(),
                "OPJ",
                "Feminine",
                "trp_FullName",
                "The name is too long",
            ),
            (
                "",
                "OPJ",
                "Feminine",
                "trp_FullName",
                "The participant needs a name",
            ),
        ] {
            let r = t
                .post(
                    &format!("{session_path}/participants"),
                    &[
                        ("csrf", &csrf),
                        ("full_name", name),
                        ("rank", rank),
                        ("sex", sex),
                    ],
                )
                .await;
            assert_eq!(r.status, 422, "{field}: {}", r.body);
            assert!(
                r.body
                    .contains(&format!("<span class=\"error\" id=\"err-{field}\">{words}")),
                "{field}: {}",
                r.body
            );
            assert!(
                r.body
                    .contains(&format!("aria-describedby=\"err-{field}\""))
            );
        }
        let id: tabara_core::ids::TrainingSessionId =
            session_path.rsplit('/').next().unwrap().parse().unwrap();
        assert!(db.store.participants(id).await.unwrap().is_empty());

        // The certificates notice carries no figure: a crafted count is not believed.
        let crafted = t.get(&format!("{session_path}?done=issued&count=21")).await;
        assert!(!crafted.body.contains("21 "), "{}", crafted.body);
        assert!(
            crafted
                .body
                .contains("the session has no valid certificate")
        );

        // Materials: the message names the field and rule, and the alert is tied to its form.
        let r = t
            .post(
                "/training/materials/items",
                &[
                    ("csrf", &csrf),
                    ("kind", "poster"),
                    ("title", "Affiche"),
                    ("language", "rn"),
                    ("campaign", "C\u{7}"),
                ],
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(
            r.body.contains("The campaign holds a control character"),
            "{}",
            r.body
        );
        assert!(
        r.body.contains("action=\"/training/materials/items\" class=\"inline-form\" aria-describedby=\"form-errors\""),
        "{}",
        r.body
    );
    }
);
