//! Forms read only with the session's CSRF token: [`CsrfForm`] refuses (403) a form whose
//! `csrf` field is not the session's token, masked, before the handler runs.

use axum::extract::{FromRequest, FromRequestParts, RawForm, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::CurrentUser;
use crate::error::{AppError, refused_request_page};
use crate::state::AppState;

/// A form (`application/x-www-form-urlencoded`) of the signed-in user, with its CSRF token
/// checked: `T` is the form's other fields (a struct, or `Vec<(String, String)>` for forms
/// whose field names are data). The handler gets the user too.
pub struct CsrfForm<T> {
    /// The user whose session's token the form carried.
    pub user: CurrentUser,
    /// The form's fields.
    pub form: T,
}

impl<T: DeserializeOwned> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let user = CurrentUser::from_request_parts(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let request = Request::from_parts(parts, body);
        let RawForm(bytes) = RawForm::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        // Fields the form does not have are the framework's refusal, as before any handler.
        let form: T = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| refused_request_page(StatusCode::UNPROCESSABLE_ENTITY))?;
        let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| refused_request_page(StatusCode::UNPROCESSABLE_ENTITY))?;
        let token = fields
            .iter()
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.as_str())
            .unwrap_or_default();
        if !user.csrf_matches(token) {
            return Err(AppError::Forbidden(user.lang).into_response());
        }
        Ok(CsrfForm { user, form })
    }
}
