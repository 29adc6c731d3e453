//! Sign-in records, sessions, sharing and need-to-know, on both backends.

use std::collections::BTreeSet;

use chrono::{Duration, Utc};
use tabara_core::Role;
use tabara_core::ids::*;
use tabara_core::permissions::{Action, decide};
use tabara_demo::Demo;
use tabara_store::{Actor, CaseFilter, PageRequest, Store, StoreError, Viewer, store_test};

async fn load_demo(store: &Store, seed: u64, persons: u64) -> Demo {
    let actor = Actor::system("test");
    let mut demo = Demo::new(seed, persons);
    demo.reference()
        .clone()
        .write(store, &actor, "$argon2id$test")
        .await
        .unwrap();
    while let Some(batch) = demo.next_batch(200) {
        store.bulk_insert(&actor, &batch).await.unwrap();
    }
    demo
}

async fn visible_numbers(store: &Store, viewer: &Viewer) -> BTreeSet<i64> {
    let mut out = BTreeSet::new();
    let mut after = None;
    loop {
        let filter = CaseFilter {
            visible_to: Some(viewer.clone()),
            ..Default::default()
        };
        let page = store
            .list_cases(&filter, PageRequest { after, limit: 500 })
            .await
            .unwrap();
        out.extend(page.items.iter().map(|c| c.number));
        match page.next {
            Some(n) => after = Some(n),
            None => return out,
        }
    }
}

store_test!(
    case_list_visibility_matches_the_permission_rules,
    |db| async move {
        let s = &db.store;
        let demo = load_demo(s, 11, 400).await;
        let reference = demo.reference().clone();
        let actor = Actor::system("test");
        let user = |name: &str| {
            reference
                .users
                .iter()
                .find(|u| u.username == name)
                .unwrap()
                .clone()
        };
        let org = |i: usize| reference.organisations[i].id;

        // Give the cases some assignments and shares, so every branch of the rules is used.
        let all = s
            .list_cases(
                &CaseFilter::default(),
                PageRequest {
                    after: None,
                    limit: 500,
                },
            )
            .await
            .unwrap();
        let cases: Vec<_> = all.items.iter().map(|c| c.id).collect();
        assert!(cases.len() > 100);
        for (i, case_id) in cases.iter().enumerate() {
            if i % 7 == 0 {
                let mut c = s.case(*case_id).await.unwrap();
                c.owner_id = Some(user("officer").id);
                s.update_case(&actor, &c).await.unwrap();
            }
            if i % 5 == 0 {
                let c = s.case(*case_id).await.unwrap();
                for target in [org(6), org(2)] {
                    if c.organisation_id != target {
                        // Some shares let the agency edit the case too.
                        s.share_case(&actor, *case_id, target, "transmis pour suite", i % 10 == 0)
                            .await
                            .unwrap();
                    }
                }
            }
        }

        for u in &reference.users {
            let viewer = u.viewer();
            let listed = visible_numbers(s, &viewer).await;
            let mut allowed = BTreeSet::new();
            for (i, summary) in all.items.iter().enumerate() {
                let relation = s.relation(&viewer, summary.id).await.unwrap().unwrap();
                let owner = s.case(summary.id).await.unwrap().organisation_id;
                let shared = i % 5 == 0
                    && owner != u.organisation_id
                    && [org(6), org(2)].contains(&u.organisation_id);
                assert_eq!(relation.shared_with_agency, shared, "{}", summary.reference);
                assert_eq!(
                    relation.shared_for_editing,
                    shared && i % 10 == 0,
                    "{}",
                    summary.reference
                );
                if decide(u.role, Action::ReadCase, Some(relation)).allowed() {
                    allowed.insert(summary.number);
                }
            }
            assert_eq!(listed, allowed, "{} ({})", u.username, u.role);
            match u.role {
                Role::Admin | Role::Analyst | Role::Trainer | Role::LegalAid => {
                    assert!(listed.is_empty(), "{} sees cases", u.username)
                }
                _ => assert!(!listed.is_empty(), "{} sees nothing", u.username),
            }
        }
        assert!(
            s.relation(
                &Viewer::from(&s.user(user("admin").id).await.unwrap()),
                CaseId::new()
            )
            .await
            .unwrap()
            .is_none()
        );
        db.finish().await;
    }
);

store_test!(
    child_protection_sees_every_case_of_a_minor,
    |db| async move {
        let s = &db.store;
        let demo = load_demo(s, 5, 300).await;
        let reference = demo.reference().clone();
        let cp = reference
            .users
            .iter()
            .find(|u| u.role == Role::ChildProtection)
            .unwrap();
        let viewer = cp.viewer();
        let visible = visible_numbers(s, &viewer).await;
        let all = s
            .list_cases(
                &CaseFilter::default(),
                PageRequest {
                    after: None,
                    limit: 500,
                },
            )
            .await
            .unwrap();
        let mut minors = 0;
        for c in &all.items {
            let persons = s.case_persons(c.id).await.unwrap();
            if persons
                .iter()
                .any(|p| p.person.facts.is_child_or_presumed())
            {
                minors += 1;
                assert!(
                    visible.contains(&c.number),
                    "{} involves a child",
                    c.reference
                );
            }
        }
        assert!(minors > 10, "{minors}");
        db.finish().await;
    }
);

store_test!(sign_in_attempts_lock_and_are_audited, |db| async move {
    let s = &db.store;
    let demo = load_demo(s, 3, 20).await;
    let officer = demo.reference().users[0].clone();
    let creds = s.credentials("officer").await.unwrap().unwrap();
    assert_eq!(
        (creds.user.id, creds.failed_logins, creds.locked_until),
        (officer.id, 0, None)
    );
    assert_eq!(creds.password_hash, "$argon2id$test");
    assert!(s.credentials("nobody").await.unwrap().is_none());

    let until = Utc::now() + Duration::minutes(5);
    s.record_login(officer.id, false, None).await.unwrap();
    s.record_login(officer.id, false, Some(until))
        .await
        .unwrap();
    let creds = s.credentials("officer").await.unwrap().unwrap();
    assert_eq!(creds.failed_logins, 2);
    assert_eq!(
        creds.locked_until.map(|t| t.timestamp()),
        Some(until.timestamp())
    );
    s.record_login(officer.id, true, None).await.unwrap();
    let creds = s.credentials("officer").await.unwrap().unwrap();
    assert_eq!((creds.failed_logins, creds.locked_until), (0, None));
    let trail: Vec<String> = s
        .audit_trail("user", &officer.id.to_string())
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        trail,
        [
            "user.create",
            "user.login_failed",
            "user.login_failed",
            "user.login"
        ]
    );
    db.finish().await;
});

store_test!(sessions_live_and_end, |db| async move {
    let s = &db.store;
    let demo = load_demo(s, 3, 20).await;
    let officer = demo.reference().users[0].clone();
    let expires = Utc::now() + Duration::hours(8);
    s.create_session(officer.id, "hash-1", "csrf-1", "fr", expires)
        .await
        .unwrap();
    s.create_session(officer.id, "hash-2", "csrf-2", "en", expires)
        .await
        .unwrap();
    let session = s.session("hash-1").await.unwrap().unwrap();
    assert_eq!(
        (
            session.user.id,
            session.csrf_token.as_str(),
            session.lang.as_str()
        ),
        (officer.id, "csrf-1", "fr")
    );
    assert_eq!(session.expires_at.timestamp(), expires.timestamp());
    s.touch_session("hash-1", "rn").await.unwrap();
    let touched = s.session("hash-1").await.unwrap().unwrap();
    assert_eq!(touched.lang, "rn");
    assert!(touched.last_seen_at >= session.last_seen_at);
    s.end_session("hash-1").await.unwrap();
    assert!(s.session("hash-1").await.unwrap().is_none());
    assert!(s.session("hash-2").await.unwrap().is_some());

    // A new password or a disabled account ends every session.
    let actor = Actor::system("test");
    s.set_password(&actor, officer.id, "$argon2id$new")
        .await
        .unwrap();
    assert!(s.session("hash-2").await.unwrap().is_none());
    assert_eq!(
        s.credentials("officer")
            .await
            .unwrap()
            .unwrap()
            .password_hash,
        "$argon2id$new"
    );
    s.create_session(officer.id, "hash-3", "csrf-3", "en", expires)
        .await
        .unwrap();
    s.set_user_disabled(&actor, officer.id, true).await.unwrap();
    assert!(s.session("hash-3").await.unwrap().is_none());
    assert!(s.user(officer.id).await.unwrap().disabled);
    s.set_user_disabled(&actor, officer.id, false)
        .await
        .unwrap();
    assert!(!s.user(officer.id).await.unwrap().disabled);
    assert!(matches!(
        s.set_user_disabled(&actor, UserId::new(), true).await,
        Err(StoreError::NotFound { .. })
    ));
    let names: Vec<String> = s
        .users(None, 3)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.username)
        .collect();
    assert_eq!(names, ["admin", "analyst", "caseworker"]);
    let next: Vec<String> = s
        .users(Some("caseworker"), 2)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.username)
        .collect();
    assert_eq!(next, ["childprotection", "investigator"]);
    db.finish().await;
});

store_test!(sharing_needs_a_reason_and_is_audited, |db| async move {
    let s = &db.store;
    let demo = load_demo(s, 3, 40).await;
    let reference = demo.reference().clone();
    let actor = Actor::user(reference.users[2].id);
    let case = s.case_by_number(1).await.unwrap();
    let other = reference
        .organisations
        .iter()
        .find(|o| o.id != case.organisation_id)
        .unwrap()
        .id;
    assert!(matches!(
        s.share_case(&actor, case.id, other, "  ", false).await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        s.share_case(&actor, case.id, case.organisation_id, "self", false)
            .await,
        Err(StoreError::Duplicate { .. })
    ));
    s.share_case(
        &actor,
        case.id,
        other,
        "Transmis au parquet pour poursuites",
        false,
    )
    .await
    .unwrap();
    assert!(matches!(
        s.share_case(&actor, case.id, other, "again", true).await,
        Err(StoreError::Duplicate { .. })
    ));
    let shares = s.case_shares(case.id).await.unwrap();
    assert_eq!(shares.len(), 1);
    assert_eq!(
        (shares[0].organisation_id, shares[0].reason.as_str()),
        (other, "Transmis au parquet pour poursuites")
    );
    assert_eq!(shares[0].shared_by, actor.as_str());
    assert!(
        !shares[0].may_edit,
        "a share is read-only unless it says so"
    );
    let trail = s.audit_trail("case", &case.id.to_string()).await.unwrap();
    assert_eq!(trail.last().unwrap().action, "case.share");
    assert!(matches!(
        s.share_case(&actor, CaseId::new(), other, "x", false).await,
        Err(StoreError::NotFound { .. })
    ));
    db.finish().await;
});
