//! Backups (issue 13): a register restores whole into a new one on either backend; a
//! truncated, altered, foreign or wrongly keyed backup is refused and writes nothing; a
//! backup holds no person's key and no name term: the keys come from a key backup made after
//! it, and a person erased before that key backup is erased in the restored register.

use tabara_core::checkpoint::SigningKey;
use tabara_core::erasure::ErasureGround;
use tabara_store::backup::{BackupError, PersonKeys};
use tabara_store::testing::TestDb;

use crate::common::*;

fn refusal(e: StoreError) -> BackupError {
    match e {
        StoreError::Backup(b) => *b,
        other => panic!("not a backup refusal: {other:?}"),
    }
}

async fn restore(
    target: &TestDb,
    db: &TestDb,
    bytes: &[u8],
    trusted: &tabara_core::checkpoint::PublicKey,
    keys: Option<&[u8]>,
) -> StoreResult<tabara_store::backup::Restored> {
    target.store.close().await;
    Store::restore_backup(
        &target.location,
        db.master_key(),
        std::io::Cursor::new(bytes.to_vec()),
        trusted,
        keys.map(|k| PersonKeys {
            input: Box::new(std::io::Cursor::new(k.to_vec())),
            trusted: *trusted,
        }),
    )
    .await
}

store_test!(
    a_backup_restores_whole_into_either_backend_and_refuses_damage,
    |db| async move {
        let s = &db.store;
        load_demo(s, 17, 80).await;
        let w = world(s).await;
        let key = SigningKey::generate();
        let key_backup = |s: Store| {
            let key = &key;
            async move {
                let mut out = Vec::new();
                s.create_key_backup(&mut out, key).await.unwrap();
                out
            }
        };
        // Keys taken before the person was registered, then after the backup, then after
        // their erasure.
        let keys_before = key_backup(s.clone()).await;
        let p = add_person(s, &w, "Gakobwa", "Ntahombaye").await;
        let ident = s.read_identity(&system(), p.id).await.unwrap().0;
        let mut bytes = Vec::new();
        let made = s.create_backup(&mut bytes, &key).await.unwrap();
        assert!(made.trailer.tables["persons"] > 80);
        for left_out in ["person_keys", "person_name_terms"] {
            assert!(!made.trailer.tables.contains_key(left_out), "{left_out}");
        }
        assert!(!String::from_utf8_lossy(&bytes).contains("Ntahombaye"));
        let keys_between = key_backup(s.clone()).await;
        s.erase_person(&system(), p.id, ErasureGround::SubjectRequest)
            .await
            .unwrap();
        let keys_after = key_backup(s.clone()).await;

        let mut targets = vec![TestDb::sqlite().await];
        targets.extend(TestDb::postgres().await);
        for target in targets {
            // Refusals first: each leaves the target empty.
            let other = SigningKey::generate().public();
            let e = restore(&target, &db, &bytes, &other, None)
                .await
                .unwrap_err();
            assert!(matches!(refusal(e), BackupError::OtherSigner { .. }));
            let cut = &bytes[..bytes.len() * 2 / 3];
            let e = restore(&target, &db, cut, &key.public(), None)
                .await
                .unwrap_err();
            assert!(matches!(refusal(e), BackupError::Truncated), "truncated");
            let mut altered = bytes.clone();
            let at = bytes.len() / 2;
            altered[at] ^= 0x40;
            let e = restore(&target, &db, &altered, &key.public(), None)
                .await
                .unwrap_err();
            assert!(matches!(refusal(e), BackupError::Altered(_)), "altered");
            let e = Store::restore_backup(
                &target.location,
                tabara_core::protect::MasterKey::generate(),
                std::io::Cursor::new(bytes.clone()),
                &key.public(),
                None,
            )
            .await
            .unwrap_err();
            assert!(matches!(refusal(e), BackupError::WrongKey { .. }));
            let e = restore(&target, &db, b"hello\n", &key.public(), None)
                .await
                .unwrap_err();
            assert!(matches!(refusal(e), BackupError::NotABackup));
            // Key backups that cannot serve: a backup in their place, one made before a
            // person of the backup was registered, one cut short.
            let e = restore(&target, &db, &bytes, &key.public(), Some(&bytes))
                .await
                .unwrap_err();
            assert!(matches!(refusal(e), BackupError::NotAKeyBackup));
            let e = restore(&target, &db, &bytes, &key.public(), Some(&keys_before))
                .await
                .unwrap_err();
            assert!(
                matches!(refusal(e), BackupError::KeysMissing { persons: 1, .. }),
                "the key backup is older than the person"
            );
            let e = restore(
                &target,
                &db,
                &bytes,
                &key.public(),
                Some(&keys_after[..keys_after.len() - 40]),
            )
            .await
            .unwrap_err();
            assert!(matches!(refusal(e), BackupError::Truncated));

            // The whole register, with the erasure made since replayed.
            let restored = restore(&target, &db, &bytes, &key.public(), Some(&keys_after))
                .await
                .unwrap();
            assert_eq!(restored.erasures_replayed, 1);
            assert_eq!(
                restored.persons_keyed,
                made.trailer.tables["persons"] - 1,
                "every person but the one erased"
            );
            let back = Store::open(&target.location, OpenMode::Existing, db.master_key())
                .await
                .unwrap();
            assert_eq!(
                back.stats().await.unwrap().persons,
                s.stats().await.unwrap().persons
            );
            assert!(matches!(
                back.verify_audit().await.unwrap(),
                Verification::Ok { .. }
            ));
            assert_eq!(back.integrity_check().await.unwrap(), ["ok"]);
            assert_eq!(
                back.read_identity(&system(), p.id).await.unwrap().0,
                PersonIdentity::default(),
                "erased since the backup"
            );
            assert_ne!(ident, PersonIdentity::default());
            let case = back.case_by_number(3).await.unwrap();
            let source_case = s.case_by_number(3).await.unwrap();
            assert_eq!(
                (case.id, case.reference(), case.version),
                (source_case.id, source_case.reference(), source_case.version)
            );
            let some = back.case_persons(case.id).await.unwrap();
            let first = &some[0].person;
            assert_eq!(
                back.read_identity(&system(), first.id).await.unwrap().0,
                s.read_identity(&system(), first.id).await.unwrap().0
            );
            let surname = s
                .read_identity(&system(), first.id)
                .await
                .unwrap()
                .0
                .second_name
                .unwrap();
            assert!(
                back.find_persons_by_name(&surname, 50)
                    .await
                    .unwrap()
                    .contains(&first.id)
            );
            assert!(
                back.find_persons_by_name("Ntahombaye", 50)
                    .await
                    .unwrap()
                    .is_empty()
            );
            // A second restore into the same register is refused: it is not empty.
            let e = Store::restore_backup(
                &target.location,
                db.master_key(),
                std::io::Cursor::new(bytes.clone()),
                &key.public(),
                None,
            )
            .await
            .unwrap_err();
            assert!(matches!(refusal(e), BackupError::NotEmpty(_)));
            back.close().await;
            target.finish().await;
        }
        // Without keys nobody's identity opens; with a key backup made before the erasure
        // the erased person does (why key backups are kept few and apart).
        for (keys, readable) in [(None, false), (Some(&keys_between[..]), true)] {
            let target = TestDb::sqlite().await;
            restore(&target, &db, &bytes, &key.public(), keys)
                .await
                .unwrap();
            let back = Store::open(&target.location, OpenMode::Existing, db.master_key())
                .await
                .unwrap();
            let read = back.read_identity(&system(), p.id).await;
            assert_eq!(read.is_ok(), readable, "{read:?}");
            if readable {
                assert_eq!(read.unwrap().0, ident);
            }
            back.close().await;
            target.finish().await;
        }
        db.finish().await
    }
);
