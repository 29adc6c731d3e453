//! The referral figures on the dashboard: shown to the roles that read statistics (analyst,
//! supervisor) and to no one else, every count from 1 to 4 written "fewer than 5", the median
//! time to acceptance in hours, in English and in French.

use chrono::{Duration, Utc};
use tabara_core::ids::{ReferralConsentId, ReferralId};
use tabara_core::picklist::{Picklist, ValueSet};
use tabara_core::referral::{Consent, ConsentGiver, DataCategory, Deadlines, Party, ServiceType};
use tabara_store::{NewReferral, ReferralStep};

use crate::common::*;

/// A row of one of the figures' tables, as the page writes it.
fn row(label: &str, value: &str) -> String {
    format!("<tr><th scope=\"row\">{label}</th><td>{value}</td></tr>")
}

/// The section's body, or `None` when the page has none.
fn section(body: &str) -> Option<&str> {
    let start = body.find("<section id=\"referral-figures\"")?;
    let end = start + body[start..].find("</section>")?;
    Some(&body[start..end])
}

store_test!(
    the_dashboard_shows_referral_figures_to_statistics_readers_only,
    |db| async move {
        let app = start(&db).await;
        // Three referrals sent 30 days ago and never answered (overdue), six accepted 1 to 6
        // hours after their sending (the median is 3½ hours, shown as 4).
        let (summary, victim) = case_with_victim(&db, &app.reference, "officer").await;
        let case = db.store.case(summary.id).await.unwrap();
        let recipient = app
            .reference
            .organisations
            .iter()
            .find(|o| o.id != case.organisation_id)
            .unwrap()
            .id;
        let t0 = Utc::now() - Duration::days(30);
        let all: ValueSet<ServiceType> = ServiceType::ALL.iter().copied().collect();
        let consent = Consent {
            recipient,
            services: all.clone(),
            data: [DataCategory::Facts].into_iter().collect(),
            given_at: t0 - Duration::days(1),
            given_by: ConsentGiver::Guardian,
            language: "rn".into(),
            witness: None,
            withdrawn_at: None,
        };
        let deadlines = Deadlines::default();
        let actor = Actor::system("test");
        let mut first = Some((ReferralConsentId::new(), &consent));
        for accepted_after in [
            None,
            None,
            None,
            Some(1),
            Some(2),
            Some(3),
            Some(4),
            Some(5),
            Some(6),
        ] {
            let new = NewReferral {
                id: ReferralId::new(),
                case_id: case.id,
                person_id: victim.person.id,
                sender_id: case.organisation_id,
                recipient_id: recipient,
                services: [ServiceType::Shelter].into_iter().collect(),
                data: [DataCategory::Facts].into_iter().collect(),
                urgency: ValueSet::new(),
                answer_by: None,
            };
            let mut steps = vec![(
                Party::Sender,
                ReferralStep::Send {
                    offered: &all,
                    deadlines: &deadlines,
                },
                t0,
            )];
            if let Some(h) = accepted_after {
                steps.push((
                    Party::Assignee,
                    ReferralStep::Accept,
                    t0 + Duration::hours(h),
                ));
            }
            db.store
                .record_past_referral(&actor, first.take(), &new, &steps, t0)
                .await
                .unwrap();
        }

        for username in ["analyst", "supervisor"] {
            let mut b = signed_in(&app, username).await;
            let home = b.get("/").await;
            assert_eq!(home.status, 200);
            let f = section(&home.body).unwrap_or_else(|| panic!("{username}: {}", home.body));
            assert!(
                f.contains("<h2 id=\"referral-figures-title\">Referrals</h2>"),
                "{f}"
            );
            assert!(
                f.contains(&row("Sent, awaiting an answer", "fewer than 5")),
                "{f}"
            );
            assert!(f.contains(&row("Accepted", "6")), "{f}");
            assert!(f.contains(&row("Draft", "0")), "{f}");
            assert!(f.contains(&row("Shelter", "9")), "{f}");
            assert!(
                f.contains("<dd id=\"figure-overdue\">fewer than 5</dd>"),
                "{f}"
            );
            assert!(f.contains("<dd id=\"figure-median\">4 hours</dd>"), "{f}");
            assert!(f.contains("<dd id=\"figure-children\">"), "{f}");
            // The count itself is nowhere in the section.
            assert!(!f.contains("<td>3</td>") && !f.contains(">3<"), "{f}");
        }
        // In French.
        let mut b = signed_in(&app, "analyst").await;
        let csrf = b.csrf_of("/").await;
        b.lang(&csrf, "fr", "/").await;
        let home = b.get("/").await;
        let f = section(&home.body).unwrap();
        assert!(
            f.contains("<h2 id=\"referral-figures-title\">Orientations</h2>"),
            "{f}"
        );
        assert!(
            f.contains("<dd id=\"figure-overdue\">moins de 5</dd>"),
            "{f}"
        );
        assert!(f.contains("<dd id=\"figure-median\">4 heures</dd>"), "{f}");
        assert!(f.contains(&row("Acceptée", "6")), "{f}");

        // Roles that do not read statistics see no figures.
        for username in [
            "officer",
            "caseworker",
            "childprotection",
            "trainer",
            "admin",
        ] {
            let mut b = signed_in(&app, username).await;
            let home = b.get("/").await;
            assert_eq!(home.status, 200, "{username}");
            assert!(section(&home.body).is_none(), "{username}");
            assert!(!home.body.contains("figure-median"), "{username}");
        }
    }
);
