//! Comments and consents.

use crate::common::*;

// ================================================================ 7. comments and consents

store_test!(comments_and_consents, |db| async move {
    let s = &db.store;
    let w = world(s).await;
    let actor = Actor::user(UserId::new());
    let case = open_case(s, &w, "2026-01-10").await;
    let other = open_case(s, &w, "2026-01-11").await;

    let first = s
        .add_comment(&actor, case.id, "Première audition faite.")
        .await
        .unwrap();
    let second = s
        .add_comment(
            &system(),
            case.id,
            "  Transfert vers la maison d'accueil.\n",
        )
        .await
        .unwrap();
    let third = s
        .add_comment(&actor, case.id, "Famille retrouvée à Ngozi.")
        .await
        .unwrap();
    let comments: Vec<_> = s
        .comments(case.id)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.id, c.author, c.body))
        .collect();
    assert_eq!(
        comments,
        vec![
            (
                first,
                actor.as_str().to_string(),
                "Première audition faite.".to_string()
            ),
            (
                second,
                "system:test".to_string(),
                "Transfert vers la maison d'accueil.".to_string()
            ),
            (
                third,
                actor.as_str().to_string(),
                "Famille retrouvée à Ngozi.".to_string()
            ),
        ]
    );
    assert_invalid(
        s.add_comment(&actor, case.id, " \n\t ").await,
        "cco_CaseComment",
        "required",
    );
    assert_invalid(
        s.add_comment(&actor, case.id, &"x".repeat(MAX_LONG_TEXT + 1))
            .await,
        "cco_CaseComment",
        "max_length",
    );
    let unknown = CaseId::new();
    assert_not_found(
        s.add_comment(&actor, unknown, "Texte").await,
        "case",
        &unknown.to_string(),
    );
    assert_eq!(s.comments(case.id).await.unwrap().len(), 3);
    assert!(s.comments(other.id).await.unwrap().is_empty());

    let p = add_person(s, &w, "Aline", "Niyonkuru").await;
    let interview = Consent {
        case_id: Some(case.id),
        ..consent(p.id, ConsentScope::Interview, "2026-01-10")
    };
    let sharing = Consent {
        given: false,
        informed_research_use: false,
        ..consent(p.id, ConsentScope::DataSharing, "2026-02-01")
    };
    let withdrawn = Consent {
        withdrawn_on: Some(day("2026-03-01")),
        ..consent(p.id, ConsentScope::Research, "2026-02-15")
    };
    for c in [&interview, &sharing, &withdrawn] {
        s.record_consent(&actor, c).await.unwrap();
    }
    assert_eq!(
        s.consents(p.id).await.unwrap(),
        vec![interview.clone(), sharing.clone(), withdrawn.clone()]
    );

    // Each consent breaks one rule.
    for (broken, field, rule) in [
        (
            Consent {
                withdrawn_on: Some(day("2026-01-05")),
                ..consent(p.id, ConsentScope::Interview, "2026-01-10")
            },
            "con_WithdrawnOn",
            "after_recorded",
        ),
        (
            Consent {
                given: false,
                withdrawn_on: Some(day("2026-02-01")),
                ..consent(p.id, ConsentScope::Interview, "2026-01-10")
            },
            "con_WithdrawnOn",
            "requires_given",
        ),
        (
            consent(p.id, ConsentScope::Interview, "2099-01-01"),
            "con_RecordedOn",
            "not_in_future",
        ),
    ] {
        assert_invalid(s.record_consent(&actor, &broken).await, field, rule);
    }
    let stranger = PersonId::new();
    assert_not_found(
        s.record_consent(
            &actor,
            &consent(stranger, ConsentScope::Interview, "2026-01-10"),
        )
        .await,
        "person",
        &stranger.to_string(),
    );
    assert_eq!(s.consents(p.id).await.unwrap().len(), 3);

    let actions: Vec<String> = all_audit(s).await.into_iter().map(|e| e.action).collect();
    let count = |a: &str| actions.iter().filter(|x| *x == a).count();
    assert_eq!(
        (count("case_comment.create"), count("consent.create")),
        (3, 3)
    );
    db.finish().await
});

store_test!(case_page_lists_are_bounded, |db| async move {
    // `case_details(case, limit)` cuts every list at `limit`, persons and shares too: a case
    // with many of them reads `limit` of each (the page asks for one more than it shows).
    let s = &db.store;
    let w = world(s).await;
    let case = open_case(s, &w, "2026-01-10").await;
    let witness = add_person(s, &w, "Jean", "Ndikumana").await;
    s.add_case_person(&system(), case.id, witness.id, &Involvement::Witness)
        .await
        .unwrap();
    let mut victims = Vec::new();
    for name in ["Aline", "Chantal"] {
        let p = add_person(s, &w, name, "Niyonkuru").await;
        involve_victim(s, case.id, p.id).await;
        victims.push(p.id);
    }
    let mut agencies = Vec::new();
    for name in ["Agence A", "Agence B", "Agence C"] {
        let other = org(name);
        s.create_organisation(&system(), &other).await.unwrap();
        s.share_case(&system(), case.id, other.id, "Enquête conjointe", false)
            .await
            .unwrap();
        agencies.push(other.id);
    }
    for body in ["un", "deux", "trois"] {
        s.add_comment(&system(), case.id, body).await.unwrap();
    }

    let all = s.case_details(case.id, 10).await.unwrap();
    assert_eq!(all.persons.len(), 3);
    assert_eq!(all.shares.len(), 3);
    assert_eq!(all.comments.len(), 3);

    let cut = s.case_details(case.id, 2).await.unwrap();
    // The first persons in the page's order: victims before the witness.
    let persons: Vec<PersonId> = cut.persons.iter().map(|p| p.person.id).collect();
    assert_eq!(persons, victims);
    // The newest shares and comments, oldest first.
    let shares: Vec<OrganisationId> = cut.shares.iter().map(|s| s.organisation_id).collect();
    assert_eq!(shares, agencies[1..]);
    let comments: Vec<&str> = cut.comments.iter().map(|c| c.body.as_str()).collect();
    assert_eq!(comments, ["deux", "trois"]);
    // The unbounded reads still return everything.
    assert_eq!(s.case_persons(case.id).await.unwrap().len(), 3);
    assert_eq!(s.case_shares(case.id).await.unwrap().len(), 3);
    db.finish().await
});
