//! The screening interview in steps, its result and decision.

use crate::common::*;

/// A screening started from the page of a person: the page's token, the first step's address,
/// and the screening's.
struct Started {
    csrf: String,
    location: String,
    path: String,
}

/// Start a screening from the person page at `person_path`, which offers it.
async fn start_screening(b: &mut Browser<'_>, person_path: &str) -> Started {
    let page = b.get(person_path).await;
    assert!(page.body.contains("Start a screening"), "{}", page.body);
    let csrf = Browser::csrf(&page.body);
    let started = b
        .post(&format!("{person_path}/screenings"), &[("csrf", &csrf)])
        .await;
    assert_eq!(started.status, 303);
    let location = started.location.unwrap();
    let path = location.split('?').next().unwrap().to_string();
    Started {
        csrf,
        location,
        path,
    }
}

/// Save the screen at `step` with `answers`, first refused at the `stale` version it was read
/// at, then saved at the version it shows now.
async fn save_step_after_stale(
    b: &mut Browser<'_>,
    step: &str,
    csrf: &str,
    stale: &str,
    answers: &[(&str, &str)],
) -> Reply {
    let refused = b
        .post_versioned(step, csrf, stale, &[("a_d4_hours", "yes")])
        .await;
    assert_eq!(refused.status, 409);
    save_step(b, step, csrf, answers).await
}

/// Save the screen at `step` with `answers`, at the version it shows now.
async fn save_step(b: &mut Browser<'_>, step: &str, csrf: &str, answers: &[(&str, &str)]) -> Reply {
    let page = b.get(step).await;
    let v = hidden(&page.body, "version");
    b.post_versioned(step, csrf, &v, answers).await
}

/// Complete the screening at `path` from its review page: (the review, the answer).
async fn complete(b: &mut Browser<'_>, path: &str, csrf: &str) -> (Reply, Reply) {
    let review = b.get(&format!("{path}/review")).await;
    let v = hidden(&review.body, "version");
    let done = b
        .post_versioned(&format!("{path}/complete"), csrf, &v, &[])
        .await;
    (review, done)
}

store_test!(
    screening_interview_in_steps_then_decision,
    |db| async move {
        use tabara_core::ids::ScreeningId;
        let app = start(&db).await;
        let case = cases_of(&db, &app, "officer", 1).await.remove(0);
        let person = db.store.case_persons(case.id).await.unwrap()[0].person.id;
        let mut b = signed_in(&app, "officer").await;
        let person_path = format!("/cases/{}/persons/{person}", case.number);
        let Started {
            csrf,
            location,
            path,
        } = start_screening(&mut b, &person_path).await;
        assert!(location.ends_with("?step=age"), "{location}");
        let id: ScreeningId = path.trim_start_matches("/screenings/").parse().unwrap();

        // Step 1: an uncertain age with a sign of minority; saved as a draft and resumed.
        let step = b.get(&location).await;
        assert_eq!(step.status, 200);
        let v = hidden(&step.body, "version");
        let r = b
            .post_versioned(
                &format!("{path}?step=age"),
                &csrf,
                &v,
                &[
                    ("age", "19"),
                    ("age_uncertain", "1"),
                    ("sign_minor_looks_under_18", "1"),
                    ("go", "stay"),
                ],
            )
            .await;
        assert_eq!(r.status, 303);
        let resumed = b.get(r.location.as_deref().unwrap()).await;
        assert!(resumed.body.contains("Draft saved"));
        assert!(
            resumed
                .body
                .contains("name=\"sign_minor_looks_under_18\" value=\"1\" checked")
        );

        // Recruitment: one "yes", one skipped (stays not asked), one refused.
        let v = hidden(&resumed.body, "version");
        let r = b
            .post_versioned(
                &format!("{path}?step=recruitment"),
                &csrf,
                &v,
                &[
                    ("a_act_recruited", "yes"),
                    ("a_d1_job_nature", "not_asked"),
                    ("a_d2_threats", "refused"),
                    ("go", "next"),
                ],
            )
            .await;
        assert_eq!(
            r.location.as_deref(),
            Some(format!("{path}?step=recruitment-d2").as_str())
        );
        // A stale version is refused without losing what is stored.
        let r = save_step_after_stale(
            &mut b,
            &format!("{path}?step=exploitation"),
            &csrf,
            &v,
            &[
                ("a_d4_hours", "yes"),
                ("a_d4_pay", "yes"),
                ("a_d5_violence", "no"),
                ("go", "next"),
            ],
        )
        .await;
        assert_eq!(r.status, 303);
        let r = save_step(
            &mut b,
            &format!("{path}?step=facts"),
            &csrf,
            &[
                ("f_act", "yes"),
                ("f_exploitation", "yes"),
                ("f_child", "yes"),
                ("f_illegal_crossing", "no"),
                ("go", "complete"),
            ],
        )
        .await;
        assert_eq!(
            r.location.as_deref(),
            Some(format!("{path}/review").as_str())
        );
        let stored = db.store.screening(id).await.unwrap();
        assert!(
            !stored.answers.contains_key("d1_job_nature"),
            "skipped = not asked"
        );
        assert_eq!(
            stored.answers.get("d2_threats"),
            Some(&tabara_core::screening::Answer::Refused)
        );

        // Review (provisional), then completion: a presumed child, with reasons and next steps.
        let (review, done) = complete(&mut b, &path, &csrf).await;
        assert!(review.body.contains("id=\"provisional\""));
        assert_eq!(done.status, 303);
        let result = b.get(&path).await;
        assert!(
            result.body.contains("Presumed child victim of trafficking"),
            "{}",
            result.body
        );
        assert!(result.body.contains("Presumed a child"));
        assert!(result.body.contains("Refer the child to child protection"));
        assert!(result.body.contains("Trafficking indicated"));

        // Override without a reason is refused; with one it is recorded and audited.
        let v = hidden(&result.body, "version");
        for (reason, status) in [("", 422), ("School record shows she is 15", 303)] {
            let overridden = [
                ("decision", "override"),
                ("status", "ActualVictimOfTrafficking"),
                ("reason", reason),
            ];
            let r = b
                .post_versioned(&format!("{path}/decision"), &csrf, &v, &overridden)
                .await;
            assert_eq!(r.status, status, "reason {reason:?}");
        }
        let trail = trail(&db, "screening", &id.to_string()).await;
        assert_eq!(trail.last().map(String::as_str), Some("screening.override"));
        let person_page = b.get(&person_path).await;
        assert!(person_page.body.contains(&format!("/screenings/{id}")));
        assert!(person_page.body.contains("Actual victim of trafficking"));

        // French.
        let fr_csrf = Browser::csrf(&person_page.body);
        b.lang(&fr_csrf, "fr", "/").await;
        let fr = b.get(&path).await;
        assert!(
            fr.body.contains("Enfant victime présumé de la traite"),
            "{}",
            fr.body
        );

        // Out of reach: the same 404 as a missing screening.
        let mut other = signed_in(&app, "caseworker").await;
        let denied = other.get(&path).await;
        let missing = other
            .get(&format!("/screenings/{}", ScreeningId::new()))
            .await;
        assert_eq!((denied.status, missing.status), (404, 404));
        assert_eq!(denied.body, missing.body);
        db.finish().await;
    }
);

store_test!(
    screening_is_offered_and_started_for_possible_victims_only,
    |db| async move {
        use tabara_core::records::{Involvement, PersonIdentity};
        let app = start(&db).await;
        let (case, victim) = case_with_victim(&db, &app.reference, "officer").await;
        // A witness and a suspect in the same case.
        let mut others = Vec::new();
        for involvement in [
            Involvement::Witness,
            Involvement::Suspect(Default::default()),
        ] {
            let mut p = victim.person.clone();
            p.id = tabara_core::ids::PersonId::new();
            add_person(&db, case.id, &p, &PersonIdentity::default(), &involvement).await;
            others.push(p.id);
        }
        let mut b = signed_in(&app, "officer").await;
        let page = b
            .get(&format!(
                "/cases/{}/persons/{}",
                case.number, victim.person.id
            ))
            .await;
        assert!(page.body.contains("Start a screening"), "{}", page.body);
        let csrf = Browser::csrf(&page.body);
        for id in others {
            let path = format!("/cases/{}/persons/{id}", case.number);
            let page = b.get(&path).await;
            assert_eq!(page.status, 200);
            assert!(!page.body.contains("Start a screening"), "{path}");
            assert!(!page.body.contains(&format!("{path}/screenings")), "{path}");
            // Posting the form anyway is refused, in words, and nothing is created.
            let refused = b
                .post(&format!("{path}/screenings"), &[("csrf", &csrf)])
                .await;
            assert_eq!(refused.status, 422);
            assert!(
                refused
                    .body
                    .contains("Only a possible victim of the case is screened"),
                "{}",
                refused.body
            );
            assert!(db.store.person_screenings(id, 10).await.unwrap().is_empty());
        }
        // In French too.
        let french = b.lang(&csrf, "fr", "/").await;
        assert_eq!(french.status, 303);
        let path = format!("/cases/{}/persons/{}", case.number, victim.person.id);
        let fr = b.get(&path).await;
        let csrf = Browser::csrf(&fr.body);
        let witness = db
            .store
            .case_persons(case.id)
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.involvement.role() == tabara_core::records::PersonRole::Witness)
            .unwrap();
        let refused = b
            .post(
                &format!(
                    "/cases/{}/persons/{}/screenings",
                    case.number, witness.person.id
                ),
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(refused.status, 422);
        assert!(
            refused.body.contains(
                "Seule une victime possible du dossier fait l&#x27;objet d&#x27;un screening"
            ) || refused.body.contains(
                "Seule une victime possible du dossier fait l&#39;objet d&#39;un screening"
            ),
            "{}",
            refused.body
        );
        db.finish().await;
    }
);

store_test!(
    screening_in_short_screens_with_the_age_carried_over_and_a_linked_result,
    |db| async move {
        let app = start(&db).await;
        let (case, victim) = case_with_victim(&db, &app.reference, "officer").await;
        // Registered with an estimated age of 19: presumed a child by the one rule.
        let mut person = victim.person.clone();
        person.facts.age_at_registration = Some(19);
        person.facts.age_uncertain = true;
        db.store
            .update_person(&Actor::system("test"), &person)
            .await
            .unwrap();
        let mut b = signed_in(&app, "officer").await;
        let person_path = format!("/cases/{}/persons/{}", case.number, person.id);
        let Started {
            csrf,
            location,
            path,
        } = start_screening(&mut b, &person_path).await;

        // The age step shows the age recorded at registration, and that it is an estimate.
        let age = b.get(&location).await;
        assert!(
            age.body
                .contains("id=\"age\" name=\"age\" inputmode=\"numeric\" value=\"19\"")
        );
        assert!(
            age.body
                .contains("name=\"age_uncertain\" value=\"1\" checked")
        );
        assert!(age.body.contains("Carried over from the registration"));
        // The step bar: the age is done (an age is recorded) and current; the rest to do, in
        // words as well as signs.
        assert!(age.body.contains("aria-current=\"step\""));
        assert!(age.body.contains("(current step; done)"), "{}", age.body);
        assert!(
            age.body
                .contains("2. D1 <span class=\"visually-hidden\">(to do)</span>")
        );

        // Short screens by dimension, each dimension explained in one line.
        let d1 = b.get(&format!("{path}?step=recruitment-d1")).await;
        assert_eq!(d1.status, 200);
        assert!(d1.body.contains("Lies told to get the person to come"));
        assert!(d1.body.contains("What happened: someone recruited"));
        assert!(d1.body.contains("name=\"a_act_recruited\""));
        assert!(d1.body.contains("name=\"a_d1_job_nature\""));
        assert!(!d1.body.contains("name=\"a_d2_violence\""));
        assert_eq!(d1.body.matches("class=\"question\"").count(), 7);
        let d5 = b.get(&format!("{path}?step=exploitation-d5-2")).await;
        assert!(d5.body.contains("D5 Coercion at destination (2/2)"));
        assert!(d5.body.matches("class=\"question\"").count() <= 8);
        // A phase name opens its first screen (old addresses keep working).
        let old = b.get(&format!("{path}?step=exploitation")).await;
        assert!(
            old.body.contains("action=\"/screenings/")
                && old.body.contains("?step=exploitation-d4\"")
        );

        // Answer every question of the first screen: it is marked done; one answer on the next
        // screen marks it partly done.
        let v = hidden(&d1.body, "version");
        let mut form: Vec<(String, String)> = vec![
            ("csrf".into(), csrf.clone()),
            ("version".into(), v),
            ("go".into(), "next".into()),
        ];
        for id in [
            "act_recruited",
            "d1_job_nature",
            "d1_wages",
            "d1_conditions",
            "d1_papers",
            "d1_marriage_adoption",
            "d1_education",
        ] {
            form.push((
                format!("a_{id}"),
                if id == "act_recruited" { "yes" } else { "no" }.into(),
            ));
        }
        let r = b
            .post_fields(&format!("{path}?step=recruitment-d1"), &form)
            .await;
        assert_eq!(
            r.location.as_deref(),
            Some(format!("{path}?step=recruitment-d2").as_str())
        );
        let d2 = b.get(r.location.as_deref().unwrap()).await;
        assert!(
            d2.body
                .contains("2. D1 <span class=\"visually-hidden\">(done)</span>"),
            "{}",
            d2.body
        );
        let v = hidden(&d2.body, "version");
        b.post_versioned(
            &format!("{path}?step=recruitment-d2"),
            &csrf,
            &v,
            &[("a_d2_debt", "dont_know"), ("go", "stay")],
        )
        .await;
        let d2 = b.get(&format!("{path}?step=recruitment-d2")).await;
        assert!(
            d2.body.contains("(current step; 1 of 7 answered)"),
            "{}",
            d2.body
        );
        // Drafts stay version-checked.
        let r = save_step_after_stale(
            &mut b,
            &format!("{path}?step=exploitation-d4"),
            &csrf,
            &v,
            &[
                ("a_d4_hours", "yes"),
                ("a_d4_pay", "yes"),
                ("go", "complete"),
            ],
        )
        .await;
        assert_eq!(
            r.location.as_deref(),
            Some(format!("{path}/review").as_str())
        );
        complete(&mut b, &path, &csrf).await;

        // The result: a presumed child (estimated age), the confirmation says the same thing,
        // and the next steps link to where they are done.
        let result = b.get(&path).await;
        assert!(result.body.contains("Presumed child victim of trafficking"));
        assert!(result.body.contains("the age (19) is an estimate"));
        assert!(
            result.body.contains(
                "Confirm: Presumed child victim of trafficking — recorded as the HTCDS status “Possible victim of trafficking”"
            ),
            "{}",
            result.body
        );
        let case_path = format!("/cases/{}", case.number);
        assert!(result.body.contains(&format!(
            "<a href=\"{case_path}#share_organisation\">Refer the child to child protection"
        )));
        assert!(
            result
                .body
                .contains(&format!("<a href=\"{person_path}/edit\">Verify the age"))
        );
        assert!(
            result.body.contains("<li>Refer to assistance"),
            "referral does not exist yet: no link"
        );
        // Confirmed: who and when are shown.
        let v = hidden(&result.body, "version");
        let decided = b
            .post_versioned(
                &format!("{path}/decision"),
                &csrf,
                &v,
                &[("decision", "confirm")],
            )
            .await;
        assert_eq!(decided.status, 303);
        let result = b.get(&path).await;
        let officer = app.user("officer");
        assert!(
            result
                .body
                .contains(&format!("Decided by {} on ", officer.display_name)),
            "{}",
            result.body
        );
        assert!(result.body.contains(" UTC</p>"));
        db.finish().await;
    }
);
