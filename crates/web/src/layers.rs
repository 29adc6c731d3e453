//! The layers every response passes through, outermost last: request ids and structured logs,
//! a panic caught as a clean error page, no caching of anything but the stylesheet, limits,
//! time-outs and security headers.
//!
//! Logs carry the request id, method, the route's template (`/cases/{number}`, never the
//! path or query actually requested: a query can hold a searched name), status and latency.
//! Causes of server errors are logged where they are turned into responses (`error.rs`) inside the request's span, so they carry the same request id.

use std::any::Any;
use std::time::Duration;

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue, Response, header};
use axum::middleware::Next;
use axum::response::IntoResponse;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{
    MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// The header that carries a request's id, to the client and in every log line.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// Wrap the application's routes in every layer.
pub fn apply(router: Router, behind_tls: bool) -> Router {
    // Innermost: a panic in a handler becomes a 500 page that then passes through every
    // layer below, so it carries the request id, the cache policy and the security headers.
    let mut router = router
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(axum::middleware::from_fn(problems_only))
        .layer(axum::middleware::from_fn(crate::field::openrosa_only))
        .layer(axum::middleware::from_fn(plain_rejections_as_pages))
        .layer(axum::middleware::from_fn(no_store))
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
        ));
    if behind_tls {
        router = router.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ));
    }
    // Outermost: the request id is set first, so the span and the logs carry it.
    router
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_request(())
                .on_response(log_response)
                .on_failure(()),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

/// One span per request: its id, method and route template, nothing the user typed.
fn request_span(request: &Request) -> tracing::Span {
    let id = request
        .extensions()
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .unwrap_or("-")
        .to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "(no route)".into());
    tracing::info_span!("request", request_id = %id, method = %request.method(), route = %route)
}

fn log_response<B>(response: &Response<B>, latency: Duration, _span: &tracing::Span) {
    let status = response.status().as_u16();
    let latency_ms = latency.as_secs_f64() * 1000.0;
    if status >= 500 {
        tracing::error!(status, latency_ms, "response");
    } else {
        tracing::info!(status, latency_ms, "response");
    }
}

/// A caught panic: logged (the message names code, not people), answered with the error page.
fn panic_response(err: Box<dyn Any + Send + 'static>) -> Response<axum::body::Body> {
    let message = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = message, "handler panicked");
    crate::error::internal_error_page().into_response()
}

/// Pages never answer the framework's plain-text rejection (`Failed to deserialize query
/// string: …`): a request refused before its handler gets the error page, with its status and
/// headers (e.g. `Allow`) kept. The API has its own rule (`api::problems_only`).
async fn plain_rejections_as_pages(request: Request, next: Next) -> axum::response::Response {
    let api =
        request.uri().path().starts_with("/api/") || request.uri().path().starts_with("/openrosa/");
    let response = next.run(request).await;
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/plain"));
    if api || !plain || !response.status().is_client_error() {
        return response;
    }
    let (parts, _) = response.into_parts();
    with_headers_of(
        crate::error::refused_request_page(parts.status),
        &parts.headers,
    )
}

/// Every error the API answers is a problem document, also those that axum produces before a
/// handler runs (a path that does not parse, a method not allowed, a body too large).
async fn problems_only(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if !api || is_problem || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    let detail = String::from_utf8_lossy(&text).trim().to_string();
    let title = status.canonical_reason().unwrap_or("Error");
    let problem =
        crate::error::Problem::new(status, "/problems/http", title, detail).into_response();
    with_headers_of(problem, &parts.headers)
}

/// A replacement answer keeps the headers of the one it replaces (e.g. `Allow`), but not those
/// that describe the old body.
pub(crate) fn with_headers_of(
    mut response: axum::response::Response,
    headers: &axum::http::HeaderMap,
) -> axum::response::Response {
    for (name, value) in headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            response.headers_mut().insert(name.clone(), value.clone());
        }
    }
    response
}

/// Nothing a signed-in user saw may stay in a browser's or a proxy's cache (on a shared
/// border-post computer, Back after sign-out would show it again): every response is
/// `no-store` unless its handler chose otherwise (the stylesheet, which holds no data).
async fn no_store(request: Request, next: Next) -> axum::response::Response {
    let mut response = next.run(request).await;
    response
        .headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::StatusCode;
    use axum::routing::get;
    use tower::ServiceExt;

    /// The body of an HTML answer, after checking that it says it is HTML.
    async fn html_body(response: Response<Body>) -> String {
        assert!(
            response.headers()[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        let body = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        String::from_utf8(body.to_vec()).unwrap()
    }

    async fn boom() -> &'static str {
        let quantity: Vec<u8> = Vec::new();
        // An index out of bounds, as a bug in a handler would cause.
        let _ = quantity[usize::from(quantity.is_empty())];
        "unreachable"
    }

    #[tokio::test]
    async fn a_panicking_handler_answers_a_clean_error_page() {
        let app = apply(Router::new().route("/boom", get(boom)), false);
        let response = app
            .oneshot(Request::builder().uri("/boom").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let headers = response.headers().clone();
        assert!(headers.contains_key(REQUEST_ID), "{headers:?}");
        assert_eq!(headers[header::CACHE_CONTROL], "no-store");
        assert!(headers.contains_key(header::CONTENT_SECURITY_POLICY));
        let body = html_body(response).await;
        assert!(body.contains("<h1>"), "{body}");
        assert!(!body.contains("panicked"), "{body}");
        assert!(!body.contains("index out of bounds"), "{body}");
    }

    #[tokio::test]
    async fn a_query_that_does_not_parse_gets_the_error_page() {
        #[derive(serde::Deserialize)]
        struct Cursor {
            #[allow(dead_code)]
            after: i64,
        }
        async fn list(_q: axum::extract::Query<Cursor>) -> &'static str {
            "list"
        }
        let app = apply(Router::new().route("/cases", get(list)), false);
        let response = app
            .oneshot(
                Request::builder()
                    .uri("/cases?after=abc")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let body = html_body(response).await;
        assert!(body.contains("Request not understood"), "{body}");
        assert!(!body.contains("deserialize"), "{body}");
    }

    #[tokio::test]
    async fn a_handlers_own_cache_policy_is_kept() {
        async fn css() -> impl IntoResponse {
            ([(header::CACHE_CONTROL, "public, max-age=60")], "body{}")
        }
        let app = apply(Router::new().route("/css", get(css)), false);
        let response = app
            .oneshot(Request::builder().uri("/css").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(
            response.headers()[header::CACHE_CONTROL],
            "public, max-age=60"
        );
    }
}
