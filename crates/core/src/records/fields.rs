//! Field parsing and checking shared by the input forms.

use chrono::{Datelike, NaiveDate};

use super::*;
use crate::countries::Country;
use crate::picklist::Picklist;
use crate::validation::{ValidationErrors, is_language_code, normalise_phone};

/// Whole years between `birth` and `on`.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i64 {
    let mut years = i64::from(on.year() - birth.year());
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}

/// Length and characters of a text: a long text ([`MAX_LONG_TEXT`]) is free text and keeps
/// its line breaks; a short one is a single line.
pub(crate) fn check_len(e: &mut ValidationErrors, field: &'static str, value: &str, max: usize) {
    crate::validation::check_characters(e, field, value, max > MAX_SHORT_TEXT);
    let n = value.chars().count();
    if n > max {
        e.push(
            field,
            "max_length",
            format!("{n} characters, at most {max} allowed"),
        );
    }
}

pub(super) fn opt_text(e: &mut ValidationErrors, field: &'static str, raw: &str) -> Option<String> {
    let t = raw.trim();
    check_len(e, field, t, MAX_SHORT_TEXT);
    (!t.is_empty()).then(|| t.to_string())
}

pub(super) fn parse_required<T: Picklist>(
    e: &mut ValidationErrors,
    field: &'static str,
    raw: &str,
) -> Option<T> {
    if raw.trim().is_empty() {
        e.push(field, "required", "a value is required");
        return None;
    }
    parse_optional(e, field, raw)
}

pub(crate) fn parse_optional<T: Picklist>(
    e: &mut ValidationErrors,
    field: &'static str,
    raw: &str,
) -> Option<T> {
    if raw.trim().is_empty() {
        return None;
    }
    match T::parse(raw) {
        Ok(v) => Some(v),
        Err(err) => {
            let allowed: Vec<&str> = T::ALL.iter().map(|v| v.value_name()).collect();
            e.push(
                field,
                "picklist",
                format!("{err}; expected one of {}", allowed.join(", ")),
            );
            None
        }
    }
}

/// An optional field read by `parse`: empty is `None`; a value `parse` refuses is an error of
/// `rule` on `field`, worded by `message` from the trimmed text.
fn parse_with<T>(
    e: &mut ValidationErrors,
    field: &'static str,
    raw: &str,
    rule: &'static str,
    parse: impl FnOnce(&str) -> Option<T>,
    message: impl FnOnce(&str) -> String,
) -> Option<T> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    let value = parse(t);
    if value.is_none() {
        e.push(field, rule, message(t));
    }
    value
}

pub(super) fn parse_country(
    e: &mut ValidationErrors,
    field: &'static str,
    raw: &str,
) -> Option<Country> {
    parse_with(e, field, raw, "iso3166_alpha2", Country::parse, |t| {
        format!("'{t}' is not an ISO 3166 two-letter country code")
    })
}

pub(crate) fn parse_phone(
    e: &mut ValidationErrors,
    field: &'static str,
    raw: &str,
) -> Option<String> {
    parse_with(e, field, raw, "e164", normalise_phone, |t| {
        format!("'{t}' is not a phone number in E.164 form (+country code and up to 15 digits)")
    })
}

pub(crate) fn parse_language(
    e: &mut ValidationErrors,
    field: &'static str,
    raw: &str,
) -> Option<String> {
    let code = |t: &str| is_language_code(t).then(|| t.to_string());
    parse_with(e, field, raw, "iso639", code, |t| {
        format!("'{t}' is not an ISO 639 language code (two or three lower-case letters)")
    })
}

/// An optional `YYYY-MM-DD` date: empty is `None`; anything else that is not a date is an
/// error of rule `date` on `field`.
pub fn parse_date(e: &mut ValidationErrors, field: &'static str, raw: &str) -> Option<NaiveDate> {
    let date = |t: &str| NaiveDate::parse_from_str(t, "%Y-%m-%d").ok();
    parse_with(e, field, raw, "date", date, |t| {
        format!("'{t}' is not a date in the form YYYY-MM-DD")
    })
}

pub(super) fn parse_int(
    e: &mut ValidationErrors,
    field: &'static str,
    raw: &str,
    min: i64,
    max: i64,
) -> Option<i64> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    match t.parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Some(n),
        Ok(n) => {
            e.push(
                field,
                "range",
                format!("{n} is outside the range {min} to {max}"),
            );
            None
        }
        Err(_) => {
            e.push(field, "integer", format!("'{t}' is not a whole number"));
            None
        }
    }
}
