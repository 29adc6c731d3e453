//! Cases for machine clients: the list (the same filters as the list page) and one case with
//! what the client may see of it.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tabara_core::records::Case;
use tabara_store::{CaseComment, CasePerson, CaseShare, PageRequest};

use super::ApiQuery;
use crate::access::{ApiUser, CaseAccess};
use crate::cases::filter::{self, RawFilter, Refused};
use crate::error::Problem;
use crate::state::AppState;

/// Filters of `GET /api/v1/cases`.
#[derive(Debug, Default, Deserialize)]
pub(super) struct CasesQuery {
    status: Option<String>,
    exploitation: Option<String>,
    office: Option<String>,
    opened_from: Option<String>,
    opened_to: Option<String>,
    after: Option<i64>,
    limit: Option<i64>,
}

/// `GET /api/v1/cases`.
pub(super) async fn cases(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<CasesQuery>,
) -> Result<Response, Problem> {
    let raw = RawFilter {
        status: q.status.as_deref(),
        exploitation: q.exploitation.as_deref(),
        office: q.office.as_deref(),
        opened_from: q.opened_from.as_deref(),
        opened_to: q.opened_to.as_deref(),
    };
    let (filter, refused) = filter::parse(raw, &user.viewer);
    if let Some(first) = refused.first() {
        let (name, rule) = match first {
            Refused::Status => ("status", "an HTCDS cas_Status value"),
            Refused::Exploitation => ("exploitation", "an HTCDS vic_TypeOfExploitation value"),
            Refused::Office => ("office", "an office id (UUID)"),
            Refused::OpenedFrom => ("opened_from", "a date YYYY-MM-DD"),
            Refused::OpenedTo => ("opened_to", "a date YYYY-MM-DD"),
        };
        return Err(Problem::bad_parameter(name, rule));
    }
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
pub(super) async fn case(
    State(state): State<AppState>,
    access: CaseAccess,
) -> Result<Response, Problem> {
    let case = access.case;
    let doc = CaseDocument {
        reference: case.reference(),
        persons: state.store.case_persons(case.id).await?,
        comments: state.store.comments(case.id).await?,
        shares: state.store.case_shares(case.id).await?,
        case,
    };
    Ok(Json(doc).into_response())
}
