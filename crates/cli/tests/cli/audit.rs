//! `audit verify` and `audit log`.

use tabara_store::store_test;

use crate::common::*;

store_test!(audit_verify_catches_a_cut_or_wiped_log, |db| async move {
    ok(&tabara(&db, &["demo", "--persons", "120", "--seed", "9"]));
    let verify = ok(&tabara(&db, &["audit", "verify"]));
    assert!(verify.starts_with("ok, "), "{verify}");
    let entries = db.store.audit_entries(0, 100_000).await.unwrap();
    // Cut the last ten entries and move the head back: the chain alone looks whole.
    let keep = &entries[entries.len() - 11];
    raw_sql(
        &db,
        &format!("DELETE FROM audit_log WHERE seq > {}", keep.seq),
    )
    .await;
    raw_sql(
        &db,
        &format!(
            "UPDATE audit_head SET seq = {}, hash = '{}' WHERE id = 1",
            keep.seq, keep.hash
        ),
    )
    .await;
    let cut = tabara(&db, &["audit", "verify"]);
    assert_eq!(cut.status.code(), Some(1));
    let text = String::from_utf8_lossy(&cut.stdout);
    assert!(
        text.contains(&format!("BROKEN at entry {}", keep.seq + 1))
            && text.contains("records of kind ")
            && text.contains("entries were removed from the end"),
        "{text}"
    );
    let french = tabara(&db, &["--lang", "fr", "audit", "verify"]);
    assert!(
        String::from_utf8_lossy(&french.stdout).contains("supprimées à la fin du journal"),
        "{}",
        String::from_utf8_lossy(&french.stdout)
    );
    // Everything wiped and the head set back to zero.
    raw_sql(&db, "DELETE FROM audit_log").await;
    raw_sql(
        &db,
        "UPDATE audit_head SET seq = 0, hash = '0000000000000000000000000000000000000000000000000000000000000000' WHERE id = 1",
    )
    .await;
    let wiped = tabara(&db, &["audit", "verify"]);
    assert_eq!(wiped.status.code(), Some(1));
    let text = String::from_utf8_lossy(&wiped.stdout);
    assert!(
        text.contains("BROKEN at entry 1") && text.contains("but the log has only 0"),
        "{text}"
    );
    // No head row at all: said in words, not a database error.
    raw_sql(&db, "DELETE FROM audit_head").await;
    let headless = tabara(&db, &["audit", "verify"]);
    assert_eq!(headless.status.code(), Some(1));
    let text = String::from_utf8_lossy(&headless.stdout);
    assert!(text.contains("the chain head"), "{text}");
    assert!(
        !String::from_utf8_lossy(&headless.stderr).contains("database error"),
        "{}",
        String::from_utf8_lossy(&headless.stderr)
    );
    db.finish().await;
});

store_test!(
    audit_verify_against_a_checkpoint_kept_elsewhere,
    |db| async move {
        ok(&tabara(&db, &["demo", "--persons", "100", "--seed", "4"]));
        assert!(db.signing_key_file().exists(), "demo makes the signing key");
        let dir = std::env::temp_dir().join(format!("tabara-cp-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("checkpoint.txt");
        let file_arg = file.display().to_string();
        ok(&tabara(
            &db,
            &["audit", "checkpoint", "--output", &file_arg],
        ));
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            text.starts_with("tabara audit checkpoint v1\nsize "),
            "{text}"
        );
        // An existing file is never replaced.
        let again = tabara(&db, &["audit", "checkpoint", "--output", &file_arg]);
        assert!(failed(&again).contains("never replaced"));
        let verify = ok(&tabara(
            &db,
            &["audit", "verify", "--checkpoint", &file_arg],
        ));
        assert!(
            verify.contains("checkpoint ok: the log's first"),
            "{verify}"
        );

        // The proof of an entry, printed for a witness.
        let proof = ok(&tabara(&db, &["audit", "prove", "7"]));
        assert!(proof.contains("Entry 7 is in the tree") && proof.contains("\npath "));
        let size: i64 = text.lines().nth(1).unwrap()[5..].parse().unwrap();
        let consistency = ok(&tabara(
            &db,
            &["audit", "consistency", "--from", &(size / 2).to_string()],
        ));
        assert!(consistency.contains("consistency proof"), "{consistency}");

        // An altered checkpoint, and one signed by another key.
        let altered = dir.join("altered.txt");
        std::fs::write(&altered, text.replacen("size ", "size 1", 1)).unwrap();
        let out = tabara(
            &db,
            &[
                "audit",
                "verify",
                "--checkpoint",
                &altered.display().to_string(),
            ],
        );
        assert!(failed(&out).contains("signature does not match"), "{out:?}");
        let other = dir.join("other.signing.key");
        let out = signed_by(&db, &other, &["key", "create", "--signing"]);
        ok(&out);
        let foreign = dir.join("foreign.txt");
        let out = signed_by(
            &db,
            &other,
            &[
                "audit",
                "checkpoint",
                "--output",
                &foreign.display().to_string(),
            ],
        );
        ok(&out);
        let out = tabara(
            &db,
            &[
                "audit",
                "verify",
                "--checkpoint",
                &foreign.display().to_string(),
            ],
        );
        assert!(failed(&out).contains("not by the key trusted"), "{out:?}");

        // The whole tail from the middle rewritten with correct hashes: the chain alone passes,
        // the checkpoint does not.
        let entries = db.store.audit_entries(0, 100_000).await.unwrap();
        let from = entries.len() / 2;
        let mut prev = entries[from - 1].hash.clone();
        for e in &entries[from..] {
            let actor = if e.seq as usize == from + 1 {
                "system:forged"
            } else {
                e.actor.as_str()
            };
            let hash = tabara_store::audit::entry_hash(
                e.seq,
                e.at_us,
                actor,
                &e.action,
                &e.record_kind,
                &e.record_id,
                &prev,
            );
            raw_sql(
                &db,
                &format!(
                    "UPDATE audit_log SET actor = '{actor}', prev_hash = '{prev}', hash = '{hash}' \
                        WHERE seq = {}",
                    e.seq
                ),
            )
            .await;
            prev = hash;
        }
        raw_sql(
            &db,
            &format!("UPDATE audit_head SET hash = '{prev}' WHERE id = 1"),
        )
        .await;
        let chain = ok(&tabara(&db, &["audit", "verify"]));
        assert!(chain.starts_with("ok, "), "{chain}");
        let out = tabara(&db, &["audit", "verify", "--checkpoint", &file_arg]);
        assert_eq!(out.status.code(), Some(1));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("CHECKPOINT BROKEN") && text.contains("were rewritten"),
            "{text}"
        );
        let french = tabara(
            &db,
            &["--lang", "fr", "audit", "verify", "--checkpoint", &file_arg],
        );
        assert!(String::from_utf8_lossy(&french.stdout).contains("POINT DE CONTRÔLE ROMPU"));
        // And no new checkpoint is signed over the rewrite.
        let out = tabara(&db, &["audit", "checkpoint"]);
        assert!(
            failed(&out).contains("no longer matches its checkpoint"),
            "{out:?}"
        );
        let _ = std::fs::remove_dir_all(&dir);
        db.finish().await;
    }
);

/// `tabara` run with another signing key file than the register's.
fn signed_by(
    db: &tabara_store::testing::TestDb,
    key: &std::path::Path,
    args: &[&str],
) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_tabara"))
        .arg("--database")
        .arg(db.database_arg())
        .arg("--key-file")
        .arg(&db.key_file)
        .arg("--signing-key")
        .arg(key)
        .args(args)
        .env_remove("TABARA_DATABASE")
        .env("TABARA_LANG", "en")
        .output()
        .expect("run tabara")
}
