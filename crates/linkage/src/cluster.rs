//! Clusters that do not chain, and how good pairs and clusters are against a truth.
//!
//! Connected components over pairs above a threshold glue different people together through
//! chains (A is like B, B like C, A nothing like C): one typo-ridden record joins two families.
//! Here pairs are taken from the most likely down, and two clusters merge only when the mean
//! probability over all their cross pairs (a pair never scored counts 0) reaches the threshold:
//! a cluster holds together as a whole, not by its weakest link.

use std::collections::{HashMap, HashSet};

/// Cluster `n` records from scored pairs `(a, b, probability)`: a cluster label per record.
pub fn clusters(n: usize, scored: &[(u32, u32, f64)], threshold: f64) -> Vec<u32> {
    let mut members: Vec<Vec<u32>> = (0..n as u32).map(|i| vec![i]).collect();
    let mut label: Vec<u32> = (0..n as u32).collect();
    let probability: HashMap<(u32, u32), f64> = scored
        .iter()
        .map(|&(a, b, p)| ((a.min(b), a.max(b)), p))
        .collect();
    let mut edges: Vec<&(u32, u32, f64)> = scored.iter().filter(|e| e.2 >= threshold).collect();
    edges.sort_by(|x, y| y.2.total_cmp(&x.2).then((x.0, x.1).cmp(&(y.0, y.1))));
    for &&(a, b, _) in &edges {
        let (la, lb) = (label[a as usize], label[b as usize]);
        if la == lb {
            continue;
        }
        let (ma, mb) = (&members[la as usize], &members[lb as usize]);
        let mut total = 0.0;
        for &x in ma {
            for &y in mb {
                total += probability
                    .get(&(x.min(y), x.max(y)))
                    .copied()
                    .unwrap_or(0.0);
            }
        }
        if total / (ma.len() * mb.len()) as f64 >= threshold {
            let (keep, gone) = if ma.len() >= mb.len() {
                (la, lb)
            } else {
                (lb, la)
            };
            let moved = std::mem::take(&mut members[gone as usize]);
            for &r in &moved {
                label[r as usize] = keep;
            }
            members[keep as usize].extend(moved);
        }
    }
    label
}

/// Precision, recall and F1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quality {
    /// Share of what was found that is right.
    pub precision: f64,
    /// Share of what is right that was found.
    pub recall: f64,
    /// Their harmonic mean.
    pub f1: f64,
}

impl Quality {
    fn of(right: usize, found: usize, truth: usize) -> Quality {
        let precision = if found == 0 {
            1.0
        } else {
            right as f64 / found as f64
        };
        let recall = if truth == 0 {
            1.0
        } else {
            right as f64 / truth as f64
        };
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        Quality {
            precision,
            recall,
            f1,
        }
    }
}

fn pairs_of(labels: &[u32]) -> HashSet<(u32, u32)> {
    let mut groups: HashMap<u32, Vec<u32>> = HashMap::new();
    for (i, l) in labels.iter().enumerate() {
        groups.entry(*l).or_default().push(i as u32);
    }
    let mut out = HashSet::new();
    for g in groups.values() {
        for (x, &a) in g.iter().enumerate() {
            for &b in &g[x + 1..] {
                out.insert((a.min(b), a.max(b)));
            }
        }
    }
    out
}

/// Pairwise quality of the pairs found (`a < b`) against the truth's clusters.
pub fn pairwise(found: &[(u32, u32)], truth: &[u32]) -> Quality {
    let true_pairs = pairs_of(truth);
    let found: HashSet<(u32, u32)> = found.iter().map(|&(a, b)| (a.min(b), a.max(b))).collect();
    let right = found.iter().filter(|p| true_pairs.contains(p)).count();
    Quality::of(right, found.len(), true_pairs.len())
}

/// Cluster quality: a cluster found is right when it holds exactly the records of one true
/// cluster; precision over the clusters found, recall over the true clusters (singletons
/// included on both sides).
pub fn cluster_quality(found: &[u32], truth: &[u32]) -> Quality {
    let sets = |labels: &[u32]| -> HashSet<Vec<u32>> {
        let mut groups: HashMap<u32, Vec<u32>> = HashMap::new();
        for (i, l) in labels.iter().enumerate() {
            groups.entry(*l).or_default().push(i as u32);
        }
        groups.into_values().collect()
    };
    let (f, t) = (sets(found), sets(truth));
    let right = f.iter().filter(|c| t.contains(*c)).count();
    Quality::of(right, f.len(), t.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chain_does_not_glue_two_people_together() {
        // 0-1 and 1-2 are likely, 0-2 never scored: components would make one cluster.
        let scored = [(0, 1, 0.99), (1, 2, 0.9), (3, 4, 0.95)];
        let labels = clusters(5, &scored, 0.5);
        assert_eq!(labels[0], labels[1]);
        assert_ne!(labels[1], labels[2]);
        assert_eq!(labels[3], labels[4]);
        // With the third pair likely too, the three hold together.
        let labels = clusters(3, &[(0, 1, 0.99), (1, 2, 0.9), (0, 2, 0.8)], 0.5);
        assert!(labels[0] == labels[1] && labels[1] == labels[2]);
    }

    #[test]
    fn quality_counts_pairs_and_whole_clusters() {
        let truth = [0, 0, 1, 2, 2];
        let q = pairwise(&[(0, 1), (2, 3)], &truth);
        assert_eq!((q.precision, q.recall), (0.5, 0.5));
        let c = cluster_quality(&[0, 0, 1, 2, 2], &truth);
        assert_eq!(c.f1, 1.0);
        let c = cluster_quality(&[0, 0, 0, 2, 2], &truth);
        assert!((c.precision - 0.5).abs() < 1e-9 && (c.recall - 1.0 / 3.0).abs() < 1e-9);
    }
}
