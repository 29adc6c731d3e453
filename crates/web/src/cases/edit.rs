//! Changing a case: the edit form validated on the server, re-shown with each error next to
//! its field, and optimistic concurrency (a change based on an old version is refused and the
//! form shows what is stored now).

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use tabara_core::htcds::CaseStatus;
use tabara_core::ids::{OfficeId, UserId};
use tabara_core::permissions::{Action, Relation, decide};
use tabara_core::records::{Case, parse_date};
use tabara_core::validation::ValidationErrors;
use tabara_core::{Lang, Picklist};
use tabara_store::StoreError;

use crate::access::{CaseAccess, CsrfForm, CurrentUser};
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, FormErrors, choices, render};

/// The case form as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct CaseEditForm {
    version: String,
    status: String,
    opened_on: String,
    closed_on: String,
    closure_reason: String,
    office: String,
    owner: String,
}

impl CaseEditForm {
    fn of(case: &Case) -> CaseEditForm {
        CaseEditForm {
            version: case.version.to_string(),
            status: case.facts.status.as_str().to_string(),
            opened_on: case.facts.opened_on.to_string(),
            closed_on: case
                .facts
                .closed_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
            closure_reason: case.facts.closure_reason.clone().unwrap_or_default(),
            office: case.office_id.map(|o| o.to_string()).unwrap_or_default(),
            owner: case.owner_id.map(|o| o.to_string()).unwrap_or_default(),
        }
    }
}

#[derive(askama::Template)]
#[template(path = "edit_case.html")]
struct EditCasePage {
    chrome: Chrome,
    case: Case,
    form: CaseEditForm,
    errors: FormErrors,
    statuses: Vec<(&'static str, &'static str)>,
    offices: Vec<(String, String)>,
    /// Present when the user may assign the case.
    owners: Option<Vec<(String, String)>>,
    /// What is stored now, when the user's change was based on an older version.
    stored: Option<Vec<(String, String)>>,
}

async fn case_form_page(
    state: &AppState,
    user: &CurrentUser,
    case: Case,
    relation: Relation,
    form: CaseEditForm,
    errors: FormErrors,
    stored: Option<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let offices = state
        .directory()
        .await?
        .office_choices(case.organisation_id);
    let owners = if decide(user.user.role, Action::AssignCase, Some(relation)).allowed() {
        Some(
            state
                .store
                .organisation_users(case.organisation_id, 500)
                .await?
                .into_iter()
                .filter(|u| {
                    decide(
                        u.role,
                        Action::EditCase,
                        Some(Relation {
                            assigned: true,
                            ..relation
                        }),
                    )
                    .allowed()
                })
                .map(|u| {
                    (
                        u.id.to_string(),
                        format!("{} ({})", u.display_name, u.username),
                    )
                })
                .collect(),
        )
    } else {
        None
    };
    let status = errors.status();
    let page = EditCasePage {
        chrome: user.chrome(&format!("/cases/{}/edit", case.number)),
        case,
        form,
        errors,
        statuses: choices(CaseStatus::ALL, lang),
        offices,
        owners,
        stored,
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /cases/{number}/edit`.
pub(super) async fn edit_case_page(
    State(state): State<AppState>,
    user: CurrentUser,
    access: CaseAccess,
) -> Result<Response, AppError> {
    let CaseAccess { case, relation, .. } = access;
    let form = CaseEditForm::of(&case);
    case_form_page(
        &state,
        &user,
        case,
        relation,
        form,
        FormErrors::none(),
        None,
    )
    .await
}

/// The stored values a conflicting change would overwrite, as label and value.
fn case_values(
    case: &Case,
    lang: Lang,
    offices: &[tabara_core::records::Office],
) -> Vec<(String, String)> {
    let c = tabara_i18n::catalogue();
    vec![
        (
            c.text(lang, "cases-col-status", &[]),
            case.facts.status.label(lang).to_string(),
        ),
        (
            c.text(lang, "cases-col-opened", &[]),
            crate::view::format_date(lang, case.facts.opened_on),
        ),
        (
            c.text(lang, "case-closed", &[]),
            case.facts
                .closed_on
                .map(|d| crate::view::format_date(lang, d))
                .unwrap_or_else(|| "–".into()),
        ),
        (
            c.text(lang, "case-closure-reason", &[]),
            case.facts
                .closure_reason
                .clone()
                .unwrap_or_else(|| "–".into()),
        ),
        (
            c.text(lang, "cases-col-office", &[]),
            case.office_id
                .and_then(|id| offices.iter().find(|o| o.id == id))
                .map(|o| o.name.clone())
                .unwrap_or_else(|| "–".into()),
        ),
    ]
}

/// `POST /cases/{number}/edit`.
pub(super) async fn update_case(
    State(state): State<AppState>,
    access: CaseAccess,
    CsrfForm { user, form }: CsrfForm<CaseEditForm>,
) -> Result<Response, AppError> {
    let CaseAccess { case, relation, .. } = access;
    let lang = user.lang;
    let mut e = ValidationErrors::default();
    let status = if form.status.trim().is_empty() {
        e.push("cas_Status", "required", "choose a status");
        None
    } else {
        CaseStatus::parse(&form.status)
            .map_err(|err| e.push("cas_Status", "picklist", err.to_string()))
            .ok()
    };
    let opened_on = parse_date(&mut e, "cas_OpenedOn", &form.opened_on);
    if opened_on.is_none() && !e.has("cas_OpenedOn") {
        e.push("cas_OpenedOn", "required", "the opening date is needed");
    }
    let closed_on = parse_date(&mut e, "cas_ClosedOn", &form.closed_on);
    let directory = state.directory().await?;
    let office = if form.office.trim().is_empty() {
        None
    } else {
        let id = form.office.parse::<OfficeId>().ok().filter(|id| {
            directory
                .offices
                .iter()
                .any(|o| o.id == *id && o.organisation_id == case.organisation_id)
        });
        if id.is_none() {
            e.push("cas_Office", "picklist", "choose an office of the agency");
        }
        id
    };
    let may_assign = decide(user.user.role, Action::AssignCase, Some(relation)).allowed();
    let owner = if !may_assign {
        case.owner_id
    } else if form.owner.trim().is_empty() {
        None
    } else {
        let candidates = state
            .store
            .organisation_users(case.organisation_id, 500)
            .await?;
        let id = form
            .owner
            .parse::<UserId>()
            .ok()
            .filter(|id| candidates.iter().any(|u| u.id == *id));
        if id.is_none() {
            e.push(
                "cas_Owner",
                "picklist",
                "choose an active user of the agency",
            );
        }
        id
    };
    let expected: i64 = form.version.trim().parse().unwrap_or(0);
    let mut changed = case.clone();
    if let (Some(status), Some(opened_on)) = (status, opened_on) {
        changed.facts.status = status;
        changed.facts.opened_on = opened_on;
        changed.facts.closed_on = closed_on;
        let reason = form.closure_reason.trim();
        changed.facts.closure_reason = (!reason.is_empty()).then(|| reason.to_string());
        changed.office_id = office;
        changed.owner_id = owner;
        changed.version = expected;
        if let Err(v) = changed.facts.validate(Utc::now().date_naive()) {
            e.0.extend(v.0);
        }
    }
    if !e.0.is_empty() {
        let errors = FormErrors::new(lang, e);
        return case_form_page(&state, &user, case, relation, form, errors, None).await;
    }
    match state.store.update_case(&user.actor(), &changed).await {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{}", case.number)).into_response()),
        Err(StoreError::Conflict { .. }) => {
            // Someone saved first: keep what this user typed, show what is stored now, and
            // base a new attempt on the stored version.
            let current = state.store.case(case.id).await?;
            let mut errors = FormErrors::new(lang, ValidationErrors::default());
            errors.banner = Some(tabara_i18n::t!(lang, "edit-conflict"));
            let stored = case_values(&current, lang, &directory.offices);
            let form = CaseEditForm {
                version: current.version.to_string(),
                ..form
            };
            case_form_page(&state, &user, current, relation, form, errors, Some(stored)).await
        }
        Err(StoreError::Invalid(v)) => {
            let errors = FormErrors::new(lang, v);
            case_form_page(&state, &user, case, relation, form, errors, None).await
        }
        Err(other) => Err(other.into()),
    }
}
