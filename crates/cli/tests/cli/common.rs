//! Running the binary, and reaching into the register as someone with database access could.

use std::process::{Command, Output};

use tabara_store::testing::TestDb;
pub fn tabara(db: &TestDb, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tabara"))
        .arg("--database")
        .arg(db.database_arg())
        .args(args)
        .env_remove("TABARA_DATABASE")
        .env_remove("TABARA_ADMIN_PASSWORD")
        .env("TABARA_LANG", "en")
        .output()
        .expect("run tabara")
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
    use sqlx::Connection;
    match db.sqlite_path() {
        Some(path) => {
            let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
                .await
                .unwrap();
            sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
                .execute(&mut c)
                .await
                .unwrap();
            c.close().await.unwrap();
        }
        None => {
            let mut c = sqlx::PgConnection::connect(&db.database_arg())
                .await
                .unwrap();
            sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
                .execute(&mut c)
                .await
                .unwrap();
            c.close().await.unwrap();
        }
    }
}

/// A reader that stops early: the output goes into a pipe whose reading end is already closed.
pub fn into_closed_pipe(db: &TestDb, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tabara"))
        .arg("--database")
        .arg(db.database_arg())
        .args(args)
        .env("TABARA_LANG", "en")
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
