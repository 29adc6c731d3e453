//! `backup create`, `backup verify` and `backup restore` (issue 13).

use std::process::ExitCode;

use anyhow::{Context as _, Result};
use tabara_core::checkpoint::PublicKey;
use tabara_i18n::t;
use tabara_store::{Location, OpenMode, Store, Verification, keys};

use super::errors::problem_text;
use super::{key_path, lang, open, signing_key};
use crate::{BackupCreateArgs, BackupFileArgs, BackupRestoreArgs, Cli};

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

pub(super) async fn create(cli: &Cli, args: &BackupCreateArgs) -> Result<ExitCode> {
    let lang = lang(cli);
    let signing = signing_key(cli)?;
    let store = open(cli, OpenMode::Existing).await?;
    let shown = args.output.display().to_string();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options
        .open(&args.output)
        .with_context(|| t!(lang, "error-backup-write", path = shown.as_str()))?;
    let made = match store
        .create_backup(std::io::BufWriter::with_capacity(1 << 20, file), &signing)
        .await
    {
        Ok(m) => m,
        Err(e) => {
            // Half a backup is no backup.
            let _ = std::fs::remove_file(&args.output);
            return Err(e.into());
        }
    };
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

pub(super) async fn verify(cli: &Cli, args: &BackupFileArgs) -> Result<ExitCode> {
    let lang = lang(cli);
    let trusted = trusted(cli, args.public_key.as_deref())?;
    let location = Location::parse(&cli.database)?;
    let master = keys::load_master_key(&key_path(cli, &location)?)?;
    let dir = std::env::temp_dir().join(format!("tabara-verify-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir)?;
    let scratch = Location::Sqlite(dir.join("scratch.db"));
    let outcome = async {
        let restored = Store::restore_backup(
            &scratch,
            master.clone(),
            reader(cli, &args.file)?,
            &trusted,
            &[],
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
    let erased = match &args.erasures_from {
        Some(other) => {
            let from = Location::parse(other)?;
            let store = Store::open(&from, OpenMode::Existing, master.clone())
                .await
                .with_context(|| t!(lang, "error-open", location = from.redacted()))?;
            let ids = store.erased_persons().await?;
            store.close().await;
            ids
        }
        None => Vec::new(),
    };
    let restored = Store::restore_backup(
        &location,
        master.clone(),
        reader(cli, &args.file)?,
        &trusted,
        &erased,
    )
    .await
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
            rows = rows,
            erased = restored.erasures_replayed
        )
    );
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
