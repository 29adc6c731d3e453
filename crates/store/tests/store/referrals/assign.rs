//! Assigning a referral to a user of the addressed agency.

use tabara_core::referral::TransitionKind;

use super::referral_through;
use crate::common::*;

const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";

pub(crate) fn user_of(org: OrganisationId, role: Role) -> NewUser {
    let id = UserId::new();
    NewUser {
        id,
        username: format!("user.{}", id.0.simple()),
        display_name: "Utilisatrice de test".into(),
        role,
        organisation_id: org,
        office_id: None,
        password_hash: HASH.into(),
    }
}

store_test!(
    a_referral_is_assigned_within_the_addressed_agency,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let id = referral_through(s, &w, &[TransitionKind::Send]).await;
        let r = s.referral(id).await.unwrap().referral;
        assert_eq!(r.assignee_id, None);
        let ours = s
            .create_user(&system(), &user_of(r.recipient_id, Role::Caseworker))
            .await
            .unwrap();
        let sender_side = s
            .create_user(&system(), &user_of(r.sender_id, Role::Caseworker))
            .await
            .unwrap();
        let before = audit_count(s).await;
        assert_invalid(
            s.assign_referral(&system(), id, r.version, Some(sender_side))
                .await,
            "ref_Assignee",
            "not_of_agency",
        );
        assert_eq!(audit_count(s).await, before, "a refusal writes nothing");
        let assigned = s
            .assign_referral(&system(), id, r.version, Some(ours))
            .await
            .unwrap();
        assert_eq!((assigned.assignee_id, assigned.version), (Some(ours), 3));
        assert_conflict(
            s.assign_referral(&system(), id, r.version, None).await,
            "referral",
            &id.to_string(),
            2,
            3,
        );
        let unassigned = s.assign_referral(&system(), id, 3, None).await.unwrap();
        assert_eq!(unassigned.assignee_id, None);
        let history = s.history("referral", &id.to_string()).await.unwrap();
        assert!(history.last().unwrap().changes.get("assignee_id").is_some());
        assert_verified(s, audit_count(s).await).await;
        db.finish().await;
    }
);
