//! What each command does: open the register, call the store, hand results to `output`.

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use tabara_core::htcds::{CaseStatus, ExploitationType, OrgType};
use tabara_core::ids::{OrganisationId, UserId};
use tabara_core::records::{Organisation, parse_case_reference};
use tabara_core::{Country, Lang, Picklist, Role, password};
use tabara_demo::{DEMO_PASSWORD, Demo};
use tabara_i18n::t;
use tabara_store::{
    Actor, CaseFilter, FirstCredential, Location, LocationProblem, NewUser, OpenMode, PageRequest,
    Problem, Store, StoreError, Verification,
};

use crate::output;

/// How long a one-time credential from `user add` / `user reset` signs in.
const ONE_TIME_VALIDITY: chrono::Duration = chrono::Duration::hours(72);
use crate::{AuditCommand, CaseCommand, Cli, Command, ScreeningCommand};

/// The actor of command-line work: the operating-system account, never a person's name from
/// the register.
fn cli_actor() -> Actor {
    let who = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".into());
    let who: String = who
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .take(32)
        .collect();
    Actor::system(&format!("cli:{who}"))
}

fn lang(cli: &Cli) -> Lang {
    tabara_i18n::lang_from(cli.lang.as_deref())
}

async fn open(cli: &Cli, mode: OpenMode) -> Result<Store> {
    let location = Location::parse(&cli.database)?;
    Store::open(&location, mode)
        .await
        .with_context(|| t!(lang(cli), "error-open", location = location.redacted()))
}

/// An error as the user reads it: the store's errors through the catalogue, the rest as is.
pub fn describe_error(e: &anyhow::Error, lang: Lang) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in e.chain() {
        let text = match cause.downcast_ref::<StoreError>() {
            Some(StoreError::NotFound { kind, id }) => {
                t!(
                    lang,
                    "error-not-found",
                    kind = kind_label(kind, lang),
                    id = id.as_str()
                )
            }
            Some(StoreError::Conflict {
                kind,
                id,
                expected,
                actual,
            }) => t!(
                lang,
                "error-conflict",
                kind = kind_label(kind, lang),
                id = id.as_str(),
                expected = *expected,
                actual = *actual
            ),
            Some(StoreError::Duplicate { what, value }) => {
                t!(
                    lang,
                    "error-duplicate",
                    what = kind_label(what, lang),
                    value = value.as_str()
                )
            }
            Some(StoreError::Location(p)) => match p {
                LocationProblem::Empty => t!(lang, "error-location-empty"),
                LocationProblem::UnknownScheme(s) => {
                    t!(lang, "error-location-scheme", scheme = s.as_str())
                }
                LocationProblem::MissingFile(p) => {
                    t!(
                        lang,
                        "error-location-missing-file",
                        path = p.display().to_string()
                    )
                }
                LocationProblem::MissingFolder(p) => {
                    t!(
                        lang,
                        "error-location-missing-folder",
                        path = p.display().to_string()
                    )
                }
            },
            _ => cause.to_string(),
        };
        // anyhow repeats a wrapped error's text in its source; say each thing once.
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
    }
    parts.join(": ")
}

/// The store names kinds of record in English ("person in case"); the catalogue has them as
/// `kind-person-in-case`.
fn kind_label(kind: &str, lang: Lang) -> String {
    let key = format!("kind-{}", kind.replace(' ', "-"));
    // A kind without its label (a test checks there is none) reads in English, never as a key.
    if tabara_i18n::catalogue().has(Lang::En, &key) {
        t!(lang, &key)
    } else {
        kind.to_string()
    }
}

fn problem_text(p: &Problem, lang: Lang) -> String {
    match p {
        Problem::Missing { next } => t!(lang, "audit-problem-missing", next = *next),
        Problem::Unlinked => t!(lang, "audit-problem-unlinked"),
        Problem::Altered => t!(lang, "audit-problem-altered"),
        Problem::TailRemoved { last, head } => {
            t!(
                lang,
                "audit-problem-tail-removed",
                last = *last,
                head = *head
            )
        }
        Problem::HeadMismatch => t!(lang, "audit-problem-head-mismatch"),
        Problem::BeyondHead { head } => t!(lang, "audit-problem-beyond-head", head = *head),
        Problem::HeadMissing => t!(lang, "audit-problem-head-missing"),
        Problem::Unrecorded {
            kind,
            action,
            records,
            entries,
            example,
        } => match example {
            Some(id) => t!(
                lang,
                "audit-problem-unrecorded",
                kind = kind.as_str(),
                action = action.as_str(),
                records = *records,
                entries = *entries,
                example = id.as_str()
            ),
            None => t!(
                lang,
                "audit-problem-unrecorded-count",
                kind = kind.as_str(),
                action = action.as_str(),
                records = *records,
                entries = *entries
            ),
        },
        Problem::WrittenAfterLog {
            table,
            written_at_us,
            last_entry_at_us,
        } => {
            let at = |us: i64| {
                chrono::DateTime::from_timestamp_micros(us)
                    .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
                    .unwrap_or_default()
            };
            match last_entry_at_us {
                Some(last) => t!(
                    lang,
                    "audit-problem-written-after-log",
                    table = table.as_str(),
                    written = at(*written_at_us),
                    last = at(*last)
                ),
                None => t!(
                    lang,
                    "audit-problem-written-empty-log",
                    table = table.as_str(),
                    written = at(*written_at_us)
                ),
            }
        }
    }
}

pub async fn run(cli: Cli) -> Result<ExitCode> {
    match &cli.command {
        Command::Init(args) => init(&cli, args).await,
        Command::Demo(args) => demo(&cli, args).await,
        Command::Case(CaseCommand::List(args)) => case_list(&cli, args).await,
        Command::Case(CaseCommand::Show(args)) => case_show(&cli, args).await,
        Command::Audit(AuditCommand::Verify) => audit_verify(&cli).await,
        Command::Audit(AuditCommand::Log(args)) => {
            let store = open(&cli, OpenMode::Existing).await?;
            let entries = store.audit_entries(args.after, args.limit).await?;
            output::audit_log(&entries, lang(&cli), cli.json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Screening(ScreeningCommand::Explain(args)) => screening_explain(&cli, args).await,
        Command::Export(args) => export(&cli, args).await,
        Command::User(command) => user(&cli, command).await,
        Command::Serve(args) => {
            let store = open(&cli, OpenMode::Existing).await?;
            let approval = !args.single_admin_resets
                && !std::env::var("TABARA_ADMIN_APPROVAL").is_ok_and(|v| {
                    matches!(
                        v.trim().to_ascii_lowercase().as_str(),
                        "off" | "0" | "false" | "no"
                    )
                });
            serve(&cli, store, args.listen, args.behind_tls, approval).await
        }
    }
}

async fn init(cli: &Cli, args: &crate::InitArgs) -> Result<ExitCode> {
    let lang = lang(cli);
    let store = open(cli, OpenMode::CreateIfMissing).await?;
    if store.count_users().await? > 0 {
        bail!(t!(lang, "error-init-has-users"));
    }
    let (password, generated) = match std::env::var("TABARA_ADMIN_PASSWORD") {
        Ok(p) => {
            password::check_strength(&p).context(t!(lang, "error-admin-password-weak"))?;
            (p, false)
        }
        Err(_) => (password::generate_password(), true),
    };
    let actor = cli_actor();
    let org = Organisation {
        id: OrganisationId::new(),
        name: args.organisation.trim().to_string(),
        org_type: OrgType::CentralGovernmentOrganisation,
        street: None,
        city: None,
        province: None,
        country: Some(Country::BI),
        phone: None,
        version: 1,
    };
    if org.name.is_empty() {
        bail!(t!(lang, "error-organisation-required"));
    }
    store.create_organisation(&actor, &org).await?;
    store
        .create_user(
            &actor,
            &NewUser {
                id: UserId::new(),
                username: args.admin_username.trim().to_string(),
                display_name: "Administrator".into(),
                role: Role::Admin,
                organisation_id: org.id,
                office_id: None,
                password_hash: password::hash_password(&password),
            },
        )
        .await?;
    let location = Location::parse(&cli.database)?.redacted();
    outln!("{}", t!(lang, "init-ready", location = location));
    outln!(
        "{}",
        t!(lang, "init-admin", username = args.admin_username.trim())
    );
    if generated {
        outln!(
            "{}",
            t!(lang, "init-password", password = password.as_str())
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The one item whose name contains `needle` (case-insensitive), or a clear error.
fn unique_by_name<'a, T>(
    items: &'a [T],
    name: impl Fn(&T) -> &str,
    needle: &str,
    lang: Lang,
    option: &str,
) -> Result<&'a T> {
    let n = needle.to_lowercase();
    let found: Vec<&T> = items
        .iter()
        .filter(|i| name(i).to_lowercase().contains(&n))
        .collect();
    match found.as_slice() {
        [one] => Ok(one),
        [] => bail!(t!(lang, "error-name-none", option = option, name = needle)),
        many => bail!(t!(
            lang,
            "error-name-many",
            option = option,
            name = needle,
            matches = many.iter().map(|i| name(i)).collect::<Vec<_>>().join("; ")
        )),
    }
}

async fn user(cli: &Cli, command: &crate::UserCommand) -> Result<ExitCode> {
    use crate::UserCommand::*;
    let lang = lang(cli);
    let store = open(cli, OpenMode::Existing).await?;
    let actor = cli_actor();
    let find = |name: String| {
        let store = store.clone();
        async move {
            store.user_by_username(name.trim()).await?.ok_or_else(|| {
                anyhow::anyhow!(t!(lang, "error-user-unknown", username = name.trim()))
            })
        }
    };
    match command {
        Add(args) => {
            let username = args.username.trim();
            if !tabara_core::role::is_valid_username(username) {
                bail!(t!(lang, "error-username-format"));
            }
            let role = Role::parse(&args.role).map_err(|_| {
                let allowed: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
                anyhow::anyhow!(t!(
                    lang,
                    "error-role",
                    value = args.role.as_str(),
                    allowed = allowed.join(", ")
                ))
            })?;
            let organisations = store.organisations().await?;
            let org = unique_by_name(
                &organisations,
                |o| &o.name,
                &args.organisation,
                lang,
                "--organisation",
            )?;
            let office_id = match &args.office {
                Some(name) => {
                    let offices = store.offices().await?;
                    let mine: Vec<_> = offices
                        .into_iter()
                        .filter(|o| o.organisation_id == org.id)
                        .collect();
                    Some(unique_by_name(&mine, |o| &o.name, name, lang, "--office")?.id)
                }
                None => None,
            };
            let (password, generated) = match std::env::var("TABARA_USER_PASSWORD") {
                Ok(p) => {
                    password::check_strength(&p).context(t!(lang, "error-user-password-weak"))?;
                    (p, false)
                }
                Err(_) => (password::generate_password(), true),
            };
            // The password handed over is a one-time credential: its holder chooses their own
            // at first sign-in. The operator has database access, so no second approval.
            store
                .create_account(
                    &actor,
                    &NewUser {
                        id: UserId::new(),
                        username: username.to_string(),
                        display_name: args.display_name.trim().to_string(),
                        role,
                        organisation_id: org.id,
                        office_id,
                        password_hash: password::hash_password(&password),
                    },
                    FirstCredential::OneTime(chrono::Utc::now() + ONE_TIME_VALIDITY),
                )
                .await?;
            outln!(
                "{}",
                t!(
                    lang,
                    "user-added",
                    username = username,
                    role = role.label(lang)
                )
            );
            if generated {
                outln!(
                    "{}",
                    t!(lang, "user-one-time", password = password.as_str())
                );
            }
        }
        Disable(arg) | Enable(arg) => {
            let u = find(arg.username.clone()).await?;
            let disable = matches!(command, Disable(_));
            store.set_user_disabled(&actor, u.id, disable).await?;
            let key = if disable {
                "user-disabled"
            } else {
                "user-enabled"
            };
            outln!("{}", t!(lang, key, username = u.username.as_str()));
        }
        Token(args) => {
            use rand::Rng;
            let u = find(args.username.clone()).await?;
            let bytes: [u8; 32] = rand::rng().random();
            let token = format!("tbr_{}", hex_encode(&bytes));
            let hash = tabara_store::token_hash(&token);
            let expires = chrono::Utc::now() + chrono::Duration::days(args.days);
            store
                .create_api_token(&actor, u.id, &hash, args.name.trim(), Some(expires))
                .await?;
            outln!(
                "{}",
                t!(
                    lang,
                    "user-token",
                    username = u.username.as_str(),
                    days = args.days
                )
            );
            outln!("{token}");
        }
        Reset(arg) => {
            let u = find(arg.username.clone()).await?;
            let password = password::generate_password();
            store
                .issue_one_time_credential(
                    &actor,
                    u.id,
                    &password::hash_password(&password),
                    chrono::Utc::now() + ONE_TIME_VALIDITY,
                )
                .await?;
            outln!(
                "{}",
                t!(lang, "user-reset-one-time", username = u.username.as_str())
            );
            outln!(
                "{}",
                t!(lang, "user-one-time", password = password.as_str())
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn demo(cli: &Cli, args: &crate::DemoArgs) -> Result<ExitCode> {
    let lang = lang(cli);
    let started = Instant::now();
    let location = Location::parse(&cli.database)?;
    let store = open(cli, OpenMode::CreateIfMissing).await?;
    if args.reset {
        store.wipe().await?;
        store.migrate().await?;
    } else {
        let stats = store.stats().await?;
        if stats.users > 0 || stats.persons > 0 || stats.cases > 0 {
            bail!(t!(
                lang,
                "error-demo-has-data",
                location = location.redacted()
            ));
        }
    }
    let actor = Actor::system("demo");
    let mut generator = Demo::new(args.seed, args.persons);
    let reference = generator.reference().clone();
    // One hash for every demo account: they share the demo password by design.
    reference
        .write(&store, &actor, &password::hash_password(DEMO_PASSWORD))
        .await?;
    let bar = if cli.json {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(args.persons)
    };
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{{spinner}} {} {{pos}}/{{len}} [{{bar:30}}] {{percent}}% {{per_sec}} eta {{eta}}",
            t!(lang, "demo-progress")
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    // Generate the next batch while the store writes the current one.
    let batch_size = args.batch.clamp(100, 200_000);
    let (tx, mut rx) = tokio::sync::mpsc::channel(2);
    let producer = tokio::task::spawn_blocking(move || {
        while let Some(batch) = generator.next_batch(batch_size) {
            if tx.blocking_send(batch).is_err() {
                break;
            }
        }
        (generator.persons_made(), generator.cases_made())
    });
    store.begin_bulk_load().await?;
    while let Some(batch) = rx.recv().await {
        store.bulk_insert(&actor, &batch).await?;
        bar.inc(batch.persons.len() as u64);
    }
    store.end_bulk_load().await?;
    let (persons, cases) = producer.await?;
    bar.set_message("screenings");
    let screenings = tabara_demo::write_screenings(&store, &actor, args.seed, 120).await?;
    bar.set_message("shares");
    let shares = tabara_demo::write_shares(&store, &actor, &reference).await?;
    bar.set_message("training");
    let training = tabara_demo::write_training(&store, &actor, &reference, args.seed).await?;
    bar.set_message("analysing");
    store.optimize().await?;
    bar.finish_and_clear();
    let stats = store.stats().await?;
    let elapsed = started.elapsed();
    output::demo_summary(
        &location.redacted(),
        &stats,
        persons,
        cases,
        elapsed,
        &reference,
        DEMO_PASSWORD,
        lang,
        cli.json,
    )?;
    if !cli.json {
        outln!("{}", t!(lang, "demo-screenings", count = screenings as i64));
        outln!("{}", t!(lang, "demo-shares", count = shares as i64));
        outln!(
            "{}",
            t!(
                lang,
                "demo-training",
                sessions = training.sessions as i64,
                participants = training.participants as i64,
                certificates = training.certificates as i64,
                distributions = training.distributions as i64
            )
        );
    }
    if args.serve {
        return serve(cli, store, args.listen, false, true).await;
    }
    Ok(ExitCode::SUCCESS)
}

async fn serve(
    cli: &Cli,
    store: Store,
    listen: std::net::SocketAddr,
    behind_tls: bool,
    admin_approval: bool,
) -> Result<ExitCode> {
    init_logs();
    let config = tabara_web::Config {
        behind_tls,
        admin_approval,
        public_url: std::env::var("TABARA_PUBLIC_URL")
            .ok()
            .filter(|u| !u.trim().is_empty()),
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

async fn case_list(cli: &Cli, args: &crate::CaseListArgs) -> Result<ExitCode> {
    let lang = lang(cli);
    let store = open(cli, OpenMode::Existing).await?;
    let mut filter = CaseFilter {
        status: args
            .status
            .as_deref()
            .map(|s| pick::<CaseStatus>(s, lang, "error-status"))
            .transpose()?,
        opened_from: args.from,
        opened_to: args.to,
        ..Default::default()
    };
    if let Some(t) = &args.exploitation {
        filter.exploitation = Some(pick::<ExploitationType>(t, lang, "error-exploitation")?);
    }
    if let Some(name) = &args.office {
        let needle = name.to_lowercase();
        let offices = store.offices().await?;
        let matching: Vec<_> = offices
            .iter()
            .filter(|o| o.name.to_lowercase().contains(&needle))
            .collect();
        match matching.as_slice() {
            [one] => filter.office_id = Some(one.id),
            [] => bail!(t!(lang, "error-office-none", name = name.as_str())),
            many => bail!(t!(
                lang,
                "error-office-many",
                name = name.as_str(),
                offices = many
                    .iter()
                    .map(|o| o.name.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            )),
        }
    }
    let page = store
        .list_cases(
            &filter,
            PageRequest {
                after: args.after,
                limit: args.limit,
            },
        )
        .await?;
    output::case_list(&page, lang, cli.json)?;
    Ok(ExitCode::SUCCESS)
}

/// A picklist value from the command line: the core parser (value name in any case, the
/// English label, aliases), then the label in the user's language; otherwise the message
/// `key` naming the accepted values.
fn pick<T: Picklist>(value: &str, lang: Lang, key: &str) -> Result<T> {
    if let Ok(v) = T::parse(value) {
        return Ok(v);
    }
    let loose = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    if let Some(v) = T::ALL.iter().find(|v| loose(v.label(lang)) == loose(value)) {
        return Ok(*v);
    }
    let allowed: Vec<&str> = T::ALL.iter().map(|v| v.value_name()).collect();
    bail!(t!(
        lang,
        key,
        value = value.trim(),
        allowed = allowed.join(", ")
    ))
}

async fn case_show(cli: &Cli, args: &crate::CaseShowArgs) -> Result<ExitCode> {
    let lang = lang(cli);
    let Some(number) = parse_case_reference(&args.case) else {
        bail!(t!(lang, "error-case-reference", value = args.case.as_str()));
    };
    let store = open(cli, OpenMode::Existing).await?;
    let case = store.case_by_number(number).await?;
    let persons = store.case_persons(case.id).await?;
    let comments = store.comments(case.id).await?;
    let history = store.history("case", &case.id.to_string()).await?;
    let organisations = store.organisations().await?;
    let offices = store.offices().await?;
    let mut identities = Vec::new();
    if args.with_identity {
        let actor = cli_actor();
        for p in &persons {
            identities.push(Some(store.read_identity(&actor, p.person.id).await?.0));
        }
    } else {
        identities.resize(persons.len(), None);
    }
    output::case_detail(
        &output::CaseView {
            case: &case,
            persons: &persons,
            identities: &identities,
            comments: &comments,
            history: &history,
            organisations: &organisations,
            offices: &offices,
        },
        lang,
        cli.json,
    )?;
    Ok(ExitCode::SUCCESS)
}

async fn audit_verify(cli: &Cli) -> Result<ExitCode> {
    let store = open(cli, OpenMode::Existing).await?;
    let result = store.verify_audit().await?;
    if cli.json {
        outln!("{}", serde_json::to_string_pretty(&result)?);
    } else {
        match &result {
            Verification::Ok { entries } => {
                outln!("{}", t!(lang(cli), "audit-ok", entries = *entries))
            }
            Verification::Broken { seq, reason } => outln!(
                "{}",
                t!(
                    lang(cli),
                    "audit-broken",
                    seq = *seq,
                    problem = problem_text(reason, lang(cli))
                )
            ),
        }
    }
    Ok(match result {
        Verification::Ok { .. } => ExitCode::SUCCESS,
        Verification::Broken { .. } => ExitCode::from(1),
    })
}

/// A file for an export, readable by its owner only (an export describes victims, and with
/// `--with-identity` names them): created 0600, and an existing file is narrowed to 0600
/// before anything is written to it.
fn owner_only_file(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let file = options.open(path)?;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        Ok(file)
    }
    #[cfg(not(unix))]
    options.open(path)
}

async fn export(cli: &Cli, args: &crate::ExportArgs) -> Result<ExitCode> {
    let store = open(cli, OpenMode::Existing).await?;
    let actor = cli_actor();
    let identity_of = args.with_identity.then_some(&actor);
    let sink: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(std::io::BufWriter::new(
            owner_only_file(path).with_context(|| {
                t!(
                    lang(cli),
                    "error-create-file",
                    path = path.display().to_string()
                )
            })?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let mut writer = output::ExportWriter::new(sink, args.format, args.with_identity)?;
    let mut after = None;
    let mut rows = 0u64;
    loop {
        let page = store.export_victims(after, 2000, identity_of).await?;
        let Some(last) = page.last() else { break };
        after = Some((last.case.number, last.person.id));
        for row in &page {
            writer.write(row)?;
        }
        rows += page.len() as u64;
    }
    writer.finish()?;
    if let Some(path) = &args.output {
        eprintln!(
            "{}",
            t!(
                lang(cli),
                "export-written",
                rows = rows,
                path = path.display().to_string()
            )
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn screening_explain(cli: &Cli, args: &crate::ScreeningExplainArgs) -> Result<ExitCode> {
    use tabara_core::screening::{Catalogue, evaluate};
    use tabara_i18n::screening as words;
    let lang = lang(cli);
    let id: tabara_core::ids::ScreeningId =
        args.id.trim().parse().map_err(|_| {
            anyhow::anyhow!(t!(lang, "error-screening-id", value = args.id.as_str()))
        })?;
    let store = open(cli, OpenMode::Existing).await?;
    let s = store.screening(id).await?;
    let case = store.case(s.case_id).await?;
    let catalogue = Catalogue::embedded()?;
    // A draft is explained on its answers so far, marked provisional.
    let evaluation = s
        .evaluation
        .clone()
        .unwrap_or_else(|| evaluate(catalogue, &s.answers, &s.age));
    let distinction = tabara_core::palermo::distinguish(&s.movement);
    let reasons = words::explain(catalogue, lang, &evaluation);
    let steps = words::next_steps(lang, &evaluation);
    let findings = words::explain_distinction(lang, &distinction);
    if cli.json {
        let out = serde_json::json!({
            "screening": s,
            "case": case.reference(),
            "outcome": evaluation.outcome.as_str(),
            "outcome_label": words::outcome_label(lang, evaluation.outcome),
            "provisional": s.evaluation.is_none(),
            "reasons": reasons,
            "next_steps": steps,
            "verdict": distinction.verdict.as_str(),
            "findings": findings,
        });
        outln!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(ExitCode::SUCCESS);
    }
    outln!(
        "{}",
        t!(
            lang,
            "screening-explain-title",
            id = s.id.to_string(),
            case = case.reference(),
            person = s.person_id.to_string()
        )
    );
    let state = match s.state {
        tabara_store::ScreeningState::Draft => t!(lang, "screening-state-draft"),
        tabara_store::ScreeningState::Completed => t!(lang, "screening-state-completed"),
    };
    outln!(
        "{}",
        t!(
            lang,
            "screening-explain-state",
            state = state,
            version = s.catalogue_version.as_str()
        )
    );
    outln!(
        "{}",
        t!(
            lang,
            "screening-explain-outcome",
            outcome = words::outcome_label(lang, evaluation.outcome)
        )
    );
    outln!("{}", t!(lang, "screening-explain-why"));
    for r in &reasons {
        outln!("  - {r}");
    }
    outln!("{}", t!(lang, "screening-explain-next"));
    for r in &steps {
        outln!("  - {r}");
    }
    outln!(
        "{}",
        t!(
            lang,
            "screening-explain-distinction",
            verdict = words::verdict_label(lang, distinction.verdict)
        )
    );
    for f in &findings {
        outln!("  - {f}");
    }
    match &s.decision {
        None => outln!("{}", t!(lang, "screening-explain-undecided")),
        Some(d) => {
            // People read a name, not an account id (the JSON output keeps the id).
            let by = match d
                .decided_by
                .strip_prefix("user:")
                .and_then(|u| u.parse::<uuid::Uuid>().ok())
            {
                Some(id) => match store.user(tabara_core::ids::UserId(id)).await {
                    Ok(u) => u.display_name,
                    Err(_) => d.decided_by.clone(),
                },
                None => d.decided_by.clone(),
            };
            let key = match d.kind {
                tabara_store::DecisionKind::Confirmed => "screening-explain-confirmed",
                tabara_store::DecisionKind::Overridden => "screening-explain-overridden",
            };
            outln!(
                "{}",
                tabara_i18n::catalogue().text(
                    lang,
                    key,
                    &[
                        ("status", tabara_i18n::Value::from(d.status.label(lang))),
                        ("by", tabara_i18n::Value::from(by)),
                        (
                            "at",
                            tabara_i18n::Value::from(
                                d.decided_at.format("%Y-%m-%d %H:%M UTC").to_string()
                            )
                        ),
                        (
                            "reason",
                            tabara_i18n::Value::from(d.reason.clone().unwrap_or_default())
                        ),
                    ]
                )
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
