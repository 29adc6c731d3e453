//! `alerts run` (once, for cron: a second run raises nothing; `--deliver log`) and the
//! scheduler of `serve`, which raises a due alert on its own.

use tabara_store::{Actor, CaseFilter, PageRequest, Store, store_test};

use crate::common::*;

/// A high risk of a victim of the demo register, assessed by the demo officer: due at once.
async fn assess_high_risk(s: &Store) -> tabara_core::ids::UserId {
    let officer = s.user_by_username("officer").await.unwrap().unwrap().id;
    let cases = s
        .list_cases(
            &CaseFilter::default(),
            PageRequest {
                after: None,
                limit: 50,
            },
        )
        .await
        .unwrap()
        .items;
    for case in cases {
        let persons = s.case_persons(case.id).await.unwrap();
        let Some(victim) = persons
            .iter()
            .find(|p| p.involvement.role() == tabara_core::records::PersonRole::Victim)
        else {
            continue;
        };
        let form = tabara_core::risk::AssessmentForm {
            kind: "security".into(),
            likelihood: "5".into(),
            impact: "4".into(),
            safety_plan: "Hébergement protégé".into(),
            ..Default::default()
        };
        s.record_risk_assessment(
            &Actor::user(officer),
            uuid::Uuid::now_v7(),
            case.id,
            victim.person.id,
            &form,
            None,
        )
        .await
        .unwrap();
        return officer;
    }
    panic!("no case with a victim");
}

store_test!(alerts_run_raises_each_alert_once, |db| async move {
    ok(&tabara(&db, &["demo", "--persons", "60", "--seed", "5"]));
    // The demo's overdue referrals are raised by the first run, and by no later one.
    let demo = ok(&tabara(&db, &["alerts", "run"]));
    assert!(demo.starts_with("Alerts raised: "), "{demo}");
    let nothing = ok(&tabara(&db, &["alerts", "run"]));
    assert_eq!(
        nothing.trim(),
        "Alerts raised: 0; notifications written: 0."
    );
    let officer = assess_high_risk(&db.store).await;
    let first = ok(&tabara(&db, &["alerts", "run"]));
    assert!(first.starts_with("Alerts raised: 1; "), "{first}");
    let again = ok(&tabara(&db, &["--lang", "fr", "alerts", "run"]));
    assert_eq!(
        again.trim(),
        "Alertes levées : 0 ; notifications écrites : 0."
    );
    assert_eq!(db.store.unread_count(officer).await.unwrap(), 1);
    // The log channel: one line per notification on standard error, once.
    let out = tabara(&db, &["alerts", "run", "--deliver", "log"]);
    let text = ok(&out);
    assert!(text.contains("Channel log: "), "{text}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("notification "))
        .collect();
    assert!(!lines.is_empty(), "{stderr}");
    assert!(
        lines
            .iter()
            .any(|l| l.contains(&format!("user:{officer} risk_high case TBR-"))),
        "{stderr}"
    );
    assert!(
        text.contains(&format!("{} delivered, 0 failed", lines.len())),
        "{text}"
    );
    let out = tabara(&db, &["alerts", "run", "--deliver", "log", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&ok(&out)).unwrap();
    assert_eq!(json["raised"]["raised"], 0);
    assert_eq!(json["delivered"]["delivered"], 0, "delivered once");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("notification "));
    let verify = ok(&tabara(&db, &["audit", "verify"]));
    assert!(verify.starts_with("ok, "), "{verify}");
    db.finish().await;
});

store_test!(serve_raises_due_alerts_on_its_own, |db| async move {
    use std::io::{BufRead, BufReader};
    ok(&tabara(&db, &["demo", "--persons", "60", "--seed", "6"]));
    let listen = free_address();
    let mut child = command(&db, &["serve", "--listen", &listen, "--alerts-every", "1"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for line in lines.by_ref() {
        if line.unwrap().contains("serving at") {
            break;
        }
    }
    let officer = assess_high_risk(&db.store).await;
    // The scheduler runs every second: the alert arrives without anyone asking.
    let mut unread = 0;
    for _ in 0..100 {
        unread = db.store.unread_count(officer).await.unwrap();
        if unread > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(unread, 1, "the server raised the alert on its own");
    child.kill().unwrap();
    child.wait().unwrap();
    // Raised once: a run after the server's raises nothing.
    let after = ok(&tabara(&db, &["alerts", "run"]));
    assert!(after.starts_with("Alerts raised: 0;"), "{after}");
    db.finish().await;
});
