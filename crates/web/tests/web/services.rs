//! The services directory's pages: the search by each filter (a former province's name
//! included), bad input shown next to its field and changing nothing, the capacity reported
//! by the provider's own agency (audited, shown with when and by whom), another agency's
//! 404, the administrators' form, and the French page.

use tabara_store::ServiceProvider;

use crate::common::*;

/// The demo's providers written to the register, served.
async fn directory_app(db: &TestDb) -> App {
    let app = start(db).await;
    tabara_demo::write_services(&db.store, &Actor::system("demo"), &app.reference)
        .await
        .unwrap();
    app
}

fn names_in(body: &str) -> Vec<String> {
    body.split("<section class=\"provider\"")
        .skip(1)
        .map(|s| {
            let a = &s[s.find("<h2><a href=\"/services/").unwrap()..];
            let a = &a[a.find('>').unwrap() + 1..];
            let a = &a[a.find('>').unwrap() + 1..];
            unescape_html(&a[..a.find("</a>").unwrap()])
        })
        .collect()
}

fn unescape_html(s: &str) -> String {
    s.replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

async fn provider_named(db: &TestDb, part: &str) -> ServiceProvider {
    db.store
        .search_service_providers(&Default::default(), 500)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.name.contains(part))
        .unwrap_or_else(|| panic!("no provider {part}"))
}

store_test!(
    the_directory_is_searched_by_service_area_and_language,
    |db| async move {
        let app = directory_app(&db).await;
        let mut b = signed_in(&app, "officer").await;
        let all = b.get("/services").await;
        assert_eq!(all.status, 200);
        assert!(
            all.body.contains("href=\"/services\""),
            "the navigation links the directory"
        );
        let every = names_in(&all.body);
        assert_eq!(
            every.len(),
            tabara_demo::demo_providers(&app.reference).len()
        );
        assert!(
            !all.body.contains("href=\"/services/new\""),
            "officers do not manage it"
        );

        // By service.
        let legal = names_in(&b.get("/services?service=legal_aid").await.body);
        assert_eq!(
            legal,
            ["Centre d'aide juridique Ubuntu — permanences (fictif)"]
        );
        // By area: a commune finds its province's providers and the national ones.
        let karusi = names_in(
            &b.get("/services?service=shelter&area=bi-gitega-karusi")
                .await
                .body,
        );
        assert_eq!(karusi, ["Maison d'accueil Amahoro — Gitega (fictive)"]);
        // A former province's name: Cankuzo is now in Buhumuza.
        let page = b.get("/services?service=shelter&area=Cankuzo").await;
        assert_eq!(page.status, 200);
        assert_eq!(
            names_in(&page.body),
            ["Maison d'accueil Amahoro — Cankuzo (fictive)"]
        );
        assert!(
            page.body
                .contains("<option value=\"bi-buhumuza\" selected>"),
            "its province is the choice shown"
        );
        let rumonge = b.get("/services?area=Rumonge").await;
        assert!(
            rumonge.body.contains("Rumonge (former province)"),
            "a split one is its own choice"
        );
        let medical = names_in(&b.get("/services?service=medical&area=Kirundo").await.body);
        assert_eq!(
            medical,
            [
                "Hôpital de Ngozi — unité de prise en charge (fictive)",
                "OIM — retour et réintégration"
            ]
        );
        // By language.
        let english = names_in(
            &b.get("/services?service=child_protection&language=en")
                .await
                .body,
        );
        assert_eq!(english.len(), 5);
        assert!(english.iter().all(|n| n.contains("UNICEF")));
        let none = b.get("/services?language=ln").await;
        assert!(names_in(&none.body).is_empty());
        assert!(none.body.contains("id=\"no-providers\""));
        // A shelter shows its places free; another provider says it reports none.
        assert!(karusi_page_has_capacity(&mut b, &db).await);
        db.finish().await;
    }
);

async fn karusi_page_has_capacity(b: &mut Browser<'_>, db: &TestDb) -> bool {
    let shelter = provider_named(db, "Amahoro — Gitega").await;
    let page = b.get(&format!("/services/{}", shelter.id)).await;
    let free = shelter.capacity.unwrap().free;
    page.status == 200 && page.body.contains(&format!("{free} places free, updated"))
}

store_test!(bad_filters_are_shown_next_to_their_field, |db| async move {
    let app = directory_app(&db).await;
    let mut b = signed_in(&app, "officer").await;
    let page = b
        .get("/services?service=massage&area=Atlantis&language=Klingon1")
        .await;
    assert_eq!(page.status, 422);
    for (field, text) in [
        ("service", "Choose one of the values offered."),
        ("area", "Choose an area of the list."),
        ("language", "Use a language code such as rn, fr, sw or en."),
    ] {
        assert!(
            page.body.contains(&format!(
                "<span class=\"error\" id=\"err-{field}\">{text}</span>"
            )),
            "{field}: {}",
            page.body
        );
    }
    assert!(names_in(&page.body).is_empty());
    db.finish().await;
});

store_test!(
    capacity_is_reported_by_the_providers_own_agency,
    |db| async move {
        let app = directory_app(&db).await;
        let provider = provider_named(&db, "UNICEF — Gitega").await;
        let path = format!("/services/{}", provider.id);
        let before = db.store.stats().await.unwrap().audit_entries;

        // Another agency neither sees the form nor reaches the route: 404, nothing changed.
        let mut officer = signed_in(&app, "officer").await;
        let page = officer.get(&path).await;
        assert_eq!(page.status, 200);
        assert!(
            !page.body.contains("/capacity\""),
            "no form for another agency"
        );
        let csrf = Browser::csrf(&page.body);
        let refused = officer
            .post(
                &format!("{path}/capacity"),
                &[("csrf", &csrf), ("free", "3")],
            )
            .await;
        assert_eq!(refused.status, 404);
        assert_eq!(
            db.store.service_provider(provider.id).await.unwrap(),
            provider
        );

        // The provider's agency reports; bad input first, which changes nothing.
        let mut unicef = signed_in(&app, "childprotection").await;
        let page = unicef.get(&path).await;
        assert!(page.body.contains("Not reported"));
        let csrf = Browser::csrf(&page.body);
        let version = provider.version.to_string();
        for (bad, text) in [
            ("-2", "This number is out of range."),
            ("lots", "Write a whole number."),
            ("10001", "This number is out of range."),
        ] {
            let r = unicef
                .post(
                    &format!("{path}/capacity"),
                    &[("csrf", &csrf), ("free", bad), ("version", &version)],
                )
                .await;
            assert_eq!(r.status, 422, "{bad}");
            assert!(
                r.body.contains(&format!(
                    "<span class=\"error\" id=\"err-svc_Capacity\">{text}</span>"
                )),
                "{bad}: {}",
                r.body
            );
        }
        assert_eq!(
            db.store.service_provider(provider.id).await.unwrap(),
            provider
        );
        let seen_so_far = db.store.stats().await.unwrap().audit_entries;
        let r = unicef
            .post(
                &format!("{path}/capacity"),
                &[("csrf", &csrf), ("free", "12"), ("version", &version)],
            )
            .await;
        assert_eq!(
            (r.status, r.location.as_deref()),
            (303, Some(&*format!("{path}?reported=1")))
        );
        let page = unicef.get(&format!("{path}?reported=1")).await;
        assert!(page.body.contains("The places free were updated."));
        assert!(
            page.body.contains("12 places free, updated ")
                && page.body.contains(" by UNICEF Burundi"),
            "{}",
            page.body
        );
        let stored = db.store.service_provider(provider.id).await.unwrap();
        let c = stored.capacity.clone().unwrap();
        let me = app.user("childprotection").id;
        assert_eq!(
            (c.free, c.updated_by.as_str()),
            (12, Actor::user(me).as_str())
        );
        let mut head = seen_so_far;
        let entries = audit_since(&db, &mut head).await;
        let capacity: Vec<_> = entries
            .iter()
            .filter(|e| e.action == "service_provider.capacity")
            .collect();
        assert_eq!(capacity.len(), 1);
        assert_eq!(capacity[0].record_id, provider.id.to_string());
        assert_eq!(capacity[0].actor, Actor::user(me).as_str());
        assert!(before < head);

        // An administrator manages the directory, so may report too.
        let mut admin = signed_in(&app, "admin").await;
        let page = admin.get(&path).await;
        let csrf = Browser::csrf(&page.body);
        let r = admin
            .post(
                &format!("{path}/capacity"),
                &[
                    ("csrf", &csrf),
                    ("free", ""),
                    ("version", &stored.version.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, 303);
        assert_eq!(
            db.store
                .service_provider(provider.id)
                .await
                .unwrap()
                .capacity,
            None
        );
        db.finish().await;
    }
);

store_test!(administrators_add_and_change_providers, |db| async move {
    let app = directory_app(&db).await;
    let mut admin = signed_in(&app, "admin").await;
    let page = admin.get("/services/new").await;
    assert_eq!(page.status, 200);
    let count = || async {
        (
            db.store.stats().await.unwrap().audit_entries,
            db.store
                .search_service_providers(&Default::default(), 500)
                .await
                .unwrap()
                .len(),
        )
    };
    let before = count().await;
    let (path, mut fields) = form_fields(&page.body, "/services/new");
    set(&mut fields, "name", "");
    set(&mut fields, "phone", "call us");
    set(&mut fields, "email", "nobody");
    set(&mut fields, "languages", "kirundi");
    fields.push(("areas".into(), "bi-atlantis".into()));
    let r = admin.post_fields(&path, &fields).await;
    assert_eq!(r.status, 422);
    for (field, text) in [
        ("svc_Organisation", "This answer is needed."),
        ("svc_Name", "This answer is needed."),
        ("svc_Services", "This answer is needed."),
        ("svc_Areas", "Choose an area of the list."),
        ("svc_Phone", "Write the number in international form"),
        ("svc_Email", "This is not an e-mail address."),
        ("svc_Languages", "Use a language code"),
    ] {
        assert!(
            r.body
                .contains(&format!("<span class=\"error\" id=\"err-{field}\">{text}")),
            "{field}: {}",
            r.body
        );
    }
    assert_eq!(count().await, before, "nothing written");

    // An office of another agency is refused next to the office.
    let (_, mut fields) = form_fields(&page.body, "/services/new");
    let shelter = app.org("Maison").to_string();
    set(&mut fields, "organisation", &shelter);
    set(
        &mut fields,
        "office",
        &app.office("Poste frontalier de Gatumba").to_string(),
    );
    set(&mut fields, "name", "Maison d'accueil de Rumonge (fictive)");
    fields.push(("services".into(), "shelter".into()));
    fields.push(("services".into(), "medical".into()));
    fields.push(("areas".into(), "bi-burunga-rumonge".into()));
    let r = admin.post_fields(&path, &fields).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("<span class=\"error\" id=\"err-svc_Office\">This office belongs to another agency.</span>"), "{}", r.body);
    assert_eq!(count().await, before);
    set(&mut fields, "office", "");
    let r = admin.post_fields(&path, &fields).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let created = r.location.unwrap();
    let page = admin.get(&created).await;
    assert!(
        page.body.contains("Maison d&#x27;accueil de Rumonge")
            || page.body.contains("Maison d&#39;accueil de Rumonge")
    );
    assert!(page.body.contains("Rumonge (Burunga)"));
    // Found by the former province's name.
    let found = names_in(
        &admin
            .get("/services?service=medical&area=Rumonge")
            .await
            .body,
    );
    assert!(
        found.contains(&"Maison d'accueil de Rumonge (fictive)".to_string()),
        "{found:?}"
    );

    // Changed through the edit form, with its version; a stale form is refused.
    let edit = admin.get(&format!("{created}/edit")).await;
    let (edit_path, mut fields) = form_fields(&edit.body, &format!("{created}/edit"));
    assert!(fields.contains(&("services".into(), "medical".into())));
    set(&mut fields, "hours", "24 h/24");
    let r = admin.post_fields(&edit_path, &fields).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = admin.post_fields(&edit_path, &fields).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("id=\"form-conflict\""));
    let id: tabara_core::ids::ServiceProviderId =
        created.trim_start_matches("/services/").parse().unwrap();
    let stored = db.store.service_provider(id).await.unwrap();
    assert_eq!(
        (stored.hours.as_deref(), stored.version),
        (Some("24 h/24"), 2)
    );
    assert_eq!(
        trail(&db, "service_provider", &id.to_string()).await,
        ["service_provider.create", "service_provider.update"]
    );

    // Others may not reach the form.
    let mut officer = signed_in(&app, "officer").await;
    assert_eq!(officer.get("/services/new").await.status, 404);
    assert_eq!(officer.get(&format!("{created}/edit")).await.status, 404);
    db.finish().await;
});

store_test!(the_directory_speaks_french, |db| async move {
    let app = directory_app(&db).await;
    let mut b = signed_in(&app, "childprotection").await;
    let csrf = b.csrf_of("/").await;
    b.lang(&csrf, "fr", "/services").await;
    let page = b.get("/services?service=shelter&area=Ngozi").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<html lang=\"fr\">"));
    for text in [
        "Annuaire des services",
        "Zone desservie",
        "Places libres",
        "Hébergement",
        "Butanyerera (toute la province)",
    ] {
        assert!(page.body.contains(text), "{text}");
    }
    assert!(page.body.contains("Places libres : "), "{}", page.body);
    let bad = b.get("/services?area=Atlantide").await;
    assert!(bad.body.contains("Choisissez une zone de la liste."));
    db.finish().await;
});
