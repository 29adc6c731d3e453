//! The home page (the user's cases), the health checks, the stylesheet and the page for
//! anything else.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tabara_core::permissions::{Action, Relation, decide};
use tabara_store::{CaseFilter, CaseSummary, PageRequest};

use crate::access::{Access, CurrentUser, Routes, visitor_lang};
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, render};

/// The home page, health checks and stylesheet.
pub(crate) fn router() -> Routes {
    Routes::new()
        .get("/", Access::SignedIn, dashboard)
        .get("/healthz", Access::Public, healthz)
        .get("/readyz", Access::Public, readyz)
        .get("/static/tabara.css", Access::Public, stylesheet)
}

/// `GET /healthz`: the process answers.
async fn healthz() -> &'static str {
    "ok"
}

/// `GET /readyz`: the database answers too.
async fn readyz(State(state): State<AppState>) -> Response {
    match state.store.stats().await {
        Ok(_) => "ready".into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// `GET /static/tabara.css`.
async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../static/tabara.css"),
    )
        .into_response()
}

/// Anything else.
pub(crate) async fn not_found(headers: HeaderMap) -> AppError {
    AppError::NotFound(visitor_lang(&headers))
}

#[derive(askama::Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    chrome: Chrome,
    assigned: Vec<CaseSummary>,
    recent: Vec<CaseSummary>,
    can_see_cases: bool,
}

/// `GET /`: the user's cases and the newest ones within their reach.
async fn dashboard(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    let visible = CaseFilter {
        visible_to: Some(user.viewer.clone()),
        ..Default::default()
    };
    let first = PageRequest {
        after: None,
        limit: 10,
    };
    let recent = state.store.list_cases(&visible, first).await?.items;
    let mine = CaseFilter {
        owner_id: Some(user.user.id),
        ..visible
    };
    let assigned = state.store.list_cases(&mine, first).await?.items;
    let can_see_cases = decide(user.user.role, Action::ReadCase, Some(Relation::ANY)).allowed();
    Ok(render(&Dashboard {
        chrome: user.chrome("/"),
        assigned,
        recent,
        can_see_cases,
    }))
}
