//! Travel documents for machine clients: the machine-readable zone check, stateless (nothing
//! stored, nothing of the register read), with the same reading and words as the page and
//! `tabara mrz check --json`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tabara_core::mrz::{self, Options};

use crate::error::Problem;

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
        Ok(m) => Ok(Json(tabara_i18n::documents::mrz_json(lang, &m)).into_response()),
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
