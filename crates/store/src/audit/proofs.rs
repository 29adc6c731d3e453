//! What the audit log's Merkle tree gives its readers (issue 13): signed checkpoints, inclusion
//! and consistency proofs, and the register checked against a checkpoint kept elsewhere. The
//! queries are in `tree.rs`; the tree and the checkpoint's form in `tabara_core::merkle` and
//! `tabara_core::checkpoint`.

use serde::Serialize;
use tabara_core::checkpoint::{Checkpoint, Signed, SigningKey, decode_hex};
use tabara_core::merkle::{Hash, leaf_hash};

use super::{postgres, sqlite};
use crate::{Result, Store};

/// The Merkle leaf of an entry: the leaf hash of its chain hash's 32 bytes (of its text when
/// that is not hex: such an entry fails the chain check anyway).
pub(crate) fn leaf_of(chain_hash: &str) -> Hash {
    match decode_hex(chain_hash) {
        Some(bytes) if bytes.len() == 32 => leaf_hash(&bytes),
        _ => leaf_hash(chain_hash.as_bytes()),
    }
}

/// A checkpoint as the register keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredCheckpoint {
    /// Entries covered.
    pub size: u64,
    /// Its signed text.
    pub text: String,
    /// When it was made.
    pub made_at: chrono::DateTime<chrono::Utc>,
}

/// That one entry is in the tree of a given size (RFC 6962 audit path, nearest sibling first;
/// hashes in hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InclusionProof {
    /// The entry.
    pub seq: i64,
    /// The tree's size (entries 1 to `size`).
    pub size: u64,
    /// The entry's chain hash.
    pub entry_hash: String,
    /// Its leaf hash in the tree.
    pub leaf: String,
    /// The tree's root.
    pub root: String,
    /// The audit path.
    pub path: Vec<String>,
}

/// That the tree of `old` entries is the start of the tree of `new` entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsistencyProof {
    /// The older tree's size.
    pub old: u64,
    /// Its root.
    pub old_root: String,
    /// The newer tree's size.
    pub new: u64,
    /// Its root.
    pub new_root: String,
    /// The proof (RFC 6962 §2.1.2).
    pub path: Vec<String>,
}

/// The register's log against a checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum CheckpointCheck {
    /// The first `size` entries are those the checkpoint signed; `after` entries were added
    /// since (the checkpoint says nothing of them; the chain does).
    Matches {
        /// Entries covered.
        size: u64,
        /// Entries after them.
        after: u64,
    },
    /// The log holds fewer entries than the checkpoint covers: entries were removed.
    Shorter {
        /// Entries the checkpoint covers.
        size: u64,
        /// Entries the log holds.
        entries: u64,
    },
    /// An entry the checkpoint covers is missing.
    Missing {
        /// The first missing entry.
        seq: i64,
        /// Entries the checkpoint covers.
        size: u64,
    },
    /// The first `size` entries give another root: at least one of them was changed, even if
    /// the chain was recomputed after it.
    Rewritten {
        /// Entries the checkpoint covers.
        size: u64,
        /// The root the register's entries give.
        root: String,
    },
    /// The root matches but the last entry's chain hash does not (the checkpoint's own
    /// fields disagree: it was not made by Tabara from this log).
    HeadDiffers {
        /// Entries the checkpoint covers.
        size: u64,
    },
}

impl CheckpointCheck {
    /// Whether the register agrees with the checkpoint.
    pub fn matches(&self) -> bool {
        matches!(self, CheckpointCheck::Matches { .. })
    }
}

/// `dispatch!` for the tree's queries.
macro_rules! dispatch_tree {
    ($self:ident, $f:ident ( $($arg:expr),* )) => {
        match &$self.backend {
            $crate::Backend::Sqlite(pool) => sqlite::tree::$f(pool, $($arg),*).await,
            $crate::Backend::Postgres(pool) => postgres::tree::$f(pool, $($arg),*).await,
        }
    };
}

impl Store {
    /// Make a checkpoint of the whole log signed with `key` and keep it (the one kept already
    /// when the log has not grown since). It reads only the entries after the newest kept
    /// checkpoint. Not an audited change: it records the log, it does not change it.
    pub async fn make_checkpoint(&self, key: &SigningKey) -> Result<Signed> {
        dispatch_tree!(self, make_checkpoint(key))
    }

    /// The kept checkpoints, newest first.
    pub async fn checkpoints(&self, limit: i64) -> Result<Vec<StoredCheckpoint>> {
        dispatch_tree!(self, checkpoints(limit))
    }

    /// The inclusion proof of entry `seq` in the tree of the first `size` entries (the whole
    /// log when `None`). Reads every entry up to `size`.
    pub async fn audit_inclusion(&self, seq: i64, size: Option<i64>) -> Result<InclusionProof> {
        dispatch_tree!(self, inclusion(seq, size))
    }

    /// The consistency proof from the tree of `old` entries to the tree of `new` (the whole
    /// log when `None`).
    pub async fn audit_consistency(&self, old: i64, new: Option<i64>) -> Result<ConsistencyProof> {
        let (new, old_root, new_root, path) = dispatch_tree!(self, consistency(old, new))?;
        Ok(ConsistencyProof {
            old: old as u64,
            old_root,
            new,
            new_root,
            path,
        })
    }

    /// Check the register's log against `checkpoint` (whose signature the caller checked).
    pub async fn check_checkpoint(&self, checkpoint: &Checkpoint) -> Result<CheckpointCheck> {
        dispatch_tree!(self, check_checkpoint(checkpoint))
    }
}
