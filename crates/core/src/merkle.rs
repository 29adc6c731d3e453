//! The audit log as a Merkle tree (issue 13), hashed as RFC 6962 §2.1 says (its algorithms for
//! checking proofs are those of RFC 9162 §2.1.3.2 and §2.1.4.2). A leaf is an audit entry's
//! chain hash; the tree over the first `n` entries has one root, which a signed checkpoint
//! records. An inclusion proof shows one entry is in the tree of a given root; a consistency
//! proof shows an older tree is the start of a newer one, so a log that was rewritten and
//! re-chained after a checkpoint no longer gives the checkpoint's root.
//!
//! Every proof is a list of subtree hashes, each the root of a contiguous range of leaves. This
//! module says which ranges ([`inclusion_ranges`], [`consistency_ranges`]); the caller streams
//! the leaves once through a [`RangeHasher`] to get their hashes, so a proof over millions of
//! entries needs a few hundred bytes of memory, not the whole tree.

use std::ops::Range;

use sha2::{Digest, Sha256};

/// A node of the tree: 32 bytes of SHA-256.
pub type Hash = [u8; 32];

/// The hash of a leaf: SHA-256 of 0x00 and the leaf's bytes.
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(data);
    h.finalize().into()
}

/// The hash of an inner node: SHA-256 of 0x01, the left child and the right child.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The root of the empty tree: SHA-256 of nothing.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// The tree's root over leaves added one by one, in memory proportional to the logarithm of
/// their count: the roots of the perfect subtrees the leaves so far make (one per bit set in
/// the count, the largest first), which is also what is kept to carry a tree on from a
/// checkpoint without reading its leaves again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Builder {
    size: u64,
    peaks: Vec<Hash>,
}

impl Builder {
    /// An empty tree.
    pub fn new() -> Builder {
        Builder::default()
    }

    /// A tree carried on from its `size` and its peaks as [`Builder::peaks`] gave them; `None`
    /// when their number does not fit the size.
    pub fn resume(size: u64, peaks: Vec<Hash>) -> Option<Builder> {
        (peaks.len() == size.count_ones() as usize).then_some(Builder { size, peaks })
    }

    /// Add the next leaf, by its [`leaf_hash`].
    pub fn push(&mut self, leaf: Hash) {
        self.peaks.push(leaf);
        let mut n = self.size;
        while n & 1 == 1 {
            let right = self.peaks.pop().expect("a peak per bit");
            let left = self.peaks.pop().expect("a peak per bit");
            self.peaks.push(node_hash(&left, &right));
            n >>= 1;
        }
        self.size += 1;
    }

    /// Leaves added.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The roots of the perfect subtrees, largest first.
    pub fn peaks(&self) -> &[Hash] {
        &self.peaks
    }

    /// The tree's root (RFC 6962's MTH): the peaks folded from the right.
    pub fn root(&self) -> Hash {
        let mut peaks = self.peaks.iter().rev();
        let Some(last) = peaks.next() else {
            return empty_root();
        };
        peaks.fold(*last, |acc, left| node_hash(left, &acc))
    }
}

/// The largest power of two below `n` (`n` at least 2).
fn split(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1 << (63 - (n - 1).leading_zeros())
}

/// The leaf ranges whose roots make the inclusion proof of leaf `index` (from 0) in the tree
/// of `size` leaves, in the order of the proof (RFC 6962 §2.1.1: the nearest sibling first).
/// Empty when `index` is not below `size` or the tree has one leaf.
pub fn inclusion_ranges(index: u64, size: u64) -> Vec<Range<u64>> {
    fn path(m: u64, lo: u64, hi: u64, out: &mut Vec<Range<u64>>) {
        let n = hi - lo;
        if n <= 1 {
            return;
        }
        let k = split(n);
        if m - lo < k {
            path(m, lo, lo + k, out);
            out.push(lo + k..hi);
        } else {
            path(m, lo + k, hi, out);
            out.push(lo..lo + k);
        }
    }
    let mut out = Vec::new();
    if index < size {
        path(index, 0, size, &mut out);
    }
    out
}

/// The leaf ranges whose roots make the consistency proof from the tree of `old` leaves to the
/// tree of `new` leaves (RFC 6962 §2.1.2). Empty when `old` is 0 or not below `new`.
pub fn consistency_ranges(old: u64, new: u64) -> Vec<Range<u64>> {
    fn subproof(m: u64, lo: u64, hi: u64, whole: bool, out: &mut Vec<Range<u64>>) {
        let n = hi - lo;
        if m == n {
            if !whole {
                out.push(lo..hi);
            }
            return;
        }
        let k = split(n);
        if m <= k {
            subproof(m, lo, lo + k, whole, out);
            out.push(lo + k..hi);
        } else {
            subproof(m - k, lo + k, hi, false, out);
            out.push(lo..lo + k);
        }
    }
    let mut out = Vec::new();
    if old > 0 && old < new {
        subproof(old, 0, new, true, &mut out);
    }
    out
}

/// The roots of several leaf ranges, from one pass over the leaves in order.
#[derive(Debug)]
pub struct RangeHasher {
    /// The ranges by their start, each with its place in the caller's list.
    ranges: Vec<(Range<u64>, usize)>,
    builders: Vec<Builder>,
    /// The range the next leaf falls in or after.
    at: usize,
}

impl RangeHasher {
    /// Hash `ranges`, which must not overlap.
    pub fn new(ranges: &[Range<u64>]) -> RangeHasher {
        let mut sorted: Vec<(Range<u64>, usize)> = ranges
            .iter()
            .cloned()
            .enumerate()
            .map(|(i, r)| (r, i))
            .collect();
        sorted.sort_by_key(|(r, _)| r.start);
        RangeHasher {
            builders: vec![Builder::new(); sorted.len()],
            ranges: sorted,
            at: 0,
        }
    }

    /// The leaves up to which the ranges reach: feeding more is of no use.
    pub fn end(&self) -> u64 {
        self.ranges.iter().map(|(r, _)| r.end).max().unwrap_or(0)
    }

    /// Feed leaf `index` (indices must rise; leaves outside every range are skipped).
    pub fn push(&mut self, index: u64, leaf: Hash) {
        while self.at < self.ranges.len() && self.ranges[self.at].0.end <= index {
            self.at += 1;
        }
        if let Some((range, _)) = self.ranges.get(self.at)
            && range.contains(&index)
        {
            self.builders[self.at].push(leaf);
        }
    }

    /// The ranges' roots in the caller's order; `None` when a range did not get all of its
    /// leaves.
    pub fn finish(self) -> Option<Vec<Hash>> {
        let mut out = vec![[0u8; 32]; self.ranges.len()];
        for ((range, place), builder) in self.ranges.iter().zip(&self.builders) {
            if builder.size() != range.end - range.start {
                return None;
            }
            out[*place] = builder.root();
        }
        Some(out)
    }
}

/// Whether `proof` shows the leaf of hash `leaf` at `index` is in the tree of `size` leaves
/// whose root is `root` (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(index: u64, size: u64, leaf: &Hash, proof: &[Hash], root: &Hash) -> bool {
    if index >= size {
        return false;
    }
    let (mut f, mut s) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if s == 0 {
            return false;
        }
        if f & 1 == 1 || f == s {
            r = node_hash(p, &r);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    s == 0 && r == *root
}

/// Whether `proof` shows the tree of `old` leaves with root `old_root` is the start of the
/// tree of `new` leaves with root `new_root` (RFC 9162 §2.1.4.2).
pub fn verify_consistency(
    old: u64,
    new: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> bool {
    if old > new {
        return false;
    }
    if old == new {
        return proof.is_empty() && old_root == new_root;
    }
    if old == 0 {
        return proof.is_empty();
    }
    let mut path: Vec<Hash> = Vec::with_capacity(proof.len() + 1);
    if old.is_power_of_two() {
        path.push(*old_root);
    }
    path.extend_from_slice(proof);
    let Some((first, rest)) = path.split_first() else {
        return false;
    };
    let (mut f, mut s) = (old - 1, new - 1);
    while f & 1 == 1 {
        f >>= 1;
        s >>= 1;
    }
    let (mut fr, mut sr) = (*first, *first);
    for c in rest {
        if s == 0 {
            return false;
        }
        if f & 1 == 1 || f == s {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        f >>= 1;
        s >>= 1;
    }
    fr == *old_root && sr == *new_root && s == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn leaves(n: u64) -> Vec<Hash> {
        (0..n).map(|i| leaf_hash(&i.to_be_bytes())).collect()
    }

    /// RFC 6962's MTH, as the RFC writes it.
    fn mth(d: &[Hash]) -> Hash {
        match d.len() {
            0 => empty_root(),
            1 => d[0],
            n => {
                let k = split(n as u64) as usize;
                node_hash(&mth(&d[..k]), &mth(&d[k..]))
            }
        }
    }

    fn hashes(d: &[Hash], ranges: &[Range<u64>]) -> Vec<Hash> {
        let mut h = RangeHasher::new(ranges);
        for (i, leaf) in d.iter().enumerate() {
            h.push(i as u64, *leaf);
        }
        h.finish().expect("every range fed")
    }

    #[test]
    fn known_roots() {
        // RFC 6962's empty tree, and a one-leaf tree is its leaf hash.
        assert_eq!(
            hex(&empty_root()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let mut b = Builder::new();
        b.push(leaf_hash(b""));
        assert_eq!(
            hex(&b.root()),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
        );
    }

    fn hex(h: &Hash) -> String {
        h.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn every_proof_of_small_trees_checks_out() {
        for n in 1..=40u64 {
            let d = leaves(n);
            let root = mth(&d);
            for m in 0..n {
                let proof = hashes(&d, &inclusion_ranges(m, n));
                assert!(
                    verify_inclusion(m, n, &d[m as usize], &proof, &root),
                    "{m}/{n}"
                );
                assert!(!verify_inclusion(m, n, &leaf_hash(b"other"), &proof, &root));
                if m > 0 {
                    let old = mth(&d[..m as usize]);
                    let proof = hashes(&d, &consistency_ranges(m, n));
                    assert!(verify_consistency(m, n, &old, &root, &proof), "{m}->{n}");
                    assert!(!verify_consistency(m, n, &root, &root, &proof) || old == root);
                }
            }
        }
    }

    proptest! {
        #[test]
        fn builder_gives_the_rfc_root(n in 0u64..300) {
            let d = leaves(n);
            let mut b = Builder::new();
            for leaf in &d {
                b.push(*leaf);
            }
            prop_assert_eq!(b.root(), mth(&d));
            let resumed = Builder::resume(b.size(), b.peaks().to_vec());
            prop_assert_eq!(resumed.as_ref(), Some(&b));
        }

        #[test]
        fn a_changed_leaf_fails_its_proofs(n in 2u64..200, m in 0u64..200, other in 0u64..200) {
            let m = m % n;
            let other = other % n;
            let d = leaves(n);
            let root = mth(&d);
            let mut changed = d.clone();
            changed[other as usize] = leaf_hash(b"rewritten");
            // The proof from the rewritten log does not reach the old root.
            let proof = hashes(&changed, &inclusion_ranges(m, n));
            let ok = verify_inclusion(m, n, &changed[m as usize], &proof, &root);
            prop_assert!(!ok);
            if m > 0 {
                let old = mth(&d[..m as usize]);
                let new_root = mth(&changed);
                let proof = hashes(&changed, &consistency_ranges(m, n));
                prop_assert_eq!(
                    verify_consistency(m, n, &old, &new_root, &proof),
                    other >= m
                );
            }
        }

        #[test]
        fn arbitrary_proofs_do_not_crash(
            index in any::<u64>(),
            size in any::<u64>(),
            proof in proptest::collection::vec(any::<[u8; 32]>(), 0..70),
        ) {
            let leaf = leaf_hash(b"x");
            let _ = verify_inclusion(index, size, &leaf, &proof, &leaf);
            let _ = verify_consistency(index, size, &leaf, &leaf, &proof);
        }
    }
}
