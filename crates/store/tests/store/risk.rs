//! Victim risk assessments: recording (checked by core), history, latest per kind, due list.

use chrono::{Duration, Utc};
use tabara_core::risk::{
    AssessmentForm, Impact, Likelihood, ReassessmentPolicy, RiskKind, RiskLevel, SuggestionReason,
};
use uuid::Uuid;

use crate::common::*;

fn form(
    kind: &str,
    likelihood: &str,
    impact: &str,
    factors: &[&str],
    plan: &str,
) -> AssessmentForm {
    AssessmentForm {
        kind: kind.into(),
        likelihood: likelihood.into(),
        impact: impact.into(),
        factors: factors.iter().map(|f| f.to_string()).collect(),
        safety_plan: plan.into(),
    }
}

/// A case with one adult victim.
async fn victim_case(s: &Store) -> (World, Case, Person) {
    let w = world(s).await;
    let p = add_person(s, &w, "Aline", "Niyonkuru").await;
    let case = open_case(s, &w, "2026-01-10").await;
    involve_victim(s, case.id, p.id).await;
    (w, case, p)
}

store_test!(risk_record_history_and_latest, |db| async move {
    let s = &db.store;
    let (_, case, p) = victim_case(s).await;
    let factors = ["sec_address_known", "sec_organised_network"];
    let first = s
        .record_risk_assessment(
            &system(),
            Uuid::now_v7(),
            case.id,
            p.id,
            &form("security", "3", "minor", &factors, ""),
            None,
        )
        .await
        .unwrap();
    let a = &first.assessment;
    assert_eq!((a.kind, a.level), (RiskKind::Security, RiskLevel::Medium));
    assert_eq!(
        (a.cell.likelihood, a.cell.impact),
        (Likelihood::Possible, Impact::Minor)
    );
    assert_eq!(a.factors.len(), 2);
    // The suggestion: one step per factor on each axis it raises; an adult adds nothing.
    assert_eq!(a.suggested.cell, a.cell);
    assert_eq!(a.suggested.reasons.len(), 2);
    assert_eq!(a.safety_plan, None);
    // The default policy: a medium risk is reassessed in 30 days.
    assert_eq!(a.reassess_by - a.assessed_at, Duration::days(30));
    assert_eq!(first.assessed_by, system().as_str());
    // What is read is what was recorded.
    assert_eq!(s.risk_assessment(first.id).await.unwrap(), first);
    assert_eq!(
        trail_actions(s, "risk_assessment", &first.id.to_string()).await,
        ["risk_assessment.record"]
    );

    let re = s
        .record_risk_assessment(
            &system(),
            Uuid::now_v7(),
            case.id,
            p.id,
            &form("re_trafficking", "1", "1", &["ret_debt"], ""),
            None,
        )
        .await
        .unwrap();
    let plan = "Hébergement sécurisé, numéro d'urgence, escorte aux audiences";
    let again = s
        .record_risk_assessment(
            &system(),
            Uuid::now_v7(),
            case.id,
            p.id,
            &form("security", "almost_certain", "5", &factors, plan),
            None,
        )
        .await
        .unwrap();
    assert_eq!(again.assessment.level, RiskLevel::Critical);
    assert_eq!(again.assessment.safety_plan.as_deref(), Some(plan));
    assert!(again.assessment.alerts().any());

    // History: newest first, bounded.
    let history = s.risk_history(case.id, p.id, 10).await.unwrap();
    let ids: Vec<Uuid> = history.iter().map(|r| r.id).collect();
    assert_eq!(ids, [again.id, re.id, first.id]);
    assert_eq!(s.risk_history(case.id, p.id, 2).await.unwrap().len(), 2);
    // Latest per kind, in the order of the kinds.
    let latest = s.latest_risk_assessments(case.id, p.id).await.unwrap();
    assert_eq!(latest, [again.clone(), re.clone()]);
    // Another case of the same person has its own history.
    let other = open_case(s, &world(s).await, "2026-02-01").await;
    assert!(s.risk_history(other.id, p.id, 10).await.unwrap().is_empty());
    assert!(
        s.latest_risk_assessments(other.id, p.id)
            .await
            .unwrap()
            .is_empty()
    );
});

store_test!(risk_child_raises_the_suggested_impact, |db| async move {
    let s = &db.store;
    let w = world(s).await;
    let mut child = add_person(s, &w, "Divine", "Irakoze").await;
    child.facts.age_at_registration = Some(15);
    s.update_person(&system(), &child).await.unwrap();
    let case = open_case(s, &w, "2026-01-10").await;
    involve_victim(s, case.id, child.id).await;
    let r = s
        .record_risk_assessment(
            &system(),
            Uuid::now_v7(),
            case.id,
            child.id,
            &form("security", "1", "1", &[], ""),
            None,
        )
        .await
        .unwrap();
    let suggested = &r.assessment.suggested;
    assert_eq!(suggested.reasons, [SuggestionReason::Child]);
    assert_eq!(suggested.cell.impact, Impact::Minor);
    // The caseworker chose another cell than suggested; both are kept.
    assert!(r.assessment.departs_from_suggestion());
    assert_eq!(s.risk_assessment(r.id).await.unwrap(), r);
});

store_test!(risk_refusals_write_nothing, |db| async move {
    let s = &db.store;
    let (w, case, p) = victim_case(s).await;
    let stranger = add_person(s, &w, "Jean", "Ndikumana").await;
    let suspected = add_person(s, &w, "Eric", "Hakizimana").await;
    s.add_case_person(
        &system(),
        case.id,
        suspected.id,
        &suspect(&[RoleInProcess::RecruiterOrIntermediary], None),
    )
    .await
    .unwrap();
    let before = audit_count(s).await;
    let ok = form("security", "2", "2", &[], "");
    let record = |person: PersonId, f: AssessmentForm, policy: Option<ReassessmentPolicy>| async move {
        s.record_risk_assessment(
            &system(),
            Uuid::now_v7(),
            case.id,
            person,
            &f,
            policy.as_ref(),
        )
        .await
    };
    assert_not_found(
        record(stranger.id, ok.clone(), None).await,
        "person of the case",
        &stranger.id.to_string(),
    );
    assert_invalid(
        record(suspected.id, ok.clone(), None).await,
        "risk_Person",
        "victim_only",
    );
    // Core's checks: a high risk needs a safety plan; a factor of the other kind is refused.
    assert_invalid(
        record(p.id, form("security", "4", "4", &[], "  "), None).await,
        "risk_SafetyPlan",
        "required",
    );
    assert_invalid(
        record(p.id, form("security", "1", "1", &["ret_debt"], ""), None).await,
        "risk_Factor",
        "wrong_kind",
    );
    assert_invalid(
        record(p.id, form("", "9", "", &[], ""), None).await,
        "risk_Kind",
        "required",
    );
    // A policy passed in is checked.
    let backwards = ReassessmentPolicy {
        low: 7,
        medium: 14,
        high: 30,
        critical: 90,
    };
    assert_invalid(
        record(p.id, ok.clone(), Some(backwards)).await,
        "risk_ReassessmentDays",
        "order",
    );
    assert_eq!(audit_count(s).await, before);
    assert!(s.risk_history(case.id, p.id, 10).await.unwrap().is_empty());
    // The same id twice is a duplicate.
    let id = Uuid::now_v7();
    s.record_risk_assessment(&system(), id, case.id, p.id, &ok, None)
        .await
        .unwrap();
    assert_duplicate(
        s.record_risk_assessment(&system(), id, case.id, p.id, &ok, None)
            .await,
        "risk assessment",
        &id.to_string(),
    );
    assert_verified(s, before + 1).await;
});

store_test!(
    risk_reassessments_due_are_the_latest_overdue,
    |db| async move {
        let s = &db.store;
        let (w, case, p) = victim_case(s).await;
        let other = add_person(s, &w, "Claudine", "Ndayishimiye").await;
        involve_victim(s, case.id, other.id).await;
        let quick = ReassessmentPolicy {
            low: 2,
            medium: 2,
            high: 1,
            critical: 1,
        };
        let record = |person: PersonId, f: AssessmentForm, policy: ReassessmentPolicy| async move {
            s.record_risk_assessment(
                &system(),
                Uuid::now_v7(),
                case.id,
                person,
                &f,
                Some(&policy),
            )
            .await
            .unwrap()
        };
        let low = form("security", "1", "1", &[], "");
        let high = form("re_trafficking", "4", "4", &[], "Accompagnement quotidien");
        let old = record(p.id, low.clone(), quick).await;
        let p_re = record(p.id, high, quick).await;
        let o_sec = record(other.id, low.clone(), quick).await;
        // The policy passed in sets the dates.
        assert_eq!(
            old.assessment.reassess_by - old.assessment.assessed_at,
            Duration::days(2)
        );
        assert_eq!(
            p_re.assessment.reassess_by - p_re.assessment.assessed_at,
            Duration::days(1)
        );
        let now = Utc::now();
        assert!(s.risk_reassessments_due(now, 10).await.unwrap().is_empty());
        let due = |at| async move {
            s.risk_reassessments_due(at, 10)
                .await
                .unwrap()
                .into_iter()
                .map(|r| r.id)
                .collect::<Vec<_>>()
        };
        // In a day and a half only the high one is due; in three days all, longest overdue first.
        assert_eq!(due(now + Duration::hours(36)).await, [p_re.id]);
        assert_eq!(
            due(now + Duration::days(3)).await,
            [p_re.id, old.id, o_sec.id]
        );
        // A reassessment supersedes the earlier one of its kind: only the latest can be due.
        let newer = record(p.id, low, ReassessmentPolicy::default()).await;
        assert_eq!(due(now + Duration::days(3)).await, [p_re.id, o_sec.id]);
        assert_eq!(
            due(now + Duration::days(100)).await,
            [p_re.id, o_sec.id, newer.id]
        );
        // Bounded.
        let one = s
            .risk_reassessments_due(now + Duration::days(100), 1)
            .await
            .unwrap();
        assert_eq!(one.len(), 1);
        // What core says of the assessments listed.
        assert!(one[0].assessment.is_due(now + Duration::days(100)));
    }
);
