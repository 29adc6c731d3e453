//! One training session: its modules, days and participants, the add-participant form, and
//! one register form for every participant's attendance and scores. After a save the page is
//! reached by a redirect that names what was done ([`SessionNotice`]).

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use tabara_core::htcds::Gender;
use tabara_core::ids::{OrganisationId, ParticipantId, TrainingSessionId};
use tabara_core::{Lang, Picklist};
use tabara_store::{CertificateRecord, NewParticipant, Participant, StoreError, TrainingSession};

use super::{FieldErrors, curriculum, dates, field_message, found, grade_kind};
use crate::access::{CsrfForm, CurrentUser, SessionAccess};
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, choices, format_date, render};

struct ParticipantRow {
    p: Participant,
    sex: &'static str,
    days: Vec<(String, bool)>,
    completed: bool,
    shortfalls: String,
    certificate: Option<CertificateRecord>,
}

#[derive(askama::Template)]
#[template(path = "training_session.html")]
struct SessionPage {
    chrome: Chrome,
    s: TrainingSession,
    dates: String,
    organiser: String,
    modules: Vec<(String, u32, String)>,
    total_hours: u32,
    days: Vec<(String, String)>,
    rows: Vec<ParticipantRow>,
    genders: Vec<(&'static str, &'static str)>,
    error: Option<String>,
    notice: Option<String>,
    /// The add-participant form as sent, and its errors by field.
    participant: ParticipantForm,
    participant_errors: FieldErrors,
}

impl SessionPage {
    fn perr_has(&self, field: &str) -> bool {
        self.participant_errors.has(field)
    }

    fn perr_text(&self, field: &str) -> String {
        self.participant_errors.text(field)
    }

    fn sex_chosen(&self, value: &str) -> bool {
        self.participant.sex == value
    }
}

/// The session page, with an error or a notice.
pub(super) async fn session_page(
    state: &AppState,
    user: &CurrentUser,
    id: TrainingSessionId,
    error: Option<String>,
    notice: Option<String>,
) -> Result<Response, AppError> {
    session_page_with(
        state,
        user,
        id,
        error,
        notice,
        ParticipantForm::default(),
        FieldErrors::default(),
    )
    .await
}

async fn session_page_with(
    state: &AppState,
    user: &CurrentUser,
    id: TrainingSessionId,
    error: Option<String>,
    notice: Option<String>,
    participant: ParticipantForm,
    participant_errors: FieldErrors,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let s = found(state.store.training_session(id).await, lang)?;
    let c = curriculum(lang)?;
    let directory = state.directory().await?;
    let org_name = |id: Option<OrganisationId>| {
        id.and_then(|id| directory.organisations.iter().find(|o| o.id == id))
            .map(|o| o.name.clone())
            .unwrap_or_default()
    };
    let modules: Vec<(String, u32, String)> = s
        .modules
        .iter()
        .filter_map(|m| {
            c.module(&m.module).map(|cm| {
                (
                    cm.title.get(lang).to_string(),
                    cm.hours,
                    org_name(m.facilitator_id),
                )
            })
        })
        .collect();
    let days: Vec<NaiveDate> = s.starts_on.iter_days().take(s.days() as usize).collect();
    let certificates = state.store.session_certificates(s.id).await?;
    let rows = state
        .store
        .participants(s.id)
        .await?
        .into_iter()
        .map(|p| {
            let short = s
                .rule
                .check(p.days_attended.len() as u32, s.days(), p.post_test);
            ParticipantRow {
                sex: p.sex.label(lang),
                days: days
                    .iter()
                    .map(|d| (d.to_string(), p.days_attended.contains(d)))
                    .collect(),
                completed: short.is_empty(),
                shortfalls: short
                    .iter()
                    .map(|x| {
                        tabara_i18n::catalogue().text(
                            lang,
                            &format!("training-short-{}", format!("{x:?}").to_lowercase()),
                            &[],
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                certificate: certificates
                    .iter()
                    .find(|c| c.participant_id == p.id && c.revoked_at.is_none())
                    .cloned(),
                p,
            }
        })
        .collect();
    let status = if error.is_some() || participant_errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = SessionPage {
        chrome: user.chrome(&format!("/training/sessions/{}", s.id)),
        dates: dates(lang, &s),
        organiser: org_name(Some(s.organiser_id)),
        total_hours: modules.iter().map(|m| m.1).sum(),
        modules,
        days: days
            .iter()
            .map(|d| (d.to_string(), format_date(lang, *d)))
            .collect(),
        rows,
        genders: choices(&[Gender::Feminine, Gender::Masculine], lang),
        error,
        notice,
        participant,
        participant_errors,
        s,
    };
    Ok((status, render(&page)).into_response())
}

/// What a save on the session page did, carried by the redirect that follows it (so that the
/// address bar shows the page, not the form's target, and reloading does not post again).
/// Only names and ids travel: the notice's figures are read back from the register.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct SessionNotice {
    done: String,
    participant: String,
    kind: String,
}

impl SessionNotice {
    pub(super) fn link(id: TrainingSessionId, done: &str, extra: &str) -> Response {
        Redirect::to(&format!("/training/sessions/{id}?done={done}{extra}")).into_response()
    }

    async fn text(
        &self,
        state: &AppState,
        lang: Lang,
        session: TrainingSessionId,
    ) -> Result<Option<String>, AppError> {
        Ok(match self.done.as_str() {
            "register" => Some(tabara_i18n::t!(lang, "training-register-saved")),
            "revoked" => Some(tabara_i18n::t!(lang, "training-certificate-revoked")),
            "issued" => {
                let valid = state
                    .store
                    .session_certificates(session)
                    .await?
                    .iter()
                    .filter(|c| c.revoked_at.is_none())
                    .count();
                Some(tabara_i18n::t!(
                    lang,
                    "training-certificates-valid",
                    count = i64::try_from(valid).unwrap_or(i64::MAX)
                ))
            }
            "graded" => {
                let Ok(id) = self.participant.parse::<ParticipantId>() else {
                    return Ok(None);
                };
                match state.store.participant(id).await {
                    Ok(p) if p.session_id == session => {
                        let score = match grade_kind(&Some(self.kind.clone())) {
                            "post" => p.post_test,
                            _ => p.pre_test,
                        };
                        score.map(|score| {
                            tabara_i18n::t!(
                                lang,
                                "training-graded",
                                name = p.full_name.as_str(),
                                score = i64::from(score)
                            )
                        })
                    }
                    Ok(_) | Err(StoreError::NotFound { .. }) => None,
                    Err(e) => return Err(e.into()),
                }
            }
            _ => None,
        })
    }
}

/// `GET /training/sessions/{id}`.
pub(super) async fn session(
    State(state): State<AppState>,
    user: CurrentUser,
    access: SessionAccess,
    Query(q): Query<SessionNotice>,
) -> Result<Response, AppError> {
    let id = access.session.id;
    let notice = q.text(&state, user.lang, id).await?;
    session_page(&state, &user, id, None, notice).await
}

/// The add-participant form.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub(super) struct ParticipantForm {
    full_name: String,
    rank: String,
    unit: String,
    sex: String,
    username: String,
}

/// `POST /training/sessions/{id}/participants`.
pub(super) async fn add_participant(
    State(state): State<AppState>,
    access: SessionAccess,
    CsrfForm { user, form }: CsrfForm<ParticipantForm>,
) -> Result<Response, AppError> {
    let id = access.session.id;
    let lang = user.lang;
    let account = if form.username.trim().is_empty() {
        None
    } else {
        match state.store.user_by_username(form.username.trim()).await? {
            Some(u) => Some(u),
            None => {
                let msg = tabara_i18n::t!(lang, "training-unknown-account");
                return refuse_participant(
                    &state,
                    &user,
                    id,
                    form,
                    FieldErrors::one("trp_Username", msg),
                )
                .await;
            }
        }
    };
    // Empty is "not specified"; a value that is not a Gender is refused, not replaced.
    let sex = if form.sex.trim().is_empty() {
        Gender::NonSpecifiedUnknown
    } else {
        match Gender::parse(form.sex.trim()) {
            Ok(g) => g,
            Err(_) => {
                let msg = field_message(lang, "training-error", "trp_Sex", "picklist", "");
                return refuse_participant(
                    &state,
                    &user,
                    id,
                    form,
                    FieldErrors::one("trp_Sex", msg),
                )
                .await;
            }
        }
    };
    let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let new = NewParticipant {
        id: ParticipantId::new(),
        session_id: id,
        user_id: account.as_ref().map(|u| u.id),
        full_name: if form.full_name.trim().is_empty() {
            account
                .as_ref()
                .map(|u| u.display_name.clone())
                .unwrap_or_default()
        } else {
            form.full_name.clone()
        },
        rank: opt(&form.rank),
        unit: opt(&form.unit),
        office_id: account.as_ref().and_then(|u| u.office_id),
        sex,
    };
    match state.store.add_participant(&user.actor(), &new).await {
        Ok(_) => Ok(Redirect::to(&format!("/training/sessions/{id}#participants")).into_response()),
        Err(StoreError::Invalid(v)) => {
            let errors = FieldErrors::new(lang, "training-error", &v);
            refuse_participant(&state, &user, id, form, errors).await
        }
        Err(StoreError::Duplicate { .. }) => {
            let msg = tabara_i18n::t!(lang, "training-participant-already");
            refuse_participant(
                &state,
                &user,
                id,
                form,
                FieldErrors::one("trp_Username", msg),
            )
            .await
        }
        Err(StoreError::NotFound { .. }) => Err(AppError::NotFound(lang)),
        Err(other) => Err(other.into()),
    }
}

/// The session page again, with the add-participant form as sent and its errors.
async fn refuse_participant(
    state: &AppState,
    user: &CurrentUser,
    id: TrainingSessionId,
    form: ParticipantForm,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let msg = tabara_i18n::t!(user.lang, "intake-has-errors");
    session_page_with(state, user, id, Some(msg), None, form, errors).await
}

/// `POST /training/sessions/{id}/register`: attendance (`att_<participant>_<day>`) and scores
/// (`pre_<participant>`, `post_<participant>`, `v_<participant>`) of every participant at once.
pub(super) async fn save_register(
    State(state): State<AppState>,
    access: SessionAccess,
    CsrfForm { user, form: raw }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let fields: BTreeMap<String, String> = raw.into_iter().collect();
    let s = access.session;
    let (id, lang) = (s.id, user.lang);
    let actor = user.actor();
    let days: Vec<NaiveDate> = s.starts_on.iter_days().take(s.days() as usize).collect();
    let mut bad_score = false;
    for p in state.store.participants(id).await? {
        for d in &days {
            let present = fields.contains_key(&format!("att_{}_{d}", p.id));
            if present != p.days_attended.contains(d) {
                state
                    .store
                    .set_attendance(&actor, p.id, *d, present)
                    .await?;
            }
        }
        let score = |k: &str| -> Result<Option<u8>, ()> {
            match fields.get(&format!("{k}_{}", p.id)).map(|v| v.trim()) {
                None | Some("") => Ok(None),
                Some(v) => v
                    .parse::<u8>()
                    .ok()
                    .filter(|v| *v <= 100)
                    .map(Some)
                    .ok_or(()),
            }
        };
        match (score("pre"), score("post")) {
            (Ok(pre), Ok(post)) if (pre, post) != (p.pre_test, p.post_test) => {
                let version = fields
                    .get(&format!("v_{}", p.id))
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(p.version);
                match state
                    .store
                    .set_scores(&actor, p.id, version, pre, post)
                    .await
                {
                    Ok(_) => {}
                    Err(StoreError::Conflict { .. }) => {
                        let msg = tabara_i18n::t!(lang, "training-register-conflict");
                        return session_page(&state, &user, id, Some(msg), None).await;
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            (Ok(_), Ok(_)) => {}
            _ => bad_score = true,
        }
    }
    if bad_score {
        let msg = tabara_i18n::t!(lang, "training-score-range");
        return session_page(&state, &user, id, Some(msg), None).await;
    }
    Ok(SessionNotice::link(id, "register", ""))
}
