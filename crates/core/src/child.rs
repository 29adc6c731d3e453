//! The child rule: who is treated as a child. One rule for the whole of Tabara: the case's
//! "involves a minor" flag (which routes the case to child protection) and the screening's
//! child list (no means needed, never "exploitation only") both call [`presumed_child`].
//!
//! The rule (Palermo Protocol art. 3(d); Council of Europe Convention art. 10(3) and UNICEF
//! Guidelines on the protection of child victims of trafficking, 2006: when the age is uncertain
//! and there are reasons to believe the person is a child, treat them as a child until the age
//! is verified):
//! - a **certain** age (a document, a sure date of birth) decides alone: under 18 is a child,
//!   18 or more is not, whatever the person looks like;
//! - an **uncertain** age (an estimate) under 18 is a child; an estimate of 18, 19 or 20 is
//!   presumed a child, because an estimate by eye or by word is commonly wrong by two or three
//!   years and the mistake that matters is to treat a child as an adult; from 21 on, the person
//!   is presumed a child only when a sign of minority is seen;
//! - an **unknown** age (none stated or estimated) is presumed a child when a sign of minority is
//!   seen, and not otherwise: with nothing to go on, flagging every person without an age would
//!   open adults' records to child protection for no reason.
//!
//! The age is the age on the registration date (computed from the date of birth when it is
//! known and sure, see `records::PersonForm::validate`), or the age the officer records at the
//! screening (carried over from the registration, correctable). Intake records no signs of
//! minority; the screening asks for them.

use serde::{Deserialize, Serialize};

/// Estimates below this age are presumed a child (the margin of error of an estimate above 18).
pub const PRESUMED_BELOW: i64 = 21;

/// Under this age, a child.
pub const ADULT_AGE: i64 = 18;

/// Why the person is treated as a child.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "basis", rename_all = "snake_case")]
pub enum ChildBasis {
    /// The age (certain or estimated) is under 18.
    Age {
        /// The age.
        age: i64,
    },
    /// The age is an estimate of 18 to 20: within the margin of error, presumed a child until
    /// verified.
    Estimate {
        /// The estimated age.
        age: i64,
    },
    /// The age is uncertain or unknown and there are signs of minority: presumed a child
    /// until verified.
    Presumed {
        /// The signs observed.
        signs: Vec<String>,
    },
}

/// The child rule (see the module documentation): `age` in years if stated, documented or
/// estimated; `uncertain` when it is an estimate; `signs` the ids of the signs of minority seen.
/// `None` when the person is treated as an adult.
pub fn presumed_child<'a>(
    age: Option<i64>,
    uncertain: bool,
    signs: impl IntoIterator<Item = &'a String>,
) -> Option<ChildBasis> {
    match age {
        Some(a) if a < ADULT_AGE => Some(ChildBasis::Age { age: a }),
        Some(_) if !uncertain => None,
        Some(a) if a < PRESUMED_BELOW => Some(ChildBasis::Estimate { age: a }),
        _ => {
            let signs: Vec<String> = signs.into_iter().cloned().collect();
            (!signs.is_empty()).then_some(ChildBasis::Presumed { signs })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(age: Option<i64>, uncertain: bool, sign: bool) -> Option<ChildBasis> {
        let signs = if sign {
            vec!["minor_looks_under_18".to_string()]
        } else {
            Vec::new()
        };
        presumed_child(age, uncertain, &signs)
    }

    fn child(age: Option<i64>, uncertain: bool, sign: bool) -> bool {
        rule(age, uncertain, sign).is_some()
    }

    #[test]
    fn a_certain_age_decides_alone() {
        for sign in [false, true] {
            assert!(child(Some(17), false, sign));
            assert!(!child(Some(18), false, sign));
            assert!(!child(Some(20), false, sign));
            assert!(!child(Some(21), false, sign));
        }
        assert_eq!(
            rule(Some(17), false, false),
            Some(ChildBasis::Age { age: 17 })
        );
    }

    #[test]
    fn an_estimate_under_21_is_a_presumed_child() {
        for sign in [false, true] {
            assert_eq!(
                rule(Some(17), true, sign),
                Some(ChildBasis::Age { age: 17 })
            );
            assert_eq!(
                rule(Some(18), true, sign),
                Some(ChildBasis::Estimate { age: 18 })
            );
            assert_eq!(
                rule(Some(20), true, sign),
                Some(ChildBasis::Estimate { age: 20 })
            );
        }
    }

    #[test]
    fn from_21_an_estimate_needs_a_sign() {
        assert!(!child(Some(21), true, false));
        assert_eq!(
            rule(Some(21), true, true),
            Some(ChildBasis::Presumed {
                signs: vec!["minor_looks_under_18".into()]
            })
        );
        assert!(!child(Some(40), true, false));
        assert!(child(Some(40), true, true));
    }

    #[test]
    fn an_unknown_age_needs_a_sign() {
        for uncertain in [false, true] {
            assert!(!child(None, uncertain, false));
            assert!(matches!(
                rule(None, uncertain, true),
                Some(ChildBasis::Presumed { .. })
            ));
        }
    }
}
