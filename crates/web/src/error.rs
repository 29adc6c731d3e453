//! Errors as responses: for the pages a page the user understands, for the API an RFC 9457
//! problem document; never a stack trace: causes go to the log.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;
use tabara_core::Lang;

use crate::view::{Chrome, render};

/// Why a request could not be served.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Not signed in (or the session ended): go to the sign-in page, then come back.
    #[error("sign-in required")]
    SignIn {
        /// Where to return after signing in.
        next: String,
    },
    /// Signed in with a one-time credential: a new password must be chosen before anything else.
    #[error("new password required")]
    NewPasswordFirst,
    /// The password was right; the second factor comes before anything else.
    #[error("second factor required")]
    SecondFactorFirst,
    /// Nothing there, or nothing the user may see: the same answer, so that the existence of
    /// a record is never revealed.
    #[error("not found")]
    NotFound(Lang),
    /// A form without a valid CSRF token.
    #[error("forbidden")]
    Forbidden(Lang),
    /// A request the server cannot make sense of (e.g. a list cursor that names nothing).
    #[error("bad request")]
    BadRequest(Lang),
    /// The store failed.
    #[error("store: {0}")]
    Store(#[from] tabara_store::StoreError),
}

#[derive(askama::Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    title_key: &'static str,
    text_key: &'static str,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, lang, title_key, text_key) = match &self {
            AppError::SignIn { next } => {
                let target = format!("/signin?next={}", crate::view::url_encode(next));
                return Redirect::to(&target).into_response();
            }
            AppError::NewPasswordFirst => {
                return Redirect::to("/account/password").into_response();
            }
            AppError::SecondFactorFirst => {
                return Redirect::to("/signin/second-factor").into_response();
            }
            AppError::NotFound(lang) => (
                StatusCode::NOT_FOUND,
                *lang,
                "error-404-title",
                "error-404-text",
            ),
            AppError::Forbidden(lang) => (
                StatusCode::FORBIDDEN,
                *lang,
                "error-403-title",
                "error-403-text",
            ),
            AppError::BadRequest(lang) => (
                StatusCode::BAD_REQUEST,
                *lang,
                "error-400-title",
                "error-400-text",
            ),
            AppError::Store(e) => {
                tracing::error!(error = %e, "store error");
                return internal_error_page();
            }
        };
        let page = ErrorPage {
            chrome: Chrome::anonymous(lang),
            title_key,
            text_key,
        };
        (status, render(&page)).into_response()
    }
}

/// A request refused before any handler ran (a query or form that does not parse, a body too
/// large, a method not allowed): the error page in words with the same status, instead of the
/// framework's plain-text explanation.
pub(crate) fn refused_request_page(status: StatusCode) -> Response {
    let page = ErrorPage {
        chrome: Chrome::anonymous(Lang::En),
        title_key: "error-400-title",
        text_key: "error-400-text",
    };
    (status, render(&page)).into_response()
}

/// The answer to a failure of the server: a page in words, the cause only in the log.
pub(crate) fn internal_error_page() -> Response {
    let page = ErrorPage {
        chrome: Chrome::anonymous(Lang::En),
        title_key: "error-500-title",
        text_key: "error-500-text",
    };
    (StatusCode::INTERNAL_SERVER_ERROR, render(&page)).into_response()
}

/// An RFC 9457 problem document: every error the API answers.
#[derive(Debug, Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    kind: &'static str,
    title: &'static str,
    status: u16,
    detail: String,
}

impl Problem {
    /// A problem of a given status, type, title and detail.
    pub(crate) fn new(
        status: StatusCode,
        kind: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Problem {
        Problem {
            kind,
            title,
            status: status.as_u16(),
            detail: detail.into(),
        }
    }

    /// No valid bearer token.
    pub(crate) fn unauthorized() -> Problem {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "/problems/unauthorized",
            "Unauthorized",
            "send a valid API token as `Authorization: Bearer <token>`",
        )
    }

    /// Nothing there, or nothing the client may see: the same answer.
    pub(crate) fn not_found() -> Problem {
        Problem::new(
            StatusCode::NOT_FOUND,
            "/problems/not-found",
            "Not found",
            "there is no such record, or it is not shared with you",
        )
    }

    /// A record the client may read, but not act on this way.
    pub(crate) fn forbidden() -> Problem {
        Problem::new(
            StatusCode::FORBIDDEN,
            "/problems/forbidden",
            "Forbidden",
            "your role may not do this with this record",
        )
    }

    /// A parameter that does not parse or is out of range.
    pub(crate) fn bad_parameter(name: &str, rule: &str) -> Problem {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "/problems/invalid-parameter",
            "Invalid parameter",
            format!("{name}: {rule}"),
        )
    }
}

impl From<tabara_store::StoreError> for Problem {
    fn from(e: tabara_store::StoreError) -> Problem {
        tracing::error!(error = %e, "store error in API");
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "/problems/internal",
            "Internal error",
            "the request could not be completed; nothing was changed",
        )
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_string(&self).unwrap_or_default();
        (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response()
    }
}
