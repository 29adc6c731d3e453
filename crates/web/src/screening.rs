//! The screening interview: started from a person of a case, filled in short steps (age, the
//! three phases of the person's story, the facts for trafficking vs smuggling), saved as a draft
//! at every step and resumable, then completed; the result page shows the outcome, its reasons
//! and the next steps, and the officer confirms or overrides it with a reason.
//!
//! A screening is part of its case: reading it needs `ReadCase` on the case, answering and
//! deciding need `EditCase`; a screening out of reach answers 404 like a missing one.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tabara_core::Picklist;
use tabara_core::htcds::TraffickingStatus;
use tabara_core::ids::{PersonId, ScreeningId};
use tabara_core::palermo::{Fact, FactName, distinguish};
use tabara_core::permissions::{Action, Relation, decide};
use tabara_core::records::Case;
use tabara_core::screening::{Answer, Catalogue, Phase, evaluate};
use tabara_i18n::screening as words;
use tabara_store::{Actor, DecisionKind, Screening, ScreeningState, StoreError};

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::pages::readable_case;
use crate::view::{Chrome, render};

/// The steps of the interview, in order.
const STEPS: [&str; 5] = ["age", "recruitment", "movement", "exploitation", "facts"];

fn catalogue(lang: tabara_core::Lang) -> Result<&'static Catalogue, AppError> {
    Catalogue::embedded().map_err(|e| {
        tracing::error!(error = %e, "screening catalogue");
        AppError::NotFound(lang)
    })
}

/// A screening the user may act on, with its case and the user's relation to the case.
async fn reachable(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    action: Action,
) -> Result<(Screening, Case, Relation), AppError> {
    let not_found = || AppError::NotFound(user.lang);
    let id: ScreeningId = id.parse().map_err(|_| not_found())?;
    let screening = match state.store.screening(id).await {
        Ok(s) => s,
        Err(StoreError::NotFound { .. }) => return Err(not_found()),
        Err(e) => return Err(e.into()),
    };
    let case = state.store.case(screening.case_id).await?;
    let (case, relation) = readable_case(state, user, &case.number.to_string()).await?;
    if !decide(user.user.role, action, Some(relation)).allowed() {
        return Err(AppError::Forbidden(user.lang));
    }
    Ok((screening, case, relation))
}

/// The start form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CsrfForm {
    csrf: String,
}

/// `POST /cases/{number}/persons/{person}/screenings`: start a screening (a draft).
pub async fn start(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((number, person)): Path<(String, String)>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, AppError> {
    let (case, relation) = readable_case(&state, &user, &number).await?;
    if !decide(user.user.role, Action::EditCase, Some(relation)).allowed() {
        return Err(AppError::Forbidden(user.lang));
    }
    user.check_csrf(&form.csrf)?;
    let person: PersonId = person.parse().map_err(|_| AppError::NotFound(user.lang))?;
    let catalogue = catalogue(user.lang)?;
    let id = ScreeningId::new();
    match state
        .store
        .create_screening(
            &Actor::user(user.user.id),
            id,
            case.id,
            person,
            &catalogue.version,
        )
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/screenings/{id}?step=age")).into_response()),
        Err(StoreError::NotFound { .. }) => Err(AppError::NotFound(user.lang)),
        Err(e) => Err(e.into()),
    }
}

struct Question {
    id: String,
    text: String,
    help: String,
    answer: &'static str,
}

struct FactRow {
    name: &'static str,
    label: String,
    value: &'static str,
}

#[derive(askama::Template)]
#[template(path = "screening_step.html")]
struct StepPage {
    chrome: Chrome,
    case: Case,
    screening_id: ScreeningId,
    version: i64,
    step: &'static str,
    step_index: usize,
    step_count: usize,
    step_title: String,
    questions: Vec<Question>,
    age: String,
    age_uncertain: bool,
    signs: Vec<(String, String, String, bool)>,
    facts: Vec<FactRow>,
    answers: Vec<(&'static str, String)>,
    fact_choices: Vec<(&'static str, String)>,
    steps: Vec<(usize, &'static str, String)>,
    saved: bool,
    error: Option<String>,
}

/// Which step, and whether the page follows a save.
#[derive(Debug, Default, Deserialize)]
pub struct StepQuery {
    step: Option<String>,
    saved: Option<String>,
}

fn step_of(q: &Option<String>) -> &'static str {
    q.as_deref()
        .and_then(|s| STEPS.iter().find(|x| **x == s))
        .copied()
        .unwrap_or(STEPS[0])
}

fn answer_choices(lang: tabara_core::Lang) -> Vec<(&'static str, String)> {
    [
        Answer::Yes,
        Answer::No,
        Answer::DontKnow,
        Answer::Refused,
        Answer::NotAsked,
    ]
    .into_iter()
    .map(|a| {
        (
            a.as_str(),
            tabara_i18n::catalogue().text(
                lang,
                &format!("answer-{}", a.as_str().replace('_', "-")),
                &[],
            ),
        )
    })
    .collect()
}

fn step_page(
    user: &CurrentUser,
    s: &Screening,
    case: Case,
    step: &'static str,
    saved: bool,
    error: Option<String>,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let catalogue = catalogue(lang)?;
    let phase = match step {
        "recruitment" => Some(Phase::Recruitment),
        "movement" => Some(Phase::Movement),
        "exploitation" => Some(Phase::Exploitation),
        _ => None,
    };
    let questions = phase
        .map(|p| {
            catalogue
                .indicators
                .iter()
                .filter(|i| i.phase == p)
                .map(|i| Question {
                    id: i.id.clone(),
                    text: i.question.get(lang).to_string(),
                    help: i.help.get(lang).to_string(),
                    answer: s.answers.get(&i.id).copied().unwrap_or_default().as_str(),
                })
                .collect()
        })
        .unwrap_or_default();
    let step_index = STEPS.iter().position(|x| *x == step).unwrap_or(0);
    let status = if error.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    let page = StepPage {
        chrome: user.chrome(&format!("/screenings/{}?step={step}", s.id)),
        screening_id: s.id,
        version: s.version,
        step,
        step_index,
        step_count: STEPS.len(),
        step_title: tabara_i18n::catalogue().text(
            lang,
            &format!("screening-step-title-{step}"),
            &[],
        ),
        questions,
        age: s.age.age.map(|a| a.to_string()).unwrap_or_default(),
        age_uncertain: s.age.uncertain,
        signs: catalogue
            .minority_signs
            .iter()
            .map(|m| {
                (
                    m.id.clone(),
                    m.question.get(lang).to_string(),
                    m.help.get(lang).to_string(),
                    s.age.minority_signs.contains(&m.id),
                )
            })
            .collect(),
        facts: FactName::ALL
            .into_iter()
            .map(|f| FactRow {
                name: f.as_str(),
                label: words::fact_label(lang, f),
                value: s.movement.get(f).as_str(),
            })
            .collect(),
        answers: answer_choices(lang),
        fact_choices: [Fact::Yes, Fact::No, Fact::Unknown]
            .into_iter()
            .map(|f| {
                (
                    f.as_str(),
                    tabara_i18n::catalogue().text(lang, &format!("fact-value-{}", f.as_str()), &[]),
                )
            })
            .collect(),
        steps: STEPS
            .iter()
            .enumerate()
            .map(|(i, name)| {
                (
                    i,
                    *name,
                    tabara_i18n::catalogue().text(
                        lang,
                        &format!("screening-step-title-{name}"),
                        &[],
                    ),
                )
            })
            .collect(),
        saved,
        error,
        case,
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /screenings/{id}`: a draft opens at the step asked (the first by default); a completed
/// screening shows its result.
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<StepQuery>,
) -> Result<Response, AppError> {
    let (s, case, relation) = reachable(&state, &user, &id, Action::ReadCase).await?;
    if s.state == ScreeningState::Completed {
        return result_page(&user, &s, case, relation, None);
    }
    if !decide(user.user.role, Action::EditCase, Some(relation)).allowed() {
        return result_page(&user, &s, case, relation, None);
    }
    step_page(&user, &s, case, step_of(&q.step), q.saved.is_some(), None)
}

/// `POST /screenings/{id}?step=…`: save the step's answers into the draft, then go on (or stay,
/// with "save draft"). Questions of other steps keep their answers.
pub async fn save_step(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<StepQuery>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (s, case, _) = reachable(&state, &user, &id, Action::EditCase).await?;
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    user.check_csrf(field("csrf").unwrap_or_default())?;
    if s.state != ScreeningState::Draft {
        return Ok(Redirect::to(&format!("/screenings/{}", s.id)).into_response());
    }
    let step = step_of(&q.step);
    let catalogue = catalogue(user.lang)?;
    let mut answers = s.answers.clone();
    let mut age = s.age.clone();
    let mut movement = s.movement;
    match step {
        "age" => {
            age.age = field("age")
                .map(str::trim)
                .and_then(|a| a.parse::<i64>().ok())
                .filter(|a| (0..=120).contains(a));
            age.uncertain = field("age_uncertain").is_some();
            age.minority_signs = catalogue
                .minority_signs
                .iter()
                .filter(|m| field(&format!("sign_{}", m.id)).is_some())
                .map(|m| m.id.clone())
                .collect();
        }
        "facts" => {
            for f in FactName::ALL {
                movement.set(
                    f,
                    Fact::parse(field(&format!("f_{}", f.as_str())).unwrap_or("unknown")),
                );
            }
        }
        _ => {
            for i in &catalogue.indicators {
                if let Some(v) = field(&format!("a_{}", i.id)) {
                    let a = Answer::parse(v).unwrap_or_default();
                    if a == Answer::NotAsked {
                        answers.remove(&i.id);
                    } else {
                        answers.insert(i.id.clone(), a);
                    }
                }
            }
        }
    }
    let version: i64 = field("version").and_then(|v| v.parse().ok()).unwrap_or(0);
    match state
        .store
        .save_screening(
            &Actor::user(user.user.id),
            s.id,
            version,
            &answers,
            &age,
            &movement,
        )
        .await
    {
        Ok(_) => {}
        Err(StoreError::Conflict { .. }) => {
            let current = state.store.screening(s.id).await?;
            let message = tabara_i18n::t!(user.lang, "screening-conflict");
            return step_page(&user, &current, case, step, false, Some(message));
        }
        Err(e) => return Err(e.into()),
    }
    let index = STEPS.iter().position(|x| *x == step).unwrap_or(0);
    let target = match field("go") {
        Some("back") if index > 0 => format!("/screenings/{}?step={}", s.id, STEPS[index - 1]),
        Some("next") if index + 1 < STEPS.len() => {
            format!("/screenings/{}?step={}", s.id, STEPS[index + 1])
        }
        Some("complete") => format!("/screenings/{}/review", s.id),
        _ => format!("/screenings/{}?step={step}&saved=1", s.id),
    };
    Ok(Redirect::to(&target).into_response())
}

#[derive(askama::Template)]
#[template(path = "screening_result.html")]
struct ResultPage {
    chrome: Chrome,
    case: Case,
    s: Screening,
    outcome: String,
    provisional: bool,
    reasons: Vec<String>,
    steps: Vec<String>,
    verdict: String,
    findings: Vec<String>,
    suggested: Option<String>,
    can_decide: bool,
    can_complete: bool,
    statuses: Vec<(&'static str, &'static str)>,
    decision: Option<(String, String, String)>,
    error: Option<String>,
}

fn result_page(
    user: &CurrentUser,
    s: &Screening,
    case: Case,
    relation: Relation,
    error: Option<String>,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let catalogue = catalogue(lang)?;
    let evaluation = s
        .evaluation
        .clone()
        .unwrap_or_else(|| evaluate(catalogue, &s.answers, &s.age));
    let distinction = distinguish(&s.movement);
    let may_edit = decide(user.user.role, Action::EditCase, Some(relation)).allowed();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = ResultPage {
        chrome: user.chrome(&format!("/screenings/{}", s.id)),
        outcome: words::outcome_label(lang, evaluation.outcome),
        provisional: s.evaluation.is_none(),
        reasons: words::explain(catalogue, lang, &evaluation),
        steps: words::next_steps(lang, &evaluation),
        verdict: words::verdict_label(lang, distinction.verdict),
        findings: words::explain_distinction(lang, &distinction),
        suggested: evaluation
            .suggested_status
            .map(|t| t.label(lang).to_string()),
        can_decide: may_edit && s.state == ScreeningState::Completed && s.decision.is_none(),
        can_complete: may_edit && s.state == ScreeningState::Draft,
        statuses: TraffickingStatus::ALL
            .iter()
            .map(|t| (t.as_str(), t.label(lang)))
            .collect(),
        decision: s.decision.as_ref().map(|d| {
            let kind = match d.kind {
                DecisionKind::Confirmed => tabara_i18n::t!(lang, "screening-decision-confirmed"),
                DecisionKind::Overridden => tabara_i18n::t!(lang, "screening-decision-overridden"),
            };
            (
                kind,
                d.status.label(lang).to_string(),
                d.reason.clone().unwrap_or_default(),
            )
        }),
        error,
        s: s.clone(),
        case,
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /screenings/{id}/review`: the provisional result of a draft, with the button that
/// completes it.
pub async fn review(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (s, case, relation) = reachable(&state, &user, &id, Action::ReadCase).await?;
    result_page(&user, &s, case, relation, None)
}

/// The completion form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CompleteForm {
    csrf: String,
    version: String,
}

/// `POST /screenings/{id}/complete`: evaluate the stored answers and close the draft.
pub async fn complete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<CompleteForm>,
) -> Result<Response, AppError> {
    let (s, case, relation) = reachable(&state, &user, &id, Action::EditCase).await?;
    user.check_csrf(&form.csrf)?;
    let catalogue = catalogue(user.lang)?;
    let version = form.version.trim().parse().unwrap_or(0);
    match state
        .store
        .complete_screening(&Actor::user(user.user.id), s.id, version, catalogue)
        .await
    {
        Ok(done) => Ok(Redirect::to(&format!("/screenings/{}", done.id)).into_response()),
        Err(StoreError::Conflict { .. }) | Err(StoreError::Invalid(_)) => {
            let current = state.store.screening(s.id).await?;
            let message = tabara_i18n::t!(user.lang, "screening-conflict");
            result_page(&user, &current, case, relation, Some(message))
        }
        Err(e) => Err(e.into()),
    }
}

/// The decision form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    csrf: String,
    version: String,
    decision: String,
    status: String,
    reason: String,
}

/// `POST /screenings/{id}/decision`: confirm the suggestion, or override it with a status and
/// a reason.
pub async fn decision(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, AppError> {
    let (s, case, relation) = reachable(&state, &user, &id, Action::EditCase).await?;
    user.check_csrf(&form.csrf)?;
    let kind = if form.decision == "override" {
        DecisionKind::Overridden
    } else {
        DecisionKind::Confirmed
    };
    let status = TraffickingStatus::parse(&form.status).ok();
    let version = form.version.trim().parse().unwrap_or(0);
    match state
        .store
        .decide_screening(
            &Actor::user(user.user.id),
            s.id,
            version,
            tabara_store::DecisionInput {
                kind,
                status,
                reason: &form.reason,
                decided_by: user.user.role.decision_org(),
            },
        )
        .await
    {
        Ok(done) => Ok(Redirect::to(&format!("/screenings/{}", done.id)).into_response()),
        Err(StoreError::Invalid(e)) => {
            let rule = e.0.first().map(|f| f.rule).unwrap_or("required");
            let message = tabara_i18n::catalogue().text(
                user.lang,
                &format!("screening-decision-error-{}", rule.replace('_', "-")),
                &[],
            );
            result_page(&user, &s, case, relation, Some(message))
        }
        Err(StoreError::Conflict { .. }) => {
            let current = state.store.screening(s.id).await?;
            let message = tabara_i18n::t!(user.lang, "screening-conflict");
            result_page(&user, &current, case, relation, Some(message))
        }
        Err(e) => Err(e.into()),
    }
}

/// A person's screenings for the person page: (id, date, state or outcome, decision).
pub async fn person_history(
    state: &AppState,
    lang: tabara_core::Lang,
    person: PersonId,
) -> Result<Vec<(ScreeningId, String, String, String)>, AppError> {
    let list = state.store.person_screenings(person, 50).await?;
    Ok(list
        .into_iter()
        .map(|s| {
            let result = match &s.evaluation {
                Some(e) => words::outcome_label(lang, e.outcome),
                None => tabara_i18n::t!(lang, "screening-state-draft"),
            };
            let decision = s
                .decision
                .as_ref()
                .map(|d| d.status.label(lang).to_string())
                .unwrap_or_default();
            (
                s.id,
                s.created_at.format("%Y-%m-%d %H:%M").to_string(),
                result,
                decision,
            )
        })
        .collect())
}
