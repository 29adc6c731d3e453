//! The inbox read in slices gives what core's sort gives over every referral of the side,
//! whatever the moment it is read at, however many rows are asked for and from where; and
//! the side's counts are those of core.

use chrono::{DateTime, Duration, Utc};
use tabara_core::referral::{
    Consent, ConsentGiver, DataCategory, Deadlines, Party, ReferralState, ServiceType,
    UrgencyReason,
};
use tabara_store::{InboxSide, NewReferral, Referral, ReferralStep};

use super::assign::user_of;
use super::{ids, offered, referable};
use crate::common::*;

/// What each referral goes through (by its rank).
const KINDS: [&[&str]; 8] = [
    &[],
    &["send"],
    &["send"],
    &["send", "accept"],
    &["send", "accept", "start"],
    &["send", "accept", "start", "complete"],
    &["send", "decline"],
    &["send", "cancel"],
];

/// Services with different answer deadlines (4 h, 24 h, 5 days, 14 days).
const SERVICES: [ServiceType; 4] = [
    ServiceType::Medical,
    ServiceType::Shelter,
    ServiceType::LegalAid,
    ServiceType::Livelihood,
];

store_test!(the_inbox_read_in_slices_is_cores_order, |db| async move {
    let s = &db.store;
    let w = world(s).await;
    let r = referable(s, &w).await;
    let mut users = Vec::new();
    for _ in 0..2 {
        users.push(
            s.create_user(&system(), &user_of(r.shelter, Role::Caseworker))
                .await
                .unwrap(),
        );
    }
    let (all, deadlines) = (offered(), Deadlines::default());
    let now = Utc::now();
    let mut made = Vec::new();
    for i in 0..64usize {
        // From 4 hours to a week ago; moments repeat every five referrals, so that some
        // stand at the same moment and their id decides.
        let drafted = now - Duration::hours(4 + (i % 5) as i64 * 40);
        let service = SERVICES[i % SERVICES.len()];
        let new = NewReferral {
            id: ReferralId::new(),
            case_id: r.case,
            person_id: r.person,
            sender_id: r.sender,
            recipient_id: r.shelter,
            services: set(&[service]),
            data: set(&[DataCategory::Facts]),
            urgency: if i % 3 == 0 {
                set(&[UrgencyReason::ImmediateDanger])
            } else {
                ValueSet::new()
            },
            answer_by: None,
        };
        let consent = Consent {
            recipient: r.shelter,
            services: set(&[service]),
            data: set(&[DataCategory::Facts]),
            given_at: drafted - Duration::minutes(20),
            given_by: ConsentGiver::Person,
            language: "fr".into(),
            witness: None,
            withdrawn_at: None,
        };
        let at = |minutes: i64| drafted + Duration::minutes(minutes);
        let steps: Vec<(Party, ReferralStep<'_>, DateTime<Utc>)> = KINDS[i % KINDS.len()]
            .iter()
            .enumerate()
            .map(|(k, name)| {
                let moment = at(10 + 60 * k as i64);
                match *name {
                    "send" => (
                        Party::Sender,
                        ReferralStep::Send {
                            offered: &all,
                            deadlines: &deadlines,
                        },
                        moment,
                    ),
                    "accept" => (Party::Supervisor, ReferralStep::Accept, moment),
                    "start" => (Party::Supervisor, ReferralStep::Start, moment),
                    "complete" => (Party::Supervisor, ReferralStep::Complete, moment),
                    "decline" => (
                        Party::Supervisor,
                        ReferralStep::Decline {
                            reason: "Plus de place",
                        },
                        moment,
                    ),
                    _ => (Party::Sender, ReferralStep::Cancel, moment),
                }
            })
            .collect();
        let mut referral = s
            .record_past_referral(
                &system(),
                Some((ReferralConsentId::new(), &consent)),
                &new,
                &steps,
                drafted,
            )
            .await
            .unwrap();
        // Every third one stays unassigned; the others go to one caseworker or the other.
        if referral.state != ReferralState::Draft && i % 3 != 2 {
            referral = s
                .assign_referral(&system(), referral.id, referral.version, Some(users[i % 2]))
                .await
                .unwrap();
        }
        made.push(referral);
    }
    let open = |x: &&Referral| !x.state.is_final();
    let sides = [
        InboxSide::Incoming,
        InboxSide::Outgoing,
        InboxSide::AssignedTo(users[0]),
        InboxSide::AssignedTo(users[1]),
    ];
    let agency = |side| match side {
        InboxSide::Outgoing => r.sender,
        _ => r.shelter,
    };
    // Read now and later: the sent ones fall overdue one service after the other.
    for later in [0, 3, 30, 24 * 3, 24 * 10, 24 * 60] {
        let at = now + Duration::hours(later);
        for side in sides {
            let mut want: Vec<&Referral> = made
                .iter()
                .filter(open)
                .filter(|x| match side {
                    InboxSide::Incoming => x.state != ReferralState::Draft,
                    InboxSide::Outgoing => true,
                    InboxSide::AssignedTo(u) => {
                        x.state != ReferralState::Draft && x.assignee_id == Some(u)
                    }
                })
                .collect();
            want.sort_by_key(|x| (x.inbox_key(at), x.id));
            let want: Vec<ReferralId> = want.iter().map(|x| x.id).collect();
            assert!(want.len() > 5, "{side:?} holds enough to cut");
            for (offset, limit) in [
                (0, 1),
                (0, 2),
                (0, 5),
                (0, 9),
                (0, 500),
                (1, 3),
                (4, 4),
                (7, 500),
            ] {
                let got = s
                    .referral_inbox(agency(side), side, at, offset, limit)
                    .await;
                let got = got.unwrap();
                let from = want.len().min(offset as usize);
                let to = want.len().min((offset + limit) as usize);
                assert_eq!(
                    ids(&got),
                    want[from..to],
                    "{side:?} at +{later} h, {limit} rows after {offset}"
                );
            }
            assert!(
                s.referral_inbox(agency(side), side, at, want.len() as i64, 10)
                    .await
                    .unwrap()
                    .is_empty(),
                "nothing after the last"
            );
            let counts = s
                .referral_inbox_counts(agency(side), side, at)
                .await
                .unwrap();
            let overdue = made
                .iter()
                .filter(|x| want.contains(&x.id) && x.inbox_key(at).overdue)
                .count();
            assert_eq!(
                (counts.open, counts.overdue),
                (want.len() as i64, overdue as i64),
                "{side:?} at +{later} h counted"
            );
        }
        let sent = made.iter().filter(|x| x.state == ReferralState::Sent);
        let overdue = sent.clone().filter(|x| x.inbox_key(at).overdue).count();
        match later {
            0 => assert!(
                overdue > 0 && overdue < sent.count(),
                "overdue and waiting ones mix"
            ),
            1440 => assert_eq!(overdue, sent.count(), "all fall overdue"),
            _ => {}
        }
    }
    let outsider = s
        .create_user(&system(), &user_of(r.sender, Role::Caseworker))
        .await
        .unwrap();
    assert!(
        s.referral_inbox(r.shelter, InboxSide::AssignedTo(outsider), now, 0, 50)
            .await
            .unwrap()
            .is_empty(),
        "nothing is assigned to a user of another agency"
    );
    db.finish().await;
});
