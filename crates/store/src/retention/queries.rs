//! The records retention lets go.

use chrono::{DateTime, Utc};
use tabara_core::Picklist as _;
use tabara_core::audit::AuditAction;
use tabara_core::ids::PersonId;
use tabara_core::retention::{RetentionKind, RetentionPolicy};
use uuid::Uuid;

use super::*;
use crate::{Actor, Result};

/// The persons not erased yet that `kind` lets go as of `cutoff`, in id order.
pub(crate) async fn persons_due(
    pool: &Pool,
    kind: RetentionKind,
    cutoff: DateTime<Utc>,
) -> Result<Vec<PersonId>> {
    let day = cutoff.date_naive();
    let ids: Vec<Uuid> =
        match kind {
            // Every case of theirs closed before the cutoff (and at least one case).
            RetentionKind::ClosedCasePersons => sqlx::query_scalar(
                "SELECT k.person_id FROM person_keys k WHERE EXISTS (SELECT 1 FROM case_persons \
                    cp WHERE cp.person_id = k.person_id) AND NOT EXISTS (SELECT 1 FROM \
                    case_persons cp JOIN cases c ON c.id = cp.case_id WHERE cp.person_id = \
                    k.person_id AND (c.closed_on IS NULL OR c.closed_on >= $1)) ORDER BY \
                    k.person_id",
            )
            .bind(day)
            .fetch_all(pool)
            .await?,
            // Registered before the cutoff and in no case.
            RetentionKind::PersonsWithoutCase => sqlx::query_scalar(
                "SELECT k.person_id FROM person_keys k JOIN persons p ON p.id = k.person_id WHERE \
                    p.registered_on < $1 AND NOT EXISTS (SELECT 1 FROM case_persons cp WHERE \
                    cp.person_id = k.person_id) ORDER BY k.person_id",
            )
            .bind(day)
            .fetch_all(pool)
            .await?,
            RetentionKind::EndedSessions | RetentionKind::ReadNotifications => Vec::new(),
        };
    Ok(ids.into_iter().map(PersonId).collect())
}

/// How many rows of a kind that is not persons are due.
pub(crate) async fn rows_due(
    pool: &Pool,
    kind: RetentionKind,
    cutoff: DateTime<Utc>,
) -> Result<u64> {
    let n: i64 = match kind {
        RetentionKind::EndedSessions => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM sessions WHERE expires_at < $1 OR last_seen_at < $1",
            )
            .bind(cutoff)
            .fetch_one(pool)
            .await?
        }
        RetentionKind::ReadNotifications => {
            sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE read_at < $1")
                .bind(cutoff)
                .fetch_one(pool)
                .await?
        }
        RetentionKind::ClosedCasePersons | RetentionKind::PersonsWithoutCase => 0,
    };
    Ok(n.max(0) as u64)
}

/// Delete the rows due of the kinds that are not persons, in one transaction with one
/// `retention.run` entry naming the counts; the counts deleted.
pub(crate) async fn delete_rows(
    pool: &Pool,
    actor: &Actor,
    policy: &RetentionPolicy,
    now: DateTime<Utc>,
) -> Result<Vec<(RetentionKind, u64)>> {
    let mut tx = begin(pool).await?;
    let mut counts = Vec::new();
    if let Some(cutoff) = policy.cutoff(RetentionKind::EndedSessions, now) {
        let n = sqlx::query("DELETE FROM sessions WHERE expires_at < $1 OR last_seen_at < $1")
            .bind(cutoff)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        counts.push((RetentionKind::EndedSessions, n));
    }
    if let Some(cutoff) = policy.cutoff(RetentionKind::ReadNotifications, now) {
        sqlx::query(
            "DELETE FROM deliveries WHERE notification_id IN (SELECT id FROM notifications WHERE \
                read_at < $1)",
        )
        .bind(cutoff)
        .execute(&mut *tx)
        .await?;
        let n = sqlx::query("DELETE FROM notifications WHERE read_at < $1")
            .bind(cutoff)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        counts.push((RetentionKind::ReadNotifications, n));
    }
    let summary: Vec<String> = counts
        .iter()
        .map(|(k, n)| format!("{}={n}", k.value_name()))
        .collect();
    audit(&mut tx, actor, AuditAction::RetentionRun, summary.join(";")).await?;
    tx.commit().await?;
    Ok(counts)
}
