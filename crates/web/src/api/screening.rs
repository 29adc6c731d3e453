//! Screening for machine clients: the indicator catalogue, the stateless evaluation, and a
//! screening of a case within reach.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::access::ScreeningAccess;
use crate::error::Problem;

/// `GET /api/v1/screening/catalogue`: the indicator catalogue, to build forms (also offline).
pub(super) async fn catalogue() -> Result<Response, Problem> {
    let catalogue = tabara_core::screening::Catalogue::embedded().map_err(|e| {
        tracing::error!(error = %e, "screening catalogue");
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "/problems/internal",
            "Internal error",
            "the screening catalogue is not available",
        )
    })?;
    Ok(Json(catalogue).into_response())
}

/// What to evaluate: answers by indicator id, age facts, movement facts.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct EvaluateRequest {
    #[serde(default)]
    answers: std::collections::BTreeMap<String, tabara_core::screening::Answer>,
    #[serde(default)]
    age: tabara_core::screening::AgeFacts,
    #[serde(default)]
    movement: tabara_core::palermo::MovementFacts,
}

/// `POST /api/v1/screening/evaluate`: the engine and the trafficking-vs-smuggling aid over the
/// given facts; nothing is stored.
pub(super) async fn evaluate(
    body: Result<Json<serde_json::Value>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, Problem> {
    let req: EvaluateRequest = super::json_object(body)?;
    let catalogue = tabara_core::screening::Catalogue::embedded()
        .map_err(|_| Problem::bad_parameter("catalogue", "not available"))?;
    let known = |id: &String| catalogue.indicator(id).is_some();
    if let Some(bad) = req.answers.keys().find(|id| !known(id)) {
        return Err(Problem::bad_parameter(
            "answers",
            &format!(
                "'{bad}' is not an indicator id of catalogue {}",
                catalogue.version
            ),
        ));
    }
    if let Some(bad) = req
        .age
        .minority_signs
        .iter()
        .find(|id| !catalogue.minority_signs.iter().any(|m| &m.id == *id))
    {
        return Err(Problem::bad_parameter(
            "age.minority_signs",
            &format!("'{bad}' is not a sign of minority"),
        ));
    }
    if req.age.age.is_some_and(|a| !(0..=130).contains(&a)) {
        return Err(Problem::bad_parameter("age.age", "between 0 and 130 years"));
    }
    let evaluation = tabara_core::screening::evaluate(catalogue, &req.answers, &req.age);
    let distinction = tabara_core::palermo::distinguish(&req.movement);
    Ok(
        Json(serde_json::json!({ "evaluation": evaluation, "distinction": distinction }))
            .into_response(),
    )
}

/// `GET /api/v1/screenings/{id}`: a screening of a case within reach, with its evaluation
/// (provisional for a draft) and the trafficking-vs-smuggling findings.
pub(super) async fn screening(access: ScreeningAccess) -> Result<Response, Problem> {
    let ScreeningAccess {
        screening: s, case, ..
    } = access;
    let catalogue = tabara_core::screening::Catalogue::embedded()
        .map_err(|_| Problem::bad_parameter("catalogue", "not available"))?;
    let provisional = s.evaluation.is_none();
    let evaluation = s
        .evaluation
        .clone()
        .unwrap_or_else(|| tabara_core::screening::evaluate(catalogue, &s.answers, &s.age));
    Ok(Json(serde_json::json!({
        "case": case.reference(),
        "screening": s,
        "evaluation": evaluation,
        "provisional": provisional,
        "distinction": tabara_core::palermo::distinguish(&s.movement),
    }))
    .into_response())
}
