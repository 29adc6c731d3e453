//! `referral list`: the open referrals of an agency's inbox, or the overdue ones, for scripts
//! and reports. Nothing personal is printed: referral ids, case references, agencies, services,
//! status and moments.

use std::collections::HashMap;
use std::process::ExitCode;

use anyhow::{Result, bail};
use chrono::Utc;
use tabara_i18n::t;
use tabara_store::{InboxSide, OpenMode};

use super::{lang, open, unique_by_name};
use crate::output::{self, ReferralLine};
use crate::{Cli, ReferralListArgs, ReferralSide};

pub(super) async fn referral_list(cli: &Cli, args: &ReferralListArgs) -> Result<ExitCode> {
    let lang = lang(cli);
    let store = open(cli, OpenMode::Existing).await?;
    let now = Utc::now();
    let organisations = store.organisations().await?;
    let agency = match &args.agency {
        Some(name) => Some(unique_by_name(&organisations, |o| &o.name, name, lang, "--agency")?.id),
        None => None,
    };
    let referrals = match (agency, args.overdue) {
        (Some(agency), overdue) => {
            let side = match args.side {
                ReferralSide::Incoming => InboxSide::Incoming,
                ReferralSide::Outgoing => InboxSide::Outgoing,
            };
            let mut list = store
                .referral_inbox(agency, side, now, 0, args.limit)
                .await?;
            if overdue {
                list.retain(|r| r.inbox_key(now).overdue);
            }
            list
        }
        (None, true) => store.overdue_referrals(now, args.limit).await?,
        (None, false) => bail!(t!(lang, "referral-list-agency-needed")),
    };
    let names: HashMap<_, _> = organisations
        .iter()
        .map(|o| (o.id, o.name.as_str()))
        .collect();
    let mut lines = Vec::with_capacity(referrals.len());
    for r in &referrals {
        let case = store.case(r.case_id).await?;
        lines.push(ReferralLine {
            id: r.id.to_string(),
            case: case.reference(),
            from: names.get(&r.sender_id).copied().unwrap_or("-").to_string(),
            to: names
                .get(&r.recipient_id)
                .copied()
                .unwrap_or("-")
                .to_string(),
            services: r.services.iter().map(|s| s.as_str().to_string()).collect(),
            state: r.state,
            urgent: r.urgent,
            overdue: r.inbox_key(now).overdue,
            sent_at: r.sent_at,
            due_at: r.due_at,
        });
    }
    output::referral_list(&lines, lang, cli.json)?;
    Ok(ExitCode::SUCCESS)
}
