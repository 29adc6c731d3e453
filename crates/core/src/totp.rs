//! The second factor (issue 13): time-based one-time passwords (RFC 6238: HMAC-SHA1, 6 digits,
//! 30-second steps, as every authenticator app makes them) and recovery codes (shown once,
//! kept as SHA-256 hashes). Which roles must use it is [`SecondFactorPolicy`]; by default every
//! role that reads identities.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::role::Role;

/// Seconds per step.
pub const STEP_SECONDS: i64 = 30;
/// Digits per code.
pub const DIGITS: u32 = 6;
/// The length of a secret, in bytes (160 bits, RFC 4226's recommendation).
pub const SECRET_LEN: usize = 20;
/// Recovery codes made at enrolment.
pub const RECOVERY_CODES: usize = 10;

/// A new secret: 32 random bytes (the size every wrapped key has), of which the first
/// [`SECRET_LEN`] are the app's secret.
pub fn new_secret() -> [u8; 32] {
    use rand::RngCore as _;
    let mut k = [0u8; 32];
    rand::rng().fill_bytes(&mut k);
    k
}

/// The step a moment falls in.
pub fn step_of(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// The code of `step` (RFC 4226 HOTP over the step counter).
pub fn code_at(secret: &[u8], step: i64) -> u32 {
    let mut mac = <Hmac<sha1::Sha1> as Mac>::new_from_slice(secret).expect("any key length");
    mac.update(&step.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let offset = (h[h.len() - 1] & 0x0f) as usize;
    let bin = u32::from_be_bytes([
        h[offset] & 0x7f,
        h[offset + 1],
        h[offset + 2],
        h[offset + 3],
    ]);
    bin % 10u32.pow(DIGITS)
}

/// The step whose code `code` is, among the step of `now` and the one before and after (a
/// phone's clock may be off by one), if it is later than `last_used` (a code is good once).
pub fn verify(secret: &[u8], code: &str, unix_seconds: i64, last_used: i64) -> Option<i64> {
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != DIGITS as usize || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let given: u32 = digits.parse().ok()?;
    let now = step_of(unix_seconds);
    [now - 1, now, now + 1]
        .into_iter()
        .filter(|s| *s > last_used)
        .find(|s| code_at(secret, *s) == given)
}

/// RFC 4648 base32 without padding, as authenticator apps read secrets.
pub fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            out.push(ALPHABET[((buffer >> (bits - 5)) & 31) as usize] as char);
            bits -= 5;
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// The `otpauth://` address an authenticator app reads from the QR code.
pub fn otpauth_uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        enc(issuer),
        enc(account),
        base32(secret),
        enc(issuer)
    )
}

/// New recovery codes: 10 of 10 letters and digits each (50 bits), grouped `xxxxx-xxxxx`.
pub fn recovery_codes() -> Vec<String> {
    use rand::Rng as _;
    const ALPHABET: &[u8; 32] = b"abcdefghjkmnpqrstuvwxyz23456789z";
    let mut rng = rand::rng();
    (0..RECOVERY_CODES)
        .map(|_| {
            let s: String = (0..10)
                .map(|_| ALPHABET[rng.random_range(0..31)] as char)
                .collect();
            format!("{}-{}", &s[..5], &s[5..])
        })
        .collect()
}

/// A recovery code as kept: SHA-256 of its letters, lower case, without spaces or dashes.
pub fn recovery_hash(code: &str) -> String {
    let norm: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .flat_map(|c| c.to_lowercase())
        .collect();
    Sha256::digest(norm.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Which roles must sign in with the second factor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecondFactorPolicy {
    /// The roles.
    pub roles: Vec<Role>,
}

impl Default for SecondFactorPolicy {
    /// Every role that reads identities, and the administrator (who manages accounts).
    fn default() -> Self {
        use crate::picklist::Picklist as _;
        SecondFactorPolicy {
            roles: Role::ALL
                .iter()
                .copied()
                .filter(|r| *r == Role::Admin || crate::permissions::reads_identities(*r))
                .collect(),
        }
    }
}

impl SecondFactorPolicy {
    /// No role.
    pub fn none() -> Self {
        SecondFactorPolicy { roles: Vec::new() }
    }

    /// Whether `role` must use it.
    pub fn requires(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// From configuration: `none`, `default`, or role value names separated by commas.
    pub fn parse(text: &str) -> Result<Self, String> {
        use crate::picklist::Picklist as _;
        let t = text.trim();
        match t {
            "" | "default" => return Ok(Self::default()),
            "none" => return Ok(Self::none()),
            _ => {}
        }
        let roles = t
            .split(',')
            .map(|r| Role::parse(r.trim()).map_err(|_| r.trim().to_string()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SecondFactorPolicy { roles })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// RFC 6238 appendix B, SHA-1, with its 20-byte secret (8-digit values cut to 6).
    #[test]
    fn rfc_6238_test_vectors() {
        let secret = b"12345678901234567890";
        for (t, eight) in [
            (59i64, 94287082u32),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
            (20000000000, 65353130),
        ] {
            assert_eq!(code_at(secret, step_of(t)), eight % 1_000_000, "t = {t}");
        }
    }

    #[test]
    fn a_code_is_good_once_and_near_its_time() {
        let secret = [7u8; SECRET_LEN];
        let now = 1_800_000_000;
        let code = format!("{:06}", code_at(&secret, step_of(now)));
        assert_eq!(verify(&secret, &code, now, 0), Some(step_of(now)));
        assert_eq!(verify(&secret, &code, now + 30, 0), Some(step_of(now)));
        assert_eq!(verify(&secret, &code, now + 90, 0), None);
        assert_eq!(verify(&secret, &code, now, step_of(now)), None, "replayed");
        assert_eq!(verify(&secret, "12345", now, 0), None);
        assert_eq!(verify(&secret, "abcdef", now, 0), None);
    }

    #[test]
    fn base32_and_the_app_address() {
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(
            base32(b"12345678901234567890"),
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        );
        let uri = otpauth_uri("Tabara", "amina@PAFE", b"12345678901234567890");
        assert!(
            uri.starts_with("otpauth://totp/Tabara:amina%40PAFE?secret=GEZDG"),
            "{uri}"
        );
    }

    #[test]
    fn recovery_codes_are_distinct_and_hash_loosely() {
        let codes = recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let set: std::collections::BTreeSet<_> = codes.iter().collect();
        assert_eq!(set.len(), RECOVERY_CODES);
        let c = &codes[0];
        assert_eq!(
            recovery_hash(c),
            recovery_hash(&c.to_uppercase().replace('-', " "))
        );
    }

    #[test]
    fn the_policy_reads_roles_or_a_word() {
        let d = SecondFactorPolicy::default();
        assert!(d.requires(Role::Investigator) && d.requires(Role::Officer));
        assert!(d.requires(Role::Admin));
        assert!(!d.requires(Role::Analyst) && !d.requires(Role::Trainer));
        assert_eq!(
            SecondFactorPolicy::parse("none").unwrap(),
            SecondFactorPolicy::none()
        );
        let p = SecondFactorPolicy::parse("investigator, prosecutor").unwrap();
        assert_eq!(p.roles, vec![Role::Investigator, Role::Prosecutor]);
        assert_eq!(
            SecondFactorPolicy::parse("officer,wizard"),
            Err("wizard".into())
        );
    }

    proptest! {
        #[test]
        fn arbitrary_codes_never_panic(code in ".{0,20}", now in any::<i32>()) {
            let _ = verify(&[1u8; SECRET_LEN], &code, i64::from(now), 0);
        }
    }
}
