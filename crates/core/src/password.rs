//! Password hashing with Argon2id (RFC 9106 defaults of the argon2 crate) and the strength rule.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Why a password is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeakPassword {
    /// Too short.
    #[error("password: must have at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    /// Only one kind of character.
    #[error("password: must mix at least two of letters, digits and symbols")]
    OneKind,
}

/// Check the strength rule: at least 12 characters of at least two kinds.
pub fn check_strength(password: &str) -> Result<(), WeakPassword> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(WeakPassword::TooShort);
    }
    let letters = password.chars().any(char::is_alphabetic);
    let digits = password.chars().any(|c| c.is_ascii_digit());
    let others = password.chars().any(|c| !c.is_alphanumeric());
    if [letters, digits, others].iter().filter(|b| **b).count() < 2 {
        return Err(WeakPassword::OneKind);
    }
    Ok(())
}

/// Hash a password with Argon2id and a random salt, in PHC string form.
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        // Hashing with default parameters and a generated salt cannot fail.
        .unwrap_or_default()
}

/// Verify a password against a PHC string; false for a malformed hash.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A random password to hand to a user once (a new account or a reset): four groups of five
/// letters and digits without look-alikes (no 0/O, 1/l/I), about 117 bits.
pub fn generate_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    let groups: Vec<String> = (0..4)
        .map(|_| {
            (0..5)
                .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
                .collect()
        })
        .collect();
    groups.join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_passwords_pass_the_strength_rule_and_differ() {
        let a = generate_password();
        let b = generate_password();
        assert_eq!(a.len(), 23);
        assert!(check_strength(&a).is_ok(), "{a}");
        assert_ne!(a, b);
    }

    #[test]
    fn strength_rule() {
        assert_eq!(check_strength("short1!"), Err(WeakPassword::TooShort));
        assert_eq!(check_strength("abcdefghijklmn"), Err(WeakPassword::OneKind));
        assert!(check_strength("correct horse battery").is_ok());
        assert!(check_strength("abcdefgh1234").is_ok());
    }

    #[test]
    fn hash_and_verify() {
        let h = hash_password("Gatumba-2026-post");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("Gatumba-2026-post", &h));
        assert!(!verify_password("Gatumba-2026-pots", &h));
        assert!(!verify_password("x", "not a hash"));
    }
}
