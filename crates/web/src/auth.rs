//! Sign-in, sign-out and the language switch.
//!
//! Sessions themselves (the cookie, the signed-in user, the masked CSRF token) are in
//! [`crate::access`]. Every form carries the session's CSRF token; the sign-in form, which
//! comes before any session, uses a double-submit cookie instead.
//! Repeated failures lock the account with a growing delay (5 failures: 2 minutes, then 4, 8,
//! … up to an hour). A locked account, an unknown name and a wrong password get the same answer
//! after the same Argon2 work, so neither the answer nor its time tells them apart.
//!
//! A session opened with a one-time credential (a new account, a reset) reaches nothing but the
//! page that chooses a new password.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use tabara_core::Lang;
use tabara_store::token_hash;

use crate::access::{
    Access, Body, CsrfForm, LANG_COOKIE, Routes, cookie, mask_token, masked_token_matches,
    presignin_cookie_name, random_token, session_cookie_name, set_cookie, visitor_lang,
};
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, render};

/// Failures before the account locks.
const FAILURES_BEFORE_LOCK: i64 = 5;

/// Sign-in, sign-out and the language switch.
pub(crate) fn router() -> Routes {
    Routes::new()
        .get("/signin", Access::Public, signin_page)
        .post("/signin", Access::Public, Body::Form, signin)
        .post("/signout", Access::SignedIn, Body::Form, signout)
        .post("/lang", Access::Public, Body::Form, set_language)
}

/// Where to send the browser back to (`next` after sign-in, `back` of the language switch):
/// only a path of this site, taken as it is or not at all. It must start with exactly one `/`
/// (never `//` or `/\`), and hold no backslash, no whitespace and no control character
/// anywhere: browsers drop tabs and line breaks and read `\` as `/`, so `/\t/evil.example/`
/// would otherwise leave the site, and CR/LF would break the `Location` header. Anything
/// else gives `/`. Nothing is removed first: a cleaned value could become one of those.
pub fn safe_redirect(target: Option<&str>) -> String {
    let Some(t) = target else {
        return "/".to_string();
    };
    let mut chars = t.chars();
    let local = chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && !t
            .chars()
            .any(|c| c == '\\' || c.is_whitespace() || c.is_control());
    if local {
        t.to_string()
    } else {
        "/".to_string()
    }
}

/// Failed attempts before the account locks, and the growing delay after: the same rule for
/// sign-in and for the current password of the password-change form.
pub fn lock_after(failures: i64, now: chrono::DateTime<Utc>) -> Option<chrono::DateTime<Utc>> {
    (failures >= FAILURES_BEFORE_LOCK).then(|| {
        let minutes = 2i64
            .pow((failures - FAILURES_BEFORE_LOCK + 1).min(6) as u32)
            .min(60);
        now + chrono::Duration::minutes(minutes)
    })
}

#[derive(askama::Template)]
#[template(path = "signin.html")]
struct SigninPage {
    chrome: Chrome,
    csrf: String,
    next: String,
    username: String,
    error_key: Option<&'static str>,
}

/// Query of the sign-in page.
#[derive(Deserialize)]
pub(crate) struct SigninQuery {
    next: Option<String>,
}

fn signin_response(
    state: &AppState,
    lang: Lang,
    next: String,
    username: String,
    error_key: Option<&'static str>,
) -> Response {
    let csrf = random_token();
    let page = SigninPage {
        chrome: Chrome::anonymous(lang),
        csrf: mask_token(&csrf),
        next,
        username,
        error_key,
    };
    let status = if error_key.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    let mut response = (status, render(&page)).into_response();
    response.headers_mut().append(
        SET_COOKIE,
        set_cookie(
            presignin_cookie_name(state),
            &csrf,
            state.config.behind_tls,
            Some(3600),
        ),
    );
    response
}

/// `GET /signin`.
async fn signin_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<SigninQuery>,
) -> Response {
    signin_response(
        &state,
        visitor_lang(&headers),
        safe_redirect(q.next.as_deref()),
        String::new(),
        None,
    )
}

/// The sign-in form.
#[derive(Deserialize)]
pub(crate) struct SigninForm {
    username: String,
    password: String,
    csrf: String,
    next: Option<String>,
}

/// The client's address: the peer's, or behind a TLS proxy the last address the proxy added
/// to `X-Forwarded-For`; `None` when neither is known (a test calling the router directly).
pub(crate) fn client_address(
    state: &AppState,
    headers: &HeaderMap,
    peer: Option<&axum::extract::ConnectInfo<std::net::SocketAddr>>,
) -> Option<std::net::IpAddr> {
    if state.config.behind_tls
        && let Some(ip) = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse().ok())
    {
        return Some(ip);
    }
    peer.map(|p| p.0.ip())
}

/// `POST /signin`.
async fn signin(
    State(state): State<AppState>,
    headers: HeaderMap,
    peer: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    Form(form): Form<SigninForm>,
) -> Result<Response, AppError> {
    let lang = visitor_lang(&headers);
    let address = client_address(&state, &headers, peer.as_deref());
    if address.is_some_and(|a| state.address_failures.blocked(a)) {
        return Ok(signin_response(
            &state,
            lang,
            safe_redirect(form.next.as_deref()),
            form.username.trim().to_string(),
            Some("signin-error-address"),
        ));
    }
    let fail = || {
        if let Some(a) = address {
            state.address_failures.fail(a);
        }
    };
    let next = safe_redirect(form.next.as_deref());
    let username = form.username.trim().to_string();
    let expected = cookie(&headers, presignin_cookie_name(&state)).unwrap_or_default();
    if expected.is_empty() || !masked_token_matches(&form.csrf, &expected) {
        return Ok(signin_response(
            &state,
            lang,
            next,
            username,
            Some("signin-error-expired"),
        ));
    }
    let credentials = state.store.credentials(&username).await?;
    let now = Utc::now();
    // Verify in every case (unknown name, locked account, wrong password), so that neither the
    // answer nor the time it takes tells them apart.
    let hash = credentials
        .as_ref()
        .map(|c| c.password_hash.clone())
        .unwrap_or_else(|| DUMMY_HASH.clone());
    let password = form.password;
    let ok = tokio::task::spawn_blocking(move || {
        tabara_core::password::verify_password(&password, &hash)
    })
    .await
    .unwrap_or(false);
    let refused = || {
        signin_response(
            &state,
            lang,
            next.clone(),
            username.clone(),
            Some("signin-error-invalid"),
        )
    };
    let Some(c) = credentials else {
        fail();
        state.store.record_refused_sign_in(None).await?;
        return Ok(refused());
    };
    if c.locked_until.is_some_and(|t| t > now) {
        fail();
        state.store.record_refused_sign_in(Some(c.user.id)).await?;
        return Ok(refused());
    }
    let one_time = c.must_change_password;
    // A one-time credential signs in only until it expires, and only once.
    let usable = !one_time || c.one_time_expires_at.is_some_and(|t| t > now);
    if !ok || c.user.disabled || !usable {
        fail();
        let lock = lock_after(c.failed_logins + 1, now);
        state.store.record_login(c.user.id, false, lock).await?;
        return Ok(refused());
    }
    let token = random_token();
    let (target, csrf) = (next.clone(), random_token());
    let target = if one_time {
        if !state.store.use_one_time_credential(c.user.id).await? {
            return Ok(refused());
        }
        state
            .store
            .create_password_only_session(
                c.user.id,
                &token_hash(&token),
                &csrf,
                lang.tag(),
                now + ONE_TIME_SESSION,
            )
            .await?;
        "/account/password".to_string()
    } else if state.config.second_factor.requires(c.user.role)
        || state
            .store
            .second_factor_state(c.user.id)
            .await?
            .is_some_and(|s| s.confirmed)
    {
        // The password was right: the second factor comes next, on a session that reaches
        // nothing else and lasts long enough to type a code (or enrol).
        state
            .store
            .create_pending_session(
                c.user.id,
                &token_hash(&token),
                &csrf,
                lang.tag(),
                now + SECOND_FACTOR_SESSION,
            )
            .await?;
        format!(
            "/signin/second-factor?next={}",
            crate::second_factor::encode(&target)
        )
    } else {
        state.store.record_login(c.user.id, true, None).await?;
        state
            .store
            .create_session(
                c.user.id,
                &token_hash(&token),
                &csrf,
                lang.tag(),
                now + state.config.absolute_timeout,
            )
            .await?;
        target
    };
    let mut response = Redirect::to(&target).into_response();
    let headers = response.headers_mut();
    headers.append(
        SET_COOKIE,
        set_cookie(
            session_cookie_name(&state),
            &token,
            state.config.behind_tls,
            None,
        ),
    );
    headers.append(
        SET_COOKIE,
        set_cookie(
            presignin_cookie_name(&state),
            "",
            state.config.behind_tls,
            Some(0),
        ),
    );
    Ok(response)
}

/// How long a session waiting for its second factor lasts: long enough to enrol.
const SECOND_FACTOR_SESSION: chrono::Duration = chrono::Duration::minutes(15);

/// How long a session opened with a one-time credential lasts: long enough to choose a password.
const ONE_TIME_SESSION: chrono::Duration = chrono::Duration::minutes(30);

/// An Argon2id hash of a random password nobody knows, verified for unknown user names.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| tabara_core::password::hash_password(&random_token()));

/// `POST /signout`.
async fn signout(
    State(state): State<AppState>,
    headers: HeaderMap,
    _: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    if let Some(token) = cookie(&headers, session_cookie_name(&state)) {
        state.store.end_session(&token_hash(&token)).await?;
    }
    let mut response = Redirect::to("/signin").into_response();
    response.headers_mut().append(
        SET_COOKIE,
        set_cookie(
            session_cookie_name(&state),
            "",
            state.config.behind_tls,
            Some(0),
        ),
    );
    Ok(response)
}

/// The language switch.
#[derive(Deserialize)]
pub(crate) struct LangForm {
    lang: String,
    csrf: Option<String>,
    back: Option<String>,
}

/// `POST /lang`: for a signed-in user the session's language (CSRF-checked), for a visitor a
/// cookie.
async fn set_language(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<LangForm>,
) -> Result<Response, AppError> {
    let lang = Lang::from_tag(&form.lang).unwrap_or(Lang::En);
    if let Some(token) = cookie(&headers, session_cookie_name(&state)) {
        let hash = token_hash(&token);
        if let Some(session) = state.store.session(&hash).await? {
            let given = form.csrf.unwrap_or_default();
            if !masked_token_matches(&given, &session.csrf_token) {
                return Err(AppError::Forbidden(lang));
            }
            state.store.touch_session(&hash, lang.tag()).await?;
        }
    }
    let mut response = Redirect::to(&safe_redirect(form.back.as_deref())).into_response();
    response.headers_mut().append(
        SET_COOKIE,
        set_cookie(
            LANG_COOKIE,
            lang.tag(),
            state.config.behind_tls,
            Some(365 * 24 * 3600),
        ),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_local() {
        assert_eq!(
            safe_redirect(Some("/cases?status=Active")),
            "/cases?status=Active"
        );
        assert_eq!(safe_redirect(Some("//evil.example/")), "/");
        assert_eq!(safe_redirect(Some("https://evil.example/")), "/");
        assert_eq!(safe_redirect(Some("/\\evil")), "/");
        assert_eq!(safe_redirect(None), "/");
    }

    #[test]
    fn redirects_refuse_every_way_off_the_site() {
        for nasty in [
            "/\t/evil.example/",
            "/\t\t/evil.example/",
            "\t/evil.example/",
            "/\r\n/evil.example/",
            "/\n/evil.example/",
            "/cases\r\nSet-Cookie: x=1",
            // `%0d%0a` as the form decoder hands it over.
            "/cases\r\nLocation: https://evil.example/",
            "//evil.example/",
            "///evil.example/",
            "/\\evil.example/",
            "/\\/evil.example/",
            "/cases\\..\\x",
            "\\\\evil.example",
            "https://evil.example/",
            "https:evil.example",
            "javascript:alert(1)",
            "evil.example",
            " /cases",
            "/cases page",
            "/\u{a0}/evil.example",
            "/\u{2028}/evil.example",
            "/\u{7f}x",
            "/\u{0}x",
            "",
        ] {
            assert_eq!(safe_redirect(Some(nasty)), "/", "{nasty:?}");
        }
        for fine in [
            "/",
            "/cases",
            "/cases?status=Active&after=12",
            "/cases/TBR-000001#persons",
            "/a/b//c",
        ] {
            assert_eq!(safe_redirect(Some(fine)), fine);
        }
    }

    #[test]
    fn lock_grows_then_stays_at_an_hour() {
        let now = Utc::now();
        assert_eq!(lock_after(4, now), None);
        assert_eq!(lock_after(5, now), Some(now + chrono::Duration::minutes(2)));
        assert_eq!(lock_after(6, now), Some(now + chrono::Duration::minutes(4)));
        assert_eq!(
            lock_after(40, now),
            Some(now + chrono::Duration::minutes(60))
        );
    }

    #[test]
    fn the_dummy_hash_is_a_valid_argon2id_hash() {
        assert!(!tabara_core::password::verify_password(
            "anything",
            &DUMMY_HASH
        ));
        assert!(DUMMY_HASH.starts_with("$argon2id$"));
    }
}
