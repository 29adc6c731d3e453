//! CSRF tokens.

use crate::common::*;

store_test!(csrf_tokens_are_masked_per_response, |db| async move {
    let app = start(&db).await;
    let mut b = signed_in(&app, "officer").await;
    // A page that reflects what was typed, rendered twice.
    let one = b.get("/cases?q=Ndayisenga").await;
    let two = b.get("/cases?q=Ndayisenga").await;
    let (t1, t2) = (Browser::csrf(&one.body), Browser::csrf(&two.body));
    assert!(!t1.is_empty());
    assert_ne!(t1, t2, "a fresh mask per response");
    let mut forged = t1.clone().into_bytes();
    forged[70] = if forged[70] == b'a' { b'b' } else { b'a' };
    let forged = String::from_utf8(forged).unwrap();
    for (token, status) in [(&t1, 303), (&t2, 303), (&forged, 403)] {
        let r = b.lang(token, "en", "/").await;
        assert_eq!(r.status, status, "{token}");
    }
    // A token masked for one page is good for the forms of another.
    let r = b.post("/signout", &[("csrf", &t2)]).await;
    assert_eq!(r.location.as_deref(), Some("/signin"));
    // Before sign-in, too: two sign-in pages carry different tokens.
    let mut v = browser(&app);
    let (p1, p2) = (v.get("/signin").await, v.get("/signin").await);
    assert_ne!(Browser::csrf(&p1.body), Browser::csrf(&p2.body));
    db.finish().await;
});

// Every form post of the route table, by a signed-in user who may make it, with a forged token
// and with none: refused as today (403; the sign-in form, which comes before a session, shows
// itself again saying the form expired), and nothing written. Generated from the table: a new
// form route is tried without being listed here.
store_test!(
    every_form_post_refuses_a_forged_or_missing_token,
    |db| async move {
        use crate::matrix::{audit_grown, send, want};
        use crate::policy::Want;
        use crate::world::{fill, targets, world};
        use tabara_web::{Access, Body, route_table};
        // The fields of the forms whose other fields are required, so that the token is what
        // the answer is about (a form missing a field is refused before its token is read).
        const COMPLETE: &[(&str, &str)] = &[
            ("username", "matrix.target"),
            ("password", "Matrice-2026-mot"),
            ("next", "/"),
            ("lang", "fr"),
            ("back", "/"),
            ("current", "Matrice-2026-mot"),
            ("new", "Matrice-2026-nouveau"),
            ("repeat", "Matrice-2026-nouveau"),
        ];
        let app = start(&db).await;
        let mut world = world(&db, &app).await;
        let mut anonymous = browser(&app);
        let mut head = 0;
        audit_grown(&db, &mut head).await;
        let mut wrong = Vec::new();
        let mut tried = 0;
        let forms: Vec<_> = route_table()
            .into_iter()
            .filter(|r| r.method == "POST" && matches!(r.body, Body::Form | Body::Multipart))
            .collect();
        for route in &forms {
            // The first signed-in user the route lets through.
            let mut found = None;
            'find: for target in targets(&world, route) {
                for who in 0..world.users.len() {
                    let w = want(&world, route, Some(&world.users[who]), target);
                    if matches!(w, Want::Allowed | Want::SignedOut) {
                        found = Some((who, target));
                        break 'find;
                    }
                }
            }
            let Some((who, target)) = found else {
                wrong.push(format!("POST {}: nobody may post it", route.path));
                continue;
            };
            let path = fill(&world, route, target);
            let name = world.users[who].username.clone();
            for token in ["forged", ""] {
                let reply = send(
                    &app,
                    route,
                    &path,
                    Some(&mut world.users[who]),
                    &mut anonymous,
                    Some(token),
                    COMPLETE,
                )
                .await;
                let appended = audit_grown(&db, &mut head).await;
                tried += 1;
                let refused = if route.access == Access::Public && route.path == "/signin" {
                    reply.status == 422 && (token.is_empty() || reply.body.contains("expired"))
                } else {
                    reply.status == 403
                };
                if !refused || appended != 0 {
                    wrong.push(format!(
                        "{name} POST {path} with token {token:?}: {} (audit +{appended}), want the \
                     refusal and nothing written",
                        reply.status
                    ));
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
        assert_eq!(tried, 2 * forms.len());
        assert!(forms.len() >= 29, "{} form routes", forms.len());
        // The forged sign-out signed nobody out, and the forged password change changed nothing.
        for user in &mut world.users {
            assert_eq!(user.browser.get("/").await.status, 200, "{}", user.username);
        }
        db.finish().await;
    }
);
