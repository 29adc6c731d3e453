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

// ================================================================ issue 13: checkpoints and proofs

/// Rewrite entry `from` (its record id) and re-chain every entry after it, head included: the
/// chain alone then verifies, as after an insider's careful rewrite.
async fn rewrite_tail(db: &TestDb, from: i64) {
    let entries = all_audit(&db.store).await;
    let mut statements = Vec::new();
    let mut prev = entries[(from - 2) as usize].hash.clone();
    for e in &entries[(from - 1) as usize..] {
        let record_id = if e.seq == from {
            "00000000-0000-0000-0000-000000000000".to_string()
        } else {
            e.record_id.clone()
        };
        let hash = tabara_store::audit::entry_hash(
            e.seq,
            e.at_us,
            &e.actor,
            &e.action,
            &e.record_kind,
            &record_id,
            &prev,
        );
        statements.push(format!(
            "UPDATE audit_log SET record_id = '{record_id}', prev_hash = '{prev}', hash = \
                '{hash}' WHERE seq = {}",
            e.seq
        ));
        prev = hash;
    }
    statements.push(format!(
        "UPDATE audit_head SET hash = '{prev}' WHERE id = 1"
    ));
    tamper_all(db, &statements).await;
}

store_test!(
    a_checkpoint_catches_a_rewritten_and_rechained_tail,
    |db| async move {
        use tabara_core::checkpoint::{SigningKey, encode_hex};
        use tabara_store::CheckpointCheck;
        let s = &db.store;
        load_demo(s, 13, 120).await;
        let key = SigningKey::generate();
        let first = s.make_checkpoint(&key).await.unwrap();
        let size = first.checkpoint.size;
        assert_eq!(size as i64, all_audit(s).await.len() as i64);
        assert_eq!(
            s.check_checkpoint(&first.checkpoint).await.unwrap(),
            CheckpointCheck::Matches { size, after: 0 }
        );
        // Asked again with nothing new: the same checkpoint.
        assert_eq!(s.make_checkpoint(&key).await.unwrap(), first);
        let added = audited_writes(s).await.len() as u64;
        assert_eq!(
            s.check_checkpoint(&first.checkpoint).await.unwrap(),
            CheckpointCheck::Matches { size, after: added }
        );
        // The second is carried on from the first's peaks; its root is the whole tree's.
        let second = s.make_checkpoint(&key).await.unwrap();
        assert_eq!(second.checkpoint.size, size + added);
        assert_eq!(
            s.check_checkpoint(&second.checkpoint).await.unwrap(),
            CheckpointCheck::Matches {
                size: size + added,
                after: 0
            }
        );
        let kept = s.checkpoints(10).await.unwrap();
        assert_eq!(
            kept.iter().map(|c| c.size).collect::<Vec<_>>(),
            vec![size + added, size]
        );
        assert_eq!(kept[0].text, second.text());

        // Proofs check out against the checkpoints' roots.
        for seq in [1, 2, size as i64 / 2, size as i64] {
            let p = s.audit_inclusion(seq, Some(size as i64)).await.unwrap();
            assert_eq!(p.root, encode_hex(&first.checkpoint.root));
            let path: Vec<[u8; 32]> = p.path.iter().map(|h| hex_hash(h)).collect();
            assert!(tabara_core::merkle::verify_inclusion(
                (seq - 1) as u64,
                size,
                &hex_hash(&p.leaf),
                &path,
                &first.checkpoint.root
            ));
        }
        let c = s.audit_consistency(size as i64, None).await.unwrap();
        assert_eq!(c.new_root, encode_hex(&second.checkpoint.root));
        let path: Vec<[u8; 32]> = c.path.iter().map(|h| hex_hash(h)).collect();
        assert!(tabara_core::merkle::verify_consistency(
            size,
            size + added,
            &first.checkpoint.root,
            &second.checkpoint.root,
            &path
        ));
        assert_invalid(s.audit_inclusion(0, None).await, "seq", "not_in_tree");
        assert_invalid(
            s.audit_inclusion(3, Some((size + added + 1) as i64)).await,
            "size",
            "not_in_log",
        );

        // An entry the first checkpoint covers is rewritten and the chain recomputed after it.
        rewrite_tail(&db, size as i64 / 2).await;
        assert!(
            matches!(s.verify_audit().await.unwrap(), Verification::Ok { .. }),
            "the chain alone does not see a re-chained rewrite"
        );
        for cp in [&first, &second] {
            match s.check_checkpoint(&cp.checkpoint).await.unwrap() {
                CheckpointCheck::Rewritten { size: n, root } => {
                    assert_eq!(n, cp.checkpoint.size);
                    assert_ne!(root, encode_hex(&cp.checkpoint.root));
                }
                other => panic!("{other:?}"),
            }
        }
        // No new checkpoint signs over the rewrite: the kept one's last entry changed.
        match s.make_checkpoint(&key).await {
            Err(tabara_store::StoreError::Corrupt(why)) => {
                assert!(why.contains("no longer matches its checkpoint"), "{why}")
            }
            other => panic!("{other:?}"),
        }

        // The tail cut and the head moved back: fewer entries than the checkpoint covers.
        let entries = all_audit(s).await;
        let keep = &entries[size as usize - 3];
        tamper_all(&db, &cut_tail(keep)).await;
        assert_eq!(
            s.check_checkpoint(&first.checkpoint).await.unwrap(),
            CheckpointCheck::Shorter {
                size,
                entries: keep.seq as u64
            }
        );
        db.finish().await
    }
);

fn hex_hash(text: &str) -> [u8; 32] {
    tabara_core::checkpoint::decode_hex(text)
        .and_then(|b| b.try_into().ok())
        .expect("a 32-byte hash in hex")
}
