//! The machine-readable zone check as an officer uses it: pasted on the page, read field by
//! field with each check digit, a misread character marked where it is with the repair the
//! check digits prove, in English and French; the same through the API.

use crate::common::*;

const TD3: &str =
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";

async fn post_zone(b: &mut Browser<'_>, zone: &str, specimen: bool) -> Reply {
    let page = b.get("/documents/check").await;
    assert_eq!(page.status, 200);
    let csrf = Browser::csrf(&page.body);
    let mut fields = vec![("csrf", csrf.as_str()), ("zone", zone)];
    if specimen {
        fields.push(("specimen", "on"));
    }
    b.post("/documents/check", &fields).await
}

store_test!(
    an_officer_checks_a_zone_on_the_page_and_through_the_api,
    |db| async move {
        let app = start(&db).await;
        let mut b = browser(&app);
        assert_eq!(b.sign_in("officer", DEMO_PASSWORD).await.status, 303);
        let home = b.get("/").await.body;
        assert!(
            home.contains("href=\"/documents/check\""),
            "linked from every page"
        );

        // Valid: the fields laid out, every check digit agrees, the limits said.
        let r = post_zone(&mut b, TD3, true).await;
        assert_eq!(r.status, 200, "{}", r.body);
        for want in [
            "TD3 passport (2 lines of 44)",
            "Valid: every check digit and every rule holds.",
            "ERIKSSON",
            "ANNA MARIA",
            "1974-08-12 (740812)",
            "✓ document number check digit: 6, agrees",
            "✓ composite check digit: 0, agrees",
            "Expired on 2012-04-15.",
            "does not make the document genuine",
        ] {
            assert!(r.body.contains(want), "{want}");
        }
        assert!(
            r.body.contains("P&#60;UTOERIKSSON&#60;&#60;ANNA"),
            "the zone shown, escaped: {}",
            r.body
        );

        // The OCR read the birth date's 0 as an O: marked at its place, the repair proven.
        let misread = TD3.replace("7408122", "74O8122");
        let r = post_zone(&mut b, &misread, true).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("Not valid: 3 problems."));
        assert!(
            r.body
                .contains("<span class=\"bad\" title=\"line 2, position 16: 74O812 is not a date"),
            "the character marked where it is"
        );
        assert!(r.body.contains(
            "line 2, position 16: O may be 0 (proven by the date of birth check digit, composite check digit)"
        ));
        // Nothing applied: the value read stays as printed.
        assert!(
            r.body.contains("<td class=\"mrz\">74O812</td>"),
            "{}",
            r.body
        );

        // Outside training the specimen state is refused; no zone at all is said so.
        let r = post_zone(&mut b, TD3, false).await;
        assert_eq!(r.status, 422);
        assert!(
            r.body
                .contains("Issuing state UTO is ICAO&#39;s specimen state"),
            "{}",
            r.body
        );
        let r = post_zone(&mut b, "P<UTOERIKSSON", false).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("Not a machine-readable zone."));
        let r = post_zone(&mut b, "   ", false).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("Type or paste the zone"));

        // In French.
        let page = b.get("/documents/check").await.body;
        b.post(
            "/lang",
            &[
                ("lang", "fr"),
                ("back", "/documents/check"),
                ("csrf", &Browser::csrf(&page)),
            ],
        )
        .await;
        let r = post_zone(&mut b, &misread, true).await;
        assert!(r.body.contains("Passeport TD3 (2 lignes de 44)"));
        assert!(
            r.body
                .contains("chiffre de contrôle de la date de naissance : 6 attendu, 2 trouvé.")
        );

        // The API: the same reading as JSON; no zone at all is a 422 problem.
        let token = api_token(&db, "officer").await;
        let call = |body: String, token: Option<&str>| {
            let mut req = app
                .http
                .post(format!("{}/api/v1/mrz/check", app.base))
                .header("content-type", "application/json")
                .body(body);
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            async move {
                let r = req.send().await.unwrap();
                let status = r.status().as_u16();
                (status, r.text().await.unwrap())
            }
        };
        let (status, body) = call(
            serde_json::json!({"zone": misread, "specimen": true, "lang": "fr"}).to_string(),
            Some(&token),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["format"], "TD3");
        assert_eq!(v["valid"], false);
        assert_eq!(v["fields"]["birth_date"]["raw"], "74O812");
        assert_eq!(v["suggestions"][0]["replacement"], "0");
        assert_eq!(v["suggestions"][0]["proven_by"][0], "BirthDate");
        assert!(
            v["problems"][1]["text"]
                .as_str()
                .unwrap()
                .starts_with("ligne 2, position 20 :")
        );
        let (status, body) = call(
            serde_json::json!({"zone": "P<UTO"}).to_string(),
            Some(&token),
        )
        .await;
        assert_eq!(status, 422, "{body}");
        assert!(body.contains("/problems/not-an-mrz"));
        let (status, _) = call(
            serde_json::json!({"zone": TD3, "today": "2026-01-01"}).to_string(),
            Some(&token),
        )
        .await;
        assert_eq!(status, 400, "an unknown field is refused");
        let (status, _) = call(serde_json::json!({"zone": TD3}).to_string(), None).await;
        assert_eq!(status, 401);
        db.finish().await;
    }
);

store_test!(
    a_zone_that_disagrees_with_the_persons_record_is_questioned,
    |db| async move {
        let app = start(&db).await;
        let (case, victim) = case_with_victim(&db, &app.reference, "officer").await;
        let system = tabara_store::Actor::system("test");
        let (identity, _) = db
            .store
            .read_identity(&system, victim.person.id)
            .await
            .unwrap();
        // The holder's names, but a birth date a year off and another nationality.
        let birth = identity
            .birthdate
            .expect("the demo's victims have a birth date");
        let wrong = birth - chrono::Duration::days(365);
        let doc = tabara_core::mrz::Document {
            format: tabara_core::mrz::Format::Td3,
            document_code: "P".into(),
            issuing_state: "TZA".into(),
            primary_identifier: identity.second_name.clone().unwrap_or_default(),
            secondary_identifier: identity.first_name.clone().unwrap_or_default(),
            document_number: "TZ0012345".into(),
            nationality: "TZA".into(),
            birth_date: wrong.format("%y%m%d").to_string(),
            sex: tabara_core::mrz::Sex::Unspecified,
            expiry_date: "301231".into(),
            optional_data_1: String::new(),
            optional_data_2: String::new(),
        };
        let zone = tabara_core::mrz::compose(&doc).unwrap().join("\n");

        let mut b = browser(&app);
        assert_eq!(b.sign_in("officer", DEMO_PASSWORD).await.status, 303);
        let person = format!("/cases/{}/persons/{}", case.number, victim.person.id);
        let page = b.get(&person).await;
        assert!(
            page.body.contains("id=\"document-compare\""),
            "offered where the identity is read"
        );
        let reads = |db: &tabara_store::testing::TestDb| {
            let store = db.store.clone();
            let id = victim.person.id.to_string();
            async move {
                store
                    .audit_trail("person", &id)
                    .await
                    .unwrap()
                    .iter()
                    .filter(|e| e.action == "person_identity.read")
                    .count()
            }
        };
        let before = reads(&db).await;
        let r = b
            .post(
                &format!("{person}/documents/compare"),
                &[
                    ("csrf", Browser::csrf(&page.body).as_str()),
                    ("zone", zone.as_str()),
                ],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(
            r.body
                .contains("class=\"finding differs\">The date of birth differs:"),
            "{}",
            r.body
        );
        assert!(
            r.body
                .contains(&format!("{wrong} in the zone, {birth} in the record"))
        );
        assert!(
            r.body
                .contains("class=\"finding differs\">The nationality TZA is not a citizenship")
        );
        assert!(
            r.body.contains("class=\"finding agrees\">The names agree.")
                || r.body
                    .contains("class=\"finding normalised\">The names agree once"),
            "{}",
            r.body
        );
        assert!(r.body.contains("points to question with the holder."));
        assert_eq!(reads(&db).await, before + 1, "the identity read is audited");
        db.finish().await;
    }
);

store_test!(
    a_document_on_the_lost_and_stolen_list_is_flagged_and_the_hit_audited,
    |db| async move {
        let app = start(&db).await;
        let today = chrono::Utc::now().date_naive();
        let entry = tabara_core::documents::LostEntry::parse(
            "BDI",
            "OP0012345",
            "stolen",
            "2026-03-01",
            "PAFE Bujumbura",
            today,
        )
        .unwrap();
        db.store
            .import_lost_documents(&tabara_store::Actor::system("test"), &[entry])
            .await
            .unwrap();
        let zone = "P<BDINDAYISENGA<<ALINE<<<<<<<<<<<<<<<<<<<<<<\nOP00123456BDI9001011F3001019<<<<<<<<<<<<<<<4";
        let mut b = browser(&app);
        assert_eq!(b.sign_in("officer", DEMO_PASSWORD).await.status, 303);
        let r = post_zone(&mut b, zone, false).await;
        assert_eq!(r.status, 200, "valid, and on the list: {}", r.body);
        assert!(r.body.contains(
            "ON THE LOST, STOLEN AND FRAUDULENT DOCUMENTS LIST: BDI OP0012345, Stolen, reported on 2026-03-01 (PAFE Bujumbura). Keep the document and call a supervisor."
        ), "{}", r.body);
        let listed = db
            .store
            .lost_document("BDI", "OP0012345")
            .await
            .unwrap()
            .unwrap();
        let trail = db
            .store
            .audit_trail("lost_document", &listed.id.to_string())
            .await
            .unwrap();
        let officer = tabara_store::Actor::user(app.user("officer").id)
            .as_str()
            .to_string();
        assert_eq!(
            trail
                .iter()
                .map(|e| (e.action.as_str(), e.actor.as_str()))
                .collect::<Vec<_>>(),
            [("lost_document.hit", officer.as_str())]
        );
        // Another document is not flagged, and nothing is audited for it.
        let r = post_zone(&mut b, TD3, true).await;
        assert!(!r.body.contains("id=\"lost\""));
        // The API says the same.
        let token = api_token(&db, "officer").await;
        let r = app
            .http
            .post(format!("{}/api/v1/mrz/check", app.base))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(serde_json::json!({"zone": zone}).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let v: serde_json::Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
        assert_eq!(v["lost"]["reason"], "stolen");
        assert_eq!(v["lost"]["reported_on"], "2026-03-01");
        let trail = db
            .store
            .audit_trail("lost_document", &listed.id.to_string())
            .await
            .unwrap();
        assert_eq!(trail.len(), 2);
        // The list itself, for who checks documents; linked from the check page.
        let page = b.get("/documents/check").await.body;
        assert!(page.contains("id=\"lost-list-link\""));
        let list = b.get("/documents/lost").await;
        assert_eq!(list.status, 200);
        assert!(
            list.body.contains(
                "<td class=\"mrz\">OP0012345</td><td>Stolen</td><td>2026-03-01</td><td>PAFE Bujumbura</td>"
            ),
            "{}",
            list.body
        );
        let mut trainer = browser(&app);
        assert_eq!(trainer.sign_in("trainer", DEMO_PASSWORD).await.status, 303);
        assert_eq!(trainer.get("/documents/lost").await.status, 404);
        assert!(
            !trainer
                .get("/documents/check")
                .await
                .body
                .contains("lost-list-link")
        );
        db.finish().await;
    }
);

store_test!(
    a_photo_of_the_page_is_read_for_the_officer_to_confirm,
    |db| async move {
        use tabara_mrzscan::specimen::{LEVELS, debian_font, photo, zone};
        let app = start(&db).await;
        let mut b = browser(&app);
        assert_eq!(b.sign_in("officer", DEMO_PASSWORD).await.status, 303);
        let z = zone(tabara_core::mrz::Format::Td3, 5);
        let jpeg = photo(&z, &debian_font("OCRB.otf").unwrap(), &LEVELS[2], 5);
        let csrf = b.csrf_of("/documents/check").await;
        let r = b
            .post_multipart(
                "/documents/read",
                &[("csrf", &csrf)],
                Some(("page.jpg", "image/jpeg", &jpeg)),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(
            r.body
                .contains("Read from the photo: compare the zone below")
        );
        assert!(r.body.contains(&z[1].replace('<', "&#60;")), "{}", r.body);
        assert!(
            r.body
                .contains("Valid: every check digit and every rule holds.")
        );
        // Not a picture: said, nothing read.
        let r = b
            .post_multipart(
                "/documents/read",
                &[("csrf", &csrf)],
                Some(("page.pdf", "application/pdf", b"%PDF-1.4\n%%EOF\n")),
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("The file is not a JPEG or PNG picture."));
        // Without the form's token: refused before anything is read.
        let r = b
            .post_multipart(
                "/documents/read",
                &[("csrf", "forged")],
                Some(("page.jpg", "image/jpeg", &jpeg)),
            )
            .await;
        assert_eq!(r.status, 403);
        // The API reads the same photo.
        let token = api_token(&db, "officer").await;
        let post = |body: serde_json::Value| {
            app.http
                .post(format!("{}/api/v1/mrz/read", app.base))
                .bearer_auth(&token)
                .header("content-type", "application/json")
                .body(body.to_string())
                .send()
        };
        let photo64 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &jpeg);
        let r = post(serde_json::json!({"photo": photo64})).await.unwrap();
        assert_eq!(r.status(), 200);
        let v: serde_json::Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
        assert_eq!(v["lines"], serde_json::json!(z));
        assert_eq!(v["zone"]["valid"], true);
        assert_eq!(v["zone"]["format"], "TD3");
        let r = post(serde_json::json!({"photo": "not base64!"}))
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
        let r = post(serde_json::json!({"photo": "JVBERi0xLjQK"}))
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        db.finish().await;
    }
);

store_test!(
    a_document_recorded_on_a_person_is_examined_compared_and_a_lost_one_alerts_the_supervisor,
    |db| async move {
        let app = start(&db).await;
        let today = chrono::Utc::now().date_naive();
        let entry = tabara_core::documents::LostEntry::parse(
            "BDI",
            "OP0077777",
            "stolen",
            "2026-03-01",
            "PAFE Bujumbura",
            today,
        )
        .unwrap();
        db.store
            .import_lost_documents(&tabara_store::Actor::system("test"), &[entry])
            .await
            .unwrap();
        let (case, victim) = case_with_victim(&db, &app.reference, "officer").await;
        // A supervisor at the officer's agency, who is to be told.
        let officer = app.user("officer");
        let hash = db
            .store
            .credentials("officer")
            .await
            .unwrap()
            .unwrap()
            .password_hash;
        crate::world::new_account(
            &db,
            &hash,
            "pafe.supervisor",
            tabara_core::Role::Supervisor,
            officer.organisation_id,
            None,
        )
        .await;
        let mut b = browser(&app);
        assert_eq!(b.sign_in("officer", DEMO_PASSWORD).await.status, 303);
        let person = format!("/cases/{}/persons/{}", case.number, victim.person.id);
        let page = b.get(&person).await;
        assert!(page.body.contains("id=\"document-new\""), "{}", page.body);
        let new = b.get(&format!("{person}/documents/new")).await;
        assert_eq!(new.status, 200);
        let csrf = Browser::csrf(&new.body);
        // A bad form: every field named, in words.
        let r = b
            .post(
                &format!("{person}/documents"),
                &[
                    ("csrf", csrf.as_str()),
                    ("doc_type", "passport"),
                    ("issuing_state", "XYZ"),
                    ("zone", "NOT A ZONE"),
                ],
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(
            r.body
                .contains("Document number (empty: taken from the zone): required")
        );
        assert!(
            r.body
                .contains("Issuing state, ICAO code (empty: taken from the zone): an ICAO code")
        );
        // A stolen passport whose page was altered: the number typed is not the zone's.
        let doc = tabara_core::mrz::Document {
            format: tabara_core::mrz::Format::Td3,
            document_code: "P".into(),
            issuing_state: "BDI".into(),
            primary_identifier: "NDAYISHIMIYE".into(),
            secondary_identifier: "ALINE".into(),
            document_number: "OP0077777".into(),
            nationality: "BDI".into(),
            birth_date: "950101".into(),
            sex: tabara_core::mrz::Sex::Female,
            expiry_date: "301231".into(),
            optional_data_1: String::new(),
            optional_data_2: String::new(),
        };
        let zone = tabara_core::mrz::compose(&doc).unwrap().join("\n");
        let r = b
            .post(
                &format!("{person}/documents"),
                &[
                    ("csrf", csrf.as_str()),
                    ("doc_type", "passport"),
                    ("zone", zone.as_str()),
                    ("feature_photo_substitution", "failed"),
                    ("feature_laminate", "failed"),
                    ("outcome", "forged"),
                    ("notes", "Photo re-glued under the laminate."),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let at = r.location.clone().expect("to the document");
        let page = b.get(&at).await;
        assert_eq!(page.status, 200);
        for want in [
            "Passport BDI OP0077777",
            "ON THE LOST, STOLEN AND FRAUDULENT DOCUMENTS LIST: BDI OP0077777, Stolen",
            "Forged (a genuine document altered)",
            "Photo substitution: Suspicious",
            "Photo re-glued under the laminate.",
            "2 security features suspicious",
            "Against the person&#39;s record",
        ] {
            assert!(page.body.contains(want), "{want}: {}", page.body);
        }
        let id = at.rsplit('/').next().unwrap().to_string();
        let trail: Vec<String> = db
            .store
            .audit_trail("document", &id)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(trail, ["document.record", "document.read"]);
        // The supervisor of the officer's agency is alerted, and finds it on the suspect list.
        let mut s = browser(&app);
        assert_eq!(
            s.sign_in("pafe.supervisor", DEMO_PASSWORD).await.status,
            303
        );
        let inbox = s.get("/notifications").await.body;
        assert!(
            inbox.contains(&format!(
                "A document recorded in case {} is on the lost, stolen and fraudulent documents list",
                tabara_core::records::case_reference(case.number)
            )),
            "{inbox}"
        );
        assert!(inbox.contains(&format!("/documents/{id}")));
        let list = s.get("/documents/suspect").await;
        assert_eq!(list.status, 200);
        assert!(
            list.body.contains(&format!("id=\"doc-{id}\"")),
            "{}",
            list.body
        );
        assert!(!list.body.contains("OP0077777"), "no number on the list");
        // The page against its zone: a number typed from the page that is not the zone's.
        let csrf = Browser::csrf(&page.body);
        let version = "1";
        let r = b
            .post(
                &at,
                &[
                    ("csrf", csrf.as_str()),
                    ("version", version),
                    ("doc_type", "passport"),
                    ("number", "OP0077778"),
                    ("zone", zone.as_str()),
                    ("outcome", "counterfeit"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let page = b.get(&at).await.body;
        assert!(
            page.contains(
                "The number typed from the page, OP0077778, is not the zone&#39;s, OP0077777"
            ),
            "{page}"
        );
        // A change from a stale version is a 409 that keeps what was typed.
        let r = b
            .post(
                &at,
                &[
                    ("csrf", csrf.as_str()),
                    ("version", version),
                    ("doc_type", "passport"),
                    ("zone", zone.as_str()),
                    ("notes", "My late change"),
                ],
            )
            .await;
        assert_eq!(r.status, 409);
        assert!(r.body.contains("id=\"conflict\""));
        assert!(r.body.contains("My late change"));
        // The API lists the person's documents without what identifies them.
        let token = api_token(&db, "officer").await;
        let r = app
            .http
            .get(format!(
                "{}/api/v1/cases/{}/persons/{}/documents",
                app.base, case.number, victim.person.id
            ))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let body = r.text().await.unwrap();
        assert!(!body.contains("OP007777"), "{body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        let listed = v["documents"].as_array().unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0]["id"], id.as_str());
        assert_eq!(listed[0]["doc_type"], "passport");
        assert_eq!(listed[0]["outcome"], "counterfeit");
        assert_eq!(listed[0]["lost_reason"], "stolen");
        assert_eq!(listed[0]["failed_features"], 0);
        // Someone who may not read the identity cannot open it; an analyst does not see the list.
        let mut a = browser(&app);
        assert_eq!(a.sign_in("analyst", DEMO_PASSWORD).await.status, 303);
        assert_eq!(a.get("/documents/suspect").await.status, 404);
        db.finish().await;
    }
);
