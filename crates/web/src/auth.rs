//! Sign-in, sessions and CSRF.
//!
//! The session cookie holds a random 256-bit token; the database keeps only its SHA-256, so a
//! copy of the database opens no session. Every form carries the session's CSRF token; the
//! sign-in form, which comes before any session, uses a double-submit cookie instead.
//! Repeated failures lock the account with a growing delay (5 failures: 2 minutes, then 4, 8,
//! … up to an hour). A locked account, an unknown name and a wrong password get the same answer
//! after the same Argon2 work, so neither the answer nor its time tells them apart.
//!
//! The CSRF token is never written into a page as it is: each page carries it masked with a
//! fresh random pad (`pad ‖ token ⊕ pad`, hex), so a compressed page that also reflects what the
//! visitor typed cannot leak it byte by byte (BREACH). The server unmasks and compares in
//! constant time.
//!
//! Behind TLS the session and pre-sign-in cookies carry the `__Host-` prefix (Secure, `Path=/`,
//! no `Domain`), so no other site of the domain can set or shadow them.
//!
//! A session opened with a one-time credential (a new account, a reset) reaches nothing but the
//! page that chooses a new password.

use axum::Form;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::header::{ACCEPT_LANGUAGE, COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use rand::Rng;
use serde::Deserialize;
use tabara_core::Lang;
use tabara_core::permissions::{Action, Relation, decide};
use tabara_store::{User, Viewer};

use crate::AppState;
use crate::error::AppError;
use crate::view::{Chrome, render};

const SESSION_COOKIE: &str = "tabara_session";
const PRESIGNIN_COOKIE: &str = "tabara_presignin";
/// The same cookies behind TLS: the browser then insists on Secure, `Path=/` and no `Domain`.
const SESSION_COOKIE_TLS: &str = "__Host-tabara_session";
const PRESIGNIN_COOKIE_TLS: &str = "__Host-tabara_presignin";
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
    /// The token every form of this session must carry (unmasked; pages get it masked).
    pub csrf: String,
    /// The session was opened with a one-time credential: only a new password can be set.
    pub password_only: bool,
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
            csrf: mask_token(&self.csrf),
            path: path.to_string(),
            can_create: !self.password_only && self.may(Action::CreateCase),
            can_admin_users: !self.password_only && self.may(Action::ManageUsers),
            can_admin_organisations: !self.password_only && self.may(Action::ManageOrganisations),
            can_train: !self.password_only && self.may(Action::ManageTraining),
            can_see_cases: !self.password_only
                && decide(self.user.role, Action::ReadCase, Some(Relation::ANY)).allowed(),
        }
    }

    /// Refuse a form whose token is not this session's.
    pub fn check_csrf(&self, token: &str) -> Result<(), AppError> {
        if masked_token_matches(token, &self.csrf) {
            Ok(())
        } else {
            Err(AppError::Forbidden(self.lang))
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The token as a page carries it: a fresh random pad and the token XOR the pad, in hex.
pub fn mask_token(token: &str) -> String {
    let token = token.as_bytes();
    let mut rng = rand::rng();
    let pad: Vec<u8> = (0..token.len()).map(|_| rng.random()).collect();
    let masked: Vec<u8> = token.iter().zip(&pad).map(|(t, p)| t ^ p).collect();
    format!("{}{}", hex::encode(&pad), hex::encode(masked))
}

/// Whether a masked token from a form unmasks to `token`, compared in constant time.
pub fn masked_token_matches(given: &str, token: &str) -> bool {
    let Ok(bytes) = hex::decode(given) else {
        return false;
    };
    if token.is_empty() || bytes.len() != 2 * token.len() {
        return false;
    }
    let (pad, masked) = bytes.split_at(token.len());
    let unmasked: Vec<u8> = pad.iter().zip(masked).map(|(p, m)| p ^ m).collect();
    constant_time_eq(&unmasked, token.as_bytes())
}

fn random_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    hex::encode(bytes)
}

use tabara_store::token_hash;

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

/// The session cookie's name: `__Host-` prefixed behind TLS.
fn session_cookie_name(state: &AppState) -> &'static str {
    if state.config.behind_tls {
        SESSION_COOKIE_TLS
    } else {
        SESSION_COOKIE
    }
}

/// The pre-sign-in (double-submit) cookie's name: `__Host-` prefixed behind TLS.
fn presignin_cookie_name(state: &AppState) -> &'static str {
    if state.config.behind_tls {
        PRESIGNIN_COOKIE_TLS
    } else {
        PRESIGNIN_COOKIE
    }
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

/// What a session opened with a one-time credential reaches.
const PASSWORD_ONLY_PATHS: &[&str] = &["/account/password", "/signout"];

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let next = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        let sign_in = || AppError::SignIn { next: next.clone() };
        let Some(token) = cookie(&parts.headers, session_cookie_name(state)) else {
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
        // A one-time credential opens the new-password page and nothing else.
        if session.password_only && !PASSWORD_ONLY_PATHS.contains(&parts.uri.path()) {
            return Err(AppError::NewPasswordFirst);
        }
        Ok(CurrentUser {
            viewer: Viewer::from(&session.user),
            user: session.user,
            lang,
            csrf: session.csrf_token,
            password_only: session.password_only,
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
pub async fn signin_page(
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
        state.store.record_refused_sign_in(None).await?;
        return Ok(refused());
    };
    if c.locked_until.is_some_and(|t| t > now) {
        state.store.record_refused_sign_in(Some(c.user.id)).await?;
        return Ok(refused());
    }
    let one_time = c.must_change_password;
    // A one-time credential signs in only until it expires, and only once.
    let usable = !one_time || c.one_time_expires_at.is_some_and(|t| t > now);
    if !ok || c.user.disabled || !usable {
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

/// How long a session opened with a one-time credential lasts: long enough to choose a password.
const ONE_TIME_SESSION: chrono::Duration = chrono::Duration::minutes(30);

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
    fn csrf_tokens_are_masked_afresh_and_unmask_to_the_token() {
        let token = random_token();
        let (a, b) = (mask_token(&token), mask_token(&token));
        assert_ne!(a, b, "a fresh pad each time");
        assert!(!a.contains(&token) && !b.contains(&token));
        assert!(masked_token_matches(&a, &token));
        assert!(masked_token_matches(&b, &token));
        // The token itself, another token's mask, a changed byte, junk: refused.
        assert!(!masked_token_matches(&token, &token));
        assert!(!masked_token_matches(&mask_token(&random_token()), &token));
        let mut tampered = a.clone().into_bytes();
        let last = tampered.len() - 1;
        tampered[last] = if tampered[last] == b'0' { b'1' } else { b'0' };
        assert!(!masked_token_matches(
            &String::from_utf8(tampered).unwrap(),
            &token
        ));
        assert!(!masked_token_matches("zz", &token));
        assert!(!masked_token_matches("", &token));
        assert!(!masked_token_matches("", ""));
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
    fn cookies_are_read_and_tokens_hashed() {
        let mut h = HeaderMap::new();
        h.insert(
            COOKIE,
            HeaderValue::from_static("a=1; tabara_session=abc; b=2"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&h, "c"), None);
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            "stored hashes of existing sessions and tokens must keep matching"
        );
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
