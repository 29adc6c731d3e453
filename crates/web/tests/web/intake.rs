//! Opening a case through the intake form.

use crate::common::*;

store_test!(
    opening_a_case_with_an_invalid_then_a_valid_form,
    |db| async move {
        let app = start(&db).await;
        let mut b = signed_in(&app, "officer").await;
        let form_page = b.get("/cases/new").await;
        assert_eq!(form_page.status, 200);
        let csrf = Browser::csrf(&form_page.body);
        let office = app.reference.users[0].office_id.unwrap().to_string();
        let before = db.store.stats().await.unwrap();

        let mut fields = vec![
            ("csrf", csrf.as_str()),
            ("opened_on", "2026-11-01"),
            ("office", office.as_str()),
            ("first_name", "Évariste"),
            ("second_name", "Ndayishimiye"),
            ("birthdate", "2031-01-01"),
            ("gender", "Masculine"),
            ("citizenship", "BI, XZ"),
            ("exploitation", ""),
            ("trafficking_status", "PossibleVictimOfTrafficking"),
        ];
        let bad = b.post("/cases/new", &fields).await;
        assert_eq!(bad.status, 422);
        for id in [
            "err-prs_Birthdate",
            "err-prs_Citizenship",
            "err-vic_TypeOfExploitation",
        ] {
            assert!(bad.body.contains(&format!("id=\"{id}\"")), "{id} missing");
        }
        assert!(bad.body.contains("This date is in the future."));
        assert!(
            bad.body.contains("value=\"Évariste\"") && bad.body.contains("value=\"BI, XZ\""),
            "typed values kept"
        );
        assert_eq!(
            db.store.stats().await.unwrap().cases,
            before.cases,
            "nothing written"
        );

        fields[5] = ("birthdate", "2001-03-14");
        fields[7] = ("citizenship", "BI");
        fields[8] = ("exploitation", "ForcedLabour");
        let good = b.post("/cases/new", &fields).await;
        assert_eq!(good.status, 303, "{}", good.body);
        let location = good.location.unwrap();
        let number: i64 = location.trim_start_matches("/cases/").parse().unwrap();
        let case = db.store.case_by_number(number).await.unwrap();
        assert_eq!(case.owner_id, Some(app.reference.users[0].id));
        let persons = db.store.case_persons(case.id).await.unwrap();
        assert_eq!(persons.len(), 1);
        let (identity, _) = db
            .store
            .read_identity(&Actor::system("test"), persons[0].person.id)
            .await
            .unwrap();
        assert_eq!(identity.display_name(), "Évariste Ndayishimiye");
        let page = b.get(&location).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Forced labour"));
        let trail = db
            .store
            .audit_trail("case", &case.id.to_string())
            .await
            .unwrap();
        assert_eq!(trail[0].action, "case.create");
        assert_eq!(
            trail[0].actor,
            Actor::user(app.reference.users[0].id).as_str()
        );

        // A forged form is refused; roles that do not record intake do not get the form.
        fields[0] = ("csrf", "forged");
        assert_eq!(b.post("/cases/new", &fields).await.status, 403);
        let mut analyst = signed_in(&app, "analyst").await;
        assert_eq!(analyst.get("/cases/new").await.status, 404);
        assert!(!analyst.get("/").await.body.contains("/cases/new"));
        db.finish().await;
    }
);

/// A form for a new case, opened at `office` (empty: no office field).
fn intake_fields<'a>(csrf: &'a str, office: &'a str) -> Vec<(&'a str, &'a str)> {
    [&[("csrf", csrf), ("office", office)], CHILD_INTAKE].concat()
}

store_test!(
    every_role_that_may_open_a_case_opens_one_through_the_form,
    |db| async move {
        use tabara_core::permissions::{Action, decide};
        let app = start(&db).await;
        let mut opened = 0;
        for u in &app.reference.users {
            if !decide(u.role, Action::CreateCase, None).allowed() {
                continue;
            }
            let mut b = signed_in(&app, &u.username).await;
            let form = b.get("/cases/new").await;
            assert_eq!(form.status, 200, "{}", u.username);
            let csrf = Browser::csrf(&form.body);
            let agency_offices: Vec<String> = app
                .reference
                .offices
                .iter()
                .filter(|o| o.organisation_id == u.organisation_id)
                .map(|o| o.id.to_string())
                .collect();
            // The user's own office when it is the agency's, else the agency's first, else none.
            let office = u
                .office_id
                .map(|o| o.to_string())
                .filter(|o| agency_offices.contains(o))
                .or_else(|| agency_offices.first().cloned())
                .unwrap_or_default();
            if office.is_empty() {
                assert!(form.body.contains("id=\"no-office\""), "{}", u.username);
                assert!(!form.body.contains("name=\"office\""), "{}", u.username);
            } else {
                assert!(
                    form.body.contains(&format!("<option value=\"{office}\"")),
                    "{} is offered their agency's office",
                    u.username
                );
                // An agency with offices names the one that opens the case.
                let none = b.post("/cases/new", &intake_fields(&csrf, "")).await;
                assert_eq!(none.status, 422, "{}", u.username);
                assert!(
                    none.body.contains("id=\"err-cas_Office\""),
                    "{}",
                    u.username
                );
            }
            let r = b.post("/cases/new", &intake_fields(&csrf, &office)).await;
            assert_eq!(r.status, 303, "{}: {}", u.username, r.body);
            let number: i64 = r
                .location
                .unwrap()
                .trim_start_matches("/cases/")
                .parse()
                .unwrap();
            let case = db.store.case_by_number(number).await.unwrap();
            assert_eq!(case.organisation_id, u.organisation_id, "{}", u.username);
            assert_eq!(case.owner_id, Some(u.id), "{}", u.username);
            assert_eq!(
                case.office_id.map(|o| o.to_string()).unwrap_or_default(),
                office,
                "{}",
                u.username
            );
            // The one who opened it reads it.
            assert_eq!(
                b.get(&format!("/cases/{number}")).await.status,
                200,
                "{}",
                u.username
            );
            opened += 1;
        }
        assert_eq!(
            opened, 5,
            "officer, investigator, caseworker, child protection, the shelter's caseworker"
        );
        // Another agency's office is refused, even for an agency without offices.
        let mut cp = signed_in(&app, "childprotection").await;
        let csrf = cp.csrf_of("/cases/new").await;
        let foreign = app.reference.offices[0].id.to_string();
        let r = cp.post("/cases/new", &intake_fields(&csrf, &foreign)).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("id=\"err-cas_Office\""));
        db.finish().await;
    }
);
