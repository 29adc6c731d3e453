//! The engine: answers and age facts in, an [`Evaluation`] out.

use std::collections::BTreeMap;

use super::*;

impl Evaluation {
    fn positive(&self, d: DimensionId) -> bool {
        self.dimensions
            .iter()
            .any(|f| f.dimension == d && f.positive())
    }
}

/// Evaluate the answers given (indicator id → answer; missing ids count as not asked) for a
/// person with these age facts.
pub fn evaluate(
    catalogue: &Catalogue,
    answers: &BTreeMap<String, Answer>,
    age: &AgeFacts,
) -> Evaluation {
    let child = age.child_basis();
    let list = if child.is_some() {
        List::Child
    } else {
        List::Adult
    };
    let answer = |id: &str| answers.get(id).copied().unwrap_or_default();
    let mut reasons = Vec::new();
    if let Some(basis) = &child {
        reasons.push(Reason::Child {
            basis: basis.clone(),
        });
    }
    let act: Vec<String> = catalogue
        .indicators
        .iter()
        .filter(|i| i.dimension == DimensionId::Act && answer(&i.id) == Answer::Yes)
        .map(|i| i.id.clone())
        .collect();
    let mut dimensions = Vec::new();
    let mut any_yes = !act.is_empty();
    for d in DimensionId::ALL
        .into_iter()
        .filter(|d| *d != DimensionId::Act)
    {
        let mut present: Vec<(&Indicator, Weight)> = catalogue
            .indicators
            .iter()
            .filter(|i| i.dimension == d && answer(&i.id) == Answer::Yes)
            .filter_map(|i| i.weight(list).map(|w| (i, w)))
            .collect();
        present.sort_by_key(|p| std::cmp::Reverse(p.1));
        let count = |w: Weight| present.iter().filter(|(_, x)| *x == w).count();
        let rule = dimension_rule(
            count(Weight::Strong),
            count(Weight::Medium),
            count(Weight::Weak),
        );
        let indicators: Vec<String> = present.iter().map(|(i, _)| i.id.clone()).collect();
        any_yes |= !indicators.is_empty();
        match rule {
            Some(rule) => reasons.push(Reason::DimensionPositive {
                dimension: d,
                rule,
                indicators: indicators.clone(),
            }),
            None if !indicators.is_empty() => reasons.push(Reason::DimensionPartial {
                dimension: d,
                indicators: indicators.clone(),
            }),
            None => {}
        }
        dimensions.push(DimensionFinding {
            dimension: d,
            rule,
            indicators,
        });
    }
    if !act.is_empty() {
        reasons.push(Reason::ActShown {
            indicators: act.clone(),
        });
    }
    let mut e = Evaluation {
        outcome: Outcome::NoIndicators,
        list,
        child,
        dimensions,
        act,
        reasons,
        suggested_status: None,
        catalogue_version: catalogue.version.clone(),
    };
    use DimensionId::*;
    let p = |d| e.positive(d);
    let recruitment = p(D1) || p(D2) || p(D3);
    let destination = p(D5) || p(D6);
    let (outcome, combination) = match e.list {
        List::Child if !e.act.is_empty() && p(D4) => (
            Outcome::PresumedChildVictim,
            Some(Combination::ChildActAndExploitation),
        ),
        List::Adult if recruitment && p(D4) && destination => (
            Outcome::PresumedVictim,
            Some(Combination::RecruitmentExploitationDestination),
        ),
        List::Adult if p(D4) => (
            Outcome::ExploitationOnly,
            Some(Combination::ExploitationWithoutMeans),
        ),
        _ if any_yes => (
            Outcome::NeedsFullInterview,
            Some(Combination::IndicatorsNotConclusive),
        ),
        _ => {
            // "No indicators" only when the exploitation questions were all answered.
            let unanswered: Vec<String> = catalogue
                .indicators
                .iter()
                .filter(|i| matches!(i.dimension, D4 | D5) && i.weight(e.list).is_some())
                .filter(|i| answer(&i.id) != Answer::No)
                .map(|i| i.id.clone())
                .collect();
            if unanswered.is_empty() {
                (Outcome::NoIndicators, Some(Combination::AllAnsweredNo))
            } else {
                e.reasons.push(Reason::Unanswered {
                    indicators: unanswered,
                });
                (
                    Outcome::NeedsFullInterview,
                    Some(Combination::ExploitationNotRuledOut),
                )
            }
        }
    };
    if let Some(rule) = combination {
        e.reasons.push(Reason::Combination { rule });
    }
    e.outcome = outcome;
    e.suggested_status = outcome.suggested_status();
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::htcds::TraffickingStatus;
    use crate::screening::shipped as cat;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    fn yes(ids: &[&str]) -> BTreeMap<String, Answer> {
        ids.iter().map(|i| (i.to_string(), Answer::Yes)).collect()
    }

    fn adult() -> AgeFacts {
        AgeFacts {
            age: Some(30),
            ..Default::default()
        }
    }

    #[test]
    fn an_adult_deceived_exploited_and_held_is_a_presumed_victim() {
        let e = evaluate(
            cat(),
            &yes(&[
                "d1_job_nature",
                "d1_wages",
                "d4_hours",
                "d4_pay",
                "d5_documents",
                "d5_confinement",
            ]),
            &adult(),
        );
        assert_eq!(e.outcome, Outcome::PresumedVictim);
        assert_eq!(
            e.suggested_status,
            Some(TraffickingStatus::PossibleVictimOfTrafficking)
        );
        assert!(e.reasons.contains(&Reason::DimensionPositive {
            dimension: DimensionId::D5,
            rule: DimensionRule::TwoStrong,
            indicators: vec!["d5_documents".into(), "d5_confinement".into()],
        }));
        assert!(e.reasons.contains(&Reason::Combination {
            rule: Combination::RecruitmentExploitationDestination
        }));
    }

    #[test]
    fn exploitation_without_the_other_elements_is_exploitation_only_for_an_adult() {
        let e = evaluate(cat(), &yes(&["d4_hours", "d4_pay"]), &adult());
        assert_eq!(e.outcome, Outcome::ExploitationOnly);
        assert_eq!(
            e.suggested_status,
            Some(TraffickingStatus::NotAVictimOfTrafficking)
        );
    }

    #[test]
    fn a_minor_needs_no_means() {
        let child = AgeFacts {
            age: Some(15),
            ..Default::default()
        };
        let e = evaluate(
            cat(),
            &yes(&["act_recruited", "d4_hours", "d4_pay"]),
            &child,
        );
        assert_eq!(e.outcome, Outcome::PresumedChildVictim);
        assert_eq!(e.child, Some(ChildBasis::Age { age: 15 }));
        // Same answers, adult: exploitation only.
        let e = evaluate(
            cat(),
            &yes(&["act_recruited", "d4_hours", "d4_pay"]),
            &adult(),
        );
        assert_eq!(e.outcome, Outcome::ExploitationOnly);
    }

    #[test]
    fn uncertain_age_with_a_sign_of_minority_is_a_presumed_child() {
        let mut age = AgeFacts {
            age: Some(19),
            uncertain: true,
            minority_signs: BTreeSet::new(),
        };
        // An estimate of 19 is within the margin of error: presumed a child (as records say).
        assert_eq!(age.child_basis(), Some(ChildBasis::Estimate { age: 19 }));
        age.age = Some(23);
        assert_eq!(age.child_basis(), None);
        age.minority_signs.insert("minor_looks_under_18".into());
        assert!(matches!(
            age.child_basis(),
            Some(ChildBasis::Presumed { .. })
        ));
        // A documented adult age is not overturned by appearance.
        age.uncertain = false;
        assert_eq!(age.child_basis(), None);
        // Unknown age with a sign.
        let unknown = AgeFacts {
            age: None,
            uncertain: false,
            minority_signs: ["minor_says_under_18".to_string()].into(),
        };
        assert!(unknown.child_basis().is_some());
    }

    #[test]
    fn nothing_answered_is_not_no_indicators() {
        let e = evaluate(cat(), &BTreeMap::new(), &adult());
        assert_eq!(e.outcome, Outcome::NeedsFullInterview);
        assert!(matches!(
            e.reasons.last(),
            Some(Reason::Combination {
                rule: Combination::ExploitationNotRuledOut
            })
        ));
        let all_no: BTreeMap<String, Answer> = cat()
            .indicators
            .iter()
            .map(|i| (i.id.clone(), Answer::No))
            .collect();
        let e = evaluate(cat(), &all_no, &adult());
        assert_eq!(e.outcome, Outcome::NoIndicators);
        assert_eq!(
            e.reasons,
            vec![Reason::Combination {
                rule: Combination::AllAnsweredNo
            }]
        );
        // A refusal is not a "no".
        let mut refused = all_no.clone();
        refused.insert("d5_violence".into(), Answer::Refused);
        assert_eq!(
            evaluate(cat(), &refused, &adult()).outcome,
            Outcome::NeedsFullInterview
        );
    }

    fn answer_strategy() -> impl Strategy<Value = Answer> {
        prop_oneof![
            Just(Answer::Yes),
            Just(Answer::No),
            Just(Answer::DontKnow),
            Just(Answer::Refused),
            Just(Answer::NotAsked),
        ]
    }

    fn answers_strategy() -> impl Strategy<Value = BTreeMap<String, Answer>> {
        let n = cat().indicators.len();
        prop::collection::vec(answer_strategy(), n).prop_map(|v| {
            cat()
                .indicators
                .iter()
                .zip(v)
                .map(|(i, a)| (i.id.clone(), a))
                .collect()
        })
    }

    fn age_strategy() -> impl Strategy<Value = AgeFacts> {
        (prop::option::of(5i64..70), any::<bool>(), any::<bool>()).prop_map(
            |(age, uncertain, sign)| AgeFacts {
                age,
                uncertain,
                minority_signs: if sign {
                    ["minor_looks_under_18".to_string()].into()
                } else {
                    BTreeSet::new()
                },
            },
        )
    }

    proptest! {
        #[test]
        fn adding_an_indicator_never_lowers_the_outcome(
            answers in answers_strategy(),
            age in age_strategy(),
            pick in 0usize..1000,
        ) {
            let before = evaluate(cat(), &answers, &age);
            let id = &cat().indicators[pick % cat().indicators.len()].id;
            let mut more = answers.clone();
            more.insert(id.clone(), Answer::Yes);
            let after = evaluate(cat(), &more, &age);
            prop_assert!(after.outcome.rank() >= before.outcome.rank(),
                "{id}: {:?} -> {:?}", before.outcome, after.outcome);
        }

        #[test]
        fn a_child_is_never_exploitation_only(answers in answers_strategy(), age in age_strategy()) {
            let e = evaluate(cat(), &answers, &age);
            if e.child.is_some() {
                prop_assert_ne!(e.outcome, Outcome::ExploitationOnly);
                prop_assert_ne!(e.outcome, Outcome::PresumedVictim);
            } else {
                prop_assert_ne!(e.outcome, Outcome::PresumedChildVictim);
            }
        }

        #[test]
        fn for_a_child_means_do_not_matter(answers in answers_strategy(), age in 0i64..18) {
            // Remove every means (D1–D3) answer: the outcome of a child stays the same.
            let age = AgeFacts { age: Some(age), ..Default::default() };
            let without: BTreeMap<String, Answer> = answers
                .iter()
                .filter(|(id, _)| {
                    !matches!(
                        cat().indicator(id).map(|i| i.dimension),
                        Some(DimensionId::D1 | DimensionId::D2 | DimensionId::D3)
                    )
                })
                .map(|(k, v)| (k.clone(), *v))
                .collect();
            let with = evaluate(cat(), &answers, &age);
            let wo = evaluate(cat(), &without, &age);
            if with.outcome == Outcome::PresumedChildVictim {
                prop_assert_eq!(wo.outcome, Outcome::PresumedChildVictim);
            }
        }

        #[test]
        fn every_outcome_gives_its_reasons(answers in answers_strategy(), age in age_strategy()) {
            let e = evaluate(cat(), &answers, &age);
            let decided_by_a_combination =
                e.reasons.iter().any(|r| matches!(r, Reason::Combination { .. }));
            prop_assert!(decided_by_a_combination, "{:?}", e.reasons);
        }
    }
}
