//! Erasures and legal holds.

use chrono::{DateTime, Utc};
use sqlx::Row as _;
use tabara_core::Picklist as _;
use tabara_core::audit::AuditAction;
use tabara_core::erasure::{self, ErasureGround, ErasureOutcome, HoldKind};
use tabara_core::ids::{CaseId, PersonId};
use uuid::Uuid;

use super::*;
use crate::erasure::{ErasureRecord, LegalHold};
use crate::{Actor, Result};

const HOLD_COLS: &str = "id, case_id, kind, reference, placed_by, placed_at, lifted_by, lifted_at";

fn hold_from_row(r: &DbRow) -> Result<LegalHold> {
    let lifted_by: Option<String> = r.try_get("lifted_by")?;
    let lifted_at: Option<DateTime<Utc>> = r.try_get("lifted_at")?;
    Ok(LegalHold {
        id: r.try_get("id")?,
        case_id: CaseId(r.try_get("case_id")?),
        kind: pick(&r.try_get::<String, _>("kind")?)?,
        reference: r.try_get("reference")?,
        placed_by: r.try_get("placed_by")?,
        placed_at: r.try_get("placed_at")?,
        lifted: lifted_by.zip(lifted_at),
    })
}

fn erasure_from_row(r: &DbRow) -> Result<ErasureRecord> {
    let held: String = r.try_get("held_by")?;
    Ok(ErasureRecord {
        person_id: PersonId(r.try_get("person_id")?),
        ground: pick(&r.try_get::<String, _>("ground")?)?,
        requested_by: r.try_get("requested_by")?,
        requested_at: r.try_get("requested_at")?,
        held_by: held
            .split(',')
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect(),
        erased_at: r.try_get("erased_at")?,
    })
}

/// The case references of the open holds on cases the person is in.
async fn holding_cases(tx: &mut Tx, person: PersonId) -> Result<Vec<String>> {
    let numbers: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT c.number FROM case_persons cp JOIN cases c ON c.id = cp.case_id JOIN \
            legal_holds h ON h.case_id = c.id AND h.lifted_at IS NULL WHERE cp.person_id = $1 \
            ORDER BY c.number",
    )
    .bind(person.0)
    .fetch_all(&mut **tx)
    .await?;
    Ok(numbers
        .into_iter()
        .map(tabara_core::records::case_reference)
        .collect())
}

/// Destroy the person's data key and name index terms and empty their sealed identity.
async fn destroy(tx: &mut Tx, actor: &Actor, person: PersonId) -> Result<()> {
    for sql in [
        "DELETE FROM person_keys WHERE person_id = $1",
        "DELETE FROM person_name_terms WHERE person_id = $1",
        "DELETE FROM person_name_keys WHERE person_id = $1",
        // The person's files: their keys were wrapped by the data key just destroyed; the
        // sealed chunks kept in the register go too (a folder's are swept by the hourly job).
        "DELETE FROM file_chunks WHERE file_id IN (SELECT id FROM files WHERE person_id = $1)",
        // What phones sent about the person (sealed under the register's key, not theirs):
        // attachments and conflicts go; the submissions stay as rows, their XML emptied below.
        "DELETE FROM field_attachments WHERE submission_id IN (SELECT id FROM \
            field_submissions WHERE person_id = $1)",
        "DELETE FROM field_conflicts WHERE submission_id IN (SELECT id FROM field_submissions \
            WHERE person_id = $1)",
    ] {
        sqlx::query(sql).bind(person.0).execute(&mut **tx).await?;
    }
    sqlx::query("UPDATE person_identities SET sealed = $1 WHERE person_id = $2")
        .bind(Vec::<u8>::new())
        .bind(person.0)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE field_submissions SET xml = $1, corrected = NULL WHERE person_id = $2")
        .bind(Vec::<u8>::new())
        .bind(person.0)
        .execute(&mut **tx)
        .await?;
    let now = Utc::now();
    sqlx::query(
        "UPDATE files SET wrapped_key = $1, sealed_name = $1, erased_at = $2 WHERE person_id = \
            $3 AND erased_at IS NULL",
    )
    .bind(Vec::<u8>::new())
    .bind(now)
    .bind(person.0)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE erasures SET erased_at = $1, held_by = '' WHERE person_id = $2")
        .bind(now)
        .bind(person.0)
        .execute(&mut **tx)
        .await?;
    audit(tx, actor, AuditAction::PersonErase, person).await
}

/// Erase again, in a register restored from a backup taken before, a person erased since
/// (their erasure recorded as asked by `system:backup-restore`); `false` when the backup
/// does not hold them, or holds them erased already.
pub(crate) async fn replay_erasure(tx: &mut Tx, person: PersonId) -> Result<bool> {
    let held: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM persons p WHERE p.id = $1 AND NOT EXISTS (SELECT 1 FROM erasures \
            e WHERE e.person_id = p.id AND e.erased_at IS NOT NULL)",
    )
    .bind(person.0)
    .fetch_one(&mut **tx)
    .await?;
    if held == 0 {
        return Ok(false);
    }
    let actor = Actor::system("backup-restore");
    sqlx::query(
        "INSERT INTO erasures (person_id, ground, requested_by, requested_at, held_by) VALUES \
            ($1, $2, $3, $4, '') ON CONFLICT (person_id) DO NOTHING",
    )
    .bind(person.0)
    .bind(ErasureGround::SubjectRequest.value_name())
    .bind(actor.as_str())
    .bind(Utc::now())
    .execute(&mut **tx)
    .await?;
    destroy(tx, &actor, person).await?;
    Ok(true)
}

pub(crate) async fn erase_person(
    pool: &Pool,
    actor: &Actor,
    person: PersonId,
    ground: ErasureGround,
) -> Result<ErasureOutcome> {
    let mut tx = begin(pool).await?;
    let exists: Option<Uuid> = sqlx::query_scalar("SELECT id FROM persons WHERE id = $1")
        .bind(person.0)
        .fetch_optional(&mut *tx)
        .await?;
    exists.or_not_found("person", person)?;
    let done: Option<Option<DateTime<Utc>>> =
        sqlx::query_scalar("SELECT erased_at FROM erasures WHERE person_id = $1")
            .bind(person.0)
            .fetch_optional(&mut *tx)
            .await?;
    if matches!(done, Some(Some(_))) {
        tx.commit().await?;
        return Ok(ErasureOutcome::AlreadyErased);
    }
    let outcome = erasure::decide(holding_cases(&mut tx, person).await?);
    let held_by = match &outcome {
        ErasureOutcome::Waiting { held_by } => held_by.join(","),
        _ => String::new(),
    };
    sqlx::query(
        "INSERT INTO erasures (person_id, ground, requested_by, requested_at, held_by) VALUES \
            ($1, $2, $3, $4, $5) ON CONFLICT (person_id) DO UPDATE SET ground = $2, \
            requested_by = $3, requested_at = $4, held_by = $5",
    )
    .bind(person.0)
    .bind(ground.value_name())
    .bind(actor.as_str())
    .bind(Utc::now())
    .bind(&held_by)
    .execute(&mut *tx)
    .await?;
    match outcome {
        ErasureOutcome::Erased => destroy(&mut tx, actor, person).await?,
        _ => audit(&mut tx, actor, AuditAction::PersonEraseRequest, person).await?,
    }
    tx.commit().await?;
    Ok(outcome)
}

pub(crate) async fn erasure_of(pool: &Pool, person: PersonId) -> Result<Option<ErasureRecord>> {
    let row = sqlx::query(
        "SELECT person_id, ground, requested_by, requested_at, held_by, erased_at FROM erasures \
            WHERE person_id = $1",
    )
    .bind(person.0)
    .fetch_optional(pool)
    .await?;
    row.as_ref().map(erasure_from_row).transpose()
}

/// Whether the person is erased (read inside a transaction).
pub(crate) async fn is_erased(tx: &mut Tx, person: PersonId) -> Result<bool> {
    let at: Option<Option<DateTime<Utc>>> =
        sqlx::query_scalar("SELECT erased_at FROM erasures WHERE person_id = $1")
            .bind(person.0)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(matches!(at, Some(Some(_))))
}

pub(crate) async fn place_hold(
    pool: &Pool,
    actor: &Actor,
    case: CaseId,
    kind: HoldKind,
    reference: &str,
) -> Result<LegalHold> {
    let mut tx = begin(pool).await?;
    let exists: Option<i64> = sqlx::query_scalar("SELECT number FROM cases WHERE id = $1")
        .bind(case.0)
        .fetch_optional(&mut *tx)
        .await?;
    exists.or_not_found("case", case)?;
    let hold = LegalHold {
        id: Uuid::now_v7(),
        case_id: case,
        kind,
        reference: reference.to_string(),
        placed_by: actor.as_str().to_string(),
        placed_at: Utc::now(),
        lifted: None,
    };
    sqlx::query(
        "INSERT INTO legal_holds (id, case_id, kind, reference, placed_by, placed_at) VALUES \
            ($1, $2, $3, $4, $5, $6)",
    )
    .bind(hold.id)
    .bind(case.0)
    .bind(kind.value_name())
    .bind(&hold.reference)
    .bind(&hold.placed_by)
    .bind(hold.placed_at)
    .execute(&mut *tx)
    .await?;
    audit(&mut tx, actor, AuditAction::CaseHold, case).await?;
    tx.commit().await?;
    Ok(hold)
}

/// Carry out the waiting erasures of the persons of `case` (all waiting ones when `None`) that no open
/// hold stops; the rest get their holding cases brought up to date.
async fn carry_out_waiting(tx: &mut Tx, actor: &Actor, case: Option<CaseId>) -> Result<u64> {
    let waiting: Vec<Uuid> = match case {
        Some(c) => {
            sqlx::query_scalar(
                "SELECT e.person_id FROM erasures e JOIN case_persons cp ON cp.person_id = \
                    e.person_id WHERE e.erased_at IS NULL AND cp.case_id = $1",
            )
            .bind(c.0)
            .fetch_all(&mut **tx)
            .await?
        }
        None => {
            sqlx::query_scalar("SELECT person_id FROM erasures WHERE erased_at IS NULL")
                .fetch_all(&mut **tx)
                .await?
        }
    };
    let mut erased = 0;
    for id in waiting {
        let person = PersonId(id);
        match erasure::decide(holding_cases(tx, person).await?) {
            ErasureOutcome::Waiting { held_by } => {
                sqlx::query("UPDATE erasures SET held_by = $1 WHERE person_id = $2")
                    .bind(held_by.join(","))
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
            }
            _ => {
                destroy(tx, actor, person).await?;
                erased += 1;
            }
        }
    }
    Ok(erased)
}

pub(crate) async fn lift_hold(pool: &Pool, actor: &Actor, hold: Uuid) -> Result<(LegalHold, u64)> {
    let mut tx = begin(pool).await?;
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {HOLD_COLS} FROM legal_holds WHERE id = $1{FOR_UPDATE}"
    )))
    .bind(hold)
    .fetch_optional(&mut *tx)
    .await?
    .or_not_found("legal_hold", hold)?;
    let mut h = hold_from_row(&row)?;
    if h.lifted.is_some() {
        tx.commit().await?;
        return Err(crate::refuse(
            "hld_Status",
            "already_lifted",
            "this hold was lifted already",
        ));
    }
    let now = Utc::now();
    sqlx::query("UPDATE legal_holds SET lifted_by = $1, lifted_at = $2 WHERE id = $3")
        .bind(actor.as_str())
        .bind(now)
        .bind(hold)
        .execute(&mut *tx)
        .await?;
    audit(&mut tx, actor, AuditAction::CaseHoldLift, h.case_id).await?;
    let erased = carry_out_waiting(&mut tx, actor, Some(h.case_id)).await?;
    tx.commit().await?;
    h.lifted = Some((actor.as_str().to_string(), now));
    Ok((h, erased))
}

pub(crate) async fn holds_of_case(pool: &Pool, case: CaseId) -> Result<Vec<LegalHold>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {HOLD_COLS} FROM legal_holds WHERE case_id = $1 ORDER BY placed_at, id"
    )))
    .bind(case.0)
    .fetch_all(pool)
    .await?;
    rows.iter().map(hold_from_row).collect()
}

pub(crate) async fn run_waiting_erasures(pool: &Pool, actor: &Actor) -> Result<u64> {
    let mut tx = begin(pool).await?;
    let n = carry_out_waiting(&mut tx, actor, None).await?;
    tx.commit().await?;
    Ok(n)
}

/// The cases a person is in, oldest first.
pub(crate) async fn cases_of_person(pool: &Pool, person: PersonId) -> Result<Vec<CaseId>> {
    let ids: Vec<Uuid> = sqlx::query_scalar(
        "SELECT DISTINCT c.id, c.number FROM case_persons cp JOIN cases c ON c.id = cp.case_id \
            WHERE cp.person_id = $1 ORDER BY c.number",
    )
    .bind(person.0)
    .fetch_all(pool)
    .await?;
    Ok(ids.into_iter().map(CaseId).collect())
}
