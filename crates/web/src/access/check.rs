//! The layer every route carries: its declared access, checked before the handler runs.

use std::collections::HashMap;

use axum::extract::{FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tabara_core::Lang;
use tabara_core::permissions::{Action, decide};
use tabara_store::{StoreError, User, Viewer};

use super::records;
use super::{Access, session, token};
use crate::error::{AppError, Problem};
use crate::state::AppState;

/// Why a record check refused.
pub(super) enum Refusal {
    /// Missing, or out of reach: the same answer.
    NotFound,
    /// Readable, but the action is not allowed.
    Forbidden,
    /// The store failed.
    Store(StoreError),
}

impl From<StoreError> for Refusal {
    fn from(e: StoreError) -> Refusal {
        match e {
            StoreError::NotFound { .. } => Refusal::NotFound,
            other => Refusal::Store(other),
        }
    }
}

impl Refusal {
    fn page(self, lang: Lang) -> AppError {
        match self {
            Refusal::NotFound => AppError::NotFound(lang),
            Refusal::Forbidden => AppError::Forbidden(lang),
            Refusal::Store(e) => AppError::Store(e),
        }
    }

    fn api(self) -> Problem {
        match self {
            Refusal::NotFound => Problem::not_found(),
            Refusal::Forbidden => Problem::forbidden(),
            Refusal::Store(e) => e.into(),
        }
    }
}

/// The one asking, as the record checks need them.
pub(super) struct Principal<'a> {
    pub user: &'a User,
    pub viewer: &'a Viewer,
}

impl Principal<'_> {
    /// Whether the role grants an action that is not about one record.
    pub fn may(&self, action: Action) -> bool {
        decide(self.user.role, action, None).allowed()
    }
}

/// Check `access` for the request; on success the handler runs with what the check found
/// (the signed-in user, the loaded record) in the request's extensions.
pub(super) async fn check(access: Access, api: bool, request: Request, next: Next) -> Response {
    let Some(state) = request.extensions().get::<AppState>().cloned() else {
        tracing::error!("the application state is not in the request");
        return crate::error::internal_error_page();
    };
    let (mut parts, body) = request.into_parts();
    let checked = if api {
        check_api(access, &state, &mut parts).await
    } else {
        check_page(access, &state, &mut parts).await
    };
    match checked {
        Ok(()) => next.run(Request::from_parts(parts, body)).await,
        Err(response) => response,
    }
}

async fn params(parts: &mut Parts) -> HashMap<String, String> {
    Path::<HashMap<String, String>>::from_request_parts(parts, &())
        .await
        .map(|Path(p)| p)
        .unwrap_or_default()
}

async fn check_page(access: Access, state: &AppState, parts: &mut Parts) -> Result<(), Response> {
    if access == Access::Public {
        return Ok(());
    }
    let user = session::authenticate(parts, state)
        .await
        .map_err(IntoResponse::into_response)?;
    let lang = user.lang;
    match access {
        Access::Public | Access::SignedIn => {}
        Access::Global(action) => {
            if !user.may(action) {
                return Err(AppError::NotFound(lang).into_response());
            }
        }
        Access::Record(kind, action) => {
            let params = params(parts).await;
            let who = Principal {
                user: &user.user,
                viewer: &user.viewer,
            };
            records::load(state, &who, kind, action, &params, &mut parts.extensions)
                .await
                .map_err(|r| r.page(lang).into_response())?;
        }
    }
    parts.extensions.insert(user);
    Ok(())
}

async fn check_api(access: Access, state: &AppState, parts: &mut Parts) -> Result<(), Response> {
    if access == Access::Public {
        return Ok(());
    }
    let user = token::authenticate(parts, state)
        .await
        .map_err(IntoResponse::into_response)?;
    match access {
        Access::Public | Access::SignedIn => {}
        Access::Global(action) => {
            if !decide(user.user.role, action, None).allowed() {
                return Err(Problem::not_found().into_response());
            }
        }
        Access::Record(kind, action) => {
            let params = params(parts).await;
            let who = Principal {
                user: &user.user,
                viewer: &user.viewer,
            };
            records::load(state, &who, kind, action, &params, &mut parts.extensions)
                .await
                .map_err(|r| r.api().into_response())?;
        }
    }
    parts.extensions.insert(user);
    Ok(())
}
