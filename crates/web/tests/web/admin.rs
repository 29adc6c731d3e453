//! Administration: accounts and organisations.

use crate::common::*;

store_test!(admin_manages_accounts_and_organisations, |db| async move {
    let app = start(&db).await;
    let mut admin = signed_in(&app, "admin").await;
    let list = admin.get("/admin/users").await;
    assert_eq!(list.status, 200);
    for u in &app.reference.users {
        assert!(list.body.contains(&format!(">{}<", u.username)));
    }
    let form = admin.get("/admin/users/new").await;
    assert_eq!(form.status, 200);
    let csrf = Browser::csrf(&form.body);
    let pafe = app.org("PAFE");
    let other_office = app
        .reference
        .offices
        .iter()
        .find(|o| o.organisation_id != pafe)
        .unwrap();
    let (pafe_id, gatumba_id, other_id) = (
        pafe.to_string(),
        app.office("Poste frontalier de Gatumba").to_string(),
        other_office.id.to_string(),
    );
    let bad = create_account(
        &mut admin,
        &csrf,
        "bad name",
        "",
        "officer",
        &pafe_id,
        Some(&other_id),
    )
    .await;
    assert_eq!(bad.status, 422);
    for field in ["usr_Username", "usr_DisplayName", "usr_Office"] {
        assert!(bad.body.contains(&format!("id=\"err-{field}\"")), "{field}");
    }
    let taken = create_account(
        &mut admin, &csrf, "officer", "Someone", "officer", &pafe_id, None,
    )
    .await;
    assert_eq!(taken.status, 422);
    assert!(taken.body.contains("already taken"));
    // A trainer reads no identities: one administrator creates the account, with a one-time
    // password that leads only to choosing one's own (officers: see
    // `one_time_credentials_and_a_second_administrator`).
    let created = create_account(
        &mut admin,
        &csrf,
        "kobero.officer",
        "Agent Kobero",
        "trainer",
        &pafe_id,
        Some(&gatumba_id),
    )
    .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let one_time = one_time_password(&created.body, "kobero.officer");
    let mut newcomer = browser(&app);
    let r = newcomer.sign_in("kobero.officer", &one_time).await;
    assert_eq!(r.location.as_deref(), Some("/account/password"));
    choose_password(&mut newcomer, "Kobero-2026-own").await;
    let password = "Kobero-2026-own".to_string();
    assert_eq!(
        newcomer.sign_in("kobero.officer", &password).await.status,
        303
    );
    assert_eq!(newcomer.get("/training").await.status, 200);

    // Disabling ends the sessions and sign-in; enabling lets them back; a reset replaces the
    // password.
    let r = account_form(&mut admin, &csrf, "kobero.officer", "disable").await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("disabled"));
    assert_eq!(newcomer.get("/training").await.status, 303);
    assert_ne!(
        fresh_sign_in(&app, "kobero.officer", &password)
            .await
            .status,
        303
    );
    let enabled = account_form(&mut admin, &csrf, "kobero.officer", "enable").await;
    assert_eq!(enabled.status, 200, "{}", enabled.body);
    let reset = account_form(&mut admin, &csrf, "kobero.officer", "reset").await;
    let new_password = one_time_password(&reset.body, "kobero.officer");
    assert_ne!(
        fresh_sign_in(&app, "kobero.officer", &password)
            .await
            .status,
        303
    );
    assert_eq!(
        fresh_sign_in(&app, "kobero.officer", &new_password)
            .await
            .status,
        303
    );
    let me = account_form(&mut admin, &csrf, "admin", "disable").await;
    assert_eq!(
        me.status, 422,
        "an administrator cannot lock themselves out"
    );

    // Organisations and offices.
    let orgs = admin.get("/admin/organisations").await;
    assert!(orgs.body.contains("Police Judiciaire"));
    let bad_org = admin
        .post(
            "/admin/organisations/new",
            &[
                ("csrf", &csrf),
                ("name", ""),
                ("org_type", "NGO"),
                ("country", "ZZ"),
            ],
        )
        .await;
    assert_eq!(bad_org.status, 422);
    assert!(bad_org.body.contains("id=\"err-org_Name\""));
    assert!(bad_org.body.contains("id=\"err-org_ShippingCountry\""));
    let org_type = tabara_core::htcds::OrgType::Ngo.as_str();
    let new_org = admin
        .post(
            "/admin/organisations/new",
            &[
                ("csrf", &csrf),
                ("name", "Association Twiyubake"),
                ("org_type", org_type),
                ("city", "Gitega"),
                ("country", "BI"),
            ],
        )
        .await;
    assert_eq!(new_org.status, 303, "{}", new_org.body);
    let org_path = new_org.location.unwrap();
    let org_page = admin.get(&org_path).await;
    assert!(org_page.body.contains("Association Twiyubake"));
    let bad_office = admin
        .post(
            &format!("{org_path}/offices"),
            &[
                ("csrf", &csrf),
                ("name", "Antenne"),
                ("kind", ""),
                ("province", ""),
                ("border_country", "Q1"),
            ],
        )
        .await;
    assert_eq!(bad_office.status, 422);
    for field in ["off_Kind", "off_Province", "off_BorderCountry"] {
        assert!(
            bad_office.body.contains(&format!("id=\"err-{field}\"")),
            "{field}"
        );
    }
    let office = admin
        .post(
            &format!("{org_path}/offices"),
            &[
                ("csrf", &csrf),
                ("name", "Antenne de Gitega"),
                ("kind", "field_office"),
                ("province", "Gitega"),
            ],
        )
        .await;
    assert_eq!(office.status, 303);
    assert!(
        admin
            .get(&org_path)
            .await
            .body
            .contains("Antenne de Gitega")
    );
    let version = hidden(&org_page.body, "version");
    let renamed = admin
        .post_versioned(
            &org_path,
            &csrf,
            &version,
            &[
                ("name", "Association Twiyubake Burundi"),
                ("org_type", org_type),
                ("country", "BI"),
            ],
        )
        .await;
    assert_eq!(renamed.status, 303);
    let stale = admin
        .post_versioned(
            &org_path,
            &csrf,
            &version,
            &[("name", "Stale"), ("org_type", org_type), ("country", "BI")],
        )
        .await;
    assert_eq!(stale.status, 422);
    assert!(stale.body.contains("id=\"form-conflict\""));
    let names: Vec<String> = db
        .store
        .organisations()
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.name)
        .collect();
    assert!(names.contains(&"Association Twiyubake Burundi".to_string()));
    assert!(!names.contains(&"Stale".to_string()));

    // Nobody else reaches the admin pages.
    let mut officer = signed_in(&app, "officer").await;
    for path in [
        "/admin/users",
        "/admin/users/new",
        "/admin/organisations",
        &org_path,
    ] {
        assert_eq!(officer.get(path).await.status, 404, "{path}");
    }
    db.finish().await;
});

store_test!(
    the_new_account_form_offers_offices_by_agency,
    |db| async move {
        let app = start(&db).await;
        let mut admin = signed_in(&app, "admin").await;
        let form = admin.get("/admin/users/new").await;
        let csrf = Browser::csrf(&form.body);
        let pafe = app.org("PAFE");
        // Each office sits in its own agency's group.
        for office in &app.reference.offices {
            let org = app
                .reference
                .organisations
                .iter()
                .find(|o| o.id == office.organisation_id)
                .unwrap();
            let group = form
                .body
                .split(&format!(
                    "<optgroup label=\"{}\">",
                    askama_escape(&org.name)
                ))
                .nth(1)
                .unwrap_or_else(|| panic!("no group for {}", org.name))
                .split("</optgroup>")
                .next()
                .unwrap();
            assert!(
                group.contains(&format!("value=\"{}\"", office.id)),
                "{} in {}",
                office.name,
                org.name
            );
        }
        // An office of another agency is refused with a field error, and the form then offers
        // only the chosen agency's offices.
        let other = app
            .reference
            .offices
            .iter()
            .find(|o| o.organisation_id != pafe)
            .unwrap();
        let r = create_account(
            &mut admin,
            &csrf,
            "agent.x",
            "Agent X",
            "trainer",
            &pafe.to_string(),
            Some(&other.id.to_string()),
        )
        .await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("id=\"err-usr_Office\""));
        assert!(!r.body.contains(&other.id.to_string()));
        assert_eq!(r.body.matches("<optgroup").count(), 1);
        assert!(
            db.store
                .user_by_username("agent.x")
                .await
                .unwrap()
                .is_none()
        );
        db.finish().await;
    }
);

/// Names as askama writes them into an attribute.
fn askama_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
