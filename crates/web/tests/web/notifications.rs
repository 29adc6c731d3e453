//! The notification inbox: a deadline passes, the alert is found by the sender and by the
//! receiving agency's supervisor (and by nobody else), the header counts it, marking read
//! works for the recipient only.

use chrono::{Duration, Utc};
use tabara_core::ValueSet;
use tabara_core::ids::{ReferralConsentId, ReferralId};
use tabara_core::referral::{Consent, ConsentGiver, DataCategory, Deadlines, Party, ServiceType};
use tabara_store::{NewReferral, ReferralStep, RunReport};

use crate::common::*;

/// A shelter referral of a victim of one of the IOM caseworker's cases to the judicial
/// police, sent by the caseworker: its id, the case number and the person.
async fn referral_to_pj(db: &TestDb, app: &App) -> (ReferralId, i64, tabara_core::ids::PersonId) {
    let (case, victim) = case_with_victim(db, &app.reference, "caseworker").await;
    let (iom, pj) = (app.org("OIM"), app.org("Police Judiciaire"));
    let sender = Actor::user(app.user("caseworker").id);
    let services: ValueSet<ServiceType> = [ServiceType::Shelter].into_iter().collect();
    let consent = Consent {
        recipient: pj,
        services: services.clone(),
        data: [DataCategory::Facts].into_iter().collect(),
        given_at: Utc::now() - Duration::hours(1),
        // A guardian gives it: the victim may be a child.
        given_by: ConsentGiver::Guardian,
        language: "rn".into(),
        witness: None,
        withdrawn_at: None,
    };
    let person = victim.person.id;
    db.store
        .record_referral_consent(&sender, ReferralConsentId::new(), case.id, person, &consent)
        .await
        .unwrap();
    let draft = db
        .store
        .create_referral(
            &sender,
            &NewReferral {
                id: ReferralId::new(),
                case_id: case.id,
                person_id: person,
                sender_id: iom,
                recipient_id: pj,
                services: services.clone(),
                data: [DataCategory::Facts].into_iter().collect(),
                urgency: ValueSet::new(),
                answer_by: None,
            },
        )
        .await
        .unwrap();
    let (offered, deadlines) = (services, Deadlines::default());
    let step = ReferralStep::Send {
        offered: &offered,
        deadlines: &deadlines,
    };
    db.store
        .apply_referral_step(&sender, draft.id, draft.version, Party::Sender, step)
        .await
        .unwrap();
    (draft.id, case.number, person)
}

async fn audit_len(db: &TestDb) -> i64 {
    db.store.stats().await.unwrap().audit_entries
}

/// The header's words for `user`'s unread notifications, as the store counts them.
async fn header(db: &TestDb, user: tabara_core::ids::UserId) -> String {
    match db.store.unread_count(user).await.unwrap() {
        0 => ">Notifications</a>".to_string(),
        n => format!("Notifications ({n})"),
    }
}

store_test!(
    a_passed_deadline_is_found_in_the_right_inboxes,
    |db| async move {
        let app = start(&db).await;
        // The demo's referrals fell due long ago: their alerts are raised first, and read.
        db.store.raise_due_alerts(Utc::now(), 500).await.unwrap();
        let people = ["caseworker", "supervisor", "investigator", "officer"];
        for name in people {
            let id = app.user(name).id;
            db.store
                .mark_all_notifications_read(&Actor::user(id), id)
                .await
                .unwrap();
        }
        let (referral, number, _) = referral_to_pj(&db, &app).await;
        let [sender_id, supervisor_id, ..] = people.map(|n| app.user(n).id);
        let mut sender = signed_in(&app, "caseworker").await;
        let mut supervisor = signed_in(&app, "supervisor").await;
        let mut investigator = signed_in(&app, "investigator").await;
        let mut officer = signed_in(&app, "officer").await;
        let link = format!("/referrals/{referral}");
        // Not due yet: nothing new, and the header shows no count.
        assert_eq!(
            db.store.raise_due_alerts(Utc::now(), 500).await.unwrap(),
            RunReport::default()
        );
        let home = sender.get("/").await;
        assert!(home.body.contains(">Notifications</a>"), "{}", home.body);
        assert!(!sender.get("/notifications").await.body.contains(&link));

        // The deadline passes (the run is asked a minute after it): the alert is raised once.
        let due = db
            .store
            .referral(referral)
            .await
            .unwrap()
            .referral
            .due_at
            .unwrap();
        let report = db
            .store
            .raise_due_alerts(due + Duration::minutes(1), 500)
            .await
            .unwrap();
        assert!(report.raised >= 1, "{report:?}");
        assert_eq!(
            db.store
                .raise_due_alerts(due + Duration::minutes(1), 500)
                .await
                .unwrap(),
            RunReport::default()
        );
        let reference = format!("TBR-{number:06}");
        for (b, id) in [(&mut sender, sender_id), (&mut supervisor, supervisor_id)] {
            let page = b.get("/notifications").await;
            assert_eq!(page.status, 200);
            let count = header(&db, id).await;
            assert!(count.starts_with("Notifications ("), "{count}");
            assert!(page.body.contains(&count), "{}", page.body);
            assert!(
                page.body.contains(&format!(
                    "A referral from case {reference} was not answered by"
                )),
                "{}",
                page.body
            );
            assert_eq!(page.body.matches(&format!("href=\"{link}\"")).count(), 1);
            assert!(page.body.contains("class=\"unread\""));
            // Every page's header counts it, and the link opens the referral.
            assert!(b.get("/").await.body.contains(&count));
            assert_eq!(b.get(&link).await.status, 200);
        }
        // Nobody else: another user of the receiving agency, the officer.
        for b in [&mut investigator, &mut officer] {
            let page = b.get("/notifications").await;
            assert!(!page.body.contains(&link), "{}", page.body);
        }

        // In French.
        let csrf = supervisor.csrf_of("/notifications").await;
        supervisor.lang(&csrf, "fr", "/notifications").await;
        let page = supervisor.get("/notifications").await;
        assert!(
            page.body.contains(&format!(
                "Une orientation du dossier {reference} est restée sans réponse"
            )),
            "{}",
            page.body
        );
        assert!(page.body.contains("Marquer comme lue"));
        assert!(
            page.body.contains("Ouvrir l'orientation")
                || page.body.contains("Ouvrir l&#39;orientation")
        );

        // Another user cannot mark it read: the 404 of a missing one, nothing written.
        let id = db
            .store
            .notifications(supervisor_id, true, 500)
            .await
            .unwrap()
            .into_iter()
            .find(|n| n.subject_id == referral.0)
            .expect("the supervisor's notification")
            .id;
        let path = format!("/notifications/{id}/read");
        let before = audit_len(&db).await;
        let csrf = investigator.csrf_of("/notifications").await;
        let refused = investigator.post(&path, &[("csrf", &csrf)]).await;
        assert_eq!(refused.status, 404);
        let missing = format!("/notifications/{}/read", uuid::Uuid::now_v7());
        assert_eq!(
            investigator.post(&missing, &[("csrf", &csrf)]).await.status,
            404
        );
        assert_eq!(
            investigator
                .post("/notifications/not-an-id/read", &[("csrf", &csrf)])
                .await
                .status,
            404
        );
        assert_eq!(audit_len(&db).await, before);
        // The recipient can, through the page's form.
        let unread = db.store.unread_count(supervisor_id).await.unwrap();
        let page = supervisor.get("/notifications").await;
        let (action, fields) = form_fields(&page.body, &path);
        let done = supervisor.post_fields(&action, &fields).await;
        assert_eq!(
            (done.status, done.location.as_deref()),
            (303, Some("/notifications"))
        );
        assert_eq!(audit_len(&db).await, before + 1);
        assert_eq!(
            db.store.unread_count(supervisor_id).await.unwrap(),
            unread - 1
        );
        let page = supervisor.get("/notifications").await;
        assert!(page.body.contains(&header(&db, supervisor_id).await));
        assert!(page.body.contains(&link), "read ones stay listed");
        assert!(!page.body.contains(&path), "no form to mark it read again");
        // "Mark all" reads the sender's.
        let page = sender.get("/notifications").await;
        let (action, fields) = form_fields(&page.body, "/notifications/read-all");
        assert_eq!(sender.post_fields(&action, &fields).await.status, 303);
        assert_eq!(db.store.unread_count(sender_id).await.unwrap(), 0);
        assert!(sender.get("/").await.body.contains(">Notifications</a>"));
        db.finish().await;
    }
);
