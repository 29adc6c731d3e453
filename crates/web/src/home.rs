//! The home page (the user's cases, and for the roles that read statistics the referral
//! figures), the health checks, the stylesheet and the page for anything else.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{TimeDelta, Utc};
use tabara_core::permissions::{Action, Relation, decide};
use tabara_core::stats::{SMALLEST_SHOWN, Shown, shown};
use tabara_core::{Lang, Picklist};
use tabara_store::{CaseFilter, CaseSummary, PageRequest, ReferralFigures};

use crate::access::{Access, CurrentUser, Routes, visitor_lang};
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, render};

/// The home page, health checks and stylesheet.
pub(crate) fn router() -> Routes {
    Routes::new()
        .get("/", Access::SignedIn, dashboard)
        .get("/healthz", Access::Public, healthz)
        .get("/readyz", Access::Public, readyz)
        .get("/static/tabara.css", Access::Public, stylesheet)
}

/// `GET /healthz`: the process answers.
async fn healthz() -> &'static str {
    "ok"
}

/// `GET /readyz`: the database answers too.
async fn readyz(State(state): State<AppState>) -> Response {
    match state.store.stats().await {
        Ok(_) => "ready".into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// `GET /static/tabara.css`.
async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../static/tabara.css"),
    )
        .into_response()
}

/// Anything else.
pub(crate) async fn not_found(headers: HeaderMap) -> AppError {
    AppError::NotFound(visitor_lang(&headers))
}

#[derive(askama::Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    chrome: Chrome,
    assigned: Vec<CaseSummary>,
    recent: Vec<CaseSummary>,
    can_see_cases: bool,
    referrals: Option<ReferralSection>,
}

/// A figure as shown: its label and its count (or "fewer than 5").
pub(crate) struct Figure {
    pub label: String,
    pub value: String,
}

/// The dashboard's referral figures, written in the page's language.
pub(crate) struct ReferralSection {
    pub by_state: Vec<Figure>,
    pub by_service: Vec<Figure>,
    pub median: String,
    pub overdue: String,
    pub children: String,
}

/// A count under the small-count rule: 1 to 4 are written "fewer than 5".
fn count(lang: Lang, n: i64) -> String {
    match shown(n) {
        Shown::Exact(n) => n.to_string(),
        Shown::FewerThan(m) => tabara_i18n::catalogue().text(
            lang,
            "figures-fewer-than",
            &[("count", tabara_i18n::Value::from(m))],
        ),
    }
}

/// A duration as people say it: minutes under an hour, hours under two days, days beyond
/// (rounded to the nearest).
fn duration(lang: Lang, d: TimeDelta) -> String {
    let secs = d.num_seconds().max(0);
    let (key, n) = if secs < 3600 {
        ("figures-minutes", (secs + 30) / 60)
    } else if secs < 48 * 3600 {
        ("figures-hours", (secs + 1800) / 3600)
    } else {
        ("figures-days", (secs + 43_200) / 86_400)
    };
    tabara_i18n::catalogue().text(lang, key, &[("count", tabara_i18n::Value::from(n))])
}

impl ReferralSection {
    /// The figures as shown in `lang`. The median is a figure about the accepted referrals:
    /// over fewer than five of them it is not shown either.
    pub(crate) fn new(lang: Lang, f: &ReferralFigures) -> ReferralSection {
        let figure = |label: &str, n: i64| Figure {
            label: label.to_string(),
            value: count(lang, n),
        };
        let median = match f.median_to_accept {
            None => tabara_i18n::catalogue().text(lang, "figures-median-none", &[]),
            Some(_) if f.accepted < SMALLEST_SHOWN => {
                tabara_i18n::catalogue().text(lang, "figures-median-too-few", &[])
            }
            Some(d) => duration(lang, d),
        };
        ReferralSection {
            by_state: f
                .by_state
                .iter()
                .map(|(s, n)| figure(s.label(lang), *n))
                .collect(),
            by_service: f
                .by_service
                .iter()
                .map(|(s, n)| figure(s.label(lang), *n))
                .collect(),
            median,
            overdue: count(lang, f.overdue),
            children: count(lang, f.children_on_pathway),
        }
    }
}

/// `GET /`: the user's cases and the newest ones within their reach.
async fn dashboard(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    let visible = CaseFilter {
        visible_to: Some(user.viewer.clone()),
        ..Default::default()
    };
    let first = PageRequest {
        after: None,
        limit: 10,
    };
    let recent = state.store.list_cases(&visible, first).await?.items;
    let mine = CaseFilter {
        owner_id: Some(user.user.id),
        ..visible
    };
    let assigned = state.store.list_cases(&mine, first).await?.items;
    let can_see_cases = decide(user.user.role, Action::ReadCase, Some(Relation::ANY)).allowed();
    let referrals = if decide(user.user.role, Action::ReadStatistics, None).allowed() {
        let figures = state.store.referral_figures(Utc::now()).await?;
        Some(ReferralSection::new(user.lang, &figures))
    } else {
        None
    };
    Ok(render(&Dashboard {
        chrome: user.chrome("/"),
        assigned,
        recent,
        can_see_cases,
        referrals,
    }))
}
