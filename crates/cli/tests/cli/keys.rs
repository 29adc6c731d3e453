//! The master key file from the command line (issue 13): `init` makes it beside a new
//! register and says where; every other command refuses to run without the register's own
//! key file and says why; `key create` serves a register made before keys, never replacing
//! a key file.

use std::process::Command;

use tabara_store::store_test;

use crate::common::*;

fn run(db: &std::path::Path, extra: &[&str], args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tabara"))
        .arg("--database")
        .arg(db)
        .args(extra)
        .args(args)
        .env_remove("TABARA_DATABASE")
        .env_remove("TABARA_KEY_FILE")
        .env("TABARA_LANG", "en")
        .env("TABARA_ADMIN_PASSWORD", "a long enough test passphrase")
        .output()
        .expect("run tabara")
}

#[test]
fn a_register_runs_with_its_own_key_file_alone() {
    let dir =
        std::env::temp_dir().join(format!("tabara-cli-keys-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("post.db");
    let key = dir.join("post.db.key");
    let out = run(&db, &[], &["init"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains(&format!(
            "A new master key file was made at {}",
            key.display()
        )),
        "{said}"
    );
    assert!(key.exists());
    ok(&run(&db, &[], &["case", "list"]));

    // Another key file: refused, naming the key the register expects.
    let other = dir.join("other.key");
    ok(&run(
        &db,
        &["--key-file", other.to_str().unwrap()],
        &["key", "create"],
    ));
    let err = failed(&run(
        &db,
        &["--key-file", other.to_str().unwrap()],
        &["case", "list"],
    ));
    assert!(
        err.contains("this register's keys were made under master key"),
        "{err}"
    );

    // No key file: every command, the server included, says where it looked and what to do.
    std::fs::rename(&key, dir.join("moved.key")).unwrap();
    for args in [
        &["case", "list"][..],
        &["serve", "--listen", "127.0.0.1:0"],
        &["audit", "verify"],
    ] {
        let err = failed(&run(&db, &[], args));
        assert!(
            err.contains(&format!("there is no key file at {}", key.display())),
            "{args:?}: {err}"
        );
    }
    let fr = Command::new(env!("CARGO_BIN_EXE_tabara"))
        .args([
            "--database",
            db.to_str().unwrap(),
            "--lang",
            "fr",
            "case",
            "list",
        ])
        .env_remove("TABARA_KEY_FILE")
        .output()
        .unwrap();
    assert!(failed(&fr).contains("aucun fichier de clé à"));
    std::fs::rename(dir.join("moved.key"), &key).unwrap();

    // A key file others may read is refused until it is the owner's again.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o640)).unwrap();
        let err = failed(&run(&db, &[], &["case", "list"]));
        assert!(
            err.contains("can be read by other accounts (mode 640)"),
            "{err}"
        );
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    // `key create` never replaces the register's key file.
    let err = failed(&run(&db, &[], &["key", "create"]));
    assert!(err.contains("a key file is already at"), "{err}");
    ok(&run(&db, &[], &["case", "list"]));
    std::fs::remove_dir_all(&dir).unwrap();
}

store_test!(
    key_rotate_finishes_after_an_interruption_and_the_new_key_opens,
    |db| async move {
        ok(&tabara(&db, &["demo", "--persons", "60", "--seed", "8"]));
        let new = db.key_file.with_extension("new.key");
        let new_arg = new.display().to_string();
        let paused = tabara(
            &db,
            &[
                "key",
                "rotate",
                "--new-key-file",
                &new_arg,
                "--batch",
                "5",
                "--max-batches",
                "1",
            ],
        );
        assert_eq!(paused.status.code(), Some(3));
        assert!(String::from_utf8_lossy(&paused.stdout).contains("stopped after 5 data keys"));
        let refused = tabara(&db, &["case", "list", "--limit", "1"]);
        assert!(failed(&refused).contains("was interrupted"), "{refused:?}");
        let done = ok(&tabara(&db, &["key", "rotate", "--new-key-file", &new_arg]));
        assert!(
            done.contains("Every key of the register is now wrapped"),
            "{done}"
        );
        std::fs::rename(&new, &db.key_file).unwrap();
        let shown = ok(&tabara(
            &db,
            &["case", "show", "TBR-000001", "--with-identity"],
        ));
        assert!(shown.contains("Victim"), "{shown}");
        let verify = ok(&tabara(&db, &["audit", "verify"]));
        assert!(verify.starts_with("ok, "), "{verify}");
        let same = tabara(
            &db,
            &[
                "key",
                "rotate",
                "--new-key-file",
                &db.key_file.display().to_string(),
            ],
        );
        assert!(failed(&same).contains("another key"), "{same:?}");
        db.finish().await;
    }
);
