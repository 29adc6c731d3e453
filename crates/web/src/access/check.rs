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
use super::{Access, session, token, visitor_lang};
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

/// The one asking, as each side has them: a page's signed-in user or an API client.
trait Asker: Clone + Send + Sync + 'static {
    /// As the record checks need them.
    fn principal(&self) -> Principal<'_>;
    /// A refusal in this side's words: the error page, or a problem document.
    fn refuse(&self, refusal: Refusal) -> Response;
}

impl Asker for session::CurrentUser {
    fn principal(&self) -> Principal<'_> {
        Principal {
            user: &self.user,
            viewer: &self.viewer,
        }
    }

    fn refuse(&self, refusal: Refusal) -> Response {
        refusal.page(self.lang).into_response()
    }
}

impl Asker for token::ApiUser {
    fn principal(&self) -> Principal<'_> {
        Principal {
            user: &self.user,
            viewer: &self.viewer,
        }
    }

    fn refuse(&self, refusal: Refusal) -> Response {
        refusal.api().into_response()
    }
}

impl Asker for crate::field::FieldUser {
    fn principal(&self) -> Principal<'_> {
        Principal {
            user: &self.user,
            viewer: &self.viewer,
        }
    }

    fn refuse(&self, refusal: Refusal) -> Response {
        let status = match refusal {
            Refusal::NotFound => axum::http::StatusCode::NOT_FOUND,
            Refusal::Forbidden => axum::http::StatusCode::FORBIDDEN,
            Refusal::Store(e) => {
                tracing::error!(error = %e, "field access");
                axum::http::StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        // The envelope's words are set by the OpenRosa layer from the status.
        status.into_response()
    }
}

/// Who a route is for: pages (a session), the API (a bearer token), phones (OpenRosa: a
/// device token in the address or Digest credentials).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    Page,
    Api,
    Field,
}

/// Check `access` for the request; on success the handler runs with what the check found
/// (the signed-in user, the loaded record) in the request's extensions.
pub(super) async fn check(access: Access, side: Side, request: Request, next: Next) -> Response {
    if access == Access::Public {
        return next.run(request).await;
    }
    let Some(state) = request.extensions().get::<AppState>().cloned() else {
        tracing::error!("the application state is not in the request");
        return crate::error::internal_error_page();
    };
    let (mut parts, body) = request.into_parts();
    let checked = match side {
        Side::Api => match token::authenticate(&parts, &state).await {
            Ok(user) => guard(access, &state, &mut parts, user).await,
            Err(problem) => Err(problem.into_response()),
        },
        Side::Field => match crate::field::authenticate(&parts, &state).await {
            Ok(user) => guard(access, &state, &mut parts, user).await,
            Err(refused) => Err(refused.response(&state, visitor_lang(&parts.headers))),
        },
        Side::Page => match session::authenticate(&parts, &state).await {
            Ok(user) => guard(access, &state, &mut parts, user).await,
            Err(error) => Err(error.into_response()),
        },
    };
    match checked {
        Ok(()) => next.run(Request::from_parts(parts, body)).await,
        Err(response) => response,
    }
}

/// After sign-in: the role's global action, or the record and the action on it; the one
/// asking is then left for the handler's extractors.
async fn guard<U: Asker>(
    access: Access,
    state: &AppState,
    parts: &mut Parts,
    user: U,
) -> Result<(), Response> {
    let who = user.principal();
    let decided = match access {
        Access::Public | Access::SignedIn => Ok(()),
        Access::Global(action) if who.may(action) => Ok(()),
        Access::Global(_) => Err(Refusal::NotFound),
        Access::Record(kind, action) => {
            let params = params(parts).await;
            records::load(state, &who, kind, action, &params, &mut parts.extensions).await
        }
    };
    decided.map_err(|r| user.refuse(r))?;
    parts.extensions.insert(user);
    Ok(())
}

async fn params(parts: &mut Parts) -> HashMap<String, String> {
    Path::<HashMap<String, String>>::from_request_parts(parts, &())
        .await
        .map(|Path(p)| p)
        .unwrap_or_default()
}
