//! `export`: victims as HTCDS rows, in a file only its owner reads.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};
use tabara_i18n::t;
use tabara_store::OpenMode;

use super::{cli_actor, lang, open};
use crate::Cli;
use crate::output;

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

pub(super) async fn export(cli: &Cli, args: &crate::ExportArgs) -> Result<ExitCode> {
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
