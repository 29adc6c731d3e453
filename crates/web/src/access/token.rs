//! Who is asking the API: a machine client, from its bearer token (`api_tokens` keeps only
//! the token's SHA-256).

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use tabara_store::{User, Viewer};

use crate::error::Problem;
use crate::state::AppState;

/// A machine client, from its bearer token.
#[derive(Clone)]
pub struct ApiUser {
    /// The account the token was issued to.
    pub user: User,
    /// As the store needs it for need-to-know.
    pub viewer: Viewer,
}

/// The client of a request, from `Authorization: Bearer <token>`.
pub(crate) async fn authenticate(parts: &Parts, state: &AppState) -> Result<ApiUser, Problem> {
    let token = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(Problem::unauthorized)?;
    let hash = tabara_store::token_hash(token);
    let user = state
        .store
        .api_token_user(&hash)
        .await?
        .ok_or_else(Problem::unauthorized)?;
    Ok(ApiUser {
        viewer: Viewer::from(&user),
        user,
    })
}

/// The client the route's access check authenticated; a route declared public that asks for
/// one authenticates it here.
impl FromRequestParts<AppState> for ApiUser {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        match parts.extensions.get::<ApiUser>() {
            Some(user) => Ok(user.clone()),
            None => authenticate(parts, state).await,
        }
    }
}
