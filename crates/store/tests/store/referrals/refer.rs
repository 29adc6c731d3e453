//! The referral form's one transaction: a consent, a draft under it and its sending together,
//! or nothing at all; the inbox of an assignee; when the shared records last changed.

use chrono::{Duration, Utc};
use tabara_core::referral::{Deadlines, ReferralState, ServiceType};
use tabara_store::{InboxSide, ReferralStep};

use super::*;

store_test!(
    consent_draft_and_send_commit_together_or_not_at_all,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let r = referable(s, &w).await;
        let (offered, deadlines) = (offered(), Deadlines::default());
        let before = s.stats().await.unwrap().audit_entries;

        // A service the agency does not offer: the consent and the draft are not kept either.
        let only_shelter: ValueSet<ServiceType> = [ServiceType::Shelter].into_iter().collect();
        let new = new_referral(&r, &[ServiceType::Medical]);
        let refused = s
            .refer(
                &system(),
                Some((ReferralConsentId::new(), &consent_to(r.shelter))),
                &new,
                Some(ReferralStep::Send {
                    offered: &only_shelter,
                    deadlines: &deadlines,
                }),
            )
            .await;
        let StoreError::Invalid(e) = refused.unwrap_err() else {
            panic!("refused as invalid")
        };
        assert_eq!(e.get("ref_Services").unwrap().rule, "not_offered");
        assert!(
            s.referral_consents(r.case, r.person)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            s.case_referrals(r.case, r.person, 10)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            s.stats().await.unwrap().audit_entries,
            before,
            "nothing audited"
        );

        // A consent that does not cover the data shared: refused whole too.
        let mut wider = new_referral(&r, &[ServiceType::Shelter]);
        wider.data = set(&[DataCategory::Facts, DataCategory::Identity]);
        let refused = s
            .refer(
                &system(),
                Some((ReferralConsentId::new(), &consent_to(r.shelter))),
                &wider,
                Some(send_step(&offered, &deadlines)),
            )
            .await;
        let StoreError::Invalid(e) = refused.unwrap_err() else {
            panic!("refused as invalid")
        };
        assert_eq!(e.get("ref_Consent").unwrap().rule, "data_not_covered");
        assert!(
            s.referral_consents(r.case, r.person)
                .await
                .unwrap()
                .is_empty()
        );

        // Covered: consent, draft and send, three audit entries, one referral sent under it.
        let consent = ReferralConsentId::new();
        let sent = s
            .refer(
                &system(),
                Some((consent, &consent_to(r.shelter))),
                &new_referral(&r, &[ServiceType::Shelter]),
                Some(send_step(&offered, &deadlines)),
            )
            .await
            .unwrap();
        assert_eq!(sent.state, ReferralState::Sent);
        assert_eq!(sent.consent_id, Some(consent));
        assert_eq!(sent.version, 2);
        let actions: Vec<String> = s
            .audit_entries(before, 10)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(
            actions,
            [
                "referral_consent.record",
                "referral.create",
                "referral.send"
            ]
        );
        let details = s.referral(sent.id).await.unwrap();
        assert_eq!(details.timeline.len(), 2, "drafted, then sent");

        // A draft without a new consent, and without sending.
        let draft = s
            .refer(
                &system(),
                None,
                &new_referral(&r, &[ServiceType::Medical]),
                None,
            )
            .await
            .unwrap();
        assert_eq!(draft.state, ReferralState::Draft);
        db.finish().await;
    }
);

store_test!(
    an_assignee_sees_the_referrals_given_to_them,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let first = referral_through(s, &w, &[TransitionKind::Send]).await;
        let r = s.referral(first).await.unwrap().referral;
        let someone = NewUser {
            id: UserId::new(),
            username: "assistante.maison".into(),
            display_name: "Assistante".into(),
            role: Role::Caseworker,
            organisation_id: r.recipient_id,
            office_id: None,
            password_hash: "x".into(),
        };
        s.create_user(&system(), &someone).await.unwrap();
        let now = Utc::now();
        let mine = InboxSide::AssignedTo(someone.id);
        assert!(
            s.referral_inbox(r.recipient_id, mine, now, 0, 10)
                .await
                .unwrap()
                .is_empty()
        );
        s.assign_referral(&system(), r.id, r.version, Some(someone.id))
            .await
            .unwrap();
        let listed = s
            .referral_inbox(r.recipient_id, mine, now, 0, 10)
            .await
            .unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].id, r.id);
        // Another user of the agency is given nothing.
        let other = InboxSide::AssignedTo(UserId::new());
        assert!(
            s.referral_inbox(r.recipient_id, other, now, 0, 10)
                .await
                .unwrap()
                .is_empty()
        );

        // When the shared records last changed: the case, and the person's identity.
        let stamps = s.referral_stamps(r.id).await.unwrap();
        assert!(stamps.case_facts <= now + Duration::seconds(1));
        assert!(stamps.identity.is_some());
        // The inbox's case references, in one query; a case that is not there is left out.
        let numbers = s.case_numbers(&[r.case_id, CaseId::new()]).await.unwrap();
        assert_eq!(numbers.len(), 1);
        assert_eq!(numbers[&r.case_id], s.case(r.case_id).await.unwrap().number);
        assert!(s.case_numbers(&[]).await.unwrap().is_empty());
        let missing = s.referral_stamps(ReferralId::new()).await;
        assert!(matches!(missing, Err(StoreError::NotFound { .. })));
        db.finish().await;
    }
);
