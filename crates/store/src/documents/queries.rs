//! The lost, stolen and fraudulent documents list.

use chrono::Utc;
use sqlx::Row as _;
use tabara_core::Picklist;
use tabara_core::audit::AuditAction;
use uuid::Uuid;

use super::*;
use crate::documents::{LostDocument, LostEntry, LostImport};
use crate::{Actor, Result};

pub(crate) async fn import_lost_documents(
    pool: &Pool,
    actor: &Actor,
    entries: &[LostEntry],
) -> Result<LostImport> {
    let import = Uuid::now_v7();
    let now = Utc::now();
    let mut tx = begin(pool).await?;
    let (mut added, mut replaced) = (0, 0);
    for e in entries {
        let existing: Option<Uuid> = sqlx::query_scalar(
            "SELECT id FROM lost_documents WHERE issuing_state = $1 AND number = $2",
        )
        .bind(&e.issuing_state)
        .bind(&e.number)
        .fetch_optional(&mut *tx)
        .await?;
        // One statement either way: the entry of the same state and number is replaced, its
        // id kept (a hit audited before still names it).
        sqlx::query(
            "INSERT INTO lost_documents (id, issuing_state, number, reason, reported_on, \
                source, import_id, imported_by, imported_at) VALUES ($1, $2, $3, $4, $5, $6, \
                $7, $8, $9) ON CONFLICT (issuing_state, number) DO UPDATE SET reason = \
                excluded.reason, reported_on = excluded.reported_on, source = excluded.source, \
                import_id = excluded.import_id, imported_by = excluded.imported_by, \
                imported_at = excluded.imported_at",
        )
        .bind(existing.unwrap_or_else(Uuid::now_v7))
        .bind(&e.issuing_state)
        .bind(&e.number)
        .bind(e.reason.value_name())
        .bind(e.reported_on)
        .bind(&e.source)
        .bind(import)
        .bind(actor.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if existing.is_some() {
            replaced += 1;
        } else {
            added += 1;
        }
    }
    audit(&mut tx, actor, AuditAction::LostDocumentImport, import).await?;
    tx.commit().await?;
    Ok(LostImport {
        id: import,
        added,
        replaced,
    })
}

fn row(r: &DbRow) -> Result<LostDocument> {
    Ok(LostDocument {
        id: r.try_get("id")?,
        issuing_state: r.try_get("issuing_state")?,
        number: r.try_get("number")?,
        reason: r.try_get("reason")?,
        reported_on: r.try_get("reported_on")?,
        source: r.try_get("source")?,
        import_id: r.try_get("import_id")?,
        imported_by: r.try_get("imported_by")?,
        imported_at: r.try_get("imported_at")?,
    })
}

pub(crate) async fn lost_document(
    pool: &Pool,
    state: &str,
    number: &str,
) -> Result<Option<LostDocument>> {
    let r = sqlx::query(
        "SELECT id, issuing_state, number, reason, reported_on, source, import_id, \
            imported_by, imported_at FROM lost_documents WHERE issuing_state = $1 AND number = $2",
    )
    .bind(state)
    .bind(number)
    .fetch_optional(pool)
    .await?;
    r.as_ref().map(row).transpose()
}

pub(crate) async fn lost_documents(pool: &Pool, limit: i64) -> Result<Vec<LostDocument>> {
    let rows = sqlx::query(
        "SELECT id, issuing_state, number, reason, reported_on, source, import_id, \
            imported_by, imported_at FROM lost_documents ORDER BY reported_on DESC, \
            issuing_state, number LIMIT $1",
    )
    .bind(limit.clamp(1, 10_000))
    .fetch_all(pool)
    .await?;
    rows.iter().map(row).collect()
}

pub(crate) async fn record_lost_hit(pool: &Pool, actor: &Actor, id: Uuid) -> Result<()> {
    let mut tx = begin(pool).await?;
    audit(&mut tx, actor, AuditAction::LostDocumentHit, id).await?;
    tx.commit().await?;
    Ok(())
}
