//! The state machine over every state × step × party, the send check, and properties of
//! sequences of steps.

use chrono::DateTime;
use proptest::prelude::*;
use uuid::Uuid;

use super::*;
use crate::ids::OrganisationId;
use crate::picklist::{Picklist, ValueSet};

use ReferralState as S;
use TransitionKind as T;

fn transition(kind: T) -> Transition {
    match kind {
        T::Send => Transition::Send(Covered { consent: 0 }),
        T::Accept => Transition::Accept,
        T::Decline => Transition::Decline {
            reason: "no bed free".into(),
        },
        T::Start => Transition::Start,
        T::Complete => Transition::Complete,
        T::Close => Transition::Close {
            reason: "the person moved away".into(),
        },
        T::Cancel => Transition::Cancel,
    }
}

/// Every allowed (state, step, party) and where it leads, written out by hand.
fn allowed() -> Vec<(S, T, Party, S)> {
    use Party::*;
    let mut v = vec![
        (S::Draft, T::Send, Sender, S::Sent),
        (S::Draft, T::Cancel, Sender, S::Cancelled),
        (S::Sent, T::Cancel, Sender, S::Cancelled),
    ];
    for p in [Assignee, Supervisor] {
        v.extend([
            (S::Sent, T::Accept, p, S::Accepted),
            (S::Sent, T::Decline, p, S::Declined),
            (S::Accepted, T::Start, p, S::InProgress),
            (S::Accepted, T::Close, p, S::Closed),
            (S::InProgress, T::Complete, p, S::Completed),
            (S::InProgress, T::Close, p, S::Closed),
        ]);
    }
    v
}

#[test]
fn every_state_step_and_party() {
    let table = allowed();
    let mut checked = 0;
    for state in S::ALL {
        for kind in T::ALL {
            for party in Party::ALL {
                let got = state.apply(&transition(*kind), party);
                let expected = table
                    .iter()
                    .find(|(s, t, p, _)| (s, t, p) == (state, kind, &party))
                    .map(|row| row.3);
                let in_turn = table.iter().any(|(s, t, _, _)| (s, t) == (state, kind));
                match (expected, got) {
                    (Some(next), Ok(got)) => assert_eq!(got, next, "{state} {kind} {party:?}"),
                    (None, Err(e)) => {
                        let want = if in_turn {
                            ("ref_Party", "not_allowed")
                        } else {
                            ("ref_Status", "out_of_turn")
                        };
                        assert_eq!(e.0.len(), 1, "{e}");
                        assert_eq!(
                            (e.0[0].field, e.0[0].rule),
                            want,
                            "{state} {kind} {party:?}"
                        );
                    }
                    (expected, got) => {
                        panic!("{state} {kind} {party:?}: expected {expected:?}, got {got:?}")
                    }
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 8 * 7 * 5);
}

#[test]
fn the_named_refusals() {
    // Accepting one's own referral.
    let e = S::Sent
        .apply(&Transition::Accept, Party::Sender)
        .unwrap_err();
    assert_eq!((e.0[0].field, e.0[0].rule), ("ref_Party", "not_allowed"));
    // Completing a declined one, even by its assignee.
    let e = S::Declined
        .apply(&Transition::Complete, Party::Assignee)
        .unwrap_err();
    assert_eq!((e.0[0].field, e.0[0].rule), ("ref_Status", "out_of_turn"));
    // A colleague of the addressed agency who is not assigned does not answer.
    let e = S::Sent
        .apply(&Transition::Accept, Party::Colleague)
        .unwrap_err();
    assert_eq!((e.0[0].field, e.0[0].rule), ("ref_Party", "not_allowed"));
    // The addressed agency does not cancel.
    let e = S::Sent
        .apply(&Transition::Cancel, Party::Supervisor)
        .unwrap_err();
    assert_eq!((e.0[0].field, e.0[0].rule), ("ref_Party", "not_allowed"));
}

#[test]
fn a_decline_and_a_closure_need_a_clean_reason() {
    for (state, make, field) in [
        (
            S::Sent,
            (|reason| Transition::Decline { reason }) as fn(String) -> Transition,
            "ref_DeclineReason",
        ),
        (
            S::InProgress,
            |reason| Transition::Close { reason },
            "ref_CloseReason",
        ),
    ] {
        for (reason, rule) in [
            ("  \n ", "required"),
            ("full\u{7}", "control_characters"),
            (&"x".repeat(crate::records::MAX_LONG_TEXT + 1), "max_length"),
        ] {
            let e = state
                .apply(&make(reason.to_string()), Party::Assignee)
                .unwrap_err();
            assert_eq!((e.0[0].field, e.0[0].rule), (field, rule));
        }
        let t = make("  no capacity\nuntil May ".into());
        assert!(state.apply(&t, Party::Supervisor).is_ok());
        assert_eq!(t.reason(), Some("no capacity\nuntil May"));
    }
    assert_eq!(Transition::Accept.reason(), None);
}

#[test]
fn the_party_is_computed_from_agencies_assignment_and_role() {
    let org = |n| OrganisationId(Uuid::from_u128(n));
    let (police, shelter, other) = (org(1), org(2), org(3));
    assert_eq!(
        Party::of(police, true, true, police, shelter),
        Party::Sender
    );
    assert_eq!(
        Party::of(shelter, false, true, police, shelter),
        Party::Assignee
    );
    assert_eq!(
        Party::of(shelter, true, true, police, shelter),
        Party::Assignee
    );
    assert_eq!(
        Party::of(shelter, true, false, police, shelter),
        Party::Supervisor
    );
    assert_eq!(
        Party::of(shelter, false, false, police, shelter),
        Party::Colleague
    );
    assert_eq!(
        Party::of(other, true, true, police, shelter),
        Party::Outsider
    );
}

#[test]
fn only_the_receivers_see_the_shared_data_and_only_once_sent() {
    for state in S::ALL {
        assert!(state.shares_with(Party::Sender));
        assert!(!state.shares_with(Party::Colleague), "{state}");
        assert!(!state.shares_with(Party::Outsider), "{state}");
        let receivers = !matches!(state, S::Draft | S::Declined | S::Cancelled);
        assert_eq!(state.shares_with(Party::Assignee), receivers, "{state}");
        assert_eq!(state.shares_with(Party::Supervisor), receivers, "{state}");
    }
}

#[test]
fn the_buttons_are_the_allowed_steps() {
    assert_eq!(S::Draft.available(Party::Sender), [T::Send, T::Cancel]);
    assert_eq!(S::Sent.available(Party::Sender), [T::Cancel]);
    assert_eq!(S::Sent.available(Party::Assignee), [T::Accept, T::Decline]);
    assert_eq!(
        S::Accepted.available(Party::Supervisor),
        [T::Start, T::Close]
    );
    assert!(S::Sent.available(Party::Colleague).is_empty());
    for state in S::ALL.iter().filter(|s| s.is_final()) {
        for party in Party::ALL {
            assert!(state.available(party).is_empty());
        }
    }
}

#[test]
fn stored_names_round_trip_and_are_labelled() {
    for s in S::ALL {
        assert_eq!(S::parse(s.as_str()), Ok(*s));
        assert_ne!(s.label(crate::Lang::En), s.label(crate::Lang::Fr));
    }
    for t in T::ALL {
        assert_eq!(T::parse(t.as_str()), Ok(*t));
        assert_eq!(transition(*t).kind(), *t);
    }
    assert_eq!(S::InProgress.as_str(), "in_progress");
}

fn at(h: i64) -> DateTime<chrono::Utc> {
    DateTime::from_timestamp(1_782_000_000 + h * 3600, 0).unwrap()
}

fn org(n: u128) -> OrganisationId {
    OrganisationId(Uuid::from_u128(n))
}

fn set<V: Picklist>(v: &[V]) -> ValueSet<V> {
    v.iter().copied().collect()
}

fn consent_to(recipient: OrganisationId) -> Consent {
    Consent {
        recipient,
        services: set(&[ServiceType::Shelter, ServiceType::Medical]),
        data: set(&[DataCategory::Facts, DataCategory::Contacts]),
        given_at: at(0),
        given_by: ConsentGiver::Person,
        language: "rn".into(),
        witness: None,
        withdrawn_at: None,
    }
}

#[test]
fn a_send_needs_a_consent_in_force_covering_agency_services_and_data() {
    let (police, shelter, clinic) = (org(1), org(2), org(3));
    let offered = set(&ServiceType::ALL[..3]);
    let services = set(&[ServiceType::Shelter, ServiceType::Medical]);
    let facts = set(&[DataCategory::Facts]);
    let mut withdrawn = consent_to(shelter);
    withdrawn.withdraw(at(1)).unwrap();
    let consents = [consent_to(clinic), withdrawn.clone(), consent_to(shelter)];
    let out = Outgoing {
        sender: police,
        recipient: shelter,
        offered: &offered,
        services: &services,
        data: &facts,
        consents: &consents,
    };
    assert_eq!(
        out.check(at(2)).unwrap().consent_index(),
        2,
        "the one in force"
    );
    let S::Sent = S::Draft
        .apply(&Transition::Send(out.check(at(2)).unwrap()), Party::Sender)
        .unwrap()
    else {
        panic!("sent")
    };

    let rule = |out: Outgoing<'_>, now| {
        let e = out.check(now).unwrap_err();
        e.0.iter().map(|e| (e.field, e.rule)).collect::<Vec<_>>()
    };
    let only = |c: &[Consent]| c.to_vec();
    let none = only(&[consent_to(clinic)]);
    assert_eq!(
        rule(
            Outgoing {
                consents: &none,
                ..out
            },
            at(2)
        ),
        [("ref_Consent", "missing")]
    );
    assert_eq!(
        rule(
            Outgoing {
                consents: &consents,
                ..out
            },
            at(-1)
        ),
        [("ref_Consent", "missing")],
        "not given yet"
    );
    let gone = only(&[withdrawn]);
    assert_eq!(
        rule(
            Outgoing {
                consents: &gone,
                ..out
            },
            at(2)
        ),
        [("ref_Consent", "withdrawn")]
    );
    let legal = set(&[ServiceType::LegalAid]);
    let offered_all = set(ServiceType::ALL);
    assert_eq!(
        rule(
            Outgoing {
                services: &legal,
                offered: &offered_all,
                ..out
            },
            at(2)
        ),
        [("ref_Consent", "service_not_covered")]
    );
    let identity = set(&[DataCategory::Identity]);
    assert_eq!(
        rule(
            Outgoing {
                data: &identity,
                ..out
            },
            at(2)
        ),
        [("ref_Consent", "data_not_covered")]
    );
    let empty_s = ValueSet::new();
    let empty_d = ValueSet::new();
    assert_eq!(
        rule(
            Outgoing {
                sender: shelter,
                services: &empty_s,
                data: &empty_d,
                ..out
            },
            at(2)
        ),
        [
            ("ref_Recipient", "own_agency"),
            ("ref_Services", "required"),
            ("ref_Data", "required")
        ]
    );
    let e = Outgoing {
        services: &legal,
        ..out
    }
    .check(at(2))
    .unwrap_err();
    assert_eq!((e.0[0].field, e.0[0].rule), ("ref_Services", "not_offered"));
    assert!(e.0[0].message.contains("legal_aid"));
}

proptest! {
    #[test]
    fn completion_needs_sent_and_accepted_and_final_states_stay(
        steps in proptest::collection::vec((any::<bool>(), 0usize..7, 0usize..5), 0..40)
    ) {
        let mut state = S::Draft;
        let mut seen = vec![state];
        for (guided, k, p) in steps {
            // Half the steps are picked among those in turn (by any party), so that sequences
            // go far down the machine instead of stopping at the first refusals.
            let in_turn: Vec<T> = T::ALL.iter().copied().filter(|t| t.next(state).is_some()).collect();
            let kind = if guided && !in_turn.is_empty() { in_turn[k % in_turn.len()] } else { T::ALL[k] };
            let party = Party::ALL[p];
            let before = state;
            match state.apply(&transition(kind), party) {
                Ok(next) => {
                    prop_assert!(!before.is_final(), "{before} is final but took {kind}");
                    prop_assert!(kind.allowed(party));
                    state = next;
                    seen.push(state);
                }
                Err(e) => prop_assert_eq!(e.0.len(), 1),
            }
            if state == S::Completed {
                prop_assert!(seen.contains(&S::Sent) && seen.contains(&S::Accepted));
                prop_assert!(seen.contains(&S::InProgress));
            }
            if before.is_final() {
                prop_assert_eq!(state, before);
            }
        }
        // Every state reached was reached in order: each one follows its predecessor by a step.
        for w in seen.windows(2) {
            prop_assert!(T::ALL.iter().any(|t| t.next(w[0]) == Some(w[1])));
        }
    }

    #[test]
    fn receivers_never_send_or_cancel_and_senders_never_answer(
        s in 0usize..8, k in 0usize..7, p in 0usize..5
    ) {
        let (state, kind, party) = (S::ALL[s], T::ALL[k], Party::ALL[p]);
        if state.apply(&transition(kind), party).is_ok() {
            let sender_step = matches!(kind, T::Send | T::Cancel);
            prop_assert_eq!(party == Party::Sender, sender_step);
            prop_assert!(!matches!(party, Party::Colleague | Party::Outsider));
        }
    }
}

fn check_list<V: Picklist + std::fmt::Debug>() {
    let mut names = std::collections::BTreeSet::new();
    for v in V::ALL {
        assert!(names.insert(v.value_name()), "{} twice", v.value_name());
        assert_eq!(V::parse(v.value_name()), Ok(*v));
        assert_eq!(V::parse(v.label(crate::Lang::En)), Ok(*v));
        assert!(!v.label(crate::Lang::Fr).is_empty() && !v.is_extension());
        let unique = |lang| {
            V::ALL
                .iter()
                .filter(|w| w.label(lang) == v.label(lang))
                .count()
        };
        assert_eq!(
            (unique(crate::Lang::En), unique(crate::Lang::Fr)),
            (1, 1),
            "{v:?}"
        );
    }
}

#[test]
fn every_list_has_unique_names_and_labels_in_english_and_french() {
    check_list::<ServiceType>();
    check_list::<UrgencyReason>();
    check_list::<DataCategory>();
    check_list::<ConsentGiver>();
    check_list::<ReferralState>();
    check_list::<TransitionKind>();
}
