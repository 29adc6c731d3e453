//! Demo screenings: for a sample of victims, interviews whose answers follow a realistic
//! pattern for each outcome (presumed adult victim, presumed child victim, exploitation only,
//! full interview needed, no indicators; smuggled migrants among them), some left as drafts,
//! most decided by the officer (confirmed, a few overridden with a reason).

use std::collections::{BTreeMap, BTreeSet};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tabara_core::htcds::TraffickingStatus;
use tabara_core::ids::ScreeningId;
use tabara_core::palermo::{Fact, MovementFacts};
use tabara_core::records::PersonRole;
use tabara_core::screening::{AgeFacts, Answer, Catalogue, DimensionId};
use tabara_store::{Actor, CaseFilter, DecisionKind, PageRequest, Store, StoreError};

/// The answer patterns, by the outcome they lead to.
#[derive(Debug, Clone, Copy)]
enum Pattern {
    AdultTrafficked,
    ChildExploited,
    ExploitationOnly,
    Unclear,
    NothingFound,
    Smuggled,
}

const ADULT_PATTERNS: [Pattern; 5] = [
    Pattern::AdultTrafficked,
    Pattern::ExploitationOnly,
    Pattern::Unclear,
    Pattern::NothingFound,
    Pattern::Smuggled,
];

fn yes(ids: &[&str]) -> Vec<(String, Answer)> {
    ids.iter().map(|i| (i.to_string(), Answer::Yes)).collect()
}

/// Every D4 and D5 question answered "no", then the pattern's answers on top.
fn answers(
    catalogue: &Catalogue,
    pattern: Pattern,
    rng: &mut ChaCha8Rng,
) -> BTreeMap<String, Answer> {
    let mut a: BTreeMap<String, Answer> = catalogue
        .indicators
        .iter()
        .filter(|i| matches!(i.dimension, DimensionId::D4 | DimensionId::D5))
        .map(|i| (i.id.clone(), Answer::No))
        .collect();
    let mut extra = match pattern {
        Pattern::AdultTrafficked => {
            let mut v = yes(&[
                "act_recruited",
                "act_transported",
                "d1_job_nature",
                "d4_hours",
                "d4_pay",
                "d5_documents",
            ]);
            // Held either by debt or by confinement; deceived on pay or on conditions.
            v.extend(yes(&[if rng.random_bool(0.5) {
                "d5_debt"
            } else {
                "d5_confinement"
            }]));
            v.extend(yes(&[if rng.random_bool(0.5) {
                "d1_wages"
            } else {
                "d1_conditions"
            }]));
            v
        }
        Pattern::ChildExploited => {
            let mut v = yes(&["act_recruited", "act_harboured", "d4_hours", "d4_no_school"]);
            if rng.random_bool(0.5) {
                v.extend(yes(&["d1_education"]));
            }
            v
        }
        Pattern::ExploitationOnly => yes(&["d4_hours", "d4_pay", "d4_living"]),
        Pattern::Unclear => {
            let mut v = yes(&["d3_economic", "d6_dependency"]);
            // The exploitation questions were cut short: the person was too tired to go on.
            for id in ["d4_hazardous", "d5_threats", "d5_lie"] {
                a.remove(id);
            }
            v.push(("d5_violence".into(), Answer::Refused));
            v
        }
        Pattern::NothingFound | Pattern::Smuggled => Vec::new(),
    };
    a.extend(extra.drain(..));
    a
}

fn movement(pattern: Pattern) -> MovementFacts {
    use Fact::{No, Unknown, Yes};
    let mut m = MovementFacts::default();
    match pattern {
        Pattern::AdultTrafficked => {
            m.act = Yes;
            m.means = Yes;
            m.exploitation = Yes;
            m.child = No;
            m.consent_to_movement = Yes;
            m.illegal_crossing = No;
            m.relationship_continues = Yes;
        }
        Pattern::ChildExploited => {
            m.act = Yes;
            m.exploitation = Yes;
            m.child = Yes;
            m.illegal_crossing = No;
        }
        Pattern::ExploitationOnly => {
            m.act = No;
            m.means = No;
            m.exploitation = Yes;
            m.child = No;
            m.illegal_crossing = No;
        }
        Pattern::Unclear => {
            m.act = Yes;
            m.means = Unknown;
            m.exploitation = Unknown;
            m.child = No;
        }
        Pattern::NothingFound => {
            m.act = No;
            m.exploitation = No;
            m.child = No;
            m.illegal_crossing = No;
        }
        Pattern::Smuggled => {
            m.act = Yes;
            m.means = No;
            m.exploitation = No;
            m.child = No;
            m.consent_to_movement = Yes;
            m.illegal_crossing = Yes;
            m.benefit_from_crossing = Yes;
            m.foreign_to_destination = Yes;
        }
    }
    m
}

/// Write up to `max` screenings for victims of the newest cases; returns how many.
pub async fn write_screenings(
    store: &Store,
    actor: &Actor,
    seed: u64,
    max: usize,
) -> Result<usize, StoreError> {
    let catalogue = Catalogue::embedded().map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5C2E_E111);
    let cases = store
        .list_cases(
            &CaseFilter::default(),
            PageRequest {
                after: None,
                limit: (max as i64).clamp(1, 500),
            },
        )
        .await?
        .items;
    let mut written = 0;
    for (k, case) in cases.iter().enumerate() {
        if written >= max {
            break;
        }
        let persons = store.case_persons(case.id).await?;
        let Some(victim) = persons
            .iter()
            .find(|p| p.involvement.role() == PersonRole::Victim)
        else {
            continue;
        };
        let facts = &victim.person.facts;
        let pattern = if facts.is_child_or_presumed() {
            Pattern::ChildExploited
        } else {
            ADULT_PATTERNS[k % ADULT_PATTERNS.len()]
        };
        let mut signs = BTreeSet::new();
        if facts.age_uncertain && facts.is_child_or_presumed() {
            signs.insert("minor_looks_under_18".to_string());
        }
        let age = AgeFacts {
            age: facts.age_at_registration,
            uncertain: facts.age_uncertain,
            minority_signs: signs,
        };
        let id = ScreeningId::new();
        let s = store
            .create_screening(actor, id, case.id, victim.person.id, &catalogue.version)
            .await?;
        let v = store
            .save_screening(
                actor,
                id,
                s.version,
                &answers(catalogue, pattern, &mut rng),
                &age,
                &movement(pattern),
            )
            .await?;
        written += 1;
        // One in seven stays a draft, to be resumed.
        if k % 7 == 6 {
            continue;
        }
        let done = store.complete_screening(actor, id, v, catalogue).await?;
        match done.evaluation.as_ref().and_then(|e| e.suggested_status) {
            Some(_) if k % 11 != 3 => {
                store
                    .decide_screening(
                        actor,
                        id,
                        done.version,
                        tabara_store::DecisionInput {
                            kind: DecisionKind::Confirmed,
                            status: None,
                            reason: "",
                            decided_by: tabara_core::htcds::DecisionMakingOrg::Police,
                        },
                    )
                    .await?;
            }
            _ => {
                store
                    .decide_screening(actor, id, done.version, tabara_store::DecisionInput { kind: DecisionKind::Overridden, status: Some(TraffickingStatus::PossibleVictimOfTrafficking), reason: "Full interview held the next day with an interpreter; indicators of control confirmed", decided_by: tabara_core::htcds::DecisionMakingOrg::Police })
                    .await?;
            }
        }
    }
    Ok(written)
}
