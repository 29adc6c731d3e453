//! Travel documents for machine clients: the machine-readable zone check (nothing stored; the
//! document looked up on the lost, stolen and fraudulent documents list, a hit audited), with
//! the same reading and words as the page and `tabara mrz check --json`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tabara_core::mrz::{self, Options};

use axum::extract::State;

use crate::access::ApiUser;
use crate::error::Problem;
use crate::state::AppState;

/// What to check.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CheckRequest {
    /// The zone's lines, separated by line breaks (or run together).
    zone: String,
    /// Training: accept ICAO's specimen state UTO.
    #[serde(default)]
    specimen: bool,
    /// The language of the `text` of problems, warnings and suggestions: en (default), fr, rn.
    #[serde(default)]
    lang: Option<String>,
}

/// `POST /api/v1/mrz/check`: the zone read; 422 when the text is no zone at all.
pub(super) async fn check(
    State(state): State<AppState>,
    user: ApiUser,
    body: Result<Json<serde_json::Value>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, Problem> {
    let req: CheckRequest = super::json_object(body)?;
    if req.zone.chars().count() > 400 {
        return Err(Problem::bad_parameter("zone", "at most 400 characters"));
    }
    let lang = tabara_i18n::lang_from(req.lang.as_deref());
    let options = Options {
        allow_specimen: req.specimen,
        ..Options::default()
    };
    match mrz::parse_with(&req.zone, &options) {
        Ok(m) => {
            let mut doc = tabara_i18n::documents::mrz_json(lang, &m);
            let actor = tabara_store::Actor::user(user.user.id);
            let hit = crate::documents::lost_entry(&state, &actor, &m).await?;
            doc["lost"] = match hit {
                Some(d) => serde_json::json!({
                    "issuing_state": d.issuing_state,
                    "number": d.number,
                    "reason": d.reason,
                    "reported_on": d.reported_on.to_string(),
                    "source": d.source,
                    "text": crate::documents::lost_text(lang, &d),
                }),
                None => serde_json::Value::Null,
            };
            Ok(Json(doc).into_response())
        }
        Err(e) => {
            let detail = e
                .problems
                .iter()
                .map(|p| tabara_i18n::documents::problem_text(lang, p))
                .collect::<Vec<_>>()
                .join("; ");
            Err(Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "/problems/not-an-mrz",
                "Not a machine-readable zone",
                detail,
            ))
        }
    }
}
