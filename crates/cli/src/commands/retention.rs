//! `retention report` and `retention run` (issue 13), and the daily run of `serve`.

use std::process::ExitCode;

use anyhow::Result;
use tabara_core::Picklist as _;
use tabara_core::retention::RetentionPolicy;
use tabara_i18n::t;
use tabara_store::{OpenMode, Store};

use super::{cli_actor, lang, open};
use crate::Cli;

/// The rules: the defaults with `kind=days` overrides; refused in words.
pub(super) fn policy(cli: &Cli, rules: &str) -> Result<RetentionPolicy> {
    RetentionPolicy::parse_overrides(rules).map_err(|e| {
        anyhow::anyhow!(t!(
            lang(cli),
            "error-retention-rules",
            problems = e.to_string()
        ))
    })
}

pub(super) async fn run(cli: &Cli, rules: &str, dry_run: bool) -> Result<ExitCode> {
    let lang = lang(cli);
    let policy = policy(cli, rules)?;
    let store = open(cli, OpenMode::Existing).await?;
    let report = store
        .retention(&cli_actor(), &policy, chrono::Utc::now(), dry_run)
        .await?;
    if cli.json {
        outln!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(ExitCode::SUCCESS);
    }
    outln!(
        "{}",
        if dry_run {
            t!(lang, "retention-dry-run")
        } else {
            t!(lang, "retention-done")
        }
    );
    for l in &report.lines {
        let period = match l.days {
            Some(days) => t!(lang, "retention-days", days = days),
            None => t!(lang, "retention-kept"),
        };
        let what = if dry_run {
            t!(lang, "retention-due", count = l.due)
        } else if l.kind.erases_persons() {
            t!(
                lang,
                "retention-erased",
                count = l.done,
                waiting = l.waiting
            )
        } else {
            t!(lang, "retention-deleted", count = l.done)
        };
        outln!(
            "{}  {}  {}  {}",
            l.kind.value_name(),
            l.kind.label(lang),
            period,
            what
        );
        if dry_run {
            for p in &l.persons {
                outln!("    {p}");
            }
            if l.due as usize > l.persons.len() {
                outln!(
                    "    {}",
                    t!(
                        lang,
                        "retention-more",
                        count = l.due as usize - l.persons.len()
                    )
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Once a day, the retention rules carried out (the first run a day after the start).
pub(super) fn spawn_daily(store: Store, policy: RetentionPolicy) {
    tokio::spawn(async move {
        let day = std::time::Duration::from_secs(24 * 3600);
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + day, day);
        let actor = tabara_store::Actor::system("retention");
        loop {
            tick.tick().await;
            match store
                .retention(&actor, &policy, chrono::Utc::now(), false)
                .await
            {
                Ok(report) => {
                    for l in report.lines.iter().filter(|l| l.done + l.waiting > 0) {
                        tracing::info!(
                            kind = l.kind.value_name(),
                            done = l.done,
                            waiting = l.waiting,
                            "retention"
                        );
                    }
                }
                Err(e) => tracing::error!(error = %e, "retention run failed"),
            }
        }
    });
}
