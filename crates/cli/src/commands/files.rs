//! `file put`, `file list` and `file get` (issue 13): files about a person of a case, kept
//! sealed in the register (or the `--files-dir` folder), streamed in and out.

use std::io::Write as _;
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use sha2::{Digest, Sha256};
use tabara_core::Picklist as _;
use tabara_core::files::{self, FilePurpose};
use tabara_core::ids::PersonId;
use tabara_core::records::parse_case_reference;
use tabara_i18n::t;
use tabara_store::OpenMode;
use tabara_store::files::NewFile;

use super::{cli_actor, lang, open, pick};
use crate::{Cli, FileGetArgs, FileListArgs, FilePutArgs};

fn person_id(cli: &Cli, text: &str) -> Result<PersonId> {
    text.trim()
        .parse::<uuid::Uuid>()
        .map(PersonId)
        .map_err(|_| anyhow::anyhow!(t!(lang(cli), "error-person-id", value = text)))
}

async fn case_of(
    cli: &Cli,
    store: &tabara_store::Store,
    text: &str,
) -> Result<tabara_core::records::Case> {
    let Some(number) = parse_case_reference(text) else {
        bail!(t!(lang(cli), "error-case-reference", value = text));
    };
    Ok(store.case_by_number(number).await?)
}

pub(super) async fn put(cli: &Cli, args: &FilePutArgs) -> Result<ExitCode> {
    let lang = lang(cli);
    let purpose: FilePurpose = pick(&args.purpose, lang, "error-file-purpose")?;
    let limit = files::limit_from_mb(args.max_mb).map_err(|e| anyhow::anyhow!(e))?;
    let person = person_id(cli, &args.person)?;
    let input = tokio::fs::File::open(&args.path).await.with_context(|| {
        t!(
            lang,
            "error-file-open",
            path = args.path.display().to_string()
        )
    })?;
    let store = open(cli, OpenMode::Existing).await?;
    let case = case_of(cli, &store, &args.case).await?;
    let name = args
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let f = store
        .put_file(
            &cli_actor(),
            NewFile {
                case: case.id,
                person,
                purpose,
                name: &name,
                declared_type: None,
                limit,
            },
            tokio::io::BufReader::new(input),
        )
        .await?;
    if cli.json {
        outln!("{}", serde_json::to_string_pretty(&f)?);
    } else {
        outln!(
            "{}",
            t!(
                lang,
                "file-kept",
                id = f.id.to_string(),
                kind = f.content_type.label(lang),
                size = f.size,
                sha256 = f.sha256.as_str()
            )
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) async fn list(cli: &Cli, args: &FileListArgs) -> Result<ExitCode> {
    let lang = lang(cli);
    let person = person_id(cli, &args.person)?;
    let store = open(cli, OpenMode::Existing).await?;
    let case = case_of(cli, &store, &args.case).await?;
    let found = store.files_of(case.id, person).await?;
    if cli.json {
        outln!("{}", serde_json::to_string_pretty(&found)?);
        return Ok(ExitCode::SUCCESS);
    }
    if found.is_empty() {
        outln!("{}", t!(lang, "file-none-listed", case = case.reference()));
    }
    for f in &found {
        let state = if f.erased_at.is_some() {
            t!(lang, "file-erased")
        } else {
            String::new()
        };
        outln!(
            "{}  {}  {}  {}  {}  {}  {}",
            f.id,
            f.purpose.value_name(),
            f.content_type.value_name(),
            f.size,
            f.sha256,
            f.uploaded_at.format("%Y-%m-%d %H:%M"),
            state
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) async fn get(cli: &Cli, args: &FileGetArgs) -> Result<ExitCode> {
    let lang = lang(cli);
    let Ok(id) = args.file.trim().parse::<uuid::Uuid>() else {
        bail!(t!(lang, "error-file-id", value = args.file.as_str()));
    };
    if args.output.exists() {
        bail!(t!(
            lang,
            "error-output-exists",
            path = args.output.display().to_string()
        ));
    }
    let store = open(cli, OpenMode::Existing).await?;
    let (_, mut reader) = store.read_file(&cli_actor(), id).await?;
    // Written beside the output and renamed once whole and hashed right: a failed read leaves
    // no partial file behind.
    let mut part = args.output.as_os_str().to_owned();
    part.push(".part");
    let part = std::path::PathBuf::from(part);
    let written: Result<()> = async {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&part)?);
        let mut hasher = Sha256::new();
        while let Some(chunk) = reader.next_chunk().await? {
            hasher.update(&chunk);
            out.write_all(&chunk)?;
        }
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        if hex::encode(hasher.finalize()) != reader.file().sha256 {
            bail!(t!(lang, "error-file-hash"));
        }
        Ok(())
    }
    .await;
    if let Err(e) = written {
        let _ = std::fs::remove_file(&part);
        return Err(e);
    }
    std::fs::rename(&part, &args.output)?;
    let f = reader.file();
    if cli.json {
        outln!("{}", serde_json::to_string_pretty(f)?);
    } else {
        outln!(
            "{}",
            t!(
                lang,
                "file-written",
                path = args.output.display().to_string(),
                size = f.size,
                sha256 = f.sha256.as_str()
            )
        );
    }
    Ok(ExitCode::SUCCESS)
}
