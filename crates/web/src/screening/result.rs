//! The result of a screening: the outcome, its reasons and the next steps (linked to the page
//! that does each, where there is one); completion of the draft; the officer's decision,
//! confirming or overriding the suggestion with a reason, shown with who and when.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tabara_core::Picklist;
use tabara_core::htcds::TraffickingStatus;
use tabara_core::palermo::distinguish;
use tabara_core::permissions::{Action, Relation, decide};
use tabara_core::records::Case;
use tabara_core::screening::evaluate;
use tabara_i18n::screening::{self as words, NextStep};
use tabara_store::{DecisionKind, Screening, ScreeningState, StoreError};

use super::catalogue;
use crate::access::{CsrfForm, CurrentUser, ScreeningAccess};
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, choices, render};

#[derive(askama::Template)]
#[template(path = "screening_result.html")]
struct ResultPage {
    chrome: Chrome,
    case: Case,
    s: Screening,
    outcome: String,
    provisional: bool,
    reasons: Vec<String>,
    steps: Vec<(String, Option<String>)>,
    verdict: String,
    findings: Vec<String>,
    suggested: Option<String>,
    can_decide: bool,
    can_complete: bool,
    statuses: Vec<(&'static str, &'static str)>,
    decision: Option<DecisionShown>,
    error: Option<String>,
}

/// A recorded decision as shown: what, why, who and when.
struct DecisionShown {
    kind: String,
    status: String,
    reason: String,
    by_at: String,
}

/// Who decided, by display name: the actor id names a user (`user:<id>`) or a system process.
pub(crate) async fn decider_name(state: &AppState, actor: &str) -> Result<String, AppError> {
    let user = actor
        .strip_prefix("user:")
        .and_then(|id| id.parse::<tabara_core::ids::UserId>().ok());
    Ok(match user {
        Some(id) => match state.store.user(id).await {
            Ok(u) => u.display_name,
            Err(StoreError::NotFound { .. }) => actor.to_string(),
            Err(e) => return Err(e.into()),
        },
        None => actor.to_string(),
    })
}

/// Where each next step is done in Tabara today; `None` when the feature does not exist yet
/// (referrals) or the user may not do it.
fn next_step_link(
    step: NextStep,
    role: tabara_core::Role,
    relation: Relation,
    case: &Case,
    s: &Screening,
) -> Option<String> {
    let may = |a| decide(role, a, Some(relation)).allowed();
    let case_path = format!("/cases/{}", case.number);
    match step {
        NextStep::ChildProtection if may(Action::ShareCase) => {
            Some(format!("{case_path}#share_organisation"))
        }
        NextStep::VerifyAge if may(Action::EditCase) => {
            Some(format!("{case_path}/persons/{}/edit", s.person_id))
        }
        NextStep::FullInterview | NextStep::NoIndicators if may(Action::CommentCase) => {
            Some(format!("{case_path}#comment"))
        }
        _ => None,
    }
}

pub(super) async fn result_page(
    state: &AppState,
    user: &CurrentUser,
    s: &Screening,
    case: Case,
    relation: Relation,
    error: Option<String>,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let catalogue = catalogue(lang)?;
    let evaluation = s
        .evaluation
        .clone()
        .unwrap_or_else(|| evaluate(catalogue, &s.answers, &s.age));
    let distinction = distinguish(&s.movement);
    let may_edit = decide(user.user.role, Action::EditCase, Some(relation)).allowed();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let decision = match &s.decision {
        None => None,
        Some(d) => Some(DecisionShown {
            kind: match d.kind {
                DecisionKind::Confirmed => tabara_i18n::t!(lang, "screening-decision-confirmed"),
                DecisionKind::Overridden => tabara_i18n::t!(lang, "screening-decision-overridden"),
            },
            status: d.status.label(lang).to_string(),
            reason: d.reason.clone().unwrap_or_default(),
            by_at: tabara_i18n::t!(
                lang,
                "screening-decided-by",
                name = decider_name(state, &d.decided_by).await?,
                when = format!(
                    "{} {} UTC",
                    crate::view::format_date(lang, d.decided_at.date_naive()),
                    d.decided_at.format("%H:%M")
                )
            ),
        }),
    };
    let page = ResultPage {
        chrome: user.chrome(&format!("/screenings/{}", s.id)),
        outcome: words::outcome_label(lang, evaluation.outcome),
        provisional: s.evaluation.is_none(),
        reasons: words::explain(catalogue, lang, &evaluation),
        steps: words::next_step_list(&evaluation)
            .into_iter()
            .map(|st| {
                (
                    st.text(lang),
                    next_step_link(st, user.user.role, relation, &case, s),
                )
            })
            .collect(),
        verdict: words::verdict_label(lang, distinction.verdict),
        findings: words::explain_distinction(lang, &distinction),
        suggested: evaluation.suggested_status.map(|t| {
            tabara_i18n::t!(
                lang,
                "screening-confirm-as",
                outcome = words::outcome_label(lang, evaluation.outcome),
                status = t.label(lang)
            )
        }),
        can_decide: may_edit && s.state == ScreeningState::Completed && s.decision.is_none(),
        can_complete: may_edit && s.state == ScreeningState::Draft,
        statuses: choices(TraffickingStatus::ALL, lang),
        decision,
        error,
        s: s.clone(),
        case,
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /screenings/{id}/review`: the provisional result of a draft, with the button that
/// completes it.
pub(super) async fn review(
    State(state): State<AppState>,
    user: CurrentUser,
    access: ScreeningAccess,
) -> Result<Response, AppError> {
    let (s, case, relation) = access.into_parts();
    result_page(&state, &user, &s, case, relation, None).await
}

/// The completion form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct CompleteForm {
    version: String,
}

/// `POST /screenings/{id}/complete`: evaluate the stored answers and close the draft.
pub(super) async fn complete(
    State(state): State<AppState>,
    access: ScreeningAccess,
    CsrfForm { user, form }: CsrfForm<CompleteForm>,
) -> Result<Response, AppError> {
    let (s, case, relation) = access.into_parts();
    let catalogue = catalogue(user.lang)?;
    let version = form.version.trim().parse().unwrap_or(0);
    match state
        .store
        .complete_screening(&user.actor(), s.id, version, catalogue)
        .await
    {
        Ok(done) => Ok(Redirect::to(&format!("/screenings/{}", done.id)).into_response()),
        Err(StoreError::Conflict { .. }) | Err(StoreError::Invalid(_)) => {
            let current = state.store.screening(s.id).await?;
            let message = tabara_i18n::t!(user.lang, "screening-conflict");
            result_page(&state, &user, &current, case, relation, Some(message)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The decision form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct DecisionForm {
    version: String,
    decision: String,
    status: String,
    reason: String,
}

/// `POST /screenings/{id}/decision`: confirm the suggestion, or override it with a status and
/// a reason.
pub(super) async fn decision(
    State(state): State<AppState>,
    access: ScreeningAccess,
    CsrfForm { user, form }: CsrfForm<DecisionForm>,
) -> Result<Response, AppError> {
    let (s, case, relation) = access.into_parts();
    let kind = if form.decision == "override" {
        DecisionKind::Overridden
    } else {
        DecisionKind::Confirmed
    };
    // A status outside the list is refused, never taken as "no status".
    let status = match form.status.trim() {
        "" => None,
        typed => match TraffickingStatus::parse(typed) {
            Ok(v) => Some(v),
            Err(_) => {
                let message = tabara_i18n::t!(user.lang, "screening-decision-error-picklist");
                return result_page(&state, &user, &s, case, relation, Some(message)).await;
            }
        },
    };
    let version = form.version.trim().parse().unwrap_or(0);
    match state
        .store
        .decide_screening(
            &user.actor(),
            s.id,
            version,
            tabara_store::DecisionInput {
                kind,
                status,
                reason: &form.reason,
                decided_by: user.user.role.decision_org(),
            },
        )
        .await
    {
        Ok(done) => Ok(Redirect::to(&format!("/screenings/{}", done.id)).into_response()),
        Err(StoreError::Invalid(e)) => {
            let rule = e.0.first().map(|f| f.rule).unwrap_or("required");
            let message = tabara_i18n::catalogue().text(
                user.lang,
                &format!("screening-decision-error-{}", rule.replace('_', "-")),
                &[],
            );
            result_page(&state, &user, &s, case, relation, Some(message)).await
        }
        Err(StoreError::Conflict { .. }) => {
            let current = state.store.screening(s.id).await?;
            let message = tabara_i18n::t!(user.lang, "screening-conflict");
            result_page(&state, &user, &current, case, relation, Some(message)).await
        }
        Err(e) => Err(e.into()),
    }
}
