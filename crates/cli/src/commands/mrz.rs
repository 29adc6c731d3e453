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

use tabara_store::OpenMode;

use super::{lang, open};
use crate::{Cli, MrzCheckArgs, MrzImportLostArgs, MrzLostArgs, MrzReadArgs};

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
    let options = zone_options(args.specimen, args.today.as_deref())?;
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

/// The zone options of `--specimen` and `--today`.
fn zone_options(specimen: bool, today: Option<&str>) -> Result<Options> {
    let mut options = Options {
        allow_specimen: specimen,
        ..Options::default()
    };
    if let Some(today) = today {
        let d = chrono::NaiveDate::parse_from_str(today, "%Y-%m-%d")
            .map_err(|e| anyhow::anyhow!("--today {today}: {e}"))?;
        use chrono::Datelike;
        options.today = mrz::Date::new(d.year() as u16, d.month() as u8, d.day() as u8)
            .ok_or_else(|| anyhow::anyhow!("--today {today}"))?;
    }
    Ok(options)
}

/// `mrz read PHOTO`.
pub(super) fn mrz_read(cli: &Cli, args: &MrzReadArgs) -> Result<ExitCode> {
    let lang = lang(cli);
    let options = zone_options(args.specimen, args.today.as_deref())?;
    let bytes = std::fs::read(&args.photo).map_err(|e| anyhow::anyhow!("{}: {e}", args.photo))?;
    let scan = match tabara_mrzscan::read_photo(&bytes, &options) {
        Ok(s) => s,
        Err(e) => {
            let text = t!(lang, &format!("mrz-photo-{}", e.name()));
            if cli.json {
                outln!(
                    "{}",
                    serde_json::to_string_pretty(
                        &json!({"read": false, "error": e.name(), "text": text})
                    )?
                );
            } else {
                outln!("{text}");
            }
            return Ok(ExitCode::from(1));
        }
    };
    let m = mrz::parse_with(&scan.text(), &options).ok();
    if cli.json {
        let mut out = tabara_web::scan_json(&scan);
        out["read"] = json!(true);
        out["zone"] = json!(m.as_ref().map(|m| words::mrz_json(lang, m)));
        outln!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        for (i, note) in tabara_web::scan_notes(lang, &scan).iter().enumerate() {
            if i == 0 {
                outln!("{note}");
                for line in &scan.lines {
                    outln!("  {line}");
                }
            } else {
                outln!("  - {note}");
            }
        }
        outln!();
        match &m {
            Some(m) => print_zone(m, lang)?,
            None => outln!("{}", t!(lang, "mrz-unrecognised")),
        }
    }
    Ok(if m.is_some_and(|m| m.is_valid()) {
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

/// The columns of a list file, in order.
const LOST_COLUMNS: [&str; 5] = ["issuing_state", "number", "reason", "reported_on", "source"];

/// `mrz import-lost FILE`.
pub(super) async fn mrz_import_lost(cli: &Cli, args: &MrzImportLostArgs) -> Result<ExitCode> {
    let lang = lang(cli);
    let text = if args.file == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        s
    } else {
        std::fs::read_to_string(&args.file).map_err(|e| anyhow::anyhow!("{}: {e}", args.file))?
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()?
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    if header != LOST_COLUMNS {
        bail!(
            "{}",
            t!(lang, "lost-import-header", columns = LOST_COLUMNS.join(","))
        );
    }
    let today = chrono::Utc::now().date_naive();
    let mut good = Vec::new();
    let mut bad = Vec::new();
    for (i, record) in reader.records().enumerate() {
        // The header is line 1.
        let line = i + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                bad.push((line, e.to_string()));
                continue;
            }
        };
        if record.len() != LOST_COLUMNS.len() {
            bad.push((
                line,
                t!(
                    lang,
                    "lost-import-columns",
                    found = record.len() as i64,
                    wanted = LOST_COLUMNS.len() as i64
                ),
            ));
            continue;
        }
        match tabara_core::documents::LostEntry::parse(
            &record[0], &record[1], &record[2], &record[3], &record[4], today,
        ) {
            Ok(entry) => good.push(entry),
            Err(errors) => bad.push((
                line,
                errors
                    .0
                    .iter()
                    .map(|e| {
                        let column = LOST_COLUMNS[[
                            "lst_IssuingState",
                            "lst_Number",
                            "lst_Reason",
                            "lst_ReportedOn",
                            "lst_Source",
                        ]
                        .iter()
                        .position(|f| *f == e.field)
                        .unwrap_or(0)];
                        let key = format!("rule-{}", e.rule.replace('_', "-"));
                        let why = if tabara_i18n::catalogue().has(tabara_core::Lang::En, &key) {
                            tabara_i18n::catalogue().text(lang, &key, &[])
                        } else {
                            e.message.clone()
                        };
                        format!("{column}: {why}")
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
            )),
        }
    }
    let store = open(cli, OpenMode::Existing).await?;
    let actor = tabara_store::Actor::system("cli");
    let report = store.import_lost_documents(&actor, &good).await?;
    if cli.json {
        let refused: Vec<Value> = bad
            .iter()
            .map(|(line, why)| json!({"line": line, "problem": why}))
            .collect();
        outln!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "import": report.id,
                "added": report.added,
                "replaced": report.replaced,
                "refused": refused,
            }))?
        );
    } else {
        outln!(
            "{}",
            t!(
                lang,
                "lost-import-done",
                added = report.added as i64,
                replaced = report.replaced as i64,
                refused = bad.len() as i64
            )
        );
        for (line, why) in &bad {
            outln!(
                "  {}",
                t!(
                    lang,
                    "lost-import-bad-line",
                    line = *line as i64,
                    problem = why.as_str()
                )
            );
        }
    }
    Ok(if bad.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `mrz lost`.
pub(super) async fn mrz_lost(cli: &Cli, args: &MrzLostArgs) -> Result<ExitCode> {
    let lang = lang(cli);
    let store = open(cli, OpenMode::Existing).await?;
    let list = store.lost_documents(args.limit).await?;
    if cli.json {
        outln!("{}", serde_json::to_string_pretty(&list)?);
        return Ok(ExitCode::SUCCESS);
    }
    if list.is_empty() {
        outln!("{}", t!(lang, "lost-list-empty"));
    }
    for d in &list {
        outln!(
            "{}  {:<24}  {:<10}  {}  {}",
            d.issuing_state,
            d.number,
            d.reason,
            d.reported_on,
            d.source
        );
    }
    Ok(ExitCode::SUCCESS)
}
