//! `case list` and `case show`.

use std::process::ExitCode;

use anyhow::{Result, bail};
use tabara_core::htcds::{CaseStatus, ExploitationType};
use tabara_core::records::parse_case_reference;
use tabara_i18n::t;
use tabara_store::{CaseFilter, OpenMode, PageRequest};

use super::{cli_actor, lang, open, pick};
use crate::Cli;
use crate::output;

pub(super) async fn case_list(cli: &Cli, args: &crate::CaseListArgs) -> Result<ExitCode> {
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

pub(super) async fn case_show(cli: &Cli, args: &crate::CaseShowArgs) -> Result<ExitCode> {
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
