//! The interview: started from a possible victim of a case, filled in short steps, each saved
//! into the draft with its version (a skipped question stored as not asked), with a step bar
//! marking each step done, partly answered or to do.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tabara_core::ids::{PersonId, ScreeningId};
use tabara_core::palermo::{Fact, FactName};
use tabara_core::permissions::{Action, decide};
use tabara_core::records::Case;
use tabara_core::screening::Answer;
use tabara_i18n::screening as words;
use tabara_store::{Screening, ScreeningState, StoreError};

use super::result::result_page;
use super::{StepKind, catalogue, progress, step_of, step_titles, steps, text};
use crate::access::{CaseAccess, CsrfForm, CurrentUser, ScreeningAccess};
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, render};

/// `POST /cases/{number}/persons/{person}/screenings`: start a screening (a draft).
pub(super) async fn start(
    State(state): State<AppState>,
    access: CaseAccess,
    Path((_, person)): Path<(String, String)>,
    CsrfForm { user, .. }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let case = access.case;
    let person: PersonId = person.parse().map_err(|_| AppError::NotFound(user.lang))?;
    let catalogue = catalogue(user.lang)?;
    let id = ScreeningId::new();
    match state
        .store
        .create_screening(&user.actor(), id, case.id, person, &catalogue.version)
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
pub(super) struct StepQuery {
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

pub(super) fn step_page(
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
pub(super) async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    access: ScreeningAccess,
    Query(q): Query<StepQuery>,
) -> Result<Response, AppError> {
    let (s, case, relation) = access.into_parts();
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
pub(super) async fn save_step(
    State(state): State<AppState>,
    access: ScreeningAccess,
    Query(q): Query<StepQuery>,
    CsrfForm { user, form: fields }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (s, case) = (access.screening, access.case);
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
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
        .save_screening(&user.actor(), s.id, version, &answers, &age, &movement)
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
