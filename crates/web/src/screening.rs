//! The screening interview: started from a possible victim of a case, filled in short steps (the
//! age, carried over from the registration; the three phases of the person's story cut into
//! screens by dimension, each explained in one line; the facts for trafficking vs smuggling),
//! saved as a draft at every step and resumable, then completed; the result page shows the
//! outcome, its reasons and the next steps (linked to the page that does each, where there is
//! one), and the officer confirms or overrides it with a reason.
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
use tabara_core::screening::{Answer, Catalogue, Screen, evaluate};
use tabara_i18n::screening::{self as words, NextStep};
use tabara_store::{Actor, DecisionKind, Screening, ScreeningState, StoreError};

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::pages::readable_case;
use crate::view::{Chrome, render};

/// A step of the interview: the age, a screen of questions, or the facts.
enum StepKind {
    Age,
    Questions(Screen),
    Facts,
}

struct Step {
    id: String,
    kind: StepKind,
}

/// The steps of the interview, in order: the age, the catalogue's screens, the facts.
fn steps(catalogue: &Catalogue) -> Vec<Step> {
    let mut steps = vec![Step {
        id: "age".into(),
        kind: StepKind::Age,
    }];
    steps.extend(catalogue.screens().into_iter().map(|s| Step {
        id: s.id.clone(),
        kind: StepKind::Questions(s),
    }));
    steps.push(Step {
        id: "facts".into(),
        kind: StepKind::Facts,
    });
    steps
}

/// The step asked for: a step id, or a phase name (its first screen); the first otherwise.
fn step_of(steps: &[Step], q: &Option<String>) -> usize {
    let Some(q) = q.as_deref() else { return 0 };
    steps
        .iter()
        .position(|s| s.id == q)
        .or_else(|| {
            steps
                .iter()
                .position(|s| matches!(&s.kind, StepKind::Questions(x) if x.phase.as_str() == q))
        })
        .unwrap_or(0)
}

fn text(lang: tabara_core::Lang, key: &str) -> String {
    tabara_i18n::catalogue().text(lang, key, &[])
}

/// The step's full title and its short label for the step bar.
fn step_titles(catalogue: &Catalogue, lang: tabara_core::Lang, step: &Step) -> (String, String) {
    match &step.kind {
        StepKind::Age => {
            let t = text(lang, "screening-step-title-age");
            (t.clone(), t)
        }
        StepKind::Facts => (
            text(lang, "screening-step-title-facts"),
            text(lang, "screening-step-short-facts"),
        ),
        StepKind::Questions(screen) => {
            let phase = text(
                lang,
                &format!("screening-step-title-{}", screen.phase.as_str()),
            );
            let part = screen
                .part
                .map(|(n, of)| format!(" ({n}/{of})"))
                .unwrap_or_default();
            match screen.dimension {
                Some(d) => (
                    format!("{phase} · {d} {}{part}", catalogue.dimension(d).name(lang)),
                    format!("{d}{part}"),
                ),
                None => (phase.clone(), phase),
            }
        }
    }
}

/// How far a step is: (answered, total); a step is done when everything on it is answered.
fn progress(s: &Screening, step: &Step) -> (usize, usize) {
    match &step.kind {
        // The age step is done once an age is recorded, or signs of minority for an unknown age.
        StepKind::Age => (
            usize::from(s.age.age.is_some() || !s.age.minority_signs.is_empty()),
            1,
        ),
        StepKind::Facts => (
            FactName::ALL
                .into_iter()
                .filter(|f| s.movement.get(*f) != Fact::Unknown)
                .count(),
            FactName::ALL.len(),
        ),
        StepKind::Questions(screen) => (
            screen
                .indicator_ids()
                .filter(|id| s.answers.contains_key(*id))
                .count(),
            screen.indicator_ids().count(),
        ),
    }
}

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
        Err(StoreError::Invalid(e)) if e.0.iter().any(|f| f.rule == "victim_only") => {
            let page = Refused {
                chrome: user.chrome(&format!("/cases/{}/persons/{person}", case.number)),
                person,
                case,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// Screening refused: the person is not a possible victim of the case.
#[derive(askama::Template)]
#[template(path = "screening_refused.html")]
struct Refused {
    chrome: Chrome,
    case: Case,
    person: PersonId,
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

struct QuestionGroup {
    title: String,
    about: String,
    questions: Vec<Question>,
}

/// One item of the step bar.
struct StepLink {
    id: String,
    number: usize,
    label: String,
    title: String,
    /// `done`, `partial`, `todo` (CSS class), shown as a sign and in words as well.
    state: &'static str,
    sign: &'static str,
    state_text: String,
    current: bool,
}

#[derive(askama::Template)]
#[template(path = "screening_step.html")]
struct StepPage {
    chrome: Chrome,
    case: Case,
    screening_id: ScreeningId,
    version: i64,
    step: String,
    kind: &'static str,
    step_index: usize,
    step_count: usize,
    step_title: String,
    groups: Vec<QuestionGroup>,
    age: String,
    age_uncertain: bool,
    signs: Vec<(String, String, String, bool)>,
    facts: Vec<FactRow>,
    answers: Vec<(&'static str, String)>,
    fact_choices: Vec<(&'static str, String)>,
    steps: Vec<StepLink>,
    saved: bool,
    error: Option<String>,
}

/// Which step, and whether the page follows a save.
#[derive(Debug, Default, Deserialize)]
pub struct StepQuery {
    step: Option<String>,
    saved: Option<String>,
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
            text(lang, &format!("answer-{}", a.as_str().replace('_', "-"))),
        )
    })
    .collect()
}

fn step_page(
    user: &CurrentUser,
    s: &Screening,
    case: Case,
    step_index: usize,
    saved: bool,
    error: Option<String>,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let catalogue = catalogue(lang)?;
    let all = steps(catalogue);
    let step = &all[step_index];
    let groups = match &step.kind {
        StepKind::Questions(screen) => screen
            .groups
            .iter()
            .map(|(d, ids)| {
                let dimension = catalogue.dimension(*d);
                QuestionGroup {
                    title: format!("{d} {}", dimension.name(lang)),
                    about: dimension.about.get(lang).to_string(),
                    questions: ids
                        .iter()
                        .filter_map(|id| catalogue.indicator(id))
                        .map(|i| Question {
                            id: i.id.clone(),
                            text: i.question.get(lang).to_string(),
                            help: i.help.get(lang).to_string(),
                            answer: s.answers.get(&i.id).copied().unwrap_or_default().as_str(),
                        })
                        .collect(),
                }
            })
            .collect(),
        _ => Vec::new(),
    };
    let status = if error.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    let links = all
        .iter()
        .enumerate()
        .map(|(i, st)| {
            let (title, label) = step_titles(catalogue, lang, st);
            let (answered, total) = progress(s, st);
            let (state, sign, state_text) = if answered == total {
                ("done", "✓", text(lang, "screening-state-done"))
            } else if answered > 0 {
                (
                    "partial",
                    "◐",
                    tabara_i18n::t!(
                        lang,
                        "screening-state-partial",
                        answered = answered as i64,
                        total = total as i64
                    ),
                )
            } else {
                ("todo", "○", text(lang, "screening-state-todo"))
            };
            StepLink {
                id: st.id.clone(),
                number: i + 1,
                label,
                title,
                state,
                sign,
                state_text,
                current: i == step_index,
            }
        })
        .collect();
    let page = StepPage {
        chrome: user.chrome(&format!("/screenings/{}?step={}", s.id, step.id)),
        screening_id: s.id,
        version: s.version,
        step: step.id.clone(),
        kind: match step.kind {
            StepKind::Age => "age",
            StepKind::Facts => "facts",
            StepKind::Questions(_) => "questions",
        },
        step_index,
        step_count: all.len(),
        step_title: step_titles(catalogue, lang, step).0,
        groups,
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
                    text(lang, &format!("fact-value-{}", f.as_str())),
                )
            })
            .collect(),
        steps: links,
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
    if s.state == ScreeningState::Completed
        || !decide(user.user.role, Action::EditCase, Some(relation)).allowed()
    {
        return result_page(&state, &user, &s, case, relation, None).await;
    }
    let index = step_of(&steps(catalogue(user.lang)?), &q.step);
    step_page(&user, &s, case, index, q.saved.is_some(), None)
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
    let catalogue = catalogue(user.lang)?;
    let all = steps(catalogue);
    let index = step_of(&all, &q.step);
    let mut answers = s.answers.clone();
    let mut age = s.age.clone();
    let mut movement = s.movement;
    match &all[index].kind {
        StepKind::Age => {
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
        StepKind::Facts => {
            for f in FactName::ALL {
                movement.set(
                    f,
                    Fact::parse(field(&format!("f_{}", f.as_str())).unwrap_or("unknown")),
                );
            }
        }
        StepKind::Questions(_) => {
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
            return step_page(&user, &current, case, index, false, Some(message));
        }
        Err(e) => return Err(e.into()),
    }
    let target = match field("go") {
        Some("back") if index > 0 => format!("/screenings/{}?step={}", s.id, all[index - 1].id),
        Some("next") if index + 1 < all.len() => {
            format!("/screenings/{}?step={}", s.id, all[index + 1].id)
        }
        Some("complete") => format!("/screenings/{}/review", s.id),
        _ => format!("/screenings/{}?step={}&saved=1", s.id, all[index].id),
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
    steps: Vec<(String, Option<String>)>,
    verdict: String,
    findings: Vec<String>,
    suggested: Option<String>,
    can_decide: bool,
    can_complete: bool,
    statuses: Vec<(&'static str, &'static str)>,
    decision: Option<DecisionShown>,
    error: Option<String>,
}

/// A recorded decision as shown: what, why, who and when.
struct DecisionShown {
    kind: String,
    status: String,
    reason: String,
    by_at: String,
}

/// Who decided, by display name: the actor id names a user (`user:<id>`) or a system process.
async fn decider_name(state: &AppState, actor: &str) -> Result<String, AppError> {
    let user = actor
        .strip_prefix("user:")
        .and_then(|id| id.parse::<tabara_core::ids::UserId>().ok());
    Ok(match user {
        Some(id) => match state.store.user(id).await {
            Ok(u) => u.display_name,
            Err(StoreError::NotFound { .. }) => actor.to_string(),
            Err(e) => return Err(e.into()),
        },
        None => actor.to_string(),
    })
}

/// Where each next step is done in Tabara today; `None` when the feature does not exist yet
/// (referrals) or the user may not do it.
fn next_step_link(
    step: NextStep,
    role: tabara_core::Role,
    relation: Relation,
    case: &Case,
    s: &Screening,
) -> Option<String> {
    let may = |a| decide(role, a, Some(relation)).allowed();
    let case_path = format!("/cases/{}", case.number);
    match step {
        NextStep::ChildProtection if may(Action::ShareCase) => {
            Some(format!("{case_path}#share_organisation"))
        }
        NextStep::VerifyAge if may(Action::EditCase) => {
            Some(format!("{case_path}/persons/{}/edit", s.person_id))
        }
        NextStep::FullInterview | NextStep::NoIndicators if may(Action::CommentCase) => {
            Some(format!("{case_path}#comment"))
        }
        _ => None,
    }
}

async fn result_page(
    state: &AppState,
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
    let decision = match &s.decision {
        None => None,
        Some(d) => Some(DecisionShown {
            kind: match d.kind {
                DecisionKind::Confirmed => tabara_i18n::t!(lang, "screening-decision-confirmed"),
                DecisionKind::Overridden => tabara_i18n::t!(lang, "screening-decision-overridden"),
            },
            status: d.status.label(lang).to_string(),
            reason: d.reason.clone().unwrap_or_default(),
            by_at: tabara_i18n::t!(
                lang,
                "screening-decided-by",
                name = decider_name(state, &d.decided_by).await?,
                when = format!(
                    "{} {} UTC",
                    crate::view::format_date(lang, d.decided_at.date_naive()),
                    d.decided_at.format("%H:%M")
                )
            ),
        }),
    };
    let page = ResultPage {
        chrome: user.chrome(&format!("/screenings/{}", s.id)),
        outcome: words::outcome_label(lang, evaluation.outcome),
        provisional: s.evaluation.is_none(),
        reasons: words::explain(catalogue, lang, &evaluation),
        steps: words::next_step_list(&evaluation)
            .into_iter()
            .map(|st| {
                (
                    st.text(lang),
                    next_step_link(st, user.user.role, relation, &case, s),
                )
            })
            .collect(),
        verdict: words::verdict_label(lang, distinction.verdict),
        findings: words::explain_distinction(lang, &distinction),
        suggested: evaluation.suggested_status.map(|t| {
            tabara_i18n::t!(
                lang,
                "screening-confirm-as",
                outcome = words::outcome_label(lang, evaluation.outcome),
                status = t.label(lang)
            )
        }),
        can_decide: may_edit && s.state == ScreeningState::Completed && s.decision.is_none(),
        can_complete: may_edit && s.state == ScreeningState::Draft,
        statuses: TraffickingStatus::ALL
            .iter()
            .map(|t| (t.as_str(), t.label(lang)))
            .collect(),
        decision,
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
    result_page(&state, &user, &s, case, relation, None).await
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
            result_page(&state, &user, &current, case, relation, Some(message)).await
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
    // A status outside the list is refused, never taken as "no status".
    let status = match form.status.trim() {
        "" => None,
        typed => match TraffickingStatus::parse(typed) {
            Ok(v) => Some(v),
            Err(_) => {
                let message = tabara_i18n::t!(user.lang, "screening-decision-error-picklist");
                return result_page(&state, &user, &s, case, relation, Some(message)).await;
            }
        },
    };
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
            result_page(&state, &user, &s, case, relation, Some(message)).await
        }
        Err(StoreError::Conflict { .. }) => {
            let current = state.store.screening(s.id).await?;
            let message = tabara_i18n::t!(user.lang, "screening-conflict");
            result_page(&state, &user, &current, case, relation, Some(message)).await
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
