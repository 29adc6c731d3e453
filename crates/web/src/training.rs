//! The training programme in the browser: sessions, participants, attendance and scores,
//! certificates (issue, print, revoke) for trainers; certificates of one's own for participants
//! with an account; and the public page where anyone checks a certificate code.

use std::collections::BTreeMap;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use tabara_core::htcds::Gender;
use tabara_core::ids::{CertificateId, OrganisationId, ParticipantId, TrainingSessionId};
use tabara_core::permissions::Action;
use tabara_core::training::{CompletionRule, Curriculum, normalise_code};
use tabara_core::{Lang, Picklist};
use tabara_store::{
    Actor, CertificateRecord, NewParticipant, NewTrainingSession, Participant, SessionModule,
    StoreError, TrainingSession,
};

use crate::AppState;
use crate::auth::{CurrentUser, visitor_lang};
use crate::error::AppError;
use crate::view::{Chrome, FormErrors, format_date, render};

pub(crate) fn trainer(user: &CurrentUser) -> Result<(), AppError> {
    if user.may(Action::ManageTraining) {
        Ok(())
    } else {
        Err(AppError::NotFound(user.lang))
    }
}

/// A record read from the store, or the page's 404 when it does not exist.
fn found<T>(r: Result<T, StoreError>, lang: Lang) -> Result<T, AppError> {
    match r {
        Ok(v) => Ok(v),
        Err(StoreError::NotFound { .. }) => Err(AppError::NotFound(lang)),
        Err(e) => Err(e.into()),
    }
}

fn curriculum(lang: Lang) -> Result<&'static Curriculum, AppError> {
    Curriculum::embedded().map_err(|e| {
        tracing::error!(error = %e, "curriculum");
        AppError::NotFound(lang)
    })
}

fn dates(lang: Lang, s: &TrainingSession) -> String {
    if s.starts_on == s.ends_on {
        format_date(lang, s.starts_on)
    } else {
        format!(
            "{} – {}",
            format_date(lang, s.starts_on),
            format_date(lang, s.ends_on)
        )
    }
}

// ---------------------------------------------------------------- public verification

#[derive(askama::Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    chrome: Chrome,
    code: String,
    /// `valid`, `revoked`, `unknown`, `malformed`, or empty before a check.
    result: &'static str,
    /// For a valid certificate: who holds it, for which course, when.
    holder: Option<VerifiedHolder>,
}

/// What the public verification page shows of a valid certificate.
struct VerifiedHolder {
    name: String,
    course: String,
    dates: String,
}

/// The code to check.
#[derive(Debug, Default, Deserialize)]
pub struct VerifyQuery {
    code: Option<String>,
}

/// `GET /verify`: anyone (no sign-in) enters a certificate code and learns whether it is valid,
/// revoked or unknown, and nothing more.
pub async fn verify(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<VerifyQuery>,
) -> Result<Response, AppError> {
    let lang = visitor_lang(&headers);
    let typed = q.code.unwrap_or_default();
    let mut holder = None;
    let result = if typed.trim().is_empty() {
        ""
    } else {
        match normalise_code(&typed) {
            None => "malformed",
            Some(code) => match state.store.certificate_by_code(&code).await? {
                None => "unknown",
                Some(c) if c.revoked_at.is_some() => "revoked",
                Some(c) => {
                    // Enough for a checker to tie the code to the person in front of them
                    // (name, course, dates), and nothing more: no rank, unit or scores.
                    let p = state.store.participant(c.participant_id).await?;
                    let s = state.store.training_session(c.session_id).await?;
                    holder = Some(VerifiedHolder {
                        name: p.full_name,
                        course: s.title,
                        dates: format!(
                            "{} – {}",
                            format_date(lang, s.starts_on),
                            format_date(lang, s.ends_on)
                        ),
                    });
                    "valid"
                }
            },
        }
    };
    let mut chrome = Chrome::anonymous(lang);
    chrome.path = "/verify".into();
    let page = VerifyPage {
        chrome,
        code: typed.trim().to_string(),
        result,
        holder,
    };
    let status = if result == "unknown" || result == "malformed" {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::OK
    };
    Ok((status, [(header::CACHE_CONTROL, "no-store")], render(&page)).into_response())
}

/// The public URL of the verification page for a code.
fn verify_url(state: &AppState, headers: &HeaderMap, code: &str) -> String {
    let base = match &state.config.public_url {
        Some(u) => u.trim_end_matches('/').to_string(),
        None => {
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .filter(|h| {
                    h.chars().all(|c| {
                        c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']')
                    })
                })
                .unwrap_or("localhost");
            let scheme = if state.config.behind_tls {
                "https"
            } else {
                "http"
            };
            format!("{scheme}://{host}")
        }
    };
    format!("{base}/verify?code={code}")
}

// ---------------------------------------------------------------- sessions

#[derive(askama::Template)]
#[template(path = "training_sessions.html")]
struct SessionsPage {
    chrome: Chrome,
    sessions: Vec<(TrainingSessionId, String, String, String, usize)>,
    next_link: Option<String>,
}

/// Which page of sessions.
#[derive(Debug, Default, Deserialize)]
pub struct SessionsQuery {
    after: Option<String>,
}

/// `GET /training`: sessions, newest first.
pub async fn sessions(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<SessionsQuery>,
) -> Result<Response, AppError> {
    trainer(&user)?;
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
        organisations: state
            .directory()
            .await?
            .organisations
            .iter()
            .map(|o| (o.id.to_string(), o.name.clone()))
            .collect(),
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /training/sessions/new`.
pub async fn new_session_page(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    trainer(&user)?;
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
pub async fn create_session(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(raw): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    trainer(&user)?;
    let fields: BTreeMap<String, String> = raw.into_iter().collect();
    let get = |k: &str| fields.get(k).map(String::as_str).unwrap_or_default();
    user.check_csrf(get("csrf"))?;
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
        .create_training_session(&Actor::user(user.user.id), &new)
        .await
    {
        Ok(s) => Ok(Redirect::to(&format!("/training/sessions/{}", s.id)).into_response()),
        Err(StoreError::Invalid(v)) => {
            new_session_form(&state, &user, fields.clone(), FormErrors::new(lang, v)).await
        }
        Err(other) => Err(other.into()),
    }
}

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

/// Errors of a form by field, each already translated by field and rule.
#[derive(Debug, Default)]
struct FieldErrors(BTreeMap<&'static str, String>);

impl FieldErrors {
    /// The errors of a validation: for each field its first error, worded by
    /// `{prefix}-{field}-{rule}` when the catalogue has it, else by the general `rule-{rule}`,
    /// else in the validator's own words.
    fn new(lang: Lang, prefix: &str, v: &tabara_core::validation::ValidationErrors) -> Self {
        let mut out = BTreeMap::new();
        for e in &v.0 {
            if out.contains_key(e.field) {
                continue;
            }
            out.insert(
                e.field,
                field_message(lang, prefix, e.field, e.rule, &e.message),
            );
        }
        FieldErrors(out)
    }

    fn one(field: &'static str, message: String) -> Self {
        FieldErrors(BTreeMap::from([(field, message)]))
    }

    fn any(&self) -> bool {
        !self.0.is_empty()
    }

    fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    fn text(&self, field: &str) -> String {
        self.0.get(field).cloned().unwrap_or_default()
    }
}

/// The message of one field error: `{prefix}-{field}-{rule}`, else `{prefix}-{rule}`, else
/// `rule-{rule}`, else the validator's words (field `trp_FullName` reads `full-name`).
fn field_message(lang: Lang, prefix: &str, field: &str, rule: &str, fallback: &str) -> String {
    let cat = tabara_i18n::catalogue();
    let field = field.split_once('_').map(|(_, f)| f).unwrap_or(field);
    let mut name = String::new();
    for (i, ch) in field.chars().enumerate() {
        if ch.is_uppercase() && i > 0 {
            name.push('-');
        }
        name.extend(ch.to_lowercase());
    }
    let rule = rule.replace('_', "-");
    [
        format!("{prefix}-{name}-{rule}"),
        format!("{prefix}-{rule}"),
        format!("rule-{rule}"),
    ]
    .into_iter()
    .find(|k| cat.has(Lang::En, k))
    .map(|k| cat.text(lang, &k, &[]))
    .unwrap_or_else(|| fallback.to_string())
}

async fn session_page(
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
        genders: [Gender::Feminine, Gender::Masculine]
            .iter()
            .map(|g| (g.as_str(), g.label(lang)))
            .collect(),
        error,
        notice,
        participant,
        participant_errors,
        s,
    };
    Ok((status, render(&page)).into_response())
}

fn session_id(user: &CurrentUser, id: &str) -> Result<TrainingSessionId, AppError> {
    id.parse().map_err(|_| AppError::NotFound(user.lang))
}

/// What a save on the session page did, carried by the redirect that follows it (so that the
/// address bar shows the page, not the form's target, and reloading does not post again).
/// Only names and ids travel: the notice's figures are read back from the register.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SessionNotice {
    done: String,
    participant: String,
    kind: String,
}

impl SessionNotice {
    fn link(id: TrainingSessionId, done: &str, extra: &str) -> Response {
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
pub async fn session(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<SessionNotice>,
) -> Result<Response, AppError> {
    trainer(&user)?;
    let id = session_id(&user, &id)?;
    let notice = q.text(&state, user.lang, id).await?;
    session_page(&state, &user, id, None, notice).await
}

/// The add-participant form.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ParticipantForm {
    csrf: String,
    full_name: String,
    rank: String,
    unit: String,
    sex: String,
    username: String,
}

/// `POST /training/sessions/{id}/participants`.
pub async fn add_participant(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<ParticipantForm>,
) -> Result<Response, AppError> {
    trainer(&user)?;
    user.check_csrf(&form.csrf)?;
    let id = session_id(&user, &id)?;
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
    match state
        .store
        .add_participant(&Actor::user(user.user.id), &new)
        .await
    {
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
pub async fn save_register(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(raw): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    trainer(&user)?;
    let fields: BTreeMap<String, String> = raw.into_iter().collect();
    user.check_csrf(fields.get("csrf").map(String::as_str).unwrap_or_default())?;
    let id = session_id(&user, &id)?;
    let lang = user.lang;
    let s = state.store.training_session(id).await?;
    let actor = Actor::user(user.user.id);
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

/// A form with only its token.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CsrfForm {
    csrf: String,
}

/// `POST /training/sessions/{id}/certificates`: a certificate for every participant who
/// completed and has none valid.
pub async fn issue_certificates(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, AppError> {
    trainer(&user)?;
    user.check_csrf(&form.csrf)?;
    let id = session_id(&user, &id)?;
    let actor = Actor::user(user.user.id);
    for p in state.store.participants(id).await? {
        match state.store.issue_certificate(&actor, p.id).await {
            Ok(_) | Err(StoreError::Invalid(_) | StoreError::Duplicate { .. }) => {}
            Err(e) => return Err(e.into()),
        }
    }
    // No figure travels in the address: the notice counts the register's valid certificates.
    Ok(SessionNotice::link(id, "issued", ""))
}

async fn certificate_doc(
    state: &AppState,
    headers: &HeaderMap,
    lang: Lang,
    cert: &CertificateRecord,
) -> Result<tabara_pdf::Certificate, AppError> {
    let c = curriculum(lang)?;
    let p = state.store.participant(cert.participant_id).await?;
    let s = state.store.training_session(cert.session_id).await?;
    let directory = state.directory().await?;
    let org = |id: OrganisationId| {
        directory
            .organisations
            .iter()
            .find(|o| o.id == id)
            .map(|o| o.name.clone())
            .unwrap_or_default()
    };
    let t = |k: &str| tabara_i18n::catalogue().text(lang, k, &[]);
    let mut signatories: Vec<(String, String)> = s
        .trainers
        .iter()
        .take(2)
        .map(|n| (n.clone(), t("cert-trainer")))
        .collect();
    signatories.push((org(s.organiser_id), t("cert-organiser")));
    Ok(tabara_pdf::Certificate {
        holder: p.full_name.clone(),
        holder_detail: [p.rank.clone(), p.unit.clone()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", "),
        session: s.title.clone(),
        when_where: format!("{}, {}", dates(lang, &s), s.venue),
        modules: s
            .modules
            .iter()
            .filter_map(|m| {
                c.module(&m.module)
                    .map(|cm| (cm.title.get(lang).to_string(), cm.hours))
            })
            .collect(),
        issuer: org(s.organiser_id),
        signatories,
        code: cert.code.clone(),
        verify_url: verify_url(state, headers, &cert.code),
        labels: tabara_pdf::CertificateLabels {
            title: t("cert-title"),
            certifies: t("cert-certifies"),
            completed: t("cert-completed"),
            modules: t("cert-modules"),
            hours: t("cert-hours"),
            total: t("cert-total"),
            issued_by: t("cert-issued-by"),
            code: t("cert-code"),
            verify_at: t("cert-verify-at"),
        },
    })
}

fn pdf_response(bytes: Vec<u8>, filename: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

/// `GET /training/certificates/{id}/pdf`: for trainers, and for the participant whose account
/// it was issued to.
pub async fn certificate_pdf(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let id: CertificateId = id.parse().map_err(|_| AppError::NotFound(lang))?;
    let cert = found(state.store.certificate(id).await, lang)?;
    let holder = state.store.participant(cert.participant_id).await?.user_id == Some(user.user.id);
    if !holder && trainer(&user).is_err() {
        return Err(AppError::NotFound(lang));
    }
    if cert.revoked_at.is_some() {
        return Err(AppError::NotFound(lang));
    }
    let doc = certificate_doc(&state, &headers, lang, &cert).await?;
    Ok(pdf_response(
        tabara_pdf::certificates(&[doc]),
        &format!("certificate-{}.pdf", cert.code),
    ))
}

/// `GET /training/sessions/{id}/certificates.pdf`: every valid certificate of a session, one
/// page each, to print in one go.
pub async fn session_certificates_pdf(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    trainer(&user)?;
    let id = session_id(&user, &id)?;
    let mut docs = Vec::new();
    for cert in state
        .store
        .session_certificates(id)
        .await?
        .iter()
        .filter(|c| c.revoked_at.is_none())
    {
        docs.push(certificate_doc(&state, &headers, user.lang, cert).await?);
    }
    docs.sort_by(|a, b| a.holder.cmp(&b.holder));
    Ok(pdf_response(
        tabara_pdf::certificates(&docs),
        "certificates.pdf",
    ))
}

/// The revocation form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RevokeForm {
    csrf: String,
    reason: String,
}

/// `POST /training/certificates/{id}/revoke`.
pub async fn revoke(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<RevokeForm>,
) -> Result<Response, AppError> {
    trainer(&user)?;
    user.check_csrf(&form.csrf)?;
    let lang = user.lang;
    let id: CertificateId = id.parse().map_err(|_| AppError::NotFound(lang))?;
    let cert = found(state.store.certificate(id).await, lang)?;
    match state
        .store
        .revoke_certificate(&Actor::user(user.user.id), id, &form.reason)
        .await
    {
        Ok(_) => Ok(SessionNotice::link(cert.session_id, "revoked", "")),
        Err(StoreError::Invalid(v)) => {
            let msg = if v.0.iter().any(|f| f.rule == "control_characters") {
                tabara_i18n::t!(lang, "rule-control-characters")
            } else {
                tabara_i18n::t!(lang, "training-revoke-reason-needed")
            };
            session_page(&state, &user, cert.session_id, Some(msg), None).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(askama::Template)]
#[template(path = "my_certificates.html")]
struct MyCertificatesPage {
    chrome: Chrome,
    certificates: Vec<(CertificateId, String, String, String, bool)>,
}

/// `GET /account/certificates`: the certificates issued to the signed-in user.
pub async fn my_certificates(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let mut rows = Vec::new();
    for c in state.store.user_certificates(user.user.id).await? {
        let s = state.store.training_session(c.session_id).await?;
        rows.push((
            c.id,
            s.title.clone(),
            dates(lang, &s),
            c.code.clone(),
            c.revoked_at.is_some(),
        ));
    }
    Ok(render(&MyCertificatesPage {
        chrome: user.chrome("/account/certificates"),
        certificates: rows,
    }))
}

// ---------------------------------------------------------------- awareness materials

/// What one office received: its name and (date, item, quantity) rows.
type Received = (String, Vec<(String, String, i64)>);

#[derive(askama::Template)]
#[template(path = "training_materials.html")]
struct MaterialsPage {
    chrome: Chrome,
    items: Vec<(String, String, String, String, String)>,
    stock: Vec<(String, String, i64)>,
    received: Vec<Received>,
    offices: Vec<(String, String)>,
    item_choices: Vec<(String, String)>,
    kinds: Vec<(&'static str, String)>,
    error: Option<String>,
    /// The form the error is about (`items`, `receive`, `distribute`), tied to the alert.
    error_form: &'static str,
    notice: Option<String>,
    today: String,
}

async fn materials_page(
    state: &AppState,
    user: &CurrentUser,
    error: Option<(&'static str, String)>,
    notice: Option<String>,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let t = |k: &str| tabara_i18n::catalogue().text(lang, k, &[]);
    let directory = state.directory().await?;
    let office_name = |id: tabara_core::ids::OfficeId| {
        directory
            .offices
            .iter()
            .find(|o| o.id == id)
            .map(|o| o.name.clone())
            .unwrap_or_default()
    };
    let items = state.store.materials().await?;
    let title = |id: tabara_core::ids::MaterialId| {
        items
            .iter()
            .find(|i| i.id == id)
            .map(|i| i.title.clone())
            .unwrap_or_default()
    };
    let mut received: Vec<Received> = Vec::new();
    for d in state.store.distributions().await? {
        let office = office_name(d.office_id);
        let row = (format_date(lang, d.on_date), title(d.item_id), d.quantity);
        match received.last_mut() {
            Some((o, rows)) if *o == office => rows.push(row),
            _ => received.push((office, vec![row])),
        }
    }
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = MaterialsPage {
        chrome: user.chrome("/training/materials"),
        stock: state
            .store
            .material_stock()
            .await?
            .into_iter()
            .map(|s| (title(s.item_id), office_name(s.store_id), s.quantity))
            .collect(),
        item_choices: items
            .iter()
            .map(|i| (i.id.to_string(), i.title.clone()))
            .collect(),
        items: items
            .iter()
            .map(|i| {
                (
                    i.title.clone(),
                    t(&format!("material-{}", i.kind)),
                    i.language.clone(),
                    i.campaign.clone().unwrap_or_default(),
                    i.id.to_string(),
                )
            })
            .collect(),
        received,
        offices: directory
            .offices
            .iter()
            .map(|o| (o.id.to_string(), o.name.clone()))
            .collect(),
        kinds: ["poster", "flyer", "brochure"]
            .into_iter()
            .map(|k| (k, t(&format!("material-{k}"))))
            .collect(),
        error_form: error.as_ref().map(|e| e.0).unwrap_or_default(),
        error: error.map(|e| e.1),
        notice,
        today: chrono::Utc::now().date_naive().to_string(),
    };
    Ok((status, render(&page)).into_response())
}

/// After a receipt or a distribution, the page shows the stock of that item in that store, read
/// back from the register (the redirect carries ids, not figures).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StockNotice {
    item: String,
    store: String,
}

/// `GET /training/materials`: items, stock per store, and what each post received and when.
pub async fn materials(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<StockNotice>,
) -> Result<Response, AppError> {
    trainer(&user)?;
    let notice = match (
        q.item.parse::<tabara_core::ids::MaterialId>(),
        q.store.parse::<tabara_core::ids::OfficeId>(),
    ) {
        (Ok(item), Ok(store)) => state
            .store
            .material_stock()
            .await?
            .into_iter()
            .find(|s| s.item_id == item && s.store_id == store)
            .map(|s| tabara_i18n::t!(user.lang, "material-stock-now", quantity = s.quantity)),
        _ => None,
    };
    materials_page(&state, &user, None, notice).await
}

fn stock_link(item: tabara_core::ids::MaterialId, store: tabara_core::ids::OfficeId) -> Response {
    Redirect::to(&format!("/training/materials?item={item}&store={store}")).into_response()
}

/// The forms of the materials page (one struct: each form sends the fields it has).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MaterialForm {
    csrf: String,
    kind: String,
    title: String,
    language: String,
    campaign: String,
    item: String,
    store: String,
    to: String,
    quantity: String,
    on: String,
}

fn material_error(lang: Lang, e: &StoreError) -> Option<String> {
    match e {
        StoreError::Invalid(v) => {
            v.0.first()
                .map(|f| field_message(lang, "material-error", f.field, f.rule, &f.message))
        }
        _ => None,
    }
}

/// `POST /training/materials/items`.
pub async fn create_material(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<MaterialForm>,
) -> Result<Response, AppError> {
    trainer(&user)?;
    user.check_csrf(&form.csrf)?;
    let campaign = Some(form.campaign.as_str()).filter(|c| !c.trim().is_empty());
    match state
        .store
        .create_material(
            &Actor::user(user.user.id),
            tabara_core::ids::MaterialId::new(),
            form.kind.trim(),
            &form.title,
            &form.language,
            campaign,
        )
        .await
    {
        Ok(_) => Ok(Redirect::to("/training/materials").into_response()),
        Err(e) => match material_error(user.lang, &e) {
            Some(msg) => materials_page(&state, &user, Some(("items", msg)), None).await,
            None => Err(e.into()),
        },
    }
}

fn parse_movement(
    form: &MaterialForm,
) -> Option<(
    tabara_core::ids::MaterialId,
    tabara_core::ids::OfficeId,
    i64,
    NaiveDate,
)> {
    Some((
        form.item.parse().ok()?,
        form.store.parse().ok()?,
        form.quantity.trim().parse().ok()?,
        NaiveDate::parse_from_str(form.on.trim(), "%Y-%m-%d").ok()?,
    ))
}

/// `POST /training/materials/receive`: stock received into a store.
pub async fn receive_material(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<MaterialForm>,
) -> Result<Response, AppError> {
    trainer(&user)?;
    user.check_csrf(&form.csrf)?;
    let lang = user.lang;
    let Some((item, store, quantity, on)) = parse_movement(&form) else {
        let msg = tabara_i18n::t!(lang, "material-error-form");
        return materials_page(&state, &user, Some(("receive", msg)), None).await;
    };
    match state
        .store
        .receive_material(&Actor::user(user.user.id), item, store, quantity, on)
        .await
    {
        Ok(_) => Ok(stock_link(item, store)),
        Err(e) => match material_error(lang, &e) {
            Some(msg) => materials_page(&state, &user, Some(("receive", msg)), None).await,
            None => Err(e.into()),
        },
    }
}

/// `POST /training/materials/distribute`: from a store to a post; refused when stock is short.
pub async fn distribute_material(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<MaterialForm>,
) -> Result<Response, AppError> {
    trainer(&user)?;
    user.check_csrf(&form.csrf)?;
    let lang = user.lang;
    let (Some((item, store, quantity, on)), Ok(to)) = (parse_movement(&form), form.to.parse())
    else {
        let msg = tabara_i18n::t!(lang, "material-error-form");
        return materials_page(&state, &user, Some(("distribute", msg)), None).await;
    };
    match state
        .store
        .distribute_material(&Actor::user(user.user.id), item, store, to, quantity, on)
        .await
    {
        Ok(_) => Ok(stock_link(item, store)),
        Err(e) => match material_error(lang, &e) {
            Some(msg) => materials_page(&state, &user, Some(("distribute", msg)), None).await,
            None => Err(e.into()),
        },
    }
}

#[derive(askama::Template)]
#[template(path = "training_test.html")]
struct TestPage {
    chrome: Chrome,
    s: TrainingSession,
    questions: Vec<(String, String, Vec<String>, String)>,
    with_key: bool,
}

/// Whether to print the answer key.
#[derive(Debug, Default, Deserialize)]
pub struct TestQuery {
    key: Option<String>,
}

/// `GET /training/sessions/{id}/test`: the pre/post test of the session's modules, from the
/// curriculum's questions, to print (with `?key=1`, the answer key for the trainer).
pub async fn test_sheet(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<TestQuery>,
) -> Result<Response, AppError> {
    trainer(&user)?;
    let lang = user.lang;
    let id = session_id(&user, &id)?;
    let s = found(state.store.training_session(id).await, lang)?;
    let c = curriculum(lang)?;
    let modules: Vec<String> = s.modules.iter().map(|m| m.module.clone()).collect();
    let questions = c
        .test_questions(&modules)
        .map(|qn| {
            let choices = qn.choices.get(lang).to_vec();
            let answer = choices.get(qn.answer).cloned().unwrap_or_default();
            (
                qn.id.clone(),
                qn.text.get(lang).to_string(),
                choices,
                answer,
            )
        })
        .collect();
    Ok(render(&TestPage {
        chrome: user.chrome(&format!("/training/sessions/{id}/test")),
        s,
        questions,
        with_key: q.key.is_some(),
    }))
}

/// A test question for grading: id, text, numbered choices.
type GradeQuestion = (String, String, Vec<(usize, String)>);

#[derive(askama::Template)]
#[template(path = "training_grade.html")]
struct GradePage {
    chrome: Chrome,
    p: Participant,
    s: TrainingSession,
    kind: &'static str,
    questions: Vec<GradeQuestion>,
}

/// Which test is graded: `pre` or `post`.
#[derive(Debug, Default, Deserialize)]
pub struct GradeQuery {
    kind: Option<String>,
}

fn grade_kind(q: &Option<String>) -> &'static str {
    if q.as_deref() == Some("post") {
        "post"
    } else {
        "pre"
    }
}

/// `GET /training/participants/{id}/grade?kind=pre|post`: enter a participant's answers to the
/// session's test; the score is computed from the curriculum's answer key.
pub async fn grade_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<GradeQuery>,
) -> Result<Response, AppError> {
    trainer(&user)?;
    let lang = user.lang;
    let id: ParticipantId = id.parse().map_err(|_| AppError::NotFound(lang))?;
    let p = found(state.store.participant(id).await, lang)?;
    let s = state.store.training_session(p.session_id).await?;
    let c = curriculum(lang)?;
    let modules: Vec<String> = s.modules.iter().map(|m| m.module.clone()).collect();
    let questions = c
        .test_questions(&modules)
        .map(|qn| {
            (
                qn.id.clone(),
                qn.text.get(lang).to_string(),
                qn.choices.get(lang).iter().cloned().enumerate().collect(),
            )
        })
        .collect();
    let kind = grade_kind(&q.kind);
    Ok(render(&GradePage {
        chrome: user.chrome(&format!("/training/participants/{id}/grade?kind={kind}")),
        p,
        s,
        kind,
        questions,
    }))
}

/// `POST /training/participants/{id}/grade?kind=pre|post`: score the answers (`q_<question>` =
/// choice index; a question left blank counts as wrong) and record it, keeping the other score.
pub async fn grade(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<GradeQuery>,
    Form(raw): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    trainer(&user)?;
    let fields: BTreeMap<String, String> = raw.into_iter().collect();
    user.check_csrf(fields.get("csrf").map(String::as_str).unwrap_or_default())?;
    let lang = user.lang;
    let id: ParticipantId = id.parse().map_err(|_| AppError::NotFound(lang))?;
    let p = found(state.store.participant(id).await, lang)?;
    let s = state.store.training_session(p.session_id).await?;
    let c = curriculum(lang)?;
    let modules: Vec<String> = s.modules.iter().map(|m| m.module.clone()).collect();
    let answers: BTreeMap<String, usize> = fields
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("q_")?.to_string(), v.parse().ok()?)))
        .collect();
    let Some(score) = c.score(c.test_questions(&modules), &answers) else {
        return Err(AppError::NotFound(lang));
    };
    let (pre, post) = match grade_kind(&q.kind) {
        "post" => (p.pre_test, Some(score)),
        _ => (Some(score), p.post_test),
    };
    let version = fields
        .get("version")
        .and_then(|v| v.parse().ok())
        .unwrap_or(p.version);
    match state
        .store
        .set_scores(&Actor::user(user.user.id), p.id, version, pre, post)
        .await
    {
        Ok(_) => Ok(SessionNotice::link(
            s.id,
            "graded",
            &format!("&participant={}&kind={}", p.id, grade_kind(&q.kind)),
        )),
        Err(StoreError::Conflict { .. }) => {
            let msg = tabara_i18n::t!(lang, "training-register-conflict");
            session_page(&state, &user, s.id, Some(msg), None).await
        }
        Err(e) => Err(e.into()),
    }
}
