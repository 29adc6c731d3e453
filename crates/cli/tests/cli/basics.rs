//! What every command shares: a missing register, help, a closed pipe, the register file's mode.

use std::process::Command;

use tabara_store::store_test;

use crate::common::*;

#[test]
fn missing_database_is_a_clear_error() {
    let dir = std::env::temp_dir().join(format!("tabara-cli-{}", std::process::id()));
    let path = dir.join("nothing-here.db");
    let out = Command::new(env!("CARGO_BIN_EXE_tabara"))
        .args(["--database", path.to_str().unwrap(), "case", "list"])
        .output()
        .unwrap();
    let err = failed(&out);
    assert!(
        err.contains("no Tabara database") || err.contains("does not exist"),
        "{err}"
    );
    assert!(!path.exists(), "a typo must not create an empty register");
    let bad_ref = Command::new(env!("CARGO_BIN_EXE_tabara"))
        .args(["case", "show", "TBR-abc"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&bad_ref.stderr).contains("is not a case reference"));
}

#[test]
fn every_command_has_help() {
    for args in [
        vec!["--help"],
        vec!["init", "--help"],
        vec!["demo", "--help"],
        vec!["case", "list", "--help"],
        vec!["case", "show", "--help"],
        vec!["audit", "verify", "--help"],
        vec!["audit", "log", "--help"],
        vec!["export", "--help"],
        vec!["serve", "--help"],
        vec!["user", "add", "--help"],
        vec!["user", "reset", "--help"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_tabara"))
            .args(&args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("Usage:") && text.lines().count() > 4,
            "{args:?}: {text}"
        );
    }
}

store_test!(a_closed_pipe_ends_output_quietly, |db| async move {
    ok(&tabara(&db, &["demo", "--persons", "300", "--seed", "2"]));
    let list: serde_json::Value = serde_json::from_str(&ok(&tabara(
        &db,
        &["--json", "case", "list", "--limit", "1"],
    )))
    .unwrap();
    let number = list["items"][0]["number"].as_i64().unwrap().to_string();
    for args in [
        vec!["case", "list", "--limit", "500"],
        vec!["--json", "case", "list", "--limit", "500"],
        vec!["case", "show", &number],
        vec!["audit", "log", "--limit", "2000"],
        vec!["export", "--format", "csv"],
        vec!["export", "--format", "json"],
    ] {
        let out = into_closed_pipe(&db, &args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
    db.finish().await;
});

#[cfg(unix)]
#[test]
fn a_new_register_file_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("tabara-cli-mode-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("register.db");
    let out = Command::new(env!("CARGO_BIN_EXE_tabara"))
        .arg("--database")
        .arg(&db)
        .args(["demo", "--persons", "20"])
        .env("TABARA_LANG", "en")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let register = std::fs::metadata(&db).expect("the register file exists");
    assert_eq!(register.permissions().mode() & 0o777, 0o600, "register.db");
    // The write-ahead log and its index, while they exist, are the register too.
    for name in ["register.db-wal", "register.db-shm"] {
        if let Ok(meta) = std::fs::metadata(dir.join(name)) {
            assert_eq!(meta.permissions().mode() & 0o777, 0o600, "{name}");
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
