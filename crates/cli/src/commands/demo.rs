//! `demo`: a fictional register, generated deterministically from a seed.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use tabara_core::password;
use tabara_demo::{DEMO_PASSWORD, Demo};
use tabara_i18n::t;
use tabara_store::{Actor, Location, OpenMode};

use super::serve::serve;
use super::{lang, open, signing_key};
use crate::Cli;
use crate::output;

pub(super) async fn demo(cli: &Cli, args: &crate::DemoArgs) -> Result<ExitCode> {
    let lang = lang(cli);
    let started = Instant::now();
    let location = Location::parse(&cli.database)?;
    let store = open(cli, OpenMode::CreateIfMissing).await?;
    if args.reset {
        store.wipe().await?;
        store.migrate().await?;
    } else {
        let stats = store.stats().await?;
        if stats.users > 0 || stats.persons > 0 || stats.cases > 0 {
            bail!(t!(
                lang,
                "error-demo-has-data",
                location = location.redacted()
            ));
        }
    }
    let actor = Actor::system("demo");
    let mut generator = Demo::new(args.seed, args.persons);
    let reference = generator.reference().clone();
    // One hash for every demo account: they share the demo password by design.
    reference
        .write(&store, &actor, &password::hash_password(DEMO_PASSWORD))
        .await?;
    let bar = if cli.json {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(args.persons)
    };
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{{spinner}} {} {{pos}}/{{len}} [{{bar:30}}] {{percent}}% {{per_sec}} eta {{eta}}",
            t!(lang, "demo-progress")
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    // Generate the next batch while the store writes the current one.
    let batch_size = args.batch.clamp(100, 200_000);
    let (tx, mut rx) = tokio::sync::mpsc::channel(2);
    let producer = tokio::task::spawn_blocking(move || {
        while let Some(batch) = generator.next_batch(batch_size) {
            if tx.blocking_send(batch).is_err() {
                break;
            }
        }
        (generator.persons_made(), generator.cases_made())
    });
    store.begin_bulk_load().await?;
    while let Some(batch) = rx.recv().await {
        store.bulk_insert(&actor, &batch).await?;
        bar.inc(batch.persons.len() as u64);
    }
    store.end_bulk_load().await?;
    let (persons, cases) = producer.await?;
    bar.set_message("screenings");
    let screenings = tabara_demo::write_screenings(&store, &actor, args.seed, 120).await?;
    bar.set_message("shares");
    let shares = tabara_demo::write_shares(&store, &actor, &reference).await?;
    bar.set_message("assignments");
    let assignments = tabara_demo::write_assignments(&store, &actor, &reference).await?;
    bar.set_message("child pathways");
    store.open_missing_pathways().await?;
    let (_, pathways) = store.open_pathways(1).await?;
    bar.set_message("services");
    let services = tabara_demo::write_services(&store, &actor, &reference).await?;
    bar.set_message("referrals");
    let referrals =
        tabara_demo::write_referrals(&store, &actor, &reference, 25, 40, 20_000).await?;
    bar.set_message("risk assessments");
    let risks = tabara_demo::write_risk_assessments(&store, &actor, 40).await?;
    bar.set_message("training");
    let training = tabara_demo::write_training(&store, &actor, &reference, args.seed).await?;
    bar.set_message("investigations");
    let investigations = tabara_demo::write_investigations(&store, &actor, &reference).await?;
    for (id, close) in &investigations.to_refer {
        let Some(prosecution) = investigations.prosecution else {
            break;
        };
        let file = store.investigation_file(*id).await?;
        let case = store.case(file.investigation.case_id).await?;
        let d = tabara_web::dossier_pdf(&store, &actor, lang, &case, &file).await?;
        let kept = store
            .record_dossier(&actor, *id, &d.content_hash, &d.pdf, d.pages as i64, false)
            .await?;
        store.send_dossier(&actor, kept.id, prosecution).await?;
        if *close {
            let inv = store.investigation(*id).await?;
            store
                .investigation_step(
                    &actor,
                    inv.id,
                    inv.version,
                    tabara_core::investigation::StatusStep::Close,
                    "Jugement rendu par le tribunal de grande instance",
                )
                .await?;
        }
    }
    bar.set_message("documents");
    let lost = tabara_demo::write_lost_documents(&store, &actor).await?;
    let documents = tabara_demo::write_documents(&store, &actor, &reference).await?;
    bar.set_message("analysing");
    store.optimize().await?;
    bar.finish_and_clear();
    let stats = store.stats().await?;
    let elapsed = started.elapsed();
    output::demo_summary(
        &location.redacted(),
        &stats,
        persons,
        cases,
        elapsed,
        &reference,
        DEMO_PASSWORD,
        lang,
        cli.json,
    )?;
    if !cli.json {
        outln!("{}", t!(lang, "demo-screenings", count = screenings as i64));
        outln!("{}", t!(lang, "demo-shares", count = shares as i64));
        outln!("{}", t!(lang, "demo-pathways", count = pathways));
        outln!("{}", t!(lang, "demo-risks", count = risks as i64));
        outln!(
            "{}",
            t!(
                lang,
                "demo-referrals",
                count = referrals.referrals as i64,
                withdrawn = referrals.withdrawn as i64
            )
        );
        outln!(
            "{}",
            t!(lang, "demo-assignments", count = assignments as i64)
        );
        outln!(
            "{}",
            t!(
                lang,
                "demo-training",
                sessions = training.sessions as i64,
                participants = training.participants as i64,
                certificates = training.certificates as i64,
                distributions = training.distributions as i64
            )
        );
        outln!("{}", t!(lang, "demo-services", count = services as i64));
        outln!(
            "{}",
            t!(
                lang,
                "demo-investigations",
                count = investigations.investigations as i64,
                custody = investigations.in_custody as i64,
                evidence = investigations.evidence as i64
            )
        );
        outln!("{}", t!(lang, "demo-lost", count = lost as i64));
        outln!("{}", t!(lang, "demo-documents", count = documents as i64));
    }
    // The register starts with a signed checkpoint of its log, as a served one keeps: the
    // server's checkpoints then carry the tree on from it instead of hashing the whole log.
    if let Ok(signing) = signing_key(cli) {
        let signed = store.make_checkpoint(&signing).await?;
        if !cli.json {
            outln!(
                "{}",
                t!(
                    lang,
                    "demo-checkpoint",
                    size = signed.checkpoint.size as i64
                )
            );
        }
    }
    if args.serve {
        return serve(cli, store, args.listen, false, true, Default::default()).await;
    }
    Ok(ExitCode::SUCCESS)
}
