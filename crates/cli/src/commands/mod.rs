//! What each command does: open the register, call the store, hand results to `output`.
//! One module per domain: `users` (init, user), `cases` (case list, show), `audit`, `export`,
//! `screening`, `demo`, `serve`, `alerts`; `errors` puts the store's errors in the user's words.

use std::process::ExitCode;

use anyhow::{Result, bail};
use tabara_core::{Lang, Picklist};
use tabara_i18n::t;
use tabara_store::{Actor, Location, OpenMode, Store, keys};

use crate::{
    AlertsCommand, AuditCommand, BackupCommand, CaseCommand, Cli, Command, CustodyCommand,
    FieldCommand, FileCommand, KeyCommand, MrzCommand, PersonCommand, ReferralCommand,
    RetentionCommand, ScreeningCommand,
};

mod alerts;
mod audit;
mod backup;
mod cases;
mod custody;
mod demo;
mod erasure;
mod errors;
mod export;
mod field;
mod files;
mod mrz;
mod referrals;
mod retention;
mod screening;
mod serve;
mod users;

use alerts::alerts_run;
use audit::{audit_checkpoint, audit_consistency, audit_log, audit_prove, audit_verify};
use cases::{case_list, case_show};
use custody::custody_list;
use demo::demo;
pub use errors::describe_error;
use export::export;
use mrz::{mrz_check, mrz_import_lost, mrz_lost};
use referrals::referral_list;
use screening::screening_explain;
use serve::serve_command;
use users::{init, user};

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

/// Where the register's key file is: `--key-file`, or beside an SQLite file.
fn key_path(cli: &Cli, location: &Location) -> Result<std::path::PathBuf> {
    match (&cli.key_file, keys::default_key_file(location)) {
        (Some(p), _) => Ok(p.clone()),
        (None, Some(p)) => Ok(p),
        (None, None) => Err(keys::KeyFileError::NoDefault.into()),
    }
}

/// Open the register with its master key. A new register (`init`, `demo`) gets a new key file
/// when there is none, and the user is told where; otherwise a missing or unusable key file
/// stops the command with the reason.
async fn open(cli: &Cli, mode: OpenMode) -> Result<Store> {
    let lang = lang(cli);
    let location = Location::parse(&cli.database)?;
    // A register that is not there is said before its key file.
    if let Location::Sqlite(file) = &location
        && mode == OpenMode::Existing
        && !file.exists()
    {
        let missing = tabara_store::LocationProblem::MissingFile(file.clone());
        return Err(
            anyhow::Error::new(tabara_store::StoreError::Location(missing)).context(t!(
                lang,
                "error-open",
                location = location.redacted()
            )),
        );
    }
    let path = key_path(cli, &location)?;
    let created = mode == OpenMode::CreateIfMissing && !path.exists();
    let master = if created {
        keys::create_master_key(&path)?
    } else {
        keys::load_master_key(&path)?
    };
    match Store::open(&location, mode, master).await {
        Ok(store) => {
            if created {
                eprintln!(
                    "{}",
                    t!(lang, "key-created", path = path.display().to_string())
                );
            }
            // A new register gets its checkpoint signing key beside it too.
            if mode == OpenMode::CreateIfMissing
                && let Some(signing) = signing_key_path(cli, &location)
                && !signing.exists()
            {
                let key = keys::create_signing_key(&signing)?;
                eprintln!(
                    "{}",
                    t!(
                        lang,
                        "signing-key-created",
                        path = signing.display().to_string(),
                        key = key.public().hex()
                    )
                );
            }
            match &cli.files_dir {
                Some(dir) => Ok(store.with_blobs(std::sync::Arc::new(
                    tabara_store::files::DirectoryBlobs::new(dir)?,
                ))),
                None => Ok(store),
            }
        }
        Err(e) => {
            // A key made for a register that turned out to have its own is of no use.
            if created {
                let _ = std::fs::remove_file(&path);
            }
            Err(anyhow::Error::new(e).context(t!(
                lang,
                "error-open",
                location = location.redacted()
            )))
        }
    }
}

/// Where the register's checkpoint signing key file is: `--signing-key`, or beside an
/// SQLite file; `None` for a PostgreSQL register without one named.
fn signing_key_path(cli: &Cli, location: &Location) -> Option<std::path::PathBuf> {
    cli.signing_key
        .clone()
        .or_else(|| keys::default_signing_key_file(location))
}

/// The register's checkpoint signing key, or why there is none.
fn signing_key(cli: &Cli) -> Result<tabara_core::checkpoint::SigningKey> {
    let location = Location::parse(&cli.database)?;
    let Some(path) = signing_key_path(cli, &location) else {
        bail!(t!(lang(cli), "error-signing-key-no-default"));
    };
    keys::load_signing_key(&path).map_err(|e| match e {
        keys::KeyFileError::Missing(p) => anyhow::anyhow!(t!(
            lang(cli),
            "error-signing-key-missing",
            path = p.display().to_string()
        )),
        other => other.into(),
    })
}

/// `tabara key rotate`: the register's keys re-wrapped under a new master key, or a rotation
/// that was interrupted finished.
async fn key_rotate(cli: &Cli, args: &crate::KeyRotateArgs) -> Result<ExitCode> {
    let lang = lang(cli);
    let location = Location::parse(&cli.database)?;
    let old_path = key_path(cli, &location)?;
    let old = keys::load_master_key(&old_path)?;
    let new_path = &args.new_key_file;
    if new_path == &old_path {
        bail!(t!(lang, "error-rotation-same-file"));
    }
    let made = !new_path.exists();
    let new = if made {
        keys::create_master_key(new_path)?
    } else {
        keys::load_master_key(new_path)?
    };
    if new.id() == old.id() {
        bail!(t!(lang, "error-rotation-same-file"));
    }
    let store = match Store::open(&location, OpenMode::Existing, old.clone()).await {
        Ok(store) => store.begin_rotation(new.clone()),
        Err(tabara_store::StoreError::RotationUnfinished { .. })
        | Err(tabara_store::StoreError::WrongKey { .. }) => {
            Store::open_for_rotation(&location, old, new.clone()).await?
        }
        Err(e) => return Err(e.into()),
    };
    let rotation = store
        .rotate_keys(&cli_actor(), args.batch, args.max_batches)
        .await?;
    if cli.json {
        outln!("{}", serde_json::to_string_pretty(&rotation)?);
    } else if rotation.finished {
        outln!(
            "{}",
            t!(
                lang,
                "key-rotated",
                from = rotation.from.as_str(),
                to = rotation.to.as_str(),
                count = rotation.rewrapped,
                new = new_path.display().to_string(),
                old = old_path.display().to_string()
            )
        );
    } else {
        outln!(
            "{}",
            t!(lang, "key-rotation-paused", count = rotation.rewrapped)
        );
    }
    Ok(if rotation.finished {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    })
}

/// `tabara key create`.
fn key_create(cli: &Cli, args: &crate::KeyCreateArgs) -> Result<ExitCode> {
    let location = Location::parse(&cli.database)?;
    if args.signing {
        let Some(path) = signing_key_path(cli, &location) else {
            bail!(t!(lang(cli), "error-signing-key-no-default"));
        };
        let key = keys::create_signing_key(&path)?;
        println!(
            "{}",
            t!(
                lang(cli),
                "signing-key-created",
                path = path.display().to_string(),
                key = key.public().hex()
            )
        );
        return Ok(ExitCode::SUCCESS);
    }
    let path = key_path(cli, &location)?;
    let key = keys::create_master_key(&path)?;
    println!(
        "{}",
        t!(
            lang(cli),
            "key-created-id",
            path = path.display().to_string(),
            id = key.id().0
        )
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn run(cli: Cli) -> Result<ExitCode> {
    match &cli.command {
        Command::Init(args) => init(&cli, args).await,
        Command::Demo(args) => demo(&cli, args).await,
        Command::Case(CaseCommand::List(args)) => case_list(&cli, args).await,
        Command::Case(CaseCommand::Show(args)) => case_show(&cli, args).await,
        Command::Case(CaseCommand::Hold(args)) => erasure::case_hold(&cli, args).await,
        Command::Case(CaseCommand::Holds(args)) => erasure::case_holds(&cli, args).await,
        Command::Case(CaseCommand::Release(args)) => erasure::case_release(&cli, args).await,
        Command::Person(PersonCommand::Erase(args)) => erasure::person_erase(&cli, args).await,
        Command::Person(PersonCommand::Report(args)) => erasure::person_report(&cli, args).await,
        Command::Retention(RetentionCommand::Report(args)) => {
            retention::run(&cli, &args.rules, true).await
        }
        Command::Retention(RetentionCommand::Run(args)) => {
            retention::run(&cli, &args.rules, false).await
        }
        Command::Custody(CustodyCommand::List(args)) => custody_list(&cli, args).await,
        Command::Field(FieldCommand::Issue(args)) => field::issue(&cli, args).await,
        Command::Field(FieldCommand::List(args)) => field::list(&cli, args).await,
        Command::Field(FieldCommand::Revoke(args)) => field::revoke(&cli, args).await,
        Command::Mrz(MrzCommand::Check(args)) => mrz_check(&cli, args),
        Command::Mrz(MrzCommand::Read(args)) => mrz::mrz_read(&cli, args),
        Command::Mrz(MrzCommand::ImportLost(args)) => mrz_import_lost(&cli, args).await,
        Command::Mrz(MrzCommand::Lost(args)) => mrz_lost(&cli, args).await,
        Command::File(FileCommand::Put(args)) => files::put(&cli, args).await,
        Command::File(FileCommand::List(args)) => files::list(&cli, args).await,
        Command::File(FileCommand::Get(args)) => files::get(&cli, args).await,
        Command::Backup(BackupCommand::Create(args)) => backup::create(&cli, args).await,
        Command::Backup(BackupCommand::Verify(args)) => backup::verify(&cli, args).await,
        Command::Backup(BackupCommand::Restore(args)) => backup::restore(&cli, args).await,
        Command::Audit(AuditCommand::Verify(args)) => audit_verify(&cli, args).await,
        Command::Audit(AuditCommand::Log(args)) => audit_log(&cli, args).await,
        Command::Audit(AuditCommand::Checkpoint(args)) => audit_checkpoint(&cli, args).await,
        Command::Audit(AuditCommand::Prove(args)) => audit_prove(&cli, args).await,
        Command::Audit(AuditCommand::Consistency(args)) => audit_consistency(&cli, args).await,
        Command::Screening(ScreeningCommand::Explain(args)) => screening_explain(&cli, args).await,
        Command::Referral(ReferralCommand::List(args)) => referral_list(&cli, args).await,
        Command::Export(args) => export(&cli, args).await,
        Command::User(command) => user(&cli, command).await,
        Command::Serve(args) => serve_command(&cli, args).await,
        Command::Alerts(AlertsCommand::Run(args)) => alerts_run(&cli, args).await,
        Command::Key(KeyCommand::Create(args)) => key_create(&cli, args),
        Command::Key(KeyCommand::Rotate(args)) => key_rotate(&cli, args).await,
        Command::Key(KeyCommand::Backup(args)) => backup::create_keys(&cli, args).await,
    }
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
