//! `serve` and `demo --reset --serve`: the address, the accounts, the request logs.

use tabara_store::store_test;

use crate::common::*;

store_test!(
    demo_reset_serve_prints_the_address_and_accounts_then_serves,
    |db| async move {
        use std::io::{BufRead, BufReader};
        let listen = free_address();
        let mut child = command(
            &db,
            &[
                "demo",
                "--reset",
                "--persons",
                "300",
                "--serve",
                "--listen",
                &listen,
            ],
        )
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
        let reply = http_get(&listen, "/signin");
        assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
        assert!(reply.contains("name=\"username\""));
        child.kill().unwrap();
        child.wait().unwrap();
        db.finish().await;
    }
);

store_test!(
    serve_logs_each_request_without_personal_data,
    |db| async move {
        use std::io::{BufRead, BufReader, Read};
        ok(&tabara(&db, &["demo", "--persons", "60", "--seed", "4"]));
        let listen = free_address();
        let mut child = command(&db, &["serve", "--listen", &listen])
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
        let request = |path: &str| http_get(&listen, path);
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
    serve_writes_signed_checkpoints_on_its_own,
    |db| async move {
        use std::io::{BufRead, BufReader};
        ok(&tabara(&db, &["demo", "--persons", "60", "--seed", "5"]));
        let dir = std::env::temp_dir().join(format!("tabara-cps-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let listen = free_address();
        let mut child = command(
            &db,
            &[
                "serve",
                "--listen",
                &listen,
                "--checkpoint-every",
                "1",
                "--checkpoint-dir",
                &dir.display().to_string(),
            ],
        )
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
        let mut written = None;
        for _ in 0..200 {
            written = std::fs::read_dir(&dir)
                .unwrap()
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .find(|p| p.extension().is_some_and(|x| x == "txt"));
            if written.is_some() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        child.kill().unwrap();
        child.wait().unwrap();
        let written = written.expect("a checkpoint file within 20 s");
        let verify = ok(&tabara(
            &db,
            &[
                "audit",
                "verify",
                "--checkpoint",
                &written.display().to_string(),
            ],
        ));
        assert!(verify.contains("checkpoint ok"), "{verify}");
        // The file is the stored checkpoint of its size (the server may have made a later one
        // since, when the log grew after its start, as its alerts do).
        let text = std::fs::read_to_string(&written).unwrap();
        let stored = db.store.checkpoints(5).await.unwrap();
        assert!(
            stored
                .iter()
                .any(|c| c.text == text && written.ends_with(format!("checkpoint-{}.txt", c.size))),
            "{written:?} among {stored:?}"
        );
        let _ = std::fs::remove_dir_all(&dir);
        db.finish().await;
    }
);
