//! Tests of the suggestion, the assessment form, the reassessment policy and the alerts.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;

use super::*;
use crate::Picklist;
use crate::records::MAX_LONG_TEXT;
use crate::validation::ValidationErrors;

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 9, 30, 0).unwrap()
}

fn ids(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn form(kind: &str, l: &str, i: &str, factors: &[&str], plan: &str) -> AssessmentForm {
    AssessmentForm {
        kind: kind.into(),
        likelihood: l.into(),
        impact: i.into(),
        factors: factors.iter().map(|s| s.to_string()).collect(),
        safety_plan: plan.into(),
    }
}

fn check(f: &AssessmentForm, child: bool) -> Result<Assessment, ValidationErrors> {
    f.validate(&AssessmentContext {
        factors: shipped(),
        policy: &ReassessmentPolicy::default(),
        child,
        assessed_at: at(),
    })
}

#[track_caller]
fn rules(r: Result<Assessment, ValidationErrors>) -> Vec<(&'static str, &'static str)> {
    r.expect_err("refused")
        .0
        .iter()
        .map(|e| (e.field, e.rule))
        .collect()
}

#[test]
fn no_factor_suggests_the_lowest_cell() {
    let s = suggest(shipped(), RiskKind::Security, &BTreeSet::new(), false);
    assert_eq!(s.cell, Cell::new(Likelihood::Rare, Impact::Negligible));
    assert!(s.reasons.is_empty());
}

#[test]
fn each_factor_adds_a_step_on_what_it_raises_and_a_child_raises_impact() {
    let present = ids(&[
        "sec_address_known",     // likelihood
        "sec_violent_suspect",   // both
        "sec_cooperating",       // likelihood
        "ret_debt",              // another kind: ignored
        "sec_not_a_real_factor", // unknown: ignored
    ]);
    let s = suggest(shipped(), RiskKind::Security, &present, false);
    assert_eq!(s.cell, Cell::new(Likelihood::Likely, Impact::Minor));
    assert_eq!(s.cell.level(), RiskLevel::Medium);
    // In the file's order, each with what it raised.
    assert_eq!(
        s.reasons,
        vec![
            SuggestionReason::Factor {
                factor: "sec_address_known".into(),
                raises: Raises::Likelihood
            },
            SuggestionReason::Factor {
                factor: "sec_violent_suspect".into(),
                raises: Raises::Both
            },
            SuggestionReason::Factor {
                factor: "sec_cooperating".into(),
                raises: Raises::Likelihood
            },
        ]
    );
    let child = suggest(shipped(), RiskKind::Security, &present, true);
    assert_eq!(child.cell, Cell::new(Likelihood::Likely, Impact::Moderate));
    assert_eq!(child.cell.level(), RiskLevel::High);
    assert_eq!(child.reasons.last(), Some(&SuggestionReason::Child));
}

#[test]
fn the_suggestion_is_capped_and_says_so() {
    let all: BTreeSet<String> = shipped()
        .of_kind(RiskKind::Security)
        .map(|f| f.id.clone())
        .collect();
    let s = suggest(shipped(), RiskKind::Security, &all, true);
    assert_eq!(
        s.cell,
        Cell::new(Likelihood::AlmostCertain, Impact::LifeThreatening)
    );
    assert!(s.reasons.contains(&SuggestionReason::LikelihoodCapped));
    // Security has four factors raising impact, plus the child: 1 + 5 = 6, capped.
    assert!(s.reasons.contains(&SuggestionReason::ImpactCapped));
    let r = suggest(shipped(), RiskKind::ReTrafficking, &BTreeSet::new(), true);
    assert_eq!(r.cell, Cell::new(Likelihood::Rare, Impact::Minor));
    assert_eq!(r.reasons, vec![SuggestionReason::Child]);
}

#[test]
fn a_checked_assessment_keeps_the_choice_the_suggestion_and_the_due_date() {
    let a = check(
        &form(
            "re_trafficking",
            "4",
            "major",
            &[" ret_debt ", "ret_stigma", "ret_debt"],
            "  Weekly visit by the caseworker; phone number changed.\n",
        ),
        false,
    )
    .unwrap();
    assert_eq!(a.kind, RiskKind::ReTrafficking);
    assert_eq!(a.cell, Cell::new(Likelihood::Likely, Impact::Major));
    assert_eq!((a.score(), a.level), (16, RiskLevel::High));
    assert_eq!(a.factors, ids(&["ret_debt", "ret_stigma"]));
    assert_eq!(
        a.suggested.cell,
        Cell::new(Likelihood::Possible, Impact::Negligible)
    );
    assert!(a.departs_from_suggestion());
    assert_eq!(
        a.safety_plan.as_deref(),
        Some("Weekly visit by the caseworker; phone number changed.")
    );
    assert_eq!(a.factors_version, "2026.1");
    assert_eq!(a.assessed_at, at());
    assert_eq!(a.reassess_by, at() + Duration::days(14));
    assert!(!a.is_due(at() + Duration::days(13)));
    assert!(a.is_due(at() + Duration::days(14)));
    assert_eq!(
        a.alerts(),
        Alerts {
            caseworker: true,
            investigator: true
        }
    );
    let m = a.layout();
    let chosen: Vec<_> = m.cells.iter().filter(|c| c.chosen).collect();
    assert_eq!(chosen.len(), 1);
    assert_eq!(chosen[0].cell, a.cell);
    assert!(
        m.cells
            .iter()
            .any(|c| c.suggested && c.cell == a.suggested.cell)
    );
}

#[test]
fn low_and_medium_alert_nobody_and_need_no_plan() {
    let a = check(&form("security", "rare", "3", &[], " "), false).unwrap();
    assert_eq!(a.level, RiskLevel::Low);
    assert_eq!(a.safety_plan, None);
    assert!(!a.alerts().any());
    assert_eq!(a.reassess_by, at() + Duration::days(90));
    let m = check(&form("security", "3", "3", &[], ""), false).unwrap();
    assert_eq!(
        (m.level, m.reassess_by),
        (RiskLevel::Medium, at() + Duration::days(30))
    );
    let c = check(
        &form("security", "5", "5", &[], "Moved to a shelter."),
        false,
    )
    .unwrap();
    assert_eq!(
        (c.level, c.reassess_by),
        (RiskLevel::Critical, at() + Duration::days(7))
    );
    assert!(c.alerts().caseworker && c.alerts().investigator);
}

#[test]
fn every_broken_rule_is_named_by_field_and_rule() {
    assert_eq!(
        rules(check(&form("", "", "", &[], ""), false)),
        vec![
            ("risk_Kind", "required"),
            ("risk_Likelihood", "required"),
            ("risk_Impact", "required"),
        ]
    );
    assert_eq!(
        rules(check(&form("weather", "0", "6", &["nope"], ""), false)),
        vec![
            ("risk_Kind", "unknown"),
            ("risk_Likelihood", "range"),
            ("risk_Impact", "range"),
            ("risk_Factor", "unknown"),
        ]
    );
    assert_eq!(
        rules(check(&form("security", "huge", "-1", &[], ""), false)),
        vec![("risk_Likelihood", "range"), ("risk_Impact", "range")]
    );
    assert_eq!(
        rules(check(
            &form("security", "2", "2", &["ret_debt", "sec_debt"], ""),
            false
        )),
        vec![("risk_Factor", "wrong_kind")]
    );
    assert_eq!(
        rules(check(&form("security", "4", "5", &[], "  \n "), false)),
        vec![("risk_SafetyPlan", "required")]
    );
    assert_eq!(
        rules(check(
            &form("security", "1", "1", &[], "a\u{1b}[31m"),
            false
        )),
        vec![("risk_SafetyPlan", "control_characters")]
    );
    let long = "x".repeat(MAX_LONG_TEXT + 1);
    assert_eq!(
        rules(check(&form("security", "1", "1", &[], &long), false)),
        vec![("risk_SafetyPlan", "max_length")]
    );
    // At the limit, with line breaks, a plan passes.
    let at_limit = format!("{}\n{}", "x".repeat(10), "y".repeat(MAX_LONG_TEXT - 11));
    assert!(check(&form("security", "1", "1", &[], &at_limit), false).is_ok());
    // The message names the factor id, escaped, never more.
    let e = check(&form("security", "1", "1", &["a\u{7}"], ""), false).unwrap_err();
    assert!(e.0[0].message.contains("a\\u{7}"), "{}", e.0[0].message);
}

#[test]
fn the_default_policy_is_the_documented_one_and_valid() {
    let p = ReassessmentPolicy::default();
    let days: Vec<u16> = RiskLevel::ALL.iter().map(|l| p.days(*l)).collect();
    assert_eq!(days, vec![90, 30, 14, 7]);
    assert!(p.validate().is_ok());
}

#[test]
fn a_policy_out_of_range_or_out_of_order_is_refused() {
    let zero = ReassessmentPolicy {
        critical: 0,
        ..Default::default()
    };
    let e = zero.validate().unwrap_err();
    assert_eq!(
        (e.0[0].field, e.0[0].rule),
        ("risk_ReassessmentDays", "range")
    );
    assert_eq!(e.0.len(), 1);
    let long = ReassessmentPolicy {
        low: MAX_REASSESSMENT_DAYS + 1,
        ..Default::default()
    };
    assert_eq!(long.validate().unwrap_err().0[0].rule, "range");
    let inverted = ReassessmentPolicy {
        high: 40,
        ..Default::default()
    };
    let e = inverted.validate().unwrap_err();
    assert_eq!(
        e.0.iter().map(|x| x.rule).collect::<Vec<_>>(),
        vec!["order"]
    );
    assert!(e.0[0].message.contains("high waits longer than medium"));
    // Equal delays are allowed.
    let flat = ReassessmentPolicy {
        low: 7,
        medium: 7,
        high: 7,
        critical: 7,
    };
    assert!(flat.validate().is_ok());
}

fn step_name() -> impl Strategy<Value = String> {
    prop_oneof![
        (1u8..=5).prop_map(|n| n.to_string()),
        (0usize..5).prop_map(|i| Likelihood::ALL[i].as_str().to_string()),
    ]
}

proptest! {
    #[test]
    fn adding_a_factor_or_being_a_child_never_lowers_the_suggestion(
        kind in prop::sample::select(RiskKind::ALL.to_vec()),
        picks in prop::collection::vec(any::<bool>(), 21),
        extra in 0usize..21,
        child in any::<bool>(),
    ) {
        let all: Vec<&Factor> = shipped().factors.iter().collect();
        let mut present: BTreeSet<String> = all
            .iter()
            .zip(&picks)
            .filter(|(_, p)| **p)
            .map(|(f, _)| f.id.clone())
            .collect();
        let before = suggest(shipped(), kind, &present, child);
        let as_child = suggest(shipped(), kind, &present, true);
        present.insert(all[extra].id.clone());
        let after = suggest(shipped(), kind, &present, child);
        for s in [&as_child, &after] {
            prop_assert!(s.cell.likelihood >= before.cell.likelihood);
            prop_assert!(s.cell.impact >= before.cell.impact);
            prop_assert!(s.cell.level() >= before.cell.level());
        }
        // One factor reason per factor present of this kind.
        let counted = after
            .reasons
            .iter()
            .filter(|r| matches!(r, SuggestionReason::Factor { .. }))
            .count();
        prop_assert_eq!(counted, shipped().of_kind(kind).filter(|f| present.contains(&f.id)).count());
    }

    #[test]
    fn the_plan_is_required_exactly_from_high_and_alerts_follow_the_level(
        l in step_name(),
        i in 1u8..=5,
        plan in prop_oneof![Just(String::new()), "[a-z ]{1,40}"],
    ) {
        let f = form("security", &l, &i.to_string(), &[], &plan);
        let expected = Cell::new(
            Likelihood::parse_step(&l).unwrap(),
            Impact::from_step(i).unwrap(),
        );
        let high = expected.level() >= RiskLevel::High;
        match check(&f, false) {
            Ok(a) => {
                prop_assert_eq!(a.cell, expected);
                prop_assert_eq!(a.level, expected.level());
                prop_assert_eq!(a.alerts().any(), high);
                prop_assert!(!high || a.safety_plan.is_some());
            }
            Err(e) => {
                prop_assert!(high && plan.trim().is_empty());
                prop_assert_eq!(rules(Err(e)), vec![("risk_SafetyPlan", "required")]);
            }
        }
    }

    #[test]
    fn under_any_valid_policy_a_higher_level_is_never_due_later(
        days in prop::collection::vec(1u16..=MAX_REASSESSMENT_DAYS, 4),
        minutes in 0i64..1_000_000,
    ) {
        let p = ReassessmentPolicy { low: days[0], medium: days[1], high: days[2], critical: days[3] };
        let from = at() + Duration::minutes(minutes);
        if p.validate().is_ok() {
            for pair in RiskLevel::ALL.windows(2) {
                prop_assert!(p.due(pair[1], from) <= p.due(pair[0], from));
            }
        } else {
            // Within the range, only the order can be wrong.
            prop_assert!(days.windows(2).any(|w| w[1] > w[0]));
        }
        for level in RiskLevel::ALL {
            prop_assert!(p.due(*level, from) > from);
        }
    }
}
