//! Backups (issue 13): a register restores whole into a new one on either backend; a
//! truncated, altered, foreign or wrongly keyed backup is refused and writes nothing; the
//! erasures made since a backup are replayed on it.

use tabara_core::checkpoint::SigningKey;
use tabara_core::erasure::ErasureGround;
use tabara_store::backup::BackupError;
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
    erased: &[PersonId],
) -> StoreResult<tabara_store::backup::Restored> {
    target.store.close().await;
    Store::restore_backup(
        &target.location,
        db.master_key(),
        std::io::Cursor::new(bytes.to_vec()),
        trusted,
        erased,
    )
    .await
}

store_test!(
    a_backup_restores_whole_into_either_backend_and_refuses_damage,
    |db| async move {
        let s = &db.store;
        load_demo(s, 17, 80).await;
        let w = world(s).await;
        let p = add_person(s, &w, "Gakobwa", "Ntahombaye").await;
        let ident = s.read_identity(&system(), p.id).await.unwrap().0;
        let key = SigningKey::generate();
        let mut bytes = Vec::new();
        let made = s.create_backup(&mut bytes, &key).await.unwrap();
        assert!(made.trailer.tables["persons"] > 80);
        assert!(!String::from_utf8_lossy(&bytes).contains("Ntahombaye"));
        // Erased after the backup was taken.
        s.erase_person(&system(), p.id, ErasureGround::SubjectRequest)
            .await
            .unwrap();

        let mut targets = vec![TestDb::sqlite().await];
        targets.extend(TestDb::postgres().await);
        for target in targets {
            // Refusals first: each leaves the target empty.
            let other = SigningKey::generate().public();
            let e = restore(&target, &db, &bytes, &other, &[])
                .await
                .unwrap_err();
            assert!(matches!(refusal(e), BackupError::OtherSigner { .. }));
            let cut = &bytes[..bytes.len() * 2 / 3];
            let e = restore(&target, &db, cut, &key.public(), &[])
                .await
                .unwrap_err();
            assert!(matches!(refusal(e), BackupError::Truncated), "truncated");
            let mut altered = bytes.clone();
            let at = bytes.len() / 2;
            altered[at] ^= 0x40;
            let e = restore(&target, &db, &altered, &key.public(), &[])
                .await
                .unwrap_err();
            assert!(matches!(refusal(e), BackupError::Altered(_)), "altered");
            let e = Store::restore_backup(
                &target.location,
                tabara_core::protect::MasterKey::generate(),
                std::io::Cursor::new(bytes.clone()),
                &key.public(),
                &[],
            )
            .await
            .unwrap_err();
            assert!(matches!(refusal(e), BackupError::WrongKey { .. }));
            let e = restore(&target, &db, b"hello\n", &key.public(), &[])
                .await
                .unwrap_err();
            assert!(matches!(refusal(e), BackupError::NotABackup));

            // The whole register, with the erasure made since replayed.
            let restored = restore(&target, &db, &bytes, &key.public(), &[p.id])
                .await
                .unwrap();
            assert_eq!(restored.erasures_replayed, 1);
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
            // A second restore into the same register is refused: it is not empty.
            let e = Store::restore_backup(
                &target.location,
                db.master_key(),
                std::io::Cursor::new(bytes.clone()),
                &key.public(),
                &[],
            )
            .await
            .unwrap_err();
            assert!(matches!(refusal(e), BackupError::NotEmpty(_)));
            back.close().await;
            target.finish().await;
        }
        db.finish().await
    }
);
