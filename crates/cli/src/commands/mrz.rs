//! `mrz check` (issue 15): read a machine-readable zone given as arguments or on standard
//! input and lay out every field with its check digit, the problems with their line, position
//! and rule, the warnings and the repairs of OCR confusions the check digits prove (never
//! applied). Exit status 0 when valid, 1 when not (or not a zone at all). Needs no register.

use std::io::Read;
use std::process::ExitCode;

use anyhow::{Result, bail};
use serde_json::{Value, json};
use tabara_core::mrz::{self, Mrz, Options};
use tabara_i18n::documents as words;
use tabara_i18n::t;

use super::lang;
use crate::{Cli, MrzCheckArgs};

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
        outln!(
            "{}",
            serde_json::to_string_pretty(&words::mrz_json(lang, &m))?
        );
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
