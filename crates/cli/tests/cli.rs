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
        header.starts_with("prs_Gender,") && header.contains("vic_TypeOfExploitation"),
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
        store
            .decide_screening(
                &actor,
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
