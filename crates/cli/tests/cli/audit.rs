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
            && text.contains("records of kind material_movement")
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
