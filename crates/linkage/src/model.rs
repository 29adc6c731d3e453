//! Fellegi-Sunter scoring without labels. A comparison puts a pair of records at one of its
//! levels of agreement (or at none, when a value is missing: no evidence either way). For each
//! level, `m` is the share of true matches at it and `u` the share of non-matches; a pair's
//! match weight is the sum over comparisons of log2(m/u) at its levels, plus the prior log-odds
//! of a match. `u` is estimated from random pairs (almost all non-matches); `m` and the prior by
//! expectation-maximisation over the candidate pairs, with `u` held fixed, as Splink does. Every
//! score is explained: each comparison's level and its contribution in bits.

/// The levels a pair is at, one per comparison (`None`: a value missing).
pub type Levels = Vec<Option<u8>>;

/// A fitted model.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Per comparison, `m` per level.
    pub m: Vec<Vec<f64>>,
    /// Per comparison, `u` per level.
    pub u: Vec<Vec<f64>>,
    /// The prior probability that a candidate pair is a match.
    pub prior: f64,
}

/// A pair's score and what made it.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    /// The match weight in bits (prior included).
    pub weight: f64,
    /// The probability of a match.
    pub probability: f64,
    /// Per comparison: its level and its contribution in bits (0 when missing).
    pub contributions: Vec<(Option<u8>, f64)>,
    /// The prior's contribution in bits.
    pub prior_bits: f64,
}

/// The smallest share a level is given, so that a level never seen does not weigh infinitely.
const FLOOR: f64 = 1e-6;

fn normalised(counts: &[f64]) -> Vec<f64> {
    let total: f64 = counts.iter().sum::<f64>() + FLOOR * counts.len() as f64;
    counts.iter().map(|c| (c + FLOOR) / total).collect()
}

/// `u` per level of each comparison, from the levels of pairs drawn at random (`sizes`: how
/// many levels each comparison has).
pub fn estimate_u(sizes: &[usize], random_pairs: &[Levels]) -> Vec<Vec<f64>> {
    let mut counts: Vec<Vec<f64>> = sizes.iter().map(|n| vec![0.0; *n]).collect();
    for levels in random_pairs {
        for (k, l) in levels.iter().enumerate() {
            if let Some(l) = l {
                counts[k][*l as usize] += 1.0;
            }
        }
    }
    counts.iter().map(|c| normalised(c)).collect()
}

impl Model {
    /// A model with `u` given and `m` to start from: the top level (0) likely for matches.
    pub fn start(u: Vec<Vec<f64>>, prior: f64) -> Model {
        let m = u
            .iter()
            .map(|levels| {
                let n = levels.len();
                if n == 1 {
                    return vec![1.0];
                }
                let mut v = vec![0.1 / (n - 1) as f64; n];
                v[0] = 0.9;
                v
            })
            .collect();
        Model { m, u, prior }
    }

    /// The score of a pair at `levels`.
    pub fn score(&self, levels: &[Option<u8>]) -> Score {
        let prior_bits = (self.prior / (1.0 - self.prior)).log2();
        let mut weight = prior_bits;
        let contributions = levels
            .iter()
            .enumerate()
            .map(|(k, l)| match l {
                Some(l) => {
                    let bits = (self.m[k][*l as usize] / self.u[k][*l as usize]).log2();
                    weight += bits;
                    (Some(*l), bits)
                }
                None => (None, 0.0),
            })
            .collect();
        let odds = weight.exp2();
        Score {
            weight,
            probability: odds / (1.0 + odds),
            contributions,
            prior_bits,
        }
    }

    /// Expectation-maximisation over the candidate pairs' levels, for at most `rounds` rounds
    /// or until no share moves by more than `tolerance`: `m` and the prior always; `u` too when
    /// `learn_u` (the candidates a blocking rule chose agree more often than random pairs do,
    /// so `u` from random pairs alone lets the match class swallow them). Returns the rounds run.
    pub fn fit(&mut self, pairs: &[Levels], rounds: usize, tolerance: f64, learn_u: bool) -> usize {
        self.fit_with(pairs, rounds, tolerance, learn_u, true)
    }

    /// [`Model::fit`], the prior learnt or held as it is (`learn_prior`).
    pub fn fit_with(
        &mut self,
        pairs: &[Levels],
        rounds: usize,
        tolerance: f64,
        learn_u: bool,
        learn_prior: bool,
    ) -> usize {
        if pairs.is_empty() {
            return 0;
        }
        for round in 1..=rounds {
            let mut counts: Vec<Vec<f64>> = self.m.iter().map(|l| vec![0.0; l.len()]).collect();
            let mut others: Vec<Vec<f64>> = self.u.iter().map(|l| vec![0.0; l.len()]).collect();
            let mut expected = 0.0;
            for levels in pairs {
                let p = self.score(levels).probability;
                expected += p;
                for (k, l) in levels.iter().enumerate() {
                    if let Some(l) = l {
                        counts[k][*l as usize] += p;
                        others[k][*l as usize] += 1.0 - p;
                    }
                }
            }
            if learn_u {
                self.u = others.iter().map(|c| normalised(c)).collect();
            }
            let m: Vec<Vec<f64>> = counts.iter().map(|c| normalised(c)).collect();
            let prior = if learn_prior {
                (expected / pairs.len() as f64).clamp(1e-9, 1.0 - 1e-9)
            } else {
                self.prior
            };
            let moved = m
                .iter()
                .flatten()
                .zip(self.m.iter().flatten())
                .map(|(a, b)| (a - b).abs())
                .fold((prior - self.prior).abs(), f64::max);
            self.m = m;
            self.prior = prior;
            if moved < tolerance {
                return round;
            }
        }
        rounds
    }
}

/// A small deterministic generator (SplitMix64) for drawing random pairs: the same input and
/// seed give the same model.
#[derive(Debug, Clone)]
pub struct Draw(u64);

impl Draw {
    /// From a seed.
    pub fn new(seed: u64) -> Draw {
        Draw(seed)
    }

    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pairs at levels drawn from known m and u: matches with probability `prior`.
    fn synthetic(
        n: usize,
        prior: f64,
        m: &[Vec<f64>],
        u: &[Vec<f64>],
        seed: u64,
    ) -> (Vec<Levels>, Vec<bool>) {
        let mut d = Draw::new(seed);
        let pick = |shares: &[f64], d: &mut Draw| {
            let x = (d.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
            let mut acc = 0.0;
            for (i, s) in shares.iter().enumerate() {
                acc += s;
                if x < acc {
                    return i as u8;
                }
            }
            (shares.len() - 1) as u8
        };
        let mut pairs = Vec::new();
        let mut truth = Vec::new();
        for _ in 0..n {
            let is_match = ((d.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < prior;
            let table = if is_match { m } else { u };
            pairs.push(table.iter().map(|t| Some(pick(t, &mut d))).collect());
            truth.push(is_match);
        }
        (pairs, truth)
    }

    #[test]
    fn em_recovers_the_shares_it_was_drawn_from() {
        let m = vec![vec![0.85, 0.1, 0.05], vec![0.9, 0.1], vec![0.7, 0.2, 0.1]];
        let u = vec![
            vec![0.01, 0.04, 0.95],
            vec![0.05, 0.95],
            vec![0.02, 0.08, 0.9],
        ];
        let (pairs, truth) = synthetic(40_000, 0.1, &m, &u, 7);
        let mut model = Model::start(u.clone(), 0.5);
        let rounds = model.fit(&pairs, 100, 1e-6, false);
        assert!(rounds < 100, "converged in {rounds}");
        assert!((model.prior - 0.1).abs() < 0.02, "prior {}", model.prior);
        for (k, levels) in m.iter().enumerate() {
            for (l, share) in levels.iter().enumerate() {
                assert!(
                    (model.m[k][l] - share).abs() < 0.03,
                    "m[{k}][{l}] = {}",
                    model.m[k][l]
                );
            }
        }
        // The scores separate the pairs: at p ≥ 0.5, few mistakes.
        let wrong = pairs
            .iter()
            .zip(&truth)
            .filter(|(p, t)| (model.score(p).probability >= 0.5) != **t)
            .count();
        assert!(
            wrong * 100 < pairs.len() * 3,
            "{wrong} wrong of {}",
            pairs.len()
        );
    }

    #[test]
    fn the_prior_can_be_held_and_u_learnt() {
        let m = vec![vec![0.9, 0.1]];
        let u = vec![vec![0.2, 0.8]];
        let (pairs, _) = synthetic(5_000, 0.3, &m, &u, 3);
        let mut held = Model::start(vec![vec![0.5, 0.5]], 0.3);
        held.fit_with(&pairs, 20, 1e-9, true, false);
        assert_eq!(held.prior, 0.3);
        assert_ne!(held.u[0][0], 0.5, "u learnt");
        let mut fixed = Model::start(vec![vec![0.5, 0.5]], 0.3);
        fixed.fit(&pairs, 20, 1e-9, false);
        assert_eq!(fixed.u[0][0], 0.5, "u held");
    }

    #[test]
    fn a_score_is_explained_and_a_missing_value_weighs_nothing() {
        let u = vec![vec![0.01, 0.99], vec![0.1, 0.9]];
        let model = Model::start(u, 0.01);
        let s = model.score(&[Some(0), None]);
        assert_eq!(s.contributions[1], (None, 0.0));
        let sum: f64 = s.prior_bits + s.contributions.iter().map(|c| c.1).sum::<f64>();
        assert!((sum - s.weight).abs() < 1e-12);
        assert!(
            s.contributions[0].1 > 6.0,
            "exact agreement on a rare value weighs"
        );
        let against = model.score(&[Some(1), Some(1)]);
        assert!(against.probability < s.probability);
        assert!(against.contributions[0].1 < 0.0);
    }

    #[test]
    fn u_comes_from_random_pairs_with_a_floor() {
        let u = estimate_u(&[3], &[vec![Some(2)], vec![Some(2)], vec![None]]);
        assert!(u[0][0] > 0.0 && u[0][0] < 1e-5);
        assert!((u[0].iter().sum::<f64>() - 1.0).abs() < 1e-9);
        let mut d = Draw::new(1);
        let mut e = Draw::new(1);
        assert_eq!(d.next_u64(), e.next_u64());
        assert!((0..1000).all(|_| d.below(7) < 7));
    }
}
