//! A person as linkage sees them, their comparisons, and the blocking rules that choose the
//! pairs worth comparing.

use std::collections::HashMap;

use crate::compare::{DateAgreement, dates, jaro_winkler};
use crate::normalize::{Day, Name};

/// A person to link: the fields that identify them, normalised.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Person {
    /// The first name(s).
    pub first: Name,
    /// The family name(s).
    pub last: Name,
    /// The date of birth, when known.
    pub birth: Option<Day>,
    /// The gender's value, when known.
    pub gender: Option<String>,
    /// The citizenship, when known.
    pub citizenship: Option<String>,
}

/// The comparisons, in order, and how many levels each has.
pub const COMPARISONS: [(&str, usize); 5] = [
    ("first_name", 4),
    ("last_name", 4),
    ("birth_date", 5),
    ("gender", 2),
    ("citizenship", 2),
];

/// The level sizes of [`COMPARISONS`].
pub fn level_sizes() -> Vec<usize> {
    COMPARISONS.iter().map(|(_, n)| *n).collect()
}

fn name_level(a: &Name, b: &Name) -> Option<u8> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let (a, b) = (a.joined(), b.joined());
    if a == b {
        return Some(0);
    }
    let s = jaro_winkler(&a, &b);
    Some(if s >= 0.92 {
        1
    } else if s >= 0.80 {
        2
    } else {
        3
    })
}

/// The levels of a pair: the names compared in the order that fits them best (a family name
/// written first is a swap, not a difference), the dates by [`DateAgreement`], gender and
/// citizenship the same or not.
pub fn levels(a: &Person, b: &Person) -> Vec<Option<u8>> {
    let straight = (name_level(&a.first, &b.first), name_level(&a.last, &b.last));
    let swapped = (name_level(&a.first, &b.last), name_level(&a.last, &b.first));
    let total = |p: (Option<u8>, Option<u8>)| p.0.unwrap_or(3) as u32 + p.1.unwrap_or(3) as u32;
    let (first, last) = if total(swapped) < total(straight) {
        swapped
    } else {
        straight
    };
    let birth = match (a.birth, b.birth) {
        (Some(x), Some(y)) => Some(match dates(x, y) {
            DateAgreement::Exact => 0,
            DateAgreement::Swapped => 1,
            DateAgreement::OffByOne => 2,
            DateAgreement::SameYear => 3,
            DateAgreement::Different => 4,
        }),
        _ => None,
    };
    let same = |x: &Option<String>, y: &Option<String>| match (x, y) {
        (Some(x), Some(y)) => Some(u8::from(x != y)),
        _ => None,
    };
    vec![
        first,
        last,
        birth,
        same(&a.gender, &b.gender),
        same(&a.citizenship, &b.citizenship),
    ]
}

/// The blocking rules: two persons are compared when they share any of these keys (a union of
/// rules, so a pair one rule misses another may catch).
pub fn block_keys(p: &Person) -> Vec<String> {
    let mut keys = Vec::new();
    let prefix = |n: &Name, len: usize| -> Option<String> {
        let w = n.words.first()?;
        Some(w.chars().take(len).collect())
    };
    let (f, l) = (prefix(&p.first, 3), prefix(&p.last, 3));
    if let (Some(f), Some(l)) = (&f, &l) {
        // First and family name's beginnings, in either order.
        let (x, y) = if f <= l { (f, l) } else { (l, f) };
        keys.push(format!("n:{x}:{y}"));
    }
    if let Some(b) = p.birth {
        if let (Some(m), Some(d)) = (b.month, b.day) {
            // The date of birth whole, and with day and month in either order.
            let (x, y) = if m <= d { (m, d) } else { (d, m) };
            keys.push(format!("d:{}:{x}:{y}", b.year));
        }
        if let Some(l) = &l {
            keys.push(format!("y:{}:{l}", b.year));
        }
        if let Some(f) = &f {
            keys.push(format!("f:{}:{f}", b.year));
        }
    }
    keys
}

/// The candidate pairs (`i < j`) of `persons` under the blocking rules, each once; a key shared
/// by more than `max_block` persons (a common name prefix in a large register) is skipped, the
/// other rules still covering its pairs.
pub fn candidate_pairs(persons: &[Person], max_block: usize) -> Vec<(u32, u32)> {
    let mut blocks: HashMap<String, Vec<u32>> = HashMap::new();
    for (i, p) in persons.iter().enumerate() {
        for k in block_keys(p) {
            blocks.entry(k).or_default().push(i as u32);
        }
    }
    let mut pairs = Vec::new();
    for members in blocks.values() {
        if members.len() < 2 || members.len() > max_block {
            continue;
        }
        for (x, &a) in members.iter().enumerate() {
            for &b in &members[x + 1..] {
                pairs.push(if a < b { (a, b) } else { (b, a) });
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(first: &str, last: &str, birth: &str) -> Person {
        Person {
            first: Name::parse(first),
            last: Name::parse(last),
            birth: Day::parse(birth).ok(),
            gender: Some("Feminine".into()),
            citizenship: Some("BI".into()),
        }
    }

    #[test]
    fn a_swapped_name_and_a_swapped_date_still_agree() {
        let a = person("Claudine", "Iradukunda", "1998-04-03");
        let b = person("IRADUKUNDA", "Klaudine", "03/04/1998");
        let c = person("Iradukunda", "Claudine", "1998-03-04");
        assert_eq!(
            levels(&a, &c),
            vec![Some(0), Some(0), Some(1), Some(0), Some(0)]
        );
        let l = levels(&a, &b);
        assert_eq!(l[1], Some(0));
        assert!(l[0] == Some(1) || l[0] == Some(2), "{l:?}");
        let missing = Person {
            birth: None,
            ..a.clone()
        };
        assert_eq!(levels(&a, &missing)[2], None);
    }

    #[test]
    fn blocking_finds_swaps_and_leaves_strangers_out() {
        let persons = [
            person("Claudine", "Iradukunda", "1998-04-03"),
            person("Iradukunda", "Claudine", "1998-03-04"),
            person("Pascal", "Nshimirimana", "1985-01-20"),
            person("Klaudine", "Iradukunda", "1998"),
        ];
        let pairs = candidate_pairs(&persons, 1000);
        assert!(pairs.contains(&(0, 1)));
        assert!(pairs.contains(&(0, 3)), "same family name and year");
        assert!(!pairs.iter().any(|p| p.0 == 2 || p.1 == 2));
    }
}
