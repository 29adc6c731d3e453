//! The screening interview: started from a possible victim of a case, filled in short steps (the
//! age, carried over from the registration; the three phases of the person's story cut into
//! screens by dimension, each explained in one line; the facts for trafficking vs smuggling),
//! saved as a draft at every step and resumable, then completed; the result page shows the
//! outcome, its reasons and the next steps (linked to the page that does each, where there is
//! one), and the officer confirms or overrides it with a reason.
//!
//! A screening is part of its case: reading it needs `ReadCase` on the case, answering and
//! deciding need `EditCase`; a screening out of reach answers 404 like a missing one.

pub(crate) mod history;
mod interview;
mod result;

pub(crate) use result::decider_name;

use tabara_core::palermo::{Fact, FactName};
use tabara_core::permissions::Action;
use tabara_core::screening::{Catalogue, Screen};
use tabara_store::Screening;

use crate::access::{Access, Body, Kind, Routes};
use crate::error::AppError;

/// The screening pages.
pub(crate) fn router() -> Routes {
    let screening = |action| Access::Record(Kind::Screening, action);
    Routes::new()
        .post(
            "/cases/{number}/persons/{person}/screenings",
            Access::Record(Kind::Case, Action::EditCase),
            Body::Form,
            interview::start,
        )
        .get(
            "/screenings/{id}",
            screening(Action::ReadCase),
            interview::show,
        )
        .post(
            "/screenings/{id}",
            screening(Action::EditCase),
            Body::Form,
            interview::save_step,
        )
        .get(
            "/screenings/{id}/review",
            screening(Action::ReadCase),
            result::review,
        )
        .post(
            "/screenings/{id}/complete",
            screening(Action::EditCase),
            Body::Form,
            result::complete,
        )
        .post(
            "/screenings/{id}/decision",
            screening(Action::EditCase),
            Body::Form,
            result::decision,
        )
}

/// A step of the interview: the age, a screen of questions, or the facts.
pub(super) enum StepKind {
    Age,
    Questions(Screen),
    Facts,
}

pub(super) struct Step {
    pub(super) id: String,
    pub(super) kind: StepKind,
}

/// The steps of the interview, in order: the age, the catalogue's screens, the facts.
pub(super) fn steps(catalogue: &Catalogue) -> Vec<Step> {
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
pub(super) fn step_of(steps: &[Step], q: &Option<String>) -> usize {
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

pub(super) fn text(lang: tabara_core::Lang, key: &str) -> String {
    tabara_i18n::catalogue().text(lang, key, &[])
}

/// The step's full title and its short label for the step bar.
pub(super) fn step_titles(
    catalogue: &Catalogue,
    lang: tabara_core::Lang,
    step: &Step,
) -> (String, String) {
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
pub(super) fn progress(s: &Screening, step: &Step) -> (usize, usize) {
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

pub(super) fn catalogue(lang: tabara_core::Lang) -> Result<&'static Catalogue, AppError> {
    Catalogue::embedded().map_err(|e| {
        tracing::error!(error = %e, "screening catalogue");
        AppError::NotFound(lang)
    })
}
