//! `backup create`, `backup verify`, `backup restore` and `key backup` (issue 13).

use std::process::ExitCode;

use anyhow::{Context as _, Result};
use tabara_core::checkpoint::PublicKey;
use tabara_i18n::t;
use tabara_store::backup::{BackupMade, PersonKeys, Restored};
use tabara_store::{Location, OpenMode, Store, Verification, keys};

use super::errors::problem_text;
use super::{key_path, lang, open, signing_key};
use crate::{BackupCreateArgs, BackupFileArgs, BackupRestoreArgs, Cli, KeySourceArgs};

/// The key whose backups are trusted: the one given, or the signing key file's.
fn trusted(cli: &Cli, given: Option<&str>) -> Result<PublicKey> {
    match given {
        Some(hex) => PublicKey::from_hex(hex)
            .ok_or_else(|| anyhow::anyhow!(t!(lang(cli), "error-public-key", key = hex))),
        None => Ok(signing_key(cli)?.public()),
    }
}

fn reader(cli: &Cli, path: &std::path::Path) -> Result<std::io::BufReader<std::fs::File>> {
    let shown = path.display().to_string();
    let f = std::fs::File::open(path)
        .with_context(|| t!(lang(cli), "error-backup-read", path = shown.as_str()))?;
    Ok(std::io::BufReader::with_capacity(1 << 20, f))
}

/// A new file for a backup or key backup, owner-only, never replacing one.
fn new_file(cli: &Cli, path: &std::path::Path) -> Result<std::fs::File> {
    let shown = path.display().to_string();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
        .open(path)
        .with_context(|| t!(lang(cli), "error-backup-write", path = shown.as_str()))
}

/// Write a backup (or, with `keys`, a key backup) of `store` to `path`; half a file is removed.
async fn write(cli: &Cli, store: &Store, path: &std::path::Path, keys: bool) -> Result<BackupMade> {
    let signing = signing_key(cli)?;
    let out = std::io::BufWriter::with_capacity(1 << 20, new_file(cli, path)?);
    let made = if keys {
        store.create_key_backup(out, &signing).await
    } else {
        store.create_backup(out, &signing).await
    };
    made.inspect_err(|_| {
        // Half a backup is no backup.
        let _ = std::fs::remove_file(path);
    })
    .map_err(Into::into)
}

pub(super) async fn create(cli: &Cli, args: &BackupCreateArgs) -> Result<ExitCode> {
    let lang = lang(cli);
    signing_key(cli)?;
    let store = open(cli, OpenMode::Existing).await?;
    let made = write(cli, &store, &args.output, false).await?;
    let shown = args.output.display().to_string();
    if cli.json {
        outln!("{}", serde_json::to_string_pretty(&made)?);
    } else {
        let rows: u64 = made.trailer.tables.values().sum();
        outln!(
            "{}",
            t!(
                lang,
                "backup-created",
                path = shown.as_str(),
                rows = rows,
                entries = made.trailer.audit_seq,
                key = made.header.master_key.as_str()
            )
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `key backup`.
pub(super) async fn create_keys(cli: &Cli, args: &BackupCreateArgs) -> Result<ExitCode> {
    let lang = lang(cli);
    signing_key(cli)?;
    let store = open(cli, OpenMode::Existing).await?;
    let made = write(cli, &store, &args.output, true).await?;
    let shown = args.output.display().to_string();
    if cli.json {
        outln!("{}", serde_json::to_string_pretty(&made)?);
    } else {
        let count = |t: &str| made.trailer.tables.get(t).copied().unwrap_or(0);
        outln!(
            "{}",
            t!(
                lang,
                "key-backup-created",
                path = shown.as_str(),
                persons = count("person_keys"),
                erased = count("erased"),
                key = made.header.master_key.as_str()
            )
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The key backup a restore takes the persons' keys from: the file given, or one made now from
/// the register given (in a folder of its own, removed with `scratch`).
async fn key_source(
    cli: &Cli,
    args: &KeySourceArgs,
    master: &tabara_core::protect::MasterKey,
    trusted: &PublicKey,
    scratch: &std::path::Path,
) -> Result<Option<PersonKeys>> {
    let lang = lang(cli);
    let path = match (&args.keys, &args.keys_from) {
        (Some(path), _) => {
            return Ok(Some(PersonKeys {
                input: Box::new(reader(cli, path)?),
                trusted: *trusted,
            }));
        }
        (None, Some(register)) => {
            let from = Location::parse(register)?;
            let store = Store::open(&from, OpenMode::Existing, master.clone())
                .await
                .with_context(|| t!(lang, "error-open", location = from.redacted()))?;
            std::fs::create_dir_all(scratch)?;
            let path = scratch.join("keys");
            let made = write(cli, &store, &path, true).await;
            store.close().await;
            made?;
            path
        }
        (None, None) => return Ok(None),
    };
    Ok(Some(PersonKeys {
        input: Box::new(reader(cli, &path)?),
        trusted: signing_key(cli)?.public(),
    }))
}

/// What a restore did with the persons' keys, in words.
fn keys_said(cli: &Cli, restored: &Restored) -> String {
    let lang = lang(cli);
    match &restored.keys {
        Some(keys) => t!(
            lang,
            "backup-keys-given",
            persons = restored.persons_keyed,
            made = keys
                .header
                .created_at
                .format("%Y-%m-%d %H:%M UTC")
                .to_string(),
            erased = restored.erasures_replayed
        ),
        None => t!(lang, "backup-keys-none"),
    }
}

pub(super) async fn verify(cli: &Cli, args: &BackupFileArgs) -> Result<ExitCode> {
    let lang = lang(cli);
    let trusted = trusted(cli, args.public_key.as_deref())?;
    let location = Location::parse(&cli.database)?;
    let master = keys::load_master_key(&key_path(cli, &location)?)?;
    let dir = std::env::temp_dir().join(format!("tabara-verify-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir)?;
    let scratch = Location::Sqlite(dir.join("scratch.db"));
    let outcome = async {
        let keys = key_source(cli, &args.source, &master, &trusted, &dir.join("keys")).await?;
        let restored = Store::restore_backup(
            &scratch,
            master.clone(),
            reader(cli, &args.file)?,
            &trusted,
            keys,
        )
        .await?;
        let store = Store::open(&scratch, OpenMode::Existing, master).await?;
        let chain = store.verify_audit().await?;
        let integrity = store.integrity_check().await?;
        store.close().await;
        anyhow::Ok((restored, chain, integrity))
    }
    .await;
    let _ = std::fs::remove_dir_all(&dir);
    let (restored, chain, integrity) = outcome?;
    let rows: u64 = restored.trailer.tables.values().sum();
    let mut ok = true;
    if let Verification::Broken { seq, reason } = &chain {
        ok = false;
        outln!(
            "{}",
            t!(
                lang,
                "audit-broken",
                seq = *seq,
                problem = problem_text(reason, lang)
            )
        );
    }
    if integrity != ["ok"] {
        ok = false;
        outln!(
            "{}",
            t!(lang, "backup-integrity", problems = integrity.join("; "))
        );
    }
    if ok {
        outln!(
            "{}",
            t!(
                lang,
                "backup-ok",
                tables = restored.trailer.tables.len(),
                rows = rows,
                entries = restored.trailer.audit_seq,
                made = restored
                    .header
                    .created_at
                    .format("%Y-%m-%d %H:%M UTC")
                    .to_string(),
                source = restored.header.source.as_str()
            )
        );
        outln!("{}", keys_said(cli, &restored));
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

pub(super) async fn restore(cli: &Cli, args: &BackupRestoreArgs) -> Result<ExitCode> {
    let lang = lang(cli);
    let trusted = trusted(cli, args.public_key.as_deref())?;
    let location = Location::parse(&cli.database)?;
    let path = key_path(cli, &location)?;
    let master = keys::load_master_key(&path)?;
    let scratch = std::env::temp_dir().join(format!("tabara-restore-{}", uuid::Uuid::now_v7()));
    let restored = async {
        let keys = key_source(cli, &args.source, &master, &trusted, &scratch).await?;
        Store::restore_backup(
            &location,
            master.clone(),
            reader(cli, &args.file)?,
            &trusted,
            keys,
        )
        .await
        .map_err(anyhow::Error::from)
    }
    .await;
    let _ = std::fs::remove_dir_all(&scratch);
    let restored = restored
        .with_context(|| t!(lang, "error-backup-restore", location = location.redacted()))?;
    let store = Store::open(&location, OpenMode::Existing, master).await?;
    let chain = store.verify_audit().await?;
    store.close().await;
    let rows: u64 = restored.trailer.tables.values().sum();
    outln!(
        "{}",
        t!(
            lang,
            "backup-restored",
            location = location.redacted(),
            rows = rows
        )
    );
    outln!("{}", keys_said(cli, &restored));
    match chain {
        Verification::Ok { entries } => outln!("{}", t!(lang, "audit-ok", entries = entries)),
        Verification::Broken { seq, reason } => {
            outln!(
                "{}",
                t!(
                    lang,
                    "audit-broken",
                    seq = seq,
                    problem = problem_text(&reason, lang)
                )
            );
            return Ok(ExitCode::from(1));
        }
    }
    Ok(ExitCode::SUCCESS)
}
