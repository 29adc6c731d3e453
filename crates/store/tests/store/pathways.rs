//! The child pathway: opened by the store for every child of a case (registration, a change of
//! age, a screening that presumes a child), exactly once; guardian, best-interests assessment
//! and sign-off by child protection; a case with an open pathway is not closed.

use tabara_core::pathway::{BestInterests, DurableSolution, Guardian, GuardianKind, OpenReason};
use tabara_store::PathwayStep;

use crate::common::*;

/// A case with a victim of `age`.
pub(crate) async fn case_with(s: &Store, w: &World, age: i64) -> (Case, Person) {
    let mut p = Person {
        id: PersonId::new(),
        organisation_id: w.org.id,
        facts: facts(),
        version: 1,
    };
    p.facts.age_at_registration = Some(age);
    s.create_person(&system(), &p, &identity("Enfant", "Test"))
        .await
        .unwrap();
    let case = open_case(s, w, "2026-01-10").await;
    involve_victim(s, case.id, p.id).await;
    (case, p)
}

fn assessment() -> BestInterests {
    BestInterests {
        solution: DurableSolution::FamilyReunification,
        views_heard: true,
        summary: "Retour dans la famille après visite : la famille n'est pas impliquée.".into(),
    }
}

store_test!(
    a_child_is_on_the_pathway_from_registration,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let (adult_case, adult) = case_with(s, &w, 24).await;
        assert!(
            s.child_pathway(adult_case.id, adult.id)
                .await
                .unwrap()
                .is_none()
        );
        let before = s.stats().await.unwrap().audit_entries;
        let (case, child) = case_with(s, &w, 15).await;
        let p = s
            .child_pathway(case.id, child.id)
            .await
            .unwrap()
            .expect("opened");
        assert_eq!(p.pathway.reason, OpenReason::Registered);
        assert!(p.pathway.is_open());
        let entries = s.audit_entries(before, 50).await.unwrap();
        let opened: Vec<_> = entries
            .iter()
            .filter(|e| e.action == "child_pathway.open")
            .collect();
        assert_eq!(opened.len(), 1, "opened once");
        assert_eq!(opened[0].actor, "system:child-pathway");
        // Changing the involvement again does not open a second one.
        let again = s.case_persons(case.id).await.unwrap();
        let cp = again.iter().find(|c| c.person.id == child.id).unwrap();
        s.update_case_person(&system(), case.id, child.id, cp.version, &cp.involvement)
            .await
            .unwrap();
        assert_eq!(s.case_pathways(case.id).await.unwrap().len(), 1);
        let (list, open) = s.open_pathways(50).await.unwrap();
        assert_eq!(open, 1);
        assert_eq!(list[0].person_id, child.id);
        // The adult's age corrected to 16: the pathway opens then.
        let mut corrected = s.person(adult.id).await.unwrap();
        corrected.facts.age_at_registration = Some(16);
        s.update_person(&system(), &corrected).await.unwrap();
        s.update_case_person(
            &system(),
            adult_case.id,
            adult.id,
            s.case_persons(adult_case.id).await.unwrap()[0].version,
            &s.case_persons(adult_case.id).await.unwrap()[0].involvement,
        )
        .await
        .unwrap();
        assert!(
            s.child_pathway(adult_case.id, adult.id)
                .await
                .unwrap()
                .is_some()
        );
        db.finish().await;
    }
);

store_test!(
    child_protection_signs_off_then_the_case_closes,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let (case, child) = case_with(s, &w, 14).await;
        // Closing now is refused, and nothing changes.
        let mut closed = s.case(case.id).await.unwrap();
        closed.facts.status = CaseStatus::Closed;
        closed.facts.closed_on = Some(day("2026-02-01"));
        closed.facts.closure_reason = Some("Suivi terminé".into());
        assert_invalid(
            s.update_case(&system(), &closed).await,
            "cas_Status",
            "child_signoff_required",
        );
        assert_eq!(
            s.case(case.id).await.unwrap().facts.status,
            CaseStatus::Active
        );

        let p = s.child_pathway(case.id, child.id).await.unwrap().unwrap();
        let step = |v: i64, role: Role, step: PathwayStep| async move {
            s.pathway_step(&system(), role, case.id, child.id, v, &step)
                .await
        };
        // Sign-off before the guardian and the assessment, or by another role: refused.
        assert_invalid(
            step(p.version, Role::ChildProtection, PathwayStep::SignOff).await,
            "cp_Guardian",
            "required",
        );
        let guardian = Guardian::Named {
            kind: GuardianKind::Relative,
            name: "Tante maternelle".into(),
        };
        let p = step(p.version, Role::Officer, PathwayStep::Guardian(guardian))
            .await
            .unwrap();
        assert!(p.guardian_by.is_some());
        assert_invalid(
            step(
                p.version,
                Role::Officer,
                PathwayStep::BestInterests(assessment()),
            )
            .await,
            "cp_Role",
            "child_protection_only",
        );
        let p = step(
            p.version,
            Role::ChildProtection,
            PathwayStep::BestInterests(assessment()),
        )
        .await
        .unwrap();
        assert_invalid(
            step(p.version, Role::Caseworker, PathwayStep::SignOff).await,
            "cp_Role",
            "child_protection_only",
        );
        // A stale version is a conflict.
        assert!(matches!(
            step(p.version - 1, Role::ChildProtection, PathwayStep::SignOff).await,
            Err(StoreError::Conflict { .. })
        ));
        let p = step(p.version, Role::ChildProtection, PathwayStep::SignOff)
            .await
            .unwrap();
        assert!(!p.pathway.is_open());
        assert_eq!(p.signed_off_by.as_deref(), Some(system().as_str()));
        let history = s.history("child_pathway", &p.id.to_string()).await.unwrap();
        assert_eq!(history.len(), 3, "guardian, assessment, sign-off");
        // Now the case closes.
        let mut closed = s.case(case.id).await.unwrap();
        closed.facts.status = CaseStatus::Closed;
        closed.facts.closed_on = Some(day("2026-02-01"));
        closed.facts.closure_reason = Some("Suivi terminé".into());
        s.update_case(&system(), &closed).await.unwrap();
        let (_, open) = s.open_pathways(10).await.unwrap();
        assert_eq!(open, 0);
        db.finish().await;
    }
);
