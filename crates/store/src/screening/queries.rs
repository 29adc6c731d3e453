//! Screening interviews: drafts, completion with the engine's evaluation, and the officer's
//! decision.

use chrono::Utc;
use sqlx::Row as _;
use tabara_core::audit::AuditAction;
use tabara_core::ids::*;
use tabara_core::picklist::Picklist;
use tabara_core::records::*;

use tabara_core::decision::{Decidable, DecisionKind, DecisionRequest, ScreeningState};

use super::cases::{case_person_id, lock_case_person};
use super::*;
use crate::{Actor, DecisionInput, Result, Screening, ScreeningDecision, StoreError};

pub(crate) const SCREENING_COLS: &str = "id, person_id, case_id, catalogue_version, state, \
    answers, age_facts, movement_facts, evaluation, decision, decided_status, decision_reason, \
    decided_by, decided_at, created_by, created_at, updated_at, version";

pub(crate) fn screening_from_row(r: &DbRow) -> Result<Screening> {
    let state: String = r.try_get("state")?;
    let state = ScreeningState::from_stored(&state)
        .ok_or_else(|| StoreError::Corrupt(format!("screening state '{state}'")))?;
    let evaluation: Option<String> = r.try_get("evaluation")?;
    let evaluation = evaluation
        .map(|e| {
            serde_json::from_str(&e).map_err(|e| StoreError::Corrupt(format!("evaluation: {e}")))
        })
        .transpose()?;
    let decision: Option<String> = r.try_get("decision")?;
    let decision = match decision {
        None => None,
        Some(kind) => {
            let kind = DecisionKind::from_stored(&kind)
                .ok_or_else(|| StoreError::Corrupt(format!("screening decision '{kind}'")))?;
            let status: String = r.try_get("decided_status")?;
            Some(ScreeningDecision {
                kind,
                status: tabara_core::htcds::TraffickingStatus::parse(&status)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                reason: r.try_get("decision_reason")?,
                decided_by: r
                    .try_get::<Option<String>, _>("decided_by")?
                    .unwrap_or_default(),
                decided_at: r
                    .try_get::<Option<chrono::DateTime<Utc>>, _>("decided_at")?
                    .ok_or_else(|| StoreError::Corrupt("decision without a date".into()))?,
            })
        }
    };
    Ok(Screening {
        id: tabara_core::ids::ScreeningId(r.try_get("id")?),
        person_id: PersonId(r.try_get("person_id")?),
        case_id: CaseId(r.try_get("case_id")?),
        catalogue_version: r.try_get("catalogue_version")?,
        state,
        answers: json_col(r, "answers")?,
        age: json_col(r, "age_facts")?,
        movement: json_col(r, "movement_facts")?,
        evaluation,
        decision,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        version: r.try_get("version")?,
    })
}

pub(crate) async fn fetch_screening(
    tx: &mut Tx,
    id: tabara_core::ids::ScreeningId,
    lock: &str,
) -> Result<Screening> {
    let table = ("screenings", SCREENING_COLS);
    let row = row_by_id(tx, table, ("screening", id.0), lock).await?;
    screening_from_row(&row)
}

pub(crate) async fn create_screening(
    pool: &Pool,
    actor: &Actor,
    id: tabara_core::ids::ScreeningId,
    case_id: CaseId,
    person_id: PersonId,
    catalogue_version: &str,
) -> Result<Screening> {
    let mut tx = begin(pool).await?;
    let row = sqlx::query(
        "SELECT cp.role, p.age_at_registration, p.age_uncertain FROM case_persons cp JOIN \
            persons p ON p.id = cp.person_id WHERE cp.case_id = $1 AND cp.person_id = $2",
    )
    .bind(case_id.0)
    .bind(person_id.0)
    .fetch_optional(&mut *tx)
    .await?
    .or_not_found("person of the case", person_id)?;
    // Screening looks for a possible victim: suspects, witnesses and others are not screened.
    let role: PersonRole = pick(&row.try_get::<String, _>("role")?)?;
    if role != PersonRole::Victim {
        return Err(refuse(
            "scr_Person",
            "victim_only",
            "only a possible victim of the case is screened",
        ));
    }
    // The age recorded at registration is carried over (the officer corrects it at the first step).
    let age = tabara_core::screening::AgeFacts {
        age: row.try_get("age_at_registration")?,
        uncertain: row.try_get("age_uncertain")?,
        minority_signs: Default::default(),
    };
    let now = Utc::now();
    sqlx::query(
        "INSERT INTO screenings (id, person_id, case_id, catalogue_version, state, answers, \
            age_facts, movement_facts, created_by, created_at, updated_at, version) VALUES ($1, \
            $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(id.0)
    .bind(person_id.0)
    .bind(case_id.0)
    .bind(catalogue_version)
    .bind(ScreeningState::Draft.as_str())
    .bind("{}")
    .bind(to_json(&age)?)
    .bind(to_json(&tabara_core::palermo::MovementFacts::default())?)
    .bind(actor.as_str())
    .bind(now)
    .bind(now)
    .bind(1i64)
    .execute(&mut *tx)
    .await?;
    audit(&mut tx, actor, AuditAction::ScreeningCreate, id).await?;
    let s = fetch_screening(&mut tx, id, "").await?;
    tx.commit().await?;
    Ok(s)
}

pub(crate) async fn screening(pool: &Pool, id: tabara_core::ids::ScreeningId) -> Result<Screening> {
    let mut tx = begin(pool).await?;
    let s = fetch_screening(&mut tx, id, "").await?;
    tx.commit().await?;
    Ok(s)
}

pub(crate) async fn person_screenings(
    pool: &Pool,
    person_id: PersonId,
    limit: i64,
) -> Result<Vec<Screening>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {SCREENING_COLS} FROM screenings WHERE person_id = $1 ORDER BY created_at DESC, \
            id DESC LIMIT $2"
    )))
    .bind(person_id.0)
    .bind(limit.clamp(1, 500))
    .fetch_all(pool)
    .await?;
    rows.iter().map(screening_from_row).collect()
}

/// The screening locked for an update based on `expected_version` (refused if it moved on).
async fn lock_screening(tx: &mut Tx, id: ScreeningId, expected_version: i64) -> Result<Screening> {
    let current = fetch_screening(tx, id, FOR_UPDATE).await?;
    check_version("screening", id, expected_version, current.version)?;
    Ok(current)
}

/// Write an update of the screening read (and locked) as `current`: `update` binds its changes
/// and ends with `updated_at`, `version`, then `WHERE id = … AND version = …`, the four
/// parameters bound here. Refused if the screening moved on; audited as `action`. Returns the
/// new version.
async fn write_screening(
    tx: &mut Tx,
    update: sqlx::query::Query<'_, Db, <Db as sqlx::Database>::Arguments>,
    current: &Screening,
    at: chrono::DateTime<Utc>,
    actor: &Actor,
    action: AuditAction,
) -> Result<i64> {
    let version = current.version + 1;
    let done = update
        .bind(at)
        .bind(version)
        .bind(current.id.0)
        .bind(current.version)
        .execute(&mut **tx)
        .await?;
    ensure_updated(done, "screening", current.id, current.version)?;
    audit(tx, actor, action, current.id).await?;
    Ok(version)
}

/// Save the answers of a draft (resumable); `expected_version` is the version the form was read at.
pub(crate) async fn save_screening(
    pool: &Pool,
    actor: &Actor,
    id: tabara_core::ids::ScreeningId,
    expected_version: i64,
    answers: &std::collections::BTreeMap<String, tabara_core::screening::Answer>,
    age: &tabara_core::screening::AgeFacts,
    movement: &tabara_core::palermo::MovementFacts,
) -> Result<i64> {
    let mut tx = begin(pool).await?;
    let current = lock_screening(&mut tx, id, expected_version).await?;
    current.state.check_save()?;
    let update = sqlx::query(
        "UPDATE screenings SET answers = $1, age_facts = $2, movement_facts = $3, updated_at = \
            $4, version = $5 WHERE id = $6 AND version = $7",
    )
    .bind(to_json(answers)?)
    .bind(to_json(age)?)
    .bind(to_json(movement)?);
    let action = AuditAction::ScreeningSave;
    let version = write_screening(&mut tx, update, &current, Utc::now(), actor, action).await?;
    tx.commit().await?;
    Ok(version)
}

/// Close a draft with the engine's evaluation of its stored answers.
pub(crate) async fn complete_screening(
    pool: &Pool,
    actor: &Actor,
    id: tabara_core::ids::ScreeningId,
    expected_version: i64,
    catalogue: &tabara_core::screening::Catalogue,
) -> Result<Screening> {
    let mut tx = begin(pool).await?;
    let current = lock_screening(&mut tx, id, expected_version).await?;
    current.state.check_complete()?;
    let evaluation = tabara_core::screening::evaluate(catalogue, &current.answers, &current.age);
    let update = sqlx::query(
        "UPDATE screenings SET state = $1, outcome = $2, evaluation = $3, catalogue_version = \
            $4, updated_at = $5, version = $6 WHERE id = $7 AND version = $8",
    )
    .bind(ScreeningState::Completed.as_str())
    .bind(evaluation.outcome.as_str())
    .bind(to_json(&evaluation)?)
    .bind(&catalogue.version);
    let action = AuditAction::ScreeningComplete;
    let now = Utc::now();
    write_screening(&mut tx, update, &current, now, actor, action).await?;
    if current.age.child_basis().is_some() {
        // The screening presumes a child: the child pathway opens now, if it has not yet.
        let reason = tabara_core::pathway::OpenReason::Screening;
        pathways::open_pathway(&mut tx, current.case_id, current.person_id, reason, now).await?;
    }
    let s = fetch_screening(&mut tx, id, "").await?;
    tx.commit().await?;
    Ok(s)
}

/// The officer confirms the suggested status or overrides it with a reason. Once only.
pub(crate) async fn decide_screening(
    pool: &Pool,
    keys: &crate::keys::Keys,
    actor: &Actor,
    id: tabara_core::ids::ScreeningId,
    expected_version: i64,
    input: DecisionInput<'_>,
) -> Result<Screening> {
    let DecisionInput {
        kind,
        status,
        reason,
        decided_by,
    } = input;
    let mut tx = begin(pool).await?;
    let current = lock_screening(&mut tx, id, expected_version).await?;
    // Core decides (state, reason, kind); the store persists what it decided.
    let decided = Decidable {
        state: current.state,
        decided: current.decision.is_some(),
        suggested: current.evaluation.as_ref().and_then(|e| e.suggested_status),
    }
    .decide(DecisionRequest {
        kind,
        status,
        reason,
    })?;
    let status = decided.status;
    let now = Utc::now();
    let update = sqlx::query(
        "UPDATE screenings SET decision = $1, decided_status = $2, decision_reason = $3, \
            decided_by = $4, decided_at = $5, updated_at = $6, version = $7 WHERE id = $8 AND \
            version = $9",
    )
    .bind(decided.kind.as_str())
    .bind(status.as_str())
    .bind(
        text_key(&mut tx, keys, current.person_id)
            .await?
            .seal_opt(crate::screening::DECISION_REASON, decided.reason.as_deref())?,
    )
    .bind(actor.as_str())
    .bind(now);
    let action = decided.kind.action();
    write_screening(&mut tx, update, &current, now, actor, action).await?;
    // The decided status becomes the victim's HTCDS trafficking status in the case, with who
    // decided it; the change is history of the involvement like any other.
    let (case_id, person_id) = (current.case_id, current.person_id);
    if let Some((involvement, cp_version)) = lock_case_person(&mut tx, case_id, person_id).await?
        && let Involvement::Victim(v) = &involvement
    {
        let mut v = v.clone();
        v.trafficking_status = Some(status);
        v.decision_org = Some(decided_by);
        let changed = Involvement::Victim(v);
        sqlx::query(
            "UPDATE case_persons SET trafficking_status = $1, decision_org = $2, version = \
                $3, updated_at = $4 WHERE case_id = $5 AND person_id = $6",
        )
        .bind(status.as_str())
        .bind(decided_by.as_str())
        .bind(cp_version + 1)
        .bind(now)
        .bind(case_id.0)
        .bind(person_id.0)
        .execute(&mut *tx)
        .await?;
        let key = case_person_id(case_id, person_id);
        let changes = serde_json::json!({ "involvement": [involvement, changed] });
        record_change(&mut tx, "case_person", &key, cp_version + 1, actor, changes).await?;
        audit(&mut tx, actor, AuditAction::CasePersonUpdate, key).await?;
    }
    let s = fetch_screening(&mut tx, id, "").await?;
    tx.commit().await?;
    Ok(s)
}
