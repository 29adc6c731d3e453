//! Risk assessments: recording one (checked by core), a person's history, the latest per kind,
//! and the reassessments due.

use chrono::{DateTime, SubsecRound as _, Utc};
use sqlx::Row as _;
use tabara_core::audit::AuditAction;
use tabara_core::ids::*;
use tabara_core::picklist::Picklist;
use tabara_core::records::Involvement;
use tabara_core::risk::{
    Assessment, AssessmentContext, AssessmentForm, Cell, Factors, Impact, Likelihood,
    ReassessmentPolicy, RiskKind, RiskLevel, Step,
};
use uuid::Uuid;

use super::cases::lock_case_person;
use super::persons::fetch_person;
use super::*;
use crate::{Actor, MAX_RISK_LIST, Result, RiskAssessment, StoreError};

const RISK_COLS: &str = "r.id, r.case_id, r.person_id, r.kind, r.likelihood, r.impact, r.level, \
    r.factors, r.suggestion, r.safety_plan, r.factors_version, r.assessed_by, r.assessed_at, \
    r.reassess_by";

/// No later assessment of the same case, person and kind (ties broken by id).
const IS_LATEST: &str = "NOT EXISTS (SELECT 1 FROM risk_assessments n WHERE n.case_id = \
    r.case_id AND n.person_id = r.person_id AND n.kind = r.kind AND (n.assessed_at > \
    r.assessed_at OR (n.assessed_at = r.assessed_at AND n.id > r.id)))";

fn corrupt(what: &str, value: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("risk assessment {what} '{value}'"))
}

fn step<T: Step>(r: &DbRow, col: &str) -> Result<T> {
    let n: i64 = r.try_get(col)?;
    u8::try_from(n)
        .ok()
        .and_then(T::from_step)
        .ok_or_else(|| corrupt(col, n))
}

fn risk_from_row(r: &DbRow) -> Result<RiskAssessment> {
    let factors: String = r.try_get("factors")?;
    let assessment = Assessment {
        kind: pick::<RiskKind>(&r.try_get::<String, _>("kind")?)?,
        cell: Cell::new(
            step::<Likelihood>(r, "likelihood")?,
            step::<Impact>(r, "impact")?,
        ),
        level: pick::<RiskLevel>(&r.try_get::<String, _>("level")?)?,
        factors: factors
            .split(';')
            .filter(|f| !f.is_empty())
            .map(str::to_string)
            .collect(),
        suggested: json_col(r, "suggestion")?,
        safety_plan: r.try_get("safety_plan")?,
        factors_version: r.try_get("factors_version")?,
        assessed_at: r.try_get("assessed_at")?,
        reassess_by: r.try_get("reassess_by")?,
    };
    Ok(RiskAssessment {
        id: r.try_get("id")?,
        case_id: CaseId(r.try_get("case_id")?),
        person_id: PersonId(r.try_get("person_id")?),
        assessed_by: r.try_get("assessed_by")?,
        assessment,
    })
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn record_risk_assessment(
    pool: &Pool,
    keys: &crate::keys::Keys,
    actor: &Actor,
    id: Uuid,
    case_id: CaseId,
    person_id: PersonId,
    form: &AssessmentForm,
    policy: Option<&ReassessmentPolicy>,
) -> Result<RiskAssessment> {
    let default_policy = ReassessmentPolicy::default();
    let policy = match policy {
        Some(p) => {
            p.validate()?;
            p
        }
        None => &default_policy,
    };
    let factors = Factors::embedded().map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let mut tx = begin(pool).await?;
    // The person must be involved in the case, as a victim (the one assessed for protection).
    let (involvement, _) = lock_case_person(&mut tx, case_id, person_id)
        .await?
        .or_not_found("person of the case", person_id)?;
    if !matches!(involvement, Involvement::Victim(_)) {
        return Err(refuse(
            "risk_Person",
            "victim_only",
            "only a victim of the case is assessed",
        ));
    }
    let person = fetch_person(&mut *tx, person_id, "").await?;
    // Core checks the form and decides the suggestion, the level and the next reassessment.
    let assessment = form.validate(&AssessmentContext {
        factors,
        policy,
        child: person.facts.is_child_or_presumed(),
        // Microseconds: what both backends keep, so the assessment returned is the one read.
        assessed_at: Utc::now().trunc_subsecs(6),
    })?;
    let a = &assessment;
    let text = text_key(&mut tx, keys, person_id).await?;
    let joined = a.factors.iter().cloned().collect::<Vec<_>>().join(";");
    sqlx::query(
        "INSERT INTO risk_assessments (id, case_id, person_id, kind, likelihood, impact, level, \
            factors, suggestion, safety_plan, factors_version, assessed_by, assessed_at, \
            reassess_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(id)
    .bind(case_id.0)
    .bind(person_id.0)
    .bind(a.kind.as_str())
    .bind(i64::from(a.cell.likelihood.step()))
    .bind(i64::from(a.cell.impact.step()))
    .bind(a.level.as_str())
    .bind(joined)
    .bind(to_json(&a.suggested)?)
    .bind(text.seal_opt(crate::risk::SAFETY_PLAN, a.safety_plan.as_deref())?)
    .bind(&a.factors_version)
    .bind(actor.as_str())
    .bind(a.assessed_at)
    .bind(a.reassess_by)
    .execute(&mut *tx)
    .await
    .map_err(|e| unique_violation_as(e, || duplicate_id(id)))?;
    audit(&mut tx, actor, AuditAction::RiskAssessmentRecord, id).await?;
    tx.commit().await?;
    Ok(RiskAssessment {
        id,
        case_id,
        person_id,
        assessed_by: actor.as_str().to_string(),
        assessment,
    })
}

fn duplicate_id(id: Uuid) -> StoreError {
    StoreError::Duplicate {
        what: "risk assessment",
        value: id.to_string(),
    }
}

pub(crate) async fn risk_assessment(pool: &Pool, id: Uuid) -> Result<RiskAssessment> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {RISK_COLS} FROM risk_assessments r WHERE r.id = $1"
    )))
    .bind(id)
    .fetch_optional(pool)
    .await?
    .or_not_found("risk assessment", id)?;
    risk_from_row(&row)
}

pub(crate) async fn risk_history(
    pool: &Pool,
    case_id: CaseId,
    person_id: PersonId,
    limit: i64,
) -> Result<Vec<RiskAssessment>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {RISK_COLS} FROM risk_assessments r WHERE r.case_id = $1 AND r.person_id = $2 \
            ORDER BY r.assessed_at DESC, r.id DESC LIMIT $3"
    )))
    .bind(case_id.0)
    .bind(person_id.0)
    .bind(limit.clamp(1, MAX_RISK_LIST))
    .fetch_all(pool)
    .await?;
    rows.iter().map(risk_from_row).collect()
}

pub(crate) async fn latest_risk_assessments(
    pool: &Pool,
    case_id: CaseId,
    person_id: PersonId,
) -> Result<Vec<RiskAssessment>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {RISK_COLS} FROM risk_assessments r WHERE r.case_id = $1 AND r.person_id = $2 \
            AND {IS_LATEST} LIMIT $3"
    )))
    .bind(case_id.0)
    .bind(person_id.0)
    .bind(i64::try_from(RiskKind::ALL.len()).unwrap_or(i64::MAX))
    .fetch_all(pool)
    .await?;
    let mut latest = rows.iter().map(risk_from_row).collect::<Result<Vec<_>>>()?;
    latest.sort_by_key(|r| RiskKind::ALL.iter().position(|k| *k == r.assessment.kind));
    Ok(latest)
}

pub(crate) async fn risk_reassessments_due(
    pool: &Pool,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<RiskAssessment>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {RISK_COLS} FROM risk_assessments r WHERE r.reassess_by <= $1 AND {IS_LATEST} \
            ORDER BY r.reassess_by, r.id LIMIT $2"
    )))
    .bind(now)
    .bind(limit.clamp(1, MAX_RISK_LIST))
    .fetch_all(pool)
    .await?;
    rows.iter().map(risk_from_row).collect()
}
