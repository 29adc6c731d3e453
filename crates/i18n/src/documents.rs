//! Travel documents in words: a machine-readable zone's format, fields, check digits,
//! problems, warnings and suggested repairs, in the reader's language. The command line and
//! the pages show the same sentences.

use tabara_core::Lang;
use tabara_core::mrz::{
    Check, CheckKind, Format, Mrz, Problem, Rule, Sex, Suggestion, Warning, WarningKind,
};

use serde_json::{Value, json};

use crate::t;

/// The layout, with its size (`TD3 passport (2 lines of 44)`).
pub fn format_label(lang: Lang, format: Format) -> String {
    let key = match format {
        Format::Td1 => "mrz-format-td1",
        Format::Td2 => "mrz-format-td2",
        Format::Td3 => "mrz-format-td3",
        Format::MrvA => "mrz-format-mrva",
        Format::MrvB => "mrz-format-mrvb",
    };
    t!(lang, key)
}

/// What a check digit covers, in a few words.
pub fn check_label(lang: Lang, kind: CheckKind) -> String {
    let key = match kind {
        CheckKind::DocumentNumber => "mrz-check-document-number",
        CheckKind::BirthDate => "mrz-check-birth",
        CheckKind::ExpiryDate => "mrz-check-expiry",
        CheckKind::PersonalNumber => "mrz-check-personal",
        CheckKind::Composite => "mrz-check-composite",
    };
    t!(lang, key)
}

/// A check digit and its verdict.
pub fn check_text(lang: Lang, check: &Check) -> String {
    let what = check_label(lang, check.kind);
    match (check.ok, check.expected) {
        (true, _) => t!(
            lang,
            "mrz-check-ok",
            what = what,
            found = check.found.to_string()
        ),
        (false, Some(e)) => t!(
            lang,
            "mrz-check-bad",
            what = what,
            expected = e.to_string(),
            found = check.found.to_string()
        ),
        (false, None) => t!(lang, "mrz-check-uncomputable", what = what),
    }
}

/// `line 2, position 28`.
pub fn place(lang: Lang, line: usize, position: usize) -> String {
    t!(
        lang,
        "mrz-at",
        line = line as i64,
        position = position as i64
    )
}

/// A problem, with its place, in words an officer understands.
pub fn problem_text(lang: Lang, p: &Problem) -> String {
    let found = p.found.clone();
    let what = match p.rule {
        Rule::CheckDigit(kind) => match p.expected {
            Some(e) => t!(
                lang,
                "mrz-problem-check-digit",
                what = check_label(lang, kind),
                expected = e.to_string(),
                found = found
            ),
            None => t!(
                lang,
                "mrz-problem-check-digit-uncomputable",
                what = check_label(lang, kind)
            ),
        },
        Rule::IssuingState | Rule::Nationality => {
            let field = field_label(
                lang,
                if p.rule == Rule::Nationality {
                    Field::Nationality
                } else {
                    Field::IssuingState
                },
            );
            let key = if p.detail == "specimen" {
                "mrz-problem-specimen"
            } else {
                "mrz-problem-unknown-code"
            };
            t!(lang, key, field = field, found = found)
        }
        _ => {
            let key = match p.detail {
                "characters" => "mrz-problem-characters",
                "shape" => "mrz-problem-shape",
                "shape-lines" => "mrz-problem-shape-lines",
                "code-for-format" => "mrz-problem-code-for-format",
                "code-second-letter" => "mrz-problem-code-second-letter",
                "no-number" => "mrz-problem-no-number",
                "filler-in-number" => "mrz-problem-filler-in-number",
                "no-continuation" => "mrz-problem-no-continuation",
                "date-not-digits" => "mrz-problem-date-not-digits",
                "no-month" => "mrz-problem-no-month",
                "no-day" => "mrz-problem-no-day",
                "sex" => "mrz-problem-sex",
                "digit-in-name" => "mrz-problem-digit-in-name",
                "no-primary-identifier" => "mrz-problem-no-primary-identifier",
                "after-name" => "mrz-problem-after-name",
                _ => "mrz-problem-other",
            };
            t!(lang, key, found = found)
        }
    };
    t!(
        lang,
        "mrz-placed",
        at = place(lang, p.line, p.position),
        text = what
    )
}

/// A warning, in words.
pub fn warning_text(lang: Lang, w: &Warning) -> String {
    let key = match w.kind {
        WarningKind::Normalised => "mrz-warning-normalised",
        WarningKind::Expired => "mrz-warning-expired",
        WarningKind::ExpiryBeforeBirth => "mrz-warning-expiry-before-birth",
        WarningKind::LongValidity => "mrz-warning-long-validity",
        WarningKind::SexX => "mrz-warning-sex-x",
        WarningKind::PossiblyTruncatedName => "mrz-warning-truncated",
        WarningKind::SingleIdentifier => "mrz-warning-single-identifier",
        WarningKind::Specimen => "mrz-warning-specimen",
        WarningKind::FillerIncludedCheckDigit => "mrz-warning-filler-included",
        WarningKind::PartlyUnknownBirthDate => "mrz-warning-unknown-birth",
    };
    let text = t!(lang, key, value = w.value.clone());
    match (w.line, w.position) {
        (Some(line), Some(position)) => t!(
            lang,
            "mrz-placed",
            at = place(lang, line, position),
            text = text
        ),
        _ => text,
    }
}

/// A suggested repair, and what proves it.
pub fn suggestion_text(lang: Lang, s: &Suggestion) -> String {
    let at = place(lang, s.line, s.position);
    let (found, replacement) = (s.found.to_string(), s.replacement.to_string());
    if s.is_proven() {
        let checks: Vec<String> = s.proven_by.iter().map(|k| check_label(lang, *k)).collect();
        t!(
            lang,
            "mrz-suggestion-proven",
            at = at,
            found = found,
            replacement = replacement,
            checks = checks.join(", ")
        )
    } else {
        t!(
            lang,
            "mrz-suggestion-unproven",
            at = at,
            found = found,
            replacement = replacement
        )
    }
}

/// The verdict in one sentence.
pub fn verdict(lang: Lang, mrz: &Mrz) -> String {
    if mrz.is_valid() {
        t!(lang, "mrz-valid")
    } else {
        t!(lang, "mrz-invalid", count = mrz.problems.len() as i64)
    }
}

/// The fields of a zone, as an officer reads them on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// Document code.
    DocumentCode,
    /// Issuing state.
    IssuingState,
    /// Surname.
    Primary,
    /// Given names.
    Secondary,
    /// Document number.
    Number,
    /// Nationality.
    Nationality,
    /// Date of birth.
    Birth,
    /// Sex.
    Sex,
    /// Date of expiry.
    Expiry,
    /// TD3's personal number.
    PersonalNumber,
    /// Optional data (line 1 of a TD1).
    Optional1,
    /// Optional data of a TD1's line 2.
    Optional2,
}

/// A field's label.
pub fn field_label(lang: Lang, field: Field) -> String {
    let key = match field {
        Field::DocumentCode => "mrz-field-document-code",
        Field::IssuingState => "mrz-field-issuing-state",
        Field::Primary => "mrz-field-primary",
        Field::Secondary => "mrz-field-secondary",
        Field::Number => "mrz-field-number",
        Field::Nationality => "mrz-field-nationality",
        Field::Birth => "mrz-field-birth",
        Field::Sex => "mrz-field-sex",
        Field::Expiry => "mrz-field-expiry",
        Field::PersonalNumber => "mrz-field-personal",
        Field::Optional1 => "mrz-field-optional",
        Field::Optional2 => "mrz-field-optional-2",
    };
    t!(lang, key)
}

/// Sex in words.
pub fn sex_label(lang: Lang, sex: Sex) -> String {
    t!(
        lang,
        match sex {
            Sex::Male => "mrz-sex-male",
            Sex::Female => "mrz-sex-female",
            Sex::Unspecified => "mrz-sex-unspecified",
        }
    )
}

/// Every field of the zone in the order of the document, each with its value in words and
/// the check digit that covers it (the composite last, without a value).
pub fn field_rows(lang: Lang, mrz: &Mrz) -> Vec<(String, String, Option<&Check>)> {
    let f = &mrz.fields;
    let check = |k: CheckKind| mrz.checks.iter().find(|c| c.kind == k);
    let date = |d: &tabara_core::mrz::DateField| match d.date {
        Some(date) => format!("{date} ({})", d.raw),
        None => d.raw.clone(),
    };
    let mut rows = vec![
        (
            field_label(lang, Field::DocumentCode),
            f.document_code.clone(),
            None,
        ),
        (
            field_label(lang, Field::IssuingState),
            f.issuing_state.clone(),
            None,
        ),
        (
            field_label(lang, Field::Primary),
            f.primary_identifier.clone(),
            None,
        ),
        (
            field_label(lang, Field::Secondary),
            f.secondary_identifier.clone(),
            None,
        ),
        (
            field_label(lang, Field::Number),
            f.document_number.clone(),
            check(CheckKind::DocumentNumber),
        ),
        (
            field_label(lang, Field::Nationality),
            f.nationality.clone(),
            None,
        ),
        (
            field_label(lang, Field::Birth),
            date(&f.birth_date),
            check(CheckKind::BirthDate),
        ),
        (field_label(lang, Field::Sex), sex_label(lang, f.sex), None),
        (
            field_label(lang, Field::Expiry),
            date(&f.expiry_date),
            check(CheckKind::ExpiryDate),
        ),
    ];
    match mrz.format {
        Format::Td3 => rows.push((
            field_label(lang, Field::PersonalNumber),
            f.optional_data_1.clone(),
            check(CheckKind::PersonalNumber),
        )),
        Format::Td1 => {
            rows.push((
                field_label(lang, Field::Optional1),
                f.optional_data_1.clone(),
                None,
            ));
            rows.push((
                field_label(lang, Field::Optional2),
                f.optional_data_2.clone(),
                None,
            ));
        }
        _ => rows.push((
            field_label(lang, Field::Optional1),
            f.optional_data_1.clone(),
            None,
        )),
    }
    if let Some(c) = check(CheckKind::Composite) {
        rows.push((t!(lang, "mrz-field-composite"), String::new(), Some(c)));
    }
    rows
}

fn check_json(c: &Check) -> Value {
    json!({
        "kind": format!("{:?}", c.kind),
        "line": c.line,
        "position": c.position,
        "expected": c.expected.map(String::from),
        "found": c.found.to_string(),
        "ok": c.ok,
    })
}

/// The zone as JSON (the command line's `--json` and the API): every field, check, problem (with its translated text), warning and
/// suggestion.
pub fn mrz_json(lang: Lang, m: &Mrz) -> Value {
    let f = &m.fields;
    let date = |d: &tabara_core::mrz::DateField| json!({"raw": d.raw, "date": d.date.map(|x| x.to_string())});
    json!({
        "format": m.format.name(),
        "valid": m.is_valid(),
        "lines": m.lines,
        "fields": {
            "document_code": f.document_code,
            "issuing_state": f.issuing_state,
            "primary_identifier": f.primary_identifier,
            "secondary_identifier": f.secondary_identifier,
            "document_number": f.document_number,
            "nationality": f.nationality,
            "birth_date": date(&f.birth_date),
            "sex": f.sex.as_char().to_string(),
            "expiry_date": date(&f.expiry_date),
            "optional_data_1": f.optional_data_1,
            "optional_data_2": f.optional_data_2,
        },
        "checks": m.checks.iter().map(check_json).collect::<Vec<_>>(),
        "problems": m.problems.iter().map(|p| json!({
            "line": p.line,
            "position": p.position,
            "rule": p.rule.to_string(),
            "detail": p.detail,
            "found": p.found,
            "expected": p.expected.map(String::from),
            "text": problem_text(lang, p),
        })).collect::<Vec<_>>(),
        "warnings": m.warnings.iter().map(|w| json!({
            "kind": format!("{:?}", w.kind),
            "line": w.line,
            "position": w.position,
            "value": w.value,
            "text": warning_text(lang, w),
        })).collect::<Vec<_>>(),
        "suggestions": m.suggestions.iter().map(|s| json!({
            "line": s.line,
            "position": s.position,
            "found": s.found.to_string(),
            "replacement": s.replacement.to_string(),
            "proven_by": s.proven_by.iter().map(|k| format!("{k:?}")).collect::<Vec<_>>(),
            "text": suggestion_text(lang, s),
        })).collect::<Vec<_>>(),
    })
}

/// A comparison of the zone with the person's record, in words.
pub fn finding_text(lang: Lang, f: &tabara_core::documents::Finding) -> String {
    let args: Vec<(&str, crate::Value)> = f
        .args
        .iter()
        .map(|(k, v)| (*k, crate::Value::from(v.clone())))
        .collect();
    crate::catalogue().text(lang, f.key, &args)
}

#[cfg(test)]
mod tests {
    use tabara_core::documents::{Holder, compare};
    use tabara_core::htcds::Gender;
    use tabara_core::mrz::{Date, Options, parse_with};
    use tabara_core::{Country, Lang};

    #[test]
    fn every_finding_reads_in_english_and_french_with_its_values() {
        let zone = "P<TZABIZIMANA<<ALINE<<<<<<<<<<<<<<<<<<<<<<<<\nOP00123456BDI9001011F2501015<<<<<<<<<<<<<<<4";
        let options = Options {
            today: Date::new(2026, 12, 1).unwrap(),
            ..Options::default()
        };
        let m = parse_with(zone, &options).unwrap();
        let rw = [Country::parse("RW").unwrap()];
        let holder = Holder {
            first_name: Some("Aline"),
            middle_name: None,
            second_name: Some("Ndayisenga"),
            birthdate: chrono::NaiveDate::from_ymd_opt(1991, 1, 1),
            gender: Gender::Masculine,
            citizenship: &rw,
        };
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let findings = compare(&m.fields, &holder, false, today);
        assert_eq!(findings.len(), 6);
        for lang in [Lang::En, Lang::Fr] {
            for f in &findings {
                let text = super::finding_text(lang, f);
                assert!(!text.is_empty() && !text.contains('{'), "{text}");
                for (_, v) in &f.args {
                    assert!(text.contains(v.as_str()), "{v} in {text}");
                }
            }
        }
    }
}
