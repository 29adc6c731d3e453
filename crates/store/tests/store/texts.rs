//! Free text about a person (issue 13): a safety plan, support notes and their history, a
//! consent's witness, a child's guardian and best-interests summary are sealed under the
//! person's data key: the pages read them, a copy of the register does not, and erasing the
//! person leaves nothing of them that opens.

use tabara_core::erasure::ErasureGround;
use tabara_core::pathway::{BestInterests, DurableSolution, Guardian, GuardianKind};
use tabara_core::referral::ConsentGiver;
use tabara_core::risk::AssessmentForm;
use tabara_store::PathwayStep;
use tabara_store::support::{PlanForm, VisitForm};
use uuid::Uuid;

use crate::common::*;

/// The register as someone holding a copy reads it (see `common::raw_register`).
async fn raw_register(db: &TestDb) -> String {
    crate::common::raw_register(
        db,
        &[
            "risk_assessments",
            "support_plans",
            "support_visits",
            "referral_consents",
            "child_pathways",
            "case_comments",
            "cases",
            "record_history",
        ],
    )
    .await
}

const NEEDLES: &[&str] = &[
    "kinama",
    "rumonge",
    "muyinga",
    "gihosha",
    "ndayizeye",
    "nyabenda",
    "bwiza",
    "ngagara",
    "kanyosha",
    "mabayi",
];

store_test!(
    text_about_a_person_is_sealed_and_erased_with_them,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let (case, child) = crate::pathways::case_with(s, &w, 15).await;
        let plan_text = "Cachée au foyer de Kinama, portail bleu";
        let risk = s
            .record_risk_assessment(
                &system(),
                Uuid::now_v7(),
                case.id,
                child.id,
                &AssessmentForm {
                    kind: "security".into(),
                    likelihood: "3".into(),
                    impact: "minor".into(),
                    factors: vec!["sec_address_known".into()],
                    safety_plan: plan_text.into(),
                },
                None,
            )
            .await
            .unwrap();
        let today = chrono::Utc::now().date_naive();
        let form = PlanForm {
            types: vec!["Health".into()],
            objectives: "Retour chez sa grand-mère à Rumonge".into(),
            action_plan: String::new(),
            planned_end: String::new(),
            reflection_start: (today - chrono::Duration::days(3)).to_string(),
            reflection_days: String::new(),
        };
        let plan = s
            .create_support_plan(&system(), Uuid::now_v7(), case.id, child.id, &form, None)
            .await
            .unwrap();
        let moved = PlanForm {
            objectives: "Retour chez son oncle à Muyinga".into(),
            ..form
        };
        let plan = s
            .update_support_plan(&system(), plan.id, plan.version, &moved, None)
            .await
            .unwrap();
        s.record_support_visit(
            &system(),
            Uuid::now_v7(),
            plan.id,
            &VisitForm {
                visited_on: today.to_string(),
                visited_by: "Assistante sociale".into(),
                notes: "Vue à l'école de Gihosha".into(),
            },
        )
        .await
        .unwrap();
        let shelter = org("Maison d'accueil");
        s.create_organisation(&system(), &shelter).await.unwrap();
        s.record_referral_consent(
            &system(),
            tabara_core::ids::ReferralConsentId::new(),
            case.id,
            child.id,
            &tabara_core::referral::Consent {
                given_by: ConsentGiver::Guardian,
                ..crate::referrals::consent_to(shelter.id)
            },
        )
        .await
        .unwrap();
        let p = s.child_pathway(case.id, child.id).await.unwrap().unwrap();
        let guardian = Guardian::Named {
            kind: GuardianKind::Relative,
            name: "Nyabenda Espérance".into(),
        };
        let p = s
            .pathway_step(
                &system(),
                Role::Officer,
                case.id,
                child.id,
                p.version,
                &PathwayStep::Guardian(guardian.clone()),
            )
            .await
            .unwrap();
        let summary = "Famille élargie à Bwiza, prête à l'accueillir";
        s.pathway_step(
            &system(),
            Role::ChildProtection,
            case.id,
            child.id,
            p.version,
            &PathwayStep::BestInterests(BestInterests {
                solution: DurableSolution::FamilyReunification,
                views_heard: true,
                summary: summary.into(),
            }),
        )
        .await
        .unwrap();

        s.add_comment(&system(), case.id, "Vue près du marché de Ngagara")
            .await
            .unwrap();
        // A case's facts in free words, changed once (the history keeps both).
        let other = open_case(s, &w, "2026-01-12").await;
        let mut edited = s.case(other.id).await.unwrap();
        edited.facts.incoming_referral_details = Some("Signalée par un voisin de Kanyosha".into());
        edited.version = s.update_case(&system(), &edited).await.unwrap();
        edited.facts.incoming_referral_details = Some("Signalée par sa tante de Mabayi".into());
        edited.version = s.update_case(&system(), &edited).await.unwrap();
        assert_eq!(s.case(other.id).await.unwrap(), edited);
        let case_history = s.history("case", &other.id.to_string()).await.unwrap();
        assert_eq!(
            case_history[1].changes["incoming_referral_details"],
            serde_json::json!([
                "Signalée par un voisin de Kanyosha",
                "Signalée par sa tante de Mabayi"
            ])
        );
        assert_eq!(
            s.case_details(other.id, 10).await.unwrap().history[1].changes,
            case_history[1].changes
        );

        // The pages read every word back.
        let latest = s.latest_risk_assessments(case.id, child.id).await.unwrap();
        assert_eq!(latest[0].assessment.safety_plan.as_deref(), Some(plan_text));
        assert_eq!(s.risk_assessment(risk.id).await.unwrap(), risk);
        let read = s.support_plan(plan.id).await.unwrap();
        assert_eq!(read.facts.objectives, "Retour chez son oncle à Muyinga");
        let follow = s.support_follow_up(plan.id, 10).await.unwrap();
        assert_eq!(
            follow.visits[0].entry.notes.as_deref(),
            Some("Vue à l'école de Gihosha")
        );
        let consents = s.referral_consents(case.id, child.id).await.unwrap();
        assert_eq!(
            consents[0].consent.witness.as_deref(),
            Some("Assistante sociale Ndayizeye")
        );
        let p = s.child_pathway(case.id, child.id).await.unwrap().unwrap();
        assert_eq!(p.pathway.guardian, Some(guardian));
        assert_eq!(p.pathway.best_interests.as_ref().unwrap().summary, summary);
        assert_eq!(
            s.comments(case.id).await.unwrap()[0].body,
            "Vue près du marché de Ngagara"
        );
        assert_eq!(
            s.case_details(case.id, 10).await.unwrap().comments[0].body,
            "Vue près du marché de Ngagara"
        );
        let history = s
            .history("support_plan", &plan.id.to_string())
            .await
            .unwrap();
        assert_eq!(
            history[0].changes["objectives"],
            serde_json::json!([
                "Retour chez sa grand-mère à Rumonge",
                "Retour chez son oncle à Muyinga"
            ]),
            "the plan's history opens with the person's key"
        );

        // The person's access report gives it all to them.
        let report = s.access_report(&system(), child.id).await.unwrap();
        assert_eq!(
            report.risk_assessments[0].assessment.safety_plan.as_deref(),
            Some(plan_text)
        );
        assert_eq!(
            report.support[0].plan.facts.objectives,
            "Retour chez son oncle à Muyinga"
        );
        assert_eq!(
            report.support[0].follow_up.visits[0].entry.notes.as_deref(),
            Some("Vue à l'école de Gihosha")
        );
        assert_eq!(
            report.pathways[0]
                .pathway
                .best_interests
                .as_ref()
                .unwrap()
                .summary,
            summary
        );

        // A copy of the register holds none of it.
        let raw = raw_register(&db).await;
        for needle in NEEDLES {
            assert!(!raw.contains(needle), "{needle} is in the register");
        }

        // Erased, nothing of it opens any more.
        s.erase_person(&system(), child.id, ErasureGround::SubjectRequest)
            .await
            .unwrap();
        let latest = s.latest_risk_assessments(case.id, child.id).await.unwrap();
        assert_eq!(latest[0].assessment.safety_plan.as_deref(), Some(""));
        assert_eq!(s.support_plan(plan.id).await.unwrap().facts.objectives, "");
        let follow = s.support_follow_up(plan.id, 10).await.unwrap();
        assert_eq!(follow.visits[0].entry.notes.as_deref(), Some(""));
        let p = s.child_pathway(case.id, child.id).await.unwrap().unwrap();
        assert!(matches!(
            p.pathway.guardian,
            Some(Guardian::Named { ref name, .. }) if name.is_empty()
        ));
        let history = s
            .history("support_plan", &plan.id.to_string())
            .await
            .unwrap();
        assert_eq!(history[0].changes, serde_json::Value::Null);
        // Nothing more is recorded about them.
        assert_invalid(
            s.record_support_visit(
                &system(),
                Uuid::now_v7(),
                plan.id,
                &VisitForm {
                    visited_on: today.to_string(),
                    visited_by: "Assistante sociale".into(),
                    notes: "encore".into(),
                },
            )
            .await,
            "prs_Identity",
            "erased",
        );
        db.finish().await
    }
);

store_test!(
    an_older_registers_text_is_sealed_when_it_opens,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let (case, child) = crate::pathways::case_with(s, &w, 15).await;
        let today = chrono::Utc::now().date_naive();
        let plan = s
            .create_support_plan(
                &system(),
                Uuid::now_v7(),
                case.id,
                child.id,
                &PlanForm {
                    types: vec!["Health".into()],
                    objectives: "Soins".into(),
                    action_plan: String::new(),
                    planned_end: String::new(),
                    reflection_start: today.to_string(),
                    reflection_days: String::new(),
                },
                None,
            )
            .await
            .unwrap();
        s.add_comment(&system(), case.id, "Premier contact")
            .await
            .unwrap();
        let plan_id = match db.sqlite_path() {
            Some(_) => format!("x'{}'", plan.id.simple()),
            None => format!("'{}'", plan.id),
        };
        // As a register from before sealing holds it: the text plain, its history plain, and
        // no mark that it was sealed.
        tamper_all(
            &db,
            &[
                format!(
                    "UPDATE support_plans SET objectives = 'Hébergée à Kayanza' WHERE id = \
                        {plan_id}"
                ),
                format!(
                    "INSERT INTO record_history (record_kind, record_id, version, actor, \
                        changed_at, changes) VALUES ('support_plan', '{}', 2, 'system:test', \
                        '2026-01-01T00:00:00+00:00', '{{\"objectives\": [\"Ngozi\", \"Kayanza\"]}}')",
                    plan.id
                ),
                "UPDATE case_comments SET body = 'Vu à Mutimbuzi'".to_string(),
                "UPDATE cases SET incoming_referral_details = 'Vue à Buterere'".to_string(),
                "DELETE FROM register_keys WHERE purpose = 'texts sealed'".to_string(),
            ],
        )
        .await;
        let reopened = Store::open(&db.location, OpenMode::Existing, db.master_key())
            .await
            .unwrap();
        assert_eq!(
            reopened
                .support_plan(plan.id)
                .await
                .unwrap()
                .facts
                .objectives,
            "Hébergée à Kayanza"
        );
        let history = reopened
            .history("support_plan", &plan.id.to_string())
            .await
            .unwrap();
        assert_eq!(
            history[0].changes,
            serde_json::json!({"objectives": ["Ngozi", "Kayanza"]})
        );
        assert_eq!(
            reopened.comments(case.id).await.unwrap()[0].body,
            "Vu à Mutimbuzi"
        );
        assert_eq!(
            reopened
                .case(case.id)
                .await
                .unwrap()
                .facts
                .incoming_referral_details
                .as_deref(),
            Some("Vue à Buterere")
        );
        reopened.close().await;
        let raw = raw_register(&db).await;
        for needle in ["kayanza", "ngozi", "mutimbuzi", "buterere"] {
            assert!(!raw.contains(needle), "{needle} is still in the register");
        }
        db.finish().await
    }
);
