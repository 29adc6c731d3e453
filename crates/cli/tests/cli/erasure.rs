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
