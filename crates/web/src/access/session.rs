//! Who is asking: the signed-in user of a page request, from the session cookie.
//!
//! The session cookie holds a random 256-bit token; the database keeps only its SHA-256, so a
//! copy of the database opens no session. Behind TLS the session and pre-sign-in cookies carry
//! the `__Host-` prefix (Secure, `Path=/`, no `Domain`), so no other site of the domain can set
//! or shadow them. A session opened with a one-time credential (a new account, a reset)
//! reaches nothing but the page that chooses a new password.
//!
//! The CSRF token is never written into a page as it is: each page carries it masked with a
//! fresh random pad (`pad ‖ token ⊕ pad`, hex), so a compressed page that also reflects what the
//! visitor typed cannot leak it byte by byte (BREACH). The server unmasks and compares in
//! constant time.

use axum::extract::FromRequestParts;
use axum::http::header::{ACCEPT_LANGUAGE, COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use chrono::Utc;
use rand::Rng;
use tabara_core::Lang;
use tabara_core::permissions::{Action, Relation, decide};
use tabara_store::{Actor, User, Viewer, token_hash};

use crate::error::AppError;
use crate::state::AppState;
use crate::view::Chrome;

const SESSION_COOKIE: &str = "tabara_session";
const PRESIGNIN_COOKIE: &str = "tabara_presignin";
/// The same cookies behind TLS: the browser then insists on Secure, `Path=/` and no `Domain`.
const SESSION_COOKIE_TLS: &str = "__Host-tabara_session";
const PRESIGNIN_COOKIE_TLS: &str = "__Host-tabara_presignin";
/// The language chosen by a visitor who is not signed in.
pub(crate) const LANG_COOKIE: &str = "tabara_lang";

/// A signed-in user, taken from the session cookie.
#[derive(Clone)]
pub struct CurrentUser {
    /// The account.
    pub user: User,
    /// As the store needs it for need-to-know.
    pub viewer: Viewer,
    /// The session's language.
    pub lang: Lang,
    /// The token every form of this session must carry (unmasked; pages get it masked).
    pub(crate) csrf: String,
    /// The session was opened with a one-time credential: only a new password can be set.
    pub password_only: bool,
    /// The password was right; the second factor is still to come.
    pub second_factor_pending: bool,
    /// The user's unread notifications, counted for pages (`GET`) only.
    pub unread: Option<i64>,
}

impl CurrentUser {
    /// The session reaches only one page or two (a new password, the second factor): the
    /// header shows no menu.
    fn limited(&self) -> bool {
        self.password_only || self.second_factor_pending
    }

    /// Whether the user's role grants an action that is not about one record.
    pub fn may(&self, action: Action) -> bool {
        decide(self.user.role, action, None).allowed()
    }

    /// Who the audit register names for what this user does.
    pub fn actor(&self) -> Actor {
        Actor::user(self.user.id)
    }

    /// The page frame for this user.
    pub fn chrome(&self, path: &str) -> Chrome {
        Chrome {
            lang: self.lang,
            user: Some(self.user.display_name.clone()),
            role: tabara_core::Picklist::label(self.user.role, self.lang).to_string(),
            csrf: mask_token(&self.csrf),
            path: path.to_string(),
            can_create: !self.limited() && self.may(Action::CreateCase),
            can_admin_users: !self.limited() && self.may(Action::ManageUsers),
            can_admin_organisations: !self.limited() && self.may(Action::ManageOrganisations),
            can_train: !self.limited() && self.may(Action::ManageTraining),
            can_see_cases: !self.limited()
                && decide(self.user.role, Action::ReadCase, Some(Relation::ANY)).allowed(),
            can_see_custody: !self.limited()
                && matches!(
                    self.user.role,
                    tabara_core::Role::Supervisor
                        | tabara_core::Role::Investigator
                        | tabara_core::Role::Officer
                        | tabara_core::Role::LegalAid
                ),
            can_see_dossiers: !self.limited() && self.user.role == tabara_core::Role::Prosecutor,
            can_manage_field: !self.limited() && self.may(Action::ManageFieldCapture),
            unread: self.unread,
            limited: self.limited(),
        }
    }

    /// Whether a masked token from a form is this session's.
    pub(crate) fn csrf_matches(&self, given: &str) -> bool {
        masked_token_matches(given, &self.csrf)
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

/// A fresh random token (session, CSRF), 256 bits in hex.
pub(crate) fn random_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    hex::encode(bytes)
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

/// A `Set-Cookie` value: `HttpOnly`, `SameSite=Strict`, `Path=/`, `Secure` behind TLS.
pub(crate) fn set_cookie(
    name: &str,
    value: &str,
    secure: bool,
    max_age: Option<i64>,
) -> HeaderValue {
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
pub(crate) fn session_cookie_name(state: &AppState) -> &'static str {
    if state.config.behind_tls {
        SESSION_COOKIE_TLS
    } else {
        SESSION_COOKIE
    }
}

/// The pre-sign-in (double-submit) cookie's name: `__Host-` prefixed behind TLS.
pub(crate) fn presignin_cookie_name(state: &AppState) -> &'static str {
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

/// What a session opened with a one-time credential reaches.
const PASSWORD_ONLY_PATHS: &[&str] = &["/account/password", "/signout"];

/// The signed-in user of a request, from its session cookie: sign in first when there is
/// none (or it ended), choose a new password first when it was opened with a one-time
/// credential and the page is another.
pub(crate) async fn authenticate(parts: &Parts, state: &AppState) -> Result<CurrentUser, AppError> {
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
    // A right password alone opens the second-factor pages and nothing else.
    if session.second_factor_pending
        && !crate::second_factor::PENDING_PATHS.contains(&parts.uri.path())
    {
        return Err(AppError::SecondFactorFirst);
    }
    // The header's count of unread notifications: one indexed count, for pages only.
    let unread = if parts.method == axum::http::Method::GET
        && !session.password_only
        && !session.second_factor_pending
    {
        Some(state.store.unread_count(session.user.id).await?)
    } else {
        None
    };
    Ok(CurrentUser {
        unread,
        viewer: Viewer::from(&session.user),
        user: session.user,
        lang,
        csrf: session.csrf_token,
        password_only: session.password_only,
        second_factor_pending: session.second_factor_pending,
    })
}

/// The user the route's access check signed in (see [`crate::access`]); a route declared
/// public that asks for one signs the user in here.
impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        match parts.extensions.get::<CurrentUser>() {
            Some(user) => Ok(user.clone()),
            None => authenticate(parts, state).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn visitor_language_from_the_browser() {
        let mut h = HeaderMap::new();
        h.insert(
            ACCEPT_LANGUAGE,
            HeaderValue::from_static("de-DE, fr-BI;q=0.8, en;q=0.5"),
        );
        assert_eq!(visitor_lang(&h), Lang::Fr);
    }
}
