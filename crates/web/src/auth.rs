//! Sign-in, sessions and CSRF.
//!
//! The session cookie holds a random 256-bit token; the database keeps only its SHA-256, so a
//! copy of the database opens no session. Every form carries the session's CSRF token; the
//! sign-in form, which comes before any session, uses a double-submit cookie instead.
//! Repeated failures lock the account with a growing delay (5 failures: 2 minutes, then 4, 8,
//! … up to an hour); an unknown user name costs the same Argon2 work as a known one.

use axum::Form;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::header::{ACCEPT_LANGUAGE, COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use rand::Rng;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tabara_core::Lang;
use tabara_core::permissions::{Action, Relation, decide};
use tabara_store::{User, Viewer};

use crate::AppState;
use crate::error::AppError;
use crate::view::{Chrome, render};

const SESSION_COOKIE: &str = "tabara_session";
const PRESIGNIN_COOKIE: &str = "tabara_presignin";
const LANG_COOKIE: &str = "tabara_lang";
/// Failures before the account locks.
const FAILURES_BEFORE_LOCK: i64 = 5;

/// A signed-in user, taken from the session cookie.
pub struct CurrentUser {
    /// The account.
    pub user: User,
    /// As the store needs it for need-to-know.
    pub viewer: Viewer,
    /// The session's language.
    pub lang: Lang,
    /// The token every form of this session must carry.
    pub csrf: String,
}

impl CurrentUser {
    /// Whether the user's role grants an action that is not about one record.
    pub fn may(&self, action: Action) -> bool {
        decide(self.user.role, action, None).allowed()
    }

    /// The page frame for this user.
    pub fn chrome(&self, path: &str) -> Chrome {
        Chrome {
            lang: self.lang,
            user: Some(self.user.display_name.clone()),
            role: tabara_core::Picklist::label(self.user.role, self.lang).to_string(),
            csrf: self.csrf.clone(),
            path: path.to_string(),
            can_create: self.may(Action::CreateCase),
            can_admin_users: self.may(Action::ManageUsers),
            can_admin_organisations: self.may(Action::ManageOrganisations),
            can_train: self.may(Action::ManageTraining),
            can_see_cases: decide(self.user.role, Action::ReadCase, Some(Relation::ANY)).allowed(),
        }
    }

    /// Refuse a form whose token is not this session's.
    pub fn check_csrf(&self, token: &str) -> Result<(), AppError> {
        if constant_time_eq(token.as_bytes(), self.csrf.as_bytes()) {
            Ok(())
        } else {
            Err(AppError::Forbidden(self.lang))
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn random_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    hex::encode(bytes)
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A cookie's value from the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn set_cookie(name: &str, value: &str, secure: bool, max_age: Option<i64>) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The language of a visitor who is not signed in: their cookie, then their browser.
pub fn visitor_lang(headers: &HeaderMap) -> Lang {
    if let Some(l) = cookie(headers, LANG_COOKIE).and_then(|t| Lang::from_tag(&t)) {
        return l;
    }
    headers
        .get(ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.split(',')
                .find_map(|part| Lang::from_tag(part.split(';').next()?.trim()))
        })
        .unwrap_or(Lang::En)
}

/// Only local paths, so a crafted `next` cannot send the user elsewhere.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let next = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        let sign_in = || AppError::SignIn { next: next.clone() };
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(sign_in());
        };
        let hash = token_hash(&token);
        let Some(session) = state.store.session(&hash).await? else {
            return Err(sign_in());
        };
        let now = Utc::now();
        let idle = now - session.last_seen_at > state.config.idle_timeout;
        if session.user.disabled || now > session.expires_at || idle {
            state.store.end_session(&hash).await?;
            return Err(sign_in());
        }
        let lang = Lang::from_tag(&session.lang).unwrap_or(Lang::En);
        // One write a minute at most per session, not one per request.
        if now - session.last_seen_at > chrono::Duration::seconds(60) {
            state.store.touch_session(&hash, lang.tag()).await?;
        }
        Ok(CurrentUser {
            viewer: Viewer::from(&session.user),
            user: session.user,
            lang,
            csrf: session.csrf_token,
        })
    }
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
pub struct SigninQuery {
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
        csrf: csrf.clone(),
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
        set_cookie(PRESIGNIN_COOKIE, &csrf, state.config.behind_tls, Some(3600)),
    );
    response
}

/// `GET /signin`.
pub async fn signin_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<SigninQuery>,
) -> Response {
    signin_response(
        &state,
        visitor_lang(&headers),
        safe_next(q.next.as_deref()),
        String::new(),
        None,
    )
}

/// The sign-in form.
#[derive(Deserialize)]
pub struct SigninForm {
    username: String,
    password: String,
    csrf: String,
    next: Option<String>,
}

/// `POST /signin`.
pub async fn signin(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<SigninForm>,
) -> Result<Response, AppError> {
    let lang = visitor_lang(&headers);
    let next = safe_next(form.next.as_deref());
    let username = form.username.trim().to_string();
    let expected = cookie(&headers, PRESIGNIN_COOKIE).unwrap_or_default();
    if expected.is_empty() || !constant_time_eq(expected.as_bytes(), form.csrf.as_bytes()) {
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
    if let Some(c) = &credentials
        && c.locked_until.is_some_and(|t| t > now)
    {
        return Ok(signin_response(
            &state,
            lang,
            next,
            username,
            Some("signin-error-locked"),
        ));
    }
    // Verify even for an unknown name, so that timing does not tell which names exist.
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
    let Some(c) = credentials else {
        return Ok(signin_response(
            &state,
            lang,
            next,
            username,
            Some("signin-error-invalid"),
        ));
    };
    if !ok || c.user.disabled {
        let failures = c.failed_logins + 1;
        let lock = (failures >= FAILURES_BEFORE_LOCK).then(|| {
            let minutes = 2i64
                .pow((failures - FAILURES_BEFORE_LOCK + 1).min(6) as u32)
                .min(60);
            now + chrono::Duration::minutes(minutes)
        });
        state.store.record_login(c.user.id, false, lock).await?;
        return Ok(signin_response(
            &state,
            lang,
            next,
            username,
            Some("signin-error-invalid"),
        ));
    }
    state.store.record_login(c.user.id, true, None).await?;
    let token = random_token();
    state
        .store
        .create_session(
            c.user.id,
            &token_hash(&token),
            &random_token(),
            lang.tag(),
            now + state.config.absolute_timeout,
        )
        .await?;
    let mut response = Redirect::to(&next).into_response();
    let headers = response.headers_mut();
    headers.append(
        SET_COOKIE,
        set_cookie(SESSION_COOKIE, &token, state.config.behind_tls, None),
    );
    headers.append(
        SET_COOKIE,
        set_cookie(PRESIGNIN_COOKIE, "", state.config.behind_tls, Some(0)),
    );
    Ok(response)
}

/// An Argon2id hash of a random password nobody knows, verified for unknown user names.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| tabara_core::password::hash_password(&random_token()));

/// A form that carries only the CSRF token.
#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

/// `POST /signout`.
pub async fn signout(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
    Form(form): Form<CsrfForm>,
) -> Result<Response, AppError> {
    user.check_csrf(&form.csrf)?;
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        state.store.end_session(&token_hash(&token)).await?;
    }
    let mut response = Redirect::to("/signin").into_response();
    response.headers_mut().append(
        SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", state.config.behind_tls, Some(0)),
    );
    Ok(response)
}

/// The language switch.
#[derive(Deserialize)]
pub struct LangForm {
    lang: String,
    csrf: Option<String>,
    back: Option<String>,
}

/// `POST /lang`: for a signed-in user the session's language (CSRF-checked), for a visitor a
/// cookie.
pub async fn set_language(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<LangForm>,
) -> Result<Response, AppError> {
    let lang = Lang::from_tag(&form.lang).unwrap_or(Lang::En);
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        let hash = token_hash(&token);
        if let Some(session) = state.store.session(&hash).await? {
            let given = form.csrf.unwrap_or_default();
            if !constant_time_eq(given.as_bytes(), session.csrf_token.as_bytes()) {
                return Err(AppError::Forbidden(lang));
            }
            state.store.touch_session(&hash, lang.tag()).await?;
        }
    }
    let mut response = Redirect::to(&safe_next(form.back.as_deref())).into_response();
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
            safe_next(Some("/cases?status=Active")),
            "/cases?status=Active"
        );
        assert_eq!(safe_next(Some("//evil.example/")), "/");
        assert_eq!(safe_next(Some("https://evil.example/")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn cookies_are_read_and_tokens_hashed() {
        let mut h = HeaderMap::new();
        h.insert(
            COOKIE,
            HeaderValue::from_static("a=1; tabara_session=abc; b=2"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&h, "c"), None);
        assert_eq!(token_hash("abc").len(), 64);
        assert_ne!(random_token(), random_token());
    }

    #[test]
    fn the_dummy_hash_is_a_valid_argon2id_hash() {
        assert!(!tabara_core::password::verify_password(
            "anything",
            &DUMMY_HASH
        ));
        assert!(DUMMY_HASH.starts_with("$argon2id$"));
    }

    #[test]
    fn visitor_language_from_the_browser() {
        let mut h = HeaderMap::new();
        h.insert(
            ACCEPT_LANGUAGE,
            HeaderValue::from_static("de-DE, fr-BI;q=0.8, en;q=0.5"),
        );
        assert_eq!(visitor_lang(&h), Lang::Fr);
    }
}
