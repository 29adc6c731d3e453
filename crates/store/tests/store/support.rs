//! Support plans: opening (victims only, one open plan per person and case), the reflection
//! period, changes with history and versions, services, visits and steps, closure; refused
//! input changes nothing.

use chrono::{Duration, Utc};
use tabara_core::support::{ClosureReason, ReintegrationStepKind, ServiceType};
use tabara_store::support::{
    ClosureForm, PlanForm, ReflectionPolicy, ServiceForm, StepForm, VisitForm,
};
use uuid::Uuid;

use crate::common::*;

fn today() -> chrono::NaiveDate {
    Utc::now().date_naive()
}

fn ago(days: i64) -> String {
    (today() - Duration::days(days)).to_string()
}

fn plan_form() -> PlanForm {
    PlanForm {
        types: vec!["Health".into(), "SocialCare".into()],
        objectives: "Soins médicaux, hébergement sûr, retour en famille.".into(),
        action_plan: "Centre d'accueil, suivi psychosocial.".into(),
        planned_end: String::new(),
        reflection_start: ago(10),
        reflection_days: String::new(),
    }
}

/// A case with one adult victim and a witness.
async fn victim_case(s: &Store) -> (World, Case, Person, Person) {
    let w = world(s).await;
    let p = add_person(s, &w, "Aline", "Niyonkuru").await;
    let witness = add_person(s, &w, "Jean", "Bigirimana").await;
    let case = open_case(s, &w, "2026-01-10").await;
    involve_victim(s, case.id, p.id).await;
    s.add_case_person(&system(), case.id, witness.id, &Involvement::Witness)
        .await
        .unwrap();
    (w, case, p, witness)
}

store_test!(support_plan_from_opening_to_closure, |db| async move {
    let s = &db.store;
    let (w, case, p, witness) = victim_case(s).await;
    let id = Uuid::now_v7();
    let plan = s
        .create_support_plan(&system(), id, case.id, p.id, &plan_form(), None)
        .await
        .unwrap();
    // The default reflection and recovery period: 30 days, its end computed.
    assert_eq!(plan.facts.reflection.days, 30);
    assert_eq!(
        plan.facts.reflection.ends_on(),
        today() - Duration::days(10) + Duration::days(29)
    );
    assert_eq!(plan.version, 1);
    assert!(plan.is_open());
    assert_eq!(s.support_plan(id).await.unwrap(), plan, "read as written");
    assert_eq!(
        trail_actions(s, "support_plan", &id.to_string()).await,
        ["support_plan.create"]
    );

    // One open plan per person and case; a witness gets none; a stranger is not found.
    let before = audit_count(s).await;
    assert_invalid(
        s.create_support_plan(&system(), Uuid::now_v7(), case.id, p.id, &plan_form(), None)
            .await,
        "spl_Status",
        "already_open",
    );
    assert_invalid(
        s.create_support_plan(
            &system(),
            Uuid::now_v7(),
            case.id,
            witness.id,
            &plan_form(),
            None,
        )
        .await,
        "spl_Person",
        "victim_only",
    );
    let stranger = add_person(s, &w, "Inconnue", "Hors dossier").await;
    let before_stranger = audit_count(s).await;
    assert!(matches!(
        s.create_support_plan(
            &system(),
            Uuid::now_v7(),
            case.id,
            stranger.id,
            &plan_form(),
            None
        )
        .await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(audit_count(s).await, before_stranger);
    assert!(
        before_stranger > before,
        "the stranger's registration was audited"
    );

    // A change names its version; the earlier values are kept; a stale one is refused.
    let changed = PlanForm {
        reflection_days: "90".into(),
        planned_end: (today() + Duration::days(200)).to_string(),
        ..plan_form()
    };
    let actor = Actor::system("caseworker");
    let updated = s
        .update_support_plan(&actor, id, 1, &changed, None)
        .await
        .unwrap();
    assert_eq!((updated.version, updated.facts.reflection.days), (2, 90));
    assert_eq!(s.support_plan(id).await.unwrap(), updated);
    let history = s.history("support_plan", &id.to_string()).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].version, 2);
    let fields: Vec<&String> = history[0].changes.as_object().unwrap().keys().collect();
    assert_eq!(
        fields,
        ["planned_end", "reflection"],
        "{:?}",
        history[0].changes
    );
    assert_conflict(
        s.update_support_plan(&actor, id, 1, &plan_form(), None)
            .await,
        "support plan",
        &id.to_string(),
        1,
        2,
    );

    // Services (by an organisation of the directory or by name), visits, steps; newest first.
    let first = s
        .record_support_service(
            &system(),
            Uuid::now_v7(),
            id,
            &ServiceForm {
                service: "shelter".into(),
                delivered_on: ago(9),
                organisation: w.org.id.to_string(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(first.entry.organisation_id, Some(w.org.id));
    s.record_support_service(
        &system(),
        Uuid::now_v7(),
        id,
        &ServiceForm {
            service: "medical".into(),
            delivered_on: ago(2),
            provided_by: "Dr Ndayishimiye, hôpital de Rumonge".into(),
            note: "Bilan de santé.".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let before = audit_count(s).await;
    assert_invalid(
        s.record_support_service(
            &system(),
            Uuid::now_v7(),
            id,
            &ServiceForm {
                service: "medical".into(),
                delivered_on: ago(1),
                organisation: OrganisationId::new().to_string(),
                ..Default::default()
            },
        )
        .await,
        "sps_Organisation",
        "unknown",
    );
    assert_invalid(
        s.record_support_visit(&system(), Uuid::now_v7(), id, &VisitForm::default())
            .await,
        "spv_VisitedOn",
        "required",
    );
    assert_eq!(audit_count(s).await, before, "refused input writes nothing");
    let visit = s
        .record_support_visit(
            &system(),
            Uuid::now_v7(),
            id,
            &VisitForm {
                visited_on: ago(1),
                visited_by: "Assistante sociale".into(),
                notes: "Va mieux.\nSouhaite rentrer.".into(),
            },
        )
        .await
        .unwrap();
    let step = s
        .record_support_step(
            &system(),
            Uuid::now_v7(),
            id,
            &StepForm {
                step: "family_tracing".into(),
                on: ago(1),
                note: String::new(),
            },
        )
        .await
        .unwrap();
    let f = s.support_follow_up(id, 100).await.unwrap();
    let services: Vec<ServiceType> = f.services.iter().map(|x| x.entry.service).collect();
    assert_eq!(services, [ServiceType::Medical, ServiceType::Shelter]);
    assert_eq!(f.services[1], first, "read as written");
    assert_eq!(f.visits.len(), 1);
    assert_eq!(f.visits[0], visit);
    assert_eq!(f.steps.len(), 1);
    assert_eq!(f.steps[0], step);
    assert_eq!(f.steps[0].entry.step, ReintegrationStepKind::FamilyTracing);
    assert_eq!(s.support_follow_up(id, 1).await.unwrap().services.len(), 1);
    assert_eq!(
        trail_actions(s, "support_visit", &visit.id.to_string()).await,
        ["support_visit.record"]
    );

    // Closed with a reason: then nothing more is recorded, and a new plan may be opened.
    assert_invalid(
        s.close_support_plan(
            &actor,
            id,
            2,
            &ClosureForm {
                reason: "other".into(),
                ..Default::default()
            },
        )
        .await,
        "spl_ClosureNote",
        "required",
    );
    let closed = s
        .close_support_plan(
            &actor,
            id,
            2,
            &ClosureForm {
                reason: "reintegrated".into(),
                note: "Rentrée en famille à Makamba.".into(),
                closed_on: String::new(),
            },
        )
        .await
        .unwrap();
    let closure = closed.closure.clone().unwrap();
    assert_eq!(
        (closure.reason, closure.closed_on, closed.version),
        (ClosureReason::Reintegrated, today(), 3)
    );
    assert_eq!(s.support_plan(id).await.unwrap(), closed);
    let before = audit_count(s).await;
    assert_invalid(
        s.record_support_step(
            &system(),
            Uuid::now_v7(),
            id,
            &StepForm {
                step: "returned".into(),
                on: ago(0),
                note: String::new(),
            },
        )
        .await,
        "spl_Status",
        "closed",
    );
    assert_invalid(
        s.update_support_plan(&actor, id, 3, &plan_form(), None)
            .await,
        "spl_Status",
        "closed",
    );
    assert_eq!(audit_count(s).await, before);
    assert_eq!(
        trail_actions(s, "support_plan", &id.to_string()).await,
        [
            "support_plan.create",
            "support_plan.update",
            "support_plan.close"
        ]
    );
    let again = s
        .create_support_plan(&system(), Uuid::now_v7(), case.id, p.id, &plan_form(), None)
        .await
        .unwrap();
    let plans = s.support_plans(case.id, p.id, 10).await.unwrap();
    assert_eq!(
        plans.iter().map(|p| p.id).collect::<Vec<_>>(),
        [again.id, id],
        "newest first"
    );
    assert_verified(s, audit_count(s).await).await;
    db.finish().await;
});

store_test!(a_refused_plan_writes_nothing, |db| async move {
    let s = &db.store;
    let (_, case, p, _) = victim_case(s).await;
    let before = audit_count(s).await;
    let bad = PlanForm {
        types: vec![],
        objectives: " ".into(),
        reflection_start: (today() + Duration::days(1)).to_string(),
        ..plan_form()
    };
    let r = s
        .create_support_plan(&system(), Uuid::now_v7(), case.id, p.id, &bad, None)
        .await;
    match r {
        Err(StoreError::Invalid(e)) => {
            let rules: Vec<(&str, &str)> = e.0.iter().map(|e| (e.field, e.rule)).collect();
            assert_eq!(
                rules,
                [
                    ("spl_Type", "required"),
                    ("spl_Objectives", "required"),
                    ("spl_ReflectionStart", "date_range")
                ]
            );
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    // A deployment's own default period, and a broken one refused.
    let long = ReflectionPolicy { default_days: 45 };
    assert_invalid(
        s.create_support_plan(
            &system(),
            Uuid::now_v7(),
            case.id,
            p.id,
            &plan_form(),
            Some(&ReflectionPolicy { default_days: 0 }),
        )
        .await,
        "spl_ReflectionDays",
        "range",
    );
    assert_eq!(audit_count(s).await, before);
    assert!(s.support_plans(case.id, p.id, 10).await.unwrap().is_empty());
    let plan = s
        .create_support_plan(
            &system(),
            Uuid::now_v7(),
            case.id,
            p.id,
            &plan_form(),
            Some(&long),
        )
        .await
        .unwrap();
    assert_eq!(plan.facts.reflection.days, 45);
    db.finish().await;
});
