//! Load benchmark of the web application: signed-in users at once on the case list, the list
//! with filters, a search by a person's name, and case pages, against a `tabara serve` process;
//! the users whose agency receives referrals (the demo's `supervisor`, `caseworker` and
//! `childprotection`) also load their referral inbox (`/referrals?box=incoming`) and a referral
//! page (`/referrals/{id}`, ids taken from their inbox's links, or from their outgoing box when
//! nothing is addressed to them).
//!
//! `cargo bench -p tabara --bench web_load -- --database big.db [--users 50] [--seconds 30]
//! [--think-ms 0]`
//! (without `--database`, a fresh register of `--persons` persons, default 100,000, is made
//! with `tabara demo`). Prints p50/p99 latency per request kind, requests per second, and the
//! server's peak resident memory (VmHWM). Without `--think-ms` every user sends its next
//! request as soon as the last one is answered (saturation: the figures measure throughput and
//! queueing); with it, each user pauses a random 0.5× to 1.5× that long after each answer, as a
//! person reading the page would. The baseline named in the report is `/healthz`, the
//! cheapest request the same server answers, measured in the same run; each kind's p99 is
//! also given as a ratio of the case list's p99 in the same run.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tabara_demo::DEMO_PASSWORD;

/// Names searched: surnames and first names common in the demo register, full and partial.
const SEARCHES: [&str; 6] = [
    "ndayishimiye",
    "niyonzima+jean",
    "hakizimana",
    "irakoze",
    "nduwimana+m",
    "bizimana",
];

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn peak_rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn cookie_of(r: &reqwest::Response, name: &str) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            v.split(';')
                .next()?
                .strip_prefix(&format!("{name}="))
                .map(str::to_string)
        })
}

async fn sign_in(http: &reqwest::Client, base: &str, username: &str) -> String {
    let page = http.get(format!("{base}/signin")).send().await.unwrap();
    let pre = cookie_of(&page, "tabara_presignin").unwrap();
    let body = page.text().await.unwrap();
    let csrf = body
        .split("name=\"csrf\" value=\"")
        .skip(1)
        .filter_map(|r| r.split('"').next())
        .filter(|v| !v.is_empty())
        .last()
        .unwrap()
        .to_string();
    let r = http
        .post(format!("{base}/signin"))
        .header("cookie", format!("tabara_presignin={pre}"))
        .form(&[
            ("username", username),
            ("password", DEMO_PASSWORD),
            ("csrf", &csrf),
        ])
        .send()
        .await
        .unwrap();
    format!(
        "tabara_session={}",
        cookie_of(&r, "tabara_session").expect("signed in")
    )
}

#[derive(Default)]
struct Samples {
    list: Vec<Duration>,
    filtered: Vec<Duration>,
    search: Vec<Duration>,
    case: Vec<Duration>,
    inbox: Vec<Duration>,
    referral: Vec<Duration>,
    health: Vec<Duration>,
    errors: u64,
}

/// Add a request's time to its series, or count it among the errors when it failed.
fn record(series: &mut Vec<Duration>, errors: &mut u64, took: Option<Duration>) {
    match took {
        Some(d) => series.push(d),
        None => *errors += 1,
    }
}

/// Time a signed-in GET, its body read: `None` when it fails or does not answer with success.
async fn timed_get(http: &reqwest::Client, url: &str, cookie: &str) -> Option<Duration> {
    let t = Instant::now();
    match http.get(url).header("cookie", cookie).send().await {
        Ok(r) if r.status().is_success() => {
            let _ = r.bytes().await;
            Some(t.elapsed())
        }
        _ => None,
    }
}

/// The referral ids linked from a page (`href="/referrals/<uuid>"`).
fn referral_links(body: &str) -> Vec<String> {
    let mut ids: Vec<String> = body
        .split("href=\"/referrals/")
        .skip(1)
        .filter_map(|r| r.split('"').next())
        .filter(|id| id.len() == 36 && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-'))
        .map(str::to_string)
        .collect();
    ids.dedup();
    ids
}

/// The referrals `cookie`'s user may open: those of their inbox, or of their outgoing box.
async fn referral_ids(http: &reqwest::Client, base: &str, cookie: &str) -> Vec<String> {
    for which in ["incoming", "outgoing"] {
        let body = match http
            .get(format!("{base}/referrals?box={which}"))
            .header("cookie", cookie)
            .send()
            .await
        {
            Ok(r) if r.status().is_success() => r.text().await.unwrap_or_default(),
            _ => continue,
        };
        let ids = referral_links(&body);
        if !ids.is_empty() {
            return ids;
        }
    }
    Vec::new()
}

fn pct(v: &mut [Duration], p: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort();
    v[((v.len() - 1) as f64 * p).round() as usize].as_secs_f64() * 1000.0
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let users: usize = arg(&args, "--users")
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let think_ms: u64 = arg(&args, "--think-ms")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let seconds: u64 = arg(&args, "--seconds")
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    // `--tabara PATH` serves with another build (e.g. the previous commit's, to compare).
    let tabara_bin =
        arg(&args, "--tabara").unwrap_or_else(|| env!("CARGO_BIN_EXE_tabara").to_string());
    let tabara = tabara_bin.as_str();
    let dir = std::env::temp_dir().join(format!("tabara-web-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let database = match arg(&args, "--database") {
        Some(d) => d,
        None => {
            let persons = arg(&args, "--persons").unwrap_or_else(|| "100000".into());
            let db = dir.join("load.db").display().to_string();
            eprintln!("building a register of {persons} persons");
            let ok = Command::new(tabara)
                .args(["--database", &db, "demo", "--persons", &persons])
                .stdout(Stdio::null())
                .status()
                .unwrap()
                .success();
            assert!(ok, "tabara demo failed");
            db
        }
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = Server(
        Command::new(tabara)
            .args([
                "--database",
                &database,
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
            ])
            // The simulated users sign in with their password alone (no phone to read a code).
            .env("TABARA_SECOND_FACTOR_ROLES", "none")
            .stdout(Stdio::null())
            // The server logs every request, as in production; to a file, not the report.
            .stderr(std::fs::File::create(dir.join("server.log")).unwrap())
            .spawn()
            .unwrap(),
    );
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(users)
        .build()
        .unwrap();
    // Up to two minutes: a register from an older version is brought up to date at start.
    for _ in 0..1200 {
        if http.get(format!("{base}/readyz")).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Roles that work on cases, spread over the clients.
    let names = [
        "officer",
        "investigator",
        "supervisor",
        "caseworker",
        "childprotection",
    ];
    // Those whose agency receives the demo's referrals also work on them.
    let referral_users = ["supervisor", "caseworker", "childprotection"];
    let mut sessions = Vec::new();
    for i in 0..users {
        let name = names[i % names.len()];
        let cookie = sign_in(&http, &base, name).await;
        let referrals = if referral_users.contains(&name) {
            referral_ids(&http, &base, &cookie).await
        } else {
            Vec::new()
        };
        sessions.push((cookie, referral_users.contains(&name), referrals));
    }
    eprintln!("{users} users signed in; loading for {seconds} s");
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (i, (cookie, works_on_referrals, referrals)) in sessions.into_iter().enumerate() {
        let http = http.clone();
        let base = base.clone();
        tasks.push(tokio::spawn(async move {
            let mut s = Samples::default();
            let filters = [
                "status=Active",
                "exploitation=Servitude",
                "status=FollowUp&exploitation=ForcedLabour",
            ];
            let mut k = i;
            // A small xorshift per user: the pauses differ between users and requests.
            let mut seed = 0x9E37_79B9_7F4A_7C15u64 ^ (i as u64 + 1);
            let mut pause = move || {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let ms = if think_ms == 0 {
                    0
                } else {
                    think_ms / 2 + seed % think_ms.max(1)
                };
                tokio::time::sleep(Duration::from_millis(ms))
            };
            while Instant::now() < deadline {
                k += 1;
                pause().await;
                let t = Instant::now();
                let list = http
                    .get(format!("{base}/cases"))
                    .header("cookie", &cookie)
                    .send()
                    .await;
                let body = match list {
                    Ok(r) if r.status().is_success() => r.text().await.unwrap_or_default(),
                    _ => {
                        s.errors += 1;
                        continue;
                    }
                };
                s.list.push(t.elapsed());
                pause().await;
                let url = format!("{base}/cases?{}", filters[k % filters.len()]);
                record(
                    &mut s.filtered,
                    &mut s.errors,
                    timed_get(&http, &url, &cookie).await,
                );
                pause().await;
                let name = SEARCHES[k % SEARCHES.len()];
                let url = format!("{base}/cases?q={name}");
                record(
                    &mut s.search,
                    &mut s.errors,
                    timed_get(&http, &url, &cookie).await,
                );
                let numbers: Vec<&str> = body
                    .split("href=\"/cases/")
                    .skip(1)
                    .filter_map(|r| r.split('"').next())
                    .filter(|n| n.chars().all(|c| c.is_ascii_digit()))
                    .collect();
                if let Some(n) = numbers.get(k % numbers.len().max(1)) {
                    pause().await;
                    let url = format!("{base}/cases/{n}");
                    record(
                        &mut s.case,
                        &mut s.errors,
                        timed_get(&http, &url, &cookie).await,
                    );
                }
                if works_on_referrals {
                    pause().await;
                    let url = format!("{base}/referrals?box=incoming");
                    record(
                        &mut s.inbox,
                        &mut s.errors,
                        timed_get(&http, &url, &cookie).await,
                    );
                    if let Some(id) = referrals.get(k % referrals.len().max(1)) {
                        pause().await;
                        let url = format!("{base}/referrals/{id}");
                        record(
                            &mut s.referral,
                            &mut s.errors,
                            timed_get(&http, &url, &cookie).await,
                        );
                    }
                }
                pause().await;
                let t = Instant::now();
                if http.get(format!("{base}/healthz")).send().await.is_ok() {
                    s.health.push(t.elapsed());
                }
            }
            s
        }));
    }
    let mut all = Samples::default();
    for t in tasks {
        let s = t.await.unwrap();
        all.list.extend(s.list);
        all.filtered.extend(s.filtered);
        all.search.extend(s.search);
        all.case.extend(s.case);
        all.inbox.extend(s.inbox);
        all.referral.extend(s.referral);
        all.health.extend(s.health);
        all.errors += s.errors;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let requests = all.list.len()
        + all.filtered.len()
        + all.search.len()
        + all.case.len()
        + all.inbox.len()
        + all.referral.len()
        + all.health.len();
    let rss_mb = peak_rss_kb(server.0.id()) as f64 / 1024.0;
    let health_p50 = pct(&mut all.health, 0.5);
    let list_p99 = pct(&mut all.list, 0.99);
    println!();
    println!(
        "web_load: {users} signed-in users for {elapsed:.0} s against {database}, think time {}",
        if think_ms == 0 {
            "none (saturation)".to_string()
        } else {
            format!("{think_ms} ms ±50%")
        }
    );
    println!(
        "{:<22} {:>8} {:>10} {:>10} {:>12} {:>12}",
        "request", "count", "p50 ms", "p99 ms", "p50 ÷ health", "p99 ÷ list"
    );
    for (name, v) in [
        ("case list", &mut all.list),
        ("filtered case list", &mut all.filtered),
        ("search by name", &mut all.search),
        ("case page", &mut all.case),
        ("referral inbox", &mut all.inbox),
        ("referral page", &mut all.referral),
        ("/healthz (baseline)", &mut all.health),
    ] {
        let p50 = pct(v, 0.5);
        let p99 = pct(v, 0.99);
        println!(
            "{:<22} {:>8} {:>10.2} {:>10.2} {:>12.1} {:>12.2}",
            name,
            v.len(),
            p50,
            p99,
            p50 / health_p50.max(1e-9),
            p99 / list_p99.max(1e-9)
        );
    }
    println!(
        "throughput: {:.0} requests/s; errors: {}; server peak RSS: {rss_mb:.0} MB",
        requests as f64 / elapsed,
        all.errors
    );
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
