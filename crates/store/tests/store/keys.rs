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
