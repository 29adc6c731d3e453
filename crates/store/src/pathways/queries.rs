//! Child pathways: opening (by the store), reading, the steps child protection takes.

use chrono::{DateTime, Utc};
use sqlx::Row as _;
use tabara_core::Role;
use tabara_core::audit::AuditAction;
use tabara_core::ids::*;
use tabara_core::pathway::{OpenReason, Pathway};
use uuid::Uuid;

use super::*;
use crate::pathways::{ChildPathway, MAX_PATHWAYS, PATHWAY_ACTOR, PathwayStep};
use crate::{Actor, Result};

const COLS: &str = "id, case_id, person_id, reason, opened_at, guardian, guardian_by, \
    guardian_at, best_interests, best_interests_by, best_interests_at, signed_off_by, \
    signed_off_at, version";

fn opt_json<T: serde::de::DeserializeOwned>(r: &DbRow, col: &str) -> Result<Option<T>> {
    let text: Option<String> = r.try_get(col)?;
    text.map(|t| {
        serde_json::from_str(&t).map_err(|e| crate::StoreError::Corrupt(format!("{col}: {e}")))
    })
    .transpose()
}

fn by_at(r: &DbRow, by: &str, at: &str) -> Result<Option<(String, DateTime<Utc>)>> {
    let who: Option<String> = r.try_get(by)?;
    let when: Option<DateTime<Utc>> = r.try_get(at)?;
    Ok(who.zip(when))
}

fn from_row(r: &DbRow) -> Result<ChildPathway> {
    Ok(ChildPathway {
        id: r.try_get("id")?,
        case_id: CaseId(r.try_get("case_id")?),
        person_id: PersonId(r.try_get("person_id")?),
        pathway: Pathway {
            opened_at: r.try_get("opened_at")?,
            reason: pick(&r.try_get::<String, _>("reason")?)?,
            guardian: opt_json(r, "guardian")?,
            best_interests: opt_json(r, "best_interests")?,
            signed_off_at: r.try_get("signed_off_at")?,
        },
        guardian_by: by_at(r, "guardian_by", "guardian_at")?,
        best_interests_by: by_at(r, "best_interests_by", "best_interests_at")?,
        signed_off_by: r.try_get("signed_off_by")?,
        version: r.try_get("version")?,
    })
}

/// Open the pathway of `person_id` in `case_id` unless it has one; audited as the system's
/// `child_pathway.open`. Called by the store wherever it learns of a child.
pub(crate) async fn open_pathway(
    tx: &mut Tx,
    case_id: CaseId,
    person_id: PersonId,
    reason: OpenReason,
    now: DateTime<Utc>,
) -> Result<bool> {
    let Some(id) = insert_pathway(tx, case_id, person_id, reason, now).await? else {
        return Ok(false);
    };
    let actor = Actor::system(PATHWAY_ACTOR);
    audit(tx, &actor, AuditAction::ChildPathwayOpen, id).await?;
    Ok(true)
}

/// Insert the pathway unless there is one; its id when it was inserted. The caller writes its
/// `child_pathway.open` entry (the bulk load batches them with its own).
pub(crate) async fn insert_pathway(
    tx: &mut Tx,
    case_id: CaseId,
    person_id: PersonId,
    reason: OpenReason,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>> {
    let id = Uuid::now_v7();
    let done = sqlx::query(
        "INSERT INTO child_pathways (id, case_id, person_id, reason, opened_at, updated_at, \
            version) VALUES ($1, $2, $3, $4, $5, $6, 1) ON CONFLICT (case_id, person_id) DO \
            NOTHING",
    )
    .bind(id)
    .bind(case_id.0)
    .bind(person_id.0)
    .bind(reason.as_str())
    .bind(now)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok((done.rows_affected() == 1).then_some(id))
}

/// The pathways of a case, locked in `tx` when `lock` says so.
pub(crate) async fn pathways_of(
    tx: &mut Tx,
    case_id: CaseId,
    lock: &str,
) -> Result<Vec<ChildPathway>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} FROM child_pathways WHERE case_id = $1 ORDER BY opened_at, id LIMIT \
            {MAX_PATHWAYS}{lock}"
    )))
    .bind(case_id.0)
    .fetch_all(&mut **tx)
    .await?;
    rows.iter().map(from_row).collect()
}

pub(crate) async fn child_pathway(
    pool: &Pool,
    case_id: CaseId,
    person_id: PersonId,
) -> Result<Option<ChildPathway>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} FROM child_pathways WHERE case_id = $1 AND person_id = $2"
    )))
    .bind(case_id.0)
    .bind(person_id.0)
    .fetch_optional(pool)
    .await?;
    row.as_ref().map(from_row).transpose()
}

pub(crate) async fn case_pathways(pool: &Pool, case_id: CaseId) -> Result<Vec<ChildPathway>> {
    let mut tx = begin_read(pool).await?;
    let out = pathways_of(&mut tx, case_id, "").await?;
    tx.commit().await?;
    Ok(out)
}

/// A read-only snapshot on both backends (no write lock on SQLite).
async fn begin_read(pool: &Pool) -> Result<Tx> {
    Ok(pool.begin_with("BEGIN").await?)
}

pub(crate) async fn open_pathways(pool: &Pool, limit: i64) -> Result<(Vec<ChildPathway>, i64)> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} FROM child_pathways WHERE signed_off_at IS NULL ORDER BY opened_at, id \
            LIMIT $1"
    )))
    .bind(limit.clamp(1, MAX_PATHWAYS))
    .fetch_all(pool)
    .await?;
    let open: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM child_pathways WHERE signed_off_at IS NULL")
            .fetch_one(pool)
            .await?;
    Ok((rows.iter().map(from_row).collect::<Result<_>>()?, open))
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn pathway_step(
    pool: &Pool,
    keys: &crate::keys::Keys,
    actor: &Actor,
    role: Role,
    case_id: CaseId,
    person_id: PersonId,
    expected_version: i64,
    step: &PathwayStep,
) -> Result<ChildPathway> {
    let mut tx = begin(pool).await?;
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} FROM child_pathways WHERE case_id = $1 AND person_id = $2{FOR_UPDATE}"
    )))
    .bind(case_id.0)
    .bind(person_id.0)
    .fetch_optional(&mut *tx)
    .await?
    .or_not_found("child pathway", person_id)?;
    let mut current = from_row(&row)?;
    let text = text_key(&mut tx, keys, person_id).await?;
    text.open_all(&mut current)?;
    check_version(
        "child pathway",
        current.id,
        expected_version,
        current.version,
    )?;
    let now = Utc::now();
    let mut next = current.pathway.clone();
    let action = match step {
        PathwayStep::Guardian(g) => {
            next.record_guardian(g.clone())?;
            AuditAction::ChildPathwayGuardian
        }
        PathwayStep::BestInterests(b) => {
            next.record_best_interests(role, b.clone())?;
            AuditAction::ChildPathwayBestInterests
        }
        PathwayStep::SignOff => {
            next.sign_off(role, now)?;
            AuditAction::ChildPathwaySignOff
        }
    };
    let version = current.version + 1;
    // What is stored has its words sealed under the child's key.
    let mut sealed = ChildPathway {
        pathway: next.clone(),
        ..current.clone()
    };
    text.seal_all(&mut sealed)?;
    let (column, value) = match step {
        PathwayStep::Guardian(_) => ("guardian", sealed.pathway.guardian.as_ref().map(to_json)),
        PathwayStep::BestInterests(_) => (
            "best_interests",
            sealed.pathway.best_interests.as_ref().map(to_json),
        ),
        PathwayStep::SignOff => ("signed_off", None),
    };
    let value = value.transpose()?;
    let done = if let Some(value) = value {
        // The column name is one of this function's constants, never input.
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE child_pathways SET {column} = $1, {column}_by = $2, {column}_at = $3, \
                updated_at = $4, version = $5 WHERE id = $6 AND version = $7"
        )))
        .bind(value)
        .bind(actor.as_str())
        .bind(now)
        .bind(now)
        .bind(version)
        .bind(current.id)
        .bind(current.version)
        .execute(&mut *tx)
        .await?
    } else {
        sqlx::query(
            "UPDATE child_pathways SET signed_off_by = $1, signed_off_at = $2, updated_at = $3, \
                version = $4 WHERE id = $5 AND version = $6",
        )
        .bind(actor.as_str())
        .bind(now)
        .bind(now)
        .bind(version)
        .bind(current.id)
        .bind(current.version)
        .execute(&mut *tx)
        .await?
    };
    ensure_updated(done, "child pathway", current.id, current.version)?;
    let changes = diff(&current.pathway, &next);
    record_sealed_change(
        &mut tx,
        "child_pathway",
        &current.id.to_string(),
        version,
        actor,
        changes,
        &text,
    )
    .await?;
    audit(&mut tx, actor, action, current.id).await?;
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} FROM child_pathways WHERE id = $1"
    )))
    .bind(current.id)
    .fetch_one(&mut *tx)
    .await?;
    let stored = from_row(&row)?;
    tx.commit().await?;
    Ok(stored)
}

pub(crate) async fn open_missing_pathways(pool: &Pool) -> Result<usize> {
    let mut tx = begin(pool).await?;
    let rows = sqlx::query(
        "SELECT cp.case_id, cp.person_id, p.age_at_registration, p.age_uncertain FROM cases c \
            JOIN case_persons cp ON cp.case_id = c.id JOIN persons p ON p.id = cp.person_id \
            WHERE c.involves_minor = $1 AND NOT EXISTS (SELECT 1 FROM child_pathways w WHERE \
            w.case_id = cp.case_id AND w.person_id = cp.person_id)",
    )
    .bind(true)
    .fetch_all(&mut *tx)
    .await?;
    let now = Utc::now();
    let actor = Actor::system(PATHWAY_ACTOR);
    let mut entries = Vec::new();
    for r in &rows {
        let age: Option<i64> = r.try_get("age_at_registration")?;
        let uncertain: bool = r.try_get("age_uncertain")?;
        if tabara_core::child::presumed_child(age, uncertain, std::iter::empty()).is_none() {
            continue;
        }
        let case = CaseId(r.try_get("case_id")?);
        let person = PersonId(r.try_get("person_id")?);
        let reason = OpenReason::Registered;
        if let Some(id) = insert_pathway(&mut tx, case, person, reason, now).await? {
            entries.push(pending(
                &actor,
                AuditAction::ChildPathwayOpen,
                id.to_string(),
            ));
        }
    }
    // One append for the lot: the chain is extended once, not once per child.
    append_audit(&mut tx, &entries).await?;
    tx.commit().await?;
    Ok(entries.len())
}
