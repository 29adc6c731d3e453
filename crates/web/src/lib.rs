//! Tabara's web application: server-rendered pages over the store, with sign-in, server-side
//! sessions, CSRF tokens on every form, security headers, and need-to-know access decided by
//! `tabara_core::permissions` for every record shown.
//!
//! This is the only crate that knows HTTP and HTML. A request flows: security layers (limits,
//! timeout, headers) → route handler → `auth::CurrentUser` (session) → permission decision →
//! store → template.
#![deny(missing_docs)]

mod account;
mod admin;
mod api;
mod auth;
mod edit;
mod error;
mod intake;
mod layers;
mod pages;
mod reports;
mod screening;
mod training;
mod view;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use tabara_store::Store;

/// How the server behaves.
#[derive(Debug, Clone)]
pub struct Config {
    /// Tabara is reached over HTTPS (behind a TLS proxy): cookies are `Secure` and HSTS is sent.
    pub behind_tls: bool,
    /// A session ends after this long without a request.
    pub idle_timeout: chrono::Duration,
    /// A session ends this long after sign-in, whatever the activity.
    pub absolute_timeout: chrono::Duration,
    /// The address people reach Tabara at (e.g. `https://tabara.example.bi`), printed in
    /// certificates' verification links; without it, the address of the request is used.
    pub public_url: Option<String>,
    /// Creating or resetting an account whose role reads identities or manages accounts
    /// (administrator) waits for a second administrator's approval (on by default; `tabara serve --single-admin-resets` or
    /// `TABARA_ADMIN_APPROVAL=off` turns it off for an installation with one administrator).
    pub admin_approval: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            behind_tls: false,
            idle_timeout: chrono::Duration::minutes(30),
            absolute_timeout: chrono::Duration::hours(12),
            public_url: None,
            admin_approval: true,
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    store: Store,
    config: Arc<Config>,
    directory: Arc<tokio::sync::RwLock<Option<Directory>>>,
}

/// Organisations and offices, read often and changed rarely: kept for a minute.
#[derive(Clone)]
pub struct Directory {
    loaded: std::time::Instant,
    /// Every organisation.
    pub organisations: Arc<Vec<tabara_core::records::Organisation>>,
    /// Every office.
    pub offices: Arc<Vec<tabara_core::records::Office>>,
}

impl AppState {
    /// The directory, reloaded when older than a minute.
    pub async fn directory(&self) -> Result<Directory, tabara_store::StoreError> {
        if let Some(d) = self.directory.read().await.as_ref()
            && d.loaded.elapsed() < Duration::from_secs(60)
        {
            return Ok(d.clone());
        }
        let d = Directory {
            loaded: std::time::Instant::now(),
            organisations: Arc::new(self.store.organisations().await?),
            offices: Arc::new(self.store.offices().await?),
        };
        *self.directory.write().await = Some(d.clone());
        Ok(d)
    }
}

impl AppState {
    /// Drop the cached directory after a change to organisations or offices.
    pub async fn forget_directory(&self) {
        *self.directory.write().await = None;
    }
}

/// The whole application as a router (tests serve it on a random port).
pub fn app(store: Store, config: Config) -> Router {
    let state = AppState {
        store,
        config: Arc::new(config.clone()),
        directory: Arc::new(tokio::sync::RwLock::new(None)),
    };
    let router = Router::new()
        .route("/", get(pages::dashboard))
        .route("/signin", get(auth::signin_page).post(auth::signin))
        .route("/signout", post(auth::signout))
        .route("/lang", post(auth::set_language))
        .route(
            "/account/password",
            get(account::password_page).post(account::change_password),
        )
        .route("/cases", get(pages::case_list))
        .route(
            "/cases/new",
            get(intake::new_case_page).post(intake::create_case),
        )
        .route("/cases/{number}", get(pages::case_page))
        .route(
            "/cases/{number}/edit",
            get(edit::edit_case_page).post(edit::update_case),
        )
        .route("/cases/{number}/comments", post(edit::add_comment))
        .route("/cases/{number}/shares", post(edit::share_case))
        .route("/cases/{number}/persons/{person}", get(pages::person_page))
        .route(
            "/cases/{number}/persons/{person}/edit",
            get(edit::edit_person_page).post(edit::update_person),
        )
        .route(
            "/cases/{number}/persons/{person}/screenings",
            post(screening::start),
        )
        .route(
            "/screenings/{id}",
            get(screening::show).post(screening::save_step),
        )
        .route("/screenings/{id}/review", get(screening::review))
        .route("/screenings/{id}/complete", post(screening::complete))
        .route("/screenings/{id}/decision", post(screening::decision))
        .route("/verify", get(training::verify))
        .route("/training", get(training::sessions))
        .route("/training/reports", get(reports::reports))
        .route("/training/materials", get(training::materials))
        .route("/training/materials/items", post(training::create_material))
        .route(
            "/training/materials/receive",
            post(training::receive_material),
        )
        .route(
            "/training/materials/distribute",
            post(training::distribute_material),
        )
        .route("/training/reports/{name}", get(reports::report_csv))
        .route(
            "/training/sessions/new",
            get(training::new_session_page).post(training::create_session),
        )
        .route("/training/sessions/{id}", get(training::session))
        .route(
            "/training/sessions/{id}/participants",
            post(training::add_participant),
        )
        .route(
            "/training/sessions/{id}/register",
            post(training::save_register),
        )
        .route("/training/sessions/{id}/test", get(training::test_sheet))
        .route(
            "/training/participants/{id}/grade",
            get(training::grade_page).post(training::grade),
        )
        .route(
            "/training/sessions/{id}/certificates",
            post(training::issue_certificates),
        )
        .route(
            "/training/sessions/{id}/certificates.pdf",
            get(training::session_certificates_pdf),
        )
        .route(
            "/training/certificates/{id}/pdf",
            get(training::certificate_pdf),
        )
        .route("/training/certificates/{id}/revoke", post(training::revoke))
        .route("/account/certificates", get(training::my_certificates))
        .route("/admin/users", get(admin::users))
        .route(
            "/admin/users/new",
            get(admin::new_user_page).post(admin::create_user),
        )
        .route("/admin/users/{username}", get(admin::user_detail))
        .route("/admin/users/{username}/disable", post(admin::disable_user))
        .route("/admin/users/{username}/enable", post(admin::enable_user))
        .route("/admin/users/{username}/reset", post(admin::reset_user))
        .route("/admin/requests/{id}/approve", post(admin::approve_request))
        .route("/admin/requests/{id}/refuse", post(admin::refuse_request))
        .route("/admin/organisations", get(admin::organisations))
        .route(
            "/admin/organisations/new",
            get(admin::new_organisation_page).post(admin::create_organisation),
        )
        .route(
            "/admin/organisations/{id}",
            get(admin::organisation_detail).post(admin::update_organisation),
        )
        .route("/admin/organisations/{id}/offices", post(admin::add_office))
        .route("/api/v1/cases", get(api::cases))
        .route("/api/v1/cases/{reference}", get(api::case))
        .route("/api/v1/screening/catalogue", get(api::screening_catalogue))
        .route("/api/v1/screening/evaluate", post(api::screening_evaluate))
        .route("/api/v1/screenings/{id}", get(api::screening))
        .route("/api/v1/training/curriculum", get(api::training_curriculum))
        .route("/api/v1/training/sessions", get(api::training_sessions))
        .route("/api/v1/training/sessions/{id}", get(api::training_session))
        .route(
            "/api/v1/training/certificates/{code}",
            get(api::certificate_status),
        )
        .route("/api/v1/training/materials", get(api::training_materials))
        .route("/api/v1/openapi.json", get(api::openapi))
        .route("/api/v1/{*rest}", get(api::not_found))
        .route("/healthz", get(pages::healthz))
        .route("/readyz", get(pages::readyz))
        .route("/static/tabara.css", get(pages::stylesheet))
        .fallback(pages::not_found)
        .with_state(state);
    layers::apply(router, config.behind_tls)
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
    axum::serve(listener, app(store, config))
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
