//! The JSON API: tokens, problem documents, cases, screening and training.

use crate::common::*;

store_test!(
    json_api_with_tokens_problems_and_need_to_know,
    |db| async move {
        let app = start(&db).await;
        let get = |path: String, token: Option<String>| {
            let mut r = app.http.get(format!("{}{path}", app.base));
            if let Some(t) = token {
                r = r.bearer_auth(t);
            }
            async move {
                let r = r.send().await.unwrap();
                let status = r.status().as_u16();
                let ctype = r
                    .headers()
                    .get("content-type")
                    .map(|v| v.to_str().unwrap().to_string())
                    .unwrap_or_default();
                (
                    status,
                    ctype,
                    serde_json::from_str::<serde_json::Value>(&r.text().await.unwrap()).unwrap(),
                )
            }
        };
        // The OpenAPI document is public and lists the routes.
        let (status, _, doc) = get("/api/v1/openapi.json".into(), None).await;
        assert_eq!(status, 200);
        assert_eq!(doc["openapi"], "3.1.0");
        assert!(
            doc["paths"]["/cases"]["get"].is_object()
                && doc["paths"]["/cases/{reference}"]["get"].is_object()
        );

        // No token, or a wrong one: 401 problem.
        let (status, ctype, problem) = get("/api/v1/cases".into(), None).await;
        assert_eq!((status, ctype.as_str()), (401, "application/problem+json"));
        assert_eq!(problem["status"], 401);
        assert_eq!(
            get("/api/v1/cases".into(), Some("tbr_forged".into()))
                .await
                .0,
            401
        );

        let token = api_token(&db, "investigator").await;
        let (status, _, page) = get("/api/v1/cases?limit=5".into(), Some(token.clone())).await;
        assert_eq!(status, 200);
        let items = page["items"].as_array().unwrap();
        assert_eq!(items.len(), 5);
        let next = page["next"].as_i64().unwrap();
        let (_, _, page2) = get(
            format!("/api/v1/cases?limit=5&after={next}"),
            Some(token.clone()),
        )
        .await;
        assert!(page2["items"][0]["number"].as_i64().unwrap() < next);

        // Bad parameters name the parameter.
        let (status, _, problem) =
            get("/api/v1/cases?status=Open".into(), Some(token.clone())).await;
        assert_eq!(status, 400);
        assert!(problem["detail"].as_str().unwrap().starts_with("status:"));

        // A case of the investigator's agency, then one out of reach: 404 like a missing one.
        let number = items[0]["number"].as_i64().unwrap();
        let (status, _, doc) = get(format!("/api/v1/cases/{number}"), Some(token.clone())).await;
        assert_eq!(status, 200);
        assert_eq!(doc["case"]["number"], number);
        assert!(doc["persons"].as_array().is_some_and(|p| !p.is_empty()));
        assert!(
            !doc.to_string().contains("first_name"),
            "no identity in the API document"
        );
        let analyst = api_token(&db, "analyst").await;
        let (denied, _, _) = get(format!("/api/v1/cases/{number}"), Some(analyst.clone())).await;
        let (missing, _, _) = get("/api/v1/cases/999999".into(), Some(analyst)).await;
        assert_eq!((denied, missing), (404, 404));
        assert_eq!(get("/api/v1/nothing".into(), Some(token)).await.0, 404);
        db.finish().await;
    }
);

store_test!(screening_api_catalogue_evaluate_and_read, |db| async move {
    use tabara_core::ids::ScreeningId;
    let app = start(&db).await;
    let token = api_token(&db, "officer").await;
    let api = |path: &str| format!("{}/api/v1{path}", app.base);

    // A document read with the officer's token.
    let read = |path: String| {
        let request = app.http.get(api(&path)).bearer_auth(&token);
        async move {
            let text = request.send().await.unwrap().text().await.unwrap();
            serde_json::from_str::<serde_json::Value>(&text).unwrap()
        }
    };
    let anonymous = app
        .http
        .get(api("/screening/catalogue"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
    let catalogue: serde_json::Value = read("/screening/catalogue".to_string()).await;
    let indicators = catalogue["indicator"].as_array().unwrap();
    assert!(indicators.len() >= 45);
    assert!(
        indicators
            .iter()
            .any(|i| i["id"] == "d5_documents" && i["adult"] == "strong")
    );

    let evaluate = |body: String| {
        app.http
            .post(api("/screening/evaluate"))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let body = serde_json::json!({
        "answers": {"act_recruited": "yes", "d4_hours": "yes", "d4_pay": "yes"},
        "age": {"age": 14, "uncertain": false, "minority_signs": []},
        "movement": {"act": "yes", "exploitation": "yes", "child": "yes", "illegal_crossing": "no"}
    });
    let r = evaluate(body.to_string()).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let v: serde_json::Value = r
        .text()
        .await
        .map(|t| serde_json::from_str(&t).unwrap())
        .unwrap();
    assert_eq!(v["evaluation"]["outcome"], "presumed_child_victim");
    assert_eq!(v["distinction"]["verdict"], "trafficking_indicated");
    let bad = evaluate(serde_json::json!({"answers": {"d9_unknown": "yes"}}).to_string())
        .await
        .unwrap();
    assert_eq!(bad.status().as_u16(), 400);
    assert_eq!(
        bad.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    let bad_answer = evaluate(serde_json::json!({"answers": {"d4_hours": "maybe"}}).to_string())
        .await
        .unwrap();
    assert_eq!(bad_answer.status().as_u16(), 400);
    // The schema says object: an array is refused, not read field by field.
    let array = evaluate("[]".into()).await.unwrap();
    assert_eq!(array.status().as_u16(), 400);

    // A stored screening: readable within reach, 404 otherwise.
    let case = cases_of(&db, &app, "officer", 1).await.remove(0);
    let person = db.store.case_persons(case.id).await.unwrap()[0].person.id;
    let id = ScreeningId::new();
    let version = tabara_core::screening::Catalogue::embedded()
        .unwrap()
        .version
        .clone();
    db.store
        .create_screening(&Actor::system("test"), id, case.id, person, &version)
        .await
        .unwrap();
    let mine: serde_json::Value = read(format!("/screenings/{id}")).await;
    assert_eq!(mine["case"], case.reference);
    assert_eq!(mine["provisional"], true);
    let other = api_token(&db, "caseworker").await;
    let denied = app
        .http
        .get(api(&format!("/screenings/{id}")))
        .bearer_auth(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status().as_u16(), 404);
    db.finish().await;
});

store_test!(training_api_for_trainer_tokens, |db| async move {
    let app = start(&db).await;
    let (session, cert) = certified(
        &db,
        app.reference.organisations[0].id,
        "Session API",
        "Jean Hatungimana",
        tabara_core::htcds::Gender::Masculine,
    )
    .await;

    let token = api_token(&db, "trainer").await;
    let get = |path: String, token: String| {
        let http = app.http.clone();
        let url = format!("{}/api/v1{path}", app.base);
        async move {
            let r = http.get(url).bearer_auth(token).send().await.unwrap();
            let status = r.status().as_u16();
            let body = r.text().await.unwrap();
            (
                status,
                serde_json::from_str::<serde_json::Value>(&body).unwrap_or_default(),
            )
        }
    };
    let (status, list) = get("/training/sessions".into(), token.clone()).await;
    assert_eq!(status, 200);
    assert_eq!(list[0]["title"], "Session API");
    let (_, detail) = get(format!("/training/sessions/{}", session.id), token.clone()).await;
    assert_eq!(detail["days"], 1);
    assert_eq!(detail["participants"][0]["completed"], true);
    assert_eq!(detail["certificates"][0]["code"], cert.code);
    let (_, st) = get(
        format!("/training/certificates/{}", cert.code.to_lowercase()),
        token.clone(),
    )
    .await;
    assert_eq!(st["status"], "valid");
    let (bad, _) = get("/training/certificates/xyz".into(), token.clone()).await;
    assert_eq!(bad, 400);
    let (status, cur) = get("/training/curriculum".into(), token.clone()).await;
    assert_eq!(status, 200);
    assert!(cur["module"].as_array().unwrap().len() >= 8);
    assert_eq!(
        get("/training/materials".into(), token.clone()).await.0,
        200
    );
    let officer = api_token(&db, "officer").await;
    assert_eq!(get("/training/sessions".into(), officer).await.0, 404);
    db.finish().await;
});
