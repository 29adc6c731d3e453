//! The JSON API under `/api/v1`, for machine clients holding a token (`tabara user token`).
//! The same permission rules as the pages; errors are RFC 9457 problem documents; the API is
//! described by the OpenAPI document at `/api/v1/openapi.json`.

use axum::Json;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tabara_core::Picklist;
use tabara_core::htcds::{CaseStatus, ExploitationType};
use tabara_core::ids::OfficeId;
use tabara_core::permissions::{Action, decide};
use tabara_core::records::{Case, parse_case_reference};
use tabara_store::{CaseComment, CaseFilter, CasePerson, CaseShare, PageRequest, User, Viewer};

use crate::AppState;

/// An RFC 9457 problem document.
#[derive(Debug, Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    kind: &'static str,
    title: &'static str,
    status: u16,
    detail: String,
}

impl Problem {
    fn new(
        status: StatusCode,
        kind: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Problem {
        Problem {
            kind,
            title,
            status: status.as_u16(),
            detail: detail.into(),
        }
    }

    fn unauthorized() -> Problem {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "/problems/unauthorized",
            "Unauthorized",
            "send a valid API token as `Authorization: Bearer <token>`",
        )
    }

    fn not_found() -> Problem {
        Problem::new(
            StatusCode::NOT_FOUND,
            "/problems/not-found",
            "Not found",
            "there is no such record, or it is not shared with you",
        )
    }

    fn bad_parameter(name: &str, rule: &str) -> Problem {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "/problems/invalid-parameter",
            "Invalid parameter",
            format!("{name}: {rule}"),
        )
    }
}

impl From<tabara_store::StoreError> for Problem {
    fn from(e: tabara_store::StoreError) -> Problem {
        tracing::error!(error = %e, "store error in API");
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "/problems/internal",
            "Internal error",
            "the request could not be completed; nothing was changed",
        )
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_string(&self).unwrap_or_default();
        (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response()
    }
}

/// Every error the API answers is a problem document, also those that axum produces before a
/// handler runs (a path that does not parse, a method not allowed, a body too large).
pub(crate) async fn problems_only(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if !api || is_problem || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    let detail = String::from_utf8_lossy(&text).trim().to_string();
    let title = status.canonical_reason().unwrap_or("Error");
    let problem = Problem::new(status, "/problems/http", title, detail).into_response();
    crate::layers::with_headers_of(problem, &parts.headers)
}

/// Query parameters, refused as a problem document (not axum's plain-text rejection) when they
/// do not parse: every answer of the API is RFC 9457 JSON.
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(q)| ApiQuery(q))
            .map_err(|e| {
                Problem::new(
                    StatusCode::BAD_REQUEST,
                    "/problems/invalid-parameter",
                    "Invalid parameter",
                    e.body_text(),
                )
            })
    }
}

/// A machine client, from its bearer token.
pub struct ApiUser {
    user: User,
    viewer: Viewer,
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(Problem::unauthorized)?;
        let hash = tabara_store::token_hash(token);
        let user = state
            .store
            .api_token_user(&hash)
            .await?
            .ok_or_else(Problem::unauthorized)?;
        Ok(ApiUser {
            viewer: Viewer::from(&user),
            user,
        })
    }
}

/// Filters of `GET /api/v1/cases`.
#[derive(Debug, Default, Deserialize)]
pub struct CasesQuery {
    status: Option<String>,
    exploitation: Option<String>,
    office: Option<String>,
    opened_from: Option<String>,
    opened_to: Option<String>,
    after: Option<i64>,
    limit: Option<i64>,
}

fn date(name: &str, v: &Option<String>) -> Result<Option<NaiveDate>, Problem> {
    v.as_deref()
        .map(|d| {
            NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| Problem::bad_parameter(name, "a date YYYY-MM-DD"))
        })
        .transpose()
}

/// `GET /api/v1/cases`.
pub async fn cases(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<CasesQuery>,
) -> Result<Response, Problem> {
    let filter = CaseFilter {
        status: q
            .status
            .as_deref()
            .map(|s| {
                CaseStatus::parse(s)
                    .map_err(|_| Problem::bad_parameter("status", "an HTCDS cas_Status value"))
            })
            .transpose()?,
        exploitation: q
            .exploitation
            .as_deref()
            .map(|s| {
                ExploitationType::parse(s).map_err(|_| {
                    Problem::bad_parameter("exploitation", "an HTCDS vic_TypeOfExploitation value")
                })
            })
            .transpose()?,
        office_id: q
            .office
            .as_deref()
            .map(|s| {
                s.parse::<OfficeId>()
                    .map_err(|_| Problem::bad_parameter("office", "an office id (UUID)"))
            })
            .transpose()?,
        organisation_id: None,
        opened_from: date("opened_from", &q.opened_from)?,
        opened_to: date("opened_to", &q.opened_to)?,
        visible_to: Some(user.viewer.clone()),
        owner_id: None,
        persons: None,
        name: None,
    };
    let limit = q.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(Problem::bad_parameter("limit", "between 1 and 500"));
    }
    let page = state
        .store
        .list_cases(
            &filter,
            PageRequest {
                after: q.after,
                limit,
            },
        )
        .await?;
    Ok(Json(page).into_response())
}

/// A case with what the client may see of it.
#[derive(Serialize)]
struct CaseDocument {
    reference: String,
    case: Case,
    persons: Vec<CasePerson>,
    comments: Vec<CaseComment>,
    shares: Vec<CaseShare>,
}

/// `GET /api/v1/cases/{reference}`.
pub async fn case(
    State(state): State<AppState>,
    user: ApiUser,
    Path(reference): Path<String>,
) -> Result<Response, Problem> {
    let number = parse_case_reference(&reference).ok_or_else(Problem::not_found)?;
    let case = match state.store.case_by_number(number).await {
        Ok(c) => c,
        Err(tabara_store::StoreError::NotFound { .. }) => return Err(Problem::not_found()),
        Err(e) => return Err(e.into()),
    };
    let relation = state
        .store
        .relation(&user.viewer, case.id)
        .await?
        .ok_or_else(Problem::not_found)?;
    if !decide(user.user.role, Action::ReadCase, Some(relation)).allowed() {
        return Err(Problem::not_found());
    }
    let doc = CaseDocument {
        reference: case.reference(),
        persons: state.store.case_persons(case.id).await?,
        comments: state.store.comments(case.id).await?,
        shares: state.store.case_shares(case.id).await?,
        case,
    };
    Ok(Json(doc).into_response())
}

/// `GET /api/v1/screening/catalogue`: the indicator catalogue, to build forms (also offline).
pub async fn screening_catalogue(_user: ApiUser) -> Result<Response, Problem> {
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
pub struct EvaluateRequest {
    #[serde(default)]
    answers: std::collections::BTreeMap<String, tabara_core::screening::Answer>,
    #[serde(default)]
    age: tabara_core::screening::AgeFacts,
    #[serde(default)]
    movement: tabara_core::palermo::MovementFacts,
}

/// `POST /api/v1/screening/evaluate`: the engine and the trafficking-vs-smuggling aid over the
/// given facts; nothing is stored.
pub async fn screening_evaluate(
    _user: ApiUser,
    body: Result<Json<serde_json::Value>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, Problem> {
    let invalid = |detail: String| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "/problems/invalid-body",
            "Invalid body",
            detail,
        )
    };
    let Json(value) = body.map_err(|e| invalid(e.body_text()))?;
    // The document says object: a JSON array (which serde would read field by field) is
    // refused like any other body that is not an object.
    if !value.is_object() {
        return Err(invalid("the body is a JSON object".into()));
    }
    let req: EvaluateRequest = serde_json::from_value(value).map_err(|e| invalid(e.to_string()))?;
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
pub async fn screening(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let id: tabara_core::ids::ScreeningId = id.parse().map_err(|_| Problem::not_found())?;
    let s = match state.store.screening(id).await {
        Ok(s) => s,
        Err(tabara_store::StoreError::NotFound { .. }) => return Err(Problem::not_found()),
        Err(e) => return Err(e.into()),
    };
    let relation = state
        .store
        .relation(&user.viewer, s.case_id)
        .await?
        .ok_or_else(Problem::not_found)?;
    if !decide(user.user.role, Action::ReadCase, Some(relation)).allowed() {
        return Err(Problem::not_found());
    }
    let catalogue = tabara_core::screening::Catalogue::embedded()
        .map_err(|_| Problem::bad_parameter("catalogue", "not available"))?;
    let provisional = s.evaluation.is_none();
    let evaluation = s
        .evaluation
        .clone()
        .unwrap_or_else(|| tabara_core::screening::evaluate(catalogue, &s.answers, &s.age));
    let case = state.store.case(s.case_id).await?;
    Ok(Json(serde_json::json!({
        "case": case.reference(),
        "screening": s,
        "evaluation": evaluation,
        "provisional": provisional,
        "distinction": tabara_core::palermo::distinguish(&s.movement),
    }))
    .into_response())
}

/// `GET /api/v1/openapi.json`.
pub async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        include_str!("../openapi.json"),
    )
        .into_response()
}

/// Anything else under `/api/v1`.
pub async fn not_found() -> Problem {
    Problem::not_found()
}

fn trainer_only(user: &ApiUser) -> Result<(), Problem> {
    if decide(user.user.role, Action::ManageTraining, None).allowed() {
        Ok(())
    } else {
        Err(Problem::not_found())
    }
}

/// `GET /api/v1/training/curriculum`: modules and test questions.
pub async fn training_curriculum(user: ApiUser) -> Result<Response, Problem> {
    trainer_only(&user)?;
    let c = tabara_core::training::Curriculum::embedded()
        .map_err(|_| Problem::bad_parameter("curriculum", "not available"))?;
    Ok(Json(c).into_response())
}

/// `GET /api/v1/training/sessions`: sessions, newest first (`after` = id of the last one seen).
pub async fn training_sessions(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<std::collections::HashMap<String, String>>,
) -> Result<Response, Problem> {
    trainer_only(&user)?;
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
pub async fn training_session(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    trainer_only(&user)?;
    let id: tabara_core::ids::TrainingSessionId = id.parse().map_err(|_| Problem::not_found())?;
    let session = match state.store.training_session(id).await {
        Ok(s) => s,
        Err(tabara_store::StoreError::NotFound { .. }) => return Err(Problem::not_found()),
        Err(e) => return Err(e.into()),
    };
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
pub async fn certificate_status(
    State(state): State<AppState>,
    user: ApiUser,
    Path(code): Path<String>,
) -> Result<Response, Problem> {
    trainer_only(&user)?;
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
pub async fn training_materials(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Response, Problem> {
    trainer_only(&user)?;
    Ok(Json(serde_json::json!({
        "items": state.store.materials().await?,
        "stock": state.store.material_stock().await?,
        "distributions": state.store.distributions().await?,
    }))
    .into_response())
}

#[cfg(test)]
mod tests {
    /// A request the document calls valid is one the code accepts: the ids the document
    /// lists are exactly the catalogue's.
    #[test]
    fn openapi_lists_the_catalogues_ids() {
        let doc: serde_json::Value = serde_json::from_str(include_str!("../openapi.json")).unwrap();
        let catalogue = tabara_core::screening::Catalogue::embedded().unwrap();
        let listed = |v: &serde_json::Value| -> Vec<String> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap().to_string())
                .collect()
        };
        let signs = &doc["components"]["schemas"]["AgeFacts"]["properties"]["minority_signs"];
        let want: Vec<String> = catalogue
            .minority_signs
            .iter()
            .map(|m| m.id.clone())
            .collect();
        assert_eq!(listed(&signs["items"]["enum"]), want);
        let answers = &doc["paths"]["/screening/evaluate"]["post"]["requestBody"]["content"]["application/json"]
            ["schema"]["properties"]["answers"];
        let mut want: Vec<String> = listed(&answers["propertyNames"]["enum"]);
        want.retain(|id| catalogue.indicator(id).is_some());
        assert_eq!(
            listed(&answers["propertyNames"]["enum"]),
            want,
            "unknown ids listed"
        );
        assert_eq!(
            want.len(),
            catalogue.indicators.len(),
            "every indicator listed"
        );
        let code = &doc["paths"]["/training/certificates/{code}"]["get"]["parameters"][0]["schema"];
        assert!(code["pattern"].as_str().unwrap().contains("{12}"));
    }
}
