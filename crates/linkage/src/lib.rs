//! Tabara's record linkage engine (issue 17): the same person registered by several agencies,
//! found without labels. This crate knows nothing of the register: it takes records of fields
//! and gives scored pairs and clusters; the store and the command line feed it.
//!
//! - [`normalize`]: names as this region writes them (accents, case, spacing, word order, the
//!   French spellings of Kirundi and Swahili sounds, initials) and dates as officers write them
//!   (day and month swapped, the year alone).
//! - [`compare`]: the comparators, written here and tested against an independent
//!   implementation: Jaro-Winkler, Damerau-Levenshtein (optimal string alignment), the levels
//!   of agreement of two dates.
//! - [`model`]: Fellegi-Sunter scoring learnt without labels: `u` from random pairs, `m` and
//!   the prior by expectation-maximisation, every score explained comparison by comparison.
//! - [`person`]: a person's comparisons (names in the order that fits, dates by level, gender,
//!   citizenship) and the blocking rules, a union of keys.
//! - [`cluster`]: clusters that do not chain (two clusters merge only when the mean
//!   probability of all their cross pairs reaches the threshold), and pairwise and cluster
//!   precision, recall and F1.

pub mod cluster;
pub mod compare;
pub mod model;
pub mod normalize;
pub mod person;
