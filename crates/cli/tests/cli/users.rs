//! `init` and `user`: the first administrator, accounts, one-time credentials, tokens.

use tabara_store::store_test;
use tabara_store::testing::TestDb;

use crate::common::*;

store_test!(init_creates_an_administrator_once, |db| async move {
    db.store.close().await;
    let out = ok(&tabara(&db, &["init", "--admin-username", "root-admin"]));
    assert!(out.contains("Administrator: root-admin"), "{out}");
    assert!(out.contains("Password (shown once"), "{out}");
    let again = tabara(&db, &["init"]);
    assert!(failed(&again).contains("already has user accounts"));
    let demo = tabara(&db, &["demo", "--persons", "10"]);
    assert!(
        !demo.status.success(),
        "demo must not mix with existing data"
    );
    assert!(String::from_utf8_lossy(&demo.stderr).contains("--reset"));
    db.finish().await;
});

store_test!(user_accounts_from_the_command_line, |db| async move {
    ok(&tabara(&db, &["demo", "--persons", "20"]));
    let add = command(
        &db,
        &[
            "user",
            "add",
            "--username",
            "opj.kabura",
            "--display-name",
            "OPJ Kabura",
            "--role",
            "investigator",
            "--organisation",
            "Police Judiciaire",
            "--office",
            "Gitega",
        ],
    )
    .env_remove("TABARA_USER_PASSWORD")
    .output()
    .unwrap();
    let text = ok(&add);
    assert!(
        text.contains("Account opj.kabura created (Investigator)."),
        "{text}"
    );
    assert!(text.contains("One-time password (shown once"), "{text}");
    let u = db
        .store
        .user_by_username("opj.kabura")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(u.role, tabara_core::Role::Investigator);
    let offices = db.store.offices().await.unwrap();
    assert_eq!(
        offices
            .iter()
            .find(|o| Some(o.id) == u.office_id)
            .unwrap()
            .name,
        "Commissariat PJ de Gitega"
    );

    let dup = tabara(
        &db,
        &[
            "user",
            "add",
            "--username",
            "opj.kabura",
            "--display-name",
            "x",
            "--role",
            "officer",
            "--organisation",
            "PAFE",
        ],
    );
    assert!(failed(&dup).contains("already exists"));
    let bad_role = tabara(
        &db,
        &[
            "user",
            "add",
            "--username",
            "x1",
            "--display-name",
            "x",
            "--role",
            "chief",
            "--organisation",
            "PAFE",
        ],
    );
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("'chief' is not a role"));
    let ambiguous = tabara(
        &db,
        &[
            "user",
            "add",
            "--username",
            "x2",
            "--display-name",
            "x",
            "--role",
            "officer",
            "--organisation",
            "Burundi",
        ],
    );
    let err = failed(&ambiguous);
    assert!(err.contains("matches several"), "{err}");

    assert!(ok(&tabara(&db, &["user", "disable", "opj.kabura"])).contains("disabled"));
    assert!(db.store.user(u.id).await.unwrap().disabled);
    assert!(ok(&tabara(&db, &["user", "enable", "opj.kabura"])).contains("enabled"));
    let before = db
        .store
        .credentials("opj.kabura")
        .await
        .unwrap()
        .unwrap()
        .password_hash;
    assert!(ok(&tabara(&db, &["user", "reset", "opj.kabura"])).contains("new one-time password"));
    assert_ne!(
        db.store
            .credentials("opj.kabura")
            .await
            .unwrap()
            .unwrap()
            .password_hash,
        before
    );
    let actions: Vec<String> = db
        .store
        .audit_trail("user", &u.id.to_string())
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        [
            "user.create",
            "user.one_time_credential",
            "user.disable",
            "user.enable",
            "user.one_time_credential"
        ]
    );
    let unknown = tabara(&db, &["user", "disable", "nobody"]);
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no account named 'nobody'"));
    db.finish().await;
});

/// `user add` at the judicial police, with the password the operator chose
/// (`Chosen-by-operator-1`) in `TABARA_USER_PASSWORD`.
fn add_with_chosen_password(db: &TestDb, username: &str, display_name: &str, role: &str) {
    let args = [
        "user",
        "add",
        "--username",
        username,
        "--display-name",
        display_name,
        "--role",
        role,
        "--organisation",
        "Police Judiciaire",
    ];
    let add = command(db, &args)
        .env("TABARA_USER_PASSWORD", "Chosen-by-operator-1")
        .output()
        .unwrap();
    ok(&add);
}

store_test!(
    command_line_accounts_get_one_time_passwords,
    |db| async move {
        ok(&tabara(&db, &["demo", "--persons", "20"]));
        add_with_chosen_password(&db, "opj.ndayishimiye", "OPJ Ndayishimiye", "investigator");
        // Even a password the operator chose is only a one-time credential.
        let c = db
            .store
            .credentials("opj.ndayishimiye")
            .await
            .unwrap()
            .unwrap();
        assert!(c.must_change_password);
        let expires = c
            .one_time_expires_at
            .expect("a one-time credential expires");
        let hours = (expires - chrono::Utc::now()).num_hours();
        assert!((71..=72).contains(&hours), "{hours}");
        assert!(tabara_core::password::verify_password(
            "Chosen-by-operator-1",
            &c.password_hash
        ));
        // A reset gives a new one-time credential; the demo accounts keep the demo password.
        let reset = ok(&tabara(&db, &["user", "reset", "investigator"]));
        let one_time = reset
            .split("choose a new password): ")
            .nth(1)
            .unwrap()
            .trim()
            .to_string();
        let c = db.store.credentials("investigator").await.unwrap().unwrap();
        assert!(c.must_change_password && c.one_time_expires_at.is_some());
        assert!(tabara_core::password::verify_password(
            &one_time,
            &c.password_hash
        ));
        let officer = db.store.credentials("officer").await.unwrap().unwrap();
        assert!(!officer.must_change_password);
        assert!(tabara_core::password::verify_password(
            tabara_demo::DEMO_PASSWORD,
            &officer.password_hash
        ));
        let notice = db.store.reset_notice(c.user.id).await.unwrap().unwrap();
        assert_eq!((notice.by, notice.approved_by), (None, None));
        db.finish().await;
    }
);

store_test!(
    a_command_line_account_is_told_it_was_created,
    |db| async move {
        ok(&tabara(&db, &["demo", "--persons", "20"]));
        add_with_chosen_password(&db, "admin.second", "Second Administrator", "admin");
        // The command line adds a second administrator with no approval to wait for.
        let c = db.store.credentials("admin.second").await.unwrap().unwrap();
        assert!(c.must_change_password && c.one_time_expires_at.is_some());
        let notice = db.store.reset_notice(c.user.id).await.unwrap().unwrap();
        assert!(notice.created && notice.by.is_none());
        // A reset later is told as a reset.
        ok(&tabara(&db, &["user", "reset", "admin.second"]));
        let notice = db.store.reset_notice(c.user.id).await.unwrap().unwrap();
        assert!(!notice.created && notice.by.is_none());
        db.finish().await;
    }
);
