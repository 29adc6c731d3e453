//! Support plans: opening, changing and closing a plan (checked by core, the victim and the
//! open plan checked here), the services, visits and steps recorded under it, and the reads.

use chrono::{DateTime, NaiveDate, SubsecRound as _, Utc};
use sqlx::Row as _;
use tabara_core::audit::AuditAction;
use tabara_core::ids::*;
use tabara_core::records::Involvement;
use tabara_core::support::{
    Closure, ClosureForm, ClosureReason, FollowUpVisit, PlanFacts, PlanForm, ReflectionPeriod,
    ReflectionPolicy, ReintegrationStep, ReintegrationStepKind, ServiceDelivered, ServiceForm,
    ServiceType, StepForm, VisitForm,
};
use uuid::Uuid;

use super::cases::lock_case_person;
use super::*;
use crate::support::{
    ACTION_PLAN, CLOSURE_NOTE, FollowUp, MAX_SUPPORT_LIST, OBJECTIVES, Recorded, SERVICE_NOTE,
    STEP_NOTE, SupportPlan, VISIT_NOTES,
};
use crate::{Actor, Result, StoreError};

const PLAN_COLS: &str = "id, case_id, person_id, types, objectives, action_plan, planned_end, \
    reflection_start, reflection_days, closed_on, closure_reason, closure_note, created_by, \
    created_at, updated_at, version";

/// Microseconds: what both backends keep, so what a write returns is what a read gives.
fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

fn plan_from_row(r: &DbRow) -> Result<SupportPlan> {
    let days: i64 = r.try_get("reflection_days")?;
    let closed_on: Option<NaiveDate> = r.try_get("closed_on")?;
    let reason: Option<String> = r.try_get("closure_reason")?;
    let closure = match (closed_on, reason) {
        (Some(closed_on), Some(reason)) => Some(Closure {
            reason: pick::<ClosureReason>(&reason)?,
            note: r.try_get("closure_note")?,
            closed_on,
        }),
        _ => None,
    };
    Ok(SupportPlan {
        id: r.try_get("id")?,
        case_id: CaseId(r.try_get("case_id")?),
        person_id: PersonId(r.try_get("person_id")?),
        facts: PlanFacts {
            types: set_from_db(r.try_get("types")?)?,
            objectives: r.try_get("objectives")?,
            action_plan: r.try_get("action_plan")?,
            planned_end: r.try_get("planned_end")?,
            reflection: ReflectionPeriod {
                starts_on: r.try_get("reflection_start")?,
                days: u16::try_from(days)
                    .map_err(|_| StoreError::Corrupt(format!("reflection days {days}")))?,
            },
        },
        closure,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        version: r.try_get("version")?,
    })
}

fn policy_or_default(policy: Option<&ReflectionPolicy>) -> Result<ReflectionPolicy> {
    match policy {
        Some(p) => {
            p.validate()?;
            Ok(*p)
        }
        None => Ok(ReflectionPolicy::default()),
    }
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn create_support_plan(
    pool: &Pool,
    keys: &crate::keys::Keys,
    actor: &Actor,
    id: Uuid,
    case_id: CaseId,
    person_id: PersonId,
    form: &PlanForm,
    policy: Option<&ReflectionPolicy>,
) -> Result<SupportPlan> {
    let policy = policy_or_default(policy)?;
    let facts = form.validate(today(), &policy)?;
    let mut tx = begin(pool).await?;
    let (involvement, _) = lock_case_person(&mut tx, case_id, person_id)
        .await?
        .or_not_found("person of the case", person_id)?;
    if !matches!(involvement, Involvement::Victim(_)) {
        return Err(refuse(
            "spl_Person",
            "victim_only",
            "a support plan is made for a victim of the case",
        ));
    }
    let open: Option<Uuid> = sqlx::query_scalar(
        "SELECT id FROM support_plans WHERE case_id = $1 AND person_id = $2 AND closed_on IS NULL",
    )
    .bind(case_id.0)
    .bind(person_id.0)
    .fetch_optional(&mut *tx)
    .await?;
    if open.is_some() {
        return Err(refuse(
            "spl_Status",
            "already_open",
            "the person has an open support plan in this case",
        ));
    }
    let text = text_key(&mut tx, keys, person_id).await?;
    let at = now();
    sqlx::query(
        "INSERT INTO support_plans (id, case_id, person_id, types, objectives, action_plan, \
            planned_end, reflection_start, reflection_days, created_by, created_at, updated_at, \
            version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1)",
    )
    .bind(id)
    .bind(case_id.0)
    .bind(person_id.0)
    .bind(set_to_db(&facts.types))
    .bind(text.seal(OBJECTIVES, &facts.objectives)?)
    .bind(text.seal_opt(ACTION_PLAN, facts.action_plan.as_deref())?)
    .bind(facts.planned_end)
    .bind(facts.reflection.starts_on)
    .bind(i64::from(facts.reflection.days))
    .bind(actor.as_str())
    .bind(at)
    .bind(at)
    .execute(&mut *tx)
    .await
    .map_err(|e| unique_violation_as(e, || duplicate("support plan", id)))?;
    audit(&mut tx, actor, AuditAction::SupportPlanCreate, id).await?;
    tx.commit().await?;
    Ok(SupportPlan {
        id,
        case_id,
        person_id,
        facts,
        closure: None,
        created_by: actor.as_str().to_string(),
        created_at: at,
        updated_at: at,
        version: 1,
    })
}

fn duplicate(what: &'static str, id: Uuid) -> StoreError {
    StoreError::Duplicate {
        what,
        value: id.to_string(),
    }
}

/// The plan, locked for a change, refused when closed; its text opened, with the key of the
/// person it is for.
async fn lock_open_plan(
    tx: &mut Tx,
    keys: &crate::keys::Keys,
    id: Uuid,
) -> Result<(SupportPlan, crate::keys::TextKey)> {
    let row = row_by_id(
        tx,
        ("support_plans", PLAN_COLS),
        ("support plan", id),
        FOR_UPDATE,
    )
    .await?;
    let mut plan = plan_from_row(&row)?;
    let text = text_key(tx, keys, plan.person_id).await?;
    text.open_all(&mut plan)?;
    if !plan.is_open() {
        return Err(refuse(
            "spl_Status",
            "closed",
            "the support plan is closed: nothing more is recorded under it",
        ));
    }
    Ok((plan, text))
}

pub(crate) async fn update_support_plan(
    pool: &Pool,
    keys: &crate::keys::Keys,
    actor: &Actor,
    id: Uuid,
    expected_version: i64,
    form: &PlanForm,
    policy: Option<&ReflectionPolicy>,
) -> Result<SupportPlan> {
    let policy = policy_or_default(policy)?;
    let facts = form.validate(today(), &policy)?;
    let mut tx = begin(pool).await?;
    let (old, text) = lock_open_plan(&mut tx, keys, id).await?;
    check_version("support plan", id, expected_version, old.version)?;
    let at = now();
    let done = sqlx::query(
        "UPDATE support_plans SET types = $1, objectives = $2, action_plan = $3, \
            planned_end = $4, reflection_start = $5, reflection_days = $6, updated_at = $7, \
            version = version + 1 WHERE id = $8 AND version = $9",
    )
    .bind(set_to_db(&facts.types))
    .bind(text.seal(OBJECTIVES, &facts.objectives)?)
    .bind(text.seal_opt(ACTION_PLAN, facts.action_plan.as_deref())?)
    .bind(facts.planned_end)
    .bind(facts.reflection.starts_on)
    .bind(i64::from(facts.reflection.days))
    .bind(at)
    .bind(id)
    .bind(expected_version)
    .execute(&mut *tx)
    .await?;
    ensure_updated(done, "support plan", id, expected_version)?;
    let version = expected_version + 1;
    record_sealed_change(
        &mut tx,
        "support_plan",
        &id.to_string(),
        version,
        actor,
        diff(&old.facts, &facts),
        &text,
    )
    .await?;
    audit(&mut tx, actor, AuditAction::SupportPlanUpdate, id).await?;
    tx.commit().await?;
    Ok(SupportPlan {
        facts,
        updated_at: at,
        version,
        ..old
    })
}

pub(crate) async fn close_support_plan(
    pool: &Pool,
    keys: &crate::keys::Keys,
    actor: &Actor,
    id: Uuid,
    expected_version: i64,
    form: &ClosureForm,
) -> Result<SupportPlan> {
    let mut tx = begin(pool).await?;
    let (old, text) = lock_open_plan(&mut tx, keys, id).await?;
    check_version("support plan", id, expected_version, old.version)?;
    let closure = form.validate(today(), old.facts.reflection.starts_on)?;
    let at = now();
    let done = sqlx::query(
        "UPDATE support_plans SET closed_on = $1, closure_reason = $2, closure_note = $3, \
            updated_at = $4, version = version + 1 WHERE id = $5 AND version = $6",
    )
    .bind(closure.closed_on)
    .bind(closure.reason.as_str())
    .bind(text.seal_opt(CLOSURE_NOTE, closure.note.as_deref())?)
    .bind(at)
    .bind(id)
    .bind(expected_version)
    .execute(&mut *tx)
    .await?;
    ensure_updated(done, "support plan", id, expected_version)?;
    let version = expected_version + 1;
    record_sealed_change(
        &mut tx,
        "support_plan",
        &id.to_string(),
        version,
        actor,
        diff(
            &Closing { closure: None },
            &Closing {
                closure: Some(&closure),
            },
        ),
        &text,
    )
    .await?;
    audit(&mut tx, actor, AuditAction::SupportPlanClose, id).await?;
    tx.commit().await?;
    Ok(SupportPlan {
        closure: Some(closure),
        updated_at: at,
        version,
        ..old
    })
}

/// A plan's closure, as its history keeps it.
#[derive(serde::Serialize)]
struct Closing<'a> {
    closure: Option<&'a Closure>,
}

/// Lock the open plan `plan_id` for an entry under it: the entry and the plan's closure
/// cannot cross. The key of the person it is for.
async fn open_plan_for_entry(
    tx: &mut Tx,
    keys: &crate::keys::Keys,
    plan_id: Uuid,
) -> Result<crate::keys::TextKey> {
    lock_open_plan(tx, keys, plan_id)
        .await
        .map(|(_, text)| text)
}

pub(crate) async fn record_support_service(
    pool: &Pool,
    keys: &crate::keys::Keys,
    actor: &Actor,
    id: Uuid,
    plan_id: Uuid,
    form: &ServiceForm,
) -> Result<Recorded<ServiceDelivered>> {
    let s = form.validate(today())?;
    let mut tx = begin(pool).await?;
    let text = open_plan_for_entry(&mut tx, keys, plan_id).await?;
    if let Some(org) = s.organisation_id {
        let known: Option<Uuid> = sqlx::query_scalar("SELECT id FROM organisations WHERE id = $1")
            .bind(org.0)
            .fetch_optional(&mut *tx)
            .await?;
        if known.is_none() {
            return Err(refuse(
                "sps_Organisation",
                "unknown",
                "not an organisation of the directory",
            ));
        }
    }
    let at = now();
    sqlx::query(
        "INSERT INTO support_services (id, plan_id, service, delivered_on, organisation_id, \
            provided_by, note, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
            $9)",
    )
    .bind(id)
    .bind(plan_id)
    .bind(s.service.as_str())
    .bind(s.delivered_on)
    .bind(s.organisation_id.map(|o| o.0))
    .bind(s.provided_by.as_deref())
    .bind(text.seal_opt(SERVICE_NOTE, s.note.as_deref())?)
    .bind(actor.as_str())
    .bind(at)
    .execute(&mut *tx)
    .await
    .map_err(|e| unique_violation_as(e, || duplicate("support service", id)))?;
    audit(&mut tx, actor, AuditAction::SupportServiceRecord, id).await?;
    tx.commit().await?;
    Ok(Recorded {
        id,
        plan_id,
        entry: s,
        recorded_by: actor.as_str().to_string(),
        recorded_at: at,
    })
}

pub(crate) async fn record_support_visit(
    pool: &Pool,
    keys: &crate::keys::Keys,
    actor: &Actor,
    id: Uuid,
    plan_id: Uuid,
    form: &VisitForm,
) -> Result<Recorded<FollowUpVisit>> {
    let v = form.validate(today())?;
    let mut tx = begin(pool).await?;
    let text = open_plan_for_entry(&mut tx, keys, plan_id).await?;
    let at = now();
    sqlx::query(
        "INSERT INTO support_visits (id, plan_id, visited_on, visited_by, notes, recorded_by, \
            recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(plan_id)
    .bind(v.visited_on)
    .bind(&v.visited_by)
    .bind(text.seal_opt(VISIT_NOTES, v.notes.as_deref())?)
    .bind(actor.as_str())
    .bind(at)
    .execute(&mut *tx)
    .await
    .map_err(|e| unique_violation_as(e, || duplicate("support visit", id)))?;
    audit(&mut tx, actor, AuditAction::SupportVisitRecord, id).await?;
    tx.commit().await?;
    Ok(Recorded {
        id,
        plan_id,
        entry: v,
        recorded_by: actor.as_str().to_string(),
        recorded_at: at,
    })
}

pub(crate) async fn record_support_step(
    pool: &Pool,
    keys: &crate::keys::Keys,
    actor: &Actor,
    id: Uuid,
    plan_id: Uuid,
    form: &StepForm,
) -> Result<Recorded<ReintegrationStep>> {
    let s = form.validate(today())?;
    let mut tx = begin(pool).await?;
    let text = open_plan_for_entry(&mut tx, keys, plan_id).await?;
    let at = now();
    sqlx::query(
        "INSERT INTO support_steps (id, plan_id, step, on_date, note, recorded_by, recorded_at) \
            VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(plan_id)
    .bind(s.step.as_str())
    .bind(s.on)
    .bind(text.seal_opt(STEP_NOTE, s.note.as_deref())?)
    .bind(actor.as_str())
    .bind(at)
    .execute(&mut *tx)
    .await
    .map_err(|e| unique_violation_as(e, || duplicate("support step", id)))?;
    audit(&mut tx, actor, AuditAction::SupportStepRecord, id).await?;
    tx.commit().await?;
    Ok(Recorded {
        id,
        plan_id,
        entry: s,
        recorded_by: actor.as_str().to_string(),
        recorded_at: at,
    })
}

pub(crate) async fn support_plan(pool: &Pool, id: Uuid) -> Result<SupportPlan> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {PLAN_COLS} FROM support_plans WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(pool)
    .await?
    .or_not_found("support plan", id)?;
    plan_from_row(&row)
}

pub(crate) async fn support_plans(
    pool: &Pool,
    case_id: CaseId,
    person_id: PersonId,
    limit: i64,
) -> Result<Vec<SupportPlan>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {PLAN_COLS} FROM support_plans WHERE case_id = $1 AND person_id = $2 \
            ORDER BY created_at DESC, id DESC LIMIT $3"
    )))
    .bind(case_id.0)
    .bind(person_id.0)
    .bind(limit.clamp(1, MAX_SUPPORT_LIST))
    .fetch_all(pool)
    .await?;
    rows.iter().map(plan_from_row).collect()
}

fn recorded<T>(r: &DbRow, entry: T) -> Result<Recorded<T>> {
    Ok(Recorded {
        id: r.try_get("id")?,
        plan_id: r.try_get("plan_id")?,
        entry,
        recorded_by: r.try_get("recorded_by")?,
        recorded_at: r.try_get("recorded_at")?,
    })
}

pub(crate) async fn support_follow_up(pool: &Pool, plan_id: Uuid, limit: i64) -> Result<FollowUp> {
    let limit = limit.clamp(1, MAX_SUPPORT_LIST);
    let services = sqlx::query(
        "SELECT id, plan_id, service, delivered_on, organisation_id, provided_by, note, \
            recorded_by, recorded_at FROM support_services WHERE plan_id = $1 \
            ORDER BY delivered_on DESC, recorded_at DESC, id DESC LIMIT $2",
    )
    .bind(plan_id)
    .bind(limit)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        let org: Option<Uuid> = r.try_get("organisation_id")?;
        recorded(
            r,
            ServiceDelivered {
                service: pick::<ServiceType>(&r.try_get::<String, _>("service")?)?,
                delivered_on: r.try_get("delivered_on")?,
                organisation_id: org.map(OrganisationId),
                provided_by: r.try_get("provided_by")?,
                note: r.try_get("note")?,
            },
        )
    })
    .collect::<Result<Vec<_>>>()?;
    let visits = sqlx::query(
        "SELECT id, plan_id, visited_on, visited_by, notes, recorded_by, recorded_at \
            FROM support_visits WHERE plan_id = $1 \
            ORDER BY visited_on DESC, recorded_at DESC, id DESC LIMIT $2",
    )
    .bind(plan_id)
    .bind(limit)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        recorded(
            r,
            FollowUpVisit {
                visited_on: r.try_get("visited_on")?,
                visited_by: r.try_get("visited_by")?,
                notes: r.try_get("notes")?,
            },
        )
    })
    .collect::<Result<Vec<_>>>()?;
    let steps = sqlx::query(
        "SELECT id, plan_id, step, on_date, note, recorded_by, recorded_at \
            FROM support_steps WHERE plan_id = $1 \
            ORDER BY on_date DESC, recorded_at DESC, id DESC LIMIT $2",
    )
    .bind(plan_id)
    .bind(limit)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        recorded(
            r,
            ReintegrationStep {
                step: pick::<ReintegrationStepKind>(&r.try_get::<String, _>("step")?)?,
                on: r.try_get("on_date")?,
                note: r.try_get("note")?,
            },
        )
    })
    .collect::<Result<Vec<_>>>()?;
    Ok(FollowUp {
        services,
        visits,
        steps,
    })
}
