//! The second factor (issue 13): after a right password, an account whose role requires it
//! (or that enrolled) gets a session that reaches only these pages until the code from its
//! authenticator app (or a recovery code) is typed; an account not enrolled yet enrols first:
//! a QR code of its secret, its first code typed back, ten recovery codes shown once.
//! The session is then replaced by a full one (a new token).

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use tabara_store::second_factor::FactorCheck;
use tabara_store::token_hash;

use crate::access::{
    Access, Body, CsrfForm, CurrentUser, Routes, cookie, random_token, session_cookie_name,
    set_cookie,
};
use crate::auth::safe_redirect;
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, render};

/// What a session waiting for its second factor reaches.
pub(crate) const PENDING_PATHS: &[&str] = &[
    "/signin/second-factor",
    "/account/second-factor",
    "/signout",
    "/lang",
];

pub(crate) fn router() -> Routes {
    Routes::new()
        .get("/signin/second-factor", Access::SignedIn, code_page)
        .post(
            "/signin/second-factor",
            Access::SignedIn,
            Body::Form,
            check_code,
        )
        .get("/account/second-factor", Access::SignedIn, enrol_page)
        .post(
            "/account/second-factor",
            Access::SignedIn,
            Body::Form,
            confirm,
        )
}

#[derive(Deserialize)]
pub(crate) struct NextQuery {
    next: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "second_factor.html")]
struct CodePage {
    chrome: Chrome,
    next: String,
    error: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "second_factor_enrol.html")]
struct EnrolPage {
    chrome: Chrome,
    next: String,
    /// The QR code of the app's address, as SVG.
    qr: String,
    /// The secret in base32, to type when the camera cannot be used.
    secret: String,
    error: Option<String>,
    /// Enrolled already: how many recovery codes are left.
    enrolled: Option<i64>,
    /// Just enrolled: the recovery codes, shown once.
    codes: Vec<String>,
}

/// `GET /signin/second-factor`.
async fn code_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    let next = safe_redirect(q.next.as_deref());
    if !user.second_factor_pending {
        // Signed in already: the account's own second-factor page.
        return enrolment(&state, &user, next, StatusCode::OK, None).await;
    }
    let enrolled = state
        .store
        .second_factor_state(user.user.id)
        .await?
        .is_some_and(|s| s.confirmed);
    if !enrolled {
        return Ok(
            Redirect::to(&format!("/account/second-factor?next={}", encode(&next))).into_response(),
        );
    }
    Ok(render(&CodePage {
        chrome: user.chrome("/signin/second-factor"),
        next,
        error: None,
    })
    .into_response())
}

/// A local path as a query value.
pub(crate) fn encode(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[derive(Deserialize)]
pub(crate) struct CodeForm {
    #[serde(default)]
    code: String,
    next: Option<String>,
}

/// Replace the waiting session with a full one (a new token) and go on to `next`.
async fn complete(
    state: &AppState,
    user: &CurrentUser,
    headers: &axum::http::HeaderMap,
    next: &str,
) -> Result<Response, AppError> {
    if let Some(old) = cookie(headers, session_cookie_name(state)) {
        state.store.end_session(&token_hash(&old)).await?;
    }
    state.store.record_login(user.user.id, true, None).await?;
    let token = random_token();
    state
        .store
        .create_session(
            user.user.id,
            &token_hash(&token),
            &random_token(),
            user.lang.tag(),
            Utc::now() + state.config.absolute_timeout,
        )
        .await?;
    let mut response = Redirect::to(next).into_response();
    response.headers_mut().append(
        SET_COOKIE,
        set_cookie(
            session_cookie_name(state),
            &token,
            state.config.behind_tls,
            None,
        ),
    );
    Ok(response)
}

/// `POST /signin/second-factor`.
async fn check_code(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    peer: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    CsrfForm { user, form }: CsrfForm<CodeForm>,
) -> Result<Response, AppError> {
    let next = safe_redirect(form.next.as_deref());
    if !user.second_factor_pending {
        return Ok(Redirect::to(&next).into_response());
    }
    let lang = user.lang;
    let address = crate::auth::client_address(&state, &headers, peer.as_deref());
    if address.is_some_and(|a| state.address_failures.blocked(a)) {
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&CodePage {
                chrome: user.chrome("/signin/second-factor"),
                next,
                error: Some(tabara_i18n::t!(lang, "signin-error-address")),
            }),
        )
            .into_response());
    }
    let error = match state
        .store
        .check_second_factor(user.user.id, &form.code, Utc::now())
        .await?
    {
        FactorCheck::Accepted | FactorCheck::AcceptedRecovery { .. } => {
            return complete(&state, &user, &headers, &next).await;
        }
        FactorCheck::NotEnrolled => {
            return Ok(Redirect::to("/account/second-factor").into_response());
        }
        FactorCheck::Refused => {
            if let Some(a) = address {
                state.address_failures.fail(a);
            }
            tabara_i18n::t!(lang, "second-factor-wrong")
        }
        FactorCheck::Locked { until } => tabara_i18n::t!(
            lang,
            "second-factor-locked",
            until = until.format("%H:%M UTC").to_string()
        ),
    };
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        render(&CodePage {
            chrome: user.chrome("/signin/second-factor"),
            next,
            error: Some(error),
        }),
    )
        .into_response())
}

pub(crate) fn qr_svg(text: &str) -> String {
    qrcode::QrCode::new(text.as_bytes())
        .map(|c| {
            c.render::<qrcode::render::svg::Color>()
                .min_dimensions(200, 200)
                .build()
        })
        .unwrap_or_default()
}

async fn enrolment(
    state: &AppState,
    user: &CurrentUser,
    next: String,
    status: StatusCode,
    error: Option<String>,
) -> Result<Response, AppError> {
    let current = state.store.second_factor_state(user.user.id).await?;
    if let Some(s) = current.as_ref().filter(|s| s.confirmed) {
        return Ok(render(&EnrolPage {
            chrome: user.chrome("/account/second-factor"),
            next,
            qr: String::new(),
            secret: String::new(),
            error: None,
            enrolled: Some(s.recovery_left),
            codes: Vec::new(),
        })
        .into_response());
    }
    let secret = match state.store.pending_secret(user.user.id).await? {
        Some(s) => s,
        None => state.store.start_enrolment(user.user.id).await?,
    };
    let account = format!("{}@{}", user.user.username, "Tabara");
    let uri = tabara_core::totp::otpauth_uri("Tabara", &account, &secret);
    Ok((
        status,
        render(&EnrolPage {
            chrome: user.chrome("/account/second-factor"),
            next,
            qr: qr_svg(&uri),
            secret: tabara_core::totp::base32(&secret),
            error,
            enrolled: None,
            codes: Vec::new(),
        }),
    )
        .into_response())
}

/// `GET /account/second-factor`.
async fn enrol_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    let next = safe_redirect(q.next.as_deref());
    enrolment(&state, &user, next, StatusCode::OK, None).await
}

/// `POST /account/second-factor`: the app's first code confirms the enrolment.
async fn confirm(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    CsrfForm { user, form }: CsrfForm<CodeForm>,
) -> Result<Response, AppError> {
    let next = safe_redirect(form.next.as_deref());
    let codes = state
        .store
        .confirm_enrolment(&user.actor(), user.user.id, &form.code, Utc::now())
        .await?;
    let Some(codes) = codes else {
        let error = tabara_i18n::t!(user.lang, "second-factor-wrong");
        return enrolment(
            &state,
            &user,
            next,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(error),
        )
        .await;
    };
    let page = EnrolPage {
        chrome: user.chrome("/account/second-factor"),
        next: next.clone(),
        qr: String::new(),
        secret: String::new(),
        error: None,
        enrolled: None,
        codes,
    };
    if user.second_factor_pending {
        // The session becomes a full one; the codes are shown on the way.
        let mut response = complete(&state, &user, &headers, &next).await?;
        let body = render(&page).into_response();
        *response.status_mut() = StatusCode::OK;
        response.headers_mut().remove(axum::http::header::LOCATION);
        let (parts, _) = response.into_parts();
        let (_, body) = body.into_parts();
        return Ok(Response::from_parts(parts, body));
    }
    Ok(render(&page).into_response())
}
