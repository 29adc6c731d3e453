//! The signed-in user's own account: changing the password, and choosing one after signing in
//! with a one-time credential (a new account or a reset).
//!
//! The current password is checked like a sign-in: failures count towards the same lock, with
//! the same audit, and a locked account cannot try again until the lock ends.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use tabara_core::Lang;
use tabara_core::password::{WeakPassword, check_strength, hash_password, verify_password};
use tabara_store::ResetNotice;

use crate::access::{Access, Body, CsrfForm, CurrentUser, Routes};
use crate::auth::lock_after;
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, format_date, render};

/// The account's own pages (the user's certificates are with the training pages).
pub(crate) fn router() -> Routes {
    Routes::new()
        .get("/account/password", Access::SignedIn, password_page)
        .post(
            "/account/password",
            Access::SignedIn,
            Body::Form,
            change_password,
        )
}

#[derive(askama::Template)]
#[template(path = "password.html")]
struct PasswordPage {
    chrome: Chrome,
    error_key: Option<&'static str>,
    /// Signed in with a one-time credential: no current password to give.
    one_time: bool,
    /// Who reset the account and when, already translated.
    notice: Option<String>,
}

/// "Your account was created (or reset) by … on …", in the user's language.
fn reset_text(lang: Lang, n: &ResetNotice) -> String {
    let when = format!(
        "{} {}",
        format_date(lang, n.at.date_naive()),
        n.at.format("%H:%M UTC")
    );
    let text = match (&n.by, n.created) {
        (Some(by), false) => {
            tabara_i18n::t!(lang, "account-reset-by", name = by.as_str(), when = when)
        }
        (Some(by), true) => {
            tabara_i18n::t!(lang, "account-created-by", name = by.as_str(), when = when)
        }
        (None, false) => tabara_i18n::t!(lang, "account-reset-by-operator", when = when),
        (None, true) => tabara_i18n::t!(lang, "account-created-by-operator", when = when),
    };
    match &n.approved_by {
        Some(a) => format!(
            "{text} {}",
            tabara_i18n::t!(lang, "account-reset-approved-by", name = a.as_str())
        ),
        None => text,
    }
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    status: StatusCode,
    error_key: Option<&'static str>,
) -> Result<Response, AppError> {
    let notice = if user.password_only {
        state
            .store
            .reset_notice(user.user.id)
            .await?
            .map(|n| reset_text(user.lang, &n))
    } else {
        None
    };
    Ok((
        status,
        render(&PasswordPage {
            chrome: user.chrome("/account/password"),
            error_key,
            one_time: user.password_only,
            notice,
        }),
    )
        .into_response())
}

/// `GET /account/password`.
async fn password_page(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    page(&state, &user, StatusCode::OK, None).await
}

/// The password form.
#[derive(Deserialize)]
pub(crate) struct PasswordForm {
    /// Absent after signing in with a one-time credential.
    #[serde(default)]
    current: String,
    new: String,
    repeat: String,
}

/// `POST /account/password`: checks the current password (unless the session was opened with
/// a one-time credential, which is the proof) and the strength rule, stores the new hash
/// (audited) and ends every session of the account, this one included.
async fn change_password(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<PasswordForm>,
) -> Result<Response, AppError> {
    let refuse = async |key: &'static str| {
        page(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, Some(key)).await
    };
    let Some(credentials) = state.store.credentials(&user.user.username).await? else {
        return Err(AppError::NotFound(user.lang));
    };
    if !user.password_only {
        let current = form.current.clone();
        let hash = credentials.password_hash.clone();
        let ok = tokio::task::spawn_blocking(move || verify_password(&current, &hash))
            .await
            .unwrap_or(false);
        let now = Utc::now();
        if credentials.locked_until.is_some_and(|t| t > now) {
            // The attempt is audited; the lock stays as it is, and nothing is changed.
            state
                .store
                .record_failed_check(
                    user.user.id,
                    "user.password_check_locked",
                    credentials.locked_until,
                )
                .await?;
            return refuse("password-error-locked").await;
        }
        if !ok {
            let lock = lock_after(credentials.failed_logins + 1, now);
            state
                .store
                .record_failed_check(user.user.id, "user.password_check_failed", lock)
                .await?;
            let key = if lock.is_some() {
                "password-error-locked"
            } else {
                "password-error-current"
            };
            return refuse(key).await;
        }
    }
    if form.new != form.repeat {
        return refuse("password-error-repeat").await;
    }
    match check_strength(&form.new) {
        Err(WeakPassword::TooShort) => return refuse("password-error-short").await,
        Err(WeakPassword::OneKind) => return refuse("password-error-kinds").await,
        Ok(()) => {}
    }
    if !user.password_only && form.new == form.current {
        return refuse("password-error-same").await;
    }
    let new = form.new.clone();
    let new_hash = tokio::task::spawn_blocking(move || hash_password(&new))
        .await
        .map_err(|_| AppError::Forbidden(user.lang))?;
    state
        .store
        .set_password(&user.actor(), user.user.id, &new_hash)
        .await?;
    Ok(Redirect::to("/signin?next=/").into_response())
}
