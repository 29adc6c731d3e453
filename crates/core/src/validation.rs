//! Validation errors that name the field (by its HTCDS full name where it has one) and the rule.

use std::fmt;

/// One broken rule on one field.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    /// The field, e.g. `prs_Birthdate`.
    pub field: &'static str,
    /// A stable rule name, e.g. `not_in_future` (also the key of the message in the catalogue).
    pub rule: &'static str,
    /// A readable explanation with the offending value.
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} [rule {}]", self.field, self.message, self.rule)
    }
}

/// Every broken rule of a record; never empty when returned as an error.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    /// Record a broken rule.
    pub fn push(&mut self, field: &'static str, rule: &'static str, message: impl Into<String>) {
        self.0.push(FieldError {
            field,
            rule,
            message: message.into(),
        });
    }

    /// `Ok(value)` when nothing was recorded.
    pub fn into_result<T>(self, value: T) -> Result<T, ValidationErrors> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }

    /// Whether the given field has an error.
    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }

    /// The error on a field, if any.
    pub fn get(&self, field: &str) -> Option<&FieldError> {
        self.0.iter().find(|e| e.field == field)
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

/// Checks a phone number against the E.164 rule HTCDS gives (`^\+?[1-9]\d{1,14}$`), after
/// removing spaces, dots and dashes that people type.
pub fn normalise_phone(raw: &str) -> Option<String> {
    let compact: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')'))
        .collect();
    let digits = compact.strip_prefix('+').unwrap_or(&compact);
    let ok = (2..=15).contains(&digits.len())
        && digits.chars().all(|c| c.is_ascii_digit())
        && !digits.starts_with('0');
    ok.then_some(compact)
}

/// A plausible e-mail address: one `@`, something before it and a dotted domain after it.
pub fn is_plausible_email(raw: &str) -> bool {
    let mut parts = raw.split('@');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(local), Some(domain), None) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !raw.chars().any(char::is_whitespace)
        }
        _ => false,
    }
}

/// An ISO 639 language code: two (639-1) or three (639-2) lower-case letters.
pub fn is_language_code(raw: &str) -> bool {
    (2..=3).contains(&raw.len()) && raw.chars().all(|c| c.is_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        assert_eq!(
            normalise_phone("+257 79 123 456").as_deref(),
            Some("+25779123456")
        );
        assert_eq!(normalise_phone("0079123456"), None);
        assert_eq!(normalise_phone("+1234567890123456"), None);
        assert_eq!(normalise_phone("call me"), None);
    }

    #[test]
    fn emails_and_languages() {
        assert!(is_plausible_email("a.b@iom.int"));
        assert!(!is_plausible_email("a@b"));
        assert!(!is_plausible_email("a b@c.d"));
        assert!(is_language_code("rn") && is_language_code("fra"));
        assert!(!is_language_code("FR") && !is_language_code("fren"));
    }
}
