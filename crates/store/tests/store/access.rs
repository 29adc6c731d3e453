//! Sign-in records, sessions, sharing and need-to-know.

use std::collections::BTreeSet;

use chrono::{Duration, Utc};
use tabara_core::permissions::{Action, decide};
use tabara_store::Viewer;

use crate::common::*;

// ---------------------------------------------------------------- issue 10: access

fn viewer_of(role: Role, organisation_id: OrganisationId) -> tabara_store::Viewer {
    tabara_store::Viewer {
        user_id: UserId::new(),
        role,
        organisation_id,
        office_id: None,
    }
}

store_test!(
    a_share_reads_and_comments_and_edits_only_when_it_says_so,
    |db| async move {
        use tabara_core::permissions::{Action, decide};
        let s = &db.store;
        let w = world(s).await;
        let (reader, editor) = (org("Lecteurs"), org("Éditeurs"));
        s.create_organisation(&system(), &reader).await.unwrap();
        s.create_organisation(&system(), &editor).await.unwrap();
        let case = open_case(s, &w, "2026-01-10").await;
        let actor = Actor::user(UserId::new());
        s.share_case(&actor, case.id, reader.id, "Pour suivi", false)
            .await
            .unwrap();
        s.share_case(&actor, case.id, editor.id, "Pour prise en charge", true)
            .await
            .unwrap();

        let shares = s.case_shares(case.id).await.unwrap();
        let flags: HashMap<OrganisationId, bool> = shares
            .iter()
            .map(|x| (x.organisation_id, x.may_edit))
            .collect();
        assert!(!flags[&reader.id]);
        assert!(flags[&editor.id]);
        // The flag is audited with the share, in the same entry.
        let trail = trail_actions(s, "case", &case.id.to_string()).await;
        assert_eq!(
            &trail[trail.len() - 2..],
            ["case.share", "case.share_for_editing"]
        );

        for role in [Role::Caseworker, Role::Investigator, Role::Supervisor] {
            let r = s
                .relation(&viewer_of(role, reader.id), case.id)
                .await
                .unwrap()
                .unwrap();
            assert!(r.shared_with_agency && !r.shared_for_editing, "{r:?}");
            assert!(decide(role, Action::ReadCase, Some(r)).allowed(), "{role}");
            assert!(
                decide(role, Action::CommentCase, Some(r)).allowed(),
                "{role}"
            );
            assert!(!decide(role, Action::EditCase, Some(r)).allowed(), "{role}");
            assert!(
                !decide(role, Action::ShareCase, Some(r)).allowed(),
                "{role}"
            );

            let r = s
                .relation(&viewer_of(role, editor.id), case.id)
                .await
                .unwrap()
                .unwrap();
            assert!(r.shared_with_agency && r.shared_for_editing, "{r:?}");
            assert!(decide(role, Action::EditCase, Some(r)).allowed(), "{role}");
            assert!(
                !decide(role, Action::ShareCase, Some(r)).allowed(),
                "{role}"
            );
        }
        // A share for editing never makes the prosecutor change the dossier.
        let r = s
            .relation(&viewer_of(Role::Prosecutor, editor.id), case.id)
            .await
            .unwrap()
            .unwrap();
        assert!(!decide(Role::Prosecutor, Action::EditCase, Some(r)).allowed());
        // An agency without a share has neither flag.
        let r = s
            .relation(&viewer_of(Role::Caseworker, OrganisationId::new()), case.id)
            .await
            .unwrap()
            .unwrap();
        assert!(!r.shared_with_agency && !r.shared_for_editing);
        db.finish().await;
    }
);

store_test!(
    a_name_search_finds_cases_only_through_persons_whose_identity_the_role_reads,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let prosecution = org("Parquet");
        s.create_organisation(&system(), &prosecution)
            .await
            .unwrap();
        let case = open_case(s, &w, "2026-01-10").await;
        let victim_p = add_person(s, &w, "Aline", "Ndayishimiye").await;
        let suspect_p = add_person(s, &w, "Bosco", "Kaburungu").await;
        let witness_p = add_person(s, &w, "Claver", "Hakizimana").await;
        involve_victim(s, case.id, victim_p.id).await;
        s.add_case_person(
            &system(),
            case.id,
            suspect_p.id,
            &suspect(&[RoleInProcess::RecruiterOrIntermediary], None),
        )
        .await
        .unwrap();
        s.add_case_person(&system(), case.id, witness_p.id, &Involvement::Witness)
            .await
            .unwrap();
        s.share_case(
            &system(),
            case.id,
            prosecution.id,
            "Transmis au parquet",
            false,
        )
        .await
        .unwrap();

        let found = |viewer: Option<tabara_store::Viewer>, name: &'static str| {
            let filter = CaseFilter {
                visible_to: viewer,
                name: Some(name.to_string()),
                ..Default::default()
            };
            async move { listed(s, &filter).await == vec![case.number] }
        };
        // (viewer, finds the victim, the suspect, the witness)
        let expectations = [
            (viewer_of(Role::Supervisor, w.org.id), [true, true, true]),
            (viewer_of(Role::Investigator, w.org.id), [true, true, true]),
            (viewer_of(Role::Caseworker, w.org.id), [true, false, false]),
            (
                viewer_of(Role::ChildProtection, w.org.id),
                [true, false, false],
            ),
            (
                viewer_of(Role::Prosecutor, prosecution.id),
                [false, true, true],
            ),
            (viewer_of(Role::LegalAid, w.org.id), [false, false, false]),
            (viewer_of(Role::Analyst, w.org.id), [false, false, false]),
        ];
        for (viewer, want) in expectations {
            let role = viewer.role;
            let got = [
                found(Some(viewer.clone()), "aline nday").await,
                found(Some(viewer.clone()), "kaburungu").await,
                found(Some(viewer.clone()), "claver").await,
            ];
            assert_eq!(got, want, "{role}");
        }
        // Operator tools (no viewer) search every person.
        assert!(found(None, "bosco").await);
        db.finish().await;
    }
);

store_test!(
    the_demo_shares_cases_with_the_prosecution_and_iom,
    |db| async move {
        use tabara_core::permissions::{Action, decide};
        let s = &db.store;
        let (demo, _) = load_demo(s, 4, 300).await;
        let reference = demo.reference().clone();
        let written = tabara_demo::write_shares(s, &Actor::system("demo"), &reference)
            .await
            .unwrap();
        assert!(written > 10, "{written}");
        let user = |name: &str| {
            reference
                .users
                .iter()
                .find(|u| u.username == name)
                .unwrap()
                .viewer()
        };
        let all = listed_summaries(s, &CaseFilter::default()).await;
        let (mut shares, mut for_editing) = (0, 0);
        for c in &all {
            for share in s.case_shares(c.id).await.unwrap() {
                shares += 1;
                for_editing += usize::from(share.may_edit);
            }
        }
        assert_eq!(shares, written);
        assert!(for_editing > 0 && for_editing < shares, "{for_editing}");
        // The prosecutor now has dossiers to read, the caseworker some cases to edit.
        let prosecutor = user("prosecutor");
        assert!(
            !listed(
                s,
                &CaseFilter {
                    visible_to: Some(prosecutor),
                    ..Default::default()
                }
            )
            .await
            .is_empty()
        );
        let caseworker = user("caseworker");
        let mut editable_shared = 0;
        for c in &all {
            let r = s.relation(&caseworker, c.id).await.unwrap().unwrap();
            if !r.same_agency && decide(Role::Caseworker, Action::EditCase, Some(r)).allowed() {
                editable_shared += 1;
            }
        }
        assert_eq!(editable_shared, for_editing);
        db.finish().await;
    }
);

store_test!(
    editing_an_age_recomputes_whether_the_case_involves_a_minor,
    |db| async move {
        use tabara_core::permissions::{Action, decide};
        let s = &db.store;
        let w = world(s).await;
        let case = open_case(s, &w, "2026-01-12").await;
        let person = add_person(s, &w, "Aline", "Ndayishimiye").await;
        s.add_case_person(&system(), case.id, person.id, &victim(&[]))
            .await
            .unwrap();
        // A child-protection caseworker of another agency reaches the case only through a minor.
        let unicef = org("Protection de l'enfance");
        s.create_organisation(&system(), &unicef).await.unwrap();
        let viewer = tabara_store::Viewer {
            user_id: UserId::new(),
            role: Role::ChildProtection,
            organisation_id: unicef.id,
            office_id: None,
        };
        let reach = |s: Store, viewer: tabara_store::Viewer| async move {
            let relation = s.relation(&viewer, case.id).await.unwrap().unwrap();
            let listed = s
                .list_cases(
                    &CaseFilter {
                        visible_to: Some(viewer.clone()),
                        ..Default::default()
                    },
                    PageRequest {
                        after: None,
                        limit: 50,
                    },
                )
                .await
                .unwrap()
                .items
                .iter()
                .any(|c| c.id == case.id);
            let allowed = decide(Role::ChildProtection, Action::ReadCase, Some(relation)).allowed();
            assert_eq!(allowed, listed, "the list and the rule agree");
            (relation.involves_minor, allowed)
        };
        assert_eq!(reach(s.clone(), viewer.clone()).await, (false, false));
        // Each edit of the age (through the person form's path) recomputes the flag.
        let mut current = s.person(person.id).await.unwrap();
        for (age, uncertain, minor) in [
            (Some(17), false, true),
            (Some(18), false, false),
            (Some(20), true, true),
            (Some(21), true, false),
            (None, true, false),
            (Some(17), true, true),
            (Some(24), false, false),
        ] {
            let (identity, identity_version) = s.read_identity(&system(), person.id).await.unwrap();
            current.facts.age_at_registration = age;
            current.facts.age_uncertain = uncertain;
            let (version, _) = s
                .update_person_with_identity(&system(), &current, identity_version, &identity)
                .await
                .unwrap();
            current.version = version;
            assert_eq!(
                reach(s.clone(), viewer.clone()).await,
                (minor, minor),
                "age {age:?}, uncertain {uncertain}"
            );
        }
        db.finish().await;
    }
);

// ---------------------------------------------------------------- need-to-know over the demo

/// The demo register written, without keeping its batches.
async fn demo_register(store: &Store, seed: u64, persons: u64) -> Demo {
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
    let filter = CaseFilter {
        visible_to: Some(viewer.clone()),
        ..Default::default()
    };
    numbers(&pages(store, &filter, 500).await)
        .into_iter()
        .collect()
}

store_test!(
    case_list_visibility_matches_the_permission_rules,
    |db| async move {
        let s = &db.store;
        let demo = demo_register(s, 11, 400).await;
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
        let all = listed_summaries(s, &CaseFilter::default()).await;
        let cases: Vec<_> = all.iter().map(|c| c.id).collect();
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

        assert!(reference.users.len() >= 10, "every role has demo users");
        for u in &reference.users {
            let viewer = u.viewer();
            let listed = visible_numbers(s, &viewer).await;
            let mut allowed = BTreeSet::new();
            for (i, summary) in all.iter().enumerate() {
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
        let demo = demo_register(s, 5, 300).await;
        let reference = demo.reference().clone();
        let cp = reference
            .users
            .iter()
            .find(|u| u.role == Role::ChildProtection)
            .unwrap();
        let viewer = cp.viewer();
        let visible = visible_numbers(s, &viewer).await;
        let all = listed_summaries(s, &CaseFilter::default()).await;
        let mut minors = 0;
        for c in &all {
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
    let demo = demo_register(s, 3, 20).await;
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
    let trail: Vec<String> = trail_actions(s, "user", &officer.id.to_string()).await;
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
    let demo = demo_register(s, 3, 20).await;
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
    // The other session lives on, untouched.
    let other = s
        .session("hash-2")
        .await
        .unwrap()
        .expect("the other session");
    assert_eq!(
        (
            other.user.id,
            other.csrf_token.as_str(),
            other.lang.as_str()
        ),
        (officer.id, "csrf-2", "en")
    );

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
    let unknown = UserId::new();
    assert_not_found(
        s.set_user_disabled(&actor, unknown, true).await,
        "user",
        &unknown.to_string(),
    );
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
    let demo = demo_register(s, 3, 40).await;
    let reference = demo.reference().clone();
    let actor = Actor::user(reference.users[2].id);
    let case = s.case_by_number(1).await.unwrap();
    let other = reference
        .organisations
        .iter()
        .find(|o| o.id != case.organisation_id)
        .unwrap()
        .id;
    assert_invalid(
        s.share_case(&actor, case.id, other, "  ", false).await,
        "share_Reason",
        "required",
    );
    assert_duplicate(
        s.share_case(&actor, case.id, case.organisation_id, "self", false)
            .await,
        "share",
        "already belongs to this organisation",
    );
    s.share_case(
        &actor,
        case.id,
        other,
        "Transmis au parquet pour poursuites",
        false,
    )
    .await
    .unwrap();
    assert_duplicate(
        s.share_case(&actor, case.id, other, "again", true).await,
        "share",
        &other.to_string(),
    );
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
    let unknown = CaseId::new();
    assert_not_found(
        s.share_case(&actor, unknown, other, "x", false).await,
        "case",
        &unknown.to_string(),
    );
    db.finish().await;
});
