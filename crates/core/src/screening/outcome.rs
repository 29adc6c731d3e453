//! The result of the engine: dimension findings, outcomes, reasons and combinations.

use serde::{Deserialize, Serialize};

use super::*;
use crate::htcds::TraffickingStatus;

/// Which weights apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum List {
    /// Adults.
    Adult,
    /// Children.
    Child,
}

/// The rule that made a dimension positive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DimensionRule {
    /// Two strong indicators or more.
    TwoStrong,
    /// One strong and at least one medium or weak.
    StrongAndOther,
    /// Three medium or more.
    ThreeMedium,
    /// Two medium and one weak.
    TwoMediumOneWeak,
}

impl DimensionRule {
    /// Stable name (`two_strong`, …), also the catalogue key of its explanation.
    pub fn as_str(self) -> &'static str {
        match self {
            DimensionRule::TwoStrong => "two_strong",
            DimensionRule::StrongAndOther => "strong_and_other",
            DimensionRule::ThreeMedium => "three_medium",
            DimensionRule::TwoMediumOneWeak => "two_medium_one_weak",
        }
    }
}

/// The dimension rule over counts of "yes" answers by weight.
pub fn dimension_rule(strong: usize, medium: usize, weak: usize) -> Option<DimensionRule> {
    if strong >= 2 {
        Some(DimensionRule::TwoStrong)
    } else if strong == 1 && medium + weak >= 1 {
        Some(DimensionRule::StrongAndOther)
    } else if medium >= 3 {
        Some(DimensionRule::ThreeMedium)
    } else if medium == 2 && weak >= 1 {
        Some(DimensionRule::TwoMediumOneWeak)
    } else {
        None
    }
}

/// How one dimension came out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DimensionFinding {
    /// The dimension.
    pub dimension: DimensionId,
    /// The rule that made it positive, if any.
    pub rule: Option<DimensionRule>,
    /// The indicators answered "yes" (on the list that applies), strongest first.
    pub indicators: Vec<String>,
}

impl DimensionFinding {
    /// Whether the dimension is positive.
    pub fn positive(&self) -> bool {
        self.rule.is_some()
    }
}

/// The engine's suggestion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Every exploitation question answered, none "yes".
    NoIndicators,
    /// Something to look into, not enough to presume.
    NeedsFullInterview,
    /// Exploitative work without the other elements (an adult): labour-rights referral.
    ExploitationOnly,
    /// An adult presumed a victim of trafficking.
    PresumedVictim,
    /// A child presumed a victim of trafficking (child pathway).
    PresumedChildVictim,
}

impl Outcome {
    /// Every outcome.
    pub const ALL: [Outcome; 5] = [
        Outcome::NoIndicators,
        Outcome::NeedsFullInterview,
        Outcome::ExploitationOnly,
        Outcome::PresumedVictim,
        Outcome::PresumedChildVictim,
    ];

    /// Stable name (`no_indicators`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::NoIndicators => "no_indicators",
            Outcome::NeedsFullInterview => "needs_full_interview",
            Outcome::ExploitationOnly => "exploitation_only",
            Outcome::PresumedVictim => "presumed_victim",
            Outcome::PresumedChildVictim => "presumed_child_victim",
        }
    }

    /// Parse the stored form.
    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == s)
    }

    /// How far the outcome goes towards a presumed victim (for "never lowers" checks).
    pub fn rank(self) -> u8 {
        match self {
            Outcome::NoIndicators => 0,
            Outcome::NeedsFullInterview => 1,
            Outcome::ExploitationOnly => 2,
            Outcome::PresumedVictim | Outcome::PresumedChildVictim => 3,
        }
    }

    /// The HTCDS trafficking status the outcome suggests (the officer decides): presumed
    /// victims are possible victims; no indicators and exploitation only are not victims of
    /// trafficking; a full interview leaves the status open.
    pub fn suggested_status(self) -> Option<TraffickingStatus> {
        match self {
            Outcome::PresumedVictim | Outcome::PresumedChildVictim => {
                Some(TraffickingStatus::PossibleVictimOfTrafficking)
            }
            Outcome::NoIndicators | Outcome::ExploitationOnly => {
                Some(TraffickingStatus::NotAVictimOfTrafficking)
            }
            Outcome::NeedsFullInterview => None,
        }
    }
}

/// One step of the explanation, in data form (pages and the CLI put it in words).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Reason {
    /// Treated as a child, and why; means are not required.
    Child {
        /// Why.
        basis: ChildBasis,
    },
    /// A dimension is positive.
    DimensionPositive {
        /// Which.
        dimension: DimensionId,
        /// By which rule.
        rule: DimensionRule,
        /// The indicators that made it.
        indicators: Vec<String>,
    },
    /// Some indicators of a dimension are present, not enough to make it positive.
    DimensionPartial {
        /// Which.
        dimension: DimensionId,
        /// The indicators present.
        indicators: Vec<String>,
    },
    /// The act (recruited, moved or housed by others) is shown.
    ActShown {
        /// The act questions answered "yes".
        indicators: Vec<String>,
    },
    /// Questions needed to rule out exploitation were not answered.
    Unanswered {
        /// Their ids.
        indicators: Vec<String>,
    },
    /// The combination that decided the outcome.
    Combination {
        /// Which.
        rule: Combination,
    },
}

/// The combinations of dimensions that decide an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Combination {
    /// An adult: recruitment (D1, D2 or D3), exploitation (D4) and destination (D5 or D6).
    RecruitmentExploitationDestination,
    /// An adult: exploitative work (D4) without the other elements.
    ExploitationWithoutMeans,
    /// A child: the act and exploitative work (D4); no means needed.
    ChildActAndExploitation,
    /// Some indicators, not the combinations above.
    IndicatorsNotConclusive,
    /// No indicator, but the exploitation questions were not all answered "no".
    ExploitationNotRuledOut,
    /// Every question on exploitation and coercion answered "no", and no other "yes".
    AllAnsweredNo,
}

impl Combination {
    /// Stable name (`recruitment_exploitation_destination`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Combination::RecruitmentExploitationDestination => {
                "recruitment_exploitation_destination"
            }
            Combination::ExploitationWithoutMeans => "exploitation_without_means",
            Combination::ChildActAndExploitation => "child_act_and_exploitation",
            Combination::IndicatorsNotConclusive => "indicators_not_conclusive",
            Combination::ExploitationNotRuledOut => "exploitation_not_ruled_out",
            Combination::AllAnsweredNo => "all_answered_no",
        }
    }
}

/// The result of the engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    /// The suggested outcome.
    pub outcome: Outcome,
    /// The list whose weights were applied.
    pub list: List,
    /// Why the child rule applies, if it does.
    pub child: Option<ChildBasis>,
    /// Every dimension D1–D6.
    pub dimensions: Vec<DimensionFinding>,
    /// Act questions answered "yes".
    pub act: Vec<String>,
    /// The explanation, in order.
    pub reasons: Vec<Reason>,
    /// The HTCDS status the outcome suggests.
    pub suggested_status: Option<TraffickingStatus>,
    /// Version of the catalogue used.
    pub catalogue_version: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn dimension_rule_at_its_boundaries() {
        assert_eq!(dimension_rule(2, 0, 0), Some(DimensionRule::TwoStrong));
        assert_eq!(dimension_rule(1, 1, 0), Some(DimensionRule::StrongAndOther));
        assert_eq!(dimension_rule(1, 0, 1), Some(DimensionRule::StrongAndOther));
        assert_eq!(dimension_rule(0, 3, 0), Some(DimensionRule::ThreeMedium));
        assert_eq!(
            dimension_rule(0, 2, 1),
            Some(DimensionRule::TwoMediumOneWeak)
        );
        for (s, m, w) in [(1, 0, 0), (0, 2, 0), (0, 1, 2), (0, 0, 5), (0, 1, 1)] {
            assert_eq!(dimension_rule(s, m, w), None, "{s} {m} {w}");
        }
    }
}
