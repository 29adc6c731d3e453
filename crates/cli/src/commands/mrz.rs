//! `mrz check` (issue 15): read a machine-readable zone given as arguments or on standard
//! input and lay out every field with its check digit, the problems with their line, position
//! and rule, the warnings and the repairs of OCR confusions the check digits prove (never
//! applied). Exit status 0 when valid, 1 when not (or not a zone at all). Needs no register.

use std::io::Read;
use std::process::ExitCode;

use anyhow::{Result, bail};
use serde_json::{Value, json};
use tabara_core::mrz::{self, Check, Mrz, Options};
use tabara_i18n::documents as words;
use tabara_i18n::t;

use super::lang;
use crate::{Cli, MrzCheckArgs};

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

/// The zone as JSON: every field, check, problem (with its translated text), warning and
/// suggestion.
pub(crate) fn mrz_json(m: &Mrz, lang: tabara_core::Lang) -> Value {
    let f = &m.fields;
    let date = |d: &mrz::DateField| json!({"raw": d.raw, "date": d.date.map(|x| x.to_string())});
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
            "text": words::problem_text(lang, p),
        })).collect::<Vec<_>>(),
        "warnings": m.warnings.iter().map(|w| json!({
            "kind": format!("{:?}", w.kind),
            "line": w.line,
            "position": w.position,
            "value": w.value,
            "text": words::warning_text(lang, w),
        })).collect::<Vec<_>>(),
        "suggestions": m.suggestions.iter().map(|s| json!({
            "line": s.line,
            "position": s.position,
            "found": s.found.to_string(),
            "replacement": s.replacement.to_string(),
            "proven_by": s.proven_by.iter().map(|k| format!("{k:?}")).collect::<Vec<_>>(),
            "text": words::suggestion_text(lang, s),
        })).collect::<Vec<_>>(),
    })
}

pub(super) fn mrz_check(cli: &Cli, args: &MrzCheckArgs) -> Result<ExitCode> {
    let lang = lang(cli);
    let input = if args.lines.is_empty() {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        s
    } else {
        args.lines.join("\n")
    };
    if input.trim().is_empty() {
        bail!("{}", t!(lang, "mrz-nothing-given"));
    }
    let mut options = Options {
        allow_specimen: args.specimen,
        ..Options::default()
    };
    if let Some(today) = &args.today {
        let d = chrono::NaiveDate::parse_from_str(today, "%Y-%m-%d")
            .map_err(|e| anyhow::anyhow!("--today {today}: {e}"))?;
        use chrono::Datelike;
        options.today = mrz::Date::new(d.year() as u16, d.month() as u8, d.day() as u8)
            .ok_or_else(|| anyhow::anyhow!("--today {today}"))?;
    }
    let m = match mrz::parse_with(&input, &options) {
        Ok(m) => m,
        Err(e) => {
            if cli.json {
                let problems: Vec<Value> = e
                    .problems
                    .iter()
                    .map(|p| {
                        json!({"line": p.line, "position": p.position, "rule": "shape",
                               "detail": p.detail, "found": p.found,
                               "text": words::problem_text(lang, p)})
                    })
                    .collect();
                outln!(
                    "{}",
                    serde_json::to_string_pretty(
                        &json!({"valid": false, "format": null, "problems": problems})
                    )?
                );
            } else {
                outln!("{}", t!(lang, "mrz-unrecognised"));
                for p in &e.problems {
                    outln!("  {}", words::problem_text(lang, p));
                }
            }
            return Ok(ExitCode::from(1));
        }
    };
    if cli.json {
        outln!("{}", serde_json::to_string_pretty(&mrz_json(&m, lang))?);
    } else {
        print_zone(&m, lang)?;
    }
    Ok(if m.is_valid() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn print_zone(m: &Mrz, lang: tabara_core::Lang) -> Result<()> {
    outln!("{}", words::format_label(lang, m.format));
    for line in &m.lines {
        outln!("  {line}");
    }
    outln!();
    let rows = words::field_rows(lang, m);
    let width = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
    let values = rows.iter().map(|r| r.1.chars().count()).max().unwrap_or(0);
    for (label, value, check) in &rows {
        let mut line = format!("{label:<width$}  {value:<values$}");
        if let Some(c) = check {
            let mark = if c.ok { "✓" } else { "✗" };
            line = format!("{line}  {mark} {}", words::check_text(lang, c));
        }
        outln!("{}", line.trim_end());
    }
    outln!();
    outln!("{}", words::verdict(lang, m));
    for (heading, items) in [
        (
            "mrz-heading-problems",
            m.problems
                .iter()
                .map(|p| words::problem_text(lang, p))
                .collect::<Vec<_>>(),
        ),
        (
            "mrz-heading-warnings",
            m.warnings
                .iter()
                .map(|w| words::warning_text(lang, w))
                .collect(),
        ),
        (
            "mrz-heading-suggestions",
            m.suggestions
                .iter()
                .map(|s| words::suggestion_text(lang, s))
                .collect(),
        ),
    ] {
        if items.is_empty() {
            continue;
        }
        outln!("{}", t!(lang, heading));
        for i in items {
            outln!("  - {i}");
        }
    }
    if m.is_valid() {
        outln!("{}", t!(lang, "mrz-valid-note"));
    }
    Ok(())
}
