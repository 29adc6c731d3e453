//! Load benchmark of offline field capture (issue 16): `--phones` phones (default 1,000), each
//! with `--per-phone` queued screenings with a photo (default 20), reach a `tabara serve`
//! process on loopback as ODK Collect does: the form list and the screening form once, then for
//! each queued form the `HEAD` preflight and the multipart post of the instance and its photo.
//! At most `--in-flight` requests are under way at once (default 64; a border post's phones do
//! not all find a network in the same second, and the bound keeps the load generator from
//! measuring only its own queue). One submission in twenty is sent twice (a retry after a lost
//! answer), which must change nothing.
//!
//! `cargo bench -p tabara --bench field_load -- --database big.db [--phones 1000]
//! [--per-phone 20] [--in-flight 64]` (without `--database`, a fresh register of `--persons`
//! persons, default 100,000, made with `tabara demo`; an SQLite register, whose tables the
//! bench reads at the end). Prints submissions per second, p50/p99 of the post beside the
//! `HEAD` preflight of the same run (the baseline: the same authentication and routing, no
//! work), the forms' sizes in bytes as served and gzipped, and what the register holds after:
//! every instance once, accepted, with its screening and its photo — zero lost, zero
//! duplicated, or the run fails.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

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

fn pct(v: &mut [Duration], p: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort();
    v[((v.len() - 1) as f64 * p).round() as usize].as_secs_f64() * 1000.0
}

/// A photo as a phone's camera leaves it: JPEG's first bytes, then `n` bytes.
fn photo(n: usize, seed: u32) -> Vec<u8> {
    let mut v = vec![
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00,
    ];
    let mut x = seed.wrapping_mul(2_654_435_761).max(1);
    while v.len() < n {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        v.push(x as u8);
    }
    v
}

const INDICATORS: [&str; 6] = [
    "act_recruited",
    "act_transported",
    "d1_job_nature",
    "d4_hours",
    "d4_pay",
    "d5_documents",
];

fn screening_xml(version: &str, instance: &str, n: usize) -> String {
    let age = 14 + (n % 30);
    let answers: String = INDICATORS
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let a = if (n >> i) & 1 == 1 { "yes" } else { "no" };
            format!("<{id}>{a}</{id}>")
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><data id=\"tabara_screening\" version=\"{version}\"><case><opened_on>2026-11-30</opened_on></case><person><first_name>Bench{n}</first_name><second_name>Kaneza</second_name><age>{age}</age><age_uncertain>no</age_uncertain><gender>Feminine</gender><citizenship>BI</citizenship><document_photo>photo.jpg</document_photo></person><victim/><consent><consent>yes</consent></consent><answers>{answers}</answers><facts><act>yes</act></facts><meta><instanceID>{instance}</instanceID></meta></data>"
    )
}

const BOUNDARY: &str = "----bench-boundary-8c2d";

fn multipart(xml: &str, photo: &[u8]) -> Vec<u8> {
    let mut body = Vec::with_capacity(xml.len() + photo.len() + 512);
    body.extend_from_slice(
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"xml_submission_file\"; filename=\"submission.xml\"\r\nContent-Type: text/xml\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(xml.as_bytes());
    body.extend_from_slice(
        format!("\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"photo.jpg\"; filename=\"photo.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(photo);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

#[derive(Default)]
struct Samples {
    head: Vec<Duration>,
    post: Vec<Duration>,
    retry: Vec<Duration>,
    statuses: std::collections::BTreeMap<u16, u64>,
    errors: u64,
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let num = |name: &str, default: usize| -> usize {
        arg(&args, name)
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let phones = num("--phones", 1000);
    let per_phone = num("--per-phone", 20);
    let in_flight = num("--in-flight", 64);
    let photo_bytes = num("--photo-kb", 30) * 1024;
    let tabara_bin =
        arg(&args, "--tabara").unwrap_or_else(|| env!("CARGO_BIN_EXE_tabara").to_string());
    let tabara = tabara_bin.as_str();
    let dir = std::env::temp_dir().join(format!("tabara-field-load-{}", std::process::id()));
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
    let base = format!("http://127.0.0.1:{port}");

    // The phones, issued to the demo officer by the command line, as a script would.
    eprintln!("issuing {phones} phones");
    let out = Command::new(tabara)
        .args([
            "--database",
            &database,
            "--json",
            "field",
            "issue",
            "--user",
            "officer",
            "--label",
            "bench phone",
            "--count",
            &phones.to_string(),
            "--public-url",
            &base,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "field issue: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let issued: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let urls: Vec<String> = issued
        .iter()
        .map(|d| d["server_url"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(urls.len(), phones);

    let before = counts(&database).await;
    let _server = Server(
        Command::new(tabara)
            .args([
                "--database",
                &database,
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
            ])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("server.log")).unwrap())
            .spawn()
            .unwrap(),
    );
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(in_flight)
        .build()
        .unwrap();
    for _ in 0..1200 {
        if http.get(format!("{base}/readyz")).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // The forms' weight on the wire, as served and as gzip carries them over 2G.
    let list = http
        .get(format!("{}/formList", urls[0]))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let version = list
        .split("<formID>tabara_screening</formID>")
        .nth(1)
        .and_then(|r| r.split("<version>").nth(1))
        .and_then(|r| r.split('<').next())
        .expect("the screening form is listed")
        .to_string();
    let mut sizes = Vec::new();
    for form in ["tabara_intake", "tabara_screening"] {
        let url = format!("{}/forms/{form}", urls[0]);
        let plain = http.get(&url).send().await.unwrap().bytes().await.unwrap();
        let gzipped = http
            .get(&url)
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        sizes.push((form, plain.len(), gzipped.len()));
    }

    let gate = Arc::new(tokio::sync::Semaphore::new(in_flight));
    let samples = Arc::new(std::sync::Mutex::new(Samples::default()));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (p, url) in urls.iter().enumerate() {
        let (http, gate, samples, url, version) = (
            http.clone(),
            gate.clone(),
            samples.clone(),
            url.clone(),
            version.clone(),
        );
        tasks.push(tokio::spawn(async move {
            {
                let _permit = gate.acquire().await.unwrap();
                let ok = http.get(format!("{url}/formList")).send().await.is_ok();
                let ok = ok
                    && http
                        .get(format!("{url}/forms/tabara_screening"))
                        .send()
                        .await
                        .is_ok();
                if !ok {
                    samples.lock().unwrap().errors += 1;
                }
            }
            for k in 0..per_phone {
                let n = p * per_phone + k;
                let instance = format!("uuid:{}", uuid::Uuid::now_v7());
                let body = multipart(
                    &screening_xml(&version, &instance, n),
                    &photo(photo_bytes, n as u32),
                );
                let sends = if n % 20 == 7 { 2 } else { 1 };
                for attempt in 0..sends {
                    let _permit = gate.acquire().await.unwrap();
                    let t = Instant::now();
                    let head = http.head(format!("{url}/submission")).send().await;
                    let head_took = t.elapsed();
                    let t = Instant::now();
                    let post = http
                        .post(format!("{url}/submission"))
                        .header(
                            "content-type",
                            format!("multipart/form-data; boundary={BOUNDARY}"),
                        )
                        .header("x-openrosa-version", "1.0")
                        .body(body.clone())
                        .send()
                        .await;
                    let status = match post {
                        Ok(r) => {
                            let s = r.status().as_u16();
                            let _ = r.bytes().await;
                            Some(s)
                        }
                        Err(_) => None,
                    };
                    let took = t.elapsed();
                    let mut s = samples.lock().unwrap();
                    match (head, status) {
                        (Ok(h), Some(code)) if h.status().as_u16() == 204 => {
                            s.head.push(head_took);
                            *s.statuses.entry(code).or_default() += 1;
                            if attempt == 0 {
                                s.post.push(took);
                            } else {
                                s.retry.push(took);
                            }
                        }
                        _ => s.errors += 1,
                    }
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let wall = started.elapsed();
    let mut s = Arc::try_unwrap(samples).ok().unwrap().into_inner().unwrap();
    let total = phones * per_phone;
    let after = counts(&database).await;

    println!(
        "field capture: {phones} phones × {per_phone} screenings with a {} KB photo, at most {in_flight} requests in flight, loopback, 2 cores shared with the load generator",
        photo_bytes / 1024
    );
    for (form, plain, gz) in &sizes {
        println!("form {form}: {plain} bytes as served, {gz} bytes gzipped");
    }
    println!(
        "submissions: {total} in {:.1} s = {:.1} per second (first sends); {} retries",
        wall.as_secs_f64(),
        total as f64 / wall.as_secs_f64(),
        s.retry.len()
    );
    let (h50, h99) = (pct(&mut s.head, 0.5), pct(&mut s.head, 0.99));
    let (p50, p99) = (pct(&mut s.post, 0.5), pct(&mut s.post, 0.99));
    let (r50, r99) = (pct(&mut s.retry, 0.5), pct(&mut s.retry, 0.99));
    println!("HEAD preflight (baseline): p50 {h50:.2} ms, p99 {h99:.2} ms");
    println!(
        "POST submission: p50 {p50:.2} ms, p99 {p99:.2} ms ({:.1}× / {:.1}× the preflight)",
        p50 / h50.max(0.001),
        p99 / h99.max(0.001)
    );
    println!("POST sent again (duplicate): p50 {r50:.2} ms, p99 {r99:.2} ms");
    println!("answers: {:?}; failed requests: {}", s.statuses, s.errors);
    println!(
        "register: {} submissions kept ({} distinct instances), {} accepted, {} screenings and {} files more than before",
        after.submissions - before.submissions,
        after.distinct - before.distinct,
        after.accepted - before.accepted,
        after.screenings - before.screenings,
        after.files - before.files,
    );
    let lost = total as i64 - (after.accepted - before.accepted);
    let duplicated = (after.screenings - before.screenings) - total as i64;
    println!("lost: {lost}, duplicated: {duplicated}");
    assert_eq!(s.errors, 0, "requests failed");
    assert_eq!(lost, 0, "submissions lost");
    assert_eq!(duplicated, 0, "submissions duplicated");
    assert_eq!(after.files - before.files, total as i64, "photos filed");
}

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    submissions: i64,
    distinct: i64,
    accepted: i64,
    screenings: i64,
    files: i64,
}

async fn scalar(c: &mut sqlx::SqliteConnection, sql: &'static str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(c)
        .await
        .unwrap()
}

/// What the register holds (an SQLite file, read while the server runs).
async fn counts(database: &str) -> Counts {
    use sqlx::Connection as _;
    let path = database.strip_prefix("sqlite:").unwrap_or(database);
    let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{path}?mode=ro"))
        .await
        .expect("an SQLite register");
    Counts {
        submissions: scalar(&mut c, "SELECT count(*) FROM field_submissions").await,
        distinct: scalar(
            &mut c,
            "SELECT count(DISTINCT instance_id) FROM field_submissions",
        )
        .await,
        accepted: scalar(
            &mut c,
            "SELECT count(*) FROM field_submissions WHERE state = 'accepted'",
        )
        .await,
        screenings: scalar(&mut c, "SELECT count(*) FROM screenings").await,
        files: scalar(
            &mut c,
            "SELECT count(*) FROM files WHERE completed_at IS NOT NULL",
        )
        .await,
    }
}
