//! The indicator catalogue: its types, the shipped file, and the rules a catalogue must keep.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::*;
use crate::Lang;

/// The catalogue shipped with Tabara.
const EMBEDDED: &str = include_str!("../../data/screening.toml");

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
        lang.choose(&self.en, &self.fr, self.rn.as_deref())
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
        lang.choose(&self.en, &self.fr, self.rn.as_deref())
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
}

impl Catalogue {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::screening::shipped as cat;

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
}
