//! An assessment: the suggestion from the factors, the caseworker's choice, the checks on the
//! form, the next reassessment and the alerts.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::*;
use crate::Picklist;
use crate::records::MAX_LONG_TEXT;
use crate::validation::{ValidationErrors, check_characters};

/// Why the suggestion is what it is: one reason per step added, and the caps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum SuggestionReason {
    /// A factor present raised the likelihood, the impact or both by one step.
    Factor {
        /// Its id.
        factor: String,
        /// What it raised.
        raises: Raises,
    },
    /// The person is a child (or presumed one): the impact is one step higher.
    Child,
    /// More likelihood steps than the matrix has: capped at "almost certain".
    LikelihoodCapped,
    /// More impact steps than the matrix has: capped at "life-threatening".
    ImpactCapped,
}

/// The cell the factors suggest, with its reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    /// The suggested cell.
    pub cell: Cell,
    /// Why, in the order of the factors file (the child reason last, then the caps).
    pub reasons: Vec<SuggestionReason>,
}

/// The suggestion for an assessment of `kind` with the factors `present` (ids; those unknown or
/// of another kind are ignored, the form refuses them): likelihood and impact start at 1, each
/// factor present adds 1 on each axis it raises, a child adds 1 to the impact; both are capped at
/// 5.
pub fn suggest(
    factors: &Factors,
    kind: RiskKind,
    present: &BTreeSet<String>,
    child: bool,
) -> Suggestion {
    let mut likelihood = 1u32;
    let mut impact = 1u32;
    let mut reasons = Vec::new();
    for f in factors.of_kind(kind).filter(|f| present.contains(&f.id)) {
        likelihood += u32::from(f.raises.likelihood());
        impact += u32::from(f.raises.impact());
        reasons.push(SuggestionReason::Factor {
            factor: f.id.clone(),
            raises: f.raises,
        });
    }
    if child {
        impact += 1;
        reasons.push(SuggestionReason::Child);
    }
    if likelihood > 5 {
        reasons.push(SuggestionReason::LikelihoodCapped);
    }
    if impact > 5 {
        reasons.push(SuggestionReason::ImpactCapped);
    }
    Suggestion {
        cell: Cell::new(
            Likelihood::saturating(likelihood),
            Impact::saturating(impact),
        ),
        reasons,
    }
}

/// In how many days an assessment of each level is reassessed (configurable; the defaults are
/// critical 7, high 14, medium 30, low 90).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReassessmentPolicy {
    /// Days after a low assessment.
    pub low: u16,
    /// Days after a medium assessment.
    pub medium: u16,
    /// Days after a high assessment.
    pub high: u16,
    /// Days after a critical assessment.
    pub critical: u16,
}

impl Default for ReassessmentPolicy {
    fn default() -> Self {
        ReassessmentPolicy {
            low: 90,
            medium: 30,
            high: 14,
            critical: 7,
        }
    }
}

/// The longest delay a policy may set before a reassessment.
pub const MAX_REASSESSMENT_DAYS: u16 = 365;

impl ReassessmentPolicy {
    /// The days before reassessing an assessment of `level`.
    pub fn days(&self, level: RiskLevel) -> u16 {
        match level {
            RiskLevel::Low => self.low,
            RiskLevel::Medium => self.medium,
            RiskLevel::High => self.high,
            RiskLevel::Critical => self.critical,
        }
    }

    /// When an assessment of `level` made at `assessed_at` is due for reassessment.
    pub fn due(&self, level: RiskLevel, assessed_at: DateTime<Utc>) -> DateTime<Utc> {
        assessed_at + Duration::days(i64::from(self.days(level)))
    }

    /// Check a configured policy: every delay 1 to [`MAX_REASSESSMENT_DAYS`] days
    /// (`risk_ReassessmentDays`/`range`), and a higher level never waits longer than a lower
    /// one (`risk_ReassessmentDays`/`order`).
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut e = ValidationErrors::default();
        for level in RiskLevel::ALL {
            let d = self.days(*level);
            if !(1..=MAX_REASSESSMENT_DAYS).contains(&d) {
                e.push(
                    "risk_ReassessmentDays",
                    "range",
                    format!("{level}: {d} days, expected 1 to {MAX_REASSESSMENT_DAYS}"),
                );
            }
        }
        for pair in RiskLevel::ALL.windows(2) {
            if self.days(pair[1]) > self.days(pair[0]) {
                e.push(
                    "risk_ReassessmentDays",
                    "order",
                    format!(
                        "{} waits longer than {}: a higher risk is reassessed sooner",
                        pair[1], pair[0]
                    ),
                );
            }
        }
        e.into_result(())
    }
}

/// The form of an assessment as typed or posted: names or step numbers, factor ids.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct AssessmentForm {
    /// `security` or `re_trafficking` (field `risk_Kind`).
    pub kind: String,
    /// `1`…`5` or a value name such as `likely` (field `risk_Likelihood`).
    pub likelihood: String,
    /// `1`…`5` or a value name such as `major` (field `risk_Impact`).
    pub impact: String,
    /// The ids of the factors present (field `risk_Factor`); repeats count once.
    pub factors: Vec<String>,
    /// The safety plan agreed with the person (field `risk_SafetyPlan`), required at high and
    /// critical levels.
    pub safety_plan: String,
}

/// What the form is checked against.
#[derive(Debug, Clone, Copy)]
pub struct AssessmentContext<'a> {
    /// The factors in force.
    pub factors: &'a Factors,
    /// The reassessment delays.
    pub policy: &'a ReassessmentPolicy,
    /// Whether the person is a child or presumed one ([`crate::child::presumed_child`]).
    pub child: bool,
    /// When the assessment is made (the store's clock).
    pub assessed_at: DateTime<Utc>,
}

/// A checked assessment, as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    /// Security or re-trafficking.
    pub kind: RiskKind,
    /// The cell the caseworker chose.
    pub cell: Cell,
    /// Its level.
    pub level: RiskLevel,
    /// The factors present (ids, all of this kind).
    pub factors: BTreeSet<String>,
    /// What the factors suggested at the time, with the reasons.
    pub suggested: Suggestion,
    /// The safety plan, trimmed; `None` when empty.
    pub safety_plan: Option<String>,
    /// The version of the factors file used.
    pub factors_version: String,
    /// When it was made.
    pub assessed_at: DateTime<Utc>,
    /// When the next reassessment is due.
    pub reassess_by: DateTime<Utc>,
}

/// Who an assessment must alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Alerts {
    /// The case's caseworker.
    pub caseworker: bool,
    /// The case's investigator.
    pub investigator: bool,
}

impl Alerts {
    /// Whether anyone is alerted.
    pub fn any(self) -> bool {
        self.caseworker || self.investigator
    }
}

impl AssessmentForm {
    /// Check the form and build the assessment. Every broken rule is returned, by field:
    /// `risk_Kind` (`required`, `unknown`), `risk_Likelihood` and `risk_Impact` (`required`,
    /// `range`: not 1 to 5 nor a value name), `risk_Factor` (`unknown`; `wrong_kind`: a factor of
    /// the other kind of risk), `risk_SafetyPlan` (`required` at high and critical levels,
    /// `max_length`, `control_characters`).
    pub fn validate(&self, ctx: &AssessmentContext<'_>) -> Result<Assessment, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let kind = if self.kind.trim().is_empty() {
            e.push("risk_Kind", "required", "choose the kind of risk");
            None
        } else {
            RiskKind::parse(&self.kind)
                .map_err(|u| e.push("risk_Kind", "unknown", u.to_string()))
                .ok()
        };
        let likelihood = step::<Likelihood>(&mut e, "risk_Likelihood", &self.likelihood);
        let impact = step::<Impact>(&mut e, "risk_Impact", &self.impact);
        let mut present = BTreeSet::new();
        for raw in &self.factors {
            let id = raw.trim();
            match ctx.factors.factor(id) {
                None => e.push(
                    "risk_Factor",
                    "unknown",
                    format!("'{}' is not a risk factor", id.escape_debug()),
                ),
                Some(f) if kind.is_some_and(|k| k != f.kind) => e.push(
                    "risk_Factor",
                    "wrong_kind",
                    format!("'{id}' is a factor of the {} risk", f.kind),
                ),
                Some(f) => {
                    present.insert(f.id.clone());
                }
            }
        }
        let plan = self.safety_plan.trim();
        check_characters(&mut e, "risk_SafetyPlan", plan, true);
        let n = plan.chars().count();
        if n > MAX_LONG_TEXT {
            e.push(
                "risk_SafetyPlan",
                "max_length",
                format!("{n} characters, at most {MAX_LONG_TEXT} allowed"),
            );
        }
        let cell = likelihood.zip(impact).map(|(l, i)| Cell::new(l, i));
        if let Some(c) = cell
            && c.level().needs_safety_plan()
            && plan.is_empty()
        {
            e.push(
                "risk_SafetyPlan",
                "required",
                format!(
                    "a {} risk needs a safety plan agreed with the person",
                    c.level()
                ),
            );
        }
        let (Some(kind), Some(cell)) = (kind, cell) else {
            return Err(e);
        };
        let level = cell.level();
        e.into_result(Assessment {
            kind,
            cell,
            level,
            suggested: suggest(ctx.factors, kind, &present, ctx.child),
            factors: present,
            safety_plan: (!plan.is_empty()).then(|| plan.to_string()),
            factors_version: ctx.factors.version.clone(),
            assessed_at: ctx.assessed_at,
            reassess_by: ctx.policy.due(level, ctx.assessed_at),
        })
    }
}

fn step<T: Step>(e: &mut ValidationErrors, field: &'static str, raw: &str) -> Option<T> {
    if raw.trim().is_empty() {
        e.push(field, "required", "choose a value from 1 to 5");
        return None;
    }
    let v = T::parse_step(raw);
    if v.is_none() {
        e.push(
            field,
            "range",
            format!("'{}' is not a value from 1 to 5", raw.trim().escape_debug()),
        );
    }
    v
}

impl Assessment {
    /// Likelihood × impact.
    pub fn score(&self) -> u8 {
        self.cell.score()
    }

    /// Who must be alerted: the caseworker and the case's investigator at high and critical.
    pub fn alerts(&self) -> Alerts {
        let on = self.level.alerts();
        Alerts {
            caseworker: on,
            investigator: on,
        }
    }

    /// Whether the reassessment is due at `now`.
    pub fn is_due(&self, now: DateTime<Utc>) -> bool {
        now >= self.reassess_by
    }

    /// Whether the caseworker chose another cell than the factors suggested.
    pub fn departs_from_suggestion(&self) -> bool {
        self.cell != self.suggested.cell
    }

    /// The matrix to draw, with the chosen and the suggested cell marked.
    pub fn layout(&self) -> MatrixLayout {
        layout(Some(self.cell), Some(self.suggested.cell))
    }
}
