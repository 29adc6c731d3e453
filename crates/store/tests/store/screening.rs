//! Screening interviews: draft, completion, decision.

use crate::common::*;

// ---------------------------------------------------------------- screenings

store_test!(screening_draft_complete_and_decide, |db| async move {
    use tabara_core::screening::{Answer, Catalogue, Outcome};
    use tabara_store::ScreeningState;
    let s = &db.store;
    let w = world(s).await;
    let p = add_person(s, &w, "Aline", "Niyonkuru").await;
    let stranger = add_person(s, &w, "Jean", "Ndikumana").await;
    let case = open_case(s, &w, "2026-01-10").await;
    involve_victim(s, case.id, p.id).await;
    let catalogue = Catalogue::embedded().unwrap();
    // Only a person of the case can be screened in it.
    assert_not_found(
        s.create_screening(
            &system(),
            ScreeningId::new(),
            case.id,
            stranger.id,
            &catalogue.version,
        )
        .await,
        "person of the case",
        &stranger.id.to_string(),
    );
    let id = ScreeningId::new();
    let draft = s
        .create_screening(&system(), id, case.id, p.id, &catalogue.version)
        .await
        .unwrap();
    assert_eq!((draft.state, draft.version), (ScreeningState::Draft, 1));
    assert!(draft.answers.is_empty());

    // Saved as a draft, resumed: skipped questions stay "not asked".
    let mut answers = answers(&[
        ("act_recruited", Answer::Yes),
        ("d4_hours", Answer::Yes),
        ("d4_pay", Answer::Yes),
        ("d5_violence", Answer::NotAsked),
        ("d2_threats", Answer::Refused),
    ]);
    let (age, movement) = child_made_to_work();
    let v2 = s
        .save_screening(&system(), id, 1, &answers, &age, &movement)
        .await
        .unwrap();
    let resumed = s.screening(id).await.unwrap();
    assert_eq!(resumed.answers, answers);
    assert_eq!(resumed.answers["d5_violence"], Answer::NotAsked);
    assert_eq!(resumed.age, age);
    assert_eq!(resumed.movement, movement);
    // A stale save is refused.
    answers.insert("d4_living".into(), Answer::Yes);
    assert_conflict(
        s.save_screening(&system(), id, 1, &answers, &age, &movement)
            .await,
        "screening",
        &id.to_string(),
        1,
        2,
    );

    // Nothing to decide before completion; completion evaluates the stored answers.
    assert_invalid(
        s.decide_screening(&system(), id, v2, confirmed()).await,
        "scr_State",
        "not_completed",
    );
    let done = s
        .complete_screening(&system(), id, v2, catalogue)
        .await
        .unwrap();
    let evaluation = done.evaluation.clone().unwrap();
    assert_eq!(evaluation.outcome, Outcome::PresumedChildVictim);
    assert_eq!(done.state, ScreeningState::Completed);
    assert_invalid(
        s.save_screening(&system(), id, done.version, &answers, &age, &movement)
            .await,
        "scr_State",
        "completed",
    );

    // An override needs a reason; the decision is taken once.
    assert_invalid(
        s.decide_screening(&system(), id, done.version, overridden("  "))
            .await,
        "scr_DecisionReason",
        "required",
    );
    let decided = s
        .decide_screening(
            &system(),
            id,
            done.version,
            overridden("Birth certificate seen; employer's ledger seized"),
        )
        .await
        .unwrap();
    let d = decided.decision.clone().unwrap();
    assert_eq!(d.kind, DecisionKind::Overridden);
    assert_eq!(d.status, TraffickingStatus::ActualVictimOfTrafficking);
    // The decision is the victim's HTCDS trafficking status in the case, with who decided.
    let persons = s.case_persons(case.id).await.unwrap();
    match &persons
        .iter()
        .find(|cp| cp.person.id == p.id)
        .unwrap()
        .involvement
    {
        Involvement::Victim(v) => {
            assert_eq!(
                v.trafficking_status,
                Some(TraffickingStatus::ActualVictimOfTrafficking)
            );
            assert_eq!(v.decision_org, Some(DecisionMakingOrg::Police));
        }
        other => panic!("{other:?}"),
    }
    assert_invalid(
        s.decide_screening(&system(), id, decided.version, confirmed())
            .await,
        "scr_Decision",
        "already_decided",
    );

    // Screened again later: the history keeps both, newest first.
    let again = ScreeningId::new();
    s.create_screening(&system(), again, case.id, p.id, &catalogue.version)
        .await
        .unwrap();
    let history = s.person_screenings(p.id, 10).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].id, again);
    assert_eq!(
        history[1].decision.as_ref().unwrap().status,
        TraffickingStatus::ActualVictimOfTrafficking
    );

    // Every step is in the audit trail of the screening.
    let trail: Vec<String> = trail_actions(s, "screening", &id.to_string()).await;
    assert_eq!(
        trail,
        vec![
            "screening.create",
            "screening.save",
            "screening.complete",
            "screening.override"
        ]
    );
    assert_verified(s, audit_count(s).await).await;

    // Confirming takes the suggestion; with none (a full interview needed), there is nothing
    // to confirm.
    let open = ScreeningId::new();
    let o = s
        .create_screening(&system(), open, case.id, p.id, &catalogue.version)
        .await
        .unwrap();
    let o = s
        .complete_screening(&system(), open, o.version, catalogue)
        .await
        .unwrap();
    assert_eq!(
        o.evaluation.as_ref().unwrap().outcome,
        Outcome::NeedsFullInterview
    );
    assert_invalid(
        s.decide_screening(&system(), open, o.version, confirmed())
            .await,
        "scr_Decision",
        "nothing_to_confirm",
    );
    // A demo reset clears screenings with the rest.
    s.wipe().await.unwrap();
    s.migrate().await.unwrap();
    assert_eq!(s.stats().await.unwrap().persons, 0);
    db.finish().await;
});
