//! `serve`: the web server and its logs.

use std::process::ExitCode;

use anyhow::{Context, Result};
use tabara_i18n::t;
use tabara_store::{OpenMode, Store};

use super::{lang, open};
use crate::{Cli, ServeArgs};

/// `serve`: the register opened, the second administrator's approval on unless
/// `--single-admin-resets` or `TABARA_ADMIN_APPROVAL=off` (or `0`, `false`, `no`), and the
/// alerts raised every `--alerts-every` seconds.
pub(super) async fn serve_command(cli: &Cli, args: &ServeArgs) -> Result<ExitCode> {
    let store = open(cli, OpenMode::Existing).await?;
    let approval = !args.single_admin_resets
        && !std::env::var("TABARA_ADMIN_APPROVAL").is_ok_and(|v| {
            matches!(
                v.trim().to_ascii_lowercase().as_str(),
                "off" | "0" | "false" | "no"
            )
        });
    init_logs();
    // A register from before the child pathway (or loaded without it) gets its children's
    // pathways opened before anyone signs in.
    let opened = store.open_missing_pathways().await?;
    if opened > 0 {
        tracing::info!(
            opened,
            "child pathways opened for children already registered"
        );
    }
    super::alerts::spawn_scheduler(store.clone(), args.alerts_every);
    spawn_waiting_erasures(store.clone());
    let retention = super::retention::policy(cli, &args.retention)?;
    super::retention::spawn_daily(store.clone(), retention);
    super::audit::spawn_checkpoints(
        store.clone(),
        cli,
        args.checkpoint_every,
        args.checkpoint_dir.clone(),
    );
    let second_factor = tabara_core::totp::SecondFactorPolicy::parse(&args.second_factor_roles)
        .map_err(|role| {
            anyhow::anyhow!(t!(
                lang(cli),
                "error-second-factor-roles",
                value = role.as_str()
            ))
        })?;
    serve(
        cli,
        store,
        args.listen,
        args.behind_tls,
        approval,
        second_factor,
    )
    .await
}

/// Every hour, the waiting erasures no hold stops any more are carried out (a hold lifted
/// does it at once for its case; this catches a hold ended another way, such as a case
/// deleted by a later version), and unfinished uploads are swept.
fn spawn_waiting_erasures(store: Store) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let actor = tabara_store::Actor::system("erasure");
        loop {
            tick.tick().await;
            match store.run_waiting_erasures(&actor).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(erased = n, "waiting erasures carried out"),
                Err(e) => tracing::error!(error = %e, "waiting erasures failed"),
            }
            // Uploads a crash cut short a day ago or more, and the chunks an erasure left in a
            // files folder.
            match store
                .sweep_files(chrono::Utc::now() - chrono::Duration::days(1))
                .await
            {
                Ok(0) => {}
                Ok(n) => tracing::info!(swept = n, "unfinished uploads swept"),
                Err(e) => tracing::error!(error = %e, "file sweep failed"),
            }
        }
    });
}

/// The web server on `listen` until interrupted (also `demo --serve`).
pub(super) async fn serve(
    cli: &Cli,
    store: Store,
    listen: std::net::SocketAddr,
    behind_tls: bool,
    admin_approval: bool,
    second_factor: tabara_core::totp::SecondFactorPolicy,
) -> Result<ExitCode> {
    init_logs();
    // Referral answer deadlines: `service=hours` pairs over the defaults (docs/operator.md).
    let deadlines = match std::env::var("TABARA_REFERRAL_DEADLINES") {
        Ok(text) if !text.trim().is_empty() => {
            tabara_core::referral::Deadlines::parse_overrides(&text).map_err(|e| {
                anyhow::anyhow!(t!(
                    lang(cli),
                    "error-referral-deadlines",
                    problems = e.to_string()
                ))
            })?
        }
        _ => Default::default(),
    };
    // The reflection and recovery period's default length, in days (1 to 365).
    let reflection = match std::env::var("TABARA_REFLECTION_DAYS") {
        Ok(text) if !text.trim().is_empty() => {
            let policy = text
                .trim()
                .parse::<u16>()
                .ok()
                .map(|default_days| tabara_core::support::ReflectionPolicy { default_days })
                .filter(|p| p.validate().is_ok());
            policy.ok_or_else(|| {
                anyhow::anyhow!(t!(
                    lang(cli),
                    "error-reflection-days",
                    value = text.as_str()
                ))
            })?
        }
        _ => Default::default(),
    };
    // The largest file an upload may bring, in MB (1 to 2048; 50 by default).
    let max_upload_bytes = match std::env::var("TABARA_MAX_UPLOAD_MB") {
        Ok(text) if !text.trim().is_empty() => text
            .trim()
            .parse::<u64>()
            .ok()
            .and_then(|mb| tabara_core::files::limit_from_mb(mb).ok())
            .ok_or_else(|| {
                anyhow::anyhow!(t!(lang(cli), "error-max-upload", value = text.as_str()))
            })?,
        _ => tabara_core::files::DEFAULT_MAX_BYTES,
    };
    let config = tabara_web::Config {
        max_upload_bytes,
        behind_tls,
        admin_approval,
        public_url: std::env::var("TABARA_PUBLIC_URL")
            .ok()
            .filter(|u| !u.trim().is_empty()),
        deadlines,
        reflection,
        second_factor,
        ..Default::default()
    };
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| t!(lang(cli), "error-listen", address = listen.to_string()))?;
    let address = listener.local_addr()?;
    outln!(
        "{}",
        t!(
            lang(cli),
            "serve-ready",
            address = format!("http://{address}/")
        )
    );
    tabara_web::serve_on(listener, store, config, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(ExitCode::SUCCESS)
}

/// The server's logs: one line per request (id, method, route, status, latency) and the cause
/// of every failure, on standard error; never personal data (the web crate logs ids and route
/// templates only). `TABARA_LOG` filters (`info` by default, e.g. `warn` or
/// `info,tabara_web=debug`); `TABARA_LOG_FORMAT=json` writes one JSON object per line.
fn init_logs() {
    use std::str::FromStr;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let filter = std::env::var("TABARA_LOG")
        .ok()
        .and_then(|f| tracing_subscriber::filter::Targets::from_str(&f).ok())
        .unwrap_or_else(|| {
            tracing_subscriber::filter::Targets::new()
                .with_default(tracing_subscriber::filter::LevelFilter::INFO)
                .with_target("sqlx", tracing_subscriber::filter::LevelFilter::WARN)
        });
    let json = std::env::var("TABARA_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    let registry = tracing_subscriber::registry().with(filter);
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(false);
    // A second call (tests that serve twice in one process) keeps the first subscriber.
    let _ = if json {
        registry.with(fmt.json().flatten_event(true)).try_init()
    } else {
        registry.with(fmt).try_init()
    };
}
