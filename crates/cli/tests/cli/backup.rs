//! `backup create`, `backup verify`, `backup restore`: across backends, and refusals in words.

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
            let restored = with_keys(&target, &db, &["backup", "restore", &file_arg]);
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
            let again = with_keys(&target, &db, &["backup", "restore", &file_arg]);
            let err = String::from_utf8_lossy(&again.stderr).to_string();
            assert!(err.contains("not empty"), "{err}");
            target.finish().await;
        }
        let _ = std::fs::remove_dir_all(&dir);
        db.finish().await;
    }
);
