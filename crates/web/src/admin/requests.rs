//! A second administrator's decision on a creation or reset that waits for one: approved (the
//! one-time credential is made now and shown to them once) or refused.

use axum::extract::State;
use axum::response::Response;
use tabara_store::StoreError;

use super::users::user_page;
use super::{ONE_TIME_VALIDITY, one_time_credential, one_time_notice};
use crate::access::{CsrfForm, CurrentUser, RequestAccess};
use crate::error::AppError;
use crate::state::AppState;

/// `POST /admin/requests/{id}/approve`: a second administrator approves a creation or reset;
/// the one-time credential is produced now and shown to them once.
pub(super) async fn approve_request(
    State(state): State<AppState>,
    access: RequestAccess,
    CsrfForm { user, .. }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    decide_request(state, user, access, true).await
}

/// `POST /admin/requests/{id}/refuse`: a second administrator refuses; a refused new account
/// stays disabled.
pub(super) async fn refuse_request(
    State(state): State<AppState>,
    access: RequestAccess,
    CsrfForm { user, .. }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    decide_request(state, user, access, false).await
}

async fn decide_request(
    state: AppState,
    user: CurrentUser,
    access: RequestAccess,
    approve: bool,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let RequestAccess { id, waiting, .. } = access;
    let not_yours = || tabara_i18n::t!(lang, "admin-request-not-yours");
    // The requester is told at once, before a credential is even made; the store refuses
    // their decision anyway.
    if let Some(r) = waiting.as_ref().filter(|r| r.requested_by == user.user.id) {
        let target = state.store.user(r.user.id).await?;
        return user_page(&state, &user, target, None, Some(not_yours())).await;
    }
    let credential = if approve {
        Some(one_time_credential(lang).await?)
    } else {
        None
    };
    let approval = credential
        .as_ref()
        .map(|(_, hash)| (hash.as_str(), chrono::Utc::now() + ONE_TIME_VALIDITY));
    match state
        .store
        .decide_account_request(user.user.id, id, approval)
        .await
    {
        Ok(request) => {
            let target = state.store.user(request.user.id).await?;
            let notice = match &credential {
                Some((password, _)) => one_time_notice(lang, &target.username, password),
                None => tabara_i18n::t!(lang, "admin-request-refused"),
            };
            user_page(&state, &user, target, Some(notice), None).await
        }
        Err(StoreError::Invalid(_)) => Err(AppError::Forbidden(lang)),
        Err(StoreError::NotFound { .. }) => Err(AppError::NotFound(lang)),
        Err(other) => Err(other.into()),
    }
}
