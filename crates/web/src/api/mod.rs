//! The JSON API under `/api/v1`, for machine clients holding a token (`tabara user token`).
//! The same permission rules as the pages; errors are RFC 9457 problem documents; the API is
//! described by the OpenAPI document at `/api/v1/openapi.json`.

mod assistance;
mod cases;
mod directory;
mod documents;
mod investigations;
mod referrals;
mod screening;
mod training;

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use tabara_core::permissions::Action;

use crate::access::{Access, Body, Kind, Routes};
use crate::error::Problem;

/// The API's routes: signed in means a bearer token here, and every refusal is a problem
/// document.
pub(crate) fn router() -> Routes {
    let trainer = Access::Global(Action::ManageTraining);
    Routes::new()
        .get("/api/v1/cases", Access::SignedIn, cases::cases)
        .get(
            "/api/v1/cases/{reference}",
            Access::Record(Kind::Case, Action::ReadCase),
            cases::case,
        )
        .get(
            "/api/v1/screening/catalogue",
            Access::SignedIn,
            screening::catalogue,
        )
        .post(
            "/api/v1/screening/evaluate",
            Access::SignedIn,
            Body::Json,
            screening::evaluate,
        )
        .post(
            "/api/v1/mrz/check",
            Access::SignedIn,
            Body::Json,
            documents::check,
        )
        .post(
            "/api/v1/mrz/read",
            Access::SignedIn,
            Body::JsonUpload,
            documents::read,
        )
        .get(
            "/api/v1/screenings/{id}",
            Access::Record(Kind::Screening, Action::ReadCase),
            screening::screening,
        )
        .get(
            "/api/v1/cases/{number}/persons/{person}/documents",
            Access::Record(Kind::CasePerson, Action::ReadCase),
            documents::person_documents,
        )
        .get(
            "/api/v1/cases/{number}/persons/{person}/risk",
            Access::Record(Kind::CasePerson, Action::ReadCase),
            assistance::risk,
        )
        .get(
            "/api/v1/cases/{number}/persons/{person}/support",
            Access::Record(Kind::SupportPerson, Action::ReadCase),
            assistance::support,
        )
        .get("/api/v1/referrals", Access::SignedIn, referrals::inbox)
        .get(
            "/api/v1/services",
            Access::Global(Action::ReadDirectory),
            directory::services,
        )
        .get(
            "/api/v1/notifications",
            Access::SignedIn,
            directory::notifications,
        )
        .get(
            "/api/v1/referrals/{id}",
            Access::Record(Kind::Referral, Action::ReadCase),
            referrals::referral,
        )
        .get(
            "/api/v1/cases/{number}/investigation",
            Access::Record(Kind::Case, Action::ReadCase),
            investigations::investigation,
        )
        .get(
            "/api/v1/custody",
            Access::SignedIn,
            investigations::custody_list,
        )
        .get(
            "/api/v1/custody/{id}",
            Access::Record(Kind::Custody, Action::ReadCase),
            investigations::custody,
        )
        .get(
            "/api/v1/dossiers",
            Access::SignedIn,
            investigations::dossiers,
        )
        .get(
            "/api/v1/dossiers/{id}",
            Access::Record(Kind::Dossier, Action::ReadCase),
            investigations::dossier,
        )
        .get(
            "/api/v1/dossiers/{id}/pdf",
            Access::Record(Kind::Dossier, Action::ReadCase),
            investigations::dossier_pdf,
        )
        .get("/api/v1/training/curriculum", trainer, training::curriculum)
        .get("/api/v1/training/sessions", trainer, training::sessions)
        .get(
            "/api/v1/training/sessions/{id}",
            Access::Record(Kind::TrainingSession, Action::ManageTraining),
            training::session,
        )
        .get(
            "/api/v1/training/certificates/{code}",
            trainer,
            training::certificate_status,
        )
        .get("/api/v1/training/materials", trainer, training::materials)
        .get("/api/v1/openapi.json", Access::Public, openapi)
        .get("/api/v1/{*rest}", Access::Public, not_found)
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

/// `GET /api/v1/openapi.json`.
async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        include_str!("../../openapi.json"),
    )
        .into_response()
}

/// Anything else under `/api/v1`.
async fn not_found() -> Problem {
    Problem::not_found()
}

/// A JSON body that must be an object of `T`'s fields (a JSON array, which serde would read
/// field by field, is refused like any other body that is not an object): the value, or the
/// 400 problem saying what is wrong.
pub(super) fn json_object<T: serde::de::DeserializeOwned>(
    body: Result<axum::Json<serde_json::Value>, axum::extract::rejection::JsonRejection>,
) -> Result<T, Problem> {
    let invalid = |detail: String| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "/problems/invalid-body",
            "Invalid body",
            detail,
        )
    };
    let axum::Json(value) = body.map_err(|e| invalid(e.body_text()))?;
    if !value.is_object() {
        return Err(invalid("the body is a JSON object".into()));
    }
    serde_json::from_value(value).map_err(|e| invalid(e.to_string()))
}

#[cfg(test)]
mod tests {
    /// A request the document calls valid is one the code accepts: the ids the document
    /// lists are exactly the catalogue's.
    #[test]
    fn openapi_lists_the_catalogues_ids() {
        let doc: serde_json::Value =
            serde_json::from_str(include_str!("../../openapi.json")).unwrap();
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
