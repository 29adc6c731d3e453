//! Victim screening: the indicator catalogue (data, `data/screening.toml`) and the engine that
//! turns an officer's recorded answers into a suggested outcome with its reasons.
//!
//! The engine is pure: answers and age facts in, an [`Evaluation`] out. It suggests; the
//! officer confirms or overrides (with a reason) and that decision is what is recorded as the
//! HTCDS trafficking status.
//!
//! Rules (ILO/EC operational indicators, 2009):
//! - a **dimension** is positive when its "yes" answers, weighted on the list that applies (adult
//!   or child), hold at least two strong, or one strong and one other, or three medium, or two
//!   medium and one weak;
//! - an **adult** is a presumed victim when a recruitment dimension (D1 deceptive, D2 coercive,
//!   D3 abuse of vulnerability) and D4 (exploitative conditions) and a destination dimension (D5
//!   coercion, D6 abuse of vulnerability) are positive; D4 without that is exploitation only;
//! - a **child** (the one rule of [`crate::child`]: under 18; an estimated age under 21; an
//!   uncertain or unknown age with any sign of minority) needs no means: the act (recruited,
//!   moved or housed by others) with D4 is enough, and a child is never "exploitation only". Every child goes to the child-protection pathway.
//!
//! Anything short of those, with at least one "yes" or with the exploitation questions not all
//! answered, needs a full interview; "no indicators" needs every D4 and D5 question answered "no".

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::Lang;
use crate::htcds::TraffickingStatus;

/// The catalogue shipped with Tabara.
const EMBEDDED: &str = include_str!("../data/screening.toml");

/// A group of indicators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum DimensionId {
    /// The act: recruitment, transport, transfer, harbouring, receipt.
    #[serde(rename = "ACT")]
    Act,
    /// Deceptive recruitment.
    D1,
    /// Coercive recruitment.
    D2,
    /// Recruitment by abuse of vulnerability.
    D3,
    /// Exploitative conditions of work.
    D4,
    /// Coercion at destination.
    D5,
    /// Abuse of vulnerability at destination.
    D6,
}

impl DimensionId {
    /// Every dimension, in interview order.
    pub const ALL: [DimensionId; 7] = [
        DimensionId::Act,
        DimensionId::D1,
        DimensionId::D2,
        DimensionId::D3,
        DimensionId::D4,
        DimensionId::D5,
        DimensionId::D6,
    ];

    /// `ACT`, `D1` … `D6`.
    pub fn as_str(self) -> &'static str {
        match self {
            DimensionId::Act => "ACT",
            DimensionId::D1 => "D1",
            DimensionId::D2 => "D2",
            DimensionId::D3 => "D3",
            DimensionId::D4 => "D4",
            DimensionId::D5 => "D5",
            DimensionId::D6 => "D6",
        }
    }
}

impl fmt::Display for DimensionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How much an indicator counts in its dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weight {
    /// Weak.
    Weak,
    /// Medium.
    Medium,
    /// Strong.
    Strong,
}

/// When in the person's story the question belongs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// How they were recruited.
    Recruitment,
    /// The journey.
    Movement,
    /// Work and life at destination.
    Exploitation,
}

impl Phase {
    /// The phases in interview order.
    pub const ALL: [Phase; 3] = [Phase::Recruitment, Phase::Movement, Phase::Exploitation];

    /// `recruitment`, `movement`, `exploitation`.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Recruitment => "recruitment",
            Phase::Movement => "movement",
            Phase::Exploitation => "exploitation",
        }
    }
}

/// At most this many questions on one screen of the interview (a few phone screens).
pub const MAX_QUESTIONS_PER_SCREEN: usize = 8;

/// One screen of the interview: questions of one phase, grouped by dimension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Screen {
    /// Stable id, used in addresses: the phase (`movement`), or the phase and dimension
    /// (`recruitment-d1`), with a part number when a dimension is split (`exploitation-d5-2`).
    pub id: String,
    /// The phase.
    pub phase: Phase,
    /// The dimension that names the screen (`None` when the whole phase fits on one screen).
    pub dimension: Option<DimensionId>,
    /// Part `n` of `of` when the dimension is split over several screens.
    pub part: Option<(usize, usize)>,
    /// The questions, grouped by dimension in dimension order.
    pub groups: Vec<(DimensionId, Vec<String>)>,
}

impl Screen {
    /// Every indicator id on the screen.
    pub fn indicator_ids(&self) -> impl Iterator<Item = &String> {
        self.groups.iter().flat_map(|(_, ids)| ids.iter())
    }
}

fn grouped(questions: &[&Indicator]) -> Vec<(DimensionId, Vec<String>)> {
    DimensionId::ALL
        .into_iter()
        .map(|d| {
            (
                d,
                questions
                    .iter()
                    .filter(|i| i.dimension == d)
                    .map(|i| i.id.clone())
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, ids)| !ids.is_empty())
        .collect()
}

/// A text in the languages of Tabara; Kirundi falls back to French until it is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Texts {
    /// English.
    pub en: String,
    /// French.
    pub fr: String,
    /// Kirundi, when written.
    #[serde(default)]
    pub rn: Option<String>,
}

impl Texts {
    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Fr => &self.fr,
            Lang::Rn => self.rn.as_deref().unwrap_or(&self.fr),
        }
    }
}

/// A dimension as the catalogue names it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Dimension {
    /// Its id.
    pub id: DimensionId,
    /// English name.
    pub en: String,
    /// French name.
    pub fr: String,
    /// Kirundi name, when written.
    #[serde(default)]
    pub rn: Option<String>,
    /// What the dimension is about, in one plain line (shown on its screen).
    pub about: Texts,
}

impl Dimension {
    /// The name in `lang`.
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Fr => &self.fr,
            Lang::Rn => self.rn.as_deref().unwrap_or(&self.fr),
        }
    }
}

/// One indicator: a question the officer asks and what a "yes" means.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// Stable id (lower case, digits, underscores); answers are stored under it.
    pub id: String,
    /// Its dimension.
    pub dimension: DimensionId,
    /// Where in the story it belongs.
    pub phase: Phase,
    /// Weight on the adult list; absent when not on it.
    #[serde(default)]
    pub adult: Option<Weight>,
    /// Weight on the child list; absent when not on it.
    #[serde(default)]
    pub child: Option<Weight>,
    /// The question, in plain words.
    pub question: Texts,
    /// What counts as "yes", for the officer.
    pub help: Texts,
}

impl Indicator {
    /// The weight on the list that applies.
    pub fn weight(&self, list: List) -> Option<Weight> {
        match list {
            List::Adult => self.adult,
            List::Child => self.child,
        }
    }
}

/// A sign that the person may be a child, asked when the age is not established.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MinoritySign {
    /// Stable id.
    pub id: String,
    /// The question to the officer.
    pub question: Texts,
    /// What counts as "yes".
    pub help: Texts,
}

/// The whole catalogue.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    /// Version of the catalogue, stored with every screening.
    pub version: String,
    /// The dimensions, each once.
    #[serde(rename = "dimension")]
    pub dimensions: Vec<Dimension>,
    /// The indicators, in interview order.
    #[serde(rename = "indicator")]
    pub indicators: Vec<Indicator>,
    /// Signs of minority.
    #[serde(rename = "minority_sign", default)]
    pub minority_signs: Vec<MinoritySign>,
}

/// What is wrong with a catalogue file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    /// Not TOML of the expected shape.
    #[error("screening catalogue: {0}")]
    Syntax(String),
    /// A rule of the catalogue is broken.
    #[error("screening catalogue: {0}")]
    Rule(String),
}

impl Catalogue {
    /// Parse and validate a catalogue.
    pub fn parse(text: &str) -> Result<Catalogue, CatalogueError> {
        let c: Catalogue =
            toml::from_str(text).map_err(|e| CatalogueError::Syntax(e.to_string()))?;
        c.validate()?;
        Ok(c)
    }

    /// The catalogue shipped with Tabara, parsed and validated once.
    pub fn embedded() -> Result<&'static Catalogue, CatalogueError> {
        static CATALOGUE: OnceLock<Result<Catalogue, CatalogueError>> = OnceLock::new();
        CATALOGUE
            .get_or_init(|| Catalogue::parse(EMBEDDED))
            .as_ref()
            .map_err(Clone::clone)
    }

    fn validate(&self) -> Result<(), CatalogueError> {
        let rule = |m: String| Err(CatalogueError::Rule(m));
        if self.version.trim().is_empty() {
            return rule("version is empty".into());
        }
        for d in DimensionId::ALL {
            let n = self.dimensions.iter().filter(|x| x.id == d).count();
            if n != 1 {
                return rule(format!(
                    "dimension {d} is declared {n} times, expected once"
                ));
            }
            if !self.indicators.iter().any(|i| i.dimension == d) {
                return rule(format!("dimension {d} has no indicator"));
            }
        }
        for d in &self.dimensions {
            if d.about.en.trim().is_empty() || d.about.fr.trim().is_empty() {
                return rule(format!(
                    "dimension {} lacks its English or French explanation",
                    d.id
                ));
            }
        }
        let mut ids = BTreeSet::new();
        let well_formed = |id: &str| {
            !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        };
        let texts_ok = |t: &Texts| !t.en.trim().is_empty() && !t.fr.trim().is_empty();
        for i in &self.indicators {
            if !well_formed(&i.id) {
                return rule(format!("indicator id '{}' is not lower_snake_case", i.id));
            }
            if !ids.insert(i.id.clone()) {
                return rule(format!("id '{}' is used twice", i.id));
            }
            match (i.dimension, i.adult, i.child) {
                (DimensionId::Act, None, None) => {}
                (DimensionId::Act, _, _) => {
                    return rule(format!("act indicator '{}' cannot have a weight", i.id));
                }
                (_, None, None) => {
                    return rule(format!("indicator '{}' is on neither list", i.id));
                }
                _ => {}
            }
            if !texts_ok(&i.question) || !texts_ok(&i.help) {
                return rule(format!("indicator '{}' lacks English or French text", i.id));
            }
        }
        for s in &self.minority_signs {
            if !well_formed(&s.id) {
                return rule(format!(
                    "minority sign id '{}' is not lower_snake_case",
                    s.id
                ));
            }
            if !ids.insert(s.id.clone()) {
                return rule(format!("id '{}' is used twice", s.id));
            }
            if !texts_ok(&s.question) || !texts_ok(&s.help) {
                return rule(format!(
                    "minority sign '{}' lacks English or French text",
                    s.id
                ));
            }
        }
        Ok(())
    }

    /// The screens of the interview, phase by phase: a phase of at most
    /// [`MAX_QUESTIONS_PER_SCREEN`] questions is one screen; a longer one has a screen per
    /// dimension (the act questions join the first), a dimension longer than that split in
    /// equal parts.
    pub fn screens(&self) -> Vec<Screen> {
        let mut screens = Vec::new();
        for phase in Phase::ALL {
            let questions: Vec<&Indicator> = self
                .indicators
                .iter()
                .filter(|i| i.phase == phase)
                .collect();
            if questions.is_empty() {
                continue;
            }
            if questions.len() <= MAX_QUESTIONS_PER_SCREEN {
                screens.push(Screen {
                    id: phase.as_str().to_string(),
                    phase,
                    dimension: None,
                    part: None,
                    groups: grouped(&questions),
                });
                continue;
            }
            let mut groups = grouped(&questions).into_iter().peekable();
            let mut act = None;
            while let Some((d, ids)) = groups.next() {
                if d == DimensionId::Act && groups.peek().is_some() {
                    act = Some((d, ids));
                    continue;
                }
                // The act questions count on the first screen of the dimension they join.
                let extra = act.as_ref().map_or(0, |(_, a): &(_, Vec<String>)| a.len());
                let total = ids.len() + extra;
                let parts = total.div_ceil(MAX_QUESTIONS_PER_SCREEN);
                let size = total.div_ceil(parts);
                let mut rest = &ids[..];
                for k in 0..parts {
                    let take = if k == 0 {
                        size.saturating_sub(extra)
                    } else {
                        size
                    };
                    let (chunk, r) = rest.split_at(take.min(rest.len()));
                    rest = r;
                    let mut groups = Vec::new();
                    if k == 0
                        && let Some(a) = act.take()
                    {
                        groups.push(a);
                    }
                    if !chunk.is_empty() {
                        groups.push((d, chunk.to_vec()));
                    }
                    let base = format!("{}-{}", phase.as_str(), d.as_str().to_lowercase());
                    screens.push(Screen {
                        id: if parts > 1 {
                            format!("{base}-{}", k + 1)
                        } else {
                            base
                        },
                        phase,
                        dimension: Some(d),
                        part: (parts > 1).then_some((k + 1, parts)),
                        groups,
                    });
                }
            }
        }
        screens
    }

    /// An indicator by id.
    pub fn indicator(&self, id: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.id == id)
    }

    /// A dimension's names.
    pub fn dimension(&self, id: DimensionId) -> &Dimension {
        self.dimensions
            .iter()
            .find(|d| d.id == id)
            .expect("validated: every dimension is declared")
    }
}

/// An answer to one question. A question skipped is `NotAsked`, never "no".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// The indicator is present.
    Yes,
    /// The indicator is absent.
    No,
    /// The person does not know.
    DontKnow,
    /// The person chose not to answer.
    Refused,
    /// The question was not asked.
    #[default]
    NotAsked,
}

impl Answer {
    /// `yes`, `no`, `dont_know`, `refused`, `not_asked`.
    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Yes => "yes",
            Answer::No => "no",
            Answer::DontKnow => "dont_know",
            Answer::Refused => "refused",
            Answer::NotAsked => "not_asked",
        }
    }

    /// Parse the stored form.
    pub fn parse(s: &str) -> Option<Answer> {
        Some(match s {
            "yes" => Answer::Yes,
            "no" => Answer::No,
            "dont_know" => Answer::DontKnow,
            "refused" => Answer::Refused,
            "not_asked" => Answer::NotAsked,
            _ => return None,
        })
    }
}

/// What is known of the person's age.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AgeFacts {
    /// Age in years, stated, documented or estimated.
    pub age: Option<i64>,
    /// The age is an estimate or doubtful.
    pub uncertain: bool,
    /// Ids of the signs of minority observed.
    pub minority_signs: BTreeSet<String>,
}

pub use crate::child::ChildBasis;

impl AgeFacts {
    /// The child rule of [`crate::child::presumed_child`]: under 18; an estimate under 21; an
    /// uncertain or unknown age with any sign of minority.
    pub fn child_basis(&self) -> Option<ChildBasis> {
        crate::child::presumed_child(self.age, self.uncertain, &self.minority_signs)
    }
}

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
    use proptest::prelude::*;

    fn cat() -> &'static Catalogue {
        Catalogue::embedded().expect("the shipped catalogue is valid")
    }

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
    fn the_shipped_catalogue_is_valid_and_complete() {
        let c = cat();
        assert!(c.indicators.len() >= 45, "{}", c.indicators.len());
        for i in &c.indicators {
            assert!(i.question.en.ends_with('?'), "{}", i.id);
            assert!(i.question.fr.ends_with('?'), "{}", i.id);
        }
        // The child list has no weak tier.
        assert!(c.indicators.iter().all(|i| i.child != Some(Weight::Weak)));
        assert!(c.minority_signs.len() >= 3);
    }

    #[test]
    fn broken_catalogues_are_refused_with_the_rule() {
        let twice = EMBEDDED.replace("id = \"d1_wages\"", "id = \"d1_job_nature\"");
        assert!(matches!(
            Catalogue::parse(&twice),
            Err(CatalogueError::Rule(m)) if m.contains("used twice")
        ));
        let weighted_act = EMBEDDED.replacen(
            "dimension = \"ACT\"\nphase = \"recruitment\"",
            "dimension = \"ACT\"\nphase = \"recruitment\"\nadult = \"strong\"",
            1,
        );
        assert!(matches!(
            Catalogue::parse(&weighted_act),
            Err(CatalogueError::Rule(m)) if m.contains("cannot have a weight")
        ));
        assert!(matches!(
            Catalogue::parse("version = 1"),
            Err(CatalogueError::Syntax(_))
        ));
        let unknown_field = EMBEDDED.replacen(
            "phase = \"recruitment\"",
            "phase = \"recruitment\"\ncolour = \"red\"",
            1,
        );
        assert!(matches!(
            Catalogue::parse(&unknown_field),
            Err(CatalogueError::Syntax(_))
        ));
    }

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
    fn the_interview_is_cut_into_short_screens_by_dimension() {
        let screens = cat().screens();
        let ids: Vec<&str> = screens.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "recruitment-d1",
                "recruitment-d2",
                "recruitment-d3",
                "movement",
                "exploitation-d4",
                "exploitation-d5-1",
                "exploitation-d5-2",
                "exploitation-d6",
            ]
        );
        // Every question exactly once, none on a screen of another phase, none too long.
        let mut seen = BTreeSet::new();
        for s in &screens {
            let n = s.indicator_ids().count();
            assert!((1..=MAX_QUESTIONS_PER_SCREEN).contains(&n), "{}: {n}", s.id);
            for id in s.indicator_ids() {
                assert_eq!(cat().indicator(id).unwrap().phase, s.phase);
                assert!(seen.insert(id.clone()), "{id} twice");
            }
        }
        assert_eq!(seen.len(), cat().indicators.len());
        // The act question of a phase comes first, with the phase's first dimension.
        assert_eq!(screens[0].groups[0].0, DimensionId::Act);
        assert_eq!(screens[0].groups[1].0, DimensionId::D1);
        assert_eq!(screens[5].part, Some((1, 2)));
        // Every dimension is explained in English and French.
        for d in &cat().dimensions {
            assert!(!d.about.get(crate::Lang::En).is_empty());
            assert!(!d.about.get(crate::Lang::Fr).is_empty());
        }
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
