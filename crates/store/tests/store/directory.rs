//! Organisations, offices and user accounts.

use crate::common::*;

// ================================================================ 1. organisations, users

store_test!(organisations_offices_and_users, |db| async move {
    let s = &db.store;
    let actor = system();
    let beta = org("Beta ONG");
    let alpha = Organisation {
        org_type: OrgType::LawEnforcement,
        street: None,
        city: None,
        province: None,
        country: None,
        phone: None,
        ..org("Alpha Police")
    };
    s.create_organisation(&actor, &beta).await.unwrap();
    s.create_organisation(&actor, &alpha).await.unwrap();
    assert_eq!(
        s.organisations().await.unwrap(),
        vec![alpha.clone(), beta.clone()]
    );

    let ruhwa = office(&alpha, "Poste frontalier de Ruhwa");
    let gitega = Office {
        kind: OfficeKind::Headquarters,
        border_country: None,
        province: "Gitega".into(),
        ..office(&beta, "Bureau de Gitega")
    };
    s.create_office(&actor, &ruhwa).await.unwrap();
    s.create_office(&actor, &gitega).await.unwrap();
    assert_eq!(
        s.offices().await.unwrap(),
        vec![gitega.clone(), ruhwa.clone()]
    );

    let user = NewUser {
        id: UserId::new(),
        username: "opj.nshimirimana".into(),
        display_name: "OPJ Pascal Nshimirimana".into(),
        role: Role::Investigator,
        organisation_id: alpha.id,
        office_id: Some(ruhwa.id),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
    };
    assert_eq!(s.create_user(&actor, &user).await.unwrap(), user.id);
    let got = s
        .user_by_username("opj.nshimirimana")
        .await
        .unwrap()
        .expect("the user is found by user name");
    assert_eq!(
        (
            got.id,
            got.username.as_str(),
            got.display_name.as_str(),
            got.role,
            got.organisation_id,
            got.office_id,
            got.disabled,
            got.version
        ),
        (
            user.id,
            "opj.nshimirimana",
            "OPJ Pascal Nshimirimana",
            Role::Investigator,
            alpha.id,
            Some(ruhwa.id),
            false,
            1
        )
    );
    assert!(s.user_by_username("nobody").await.unwrap().is_none());

    let again = NewUser {
        id: UserId::new(),
        display_name: "Quelqu'un d'autre".into(),
        role: Role::Analyst,
        organisation_id: beta.id,
        office_id: None,
        ..user.clone()
    };
    assert_duplicate(
        s.create_user(&actor, &again).await,
        "user name",
        "opj.nshimirimana",
    );
    assert_eq!(s.count_users().await.unwrap(), 1);
    // A display name reaches pages, exports and terminals: no control characters.
    let escape = NewUser {
        id: UserId::new(),
        username: "opj.escape".into(),
        display_name: "OPJ \u{1b}[2J".into(),
        ..user.clone()
    };
    match s.create_user(&actor, &escape).await {
        Err(tabara_store::StoreError::Invalid(e)) => {
            assert_eq!(e.0[0].rule, "control_characters", "{e}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(s.count_users().await.unwrap(), 1);

    assert_eq!(
        s.stats().await.unwrap(),
        RegisterStats {
            organisations: 2,
            offices: 2,
            users: 1,
            persons: 0,
            cases: 0,
            audit_entries: 5
        }
    );
    assert_eq!(
        audit_lines(&all_audit(s).await),
        vec![
            audit_line(
                &actor,
                "organisation.create",
                "organisation",
                &beta.id.to_string()
            ),
            audit_line(
                &actor,
                "organisation.create",
                "organisation",
                &alpha.id.to_string()
            ),
            audit_line(&actor, "office.create", "office", &ruhwa.id.to_string()),
            audit_line(&actor, "office.create", "office", &gitega.id.to_string()),
            audit_line(&actor, "user.create", "user", &user.id.to_string()),
        ]
    );
    db.finish().await
});

store_test!(organisation_update_is_versioned, |db| async move {
    let s = &db.store;
    let w = world(s).await;
    let renamed = Organisation {
        name: "Agence renommée".into(),
        ..w.org.clone()
    };
    assert_eq!(s.update_organisation(&system(), &renamed).await.unwrap(), 2);
    assert_eq!(
        s.organisations().await.unwrap(),
        vec![Organisation {
            version: 2,
            ..renamed.clone()
        }]
    );
    let history = s
        .history("organisation", &w.org.id.to_string())
        .await
        .unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        history[0].changes,
        json!({ "name": ["Agence de test", "Agence renommée"] })
    );
    let stale = Organisation {
        phone: None,
        ..w.org.clone()
    };
    assert_conflict(
        s.update_organisation(&system(), &stale).await,
        "organisation",
        &w.org.id.to_string(),
        1,
        2,
    );
    db.finish().await
});
