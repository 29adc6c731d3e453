//! `audit verify` (the audit chain checked against the register, and against a signed
//! checkpoint kept elsewhere), `audit log`, `audit checkpoint`, `audit prove` and `audit
//! consistency`.

use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use tabara_core::Lang;
use tabara_core::checkpoint::{CheckpointError, MAX_TEXT, PublicKey, Signed, encode_hex};
use tabara_i18n::t;
use tabara_store::{CheckpointCheck, OpenMode, Store, Verification};

use super::errors::problem_text;
use super::{lang, open, signing_key};
use crate::output;
use crate::{
    AuditCheckpointArgs, AuditConsistencyArgs, AuditLogArgs, AuditProveArgs, AuditVerifyArgs, Cli,
};

pub(super) async fn audit_verify(cli: &Cli, args: &AuditVerifyArgs) -> Result<ExitCode> {
    // The checkpoint and the key to trust are read first: a bad file stops before the long walk.
    let checkpoint = match &args.checkpoint {
        Some(path) => Some(trusted_checkpoint(cli, path, args.public_key.as_deref())?),
        None => None,
    };
    let store = open(cli, OpenMode::Existing).await?;
    let result = store.verify_audit().await?;
    let check = match &checkpoint {
        Some(signed) => Some(store.check_checkpoint(&signed.checkpoint).await?),
        None => None,
    };
    if cli.json {
        let value = match &check {
            Some(c) => serde_json::json!({ "chain": result, "checkpoint": c }),
            None => serde_json::to_value(&result)?,
        };
        outln!("{}", serde_json::to_string_pretty(&value)?);
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
        if let Some(c) = &check {
            outln!("{}", checkpoint_text(c, lang(cli)));
        }
    }
    let chain_ok = matches!(result, Verification::Ok { .. });
    Ok(
        if chain_ok && check.as_ref().is_none_or(CheckpointCheck::matches) {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        },
    )
}

/// A checkpoint file read, its signature checked, and its signer the one trusted: the key
/// given, or the register's own signing key.
fn trusted_checkpoint(cli: &Cli, path: &std::path::Path, public: Option<&str>) -> Result<Signed> {
    let lang = lang(cli);
    let shown = path.display().to_string();
    let bytes = std::fs::read(path)
        .with_context(|| t!(lang, "error-checkpoint-read", path = shown.as_str()))?;
    if bytes.len() > MAX_TEXT {
        bail!(t!(
            lang,
            "error-checkpoint-invalid",
            path = shown.as_str(),
            why = checkpoint_error(&CheckpointError::TooLong(bytes.len()), lang)
        ));
    }
    let text = String::from_utf8_lossy(&bytes);
    let signed = Signed::parse(&text).map_err(|e| {
        anyhow::anyhow!(t!(
            lang,
            "error-checkpoint-invalid",
            path = shown.as_str(),
            why = checkpoint_error(&e, lang)
        ))
    })?;
    let trusted = match public {
        Some(hex) => PublicKey::from_hex(hex)
            .ok_or_else(|| anyhow::anyhow!(t!(lang, "error-public-key", key = hex)))?,
        None => signing_key(cli)?.public(),
    };
    if signed.key != trusted {
        bail!(t!(
            lang,
            "error-checkpoint-signer",
            path = shown.as_str(),
            signer = signed.key.hex(),
            trusted = trusted.hex()
        ));
    }
    Ok(signed)
}

fn checkpoint_error(e: &CheckpointError, lang: Lang) -> String {
    match e {
        CheckpointError::TooLong(n) => t!(lang, "checkpoint-error-too-long", bytes = *n),
        CheckpointError::Header => t!(lang, "checkpoint-error-header"),
        CheckpointError::Field(name) => t!(lang, "checkpoint-error-field", field = *name),
        CheckpointError::Trailing => t!(lang, "checkpoint-error-trailing"),
        CheckpointError::BadSignature => t!(lang, "checkpoint-error-signature"),
    }
}

fn checkpoint_text(c: &CheckpointCheck, lang: Lang) -> String {
    match c {
        CheckpointCheck::Matches { size, after } => {
            t!(lang, "checkpoint-matches", size = *size, after = *after)
        }
        CheckpointCheck::Shorter { size, entries } => {
            t!(lang, "checkpoint-shorter", size = *size, entries = *entries)
        }
        CheckpointCheck::Missing { seq, size } => {
            t!(lang, "checkpoint-missing", size = *size, seq = *seq)
        }
        CheckpointCheck::Rewritten { size, root } => {
            t!(
                lang,
                "checkpoint-rewritten",
                size = *size,
                root = root.as_str()
            )
        }
        CheckpointCheck::HeadDiffers { size } => t!(lang, "checkpoint-head-differs", size = *size),
    }
}

pub(super) async fn audit_log(cli: &Cli, args: &AuditLogArgs) -> Result<ExitCode> {
    let store = open(cli, OpenMode::Existing).await?;
    let entries = store.audit_entries(args.after, args.limit).await?;
    output::audit_log(&entries, lang(cli), cli.json)?;
    Ok(ExitCode::SUCCESS)
}

/// `audit checkpoint`: made, kept, and printed or written to a new file.
pub(super) async fn audit_checkpoint(cli: &Cli, args: &AuditCheckpointArgs) -> Result<ExitCode> {
    let key = signing_key(cli)?;
    let store = open(cli, OpenMode::Existing).await?;
    let signed = store.make_checkpoint(&key).await?;
    write_checkpoint(cli, &signed, args.output.as_deref())?;
    Ok(ExitCode::SUCCESS)
}

fn write_checkpoint(cli: &Cli, signed: &Signed, output: Option<&std::path::Path>) -> Result<()> {
    let text = signed.text();
    match output {
        Some(path) => {
            use std::io::Write as _;
            let shown = path.display().to_string();
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
                .with_context(|| t!(lang(cli), "error-checkpoint-write", path = shown.as_str()))?;
            f.write_all(text.as_bytes())
                .and_then(|_| f.sync_all())
                .with_context(|| t!(lang(cli), "error-checkpoint-write", path = shown.as_str()))?;
            eprintln!(
                "{}",
                t!(
                    lang(cli),
                    "checkpoint-written",
                    path = shown.as_str(),
                    size = signed.checkpoint.size
                )
            );
        }
        None if cli.json => outln!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "size": signed.checkpoint.size,
                "root": encode_hex(&signed.checkpoint.root),
                "head": encode_hex(&signed.checkpoint.head),
                "time": signed.checkpoint.time,
                "key": signed.key.hex(),
                "text": text,
            }))?
        ),
        None => out!("{text}"),
    }
    Ok(())
}

/// `serve`'s checkpoints: one every `seconds` when the log has grown, kept in the register
/// and, with a folder, written to it too.
pub(super) fn spawn_checkpoints(
    store: Store,
    cli: &Cli,
    seconds: u64,
    dir: Option<std::path::PathBuf>,
) {
    if seconds == 0 {
        return;
    }
    let key = match signing_key(cli) {
        Ok(k) => k,
        Err(e) => {
            tracing::warn!(error = %e, "no audit checkpoints will be made");
            return;
        }
    };
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(seconds));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last = None;
        loop {
            tick.tick().await;
            match store.make_checkpoint(&key).await {
                Ok(signed) if last != Some(signed.checkpoint.size) => {
                    last = Some(signed.checkpoint.size);
                    tracing::info!(size = signed.checkpoint.size, "audit checkpoint made");
                    if let Some(dir) = &dir {
                        let path = dir.join(format!("checkpoint-{}.txt", signed.checkpoint.size));
                        // Written aside, then renamed: a reader never sees half a file.
                        let aside = dir.join(format!(".checkpoint-{}.tmp", signed.checkpoint.size));
                        if !path.exists()
                            && let Err(e) = std::fs::write(&aside, signed.text())
                                .and_then(|_| std::fs::rename(&aside, &path))
                        {
                            tracing::error!(error = %e, path = %path.display(), "checkpoint not written");
                        }
                    }
                }
                Ok(_) => tracing::debug!("audit log unchanged since the last checkpoint"),
                Err(e) => tracing::error!(error = %e, "audit checkpoint failed"),
            }
        }
    });
}

/// `audit prove`.
pub(super) async fn audit_prove(cli: &Cli, args: &AuditProveArgs) -> Result<ExitCode> {
    let store = open(cli, OpenMode::Existing).await?;
    let proof = store.audit_inclusion(args.entry, args.size).await?;
    if cli.json {
        outln!("{}", serde_json::to_string_pretty(&proof)?);
    } else {
        let lang = lang(cli);
        outln!(
            "{}",
            t!(
                lang,
                "proof-inclusion",
                entry = proof.seq,
                size = proof.size
            )
        );
        outln!("entry_hash {}", proof.entry_hash);
        outln!("leaf {}", proof.leaf);
        outln!("root {}", proof.root);
        for p in &proof.path {
            outln!("path {p}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `audit consistency`.
pub(super) async fn audit_consistency(cli: &Cli, args: &AuditConsistencyArgs) -> Result<ExitCode> {
    let store = open(cli, OpenMode::Existing).await?;
    let proof = store.audit_consistency(args.from, args.to).await?;
    if cli.json {
        outln!("{}", serde_json::to_string_pretty(&proof)?);
    } else {
        let lang = lang(cli);
        outln!(
            "{}",
            t!(lang, "proof-consistency", old = proof.old, new = proof.new)
        );
        outln!("old_root {}", proof.old_root);
        outln!("new_root {}", proof.new_root);
        for p in &proof.path {
            outln!("path {p}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
