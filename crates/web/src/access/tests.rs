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
            let expected = if route.path.starts_with("/api/") {
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
        Kind::CasePerson => &["{person}"],
        Kind::User => &["{username}"],
        Kind::Screening
        | Kind::TrainingSession
        | Kind::Participant
        | Kind::Certificate
        | Kind::OwnCertificate
        | Kind::Organisation
        | Kind::AccountRequest => &["{id}"],
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
            if kind == Kind::CasePerson {
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
            assert!(matches!(body, Body::None | Body::Json), "{route}");
        } else {
            assert_ne!(body, Body::Json, "{route}");
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
