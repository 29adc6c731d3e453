//! Test support shared by every crate's tests: a fresh register per test on each backend.
//!
//! PostgreSQL tests read `TABARA_TEST_POSTGRES_URL` (an administrative URL; each test creates
//! and drops its own database). When the variable is missing the test fails, unless
//! `TABARA_TEST_SKIP_POSTGRES=1` says explicitly that this run is SQLite only; a PostgreSQL
//! test never passes silently without a server.

use std::path::PathBuf;

use sqlx::Connection;

use crate::{Location, OpenMode, Store};

/// A register for one test; removes its database when dropped or finished.
pub struct TestDb {
    /// The store under test.
    pub store: Store,
    /// Where it lives (hand it to a spawned `tabara` binary).
    pub location: Location,
    /// Its master key file (beside an SQLite register, in a folder of its own for PostgreSQL).
    pub key_file: PathBuf,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite {
        _dir: tempdir::Dir,
    },
    Postgres {
        admin_url: String,
        name: String,
        _dir: tempdir::Dir,
    },
}

/// A new key file at `path`, and its key.
fn new_key(path: &std::path::Path) -> tabara_core::protect::MasterKey {
    crate::keys::create_master_key(path).expect("create the test register's key file")
}

/// A fresh temporary folder.
fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tabara-test-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).expect("create temporary folder");
    dir
}

/// Temporary folders.
pub mod tempdir {
    use std::path::PathBuf;

    /// A temporary folder removed on drop.
    pub struct Dir(pub PathBuf);

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// A fresh temporary folder, removed when dropped.
pub fn temp_folder() -> tempdir::Dir {
    tempdir::Dir(temp_dir())
}

impl TestDb {
    /// A fresh SQLite register in a temporary folder.
    pub async fn sqlite() -> TestDb {
        let dir = temp_dir();
        let location = Location::Sqlite(dir.join("tabara.db"));
        let key_file = crate::keys::default_key_file(&location).expect("beside the file");
        let store = Store::open(&location, OpenMode::CreateIfMissing, new_key(&key_file))
            .await
            .expect("open SQLite test register");
        TestDb {
            store,
            location,
            key_file,
            cleanup: Cleanup::Sqlite {
                _dir: tempdir::Dir(dir),
            },
        }
    }

    /// A fresh PostgreSQL database, or `None` when the run is explicitly SQLite only.
    pub async fn postgres() -> Option<TestDb> {
        let admin_url = match std::env::var("TABARA_TEST_POSTGRES_URL") {
            Ok(url) if !url.trim().is_empty() => url,
            _ => {
                if std::env::var("TABARA_TEST_SKIP_POSTGRES").as_deref() == Ok("1") {
                    eprintln!("PostgreSQL case skipped: TABARA_TEST_SKIP_POSTGRES=1");
                    return None;
                }
                panic!(
                    "TABARA_TEST_POSTGRES_URL is not set: run the suite with `bash .ci/run`, \
                     or set TABARA_TEST_SKIP_POSTGRES=1 to run SQLite only"
                );
            }
        };
        let name = format!("tabara_test_{}", uuid::Uuid::now_v7().simple());
        let mut admin = sqlx::PgConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|e| {
                panic!("PostgreSQL at TABARA_TEST_POSTGRES_URL is unreachable: {e}")
            });
        drop_stale_databases(&mut admin).await;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .expect("create test database");
        admin.close().await.ok();
        let location = Location::Postgres(with_database(&admin_url, &name));
        let dir = temp_dir();
        let key_file = dir.join("tabara.key");
        let store = Store::open(&location, OpenMode::Existing, new_key(&key_file))
            .await
            .expect("open PostgreSQL test register");
        Some(TestDb {
            store,
            location,
            key_file,
            cleanup: Cleanup::Postgres {
                admin_url,
                name,
                _dir: tempdir::Dir(dir),
            },
        })
    }

    /// The SQLite file, if this is an SQLite register.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        match &self.location {
            Location::Sqlite(p) => Some(p.clone()),
            Location::Postgres(_) => None,
        }
    }

    /// Its master key, read from its key file (to open the register again).
    pub fn master_key(&self) -> tabara_core::protect::MasterKey {
        crate::keys::load_master_key(&self.key_file).expect("the test register's key file")
    }

    /// Where its checkpoint signing key file goes (beside the master key file, as `init`
    /// and `demo` put it beside an SQLite register); not made until asked for.
    pub fn signing_key_file(&self) -> PathBuf {
        self.key_file.with_extension("signing.key")
    }

    /// The `--database` argument for this register.
    pub fn database_arg(&self) -> String {
        match &self.location {
            Location::Sqlite(p) => p.display().to_string(),
            Location::Postgres(url) => url.clone(),
        }
    }

    /// Close the store and drop the database.
    pub async fn finish(self) {
        self.store.close().await;
        if let Cleanup::Postgres {
            admin_url, name, ..
        } = &self.cleanup
            && let Ok(mut admin) = sqlx::PgConnection::connect(admin_url).await
        {
            drop_database(&mut admin, name).await;
            let _ = admin.close().await;
        }
    }
}

/// Drop a test database, whoever is still connected to it; a failure is not the test's.
async fn drop_database(admin: &mut sqlx::PgConnection, name: &str) {
    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
    )))
    .execute(&mut *admin)
    .await;
}

/// A test that panicked never reached `finish`: drop test databases made more than two hours
/// ago (their names carry a UUID v7, whose first bits are the creation time).
async fn drop_stale_databases(admin: &mut sqlx::PgConnection) {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT datname::text FROM pg_database WHERE datname LIKE 'tabara_test_%'",
    )
    .fetch_all(&mut *admin)
    .await
    .unwrap_or_default();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    for name in names {
        let Ok(id) = uuid::Uuid::parse_str(name.trim_start_matches("tabara_test_")) else {
            continue;
        };
        let Some((created, _)) = id.get_timestamp().map(|t| t.to_unix()) else {
            continue;
        };
        if now.saturating_sub(created) > 2 * 3600 {
            drop_database(admin, &name).await;
        }
    }
}

/// Replace the database name in a PostgreSQL URL, keeping any query string.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let authority_start = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// Runs one async test body against a fresh SQLite and a fresh PostgreSQL register:
/// `store_test!(name, |db| async move { ... })` expands to `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! store_test {
    ($name:ident, |$db:ident| $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $db = $crate::testing::TestDb::sqlite().await;
                let db_handle = $body;
                db_handle.await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some($db) = $crate::testing::TestDb::postgres().await else {
                    return;
                };
                let db_handle = $body;
                db_handle.await;
            }
        }
    };
}

/// Alter a stored file behind the register's back, as an attacker with access to the storage
/// could: its first sealed chunk has a bit flipped, so it no longer opens and the next custody
/// event of its item of evidence records a mismatch. For tests and the demo register, which
/// shows the detection to trainees; nothing else calls it.
pub async fn damage_file_for_training(store: &Store, file: uuid::Uuid) -> crate::Result<()> {
    store.damage_first_chunk(file).await
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/postgres", "t1"),
            "postgres://u:p@h:5432/t1"
        );
        assert_eq!(
            with_database("postgres://h/db?sslmode=disable", "t2"),
            "postgres://h/t2?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "t3"), "postgres://h/t3");
    }
}
