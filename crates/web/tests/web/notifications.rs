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

store_test!(
    a_passed_deadline_is_found_in_the_right_inboxes,
    |db| async move {
        let app = start(&db).await;
        let (referral, number, person) = referral_to_pj(&db, &app).await;
        let mut sender = signed_in(&app, "caseworker").await;
        let mut supervisor = signed_in(&app, "supervisor").await;
        let mut investigator = signed_in(&app, "investigator").await;
        // Not due yet: nothing, and the header shows no count.
        let home = sender.get("/").await;
        assert!(home.body.contains(">Notifications</a>"), "{}", home.body);
        assert!(
            sender
                .get("/notifications")
                .await
                .body
                .contains("No notifications.")
        );

        // The deadline passes (the run is asked two days ahead): one alert.
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
        assert_eq!(report.raised, 1, "{report:?}");
        assert_eq!(
            db.store
                .raise_due_alerts(due + Duration::days(2), 500)
                .await
                .unwrap(),
            RunReport::default()
        );
        let reference = format!("TBR-{number:06}");
        let link = format!("/cases/{number}/persons/{person}");
        for b in [&mut sender, &mut supervisor] {
            let page = b.get("/notifications").await;
            assert_eq!(page.status, 200);
            assert!(page.body.contains("Notifications (1)"), "{}", page.body);
            assert!(
                page.body.contains(&format!(
                    "A referral from case {reference} was not answered by"
                )),
                "{}",
                page.body
            );
            assert!(page.body.contains(&format!("href=\"{link}\"")));
            assert!(page.body.contains("class=\"unread\""));
            // Every page's header counts it.
            assert!(b.get("/").await.body.contains("Notifications (1)"));
        }
        // The sender reaches the person the link names.
        assert_eq!(sender.get(&link).await.status, 200);
        // Nobody else: another user of the receiving agency, the officer.
        let mut officer = signed_in(&app, "officer").await;
        for b in [&mut investigator, &mut officer] {
            let page = b.get("/notifications").await;
            assert!(!page.body.contains(&reference), "{}", page.body);
            assert!(!page.body.contains("Notifications ("));
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

        // Another user cannot mark it read: the 404 of a missing one, nothing written.
        let id = db
            .store
            .notifications(app.user("supervisor").id, false, 10)
            .await
            .unwrap()[0]
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
        let page = supervisor.get("/notifications").await;
        let (action, fields) = form_fields(&page.body, &path);
        let done = supervisor.post_fields(&action, &fields).await;
        assert_eq!(
            (done.status, done.location.as_deref()),
            (303, Some("/notifications"))
        );
        assert_eq!(audit_len(&db).await, before + 1);
        let page = supervisor.get("/notifications").await;
        assert!(!page.body.contains("Notifications ("));
        assert!(!page.body.contains("class=\"unread\""));
        assert!(page.body.contains(&reference), "read ones stay listed");
        // The sender's is still unread; "mark all" reads it.
        let page = sender.get("/notifications").await;
        assert!(page.body.contains("Notifications (1)"));
        let (action, fields) = form_fields(&page.body, "/notifications/read-all");
        assert_eq!(sender.post_fields(&action, &fields).await.status, 303);
        assert!(!sender.get("/").await.body.contains("Notifications ("));
        assert_eq!(
            db.store
                .unread_count(app.user("caseworker").id)
                .await
                .unwrap(),
            0
        );
        db.finish().await;
    }
);
