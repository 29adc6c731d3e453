//! A real headless Chromium, driven through chromedriver (WebDriver): sign in, open a case with
//! an invalid then a valid form, screen the person in steps up to the result, switch to French,
//! check that another agency's user cannot open the case, and check a certificate on the public
//! verification page. `.ci/run` installs Debian's `chromium` and `chromium-driver`; without
//! chromedriver the test fails, unless TABARA_TEST_SKIP_BROWSER=1 says so explicitly.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator, elements::Element};
use tabara_demo::{DEMO_PASSWORD, Demo};
use tabara_store::Actor;
use tabara_store::testing::TestDb;

use crate::common::{App, case_with_victim, certified, serve};

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn browser() -> Option<(Driver, Client)> {
    if std::env::var("TABARA_TEST_SKIP_BROWSER").as_deref() == Ok("1") {
        eprintln!("browser test skipped: TABARA_TEST_SKIP_BROWSER=1");
        return None;
    }
    let port = free_port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver not found: install Debian's chromium-driver (bash .ci/run does)");
    let driver = Driver(child);
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": "/usr/bin/chromium",
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--window-size=1200,900"]
        }),
    );
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..50 {
        match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(c) => return Some((driver, c)),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
    panic!("chromedriver did not answer on port {port}");
}

async fn fill(c: &Client, id: &str, value: &str) {
    let field = c.find(Locator::Id(id)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(value).await.unwrap();
}

async fn select(c: &Client, id: &str, value: &str) {
    c.find(Locator::Id(id))
        .await
        .unwrap()
        .select_by_value(value)
        .await
        .unwrap();
}

async fn sign_in(c: &Client, base: &str, username: &str) {
    c.goto(&format!("{base}/signin")).await.unwrap();
    fill(c, "username", username).await;
    fill(c, "password", DEMO_PASSWORD).await;
    click(c, Locator::Css("form.card button[type=submit]")).await;
    wait_for_path(c, |p| p != "/signin").await;
}

async fn text(c: &Client) -> String {
    c.find(Locator::Css("body"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// The value of the field `id`.
async fn value(c: &Client, id: &str) -> Option<String> {
    c.find(Locator::Id(id))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
}

async fn click(c: &Client, at: Locator<'_>) {
    c.find(at)
        .await
        .unwrap_or_else(|e| panic!("{at:?}: {e}"))
        .click()
        .await
        .unwrap();
}

/// The element `at`, once it is there (within ten seconds).
async fn appears(c: &Client, at: Locator<'_>) -> Element {
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(at)
        .await
        .unwrap_or_else(|e| panic!("{at:?} not shown: {e}"))
}

/// Wait until the page at the given path has loaded (a click does not wait for navigation).
async fn wait_for_path(c: &Client, pred: impl Fn(&str) -> bool) {
    wait_for_url(c, |path, _| pred(path)).await
}

/// Wait until a page whose address (path, query) `pred` accepts has loaded.
async fn wait_for_url(c: &Client, pred: impl Fn(&str, &str) -> bool) {
    for _ in 0..100 {
        if let Ok(url) = c.current_url().await
            && pred(url.path(), url.query().unwrap_or_default())
            && c.find(Locator::Css("main")).await.is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("page did not load: {:?}", c.current_url().await);
}

/// A small demo register on SQLite, served on a free port.
async fn demo_server() -> (TestDb, App) {
    let db = TestDb::sqlite().await;
    let app = serve(&db, Demo::new(4, 60), tabara_web::Config::default()).await;
    (db, app)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn officer_opens_a_case_in_the_browser() {
    let Some((_driver, c)) = browser().await else {
        return;
    };
    let (db, app) = demo_server().await;
    let base = &app.base;

    sign_in(&c, base, "officer").await;
    assert!(
        text(&c).await.contains("Your work"),
        "dashboard after sign-in"
    );

    // An invalid form comes back with the errors next to the fields and the typed values kept.
    click(&c, Locator::LinkText("New case")).await;
    wait_for_path(&c, |p| p == "/cases/new").await;
    fill(&c, "first_name", "Claudine").await;
    fill(&c, "second_name", "Irakoze").await;
    fill(&c, "age", "17").await;
    fill(&c, "citizenship", "BI, ZZ").await;
    select(&c, "gender", "Feminine").await;
    click(&c, Locator::Css("form.intake button[type=submit]")).await;
    let err = appears(&c, Locator::Id("err-prs_Citizenship"))
        .await
        .text()
        .await
        .unwrap();
    assert!(err.contains("two-letter country codes"), "{err}");
    assert!(
        c.find(Locator::Id("err-vic_TypeOfExploitation"))
            .await
            .is_ok()
    );
    let kept = value(&c, "first_name").await;
    assert_eq!(kept.as_deref(), Some("Claudine"));

    // Corrected, it opens the case and shows it.
    fill(&c, "citizenship", "BI").await;
    select(&c, "exploitation", "Servitude").await;
    click(&c, Locator::Css("form.intake button[type=submit]")).await;
    wait_for_path(&c, |p| p.starts_with("/cases/") && p != "/cases/new").await;
    let url = c.current_url().await.unwrap();
    let case_path = url.path().to_string();
    assert!(case_path.starts_with("/cases/"), "{url}");
    let page = text(&c).await;
    assert!(
        page.contains("Servitude") && page.contains("Persons involved"),
        "{page}"
    );

    // Screen the person just registered: age step, one act question, two exploitation
    // questions, screen after screen, then the result; everything else stays "not asked".
    click(&c, Locator::Css("a[href*='/persons/']")).await;
    wait_for_path(&c, |p| p.contains("/persons/")).await;
    click(&c, Locator::Css("form[action$='/screenings'] button")).await;
    wait_for_path(&c, |p| p.starts_with("/screenings/")).await;
    let tap = |css: &'static str| click(&c, Locator::Css(css));
    let step_is = |name: &'static str| wait_for_url(&c, move |_, query| query.contains(name));
    // The age recorded at intake (17) is carried over; the officer confirms it.
    let carried = value(&c, "age").await;
    assert_eq!(carried.as_deref(), Some("17"));
    fill(&c, "age", "17").await;
    tap("button[value=next]").await;
    step_is("step=recruitment-d1").await;
    // The answer is chosen by tapping its label (a large target), not the small radio.
    tap("label.choice:has(input[name=a_act_recruited][value=yes])").await;
    for next in [
        "step=recruitment-d2",
        "step=recruitment-d3",
        "step=movement",
        "step=exploitation-d4",
    ] {
        tap("button[value=next]").await;
        step_is(next).await;
    }
    tap("input[name=a_d4_hours][value=yes]").await;
    tap("input[name=a_d4_pay][value=yes]").await;
    for next in [
        "step=exploitation-d5-1",
        "step=exploitation-d5-2",
        "step=exploitation-d6",
        "step=facts",
    ] {
        tap("button[value=next]").await;
        step_is(next).await;
    }
    // The step bar shows which steps are done, partly done or to do, by sign and in words.
    let bar = c
        .find(Locator::Css("ol.steps"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        bar.contains("✓ 1. Age (done)")
            && bar.contains("◐ 2. D1 (1 of 7 answered)")
            && bar.contains("○ 3. D2 (to do)"),
        "{bar}"
    );
    tap("button[value=complete]").await;
    wait_for_path(&c, |p| p.ends_with("/review")).await;
    assert!(text(&c).await.contains("Provisional result"));
    tap("form[action$='/complete'] button").await;
    wait_for_path(&c, |p| {
        p.starts_with("/screenings/") && !p.ends_with("/review")
    })
    .await;
    appears(&c, Locator::Id("outcome")).await;
    let result = text(&c).await;
    assert!(
        result.contains("Presumed child victim of trafficking")
            && result.contains("Treated as a child: age 17")
            && result.contains("Refer the child to child protection"),
        "{result}"
    );
    let screening_path = c.current_url().await.unwrap().path().to_string();

    // Switch to French.
    select(&c, "lang", "fr").await;
    click(&c, Locator::Css("header form[action='/lang'] button")).await;
    appears(&c, Locator::Css("html[lang=fr]")).await;
    let page = text(&c).await;
    assert!(
        page.contains("Enfant victime présumé de la traite") && page.contains("Dossiers"),
        "{page}"
    );
    c.goto(&format!("{base}{case_path}")).await.unwrap();
    wait_for_path(&c, |p| p == case_path).await;
    let page = text(&c).await;
    assert!(page.contains("Personnes concernées"), "{page}");
    assert!(screening_path.starts_with("/screenings/"));

    // Someone of another agency gets "not found", not the case.
    click(&c, Locator::Css("header form[action='/signout'] button")).await;
    wait_for_path(&c, |p| p == "/signin").await;
    sign_in(&c, base, "caseworker").await;
    c.goto(&format!("{base}{case_path}")).await.unwrap();
    wait_for_path(&c, |p| p == case_path).await;
    let page = text(&c).await;
    assert!(
        page.contains("Not found") || page.contains("Introuvable"),
        "{page}"
    );
    assert!(!page.contains("Irakoze"));

    // A certificate checked on the public page (no sign-in needed) in the browser.
    let (_, cert) = certified(
        &db,
        app.user("trainer").organisation_id,
        "Session de test",
        "Aline Niyonkuru",
        tabara_core::htcds::Gender::Feminine,
    )
    .await;
    c.goto(&format!("{base}/verify")).await.unwrap();
    wait_for_path(&c, |p| p == "/verify").await;
    fill(&c, "code", &cert.code.to_lowercase()).await;
    click(&c, Locator::Css("form.card button[type=submit]")).await;
    let result = appears(&c, Locator::Id("result"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        result.contains("valid") || result.contains("valide"),
        "{result}"
    );
    assert!(
        result.contains("Aline"),
        "a valid certificate names its holder: {result}"
    );

    c.close().await.unwrap();
    drop(app);
    db.finish().await;
}

/// What a page measures at the current window size: (viewport width, page width, header height,
/// the smallest answer target as (width, height), how many answer targets).
async fn measure(c: &Client) -> (f64, f64, f64, (f64, f64), usize) {
    let v = c
        .execute(
            "const targets = [...document.querySelectorAll('label.choice, label.check')]\
               .map(l => l.getBoundingClientRect());\
             return [window.innerWidth, document.documentElement.scrollWidth,\
               document.querySelector('header').getBoundingClientRect().height,\
               Math.min(...targets.map(r => r.width), 1e9), Math.min(...targets.map(r => r.height), 1e9),\
               targets.length];",
            vec![],
        )
        .await
        .unwrap();
    let n = |i: usize| v[i].as_f64().unwrap();
    (n(0), n(1), n(2), (n(3), n(4)), n(5) as usize)
}

/// On a 360 px wide phone: the header stays compact, no page is wider than the screen (tables
/// included), and every answer of the screening is a target of at least 24 × 24 px (WCAG 2.2
/// 2.5.8). With TABARA_TEST_SCREENSHOTS=dir, each page is also saved there as a PNG.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_fit_a_phone() {
    let Some((_driver, c)) = browser().await else {
        return;
    };
    let (db, app) = demo_server().await;
    let base = &app.base;
    let (case, victim) = case_with_victim(&db, &app.reference, "officer").await;
    let person = victim.person.id;
    let catalogue = tabara_core::screening::Catalogue::embedded().unwrap();
    let screening = tabara_core::ids::ScreeningId::new();
    db.store
        .create_screening(
            &Actor::system("test"),
            screening,
            case.id,
            person,
            &catalogue.version,
        )
        .await
        .unwrap();
    // A high security risk, for the risk page's matrix and plan.
    let high = tabara_core::risk::AssessmentForm {
        kind: "security".into(),
        likelihood: "4".into(),
        impact: "4".into(),
        factors: vec!["sec_threats_received".into(), "sec_debt".into()],
        safety_plan: "Hébergement au centre d'accueil, numéro d'urgence donné.".into(),
    };
    let id = uuid::Uuid::now_v7();
    let actor = Actor::system("test");
    db.store
        .record_risk_assessment(&actor, id, case.id, person, &high, None)
        .await
        .unwrap();
    let plan = tabara_store::support::PlanForm {
        types: vec!["Health".into(), "SexualExploitationRehabilitation".into()],
        objectives: "Soins, hébergement sûr, retour en famille.".into(),
        reflection_start: chrono::Utc::now().date_naive().to_string(),
        ..Default::default()
    };
    db.store
        .create_support_plan(&actor, uuid::Uuid::now_v7(), case.id, person, &plan, None)
        .await
        .unwrap();

    tabara_demo::write_services(&db.store, &Actor::system("demo"), &app.reference)
        .await
        .unwrap();
    let provider = db
        .store
        .providers_offering(tabara_core::referral::ServiceType::Shelter, 1)
        .await
        .unwrap()[0]
        .id;
    // A high risk the officer assessed: their header counts its notification.
    let officer = app.user("officer").id;
    let risk = tabara_core::risk::AssessmentForm {
        kind: "security".into(),
        likelihood: "4".into(),
        impact: "4".into(),
        safety_plan: "Hébergement protégé".into(),
        ..Default::default()
    };
    db.store
        .record_risk_assessment(
            &Actor::user(officer),
            uuid::Uuid::now_v7(),
            case.id,
            person,
            &risk,
            None,
        )
        .await
        .unwrap();
    db.store
        .raise_due_alerts(chrono::Utc::now(), 500)
        .await
        .unwrap();

    sign_in(&c, base, "officer").await;
    c.set_window_size(360, 800).await.unwrap();
    let shots = std::env::var("TABARA_TEST_SCREENSHOTS").ok();
    let mut wrong = Vec::new();
    for (name, path, answers) in [
        ("dashboard", "/".to_string(), false),
        ("cases", "/cases".to_string(), false),
        ("case", format!("/cases/{}", case.number), false),
        (
            "person",
            format!("/cases/{}/persons/{person}", case.number),
            false,
        ),
        ("age", format!("/screenings/{screening}?step=age"), true),
        (
            "d1",
            format!("/screenings/{screening}?step=recruitment-d1"),
            true,
        ),
        ("facts", format!("/screenings/{screening}?step=facts"), true),
        ("review", format!("/screenings/{screening}/review"), false),
        ("services", "/services?area=Gitega".to_string(), false),
        ("provider", format!("/services/{provider}"), false),
        (
            "risk",
            format!("/cases/{}/persons/{person}/risk", case.number),
            false,
        ),
        (
            "risk-new",
            format!("/cases/{}/persons/{person}/risk/new", case.number),
            true,
        ),
        (
            "support",
            format!("/cases/{}/persons/{person}/support", case.number),
            false,
        ),
        (
            "support-edit",
            format!("/cases/{}/persons/{person}/support/edit", case.number),
            true,
        ),
        ("notifications", "/notifications".to_string(), false),
    ] {
        c.goto(&format!("{base}{path}")).await.unwrap();
        wait_for_path(&c, |_| true).await;
        if let Some(dir) = &shots {
            let png = c.screenshot().await.unwrap();
            std::fs::write(format!("{dir}/{name}.png"), png).unwrap();
            c.execute("window.scrollTo(0, 650)", vec![]).await.unwrap();
            let png = c.screenshot().await.unwrap();
            std::fs::write(format!("{dir}/{name}-2.png"), png).unwrap();
            c.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
        }
        let (viewport, width, header, (tw, th), targets) = measure(&c).await;
        assert!((340.0..=380.0).contains(&viewport), "viewport {viewport}");
        if width > viewport {
            wrong.push(format!(
                "{name}: page {width} px wide on a {viewport} px screen"
            ));
        }
        if header > 100.0 {
            wrong.push(format!("{name}: header {header} px high"));
        }
        if answers && (targets == 0 || tw < 24.0 || th < 24.0) {
            wrong.push(format!(
                "{name}: smallest of {targets} answer targets is {tw} × {th} px"
            ));
        }
    }
    // A machine-readable zone checked on the phone: the zone, its fields and its marks fit.
    c.goto(&format!("{base}/documents/check")).await.unwrap();
    wait_for_path(&c, |p| p == "/documents/check").await;
    fill(
        &c,
        "zone",
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO74O8122F1204159ZE184226B<<<<<10",
    )
    .await;
    click(&c, Locator::Css("input[name=specimen]")).await;
    click(&c, Locator::Css("form.mrz-form button[type=submit]")).await;
    appears(&c, Locator::Id("verdict")).await;
    if let Some(dir) = &shots {
        let png = c.screenshot().await.unwrap();
        std::fs::write(format!("{dir}/mrz-check.png"), png).unwrap();
        c.execute("window.scrollTo(0, 650)", vec![]).await.unwrap();
        let png = c.screenshot().await.unwrap();
        std::fs::write(format!("{dir}/mrz-check-2.png"), png).unwrap();
    }
    let (viewport, width, _, _, _) = measure(&c).await;
    if width > viewport {
        wrong.push(format!(
            "mrz check: page {width} px wide on a {viewport} px screen"
        ));
    }
    let marked = c
        .find_all(Locator::Css(".mrz-zone .bad"))
        .await
        .unwrap()
        .len();
    assert_eq!(
        marked, 3,
        "the date, its check digit and the composite marked"
    );
    assert!(wrong.is_empty(), "{wrong:#?}");
    c.close().await.unwrap();
    drop(app);
    db.finish().await;
}
