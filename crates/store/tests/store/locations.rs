//! Database locations and the register file.

use crate::common::*;
use tabara_core::protect::MasterKey;

// ================================================================ 12. locations

#[tokio::test]
async fn location_parsing_and_missing_sqlite_file() {
    let url = "postgres://tabara:secret@db.example:5432/tabara";
    for (given, expected) in [
        (url, Location::Postgres(url.into())),
        (
            " postgresql://h/db ",
            Location::Postgres("postgresql://h/db".into()),
        ),
        (
            "sqlite:///var/lib/tabara.db",
            Location::Sqlite("/var/lib/tabara.db".into()),
        ),
        (
            "sqlite:data/tabara.db",
            Location::Sqlite("data/tabara.db".into()),
        ),
        ("  registre.db ", Location::Sqlite("registre.db".into())),
    ] {
        assert_eq!(Location::parse(given).unwrap(), expected, "'{given}'");
    }
    for bad in ["", "   ", "mysql://h/db"] {
        match Location::parse(bad) {
            Err(StoreError::Location(m)) => {
                assert!(
                    bad.trim().is_empty() || m.to_string().contains("'mysql'"),
                    "{m}"
                )
            }
            other => panic!("'{bad}' must be refused, got {other:?}"),
        }
    }
    let redacted = Location::parse(url).unwrap().redacted();
    assert_eq!(redacted, "postgres://…@db.example:5432/tabara");

    let dir =
        std::env::temp_dir().join(format!("tabara-missing-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let missing = dir.join("absent.db");
    match Store::open(
        &Location::Sqlite(missing.clone()),
        OpenMode::Existing,
        MasterKey::generate(),
    )
    .await
    {
        Err(StoreError::Location(m)) => assert!(m.to_string().contains("absent.db"), "{m}"),
        other => panic!("opening a missing register must fail, got {other:?}"),
    }
    assert!(
        !missing.exists(),
        "opening an existing register creates nothing"
    );
    let no_folder = dir.join("nope").join("tabara.db");
    match Store::open(
        &Location::Sqlite(no_folder),
        OpenMode::CreateIfMissing,
        MasterKey::generate(),
    )
    .await
    {
        Err(StoreError::Location(m)) => assert!(m.to_string().contains("does not exist"), "{m}"),
        other => panic!("a missing folder must be named, got {other:?}"),
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

// ================================================================ issue 10: the register file

/// The SQLite file holds identities: created readable by its owner only, and so are the
/// write-ahead log and shared-memory files SQLite puts next to it.
#[cfg(unix)]
#[tokio::test]
async fn a_new_sqlite_register_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("tabara-mode-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("register.db");
    let s = Store::open(
        &Location::Sqlite(path.clone()),
        OpenMode::CreateIfMissing,
        MasterKey::generate(),
    )
    .await
    .unwrap();
    s.create_organisation(&system(), &org("Agence"))
        .await
        .unwrap();
    for name in ["register.db", "register.db-wal", "register.db-shm"] {
        let mode = std::fs::metadata(dir.join(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{name}: {mode:o}");
    }
    s.close().await;
    std::fs::remove_dir_all(&dir).unwrap();
}
