//! `init` (the first administrator) and `user` (accounts, one-time credentials, API tokens).

use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use tabara_core::htcds::OrgType;
use tabara_core::ids::{OrganisationId, UserId};
use tabara_core::records::Organisation;
use tabara_core::{Country, Picklist, Role, password};
use tabara_i18n::t;
use tabara_store::{FirstCredential, Location, NewUser, OpenMode};

use super::{cli_actor, lang, open, unique_by_name};
use crate::Cli;

/// How long a one-time credential from `user add` / `user reset` signs in.
const ONE_TIME_VALIDITY: chrono::Duration = chrono::Duration::hours(72);

pub(super) async fn init(cli: &Cli, args: &crate::InitArgs) -> Result<ExitCode> {
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

pub(super) async fn user(cli: &Cli, command: &crate::UserCommand) -> Result<ExitCode> {
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
        ResetSecondFactor(arg) => {
            let u = find(arg.username.clone()).await?;
            let key = if store.reset_second_factor(&actor, u.id).await? {
                "user-second-factor-reset"
            } else {
                "user-second-factor-none"
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
