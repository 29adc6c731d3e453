//! The case page's own forms: comments, and shares with another agency (with their may-edit
//! checkbox); an error re-shows the case page with what was typed.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tabara_core::ids::OrganisationId;
use tabara_core::validation::ValidationErrors;
use tabara_store::StoreError;

use super::page::{CaseForms, case_page_with};
use crate::access::{CaseAccess, CsrfForm};
use crate::error::AppError;
use crate::state::AppState;
use crate::view::FormErrors;

/// The comment form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct CommentForm {
    body: String,
}

/// `POST /cases/{number}/comments`.
pub(super) async fn add_comment(
    State(state): State<AppState>,
    access: CaseAccess,
    CsrfForm { user, form }: CsrfForm<CommentForm>,
) -> Result<Response, AppError> {
    let CaseAccess { case, relation, .. } = access;
    let refuse = |e: ValidationErrors| {
        let errors = FormErrors::new(user.lang, e);
        CaseForms {
            comment: form.body.clone(),
            comment_error: Some(errors.text("cmt_Body")),
            ..Default::default()
        }
    };
    if form.body.trim().is_empty() {
        let mut e = ValidationErrors::default();
        e.push("cmt_Body", "required", "write the comment");
        return case_page_with(&state, &user, case, relation, refuse(e)).await;
    }
    match state
        .store
        .add_comment(&user.actor(), case.id, &form.body)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{}#comments", case.number)).into_response()),
        Err(StoreError::Invalid(v)) => {
            let mut e = ValidationErrors::default();
            for item in v.0 {
                e.push("cmt_Body", item.rule, item.message);
            }
            case_page_with(&state, &user, case, relation, refuse(e)).await
        }
        Err(other) => Err(other.into()),
    }
}

/// The share form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct ShareForm {
    organisation: String,
    reason: String,
    /// The checkbox: present (any value) when the agency may also edit the case.
    may_edit: Option<String>,
}

/// `POST /cases/{number}/shares`: give another agency access to the case, with a reason; it
/// reads and comments, and edits only when the share says so. Only the owning agency shares
/// (`Action::ShareCase`).
pub(super) async fn share_case(
    State(state): State<AppState>,
    access: CaseAccess,
    CsrfForm { user, form }: CsrfForm<ShareForm>,
) -> Result<Response, AppError> {
    let CaseAccess { case, relation, .. } = access;
    let lang = user.lang;
    let directory = state.directory().await?;
    let target = form
        .organisation
        .parse::<OrganisationId>()
        .ok()
        .filter(|id| {
            *id != case.organisation_id && directory.organisations.iter().any(|o| o.id == *id)
        });
    let refuse = |key: &str| CaseForms {
        share_organisation: form.organisation.clone(),
        share_reason: form.reason.clone(),
        share_may_edit: form.may_edit.is_some(),
        share_error: Some(tabara_i18n::catalogue().text(lang, key, &[])),
        ..Default::default()
    };
    let Some(target) = target else {
        return case_page_with(&state, &user, case, relation, refuse("case-share-choose")).await;
    };
    if form.reason.trim().is_empty() {
        return case_page_with(
            &state,
            &user,
            case,
            relation,
            refuse("case-share-reason-needed"),
        )
        .await;
    }
    match state
        .store
        .share_case(
            &user.actor(),
            case.id,
            target,
            &form.reason,
            form.may_edit.is_some(),
        )
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/cases/{}", case.number)).into_response()),
        Err(StoreError::Invalid(v)) => {
            let key = if v.0.iter().any(|f| f.rule == "control_characters") {
                "rule-control-characters"
            } else {
                "case-share-reason-long"
            };
            case_page_with(&state, &user, case, relation, refuse(key)).await
        }
        Err(StoreError::Duplicate { .. }) => {
            case_page_with(&state, &user, case, relation, refuse("case-share-already")).await
        }
        Err(other) => Err(other.into()),
    }
}
