//! Tests: the printable pre/post test of a session's modules (with the answer key for the
//! trainer), and grading a participant's answers against the curriculum's key.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use tabara_core::Lang;
use tabara_core::training::Question;
use tabara_store::{Participant, StoreError, TrainingSession};

use super::register::{SessionNotice, session_page};
use super::{curriculum, grade_kind};
use crate::access::{CsrfForm, CurrentUser, ParticipantAccess, SessionAccess};
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, render};

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
pub(super) struct TestQuery {
    key: Option<String>,
}

/// The curriculum's test questions over a session's modules, in curriculum order.
fn session_questions(lang: Lang, s: &TrainingSession) -> Result<Vec<&'static Question>, AppError> {
    let modules: Vec<String> = s.modules.iter().map(|m| m.module.clone()).collect();
    Ok(curriculum(lang)?.test_questions(&modules).collect())
}

/// `GET /training/sessions/{id}/test`: the pre/post test of the session's modules, from the
/// curriculum's questions, to print (with `?key=1`, the answer key for the trainer).
pub(super) async fn test_sheet(
    user: CurrentUser,
    access: SessionAccess,
    Query(q): Query<TestQuery>,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let s = access.session;
    let id = s.id;
    let questions = session_questions(lang, &s)?
        .into_iter()
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
pub(super) struct GradeQuery {
    kind: Option<String>,
}

/// `GET /training/participants/{id}/grade?kind=pre|post`: enter a participant's answers to the
/// session's test; the score is computed from the curriculum's answer key.
pub(super) async fn grade_page(
    State(state): State<AppState>,
    user: CurrentUser,
    access: ParticipantAccess,
    Query(q): Query<GradeQuery>,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let p = access.participant;
    let id = p.id;
    let s = state.store.training_session(p.session_id).await?;
    let questions = session_questions(lang, &s)?
        .into_iter()
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
pub(super) async fn grade(
    State(state): State<AppState>,
    access: ParticipantAccess,
    Query(q): Query<GradeQuery>,
    CsrfForm { user, form: raw }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let fields: BTreeMap<String, String> = raw.into_iter().collect();
    let lang = user.lang;
    let p = access.participant;
    let s = state.store.training_session(p.session_id).await?;
    let questions = session_questions(lang, &s)?;
    let answers: BTreeMap<String, usize> = fields
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("q_")?.to_string(), v.parse().ok()?)))
        .collect();
    let Some(score) = curriculum(lang)?.score(questions.into_iter(), &answers) else {
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
        .set_scores(&user.actor(), p.id, version, pre, post)
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
