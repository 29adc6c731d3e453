//! One-time credentials and the second administrator's approval.

use crate::common::*;

/// A second administrator, of the demo administrator's agency.
async fn second_admin(db: &TestDb) {
    let admin = db.store.user_by_username("admin").await.unwrap().unwrap();
    db.store
        .create_user(
            &Actor::system("test"),
            &tabara_store::NewUser {
                id: tabara_core::ids::UserId::new(),
                username: "admin2".into(),
                display_name: "Seconde Administratrice".into(),
                role: Role::Admin,
                organisation_id: admin.organisation_id,
                office_id: None,
                password_hash: tabara_core::password::hash_password(DEMO_PASSWORD),
            },
        )
        .await
        .unwrap();
}

/// The id of the request waiting on the `/admin/users` page, for a second administrator.
fn request_id(body: &str) -> String {
    body.split("/admin/requests/")
        .nth(1)
        .unwrap_or_else(|| panic!("no request in {body}"))
        .split('/')
        .next()
        .unwrap()
        .to_string()
}

/// An administrator asks for the reset of `username`, which another administrator must
/// approve: nothing is handed over yet.
async fn reset_requested(admin: &mut Browser<'_>, csrf: &str, username: &str) {
    let r = account_form(admin, csrf, username, "reset").await;
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains("Another administrator must approve it"),
        "{}",
        r.body
    );
    assert!(!r.body.contains("One-time password"), "{}", r.body);
}

/// An administrator creates an account that another administrator must approve: it has no
/// password, and no credential is handed over.
async fn created_without_password(
    db: &TestDb,
    admin: &mut Browser<'_>,
    csrf: &str,
    (username, display_name, role): (&str, &str, &str),
    organisation: &str,
) {
    let created = create_account(
        admin,
        csrf,
        username,
        display_name,
        role,
        organisation,
        None,
    )
    .await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert!(
        created.body.contains("created without a password"),
        "{}",
        created.body
    );
    assert!(
        !created.body.contains("One-time password"),
        "{}",
        created.body
    );
    let creds = db.store.credentials(username).await.unwrap().unwrap();
    assert!(creds.must_change_password && creds.one_time_expires_at.is_none());
}

/// The new-password page of `holder`: it says `english`, and `french` once the session's
/// language is French (the holder's language is the session's).
async fn password_page(holder: &mut Browser<'_>, english: &str, french: &str) -> String {
    let page = holder.get("/account/password").await;
    assert!(page.body.contains(english), "{}", page.body);
    let csrf = Browser::csrf(&page.body);
    holder.lang(&csrf, "fr", "/account/password").await;
    let fr = holder.get("/account/password").await;
    assert!(fr.body.contains(french), "{}", fr.body);
    page.body
}

store_test!(
    one_time_credentials_and_a_second_administrator,
    |db| async move {
        let app = start(&db).await;
        second_admin(&db).await;
        let mut admin = signed_in(&app, "admin").await;
        let csrf = admin.csrf_of("/admin/users").await;

        // A reset of an account that reads identities is only requested: nothing changes yet.
        reset_requested(&mut admin, &csrf, "investigator").await;
        let again = account_form(&mut admin, &csrf, "investigator", "reset").await;
        assert_eq!(again.status, 422);
        assert!(again.body.contains("already waiting"));
        assert_eq!(
            lands(&app, "investigator", DEMO_PASSWORD).await.as_deref(),
            Some("/")
        );
        // The requester sees the request but cannot decide it.
        let list = admin.get("/admin/users").await;
        assert!(list.body.contains("waiting for another administrator"));
        assert!(!list.body.contains("/approve"), "{}", list.body);
        let mut admin2 = signed_in(&app, "admin2").await;
        let list2 = admin2.get("/admin/users").await;
        let id = request_id(&list2.body);
        let own = decide(&mut admin, &csrf, &id, "approve").await;
        assert_eq!(own.status, 422);
        assert!(own.body.contains("Another administrator must decide"));
        assert!(!own.body.contains("One-time password"));

        // The second administrator approves: only now is the one-time password produced.
        let csrf2 = Browser::csrf(&list2.body);
        let approved = decide(&mut admin2, &csrf2, &id, "approve").await;
        assert_eq!(approved.status, 200, "{}", approved.body);
        let one_time = one_time_password(&approved.body, "investigator");
        assert_eq!(
            decide(&mut admin2, &csrf2, &id, "approve").await.status,
            404,
            "decided once"
        );
        assert_eq!(
            fresh_sign_in(&app, "investigator", DEMO_PASSWORD)
                .await
                .status,
            422
        );

        // The one-time password opens the new-password page and nothing else.
        let mut holder = browser(&app);
        let r = holder.sign_in("investigator", &one_time).await;
        assert_eq!(r.location.as_deref(), Some("/account/password"));
        for path in ["/", "/cases", "/account/certificates", "/admin/users"] {
            let r = holder.get(path).await;
            assert_eq!(r.status, 303, "{path}");
            assert_eq!(r.location.as_deref(), Some("/account/password"), "{path}");
        }
        let page = password_page(
            &mut holder,
            "Your account was reset by Administrateur Tabara on ",
            "Votre compte a été réinitialisé par Administrateur Tabara le ",
        )
        .await;
        assert!(page.contains("Approved by Seconde Administratrice."));
        assert!(page.contains("Choose your new password"));
        // Used once: it does not sign in again.
        assert_eq!(
            fresh_sign_in(&app, "investigator", &one_time).await.status,
            422
        );
        choose_password(&mut holder, "Ngozi-2026-mien").await;
        let mut back = browser(&app);
        assert_eq!(
            back.sign_in("investigator", "Ngozi-2026-mien")
                .await
                .location
                .as_deref(),
            Some("/")
        );
        assert_eq!(back.get("/cases").await.status, 200);
        let trail = actions(&db, "investigator").await;
        for a in [
            "user.reset_request",
            "user.request_approve",
            "user.one_time_credential",
            "user.login_one_time",
            "user.password",
        ] {
            assert!(trail.iter().any(|x| x == a), "{a} in {trail:?}");
        }

        // A refusal changes nothing for the account.
        let asked = account_form(&mut admin, &csrf, "officer", "reset").await;
        assert_eq!(asked.status, 200, "{}", asked.body);
        let list2 = admin2.get("/admin/users").await;
        let id = request_id(&list2.body);
        let refused = decide(&mut admin2, &csrf2, &id, "refuse").await;
        assert_eq!(refused.status, 200);
        assert!(refused.body.contains("The request is refused."));
        assert!(!refused.body.contains("One-time password"));
        assert_eq!(
            lands(&app, "officer", DEMO_PASSWORD).await.as_deref(),
            Some("/")
        );
        assert!(
            actions(&db, "officer")
                .await
                .contains(&"user.request_refuse".to_string())
        );

        // A new account that reads identities has no password until approved.
        let pafe = app.org("PAFE").to_string();
        let account = ("agent.nduwayo", "Agent Nduwayo", "officer");
        created_without_password(&db, &mut admin, &csrf, account, &pafe).await;
        let list2 = admin2.get("/admin/users").await;
        assert!(list2.body.contains("new account"));
        let id = request_id(&list2.body);
        let approved = decide(&mut admin2, &csrf2, &id, "approve").await;
        let one_time = one_time_password(&approved.body, "agent.nduwayo");
        assert_eq!(
            lands(&app, "agent.nduwayo", &one_time).await.as_deref(),
            Some("/account/password")
        );
        assert_eq!(
            actions(&db, "agent.nduwayo").await[..2],
            ["user.create", "user.create_request"]
        );
        db.finish().await;
    }
);

store_test!(
    one_time_credentials_without_a_second_administrator_and_expiry,
    |db| async move {
        let config = tabara_web::Config {
            admin_approval: false,
            ..Default::default()
        };
        let app = start_with(&db, config).await;
        let token = api_token(&db, "officer").await;
        let api = |token: String| {
            let url = format!("{}/api/v1/cases", app.base);
            let http = app.http.clone();
            async move {
                http.get(url)
                    .bearer_auth(token)
                    .send()
                    .await
                    .unwrap()
                    .status()
            }
        };
        assert_eq!(api(token.clone()).await, 200);
        let mut admin = signed_in(&app, "admin").await;
        let csrf = admin.csrf_of("/admin/users").await;
        let r = account_form(&mut admin, &csrf, "officer", "reset").await;
        let one_time = one_time_password(&r.body, "officer");
        assert!(r.body.contains("valid 72 hours"));
        // The account under reset uses no API token until its holder chose a password.
        assert_eq!(api(token.clone()).await, 401);
        let mut holder = browser(&app);
        assert_eq!(
            holder
                .sign_in("officer", &one_time)
                .await
                .location
                .as_deref(),
            Some("/account/password")
        );
        assert!(
            holder
                .get("/account/password")
                .await
                .body
                .contains("Your account was reset by Administrateur Tabara on ")
        );
        choose_password(&mut holder, "Officer-2026-own").await;
        assert_eq!(api(token).await, 200);

        // An expired one-time password signs in no more.
        let caseworker = db
            .store
            .user_by_username("caseworker")
            .await
            .unwrap()
            .unwrap();
        db.store
            .issue_one_time_credential(
                &Actor::system("cli"),
                caseworker.id,
                &tabara_core::password::hash_password("Expired-2026-pass"),
                chrono::Utc::now() - chrono::Duration::seconds(1),
            )
            .await
            .unwrap();
        let r = fresh_sign_in(&app, "caseworker", "Expired-2026-pass").await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("Incorrect user name or password."));
        db.finish().await;
    }
);

store_test!(
    one_administrator_gets_no_credential_for_an_administrator_account,
    |db| async move {
        let app = start(&db).await;
        second_admin(&db).await;
        let mut admin = signed_in(&app, "admin").await;
        let csrf = admin.csrf_of("/admin/users").await;
        let pafe = app.org("PAFE").to_string();

        // A new administrator account is only requested: no credential is handed over, and
        // it signs in with nothing.
        let account = ("admin.bis", "Administrateur Bis", "admin");
        created_without_password(&db, &mut admin, &csrf, account, &pafe).await;
        assert_eq!(
            actions(&db, "admin.bis").await,
            ["user.create", "user.create_request"]
        );

        // A reset of another administrator is only requested too: their password still works.
        reset_requested(&mut admin, &csrf, "admin2").await;
        assert_eq!(
            lands(&app, "admin2", DEMO_PASSWORD).await.as_deref(),
            Some("/")
        );

        // The bypass: the first administrator asks for an investigator's reset and would
        // approve it as the administrator they made. They hold no credential of any other
        // administrator, and their own approval is refused.
        let asked = account_form(&mut admin, &csrf, "investigator", "reset").await;
        assert_eq!(asked.status, 200, "{}", asked.body);
        let list = admin.get("/admin/users").await;
        assert!(!list.body.contains("/approve"), "{}", list.body);
        let mut admin2 = signed_in(&app, "admin2").await;
        let list2 = admin2.get("/admin/users").await;
        let mut waiting = 0;
        for part in list2.body.split("/admin/requests/").skip(1) {
            waiting += 1;
            let id = part.split('/').next().unwrap();
            let own = decide(&mut admin, &csrf, id, "approve").await;
            assert_eq!(own.status, 422);
            assert!(!own.body.contains("One-time password"));
        }
        assert!(
            waiting > 0,
            "the request waits on the second administrator's list"
        );
        assert_eq!(
            lands(&app, "investigator", DEMO_PASSWORD).await.as_deref(),
            Some("/")
        );
        assert_eq!(
            db.store.pending_account_requests(50).await.unwrap().len(),
            3
        );
        db.finish().await;
    }
);

store_test!(
    a_new_account_reads_created_and_waits_for_approval,
    |db| async move {
        let app = start(&db).await;
        second_admin(&db).await;
        let pafe = app.org("PAFE");

        // An account the command line created: its holder reads "created", not "reset".
        db.store
            .create_account(
                &Actor::system("cli"),
                &tabara_store::NewUser {
                    id: tabara_core::ids::UserId::new(),
                    username: "agent.operateur".into(),
                    display_name: "Agent Opérateur".into(),
                    role: Role::Trainer,
                    organisation_id: pafe,
                    office_id: None,
                    password_hash: tabara_core::password::hash_password("One-time-of-cli-1"),
                },
                tabara_store::FirstCredential::OneTime(
                    chrono::Utc::now() + chrono::Duration::hours(72),
                ),
            )
            .await
            .unwrap();
        let mut holder = browser(&app);
        holder.sign_in("agent.operateur", "One-time-of-cli-1").await;
        let page = password_page(
            &mut holder,
            "Your account was created from the command line (by an operator) on ",
            "Votre compte a été créé en ligne de commande (par un opérateur) le ",
        )
        .await;
        assert!(!page.contains("was reset"), "{page}");

        // A new account waiting for a second administrator is not "active".
        let mut admin = signed_in(&app, "admin").await;
        let csrf = admin.csrf_of("/admin/users").await;
        let created = create_account(
            &mut admin,
            &csrf,
            "agent.attente",
            "Agent Attente",
            "officer",
            &pafe.to_string(),
            None,
        )
        .await;
        assert_eq!(created.status, 200, "{}", created.body);
        assert!(
            created
                .body
                .contains("<dd id=\"state\">waiting for approval</dd>"),
            "{}",
            created.body
        );
        let list = admin.get("/admin/users").await;
        let row = list
            .body
            .split("<tr><td><a href=\"/admin/users/agent.attente\">")
            .last()
            .unwrap()
            .split("</tr>")
            .next()
            .unwrap();
        assert!(row.contains("<td>waiting for approval</td>"), "{row}");
        // A reset waiting for approval leaves a working account active.
        let asked = account_form(&mut admin, &csrf, "investigator", "reset").await;
        assert_eq!(asked.status, 200, "{}", asked.body);
        let inv = admin.get("/admin/users/investigator").await;
        assert!(
            inv.body.contains("<dd id=\"state\">active</dd>"),
            "{}",
            inv.body
        );
        let csrf_fr = Browser::csrf(&inv.body);
        admin.lang(&csrf_fr, "fr", "/").await;
        let fr = admin.get("/admin/users/agent.attente").await;
        assert!(
            fr.body
                .contains("<dd id=\"state\">en attente d’approbation</dd>"),
            "{}",
            fr.body
        );

        // Approved, it is active, and its holder reads who created it and who approved.
        let mut admin2 = signed_in(&app, "admin2").await;
        let list2 = admin2.get("/admin/users").await;
        let csrf2 = Browser::csrf(&list2.body);
        let id = list2
            .body
            .split("<tr><td><a href=\"/admin/users/agent.attente\">")
            .nth(1)
            .map(request_id)
            .unwrap();
        let approved = decide(&mut admin2, &csrf2, &id, "approve").await;
        assert_eq!(approved.status, 200, "{}", approved.body);
        assert!(
            approved.body.contains("<dd id=\"state\">active</dd>"),
            "{}",
            approved.body
        );
        let one_time = one_time_password(&approved.body, "agent.attente");
        let mut newcomer = browser(&app);
        newcomer.sign_in("agent.attente", &one_time).await;
        let page = newcomer.get("/account/password").await;
        assert!(
            page.body
                .contains("Your account was created by Administrateur Tabara on "),
            "{}",
            page.body
        );
        assert!(page.body.contains("Approved by Seconde Administratrice."));
        db.finish().await;
    }
);
