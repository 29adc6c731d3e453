//! `person erase`, `case hold`, `case holds` and `case release` (issue 13): erasure of a
//! person and the legal holds that make it wait.

use std::process::ExitCode;

use anyhow::{Result, bail};
use tabara_core::Picklist as _;
use tabara_core::erasure::{ErasureGround, ErasureOutcome, HoldKind};
use tabara_core::ids::PersonId;
use tabara_core::records::parse_case_reference;
use tabara_i18n::t;
use tabara_store::OpenMode;

use super::{cli_actor, lang, open, pick};
use crate::{CaseHoldArgs, CaseHoldsArgs, CaseReleaseArgs, Cli, PersonEraseArgs, PersonReportArgs};

pub(super) async fn person_erase(cli: &Cli, args: &PersonEraseArgs) -> Result<ExitCode> {
    let lang = lang(cli);
    let ground: ErasureGround = pick(&args.ground, lang, "error-erasure-ground")?;
    let Ok(id) = args.person.trim().parse::<uuid::Uuid>() else {
        bail!(t!(lang, "error-person-id", value = args.person.as_str()));
    };
    let store = open(cli, OpenMode::Existing).await?;
    let outcome = store
        .erase_person(&cli_actor(), PersonId(id), ground)
        .await?;
    if cli.json {
        outln!("{}", serde_json::to_string_pretty(&outcome)?);
    } else {
        let id = id.to_string();
        outln!(
            "{}",
            match &outcome {
                ErasureOutcome::Erased => t!(lang, "erasure-done", person = id.as_str()),
                ErasureOutcome::AlreadyErased => t!(lang, "erasure-already", person = id.as_str()),
                ErasureOutcome::Waiting { held_by } => t!(
                    lang,
                    "erasure-waiting",
                    person = id.as_str(),
                    cases = held_by.join(", "),
                    count = held_by.len()
                ),
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn case_number(cli: &Cli, text: &str) -> Result<i64> {
    parse_case_reference(text)
        .ok_or_else(|| anyhow::anyhow!(t!(lang(cli), "error-case-reference", value = text)))
}

pub(super) async fn case_hold(cli: &Cli, args: &CaseHoldArgs) -> Result<ExitCode> {
    let lang = lang(cli);
    let kind: HoldKind = pick(&args.kind, lang, "error-hold-kind")?;
    let number = case_number(cli, &args.case)?;
    let store = open(cli, OpenMode::Existing).await?;
    let case = store.case_by_number(number).await?;
    let hold = store
        .place_hold(&cli_actor(), case.id, kind, &args.reference)
        .await?;
    if cli.json {
        outln!("{}", serde_json::to_string_pretty(&hold)?);
    } else {
        outln!(
            "{}",
            t!(
                lang,
                "hold-placed",
                case = case.reference(),
                kind = kind.label(lang),
                id = hold.id.to_string()
            )
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) async fn case_holds(cli: &Cli, args: &CaseHoldsArgs) -> Result<ExitCode> {
    let lang = lang(cli);
    let number = case_number(cli, &args.case)?;
    let store = open(cli, OpenMode::Existing).await?;
    let case = store.case_by_number(number).await?;
    let holds = store.holds_of_case(case.id).await?;
    if cli.json {
        outln!("{}", serde_json::to_string_pretty(&holds)?);
        return Ok(ExitCode::SUCCESS);
    }
    if holds.is_empty() {
        outln!("{}", t!(lang, "holds-none", case = case.reference()));
    }
    for h in &holds {
        let placed = h.placed_at.format("%Y-%m-%d %H:%M").to_string();
        let state = match &h.lifted {
            Some((_, at)) => t!(
                lang,
                "hold-lifted-on",
                day = at.format("%Y-%m-%d %H:%M").to_string()
            ),
            None => t!(lang, "hold-holding"),
        };
        outln!(
            "{}  {}  {}  {}  {}",
            h.id,
            h.kind.label(lang),
            h.reference,
            placed,
            state
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) async fn case_release(cli: &Cli, args: &CaseReleaseArgs) -> Result<ExitCode> {
    let lang = lang(cli);
    let Ok(id) = args.hold.trim().parse::<uuid::Uuid>() else {
        bail!(t!(lang, "error-hold-id", value = args.hold.as_str()));
    };
    let store = open(cli, OpenMode::Existing).await?;
    let (hold, erased) = store.lift_hold(&cli_actor(), id).await?;
    if cli.json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "hold": hold, "erased": erased }))?
        );
    } else {
        outln!(
            "{}",
            t!(lang, "hold-released", id = id.to_string(), erased = erased)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `person report`: the access report, as JSON or PDF, to standard output or a new file.
pub(super) async fn person_report(cli: &Cli, args: &PersonReportArgs) -> Result<ExitCode> {
    use std::io::Write as _;
    let lang = lang(cli);
    let Ok(id) = args.person.trim().parse::<uuid::Uuid>() else {
        bail!(t!(lang, "error-person-id", value = args.person.as_str()));
    };
    if matches!(args.format, crate::ReportFormat::Pdf) && args.output.is_none() {
        bail!(t!(lang, "error-report-pdf-output"));
    }
    let store = open(cli, OpenMode::Existing).await?;
    let report = store.access_report(&cli_actor(), PersonId(id)).await?;
    let bytes = match args.format {
        crate::ReportFormat::Json => {
            let mut b = serde_json::to_vec_pretty(&report)?;
            b.push(b'\n');
            b
        }
        crate::ReportFormat::Pdf => tabara_web::access_report_pdf(&report, lang),
    };
    match &args.output {
        Some(path) => {
            let shown = path.display().to_string();
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            let mut f = options.open(path).map_err(|e| {
                anyhow::anyhow!(t!(
                    lang,
                    "error-report-write",
                    path = shown.as_str(),
                    error = e.to_string()
                ))
            })?;
            f.write_all(&bytes)?;
            eprintln!(
                "{}",
                t!(lang, "access-report-written", path = shown.as_str())
            );
        }
        None => std::io::stdout().lock().write_all(&bytes)?,
    }
    Ok(ExitCode::SUCCESS)
}
