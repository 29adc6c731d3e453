//! The register's keys (issue 13): a register opens with its own master key alone, the key
//! file is its owner's alone, and a bad key file is named for what is wrong with it.

use tabara_core::protect::MasterKey;
use tabara_store::keys::{KEY_FILE_HEADER, KeyFileError, create_master_key, load_master_key};

use crate::common::*;

store_test!(
    a_register_opens_with_its_own_master_key_alone,
    |db| async move {
        let own = db.master_key();
        assert_eq!(db.store.master_key_id(), own.id());
        let mode = if db.sqlite_path().is_some() {
            OpenMode::CreateIfMissing
        } else {
            OpenMode::Existing
        };
        let again = Store::open(&db.location, mode, own.clone()).await.unwrap();
        again.close().await;
        let other = MasterKey::generate();
        match Store::open(&db.location, OpenMode::Existing, other.clone()).await {
            Err(StoreError::WrongKey { expected, given }) => {
                assert_eq!((expected, given), (own.id(), other.id()));
            }
            r => panic!("another key opened the register: {:?}", r.map(|_| ())),
        }
        // The register holds its keys wrapped: never the master key, in bytes or in hex.
        if let Some(path) = db.sqlite_path() {
            let bytes = std::fs::read(&path).unwrap();
            let raw = own.bytes();
            assert!(!bytes.windows(raw.len()).any(|w| w == raw));
            let text = own
                .bytes()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>();
            assert!(!bytes.windows(text.len()).any(|w| w == text.as_bytes()));
        }
        db.finish().await;
    }
);

#[test]
fn a_key_file_is_its_owners_alone_and_named_for_what_is_wrong() {
    let dir = std::env::temp_dir().join(format!("tabara-keys-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("register.db.key");
    assert!(matches!(load_master_key(&path), Err(KeyFileError::Missing(p)) if p == path));
    let made = create_master_key(&path).unwrap();
    assert_eq!(load_master_key(&path).unwrap().id(), made.id());
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with(KEY_FILE_HEADER));
    assert!(
        matches!(create_master_key(&path), Err(KeyFileError::Exists(_))),
        "a key file is never replaced"
    );
    assert_eq!(
        load_master_key(&path).unwrap().id(),
        made.id(),
        "still the same"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(matches!(
            load_master_key(&path),
            Err(KeyFileError::TooOpen(_, 0o644))
        ));
    }
    let bad = |name: &str, content: &str| {
        let p = dir.join(name);
        std::fs::write(&p, content).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        load_master_key(&p)
    };
    for (name, content) in [
        ("header.key", "not a key\n00\n"),
        ("hex.key", &format!("{KEY_FILE_HEADER}\nzz\n")),
        (
            "short.key",
            &format!("{KEY_FILE_HEADER}\n{}\n", "ab".repeat(31)),
        ),
        ("empty.key", ""),
    ] {
        assert!(
            matches!(bad(name, content), Err(KeyFileError::Malformed(..))),
            "{name}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The register as someone holding a copy reads it (see `common::raw_register`).
async fn raw_register(db: &TestDb) -> String {
    crate::common::raw_register(
        db,
        &[
            "person_identities",
            "person_keys",
            "person_name_keys",
            "person_name_terms",
            "record_history",
        ],
    )
    .await
}

store_test!(no_identity_is_readable_in_the_register, |db| async move {
    let s = &db.store;
    let w = world(s).await;
    let p = add_person(s, &w, "Ndikumasabo", "Habonimana").await;
    let (mut ident, v) = s.read_identity(&system(), p.id).await.unwrap();
    ident.first_name = Some("Nshimirimana".into());
    ident.notes = Some("Cachée chez sa tante à Kamenge".into());
    s.update_identity(&system(), p.id, v, &ident).await.unwrap();
    // The pages still read it, and find it by name.
    assert_eq!(s.read_identity(&system(), p.id).await.unwrap().0, ident);
    assert_eq!(
        s.find_persons_by_name("habon nshim", 10).await.unwrap(),
        [p.id]
    );
    let history = s
        .history("person_identity", &p.id.to_string())
        .await
        .unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        history[0].changes["first_name"],
        json!(["Ndikumasabo", "Nshimirimana"]),
        "the identity's history opens with the person's key"
    );
    // (`raw_register` empties the write-ahead log into the file first.)
    let raw = raw_register(&db).await;
    for needle in [
        "ndikumasabo",
        "habonimana",
        "nshimirimana",
        "kamenge",
        "531/04417",
        "+25779123456",
        "rohero",
        "habon",
    ] {
        assert!(!raw.contains(needle), "{needle} is in the register");
    }
    db.finish().await;
});

store_test!(an_older_register_is_sealed_when_it_opens, |db| async move {
    let s = &db.store;
    let w = world(s).await;
    let p = add_person(s, &w, "Placeholder", "Person").await;
    // As a register from before sealing holds it: the identity in plain text, a name key, a
    // history entry in plain text, and no data key.
    let id = p.id.0;
    let hex_id = match db.sqlite_path() {
        Some(_) => format!("x'{}'", id.simple()),
        None => format!("'{id}'"),
    };
    tamper_all(
        &db,
        &[
            format!("DELETE FROM person_name_terms WHERE person_id = {hex_id}"),
            format!("DELETE FROM person_keys WHERE person_id = {hex_id}"),
            format!(
                "UPDATE person_identities SET sealed = NULL, first_name = 'Gloriose', \
                    second_name = 'Ntahomvukiye', notes = 'Vit à Gitega' WHERE person_id = \
                    {hex_id}"
            ),
            format!(
                "INSERT INTO person_name_keys (key, person_id) VALUES ('gloriose \
                    ntahomvukiye', {hex_id})"
            ),
            format!(
                "INSERT INTO record_history (record_kind, record_id, version, actor, \
                    changed_at, changes) VALUES ('person_identity', '{id}', 2, 'system:test', \
                    '2026-01-01T00:00:00+00:00', '{{\"first_name\": [\"Glorieuse\", \"Gloriose\"]}}')"
            ),
        ],
    )
    .await;
    let reopened = Store::open(&db.location, OpenMode::Existing, db.master_key())
        .await
        .unwrap();
    let (ident, _) = reopened.read_identity(&system(), p.id).await.unwrap();
    assert_eq!(
        (ident.first_name.as_deref(), ident.second_name.as_deref()),
        (Some("Gloriose"), Some("Ntahomvukiye"))
    );
    assert_eq!(ident.notes.as_deref(), Some("Vit à Gitega"));
    assert_eq!(
        reopened.find_persons_by_name("ntaho glo", 5).await.unwrap(),
        [p.id]
    );
    let history = reopened
        .history("person_identity", &id.to_string())
        .await
        .unwrap();
    assert_eq!(
        history[0].changes,
        json!({"first_name": ["Glorieuse", "Gloriose"]})
    );
    reopened.close().await;
    let raw = raw_register(&db).await;
    for needle in ["gloriose", "ntahomvukiye", "gitega", "glorieuse"] {
        assert!(!raw.contains(needle), "{needle} is still in the register");
    }
    db.finish().await;
});

store_test!(
    a_rotation_rewraps_every_key_and_resumes_after_an_interruption,
    |db| async move {
        let s = &db.store;
        load_demo(s, 21, 60).await;
        let w = world(s).await;
        let p = add_person(s, &w, "Ciza", "Ndayizeye").await;
        let ident = s.read_identity(&system(), p.id).await.unwrap().0;
        let old = db.master_key();
        let new = tabara_core::protect::MasterKey::generate();
        // Interrupted after two batches of ten.
        let rotating = s.begin_rotation(new.clone());
        let part = rotating.rotate_keys(&system(), 10, Some(2)).await.unwrap();
        assert_eq!((part.rewrapped, part.finished), (20, false));
        assert_eq!(part.from, old.id().0);
        assert_eq!(part.to, new.id().0);
        s.close().await;
        // Neither key opens the register until the rotation is finished.
        for key in [old.clone(), new.clone()] {
            match Store::open(&db.location, OpenMode::Existing, key).await {
                Err(StoreError::RotationUnfinished { from, to }) => {
                    assert_eq!((from, to), (old.id().0, new.id().0))
                }
                other => panic!("{:?}", other.map(|_| ())),
            }
        }
        let resumed = Store::open_for_rotation(&db.location, old.clone(), new.clone())
            .await
            .unwrap();
        let rest = resumed.rotate_keys(&system(), 10, None).await.unwrap();
        assert!(rest.finished && rest.rewrapped > 0, "{rest:?}");
        resumed.close().await;
        // Now the new key alone opens it, and every identity reads as before.
        let again = Store::open(&db.location, OpenMode::Existing, new.clone())
            .await
            .unwrap();
        assert_eq!(again.read_identity(&system(), p.id).await.unwrap().0, ident);
        assert_eq!(
            again.find_persons_by_name("ciza ndayiz", 5).await.unwrap(),
            [p.id]
        );
        assert!(matches!(
            again.verify_audit().await.unwrap(),
            Verification::Ok { .. }
        ));
        again.close().await;
        assert!(matches!(
            Store::open(&db.location, OpenMode::Existing, old).await,
            Err(StoreError::WrongKey { .. })
        ));
        db.finish().await
    }
);
