//! Alerts raised on their own: each exactly once (also from two stores at once), to the people
//! core names; the inbox, its unread count and marking read (only by the recipient); the outbox
//! of an external channel with its attempts.

use std::sync::Mutex;

use chrono::{Duration, Utc};
use tabara_core::alerts::AlertKind;
use tabara_core::referral::{Deadlines, Party, ServiceType};
use tabara_store::alerts::{Delivery, DeliveryFuture, MAX_DELIVERY_ATTEMPTS, Notification};
use tabara_store::{DeliveryReport, ReferralStep, RunReport};

use crate::common::*;
use crate::referrals::{Referable, new_referral, offered, record_consent};

const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";

pub(crate) async fn add_user(s: &Store, role: Role, org: OrganisationId) -> UserId {
    let id = UserId::new();
    s.create_user(
        &system(),
        &NewUser {
            id,
            username: format!("alerts.{}", id.0.simple()),
            display_name: "Utilisateur des alertes".into(),
            role,
            organisation_id: org,
            office_id: None,
            password_hash: HASH.into(),
        },
    )
    .await
    .unwrap()
}

/// A victim in a case owned by `owner`, and a shelter to refer them to.
pub(crate) async fn owned_referable(s: &Store, w: &World, owner: Option<UserId>) -> Referable {
    let p = add_person(s, w, "Aline", "Niyonkuru").await;
    let mut new = new_case(
        w.org.id,
        Some(w.office.id),
        CaseFacts::opened(day("2026-01-10")),
    );
    new.owner_id = owner;
    let case = s.create_case(&system(), &new).await.unwrap();
    involve_victim(s, case.id, p.id).await;
    let shelter = org("Maison d'accueil");
    s.create_organisation(&system(), &shelter).await.unwrap();
    Referable {
        sender: w.org.id,
        case: case.id,
        person: p.id,
        shelter: shelter.id,
    }
}

/// A shelter referral of `r` sent by `sender` (due in 24 hours).
pub(crate) async fn sent_referral(s: &Store, r: &Referable, sender: UserId) -> ReferralId {
    record_consent(s, r).await;
    let actor = Actor::user(sender);
    let draft = s
        .create_referral(&actor, &new_referral(r, &[ServiceType::Shelter]))
        .await
        .unwrap();
    let (all, deadlines) = (offered(), Deadlines::default());
    let step = ReferralStep::Send {
        offered: &all,
        deadlines: &deadlines,
    };
    s.apply_referral_step(&actor, draft.id, draft.version, Party::Sender, step)
        .await
        .unwrap()
        .id
}

/// A high risk (4 × 4) assessed by `assessor` on the victim of `r`.
pub(crate) async fn high_risk(s: &Store, r: &Referable, assessor: UserId) -> uuid::Uuid {
    let form = tabara_core::risk::AssessmentForm {
        kind: "security".into(),
        likelihood: "4".into(),
        impact: "4".into(),
        safety_plan: "Hébergement protégé, contact quotidien".into(),
        ..Default::default()
    };
    let id = uuid::Uuid::now_v7();
    s.record_risk_assessment(&Actor::user(assessor), id, r.case, r.person, &form, None)
        .await
        .unwrap();
    id
}

fn inbox_kinds(list: &[Notification]) -> Vec<(AlertKind, uuid::Uuid)> {
    list.iter().map(|n| (n.kind, n.subject_id)).collect()
}

async fn inbox(s: &Store, user: UserId) -> Vec<Notification> {
    s.notifications(user, false, 500).await.unwrap()
}

store_test!(
    an_overdue_referral_alerts_its_sender_and_the_supervisors_once,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let sender = add_user(s, Role::Caseworker, w.org.id).await;
        let r = owned_referable(s, &w, None).await;
        let supervisor = add_user(s, Role::Supervisor, r.shelter).await;
        let second_supervisor = add_user(s, Role::Supervisor, r.shelter).await;
        let shelter_caseworker = add_user(s, Role::Caseworker, r.shelter).await;
        let own_supervisor = add_user(s, Role::Supervisor, w.org.id).await;
        let id = sent_referral(s, &r, sender).await;
        let referral = s.referral(id).await.unwrap().referral;
        let due = referral.due_at.unwrap();

        // Not due yet: nothing.
        let before = audit_count(s).await;
        let none = RunReport::default();
        assert_eq!(s.raise_due_alerts(Utc::now(), 500).await.unwrap(), none);
        assert_eq!(audit_count(s).await, before);
        // Past its due moment: one alert, to the sender and both supervisors of the shelter.
        let later = due + Duration::minutes(1);
        let report = s.raise_due_alerts(later, 500).await.unwrap();
        assert_eq!(
            report,
            RunReport {
                raised: 1,
                notified: 3
            }
        );
        assert_eq!(audit_count(s).await, before + 1);
        let entry = all_audit(s).await.pop().unwrap();
        assert_eq!(
            (
                entry.action.as_str(),
                entry.record_kind.as_str(),
                entry.actor.as_str()
            ),
            ("alert.raise", "alert", "system:alerts")
        );
        // Raised once: the next runs, and a later moment, raise nothing.
        assert_eq!(s.raise_due_alerts(later, 500).await.unwrap(), none);
        let much_later = later + Duration::days(3);
        assert_eq!(s.raise_due_alerts(much_later, 500).await.unwrap(), none);
        assert_eq!(audit_count(s).await, before + 1);

        for user in [sender, supervisor, second_supervisor] {
            let list = inbox(s, user).await;
            assert_eq!(inbox_kinds(&list), [(AlertKind::ReferralOverdue, id.0)]);
            let n = &list[0];
            assert_eq!(
                (n.user_id, n.case_id, n.person_id),
                (user, r.case, Some(r.person))
            );
            let case = s.case(r.case).await.unwrap();
            assert_eq!(n.case_number, case.number);
            assert_eq!(n.due_at, due);
            assert_eq!(n.read_at, None);
            assert_eq!(s.unread_count(user).await.unwrap(), 1);
        }
        for user in [shelter_caseworker, own_supervisor] {
            assert!(inbox(s, user).await.is_empty());
            assert_eq!(s.unread_count(user).await.unwrap(), 0);
        }

        // Only the recipient marks it read: anyone else is told it does not exist.
        let n = inbox(s, supervisor).await.remove(0);
        let before = audit_count(s).await;
        assert_not_found(
            s.mark_notification_read(&Actor::user(sender), sender, n.id)
                .await,
            "notification",
            &n.id.to_string(),
        );
        let missing = uuid::Uuid::now_v7();
        assert_not_found(
            s.mark_notification_read(&system(), supervisor, missing)
                .await,
            "notification",
            &missing.to_string(),
        );
        assert_eq!(audit_count(s).await, before);
        let reader = Actor::user(supervisor);
        assert!(
            s.mark_notification_read(&reader, supervisor, n.id)
                .await
                .unwrap()
        );
        assert_eq!(audit_count(s).await, before + 1);
        // Once: a second mark changes nothing.
        assert!(
            !s.mark_notification_read(&reader, supervisor, n.id)
                .await
                .unwrap()
        );
        assert_eq!(audit_count(s).await, before + 1);
        let entry = all_audit(s).await.pop().unwrap();
        assert_eq!(
            (
                entry.action.as_str(),
                entry.record_id.clone(),
                entry.actor.as_str()
            ),
            ("notification.read", n.id.to_string(), reader.as_str())
        );
        assert_eq!(s.unread_count(supervisor).await.unwrap(), 0);
        assert!(
            s.notifications(supervisor, true, 500)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(inbox(s, supervisor).await[0].read_at.is_some());
        // The sender's stays unread.
        assert_eq!(s.unread_count(sender).await.unwrap(), 1);
        assert_eq!(
            s.mark_all_notifications_read(&Actor::user(sender), sender)
                .await
                .unwrap(),
            1
        );
        assert_eq!(s.unread_count(sender).await.unwrap(), 0);
        assert_eq!(
            s.mark_all_notifications_read(&Actor::user(sender), sender)
                .await
                .unwrap(),
            0
        );
        assert_verified(s, audit_count(s).await).await;
        db.finish().await;
    }
);

store_test!(
    a_high_risk_alerts_owner_assessor_and_assignee_then_its_reassessment,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let owner = add_user(s, Role::Investigator, w.org.id).await;
        let assessor = add_user(s, Role::Caseworker, w.org.id).await;
        let r = owned_referable(s, &w, Some(owner)).await;
        let assignee = add_user(s, Role::Caseworker, r.shelter).await;
        let bystander = add_user(s, Role::Caseworker, w.org.id).await;
        let referral = sent_referral(s, &r, bystander).await;
        let version = s.referral(referral).await.unwrap().referral.version;
        s.assign_referral(&system(), referral, version, Some(assignee))
            .await
            .unwrap();
        // A low risk alerts nobody now.
        let low = tabara_core::risk::AssessmentForm {
            kind: "re_trafficking".into(),
            likelihood: "1".into(),
            impact: "2".into(),
            ..Default::default()
        };
        s.record_risk_assessment(
            &Actor::user(assessor),
            uuid::Uuid::now_v7(),
            r.case,
            r.person,
            &low,
            None,
        )
        .await
        .unwrap();
        let high = high_risk(s, &r, assessor).await;
        let report = s.raise_due_alerts(Utc::now(), 500).await.unwrap();
        assert_eq!(
            report,
            RunReport {
                raised: 1,
                notified: 3
            }
        );
        for user in [owner, assessor, assignee] {
            assert_eq!(
                inbox_kinds(&inbox(s, user).await),
                [(AlertKind::RiskHigh, high)]
            );
        }
        assert!(inbox(s, bystander).await.is_empty());
        // A high risk is reassessed within 14 days: then the owner and the assessor are told
        // (the referral is not due for a day and is overdue by then: its alert goes to the
        // sender).
        let reassess_by = s
            .risk_assessment(high)
            .await
            .unwrap()
            .assessment
            .reassess_by;
        let report = s
            .raise_due_alerts(reassess_by + Duration::seconds(1), 500)
            .await
            .unwrap();
        assert_eq!(
            report,
            RunReport {
                raised: 2,
                notified: 3
            }
        );
        for user in [owner, assessor] {
            assert_eq!(
                inbox_kinds(&inbox(s, user).await),
                [
                    (AlertKind::RiskReassessmentDue, high),
                    (AlertKind::RiskHigh, high)
                ]
            );
        }
        assert_eq!(
            inbox_kinds(&inbox(s, bystander).await),
            [(AlertKind::ReferralOverdue, referral.0)]
        );
        // A reassessment is a new fact: at medium level it raises nothing now.
        let medium = tabara_core::risk::AssessmentForm {
            kind: "security".into(),
            likelihood: "3".into(),
            impact: "2".into(),
            ..Default::default()
        };
        s.record_risk_assessment(
            &Actor::user(assessor),
            uuid::Uuid::now_v7(),
            r.case,
            r.person,
            &medium,
            None,
        )
        .await
        .unwrap();
        assert_eq!(
            s.raise_due_alerts(Utc::now(), 500).await.unwrap(),
            RunReport::default()
        );
        assert_verified(s, audit_count(s).await).await;
        db.finish().await;
    }
);

store_test!(
    two_stores_raising_at_once_raise_each_alert_once,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let sender = add_user(s, Role::Caseworker, w.org.id).await;
        let mut alerts = 0;
        for _ in 0..3 {
            let r = owned_referable(s, &w, Some(sender)).await;
            add_user(s, Role::Supervisor, r.shelter).await;
            sent_referral(s, &r, sender).await;
            high_risk(s, &r, sender).await;
            alerts += 2;
        }
        // A second application server: its own connections to the same register.
        let other = Store::open(&db.location, OpenMode::Existing, db.master_key())
            .await
            .unwrap();
        let later = Utc::now() + Duration::days(2);
        let mut runs = JoinSet::new();
        for k in 0..6 {
            let store = if k % 2 == 0 { s.clone() } else { other.clone() };
            runs.spawn(async move { store.raise_due_alerts(later, 500).await });
        }
        let reports: Vec<RunReport> = runs
            .join_all()
            .await
            .into_iter()
            .map(|r| r.unwrap())
            .collect();
        let raised: u64 = reports.iter().map(|r| r.raised).sum();
        let notified: u64 = reports.iter().map(|r| r.notified).sum();
        assert_eq!(raised, alerts, "{reports:?}");
        // Each referral tells its sender and one supervisor; each risk the owner-assessor once.
        assert_eq!(notified, 3 * 2 + 3, "{reports:?}");
        let list = inbox(s, sender).await;
        assert_eq!(list.len(), 6);
        let mut keys: Vec<_> = inbox_kinds(&list);
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), 6, "no alert twice");
        let raises = all_audit(s)
            .await
            .iter()
            .filter(|e| e.action == "alert.raise")
            .count();
        assert_eq!(raises as u64, alerts);
        assert_eq!(
            other.raise_due_alerts(later, 500).await.unwrap(),
            RunReport::default()
        );
        assert_verified(s, audit_count(s).await).await;
        db.finish().await;
    }
);

/// A channel for the tests: records what it was handed; fails while `failing` is set.
pub(crate) struct TestChannel {
    pub(crate) failing: Mutex<bool>,
    pub(crate) sent: Mutex<Vec<uuid::Uuid>>,
}

impl TestChannel {
    pub(crate) fn new(failing: bool) -> TestChannel {
        TestChannel {
            failing: Mutex::new(failing),
            sent: Mutex::new(Vec::new()),
        }
    }
}

impl Delivery for TestChannel {
    fn channel(&self) -> &str {
        "test"
    }

    fn deliver<'a>(&'a self, n: &'a Notification) -> DeliveryFuture<'a> {
        Box::pin(async move {
            if *self.failing.lock().unwrap() {
                return Err("the gateway did not answer".to_string());
            }
            self.sent.lock().unwrap().push(n.id);
            Ok(())
        })
    }
}

store_test!(
    an_external_channel_drains_its_outbox_with_attempts,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let owner = add_user(s, Role::Investigator, w.org.id).await;
        let assessor = add_user(s, Role::Caseworker, w.org.id).await;
        let r = owned_referable(s, &w, Some(owner)).await;
        high_risk(s, &r, assessor).await;
        s.raise_due_alerts(Utc::now(), 500).await.unwrap();
        let (to_owner, to_assessor) = (
            inbox(s, owner).await.remove(0),
            inbox(s, assessor).await.remove(0),
        );
        let channel = TestChannel::new(true);
        let before = audit_count(s).await;
        let failed = s.deliver_pending(&channel, 500).await.unwrap();
        assert_eq!(
            failed,
            DeliveryReport {
                delivered: 0,
                failed: 2
            }
        );
        assert_eq!(audit_count(s).await, before + 2);
        let state = s
            .delivery_state(to_owner.id, "test")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(state.attempts, 1);
        assert_eq!(state.delivered_at, None);
        assert_eq!(
            state.last_error.as_deref(),
            Some("the gateway did not answer")
        );
        // The assessor reads it in the application meanwhile: it is not sent any more.
        s.mark_notification_read(&Actor::user(assessor), assessor, to_assessor.id)
            .await
            .unwrap();
        *channel.failing.lock().unwrap() = false;
        let done = s.deliver_pending(&channel, 500).await.unwrap();
        assert_eq!(
            done,
            DeliveryReport {
                delivered: 1,
                failed: 0
            }
        );
        assert_eq!(*channel.sent.lock().unwrap(), [to_owner.id]);
        let state = s
            .delivery_state(to_owner.id, "test")
            .await
            .unwrap()
            .unwrap();
        assert_eq!((state.attempts, state.last_error), (2, None));
        assert!(state.delivered_at.is_some());
        // Delivered once; another channel has its own outbox.
        assert_eq!(
            s.deliver_pending(&channel, 500).await.unwrap(),
            DeliveryReport::default()
        );
        assert_eq!(s.delivery_state(to_owner.id, "sms").await.unwrap(), None);
        let actions: Vec<String> = all_audit(s).await[before as usize..]
            .iter()
            .map(|e| format!("{} {} {}", e.action, e.record_id, e.actor))
            .collect();
        assert!(actions.contains(&format!(
            "notification.deliver {} system:alerts",
            to_owner.id
        )));
        assert_eq!(
            actions
                .iter()
                .filter(|a| a.starts_with("notification.delivery_fail"))
                .count(),
            2
        );

        // A channel that keeps failing gives up after its attempts.
        high_risk(s, &r, assessor).await;
        s.raise_due_alerts(Utc::now(), 500).await.unwrap();
        let broken = TestChannel::new(true);
        let mut failures = 0;
        for _ in 0..MAX_DELIVERY_ATTEMPTS + 2 {
            failures += s.deliver_pending(&broken, 500).await.unwrap().failed;
        }
        // The two new notifications (owner, assessor), each tried the most times; the owner's
        // first one was delivered already.
        assert_eq!(failures, 2 * MAX_DELIVERY_ATTEMPTS as u64);
        assert_verified(s, audit_count(s).await).await;
        db.finish().await;
    }
);
