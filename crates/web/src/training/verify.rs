//! The public page where anyone checks a certificate code: valid, revoked or unknown, and
//! nothing more.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tabara_core::training::normalise_code;

use crate::access::visitor_lang;
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, format_date, render};

#[derive(askama::Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    chrome: Chrome,
    code: String,
    /// `valid`, `revoked`, `unknown`, `malformed`, or empty before a check.
    result: &'static str,
    /// For a valid certificate: who holds it, for which course, when.
    holder: Option<VerifiedHolder>,
}

/// What the public verification page shows of a valid certificate.
struct VerifiedHolder {
    name: String,
    course: String,
    dates: String,
}

/// The code to check.
#[derive(Debug, Default, Deserialize)]
pub(super) struct VerifyQuery {
    code: Option<String>,
}

/// `GET /verify`: anyone (no sign-in) enters a certificate code and learns whether it is valid,
/// revoked or unknown, and nothing more.
pub(super) async fn verify(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<VerifyQuery>,
) -> Result<Response, AppError> {
    let lang = visitor_lang(&headers);
    let typed = q.code.unwrap_or_default();
    let mut holder = None;
    let result = if typed.trim().is_empty() {
        ""
    } else {
        match normalise_code(&typed) {
            None => "malformed",
            Some(code) => match state.store.certificate_by_code(&code).await? {
                None => "unknown",
                Some(c) if c.revoked_at.is_some() => "revoked",
                Some(c) => {
                    // Enough for a checker to tie the code to the person in front of them
                    // (name, course, dates), and nothing more: no rank, unit or scores.
                    let p = state.store.participant(c.participant_id).await?;
                    let s = state.store.training_session(c.session_id).await?;
                    holder = Some(VerifiedHolder {
                        name: p.full_name,
                        course: s.title,
                        dates: format!(
                            "{} – {}",
                            format_date(lang, s.starts_on),
                            format_date(lang, s.ends_on)
                        ),
                    });
                    "valid"
                }
            },
        }
    };
    let mut chrome = Chrome::anonymous(lang);
    chrome.path = "/verify".into();
    let page = VerifyPage {
        chrome,
        code: typed.trim().to_string(),
        result,
        holder,
    };
    let status = if result == "unknown" || result == "malformed" {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::OK
    };
    Ok((status, [(header::CACHE_CONTROL, "no-store")], render(&page)).into_response())
}

/// The public URL of the verification page for a code.
pub(super) fn verify_url(state: &AppState, headers: &HeaderMap, code: &str) -> String {
    let base = state.origin(headers);
    format!("{base}/verify?code={code}")
}
