//! `field issue`, `field list`, `field revoke` (issue 16): the phones of offline field capture
//! for scripts (issuing a batch of phones for a border post, revoking a lost one). A phone's
//! token is printed once, at issue; the register keeps only its hash and a sealed copy.

use std::process::ExitCode;

use anyhow::{Context as _, Result, anyhow};
use tabara_i18n::t;
use tabara_store::OpenMode;

use super::{cli_actor, lang, open};
use crate::{Cli, FieldIssueArgs, FieldListArgs, FieldRevokeArgs};

async fn account(
    store: &tabara_store::Store,
    lang: tabara_core::Lang,
    name: &str,
) -> Result<tabara_store::User> {
    store
        .user_by_username(name.trim())
        .await?
        .ok_or_else(|| anyhow!(t!(lang, "error-user-unknown", username = name.trim())))
}

pub(super) async fn issue(cli: &Cli, args: &FieldIssueArgs) -> Result<ExitCode> {
    let lang = lang(cli);
    let store = open(cli, OpenMode::Existing).await?;
    let user = account(&store, lang, &args.user).await?;
    let base = args.public_url.trim_end_matches('/');
    let mut issued = Vec::new();
    for n in 1..=args.count.max(1) {
        let label = if args.count > 1 {
            format!("{} {n}", args.label.trim())
        } else {
            args.label.trim().to_string()
        };
        let d = store
            .issue_field_device(&cli_actor(), user.organisation_id, user.id, &label)
            .await
            .with_context(|| t!(lang, "field-cli-issue-refused"))?;
        issued.push(serde_json::json!({
            "id": d.device.id,
            "label": d.device.label,
            "login": d.device.login,
            "token": d.token,
            "server_url": format!("{base}/openrosa/key/{}", d.token),
            "agency_server_url": format!("{base}/openrosa/agency/{}", user.organisation_id),
        }));
    }
    if cli.json {
        outln!("{}", serde_json::to_string_pretty(&issued)?);
    } else {
        for d in &issued {
            outln!(
                "{}",
                t!(
                    lang,
                    "field-cli-issued",
                    label = d["label"].as_str().unwrap_or(""),
                    login = d["login"].as_str().unwrap_or(""),
                    token = d["token"].as_str().unwrap_or(""),
                    url = d["server_url"].as_str().unwrap_or("")
                )
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) async fn list(cli: &Cli, args: &FieldListArgs) -> Result<ExitCode> {
    let lang = lang(cli);
    let store = open(cli, OpenMode::Existing).await?;
    let user = account(&store, lang, &args.user).await?;
    let devices = store.field_devices(user.organisation_id).await?;
    if cli.json {
        outln!("{}", serde_json::to_string_pretty(&devices)?);
        return Ok(ExitCode::SUCCESS);
    }
    if devices.is_empty() {
        outln!("{}", t!(lang, "field-cli-none"));
    }
    for d in &devices {
        let seen = d
            .last_seen_at
            .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
            .unwrap_or_else(|| t!(lang, "field-never-seen"));
        let state = match d.revoked_at {
            Some(_) => t!(lang, "field-revoked"),
            None => String::new(),
        };
        outln!("{}\t{}\t{}\t{seen}\t{state}", d.id, d.login, d.label);
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) async fn revoke(cli: &Cli, args: &FieldRevokeArgs) -> Result<ExitCode> {
    let lang = lang(cli);
    let store = open(cli, OpenMode::Existing).await?;
    let id: uuid::Uuid = args
        .id
        .trim()
        .parse()
        .map_err(|_| anyhow!(t!(lang, "field-cli-bad-id", value = args.id.trim())))?;
    store
        .revoke_field_device(&cli_actor(), id)
        .await
        .with_context(|| t!(lang, "field-cli-revoke-refused", value = id.to_string()))?;
    outln!("{}", t!(lang, "field-cli-revoked", value = id.to_string()));
    Ok(ExitCode::SUCCESS)
}
