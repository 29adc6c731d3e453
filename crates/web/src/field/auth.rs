//! Who a phone is: a device of the register, by the token in its server address
//! (`/openrosa/key/{token}/…`, for phones without credentials) or by Digest authentication
//! (RFC 2617, MD5, `qop=auth`, as ODK Collect answers it) on an agency's address
//! (`/openrosa/agency/{agency}/…`), whose password is the device's token. Basic
//! authentication only behind TLS (Collect sends it only over https). The nonce is the
//! moment it was made with a keyed hash of it under this server's key: nothing to keep, and a
//! nonce older than [`NONCE_SECONDS`] is answered `stale=true` so the phone retries at once.

use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use md5::{Digest as _, Md5};
use sha2::Sha256;
use tabara_store::field::FieldDevice;
use tabara_store::{User, Viewer};

use super::envelope;
use crate::state::AppState;

/// The Digest realm.
pub(crate) const REALM: &str = "Tabara";

/// How long a nonce is good for.
pub(crate) const NONCE_SECONDS: i64 = 300;

/// A phone, authenticated.
#[derive(Clone)]
pub struct FieldUser {
    /// The device.
    pub device: FieldDevice,
    /// The account it acts for.
    pub user: User,
    /// As the store needs it for need-to-know.
    pub viewer: Viewer,
    /// The language of the account's messages.
    pub lang: tabara_core::Lang,
}

impl FieldUser {
    /// The actor of what the phone does: the account it acts for.
    pub fn actor(&self) -> tabara_store::Actor {
        tabara_store::Actor::user(self.user.id)
    }
}

/// Why a phone was not let in.
pub(crate) enum Refused {
    /// No credentials, wrong ones, or a nonce too old: a challenge.
    Challenge { stale: bool },
    /// A token in the address that no device holds (or a revoked one).
    UnknownToken,
    /// The device is not of the agency of the address.
    OtherAgency,
    /// The store failed.
    Store(tabara_store::StoreError),
}

impl Refused {
    pub(crate) fn response(self, state: &AppState, lang: tabara_core::Lang) -> Response {
        match self {
            Refused::Challenge { stale } => {
                let mut r = envelope::error(
                    StatusCode::UNAUTHORIZED,
                    &tabara_i18n::t!(lang, "field-unauthorized"),
                );
                let h = r.headers_mut();
                let challenge = digest_challenge(state, stale);
                if let Ok(v) = HeaderValue::from_str(&challenge) {
                    h.append(header::WWW_AUTHENTICATE, v);
                }
                if state.config.behind_tls {
                    h.append(
                        header::WWW_AUTHENTICATE,
                        HeaderValue::from_static("Basic realm=\"Tabara\""),
                    );
                }
                r
            }
            // A token nobody holds is refused like wrong credentials, but without a challenge
            // (there is nothing to answer it with): the device must be configured again.
            Refused::UnknownToken => envelope::error(
                StatusCode::UNAUTHORIZED,
                &tabara_i18n::t!(lang, "field-token-refused"),
            ),
            Refused::OtherAgency => envelope::error(
                StatusCode::FORBIDDEN,
                &tabara_i18n::t!(lang, "field-other-agency"),
            ),
            Refused::Store(e) => {
                tracing::error!(error = %e, "field authentication");
                envelope::error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    &tabara_i18n::t!(lang, "field-server-error"),
                )
            }
        }
    }
}

fn hex_md5(s: &str) -> String {
    hex::encode(Md5::digest(s.as_bytes()))
}

fn nonce_mac(state: &AppState, stamp: &str) -> String {
    let mut h = Sha256::new();
    h.update(state.nonce_key());
    h.update(stamp.as_bytes());
    hex::encode(&h.finalize()[..16])
}

/// A fresh nonce: the moment in hex and its keyed hash.
pub(crate) fn nonce(state: &AppState) -> String {
    let stamp = format!("{:x}", chrono::Utc::now().timestamp());
    format!("{stamp}.{}", nonce_mac(state, &stamp))
}

/// Whether a nonce is this server's: `Some(true)` fresh, `Some(false)` stale, `None` forged.
fn check_nonce(state: &AppState, nonce: &str) -> Option<bool> {
    let (stamp, mac) = nonce.split_once('.')?;
    if nonce_mac(state, stamp) != mac {
        return None;
    }
    let at = i64::from_str_radix(stamp, 16).ok()?;
    let age = chrono::Utc::now().timestamp() - at;
    Some((0..=NONCE_SECONDS).contains(&age))
}

fn digest_challenge(state: &AppState, stale: bool) -> String {
    format!(
        "Digest realm=\"{REALM}\", qop=\"auth\", algorithm=MD5, nonce=\"{}\", opaque=\"{}\", domain=\"/openrosa/\"{}",
        nonce(state),
        hex_md5(REALM),
        if stale { ", stale=true" } else { "" }
    )
}

/// The parameters of a `Digest` authorization header, quoted or not.
pub(crate) fn digest_params(value: &str) -> Option<std::collections::HashMap<String, String>> {
    let rest = value.trim().strip_prefix("Digest")?.trim_start();
    let mut out = std::collections::HashMap::new();
    let mut chars = rest.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| *c == ',' || c.is_whitespace()) {
            chars.next();
        }
        let mut key = String::new();
        while let Some(c) = chars.peek().copied() {
            if c == '=' {
                break;
            }
            key.push(c);
            chars.next();
        }
        if key.is_empty() {
            break;
        }
        chars.next()?; // '='
        let mut val = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            let mut escaped = false;
            for c in chars.by_ref() {
                if escaped {
                    val.push(c);
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    break;
                } else {
                    val.push(c);
                }
            }
        } else {
            while let Some(c) = chars.peek().copied() {
                if c == ',' {
                    break;
                }
                val.push(c);
                chars.next();
            }
        }
        out.insert(key.trim().to_ascii_lowercase(), val.trim().to_string());
    }
    Some(out)
}

/// The response a client computes for Digest with `qop=auth` (also what the tests' client
/// sends).
pub fn digest_response(
    login: &str,
    password: &str,
    method: &str,
    uri: &str,
    nonce: &str,
    nc: &str,
    cnonce: &str,
) -> String {
    let ha1 = hex_md5(&format!("{login}:{REALM}:{password}"));
    let ha2 = hex_md5(&format!("{method}:{uri}"));
    hex_md5(&format!("{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}"))
}

/// Constant-time comparison of two hex strings.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn usable(found: Option<(FieldDevice, User)>) -> Option<FieldUser> {
    found.map(|(device, user)| FieldUser {
        viewer: Viewer::from(&user),
        lang: tabara_core::Lang::En,
        device,
        user,
    })
}

/// The phone of a request under `/openrosa/`.
pub(crate) async fn authenticate(parts: &Parts, state: &AppState) -> Result<FieldUser, Refused> {
    let path = parts.uri.path();
    let mut segments = path.trim_start_matches('/').split('/');
    let (_, kind, key) = (segments.next(), segments.next(), segments.next());
    match (kind, key) {
        (Some("key"), Some(token)) => {
            let found = state
                .store
                .field_device_by_token(token)
                .await
                .map_err(Refused::Store)?;
            usable(found).ok_or(Refused::UnknownToken)
        }
        (Some("agency"), Some(agency)) => {
            let user = credentials(parts, state).await?;
            if user.device.organisation_id.to_string() != agency {
                return Err(Refused::OtherAgency);
            }
            Ok(user)
        }
        _ => Err(Refused::Challenge { stale: false }),
    }
}

async fn credentials(parts: &Parts, state: &AppState) -> Result<FieldUser, Refused> {
    let Some(value) = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return Err(Refused::Challenge { stale: false });
    };
    if let Some(basic) = value.strip_prefix("Basic ") {
        // Basic sends the secret itself: only over TLS.
        if !state.config.behind_tls {
            return Err(Refused::Challenge { stale: false });
        }
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(basic.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or(Refused::Challenge { stale: false })?;
        let (login, password) = decoded
            .split_once(':')
            .ok_or(Refused::Challenge { stale: false })?;
        let found = state
            .store
            .field_device_by_login(login)
            .await
            .map_err(Refused::Store)?;
        return match found {
            Some((device, user, secret)) if same(&secret, password) => {
                usable(Some((device, user))).ok_or(Refused::Challenge { stale: false })
            }
            _ => Err(Refused::Challenge { stale: false }),
        };
    }
    let p = digest_params(value).ok_or(Refused::Challenge { stale: false })?;
    let get = |k: &str| p.get(k).map(String::as_str).unwrap_or("");
    let fresh = check_nonce(state, get("nonce")).ok_or(Refused::Challenge { stale: false })?;
    // The uri the client signed must be this request's (its path, with or without the query).
    let uri = get("uri");
    let asked = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("");
    if uri != asked && uri != parts.uri.path() {
        return Err(Refused::Challenge { stale: false });
    }
    if !get("qop").eq_ignore_ascii_case("auth") || get("realm") != REALM {
        return Err(Refused::Challenge { stale: false });
    }
    let found = state
        .store
        .field_device_by_login(get("username"))
        .await
        .map_err(Refused::Store)?;
    let Some((device, user, secret)) = found else {
        return Err(Refused::Challenge { stale: false });
    };
    let expected = digest_response(
        get("username"),
        &secret,
        parts.method.as_str(),
        uri,
        get("nonce"),
        get("nc"),
        get("cnonce"),
    );
    if !same(&expected, get("response")) {
        return Err(Refused::Challenge { stale: false });
    }
    if !fresh {
        return Err(Refused::Challenge { stale: true });
    }
    usable(Some((device, user))).ok_or(Refused::Challenge { stale: false })
}

/// The phone the route's access check authenticated.
impl axum::extract::FromRequestParts<AppState> for FieldUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match parts.extensions.get::<FieldUser>() {
            Some(user) => Ok(user.clone()),
            None => authenticate(parts, state)
                .await
                .map_err(|r| r.response(state, tabara_core::Lang::En).into_response()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_headers_are_read_quoted_or_not() {
        let p = digest_params(
            r#"Digest username="dev-1", realm="Tabara", nonce="a.b", uri="/openrosa/x?deviceID=1", qop=auth, nc=00000001, cnonce="c\"d", response="ff""#,
        )
        .unwrap();
        assert_eq!(p["username"], "dev-1");
        assert_eq!(p["qop"], "auth");
        assert_eq!(p["nc"], "00000001");
        assert_eq!(p["cnonce"], "c\"d");
        assert_eq!(p["uri"], "/openrosa/x?deviceID=1");
        assert!(digest_params("Basic abc").is_none());
    }

    #[test]
    fn the_digest_response_is_rfc_2617s() {
        // RFC 2617 §3.5's example, with its realm replaced by ours: the computation is the
        // same function of the same inputs.
        let ha1 = hex_md5("Mufasa:testrealm@host.com:Circle Of Life");
        assert_eq!(ha1, "939e7578ed9e3c518a452acee763bce9");
        let ha2 = hex_md5("GET:/dir/index.html");
        let r = hex_md5(&format!(
            "{ha1}:dcd98b7102dd2f0e8b11d0f600bfb0c093:00000001:0a4f113b:auth:{ha2}"
        ));
        assert_eq!(r, "6629fae49393a05397450978507c4ef1");
    }
}
