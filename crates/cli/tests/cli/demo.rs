//! `demo`: a fictional register to read, export and verify; `--reset`; every screening outcome.

use tabara_store::store_test;
use tabara_store::testing::TestDb;

use crate::common::*;

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
    assert!(
        failed(&bad).contains("--exploitation"),
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

/// Every case of the register matching `filter`, page by page.
async fn every_case(
    db: &TestDb,
    filter: &tabara_store::CaseFilter,
) -> Vec<tabara_store::CaseSummary> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = db
            .store
            .list_cases(filter, tabara_store::PageRequest { after, limit: 500 })
            .await
            .unwrap();
        out.extend(page.items);
        match page.next {
            Some(n) => after = Some(n),
            None => return out,
        }
    }
}

// The default demo meets every relation the access rules know: several agencies, cases
// assigned to a user (within what the user reaches anyway), shared to read and to edit, and
// children reached by child protection through the minor alone.
store_test!(
    the_demo_meets_every_relation_the_rules_know,
    |db| async move {
        use std::collections::BTreeSet;
        use tabara_core::permissions::{Action, Relation, decide};
        use tabara_store::CaseFilter;
        ok(&tabara(&db, &["demo"]));
        let reference = tabara_demo::Demo::new(42, 2000).reference().clone();
        let user = |name: &str| {
            reference
                .users
                .iter()
                .find(|u| u.username == name)
                .unwrap_or_else(|| panic!("no demo account {name}"))
                .clone()
        };
        let cases = every_case(&db, &CaseFilter::default()).await;
        assert!(cases.len() > 500, "{}", cases.len());
        let agencies: BTreeSet<&str> = cases.iter().map(|c| c.organisation.as_str()).collect();
        assert!(agencies.len() >= 4, "{agencies:?}");

        for name in ["officer", "investigator", "caseworker"] {
            let u = user(name);
            let filter = CaseFilter {
                owner_id: Some(u.id),
                ..Default::default()
            };
            let mine = every_case(&db, &filter).await;
            assert!(mine.len() >= 3, "{name}: {} cases assigned", mine.len());
            for c in &mine {
                let r = db.store.relation(&u.viewer(), c.id).await.unwrap().unwrap();
                assert!(r.assigned && r.same_agency, "{name} {}: {r:?}", c.reference);
                // An assignment of the demo never widens what the account reaches.
                let unassigned = Relation {
                    assigned: false,
                    ..r
                };
                assert!(
                    decide(u.role, Action::ReadCase, Some(unassigned)).allowed(),
                    "{name} {}",
                    c.reference
                );
            }
        }

        let (mut read_only, mut editing) = (0, 0);
        let mut shared_with = BTreeSet::new();
        for c in &cases {
            for s in db.store.case_shares(c.id).await.unwrap() {
                if s.may_edit {
                    editing += 1;
                } else {
                    read_only += 1;
                }
                shared_with.insert(s.organisation_id);
            }
        }
        assert!(
            read_only >= 5 && editing >= 2,
            "{read_only} read-only, {editing} editing"
        );
        assert!(shared_with.len() >= 2, "{shared_with:?}");

        let child_protection = user("childprotection").viewer();
        let mut minors_elsewhere = 0;
        for c in &cases {
            let r = db
                .store
                .relation(&child_protection, c.id)
                .await
                .unwrap()
                .unwrap();
            minors_elsewhere += usize::from(r.involves_minor && !r.same_agency);
        }
        assert!(
            minors_elsewhere >= 20,
            "{minors_elsewhere} children's cases of other agencies"
        );
        db.finish().await;
    }
);
