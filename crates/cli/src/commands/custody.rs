//! `custody list` (issue 14): the suspects in police custody with the time left before the
//! legal limit, the soonest deadline first, for a duty officer's script (`--overdue`: those at
//! or past it). No identity is printed: the custody's id, the case and the person's id.

use std::process::ExitCode;

use anyhow::Result;
use chrono::Utc;
use tabara_core::investigation::Clock;
use tabara_core::records::case_reference;
use tabara_i18n::t;
use tabara_store::OpenMode;

use super::{lang, open};
use crate::{Cli, CustodyListArgs};

/// Hours and minutes of a number of seconds (`26 h 05 min`).
fn span(seconds: i64) -> String {
    let m = seconds.max(0) / 60;
    format!("{} h {:02} min", m / 60, m % 60)
}

pub(super) async fn custody_list(cli: &Cli, args: &CustodyListArgs) -> Result<ExitCode> {
    let lang = lang(cli);
    let store = open(cli, OpenMode::Existing).await?;
    let now = Utc::now();
    let mut listed = store.running_custodies(None, 500).await?;
    if args.overdue {
        listed.retain(|c| c.custody.custody.is_overdue(now));
    }
    if cli.json {
        let rows: Vec<serde_json::Value> = listed
            .iter()
            .map(|c| {
                let clock = c.custody.clock(now);
                serde_json::json!({
                    "custody": c.custody.id,
                    "case": case_reference(c.case_number),
                    "person": c.custody.person_id,
                    "started_at": c.custody.custody.started_at,
                    "deadline": c.custody.deadline(),
                    "clock": clock,
                    "overdue": matches!(clock, Clock::Overdue { .. }),
                    "place": c.custody.place,
                })
            })
            .collect();
        outln!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(ExitCode::SUCCESS);
    }
    if listed.is_empty() {
        outln!(
            "{}",
            if args.overdue {
                t!(lang, "custody-none-overdue")
            } else {
                t!(lang, "custody-none-running")
            }
        );
    }
    let catalogue = store.legal_catalogue();
    for c in &listed {
        let tz = catalogue
            .jurisdiction(&c.custody.jurisdiction)
            .map(|j| j.tz())
            .unwrap_or(chrono_tz::Africa::Bujumbura);
        let deadline = c
            .custody
            .deadline()
            .with_timezone(&tz)
            .format("%Y-%m-%d %H:%M %Z")
            .to_string();
        let state = match c.custody.clock(now) {
            Clock::Running { left_seconds } => {
                t!(lang, "custody-time-left", left = span(left_seconds))
            }
            Clock::Overdue { by_seconds } => t!(lang, "custody-overdue-by", by = span(by_seconds)),
            Clock::Ended { .. } => t!(lang, "custody-ended"),
        };
        outln!(
            "{}  {}  {}  {}  {}",
            case_reference(c.case_number),
            c.custody.id,
            c.custody.person_id,
            deadline,
            state
        );
    }
    Ok(ExitCode::SUCCESS)
}
