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

/// The earliest date a case, a consent, a training session or a movement of materials can
/// carry: older dates are typing mistakes (a year of −1 or 0201), not records.
pub const EARLIEST_RECORD_DATE: chrono::NaiveDate =
    match chrono::NaiveDate::from_ymd_opt(1990, 1, 1) {
        Some(d) => d,
        None => panic!("1990-01-01 is a date"),
    };

/// Whether `c` may not be stored in a text: control characters (C0, DEL, C1), which reach
/// exports and terminals (ESC sequences, BEL, NUL), and the bidirectional overrides that make
/// a text display in another order than it is stored. Free text (`multiline`) keeps line
/// breaks and tabs.
pub fn is_forbidden_char(c: char, multiline: bool) -> bool {
    if multiline && matches!(c, '\n' | '\r' | '\t') {
        return false;
    }
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Record rule `control_characters` on `field` when `value` holds a character that
/// [`is_forbidden_char`] refuses; the message names its code point, never the text.
pub fn check_characters(
    e: &mut ValidationErrors,
    field: &'static str,
    value: &str,
    multiline: bool,
) {
    if let Some(c) = value.chars().find(|c| is_forbidden_char(*c, multiline)) {
        e.push(
            field,
            "control_characters",
            format!(
                "the text holds the control character U+{:04X}; {}",
                c as u32,
                if multiline {
                    "only line breaks and tabs are allowed"
                } else {
                    "this field is one line of text"
                }
            ),
        );
    }
}

/// Record rule `date_range` on `field` when `date` is outside `earliest..=latest`.
pub fn check_date_range(
    e: &mut ValidationErrors,
    field: &'static str,
    date: chrono::NaiveDate,
    earliest: chrono::NaiveDate,
    latest: chrono::NaiveDate,
) {
    if date < earliest || date > latest {
        e.push(
            field,
            "date_range",
            format!("{date} is outside {earliest} to {latest}"),
        );
    }
}

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
    fn control_characters_are_refused_line_breaks_kept_in_free_text() {
        for bad in [
            "a\u{0}b",
            "\u{1b}[31m",
            "bell\u{7}",
            "x\u{7f}",
            "\u{85}",
            "abc\u{202E}fed",
        ] {
            let mut e = ValidationErrors::default();
            check_characters(&mut e, "prs_FirstName", bad, true);
            assert_eq!(e.0.len(), 1, "{bad:?}");
            assert_eq!(e.0[0].rule, "control_characters");
            assert!(
                !e.0[0].message.contains(bad),
                "the message never repeats the text"
            );
        }
        let mut e = ValidationErrors::default();
        check_characters(&mut e, "cco_CaseComment", "line one\r\nline two\tend", true);
        assert!(e.0.is_empty(), "{e}");
        check_characters(&mut e, "prs_FirstName", "Ndayishimiye\nX", false);
        assert_eq!(e.0.len(), 1);
        let mut e = ValidationErrors::default();
        check_characters(&mut e, "prs_FirstName", "Évariste Ñ Ÿ 李", false);
        assert!(e.0.is_empty(), "letters of every script pass: {e}");
    }

    #[test]
    fn dates_out_of_range() {
        let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let check = |dates: &[chrono::NaiveDate]| {
            let mut e = ValidationErrors::default();
            for date in dates {
                check_date_range(
                    &mut e,
                    "cas_OpenedOn",
                    *date,
                    EARLIEST_RECORD_DATE,
                    d(2026, 6, 30),
                );
            }
            e
        };
        let e = check(&[d(-1, 1, 1), d(9999, 12, 31), d(1989, 12, 31)]);
        assert_eq!(e.0.len(), 3);
        let e = check(&[EARLIEST_RECORD_DATE, d(2026, 6, 30)]);
        assert!(e.0.is_empty(), "{e}");
    }

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
