//! The child pathway as its users walk it: an officer registers a 15-year-old and the pathway
//! starts by itself, in child protection's box; the case cannot be closed until a
//! child-protection officer records the guardian and a best-interests assessment and signs it
//! off; an officer may not sign it off.

use crate::common::*;

store_test!(
    a_fifteen_year_old_starts_the_pathway_by_itself,
    |db| async move {
        let app = start(&db).await;
        let mut officer = signed_in(&app, "officer").await;
        let form = officer.get("/cases/new").await;
        let csrf = Browser::csrf(&form.body);
        let gatumba = app.office("Poste frontalier de Gatumba").to_string();
        let mut fields: Vec<(&str, &str)> = vec![("csrf", &csrf), ("office", &gatumba)];
        for (k, v) in CHILD_INTAKE {
            fields.push((k, if *k == "age" { "15" } else { v }));
        }
        let opened = officer.post("/cases/new", &fields).await;
        assert_eq!(opened.status, 303, "{}", opened.body);
        let number: i64 = opened
            .location
            .unwrap()
            .trim_start_matches("/cases/")
            .parse()
            .unwrap();
        let case = db.store.case_by_number(number).await.unwrap();
        let child = db.store.case_persons(case.id).await.unwrap()[0].person.id;
        let pathway = format!("/cases/{number}/persons/{child}/pathway");

        // The pathway is open, and the person's page links to it.
        let person = officer
            .get(&format!("/cases/{number}/persons/{child}"))
            .await;
        assert!(person.body.contains(&pathway), "{}", person.body);
        let page = officer.get(&pathway).await;
        assert_eq!(page.status, 200);
        assert!(
            page.body.contains("waits for child protection"),
            "{}",
            page.body
        );
        assert!(
            !page.body.contains("/pathway/sign-off"),
            "no sign-off for an officer"
        );

        // Child protection finds it in its box.
        let mut cp = signed_in(&app, "childprotection").await;
        let inbox = cp.get("/referrals?box=children").await;
        assert!(inbox.body.contains(&pathway), "{}", inbox.body);
        assert!(
            !officer
                .get("/referrals?box=children")
                .await
                .body
                .contains(&pathway)
        );

        // Closing the case now is refused, next to the status, and changes nothing.
        let edit = officer.get(&format!("/cases/{number}/edit")).await;
        let (action, mut f) = form_fields(&edit.body, &format!("/cases/{number}/edit"));
        set(&mut f, "status", "Closed");
        set(&mut f, "closed_on", "2026-02-01");
        set(&mut f, "closure_reason", "Remise à la famille");
        let refused = officer.post_fields(&action, &f).await;
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert!(
            refused.body.contains("closes only after child protection"),
            "{}",
            refused.body
        );

        // An officer records the guardian; signing off is child protection's alone.
        let (action, mut g) = form_fields(&page.body, &format!("{pathway}/guardian"));
        set(&mut g, "kind", "relative");
        set(&mut g, "name", "Oncle paternel");
        assert_eq!(officer.post_fields(&action, &g).await.status, 303);
        let page = officer.get(&pathway).await;
        let version = hidden(&page.body, "version");
        let csrf = Browser::csrf(&page.body);
        let by_officer = officer
            .post(
                &format!("{pathway}/sign-off"),
                &[("csrf", &csrf), ("version", &version)],
            )
            .await;
        assert_eq!(by_officer.status, 422);
        assert!(
            by_officer.body.contains("Only a child-protection officer"),
            "{}",
            by_officer.body
        );

        // Child protection: the assessment (an empty one refused), then the sign-off.
        let page = cp.get(&pathway).await;
        let (action, mut b) = form_fields(&page.body, &format!("{pathway}/best-interests"));
        set(&mut b, "solution", "family_reunification");
        let empty = cp.post_fields(&action, &b).await;
        assert_eq!(empty.status, 422);
        assert!(empty.body.contains("err-cp_BestInterests"));
        set(
            &mut b,
            "summary",
            "Famille visitée, non impliquée ; retour avec suivi mensuel.",
        );
        b.push(("views_heard".into(), "1".into()));
        assert_eq!(cp.post_fields(&action, &b).await.status, 303);
        let page = cp.get(&pathway).await;
        let (action, s) = form_fields(&page.body, &format!("{pathway}/sign-off"));
        assert_eq!(cp.post_fields(&action, &s).await.status, 303);
        let page = cp.get(&pathway).await;
        assert!(page.body.contains("Signed off on"), "{}", page.body);

        // Now the case closes.
        let edit = officer.get(&format!("/cases/{number}/edit")).await;
        let (action, mut f) = form_fields(&edit.body, &format!("/cases/{number}/edit"));
        set(&mut f, "status", "Closed");
        set(&mut f, "closed_on", "2026-02-01");
        set(&mut f, "closure_reason", "Remise à la famille");
        let closed = officer.post_fields(&action, &f).await;
        assert_eq!(closed.status, 303, "{}", closed.body);

        // In French.
        let csrf = cp.csrf_of("/").await;
        cp.lang(&csrf, "fr", "/").await;
        assert!(cp.get(&pathway).await.body.contains("Valid"), "French page");
        db.finish().await;
    }
);
