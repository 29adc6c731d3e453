//! `alerts run` (for a cron job) and the scheduler of `serve`: the due alerts raised, each
//! once (the store's unique key), and the outbox of an external channel drained.

use std::process::ExitCode;

use anyhow::Result;
use chrono::Utc;
use tabara_core::Picklist;
use tabara_core::records::case_reference;
use tabara_i18n::t;
use tabara_store::alerts::{Delivery, DeliveryFuture, MAX_ALERT_ROWS};
use tabara_store::{Notification, OpenMode, Store};

use super::{lang, open};
use crate::{AlertsRunArgs, Channel, Cli};

/// The `log` channel: one line per notification on standard error (ids, kind and moments,
/// no personal data), for an operator's log collector; SMS and e-mail are to be added behind
/// the same [`Delivery`] interface.
pub(crate) struct LogChannel;

impl Delivery for LogChannel {
    fn channel(&self) -> &str {
        "log"
    }

    fn deliver<'a>(&'a self, n: &'a Notification) -> DeliveryFuture<'a> {
        Box::pin(async move {
            use std::io::Write as _;
            writeln!(
                std::io::stderr().lock(),
                "notification {} user:{} {} case {} person {} due {}",
                n.id,
                n.user_id,
                n.kind.value_name(),
                case_reference(n.case_number),
                n.person_id
                    .map_or_else(|| "-".to_string(), |p| p.to_string()),
                n.due_at.to_rfc3339()
            )
            .map_err(|e| e.to_string())
        })
    }
}

/// `alerts run`: raise what is due now, once; with `--deliver`, then send the channel's
/// pending notifications.
pub(super) async fn alerts_run(cli: &Cli, args: &AlertsRunArgs) -> Result<ExitCode> {
    let store = open(cli, OpenMode::Existing).await?;
    let report = store.raise_due_alerts(Utc::now(), args.limit).await?;
    let delivered = match args.deliver {
        Some(Channel::Log) => Some(store.deliver_pending(&LogChannel, args.limit).await?),
        None => None,
    };
    if cli.json {
        let json = serde_json::json!({ "raised": report, "delivered": delivered });
        outln!("{}", serde_json::to_string_pretty(&json)?);
        return Ok(ExitCode::SUCCESS);
    }
    let lang = lang(cli);
    outln!(
        "{}",
        t!(
            lang,
            "alerts-run-report",
            raised = report.raised,
            notified = report.notified
        )
    );
    if let Some(d) = delivered {
        outln!(
            "{}",
            t!(
                lang,
                "alerts-deliver-report",
                channel = "log",
                delivered = d.delivered,
                failed = d.failed
            )
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The scheduler of `serve`: every `seconds` (0: never), the alerts due then are raised and
/// the run logged; a failed run is logged and the next one tries again, the server goes on.
pub(super) fn spawn_scheduler(store: Store, seconds: u64) {
    if seconds == 0 {
        return;
    }
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(seconds));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match store.raise_due_alerts(Utc::now(), MAX_ALERT_ROWS).await {
                Ok(r) if r.raised > 0 => {
                    tracing::info!(raised = r.raised, notified = r.notified, "alerts raised")
                }
                Ok(_) => tracing::debug!("no alert due"),
                Err(e) => tracing::error!(error = %e, "alerts run failed"),
            }
        }
    });
}
