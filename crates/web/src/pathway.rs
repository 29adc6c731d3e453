//! The child pathway of a child of a case: when and why it opened, the guardian (or why there
//! is none), the best-interests assessment, and child protection's sign-off, which the case
//! needs before it can be closed. The rules are `tabara_core::pathway`: anyone who may change
//! the case records the guardian; only a child-protection officer records the assessment and
//! signs off (refused with the rule in words otherwise). Child protection's open pathways are
//! listed in its inbox (`/referrals?box=children`).

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tabara_core::Picklist;
use tabara_core::pathway::{BestInterests, DurableSolution, Guardian, GuardianKind};
use tabara_core::permissions::{Action, decide};
use tabara_core::records::Case;
use tabara_core::role::Role;
use tabara_core::validation::ValidationErrors;
use tabara_store::{ChildPathway, PathwayStep, StoreError};

use crate::access::{Access, Body, CasePersonAccess, CsrfForm, CurrentUser, Kind, Routes};
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, FormErrors, choices, format_datetime, render};

/// The pathway pages.
pub(crate) fn router() -> Routes {
    let person = |action| Access::Record(Kind::CasePerson, action);
    let path = "/cases/{number}/persons/{person}/pathway";
    Routes::new()
        .get(path, person(Action::ReadCase), pathway_page)
        .post(
            "/cases/{number}/persons/{person}/pathway/guardian",
            person(Action::EditCase),
            Body::Form,
            record_guardian,
        )
        .post(
            "/cases/{number}/persons/{person}/pathway/best-interests",
            person(Action::EditCase),
            Body::Form,
            record_best_interests,
        )
        .post(
            "/cases/{number}/persons/{person}/pathway/sign-off",
            person(Action::EditCase),
            Body::Form,
            sign_off,
        )
}

#[derive(askama::Template)]
#[template(path = "pathway.html")]
struct PathwayPage {
    chrome: Chrome,
    case: Case,
    person_id: String,
    person_label: String,
    pathway: Option<Shown>,
    may_edit: bool,
    child_protection: bool,
    kinds: Vec<(&'static str, &'static str)>,
    solutions: Vec<(&'static str, &'static str)>,
    form: PathwayForm,
    errors: FormErrors,
}

/// The pathway as shown.
struct Shown {
    version: i64,
    opened: String,
    reason: String,
    open: bool,
    signed_off: String,
    guardian: Option<String>,
    guardian_by: String,
    best_interests: Option<(String, bool, String)>,
    best_interests_by: String,
}

/// Every field of the three forms (each posts its own).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct PathwayForm {
    version: String,
    kind: String,
    name: String,
    absent: Option<String>,
    absent_reason: String,
    solution: String,
    views_heard: Option<String>,
    summary: String,
}

async fn by_at(
    state: &AppState,
    lang: tabara_core::Lang,
    v: &Option<(String, chrono::DateTime<chrono::Utc>)>,
) -> Result<String, AppError> {
    Ok(match v {
        Some((who, at)) => tabara_i18n::t!(
            lang,
            "pathway-recorded-by",
            who = crate::screening::decider_name(state, who).await?,
            when = format_datetime(lang, *at)
        ),
        None => String::new(),
    })
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    access: &CasePersonAccess,
    form: PathwayForm,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let stored = state
        .store
        .child_pathway(access.case.id, access.person.person.id)
        .await?;
    let shown = match &stored {
        None => None,
        Some(p) => Some(shown(state, lang, p).await?),
    };
    let page = PathwayPage {
        chrome: user.chrome(&format!(
            "/cases/{}/persons/{}/pathway",
            access.case.number, access.person.person.id
        )),
        case: access.case.clone(),
        person_id: access.person.person.id.to_string(),
        person_label: access.person.involvement.role().label(lang).to_string(),
        pathway: shown,
        may_edit: decide(user.user.role, Action::EditCase, Some(access.relation)).allowed(),
        child_protection: user.user.role == Role::ChildProtection,
        kinds: choices(GuardianKind::ALL, lang),
        solutions: choices(DurableSolution::ALL, lang),
        form,
        errors,
    };
    let status = page.errors.status();
    Ok((status, render(&page)).into_response())
}

async fn shown(
    state: &AppState,
    lang: tabara_core::Lang,
    p: &ChildPathway,
) -> Result<Shown, AppError> {
    let signed_off = match (&p.signed_off_by, p.pathway.signed_off_at) {
        (Some(who), Some(at)) => tabara_i18n::t!(
            lang,
            "pathway-signed-off",
            when = format_datetime(lang, at),
            who = crate::screening::decider_name(state, who).await?
        ),
        _ => String::new(),
    };
    Ok(Shown {
        version: p.version,
        opened: format_datetime(lang, p.pathway.opened_at),
        reason: p.pathway.reason.label(lang).to_string(),
        open: p.pathway.is_open(),
        signed_off,
        guardian: p.pathway.guardian.as_ref().map(|g| match g {
            Guardian::Named { kind, name } => format!("{} — {name}", kind.label(lang)),
            Guardian::Absent { reason } => {
                tabara_i18n::t!(lang, "pathway-guardian-absent", reason = reason.as_str())
            }
        }),
        guardian_by: by_at(state, lang, &p.guardian_by).await?,
        best_interests: p.pathway.best_interests.as_ref().map(|b| {
            (
                b.solution.label(lang).to_string(),
                b.views_heard,
                b.summary.clone(),
            )
        }),
        best_interests_by: by_at(state, lang, &p.best_interests_by).await?,
    })
}

/// `GET /cases/{number}/persons/{person}/pathway`.
async fn pathway_page(
    State(state): State<AppState>,
    user: CurrentUser,
    access: CasePersonAccess,
) -> Result<Response, AppError> {
    page(
        &state,
        &user,
        &access,
        PathwayForm::default(),
        FormErrors::none(),
    )
    .await
}

/// Take `step`; on a broken rule the page again with the errors by their fields.
async fn take(
    state: &AppState,
    user: &CurrentUser,
    access: &CasePersonAccess,
    form: PathwayForm,
    step: Result<PathwayStep, ValidationErrors>,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let step = match step {
        Ok(s) => s,
        Err(e) => return page(state, user, access, form, FormErrors::new(lang, e)).await,
    };
    let version = form.version.trim().parse().unwrap_or(0);
    let result = state
        .store
        .pathway_step(
            &user.actor(),
            user.user.role,
            access.case.id,
            access.person.person.id,
            version,
            &step,
        )
        .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!(
            "/cases/{}/persons/{}/pathway",
            access.case.number, access.person.person.id
        ))
        .into_response()),
        Err(StoreError::Invalid(v)) => {
            page(state, user, access, form, FormErrors::new(lang, v)).await
        }
        Err(StoreError::Conflict { .. }) | Err(StoreError::NotFound { .. }) => {
            let mut errors = FormErrors::new(lang, ValidationErrors::default());
            errors.banner = Some(tabara_i18n::t!(lang, "edit-conflict"));
            page(state, user, access, form, errors).await
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST …/pathway/guardian`.
async fn record_guardian(
    State(state): State<AppState>,
    access: CasePersonAccess,
    CsrfForm { user, form }: CsrfForm<PathwayForm>,
) -> Result<Response, AppError> {
    let step = if form.absent.is_some() {
        Ok(PathwayStep::Guardian(Guardian::Absent {
            reason: form.absent_reason.clone(),
        }))
    } else {
        match GuardianKind::parse(&form.kind) {
            Ok(kind) => Ok(PathwayStep::Guardian(Guardian::Named {
                kind,
                name: form.name.clone(),
            })),
            Err(_) => {
                let mut e = ValidationErrors::default();
                e.push("cp_GuardianKind", "required", "say who the guardian is");
                Err(e)
            }
        }
    };
    take(&state, &user, &access, form, step).await
}

/// `POST …/pathway/best-interests`.
async fn record_best_interests(
    State(state): State<AppState>,
    access: CasePersonAccess,
    CsrfForm { user, form }: CsrfForm<PathwayForm>,
) -> Result<Response, AppError> {
    let step = match DurableSolution::parse(&form.solution) {
        Ok(solution) => Ok(PathwayStep::BestInterests(BestInterests {
            solution,
            views_heard: form.views_heard.is_some(),
            summary: form.summary.clone(),
        })),
        Err(_) => {
            let mut e = ValidationErrors::default();
            e.push("cp_Solution", "required", "choose the solution considered");
            Err(e)
        }
    };
    take(&state, &user, &access, form, step).await
}

/// `POST …/pathway/sign-off`.
async fn sign_off(
    State(state): State<AppState>,
    access: CasePersonAccess,
    CsrfForm { user, form }: CsrfForm<PathwayForm>,
) -> Result<Response, AppError> {
    take(&state, &user, &access, form, Ok(PathwayStep::SignOff)).await
}
