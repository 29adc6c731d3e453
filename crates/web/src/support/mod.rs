//! The support plan of a victim of a case and its follow-up: the open plan (types, goals,
//! action plan, planned end, the reflection and recovery period with its end and the days
//! left), the services delivered, the follow-up visits, the return and reintegration steps,
//! and the plans closed before, with their reason; forms to open and change a plan and, on
//! the page, to add a service, a visit or a step and to close the plan.
//!
//! The checks are core's and the store's (`tabara_core::support`, `Store::create_support_plan`
//! …): a refused form comes back with each error next to its field, translated, and changes
//! nothing. Reading needs `ReadCase`, writing `EditCase`; a person out of reach answers 404.
//! Nothing on these pages asks about, or depends on, cooperation with the police.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use tabara_core::ids::PersonId;
use tabara_core::permissions::{Action, decide};
use tabara_core::records::{Case, Involvement};
use tabara_core::support::{ClosureReason, ReintegrationStepKind, ServiceType, SupportPlanType};
use tabara_core::validation::ValidationErrors;
use tabara_core::{Lang, Picklist};
use tabara_i18n::t;
use tabara_store::StoreError;
use tabara_store::support::{ClosureForm, PlanForm, ServiceForm, StepForm, VisitForm};
use tabara_store::{FollowUp, SupportPlan};
use uuid::Uuid;

use crate::access::{Access, Body, CasePersonAccess, CsrfForm, CurrentUser, Kind, Routes};
use crate::error::AppError;
use crate::risk::FieldErrors;
use crate::state::AppState;
use crate::view::{Chrome, format_date, format_datetime, render};

/// The support pages of a person of a case.
pub(crate) fn router() -> Routes {
    // The agency working on the person's referral reaches the plan too (`Kind::SupportPerson`).
    let person = |action| Access::Record(Kind::SupportPerson, action);
    Routes::new()
        .get(
            "/cases/{number}/persons/{person}/support",
            person(Action::ReadCase),
            support_page,
        )
        .get(
            "/cases/{number}/persons/{person}/support/new",
            person(Action::EditCase),
            new_plan_page,
        )
        .post(
            "/cases/{number}/persons/{person}/support/new",
            person(Action::EditCase),
            Body::Form,
            create_plan,
        )
        .get(
            "/cases/{number}/persons/{person}/support/edit",
            person(Action::EditCase),
            edit_plan_page,
        )
        .post(
            "/cases/{number}/persons/{person}/support/edit",
            person(Action::EditCase),
            Body::Form,
            update_plan,
        )
        .post(
            "/cases/{number}/persons/{person}/support/services",
            person(Action::EditCase),
            Body::Form,
            add_service,
        )
        .post(
            "/cases/{number}/persons/{person}/support/visits",
            person(Action::EditCase),
            Body::Form,
            add_visit,
        )
        .post(
            "/cases/{number}/persons/{person}/support/steps",
            person(Action::EditCase),
            Body::Form,
            add_step,
        )
        .post(
            "/cases/{number}/persons/{person}/support/close",
            person(Action::EditCase),
            Body::Form,
            close_plan,
        )
}

/// Plans and entries of each list the page shows.
const SHOWN: i64 = 100;

fn errors(lang: Lang, v: ValidationErrors) -> FieldErrors {
    FieldErrors::new(lang, v, "support-error", "")
}

fn no_errors(lang: Lang) -> FieldErrors {
    errors(lang, ValidationErrors::default())
}

fn path(access: &CasePersonAccess, tail: &str) -> String {
    format!(
        "/cases/{}/persons/{}/support{tail}",
        access.case.number, access.person.person.id
    )
}

fn is_victim(access: &CasePersonAccess) -> bool {
    matches!(access.person.involvement, Involvement::Victim(_))
}

/// A plan as the page shows it.
struct PlanView {
    version: i64,
    types: Vec<&'static str>,
    objectives: String,
    action_plan: Option<String>,
    planned_end: String,
    reflection_start: String,
    reflection_days: u16,
    reflection_end: String,
    /// "N days left" while it runs, "ended" after it.
    reflection_state: String,
    reflection_running: bool,
    closure: Option<(String, &'static str, Option<String>)>,
    opened: String,
}

fn plan_view(lang: Lang, p: &SupportPlan) -> PlanView {
    let today = Utc::now().date_naive();
    let r = &p.facts.reflection;
    let running = r.is_running(today);
    PlanView {
        version: p.version,
        types: p.facts.types.iter().map(|t| t.label(lang)).collect(),
        objectives: p.facts.objectives.clone(),
        action_plan: p.facts.action_plan.clone(),
        planned_end: p
            .facts
            .planned_end
            .map(|d| format_date(lang, d))
            .unwrap_or_else(|| "–".into()),
        reflection_start: format_date(lang, r.starts_on),
        reflection_days: r.days,
        reflection_end: format_date(lang, r.ends_on()),
        reflection_state: if running {
            t!(
                lang,
                "support-reflection-left",
                days = r.days_left(today).to_string()
            )
        } else if today < r.starts_on {
            t!(lang, "support-reflection-not-started")
        } else {
            t!(lang, "support-reflection-ended")
        },
        reflection_running: running,
        closure: p.closure.as_ref().map(|c| {
            (
                format_date(lang, c.closed_on),
                c.reason.label(lang),
                c.note.clone(),
            )
        }),
        opened: format_datetime(lang, p.created_at),
    }
}

/// What the page's own forms hold, as typed, and their errors.
#[derive(Default)]
struct Typed {
    service: ServiceForm,
    visit: VisitForm,
    step: StepForm,
    closure: ClosureForm,
}

#[derive(askama::Template)]
#[template(path = "support.html")]
struct SupportPage {
    chrome: Chrome,
    case: Case,
    person_id: PersonId,
    role: &'static str,
    victim: bool,
    can_edit: bool,
    open: Option<PlanView>,
    follow_up: FollowUpView,
    closed: Vec<PlanView>,
    typed: Typed,
    errors: FieldErrors,
    services: Vec<(&'static str, &'static str)>,
    steps: Vec<(&'static str, &'static str)>,
    reasons: Vec<(&'static str, &'static str)>,
    organisations: Vec<(String, String)>,
}

/// The follow-up of the open plan in words.
#[derive(Default)]
struct FollowUpView {
    services: Vec<[String; 4]>,
    visits: Vec<[String; 3]>,
    steps: Vec<[String; 3]>,
}

fn choices<P: Picklist>(lang: Lang) -> Vec<(&'static str, &'static str)> {
    crate::view::choices(P::ALL, lang)
}

async fn support_page_with(
    state: &AppState,
    user: &CurrentUser,
    access: &CasePersonAccess,
    typed: Typed,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let (case, cp) = (&access.case, &access.person);
    let plans = state
        .store
        .support_plans(case.id, cp.person.id, SHOWN)
        .await?;
    let directory = state.directory().await?;
    let org_name = |id| {
        directory
            .organisations
            .iter()
            .find(|o| o.id == id)
            .map(|o| o.name.clone())
            .unwrap_or_default()
    };
    let open = plans.iter().find(|p| p.is_open());
    let follow_up = match open {
        Some(p) => {
            let FollowUp {
                services,
                visits,
                steps,
            } = state.store.support_follow_up(p.id, SHOWN).await?;
            FollowUpView {
                services: services
                    .iter()
                    .map(|s| {
                        let e = &s.entry;
                        let by = [e.organisation_id.map(org_name), e.provided_by.clone()]
                            .into_iter()
                            .flatten()
                            .filter(|s| !s.is_empty())
                            .collect::<Vec<_>>()
                            .join(" · ");
                        [
                            format_date(lang, e.delivered_on),
                            e.service.label(lang).to_string(),
                            by,
                            e.note.clone().unwrap_or_default(),
                        ]
                    })
                    .collect(),
                visits: visits
                    .iter()
                    .map(|v| {
                        [
                            format_date(lang, v.entry.visited_on),
                            v.entry.visited_by.clone(),
                            v.entry.notes.clone().unwrap_or_default(),
                        ]
                    })
                    .collect(),
                steps: steps
                    .iter()
                    .map(|s| {
                        [
                            format_date(lang, s.entry.on),
                            s.entry.step.label(lang).to_string(),
                            s.entry.note.clone().unwrap_or_default(),
                        ]
                    })
                    .collect(),
            }
        }
        None => FollowUpView::default(),
    };
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = SupportPage {
        chrome: user.chrome(&path(access, "")),
        case: case.clone(),
        person_id: cp.person.id,
        role: cp.involvement.role().label(lang),
        victim: is_victim(access),
        can_edit: decide(user.user.role, Action::EditCase, Some(access.relation)).allowed(),
        open: open.map(|p| plan_view(lang, p)),
        follow_up,
        closed: plans
            .iter()
            .filter(|p| !p.is_open())
            .map(|p| plan_view(lang, p))
            .collect(),
        typed,
        errors,
        services: choices::<ServiceType>(lang),
        steps: choices::<ReintegrationStepKind>(lang),
        reasons: choices::<ClosureReason>(lang),
        organisations: directory
            .organisations
            .iter()
            .map(|o| (o.id.to_string(), o.name.clone()))
            .collect(),
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /cases/{number}/persons/{person}/support`.
async fn support_page(
    State(state): State<AppState>,
    user: CurrentUser,
    access: CasePersonAccess,
) -> Result<Response, AppError> {
    support_page_with(
        &state,
        &user,
        &access,
        Typed::default(),
        no_errors(user.lang),
    )
    .await
}

#[derive(askama::Template)]
#[template(path = "support_plan.html")]
struct PlanPage {
    chrome: Chrome,
    case: Case,
    person_id: PersonId,
    role: &'static str,
    /// The plan may be opened or changed here (a victim; for a change, an open plan).
    possible: bool,
    /// `None`: a new plan; else the version changed.
    version: Option<i64>,
    action: String,
    form: PlanForm,
    types: Vec<(&'static str, &'static str, bool)>,
    errors: FieldErrors,
}

fn plan_page(
    user: &CurrentUser,
    access: &CasePersonAccess,
    possible: bool,
    version: Option<i64>,
    form: PlanForm,
    errors: FieldErrors,
) -> Response {
    let lang = user.lang;
    let action = path(access, if version.is_some() { "/edit" } else { "/new" });
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = PlanPage {
        chrome: user.chrome(&action),
        case: access.case.clone(),
        person_id: access.person.person.id,
        role: access.person.involvement.role().label(lang),
        possible,
        version,
        types: SupportPlanType::ALL
            .iter()
            .map(|t| {
                (
                    t.value_name(),
                    t.label(lang),
                    form.types.iter().any(|v| v == t.value_name()),
                )
            })
            .collect(),
        action,
        form,
        errors,
    };
    (status, render(&page)).into_response()
}

/// The plan form's fields from a posted form (types repeat).
fn plan_form(fields: &[(String, String)]) -> PlanForm {
    let mut f = PlanForm::default();
    for (k, v) in fields {
        match k.as_str() {
            "types" => f.types.push(v.clone()),
            "objectives" => f.objectives = v.clone(),
            "action_plan" => f.action_plan = v.clone(),
            "planned_end" => f.planned_end = v.clone(),
            "reflection_start" => f.reflection_start = v.clone(),
            "reflection_days" => f.reflection_days = v.clone(),
            _ => {}
        }
    }
    f
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_default()
}

/// The open plan of the person in the case, if any.
async fn open_plan(
    state: &AppState,
    access: &CasePersonAccess,
) -> Result<Option<SupportPlan>, AppError> {
    Ok(state
        .store
        .support_plans(access.case.id, access.person.person.id, SHOWN)
        .await?
        .into_iter()
        .find(|p| p.is_open()))
}

/// `GET …/support/new`: the form of a new plan, the reflection period starting today.
async fn new_plan_page(
    State(state): State<AppState>,
    user: CurrentUser,
    access: CasePersonAccess,
) -> Result<Response, AppError> {
    let possible = is_victim(&access) && open_plan(&state, &access).await?.is_none();
    let form = PlanForm {
        reflection_start: Utc::now().date_naive().to_string(),
        ..PlanForm::default()
    };
    Ok(plan_page(
        &user,
        &access,
        possible,
        None,
        form,
        no_errors(user.lang),
    ))
}

/// `POST …/support/new`.
async fn create_plan(
    State(state): State<AppState>,
    access: CasePersonAccess,
    CsrfForm { user, form }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let typed = plan_form(&form);
    let saved = state
        .store
        .create_support_plan(
            &user.actor(),
            Uuid::now_v7(),
            access.case.id,
            access.person.person.id,
            &typed,
            Some(&state.config.reflection),
        )
        .await;
    match saved {
        Ok(_) => Ok(Redirect::to(&path(&access, "")).into_response()),
        Err(StoreError::Invalid(v)) => Ok(plan_page(
            &user,
            &access,
            is_victim(&access),
            None,
            typed,
            errors(user.lang, v),
        )),
        Err(other) => Err(other.into()),
    }
}

/// `GET …/support/edit`: the open plan's form.
async fn edit_plan_page(
    State(state): State<AppState>,
    user: CurrentUser,
    access: CasePersonAccess,
) -> Result<Response, AppError> {
    let plan = open_plan(&state, &access).await?;
    let (version, form) = match &plan {
        Some(p) => (Some(p.version), PlanForm::of(&p.facts)),
        None => (Some(0), PlanForm::default()),
    };
    Ok(plan_page(
        &user,
        &access,
        plan.is_some(),
        version,
        form,
        no_errors(user.lang),
    ))
}

/// A refusal that is about the plan rather than a field: there is no open plan here.
fn no_open_plan() -> ValidationErrors {
    let mut v = ValidationErrors::default();
    v.push(
        "spl_Status",
        "none_open",
        "the person has no open support plan",
    );
    v
}

/// `POST …/support/edit`: the open plan changed, at the version the form was read at.
async fn update_plan(
    State(state): State<AppState>,
    access: CasePersonAccess,
    CsrfForm { user, form }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let typed = plan_form(&form);
    let version: i64 = field(&form, "version").trim().parse().unwrap_or(0);
    let Some(plan) = open_plan(&state, &access).await? else {
        return Ok(plan_page(
            &user,
            &access,
            false,
            Some(version),
            typed,
            errors(user.lang, no_open_plan()),
        ));
    };
    let saved = state
        .store
        .update_support_plan(
            &user.actor(),
            plan.id,
            version,
            &typed,
            Some(&state.config.reflection),
        )
        .await;
    match saved {
        Ok(_) => Ok(Redirect::to(&path(&access, "")).into_response()),
        Err(StoreError::Invalid(v)) => Ok(plan_page(
            &user,
            &access,
            true,
            Some(version),
            typed,
            errors(user.lang, v),
        )),
        Err(StoreError::Conflict { .. }) => {
            let mut v = ValidationErrors::default();
            v.push(
                "spl_Status",
                "conflict",
                "changed by someone else meanwhile",
            );
            Ok(plan_page(
                &user,
                &access,
                true,
                Some(plan.version),
                typed,
                errors(user.lang, v),
            ))
        }
        Err(other) => Err(other.into()),
    }
}

/// The page again after one of its own forms: the form as typed with why it was refused.
async fn refused(
    state: &AppState,
    user: &CurrentUser,
    access: &CasePersonAccess,
    typed: Typed,
    v: ValidationErrors,
) -> Result<Response, AppError> {
    support_page_with(state, user, access, typed, errors(user.lang, v)).await
}

/// After a write under the open plan: back to the page, or the page with the form's errors.
async fn written(
    state: &AppState,
    user: &CurrentUser,
    access: &CasePersonAccess,
    typed: Typed,
    result: Result<(), StoreError>,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(Redirect::to(&path(access, "")).into_response()),
        Err(StoreError::Invalid(v)) => refused(state, user, access, typed, v).await,
        Err(StoreError::Conflict { .. }) => {
            let mut v = ValidationErrors::default();
            v.push(
                "spl_Status",
                "conflict",
                "changed by someone else meanwhile",
            );
            refused(state, user, access, typed, v).await
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST …/support/services`.
async fn add_service(
    State(state): State<AppState>,
    access: CasePersonAccess,
    CsrfForm { user, form }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let service = ServiceForm {
        service: field(&form, "service").into(),
        delivered_on: field(&form, "delivered_on").into(),
        organisation: field(&form, "organisation").into(),
        provided_by: field(&form, "provided_by").into(),
        note: field(&form, "note").into(),
    };
    // The form as typed, shown again whatever happens.
    let typed = Typed {
        service,
        ..Typed::default()
    };
    let Some(plan) = open_plan(&state, &access).await? else {
        return refused(&state, &user, &access, typed, no_open_plan()).await;
    };
    let result = state
        .store
        .record_support_service(&user.actor(), Uuid::now_v7(), plan.id, &typed.service)
        .await
        .map(|_| ());
    written(&state, &user, &access, typed, result).await
}

/// `POST …/support/visits`.
async fn add_visit(
    State(state): State<AppState>,
    access: CasePersonAccess,
    CsrfForm { user, form }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let visit = VisitForm {
        visited_on: field(&form, "visited_on").into(),
        visited_by: field(&form, "visited_by").into(),
        notes: field(&form, "notes").into(),
    };
    // The form as typed, shown again whatever happens.
    let typed = Typed {
        visit,
        ..Typed::default()
    };
    let Some(plan) = open_plan(&state, &access).await? else {
        return refused(&state, &user, &access, typed, no_open_plan()).await;
    };
    let result = state
        .store
        .record_support_visit(&user.actor(), Uuid::now_v7(), plan.id, &typed.visit)
        .await
        .map(|_| ());
    written(&state, &user, &access, typed, result).await
}

/// `POST …/support/steps`.
async fn add_step(
    State(state): State<AppState>,
    access: CasePersonAccess,
    CsrfForm { user, form }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let step = StepForm {
        step: field(&form, "step").into(),
        on: field(&form, "on").into(),
        note: field(&form, "step_note").into(),
    };
    // The form as typed, shown again whatever happens.
    let typed = Typed {
        step,
        ..Typed::default()
    };
    let Some(plan) = open_plan(&state, &access).await? else {
        return refused(&state, &user, &access, typed, no_open_plan()).await;
    };
    let result = state
        .store
        .record_support_step(&user.actor(), Uuid::now_v7(), plan.id, &typed.step)
        .await
        .map(|_| ());
    written(&state, &user, &access, typed, result).await
}

/// `POST …/support/close`: at the version the page was read at.
async fn close_plan(
    State(state): State<AppState>,
    access: CasePersonAccess,
    CsrfForm { user, form }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let closure = ClosureForm {
        reason: field(&form, "reason").into(),
        note: field(&form, "closure_note").into(),
        closed_on: field(&form, "closed_on").into(),
    };
    let version: i64 = field(&form, "version").trim().parse().unwrap_or(0);
    // The form as typed, shown again whatever happens.
    let typed = Typed {
        closure,
        ..Typed::default()
    };
    let Some(plan) = open_plan(&state, &access).await? else {
        return refused(&state, &user, &access, typed, no_open_plan()).await;
    };
    let result = state
        .store
        .close_support_plan(&user.actor(), plan.id, version, &typed.closure)
        .await
        .map(|_| ());
    written(&state, &user, &access, typed, result).await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rules the support forms and the store can break that have words of their own (the
    /// others use the shared `rule-…` words), in English and French.
    #[test]
    fn the_support_rules_have_their_words() {
        let catalogue = tabara_i18n::catalogue();
        let e = no_errors(Lang::En);
        for (field, rule) in [
            ("spl_Type", "required"),
            ("spl_Person", "victim_only"),
            ("spl_Status", "already_open"),
            ("spl_Status", "closed"),
            ("spl_Status", "none_open"),
            ("spl_Status", "conflict"),
            ("spl_PlannedEndDate", "after_start"),
            ("spl_ActualEndDate", "after_start"),
            ("spl_ClosureNote", "required"),
            ("sps_Organisation", "unknown"),
            ("sps_ProvidedBy", "required"),
        ] {
            let key = e.key(field, rule);
            for lang in [Lang::En, Lang::Fr] {
                assert!(catalogue.has(lang, &key), "{key} missing in {lang:?}");
            }
        }
        // Every other rule the forms break has shared words.
        for rule in [
            "required",
            "date",
            "date_range",
            "max_length",
            "control_characters",
            "picklist",
            "range",
            "integer",
        ] {
            let key = format!("rule-{}", rule.replace('_', "-"));
            for lang in [Lang::En, Lang::Fr] {
                assert!(catalogue.has(lang, &key), "{key} missing in {lang:?}");
            }
        }
    }
}
