//! `screening explain`, and screening and picklist values put in words.

use tabara_store::store_test;

use crate::common::*;

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
        assert!(failed(&bad).contains("is not a screening id"));
        let missing = tabara(
            &db,
            &["screening", "explain", &ScreeningId::new().to_string()],
        );
        assert!(failed(&missing).contains("not found"));
        db.finish().await;
    }
);

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
        let err = failed(&missing);
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
        let err = failed(&french);
        assert!(err.contains("introuvable"), "{err}");

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
        let err = failed(&bad);
        assert!(
            err.contains("--status") && err.contains("Active, FollowUp, Closed, ClosedReferred"),
            "{err}"
        );
        db.finish().await;
    }
);
