//! The audit chain: verification after writes, tampering detected, and the register as evidence against a cut tail.

use crate::common::*;

// ================================================================ 8. audit chain

store_test!(audit_chain_verifies_after_writes, |db| async move {
    let s = &db.store;
    assert_verified(s, 0).await;
    let actions = audited_writes(s).await;
    let n = actions.len() as i64;

    // Refused writes log nothing.
    let case = s.case_by_number(1).await.unwrap();
    assert_invalid(
        s.add_comment(&system(), case.id, "").await,
        "cco_CaseComment",
        "required",
    );
    assert_conflict(
        s.update_case(&system(), &Case { version: 7, ..case }).await,
        "case",
        "TBR-000001",
        7,
        1,
    );

    assert_verified(s, n).await;
    assert_eq!(audit_count(s).await, n);
    let entries = all_audit(s).await;
    assert_eq!(
        entries
            .iter()
            .map(|e| e.action.as_str())
            .collect::<Vec<_>>(),
        actions
    );
    assert_eq!(
        entries.iter().map(|e| e.seq).collect::<Vec<_>>(),
        (1..=n).collect::<Vec<_>>()
    );
    assert_eq!(entries[0].prev_hash, GENESIS);
    for pair in entries.windows(2) {
        assert_eq!(pair[1].prev_hash, pair[0].hash, "entry {}", pair[1].seq);
    }
    assert_eq!(s.audit_entries(3, 2).await.unwrap(), entries[3..5].to_vec());
    db.finish().await
});

/// After the audited writes (eight entries, verified whole), `sql` run behind Tabara's back
/// must break the chain at entry `seq`.
async fn assert_tampering_detected(db: &TestDb, sql: &'static str, seq: i64) {
    let s = &db.store;
    let n = audited_writes(s).await.len() as i64;
    assert_eq!(n, 8);
    assert_verified(s, n).await;
    tamper(db, sql).await;
    assert_broken(s.verify_audit().await.unwrap(), seq);
}

store_test!(audit_chain_detects_an_edited_entry, |db| async move {
    let sql = "UPDATE audit_log SET actor = 'user:forged' WHERE seq = 3";
    assert_tampering_detected(&db, sql, 3).await;
    db.finish().await
});

store_test!(audit_chain_detects_a_deleted_last_entry, |db| async move {
    assert_tampering_detected(&db, "DELETE FROM audit_log WHERE seq = 8", 8).await;
    db.finish().await
});

store_test!(
    audit_chain_detects_a_deleted_middle_entry,
    |db| async move {
        assert_tampering_detected(&db, "DELETE FROM audit_log WHERE seq = 3", 3).await;
        db.finish().await
    }
);

store_test!(audit_chain_detects_a_forged_append, |db| async move {
    let sql = "INSERT INTO audit_log (seq, at_us, actor, action, record_kind, record_id, \
        prev_hash, hash) SELECT 9, at_us, actor, action, record_kind, record_id, hash, hash FROM \
        audit_log WHERE seq = 8";
    assert_tampering_detected(&db, sql, 9).await;
    db.finish().await
});

// ================================================================ issue 10: audit evidence

/// Cut the log after entry `keep` and move the head back to it: the chain alone stays whole.
fn cut_tail(keep: &AuditEntry) -> Vec<String> {
    vec![
        format!("DELETE FROM audit_log WHERE seq > {}", keep.seq),
        format!(
            "UPDATE audit_head SET seq = {}, hash = '{}' WHERE id = 1",
            keep.seq, keep.hash
        ),
    ]
}

store_test!(
    audit_verify_detects_a_cut_tail_with_the_head_moved_back,
    |db| async move {
        let s = &db.store;
        load_demo(s, 5, 150).await;
        let entries = all_audit(s).await;
        let n = entries.len() as i64;
        assert_verified(s, n).await;
        // The last batch ends with its consents' entries: cut five of them.
        let removed = &entries[entries.len() - 5..];
        assert!(
            removed.iter().all(|e| e.action == "consent.create"),
            "{removed:?}"
        );
        let keep = &entries[entries.len() - 6];
        tamper_all(&db, &cut_tail(keep)).await;
        match s.verify_audit().await.unwrap() {
            Verification::Broken {
                seq,
                reason:
                    tabara_store::Problem::Unrecorded {
                        kind,
                        action,
                        records,
                        entries: found,
                        example,
                    },
            } => {
                assert_eq!(seq, keep.seq + 1);
                assert_eq!(
                    (kind.as_str(), action.as_str()),
                    ("consent", "consent.create")
                );
                assert_eq!(records, found + 5);
                assert!(
                    removed
                        .iter()
                        .any(|e| Some(&e.record_id) == example.as_ref()),
                    "{example:?} is one of the consents whose entry was cut"
                );
            }
            other => panic!("a cut tail must be detected: {other:?}"),
        }
        db.finish().await
    }
);

store_test!(audit_verify_detects_a_wiped_log, |db| async move {
    let s = &db.store;
    load_demo(s, 6, 60).await;
    tamper_all(
        &db,
        &[
            "DELETE FROM audit_log".to_string(),
            format!("UPDATE audit_head SET seq = 0, hash = '{GENESIS}' WHERE id = 1"),
        ],
    )
    .await;
    match s.verify_audit().await.unwrap() {
        Verification::Broken {
            seq: 1,
            reason:
                tabara_store::Problem::Unrecorded {
                    kind,
                    entries: 0,
                    records,
                    example,
                    ..
                },
        } => {
            assert_eq!(kind, "organisation");
            assert!(records > 0);
            assert_eq!(example.map(|e| e.len()), Some(36), "a uuid");
        }
        other => panic!("a wiped log must be detected: {other:?}"),
    }
    db.finish().await
});

store_test!(audit_verify_names_a_missing_head, |db| async move {
    let s = &db.store;
    let n = audited_writes(s).await.len() as i64;
    tamper_all(&db, &["DELETE FROM audit_head".to_string()]).await;
    assert_eq!(
        s.verify_audit().await.unwrap(),
        Verification::Broken {
            seq: n + 1,
            reason: tabara_store::Problem::HeadMissing
        }
    );
    db.finish().await
});

store_test!(
    audit_verify_detects_a_record_written_after_the_log,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let case = open_case(s, &w, "2026-01-10").await;
        assert_verified(s, audit_count(s).await).await;
        // As if the case's last change had been audited in entries since cut away.
        tamper_all(
            &db,
            &[format!(
                "UPDATE cases SET updated_at = '2999-01-01T00:00:00+00:00' WHERE number = {}",
                case.number
            )],
        )
        .await;
        match s.verify_audit().await.unwrap() {
            Verification::Broken {
                reason: tabara_store::Problem::WrittenAfterLog { table, .. },
                ..
            } => assert_eq!(table, "cases"),
            other => panic!("{other:?}"),
        }
        db.finish().await
    }
);

// ---------------------------------------------------------------- the hash format, pinned

/// A known answer: fixed entries hashed by the chain's own function give exactly these hashes
/// (computed when the format was `tabara.audit.v1`). A change of the format, of the field
/// order or of the length prefixes breaks every existing register's chain, and this test.
#[test]
fn audit_hash_format_is_pinned_by_a_known_answer() {
    use tabara_store::audit::{AuditEntry, Verifier};
    let first = AuditEntry {
        seq: 1,
        at_us: 1_767_225_600_000_000,
        actor: "user:0190f0c2-7a4e-7c3b-9d1e-2f3a4b5c6d7e".into(),
        action: "case.create".into(),
        record_kind: "case".into(),
        record_id: "0190f0c2-7a4e-7c3b-9d1e-000000000001".into(),
        prev_hash: GENESIS.into(),
        hash: "1b83cc4cb98816338d7ba1ef73d5219482471738c64a12e0f73a3bc4d1b8d30e".into(),
    };
    let second = AuditEntry {
        seq: 2,
        at_us: 1_767_225_600_000_001,
        actor: "system:cli".into(),
        action: "person_identity.read".into(),
        record_kind: "person".into(),
        record_id: "0190f0c2-7a4e-7c3b-9d1e-000000000002".into(),
        prev_hash: first.hash.clone(),
        hash: "d9ccbb82abda86b97d1362eeabea66bd2c505f8bb73e144dad0a0143d2a8aecd".into(),
    };
    // The chain's function (`entry_hash` over the entry's fields) gives exactly these hashes.
    assert_eq!(first.recomputed_hash(), first.hash);
    assert_eq!(second.recomputed_hash(), second.hash);
    // The verifier accepts the pinned pair as a chain, and its head.
    let mut v = Verifier::default();
    v.check(&first).unwrap();
    v.check(&second).unwrap();
    assert_eq!(v.finish(2, &second.hash), Verification::Ok { entries: 2 });
}

store_test!(
    the_store_chains_entries_with_the_pinned_format,
    |db| async move {
        // What the store appends is hashed with the same function: recomputing each stored entry
        // from its fields gives its stored hash, and each links to the one before.
        let s = &db.store;
        audited_writes(s).await;
        let entries = all_audit(s).await;
        assert!(entries.len() >= 8, "{entries:?}");
        let mut prev = GENESIS.to_string();
        for e in &entries {
            assert_eq!(e.prev_hash, prev, "entry {}", e.seq);
            assert_eq!(e.recomputed_hash(), e.hash, "entry {}", e.seq);
            prev = e.hash.clone();
        }
        db.finish().await;
    }
);
