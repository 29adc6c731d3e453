//! Running the binary, and reaching into the register as someone with database access could.

use std::process::{Command, Output};

use tabara_store::testing::TestDb;

/// The binary on the test's register, in English, ready to run (add options, environment,
/// pipes); nothing of the caller's environment chooses the register or the first password.
pub fn command(db: &TestDb, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tabara"));
    c.arg("--database")
        .arg(db.database_arg())
        .arg("--key-file")
        .arg(&db.key_file)
        .arg("--signing-key")
        .arg(db.signing_key_file())
        .args(args)
        .env_remove("TABARA_DATABASE")
        .env_remove("TABARA_KEY_FILE")
        .env_remove("TABARA_SIGNING_KEY")
        .env_remove("TABARA_ADMIN_PASSWORD")
        .env("TABARA_LANG", "en");
    c
}

/// Run the binary on the test's register and wait for it.
pub fn tabara(db: &TestDb, args: &[&str]) -> Output {
    command(db, args).output().expect("run tabara")
}

/// The error output of a run, after asserting that the run failed.
pub fn failed(out: &Output) -> String {
    assert!(
        !out.status.success(),
        "tabara succeeded: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "tabara failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// Run raw SQL against the register, as someone with database access could.
pub async fn raw_sql(db: &TestDb, sql: &str) {
    match db.sqlite_path() {
        Some(path) => {
            let url = format!("sqlite://{}", path.display());
            execute::<sqlx::SqliteConnection>(&url, sql).await
        }
        None => execute::<sqlx::PgConnection>(&db.database_arg(), sql).await,
    }
}

/// One statement on a connection of its own.
async fn execute<C>(url: &str, sql: &str)
where
    C: sqlx::Connection,
    for<'c> &'c mut C: sqlx::Executor<'c, Database = C::Database>,
    <C::Database as sqlx::Database>::Arguments: sqlx::IntoArguments<C::Database>,
{
    let mut c = C::connect(url).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
        .execute(&mut c)
        .await
        .unwrap();
    c.close().await.unwrap();
}

/// A reader that stops early: the output goes into a pipe whose reading end is already closed.
pub fn into_closed_pipe(db: &TestDb, args: &[&str]) -> Output {
    let mut child = command(db, args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

pub fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("tabara-export-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// An address on the loopback with a port free a moment ago, for a server under test.
pub fn free_address() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("127.0.0.1:{port}")
}

/// `GET path` over plain HTTP/1.1 on a fresh connection: the whole reply, head and body.
pub fn http_get(address: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    reply
}
