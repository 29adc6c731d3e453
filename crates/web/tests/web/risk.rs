//! The risk assessment pages of a victim: the form (factors, the server-side suggestion, the
//! matrix, the safety plan), refused input that changes nothing, the page with the matrix drawn,
//! the history, another agency's 404, French, and a person who is not a victim.

use crate::common::*;

/// The risk page and the form of the victim `person` of case `number`.
fn paths(number: i64, person: &str) -> (String, String) {
    let page = format!("/cases/{number}/persons/{person}/risk");
    let form = format!("{page}/new");
    (page, form)
}

/// The number of assessments of the person in the case.
async fn assessments(
    db: &TestDb,
    case: tabara_core::ids::CaseId,
    person: tabara_core::ids::PersonId,
) -> usize {
    db.store
        .risk_history(case, person, 500)
        .await
        .unwrap()
        .len()
}

store_test!(record_a_risk_assessment_from_the_form, |db| async move {
    let app = start(&db).await;
    let (case, victim) = case_with_victim(&db, &app.reference, "officer").await;
    let person = victim.person.id;
    let (page, form) = paths(case.number, &person.to_string());
    let mut b = signed_in(&app, "officer").await;

    // The case page links each victim to the risk page, which says nothing is assessed yet.
    let case_page = b.get(&format!("/cases/{}", case.number)).await.body;
    assert!(
        case_page.contains(&format!("href=\"{page}\"")),
        "{case_page}"
    );
    let empty = b.get(&page).await;
    assert_eq!(empty.status, 200);
    assert_eq!(empty.body.matches("Not assessed yet.").count(), 2);
    assert!(
        empty
            .body
            .contains(&format!("href=\"{form}?kind=re_trafficking\""))
    );

    // The form offers the security factors, grouped by what they raise, and an empty matrix.
    let new = b.get(&format!("{form}?kind=security")).await;
    assert_eq!(new.status, 200);
    assert!(new.body.contains("value=\"sec_threats_received\""));
    assert!(
        !new.body.contains("value=\"ret_debt\""),
        "only this kind's factors"
    );
    assert!(new.body.contains("<legend>Raise the likelihood</legend>"));
    assert_eq!(new.body.matches("<g class=\"cell").count(), 25);
    let csrf = Browser::csrf(&new.body);

    // Suggest: the form again, the suggested cell marked and explained, nothing written.
    let factors = [
        ("csrf", csrf.as_str()),
        ("kind", "security"),
        ("factor", "sec_threats_received"),
        ("factor", "sec_address_known"),
        ("factor", "sec_debt"),
    ];
    let suggested = b.post_with(&form, &factors, &[("suggest", "1")]).await;
    assert_eq!(suggested.status, 200, "{}", suggested.body);
    assert_eq!(assessments(&db, case.id, person).await, 0);
    // Likelihood 1 + 3 (threats, address, debt), impact 1 + 1 (threats), an adult.
    assert!(
        suggested
            .body
            .contains("class=\"cell chosen suggested\" data-likelihood=\"4\" data-impact=\"2\""),
        "{}",
        suggested.body
    );
    assert!(suggested.body.contains("id=\"risk-suggestion\""));
    assert!(
        suggested
            .body
            .contains("The victim still owes money to the traffickers.")
    );
    // The empty axes take the suggestion; the ticked factors stay ticked.
    assert!(suggested.body.contains("<option value=\"4\" selected>"));
    assert!(suggested.body.contains("value=\"sec_debt\" checked"));

    // A high cell without a safety plan: refused, the error next to the field, nothing written.
    let high = [("likelihood", "4"), ("impact", "4"), ("safety_plan", "  ")];
    let refused = b.post_with(&form, &factors, &high).await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains(
        "<span class=\"error\" id=\"err-risk_SafetyPlan\">A high or critical risk needs a safety \
         plan agreed with the person.</span>"
    ));
    assert!(
        refused
            .body
            .contains("aria-invalid=\"true\" aria-describedby=\"err-risk_SafetyPlan\"")
    );
    assert!(
        refused.body.contains("value=\"sec_debt\" checked"),
        "the form as typed"
    );
    assert_eq!(assessments(&db, case.id, person).await, 0);

    // Values out of range and a factor that does not exist: each error by its field.
    let bad = b
        .post(
            &form,
            &[
                ("csrf", csrf.as_str()),
                ("kind", "security"),
                ("factor", "sec_made_up"),
                ("likelihood", "9"),
                ("impact", ""),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    for (field, words) in [
        ("risk_Likelihood", "Choose a likelihood from 1 to 5."),
        ("risk_Impact", "Choose the impact, from 1 to 5."),
        ("risk_Factor", "A ticked factor is not one of the list"),
    ] {
        assert!(
            bad.body.contains(&format!("id=\"err-{field}\">{words}")),
            "{field}: {}",
            bad.body
        );
    }
    assert_eq!(assessments(&db, case.id, person).await, 0);

    // Recorded with its plan: to the risk page, the matrix drawn with the chosen cell.
    let plan = "Hébergement au centre, numéro d'urgence donné.";
    let ok = b
        .post_with(
            &form,
            &factors,
            &[("likelihood", "4"), ("impact", "4"), ("safety_plan", plan)],
        )
        .await;
    assert_eq!(
        (ok.status, ok.location.as_deref()),
        (303, Some(page.as_str()))
    );
    let stored = db.store.risk_history(case.id, person, 10).await.unwrap();
    assert_eq!(stored.len(), 1);
    let a = &stored[0].assessment;
    assert_eq!((a.score(), a.level.as_str()), (16, "high"));
    assert_eq!(a.factors.len(), 3);
    assert_eq!(a.safety_plan.as_deref(), Some(plan));
    assert_eq!(
        stored[0].assessed_by,
        Actor::user(app.user("officer").id).as_str()
    );
    assert_eq!(
        trail(&db, "risk_assessment", &stored[0].id.to_string()).await,
        ["risk_assessment.record"]
    );

    let shown = b.get(&page).await;
    assert_eq!(shown.status, 200);
    let body = &shown.body;
    assert_eq!(body.matches("<g class=\"cell").count(), 25, "one matrix");
    assert_eq!(body.matches("class=\"cell chosen\"").count(), 1);
    assert!(body.contains(
        "class=\"cell chosen\" data-likelihood=\"4\" data-impact=\"4\" data-level=\"high\""
    ));
    assert!(body.contains(
        "class=\"cell suggested\" data-likelihood=\"4\" data-impact=\"2\" data-level=\"medium\""
    ));
    assert!(body.contains("role=\"img\" aria-labelledby=\"m-security-title m-security-desc\""));
    assert!(body.contains(
        "<title id=\"m-security-title\">Security risk: likelihood × impact matrix</title>"
    ));
    assert!(body.contains("data-level=\"high\">High</strong>"));
    assert!(body.contains("Hébergement au centre, numéro d&#39;urgence donné."));
    assert!(body.contains("The chosen cell differs from the suggestion."));
    assert!(
        body.contains("Agent Claudine Iradukunda"),
        "who assessed, by name"
    );
    // High: reassessed in 14 days, not overdue yet; one row of history; the other kind empty.
    assert!(!body.contains("class=\"error overdue\""));
    assert_eq!(body.matches("Not assessed yet.").count(), 1);
    assert!(body.contains("<td>Security risk</td>"));
    assert!(body.contains("Reassess</a>"));

    // A low reassessment needs no plan; the history is newest first.
    let low = b
        .post(
            &form,
            &[
                ("csrf", csrf.as_str()),
                ("kind", "security"),
                ("likelihood", "rare"),
                ("impact", "2"),
            ],
        )
        .await;
    assert_eq!(low.status, 303, "{}", low.body);
    let history = db.store.risk_history(case.id, person, 10).await.unwrap();
    assert_eq!(history.len(), 2);
    let shown = b.get(&page).await.body;
    let rows: Vec<&str> = shown
        .split("<tbody>")
        .nth(1)
        .unwrap()
        .split("</tbody>")
        .next()
        .unwrap()
        .split("<tr>")
        .skip(1)
        .collect();
    assert_eq!(rows.len(), 2);
    assert!(
        rows[0].contains("Low (2)") && rows[1].contains("High (16)"),
        "{rows:?}"
    );
    db.finish().await;
});

store_test!(risk_pages_out_of_reach_and_in_french, |db| async move {
    let app = start(&db).await;
    let officer = app.user("officer").clone();
    let (case, victim) = case_with_victim(&db, &app.reference, "officer").await;
    let (page, form) = paths(case.number, &victim.person.id.to_string());

    // A case of another agency: its victim's risk pages answer like a missing one.
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
    for c in &all {
        let full = db.store.case(c.id).await.unwrap();
        if full.organisation_id == officer.organisation_id {
            continue;
        }
        let persons = db.store.case_persons(c.id).await.unwrap();
        if let Some(v) = persons
            .iter()
            .find(|p| p.involvement.role() == tabara_core::records::PersonRole::Victim)
        {
            other = Some((c.number, v.person.id, c.id));
            break;
        }
    }
    let (number, person, other_id) = other.expect("a case of another agency with a victim");
    let mut b = signed_in(&app, "officer").await;
    if cases_of(&db, &app, "officer", 500)
        .await
        .iter()
        .all(|c| c.id != other_id)
    {
        let (their_page, their_form) = paths(number, &person.to_string());
        let missing = b
            .get("/cases/999999/persons/00000000-0000-0000-0000-000000000000/risk")
            .await;
        for path in [&their_page, &their_form] {
            let r = b.get(path).await;
            assert_eq!(r.status, 404, "{path}");
            assert_eq!(r.body, missing.body, "{path} looks like a missing page");
        }
        let csrf = b.csrf_of(&page).await;
        let before = assessments(&db, other_id, person).await;
        let posted = b
            .post(
                &their_form,
                &[
                    ("csrf", csrf.as_str()),
                    ("kind", "security"),
                    ("likelihood", "1"),
                    ("impact", "1"),
                ],
            )
            .await;
        assert_eq!(posted.status, 404);
        assert_eq!(assessments(&db, other_id, person).await, before);
    } else {
        panic!("the officer reaches every case of another agency: no 404 to check");
    }

    // In French: the form, its errors and the matrix's words.
    let csrf = b.csrf_of(&page).await;
    b.lang(&csrf, "fr", &page).await;
    let fr = b.get(&format!("{form}?kind=re_trafficking")).await;
    assert_eq!(fr.status, 200);
    assert!(fr.body.contains("Nouvelle évaluation des risques"));
    assert!(fr.body.contains("Risque de nouvelle traite"));
    assert!(fr.body.contains("Probabilité"));
    assert!(fr.body.contains("value=\"ret_debt\""));
    assert!(fr.body.contains("La victime ou sa famille est endettée."));
    let csrf = Browser::csrf(&fr.body);
    let refused = b
        .post(
            &form,
            &[
                ("csrf", csrf.as_str()),
                ("kind", "re_trafficking"),
                ("factor", "sec_debt"),
                ("likelihood", "5"),
                ("impact", "5"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains(
        "Un risque élevé ou critique exige un plan de sécurité convenu avec la personne."
    ));
    assert!(
        refused
            .body
            .contains("Un facteur coché relève de l&#39;autre type de risque.")
    );
    assert_eq!(assessments(&db, case.id, victim.person.id).await, 0);
    let fr_page = b.get(&page).await.body;
    assert!(fr_page.contains("Évaluation des risques"));
    assert!(fr_page.contains("Pas encore évalué."));

    // A suspect of the case is no victim: the page says so, the store refuses a post.
    let suspect = db
        .store
        .case_persons(case.id)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.involvement.role() != tabara_core::records::PersonRole::Victim);
    if let Some(s) = suspect {
        let (s_page, s_form) = paths(case.number, &s.person.id.to_string());
        let shown = b.get(&s_page).await;
        assert_eq!(shown.status, 200);
        assert!(
            shown
                .body
                .contains("Seule une victime du dossier est évaluée.")
        );
        let posted = b
            .post(
                &s_form,
                &[
                    ("csrf", csrf.as_str()),
                    ("kind", "security"),
                    ("likelihood", "1"),
                    ("impact", "1"),
                ],
            )
            .await;
        assert_eq!(posted.status, 422);
        assert!(posted.body.contains(
            "<p class=\"error\" role=\"alert\" id=\"err-risk_Person\">Seule une victime du dossier est évaluée.</p>"
        ));
        assert_eq!(assessments(&db, case.id, s.person.id).await, 0);
    }
    db.finish().await;
});
