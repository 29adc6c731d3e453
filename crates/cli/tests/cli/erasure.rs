//! `person erase`, `case hold`, `case holds`, `case release`.

use tabara_store::store_test;

use crate::common::*;

store_test!(
    erasure_waits_for_a_hold_and_happens_when_it_is_lifted,
    |db| async move {
        ok(&tabara(&db, &["demo", "--persons", "80", "--seed", "3"]));
        let shown: serde_json::Value =
            serde_json::from_str(&ok(&tabara(&db, &["--json", "case", "show", "TBR-000001"])))
                .unwrap();
        let person = shown["persons"][0]["person"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let placed = ok(&tabara(
            &db,
            &[
                "case",
                "hold",
                "TBR-000001",
                "--kind",
                "investigation",
                "--reference",
                "PJ 9/2026",
            ],
        ));
        assert!(
            placed.contains("Legal hold placed on TBR-000001"),
            "{placed}"
        );
        let waiting = ok(&tabara(
            &db,
            &["person", "erase", &person, "--ground", "subject_request"],
        ));
        assert!(
            waiting.contains("waits: TBR-000001 holds them"),
            "{waiting}"
        );
        let holds: serde_json::Value = serde_json::from_str(&ok(&tabara(
            &db,
            &["--json", "case", "holds", "TBR-000001"],
        )))
        .unwrap();
        let hold = holds[0]["id"].as_str().unwrap().to_string();
        let released = ok(&tabara(&db, &["case", "release", &hold]));
        assert!(
            released.contains("one waiting erasure was carried out"),
            "{released}"
        );
        let again = ok(&tabara(
            &db,
            &["person", "erase", &person, "--ground", "subject_request"],
        ));
        assert!(again.contains("was erased before"), "{again}");
        let refused = tabara(&db, &["person", "erase", &person, "--ground", "because"]);
        assert!(failed(&refused).contains("not a ground of erasure"));
        let refused = tabara(&db, &["case", "release", &hold]);
        assert!(!refused.status.success());
        let verify = ok(&tabara(&db, &["audit", "verify"]));
        assert!(verify.starts_with("ok, "), "{verify}");
        db.finish().await;
    }
);

store_test!(
    an_access_report_gives_everything_held_as_json_and_pdf,
    |db| async move {
        ok(&tabara(&db, &["demo", "--persons", "80", "--seed", "12"]));
        let shown: serde_json::Value = serde_json::from_str(&ok(&tabara(
            &db,
            &["--json", "case", "show", "TBR-000002", "--with-identity"],
        )))
        .unwrap();
        let person = shown["persons"][0]["person"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let report: serde_json::Value =
            serde_json::from_str(&ok(&tabara(&db, &["person", "report", &person]))).unwrap();
        assert_eq!(report["person"]["id"], person.as_str());
        assert!(report["identity"]["second_name"].is_string(), "{report}");
        assert!(
            report["cases"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["reference"] == "TBR-000002")
        );
        let surname = report["identity"]["second_name"]
            .as_str()
            .unwrap()
            .to_string();
        let dir = std::env::temp_dir().join(format!("tabara-report-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let pdf = dir.join("report.pdf");
        let pdf_arg = pdf.display().to_string();
        ok(&tabara(
            &db,
            &[
                "person", "report", &person, "--format", "pdf", "--output", &pdf_arg,
            ],
        ));
        let text = std::process::Command::new("pdftotext")
            .args([&pdf_arg, "-"])
            .output()
            .expect("pdftotext (poppler-utils)");
        let text = String::from_utf8_lossy(&text.stdout);
        assert!(
            text.contains("Access report") && text.contains(&surname),
            "{text}"
        );
        let refused = tabara(&db, &["person", "report", &person, "--format", "pdf"]);
        assert!(failed(&refused).contains("--output"));
        // Both reads are in the log: the identity and the report.
        let trail = db.store.audit_trail("person", &person).await.unwrap();
        assert!(
            trail
                .iter()
                .filter(|e| e.action == "person.access_report")
                .count()
                >= 2
        );
        let _ = std::fs::remove_dir_all(&dir);
        db.finish().await;
    }
);
