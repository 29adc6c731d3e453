//! Load and read benchmark of the store on SQLite and PostgreSQL, side by side.
//!
//! `cargo bench -p tabara --bench store_load -- --persons 1000000 [--reads 2000] [--sqlite-only]`
//!
//! For each backend: a fresh register is filled with the deterministic demo (the same seed, so
//! both hold the same data) through the same path `tabara demo` uses; then random case pages
//! are read (case by number + its persons + its comments) and the first page of the case list
//! with and without a filter. SQLite is the baseline; PostgreSQL figures are also given as a
//! ratio to it.

use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use tabara_core::htcds::{CaseStatus, ExploitationType};
use tabara_demo::Demo;
use tabara_store::testing::TestDb;
use tabara_store::{Actor, CaseFilter, PageRequest, Store};

struct Figures {
    backend: &'static str,
    persons: u64,
    cases: u64,
    load: Duration,
    case_page: Vec<Duration>,
    list_page: Vec<Duration>,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

async fn load(store: &Store, persons: u64) -> (u64, u64, Duration) {
    let started = Instant::now();
    let actor = Actor::system("bench");
    let mut demo = Demo::new(42, persons);
    let reference = demo.reference().clone();
    reference
        .write(store, &actor, "$argon2id$not-a-real-hash")
        .await
        .unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::channel(2);
    let producer = tokio::task::spawn_blocking(move || {
        while let Some(b) = demo.next_batch(20_000) {
            if tx.blocking_send(b).is_err() {
                break;
            }
        }
        (demo.persons_made(), demo.cases_made())
    });
    store.begin_bulk_load().await.unwrap();
    let mut done = 0u64;
    let mut next_report = 100_000u64;
    while let Some(batch) = rx.recv().await {
        store.bulk_insert(&actor, &batch).await.unwrap();
        done += batch.persons.len() as u64;
        if done >= next_report {
            eprintln!(
                "  … {done} persons in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            next_report += 100_000;
        }
    }
    let (p, c) = producer.await.unwrap();
    store.end_bulk_load().await.unwrap();
    // As `tabara demo` does: fresh planner statistics after the load (counted in the load time).
    store.optimize().await.unwrap();
    (p, c, started.elapsed())
}

async fn reads(store: &Store, cases: u64, n: usize) -> (Vec<Duration>, Vec<Duration>) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    // Warm up the caches the way a server that has been running would be.
    for _ in 0..50 {
        let number = rng.random_range(1..=cases as i64);
        let c = store.case_by_number(number).await.unwrap();
        store.case_persons(c.id).await.unwrap();
    }
    let mut case_page = Vec::with_capacity(n);
    for _ in 0..n {
        let number = rng.random_range(1..=cases as i64);
        let t = Instant::now();
        let c = store.case_by_number(number).await.unwrap();
        let persons = store.case_persons(c.id).await.unwrap();
        let comments = store.comments(c.id).await.unwrap();
        case_page.push(t.elapsed());
        assert!(!persons.is_empty() && !comments.is_empty());
    }
    let filters = [
        CaseFilter::default(),
        CaseFilter {
            status: Some(CaseStatus::FollowUp),
            ..Default::default()
        },
        CaseFilter {
            exploitation: Some(ExploitationType::Servitude),
            ..Default::default()
        },
    ];
    let mut list_page = Vec::with_capacity(n / 4);
    for i in 0..(n / 4).max(3) {
        let t = Instant::now();
        let page = store
            .list_cases(
                &filters[i % filters.len()],
                PageRequest {
                    after: None,
                    limit: 20,
                },
            )
            .await
            .unwrap();
        list_page.push(t.elapsed());
        assert_eq!(page.items.len(), 20);
    }
    case_page.sort();
    list_page.sort();
    (case_page, list_page)
}

async fn run(backend: &'static str, db: TestDb, persons: u64, n: usize) -> Figures {
    eprintln!("{backend}: loading {persons} persons");
    let (persons, cases, load_time) = load(&db.store, persons).await;
    eprintln!(
        "{backend}: loaded in {:.1} s; reading",
        load_time.as_secs_f64()
    );
    let (case_page, list_page) = reads(&db.store, cases, n).await;
    db.finish().await;
    Figures {
        backend,
        persons,
        cases,
        load: load_time,
        case_page,
        list_page,
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse::<u64>().ok())
    };
    let persons = value("--persons").unwrap_or(100_000);
    let n = value("--reads").unwrap_or(2000) as usize;
    let sqlite_only = args.iter().any(|a| a == "--sqlite-only");

    let mut results = vec![run("SQLite", TestDb::sqlite().await, persons, n).await];
    if !sqlite_only {
        match TestDb::postgres().await {
            Some(db) => results.push(run("PostgreSQL", db, persons, n).await),
            None => eprintln!("PostgreSQL skipped"),
        }
    }
    let base = &results[0];
    println!();
    println!(
        "store_load: {} persons, {} cases, {} case-page reads, {} list-page reads (baseline: SQLite)",
        base.persons,
        base.cases,
        base.case_page.len(),
        base.list_page.len()
    );
    println!(
        "{:<11} {:>10} {:>14} {:>10} {:>10} {:>10} {:>10} {:>10}",
        "backend", "load s", "persons/s", "case p50", "case p99", "list p50", "list p99", "load ×"
    );
    for f in &results {
        println!(
            "{:<11} {:>10.1} {:>14.0} {:>8.2}ms {:>8.2}ms {:>8.2}ms {:>8.2}ms {:>10.2}",
            f.backend,
            f.load.as_secs_f64(),
            f.persons as f64 / f.load.as_secs_f64(),
            ms(percentile(&f.case_page, 0.5)),
            ms(percentile(&f.case_page, 0.99)),
            ms(percentile(&f.list_page, 0.5)),
            ms(percentile(&f.list_page, 0.99)),
            f.load.as_secs_f64() / base.load.as_secs_f64(),
        );
    }
    if let Some(pg) = results.get(1) {
        println!(
            "PostgreSQL / SQLite: load time ×{:.2}, case page p50 ×{:.2}, p99 ×{:.2}",
            pg.load.as_secs_f64() / base.load.as_secs_f64(),
            ms(percentile(&pg.case_page, 0.5)) / ms(percentile(&base.case_page, 0.5)),
            ms(percentile(&pg.case_page, 0.99)) / ms(percentile(&base.case_page, 0.99)),
        );
    }
}
