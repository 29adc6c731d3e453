//! The support plan pages of a victim: opening a plan (errors next to their fields, nothing
//! written), the reflection and recovery period's end shown, services, visits and steps,
//! closure with a reason; French; another agency's 404; a person who is not a victim.

use crate::common::*;

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

async fn plans(
    db: &TestDb,
    case: tabara_core::ids::CaseId,
    person: tabara_core::ids::PersonId,
) -> Vec<tabara_store::SupportPlan> {
    db.store.support_plans(case, person, 100).await.unwrap()
}

store_test!(a_support_plan_from_opening_to_closure, |db| async move {
    let app = start(&db).await;
    let (case, victim) = case_with_victim(&db, &app.reference, "officer").await;
    let person = victim.person.id;
    let page = format!("/cases/{}/persons/{person}/support", case.number);
    let mut b = signed_in(&app, "officer").await;

    let case_page = b.get(&format!("/cases/{}", case.number)).await.body;
    assert!(case_page.contains(&format!("href=\"{page}\"")));
    let empty = b.get(&page).await;
    assert_eq!(empty.status, 200);
    assert!(empty.body.contains("No support plan is open."));
    assert!(empty.body.contains("nothing here depends on it"));

    // Opening: the reflection period starts today unless said otherwise.
    let new = b.get(&format!("{page}/new")).await;
    assert_eq!(new.status, 200);
    assert!(new.body.contains(&format!("value=\"{}\"", today())));
    assert!(
        new.body
            .contains("value=\"SexualExploitationRehabilitation\"")
    );
    let csrf = Browser::csrf(&new.body);
    let refused = b
        .post(
            &format!("{page}/new"),
            &[
                ("csrf", csrf.as_str()),
                ("objectives", " "),
                ("reflection_start", "2026-13-01"),
                ("reflection_days", "0"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422);
    for (field, words) in [
        ("spl_Type", "Choose at least one type of support."),
        ("spl_Objectives", "This answer is needed."),
        ("spl_ReflectionStart", "Write the date as YYYY-MM-DD."),
        ("spl_ReflectionDays", "This number is out of range."),
    ] {
        assert!(
            refused
                .body
                .contains(&format!("<span class=\"error\" id=\"err-{field}\">{words}")),
            "{field}: {}",
            refused.body
        );
    }
    assert!(
        plans(&db, case.id, person).await.is_empty(),
        "nothing written"
    );

    let start = today() - chrono::Duration::days(3);
    let opened = b
        .post(
            &format!("{page}/new"),
            &[
                ("csrf", csrf.as_str()),
                ("types", "Health"),
                ("types", "Legal"),
                ("objectives", "Soins, aide juridique, retour en famille."),
                ("reflection_start", &start.to_string()),
            ],
        )
        .await;
    assert_eq!(
        (opened.status, opened.location.as_deref()),
        (303, Some(page.as_str()))
    );
    let stored = plans(&db, case.id, person).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].facts.reflection.days, 30);
    let shown = b.get(&page).await.body;
    let end = start + chrono::Duration::days(29);
    let end_words = tabara_web_date(end);
    assert!(
        shown.contains(&format!(
            "<strong id=\"reflection-end\">Ends on {end_words}</strong>"
        )),
        "{shown}"
    );
    assert!(shown.contains("26 days left"), "{shown}");
    assert!(shown.contains("Health · Legal"));

    // A service without anyone named is refused next to its field; with a name, recorded.
    let csrf = Browser::csrf(&shown);
    let services = format!("{page}/services");
    let bad = b
        .post(
            &services,
            &[
                ("csrf", csrf.as_str()),
                ("service", "medical"),
                ("delivered_on", &today().to_string()),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains(
        "id=\"err-sps_ProvidedBy\">Say who delivered the service: an organisation or a name."
    ));
    assert!(
        bad.body.contains("<option value=\"medical\" selected>"),
        "as typed"
    );
    let id = stored[0].id;
    assert!(
        db.store
            .support_follow_up(id, 10)
            .await
            .unwrap()
            .services
            .is_empty()
    );
    let ok = b
        .post(
            &services,
            &[
                ("csrf", csrf.as_str()),
                ("service", "medical"),
                ("delivered_on", &today().to_string()),
                ("provided_by", "Dr Ndayishimiye"),
                ("note", "Bilan de santé"),
            ],
        )
        .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    for (tail, fields) in [
        (
            "visits",
            vec![
                ("visited_on", today().to_string()),
                ("visited_by", "Assistante sociale".to_string()),
                ("notes", "Va mieux.".to_string()),
            ],
        ),
        (
            "steps",
            vec![
                ("step", "family_tracing".to_string()),
                ("on", today().to_string()),
            ],
        ),
    ] {
        let mut form = vec![("csrf", csrf.clone())];
        form.extend(fields);
        let r = b.post_fields(&format!("{page}/{tail}"), &form).await;
        assert_eq!(r.status, 303, "{tail}: {}", r.body);
    }
    let shown = b.get(&page).await.body;
    for words in [
        "Medical care",
        "Dr Ndayishimiye",
        "Bilan de santé",
        "Assistante sociale",
        "Va mieux.",
        "Family traced",
    ] {
        assert!(shown.contains(words), "{words}");
    }

    // Closing: "other" needs words; then the plan is among the earlier ones, the forms gone.
    let version = hidden(&shown, "version");
    assert_eq!(version, "1");
    let close = format!("{page}/close");
    let bad = b
        .post(
            &close,
            &[
                ("csrf", csrf.as_str()),
                ("version", "1"),
                ("reason", "other"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.body
            .contains("id=\"err-spl_ClosureNote\">Say in words why the plan is closed.")
    );
    assert!(plans(&db, case.id, person).await[0].is_open());
    let closed = b
        .post(
            &close,
            &[
                ("csrf", csrf.as_str()),
                ("version", "1"),
                ("reason", "reintegrated"),
                ("closure_note", "Rentrée à Makamba"),
            ],
        )
        .await;
    assert_eq!(closed.status, 303, "{}", closed.body);
    let shown = b.get(&page).await.body;
    assert!(shown.contains("No support plan is open."));
    let closed_words = format!(
        "Closed on {}: Reintegrated (Rentrée à Makamba)",
        tabara_web_date(today())
    );
    assert!(shown.contains(&closed_words), "{shown}");
    assert!(!shown.contains(&format!("action=\"{services}\"")));
    // Nothing more is recorded under a closed plan: the page says there is no open plan.
    let late = b
        .post(
            &format!("{page}/visits"),
            &[
                ("csrf", csrf.as_str()),
                ("visited_on", &today().to_string()),
                ("visited_by", "X"),
            ],
        )
        .await;
    assert_eq!(late.status, 422);
    assert!(late.body.contains("This person has no open support plan."));
    assert_eq!(
        db.store
            .support_follow_up(id, 10)
            .await
            .unwrap()
            .visits
            .len(),
        1
    );
    db.finish().await;
});

/// A date as the English pages write it.
fn tabara_web_date(d: chrono::NaiveDate) -> String {
    const M: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    use chrono::Datelike;
    format!("{} {} {}", d.day(), M[d.month0() as usize], d.year())
}

store_test!(
    support_pages_out_of_reach_in_french_and_for_others,
    |db| async move {
        let app = start(&db).await;
        let officer = app.user("officer").clone();
        let (case, victim) = case_with_victim(&db, &app.reference, "officer").await;
        let page = format!(
            "/cases/{}/persons/{}/support",
            case.number, victim.person.id
        );
        let mut b = signed_in(&app, "officer").await;

        // A victim of a case of another agency that the officer does not reach: 404, as missing.
        let reached = cases_of(&db, &app, "officer", 500).await;
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
            .unwrap()
            .items;
        let mut other = None;
        for c in all.iter().filter(|c| reached.iter().all(|r| r.id != c.id)) {
            if db.store.case(c.id).await.unwrap().organisation_id == officer.organisation_id {
                continue;
            }
            let persons = db.store.case_persons(c.id).await.unwrap();
            if let Some(v) = persons
                .iter()
                .find(|p| p.involvement.role() == tabara_core::records::PersonRole::Victim)
            {
                other = Some((c.number, v.person.id));
                break;
            }
        }
        let (number, person) = other.expect("a case of another agency out of the officer's reach");
        let theirs = format!("/cases/{number}/persons/{person}/support");
        let missing = b
            .get("/cases/999999/persons/00000000-0000-0000-0000-000000000000/support")
            .await;
        for path in [
            theirs.clone(),
            format!("{theirs}/new"),
            format!("{theirs}/edit"),
        ] {
            let r = b.get(&path).await;
            assert_eq!(
                (r.status, r.body.as_str()),
                (404, missing.body.as_str()),
                "{path}"
            );
        }
        let csrf = b.csrf_of(&page).await;
        let posted = b
            .post(
                &format!("{theirs}/new"),
                &[
                    ("csrf", csrf.as_str()),
                    ("types", "Health"),
                    ("objectives", "x"),
                    ("reflection_start", &today().to_string()),
                ],
            )
            .await;
        assert_eq!(posted.status, 404);
        assert!(
            db.store
                .support_plans(
                    db.store.case_by_number(number).await.unwrap().id,
                    person,
                    10
                )
                .await
                .unwrap()
                .is_empty()
        );

        // In French.
        b.lang(&csrf, "fr", &page).await;
        let fr = b.get(&format!("{page}/new")).await.body;
        assert!(fr.contains("Ouvrir un plan d&#39;aide"));
        assert!(fr.contains("Délai de rétablissement et de réflexion"));
        assert!(fr.contains("Réadaptation après exploitation sexuelle"));
        let csrf = Browser::csrf(&fr);
        let refused = b
            .post(
                &format!("{page}/new"),
                &[
                    ("csrf", csrf.as_str()),
                    ("objectives", "Soins"),
                    ("reflection_start", &today().to_string()),
                ],
            )
            .await;
        assert_eq!(refused.status, 422);
        assert!(
            refused
                .body
                .contains("Choisissez au moins un type d&#39;aide.")
        );
        let fr_page = b.get(&page).await.body;
        assert!(fr_page.contains("Aucun plan d&#39;aide n&#39;est ouvert."));

        // A suspect of the case is no victim: the page says so, the store refuses a plan.
        let suspect = db
            .store
            .case_persons(case.id)
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.involvement.role() != tabara_core::records::PersonRole::Victim);
        if let Some(s) = suspect {
            let theirs = format!("/cases/{}/persons/{}/support", case.number, s.person.id);
            let shown = b.get(&theirs).await;
            assert_eq!(shown.status, 200);
            assert!(
                shown
                    .body
                    .contains("Un plan d&#39;aide est établi pour une victime du dossier.")
            );
            let posted = b
                .post(
                    &format!("{theirs}/new"),
                    &[
                        ("csrf", csrf.as_str()),
                        ("types", "Health"),
                        ("objectives", "Soins"),
                        ("reflection_start", &today().to_string()),
                    ],
                )
                .await;
            assert_eq!(posted.status, 422);
            assert!(
                posted
                    .body
                    .contains("id=\"err-spl_Person\">Un plan d&#39;aide est établi")
            );
            assert!(plans(&db, case.id, s.person.id).await.is_empty());
        }
        db.finish().await;
    }
);
