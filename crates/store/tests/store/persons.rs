//! Persons: registration, versioned facts and identities, history, name search.

use crate::common::*;

// ================================================================ 2. persons

store_test!(
    person_identity_reads_are_audited_without_names,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let actor = Actor::user(UserId::new());
        let ident = identity("Évariste", "Ndayishimiye");
        let person = Person {
            id: PersonId::new(),
            organisation_id: w.org.id,
            facts: facts(),
            version: 1,
        };
        let pid = person.id.to_string();
        s.create_person(&actor, &person, &ident).await.unwrap();

        assert_eq!(s.person(person.id).await.unwrap(), person);
        assert_eq!(
            trail_actions(s, "person", &pid).await,
            vec!["person.create"],
            "reading facts is not audited"
        );

        assert_eq!(
            s.read_identity(&actor, person.id).await.unwrap(),
            (ident.clone(), 1)
        );
        assert_eq!(
            audit_lines(&s.audit_trail("person", &pid).await.unwrap()),
            vec![
                audit_line(&actor, "person.create", "person", &pid),
                audit_line(&actor, "person_identity.read", "person", &pid),
            ]
        );
        s.read_identity(&system(), person.id).await.unwrap();
        assert_eq!(
            audit_lines(&s.audit_trail("person", &pid).await.unwrap())[2],
            audit_line(&system(), "person_identity.read", "person", &pid),
            "every read is audited, against its own actor"
        );

        let secrets = [
            "évariste",
            "evariste",
            "ndayishimiye",
            "531/04417",
            "+25779123456",
            "personne@example.invalid",
        ];
        let entries = all_audit(s).await;
        // The registration, the reads and whatever else came before: the loop below checks
        // every one of them, so there must be some.
        assert!(entries.len() >= 3, "{entries:?}");
        for e in entries {
            for field in [&e.actor, &e.action, &e.record_kind, &e.record_id] {
                for secret in secrets {
                    assert!(
                        !field.to_lowercase().contains(secret),
                        "audit entry {} holds '{secret}': {field}",
                        e.seq
                    );
                }
            }
        }

        let unknown = PersonId::new();
        let before = audit_count(s).await;
        assert_not_found(s.person(unknown).await, "person", &unknown.to_string());
        assert_not_found(
            s.read_identity(&actor, unknown).await,
            "person",
            &unknown.to_string(),
        );
        assert_eq!(audit_count(s).await, before, "a failed read logs nothing");
        db.finish().await
    }
);

// ================================================================ 3. optimistic concurrency

store_test!(person_update_is_versioned, |db| async move {
    let s = &db.store;
    let w = world(s).await;
    let actor = Actor::user(UserId::new());
    let p = add_person(s, &w, "Aline", "Niyonkuru").await;
    let pid = p.id.to_string();

    let mut edit = p.clone();
    edit.facts.number_of_children = Some(3);
    edit.facts.marital_status = Some(MaritalStatus::Married);
    assert_eq!(s.update_person(&actor, &edit).await.unwrap(), 2);
    assert_eq!(
        s.person(p.id).await.unwrap(),
        Person {
            version: 2,
            ..edit.clone()
        }
    );
    assert_one_change(
        s,
        "person",
        &pid,
        &actor,
        json!({
            "marital_status": ["Single", "Married"],
            "number_of_children": [1, 3],
        }),
    )
    .await;

    let mut stale = p.clone();
    stale.facts.deceased = true;
    assert_conflict(s.update_person(&actor, &stale).await, "person", &pid, 1, 2);
    let stored = s.person(p.id).await.unwrap();
    assert_eq!((stored.version, stored.facts.deceased), (2, false));
    assert_eq!(s.history("person", &pid).await.unwrap().len(), 1);
    assert_eq!(
        trail_actions(s, "person", &pid).await,
        vec!["person.create", "person.update"]
    );

    let mut next = stored.clone();
    next.facts.deceased = true;
    assert_eq!(s.update_person(&actor, &next).await.unwrap(), 3);
    let unknown = Person {
        id: PersonId::new(),
        ..p.clone()
    };
    assert_not_found(
        s.update_person(&actor, &unknown).await,
        "person",
        &unknown.id.to_string(),
    );
    db.finish().await
});

store_test!(person_history_matches_stored_facts, |db| async move {
    // Whatever an update records as changed must be what the store now holds.
    let s = &db.store;
    let w = world(s).await;
    let p = add_person(s, &w, "Aline", "Niyonkuru").await;
    let mut edit = p.clone();
    edit.facts.registered_on = day("2026-02-01");
    edit.facts.gender = Gender::NonSpecifiedUnknown;
    s.update_person(&system(), &edit).await.unwrap();
    let stored = s.person(p.id).await.unwrap();
    let history = s.history("person", &p.id.to_string()).await.unwrap();
    let changed: Vec<&String> = history[0].changes.as_object().unwrap().keys().collect();
    assert!(changed.iter().any(|f| *f == "gender"), "{changed:?}");
    assert_eq!(stored.facts.gender, Gender::NonSpecifiedUnknown);
    for field in changed {
        let now = serde_json::to_value(&stored.facts).unwrap()[field].clone();
        assert_eq!(
            now, history[0].changes[field][1],
            "history says {field} changed to {}, the store holds {now}",
            history[0].changes[field][1]
        );
    }
    db.finish().await
});

store_test!(identity_update_is_versioned, |db| async move {
    let s = &db.store;
    let w = world(s).await;
    let actor = Actor::user(UserId::new());
    let p = add_person(s, &w, "Aline", "Niyonkuru").await;
    let pid = p.id.to_string();

    let (mut ident, version) = s.read_identity(&actor, p.id).await.unwrap();
    assert_eq!(version, 1);
    ident.mobile_phone = Some("+25779000111".into());
    ident.second_name = Some("Niyonkuru-Bizimana".into());
    assert_eq!(s.update_identity(&actor, p.id, 1, &ident).await.unwrap(), 2);
    assert_eq!(
        s.read_identity(&actor, p.id).await.unwrap(),
        (ident.clone(), 2)
    );
    assert_one_change(
        s,
        "person_identity",
        &pid,
        &actor,
        json!({
            "mobile_phone": ["+25779123456", "+25779000111"],
            "second_name": ["Niyonkuru", "Niyonkuru-Bizimana"],
        }),
    )
    .await;
    assert!(
        s.history("person", &pid).await.unwrap().is_empty(),
        "identifying values never land in the person's history"
    );

    let other = identity("Autre", "Nom");
    assert_conflict(
        s.update_identity(&actor, p.id, 1, &other).await,
        "person identity",
        &pid,
        1,
        2,
    );
    assert_eq!(s.read_identity(&actor, p.id).await.unwrap(), (ident, 2));
    assert_eq!(
        trail_actions(s, "person", &pid).await,
        vec![
            "person.create",
            "person_identity.read",
            "person_identity.update",
            "person_identity.read",
            "person_identity.read",
        ]
    );
    db.finish().await
});

// ================================================================ 11. name search

store_test!(
    find_persons_by_name_ignores_accents_case_and_word_order,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let a = add_person(s, &w, "Évariste", "Ndayishimiye").await;
        let b = add_person(s, &w, "EVARISTE", "Nkurunziza").await;
        let c = add_person(s, &w, "Eva", "Uwimana").await;
        let d = add_person(s, &w, "Jean-Bosco", "Niyonzima").await;
        let head = audit_count(s).await;

        let find = |q: &'static str, limit: i64| async move {
            s.find_persons_by_name(q, limit).await.unwrap()
        };
        assert_eq!(find("evar", 10).await, [a.id, b.id]);
        assert_eq!(find("ÉVAR", 10).await, [a.id, b.id]);
        assert_eq!(find("Évariste  nda", 10).await, [a.id]);
        assert_eq!(
            find("Évariste  nd", 10).await,
            Vec::<PersonId>::new(),
            "a word of fewer than 3 letters is a whole word"
        );
        // Found in the order they were registered (ids), the blind index having no name order.
        assert_eq!(find("eva", 10).await, [a.id, b.id, c.id]);
        assert_eq!(find("eva", 1).await, [a.id]);
        // Any word order, each word a prefix of one of the name's words.
        assert_eq!(find("Ndayishimiye Évariste", 10).await, [a.id]);
        assert_eq!(find("nday eva", 10).await, [a.id]);
        assert_eq!(find("uwi", 10).await, [c.id]);
        assert_eq!(
            find("ev", 10).await,
            Vec::<PersonId>::new(),
            "3 letters or more"
        );
        assert_eq!(find("jean bosco", 10).await, [d.id]);
        assert_eq!(find("Jean-Bosco Niyo", 10).await, [d.id]);
        assert_eq!(
            find("variste", 10).await,
            Vec::<PersonId>::new(),
            "a prefix, not a substring"
        );
        assert_eq!(find("evariste x", 10).await, Vec::<PersonId>::new());
        assert_eq!(find(" - ", 10).await, Vec::<PersonId>::new());
        assert_eq!(
            audit_count(s).await,
            head,
            "a search returns ids and logs nothing"
        );

        let (mut ident, version) = s.read_identity(&system(), b.id).await.unwrap();
        ident.first_name = Some("Ézéchiel".into());
        s.update_identity(&system(), b.id, version, &ident)
            .await
            .unwrap();
        assert_eq!(find("evar", 10).await, [a.id]);
        assert_eq!(find("ezechiel nkuru", 10).await, [b.id]);
        db.finish().await
    }
);
