//! One-time credentials and the requests a second administrator decides.

use crate::common::*;

// ---------------------------------------------------------------- issue 10: accounts

store_test!(
    account_requests_wait_for_a_second_administrator,
    |db| async move {
        let s = &db.store;
        let demo = Demo::new(3, 10);
        let reference = demo.reference().clone();
        reference
            .write(s, &system(), "$argon2id$demo")
            .await
            .unwrap();
        let id_of = async |name: &str| s.user_by_username(name).await.unwrap().unwrap().id;
        let admin = id_of("admin").await;
        let officer = id_of("officer").await;
        let org = s.user(admin).await.unwrap().organisation_id;
        let admin2 = s
            .create_user(
                &system(),
                &NewUser {
                    id: UserId::new(),
                    username: "admin2".into(),
                    display_name: "Second".into(),
                    role: Role::Admin,
                    organisation_id: org,
                    office_id: None,
                    password_hash: "$argon2id$demo".into(),
                },
            )
            .await
            .unwrap();
        let later = chrono::Utc::now() + chrono::Duration::hours(72);

        // One request waits per account.
        let request = s.request_reset(admin, officer).await.unwrap();
        assert_duplicate(
            s.request_reset(admin2, officer).await,
            "pending request for account",
            &officer.to_string(),
        );
        let pending = s.pending_account_requests(10).await.unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].user.id, officer);
        assert_eq!(pending[0].requested_by, admin);
        assert_eq!(pending[0].requested_by_name, "Administrateur Tabara");
        // Nothing changed for the account yet.
        let c = s.credentials("officer").await.unwrap().unwrap();
        assert!(!c.must_change_password);

        // The requester cannot approve; another administrator can, once.
        match s
            .decide_account_request(admin, request, Some(("$argon2id$one-time", later)))
            .await
        {
            Err(StoreError::Invalid(e)) => assert_eq!(e.0[0].rule, "second_administrator"),
            other => panic!("{other:?}"),
        }
        assert!(
            !s.credentials("officer")
                .await
                .unwrap()
                .unwrap()
                .must_change_password
        );
        s.decide_account_request(admin2, request, Some(("$argon2id$one-time", later)))
            .await
            .unwrap();
        assert_not_found(
            s.decide_account_request(admin2, request, None).await,
            "account request",
            &request.to_string(),
        );
        assert!(s.pending_account_requests(10).await.unwrap().is_empty());
        let c = s.credentials("officer").await.unwrap().unwrap();
        assert_eq!(c.password_hash, "$argon2id$one-time");
        assert!(c.must_change_password);
        assert_eq!(
            c.one_time_expires_at.map(|t| t.timestamp()),
            Some(later.timestamp())
        );
        let notice = s.reset_notice(officer).await.unwrap().unwrap();
        assert_eq!(notice.by.as_deref(), Some("Administrateur Tabara"));
        assert_eq!(notice.approved_by.as_deref(), Some("Second"));

        // The credential is spent once; setting a password ends the one-time state.
        assert!(s.use_one_time_credential(officer).await.unwrap());
        assert!(!s.use_one_time_credential(officer).await.unwrap());
        s.set_password(&Actor::user(officer), officer, "$argon2id$own")
            .await
            .unwrap();
        let c = s.credentials("officer").await.unwrap().unwrap();
        assert!(!c.must_change_password && c.one_time_expires_at.is_none());

        // An expired credential is not spent.
        let past = chrono::Utc::now() - chrono::Duration::seconds(1);
        s.issue_one_time_credential(&system(), officer, "$argon2id$x", past)
            .await
            .unwrap();
        assert!(!s.use_one_time_credential(officer).await.unwrap());

        // A refused new account stays without a credential, disabled.
        let newcomer = UserId::new();
        let req = s
            .create_account(
                &Actor::user(admin),
                &NewUser {
                    id: newcomer,
                    username: "agent.new".into(),
                    display_name: "New".into(),
                    role: Role::Officer,
                    organisation_id: org,
                    office_id: None,
                    password_hash: "$argon2id$nobody-knows".into(),
                },
                tabara_store::FirstCredential::AwaitingApproval(admin),
            )
            .await
            .unwrap()
            .expect("a request");
        assert!(!s.use_one_time_credential(newcomer).await.unwrap());
        s.decide_account_request(admin2, req, None).await.unwrap();
        assert!(s.user(newcomer).await.unwrap().disabled);

        let officer_actions: Vec<String> = trail_actions(s, "user", &officer.to_string()).await;
        assert_eq!(
            officer_actions[1..],
            [
                "user.reset_request",
                "user.request_approve",
                "user.one_time_credential",
                "user.login_one_time",
                "user.password",
                "user.one_time_credential",
            ]
        );
        let newcomer_actions: Vec<String> = trail_actions(s, "user", &newcomer.to_string()).await;
        assert_eq!(
            newcomer_actions,
            [
                "user.create",
                "user.create_request",
                "user.request_refuse",
                "user.disable"
            ]
        );
        assert_verified(s, audit_count(s).await).await;
        db.finish().await;
    }
);
