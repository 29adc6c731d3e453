//! The risk factors: their types, the shipped file, and the rules the file must keep.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::RiskKind;
use crate::Lang;
use crate::screening::Texts;

/// The factors shipped with Tabara.
const EMBEDDED: &str = include_str!("../../data/risk.toml");

/// Which axis of the matrix a factor present raises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Raises {
    /// The likelihood that harm happens.
    Likelihood,
    /// How bad the harm would be.
    Impact,
    /// Both.
    Both,
}

impl Raises {
    /// `likelihood`, `impact` or `both`.
    pub fn as_str(self) -> &'static str {
        match self {
            Raises::Likelihood => "likelihood",
            Raises::Impact => "impact",
            Raises::Both => "both",
        }
    }

    /// Whether the likelihood is raised.
    pub fn likelihood(self) -> bool {
        matches!(self, Raises::Likelihood | Raises::Both)
    }

    /// Whether the impact is raised.
    pub fn impact(self) -> bool {
        matches!(self, Raises::Impact | Raises::Both)
    }
}

/// One risk factor: a fact the caseworker ticks when it is present.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Factor {
    /// Stable id (lower case, digits, underscores); assessments store it.
    pub id: String,
    /// The kind of risk it belongs to.
    pub kind: RiskKind,
    /// What it raises.
    pub raises: Raises,
    /// The fact, as a statement.
    pub text: Texts,
}

impl Factor {
    /// The statement in `lang`.
    pub fn label(&self, lang: Lang) -> &str {
        self.text.get(lang)
    }
}

/// The whole file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Factors {
    /// Version of the file, stored with every assessment.
    pub version: String,
    /// The factors, in the order they are shown.
    #[serde(rename = "factor")]
    pub factors: Vec<Factor>,
}

/// What is wrong with a factors file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FactorsError {
    /// Not TOML of the expected shape.
    #[error("risk factors: {0}")]
    Syntax(String),
    /// A rule of the file is broken.
    #[error("risk factors: {0}")]
    Rule(String),
}

impl Factors {
    /// Parse and validate a factors file.
    pub fn parse(text: &str) -> Result<Factors, FactorsError> {
        let f: Factors = toml::from_str(text).map_err(|e| FactorsError::Syntax(e.to_string()))?;
        f.validate()?;
        Ok(f)
    }

    /// The factors shipped with Tabara, parsed and validated once.
    pub fn embedded() -> Result<&'static Factors, FactorsError> {
        static FACTORS: OnceLock<Result<Factors, FactorsError>> = OnceLock::new();
        FACTORS
            .get_or_init(|| Factors::parse(EMBEDDED))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Rules: a version; ids lower_snake_case and unique; English and French text for each;
    /// every kind of risk has at least one factor.
    fn validate(&self) -> Result<(), FactorsError> {
        let rule = |m: String| Err(FactorsError::Rule(m));
        if self.version.trim().is_empty() {
            return rule("version is empty".into());
        }
        let mut ids = BTreeSet::new();
        for f in &self.factors {
            let well_formed = !f.id.is_empty()
                && f.id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !well_formed {
                return rule(format!("factor id '{}' is not lower_snake_case", f.id));
            }
            if !ids.insert(f.id.as_str()) {
                return rule(format!("id '{}' is used twice", f.id));
            }
            if f.text.en.trim().is_empty() || f.text.fr.trim().is_empty() {
                return rule(format!("factor '{}' lacks English or French text", f.id));
            }
        }
        for kind in <RiskKind as crate::Picklist>::ALL {
            if !self.factors.iter().any(|f| f.kind == *kind) {
                return rule(format!("the {kind} risk has no factor"));
            }
        }
        Ok(())
    }

    /// A factor by id.
    pub fn factor(&self, id: &str) -> Option<&Factor> {
        self.factors.iter().find(|f| f.id == id)
    }

    /// The factors of one kind of risk, in the order they are shown.
    pub fn of_kind(&self, kind: RiskKind) -> impl Iterator<Item = &Factor> + '_ {
        self.factors.iter().filter(move |f| f.kind == kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::shipped;

    #[test]
    fn the_embedded_file_loads_with_both_kinds() {
        let f = shipped();
        assert_eq!(f.version, "2026.1");
        assert_eq!(f.of_kind(RiskKind::Security).count(), 12);
        assert_eq!(f.of_kind(RiskKind::ReTrafficking).count(), 9);
        for x in &f.factors {
            assert!(x.id.starts_with(match x.kind {
                RiskKind::Security => "sec_",
                RiskKind::ReTrafficking => "ret_",
            }));
            assert!(
                x.text.en.ends_with('.') && x.text.fr.ends_with('.'),
                "{}",
                x.id
            );
            assert_ne!(x.label(Lang::En), x.label(Lang::Fr), "{}", x.id);
            assert_eq!(x.label(Lang::Rn), x.label(Lang::Fr), "Kirundi falls back");
        }
        assert_eq!(f.factor("sec_debt").unwrap().raises, Raises::Likelihood);
        assert!(f.factor("nope").is_none());
        // Each kind has factors that raise each axis, so the suggestion can reach every cell.
        for kind in [RiskKind::Security, RiskKind::ReTrafficking] {
            assert!(f.of_kind(kind).any(|x| x.raises.impact()));
            assert!(f.of_kind(kind).filter(|x| x.raises.likelihood()).count() >= 4);
        }
    }

    #[test]
    fn broken_files_are_refused_with_the_rule() {
        let refused = |text: &str, words: &str| match Factors::parse(text) {
            Err(FactorsError::Rule(m)) => assert!(m.contains(words), "{m}"),
            other => panic!("expected a rule error with '{words}', got {other:?}"),
        };
        refused(
            &EMBEDDED.replace("id = \"ret_debt\"", "id = \"sec_debt\""),
            "used twice",
        );
        refused(
            &EMBEDDED.replace("id = \"ret_debt\"", "id = \"Ret-Debt\""),
            "lower_snake_case",
        );
        refused(
            &EMBEDDED.replace(
                "text.fr = \"La victime doit encore de l'argent aux trafiquants.\"",
                "text.fr = \" \"",
            ),
            "lacks English or French",
        );
        refused(
            &EMBEDDED.replace("version = \"2026.1\"", "version = \"\""),
            "version",
        );
        refused(
            &EMBEDDED.replace("kind = \"re_trafficking\"", "kind = \"security\""),
            "has no factor",
        );
        let syntax = |text: &str| {
            assert!(
                matches!(Factors::parse(text), Err(FactorsError::Syntax(_))),
                "{text:.80}"
            )
        };
        syntax("version = 1");
        syntax(&EMBEDDED.replacen("raises = \"both\"", "raises = \"all\"", 1));
        syntax(&EMBEDDED.replacen("kind = \"security\"", "kind = \"weather\"", 1));
        syntax(&EMBEDDED.replacen(
            "raises = \"both\"",
            "raises = \"both\"\ncolour = \"red\"",
            1,
        ));
        // A missing French text is a syntax error (the field is required).
        syntax(&EMBEDDED.replacen(
            "text.fr = \"Les trafiquants savent où vit la victime ou sa famille.\"",
            "",
            1,
        ));
    }
}
