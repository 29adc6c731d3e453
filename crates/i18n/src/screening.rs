//! Screening results in words: the engine's reasons, the outcome, the next steps, and the
//! trafficking-vs-smuggling findings, in the reader's language. Pages and the command line
//! show the same sentences.

use tabara_core::Lang;
use tabara_core::palermo::{Distinction, FactName, Finding, Verdict};
use tabara_core::screening::{
    Catalogue, ChildBasis, Combination, DimensionId, Evaluation, Outcome, Reason,
};

use crate::t;

/// The outcome's name.
pub fn outcome_label(lang: Lang, outcome: Outcome) -> String {
    crate::catalogue().text(
        lang,
        &format!("outcome-{}", outcome.as_str().replace('_', "-")),
        &[],
    )
}

/// An indicator (or sign of minority) in a few words: its help text without the final stop.
fn indicator_words(catalogue: &Catalogue, lang: Lang, id: &str) -> String {
    let text = catalogue
        .indicators
        .iter()
        .find(|i| i.id == id)
        .map(|i| i.help.get(lang))
        .or_else(|| {
            catalogue
                .minority_signs
                .iter()
                .find(|s| s.id == id)
                .map(|s| s.question.get(lang))
        })
        .unwrap_or(id);
    text.trim_end_matches(['.', '?']).to_string()
}

fn list(catalogue: &Catalogue, lang: Lang, ids: &[String]) -> String {
    ids.iter()
        .map(|id| indicator_words(catalogue, lang, id))
        .collect::<Vec<_>>()
        .join("; ")
}

fn dimension(catalogue: &Catalogue, lang: Lang, d: DimensionId) -> String {
    format!("{d} {}", catalogue.dimension(d).name(lang))
}

/// Each reason of an evaluation as a sentence, in order.
pub fn explain(catalogue: &Catalogue, lang: Lang, e: &Evaluation) -> Vec<String> {
    e.reasons
        .iter()
        .map(|r| match r {
            Reason::Child {
                basis: ChildBasis::Age { age },
            } => t!(lang, "screening-reason-child-age", age = *age),
            Reason::Child {
                basis: ChildBasis::Estimate { age },
            } => t!(lang, "screening-reason-child-estimate", age = *age),
            Reason::Child {
                basis: ChildBasis::Presumed { signs },
            } => t!(
                lang,
                "screening-reason-child-presumed",
                signs = list(catalogue, lang, signs)
            ),
            Reason::DimensionPositive {
                dimension: d,
                rule,
                indicators,
            } => t!(
                lang,
                "screening-reason-dimension",
                dimension = dimension(catalogue, lang, *d),
                rule = crate::catalogue().text(
                    lang,
                    &format!("screening-rule-{}", rule.as_str().replace('_', "-")),
                    &[]
                ),
                indicators = list(catalogue, lang, indicators)
            ),
            Reason::DimensionPartial {
                dimension: d,
                indicators,
            } => t!(
                lang,
                "screening-reason-partial",
                dimension = dimension(catalogue, lang, *d),
                indicators = list(catalogue, lang, indicators)
            ),
            Reason::ActShown { indicators } => t!(
                lang,
                "screening-reason-act",
                indicators = list(catalogue, lang, indicators)
            ),
            Reason::Unanswered { indicators } => t!(
                lang,
                "screening-reason-unanswered",
                count = indicators.len() as i64
            ),
            Reason::Combination { rule } => crate::catalogue().text(
                lang,
                &format!("screening-combination-{}", combination_key(*rule)),
                &[],
            ),
        })
        .collect()
}

fn combination_key(c: Combination) -> String {
    c.as_str().replace('_', "-")
}

/// A next step after a screening; front ends link each to the action that does it, where
/// one exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStep {
    /// Refer the child to child protection (share the case with a child-protection agency).
    ChildProtection,
    /// The age is presumed, not established: verify it and correct the person's record.
    VerifyAge,
    /// Refer to assistance (referral records come later).
    Assistance,
    /// Arrange a full interview (note it on the case).
    FullInterview,
    /// Refer to the labour inspection (referral records come later).
    Labour,
    /// Record the result and give the contacts (on the case).
    NoIndicators,
    /// Inform the person of their rights.
    Rights,
}

impl NextStep {
    fn key(self) -> &'static str {
        match self {
            NextStep::ChildProtection => "screening-step-child-protection",
            NextStep::VerifyAge => "screening-step-verify-age",
            NextStep::Assistance => "screening-step-assistance",
            NextStep::FullInterview => "screening-step-full-interview",
            NextStep::Labour => "screening-step-labour",
            NextStep::NoIndicators => "screening-step-none",
            NextStep::Rights => "screening-step-rights",
        }
    }

    /// The step in words.
    pub fn text(self, lang: Lang) -> String {
        crate::catalogue().text(lang, self.key(), &[])
    }
}

/// What the officer does next, for this evaluation, in order.
pub fn next_step_list(e: &Evaluation) -> Vec<NextStep> {
    let mut steps = Vec::new();
    if let Some(basis) = &e.child {
        steps.push(NextStep::ChildProtection);
        if !matches!(basis, ChildBasis::Age { .. }) {
            steps.push(NextStep::VerifyAge);
        }
    }
    steps.push(match e.outcome {
        Outcome::PresumedVictim | Outcome::PresumedChildVictim => NextStep::Assistance,
        Outcome::NeedsFullInterview => NextStep::FullInterview,
        Outcome::ExploitationOnly => NextStep::Labour,
        Outcome::NoIndicators => NextStep::NoIndicators,
    });
    steps.push(NextStep::Rights);
    steps
}

/// What the officer does next, for this evaluation, in words.
pub fn next_steps(lang: Lang, e: &Evaluation) -> Vec<String> {
    next_step_list(e)
        .into_iter()
        .map(|s| s.text(lang))
        .collect()
}

/// The verdict's name.
pub fn verdict_label(lang: Lang, v: Verdict) -> String {
    crate::catalogue().text(
        lang,
        &format!("verdict-{}", v.as_str().replace('_', "-")),
        &[],
    )
}

/// A fact's name (for "still missing").
pub fn fact_label(lang: Lang, f: FactName) -> String {
    crate::catalogue().text(lang, &format!("fact-{}", f.as_str().replace('_', "-")), &[])
}

/// The findings of the trafficking-vs-smuggling aid as sentences, then the missing facts.
pub fn explain_distinction(lang: Lang, d: &Distinction) -> Vec<String> {
    let mut out: Vec<String> = d
        .findings
        .iter()
        .map(|f| {
            let key = match f {
                Finding::TraffickingElementsMet => "finding-trafficking-met",
                Finding::ChildNoMeansNeeded => "finding-child-no-means",
                Finding::ConsentIrrelevant => "finding-consent-irrelevant",
                Finding::TraffickingRuledOut => "finding-trafficking-ruled-out",
                Finding::ExploitationWithoutMeans => "finding-exploitation-without-means",
                Finding::SmugglingElementsMet => "finding-smuggling-met",
                Finding::SmugglingRuledOut => "finding-smuggling-ruled-out",
                Finding::RelationshipContinues => "finding-relationship-continues",
                Finding::ScreenForExploitation => "finding-screen-for-exploitation",
            };
            crate::catalogue().text(lang, key, &[])
        })
        .collect();
    if !d.missing.is_empty() {
        let names: Vec<String> = d.missing.iter().map(|f| fact_label(lang, *f)).collect();
        out.push(t!(lang, "finding-missing", facts = names.join(", ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use tabara_core::screening::{AgeFacts, Answer, evaluate};

    use super::*;

    #[test]
    fn every_reason_outcome_and_finding_has_words_in_english_and_french() {
        let c = Catalogue::embedded().unwrap();
        let yes = |ids: &[&str]| -> BTreeMap<String, Answer> {
            ids.iter().map(|i| (i.to_string(), Answer::Yes)).collect()
        };
        let evaluations = [
            evaluate(
                c,
                &yes(&[
                    "d1_job_nature",
                    "d1_wages",
                    "d4_hours",
                    "d4_pay",
                    "d5_documents",
                    "d5_debt",
                    "d2_threats",
                    "act_recruited",
                ]),
                &AgeFacts {
                    age: Some(30),
                    ..Default::default()
                },
            ),
            evaluate(
                c,
                &yes(&["act_recruited", "d4_hours", "d4_pay"]),
                &AgeFacts {
                    age: Some(14),
                    ..Default::default()
                },
            ),
            evaluate(
                c,
                &yes(&["d4_hours"]),
                &AgeFacts {
                    age: None,
                    uncertain: true,
                    minority_signs: ["minor_looks_under_18".to_string()].into(),
                },
            ),
            evaluate(c, &BTreeMap::new(), &AgeFacts::default()),
            evaluate(
                c,
                &yes(&["d4_hours", "d4_pay", "d6_past"]),
                &AgeFacts {
                    age: Some(40),
                    ..Default::default()
                },
            ),
        ];
        for lang in [Lang::En, Lang::Fr] {
            for e in &evaluations {
                let reasons = explain(c, lang, e);
                assert!(
                    !reasons.is_empty(),
                    "{lang:?}: no reason for {:?}",
                    e.outcome
                );
                for s in reasons.into_iter().chain(next_steps(lang, e)) {
                    assert!(
                        !s.contains("screening-") && !s.contains('{'),
                        "{lang:?}: {s}"
                    );
                }
            }
            for o in Outcome::ALL {
                assert!(!outcome_label(lang, o).starts_with("outcome-"), "{o:?}");
            }
            for v in [
                Verdict::TraffickingIndicated,
                Verdict::SmugglingIndicated,
                Verdict::Both,
                Verdict::Neither,
                Verdict::InsufficientFacts,
            ] {
                assert!(!verdict_label(lang, v).starts_with("verdict-"));
            }
            let all = Distinction {
                verdict: Verdict::Both,
                findings: vec![
                    Finding::TraffickingElementsMet,
                    Finding::ChildNoMeansNeeded,
                    Finding::ConsentIrrelevant,
                    Finding::TraffickingRuledOut,
                    Finding::ExploitationWithoutMeans,
                    Finding::SmugglingElementsMet,
                    Finding::SmugglingRuledOut,
                    Finding::RelationshipContinues,
                    Finding::ScreenForExploitation,
                ],
                missing: FactName::DECIDING.to_vec(),
            };
            let lines = explain_distinction(lang, &all);
            assert!(lines.len() >= all.findings.len(), "{lines:?}");
            for s in lines {
                assert!(!s.starts_with("finding-") && !s.contains("fact-"), "{s}");
            }
        }
        // The English words of a presumed child victim name the child rule and the act.
        let words = explain(c, Lang::En, &evaluations[1]).join(" ");
        assert!(words.contains("age 14"), "{words}");
        assert!(words.contains("Excessive working days or hours"), "{words}");
    }
}
