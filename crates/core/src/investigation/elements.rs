//! The Palermo elements of an offence (act, means, purpose: Trafficking Protocol art. 3,
//! Loi n°1/28 art. 4), the facts and evidence recorded in support of each, and which elements
//! still lack support.

use serde::Serialize;

use super::legal::Offence;
use crate::picklist::picklist;
use crate::records::MAX_LONG_TEXT;
use crate::validation::{ValidationErrors, check_characters};

picklist! {
    /// An element the prosecution must show.
    Element, fields [] {
        Act = "act", "Act: recruitment, transport, transfer, harbouring or receipt of a person", "Acte : recrutement, transport, transfert, hébergement ou accueil d'une personne";
        Means = "means", "Means: threat, force, coercion, abduction, fraud, deception, abuse of power or of a position of vulnerability, payments to a person in control", "Moyens : menace, force, contrainte, enlèvement, fraude, tromperie, abus d'autorité ou d'une situation de vulnérabilité, paiements à une personne ayant autorité";
        Purpose = "purpose", "Purpose of exploitation", "But d'exploitation";
    }
}

/// How well an element is supported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Support {
    /// No fact recorded for it yet.
    Missing,
    /// Facts recorded, none linked to an item of evidence.
    FactsOnly,
    /// At least one fact linked to an item of evidence.
    Evidenced,
}

/// One element of an offence and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ElementStatus {
    /// The element.
    pub element: Element,
    /// Whether it must be shown (the means are not, for a child victim, when the offence says
    /// so).
    pub required: bool,
    /// How many facts support it.
    pub facts: usize,
    /// How many of them are linked to evidence.
    pub evidenced: usize,
    /// The summary.
    pub support: Support,
}

/// The elements of `offence` and their support, given each recorded support as (element, linked
/// to evidence), for a victim who is a child or not. Every element of the offence is listed, in
/// its order; a required one with no fact is [`Support::Missing`].
pub fn coverage(
    offence: &Offence,
    child_victim: bool,
    supports: &[(Element, bool)],
) -> Vec<ElementStatus> {
    let required = offence.required_elements(child_victim);
    offence
        .elements
        .iter()
        .map(|&element| {
            let facts = supports.iter().filter(|(e, _)| *e == element).count();
            let evidenced = supports
                .iter()
                .filter(|(e, ev)| *e == element && *ev)
                .count();
            ElementStatus {
                element,
                required: required.contains(&element),
                facts,
                evidenced,
                support: if evidenced > 0 {
                    Support::Evidenced
                } else if facts > 0 {
                    Support::FactsOnly
                } else {
                    Support::Missing
                },
            }
        })
        .collect()
}

/// The required elements no fact supports yet.
pub fn lacking(statuses: &[ElementStatus]) -> Vec<Element> {
    statuses
        .iter()
        .filter(|s| s.required && s.support == Support::Missing)
        .map(|s| s.element)
        .collect()
}

/// Check a fact recorded in support of an element of `offence`: the element is one of the
/// offence's (`els_Element`/`not_an_element`), the fact is said (`els_Fact`/`required`), one
/// text without control characters, at most [`MAX_LONG_TEXT`]. Returns the fact trimmed.
pub fn check_support(
    offence: &Offence,
    element: Element,
    fact: &str,
) -> Result<String, ValidationErrors> {
    let mut e = ValidationErrors::default();
    if !offence.elements.contains(&element) {
        e.push(
            "els_Element",
            "not_an_element",
            format!("{} is not an element of {}", element.as_str(), offence.code),
        );
    }
    let fact = fact.trim();
    if fact.is_empty() {
        e.push("els_Fact", "required", "say what fact supports the element");
    }
    check_characters(&mut e, "els_Fact", fact, true);
    if fact.chars().count() > MAX_LONG_TEXT {
        e.push("els_Fact", "max_length", "too long");
    }
    e.into_result(fact.to_string())
}
