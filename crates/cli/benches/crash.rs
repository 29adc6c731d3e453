//! Crash harness: `tabara serve` killed with SIGKILL while users are writing, then the register
//! checked for every write the server acknowledged.
//!
//! `cargo bench -p tabara --bench crash -- --rounds 1000`
//!
//! Options: `--rounds N` (default 20), `--writers N` concurrent writers (default 4), `--max-ms
//! N` the longest time writers write before the kill (default 400; each round's delay is drawn
//! from 0 to N ms by a ChaCha RNG seeded with `--seed`, default 1), `--persons N` the demo's
//! size (default 300), `--database FILE|URL` an existing SQLite register, or a `postgres://`
//! URL (whose database is **wiped** with `tabara demo --reset`; its key files must be named
//! with `--key-file K --signing-key S`, made by the demo when missing), `--tabara PATH` another
//! build of the binary, `--keep` keep the scratch folder (it is kept anyway when a check fails).
//! Without `--database`, a fresh register is made in a scratch folder with `tabara demo`; its
//! key files lie beside it (`crash.db.key`, `crash.db.signing.key`), where every `tabara`
//! command finds them.
//!
//! Each round:
//! 1. `tabara serve` starts on a free port (`--checkpoint-every 0 --alerts-every 0`); the
//!    harness waits for "serving at" on its standard output.
//! 2. The writers, each signed in through the sign-in page as a demo account (officer,
//!    investigator, supervisor, caseworker, child protection, in turn; the sessions are kept
//!    in the register and reused from round to round), post comments on cases within their
//!    reach through the case page's form (`POST /cases/{number}/comments` with the session's
//!    CSRF token: the JSON API under `/api/v1` only reads). A comment is small, audited
//!    (`case_comment.create`) and kept in plain text, so each one's text is a unique marker
//!    (`<run>-r<round>-w<writer>-<n>`). A write is acknowledged when the server answers with
//!    its redirect to the case's comments (303 to `/cases/{number}#comments`): the store has
//!    committed the comment and its audit entry by then.
//! 3. After the round's delay the server is killed with SIGKILL, writers still writing.
//! 4. With the server down, in this order (the first to open the register after the crash is
//!    `tabara` itself, as a restarted server would be): the chain, `tabara audit verify`
//!    exiting 0; the file, `PRAGMA integrity_check` answering "ok" (for PostgreSQL, amcheck:
//!    `bt_index_check` with `heapallindexed` on every B-tree index and `verify_heapam` on every
//!    table, when `CREATE EXTENSION amcheck` succeeds; otherwise the check is skipped and the
//!    report says so); the writes, read with sqlx from one connection closed before the next
//!    round: every acknowledged comment of the round is in `case_comments`, once, with its
//!    `case_comment.create` audit entry, and no such audit entry of the round lacks its
//!    comment. A comment found whose write was not acknowledged (in flight at the kill,
//!    committed before the answer left) is counted, not a failure; it too must have its audit
//!    entry. A write refused by the server (any other answer before the kill) is a failure.
//!
//! After the last round the server is started once more and every acknowledged comment is
//! read back through the API (`GET /api/v1/cases/{number}` with a token from `tabara user
//! token <username> --name crash`), and the database is searched again for all of them.
//! Failures are counted, the first few described, and the run goes on; the report ends with the
//! command line that repeats the run, and the exit status is 1 when anything was lost or a check
//! failed. Every wait has a timeout; the server is killed when its handle is dropped. The seed
//! fixes each round's delay and the cases written to; the timing of the writes, so which are in
//! flight at the kill, differs from run to run.
//!
//! What this tests: a crash of the application process. The operating system keeps what the
//! process had written (SQLite's WAL, with `synchronous = NORMAL`, loses nothing then;
//! PostgreSQL is not killed at all), so a lost acknowledged write here is the application's
//! fault: an answer before the commit. A power cut is another test.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use tabara_demo::DEMO_PASSWORD;
use uuid::Uuid;

/// The demo accounts that comment on cases, one per writer in turn.
const USERS: [&str; 5] = [
    "officer",
    "investigator",
    "supervisor",
    "caseworker",
    "childprotection",
];
/// Failures described in full in the report (all are counted).
const DESCRIBED: usize = 10;
const SERVER_START: Duration = Duration::from_secs(120);
const REQUEST: Duration = Duration::from_secs(30);
const WRITERS_STOP: Duration = Duration::from_secs(30);
const COMMAND: Duration = Duration::from_secs(600);
const QUERY: Duration = Duration::from_secs(300);

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn number(args: &[String], name: &str, default: u64) -> u64 {
    arg(args, name).map_or(default, |v| {
        v.parse()
            .unwrap_or_else(|_| panic!("{name} wants a number, not {v:?}"))
    })
}

/// The run's settings, and how to run `tabara` on its register.
struct Setup {
    tabara: String,
    database: String,
    postgres: bool,
    /// `--key-file K --signing-key S`, given to every `tabara` command when named.
    key_args: Vec<String>,
    dir: PathBuf,
}

impl Setup {
    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(&self.tabara);
        c.args(["--database", &self.database])
            .args(&self.key_args)
            .args(args)
            .env("TABARA_ADMIN_APPROVAL", "off")
            .env_remove("TABARA_LANG")
            .env("LANG", "C")
            .stdin(Stdio::null());
        c
    }

    /// Run a `tabara` command to its end or the timeout (then it is killed): its status,
    /// standard output and standard error.
    fn run(
        &self,
        args: &[&str],
        timeout: Duration,
    ) -> Result<(ExitStatus, String, String), String> {
        let out = self.dir.join("command.out");
        let err = self.dir.join("command.err");
        let mut child = self
            .command(args)
            .stdout(std::fs::File::create(&out).map_err(|e| e.to_string())?)
            .stderr(std::fs::File::create(&err).map_err(|e| e.to_string())?)
            .spawn()
            .map_err(|e| format!("tabara {}: {e}", args.join(" ")))?;
        let deadline = Instant::now() + timeout;
        let status = loop {
            match child.try_wait().map_err(|e| e.to_string())? {
                Some(s) => break s,
                None if Instant::now() > deadline => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(format!(
                        "tabara {} did not end within {} s",
                        args.join(" "),
                        timeout.as_secs()
                    ));
                }
                None => std::thread::sleep(Duration::from_millis(10)),
            }
        };
        let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
        Ok((status, read(&out), read(&err)))
    }
}

/// The server process: killed (SIGKILL) and reaped when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Start `tabara serve` and wait for "serving at" on its standard output; its standard error
/// (a log line per request) goes to `log`.
fn start_server(setup: &Setup, log: &Path) -> Result<Server, String> {
    let listen = format!("127.0.0.1:{}", free_port());
    let mut child = setup
        .command(&[
            "serve",
            "--listen",
            &listen,
            "--checkpoint-every",
            "0",
            "--alerts-every",
            "0",
        ])
        // The writers sign in with their password alone (no phone to read a code from).
        .env("TABARA_SECOND_FACTOR_ROLES", "none")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(log).map_err(|e| e.to_string())?)
        .spawn()
        .map_err(|e| format!("tabara serve: {e}"))?;
    let stdout = child.stdout.take().unwrap();
    let server = Server {
        child,
        base: format!("http://{listen}"),
    };
    let (tx, rx) = std::sync::mpsc::channel();
    // Reads to the end (the kill), so the server never writes into a closed pipe.
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + SERVER_START;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) if line.contains("serving at") => return Ok(server),
            Ok(_) => {}
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                return Err(format!(
                    "tabara serve did not say \"serving at\" within {} s",
                    SERVER_START.as_secs()
                ));
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                let log = std::fs::read_to_string(log).unwrap_or_default();
                let tail: Vec<&str> = log.lines().rev().take(5).collect();
                return Err(format!(
                    "tabara serve ended before serving: {}",
                    tail.into_iter().rev().collect::<Vec<_>>().join(" | ")
                ));
            }
        }
    }
}

fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(REQUEST)
        .build()
        .unwrap()
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

fn csrf_of(body: &str) -> Option<String> {
    body.split("name=\"csrf\" value=\"")
        .skip(1)
        .filter_map(|r| r.split('"').next())
        .filter(|v| !v.is_empty())
        .last()
        .map(str::to_string)
}

/// A signed-in writer: the session's cookie, its CSRF token (masked, as a page carries it) and
/// the cases within the account's reach (numbers from its case list).
#[derive(Clone)]
struct Session {
    username: String,
    cookie: String,
    csrf: String,
    cases: Vec<i64>,
}

async fn sign_in(http: &reqwest::Client, base: &str, username: &str) -> Result<Session, String> {
    let e = |what: &str, x: reqwest::Error| format!("sign-in of {username}: {what}: {x}");
    let page = http
        .get(format!("{base}/signin"))
        .send()
        .await
        .map_err(|x| e("sign-in page", x))?;
    let pre = cookie_of(&page, "tabara_presignin")
        .ok_or_else(|| format!("sign-in of {username}: no tabara_presignin cookie"))?;
    let body = page.text().await.map_err(|x| e("sign-in page", x))?;
    let csrf = csrf_of(&body).ok_or_else(|| format!("sign-in of {username}: no CSRF token"))?;
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
        .map_err(|x| e("sign-in", x))?;
    let cookie = format!(
        "tabara_session={}",
        cookie_of(&r, "tabara_session")
            .ok_or_else(|| format!("sign-in of {username} refused ({})", r.status()))?
    );
    let list = http
        .get(format!("{base}/cases"))
        .header("cookie", &cookie)
        .send()
        .await
        .map_err(|x| e("case list", x))?
        .text()
        .await
        .map_err(|x| e("case list", x))?;
    let mut cases: Vec<i64> = list
        .split("href=\"/cases/")
        .skip(1)
        .filter_map(|r| r.split('"').next())
        .filter_map(|n| n.parse().ok())
        .collect();
    cases.sort_unstable();
    cases.dedup();
    let first = cases
        .first()
        .ok_or_else(|| format!("{username} has no case within reach"))?;
    let page = http
        .get(format!("{base}/cases/{first}"))
        .header("cookie", &cookie)
        .send()
        .await
        .map_err(|x| e("case page", x))?
        .text()
        .await
        .map_err(|x| e("case page", x))?;
    let csrf = csrf_of(&page).ok_or_else(|| format!("{username}: no CSRF token on a case page"))?;
    Ok(Session {
        username: username.to_string(),
        cookie,
        csrf,
        cases,
    })
}

/// What became of one write.
#[derive(Debug, Clone, PartialEq)]
enum Fate {
    /// Sent, no answer yet (still so when the writer was stopped: in flight at the kill).
    Pending,
    /// 303 to the case's comments: committed, says the server.
    Acknowledged,
    /// No answer: the connection broke or timed out (in flight at the kill).
    InFlight(String),
    /// Not sent: no connection could be made (the server was already gone).
    NotSent,
    /// Another answer than the acknowledgement.
    Refused(String),
}

#[derive(Debug, Clone)]
struct Write {
    round: u64,
    writer: usize,
    username: String,
    case: i64,
    marker: String,
    fate: Fate,
}

/// One writer's loop: comment on a random case of its reach until told to stop. Each write is
/// logged before it is sent, so a writer aborted mid-request leaves its write `Pending`.
/// Returns true when the session was refused (signed out: sign in again next round).
async fn writer(
    http: reqwest::Client,
    base: String,
    session: Session,
    (round, w, run): (u64, usize, String),
    mut rng: ChaCha8Rng,
    stop: Arc<AtomicBool>,
    log: Arc<Mutex<Vec<Write>>>,
) -> bool {
    let mut n = 0u64;
    while !stop.load(Ordering::SeqCst) {
        n += 1;
        let case = session.cases[rng.random_range(0..session.cases.len())];
        let marker = format!("{run}-r{round}-w{w}-{n}");
        let index = {
            let mut log = log.lock().unwrap();
            log.push(Write {
                round,
                writer: w,
                username: session.username.clone(),
                case,
                marker: marker.clone(),
                fate: Fate::Pending,
            });
            log.len() - 1
        };
        let sent = http
            .post(format!("{base}/cases/{case}/comments"))
            .header("cookie", &session.cookie)
            .form(&[("body", marker.as_str()), ("csrf", session.csrf.as_str())])
            .send()
            .await;
        let location = |r: &reqwest::Response| {
            r.headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        let (fate, signed_out) = match sent {
            Ok(r)
                if r.status() == reqwest::StatusCode::SEE_OTHER
                    && location(&r) == format!("/cases/{case}#comments") =>
            {
                (Fate::Acknowledged, false)
            }
            Ok(r) => {
                let to = location(&r);
                (
                    Fate::Refused(format!("{} {to}", r.status())),
                    to.starts_with("/signin"),
                )
            }
            Err(e) if e.is_connect() => (Fate::NotSent, false),
            Err(e) => (Fate::InFlight(e.to_string()), false),
        };
        let failed = fate != Fate::Acknowledged;
        log.lock().unwrap()[index].fate = fate;
        if signed_out {
            return true;
        }
        if failed && !stop.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    false
}

/// The register, read directly (the server down): one connection, closed after each round's
/// checks, so the harness holds nothing open across a crash.
enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The comments on `cases` (numbers) whose text starts with `prefix`: id and text.
/// Read through the store, which opens them (a comment is sealed at rest), with the
/// register's key file; the store is closed again before the next kill.
async fn comments_of(
    setup: &Setup,
    cases: BTreeSet<i64>,
    prefix: &str,
) -> Result<Vec<(Uuid, String)>, String> {
    use tabara_store::{Location, OpenMode, Store, keys};
    let location = Location::parse(&setup.database).map_err(|e| e.to_string())?;
    let key_file = setup
        .key_args
        .iter()
        .position(|a| a == "--key-file")
        .and_then(|i| setup.key_args.get(i + 1))
        .map(PathBuf::from)
        .or_else(|| keys::default_key_file(&location))
        .ok_or("no key file for the register")?;
    let master = keys::load_master_key(&key_file).map_err(|e| e.to_string())?;
    let store = Store::open(&location, OpenMode::Existing, master)
        .await
        .map_err(|e| format!("opening the register: {e}"))?;
    let mut found = Vec::new();
    let mut outcome = Ok(());
    for n in cases {
        let read = async {
            let case = store.case_by_number(n).await?;
            store.comments(case.id).await
        }
        .await;
        match read {
            Ok(list) => found.extend(
                list.into_iter()
                    .filter(|c| c.body.starts_with(prefix))
                    .map(|c| (c.id.0, c.body)),
            ),
            Err(e) => {
                outcome = Err(format!("reading comments: {e}"));
                break;
            }
        }
    }
    store.close().await;
    outcome.map(|_| found)
}

impl Db {
    async fn open(setup: &Setup) -> Result<Db, String> {
        let e = |x: sqlx::Error| format!("opening the register: {x}");
        if setup.postgres {
            let pool = PgPoolOptions::new()
                .max_connections(1)
                .acquire_timeout(QUERY)
                .connect(&setup.database)
                .await
                .map_err(e)?;
            Ok(Db::Postgres(pool))
        } else {
            // Neither the journal mode nor anything else is changed: the file as the server left it.
            let path = setup
                .database
                .strip_prefix("sqlite:")
                .unwrap_or(&setup.database);
            let options = SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(false)
                .busy_timeout(Duration::from_secs(10));
            let pool = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(QUERY)
                .connect_with(options)
                .await
                .map_err(e)?;
            Ok(Db::Sqlite(pool))
        }
    }

    async fn close(self) {
        match self {
            Db::Sqlite(p) => p.close().await,
            Db::Postgres(p) => p.close().await,
        }
    }

    /// The record ids of the audit log's comment entries after entry `after`.
    async fn audited_comments(&self, after: i64) -> Result<HashSet<String>, String> {
        const SQL: &str = "SELECT record_id FROM audit_log \
            WHERE action = 'case_comment.create' AND record_kind = 'case_comment' AND seq > $1";
        let rows = match self {
            Db::Sqlite(p) => {
                sqlx::query_scalar::<_, String>(SQL)
                    .bind(after)
                    .fetch_all(p)
                    .await
            }
            Db::Postgres(p) => {
                sqlx::query_scalar::<_, String>(SQL)
                    .bind(after)
                    .fetch_all(p)
                    .await
            }
        };
        Ok(rows
            .map_err(|e| format!("reading the audit log: {e}"))?
            .into_iter()
            .collect())
    }

    /// Whether the comment `id` is in the register.
    async fn comment_exists(&self, id: Uuid) -> Result<bool, String> {
        const SQL: &str = "SELECT COUNT(*) FROM case_comments WHERE id = $1";
        let r = match self {
            Db::Sqlite(p) => {
                sqlx::query_scalar::<_, i64>(SQL)
                    .bind(id)
                    .fetch_one(p)
                    .await
            }
            Db::Postgres(p) => {
                sqlx::query_scalar::<_, i64>(SQL)
                    .bind(id)
                    .fetch_one(p)
                    .await
            }
        };
        r.map(|n| n > 0)
            .map_err(|e| format!("reading comments: {e}"))
    }

    /// The last entry of the audit log.
    async fn last_seq(&self) -> Result<i64, String> {
        const SQL: &str = "SELECT COALESCE(MAX(seq), 0) FROM audit_log";
        let r = match self {
            Db::Sqlite(p) => sqlx::query_scalar::<_, i64>(SQL).fetch_one(p).await,
            Db::Postgres(p) => sqlx::query_scalar::<_, i64>(SQL).fetch_one(p).await,
        };
        r.map_err(|e| format!("reading the audit log: {e}"))
    }

    /// `Ok(None)` when the file or the database is sound, `Ok(Some(problem))` when not,
    /// `Err` when the check could not run.
    async fn integrity(&self, amcheck: bool) -> Result<Option<String>, String> {
        match self {
            Db::Sqlite(p) => {
                let rows = sqlx::query_scalar::<_, String>("PRAGMA integrity_check")
                    .fetch_all(p)
                    .await
                    .map_err(|e| format!("PRAGMA integrity_check: {e}"))?;
                Ok((rows != ["ok"]).then(|| rows.join("; ")))
            }
            Db::Postgres(_) if !amcheck => Ok(None),
            Db::Postgres(p) => {
                const INDEXES: &str = "SELECT c.relname::text, \
                    (SELECT count(*) FROM (SELECT bt_index_check(c.oid, true)) t) \
                    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
                    JOIN pg_am am ON am.oid = c.relam \
                    JOIN pg_namespace n ON n.oid = c.relnamespace \
                    WHERE am.amname = 'btree' AND i.indisvalid AND i.indisready \
                    AND c.relpersistence <> 't' \
                    AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
                    AND n.nspname NOT LIKE 'pg_toast%'";
                const HEAPS: &str = "SELECT c.relname::text, v.blkno, v.msg \
                    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, \
                    LATERAL verify_heapam(c.oid::regclass) v \
                    WHERE c.relkind = 'r' AND c.relpersistence <> 't' \
                    AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
                    AND n.nspname NOT LIKE 'pg_toast%'";
                // A corrupt index raises an error: that is the finding, not a failure to run.
                if let Err(e) = sqlx::query_as::<_, (String, i64)>(INDEXES)
                    .fetch_all(p)
                    .await
                {
                    return Ok(Some(format!("bt_index_check: {e}")));
                }
                let heaps = sqlx::query_as::<_, (String, i64, String)>(HEAPS)
                    .fetch_all(p)
                    .await
                    .map_err(|e| format!("verify_heapam: {e}"))?;
                Ok(heaps.first().map(|(table, block, msg)| {
                    format!(
                        "verify_heapam: {} problems, first in {table} block {block}: {msg}",
                        heaps.len()
                    )
                }))
            }
        }
    }

    /// Whether amcheck is (or could be made) available in the database.
    async fn amcheck(&self) -> Result<(), String> {
        match self {
            Db::Postgres(p) => sqlx::query("CREATE EXTENSION IF NOT EXISTS amcheck")
                .execute(p)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Db::Sqlite(_) => Ok(()),
        }
    }
}

async fn within<T>(
    what: &str,
    f: impl std::future::Future<Output = Result<T, String>>,
) -> Result<T, String> {
    tokio::time::timeout(QUERY, f)
        .await
        .unwrap_or_else(|_| Err(format!("{what}: no answer within {} s", QUERY.as_secs())))
}

/// Counts, and the first failures in words.
#[derive(Default)]
struct Tally {
    rounds: u64,
    attempted: u64,
    acknowledged: u64,
    found: u64,
    lost: u64,
    in_flight: u64,
    not_sent: u64,
    refused: u64,
    unacknowledged_committed: u64,
    rounds_killed_mid_write: u64,
    /// A comment without its audit entry, or an audit entry without its comment.
    unpaired: u64,
    duplicated: u64,
    audit_failures: u64,
    integrity_failures: u64,
    integrity_skipped: u64,
    restart_failures: u64,
    check_errors: u64,
    final_missing_db: u64,
    final_missing_api: u64,
    failures: Vec<String>,
    failed_rounds: BTreeSet<u64>,
}

impl Tally {
    fn fail(&mut self, round: u64, what: String) {
        if self.failures.len() < DESCRIBED {
            self.failures.push(format!("round {round}: {what}"));
        }
        self.failed_rounds.insert(round);
    }

    fn anything_wrong(&self) -> bool {
        self.lost
            + self.refused
            + self.unpaired
            + self.duplicated
            + self.audit_failures
            + self.integrity_failures
            + self.restart_failures
            + self.check_errors
            + self.final_missing_db
            + self.final_missing_api
            > 0
    }
}

/// The checks after a kill. `after` is the audit log's last entry before the round.
async fn check_round(
    setup: &Setup,
    round: u64,
    writes: &[Write],
    after: i64,
    amcheck: bool,
    tally: &mut Tally,
) -> Result<i64, String> {
    // (b) The chain, as the binary checks it (opening the register as the server does).
    match setup.run(&["audit", "verify"], COMMAND) {
        Ok((status, _, _)) if status.success() => {}
        Ok((status, out, err)) => {
            tally.audit_failures += 1;
            tally.fail(
                round,
                format!(
                    "tabara audit verify exited with {}: {} {}",
                    status
                        .code()
                        .map_or("a signal".into(), |c| format!("status {c}")),
                    out.trim(),
                    err.trim()
                ),
            );
        }
        Err(e) => {
            tally.audit_failures += 1;
            tally.fail(round, e);
        }
    }
    let db = within("opening the register", Db::open(setup)).await?;
    let result = check_contents(setup, &db, round, writes, after, amcheck, tally).await;
    db.close().await;
    result
}

async fn check_contents(
    setup: &Setup,
    db: &Db,
    round: u64,
    writes: &[Write],
    after: i64,
    amcheck: bool,
    tally: &mut Tally,
) -> Result<i64, String> {
    // (c) The file's (or database's) own consistency.
    match within("integrity check", db.integrity(amcheck)).await? {
        None if !amcheck && matches!(db, Db::Postgres(_)) => tally.integrity_skipped += 1,
        None => {}
        Some(problem) => {
            tally.integrity_failures += 1;
            tally.fail(round, format!("integrity check: {problem}"));
        }
    }
    // (a) Every acknowledged write, once, with its audit entry.
    let Some(first) = writes.first() else {
        return within("audit log", db.last_seq()).await;
    };
    let run = first.marker.split("-r").next().unwrap_or_default();
    let found = within(
        "reading comments",
        comments_of(
            setup,
            writes.iter().map(|w| w.case).collect(),
            &format!("{run}-r{round}-"),
        ),
    )
    .await?;
    let audited = within("reading the audit log", db.audited_comments(after)).await?;
    let mut ids: HashMap<&str, Vec<Uuid>> = HashMap::new();
    for (id, body) in &found {
        ids.entry(body.as_str()).or_default().push(*id);
    }
    let mut lost = Vec::new();
    for w in writes {
        let copies = ids.get(w.marker.as_str()).map_or(0, Vec::len);
        let acknowledged = w.fate == Fate::Acknowledged;
        match (acknowledged, copies) {
            (true, 0) => {
                tally.lost += 1;
                lost.push(w);
            }
            (true, _) => tally.found += 1,
            (false, 0) => {}
            (false, _) => tally.unacknowledged_committed += 1,
        }
        if copies > 1 {
            tally.duplicated += 1;
            tally.fail(
                round,
                format!(
                    "comment {} on case {} stored {copies} times",
                    w.marker, w.case
                ),
            );
        }
    }
    if let Some(w) = lost.first() {
        tally.fail(
            round,
            format!(
                "{} acknowledged comments missing, the first {} by {} (writer {}) on case {}",
                lost.len(),
                w.marker,
                w.username,
                w.writer,
                w.case
            ),
        );
    }
    let unaudited: Vec<&(Uuid, String)> = found
        .iter()
        .filter(|(id, _)| !audited.contains(&id.to_string()))
        .collect();
    if let Some((id, body)) = unaudited.first() {
        tally.unpaired += unaudited.len() as u64;
        tally.fail(
            round,
            format!(
                "{} comments without their case_comment.create audit entry, the first {body} (id {id})",
                unaudited.len()
            ),
        );
    }
    // And no audit entry of a comment without its comment (both commit in one transaction).
    let found_ids: HashSet<String> = found.iter().map(|(id, _)| id.to_string()).collect();
    let mut orphans = Vec::new();
    for record in audited.iter().filter(|r| !found_ids.contains(*r)) {
        let id = Uuid::parse_str(record).map_err(|e| format!("audit record id {record}: {e}"))?;
        if !within("reading comments", db.comment_exists(id)).await? {
            orphans.push(record);
        }
    }
    if let Some(first) = orphans.first() {
        tally.unpaired += orphans.len() as u64;
        tally.fail(
            round,
            format!(
                "{} case_comment.create audit entries whose comment is not there, the first {first}",
                orphans.len()
            ),
        );
    }
    within("audit log", db.last_seq()).await
}

/// After the last round: the server once more, and every acknowledged comment read back through
/// the API with a token of its writer's account; then the database searched for all of them.
async fn final_check(setup: &Setup, writes: &[Write], tally: &mut Tally) -> Result<(), String> {
    let acknowledged: Vec<&Write> = writes
        .iter()
        .filter(|w| w.fate == Fate::Acknowledged)
        .collect();
    let mut tokens = HashMap::new();
    for w in &acknowledged {
        if tokens.contains_key(w.username.as_str()) {
            continue;
        }
        let (status, out, err) =
            setup.run(&["user", "token", &w.username, "--name", "crash"], COMMAND)?;
        let token = out
            .lines()
            .map(str::trim)
            .find(|l| l.starts_with("tbr_"))
            .filter(|_| status.success())
            .ok_or_else(|| format!("tabara user token {}: {status} {err}", w.username))?;
        tokens.insert(w.username.as_str(), token.to_string());
    }
    let server = start_server(setup, &setup.dir.join("server.log"))?;
    let http = http_client();
    let mut by_case: HashMap<(&str, i64), Vec<&Write>> = HashMap::new();
    for w in &acknowledged {
        by_case
            .entry((w.username.as_str(), w.case))
            .or_default()
            .push(w);
    }
    for ((username, case), expected) in by_case {
        let r = http
            .get(format!("{}/api/v1/cases/{case}", server.base))
            .header("authorization", format!("Bearer {}", tokens[username]))
            .send()
            .await
            .map_err(|e| format!("GET /api/v1/cases/{case}: {e}"))?;
        let status = r.status();
        let text = r
            .text()
            .await
            .map_err(|e| format!("GET /api/v1/cases/{case}: {e}"))?;
        if !status.is_success() {
            tally.final_missing_api += expected.len() as u64;
            tally.fail(
                0,
                format!("GET /api/v1/cases/{case} as {username}: {status}"),
            );
            continue;
        }
        let doc: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("case {case}'s document: {e}"))?;
        let bodies: HashSet<&str> = doc["comments"]
            .as_array()
            .map(|a| a.iter().filter_map(|c| c["body"].as_str()).collect())
            .unwrap_or_default();
        let missing: Vec<&&Write> = expected
            .iter()
            .filter(|w| !bodies.contains(w.marker.as_str()))
            .collect();
        if let Some(w) = missing.first() {
            tally.final_missing_api += missing.len() as u64;
            tally.fail(
                w.round,
                format!(
                    "{} acknowledged comments on case {case} not in the API's document, the first {}",
                    missing.len(),
                    w.marker
                ),
            );
        }
    }
    drop(server);
    let db = within("opening the register", Db::open(setup)).await?;
    let run = acknowledged
        .first()
        .map(|w| w.marker.split("-r").next().unwrap_or_default().to_string());
    let result = match run {
        None => Ok(()),
        Some(run) => within(
            "reading comments",
            comments_of(
                setup,
                acknowledged.iter().map(|w| w.case).collect(),
                &format!("{run}-r"),
            ),
        )
        .await
        .map(|found| {
            let bodies: HashSet<String> = found.into_iter().map(|(_, b)| b).collect();
            for w in &acknowledged {
                if !bodies.contains(&w.marker) {
                    tally.final_missing_db += 1;
                    tally.fail(
                        w.round,
                        format!("{} missing from the database at the end", w.marker),
                    );
                }
            }
        }),
    };
    db.close().await;
    result
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let rounds = number(&args, "--rounds", 20);
    let writers = number(&args, "--writers", 4).max(1) as usize;
    let max_ms = number(&args, "--max-ms", 400);
    let seed = number(&args, "--seed", 1);
    let persons = number(&args, "--persons", 300);
    let keep = args.iter().any(|a| a == "--keep");
    let tabara = arg(&args, "--tabara").unwrap_or_else(|| env!("CARGO_BIN_EXE_tabara").to_string());
    let given = arg(&args, "--database");
    let key_file = arg(&args, "--key-file");
    let signing_key = arg(&args, "--signing-key");
    let dir = std::env::temp_dir().join(format!("tabara-crash-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let postgres = given
        .as_deref()
        .is_some_and(|d| d.starts_with("postgres://") || d.starts_with("postgresql://"));
    if postgres && (key_file.is_none() || signing_key.is_none()) {
        eprintln!("a PostgreSQL register needs --key-file K and --signing-key S");
        return std::process::ExitCode::from(2);
    }
    let mut key_args = Vec::new();
    for (flag, value) in [("--key-file", &key_file), ("--signing-key", &signing_key)] {
        if let Some(v) = value {
            key_args.extend([flag.to_string(), v.clone()]);
        }
    }
    let setup = Setup {
        tabara,
        database: given
            .clone()
            .unwrap_or_else(|| dir.join("crash.db").display().to_string()),
        postgres,
        key_args,
        dir: dir.clone(),
    };
    let mut repeat = format!(
        "cargo bench -p tabara --bench crash -- --rounds {rounds} --writers {writers} \
         --max-ms {max_ms} --seed {seed}"
    );
    match &given {
        Some(d) => {
            repeat.push_str(&format!(" --database {d}"));
            for a in setup.key_args.chunks(2) {
                repeat.push_str(&format!(" {} {}", a[0], a[1]));
            }
        }
        None => repeat.push_str(&format!(" --persons {persons}")),
    }
    if postgres {
        repeat.push_str(&format!(" --persons {persons}"));
    }

    let started = Instant::now();
    if given.is_none() || postgres {
        let persons = persons.to_string();
        let mut demo = vec!["demo", "--persons", &persons];
        if postgres {
            demo.push("--reset");
        }
        eprintln!(
            "crash: making a demo register of {persons} persons in {}",
            setup.database
        );
        match setup.run(&demo, COMMAND) {
            Ok((s, _, _)) if s.success() => {}
            Ok((s, out, err)) => {
                eprintln!("tabara demo failed ({s}): {out}\n{err}");
                return std::process::ExitCode::FAILURE;
            }
            Err(e) => {
                eprintln!("{e}");
                return std::process::ExitCode::FAILURE;
            }
        }
    }
    let mut tally = Tally::default();
    let db = match within("opening the register", Db::open(&setup)).await {
        Ok(db) => db,
        Err(e) => {
            eprintln!("{e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let amcheck = match (postgres, db.amcheck().await) {
        (false, _) => false,
        (true, Ok(())) => true,
        (true, Err(e)) => {
            eprintln!("crash: amcheck unavailable ({e}): PostgreSQL integrity check skipped");
            false
        }
    };
    let mut after = db.last_seq().await.unwrap_or(0);
    db.close().await;

    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    // Unique to this run, so markers of earlier runs on the same register are not counted.
    let run = format!(
        "crash{:x}",
        (nanos ^ seed.rotate_left(32)) & 0xffff_ffff_ffff
    );
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut sessions: Vec<Option<Session>> = vec![None; writers];
    let mut all_writes: Vec<Write> = Vec::new();
    // Rounds in a row whose server did not start or whose writers could not sign in.
    let mut failures_in_a_row = 0;
    let log = dir.join("server.log");
    for round in 1..=rounds {
        let delay = rng.random_range(0..=max_ms);
        let round_seed: u64 = rng.random();
        tally.rounds += 1;
        let server = match start_server(&setup, &log) {
            Ok(s) => s,
            Err(e) => {
                tally.restart_failures += 1;
                tally.fail(round, e);
                let _ = std::fs::copy(&log, dir.join(format!("server-round-{round}.log")));
                failures_in_a_row += 1;
                if failures_in_a_row >= 3 {
                    eprintln!("crash: the server failed to start three times in a row; stopping");
                    break;
                }
                continue;
            }
        };
        let http = http_client();
        // Sign in the writers that have no session (the first round, or signed out).
        let mut setup_failed = None;
        for (w, session) in sessions.iter_mut().enumerate() {
            if session.is_some() {
                continue;
            }
            let mut last = String::new();
            for k in 0..USERS.len() {
                match sign_in(&http, &server.base, USERS[(w + k) % USERS.len()]).await {
                    Ok(s) => {
                        *session = Some(s);
                        break;
                    }
                    Err(e) => last = e,
                }
            }
            if session.is_none() {
                setup_failed = Some(last);
                break;
            }
        }
        if let Some(e) = setup_failed {
            // The register may be what fails: check it, then try again (three times at most).
            tally.check_errors += 1;
            tally.fail(round, format!("could not sign the writers in: {e}"));
            drop(server);
            if let Err(e) = check_round(&setup, round, &[], after, amcheck, &mut tally).await {
                tally.check_errors += 1;
                tally.fail(round, format!("check could not run: {e}"));
            }
            let _ = std::fs::copy(&log, dir.join(format!("server-round-{round}.log")));
            failures_in_a_row += 1;
            if failures_in_a_row >= 3 {
                eprintln!("crash: the writers could not sign in three times in a row; stopping");
                break;
            }
            continue;
        }
        failures_in_a_row = 0;
        let stop = Arc::new(AtomicBool::new(false));
        let writes = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for (w, session) in sessions.iter().enumerate() {
            tasks.push(tokio::spawn(writer(
                http.clone(),
                server.base.clone(),
                session.clone().unwrap(),
                (round, w, run.clone()),
                ChaCha8Rng::seed_from_u64(round_seed ^ w as u64),
                stop.clone(),
                writes.clone(),
            )));
        }
        tokio::time::sleep(Duration::from_millis(delay)).await;
        stop.store(true, Ordering::SeqCst);
        // SIGKILL, and reaped.
        drop(server);
        for (w, t) in tasks.into_iter().enumerate() {
            let abort = t.abort_handle();
            match tokio::time::timeout(WRITERS_STOP, t).await {
                Ok(Ok(true)) => sessions[w] = None,
                Ok(_) => {}
                Err(_) => abort.abort(),
            }
        }
        let mut writes = std::mem::take(&mut *writes.lock().unwrap());
        for w in &mut writes {
            if w.fate == Fate::Pending {
                w.fate = Fate::InFlight("writer stopped mid-request".into());
            }
        }
        let mut acked = 0;
        let mut mid_write = false;
        for w in &writes {
            tally.attempted += 1;
            match &w.fate {
                Fate::Acknowledged => acked += 1,
                Fate::InFlight(_) | Fate::Pending => {
                    tally.in_flight += 1;
                    mid_write = true;
                }
                Fate::NotSent => tally.not_sent += 1,
                Fate::Refused(why) => {
                    tally.refused += 1;
                    let why = why.clone();
                    tally.fail(round, format!("write {} refused: {why}", w.marker));
                }
            }
        }
        tally.acknowledged += acked;
        tally.rounds_killed_mid_write += mid_write as u64;
        match check_round(&setup, round, &writes, after, amcheck, &mut tally).await {
            Ok(seq) => after = seq,
            Err(e) => {
                tally.check_errors += 1;
                tally.fail(round, format!("check could not run: {e}"));
            }
        }
        let failed = tally.failed_rounds.contains(&round);
        if failed {
            let _ = std::fs::copy(&log, dir.join(format!("server-round-{round}.log")));
        }
        eprintln!(
            "round {round}/{rounds}: killed after {delay} ms; {} writes, {acked} acknowledged; {}",
            writes.len(),
            if failed { "FAILED" } else { "ok" }
        );
        all_writes.extend(writes);
    }
    if let Err(e) = final_check(&setup, &all_writes, &mut tally).await {
        tally.check_errors += 1;
        tally.fail(0, format!("final check could not run: {e}"));
    }
    let elapsed = started.elapsed();

    let t = &tally;
    println!();
    println!(
        "crash: {} rounds against {} ({} writers, kill after 0 to {max_ms} ms)",
        t.rounds,
        if postgres { "PostgreSQL" } else { "SQLite" },
        writers
    );
    println!("  writes attempted                      {:>8}", t.attempted);
    println!(
        "  writes acknowledged                   {:>8}",
        t.acknowledged
    );
    println!("  acknowledged writes found             {:>8}", t.found);
    println!("  acknowledged writes lost              {:>8}", t.lost);
    println!(
        "  unacknowledged, in flight at the kill {:>8}  (of which committed anyway: {})",
        t.in_flight, t.unacknowledged_committed
    );
    println!("  unacknowledged, not sent (server gone){:>8}", t.not_sent);
    println!("  refused by the server                 {:>8}", t.refused);
    println!(
        "  rounds killed with a write in flight  {:>8}",
        t.rounds_killed_mid_write
    );
    println!("  comment and audit entry not together  {:>8}", t.unpaired);
    println!(
        "  comments stored more than once        {:>8}",
        t.duplicated
    );
    println!(
        "  audit verify failures                 {:>8}",
        t.audit_failures
    );
    println!(
        "  integrity check failures              {:>8}  ({})",
        t.integrity_failures,
        match (postgres, amcheck) {
            (false, _) => "PRAGMA integrity_check".to_string(),
            (true, true) => "amcheck: bt_index_check heapallindexed, verify_heapam".to_string(),
            (true, false) => format!("skipped in {} rounds: no amcheck", t.integrity_skipped),
        }
    );
    println!(
        "  server restart failures               {:>8}",
        t.restart_failures
    );
    println!(
        "  checks that could not run             {:>8}",
        t.check_errors
    );
    println!(
        "  at the end: missing from the database {:>8}, from the API {}",
        t.final_missing_db, t.final_missing_api
    );
    println!(
        "  total time                            {:>7.1}s",
        elapsed.as_secs_f64()
    );
    if !t.failures.is_empty() {
        println!("first failures (round 0 is the check after the last round):");
        for f in &t.failures {
            println!("  {f}");
        }
        let rounds: Vec<String> = t
            .failed_rounds
            .iter()
            .take(50)
            .map(u64::to_string)
            .collect();
        println!("failed rounds: {}", rounds.join(" "));
    }
    println!("repeat: {repeat}");
    let wrong = tally.anything_wrong();
    if wrong || keep {
        println!(
            "kept: {} (server logs of failed rounds: server-round-N.log)",
            dir.display()
        );
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
    if wrong {
        std::process::ExitCode::FAILURE
    } else {
        std::process::ExitCode::SUCCESS
    }
}
