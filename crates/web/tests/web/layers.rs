//! What every answer carries (headers, caching, compression, languages) and how broken input is answered.

use crate::common::*;

store_test!(language_switch_and_page_weight, |db| async move {
    let app = start(&db).await;
    let mut b = signed_in(&app, "supervisor").await;
    let home = b.get("/").await;
    let csrf = Browser::csrf(&home.body);
    let r = b.lang(&csrf, "fr", "/cases").await;
    assert_eq!((r.status, r.location.as_deref()), (303, Some("/cases")));
    let list = b.get("/cases").await;
    assert!(
        list.body.contains("<html lang=\"fr\">") && list.body.contains(">Dossiers<"),
        "page not in French"
    );
    let rn = b.lang(&csrf, "rn", "/").await;
    assert_eq!(rn.status, 303);
    let home = b.get("/").await;
    assert!(home.body.contains("Amadosiye"), "Kirundi navigation");
    // A forged language switch is refused.
    assert_eq!(
        b.post("/lang", &[("lang", "en"), ("csrf", "forged")])
            .await
            .status,
        403
    );

    // Pages stay light: the list compressed stays far under 60 KB.
    let r = app
        .http
        .get(format!("{}/cases", app.base))
        .header("cookie", b.cookie_header())
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers().get("content-encoding").unwrap(), "gzip");
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.len() < 60 * 1024, "{} bytes", bytes.len());
    db.finish().await;
});

store_test!(authenticated_answers_are_never_cached, |db| async move {
    let app = start(&db).await;
    let mut b = signed_in(&app, "supervisor").await;
    let case = cases_of(&db, &app, "supervisor", 1).await.remove(0);
    let token = api_token(&db, "supervisor").await;
    let mut replies = Vec::new();
    for path in ["/", "/cases", &format!("/cases/{}", case.number)] {
        replies.push((path.to_string(), b.get(path).await.headers));
    }
    let api = app
        .http
        .get(format!("{}/api/v1/cases", app.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    replies.push(("/api/v1/cases".into(), api.headers().clone()));
    let mut t = signed_in(&app, "trainer").await;
    let csv = t.get("/training/reports/by-sex").await;
    replies.push(("/training/reports/by-sex".into(), csv.headers));
    for (path, headers) in &replies {
        assert_eq!(
            headers.get("cache-control").map(|v| v.to_str().unwrap()),
            Some("no-store"),
            "{path}"
        );
        assert!(headers.contains_key("x-request-id"), "{path}");
    }
    // The stylesheet holds no data and stays cacheable.
    let css = b.get("/static/tabara.css").await;
    assert_eq!(css.headers["cache-control"], "public, max-age=86400");
    db.finish().await;
});

store_test!(
    broken_cursors_and_huge_numbers_answer_cleanly,
    |db| async move {
        let app = start(&db).await;
        let mut t = signed_in(&app, "trainer").await;
        let unknown = uuid::Uuid::now_v7();
        for path in [
            format!("/training?after={unknown}"),
            "/training?after=not-an-id".to_string(),
        ] {
            let r = t.get(&path).await;
            assert_eq!(r.status, 400, "{path}: {}", r.body);
            assert!(r.body.contains("Request not understood"), "{path}");
        }
        assert_eq!(t.get("/training").await.status, 200);

        let token = api_token(&db, "trainer").await;
        let api = |path: String| {
            let req = app
                .http
                .get(format!("{}{path}", app.base))
                .bearer_auth(&token);
            async move {
                let r = req.send().await.unwrap();
                let status = r.status().as_u16();
                let kind = r.headers()["content-type"].to_str().unwrap().to_string();
                let body: serde_json::Value =
                    serde_json::from_str(&r.text().await.unwrap()).unwrap();
                (status, kind, body)
            }
        };
        for path in [
            format!("/api/v1/training/sessions?after={unknown}"),
            "/api/v1/cases?after=abc".to_string(),
            "/api/v1/cases?limit=9223372036854775808".to_string(),
        ] {
            let (status, kind, body) = api(path.clone()).await;
            assert_eq!(status, 400, "{path}: {body}");
            assert_eq!(kind, "application/problem+json", "{path}");
            assert_eq!(body["status"], 400, "{path}");
        }
        // Errors raised before any handler (a method not allowed) are problem documents too.
        let r = app
            .http
            .post(format!("{}/api/v1/cases", app.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 405);
        assert_eq!(r.headers()["content-type"], "application/problem+json");

        // Quantities are bounded: nothing overflows, and the reports keep working.
        let page = t.get("/training/materials").await;
        let csrf = Browser::csrf(&page.body);
        let created = t
            .post(
                "/training/materials/items",
                &[
                    ("csrf", &csrf),
                    ("kind", "flyer"),
                    ("title", "Ntimugurishwe"),
                    ("language", "rn"),
                ],
            )
            .await;
        assert_eq!(created.status, 303);
        let item = db.store.materials().await.unwrap()[0].id.to_string();
        let store = app.reference.offices[0].id.to_string();
        let to = app.reference.offices[1].id.to_string();
        for (path, quantity) in [
            ("/training/materials/receive", "9223372036854775807"),
            ("/training/materials/receive", "1000001"),
            ("/training/materials/distribute", "4611686018427387904"),
        ] {
            let r = t
                .post(
                    path,
                    &[
                        ("csrf", &csrf),
                        ("item", &item),
                        ("store", &store),
                        ("to", &to),
                        ("quantity", quantity),
                        ("on", "2026-03-01"),
                    ],
                )
                .await;
            assert_eq!(r.status, 422, "{path} {quantity}: {}", r.body);
        }
        assert!(db.store.material_stock().await.unwrap().is_empty());
        let dated = t
            .post(
                "/training/materials/receive",
                &[
                    ("csrf", &csrf),
                    ("item", &item),
                    ("store", &store),
                    ("quantity", "5"),
                    ("on", "9999-12-31"),
                ],
            )
            .await;
        assert_eq!(dated.status, 422);
        assert!(dated.body.contains("between 1 January 1990 and today"));
        assert_eq!(t.get("/training/reports").await.status, 200);
        assert_eq!(t.get("/training/materials").await.status, 200);
        db.finish().await;
    }
);

store_test!(
    control_characters_bad_dates_and_unknown_values_are_refused,
    |db| async move {
        let app = start(&db).await;
        let mut b = signed_in(&app, "officer").await;
        let form_page = b.get("/cases/new").await;
        let csrf = Browser::csrf(&form_page.body);
        let office = app.reference.users[0].office_id.unwrap().to_string();
        let before = db.store.stats().await.unwrap();
        let fields = |name: &'static str, opened: &'static str, status: &'static str| {
            vec![
                ("csrf", csrf.clone()),
                ("opened_on", opened.to_string()),
                ("office", office.clone()),
                ("first_name", name.to_string()),
                ("second_name", "Ndayishimiye".to_string()),
                ("gender", "Masculine".to_string()),
                ("exploitation", "ForcedLabour".to_string()),
                ("trafficking_status", status.to_string()),
            ]
        };
        let escape = b
            .post_fields("/cases/new", &fields("Jean\u{1b}[2J", "2026-11-01", ""))
            .await;
        assert_eq!(escape.status, 422, "{}", escape.body);
        assert!(escape.body.contains("id=\"err-prs_FirstName\""));
        assert!(escape.body.contains("control character"));
        // Each error is tied to its input, for screen readers.
        for id in escape.body.split("id=\"err-").skip(1) {
            let id = id.split('"').next().unwrap();
            assert!(
                escape
                    .body
                    .contains(&format!("aria-describedby=\"err-{id}\"")),
                "err-{id} is described by no input"
            );
        }
        let nul = b
            .post_fields("/cases/new", &fields("Jean\u{0}", "2026-11-01", ""))
            .await;
        assert_eq!(nul.status, 422);
        let old = b
            .post_fields("/cases/new", &fields("Jean", "0201-11-01", ""))
            .await;
        assert_eq!(old.status, 422);
        assert!(old.body.contains("id=\"err-cas_OpenedOn\""));
        let unknown = b
            .post_fields("/cases/new", &fields("Jean", "2026-11-01", "SomethingElse"))
            .await;
        assert_eq!(unknown.status, 422);
        assert!(unknown.body.contains("id=\"err-vic_TraffickingStatus\""));
        assert_eq!(
            db.store.stats().await.unwrap().cases,
            before.cases,
            "nothing stored"
        );
        let ok = b
            .post_fields(
                "/cases/new",
                &fields("Jean", "2026-11-01", "PossibleVictimOfTrafficking"),
            )
            .await;
        assert_eq!(ok.status, 303, "{}", ok.body);
        let case_path = ok.location.unwrap();

        // Comments keep their line breaks and refuse the rest.
        let page = b.get(&case_path).await;
        let csrf = Browser::csrf(&page.body);
        let bell = comment(&mut b, &csrf, &case_path, "Seen at the border\u{7}").await;
        assert_eq!(bell.status, 422);
        let lines = comment(
            &mut b,
            &csrf,
            &case_path,
            "Seen at the border.\r\nTaken to the shelter.",
        )
        .await;
        assert_eq!(lines.status, 303);

        // An unknown filter value is said, not silently ignored.
        let listed = b.get("/cases?status=Nonsense").await;
        assert_eq!(listed.status, 200);
        assert!(
            listed.body.contains("not one of the list"),
            "{}",
            listed.body
        );
        db.finish().await;
    }
);
