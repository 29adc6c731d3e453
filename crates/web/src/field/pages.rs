//! The operator's pages of the field capture, for the agency's supervisors
//! ([`Action::ManageFieldCapture`]): the agency's phones (issue one to an officer, with the QR
//! code ODK Collect scans to configure its server; revoke; when each was last heard from) and
//! what the phones sent (accepted, kept with the reasons a rule refused it, rejected), each
//! submission's answers (reading them is audited: they identify the person). A device or a
//! submission of another agency answers like a missing one (404).

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine as _;
use serde::Deserialize;
use tabara_core::fieldforms::Instance;
use tabara_core::permissions::{Action, decide};
use tabara_store::StoreError;
use tabara_store::field::{FieldDevice, FieldSubmission, SubmissionState};
use uuid::Uuid;

use crate::access::{CsrfForm, CurrentUser};
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, render};

/// A device as listed.
struct DeviceLine {
    id: String,
    label: String,
    login: String,
    account: String,
    issued: String,
    last_seen: String,
    revoked: Option<String>,
}

/// A submission as listed.
struct SubmissionLine {
    id: String,
    form: String,
    state: String,
    state_name: &'static str,
    received: String,
    reasons: usize,
    case: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "field.html")]
struct FieldPage {
    chrome: Chrome,
    devices: Vec<DeviceLine>,
    accounts: Vec<(String, String)>,
    submissions: Vec<SubmissionLine>,
    states: Vec<(&'static str, String, bool)>,
    all_states: bool,
    error: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "field_issued.html")]
struct IssuedPage {
    chrome: Chrome,
    label: String,
    login: String,
    token: String,
    key_url: String,
    agency_url: String,
    qr: String,
}

/// One answer of a submission, in the order of the instance.
struct AnswerLine {
    path: String,
    value: String,
}

#[derive(askama::Template)]
#[template(path = "field_submission.html")]
struct SubmissionPage {
    chrome: Chrome,
    s: SubmissionLine,
    instance_id: String,
    reasons: Vec<(String, String)>,
    answers: Vec<AnswerLine>,
    attachments: Vec<(String, i64, bool)>,
    conflicts: Vec<String>,
    may_reject: bool,
}

fn state_key(s: SubmissionState) -> &'static str {
    match s {
        SubmissionState::Received => "field-state-received",
        SubmissionState::Accepted => "field-state-accepted",
        SubmissionState::Invalid => "field-state-invalid",
        SubmissionState::Rejected => "field-state-rejected",
    }
}

async fn submission_line(
    state: &AppState,
    chrome: &Chrome,
    s: &FieldSubmission,
) -> Result<SubmissionLine, AppError> {
    let case = match s.case_id {
        Some(c) if s.state == SubmissionState::Accepted => match state.store.case(c).await {
            Ok(case) => Some(tabara_core::records::case_reference(case.number)),
            Err(StoreError::NotFound { .. }) => None,
            Err(e) => return Err(e.into()),
        },
        _ => None,
    };
    Ok(SubmissionLine {
        id: s.id.to_string(),
        form: s.form_id.clone(),
        state: chrome.t(state_key(s.state)),
        state_name: s.state.as_str(),
        received: chrome.when(&s.received_at),
        reasons: s.reasons.len(),
        case,
    })
}

fn device_line(chrome: &Chrome, d: &FieldDevice, accounts: &[tabara_store::User]) -> DeviceLine {
    DeviceLine {
        id: d.id.to_string(),
        label: d.label.clone(),
        login: d.login.clone(),
        account: accounts
            .iter()
            .find(|u| u.id == d.user_id)
            .map(|u| u.display_name.clone())
            .unwrap_or_default(),
        issued: chrome.when(&d.issued_at),
        last_seen: d
            .last_seen_at
            .map(|t| chrome.when(&t))
            .unwrap_or_else(|| chrome.t("field-never-seen")),
        revoked: d.revoked_at.map(|t| chrome.when(&t)),
    }
}

/// The agency's accounts a phone may act for: those whose role records intake.
async fn agency_accounts(
    state: &AppState,
    user: &CurrentUser,
) -> Result<Vec<tabara_store::User>, AppError> {
    let mut out = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = state.store.users(after.as_deref(), 500).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.username.clone());
        let full = page.len() == 500;
        out.extend(page.into_iter().filter(|u| {
            u.organisation_id == user.user.organisation_id
                && !u.disabled
                && decide(u.role, Action::CreateCase, None).allowed()
        }));
        if !full {
            break;
        }
    }
    Ok(out)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct ListQuery {
    state: String,
}

async fn field_page(
    state: &AppState,
    user: &CurrentUser,
    filter: Option<SubmissionState>,
    error: Option<String>,
) -> Result<Response, AppError> {
    let chrome = user.chrome("/field");
    let accounts = agency_accounts(state, user).await?;
    let devices = state
        .store
        .field_devices(user.user.organisation_id)
        .await?
        .iter()
        .map(|d| device_line(&chrome, d, &accounts))
        .collect();
    let mut submissions = Vec::new();
    for s in state
        .store
        .field_submissions(user.user.organisation_id, filter, 100)
        .await?
    {
        submissions.push(submission_line(state, &chrome, &s).await?);
    }
    let states = SubmissionState::ALL
        .into_iter()
        .map(|s| (s.as_str(), chrome.t(state_key(s)), Some(s) == filter))
        .collect();
    let page = FieldPage {
        accounts: accounts
            .iter()
            .map(|u| (u.id.to_string(), u.display_name.clone()))
            .collect(),
        chrome,
        devices,
        submissions,
        states,
        all_states: filter.is_none(),
        error,
    };
    let status = if page.error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /field`: the agency's phones and what they sent (`?state=` keeps one state).
pub(super) async fn overview(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let filter = SubmissionState::parse(&q.state);
    field_page(&state, &user, filter, None).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct IssueForm {
    label: String,
    account: String,
}

/// The settings ODK Collect reads from a QR code: JSON, zlib-compressed, in base64.
pub(crate) fn collect_settings(server_url: &str, project: &str) -> String {
    let json = serde_json::json!({
        "general": { "server_url": server_url, "username": "", "password": "" },
        "admin": {},
        "project": { "name": project, "icon": "T" }
    })
    .to_string();
    let packed = miniz_oxide::deflate::compress_to_vec_zlib(json.as_bytes(), 9);
    base64::engine::general_purpose::STANDARD.encode(packed)
}

/// `POST /field/devices`: a phone issued to an account of the agency; its token and QR code
/// shown once.
pub(super) async fn issue(
    State(state): State<AppState>,
    headers: HeaderMap,
    CsrfForm { user, form }: CsrfForm<IssueForm>,
) -> Result<Response, AppError> {
    let accounts = agency_accounts(&state, &user).await?;
    let Some(account) = accounts.iter().find(|u| u.id.to_string() == form.account) else {
        let error = user.chrome("/field").t("field-issue-no-account");
        return field_page(&state, &user, None, Some(error)).await;
    };
    let issued = match state
        .store
        .issue_field_device(
            &user.actor(),
            user.user.organisation_id,
            account.id,
            &form.label,
        )
        .await
    {
        Ok(d) => d,
        Err(StoreError::Invalid(_)) => {
            let error = user.chrome("/field").t("field-issue-label");
            return field_page(&state, &user, None, Some(error)).await;
        }
        Err(e) => return Err(e.into()),
    };
    let origin = state.origin(&headers);
    let key_url = format!("{origin}/openrosa/key/{}", issued.token);
    let agency_url = format!("{origin}/openrosa/agency/{}", user.user.organisation_id);
    let agency_name = state
        .directory()
        .await?
        .organisations
        .iter()
        .find(|o| o.id == user.user.organisation_id)
        .map(|o| o.name.clone())
        .unwrap_or_default();
    let qr = crate::second_factor::qr_svg(&collect_settings(
        &key_url,
        &format!("Tabara · {agency_name}"),
    ));
    let page = IssuedPage {
        chrome: user.chrome("/field"),
        label: issued.device.label,
        login: issued.device.login,
        token: issued.token,
        key_url,
        agency_url,
        qr,
    };
    Ok(render(&page).into_response())
}

/// A device of the asker's agency, or the 404 of a missing one.
async fn own_device(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<FieldDevice, AppError> {
    let id: Uuid = id.parse().map_err(|_| AppError::NotFound(user.lang))?;
    match state.store.field_device(id).await {
        Ok(d) if d.organisation_id == user.user.organisation_id => Ok(d),
        Ok(_) | Err(StoreError::NotFound { .. }) => Err(AppError::NotFound(user.lang)),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct Empty {}

/// `POST /field/devices/{device}/revoke`.
pub(super) async fn revoke(
    State(state): State<AppState>,
    Path(device): Path<String>,
    CsrfForm { user, form: _ }: CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let d = own_device(&state, &user, &device).await?;
    match state.store.revoke_field_device(&user.actor(), d.id).await {
        Ok(()) | Err(StoreError::Invalid(_)) => Ok(Redirect::to("/field").into_response()),
        Err(e) => Err(e.into()),
    }
}

/// A submission of the asker's agency, or the 404 of a missing one.
async fn own_submission(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<FieldSubmission, AppError> {
    let id: Uuid = id.parse().map_err(|_| AppError::NotFound(user.lang))?;
    match state.store.field_submission(id).await {
        Ok(s) if s.organisation_id == user.user.organisation_id => Ok(s),
        Ok(_) | Err(StoreError::NotFound { .. }) => Err(AppError::NotFound(user.lang)),
        Err(e) => Err(e.into()),
    }
}

/// `GET /field/submissions/{submission}`: its state, the reasons a rule refused it, its
/// answers (the read audited) and attachments.
pub(super) async fn submission(
    State(state): State<AppState>,
    Path(id): Path<String>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    let s = own_submission(&state, &user, &id).await?;
    let chrome = user.chrome("/field");
    let xml = state
        .store
        .field_submission_xml(&user.actor(), s.id)
        .await?;
    let parsed = Instance::parse(&xml).ok();
    let answers = match (&parsed, s.state == SubmissionState::Invalid) {
        // An invalid one shows every question of its form, to correct.
        (Some(i), true) => tabara_web_forms(&i.form_id)
            .into_iter()
            .map(|path| AnswerLine {
                value: i.get(&path).to_string(),
                path,
            })
            .collect(),
        (Some(i), false) => i
            .answers
            .iter()
            .map(|(path, value)| AnswerLine {
                path: path.clone(),
                value: value.clone(),
            })
            .collect(),
        (None, _) => Vec::new(),
    };
    let reasons = s
        .reasons
        .iter()
        .map(|r| (r.field.clone(), r.message.clone()))
        .collect();
    let attachments = state
        .store
        .field_attachments(s.id)
        .await?
        .into_iter()
        .map(|a| (a.name, a.size, a.file_id.is_some()))
        .collect();
    let conflicts = state
        .store
        .field_conflicts(s.id)
        .await?
        .into_iter()
        .map(|c| {
            tabara_i18n::t!(
                user.lang,
                "field-conflict-line",
                field = c.field,
                mine = c.mine,
                theirs = c.theirs,
                base = c.base
            )
        })
        .collect();
    let page = SubmissionPage {
        conflicts,
        s: submission_line(&state, &chrome, &s).await?,
        instance_id: s.instance_id.clone(),
        reasons,
        answers,
        attachments,
        may_reject: s.state == SubmissionState::Invalid,
        chrome,
    };
    Ok(render(&page).into_response())
}

/// `POST /field/submissions/{submission}/reject`: an invalid submission set aside for good
/// (kept, marked rejected, audited).
pub(super) async fn reject(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { user, form: _ }: CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let s = own_submission(&state, &user, &id).await?;
    match state.store.reject_submission(&user.actor(), s.id).await {
        Ok(_) | Err(StoreError::Invalid(_)) => {
            Ok(Redirect::to(&format!("/field/submissions/{}", s.id)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /field/submissions/{submission}/fix`: a supervisor's correction of an invalid
/// submission's answers (`a:<path>` fields, the paths of its form), recorded again at once
/// through the same rules; the phone's own XML stays as received.
pub(super) async fn fix(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { user, form }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let s = own_submission(&state, &user, &id).await?;
    if s.state != SubmissionState::Invalid {
        return Ok(Redirect::to(&format!("/field/submissions/{}", s.id)).into_response());
    }
    let xml = state
        .store
        .field_submission_xml(&user.actor(), s.id)
        .await?;
    let Ok(mut instance) = Instance::parse(&xml) else {
        return Err(AppError::NotFound(user.lang));
    };
    // Only the questions of the submission's own form are answers.
    let paths: Vec<String> = tabara_web_forms(&instance.form_id);
    for (k, v) in &form {
        let Some(path) = k.strip_prefix("a:") else {
            continue;
        };
        if !paths.iter().any(|p| p == path) {
            continue;
        }
        let v = v.trim();
        if v.is_empty() {
            instance.answers.remove(path);
        } else {
            instance.answers.insert(path.to_string(), v.to_string());
        }
    }
    match state
        .store
        .fix_submission(&user.actor(), s.id, instance.to_xml().as_bytes())
        .await
    {
        Ok(()) => {}
        Err(StoreError::Invalid(_)) => {}
        Err(e) => return Err(e.into()),
    }
    super::submit::process(&state, s.id).await?;
    Ok(Redirect::to(&format!("/field/submissions/{}", s.id)).into_response())
}

/// The question paths of a form Tabara generates.
fn tabara_web_forms(form_id: &str) -> Vec<String> {
    let catalogue = match tabara_core::screening::Catalogue::embedded() {
        Ok(c) => c,
        Err(_) => return Vec::new(),
    };
    tabara_core::fieldforms::all(tabara_core::fieldforms::Sources {
        catalogue,
        recipients: &[],
    })
    .into_iter()
    .find(|f| f.id == form_id)
    .map(|f| {
        f.questions()
            .into_iter()
            .filter(|(_, q)| {
                !matches!(
                    q.kind,
                    tabara_core::fieldforms::Kind::Note
                        | tabara_core::fieldforms::Kind::Calculate(_)
                )
            })
            .map(|(p, _)| p)
            .collect()
    })
    .unwrap_or_default()
}
