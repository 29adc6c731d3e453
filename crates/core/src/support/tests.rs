use chrono::NaiveDate;

use super::*;
use crate::Picklist;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

const TODAY: &str = "2026-06-30";

fn rules(e: &ValidationErrors) -> Vec<(&'static str, &'static str)> {
    e.0.iter().map(|e| (e.field, e.rule)).collect()
}

fn plan() -> PlanForm {
    PlanForm {
        types: vec!["Health".into(), "Legal".into(), "Health".into()],
        objectives: "  Soins, hébergement sûr, aide juridique.  ".into(),
        action_plan: String::new(),
        planned_end: "2026-12-31".into(),
        reflection_start: "2026-06-01".into(),
        reflection_days: String::new(),
    }
}

#[test]
fn a_plan_takes_the_default_reflection_period_and_computes_its_end() {
    let p = plan()
        .validate(d(TODAY), &ReflectionPolicy::default())
        .unwrap();
    assert_eq!(p.types.len(), 2, "repeats count once");
    assert_eq!(p.objectives, "Soins, hébergement sûr, aide juridique.");
    assert_eq!(p.action_plan, None);
    assert_eq!(p.reflection.days, 30);
    // Thirty days from the first of June, that day counted: the 30th.
    assert_eq!(p.reflection.ends_on(), d("2026-06-30"));
    assert!(p.reflection.is_running(d("2026-06-30")));
    assert!(!p.reflection.is_running(d("2026-07-01")));
    assert_eq!(p.reflection.days_left(d("2026-06-20")), 10);
    assert_eq!(p.reflection.days_left(d("2026-08-01")), 0);
    // A deployment that gives 90 days, and a plan that says its own length.
    let long = ReflectionPolicy { default_days: 90 };
    assert!(long.validate().is_ok());
    assert_eq!(
        plan().validate(d(TODAY), &long).unwrap().reflection.days,
        90
    );
    let own = PlanForm {
        reflection_days: "45".into(),
        ..plan()
    };
    let p = own.validate(d(TODAY), &long).unwrap();
    assert_eq!(p.reflection.ends_on(), d("2026-07-15"));
    // The form of a stored plan gives the same plan back.
    assert_eq!(PlanForm::of(&p).validate(d(TODAY), &long).unwrap(), p);
    assert_eq!(
        rules(&ReflectionPolicy { default_days: 0 }.validate().unwrap_err()),
        [("spl_ReflectionDays", "range")]
    );
}

#[test]
fn a_plan_with_every_rule_broken() {
    let bad = PlanForm {
        types: vec!["Housing".into()],
        objectives: " ".into(),
        action_plan: "a\u{1b}b".into(),
        planned_end: "2026-05-01".into(),
        reflection_start: "2026-07-01".into(),
        reflection_days: "400".into(),
    };
    let e = bad
        .validate(d(TODAY), &ReflectionPolicy::default())
        .unwrap_err();
    assert_eq!(
        rules(&e),
        [
            ("spl_Type", "picklist"),
            ("spl_Objectives", "required"),
            ("spl_ActionPlan", "control_characters"),
            ("spl_ReflectionStart", "date_range"),
            ("spl_ReflectionDays", "range"),
        ]
    );
    let e = PlanForm {
        types: vec![],
        reflection_start: String::new(),
        reflection_days: "a month".into(),
        planned_end: "31/12/2026".into(),
        ..plan()
    }
    .validate(d(TODAY), &ReflectionPolicy::default())
    .unwrap_err();
    assert_eq!(
        rules(&e),
        [
            ("spl_Type", "required"),
            ("spl_ReflectionStart", "required"),
            ("spl_ReflectionDays", "integer"),
            ("spl_PlannedEndDate", "date"),
        ]
    );
    let e = PlanForm {
        planned_end: "2026-05-31".into(),
        objectives: "x".repeat(crate::records::MAX_LONG_TEXT + 1),
        ..plan()
    }
    .validate(d(TODAY), &ReflectionPolicy::default())
    .unwrap_err();
    assert_eq!(
        rules(&e),
        [
            ("spl_Objectives", "max_length"),
            ("spl_PlannedEndDate", "after_start")
        ]
    );
}

#[test]
fn services_visits_steps_and_closure() {
    let today = d(TODAY);
    let s = ServiceForm {
        service: "medical".into(),
        delivered_on: "2026-06-02".into(),
        provided_by: "Dr Ndayishimiye".into(),
        ..Default::default()
    }
    .validate(today)
    .unwrap();
    assert_eq!(s.service, ServiceType::Medical);
    assert_eq!(s.organisation_id, None);
    // Who delivered: an organisation, words, or both; neither is refused.
    let e = ServiceForm {
        service: "spa".into(),
        delivered_on: "2026-07-02".into(),
        ..Default::default()
    }
    .validate(today)
    .unwrap_err();
    assert_eq!(
        rules(&e),
        [
            ("sps_Service", "picklist"),
            ("sps_DeliveredOn", "date_range"),
            ("sps_ProvidedBy", "required"),
        ]
    );
    let org = crate::ids::OrganisationId::new();
    let s = ServiceForm {
        service: "shelter".into(),
        delivered_on: "2026-06-02".into(),
        organisation: org.to_string(),
        ..Default::default()
    }
    .validate(today)
    .unwrap();
    assert_eq!((s.organisation_id, s.provided_by), (Some(org), None));
    let e = ServiceForm {
        service: "shelter".into(),
        delivered_on: "2026-06-02".into(),
        organisation: "OIM".into(),
        ..Default::default()
    }
    .validate(today)
    .unwrap_err();
    assert_eq!(rules(&e), [("sps_Organisation", "unknown")]);

    let v = VisitForm {
        visited_on: "2026-06-15".into(),
        visited_by: "Assistante sociale".into(),
        notes: "Va bien.\nÉcole reprise.".into(),
    }
    .validate(today)
    .unwrap();
    assert_eq!(v.notes.as_deref(), Some("Va bien.\nÉcole reprise."));
    let e = VisitForm {
        visited_on: String::new(),
        visited_by: " ".into(),
        notes: "x".repeat(MAX_VISIT_NOTES + 1),
    }
    .validate(today)
    .unwrap_err();
    assert_eq!(
        rules(&e),
        [
            ("spv_VisitedOn", "required"),
            ("spv_VisitedBy", "required"),
            ("spv_Notes", "max_length"),
        ]
    );

    let s = StepForm {
        step: "returned".into(),
        on: "2026-06-20".into(),
        note: String::new(),
    }
    .validate(today)
    .unwrap();
    assert_eq!(s.step, ReintegrationStepKind::Returned);
    let e = StepForm::default().validate(today).unwrap_err();
    assert_eq!(
        rules(&e),
        [("spr_Step", "required"), ("spr_On", "required")]
    );

    let started = d("2026-06-01");
    let c = ClosureForm {
        reason: "reintegrated".into(),
        ..Default::default()
    }
    .validate(today, started)
    .unwrap();
    assert_eq!(
        (c.reason, c.closed_on),
        (ClosureReason::Reintegrated, today)
    );
    let e = ClosureForm {
        reason: "other".into(),
        note: String::new(),
        closed_on: "2026-05-01".into(),
    }
    .validate(today, started)
    .unwrap_err();
    assert_eq!(
        rules(&e),
        [
            ("spl_ClosureNote", "required"),
            ("spl_ActualEndDate", "after_start")
        ]
    );
    let e = ClosureForm::default().validate(today, started).unwrap_err();
    assert_eq!(rules(&e), [("spl_ClosureReason", "required")]);
}

/// Assistance never depends on cooperation with the police or the prosecution: no field of
/// the plan's types, no value of its lists and no word of their labels speaks of it. The
/// source of the module is read, so a field added later is caught too.
#[test]
fn no_field_or_value_names_cooperation() {
    const WORDS: [&str; 9] = [
        "police",
        "cooperat",
        "coopérat",
        "coopere",
        "prosecut",
        "testif",
        "témoign",
        "complaint",
        "law_enforcement",
    ];
    let source = [include_str!("mod.rs"), include_str!("forms.rs")];
    let mut fields = Vec::new();
    for text in source {
        for line in text.lines().map(str::trim) {
            if let Some(rest) = line.strip_prefix("pub ")
                && let Some((name, _)) = rest.split_once(':')
                && !name.contains(' ')
                && !name.contains('(')
            {
                fields.push(name.to_lowercase());
            }
        }
    }
    assert!(fields.len() > 20, "the scan found the fields: {fields:?}");
    assert!(fields.contains(&"reflection".to_string()));
    let mut values: Vec<String> = Vec::new();
    for v in ClosureReason::ALL {
        values.push(v.value_name().to_lowercase());
        values.push(v.label(crate::Lang::En).to_lowercase());
        values.push(v.label(crate::Lang::Fr).to_lowercase());
    }
    for v in ReintegrationStepKind::ALL {
        values.push(v.value_name().to_lowercase());
        values.push(v.label(crate::Lang::En).to_lowercase());
        values.push(v.label(crate::Lang::Fr).to_lowercase());
    }
    for name in fields.iter().chain(values.iter()) {
        for w in WORDS {
            assert!(!name.contains(w), "'{name}' speaks of {w}");
        }
    }
}
