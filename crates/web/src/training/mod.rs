//! The training programme in the browser: sessions, participants, attendance and scores,
//! certificates (issue, print, revoke) for trainers; certificates of one's own for participants
//! with an account; and the public page where anyone checks a certificate code. Awareness
//! materials are in [`crate::materials`], the programme's report in [`crate::reports`].

mod certificates;
mod grading;
mod register;
mod sessions;
mod verify;

use std::collections::BTreeMap;

use tabara_core::Lang;
use tabara_core::permissions::Action;
use tabara_core::training::Curriculum;
use tabara_store::{StoreError, TrainingSession};

use crate::access::{Access, Body, Kind, Routes};
use crate::error::AppError;
use crate::view::format_date;

/// The training pages.
pub(crate) fn router() -> Routes {
    let trainer = Access::Global(Action::ManageTraining);
    let session = Access::Record(Kind::TrainingSession, Action::ManageTraining);
    let participant = Access::Record(Kind::Participant, Action::ManageTraining);
    Routes::new()
        .get("/verify", Access::Public, verify::verify)
        .get("/training", trainer, sessions::sessions)
        .get(
            "/training/sessions/new",
            trainer,
            sessions::new_session_page,
        )
        .post(
            "/training/sessions/new",
            trainer,
            Body::Form,
            sessions::create_session,
        )
        .get("/training/sessions/{id}", session, register::session)
        .post(
            "/training/sessions/{id}/participants",
            session,
            Body::Form,
            register::add_participant,
        )
        .post(
            "/training/sessions/{id}/register",
            session,
            Body::Form,
            register::save_register,
        )
        .get("/training/sessions/{id}/test", session, grading::test_sheet)
        .get(
            "/training/participants/{id}/grade",
            participant,
            grading::grade_page,
        )
        .post(
            "/training/participants/{id}/grade",
            participant,
            Body::Form,
            grading::grade,
        )
        .post(
            "/training/sessions/{id}/certificates",
            session,
            Body::Form,
            certificates::issue_certificates,
        )
        .get(
            "/training/sessions/{id}/certificates.pdf",
            session,
            certificates::session_certificates_pdf,
        )
        .get(
            "/training/certificates/{id}/pdf",
            Access::Record(Kind::OwnCertificate, Action::ManageTraining),
            certificates::certificate_pdf,
        )
        .post(
            "/training/certificates/{id}/revoke",
            Access::Record(Kind::Certificate, Action::ManageTraining),
            Body::Form,
            certificates::revoke,
        )
        .get(
            "/account/certificates",
            Access::SignedIn,
            certificates::my_certificates,
        )
}

/// A record read from the store, or the page's 404 when it does not exist.
pub(super) fn found<T>(r: Result<T, StoreError>, lang: Lang) -> Result<T, AppError> {
    match r {
        Ok(v) => Ok(v),
        Err(StoreError::NotFound { .. }) => Err(AppError::NotFound(lang)),
        Err(e) => Err(e.into()),
    }
}

pub(super) fn curriculum(lang: Lang) -> Result<&'static Curriculum, AppError> {
    Curriculum::embedded().map_err(|e| {
        tracing::error!(error = %e, "curriculum");
        AppError::NotFound(lang)
    })
}

pub(super) fn dates(lang: Lang, s: &TrainingSession) -> String {
    if s.starts_on == s.ends_on {
        format_date(lang, s.starts_on)
    } else {
        format!(
            "{} – {}",
            format_date(lang, s.starts_on),
            format_date(lang, s.ends_on)
        )
    }
}

/// Errors of a form by field, each already translated by field and rule.
#[derive(Debug, Default)]
pub(super) struct FieldErrors(BTreeMap<&'static str, String>);

impl FieldErrors {
    /// The errors of a validation: for each field its first error, worded by
    /// `{prefix}-{field}-{rule}` when the catalogue has it, else by the general `rule-{rule}`,
    /// else in the validator's own words.
    pub(super) fn new(
        lang: Lang,
        prefix: &str,
        v: &tabara_core::validation::ValidationErrors,
    ) -> Self {
        let mut out = BTreeMap::new();
        for e in &v.0 {
            if out.contains_key(e.field) {
                continue;
            }
            out.insert(
                e.field,
                field_message(lang, prefix, e.field, e.rule, &e.message),
            );
        }
        FieldErrors(out)
    }

    pub(super) fn one(field: &'static str, message: String) -> Self {
        FieldErrors(BTreeMap::from([(field, message)]))
    }

    pub(super) fn any(&self) -> bool {
        !self.0.is_empty()
    }

    pub(super) fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    pub(super) fn text(&self, field: &str) -> String {
        self.0.get(field).cloned().unwrap_or_default()
    }
}

/// The message of one field error: `{prefix}-{field}-{rule}`, else `{prefix}-{rule}`, else
/// `rule-{rule}`, else the validator's words (field `trp_FullName` reads `full-name`).
pub(crate) fn field_message(
    lang: Lang,
    prefix: &str,
    field: &str,
    rule: &str,
    fallback: &str,
) -> String {
    let cat = tabara_i18n::catalogue();
    let field = field.split_once('_').map(|(_, f)| f).unwrap_or(field);
    let mut name = String::new();
    for (i, ch) in field.chars().enumerate() {
        if ch.is_uppercase() && i > 0 {
            name.push('-');
        }
        name.extend(ch.to_lowercase());
    }
    let rule = rule.replace('_', "-");
    [
        format!("{prefix}-{name}-{rule}"),
        format!("{prefix}-{rule}"),
        format!("rule-{rule}"),
    ]
    .into_iter()
    .find(|k| cat.has(Lang::En, k))
    .map(|k| cat.text(lang, &k, &[]))
    .unwrap_or_else(|| fallback.to_string())
}

pub(super) fn grade_kind(q: &Option<String>) -> &'static str {
    if q.as_deref() == Some("post") {
        "post"
    } else {
        "pre"
    }
}
