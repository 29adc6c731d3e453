//! The route table against the router and the API's description: every route declares its
//! access (the builder takes no route without one), the router serves every route the table
//! lists, and `openapi.json` describes exactly the API routes.

use std::collections::BTreeSet;

use axum::body::Body as HttpBody;
use axum::http::{Request, StatusCode, header};
use tabara_store::testing::TestDb;
use tower::ServiceExt;

use super::{Access, Body, Kind, RouteInfo};
use crate::{Config, app, route_table};

/// A concrete path for a pattern: each parameter replaced by a value of its form.
fn concrete(pattern: &str) -> String {
    pattern
        .replace("{number}", "TBR-000001")
        .replace("{reference}", "TBR-000001")
        .replace("{person}", "0190f000-0000-7000-8000-000000000001")
        .replace("{id}", "0190f000-0000-7000-8000-000000000002")
        .replace("{username}", "nobody")
        .replace("{name}", "sex.csv")
        .replace("{code}", "ABCD-EFGH-JKMN")
        .replace("{*rest}", "no/such/thing")
}

/// Whether an answer is the router's fallback: the pages' 404, or for the API the 404 that
/// `problems_only` makes of it (a handler's own 404 there is `/problems/not-found`).
async fn is_fallback(response: axum::response::Response) -> bool {
    if response.status() != StatusCode::NOT_FOUND {
        return false;
    }
    let kind = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    let body = String::from_utf8_lossy(&body);
    kind.starts_with("text/html") || body.contains("/problems/http")
}

async fn ask(db: &TestDb, method: &str, path: &str) -> axum::response::Response {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .body(HttpBody::empty())
        .unwrap();
    app(db.store.clone(), Config::default())
        .oneshot(request)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_router_serves_every_route_of_the_table() {
    let db = TestDb::sqlite().await;
    // The check can tell: a path that is not registered falls to the fallback, on the pages
    // and in the API.
    assert!(is_fallback(ask(&db, "GET", "/no-such-page").await).await);
    assert!(is_fallback(ask(&db, "GET", "/api/v2/cases").await).await);
    // A registered path asked with another method is 405, which is refused below too.
    let wrong_method = ask(&db, "POST", "/api/v1/cases").await;
    assert_eq!(wrong_method.status(), StatusCode::METHOD_NOT_ALLOWED);
    let table = route_table();
    assert!(table.len() > 70, "{} routes", table.len());
    for route in &table {
        let path = concrete(route.path);
        let response = ask(&db, route.method, &path).await;
        let status = response.status();
        assert_ne!(
            status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{} {path}",
            route.method
        );
        assert!(
            !is_fallback(response).await,
            "{} {path} fell to the fallback",
            route.method
        );
        // Nobody is signed in: anything but a public route stops at the access check.
        if route.access != Access::Public {
            // A phone's routes answer 401 as the API's do (a challenge, never a page).
            let expected =
                if route.path.starts_with("/api/") || route.path.starts_with("/openrosa/") {
                    StatusCode::UNAUTHORIZED
                } else {
                    StatusCode::SEE_OTHER
                };
            assert_eq!(status, expected, "{} {path}", route.method);
        }
    }
}

#[test]
fn no_two_routes_share_a_method_and_a_path() {
    let mut seen = BTreeSet::new();
    for route in route_table() {
        assert!(
            seen.insert((route.method, route.path)),
            "{} {} twice",
            route.method,
            route.path
        );
    }
}

/// The parameter a record kind is loaded by.
fn needs(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Case => &["{number}", "{reference}"],
        Kind::CasePerson | Kind::SupportPerson => &["{person}"],
        Kind::User => &["{username}"],
        Kind::Screening
        | Kind::TrainingSession
        | Kind::Participant
        | Kind::Certificate
        | Kind::OwnCertificate
        | Kind::Organisation
        | Kind::AccountRequest
        | Kind::Referral
        | Kind::ServiceProvider
        | Kind::OwnServiceProvider
        | Kind::Custody
        | Kind::Dossier => &["{id}"],
    }
}

#[test]
fn every_declaration_fits_its_route() {
    for RouteInfo {
        method,
        path,
        access,
        body,
    } in route_table()
    {
        let route = format!("{method} {path}");
        if let Access::Record(kind, _) = access {
            assert!(
                needs(kind).iter().any(|p| path.contains(p)),
                "{route}: {kind:?} is loaded by {:?}",
                needs(kind)
            );
            if matches!(kind, Kind::CasePerson | Kind::SupportPerson) {
                assert!(path.contains("{number}"), "{route}");
            }
        }
        match method {
            "GET" => assert_eq!(body, Body::None, "{route}"),
            "POST" => assert_ne!(body, Body::None, "{route}"),
            other => panic!("{route}: method {other}"),
        }
        let api = path.starts_with("/api/");
        // Bearer tokens carry no cookie, so the API takes no form; the pages take no JSON.
        if api {
            assert!(
                matches!(body, Body::None | Body::Json | Body::JsonUpload),
                "{route}"
            );
        } else {
            assert!(!matches!(body, Body::Json | Body::JsonUpload), "{route}");
        }
        // A form before any session is only sign-in and the language switch, which carry the
        // double-submit token; every other form is a signed-in user's, checked by `CsrfForm`.
        if body == Body::Form && access == Access::Public {
            assert!(path == "/signin" || path == "/lang", "{route}");
        }
    }
}

/// `openapi.json` describes exactly the API routes the router serves (its paths are relative
/// to its server, `/api/v1`), except the catch-all that answers 404 to anything else.
#[test]
fn openapi_lists_exactly_the_api_routes() {
    let doc: serde_json::Value = serde_json::from_str(include_str!("../../openapi.json")).unwrap();
    let base = doc["servers"][0]["url"].as_str().unwrap();
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.insert((method.to_uppercase(), format!("{base}{path}")));
        }
    }
    let served: BTreeSet<(String, String)> = route_table()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/") && !r.path.contains("{*"))
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    assert!(served.len() >= 10, "{served:?}");
    assert_eq!(documented, served);
}

/// A session of a demo account, as a `Cookie` header, and the session's CSRF token.
async fn session_of(db: &TestDb, username: &str) -> (String, String) {
    let store = &db.store;
    let demo = tabara_demo::Demo::new(9, 10);
    let actor = tabara_store::Actor::system("test");
    // Nobody signs in with a password here: the session is made directly.
    if store.user_by_username(username).await.unwrap().is_none() {
        demo.reference()
            .write(store, &actor, "not-a-password-hash")
            .await
            .unwrap();
    }
    let user = store.user_by_username(username).await.unwrap().unwrap();
    let (token, csrf) = (super::random_token(), super::random_token());
    let expires = chrono::Utc::now() + chrono::Duration::hours(1);
    store
        .create_session(
            user.id,
            &tabara_store::token_hash(&token),
            &csrf,
            "en",
            expires,
        )
        .await
        .unwrap();
    (format!("tabara_session={token}"), csrf)
}

async fn post_form(db: &TestDb, cookie: &str, path: &str, csrf: &str) -> StatusCode {
    let request = Request::builder()
        .method("POST")
        .uri(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(HttpBody::from(format!("csrf={csrf}")))
        .unwrap();
    let response = app(db.store.clone(), Config::default())
        .oneshot(request)
        .await
        .unwrap();
    response.status()
}

/// The access declaration is checked before the form is read, and the form's token before the
/// handler runs: a forged token changes nothing. On both backends.
#[tokio::test]
async fn a_form_runs_its_handler_only_with_the_sessions_token_and_the_declared_access() {
    let backends = [Some(TestDb::sqlite().await), TestDb::postgres().await];
    for db in backends.into_iter().flatten() {
        forged_forms_change_nothing(db).await;
    }
}

async fn forged_forms_change_nothing(db: TestDb) {
    let (admin, admin_csrf) = session_of(&db, "admin").await;
    let (officer, officer_csrf) = session_of(&db, "officer").await;
    let disabled = async || {
        db.store
            .user_by_username("officer")
            .await
            .unwrap()
            .unwrap()
            .disabled
    };
    let path = "/admin/users/officer/disable";
    // Another session's token, the token unmasked, no token: 403, and the account is as it was.
    for forged in [
        super::mask_token(&officer_csrf),
        admin_csrf.clone(),
        String::new(),
    ] {
        assert_eq!(
            post_form(&db, &admin, path, &forged).await,
            StatusCode::FORBIDDEN
        );
        assert!(!disabled().await);
    }
    // A role without the declared action meets the 404 before its (valid) token is read.
    let masked = super::mask_token(&officer_csrf);
    assert_eq!(
        post_form(&db, &officer, path, &masked).await,
        StatusCode::NOT_FOUND
    );
    assert!(!disabled().await);
    // The session's own token, masked as a page carries it: the handler runs.
    let masked = super::mask_token(&admin_csrf);
    assert_eq!(post_form(&db, &admin, path, &masked).await, StatusCode::OK);
    assert!(disabled().await);
}

/// No route reaches the router except through [`Routes`](super::Routes): outside
/// `access/mod.rs` (and outside unit tests, which build routers of their own), the crate's
/// code never calls axum's `.route`, `.nest`, `.route_service` or `.nest_service`, makes no
/// `Router::new()` and names `axum::routing` nowhere; the one fallback is `lib.rs`'s.
/// So a route without a declared access neither compiles through the builder nor slips in
/// beside it.
#[test]
fn routes_are_registered_only_through_the_builder() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let (mut files, mut folders) = (Vec::new(), vec![src.clone()]);
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    assert!(files.len() > 30, "{} source files", files.len());
    let mut found = Vec::new();
    for path in &files {
        let name = path
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if name == "access/mod.rs" || name.ends_with("tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        // Unit tests at the end of a file may build routers of their own.
        let code = text.split("#[cfg(test)]").next().unwrap();
        for pattern in [
            ".route(",
            ".nest(",
            ".route_service(",
            ".nest_service(",
            "axum::routing",
            "Router::new()",
            ".fallback(",
        ] {
            if pattern == ".fallback(" && name == "lib.rs" {
                continue;
            }
            for (n, line) in code.lines().enumerate() {
                if line.contains(pattern) && !line.trim_start().starts_with("//") {
                    found.push(format!("{name}:{}: {}", n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "routes registered beside the builder:\n{}",
        found.join("\n")
    );
}
