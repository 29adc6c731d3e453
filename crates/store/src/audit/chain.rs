//! The audit log's hash chain: every entry commits to the one before it, so editing or deleting
//! a past entry breaks every hash after it. Pure functions; the SQL lives in `queries.rs` and in
//! the backend's `append_audit`.

use sha2::{Digest, Sha256};
use tabara_core::audit::AuditAction;

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An entry before it is chained: what happened to which record, done by whom.
/// Never holds personal data: actors and records are ids, actions are names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// Who: `user:<uuid>` or `system:<name>`.
    pub actor: String,
    /// What, e.g. `person.create`, `person_identity.read`; the entry's record kind is the
    /// action's ([`AuditAction::record_kind`]).
    pub action: AuditAction,
    /// The record's id (uuid or case number).
    pub record_id: String,
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditEntry {
    /// Position in the chain, from 1, without gaps.
    pub seq: i64,
    /// Microseconds since the Unix epoch.
    pub at_us: i64,
    /// Who.
    pub actor: String,
    /// What.
    pub action: String,
    /// Kind of record.
    pub record_kind: String,
    /// Record id.
    pub record_id: String,
    /// Hash of the previous entry ([`GENESIS`] for the first).
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

impl AuditEntry {
    /// The hash its fields give ([`entry_hash`]): its stored `hash` unless it was altered.
    pub fn recomputed_hash(&self) -> String {
        entry_hash(
            self.seq,
            self.at_us,
            &self.actor,
            &self.action,
            &self.record_kind,
            &self.record_id,
            &self.prev_hash,
        )
    }
}

/// SHA-256 over the entry's fields, each prefixed with its length so no two different entries
/// can encode to the same bytes.
pub fn entry_hash(
    seq: i64,
    at_us: i64,
    actor: &str,
    action: &str,
    record_kind: &str,
    record_id: &str,
    prev_hash: &str,
) -> String {
    let mut h = Sha256::new();
    h.update(b"tabara.audit.v1");
    h.update(seq.to_be_bytes());
    h.update(at_us.to_be_bytes());
    for field in [actor, action, record_kind, record_id, prev_hash] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

/// What is wrong with a broken chain.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum Problem {
    /// The entry is missing; the next one found has number `next`.
    Missing {
        /// The number of the next entry found.
        next: i64,
    },
    /// The entry does not link to the one before it (changed or removed).
    Unlinked,
    /// The entry's content does not match its hash.
    Altered,
    /// The log ends at `last` but the head records `head`: the tail was removed.
    TailRemoved {
        /// The last entry found.
        last: i64,
        /// The last entry the head records.
        head: i64,
    },
    /// The last entry does not match the head.
    HeadMismatch,
    /// The entry lies beyond the head: not appended by Tabara.
    BeyondHead {
        /// The last entry the head records.
        head: i64,
    },
    /// The chain head (the row that records the last entry) is missing.
    HeadMissing,
    /// The register holds more records of a kind than the log has creation entries for them:
    /// entries were cut from the end and the head moved back.
    Unrecorded {
        /// The record kind, as the log names it (`person`).
        kind: String,
        /// The creation action (`person.create`).
        action: String,
        /// Records of that kind in the register.
        records: i64,
        /// Creation entries in the log.
        entries: i64,
        /// The id of one record without its entry, when records have ids of their own.
        example: Option<String>,
    },
    /// A record was written after the log's last entry: the entries after it were removed.
    WrittenAfterLog {
        /// The table that holds the record.
        table: String,
        /// When it was written (microseconds since the Unix epoch).
        written_at_us: i64,
        /// When the last entry was appended, if the log has any.
        last_entry_at_us: Option<i64>,
    },
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Missing { next } => {
                write!(f, "entry is missing (the next entry found is {next})")
            }
            Problem::Unlinked => f.write_str(
                "entry does not link to the one before it: an entry was changed or removed",
            ),
            Problem::Altered => {
                f.write_str("entry was altered: its content does not match its hash")
            }
            Problem::TailRemoved { last, head } => write!(
                f,
                "the log ends at entry {last} but the chain head records entry {head}: entries \
                    were removed"
            ),
            Problem::HeadMismatch => f.write_str("entry does not match the chain head"),
            Problem::BeyondHead { head } => write!(
                f,
                "entry lies beyond the chain head (entry {head}): it was not appended by Tabara"
            ),
            Problem::HeadMissing => f.write_str(
                "the chain head (the record of the last entry) is missing: the audit tables were \
                    tampered with",
            ),
            Problem::Unrecorded {
                kind,
                action,
                records,
                entries,
                example,
            } => {
                write!(
                    f,
                    "the register holds {records} records of kind {kind} but the log has \
                        {entries} {action} entries"
                )?;
                if let Some(id) = example {
                    write!(f, " ({kind} {id} has none)")?;
                }
                f.write_str(": entries were removed from the end")
            }
            Problem::WrittenAfterLog {
                table,
                written_at_us,
                last_entry_at_us,
            } => write!(
                f,
                "a record of {table} was written at {written_at_us} µs, after the log's last \
                    entry ({last_entry_at_us:?}): entries were removed from the end"
            ),
        }
    }
}

/// The outcome of checking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Verification {
    /// Every entry is intact.
    Ok {
        /// Number of entries checked.
        entries: i64,
    },
    /// The first entry that does not check out.
    Broken {
        /// Its sequence number.
        seq: i64,
        /// Why.
        reason: Problem,
    },
}

/// Incremental verifier: feed entries in sequence order.
#[derive(Debug)]
pub struct Verifier {
    expected_seq: i64,
    prev_hash: String,
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier {
            expected_seq: 1,
            prev_hash: GENESIS.to_string(),
        }
    }
}

impl Verifier {
    /// Check the next entry; `Err((seq, reason))` at the first break.
    pub fn check(&mut self, e: &AuditEntry) -> Result<(), (i64, Problem)> {
        if e.seq != self.expected_seq {
            return Err((self.expected_seq, Problem::Missing { next: e.seq }));
        }
        if e.prev_hash != self.prev_hash {
            return Err((e.seq, Problem::Unlinked));
        }
        if e.recomputed_hash() != e.hash {
            return Err((e.seq, Problem::Altered));
        }
        self.expected_seq += 1;
        self.prev_hash = e.hash.clone();
        Ok(())
    }

    /// Compare the end of the chain with the recorded head (detects removal of the last entries).
    pub fn finish(self, head_seq: i64, head_hash: &str) -> Verification {
        let last = self.expected_seq - 1;
        if last != head_seq {
            return Verification::Broken {
                seq: last + 1,
                reason: Problem::TailRemoved {
                    last,
                    head: head_seq,
                },
            };
        }
        if self.prev_hash != head_hash {
            return Verification::Broken {
                seq: last,
                reason: Problem::HeadMismatch,
            };
        }
        Verification::Ok { entries: last }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let hash = entry_hash(
                    seq,
                    1000 + seq,
                    "system:test",
                    "case.create",
                    "case",
                    &seq.to_string(),
                    &prev,
                );
                let e = AuditEntry {
                    seq,
                    at_us: 1000 + seq,
                    actor: "system:test".into(),
                    action: "case.create".into(),
                    record_kind: "case".into(),
                    record_id: seq.to_string(),
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                e
            })
            .collect()
    }

    fn verify(entries: &[AuditEntry], head: (i64, &str)) -> Verification {
        let mut v = Verifier::default();
        for e in entries {
            if let Err((seq, reason)) = v.check(e) {
                return Verification::Broken { seq, reason };
            }
        }
        v.finish(head.0, head.1)
    }

    #[test]
    fn intact_chain_verifies() {
        let c = chain(5);
        assert_eq!(
            verify(&c, (5, &c[4].hash.clone())),
            Verification::Ok { entries: 5 }
        );
        assert_eq!(verify(&[], (0, GENESIS)), Verification::Ok { entries: 0 });
    }

    #[test]
    fn edited_entry_is_named() {
        let mut c = chain(5);
        let head = c[4].hash.clone();
        c[2].actor = "user:someone-else".into();
        match verify(&c, (5, &head)) {
            Verification::Broken { seq, .. } => assert_eq!(seq, 3),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn rehashed_entry_breaks_the_next_link() {
        let mut c = chain(5);
        let head = c[4].hash.clone();
        c[1].record_id = "99".into();
        c[1].hash = entry_hash(
            2,
            c[1].at_us,
            &c[1].actor,
            &c[1].action,
            &c[1].record_kind,
            "99",
            &c[1].prev_hash,
        );
        match verify(&c, (5, &head)) {
            Verification::Broken { seq, .. } => assert_eq!(seq, 3),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn deleted_entries_are_detected() {
        let c = chain(5);
        let head = c[4].hash.clone();
        let mut middle = c.clone();
        middle.remove(2);
        assert!(matches!(
            verify(&middle, (5, &head)),
            Verification::Broken { seq: 3, .. }
        ));
        let tail = &c[..4];
        assert!(matches!(
            verify(tail, (5, &head)),
            Verification::Broken { seq: 5, .. }
        ));
    }
}
