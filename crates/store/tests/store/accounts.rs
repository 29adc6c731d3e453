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

store_test!(
    a_second_factor_enrols_checks_once_locks_and_survives_a_rotation,
    |db| async move {
        use chrono::Utc;
        use tabara_core::totp;
        use tabara_store::second_factor::FactorCheck;
        let s = &db.store;
        let demo = Demo::new(3, 10);
        demo.reference()
            .clone()
            .write(s, &system(), "$argon2id$demo")
            .await
            .unwrap();
        let u = s.user_by_username("officer").await.unwrap().unwrap().id;
        assert_eq!(s.second_factor_state(u).await.unwrap(), None);
        assert_eq!(
            s.check_second_factor(u, "123456", Utc::now())
                .await
                .unwrap(),
            FactorCheck::NotEnrolled
        );
        let secret = s.start_enrolment(u).await.unwrap();
        assert_eq!(
            s.pending_secret(u).await.unwrap().as_deref(),
            Some(&secret[..])
        );
        let t0 = Utc::now();
        let code = |at: chrono::DateTime<Utc>| {
            format!(
                "{:06}",
                totp::code_at(&secret, totp::step_of(at.timestamp()))
            )
        };
        assert_eq!(
            s.confirm_enrolment(&system(), u, "000000", t0)
                .await
                .unwrap(),
            None
        );
        let codes = s
            .confirm_enrolment(&system(), u, &code(t0), t0)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(codes.len(), 10);
        assert_invalid(s.start_enrolment(u).await, "totp", "already_enrolled");
        // The code of the enrolment is not good again; the next step's is.
        assert_eq!(
            s.check_second_factor(u, &code(t0), t0).await.unwrap(),
            FactorCheck::Refused
        );
        let t1 = t0 + chrono::Duration::seconds(60);
        assert_eq!(
            s.check_second_factor(u, &code(t1), t1).await.unwrap(),
            FactorCheck::Accepted
        );
        assert_eq!(
            s.check_second_factor(u, &codes[3], t1).await.unwrap(),
            FactorCheck::AcceptedRecovery { left: 9 }
        );
        assert_eq!(
            s.check_second_factor(u, &codes[3], t1).await.unwrap(),
            FactorCheck::Refused,
            "a recovery code is good once"
        );
        // The secret is wrapped: a rotation carries it over.
        let new = tabara_core::protect::MasterKey::generate();
        let rotated = s.begin_rotation(new);
        assert!(
            rotated
                .rotate_keys(&system(), 100, None)
                .await
                .unwrap()
                .finished
        );
        let t2 = t1 + chrono::Duration::seconds(60);
        assert_eq!(
            rotated.check_second_factor(u, &code(t2), t2).await.unwrap(),
            FactorCheck::Accepted
        );
        // Five failures lock it: even a right code waits.
        let t3 = t2 + chrono::Duration::seconds(60);
        for _ in 0..5 {
            rotated.check_second_factor(u, "999999", t3).await.unwrap();
        }
        assert!(matches!(
            rotated.check_second_factor(u, &code(t3), t3).await.unwrap(),
            FactorCheck::Locked { .. }
        ));
        assert!(rotated.reset_second_factor(&system(), u).await.unwrap());
        assert_eq!(rotated.second_factor_state(u).await.unwrap(), None);
        db.finish().await
    }
);
