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

/// A photo to read.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ReadRequest {
    /// The JPEG or PNG file, in base64.
    photo: String,
    /// Training: accept ICAO's specimen state UTO.
    #[serde(default)]
    specimen: bool,
    /// The language of the texts: en (default), fr, rn.
    #[serde(default)]
    lang: Option<String>,
}

/// The zone's reading as the API gives it, the lost list looked up (a hit audited).
async fn zone_json(
    state: &AppState,
    user: &ApiUser,
    lang: tabara_core::Lang,
    m: &mrz::Mrz,
) -> Result<serde_json::Value, Problem> {
    let mut doc = tabara_i18n::documents::mrz_json(lang, m);
    let actor = tabara_store::Actor::user(user.user.id);
    let hit = crate::documents::lost_entry(state, &actor, m).await?;
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
    Ok(doc)
}

/// `POST /api/v1/mrz/read`: the zone read from a photo of the page, for the client to show
/// and the officer to confirm: the lines as read and after the corrections the check digits
/// prove, those corrections, the places least certain, and the zone checked as
/// `/api/v1/mrz/check` does. Nothing is stored. 413 over the upload limit, 422 when the file
/// is no picture or holds no zone.
pub(super) async fn read(
    State(state): State<AppState>,
    user: ApiUser,
    body: Result<Json<serde_json::Value>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, Problem> {
    use base64::Engine as _;
    let req: ReadRequest = super::json_object(body)?;
    let lang = tabara_i18n::lang_from(req.lang.as_deref());
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(req.photo.trim())
        .map_err(|_| Problem::bad_parameter("photo", "a JPEG or PNG file in base64"))?;
    if bytes.len() as u64 > state.config.max_upload_bytes {
        return Err(Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "/problems/too-large",
            "The photo is too large",
            format!("at most {} bytes", state.config.max_upload_bytes),
        ));
    }
    let options = Options {
        allow_specimen: req.specimen,
        ..Options::default()
    };
    let scan = tokio::task::spawn_blocking(move || tabara_mrzscan::read_photo(&bytes, &options))
        .await
        .unwrap_or(Err(tabara_mrzscan::ScanError::NoZone));
    let scan = match scan {
        Ok(s) => s,
        Err(e) => {
            return Err(Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "/problems/no-zone-read",
                "No machine-readable zone read",
                crate::documents::scan_error(lang, &e),
            ));
        }
    };
    let zone = match mrz::parse_with(&scan.text(), &options) {
        Ok(m) => zone_json(&state, &user, lang, &m).await?,
        Err(_) => serde_json::Value::Null,
    };
    let mut out = crate::documents::scan_json(&scan);
    out["zone"] = zone;
    Ok(Json(out).into_response())
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
        Ok(m) => Ok(Json(zone_json(&state, &user, lang, &m).await?).into_response()),
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

/// `GET /api/v1/cases/{number}/persons/{person}/documents`: the documents recorded on the
/// person, oldest first, without what identifies the holder (number, zone, notes: those are
/// read on the document's page, audited); each with its type, issuing state, expiry, whether
/// its zone was valid, the outcome, the security features found suspicious and the lost-list
/// reason when it was on the list at entry.
pub(super) async fn person_documents(
    State(state): State<AppState>,
    access: crate::access::CasePersonAccess,
) -> Result<Response, Problem> {
    let documents = state
        .store
        .document_summaries(access.case.id, access.person.person.id)
        .await
        .map_err(Problem::from)?;
    Ok(Json(serde_json::json!({
        "case": access.case.reference(),
        "documents": documents,
    }))
    .into_response())
}
