//! A victim's assistance records for machine clients: the risk assessments (newest first) and
//! the support plans with the follow-up of the newest; reached as the pages are (the risk
//! through the case, the support plan also by the agency working on the person's referral).

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tabara_store::{FollowUp, RiskAssessment, SupportPlan};

use crate::access::CasePersonAccess;
use crate::error::Problem;
use crate::state::AppState;

/// A person's risk assessments.
#[derive(Serialize)]
struct Risks {
    case: String,
    assessments: Vec<RiskAssessment>,
}

/// `GET /api/v1/cases/{number}/persons/{person}/risk`: newest first, at most 50.
pub(super) async fn risk(
    State(state): State<AppState>,
    access: CasePersonAccess,
) -> Result<Response, Problem> {
    let assessments = state
        .store
        .risk_history(access.case.id, access.person.person.id, 50)
        .await
        .map_err(Problem::from)?;
    Ok(Json(Risks {
        case: access.case.reference(),
        assessments,
    })
    .into_response())
}

/// A person's support plans.
#[derive(Serialize)]
struct Plans {
    case: String,
    plans: Vec<SupportPlan>,
    /// The newest plan's services, visits and steps.
    follow_up: Option<FollowUp>,
}

/// `GET /api/v1/cases/{number}/persons/{person}/support`: newest first, at most 20.
pub(super) async fn support(
    State(state): State<AppState>,
    access: CasePersonAccess,
) -> Result<Response, Problem> {
    let plans = state
        .store
        .support_plans(access.case.id, access.person.person.id, 20)
        .await
        .map_err(Problem::from)?;
    let follow_up = match plans.first() {
        Some(p) => Some(
            state
                .store
                .support_follow_up(p.id, 50)
                .await
                .map_err(Problem::from)?,
        ),
        None => None,
    };
    Ok(Json(Plans {
        case: access.case.reference(),
        plans,
        follow_up,
    })
    .into_response())
}
