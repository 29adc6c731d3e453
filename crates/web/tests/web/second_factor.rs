//! The second factor (issue 13): an investigator's right password alone opens nothing but the
//! second-factor pages; enrolment by QR code and first code, recovery codes shown once; the
//! next sign-in asks for the app's code, refuses a wrong or replayed one, locks after five,
//! and takes a recovery code once.

use tabara_demo::DEMO_PASSWORD;
use tabara_store::store_test;

use crate::common::*;

/// The app's code now for the secret the enrolment page shows.
fn code_for(secret_b32: &str, offset_steps: i64) -> String {
    let secret = base32_decode(secret_b32);
    let now = chrono::Utc::now().timestamp();
    let step = tabara_core::totp::step_of(now) + offset_steps;
    format!("{:06}", tabara_core::totp::code_at(&secret, step))
}

fn base32_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let (mut buffer, mut bits, mut out) = (0u32, 0u32, Vec::new());
    for c in text.chars() {
        let v = ALPHABET.find(c).expect("base32") as u32;
        buffer = (buffer << 5) | v;
        bits += 5;
        if bits >= 8 {
            out.push((buffer >> (bits - 8)) as u8);
            bits -= 8;
        }
    }
    out
}

fn between<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    body.split(start)
        .nth(1)
        .and_then(|r| r.split(end).next())
        .unwrap_or("")
}

store_test!(
    an_investigator_signs_in_only_with_the_second_factor,
    |db| async move {
        let app = serve_exact(
            &db,
            tabara_demo::Demo::new(9, 120),
            tabara_web::Config::default(),
        )
        .await;
        let mut b = browser(&app);
        // The right password: sent on to the second factor, and nothing else opens.
        let r = b.sign_in("investigator", DEMO_PASSWORD).await;
        assert_eq!(r.status, 303);
        assert!(
            r.location
                .as_deref()
                .unwrap()
                .starts_with("/signin/second-factor"),
            "{:?}",
            r.location
        );
        for path in ["/", "/cases", "/cases/TBR-000001", "/api/v1/cases"] {
            let r = b.get(path).await;
            assert!(
                r.status == 303 && r.location.as_deref() == Some("/signin/second-factor")
                    || r.status == 401,
                "{path}: {} {:?}",
                r.status,
                r.location
            );
        }
        // Not enrolled yet: enrolment, with a QR code and the key in words.
        let r = b.get("/signin/second-factor").await;
        assert_eq!(r.location.as_deref(), Some("/account/second-factor?next=/"));
        let page = b.get("/account/second-factor?next=/").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("<svg"), "a QR code");
        let secret = between(&page.body, "<code id=\"secret\">", "</code>").to_string();
        assert_eq!(secret.len(), 32);
        let csrf = Browser::csrf(&page.body);
        let wrong = b
            .post(
                "/account/second-factor",
                &[("code", "000000"), ("csrf", &csrf), ("next", "/")],
            )
            .await;
        assert_eq!(wrong.status, 422);
        assert!(wrong.body.contains(&secret), "the same secret again");
        let done = b
            .post(
                "/account/second-factor",
                &[
                    ("code", &code_for(&secret, 0)),
                    ("csrf", &csrf),
                    ("next", "/"),
                ],
            )
            .await;
        assert_eq!(done.status, 200);
        let codes: Vec<String> = between(&done.body, "<ul id=\"recovery-codes\"", "</ul>")
            .split("<code>")
            .skip(1)
            .map(|c| c.split("</code>").next().unwrap().to_string())
            .collect();
        assert_eq!(codes.len(), 10);
        // The session is a full one now.
        assert_eq!(b.get("/cases").await.status, 200);
        let csrf = b.csrf_of("/cases").await;
        b.post("/signout", &[("csrf", &csrf)]).await;

        // Next sign-in: the code is asked for; a wrong one and a replayed one are refused.
        let mut b = browser(&app);
        b.sign_in("investigator", DEMO_PASSWORD).await;
        let page = b.get("/signin/second-factor").await;
        assert_eq!(page.status, 200);
        let csrf = Browser::csrf(&page.body);
        let r = b
            .post(
                "/signin/second-factor",
                &[("code", "123456"), ("csrf", &csrf), ("next", "/")],
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("not right"), "{}", r.body);
        let used = code_for(&secret, 0);
        let r = b
            .post(
                "/signin/second-factor",
                &[("code", &used), ("csrf", &csrf), ("next", "/")],
            )
            .await;
        if r.status == 303 {
            // The enrolment's code was of an earlier step: this one opened; sign out again.
            let csrf = b.csrf_of("/cases").await;
            b.post("/signout", &[("csrf", &csrf)]).await;
            b = browser(&app);
            b.sign_in("investigator", DEMO_PASSWORD).await;
        } else {
            assert_eq!(r.status, 422, "a code used at enrolment is not good again");
        }
        // A recovery code opens once.
        let csrf = b.csrf_of("/signin/second-factor").await;
        let r = b
            .post(
                "/signin/second-factor",
                &[("code", &codes[0]), ("csrf", &csrf), ("next", "/cases")],
            )
            .await;
        assert_eq!((r.status, r.location.as_deref()), (303, Some("/cases")));
        assert_eq!(b.get("/cases").await.status, 200);

        // Five wrong codes lock it, even for the right one.
        let mut b = browser(&app);
        b.sign_in("investigator", DEMO_PASSWORD).await;
        let csrf = b.csrf_of("/signin/second-factor").await;
        for _ in 0..5 {
            b.post(
                "/signin/second-factor",
                &[("code", "999999"), ("csrf", &csrf), ("next", "/")],
            )
            .await;
        }
        let r = b
            .post(
                "/signin/second-factor",
                &[("code", &codes[0]), ("csrf", &csrf), ("next", "/")],
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("Too many wrong codes"), "{}", r.body);
        let actions: Vec<String> = db
            .store
            .audit_entries(0, 100_000)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        for a in [
            "user.second_factor_enrol",
            "user.second_factor_fail",
            "user.recovery_code_use",
        ] {
            assert!(actions.iter().any(|x| x == a), "{a} not audited");
        }
        // A role that does not read identities signs in with its password alone.
        let mut b = browser(&app);
        let r = b.sign_in("analyst", DEMO_PASSWORD).await;
        assert_eq!((r.status, r.location.as_deref()), (303, Some("/")));
        db.finish().await;
    }
);

store_test!(
    sign_in_is_throttled_per_address_whatever_the_account,
    |db| async move {
        let app = start(&db).await;
        let mut b = browser(&app);
        // Twenty wrong passwords spread over accounts (none of them locks: four each).
        for i in 0..20 {
            let user = ["officer", "supervisor", "caseworker", "analyst", "trainer"][i % 5];
            let r = b.sign_in(user, "not the password").await;
            assert_eq!(r.status, 422);
        }
        // Now even the right password of another account is refused from this address.
        let r = b.sign_in("investigator", DEMO_PASSWORD).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("from this address"), "{}", r.body);
        db.finish().await;
    }
);
