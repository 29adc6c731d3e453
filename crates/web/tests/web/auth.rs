//! Sign-in, lockout, passwords, redirects and cookies.

use crate::common::*;

store_test!(anonymous_visitors_are_sent_to_sign_in, |db| async move {
    let app = start(&db).await;
    let mut b = browser(&app);
    let r = b.get("/cases?status=Active").await;
    assert_eq!(r.status, 303);
    assert_eq!(
        r.location.as_deref(),
        Some("/signin?next=/cases%3Fstatus%3DActive")
    );
    let page = b.get("/signin").await;
    assert_eq!(page.status, 200);
    for (h, v) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
    ] {
        assert_eq!(page.headers.get(h).unwrap(), v, "{h}");
    }
    let csp = page
        .headers
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"),
        "{csp}"
    );
    assert!(!page.body.contains("<script"), "no inline script");
    assert_eq!(b.get("/healthz").await.body, "ok");
    assert_eq!(b.get("/readyz").await.body, "ready");
    db.finish().await;
});

store_test!(sign_in_failures_lock_the_account, |db| async move {
    let app = start(&db).await;
    let mut b = browser(&app);
    let r = b.sign_in("officer", "wrong-password-1").await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("Incorrect user name or password."),
        "{}",
        r.body
    );
    let unknown = b.sign_in("nobody", "whatever-123").await;
    assert!(unknown.body.contains("Incorrect user name or password."));
    // A form without the sign-in cookie's token is refused.
    let mut other = browser(&app);
    let r = other
        .post(
            "/signin",
            &[
                ("username", "officer"),
                ("password", DEMO_PASSWORD),
                ("csrf", "forged"),
            ],
        )
        .await;
    assert!(r.body.contains("expired"), "{}", r.body);
    for _ in 0..4 {
        b.sign_in("officer", "wrong-password-1").await;
    }
    // A locked account answers exactly like a wrong password or an unknown name.
    let locked = b.sign_in("officer", DEMO_PASSWORD).await;
    assert_eq!(locked.status, 422);
    assert!(
        locked.body.contains("Incorrect user name or password."),
        "{}",
        locked.body
    );
    assert!(!locked.body.contains("locked"), "{}", locked.body);
    let creds = db.store.credentials("officer").await.unwrap().unwrap();
    assert_eq!(creds.failed_logins, 5);
    db.finish().await;
});

store_test!(changing_ones_password, |db| async move {
    let app = start(&db).await;
    let mut b = signed_in(&app, "caseworker").await;
    let page = b.get("/account/password").await;
    assert_eq!(page.status, 200);
    let csrf = Browser::csrf(&page.body);
    let attempt = |current: &'static str, new: &'static str, repeat: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("current", current.to_string()),
            ("new", new.to_string()),
            ("repeat", repeat.to_string()),
        ]
    };
    for (form, message) in [
        (
            attempt("wrong-password-9", "Rumonge-2026-safe", "Rumonge-2026-safe"),
            "current password is not correct",
        ),
        (
            attempt(DEMO_PASSWORD, "Rumonge-2026-safe", "Rumonge-2026-sage"),
            "two new passwords differ",
        ),
        (
            attempt(DEMO_PASSWORD, "short-1", "short-1"),
            "at least 12 characters",
        ),
        (
            attempt(DEMO_PASSWORD, "onlylettersherenow", "onlylettersherenow"),
            "mix at least two",
        ),
    ] {
        let r = b.post_fields("/account/password", &form).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains(message), "{message}");
    }
    let form = attempt(DEMO_PASSWORD, "Rumonge-2026-safe", "Rumonge-2026-safe");
    let r = b.post_fields("/account/password", &form).await;
    assert_eq!(r.status, 303);
    // The session ended; the old password no longer works, the new one does.
    assert_eq!(b.get("/").await.status, 303);
    assert_eq!(b.sign_in("caseworker", DEMO_PASSWORD).await.status, 422);
    assert_eq!(
        b.sign_in("caseworker", "Rumonge-2026-safe").await.status,
        303
    );
    let user = db
        .store
        .user_by_username("caseworker")
        .await
        .unwrap()
        .unwrap();
    let trail = db
        .store
        .audit_trail("user", &user.id.to_string())
        .await
        .unwrap();
    assert!(
        trail
            .iter()
            .any(|e| e.action == "user.password" && e.actor == Actor::user(user.id).as_str())
    );
    db.finish().await;
});

store_test!(
    locked_unknown_and_wrong_answer_alike_and_are_audited,
    |db| async move {
        let app = start(&db).await;
        let mut b = browser(&app);
        let wrong = b.sign_in("officer", "wrong-password-1").await;
        let unknown = b.sign_in("nobody.here", "wrong-password-1").await;
        for _ in 0..4 {
            b.sign_in("officer", "wrong-password-1").await;
        }
        let locked = b.sign_in("officer", DEMO_PASSWORD).await;
        let error = |body: &str| {
            body.split("role=\"alert\">")
                .nth(1)
                .unwrap()
                .split('<')
                .next()
                .unwrap()
                .to_string()
        };
        for r in [&wrong, &unknown, &locked] {
            assert_eq!(r.status, 422);
            assert_eq!(error(&r.body), "Incorrect user name or password.");
        }
        let trail = actions(&db, "officer").await;
        assert!(
            trail.contains(&"user.login_locked".to_string()),
            "{trail:?}"
        );
        let unknowns = db.store.audit_trail("user", "unknown").await.unwrap();
        assert!(unknowns.iter().any(|e| e.action == "user.login_unknown"));
        db.finish().await;
    }
);

store_test!(
    the_password_form_counts_wrong_current_passwords,
    |db| async move {
        let app = start(&db).await;
        let mut b = signed_in(&app, "caseworker").await;
        let csrf = b.csrf_of("/account/password").await;
        let attempt = async |b: &mut Browser<'_>, current: &str| {
            b.post(
                "/account/password",
                &[
                    ("csrf", &csrf),
                    ("current", current),
                    ("new", "Rumonge-2026-safe"),
                    ("repeat", "Rumonge-2026-safe"),
                ],
            )
            .await
        };
        for _ in 0..4 {
            let r = attempt(&mut b, "wrong-password-9").await;
            assert!(r.body.contains("current password is not correct"));
        }
        let r = attempt(&mut b, "wrong-password-9").await;
        assert!(r.body.contains("Too many wrong attempts"), "{}", r.body);
        let creds = db.store.credentials("caseworker").await.unwrap().unwrap();
        assert_eq!(creds.failed_logins, 5);
        assert!(creds.locked_until.is_some());
        // Locked: even the right current password changes nothing, and sign-in is refused.
        let r = attempt(&mut b, DEMO_PASSWORD).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("Too many wrong attempts"));
        assert_eq!(
            fresh_sign_in(&app, "caseworker", DEMO_PASSWORD)
                .await
                .status,
            422
        );
        let trail = actions(&db, "caseworker").await;
        assert_eq!(
            trail
                .iter()
                .filter(|a| *a == "user.password_check_failed")
                .count(),
            5
        );
        assert!(trail.contains(&"user.password_check_locked".to_string()));
        assert!(!trail.contains(&"user.password".to_string()));
        db.finish().await;
    }
);

store_test!(redirects_stay_on_the_site, |db| async move {
    let app = start(&db).await;
    for (next, expected) in [
        ("/cases?status=Active", "/cases?status=Active"),
        ("/\t/evil.example/", "/"),
        ("/\\evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/cases\r\nSet-Cookie: a=b", "/"),
        ("https://evil.example/", "/"),
    ] {
        let mut b = browser(&app);
        let page = b.get("/signin").await;
        let csrf = Browser::csrf(&page.body);
        let r = b
            .post(
                "/signin",
                &[
                    ("username", "officer"),
                    ("password", DEMO_PASSWORD),
                    ("csrf", &csrf),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{next:?}");
        assert_eq!(r.location.as_deref(), Some(expected), "{next:?}");
        let csrf = b.csrf_of("/").await;
        let r = b.lang(&csrf, "fr", next).await;
        assert_eq!(r.status, 303, "{next:?}");
        assert_eq!(r.location.as_deref(), Some(expected), "{next:?}");
    }
    // The sign-in page never writes a foreign `next` into its form.
    let page = browser(&app).get("/signin?next=/%09/evil.example/").await;
    assert!(
        page.body.contains("name=\"next\" value=\"/\""),
        "{}",
        page.body
    );
    db.finish().await;
});

store_test!(cookies_behind_tls_carry_the_host_prefix, |db| async move {
    let config = tabara_web::Config {
        behind_tls: true,
        ..Default::default()
    };
    let app = start_with(&db, config).await;
    let mut b = browser(&app);
    let page = b.get("/signin").await;
    let cookies: Vec<String> = page
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let host_cookie = |c: &str| {
        c.contains("; Secure") && c.contains("; Path=/") && !c.to_lowercase().contains("domain")
    };
    let presignin = cookies
        .iter()
        .find(|c| c.starts_with("__Host-tabara_presignin="))
        .unwrap_or_else(|| panic!("{cookies:?}"));
    assert!(host_cookie(presignin), "{presignin}");
    let r = b.sign_in("officer", DEMO_PASSWORD).await;
    assert_eq!(r.status, 303);
    let session = r
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("__Host-tabara_session="))
        .expect("a __Host- session cookie");
    assert!(host_cookie(&session), "{session}");
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Strict"));
    assert!(!b.cookies.contains_key("tabara_session"));
    assert_eq!(b.get("/cases").await.status, 200);
    // Sign-out clears the same cookie.
    let csrf = b.csrf_of("/").await;
    let out = b.post("/signout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, 303);
    assert!(!b.cookies.contains_key("__Host-tabara_session"));
    assert_eq!(b.get("/cases").await.status, 303);
    db.finish().await;
});
