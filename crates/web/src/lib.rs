//! Tabara's web application: server-rendered pages over the store, with sign-in, server-side
//! sessions, CSRF tokens on every form, security headers, and need-to-know access decided by
//! `tabara_core::permissions` for every record shown.
//!
//! This is the only crate that knows HTTP and HTML. A request flows: security layers (limits,
//! timeout, headers) → router → the route's declared [`Access`], checked before the handler
//! (session or token, role, the record the path names) → extractors (the loaded record, the
//! CSRF-checked form) → handler → store → template.
//!
//! The code is laid out by domain, each area with its own `router()`: cases (list,
//! case page, intake, edit), screening, training (sessions, register, grading, certificates,
//! verification), materials, reports, admin (users, requests, organisations), api, auth,
//! account, home. Below them: `access` (declarations, checks, extractors, sessions), `state`,
//! `error`, `view`, `layers`.
#![deny(missing_docs)]

mod access;
mod account;
mod admin;
mod api;
mod auth;
mod cases;
mod documents;
mod error;
mod field;
mod files;
mod home;
mod investigations;
mod layers;
mod materials;
mod notifications;
mod pathway;
pub(crate) mod referrals;
mod report;
mod reports;
mod risk;
mod screening;
mod second_factor;
mod services;
mod state;
mod support;
mod training;
mod view;

use std::net::SocketAddr;

use axum::{Extension, Router};
use tabara_store::Store;

pub use access::{Access, Body, Kind, RouteInfo};
pub use documents::{scan_json, scan_notes};
pub use investigations::{DossierPdf, dossier_pdf};
pub use report::access_report_pdf;
pub use state::{AppState, Config, Directory};

/// Every route of the application, each with its declared access: the one list that both the
/// router and [`route_table`] are made from.
fn routes() -> access::Routes {
    home::router()
        .merge(auth::router())
        .merge(second_factor::router())
        .merge(account::router())
        .merge(cases::router())
        .merge(files::router())
        .merge(report::router())
        .merge(screening::router())
        .merge(referrals::router())
        .merge(pathway::router())
        .merge(training::router())
        .merge(materials::router())
        .merge(reports::router())
        .merge(admin::router())
        .merge(services::router())
        .merge(api::router())
        .merge(risk::router())
        .merge(support::router())
        .merge(notifications::router())
        .merge(investigations::router())
        .merge(documents::router())
        .merge(field::router())
}

pub use field::{FieldUser, digest_response, render_forms, rendered_forms};

/// Every route the application serves: method, path pattern, declared access and body, in
/// the order they are registered.
pub fn route_table() -> Vec<RouteInfo> {
    routes().into_parts().1
}

/// The whole application as a router (tests serve it on a random port).
pub fn app(store: Store, config: Config) -> Router {
    let behind_tls = config.behind_tls;
    let state = AppState::new(store, config);
    let (router, _) = routes().into_parts();
    let router = router
        .fallback(home::not_found)
        .with_state(state.clone())
        .layer(Extension(state));
    layers::apply(router, behind_tls)
}

/// Serve until Ctrl-C or SIGTERM, finishing the requests under way.
pub async fn serve(store: Store, config: Config, listen: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    serve_on(listener, store, config, shutdown_signal()).await
}

/// Serve on a bound listener until `shutdown` completes.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    store: Store,
    config: Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // The screening catalogue is data: refuse to start on a broken one rather than fail later.
    tabara_core::screening::Catalogue::embedded()
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))?;
    // The peer's address reaches the handlers (sign-in is throttled per address).
    let service = app(store, config).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
