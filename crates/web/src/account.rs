//! The signed-in user's own account: changing the password.

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tabara_core::password::{WeakPassword, check_strength, hash_password, verify_password};

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::view::{Chrome, render};

#[derive(askama::Template)]
#[template(path = "password.html")]
struct PasswordPage {
    chrome: Chrome,
    error_key: Option<&'static str>,
}

/// `GET /account/password`.
pub async fn password_page(user: CurrentUser) -> Response {
    render(&PasswordPage {
        chrome: user.chrome("/account/password"),
        error_key: None,
    })
}

/// The password form.
#[derive(Deserialize)]
pub struct PasswordForm {
    csrf: String,
    current: String,
    new: String,
    repeat: String,
}

/// `POST /account/password`: checks the current password and the strength rule, stores the
/// new hash (audited) and ends every session of the account, this one included.
pub async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<PasswordForm>,
) -> Result<Response, AppError> {
    user.check_csrf(&form.csrf)?;
    let refuse = |key: &'static str| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&PasswordPage {
                chrome: user.chrome("/account/password"),
                error_key: Some(key),
            }),
        )
            .into_response()
    };
    let Some(credentials) = state.store.credentials(&user.user.username).await? else {
        return Err(AppError::NotFound(user.lang));
    };
    let current = form.current.clone();
    let hash = credentials.password_hash.clone();
    let ok = tokio::task::spawn_blocking(move || verify_password(&current, &hash))
        .await
        .unwrap_or(false);
    if !ok {
        return Ok(refuse("password-error-current"));
    }
    if form.new != form.repeat {
        return Ok(refuse("password-error-repeat"));
    }
    match check_strength(&form.new) {
        Err(WeakPassword::TooShort) => return Ok(refuse("password-error-short")),
        Err(WeakPassword::OneKind) => return Ok(refuse("password-error-kinds")),
        Ok(()) => {}
    }
    if form.new == form.current {
        return Ok(refuse("password-error-same"));
    }
    let new = form.new.clone();
    let new_hash = tokio::task::spawn_blocking(move || hash_password(&new))
        .await
        .map_err(|_| AppError::Forbidden(user.lang))?;
    state
        .store
        .set_password(
            &tabara_store::Actor::user(user.user.id),
            user.user.id,
            &new_hash,
        )
        .await?;
    Ok(Redirect::to("/signin?next=/").into_response())
}
