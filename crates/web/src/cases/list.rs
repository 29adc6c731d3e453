//! The case list: the cases within the user's reach, newest first, filtered, a page at a time,
//! and the name search for roles that read identities.

use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use tabara_core::Picklist;
use tabara_core::htcds::{CaseStatus, ExploitationType};
use tabara_core::permissions::{Action, Relation, decide};
use tabara_core::records::Office;
use tabara_store::{CaseSummary, PageRequest};

use super::filter::{self, RawFilter, Refused};
use crate::access::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, render, url_encode};

/// Rows per page of the list.
const PAGE_SIZE: i64 = 25;

/// Filters of the case list, as they arrive from the form (empty strings are "any").
#[derive(Debug, Default, Deserialize)]
pub(crate) struct CaseListQuery {
    status: Option<String>,
    exploitation: Option<String>,
    office: Option<String>,
    from: Option<String>,
    to: Option<String>,
    after: Option<i64>,
    q: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "cases.html")]
struct CaseList {
    chrome: Chrome,
    cases: Vec<CaseSummary>,
    next_link: Option<String>,
    statuses: Vec<(&'static str, &'static str, bool)>,
    exploitation_types: Vec<(&'static str, &'static str, bool)>,
    offices: Vec<(String, String, bool)>,
    from: String,
    to: String,
    filter_error: Option<String>,
    can_search: bool,
    q: String,
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// `GET /cases`: the cases within the user's reach, newest first, filtered, a page at a time.
pub(crate) async fn case_list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<CaseListQuery>,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let raw = RawFilter {
        status: non_empty(&q.status),
        exploitation: non_empty(&q.exploitation),
        office: non_empty(&q.office),
        opened_from: non_empty(&q.from),
        opened_to: non_empty(&q.to),
    };
    let (mut filter, refused) = filter::parse(raw, &user.viewer);
    // A value the list does not know is said, never silently ignored (the list would show
    // every case as if filtered). An office that is not an id is only dropped: the form
    // offers offices by id.
    let refused_any = |which: &[Refused]| refused.iter().any(|r| which.contains(r));
    let filter_error = if refused_any(&[Refused::OpenedFrom, Refused::OpenedTo]) {
        Some(tabara_i18n::t!(lang, "cases-filter-bad-date"))
    } else if refused_any(&[Refused::Status, Refused::Exploitation]) {
        Some(tabara_i18n::t!(lang, "cases-filter-unknown-value"))
    } else {
        None
    };
    // Searching by name reveals identities: only for roles that read some, and audited
    // (without the searched name, which is itself personal data). The store matches only the
    // persons whose identity the role reads (`CaseFilter::name` under `visible_to`).
    let can_search = decide(user.user.role, Action::ReadIdentity, Some(Relation::ANY)).allowed();
    let search = non_empty(&q.q).filter(|_| can_search).map(str::to_string);
    if let Some(name) = &search {
        state
            .store
            .record_event(
                &user.actor(),
                "person_identity.search",
                "search",
                String::new(),
            )
            .await?;
        filter.name = Some(name.clone());
    }
    let page = state
        .store
        .list_cases(
            &filter,
            PageRequest {
                after: q.after,
                limit: PAGE_SIZE,
            },
        )
        .await?;
    let directory = state.directory().await?;
    let offices: &[Office] = &directory.offices;
    let keep = |name: &str, value: &Option<String>| {
        non_empty(value)
            .map(|v| format!("&{name}={}", url_encode(v)))
            .unwrap_or_default()
    };
    let next_link = page.next.map(|n| {
        format!(
            "/cases?after={n}{}{}{}{}{}{}",
            keep("q", &search),
            keep("status", &q.status),
            keep("exploitation", &q.exploitation),
            keep("office", &q.office),
            keep("from", &q.from),
            keep("to", &q.to)
        )
    });
    Ok(render(&CaseList {
        chrome: user.chrome("/cases"),
        cases: page.items,
        next_link,
        statuses: CaseStatus::ALL
            .iter()
            .map(|s| (s.as_str(), s.label(lang), filter.status == Some(*s)))
            .collect(),
        exploitation_types: ExploitationType::ALL
            .iter()
            .map(|t| (t.as_str(), t.label(lang), filter.exploitation == Some(*t)))
            .collect(),
        offices: offices
            .iter()
            .map(|o| {
                (
                    o.id.to_string(),
                    o.name.clone(),
                    filter.office_id == Some(o.id),
                )
            })
            .collect(),
        from: non_empty(&q.from).unwrap_or_default().to_string(),
        to: non_empty(&q.to).unwrap_or_default().to_string(),
        filter_error,
        can_search,
        q: search.unwrap_or_default(),
    }))
}
