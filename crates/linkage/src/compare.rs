//! The comparators: how alike two values are. Written here, on bytes of the normalised ASCII
//! names, without allocation in the common case, and checked against the `strsim` crate in the
//! tests.

use crate::normalize::Day;

/// The Jaro similarity of two strings (0 to 1).
pub fn jaro(a: &str, b: &str) -> f64 {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    // Names are short: the matched flags of the longer side fit on the stack.
    let mut b_used = [false; 64];
    let mut b_used_heap;
    let b_used: &mut [bool] = if b.len() <= 64 {
        &mut b_used[..b.len()]
    } else {
        b_used_heap = vec![false; b.len()];
        &mut b_used_heap
    };
    let mut a_matched = [0u8; 64];
    let mut a_matched_heap;
    let a_matched: &mut [u8] = if a.len() <= 64 {
        &mut a_matched[..a.len()]
    } else {
        a_matched_heap = vec![0u8; a.len()];
        &mut a_matched_heap
    };
    let mut matches = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(b.len());
        for j in lo..hi {
            if !b_used[j] && b[j] == ca {
                b_used[j] = true;
                a_matched[matches] = ca;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut k = 0usize;
    for (j, &used) in b_used.iter().enumerate() {
        if used {
            if b[j] != a_matched[k] {
                transpositions += 1;
            }
            k += 1;
        }
    }
    let m = matches as f64;
    (m / a.len() as f64 + m / b.len() as f64 + (m - (transpositions / 2) as f64) / m) / 3.0
}

/// The Jaro-Winkler similarity (0 to 1): Jaro, raised for a common prefix of up to four
/// letters (scaling 0.1), as names that agree at the start are more alike; only above Jaro
/// 0.7, Winkler's threshold (a shared first letter does not make unlike names alike).
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    let j = jaro(a, b);
    if j <= 0.7 {
        return j;
    }
    let prefix = a
        .bytes()
        .zip(b.bytes())
        .take(4)
        .take_while(|(x, y)| x == y)
        .count() as f64;
    j + prefix * 0.1 * (1.0 - j)
}

/// The Damerau-Levenshtein distance, optimal string alignment (an insertion, a deletion, a
/// substitution or a swap of two neighbours each count one; no substring is edited twice).
pub fn damerau_levenshtein(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (n, m) = (a.len(), b.len());
    if n == 0 {
        return m;
    }
    if m == 0 {
        return n;
    }
    // Three rows: two before this one.
    let mut before = vec![0usize; m + 1];
    let mut last: Vec<usize> = (0..=m).collect();
    let mut row = vec![0usize; m + 1];
    for i in 1..=n {
        row[0] = i;
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (last[j] + 1).min(row[j - 1] + 1).min(last[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(before[j - 2] + 1);
            }
            row[j] = v;
        }
        std::mem::swap(&mut before, &mut last);
        std::mem::swap(&mut last, &mut row);
    }
    last[m]
}

/// How two dates of birth agree, from the strongest to the weakest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DateAgreement {
    /// The same day.
    Exact,
    /// Day and month swapped (`03/04` against `04/03`).
    Swapped,
    /// One day apart, or the same day and month a year apart (a typo, or an age counted
    /// from a birthday).
    OffByOne,
    /// The same year, one of them without a day or a month, or the day unknown.
    SameYear,
    /// Nothing of the above.
    Different,
}

/// The agreement of two dates (see [`DateAgreement`]).
pub fn dates(a: Day, b: Day) -> DateAgreement {
    match (a.month, a.day, b.month, b.day) {
        (Some(am), Some(ad), Some(bm), Some(bd)) => {
            if a.year == b.year && am == bm && ad == bd {
                DateAgreement::Exact
            } else if a.year == b.year && am == bd && ad == bm {
                DateAgreement::Swapped
            } else if (a.year == b.year && am == bm && ad.abs_diff(bd) == 1)
                || (am == bm && ad == bd && a.year.abs_diff(b.year) == 1)
            {
                DateAgreement::OffByOne
            } else {
                DateAgreement::Different
            }
        }
        _ if a.year == b.year => DateAgreement::SameYear,
        _ => DateAgreement::Different,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_values() {
        assert!((jaro("martha", "marhta") - 0.944_444).abs() < 1e-5);
        assert!((jaro_winkler("martha", "marhta") - 0.961_111).abs() < 1e-5);
        assert!((jaro_winkler("dixon", "dicksonx") - 0.813_333).abs() < 1e-5);
        assert_eq!(jaro("", ""), 1.0);
        assert_eq!(jaro("abc", ""), 0.0);
        assert_eq!(damerau_levenshtein("ca", "ac"), 1);
        assert_eq!(damerau_levenshtein("ndayishimiye", "ndayishimye"), 1);
        assert_eq!(damerau_levenshtein("kitten", "sitting"), 3);
        assert_eq!(damerau_levenshtein("", "abc"), 3);
    }

    #[test]
    fn dates_agree_by_level() {
        let d = |y, m, day| Day {
            year: y,
            month: Some(m),
            day: Some(day),
        };
        let y = |y| Day {
            year: y,
            month: None,
            day: None,
        };
        assert_eq!(dates(d(1990, 3, 4), d(1990, 3, 4)), DateAgreement::Exact);
        assert_eq!(dates(d(1990, 3, 4), d(1990, 4, 3)), DateAgreement::Swapped);
        assert_eq!(dates(d(1990, 3, 4), d(1990, 3, 5)), DateAgreement::OffByOne);
        assert_eq!(dates(d(1990, 3, 4), d(1991, 3, 4)), DateAgreement::OffByOne);
        assert_eq!(dates(d(1990, 3, 4), y(1990)), DateAgreement::SameYear);
        assert_eq!(
            dates(d(1990, 3, 4), d(1993, 7, 21)),
            DateAgreement::Different
        );
        assert_eq!(dates(y(1990), y(1991)), DateAgreement::Different);
    }

    proptest! {
        #[test]
        fn the_same_as_an_independent_implementation(a in "[a-z]{0,20}", b in "[a-z]{0,20}") {
            prop_assert!((jaro(&a, &b) - strsim::jaro(&a, &b)).abs() < 1e-9, "jaro {a} {b}");
            prop_assert!(
                (jaro_winkler(&a, &b) - strsim::jaro_winkler(&a, &b)).abs() < 1e-9,
                "jaro-winkler {a} {b}"
            );
            prop_assert_eq!(damerau_levenshtein(&a, &b), strsim::osa_distance(&a, &b));
        }

        #[test]
        fn long_strings_go_to_the_heap_and_agree(a in "[a-c]{60,90}", b in "[a-c]{60,90}") {
            prop_assert!((jaro(&a, &b) - strsim::jaro(&a, &b)).abs() < 1e-9);
        }
    }
}
