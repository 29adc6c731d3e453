//! The training programme for trainers' tokens: curriculum, sessions, certificate status and
//! materials.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

use super::ApiQuery;
use crate::access::SessionAccess;
use crate::error::Problem;
use crate::state::AppState;

/// `GET /api/v1/training/curriculum`: modules and test questions.
pub(super) async fn curriculum() -> Result<Response, Problem> {
    let c = tabara_core::training::Curriculum::embedded()
        .map_err(|_| Problem::bad_parameter("curriculum", "not available"))?;
    Ok(Json(c).into_response())
}

/// `GET /api/v1/training/sessions`: sessions, newest first (`after` = id of the last one seen).
pub(super) async fn sessions(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<std::collections::HashMap<String, String>>,
) -> Result<Response, Problem> {
    let after = match q.get("after") {
        Some(a) => Some(
            a.parse()
                .map_err(|_| Problem::bad_parameter("after", "a session id (UUID)"))?,
        ),
        None => None,
    };
    let sessions = match state.store.training_sessions(after, 100).await {
        Err(tabara_store::StoreError::NotFound { .. }) => {
            return Err(Problem::bad_parameter(
                "after",
                "the id of a session of an earlier page",
            ));
        }
        other => other?,
    };
    Ok(Json(sessions).into_response())
}

/// `GET /api/v1/training/sessions/{id}`: a session with its participants (days attended,
/// scores, completion) and certificates.
pub(super) async fn session(
    State(state): State<AppState>,
    access: SessionAccess,
) -> Result<Response, Problem> {
    let session = access.session;
    let id = session.id;
    let participants: Vec<serde_json::Value> = state
        .store
        .participants(id)
        .await?
        .into_iter()
        .map(|p| {
            let short = session
                .rule
                .check(p.days_attended.len() as u32, session.days(), p.post_test);
            serde_json::json!({ "participant": p, "completed": short.is_empty(), "shortfalls": short })
        })
        .collect();
    let certificates = state.store.session_certificates(id).await?;
    Ok(Json(serde_json::json!({
        "session": session,
        "days": session.days(),
        "participants": participants,
        "certificates": certificates,
    }))
    .into_response())
}

/// `GET /api/v1/training/certificates/{code}`: whether a code is a valid certificate.
pub(super) async fn certificate_status(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Response, Problem> {
    let code = tabara_core::training::normalise_code(&code).ok_or_else(|| {
        Problem::bad_parameter("code", "12 letters and digits, e.g. ABCD-EFGH-JKMN")
    })?;
    let status = match state.store.certificate_by_code(&code).await? {
        None => "unknown",
        Some(c) if c.revoked_at.is_some() => "revoked",
        Some(_) => "valid",
    };
    Ok(Json(serde_json::json!({ "code": code, "status": status })).into_response())
}

/// `GET /api/v1/training/materials`: items, stock per store and distributions.
pub(super) async fn materials(State(state): State<AppState>) -> Result<Response, Problem> {
    Ok(Json(serde_json::json!({
        "items": state.store.materials().await?,
        "stock": state.store.material_stock().await?,
        "distributions": state.store.distributions().await?,
    }))
    .into_response())
}
