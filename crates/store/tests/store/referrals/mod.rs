//! Referrals between agencies: consents per recipient and purpose, the send check, the state
//! machine by party with its timeline, the inbox order and the overdue list.

use chrono::{Duration, Utc};
use tabara_core::referral::{
    Consent, ConsentGiver, DataCategory, Deadlines, Party, ReferralState, ServiceType,
    TransitionKind, UrgencyReason,
};
use tabara_store::{InboxSide, NewReferral, Referral, ReferralStep};

use crate::common::*;

mod assign;
mod inbox;
mod refer;

/// A case with a victim, and an agency to refer them to.
pub(crate) struct Referable {
    pub(crate) sender: OrganisationId,
    pub(crate) case: CaseId,
    pub(crate) person: PersonId,
    pub(crate) shelter: OrganisationId,
}

pub(crate) async fn referable(s: &Store, w: &World) -> Referable {
    let p = add_person(s, w, "Aline", "Niyonkuru").await;
    let case = open_case(s, w, "2026-01-10").await;
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

/// Consent to shelter and medical care at `recipient`, sharing facts and contacts.
pub(crate) fn consent_to(recipient: OrganisationId) -> Consent {
    Consent {
        recipient,
        services: set(&[ServiceType::Shelter, ServiceType::Medical]),
        data: set(&[DataCategory::Facts, DataCategory::Contacts]),
        given_at: Utc::now() - Duration::hours(1),
        given_by: ConsentGiver::Person,
        language: "rn".into(),
        witness: Some("Assistante sociale Ndayizeye".into()),
        withdrawn_at: None,
    }
}

pub(crate) async fn record_consent(s: &Store, r: &Referable) -> ReferralConsentId {
    let id = ReferralConsentId::new();
    s.record_referral_consent(&system(), id, r.case, r.person, &consent_to(r.shelter))
        .await
        .unwrap();
    id
}

pub(crate) fn new_referral(r: &Referable, services: &[ServiceType]) -> NewReferral {
    NewReferral {
        id: ReferralId::new(),
        case_id: r.case,
        person_id: r.person,
        sender_id: r.sender,
        recipient_id: r.shelter,
        services: set(services),
        data: set(&[DataCategory::Facts]),
        urgency: ValueSet::new(),
        answer_by: None,
    }
}

/// Every service (the addressed agency offers them all).
pub(crate) fn offered() -> ValueSet<ServiceType> {
    ServiceType::ALL.iter().copied().collect()
}

/// Take `step` as the party core allows for it (the sender sends and cancels, the assignee
/// does the rest).
pub(crate) async fn step(s: &Store, r: &Referral, step: ReferralStep<'_>) -> Referral {
    let party = match step.kind() {
        TransitionKind::Send | TransitionKind::Cancel => Party::Sender,
        _ => Party::Assignee,
    };
    s.apply_referral_step(&system(), r.id, r.version, party, step)
        .await
        .unwrap()
}

pub(crate) fn send_step<'a>(
    offered: &'a ValueSet<ServiceType>,
    deadlines: &'a Deadlines,
) -> ReferralStep<'a> {
    ReferralStep::Send { offered, deadlines }
}

/// A referral to a shelter taken through `steps` after its drafting (with a consent).
pub(crate) async fn referral_through(s: &Store, w: &World, steps: &[TransitionKind]) -> ReferralId {
    let r = referable(s, w).await;
    record_consent(s, &r).await;
    let mut referral = s
        .create_referral(&system(), &new_referral(&r, &[ServiceType::Shelter]))
        .await
        .unwrap();
    let (offered, deadlines) = (offered(), Deadlines::default());
    for kind in steps {
        let next = match kind {
            TransitionKind::Send => send_step(&offered, &deadlines),
            TransitionKind::Accept => ReferralStep::Accept,
            TransitionKind::Decline => ReferralStep::Decline {
                reason: "Plus de place",
            },
            TransitionKind::Start => ReferralStep::Start,
            TransitionKind::Complete => ReferralStep::Complete,
            TransitionKind::Close => ReferralStep::Close {
                reason: "Partie sans laisser d'adresse",
            },
            TransitionKind::Cancel => ReferralStep::Cancel,
        };
        referral = step(s, &referral, next).await;
    }
    referral.id
}

fn ids(list: &[Referral]) -> Vec<ReferralId> {
    list.iter().map(|r| r.id).collect()
}

store_test!(
    a_referral_consent_is_validated_and_withdrawn_once,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let r = referable(s, &w).await;
        // A child in the case, and someone not in it.
        let mut child = Person {
            id: PersonId::new(),
            organisation_id: w.org.id,
            facts: facts(),
            version: 1,
        };
        child.facts.age_at_registration = Some(15);
        s.create_person(&system(), &child, &identity("Eric", "Hakizimana"))
            .await
            .unwrap();
        involve_victim(s, r.case, child.id).await;
        let outsider = add_person(s, &w, "Jean", "Ndikumana").await;
        let before = audit_count(s).await;
        let record = |person, consent: Consent| async move {
            s.record_referral_consent(
                &system(),
                ReferralConsentId::new(),
                r.case,
                person,
                &consent,
            )
            .await
        };
        let empty = Consent {
            services: ValueSet::new(),
            ..consent_to(r.shelter)
        };
        assert_invalid(record(r.person, empty).await, "con_Services", "required");
        // A child's consent is given by a guardian.
        assert_invalid(
            record(child.id, consent_to(r.shelter)).await,
            "con_GivenBy",
            "guardian_required",
        );
        let guardian = Consent {
            given_by: ConsentGiver::Guardian,
            ..consent_to(r.shelter)
        };
        assert_not_found(
            record(outsider.id, guardian.clone()).await,
            "person of the case",
            &outsider.id.to_string(),
        );
        assert_eq!(audit_count(s).await, before, "refusals write nothing");
        record(child.id, guardian).await.unwrap();

        let id = record_consent(s, &r).await;
        let listed = s.referral_consents(r.case, r.person).await.unwrap();
        assert_eq!(listed.len(), 1);
        let expected = Consent {
            given_at: listed[0].consent.given_at,
            ..consent_to(r.shelter)
        };
        assert_eq!(listed[0].consent, expected);
        assert_eq!(listed[0].version, 1);
        let withdrawn = s.withdraw_referral_consent(&system(), id, 1).await.unwrap();
        assert!(withdrawn.consent.withdrawn_at.is_some());
        assert_eq!(withdrawn.version, 2);
        assert_conflict(
            s.withdraw_referral_consent(&system(), id, 1).await,
            "referral consent",
            &id.to_string(),
            1,
            2,
        );
        assert_invalid(
            s.withdraw_referral_consent(&system(), id, 2).await,
            "con_WithdrawnAt",
            "already_withdrawn",
        );
        let history = s
            .history("referral_consent", &id.to_string())
            .await
            .unwrap();
        assert_eq!(history.len(), 1);
        assert!(history[0].changes.get("withdrawn_at").is_some());
        let trail = s
            .audit_trail("referral_consent", &id.to_string())
            .await
            .unwrap();
        let actions: Vec<_> = trail.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            ["referral_consent.record", "referral_consent.withdraw"]
        );
        assert_verified(s, audit_count(s).await).await;
        db.finish().await;
    }
);

store_test!(
    a_referral_is_sent_only_under_a_covering_consent,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let r = referable(s, &w).await;
        let (all, deadlines) = (offered(), Deadlines::default());
        let actor = system();
        let draft = s
            .create_referral(&system(), &new_referral(&r, &[ServiceType::Shelter]))
            .await
            .unwrap();
        assert_eq!(draft.state, ReferralState::Draft);
        assert_eq!(
            (draft.sent_at, draft.due_at, draft.consent_id),
            (None, None, None)
        );
        let send = |party, offered| {
            s.apply_referral_step(
                &actor,
                draft.id,
                draft.version,
                party,
                send_step(offered, &deadlines),
            )
        };
        assert_invalid(send(Party::Sender, &all).await, "ref_Consent", "missing");
        assert_invalid(
            send(Party::Assignee, &all).await,
            "ref_Party",
            "not_allowed",
        );
        let medical_only = set(&[ServiceType::Medical]);
        assert_invalid(
            send(Party::Sender, &medical_only).await,
            "ref_Services",
            "not_offered",
        );
        let consent = record_consent(s, &r).await;
        let sent = send(Party::Sender, &all).await.unwrap();
        assert_eq!(sent.state, ReferralState::Sent);
        assert_eq!(sent.consent_id, Some(consent));
        let (sent_at, due) = (sent.sent_at.unwrap(), sent.due_at.unwrap());
        assert_eq!(
            due - sent_at,
            Duration::hours(24),
            "shelter's default deadline"
        );
        assert_eq!(sent.version, 2);
        // Sending twice is out of turn; a stale version is a conflict.
        assert_invalid(
            s.apply_referral_step(
                &actor,
                draft.id,
                2,
                Party::Sender,
                send_step(&all, &deadlines),
            )
            .await,
            "ref_Status",
            "out_of_turn",
        );
        assert_conflict(
            send(Party::Sender, &all).await,
            "referral",
            &draft.id.to_string(),
            1,
            2,
        );
        // Data or services beyond the consent.
        let mut identity = new_referral(&r, &[ServiceType::Shelter]);
        identity.data = set(&[DataCategory::Identity]);
        let other = s.create_referral(&system(), &identity).await.unwrap();
        assert_invalid(
            s.apply_referral_step(
                &system(),
                other.id,
                1,
                Party::Sender,
                send_step(&all, &deadlines),
            )
            .await,
            "ref_Consent",
            "data_not_covered",
        );
        let legal = s
            .create_referral(&system(), &new_referral(&r, &[ServiceType::LegalAid]))
            .await
            .unwrap();
        assert_invalid(
            s.apply_referral_step(
                &system(),
                legal.id,
                1,
                Party::Sender,
                send_step(&all, &deadlines),
            )
            .await,
            "ref_Consent",
            "service_not_covered",
        );
        // Once withdrawn, nothing more is sent under it.
        s.withdraw_referral_consent(&system(), consent, 1)
            .await
            .unwrap();
        let late = s
            .create_referral(&system(), &new_referral(&r, &[ServiceType::Shelter]))
            .await
            .unwrap();
        assert_invalid(
            s.apply_referral_step(
                &system(),
                late.id,
                1,
                Party::Sender,
                send_step(&all, &deadlines),
            )
            .await,
            "ref_Consent",
            "withdrawn",
        );
        // The sent referral shows the withdrawal of its consent.
        let details = s.referral(draft.id).await.unwrap();
        assert!(details.consent.unwrap().consent.withdrawn_at.is_some());
        // An answer asked for in the past is refused at drafting.
        let mut past = new_referral(&r, &[ServiceType::Shelter]);
        past.answer_by = Some(Utc::now() - Duration::hours(1));
        assert_invalid(
            s.create_referral(&system(), &past).await,
            "ref_AnswerBy",
            "in_the_past",
        );
        assert_verified(s, audit_count(s).await).await;
        db.finish().await;
    }
);

store_test!(each_step_is_taken_by_its_party_and_timed, |db| async move {
    let s = &db.store;
    let w = world(s).await;
    use TransitionKind as T;
    let id = referral_through(s, &w, &[T::Send]).await;
    let sent = s.referral(id).await.unwrap().referral;
    let actor = system();
    let try_step = |party, st| s.apply_referral_step(&actor, id, sent.version, party, st);
    assert_invalid(
        try_step(Party::Sender, ReferralStep::Accept).await,
        "ref_Party",
        "not_allowed",
    );
    assert_invalid(
        try_step(Party::Colleague, ReferralStep::Accept).await,
        "ref_Party",
        "not_allowed",
    );
    assert_invalid(
        try_step(Party::Assignee, ReferralStep::Complete).await,
        "ref_Status",
        "out_of_turn",
    );
    assert_invalid(
        try_step(Party::Supervisor, ReferralStep::Decline { reason: "  " }).await,
        "ref_DeclineReason",
        "required",
    );
    let accepted = try_step(Party::Supervisor, ReferralStep::Accept)
        .await
        .unwrap();
    assert_eq!(accepted.state, ReferralState::Accepted);
    let started = step(s, &accepted, ReferralStep::Start).await;
    let done = step(s, &started, ReferralStep::Complete).await;
    assert_eq!((done.state, done.version), (ReferralState::Completed, 5));
    let details = s.referral(id).await.unwrap();
    let steps: Vec<_> = details.timeline.iter().map(|e| e.step).collect();
    assert_eq!(
        steps,
        [
            None,
            Some(T::Send),
            Some(T::Accept),
            Some(T::Start),
            Some(T::Complete)
        ]
    );
    assert!(details.timeline.windows(2).all(|p| p[0].at <= p[1].at));
    let trail = s.audit_trail("referral", &id.to_string()).await.unwrap();
    let actions: Vec<_> = trail.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "referral.create",
            "referral.send",
            "referral.accept",
            "referral.start",
            "referral.complete"
        ]
    );
    assert_eq!(
        s.history("referral", &id.to_string()).await.unwrap().len(),
        4
    );
    // A declined referral keeps its reason and takes no further step.
    let declined = referral_through(s, &w, &[T::Send, T::Decline]).await;
    let d = s.referral(declined).await.unwrap();
    assert_eq!(d.referral.state, ReferralState::Declined);
    assert_eq!(d.referral.reason.as_deref(), Some("Plus de place"));
    assert_eq!(
        d.timeline.last().unwrap().reason.as_deref(),
        Some("Plus de place")
    );
    assert_invalid(
        s.apply_referral_step(
            &system(),
            declined,
            3,
            Party::Assignee,
            ReferralStep::Complete,
        )
        .await,
        "ref_Status",
        "out_of_turn",
    );
    let cancelled = referral_through(s, &w, &[T::Cancel]).await;
    let of_case = s.referral(cancelled).await.unwrap().referral;
    let listed = s
        .case_referrals(of_case.case_id, of_case.person_id, 10)
        .await
        .unwrap();
    assert_eq!(ids(&listed), [cancelled], "each scene has its own case");
    assert_eq!(
        s.referral(cancelled).await.unwrap().referral.state,
        ReferralState::Cancelled
    );
    assert_not_found(
        s.referral(ReferralId(uuid::Uuid::nil())).await,
        "referral",
        &uuid::Uuid::nil().to_string(),
    );
    assert_verified(s, audit_count(s).await).await;
    db.finish().await;
});

store_test!(
    the_inbox_puts_urgent_then_overdue_then_oldest_first,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let r = referable(s, &w).await;
        record_consent(s, &r).await;
        let (all, deadlines) = (offered(), Deadlines::default());
        let mut sent = Vec::new();
        // Shelter (due in 24 h), urgent shelter (4 h), medical (4 h), then a draft and a
        // cancelled one that the incoming side never shows.
        for (services, urgent) in [
            (&[ServiceType::Shelter][..], false),
            (&[ServiceType::Shelter][..], true),
            (&[ServiceType::Medical][..], false),
        ] {
            let mut new = new_referral(&r, services);
            if urgent {
                new.urgency = set(&[UrgencyReason::ImmediateDanger]);
            }
            let draft = s.create_referral(&system(), &new).await.unwrap();
            sent.push(step(s, &draft, send_step(&all, &deadlines)).await);
        }
        let draft = s
            .create_referral(&system(), &new_referral(&r, &[ServiceType::Shelter]))
            .await
            .unwrap();
        let cancelled = s
            .create_referral(&system(), &new_referral(&r, &[ServiceType::Shelter]))
            .await
            .unwrap();
        step(s, &cancelled, ReferralStep::Cancel).await;
        let (shelter, urgent, medical) = (sent[0].id, sent[1].id, sent[2].id);
        assert!(sent[1].urgent && !sent[0].urgent);

        let now = Utc::now();
        let incoming = s
            .referral_inbox(r.shelter, InboxSide::Incoming, now, 0, 50)
            .await
            .unwrap();
        assert_eq!(ids(&incoming), [urgent, shelter, medical]);
        // Five hours on, the medical referral is overdue: after the urgent one, before the rest.
        let later = now + Duration::hours(5);
        let incoming = s
            .referral_inbox(r.shelter, InboxSide::Incoming, later, 0, 50)
            .await
            .unwrap();
        assert_eq!(ids(&incoming), [urgent, medical, shelter]);
        let mut by_core = incoming.clone();
        by_core.sort_by_key(|x| (x.inbox_key(later), x.id));
        assert_eq!(
            ids(&by_core),
            ids(&incoming),
            "the store sorts as core does"
        );
        let outgoing = s
            .referral_inbox(r.sender, InboxSide::Outgoing, later, 0, 50)
            .await
            .unwrap();
        assert_eq!(ids(&outgoing), [urgent, medical, shelter, draft.id]);
        assert_eq!(
            ids(&s
                .referral_inbox(r.sender, InboxSide::Outgoing, later, 0, 2)
                .await
                .unwrap()),
            [urgent, medical],
            "bounded"
        );
        assert!(
            s.referral_inbox(r.sender, InboxSide::Incoming, now, 0, 50)
                .await
                .unwrap()
                .is_empty()
        );

        // Overdue: sent, not answered, past the due moment; most overdue first.
        assert!(s.overdue_referrals(now, 50).await.unwrap().is_empty());
        assert_eq!(
            ids(&s.overdue_referrals(later, 50).await.unwrap()),
            [urgent, medical]
        );
        let day_on = now + Duration::hours(25);
        assert_eq!(
            ids(&s.overdue_referrals(day_on, 50).await.unwrap()),
            [urgent, medical, shelter]
        );
        // An answered referral is no longer overdue.
        let urgent_now = s.referral(urgent).await.unwrap().referral;
        step(s, &urgent_now, ReferralStep::Accept).await;
        assert_eq!(
            ids(&s.overdue_referrals(day_on, 50).await.unwrap()),
            [medical, shelter]
        );
        db.finish().await;
    }
);

store_test!(simultaneous_answers_leave_one_step, |db| async move {
    let s = &db.store;
    let w = world(s).await;
    let id = referral_through(s, &w, &[TransitionKind::Send]).await;
    // Ten answers based on the same version at once: one is taken, the others conflict.
    let mut set = JoinSet::new();
    for i in 0..10 {
        let st = s.clone();
        set.spawn(async move {
            let step = [
                ReferralStep::Accept,
                ReferralStep::Decline { reason: "Complet" },
            ][i % 2];
            st.apply_referral_step(&system(), id, 2, Party::Supervisor, step)
                .await
        });
    }
    let (mut ok, mut conflicts) = (0, 0);
    while let Some(r) = set.join_next().await {
        match r.unwrap() {
            Ok(r) => {
                assert_eq!(r.version, 3);
                ok += 1;
            }
            Err(StoreError::Conflict { .. }) => conflicts += 1,
            Err(other) => panic!("{other:?}"),
        }
    }
    assert_eq!((ok, conflicts), (1, 9));
    let details = s.referral(id).await.unwrap();
    assert_eq!(details.timeline.len(), 3, "drafted, sent, answered once");
    assert_verified(s, audit_count(s).await).await;
    db.finish().await;
});
