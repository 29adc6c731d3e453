//! `backup create`, `backup verify`, `backup restore`, `key backup`: across backends, the keys
//! apart from the backup, erasure reaching older backups, and refusals in words.

use tabara_store::store_test;
use tabara_store::testing::TestDb;

use crate::common::*;

/// `tabara` against `target` with `source`'s key files.
fn with_keys(target: &TestDb, source: &TestDb, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_tabara"))
        .arg("--database")
        .arg(target.database_arg())
        .arg("--key-file")
        .arg(&source.key_file)
        .arg("--signing-key")
        .arg(source.signing_key_file())
        .args(args)
        .env_remove("TABARA_DATABASE")
        .env("TABARA_LANG", "en")
        .output()
        .expect("run tabara")
}

store_test!(
    a_backup_moves_a_register_to_the_other_backend,
    |db| async move {
        ok(&tabara(&db, &["demo", "--persons", "90", "--seed", "6"]));
        let dir = std::env::temp_dir().join(format!("tabara-bak-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("register.backup");
        let file_arg = file.display().to_string();
        let made = ok(&tabara(&db, &["backup", "create", "--output", &file_arg]));
        assert!(made.contains("Backup written to"), "{made}");
        let verified = ok(&tabara(&db, &["backup", "verify", &file_arg]));
        assert!(verified.starts_with("ok: the backup made"), "{verified}");
        assert!(verified.contains("No key source given"), "{verified}");
        let keys = dir.join("register.keys");
        let keys_arg = keys.display().to_string();
        let made = ok(&tabara(&db, &["key", "backup", "--output", &keys_arg]));
        assert!(
            made.contains("Key backup written to") && made.contains("of 91 persons"),
            "{made}"
        );
        let verified = ok(&tabara(
            &db,
            &["backup", "verify", &file_arg, "--keys", &keys_arg],
        ));
        assert!(
            verified.contains("91 persons' identities open"),
            "{verified}"
        );
        // The key backup is not a backup, nor the backup a key backup.
        let out = tabara(&db, &["backup", "verify", &keys_arg]);
        assert!(failed(&out).contains("not a Tabara backup"), "{out:?}");
        let out = tabara(&db, &["backup", "verify", &file_arg, "--keys", &file_arg]);
        assert!(failed(&out).contains("not a Tabara key backup"), "{out:?}");
        // Damage said in words, in French too.
        let bytes = std::fs::read(&file).unwrap();
        let cut = dir.join("cut.backup");
        std::fs::write(&cut, &bytes[..bytes.len() - 300]).unwrap();
        let out = tabara(&db, &["backup", "verify", &cut.display().to_string()]);
        assert!(
            failed(&out).contains("truncated") || failed(&out).contains("damaged"),
            "{out:?}"
        );
        let out = tabara(
            &db,
            &[
                "--lang",
                "fr",
                "backup",
                "verify",
                &cut.display().to_string(),
            ],
        );
        assert!(
            failed(&out).contains("la sauvegarde est refusée"),
            "{out:?}"
        );

        // Into the other backend, then read there.
        let target = match db.sqlite_path() {
            Some(_) => TestDb::postgres().await,
            None => Some(TestDb::sqlite().await),
        };
        if let Some(target) = target {
            target.store.close().await;
            // A restore needs the persons' keys.
            let refused = with_keys(&target, &db, &["backup", "restore", &file_arg]);
            assert!(!refused.status.success());
            let err = String::from_utf8_lossy(&refused.stderr).to_string();
            assert!(err.contains("--keys"), "{err}");
            let restored = with_keys(
                &target,
                &db,
                &["backup", "restore", &file_arg, "--keys", &keys_arg],
            );
            let text = ok(&restored);
            assert!(
                text.contains("Backup restored into") && text.contains("\nok, "),
                "{text}"
            );
            let here = ok(&tabara(
                &db,
                &["case", "show", "TBR-000004", "--with-identity"],
            ));
            let there = ok(&with_keys(
                &target,
                &db,
                &["case", "show", "TBR-000004", "--with-identity"],
            ));
            let persons = |t: &str| {
                t.split("Persons")
                    .nth(1)
                    .unwrap_or("")
                    .split("Comments")
                    .next()
                    .unwrap_or("")
                    .to_string()
            };
            assert_eq!(persons(&here), persons(&there));
            // Once filled, it is not restored into again.
            let again = with_keys(
                &target,
                &db,
                &["backup", "restore", &file_arg, "--keys", &keys_arg],
            );
            let err = String::from_utf8_lossy(&again.stderr).to_string();
            assert!(err.contains("not empty"), "{err}");
            target.finish().await;
        }
        let _ = std::fs::remove_dir_all(&dir);
        db.finish().await;
    }
);

/// The first person of a `case show --json` answer, with their identity.
fn first_person(out: &std::process::Output) -> serde_json::Value {
    let shown: serde_json::Value = serde_json::from_str(&ok(out)).unwrap();
    shown["persons"][0].clone()
}

store_test!(
    an_erased_person_is_gone_from_a_backup_taken_before,
    |db| async move {
        ok(&tabara(&db, &["demo", "--persons", "60", "--seed", "8"]));
        let show = ["--json", "case", "show", "TBR-000002", "--with-identity"];
        let before = first_person(&tabara(&db, &show));
        let person = before["person"]["id"].as_str().unwrap().to_string();
        let surname = before["identity"]["second_name"]
            .as_str()
            .unwrap()
            .to_string();
        let dir = std::env::temp_dir().join(format!("tabara-bak-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let older = dir.join("older.backup").display().to_string();
        let early_keys = dir.join("early.keys").display().to_string();
        ok(&tabara(&db, &["backup", "create", "--output", &older]));
        ok(&tabara(&db, &["key", "backup", "--output", &early_keys]));
        ok(&tabara(
            &db,
            &["person", "erase", &person, "--ground", "subject_request"],
        ));
        let keys = dir.join("after.keys").display().to_string();
        let made = ok(&tabara(&db, &["key", "backup", "--output", &keys]));
        assert!(made.contains("and 1 persons erased"), "{made}");
        // Neither file holds the name, nor any key that opens it.
        for f in [&older, &keys] {
            let bytes = std::fs::read(f).unwrap();
            assert!(!String::from_utf8_lossy(&bytes).contains(&surname));
        }
        // Restored with the keys of the register, or of the key backup made after: the person
        // is erased there too, and the others read as before.
        for source in [["--keys-from", &db.database_arg()], ["--keys", &keys]] {
            let target = TestDb::sqlite().await;
            target.store.close().await;
            let text = ok(&with_keys(
                &target,
                &db,
                &["backup", "restore", &older, source[0], source[1]],
            ));
            assert!(
                text.contains("1 persons erased since the backup was made were erased again"),
                "{text}"
            );
            let there = first_person(&with_keys(&target, &db, &show));
            assert_eq!(there["person"]["id"], before["person"]["id"]);
            assert!(
                there["identity"]["second_name"].is_null(),
                "{}",
                there["identity"]
            );
            let other: serde_json::Value = serde_json::from_str(&ok(&with_keys(
                &target,
                &db,
                &["--json", "case", "show", "TBR-000001", "--with-identity"],
            )))
            .unwrap();
            let here: serde_json::Value = serde_json::from_str(&ok(&tabara(
                &db,
                &["--json", "case", "show", "TBR-000001", "--with-identity"],
            )))
            .unwrap();
            assert_eq!(other["persons"], here["persons"]);
            let audit = ok(&with_keys(&target, &db, &["audit", "verify"]));
            assert!(audit.starts_with("ok, "), "{audit}");
            target.finish().await;
        }
        // The key backup made before the erasure still opens them: said in the guide, and why
        // key backups are kept few and with the master key.
        let target = TestDb::sqlite().await;
        target.store.close().await;
        let text = ok(&with_keys(
            &target,
            &db,
            &["backup", "restore", &older, "--keys", &early_keys],
        ));
        assert!(text.contains("0 persons erased since"), "{text}");
        let there = first_person(&with_keys(&target, &db, &show));
        assert_eq!(there["identity"]["second_name"].as_str(), Some(&*surname));
        target.finish().await;
        let _ = std::fs::remove_dir_all(&dir);
        db.finish().await;
    }
);
