//! Training sessions: the list, newest first, and the form that plans a new one (dates,
//! venue, organiser, modules with their facilitators, trainers, completion rule).

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use tabara_core::ids::{OrganisationId, TrainingSessionId};
use tabara_core::training::CompletionRule;
use tabara_store::{NewTrainingSession, SessionModule, StoreError};

use super::{curriculum, dates};
use crate::access::{CsrfForm, CurrentUser};
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, FormErrors, render};

#[derive(askama::Template)]
#[template(path = "training_sessions.html")]
struct SessionsPage {
    chrome: Chrome,
    sessions: Vec<(TrainingSessionId, String, String, String, usize)>,
    next_link: Option<String>,
}

/// Which page of sessions.
#[derive(Debug, Default, Deserialize)]
pub(super) struct SessionsQuery {
    after: Option<String>,
}

/// `GET /training`: sessions, newest first.
pub(super) async fn sessions(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<SessionsQuery>,
) -> Result<Response, AppError> {
    // A cursor that is not a session id, or names no session, is a broken link: 400, not 500.
    let after = match q.after.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        Some(a) => Some(a.parse().map_err(|_| AppError::BadRequest(user.lang))?),
        None => None,
    };
    let mut list = match state.store.training_sessions(after, 26).await {
        Err(tabara_store::StoreError::NotFound { .. }) => {
            return Err(AppError::BadRequest(user.lang));
        }
        other => other?,
    };
    let next_link = if list.len() > 25 {
        list.truncate(25);
        list.last().map(|s| format!("/training?after={}", s.id))
    } else {
        None
    };
    let lang = user.lang;
    Ok(render(&SessionsPage {
        chrome: user.chrome("/training"),
        sessions: list
            .iter()
            .map(|s| {
                (
                    s.id,
                    s.title.clone(),
                    dates(lang, s),
                    s.venue.clone(),
                    s.modules.len(),
                )
            })
            .collect(),
        next_link,
    }))
}

/// The new-session form as typed; modules and facilitators arrive as `m_<module>` and
/// `fac_<module>` fields.
#[derive(askama::Template)]
#[template(path = "training_new_session.html")]
struct NewSessionPage {
    chrome: Chrome,
    fields: BTreeMap<String, String>,
    errors: FormErrors,
    modules: Vec<(String, String, u32)>,
    organisations: Vec<(String, String)>,
}

impl NewSessionPage {
    fn value(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }

    fn checked(&self, name: &str) -> bool {
        self.fields.contains_key(name)
    }
}

async fn new_session_form(
    state: &AppState,
    user: &CurrentUser,
    fields: BTreeMap<String, String>,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let c = curriculum(lang)?;
    let status = errors.status();
    let page = NewSessionPage {
        chrome: user.chrome("/training/sessions/new"),
        fields,
        errors,
        modules: c
            .modules
            .iter()
            .map(|m| (m.id.clone(), m.title.get(lang).to_string(), m.hours))
            .collect(),
        organisations: state.directory().await?.organisation_choices(),
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /training/sessions/new`.
pub(super) async fn new_session_page(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    let mut fields = BTreeMap::new();
    let rule = CompletionRule::default();
    fields.insert(
        "min_attendance".into(),
        rule.min_attendance_percent.to_string(),
    );
    fields.insert(
        "min_post_test".into(),
        rule.min_post_test_percent.to_string(),
    );
    fields.insert("organiser".into(), user.user.organisation_id.to_string());
    new_session_form(&state, &user, fields, FormErrors::none()).await
}

/// `POST /training/sessions/new`.
pub(super) async fn create_session(
    State(state): State<AppState>,
    CsrfForm { user, form: raw }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let fields: BTreeMap<String, String> = raw.into_iter().collect();
    let get = |k: &str| fields.get(k).map(String::as_str).unwrap_or_default();
    let lang = user.lang;
    let c = curriculum(lang)?;
    let directory = state.directory().await?;
    let mut e = tabara_core::validation::ValidationErrors::default();
    let date =
        |e: &mut tabara_core::validation::ValidationErrors, field: &'static str, name: &str| {
            match NaiveDate::parse_from_str(get(name).trim(), "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    e.push(field, "date", "not a date");
                    None
                }
            }
        };
    let starts_on = date(&mut e, "trn_StartsOn", "starts_on");
    let ends_on = date(&mut e, "trn_EndsOn", "ends_on");
    let organiser = get("organiser")
        .parse::<OrganisationId>()
        .ok()
        .filter(|id| directory.organisations.iter().any(|o| o.id == *id));
    if organiser.is_none() {
        e.push("trn_Organiser", "required", "choose the organiser");
    }
    let pct =
        |e: &mut tabara_core::validation::ValidationErrors, field: &'static str, name: &str| {
            match get(name).trim().parse::<u8>() {
                Ok(v) if v <= 100 => Some(v),
                _ => {
                    e.push(field, "range", "0 to 100");
                    None
                }
            }
        };
    let min_attendance = pct(&mut e, "trn_MinAttendance", "min_attendance");
    let min_post = pct(&mut e, "trn_MinPostTest", "min_post_test");
    // A facilitator is an organisation of the directory, or none (empty); anything else is
    // refused rather than dropped.
    let facilitator = |e: &mut tabara_core::validation::ValidationErrors, module: &str| {
        let raw = get(&format!("fac_{module}")).trim();
        if raw.is_empty() {
            return None;
        }
        let id = raw
            .parse::<OrganisationId>()
            .ok()
            .filter(|id| directory.organisations.iter().any(|o| o.id == *id));
        if id.is_none() {
            e.push(
                "trn_Modules",
                "facilitator",
                "not an organisation of the directory",
            );
        }
        id
    };
    let mut modules: Vec<SessionModule> = Vec::new();
    for m in &c.modules {
        let fac = facilitator(&mut e, &m.id);
        if fields.contains_key(&format!("m_{}", m.id)) {
            modules.push(SessionModule {
                module: m.id.clone(),
                facilitator_id: fac,
            });
        }
    }
    let (Some(starts_on), Some(ends_on), Some(organiser_id), Some(a), Some(p), true) = (
        starts_on,
        ends_on,
        organiser,
        min_attendance,
        min_post,
        e.0.is_empty(),
    ) else {
        return new_session_form(&state, &user, fields.clone(), FormErrors::new(lang, e)).await;
    };
    let new = NewTrainingSession {
        id: TrainingSessionId::new(),
        title: get("title").to_string(),
        starts_on,
        ends_on,
        venue: get("venue").to_string(),
        organiser_id,
        funding: Some(get("funding").to_string()).filter(|f| !f.trim().is_empty()),
        modules,
        trainers: get("trainers")
            .split([',', ';', '\n'])
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect(),
        rule: CompletionRule {
            min_attendance_percent: a,
            min_post_test_percent: p,
        },
    };
    match state
        .store
        .create_training_session(&user.actor(), &new)
        .await
    {
        Ok(s) => Ok(Redirect::to(&format!("/training/sessions/{}", s.id)).into_response()),
        Err(StoreError::Invalid(v)) => {
            new_session_form(&state, &user, fields.clone(), FormErrors::new(lang, v)).await
        }
        Err(other) => Err(other.into()),
    }
}
