//! CSRF tokens.

use crate::common::*;

store_test!(csrf_tokens_are_masked_per_response, |db| async move {
    let app = start(&db).await;
    let mut b = browser(&app);
    b.sign_in("officer", DEMO_PASSWORD).await;
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
        let r = b
            .post("/lang", &[("lang", "en"), ("csrf", token), ("back", "/")])
            .await;
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
