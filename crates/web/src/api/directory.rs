//! The services directory and one's notifications for machine clients: the same search as the
//! directory page (service, area, language; at most 100, by name), and the token user's own
//! notifications (kinds, ids, case numbers and moments; no personal data).

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tabara_store::ProviderQuery;

use super::ApiQuery;
use crate::access::ApiUser;
use crate::error::Problem;
use crate::state::AppState;

/// The directory's filters, as typed; empty means any.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct DirectoryQuery {
    service: String,
    area: String,
    language: String,
}

/// `GET /api/v1/services?service=&area=&language=`.
pub(super) async fn services(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<DirectoryQuery>,
) -> Result<Response, Problem> {
    let query = ProviderQuery::parse(&q.service, &q.area, &q.language).map_err(|e| {
        let first = e.0.first().map(|f| (f.field, f.rule));
        let (field, rule) = first.unwrap_or(("query", "invalid"));
        Problem::bad_parameter(field, rule)
    })?;
    let found = state
        .store
        .search_service_providers(&query, 100)
        .await
        .map_err(Problem::from)?;
    Ok(Json(found).into_response())
}

/// Whether to list only the unread ones.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct NotificationsQuery {
    unread: bool,
}

/// One's notifications and how many are unread.
#[derive(Serialize)]
struct Inbox {
    unread: i64,
    notifications: Vec<tabara_store::alerts::Notification>,
}

/// `GET /api/v1/notifications[?unread=true]`: the token user's own, newest first, at most 100.
pub(super) async fn notifications(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<NotificationsQuery>,
) -> Result<Response, Problem> {
    let id = user.user.id;
    let notifications = state
        .store
        .notifications(id, q.unread, 100)
        .await
        .map_err(Problem::from)?;
    let unread = state.store.unread_count(id).await.map_err(Problem::from)?;
    Ok(Json(Inbox {
        unread,
        notifications,
    })
    .into_response())
}
