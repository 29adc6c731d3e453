//! The referral figures of the dashboard: counts by state and by service, the median time to
//! acceptance, the overdue count and the open cases of children, on a small fixture whose
//! every number is known.

use chrono::{DateTime, Duration, TimeDelta, Utc};
use tabara_core::referral::{Consent, Party, ReferralState, ServiceType, TransitionKind};
use tabara_store::{ReferralFigures, ReferralStep};

use crate::common::*;
use crate::referrals::{Referable, consent_to, new_referral, offered, referable};

/// Record a referral of `r` for `services`, drafted at `at`, then `steps` each `hours` after
/// `at` (the sender sends and cancels, the assignee does the rest).
async fn past(
    s: &Store,
    r: &Referable,
    consent: Option<&Consent>,
    services: &[ServiceType],
    at: DateTime<Utc>,
    steps: &[(TransitionKind, i64)],
) {
    let (offered, deadlines) = (offered(), Default::default());
    let steps: Vec<_> = steps
        .iter()
        .map(|(kind, hours)| {
            let step = match kind {
                TransitionKind::Send => ReferralStep::Send {
                    offered: &offered,
                    deadlines: &deadlines,
                },
                TransitionKind::Accept => ReferralStep::Accept,
                TransitionKind::Decline => ReferralStep::Decline {
                    reason: "Plus de place",
                },
                TransitionKind::Start => ReferralStep::Start,
                TransitionKind::Complete => ReferralStep::Complete,
                TransitionKind::Close => ReferralStep::Close { reason: "Partie" },
                TransitionKind::Cancel => ReferralStep::Cancel,
            };
            let party = match kind {
                TransitionKind::Send | TransitionKind::Cancel => Party::Sender,
                _ => Party::Assignee,
            };
            (party, step, at + Duration::hours(*hours))
        })
        .collect();
    let consent = consent.map(|c| (ReferralConsentId::new(), c));
    s.record_past_referral(&system(), consent, &new_referral(r, services), &steps, at)
        .await
        .unwrap();
}

store_test!(
    the_referral_figures_count_states_services_delays_and_children,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let empty = s.referral_figures(Utc::now()).await.unwrap();
        assert_eq!(
            empty,
            ReferralFigures {
                by_state: ReferralState::ALL.iter().map(|x| (*x, 0)).collect(),
                by_service: ServiceType::ALL.iter().map(|x| (*x, 0)).collect(),
                median_to_accept: None,
                accepted: 0,
                overdue: 0,
                children_on_pathway: 0,
            }
        );

        let r = referable(s, &w).await;
        let t0 = Utc::now() - Duration::days(30);
        let consent = Consent {
            services: offered(),
            given_at: t0 - Duration::days(1),
            ..consent_to(r.shelter)
        };
        use ServiceType::*;
        use TransitionKind::*;
        // Four accepted, 2 h, 6 h, 10 h and 30 h after their sending: the median is 8 h.
        let (send, accept) = ((Send, 0), (Accept, 2));
        past(
            s,
            &r,
            Some(&consent),
            &[Shelter, Medical],
            t0,
            &[send, accept],
        )
        .await;
        let steps = [send, (Accept, 6), (Start, 7)];
        past(s, &r, None, &[Shelter], t0, &steps).await;
        let steps = [send, (Accept, 10), (Start, 11), (Complete, 12)];
        past(s, &r, None, &[Medical], t0, &steps).await;
        let legal_at = t0 + Duration::days(1);
        past(s, &r, None, &[LegalAid], legal_at, &[send, (Accept, 30)]).await;
        // Sent 30 days ago for shelter (24 h to answer): overdue.
        past(s, &r, None, &[Shelter], t0, &[send]).await;
        // Sent an hour ago for medical care (4 h to answer): overdue in 3 h.
        let recent = Utc::now() - Duration::hours(1);
        past(s, &r, None, &[Medical], recent, &[send]).await;
        // A draft, a declined one and a cancelled one.
        past(s, &r, None, &[Shelter], t0, &[]).await;
        past(s, &r, None, &[LegalAid], t0, &[send, (Decline, 3)]).await;
        past(s, &r, None, &[Interpretation], t0, &[send, (Cancel, 1)]).await;

        // Children: one in an open case, one in a closed case (a pathway is open until it is
        // signed off, whatever the case's status); the adult has none.
        let child = |first: &'static str| {
            let org = w.org.id;
            async move {
                let mut p = Person {
                    id: PersonId::new(),
                    organisation_id: org,
                    facts: facts(),
                    version: 1,
                };
                p.facts.age_at_registration = Some(15);
                s.create_person(&system(), &p, &identity(first, "Hakizimana"))
                    .await
                    .unwrap();
                p
            }
        };
        let open = open_case(s, &w, "2026-02-01").await;
        involve_victim(s, open.id, child("Eric").await.id).await;
        let mut facts = CaseFacts::opened(day("2026-02-01"));
        facts.status = CaseStatus::Closed;
        facts.closed_on = Some(day("2026-03-01"));
        let closed = s
            .create_case(&system(), &new_case(w.org.id, Some(w.office.id), facts))
            .await
            .unwrap();
        involve_victim(s, closed.id, child("Ange").await.id).await;

        let figures = s.referral_figures(Utc::now()).await.unwrap();
        let states = [
            (ReferralState::Draft, 1),
            (ReferralState::Sent, 2),
            (ReferralState::Accepted, 2),
            (ReferralState::Declined, 1),
            (ReferralState::InProgress, 1),
            (ReferralState::Completed, 1),
            (ReferralState::Closed, 0),
            (ReferralState::Cancelled, 1),
        ];
        let services = [
            (Medical, 3),
            (Shelter, 4),
            (Psychosocial, 0),
            (LegalAid, 2),
            (FamilyTracing, 0),
            (ReturnReintegration, 0),
            (ChildProtection, 0),
            (Livelihood, 0),
            (Interpretation, 1),
        ];
        let in_order = |mut v: Vec<(ServiceType, i64)>| {
            v.sort_by_key(|(x, _)| ServiceType::ALL.iter().position(|y| y == x));
            v
        };
        assert_eq!(
            figures,
            ReferralFigures {
                by_state: states.to_vec(),
                by_service: in_order(services.to_vec()),
                median_to_accept: Some(TimeDelta::hours(8)),
                accepted: 4,
                overdue: 1,
                children_on_pathway: 2,
            }
        );
        assert_eq!(s.open_pathways(1).await.unwrap().1, 2);
        // Overdue is counted at the moment asked: in 4 h the one sent an hour ago is late too.
        let later = s
            .referral_figures(Utc::now() + Duration::hours(4))
            .await
            .unwrap();
        assert_eq!(later.overdue, 2);
        assert_eq!(later.by_state, figures.by_state);
        // Reading the figures writes nothing.
        let entries = audit_count(s).await;
        s.referral_figures(Utc::now()).await.unwrap();
        assert_eq!(audit_count(s).await, entries);
    }
);

store_test!(
    the_median_of_an_odd_count_is_the_middle_one,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let r = referable(s, &w).await;
        let t0 = Utc::now() - Duration::days(10);
        let consent = Consent {
            services: offered(),
            given_at: t0 - Duration::days(1),
            ..consent_to(r.shelter)
        };
        let send = (TransitionKind::Send, 0);
        let mut first = Some(&consent);
        for hours in [1, 50, 3] {
            let steps = [send, (TransitionKind::Accept, hours)];
            past(s, &r, first.take(), &[ServiceType::Medical], t0, &steps).await;
        }
        let figures = s.referral_figures(Utc::now()).await.unwrap();
        assert_eq!(figures.median_to_accept, Some(TimeDelta::hours(3)));
        assert_eq!(figures.accepted, 3);
    }
);
