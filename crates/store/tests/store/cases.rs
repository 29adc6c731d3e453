//! Cases (numbering, versioned updates) and the persons involved in them.

use crate::common::*;

store_test!(case_update_is_versioned, |db| async move {
    let s = &db.store;
    let w = world(s).await;
    let actor = Actor::user(UserId::new());
    let other_office = office(&w.org, "Commissariat de Cibitoke");
    s.create_office(&system(), &other_office).await.unwrap();
    let case = open_case(s, &w, "2026-01-10").await;
    let cid = case.id.to_string();

    let mut edit = case.clone();
    edit.office_id = Some(other_office.id);
    edit.facts.status = CaseStatus::Closed;
    edit.facts.closed_on = Some(day("2026-03-01"));
    edit.facts.closure_reason = Some("Victime réintégrée".into());
    assert_eq!(s.update_case(&actor, &edit).await.unwrap(), 2);
    assert_eq!(
        s.case(case.id).await.unwrap(),
        Case {
            version: 2,
            ..edit.clone()
        }
    );
    assert_one_change(
        s,
        "case",
        &cid,
        &actor,
        json!({
            "status": ["Active", "Closed"],
            "closed_on": [null, "2026-03-01"],
            "closure_reason": [null, "Victime réintégrée"],
            "office_id": [w.office.id.to_string(), other_office.id.to_string()],
        }),
    )
    .await;

    let mut stale = case.clone();
    stale.facts.status = CaseStatus::FollowUp;
    assert_conflict(
        s.update_case(&actor, &stale).await,
        "case",
        "TBR-000001",
        1,
        2,
    );
    let mut invalid = s.case(case.id).await.unwrap();
    invalid.facts.closed_on = None;
    assert_invalid(
        s.update_case(&actor, &invalid).await,
        "cas_ClosedOn",
        "required_when_closed",
    );
    assert_eq!(
        s.case(case.id).await.unwrap(),
        Case {
            version: 2,
            ..edit.clone()
        }
    );
    assert_eq!(s.history("case", &cid).await.unwrap().len(), 1);
    assert_eq!(
        trail_actions(s, "case", &cid).await,
        vec!["case.create", "case.update"]
    );
    db.finish().await
});

// ================================================================ 4. cases

store_test!(cases_are_numbered_in_order, |db| async move {
    let s = &db.store;
    let w = world(s).await;
    let referrer = org("Maison d'accueil");
    s.create_organisation(&system(), &referrer).await.unwrap();
    let facts = CaseFacts {
        referring_organisation_id: Some(referrer.id),
        incoming_referral_date: Some(day("2026-01-09")),
        incoming_referral_reason: Some(ReferralReason::AdditionalServicesRequired),
        incoming_referral_details: Some("Référée par la maison d'accueil".into()),
        ..CaseFacts::opened(day("2026-01-10"))
    };
    let mut made = Vec::new();
    for on in ["2026-01-10", "2026-02-11", "2026-03-12"] {
        let new = new_case(
            w.org.id,
            Some(w.office.id),
            CaseFacts {
                opened_on: day(on),
                ..facts.clone()
            },
        );
        let case = s.create_case(&system(), &new).await.unwrap();
        assert_eq!(
            case,
            Case {
                id: new.id,
                number: case.number,
                organisation_id: w.org.id,
                office_id: Some(w.office.id),
                owner_id: None,
                facts: new.facts.clone(),
                version: 1,
            }
        );
        made.push(case);
    }
    assert_eq!(made.iter().map(|c| c.number).collect::<Vec<_>>(), [1, 2, 3]);
    for c in &made {
        assert_eq!(&s.case_by_number(c.number).await.unwrap(), c);
        assert_eq!(&s.case(c.id).await.unwrap(), c);
    }
    assert_eq!(made[1].reference(), "TBR-000002");

    let closed_without_date = CaseFacts {
        status: CaseStatus::Closed,
        ..CaseFacts::opened(day("2026-01-10"))
    };
    assert_invalid(
        s.create_case(&system(), &new_case(w.org.id, None, closed_without_date))
            .await,
        "cas_ClosedOn",
        "required_when_closed",
    );
    assert_invalid(
        s.create_case(
            &system(),
            &new_case(w.org.id, None, CaseFacts::opened(day("2099-01-01"))),
        )
        .await,
        "cas_OpenedOn",
        "not_in_future",
    );
    let unknown_org = new_case(OrganisationId::new(), None, facts.clone());
    let before = s.stats().await.unwrap();
    match s.create_case(&system(), &unknown_org).await {
        Err(StoreError::Database(sqlx::Error::Database(e))) if e.is_foreign_key_violation() => {}
        other => panic!("a case of an unknown organisation must be refused, got {other:?}"),
    }
    // Refused whole: no case and no entry written.
    let after = s.stats().await.unwrap();
    assert_eq!(
        (after.cases, after.audit_entries),
        (before.cases, before.audit_entries)
    );
    let fourth = s
        .create_case(&system(), &new_case(w.org.id, None, facts))
        .await
        .unwrap();
    assert_eq!(fourth.number, 4, "refused cases use up no number");

    assert_not_found(s.case_by_number(99).await, "case", "TBR-000099");
    let unknown = CaseId::new();
    assert_not_found(s.case(unknown).await, "case", &unknown.to_string());
    assert_eq!(s.stats().await.unwrap().cases, 4);
    db.finish().await
});

// ================================================================ 5. case persons

store_test!(case_persons_with_their_involvement, |db| async move {
    let s = &db.store;
    let w = world(s).await;
    let actor = Actor::user(UserId::new());
    let case = open_case(s, &w, "2026-01-10").await;
    let v = add_person(s, &w, "Aline", "Niyonkuru").await;
    let sp = add_person(s, &w, "Didace", "Ndikumana").await;
    let wt = add_person(s, &w, "Josiane", "Kwizera").await;
    let involved = [
        (v.clone(), Involvement::Victim(full_victim())),
        (
            sp.clone(),
            suspect(
                &[
                    RoleInProcess::RecruiterOrIntermediary,
                    RoleInProcess::Transporter,
                ],
                Some(w.org.id),
            ),
        ),
        (wt.clone(), Involvement::Witness),
    ];
    for (p, inv) in &involved {
        s.add_case_person(&actor, case.id, p.id, inv).await.unwrap();
    }

    let stored = s.case_persons(case.id).await.unwrap();
    assert_eq!(stored.len(), 3);
    for (p, inv) in &involved {
        let cp = stored
            .iter()
            .find(|cp| cp.person.id == p.id)
            .expect("every involved person is listed");
        assert_eq!((&cp.person, &cp.involvement, cp.version), (p, inv, 1));
    }

    assert_duplicate(
        s.add_case_person(&actor, case.id, v.id, &Involvement::Witness)
            .await,
        "person in this case",
        "victim",
    );
    let x = add_person(s, &w, "Fabrice", "Nduwimana").await;
    let sex_without_sexual = Involvement::Victim(VictimContext {
        sex_exploitation_types: set(&[SexExploitationType::Prostitution]),
        ..full_victim_without(ExploitationType::SexualExploitation)
    });
    assert_invalid(
        s.add_case_person(&actor, case.id, x.id, &sex_without_sexual)
            .await,
        "vic_TypeOfSexExploitation",
        "requires_sexual_exploitation",
    );
    let unknown_case = CaseId::new();
    assert_not_found(
        s.add_case_person(&actor, unknown_case, x.id, &Involvement::Other)
            .await,
        "case",
        &unknown_case.to_string(),
    );
    let unknown_person = PersonId::new();
    assert_not_found(
        s.add_case_person(&actor, case.id, unknown_person, &Involvement::Other)
            .await,
        "person",
        &unknown_person.to_string(),
    );
    assert_eq!(s.case_persons(case.id).await.unwrap().len(), 3);

    let summary = &listed_summaries(s, &CaseFilter::default()).await[0];
    assert_eq!(
        (
            summary.persons,
            summary.victims,
            summary.exploitation_types.clone()
        ),
        (3, 1, full_victim().exploitation_types)
    );

    // A new context replaces the old one, based on version 1.
    let begging = Involvement::Victim(VictimContext {
        exploitation_types: set(&[ExploitationType::ForcedBegging]),
        sex_exploitation_types: ValueSet::new(),
        labour_industries: ValueSet::new(),
        ..full_victim()
    });
    assert_eq!(
        s.update_case_person(&actor, case.id, v.id, 1, &begging)
            .await
            .unwrap(),
        2
    );
    let cp_id = format!("{}/{}", case.id, v.id);
    assert_conflict(
        s.update_case_person(&actor, case.id, v.id, 1, &Involvement::Witness)
            .await,
        "person in case",
        &cp_id,
        1,
        2,
    );
    let stored = s.case_persons(case.id).await.unwrap();
    let cp = stored.iter().find(|cp| cp.person.id == v.id).unwrap();
    assert_eq!((&cp.involvement, cp.version), (&begging, 2));
    let history = s.history("case_person", &cp_id).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        history[0].changes,
        json!({ "involvement": [Involvement::Victim(full_victim()), begging] })
    );
    let by_type = |t| CaseFilter {
        exploitation: Some(t),
        ..Default::default()
    };
    assert_eq!(
        listed(s, &by_type(ExploitationType::ForcedBegging)).await,
        [1]
    );
    assert_eq!(
        listed(s, &by_type(ExploitationType::ForcedLabour)).await,
        Vec::<i64>::new(),
        "the case's exploitation types follow its victims"
    );
    assert_not_found(
        s.update_case_person(&actor, case.id, x.id, 1, &Involvement::Other)
            .await,
        "person in case",
        &format!("{}/{}", case.id, x.id),
    );
    assert_eq!(
        trail_actions(s, "case_person", &cp_id).await,
        vec!["case_person.add", "case_person.update"]
    );
    db.finish().await
});
