//! Retention (issue 13; the rules are `tabara_core::retention`): what a run lets go, reported
//! without changing anything (a dry run) or carried out. Persons are erased through
//! [`Store::erase_person`] on the ground `retention_ended`, so a legal hold makes them wait and
//! each erasure is audited; ended sessions and read notifications are deleted, with one
//! `retention.run` entry giving the counts.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tabara_core::erasure::{ErasureGround, ErasureOutcome};
use tabara_core::ids::PersonId;
use tabara_core::retention::{RetentionKind, RetentionPolicy};

use crate::{Actor, Result, Store};

/// The most person ids a report lists per rule (the count is whole).
pub const REPORT_IDS: usize = 100;

/// What one rule lets go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RetentionLine {
    /// The kind of record.
    pub kind: RetentionKind,
    /// Its period in days; `None`: kept for ever.
    pub days: Option<u32>,
    /// Records from before this moment go.
    pub cutoff: Option<DateTime<Utc>>,
    /// How many records are due.
    pub due: u64,
    /// For persons: the ids of the first [`REPORT_IDS`] due.
    pub persons: Vec<PersonId>,
    /// Carried out: persons erased, or rows deleted.
    pub done: u64,
    /// Carried out: persons whose erasure waits for a legal hold.
    pub waiting: u64,
}

/// A retention run, or its dry run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RetentionReport {
    /// When.
    pub at: DateTime<Utc>,
    /// Nothing was changed.
    pub dry_run: bool,
    /// One line per kind.
    pub lines: Vec<RetentionLine>,
}

impl Store {
    /// What `policy` lets go at `now`, and, unless `dry_run`, let it go.
    pub async fn retention(
        &self,
        actor: &Actor,
        policy: &RetentionPolicy,
        now: DateTime<Utc>,
        dry_run: bool,
    ) -> Result<RetentionReport> {
        let mut lines = Vec::new();
        for (kind, days) in policy.periods() {
            let cutoff = policy.cutoff(*kind, now);
            let mut line = RetentionLine {
                kind: *kind,
                days: *days,
                cutoff,
                due: 0,
                persons: Vec::new(),
                done: 0,
                waiting: 0,
            };
            if let Some(cutoff) = cutoff {
                if kind.erases_persons() {
                    let due = dispatch!(self, persons_due(*kind, cutoff))?;
                    line.due = due.len() as u64;
                    line.persons = due.iter().take(REPORT_IDS).copied().collect();
                    if !dry_run {
                        for person in due {
                            match self
                                .erase_person(actor, person, ErasureGround::RetentionEnded)
                                .await?
                            {
                                ErasureOutcome::Waiting { .. } => line.waiting += 1,
                                _ => line.done += 1,
                            }
                        }
                    }
                } else {
                    line.due = dispatch!(self, rows_due(*kind, cutoff))?;
                }
            }
            lines.push(line);
        }
        if !dry_run {
            let any_rows = lines.iter().any(|l| !l.kind.erases_persons() && l.due > 0);
            if any_rows {
                let counts = dispatch!(self, delete_rows(actor, policy, now))?;
                for line in &mut lines {
                    if let Some((_, n)) = counts.iter().find(|(k, _)| *k == line.kind) {
                        line.done = *n;
                    }
                }
            }
        }
        Ok(RetentionReport {
            at: now,
            dry_run,
            lines,
        })
    }
}

#[path = "."]
pub(crate) mod sqlite {
    use crate::backend::sqlite::*;
    pub(crate) mod queries;
}

#[path = "."]
pub(crate) mod postgres {
    use crate::backend::postgres::*;
    pub(crate) mod queries;
}
