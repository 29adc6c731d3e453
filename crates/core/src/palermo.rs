//! Trafficking or smuggling? A decision aid over the recorded facts, after the elements of the
//! two Palermo Protocols (2000):
//!
//! - **trafficking** (Trafficking Protocol art. 3) = an act (recruiting, transporting,
//!   transferring, harbouring, receiving) + means (force, threat, coercion, abduction, fraud,
//!   deception, abuse of power or of vulnerability, payments to a person in control) + a purpose
//!   of exploitation; for a **child** the means are not required, and consent is irrelevant once
//!   means are used;
//! - **smuggling** (Smuggling Protocol art. 3) = procuring the illegal entry (or stay) of a
//!   person into a State of which they are not a national or resident, for a financial or other
//!   material benefit.
//!
//! Both can hold at once (a migrant smuggled, then exploited). Facts are yes / no / unknown; the
//! elements are combined in three-valued logic, so an answer is given as soon as the known facts
//! decide it, and a fact is reported missing exactly when knowing it could change the answer.

use serde::{Deserialize, Serialize};

/// A recorded fact: established, ruled out, or not known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fact {
    /// Established.
    Yes,
    /// Ruled out.
    No,
    /// Not known (yet).
    #[default]
    Unknown,
}

impl Fact {
    /// `yes`, `no`, `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Fact::Yes => "yes",
            Fact::No => "no",
            Fact::Unknown => "unknown",
        }
    }

    /// Parse the stored or submitted form; anything else is unknown.
    pub fn parse(s: &str) -> Fact {
        match s {
            "yes" => Fact::Yes,
            "no" => Fact::No,
            _ => Fact::Unknown,
        }
    }

    fn and(self, other: Fact) -> Fact {
        match (self, other) {
            (Fact::No, _) | (_, Fact::No) => Fact::No,
            (Fact::Yes, Fact::Yes) => Fact::Yes,
            _ => Fact::Unknown,
        }
    }

    fn or(self, other: Fact) -> Fact {
        match (self, other) {
            (Fact::Yes, _) | (_, Fact::Yes) => Fact::Yes,
            (Fact::No, Fact::No) => Fact::No,
            _ => Fact::Unknown,
        }
    }
}

/// The facts the aid reads. Names follow the protocols' elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MovementFacts {
    /// Someone recruited, transported, transferred, harboured or received the person.
    pub act: Fact,
    /// Force, threat, coercion, abduction, fraud, deception, abuse of power or of
    /// vulnerability, or payment to a person in control was used.
    pub means: Fact,
    /// Exploitation (sexual, labour, servitude, slavery, organ removal, forced marriage…) is
    /// intended or under way.
    pub exploitation: Fact,
    /// The person is a child (under 18, or presumed one).
    pub child: Fact,
    /// The person agreed to the movement (informative: irrelevant once means are used).
    pub consent_to_movement: Fact,
    /// Someone procured the person's illegal entry into, or illegal stay in, a State.
    pub illegal_crossing: Fact,
    /// That someone obtained a financial or other material benefit for it (e.g. a fee).
    pub benefit_from_crossing: Fact,
    /// The person is neither a national nor a permanent resident of that State.
    pub foreign_to_destination: Fact,
    /// The relationship with the facilitators goes on after arrival (informative: points to
    /// exploitation rather than a fee for the journey).
    pub relationship_continues: Fact,
}

/// A fact by name (for "missing facts" and forms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactName {
    /// [`MovementFacts::act`].
    Act,
    /// [`MovementFacts::means`].
    Means,
    /// [`MovementFacts::exploitation`].
    Exploitation,
    /// [`MovementFacts::child`].
    Child,
    /// [`MovementFacts::consent_to_movement`].
    ConsentToMovement,
    /// [`MovementFacts::illegal_crossing`].
    IllegalCrossing,
    /// [`MovementFacts::benefit_from_crossing`].
    BenefitFromCrossing,
    /// [`MovementFacts::foreign_to_destination`].
    ForeignToDestination,
    /// [`MovementFacts::relationship_continues`].
    RelationshipContinues,
}

impl FactName {
    /// Every fact, in the order of a form.
    pub const ALL: [FactName; 9] = [
        FactName::Act,
        FactName::Means,
        FactName::Exploitation,
        FactName::Child,
        FactName::ConsentToMovement,
        FactName::IllegalCrossing,
        FactName::BenefitFromCrossing,
        FactName::ForeignToDestination,
        FactName::RelationshipContinues,
    ];

    /// The facts that decide an element (the informative ones are not among them).
    pub const DECIDING: [FactName; 7] = [
        FactName::Act,
        FactName::Means,
        FactName::Exploitation,
        FactName::Child,
        FactName::IllegalCrossing,
        FactName::BenefitFromCrossing,
        FactName::ForeignToDestination,
    ];

    /// Stable name (`act`, `means`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            FactName::Act => "act",
            FactName::Means => "means",
            FactName::Exploitation => "exploitation",
            FactName::Child => "child",
            FactName::ConsentToMovement => "consent_to_movement",
            FactName::IllegalCrossing => "illegal_crossing",
            FactName::BenefitFromCrossing => "benefit_from_crossing",
            FactName::ForeignToDestination => "foreign_to_destination",
            FactName::RelationshipContinues => "relationship_continues",
        }
    }
}

impl MovementFacts {
    fn get_mut(&mut self, name: FactName) -> &mut Fact {
        match name {
            FactName::Act => &mut self.act,
            FactName::Means => &mut self.means,
            FactName::Exploitation => &mut self.exploitation,
            FactName::Child => &mut self.child,
            FactName::ConsentToMovement => &mut self.consent_to_movement,
            FactName::IllegalCrossing => &mut self.illegal_crossing,
            FactName::BenefitFromCrossing => &mut self.benefit_from_crossing,
            FactName::ForeignToDestination => &mut self.foreign_to_destination,
            FactName::RelationshipContinues => &mut self.relationship_continues,
        }
    }

    /// Set a fact.
    pub fn set(&mut self, name: FactName, value: Fact) {
        *self.get_mut(name) = value;
    }

    /// The value of a fact.
    pub fn get(&self, name: FactName) -> Fact {
        let mut copy = *self;
        *copy.get_mut(name)
    }

    /// Trafficking: act ∧ exploitation ∧ (child ∨ means).
    pub fn trafficking(&self) -> Fact {
        self.act
            .and(self.exploitation)
            .and(self.child.or(self.means))
    }

    /// Smuggling: illegal crossing ∧ benefit ∧ foreign to the destination.
    pub fn smuggling(&self) -> Fact {
        self.illegal_crossing
            .and(self.benefit_from_crossing)
            .and(self.foreign_to_destination)
    }
}

/// What the facts indicate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Trafficking in persons: the person is a victim (child pathway for a child).
    TraffickingIndicated,
    /// Migrant smuggling: an offence against the State; the migrant is not prosecuted for
    /// having been smuggled, and is still screened for exploitation.
    SmugglingIndicated,
    /// Both: smuggled and trafficked (e.g. exploited on the way or at destination).
    Both,
    /// Neither (e.g. irregular migration alone, or exploitation without means of an adult).
    Neither,
    /// The known facts do not decide yet.
    InsufficientFacts,
}

impl Verdict {
    /// Stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::TraffickingIndicated => "trafficking_indicated",
            Verdict::SmugglingIndicated => "smuggling_indicated",
            Verdict::Both => "both",
            Verdict::Neither => "neither",
            Verdict::InsufficientFacts => "insufficient_facts",
        }
    }
}

/// A step of the explanation (stable names; pages put them in words).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Finding {
    /// All elements of trafficking hold.
    TraffickingElementsMet,
    /// A child: the means are not required.
    ChildNoMeansNeeded,
    /// Means were used: the person's consent to the movement is irrelevant.
    ConsentIrrelevant,
    /// One element of trafficking is ruled out.
    TraffickingRuledOut,
    /// An adult exploited without means: labour or other offences, not trafficking; keep the
    /// file open.
    ExploitationWithoutMeans,
    /// All elements of smuggling hold.
    SmugglingElementsMet,
    /// One element of smuggling is ruled out (e.g. internal movement, no illegal crossing).
    SmugglingRuledOut,
    /// The relationship goes on after arrival: look for exploitation.
    RelationshipContinues,
    /// Smuggled, with exploitation not ruled out: screen the person for trafficking.
    ScreenForExploitation,
}

/// The aid's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Distinction {
    /// What the facts indicate.
    pub verdict: Verdict,
    /// Why, in order.
    pub findings: Vec<Finding>,
    /// Facts not known whose answer could change whether trafficking or smuggling holds.
    pub missing: Vec<FactName>,
}

/// Decide what the facts indicate.
pub fn distinguish(facts: &MovementFacts) -> Distinction {
    let t = facts.trafficking();
    let s = facts.smuggling();
    let verdict = match (t, s) {
        (Fact::Yes, Fact::Yes) => Verdict::Both,
        (Fact::Yes, _) => Verdict::TraffickingIndicated,
        (_, Fact::Yes) => Verdict::SmugglingIndicated,
        (Fact::No, Fact::No) => Verdict::Neither,
        _ => Verdict::InsufficientFacts,
    };
    let mut findings = Vec::new();
    match t {
        Fact::Yes => {
            findings.push(Finding::TraffickingElementsMet);
            if facts.child == Fact::Yes {
                findings.push(Finding::ChildNoMeansNeeded);
            }
            if facts.means == Fact::Yes && facts.consent_to_movement == Fact::Yes {
                findings.push(Finding::ConsentIrrelevant);
            }
        }
        Fact::No => {
            findings.push(Finding::TraffickingRuledOut);
            if facts.act == Fact::Yes
                && facts.exploitation == Fact::Yes
                && facts.means == Fact::No
                && facts.child == Fact::No
            {
                findings.push(Finding::ExploitationWithoutMeans);
            }
        }
        Fact::Unknown => {}
    }
    match s {
        Fact::Yes => findings.push(Finding::SmugglingElementsMet),
        Fact::No => findings.push(Finding::SmugglingRuledOut),
        Fact::Unknown => {}
    }
    if facts.relationship_continues == Fact::Yes && t != Fact::Yes {
        findings.push(Finding::RelationshipContinues);
    }
    if s == Fact::Yes && t == Fact::Unknown {
        findings.push(Finding::ScreenForExploitation);
    }
    // A fact is missing when, for some values of the other unknown facts, its own value
    // decides whether trafficking or smuggling holds (at most 2^7 cases).
    let unknown: Vec<FactName> = FactName::DECIDING
        .into_iter()
        .filter(|name| facts.get(*name) == Fact::Unknown)
        .collect();
    let missing = unknown
        .iter()
        .copied()
        .filter(|name| {
            let others: Vec<FactName> = unknown.iter().copied().filter(|o| o != name).collect();
            (0u32..1 << others.len()).any(|bits| {
                let mut f = *facts;
                for (i, o) in others.iter().enumerate() {
                    *f.get_mut(*o) = if bits & (1 << i) != 0 {
                        Fact::Yes
                    } else {
                        Fact::No
                    };
                }
                let (mut yes, mut no) = (f, f);
                *yes.get_mut(*name) = Fact::Yes;
                *no.get_mut(*name) = Fact::No;
                yes.trafficking() != no.trafficking() || yes.smuggling() != no.smuggling()
            })
        })
        .collect();
    Distinction {
        verdict,
        findings,
        missing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Fact::{No, Unknown as U, Yes};

    #[allow(clippy::too_many_arguments)]
    fn facts(
        act: Fact,
        means: Fact,
        exploitation: Fact,
        child: Fact,
        consent: Fact,
        crossing: Fact,
        benefit: Fact,
        foreign: Fact,
    ) -> MovementFacts {
        MovementFacts {
            act,
            means,
            exploitation,
            child,
            consent_to_movement: consent,
            illegal_crossing: crossing,
            benefit_from_crossing: benefit,
            foreign_to_destination: foreign,
            relationship_continues: U,
        }
    }

    /// The scenarios of the domain research, §2.
    #[test]
    fn scenarios() {
        let cases: Vec<(&str, MovementFacts, Verdict)> = vec![
            (
                "adult paid a smuggler to cross into Tanzania, free on arrival, no exploitation",
                facts(Yes, No, No, No, Yes, Yes, Yes, Yes),
                Verdict::SmugglingIndicated,
            ),
            (
                "smuggled into Tanzania, then held on a farm by the smuggler to repay a debt",
                facts(Yes, Yes, Yes, No, Yes, Yes, Yes, Yes),
                Verdict::Both,
            ),
            (
                "a girl of 15 taken from Ngozi to Bujumbura as a house servant, no force used",
                facts(Yes, No, Yes, Yes, Yes, No, No, No),
                Verdict::TraffickingIndicated,
            ),
            (
                "woman deceived by a job offer in Oman, passport taken on arrival, legal visa",
                facts(Yes, Yes, Yes, No, Yes, No, U, Yes),
                Verdict::TraffickingIndicated,
            ),
            (
                "adult working long hours for low pay in town, came on their own, free to leave",
                facts(Yes, No, Yes, No, Yes, No, No, No),
                Verdict::Neither,
            ),
            (
                "a traveller without papers, nothing else known",
                facts(U, U, U, U, U, Yes, U, Yes),
                Verdict::InsufficientFacts,
            ),
            (
                "smuggled for a fee, whether exploitation follows is not known",
                facts(Yes, U, U, No, Yes, Yes, Yes, Yes),
                Verdict::SmugglingIndicated,
            ),
            (
                "nothing known",
                MovementFacts::default(),
                Verdict::InsufficientFacts,
            ),
        ];
        for (what, f, want) in cases {
            let d = distinguish(&f);
            assert_eq!(d.verdict, want, "{what}: {d:?}");
        }
    }

    #[test]
    fn a_child_needs_no_means_and_consent_does_not_count_once_means_are_used() {
        let child = facts(Yes, No, Yes, Yes, Yes, No, No, No);
        let d = distinguish(&child);
        assert!(d.findings.contains(&Finding::ChildNoMeansNeeded));
        assert!(d.missing.is_empty());
        let deceived = facts(Yes, Yes, Yes, No, Yes, No, No, No);
        assert!(
            distinguish(&deceived)
                .findings
                .contains(&Finding::ConsentIrrelevant)
        );
    }

    #[test]
    fn smuggled_with_exploitation_unknown_asks_for_screening_and_names_what_is_missing() {
        let d = distinguish(&facts(Yes, U, U, No, Yes, Yes, Yes, Yes));
        assert!(d.findings.contains(&Finding::ScreenForExploitation));
        assert_eq!(d.missing, vec![FactName::Means, FactName::Exploitation]);
    }

    #[test]
    fn missing_facts_are_exactly_those_that_could_change_the_answer() {
        // Exploitation ruled out: trafficking is decided whatever the means or the age.
        let d = distinguish(&facts(Yes, U, No, U, U, U, U, U));
        assert!(!d.missing.contains(&FactName::Means));
        assert!(!d.missing.contains(&FactName::Child));
        assert_eq!(
            d.missing,
            vec![
                FactName::IllegalCrossing,
                FactName::BenefitFromCrossing,
                FactName::ForeignToDestination
            ]
        );
        // Everything unknown: every deciding fact is missing.
        assert_eq!(
            distinguish(&MovementFacts::default()).missing,
            FactName::DECIDING.to_vec()
        );
    }

    #[test]
    fn exploitation_without_means_of_an_adult_is_named() {
        let d = distinguish(&facts(Yes, No, Yes, No, Yes, No, No, No));
        assert_eq!(d.verdict, Verdict::Neither);
        assert!(d.findings.contains(&Finding::ExploitationWithoutMeans));
    }
}
