//! A realistic, entirely fictional register for demonstrations, training and load tests:
//! Burundi's provinces, 17 border posts and police stations, the partner agencies, persons with
//! Kirundi and French names (and the spelling variants that several agencies produce when they
//! register the same person), cases across every HTCDS exploitation type, consent records;
//! children among the victims, some cases assigned to an account (`assignments`), some shared with
//! another agency to read or to edit (`shares`), screenings (`screenings`), a training
//! programme (`training`) and the services directory (`services`: providers in every province).
//!
//! Deterministic: the same seed and size give the same data (ids included). Dates are anchored
//! on [`ANCHOR`], not on today, so a demo built on another day is identical.
#![deny(missing_docs)]

mod assignments;
mod cases;
mod directory;
mod documents;
mod investigations;
mod names;
mod persons;
mod referrals;
mod screenings;
mod services;
mod shares;
mod training;
mod weights;

pub use assignments::write_assignments;
pub use directory::{DemoUser, PROVINCES, Reference};
use directory::{agency, reference};
pub use documents::{write_documents, write_lost_documents};
pub use investigations::{InvestigationCounts, write_investigations};
pub use referrals::{ReferralSummary, write_referrals, write_risk_assessments};
pub use screenings::write_screenings;
pub use services::{demo_providers, write_services};
pub use shares::write_shares;
pub use training::{TrainingSummary, write_training};

use chrono::NaiveDate;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tabara_core::records::*;
use uuid::Uuid;

pub use names::spelling_variant;

/// The last day covered by demo data; cases open over the three years before it.
pub const ANCHOR: NaiveDate = match NaiveDate::from_ymd_opt(2026, 6, 30) {
    Some(d) => d,
    None => panic!("valid date"),
};

/// The password of every demo account (printed by `tabara demo`; never use it for real data).
pub const DEMO_PASSWORD: &str = "tabara-demo-2026";

/// Deterministic id maker: UUID v7 layout with a synthetic clock and seeded random bits.
struct Ids {
    rng: ChaCha8Rng,
    millis: u64,
}

impl Ids {
    fn next(&mut self) -> Uuid {
        self.millis += 1;
        let bytes: [u8; 10] = self.rng.random();
        uuid::Builder::from_unix_timestamp_millis(self.millis, &bytes).into_uuid()
    }
}

/// The generator. Call [`Demo::next_batch`] until it returns `None`.
pub struct Demo {
    rng: ChaCha8Rng,
    ids: Ids,
    reference: Reference,
    persons_target: u64,
    persons_made: u64,
    cases_made: u64,
    /// Recent victims' identities (and facts) for re-registration by another agency.
    recent_victims: Vec<(PersonIdentity, PersonFacts)>,
}

impl Demo {
    /// A generator for about `persons` persons (at least one case's worth).
    pub fn new(seed: u64, persons: u64) -> Demo {
        let mut ids = Ids {
            rng: ChaCha8Rng::seed_from_u64(seed ^ 0x7ab4_7a00),
            // 2023-07-01T00:00:00Z: ids sort like the cases' history.
            millis: 1_688_169_600_000,
        };
        let reference = reference(&mut ids);
        Demo {
            rng: ChaCha8Rng::seed_from_u64(seed),
            ids,
            reference,
            persons_target: persons.max(1),
            persons_made: 0,
            cases_made: 0,
            recent_victims: Vec::new(),
        }
    }

    /// Organisations, offices and accounts.
    pub fn reference(&self) -> &Reference {
        &self.reference
    }

    /// Persons generated so far.
    pub fn persons_made(&self) -> u64 {
        self.persons_made
    }

    /// Cases generated so far.
    pub fn cases_made(&self) -> u64 {
        self.cases_made
    }

    /// The next batch of about `max_persons` persons with their cases, or `None` when done.
    pub fn next_batch(&mut self, max_persons: usize) -> Option<Batch> {
        if self.persons_made >= self.persons_target {
            return None;
        }
        let mut batch = Batch::default();
        while batch.persons.len() < max_persons && self.persons_made < self.persons_target {
            self.make_case(&mut batch);
        }
        Some(batch)
    }
}

pub use tabara_store::{Batch, BatchCase, NewCase};

fn pick_weighted<T: Copy, R: Rng>(rng: &mut R, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut x = rng.random_range(0..total);
    for (item, w) in items {
        if x < *w {
            return *item;
        }
        x -= w;
    }
    items[items.len() - 1].0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::weights::ALL_TYPES;
    use tabara_core::Role;
    use tabara_core::ids::PersonId;

    fn all(seed: u64, persons: u64) -> Vec<tabara_store::Batch> {
        let mut d = Demo::new(seed, persons);
        std::iter::from_fn(|| d.next_batch(500)).collect()
    }

    #[test]
    fn deterministic_for_a_seed() {
        let a = all(7, 800);
        let b = all(7, 800);
        let ids = |bs: &[tabara_store::Batch]| -> Vec<(PersonId, Option<String>)> {
            bs.iter()
                .flat_map(|b| b.persons.iter().map(|(p, i)| (p.id, i.first_name.clone())))
                .collect()
        };
        assert_eq!(ids(&a), ids(&b));
        assert_ne!(ids(&a), ids(&all(8, 800)));
        assert_eq!(
            Demo::new(7, 10).reference().offices[0].id,
            Demo::new(7, 10).reference().offices[0].id
        );
    }

    /// FNV-1a, 64 bits: a fingerprint that does not depend on the standard library's hasher.
    fn fingerprint(text: &str) -> u64 {
        text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
    }

    /// The demo of a seed is pinned: a change to the generator that changes what a seed gives
    /// (ids, names, dates, weights, assignments) fails here. If the change is meant, say so in
    /// the commit and pin the new fingerprints.
    #[test]
    fn a_seed_gives_exactly_the_same_register() {
        let reference = format!("{:?}", Demo::new(7, 300).reference());
        let batches = format!("{:?}", all(7, 300));
        assert_eq!(
            (fingerprint(&reference), fingerprint(&batches)),
            (8_219_797_437_829_482_398, 15_070_147_442_115_916_140),
            "the demo of seed 7 changed"
        );
        assert_ne!(
            fingerprint(&batches),
            fingerprint(&format!("{:?}", all(8, 300)))
        );
    }

    #[test]
    fn shape_of_the_default_demo() {
        let batches = all(42, 2000);
        let persons: usize = batches.iter().map(|b| b.persons.len()).sum();
        let cases: usize = batches.iter().map(|b| b.cases.len()).sum();
        assert!((2000..2010).contains(&persons), "{persons}");
        assert!((450..750).contains(&cases), "{cases}");
        let mut types = std::collections::BTreeSet::new();
        for b in &batches {
            for c in &b.cases {
                c.case.facts.validate(ANCHOR).unwrap();
                for (_, inv) in &c.persons {
                    inv.validate().unwrap();
                    if let Involvement::Victim(v) = inv {
                        types.extend(v.exploitation_types.iter());
                    }
                }
            }
            for c in &b.consents {
                c.validate(ANCHOR).unwrap();
            }
        }
        assert_eq!(types.len(), ALL_TYPES.len());
        let reference = Demo::new(1, 1).reference().clone();
        let posts = reference
            .offices
            .iter()
            .filter(|o| matches!(o.kind, OfficeKind::BorderPost | OfficeKind::PoliceStation))
            .count();
        assert_eq!(posts, 17);
        let roles: std::collections::BTreeSet<Role> =
            reference.users.iter().map(|u| u.role).collect();
        assert_eq!(roles.len(), 10);
    }

    #[test]
    fn some_victims_are_registered_twice_with_variant_spellings() {
        let batches = all(42, 2000);
        let mut seen = std::collections::HashMap::new();
        let mut variants = 0;
        for b in &batches {
            for (p, i) in &b.persons {
                if let Some(birth) = i.birthdate {
                    let key = (birth, p.facts.gender);
                    if let Some(other) = seen.insert(key, i.name_key())
                        && other != i.name_key()
                    {
                        variants += 1;
                    }
                }
            }
        }
        assert!(variants >= 20, "{variants}");
    }
}
