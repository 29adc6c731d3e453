//! Concurrent writers: numbering, version conflicts, the audit chain under load.

use crate::common::*;

// ================================================================ concurrency

store_test!(
    concurrent_case_creation_numbers_without_gaps,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let mut tasks = JoinSet::new();
        for _ in 0..12 {
            let (s, new) = (
                s.clone(),
                new_case(
                    w.org.id,
                    Some(w.office.id),
                    CaseFacts::opened(day("2026-01-10")),
                ),
            );
            tasks.spawn(async move { s.create_case(&system(), &new).await.map(|c| c.number) });
        }
        let mut numbers: Vec<i64> = tasks
            .join_all()
            .await
            .into_iter()
            .map(|r| r.unwrap())
            .collect();
        numbers.sort();
        assert_eq!(numbers, (1..=12).collect::<Vec<i64>>());
        assert_verified(s, 14).await;
        db.finish().await
    }
);

/// Editors who save a change at the same moment, all based on version 1.
const EDITORS: usize = 4;
/// Races per record kind: one lost race is enough to show a lost update.
const ROUNDS: usize = 5;

/// Runs `EDITORS` updates of one record at once, all based on version 1: exactly one must win
/// (version 2), every other one must be told of the conflict, and the record's history must
/// hold exactly one change. No change may be lost silently.
async fn assert_one_editor_wins<F, Fut>(s: &Store, kind: &str, id: &str, update: F)
where
    F: Fn(Store, usize) -> Fut,
    Fut: Future<Output = StoreResult<i64>> + Send + 'static,
{
    let mut tasks = JoinSet::new();
    for k in 0..EDITORS {
        tasks.spawn(update(s.clone(), k));
    }
    let results = tasks.join_all().await;
    let won: Vec<i64> = results
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .copied()
        .collect();
    let conflicts = results
        .iter()
        .filter(|r| {
            matches!(
                r,
                Err(StoreError::Conflict {
                    expected: 1,
                    actual: 2,
                    ..
                })
            )
        })
        .count();
    assert_eq!(
        (won, conflicts),
        (vec![2], EDITORS - 1),
        "{kind} {id}: {results:?}"
    );
    let history = s.history(kind, id).await.unwrap();
    assert_eq!(history.len(), 1, "{kind} {id}: {history:?}");
}

store_test!(
    concurrent_person_updates_let_one_editor_win,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        for round in 0..ROUNDS {
            let p = add_person(s, &w, "Aline", &format!("Round{round}")).await;
            assert_one_editor_wins(s, "person", &p.id.to_string(), |s, k| {
                let mut edit = p.clone();
                edit.facts.number_of_children = Some(10 + k as i64);
                async move { s.update_person(&system(), &edit).await }
            })
            .await;
        }
        db.finish().await
    }
);

store_test!(
    concurrent_case_updates_let_one_editor_win,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        for _ in 0..ROUNDS {
            let case = open_case(s, &w, "2026-01-10").await;
            assert_one_editor_wins(s, "case", &case.id.to_string(), |s, k| {
                let mut edit = case.clone();
                edit.facts.incoming_referral_details = Some(format!("Version de l'éditeur {k}"));
                async move { s.update_case(&system(), &edit).await }
            })
            .await;
        }
        db.finish().await
    }
);

store_test!(
    concurrent_identity_updates_let_one_editor_win,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        for round in 0..ROUNDS {
            let p = add_person(s, &w, "Aline", &format!("Round{round}")).await;
            assert_one_editor_wins(s, "person_identity", &p.id.to_string(), |s, k| {
                let edit = identity("Aline", &format!("Variante{k}"));
                async move { s.update_identity(&system(), p.id, 1, &edit).await }
            })
            .await;
        }
        db.finish().await
    }
);

store_test!(
    concurrent_case_person_updates_let_one_editor_win,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let case = open_case(s, &w, "2026-01-10").await;
        for round in 0..ROUNDS {
            let p = add_person(s, &w, "Aline", &format!("Round{round}")).await;
            let first = victim(&[ExploitationType::Other]);
            s.add_case_person(&system(), case.id, p.id, &first)
                .await
                .unwrap();
            let id = format!("{}/{}", case.id, p.id);
            assert_one_editor_wins(s, "case_person", &id, |s, k| {
                let edit = victim(&[TYPES[k % TYPES.len()]]);
                async move {
                    s.update_case_person(&system(), case.id, p.id, 1, &edit)
                        .await
                }
            })
            .await;
        }
        db.finish().await
    }
);

store_test!(
    concurrent_duplicate_usernames_are_duplicates,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let mut tasks = JoinSet::new();
        for _ in 0..4 {
            let s = s.clone();
            let user = NewUser {
                id: UserId::new(),
                username: "caseworker".into(),
                display_name: "Gérard Habonimana".into(),
                role: Role::Caseworker,
                organisation_id: w.org.id,
                office_id: None,
                password_hash: "x".into(),
            };
            tasks.spawn(async move { s.create_user(&system(), &user).await });
        }
        let results = tasks.join_all().await;
        let ok = results.iter().filter(|r| r.is_ok()).count();
        let duplicates = results
            .iter()
            .filter(|r| {
                matches!(
                    r,
                    Err(StoreError::Duplicate {
                        what: "user name",
                        ..
                    })
                )
            })
            .count();
        assert_eq!((ok, duplicates), (1, 3), "{results:?}");
        assert_eq!(s.count_users().await.unwrap(), 1);
        db.finish().await
    }
);
