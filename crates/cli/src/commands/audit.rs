//! `audit verify` (the audit chain checked against the register) and `audit log`.

use std::process::ExitCode;

use anyhow::Result;
use tabara_i18n::t;
use tabara_store::{OpenMode, Verification};

use super::errors::problem_text;
use super::{lang, open};
use crate::output;
use crate::{AuditLogArgs, Cli};

pub(super) async fn audit_verify(cli: &Cli) -> Result<ExitCode> {
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

pub(super) async fn audit_log(cli: &Cli, args: &AuditLogArgs) -> Result<ExitCode> {
    let store = open(cli, OpenMode::Existing).await?;
    let entries = store.audit_entries(args.after, args.limit).await?;
    output::audit_log(&entries, lang(cli), cli.json)?;
    Ok(ExitCode::SUCCESS)
}
