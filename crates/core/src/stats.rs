//! Statistics shown to the people who read them: the small-count rule.
//!
//! A count of one to four people or records can point at someone (a single child referred
//! from one border post is that child), so figures are never shown below five: such a count
//! is written "fewer than 5". Zero is shown as zero, as statistical disclosure practice does:
//! "none" tells nothing about anyone, and hiding it would make every small cell look alike
//! and the figures useless. The rule applies to every count of a statistics page; totals
//! computed from suppressed cells are counted, never added up from what was shown.

use serde::Serialize;

/// Counts below this (and above zero) are not shown.
pub const SMALLEST_SHOWN: i64 = 5;

/// A count as it may be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "shown", content = "count")]
pub enum Shown {
    /// The count itself: zero, or [`SMALLEST_SHOWN`] and above.
    Exact(i64),
    /// One to `SMALLEST_SHOWN - 1`: written "fewer than" this number.
    FewerThan(i64),
}

/// The small-count rule: 0 stays 0, 1 to 4 become "fewer than 5", 5 and above are exact. A
/// negative count (none is ever computed) is shown as zero rather than leaked as a number.
pub fn shown(n: i64) -> Shown {
    match n {
        i64::MIN..=0 => Shown::Exact(0),
        1..SMALLEST_SHOWN => Shown::FewerThan(SMALLEST_SHOWN),
        _ => Shown::Exact(n),
    }
}

impl Shown {
    /// Whether the count was hidden.
    pub fn is_suppressed(self) -> bool {
        matches!(self, Shown::FewerThan(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_is_shown_one_to_four_are_not_five_and_above_are() {
        assert_eq!(shown(0), Shown::Exact(0));
        for n in 1..=4 {
            assert_eq!(shown(n), Shown::FewerThan(5), "{n}");
            assert!(shown(n).is_suppressed());
        }
        assert_eq!(shown(5), Shown::Exact(5));
        assert_eq!(shown(6), Shown::Exact(6));
        assert_eq!(shown(1_000_000), Shown::Exact(1_000_000));
        assert!(!shown(0).is_suppressed() && !shown(5).is_suppressed());
    }

    #[test]
    fn a_negative_count_is_not_leaked() {
        assert_eq!(shown(-3), Shown::Exact(0));
        assert_eq!(shown(i64::MIN), Shown::Exact(0));
    }

    #[test]
    fn the_threshold_is_five() {
        assert_eq!(SMALLEST_SHOWN, 5);
        let hidden: Vec<i64> = (0..10).filter(|n| shown(*n).is_suppressed()).collect();
        assert_eq!(hidden, vec![1, 2, 3, 4]);
    }
}
