//! A person's screenings, for the person page.

use tabara_core::Picklist;
use tabara_core::ids::{PersonId, ScreeningId};
use tabara_i18n::screening as words;

use crate::error::AppError;
use crate::state::AppState;

/// A person's screenings for the person page: (id, date, state or outcome, decision).
pub(crate) async fn person_history(
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
