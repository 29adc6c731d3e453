//! Investigations: the file, its team, tasks, timeline and notes; offences and their
//! supports; evidence and its chain of custody; custodies; dossiers.

use chrono::{DateTime, SubsecRound as _, Utc};
use sqlx::Row as _;
use tabara_core::audit::AuditAction;
use tabara_core::ids::*;
use tabara_core::investigation::{
    self as inv, Custody, CustodyEnd, CustodyEventForm, CustodyEventKind, CustodyForm, Element,
    EvidenceKind, ExtensionForm, HashCheck, InvestigationStatus, ItemState, LegalCatalogue,
    RightForm, Standing, StatusStep, TaskForm, TaskState,
};
use tabara_core::role::Role;
use uuid::Uuid;

use super::persons::fetch_person;
use super::*;
use crate::investigations::{
    CustodyEvent, CustodyExtension, CustodyListed, CustodyRecord, Dossier, ElementSupport,
    EvidenceItem, Investigation, InvestigationFile, MAX_INVESTIGATION_LIST, NewEvidence, Note,
    OffenceRecord, RightEntry, Task, TimelineEntry,
};
use crate::keys::Keys;
use crate::{Actor, Result, StoreError};

const INV_COLS: &str = "i.id, i.case_id, i.agency_id, i.status, i.status_reason, i.lead_id, \
    i.jurisdiction, i.opened_by, i.opened_at, i.updated_at, i.version";

const STATUS_REASON: &str = "investigations.status_reason";
const TASK_TITLE: &str = "investigation_tasks.title";
const TIMELINE_WORDS: &str = "investigation_timeline.words";
const NOTE_BODY: &str = "investigation_notes.body";
const FACT: &str = "element_supports.fact";
const DESCRIPTION: &str = "evidence_items.description";
const OBTAINED_WHERE: &str = "evidence_items.obtained_where";
const EVENT_REASON: &str = "custody_events.reason";
const RIGHT_NOTE: &str = "custody_rights.note";
const DOSSIER_PDF: &str = "dossiers.pdf";

fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

fn limit(n: i64) -> i64 {
    n.clamp(1, MAX_INVESTIGATION_LIST)
}

fn inv_from_row(keys: &Keys, r: &DbRow) -> Result<Investigation> {
    let case_id = CaseId(r.try_get("case_id")?);
    let reason: Option<String> = r.try_get("status_reason")?;
    Ok(Investigation {
        id: r.try_get("id")?,
        case_id,
        agency_id: OrganisationId(r.try_get("agency_id")?),
        status: pick(&r.try_get::<String, _>("status")?)?,
        status_reason: reason
            .map(|s| keys.open_case_text(case_id, STATUS_REASON, &s))
            .transpose()?,
        lead_id: UserId(r.try_get("lead_id")?),
        team: Vec::new(),
        jurisdiction: r.try_get("jurisdiction")?,
        opened_by: r.try_get("opened_by")?,
        opened_at: r.try_get("opened_at")?,
        updated_at: r.try_get("updated_at")?,
        version: r.try_get("version")?,
    })
}

async fn team_of<'e, E>(ex: E, id: Uuid) -> Result<Vec<UserId>>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    let ids: Vec<Uuid> = sqlx::query_scalar(
        "SELECT user_id FROM investigation_team WHERE investigation_id = $1 ORDER BY added_at, \
            user_id",
    )
    .bind(id)
    .fetch_all(ex)
    .await?;
    Ok(ids.into_iter().map(UserId).collect())
}

async fn load(tx: &mut Tx, keys: &Keys, id: Uuid, lock: &str) -> Result<Investigation> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {INV_COLS} FROM investigations i WHERE i.id = $1{lock}"
    )))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    .or_not_found("investigation", id)?;
    let mut i = inv_from_row(keys, &row)?;
    i.team = team_of(&mut **tx, id).await?;
    Ok(i)
}

/// The user an actor is, with role and agency; `None` for a system actor.
async fn actor_account(
    tx: &mut Tx,
    actor: &Actor,
) -> Result<Option<(UserId, Role, OrganisationId)>> {
    let Some(id) = crate::audit::actor_user(actor.as_str()) else {
        return Ok(None);
    };
    let row = sqlx::query("SELECT role, organisation_id FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .or_not_found("user", id)?;
    Ok(Some((
        UserId(id),
        pick(&row.try_get::<String, _>("role")?)?,
        OrganisationId(row.try_get("organisation_id")?),
    )))
}

fn standing_for(i: &Investigation, user: UserId, role: Role, org: OrganisationId) -> Standing {
    // A supervisor of the agency keeps a supervisor's steps when on the team too.
    if i.lead_id == user {
        Standing::Lead
    } else if role == Role::Supervisor && org == i.agency_id {
        Standing::Supervisor
    } else if i.team.contains(&user) {
        Standing::Team
    } else {
        Standing::Other
    }
}

/// How the actor stands (a system actor, the command line or the demo, as a supervisor).
async fn standing(tx: &mut Tx, i: &Investigation, actor: &Actor) -> Result<Standing> {
    Ok(match actor_account(tx, actor).await? {
        None => Standing::Supervisor,
        Some((user, role, org)) => standing_for(i, user, role, org),
    })
}

pub(crate) async fn standing_of(pool: &Pool, i: &Investigation, user: UserId) -> Result<Standing> {
    let row = sqlx::query("SELECT role, organisation_id FROM users WHERE id = $1")
        .bind(user.0)
        .fetch_optional(pool)
        .await?
        .or_not_found("user", user)?;
    Ok(standing_for(
        i,
        user,
        pick(&row.try_get::<String, _>("role")?)?,
        OrganisationId(row.try_get("organisation_id")?),
    ))
}

/// The actor works on the file, and the file is open.
async fn require_work(tx: &mut Tx, i: &Investigation, actor: &Actor) -> Result<()> {
    if !i.status.is_open() {
        return Err(refuse(
            "inv_Status",
            "closed",
            "the investigation is closed: reopen it first",
        ));
    }
    if !standing(tx, i, actor).await?.works_on_file() {
        return Err(refuse(
            "inv_Party",
            "not_allowed",
            "only the lead investigator, the team and the agency's supervisors work on the file",
        ));
    }
    Ok(())
}

/// The investigation a row of `table` belongs to, locked, once the actor's work on it is
/// checked (`kind` names the row in a not-found error).
async fn working_on(
    tx: &mut Tx,
    keys: &Keys,
    actor: &Actor,
    table: &'static str,
    kind: &'static str,
    id: Uuid,
) -> Result<Investigation> {
    let inv_id: Uuid = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT investigation_id FROM {table} WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    .or_not_found(kind, id)?;
    let i = load(tx, keys, inv_id, FOR_UPDATE).await?;
    require_work(tx, &i, actor).await?;
    Ok(i)
}

#[allow(clippy::too_many_arguments)]
async fn timeline(
    tx: &mut Tx,
    keys: &Keys,
    i: &Investigation,
    at: DateTime<Utc>,
    kind: &str,
    words: &str,
    record: Option<Uuid>,
    actor: &Actor,
) -> Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO investigation_timeline (id, investigation_id, at, kind, words, record_id, \
            recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(i.id)
    .bind(at)
    .bind(kind)
    .bind(keys.seal_case_text(i.case_id, TIMELINE_WORDS, words))
    .bind(record)
    .bind(actor.as_str())
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

async fn touch(tx: &mut Tx, i: &Investigation) -> Result<()> {
    sqlx::query("UPDATE investigations SET updated_at = $1 WHERE id = $2")
        .bind(now())
        .bind(i.id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn person_role(tx: &mut Tx, case: CaseId, person: PersonId) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT role FROM case_persons WHERE case_id = $1 AND person_id = $2")
            .bind(case.0)
            .bind(person.0)
            .fetch_optional(&mut **tx)
            .await?,
    )
}

async fn require_suspect(
    tx: &mut Tx,
    case: CaseId,
    person: PersonId,
    field: &'static str,
) -> Result<()> {
    match person_role(tx, case, person).await?.as_deref() {
        None => Err(not_found("person of the case", person)),
        Some("suspect") => Ok(()),
        Some(_) => Err(refuse(field, "suspect_only", "only a suspect of the case")),
    }
}

async fn child_victim(tx: &mut Tx, case: CaseId) -> Result<bool> {
    let victims: Vec<Uuid> = sqlx::query_scalar(
        "SELECT person_id FROM case_persons WHERE case_id = $1 AND role = 'victim' LIMIT 500",
    )
    .bind(case.0)
    .fetch_all(&mut **tx)
    .await?;
    for v in victims {
        if fetch_person(&mut **tx, PersonId(v), "")
            .await?
            .facts
            .is_child_or_presumed()
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The number of the entry just appended (the chain head, held under the lock).
async fn last_seq(tx: &mut Tx) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT seq FROM audit_head WHERE id = 1")
            .fetch_one(&mut **tx)
            .await?,
    )
}

async fn has_role_in(tx: &mut Tx, org: OrganisationId, role: Role) -> Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE organisation_id = $1 AND role = $2 AND disabled = $3",
    )
    .bind(org.0)
    .bind(role.as_str())
    .bind(false)
    .fetch_one(&mut **tx)
    .await?;
    Ok(n > 0)
}

async fn check_investigator(
    tx: &mut Tx,
    agency: OrganisationId,
    user: UserId,
    field: &'static str,
) -> Result<()> {
    let row = sqlx::query("SELECT role, organisation_id FROM users WHERE id = $1")
        .bind(user.0)
        .fetch_optional(&mut **tx)
        .await?;
    let ok = match row {
        None => false,
        Some(r) => {
            let role: Role = pick(&r.try_get::<String, _>("role")?)?;
            OrganisationId(r.try_get("organisation_id")?) == agency
                && matches!(role, Role::Investigator | Role::Officer | Role::Supervisor)
        }
    };
    if ok {
        Ok(())
    } else {
        Err(refuse(
            field,
            "not_investigator",
            "an investigator, officer or supervisor of the investigating agency",
        ))
    }
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn open_investigation(
    pool: &Pool,
    keys: &Keys,
    catalogue: &LegalCatalogue,
    actor: &Actor,
    case: CaseId,
    lead: UserId,
    jurisdiction: Option<&str>,
) -> Result<Investigation> {
    let jurisdiction = match jurisdiction {
        None => catalogue.default_jurisdiction().code.clone(),
        Some(j) => catalogue
            .jurisdiction(j.trim())
            .ok_or_else(|| {
                refuse(
                    "inv_Jurisdiction",
                    "not_in_catalogue",
                    format!("'{j}' is not a jurisdiction of the legal catalogue"),
                )
            })?
            .code
            .clone(),
    };
    let mut tx = begin(pool).await?;
    let agency: Uuid = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT organisation_id FROM cases WHERE id = $1{FOR_UPDATE}"
    )))
    .bind(case.0)
    .fetch_optional(&mut *tx)
    .await?
    .or_not_found("case", case)?;
    let agency = OrganisationId(agency);
    check_investigator(&mut tx, agency, lead, "inv_Lead").await?;
    let at = now();
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO investigations (id, case_id, agency_id, status, status_reason, lead_id, \
            jurisdiction, opened_by, opened_at, updated_at, version) VALUES ($1, $2, $3, $4, \
            NULL, $5, $6, $7, $8, $8, 1)",
    )
    .bind(id)
    .bind(case.0)
    .bind(agency.0)
    .bind(InvestigationStatus::Opened.as_str())
    .bind(lead.0)
    .bind(&jurisdiction)
    .bind(actor.as_str())
    .bind(at)
    .execute(&mut *tx)
    .await
    .map_err(|e| {
        unique_violation_as(e, || StoreError::Duplicate {
            what: "investigation of the case",
            value: case.to_string(),
        })
    })?;
    audit(&mut tx, actor, AuditAction::InvestigationOpen, id).await?;
    let i = Investigation {
        id,
        case_id: case,
        agency_id: agency,
        status: InvestigationStatus::Opened,
        status_reason: None,
        lead_id: lead,
        team: Vec::new(),
        jurisdiction,
        opened_by: actor.as_str().to_string(),
        opened_at: at,
        updated_at: at,
        version: 1,
    };
    timeline(&mut tx, keys, &i, at, "status", "open", Some(id), actor).await?;
    tx.commit().await?;
    Ok(i)
}

pub(crate) async fn investigation_of_case(
    pool: &Pool,
    keys: &Keys,
    case: CaseId,
) -> Result<Option<Investigation>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {INV_COLS} FROM investigations i WHERE i.case_id = $1"
    )))
    .bind(case.0)
    .fetch_optional(pool)
    .await?;
    match row {
        None => Ok(None),
        Some(r) => {
            let mut i = inv_from_row(keys, &r)?;
            i.team = team_of(pool, i.id).await?;
            Ok(Some(i))
        }
    }
}

pub(crate) async fn investigation(pool: &Pool, keys: &Keys, id: Uuid) -> Result<Investigation> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {INV_COLS} FROM investigations i WHERE i.id = $1"
    )))
    .bind(id)
    .fetch_optional(pool)
    .await?
    .or_not_found("investigation", id)?;
    let mut i = inv_from_row(keys, &row)?;
    i.team = team_of(pool, id).await?;
    Ok(i)
}

/// Apply a step to a locked investigation and write it (history, audit, timeline).
async fn apply_step(
    tx: &mut Tx,
    keys: &Keys,
    actor: &Actor,
    i: &Investigation,
    step: StatusStep,
    reason: &str,
) -> Result<Investigation> {
    let who = standing(tx, i, actor).await?;
    let (next, reason) = i.status.apply(step, who, reason)?;
    let at = now();
    let sealed = reason
        .as_deref()
        .map(|r| keys.seal_case_text(i.case_id, STATUS_REASON, r));
    let result = sqlx::query(
        "UPDATE investigations SET status = $1, status_reason = $2, updated_at = $3, version = \
            version + 1 WHERE id = $4 AND version = $5",
    )
    .bind(next.as_str())
    .bind(&sealed)
    .bind(at)
    .bind(i.id)
    .bind(i.version)
    .execute(&mut **tx)
    .await?;
    ensure_updated(result, "investigation", i.id, i.version)?;
    record_change(
        tx,
        "investigation",
        &i.id.to_string(),
        i.version,
        actor,
        serde_json::json!({ "status": [i.status.as_str(), next.as_str()], "step": step.as_str() }),
    )
    .await?;
    audit(tx, actor, AuditAction::InvestigationStatus, i.id).await?;
    timeline(tx, keys, i, at, "status", step.as_str(), Some(i.id), actor).await?;
    Ok(Investigation {
        status: next,
        status_reason: reason,
        updated_at: at,
        version: i.version + 1,
        ..i.clone()
    })
}

pub(crate) async fn investigation_step(
    pool: &Pool,
    keys: &Keys,
    actor: &Actor,
    id: Uuid,
    version: i64,
    step: StatusStep,
    reason: &str,
) -> Result<Investigation> {
    if step == StatusStep::Refer {
        return Err(refuse(
            "inv_Status",
            "by_dossier",
            "an investigation is referred to the prosecutor by sending its dossier",
        ));
    }
    let mut tx = begin(pool).await?;
    let i = load(&mut tx, keys, id, FOR_UPDATE).await?;
    check_version("investigation", id, version, i.version)?;
    let out = apply_step(&mut tx, keys, actor, &i, step, reason).await?;
    tx.commit().await?;
    Ok(out)
}

pub(crate) async fn set_investigation_team(
    pool: &Pool,
    keys: &Keys,
    actor: &Actor,
    id: Uuid,
    version: i64,
    lead: UserId,
    team: &[UserId],
) -> Result<Investigation> {
    let mut tx = begin(pool).await?;
    let i = load(&mut tx, keys, id, FOR_UPDATE).await?;
    check_version("investigation", id, version, i.version)?;
    if !matches!(
        standing(&mut tx, &i, actor).await?,
        Standing::Lead | Standing::Supervisor
    ) {
        return Err(refuse(
            "inv_Party",
            "not_allowed",
            "the lead investigator or a supervisor of the agency sets the team",
        ));
    }
    if !i.status.is_open() {
        return Err(refuse(
            "inv_Status",
            "closed",
            "the investigation is closed",
        ));
    }
    check_investigator(&mut tx, i.agency_id, lead, "inv_Lead").await?;
    let mut members: Vec<UserId> = Vec::new();
    for u in team {
        if *u != lead && !members.contains(u) {
            check_investigator(&mut tx, i.agency_id, *u, "inv_Team").await?;
            members.push(*u);
        }
    }
    let at = now();
    sqlx::query("DELETE FROM investigation_team WHERE investigation_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    for u in &members {
        sqlx::query(
            "INSERT INTO investigation_team (investigation_id, user_id, added_by, added_at) \
                VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(u.0)
        .bind(actor.as_str())
        .bind(at)
        .execute(&mut *tx)
        .await?;
    }
    let result = sqlx::query(
        "UPDATE investigations SET lead_id = $1, updated_at = $2, version = version + 1 WHERE \
            id = $3 AND version = $4",
    )
    .bind(lead.0)
    .bind(at)
    .bind(id)
    .bind(version)
    .execute(&mut *tx)
    .await?;
    ensure_updated(result, "investigation", id, version)?;
    let ids = |v: &[UserId]| v.iter().map(|u| u.to_string()).collect::<Vec<_>>();
    record_change(
        &mut tx,
        "investigation",
        &id.to_string(),
        version,
        actor,
        serde_json::json!({
            "lead_id": [i.lead_id.to_string(), lead.to_string()],
            "team": [ids(&i.team), ids(&members)],
        }),
    )
    .await?;
    audit(&mut tx, actor, AuditAction::InvestigationTeam, id).await?;
    tx.commit().await?;
    Ok(Investigation {
        lead_id: lead,
        team: members,
        updated_at: at,
        version: version + 1,
        ..i
    })
}

const TASK_COLS: &str = "id, investigation_id, title, owner_id, due_on, state, created_by, \
    created_at, closed_by, closed_at, version";

fn task_from_row(keys: &Keys, case: CaseId, r: &DbRow) -> Result<Task> {
    Ok(Task {
        id: r.try_get("id")?,
        investigation_id: r.try_get("investigation_id")?,
        title: keys.open_case_text(case, TASK_TITLE, &r.try_get::<String, _>("title")?)?,
        owner_id: UserId(r.try_get("owner_id")?),
        due_on: r.try_get("due_on")?,
        state: pick(&r.try_get::<String, _>("state")?)?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        closed_by: r.try_get("closed_by")?,
        closed_at: r.try_get("closed_at")?,
        version: r.try_get("version")?,
    })
}

pub(crate) async fn add_investigation_task(
    pool: &Pool,
    keys: &Keys,
    actor: &Actor,
    investigation: Uuid,
    form: &TaskForm,
) -> Result<Task> {
    let form = form.validate(today())?;
    let mut tx = begin(pool).await?;
    let i = load(&mut tx, keys, investigation, FOR_UPDATE).await?;
    require_work(&mut tx, &i, actor).await?;
    if form.owner != i.lead_id && !i.team.contains(&form.owner) {
        return Err(refuse(
            "tsk_Owner",
            "not_on_team",
            "a task goes to the lead investigator or a member of the team",
        ));
    }
    let id = Uuid::now_v7();
    let at = now();
    sqlx::query(
        "INSERT INTO investigation_tasks (id, investigation_id, title, owner_id, due_on, state, \
            created_by, created_at, closed_by, closed_at, version) VALUES ($1, $2, $3, $4, $5, \
            $6, $7, $8, NULL, NULL, 1)",
    )
    .bind(id)
    .bind(investigation)
    .bind(keys.seal_case_text(i.case_id, TASK_TITLE, &form.title))
    .bind(form.owner.0)
    .bind(form.due_on)
    .bind(TaskState::Open.as_str())
    .bind(actor.as_str())
    .bind(at)
    .execute(&mut *tx)
    .await?;
    audit(&mut tx, actor, AuditAction::InvestigationTaskCreate, id).await?;
    touch(&mut tx, &i).await?;
    tx.commit().await?;
    Ok(Task {
        id,
        investigation_id: investigation,
        title: form.title,
        owner_id: form.owner,
        due_on: form.due_on,
        state: TaskState::Open,
        created_by: actor.as_str().to_string(),
        created_at: at,
        closed_by: None,
        closed_at: None,
        version: 1,
    })
}

pub(crate) async fn close_investigation_task(
    pool: &Pool,
    keys: &Keys,
    actor: &Actor,
    task: Uuid,
    version: i64,
    to: TaskState,
) -> Result<Task> {
    let mut tx = begin(pool).await?;
    let i = working_on(
        &mut tx,
        keys,
        actor,
        "investigation_tasks",
        "investigation task",
        task,
    )
    .await?;
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {TASK_COLS} FROM investigation_tasks WHERE id = $1"
    )))
    .bind(task)
    .fetch_one(&mut *tx)
    .await?;
    let t = task_from_row(keys, i.case_id, &row)?;
    check_version("investigation task", task, version, t.version)?;
    inv::tasks::check_task_step(t.state, to)?;
    let at = now();
    let result = sqlx::query(
        "UPDATE investigation_tasks SET state = $1, closed_by = $2, closed_at = $3, version = \
            version + 1 WHERE id = $4 AND version = $5",
    )
    .bind(to.as_str())
    .bind(actor.as_str())
    .bind(at)
    .bind(task)
    .bind(version)
    .execute(&mut *tx)
    .await?;
    ensure_updated(result, "investigation task", task, version)?;
    record_change(
        &mut tx,
        "investigation_task",
        &task.to_string(),
        version,
        actor,
        serde_json::json!({ "state": [t.state.as_str(), to.as_str()] }),
    )
    .await?;
    audit(&mut tx, actor, AuditAction::InvestigationTaskUpdate, task).await?;
    timeline(
        &mut tx,
        keys,
        &i,
        at,
        "task",
        to.as_str(),
        Some(task),
        actor,
    )
    .await?;
    tx.commit().await?;
    Ok(Task {
        state: to,
        closed_by: Some(actor.as_str().to_string()),
        closed_at: Some(at),
        version: version + 1,
        ..t
    })
}

pub(crate) async fn add_timeline_fact(
    pool: &Pool,
    keys: &Keys,
    actor: &Actor,
    investigation: Uuid,
    at: DateTime<Utc>,
    words: &str,
) -> Result<TimelineEntry> {
    let words = inv::check_words("tle_Words", words)?;
    let at = at.trunc_subsecs(6);
    if at > Utc::now() {
        return Err(refuse(
            "tle_At",
            "not_in_future",
            "a fact on the timeline has happened",
        ));
    }
    if at < inv::evidence::earliest() {
        return Err(refuse("tle_At", "too_early", "the moment is before 1990"));
    }
    let mut tx = begin(pool).await?;
    let i = load(&mut tx, keys, investigation, FOR_UPDATE).await?;
    require_work(&mut tx, &i, actor).await?;
    let id = timeline(&mut tx, keys, &i, at, "fact", &words, None, actor).await?;
    audit(&mut tx, actor, AuditAction::InvestigationEventRecord, id).await?;
    touch(&mut tx, &i).await?;
    tx.commit().await?;
    Ok(TimelineEntry {
        id,
        at,
        kind: String::from("fact"),
        words,
        record_id: None,
        recorded_by: actor.as_str().to_string(),
    })
}

pub(crate) async fn add_investigation_note(
    pool: &Pool,
    keys: &Keys,
    actor: &Actor,
    investigation: Uuid,
    body: &str,
) -> Result<Note> {
    let body = inv::check_words("inn_Body", body)?;
    let mut tx = begin(pool).await?;
    let i = load(&mut tx, keys, investigation, FOR_UPDATE).await?;
    require_work(&mut tx, &i, actor).await?;
    let id = Uuid::now_v7();
    let at = now();
    sqlx::query(
        "INSERT INTO investigation_notes (id, investigation_id, body, author, created_at) VALUES \
            ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(investigation)
    .bind(keys.seal_case_text(i.case_id, NOTE_BODY, &body))
    .bind(actor.as_str())
    .bind(at)
    .execute(&mut *tx)
    .await?;
    audit(&mut tx, actor, AuditAction::InvestigationNoteCreate, id).await?;
    touch(&mut tx, &i).await?;
    tx.commit().await?;
    Ok(Note {
        id,
        body,
        author: actor.as_str().to_string(),
        created_at: at,
    })
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn record_offence(
    pool: &Pool,
    keys: &Keys,
    actor: &Actor,
    investigation: Uuid,
    suspect: PersonId,
    catalogue: &LegalCatalogue,
    code: &str,
    aggravating: &[String],
) -> Result<OffenceRecord> {
    let (offence, aggravating) = catalogue.check_choice(code, aggravating)?;
    let mut tx = begin(pool).await?;
    let i = load(&mut tx, keys, investigation, FOR_UPDATE).await?;
    require_work(&mut tx, &i, actor).await?;
    require_suspect(&mut tx, i.case_id, suspect, "off_Person").await?;
    let id = Uuid::now_v7();
    let at = now();
    let joined = if aggravating.is_empty() {
        ";".to_string()
    } else {
        format!(";{};", aggravating.join(";"))
    };
    sqlx::query(
        "INSERT INTO offences (id, investigation_id, person_id, code, aggravating, \
            catalogue_version, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(investigation)
    .bind(suspect.0)
    .bind(&offence.code)
    .bind(joined)
    .bind(&catalogue.version)
    .bind(actor.as_str())
    .bind(at)
    .execute(&mut *tx)
    .await?;
    audit(&mut tx, actor, AuditAction::OffenceRecord, id).await?;
    timeline(&mut tx, keys, &i, at, "offence", "record", Some(id), actor).await?;
    touch(&mut tx, &i).await?;
    tx.commit().await?;
    Ok(OffenceRecord {
        id,
        investigation_id: investigation,
        person_id: suspect,
        code: offence.code.clone(),
        aggravating,
        catalogue_version: catalogue.version.clone(),
        recorded_by: actor.as_str().to_string(),
        recorded_at: at,
        supports: Vec::new(),
    })
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn record_element_support(
    pool: &Pool,
    keys: &Keys,
    actor: &Actor,
    offence: Uuid,
    catalogue: &LegalCatalogue,
    element: Element,
    fact: &str,
    evidence: Option<Uuid>,
) -> Result<ElementSupport> {
    let mut tx = begin(pool).await?;
    let row = sqlx::query("SELECT investigation_id, code FROM offences WHERE id = $1")
        .bind(offence)
        .fetch_optional(&mut *tx)
        .await?
        .or_not_found("offence", offence)?;
    let inv_id: Uuid = row.try_get("investigation_id")?;
    let code: String = row.try_get("code")?;
    let i = load(&mut tx, keys, inv_id, FOR_UPDATE).await?;
    require_work(&mut tx, &i, actor).await?;
    let o = catalogue.offence(&code).ok_or_else(|| {
        refuse(
            "off_Code",
            "not_in_catalogue",
            format!("'{code}' is no longer in the legal catalogue"),
        )
    })?;
    let fact = inv::elements::check_support(o, element, fact)?;
    if let Some(ev) = evidence {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM evidence_items WHERE id = $1 AND investigation_id = $2",
        )
        .bind(ev)
        .bind(inv_id)
        .fetch_one(&mut *tx)
        .await?;
        if n == 0 {
            return Err(refuse(
                "els_Evidence",
                "unknown",
                "no such item of evidence in this investigation",
            ));
        }
    }
    let id = Uuid::now_v7();
    let at = now();
    sqlx::query(
        "INSERT INTO element_supports (id, offence_id, element, fact, evidence_id, recorded_by, \
            recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(offence)
    .bind(element.as_str())
    .bind(keys.seal_case_text(i.case_id, FACT, &fact))
    .bind(evidence)
    .bind(actor.as_str())
    .bind(at)
    .execute(&mut *tx)
    .await?;
    audit(&mut tx, actor, AuditAction::ElementSupportRecord, id).await?;
    touch(&mut tx, &i).await?;
    tx.commit().await?;
    Ok(ElementSupport {
        id,
        element,
        fact,
        evidence_id: evidence,
        recorded_by: actor.as_str().to_string(),
        recorded_at: at,
    })
}

const EVI_COLS: &str = "e.id, e.investigation_id, e.number, e.kind, e.description, \
    e.obtained_at, e.obtained_where, e.obtained_by, e.storage_location, e.person_id, e.file_id, \
    e.file_sha256, e.state, e.holder, e.mismatch_at, e.recorded_by, e.recorded_at, e.version";

fn evidence_from_row(keys: &Keys, case: CaseId, r: &DbRow) -> Result<EvidenceItem> {
    Ok(EvidenceItem {
        id: r.try_get("id")?,
        investigation_id: r.try_get("investigation_id")?,
        number: r.try_get("number")?,
        kind: pick::<EvidenceKind>(&r.try_get::<String, _>("kind")?)?,
        description: keys.open_case_text(
            case,
            DESCRIPTION,
            &r.try_get::<String, _>("description")?,
        )?,
        obtained_at: r.try_get("obtained_at")?,
        obtained_where: keys.open_case_text(
            case,
            OBTAINED_WHERE,
            &r.try_get::<String, _>("obtained_where")?,
        )?,
        obtained_by: r.try_get("obtained_by")?,
        storage_location: r.try_get("storage_location")?,
        person_id: r.try_get::<Option<Uuid>, _>("person_id")?.map(PersonId),
        file_id: r.try_get("file_id")?,
        file_sha256: r.try_get("file_sha256")?,
        state: pick::<ItemState>(&r.try_get::<String, _>("state")?)?,
        holder: r.try_get("holder")?,
        mismatch_at: r.try_get("mismatch_at")?,
        recorded_by: r.try_get("recorded_by")?,
        recorded_at: r.try_get("recorded_at")?,
        version: r.try_get("version")?,
    })
}

#[allow(clippy::too_many_arguments)]
async fn insert_event(
    tx: &mut Tx,
    keys: &Keys,
    case: CaseId,
    actor: &Actor,
    evidence: Uuid,
    seq: i64,
    step: (&CustodyEventKind, &str, &str, DateTime<Utc>, &str),
    check: &HashCheck,
    found: Option<&str>,
) -> Result<CustodyEvent> {
    let (kind, from, to, at, reason) = step;
    let id = Uuid::now_v7();
    audit(tx, actor, AuditAction::CustodyEventRecord, id).await?;
    let audit_seq = last_seq(tx).await?;
    sqlx::query(
        "INSERT INTO custody_events (id, evidence_id, seq, kind, from_holder, to_holder, at, \
            reason, hash_check, found_sha256, audit_seq, recorded_by, recorded_at) VALUES ($1, \
            $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(id)
    .bind(evidence)
    .bind(seq)
    .bind(kind.as_str())
    .bind(from)
    .bind(to)
    .bind(at)
    .bind(keys.seal_case_text(case, EVENT_REASON, reason))
    .bind(check.as_str())
    .bind(found)
    .bind(audit_seq)
    .bind(actor.as_str())
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(CustodyEvent {
        id,
        evidence_id: evidence,
        seq,
        kind: *kind,
        from_holder: from.to_string(),
        to_holder: to.to_string(),
        at,
        reason: reason.to_string(),
        hash_check: check.as_str().to_string(),
        found_sha256: found.map(str::to_string),
        audit_seq,
        recorded_by: actor.as_str().to_string(),
    })
}

pub(crate) async fn register_evidence(
    pool: &Pool,
    keys: &Keys,
    actor: &Actor,
    investigation: Uuid,
    new: &NewEvidence,
) -> Result<EvidenceItem> {
    let at = now();
    let form = new.form.validate(at)?;
    let obtained_at = form.obtained_at.trunc_subsecs(6);
    let mut tx = begin(pool).await?;
    let i = load(&mut tx, keys, investigation, FOR_UPDATE).await?;
    require_work(&mut tx, &i, actor).await?;
    if let Some(p) = new.person
        && person_role(&mut tx, i.case_id, p).await?.is_none()
    {
        return Err(not_found("person of the case", p));
    }
    let sha = match new.file {
        None => None,
        Some(file) => {
            let row = sqlx::query(
                "SELECT case_id, person_id, purpose, sha256 FROM files WHERE id = $1 AND \
                    completed_at IS NOT NULL AND erased_at IS NULL",
            )
            .bind(file)
            .fetch_optional(&mut *tx)
            .await?;
            let ok = row.as_ref().is_some_and(|r| {
                r.try_get::<Uuid, _>("case_id").ok() == Some(i.case_id.0)
                    && r.try_get::<Uuid, _>("person_id").ok().map(PersonId) == new.person
                    && r.try_get::<String, _>("purpose").ok().as_deref() == Some("evidence")
            });
            if !ok {
                return Err(refuse(
                    "evi_File",
                    "unknown",
                    "the file is not an evidence file of this case about the person named",
                ));
            }
            let in_use: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM evidence_items WHERE file_id = $1")
                    .bind(file)
                    .fetch_one(&mut *tx)
                    .await?;
            if in_use > 0 {
                return Err(refuse(
                    "evi_File",
                    "in_use",
                    "the file is already an item of evidence",
                ));
            }
            Some(
                row.map(|r| r.try_get::<String, _>("sha256"))
                    .transpose()?
                    .unwrap_or_default(),
            )
        }
    };
    let number: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(number), 0) + 1 FROM evidence_items WHERE investigation_id = $1",
    )
    .bind(investigation)
    .fetch_one(&mut *tx)
    .await?;
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO evidence_items (id, investigation_id, number, kind, description, \
            obtained_at, obtained_where, obtained_by, storage_location, person_id, file_id, \
            file_sha256, state, holder, mismatch_at, recorded_by, recorded_at, updated_at, \
            version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, NULL, \
            $15, $16, $16, 1)",
    )
    .bind(id)
    .bind(investigation)
    .bind(number)
    .bind(form.kind.as_str())
    .bind(keys.seal_case_text(i.case_id, DESCRIPTION, &form.description))
    .bind(obtained_at)
    .bind(keys.seal_case_text(i.case_id, OBTAINED_WHERE, &form.obtained_where))
    .bind(&form.obtained_by)
    .bind(&form.storage_location)
    .bind(new.person.map(|p| p.0))
    .bind(new.file)
    .bind(&sha)
    .bind(ItemState::Held.as_str())
    .bind(&form.obtained_by)
    .bind(actor.as_str())
    .bind(at)
    .execute(&mut *tx)
    .await?;
    audit(&mut tx, actor, AuditAction::EvidenceRegister, id).await?;
    let check = HashCheck::of(sha.as_deref(), sha.as_deref());
    insert_event(
        &mut tx,
        keys,
        i.case_id,
        actor,
        id,
        1,
        (
            &CustodyEventKind::Collected,
            &form.obtained_by,
            &form.obtained_by,
            obtained_at,
            &form.description,
        ),
        &check,
        sha.as_deref(),
    )
    .await?;
    timeline(
        &mut tx,
        keys,
        &i,
        obtained_at,
        "evidence",
        "register",
        Some(id),
        actor,
    )
    .await?;
    touch(&mut tx, &i).await?;
    tx.commit().await?;
    Ok(EvidenceItem {
        id,
        investigation_id: investigation,
        number,
        kind: form.kind,
        description: form.description,
        obtained_at,
        obtained_where: form.obtained_where,
        obtained_by: form.obtained_by.clone(),
        storage_location: form.storage_location,
        person_id: new.person,
        file_id: new.file,
        file_sha256: sha,
        state: ItemState::Held,
        holder: form.obtained_by,
        mismatch_at: None,
        recorded_by: actor.as_str().to_string(),
        recorded_at: at,
        version: 1,
    })
}

pub(crate) async fn record_custody_event(
    pool: &Pool,
    keys: &Keys,
    actor: &Actor,
    evidence: Uuid,
    version: i64,
    form: &CustodyEventForm,
    found: Option<&str>,
) -> Result<(EvidenceItem, CustodyEvent)> {
    let mut tx = begin(pool).await?;
    let i = working_on(&mut tx, keys, actor, "evidence_items", "evidence", evidence).await?;
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {EVI_COLS} FROM evidence_items e WHERE e.id = $1"
    )))
    .bind(evidence)
    .fetch_one(&mut *tx)
    .await?;
    let item = evidence_from_row(keys, i.case_id, &row)?;
    check_version("evidence", evidence, version, item.version)?;
    let (last_seq_no, last_at): (i64, DateTime<Utc>) = sqlx::query_as(
        "SELECT seq, at FROM custody_events WHERE evidence_id = $1 ORDER BY seq DESC LIMIT 1",
    )
    .bind(evidence)
    .fetch_one(&mut *tx)
    .await?;
    let at = now();
    let form = CustodyEventForm {
        at: form.at.trunc_subsecs(6),
        ..form.clone()
    };
    let step = inv::evidence::check_event(item.state, &item.holder, last_at, &form, at)?;
    let check = HashCheck::of(item.file_sha256.as_deref(), found);
    let mismatch_at = match (&item.mismatch_at, check.is_mismatch()) {
        (Some(t), _) => Some(*t),
        (None, true) => Some(at),
        (None, false) => None,
    };
    let result = sqlx::query(
        "UPDATE evidence_items SET state = $1, holder = $2, mismatch_at = $3, updated_at = $4, \
            version = version + 1 WHERE id = $5 AND version = $6",
    )
    .bind(step.state.as_str())
    .bind(&step.holder)
    .bind(mismatch_at)
    .bind(at)
    .bind(evidence)
    .bind(version)
    .execute(&mut *tx)
    .await?;
    ensure_updated(result, "evidence", evidence, version)?;
    let event = insert_event(
        &mut tx,
        keys,
        i.case_id,
        actor,
        evidence,
        last_seq_no + 1,
        (&step.kind, &step.from, &step.to, step.at, &step.reason),
        &check,
        found,
    )
    .await?;
    timeline(
        &mut tx,
        keys,
        &i,
        step.at,
        "custody_event",
        step.kind.as_str(),
        Some(evidence),
        actor,
    )
    .await?;
    touch(&mut tx, &i).await?;
    tx.commit().await?;
    Ok((
        EvidenceItem {
            state: step.state,
            holder: step.holder,
            mismatch_at,
            version: version + 1,
            ..item
        },
        event,
    ))
}

pub(crate) async fn evidence_item(pool: &Pool, keys: &Keys, id: Uuid) -> Result<EvidenceItem> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {EVI_COLS}, i.case_id FROM evidence_items e JOIN investigations i ON i.id = \
            e.investigation_id WHERE e.id = $1"
    )))
    .bind(id)
    .fetch_optional(pool)
    .await?
    .or_not_found("evidence", id)?;
    evidence_from_row(keys, CaseId(row.try_get("case_id")?), &row)
}

const EVENT_COLS: &str = "ev.id, ev.evidence_id, ev.seq, ev.kind, ev.from_holder, \
    ev.to_holder, ev.at, ev.reason, ev.hash_check, ev.found_sha256, ev.audit_seq, \
    ev.recorded_by";

fn event_from_row(keys: &Keys, case: CaseId, r: &DbRow) -> Result<CustodyEvent> {
    Ok(CustodyEvent {
        id: r.try_get("id")?,
        evidence_id: r.try_get("evidence_id")?,
        seq: r.try_get("seq")?,
        kind: pick(&r.try_get::<String, _>("kind")?)?,
        from_holder: r.try_get("from_holder")?,
        to_holder: r.try_get("to_holder")?,
        at: r.try_get("at")?,
        reason: keys.open_case_text(case, EVENT_REASON, &r.try_get::<String, _>("reason")?)?,
        hash_check: r.try_get("hash_check")?,
        found_sha256: r.try_get("found_sha256")?,
        audit_seq: r.try_get("audit_seq")?,
        recorded_by: r.try_get("recorded_by")?,
    })
}

pub(crate) async fn custody_chain(
    pool: &Pool,
    keys: &Keys,
    evidence: Uuid,
) -> Result<Vec<CustodyEvent>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {EVENT_COLS}, i.case_id FROM custody_events ev JOIN evidence_items e ON e.id = \
            ev.evidence_id JOIN investigations i ON i.id = e.investigation_id WHERE \
            ev.evidence_id = $1 ORDER BY ev.seq LIMIT $2"
    )))
    .bind(evidence)
    .bind(MAX_INVESTIGATION_LIST)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| event_from_row(keys, CaseId(r.try_get("case_id")?), r))
        .collect()
}

const CUS_COLS: &str = "c.id, c.investigation_id, c.person_id, c.jurisdiction, c.started_at, \
    c.limit_hours, c.extension_max_hours, c.place, c.legal_basis, c.legal_aid_id, c.ended_at, \
    c.end_kind, c.transferred_to, c.recorded_by, c.version, i.case_id, i.agency_id";

fn hours(r: &DbRow, col: &str) -> Result<u32> {
    let n: i64 = r.try_get(col)?;
    u32::try_from(n).map_err(|_| StoreError::Corrupt(format!("custody {col} {n}")))
}

type Conn = <Db as sqlx::Database>::Connection;

async fn custody_in(ex: &mut Conn, keys: &Keys, r: &DbRow) -> Result<CustodyRecord> {
    let id: Uuid = r.try_get("id")?;
    let person = PersonId(r.try_get("person_id")?);
    let ext_rows = sqlx::query(
        "SELECT id, hours, authorised_by, reference, authorised_at, recorded_by FROM \
            custody_extensions WHERE custody_id = $1 ORDER BY authorised_at, id LIMIT 100",
    )
    .bind(id)
    .fetch_all(&mut *ex)
    .await?;
    let mut extensions = Vec::with_capacity(ext_rows.len());
    for e in &ext_rows {
        extensions.push(CustodyExtension {
            id: e.try_get("id")?,
            hours: hours(e, "hours")?,
            authorised_by: e.try_get("authorised_by")?,
            reference: e.try_get("reference")?,
            authorised_at: e.try_get("authorised_at")?,
            recorded_by: e.try_get("recorded_by")?,
        });
    }
    let right_rows = sqlx::query(
        "SELECT id, right_kind, status, at, language, note, recorded_by, recorded_at FROM \
            custody_rights WHERE custody_id = $1 ORDER BY recorded_at, id LIMIT 500",
    )
    .bind(id)
    .fetch_all(&mut *ex)
    .await?;
    let text = if right_rows.iter().any(|r| {
        r.try_get::<Option<String>, _>("note")
            .ok()
            .flatten()
            .is_some()
    }) {
        let wrapped: Option<Vec<u8>> =
            sqlx::query_scalar("SELECT wrapped FROM person_keys WHERE person_id = $1")
                .bind(person.0)
                .fetch_optional(&mut *ex)
                .await?;
        Some(crate::keys::TextKey::new(keys, person, wrapped.as_deref())?)
    } else {
        None
    };
    let mut rights = Vec::with_capacity(right_rows.len());
    for x in &right_rows {
        let note: Option<String> = x.try_get("note")?;
        let note = match (note, &text) {
            (Some(n), Some(k)) => Some(k.open(RIGHT_NOTE, &n)?),
            _ => None,
        };
        rights.push(RightEntry {
            id: x.try_get("id")?,
            right: pick(&x.try_get::<String, _>("right_kind")?)?,
            status: pick(&x.try_get::<String, _>("status")?)?,
            at: x.try_get("at")?,
            language: x.try_get("language")?,
            note,
            recorded_by: x.try_get("recorded_by")?,
            recorded_at: x.try_get("recorded_at")?,
        });
    }
    Ok(CustodyRecord {
        id,
        investigation_id: r.try_get("investigation_id")?,
        case_id: CaseId(r.try_get("case_id")?),
        person_id: person,
        jurisdiction: r.try_get("jurisdiction")?,
        custody: Custody {
            started_at: r.try_get("started_at")?,
            limit_hours: hours(r, "limit_hours")?,
            extension_max_hours: hours(r, "extension_max_hours")?,
            extensions: extensions.iter().map(|e| e.hours).collect(),
            ended_at: r.try_get("ended_at")?,
        },
        place: r.try_get("place")?,
        legal_basis: r.try_get("legal_basis")?,
        legal_aid_id: r
            .try_get::<Option<Uuid>, _>("legal_aid_id")?
            .map(OrganisationId),
        end_kind: pick_opt(r.try_get("end_kind")?)?,
        transferred_to: r.try_get("transferred_to")?,
        recorded_by: r.try_get("recorded_by")?,
        version: r.try_get("version")?,
        extensions,
        rights,
    })
}

async fn custody_tx(tx: &mut Tx, keys: &Keys, id: Uuid) -> Result<(Investigation, CustodyRecord)> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {CUS_COLS} FROM custodies c JOIN investigations i ON i.id = c.investigation_id \
            WHERE c.id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    .or_not_found("custody", id)?;
    let inv_id: Uuid = row.try_get("investigation_id")?;
    let i = load(tx, keys, inv_id, FOR_UPDATE).await?;
    let c = custody_in(tx, keys, &row).await?;
    Ok((i, c))
}

pub(crate) async fn custody(pool: &Pool, keys: &Keys, id: Uuid) -> Result<CustodyRecord> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {CUS_COLS} FROM custodies c JOIN investigations i ON i.id = c.investigation_id \
            WHERE c.id = $1"
    )))
    .bind(id)
    .fetch_optional(pool)
    .await?
    .or_not_found("custody", id)?;
    let mut conn = pool.acquire().await?;
    custody_in(&mut conn, keys, &row).await
}

pub(crate) async fn start_custody(
    pool: &Pool,
    keys: &Keys,
    actor: &Actor,
    investigation: Uuid,
    suspect: PersonId,
    catalogue: &LegalCatalogue,
    form: &CustodyForm,
) -> Result<CustodyRecord> {
    let at = now();
    let form = form.validate(at)?;
    let started_at = form.started_at.trunc_subsecs(6);
    let mut tx = begin(pool).await?;
    let i = load(&mut tx, keys, investigation, FOR_UPDATE).await?;
    require_work(&mut tx, &i, actor).await?;
    require_suspect(&mut tx, i.case_id, suspect, "cus_Person").await?;
    let j = catalogue.jurisdiction(&i.jurisdiction).ok_or_else(|| {
        refuse(
            "inv_Jurisdiction",
            "not_in_catalogue",
            format!(
                "'{}' is not a jurisdiction of the legal catalogue",
                i.jurisdiction
            ),
        )
    })?;
    let running: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM custodies c JOIN investigations i ON i.id = c.investigation_id \
            WHERE c.person_id = $1 AND i.case_id = $2 AND c.ended_at IS NULL",
    )
    .bind(suspect.0)
    .bind(i.case_id.0)
    .fetch_one(&mut *tx)
    .await?;
    if running > 0 {
        return Err(refuse(
            "cus_Person",
            "already_in_custody",
            "the suspect is already in custody in this case",
        ));
    }
    let custody = Custody::start(started_at, j);
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO custodies (id, investigation_id, person_id, jurisdiction, started_at, \
            limit_hours, extension_max_hours, extended_hours, deadline, place, legal_basis, \
            legal_aid_id, ended_at, end_kind, transferred_to, recorded_by, recorded_at, \
            updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9, $10, NULL, NULL, \
            NULL, NULL, $11, $12, $12, 1)",
    )
    .bind(id)
    .bind(investigation)
    .bind(suspect.0)
    .bind(&j.code)
    .bind(started_at)
    .bind(i64::from(custody.limit_hours))
    .bind(i64::from(custody.extension_max_hours))
    .bind(custody.deadline())
    .bind(&form.place)
    .bind(&form.legal_basis)
    .bind(actor.as_str())
    .bind(at)
    .execute(&mut *tx)
    .await?;
    audit(&mut tx, actor, AuditAction::CustodyStart, id).await?;
    timeline(
        &mut tx,
        keys,
        &i,
        started_at,
        "custody",
        "start",
        Some(id),
        actor,
    )
    .await?;
    touch(&mut tx, &i).await?;
    tx.commit().await?;
    custody_fresh(pool, keys, id).await
}

async fn custody_fresh(pool: &Pool, keys: &Keys, id: Uuid) -> Result<CustodyRecord> {
    custody(pool, keys, id).await
}

pub(crate) async fn extend_custody(
    pool: &Pool,
    keys: &Keys,
    actor: &Actor,
    id: Uuid,
    version: i64,
    form: &ExtensionForm,
) -> Result<CustodyRecord> {
    let mut tx = begin(pool).await?;
    let (i, c) = custody_tx(&mut tx, keys, id).await?;
    require_work(&mut tx, &i, actor).await?;
    check_version("custody", id, version, c.version)?;
    let at = now();
    let form = ExtensionForm {
        authorised_at: form.authorised_at.trunc_subsecs(6),
        ..form.clone()
    };
    let ext = c.custody.check_extension(&form, at)?;
    let mut after = c.custody.clone();
    after.extensions.push(ext.hours);
    sqlx::query(
        "INSERT INTO custody_extensions (id, custody_id, hours, authorised_by, reference, \
            authorised_at, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(Uuid::now_v7())
    .bind(id)
    .bind(i64::from(ext.hours))
    .bind(&ext.authorised_by)
    .bind(&ext.reference)
    .bind(ext.authorised_at)
    .bind(actor.as_str())
    .bind(at)
    .execute(&mut *tx)
    .await?;
    let result = sqlx::query(
        "UPDATE custodies SET extended_hours = $1, deadline = $2, updated_at = $3, version = \
            version + 1 WHERE id = $4 AND version = $5",
    )
    .bind(i64::from(after.extended_hours()))
    .bind(after.deadline())
    .bind(at)
    .bind(id)
    .bind(version)
    .execute(&mut *tx)
    .await?;
    ensure_updated(result, "custody", id, version)?;
    record_change(
        &mut tx,
        "custody",
        &id.to_string(),
        version,
        actor,
        serde_json::json!({ "deadline": [c.deadline(), after.deadline()] }),
    )
    .await?;
    audit(&mut tx, actor, AuditAction::CustodyExtend, id).await?;
    timeline(
        &mut tx,
        keys,
        &i,
        ext.authorised_at,
        "custody",
        "extend",
        Some(id),
        actor,
    )
    .await?;
    tx.commit().await?;
    custody_fresh(pool, keys, id).await
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn end_custody(
    pool: &Pool,
    keys: &Keys,
    actor: &Actor,
    id: Uuid,
    version: i64,
    how: CustodyEnd,
    ended_at: DateTime<Utc>,
    transferred_to: &str,
) -> Result<CustodyRecord> {
    let mut tx = begin(pool).await?;
    let (i, c) = custody_tx(&mut tx, keys, id).await?;
    require_work(&mut tx, &i, actor).await?;
    check_version("custody", id, version, c.version)?;
    let at = now();
    let ended_at = ended_at.trunc_subsecs(6);
    let to = c.custody.check_end(how, ended_at, transferred_to, at)?;
    let result = sqlx::query(
        "UPDATE custodies SET ended_at = $1, end_kind = $2, transferred_to = $3, updated_at = \
            $4, version = version + 1 WHERE id = $5 AND version = $6",
    )
    .bind(ended_at)
    .bind(how.as_str())
    .bind((!to.is_empty()).then_some(to.as_str()))
    .bind(at)
    .bind(id)
    .bind(version)
    .execute(&mut *tx)
    .await?;
    ensure_updated(result, "custody", id, version)?;
    record_change(
        &mut tx,
        "custody",
        &id.to_string(),
        version,
        actor,
        serde_json::json!({ "ended": [null, how.as_str()], "ended_at": [null, ended_at] }),
    )
    .await?;
    audit(&mut tx, actor, AuditAction::CustodyEnd, id).await?;
    timeline(
        &mut tx,
        keys,
        &i,
        ended_at,
        "custody",
        how.as_str(),
        Some(id),
        actor,
    )
    .await?;
    tx.commit().await?;
    custody_fresh(pool, keys, id).await
}

pub(crate) async fn record_custody_right(
    pool: &Pool,
    keys: &Keys,
    actor: &Actor,
    id: Uuid,
    form: &RightForm,
) -> Result<CustodyRecord> {
    let mut tx = begin(pool).await?;
    let (i, c) = custody_tx(&mut tx, keys, id).await?;
    require_work(&mut tx, &i, actor).await?;
    let at = now();
    let form = RightForm {
        at: form.at.trunc_subsecs(6),
        ..form.clone()
    };
    let f = form.validate(c.custody.started_at, at)?;
    let key = text_key(&mut tx, keys, c.person_id).await?;
    let note = if f.note.is_empty() {
        None
    } else {
        Some(key.seal(RIGHT_NOTE, &f.note)?)
    };
    let rid = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO custody_rights (id, custody_id, person_id, right_kind, status, at, \
            language, note, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
            $9, $10)",
    )
    .bind(rid)
    .bind(id)
    .bind(c.person_id.0)
    .bind(f.right.as_str())
    .bind(f.status.as_str())
    .bind(f.at)
    .bind((!f.language.is_empty()).then_some(f.language.as_str()))
    .bind(note)
    .bind(actor.as_str())
    .bind(at)
    .execute(&mut *tx)
    .await?;
    audit(&mut tx, actor, AuditAction::CustodyRightRecord, rid).await?;
    touch(&mut tx, &i).await?;
    tx.commit().await?;
    custody_fresh(pool, keys, id).await
}

pub(crate) async fn set_custody_legal_aid(
    pool: &Pool,
    keys: &Keys,
    actor: &Actor,
    id: Uuid,
    version: i64,
    organisation: Option<OrganisationId>,
) -> Result<CustodyRecord> {
    let mut tx = begin(pool).await?;
    let (i, c) = custody_tx(&mut tx, keys, id).await?;
    require_work(&mut tx, &i, actor).await?;
    check_version("custody", id, version, c.version)?;
    if let Some(org) = organisation
        && !has_role_in(&mut tx, org, Role::LegalAid).await?
    {
        return Err(refuse(
            "cus_LegalAid",
            "not_legal_aid",
            "the organisation has no legal-aid account",
        ));
    }
    let result = sqlx::query(
        "UPDATE custodies SET legal_aid_id = $1, updated_at = $2, version = version + 1 WHERE \
            id = $3 AND version = $4",
    )
    .bind(organisation.map(|o| o.0))
    .bind(now())
    .bind(id)
    .bind(version)
    .execute(&mut *tx)
    .await?;
    ensure_updated(result, "custody", id, version)?;
    record_change(
        &mut tx,
        "custody",
        &id.to_string(),
        version,
        actor,
        serde_json::json!({
            "legal_aid_id": [c.legal_aid_id.map(|o| o.to_string()), organisation.map(|o| o.to_string())]
        }),
    )
    .await?;
    audit(&mut tx, actor, AuditAction::CustodyLegalAid, id).await?;
    tx.commit().await?;
    custody_fresh(pool, keys, id).await
}

async fn listed(pool: &Pool, keys: &Keys, rows: &[DbRow]) -> Result<Vec<CustodyListed>> {
    let mut out = Vec::with_capacity(rows.len());
    let mut conn = pool.acquire().await?;
    for r in rows {
        out.push(CustodyListed {
            custody: custody_in(&mut conn, keys, r).await?,
            case_number: r.try_get("case_number")?,
            agency_id: OrganisationId(r.try_get("agency_id")?),
        });
    }
    Ok(out)
}

pub(crate) async fn running_custodies(
    pool: &Pool,
    keys: &Keys,
    agency: Option<OrganisationId>,
    n: i64,
) -> Result<Vec<CustodyListed>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {CUS_COLS}, k.number AS case_number FROM custodies c JOIN investigations i ON \
            i.id = c.investigation_id JOIN cases k ON k.id = i.case_id WHERE c.ended_at IS NULL \
            AND ($1 IS NULL OR i.agency_id = $1) ORDER BY c.deadline, c.id LIMIT $2"
    )))
    .bind(agency.map(|a| a.0))
    .bind(limit(n))
    .fetch_all(pool)
    .await?;
    listed(pool, keys, &rows).await
}

pub(crate) async fn legal_aid_custodies(
    pool: &Pool,
    keys: &Keys,
    organisation: OrganisationId,
    n: i64,
) -> Result<Vec<CustodyListed>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {CUS_COLS}, k.number AS case_number FROM custodies c JOIN investigations i ON \
            i.id = c.investigation_id JOIN cases k ON k.id = i.case_id WHERE c.legal_aid_id = $1 \
            ORDER BY (c.ended_at IS NULL) DESC, c.started_at DESC, c.id LIMIT $2"
    )))
    .bind(organisation.0)
    .bind(limit(n))
    .fetch_all(pool)
    .await?;
    listed(pool, keys, &rows).await
}

const DOSSIER_COLS: &str = "d.id, d.investigation_id, d.content_hash, d.pages, \
    d.mismatch_stated, d.made_by, d.made_at, d.sent_to, d.sent_by, d.sent_at";

fn dossier_from_row(r: &DbRow) -> Result<Dossier> {
    Ok(Dossier {
        id: r.try_get("id")?,
        investigation_id: r.try_get("investigation_id")?,
        content_hash: r.try_get("content_hash")?,
        pages: r.try_get("pages")?,
        mismatch_stated: r.try_get("mismatch_stated")?,
        made_by: r.try_get("made_by")?,
        made_at: r.try_get("made_at")?,
        sent_to: r.try_get::<Option<Uuid>, _>("sent_to")?.map(OrganisationId),
        sent_by: r.try_get("sent_by")?,
        sent_at: r.try_get("sent_at")?,
    })
}

pub(crate) async fn investigation_file(
    pool: &Pool,
    keys: &Keys,
    id: Uuid,
) -> Result<InvestigationFile> {
    let investigation = investigation(pool, keys, id).await?;
    let case = investigation.case_id;
    let lim = MAX_INVESTIGATION_LIST;
    let tasks = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {TASK_COLS} FROM investigation_tasks WHERE investigation_id = $1 ORDER BY \
            due_on, id LIMIT $2"
    )))
    .bind(id)
    .bind(lim)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| task_from_row(keys, case, r))
    .collect::<Result<Vec<_>>>()?;
    let timeline = sqlx::query(
        "SELECT id, at, kind, words, record_id, recorded_by FROM investigation_timeline WHERE \
            investigation_id = $1 ORDER BY at, id LIMIT $2",
    )
    .bind(id)
    .bind(lim)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(TimelineEntry {
            id: r.try_get("id")?,
            at: r.try_get("at")?,
            kind: r.try_get("kind")?,
            words: keys.open_case_text(case, TIMELINE_WORDS, &r.try_get::<String, _>("words")?)?,
            record_id: r.try_get("record_id")?,
            recorded_by: r.try_get("recorded_by")?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let notes = sqlx::query(
        "SELECT id, body, author, created_at FROM investigation_notes WHERE investigation_id = \
            $1 ORDER BY created_at, id LIMIT $2",
    )
    .bind(id)
    .bind(lim)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(Note {
            id: r.try_get("id")?,
            body: keys.open_case_text(case, NOTE_BODY, &r.try_get::<String, _>("body")?)?,
            author: r.try_get("author")?,
            created_at: r.try_get("created_at")?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let mut offences = Vec::new();
    for r in sqlx::query(
        "SELECT id, person_id, code, aggravating, catalogue_version, recorded_by, recorded_at \
            FROM offences WHERE investigation_id = $1 ORDER BY recorded_at, id LIMIT $2",
    )
    .bind(id)
    .bind(lim)
    .fetch_all(pool)
    .await?
    {
        let oid: Uuid = r.try_get("id")?;
        let supports = sqlx::query(
            "SELECT id, element, fact, evidence_id, recorded_by, recorded_at FROM \
                element_supports WHERE offence_id = $1 ORDER BY recorded_at, id LIMIT $2",
        )
        .bind(oid)
        .bind(lim)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|s| {
            Ok(ElementSupport {
                id: s.try_get("id")?,
                element: pick(&s.try_get::<String, _>("element")?)?,
                fact: keys.open_case_text(case, FACT, &s.try_get::<String, _>("fact")?)?,
                evidence_id: s.try_get("evidence_id")?,
                recorded_by: s.try_get("recorded_by")?,
                recorded_at: s.try_get("recorded_at")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        let agg: String = r.try_get("aggravating")?;
        offences.push(OffenceRecord {
            id: oid,
            investigation_id: id,
            person_id: PersonId(r.try_get("person_id")?),
            code: r.try_get("code")?,
            aggravating: agg
                .split(';')
                .filter(|a| !a.is_empty())
                .map(str::to_string)
                .collect(),
            catalogue_version: r.try_get("catalogue_version")?,
            recorded_by: r.try_get("recorded_by")?,
            recorded_at: r.try_get("recorded_at")?,
            supports,
        });
    }
    let evidence = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {EVI_COLS} FROM evidence_items e WHERE e.investigation_id = $1 ORDER BY \
            e.number LIMIT $2"
    )))
    .bind(id)
    .bind(lim)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| evidence_from_row(keys, case, r))
    .collect::<Result<Vec<_>>>()?;
    let mut custody_chains = Vec::with_capacity(evidence.len());
    for e in &evidence {
        custody_chains.push(custody_chain(pool, keys, e.id).await?);
    }
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {CUS_COLS} FROM custodies c JOIN investigations i ON i.id = c.investigation_id \
            WHERE c.investigation_id = $1 ORDER BY c.started_at, c.id LIMIT $2"
    )))
    .bind(id)
    .bind(lim)
    .fetch_all(pool)
    .await?;
    let mut custodies = Vec::with_capacity(rows.len());
    let mut conn = pool.acquire().await?;
    for r in &rows {
        custodies.push(custody_in(&mut conn, keys, r).await?);
    }
    drop(conn);
    let dossiers = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {DOSSIER_COLS} FROM dossiers d WHERE d.investigation_id = $1 ORDER BY d.made_at \
            DESC, d.id DESC LIMIT $2"
    )))
    .bind(id)
    .bind(lim)
    .fetch_all(pool)
    .await?
    .iter()
    .map(dossier_from_row)
    .collect::<Result<Vec<_>>>()?;
    let mut tx = pool.begin().await?;
    let child_victim = child_victim(&mut tx, case).await?;
    tx.rollback().await?;
    Ok(InvestigationFile {
        investigation,
        tasks,
        timeline,
        notes,
        offences,
        evidence,
        custody_chains,
        custodies,
        dossiers,
        child_victim,
    })
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn record_dossier(
    pool: &Pool,
    keys: &Keys,
    actor: &Actor,
    investigation: Uuid,
    content_hash: &str,
    pdf: &[u8],
    pages: i64,
    mismatch_stated: bool,
) -> Result<Dossier> {
    let mut tx = begin(pool).await?;
    let i = load(&mut tx, keys, investigation, FOR_UPDATE).await?;
    require_work(&mut tx, &i, actor).await?;
    let id = Uuid::now_v7();
    let at = now();
    sqlx::query(
        "INSERT INTO dossiers (id, investigation_id, content_hash, pdf, pages, mismatch_stated, \
            made_by, made_at, sent_to, sent_by, sent_at) VALUES ($1, $2, $3, $4, $5, $6, $7, \
            $8, NULL, NULL, NULL)",
    )
    .bind(id)
    .bind(investigation)
    .bind(content_hash)
    .bind(keys.seal_case_bytes(i.case_id, DOSSIER_PDF, pdf))
    .bind(pages)
    .bind(mismatch_stated)
    .bind(actor.as_str())
    .bind(at)
    .execute(&mut *tx)
    .await?;
    audit(&mut tx, actor, AuditAction::DossierCreate, id).await?;
    timeline(&mut tx, keys, &i, at, "dossier", "create", Some(id), actor).await?;
    touch(&mut tx, &i).await?;
    tx.commit().await?;
    Ok(Dossier {
        id,
        investigation_id: investigation,
        content_hash: content_hash.to_string(),
        pages,
        mismatch_stated,
        made_by: actor.as_str().to_string(),
        made_at: at,
        sent_to: None,
        sent_by: None,
        sent_at: None,
    })
}

pub(crate) async fn send_dossier(
    pool: &Pool,
    keys: &Keys,
    actor: &Actor,
    id: Uuid,
    to: OrganisationId,
) -> Result<Dossier> {
    let mut tx = begin(pool).await?;
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {DOSSIER_COLS} FROM dossiers d WHERE d.id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?
    .or_not_found("dossier", id)?;
    let d = dossier_from_row(&row)?;
    let i = load(&mut tx, keys, d.investigation_id, FOR_UPDATE).await?;
    if d.sent_at.is_some() {
        return Err(refuse(
            "dos_SentTo",
            "already_sent",
            "the dossier was sent already",
        ));
    }
    if !has_role_in(&mut tx, to, Role::Prosecutor).await? {
        return Err(refuse(
            "dos_SentTo",
            "not_prosecution",
            "a dossier goes to a prosecutor's office (an organisation with prosecutors)",
        ));
    }
    // The step checks the status (active only) and who may refer.
    apply_step(&mut tx, keys, actor, &i, StatusStep::Refer, "").await?;
    let at = now();
    sqlx::query("UPDATE dossiers SET sent_to = $1, sent_by = $2, sent_at = $3 WHERE id = $4")
        .bind(to.0)
        .bind(actor.as_str())
        .bind(at)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit(&mut tx, actor, AuditAction::DossierSend, id).await?;
    timeline(&mut tx, keys, &i, at, "dossier", "send", Some(id), actor).await?;
    tx.commit().await?;
    Ok(Dossier {
        sent_to: Some(to),
        sent_by: Some(actor.as_str().to_string()),
        sent_at: Some(at),
        ..d
    })
}

pub(crate) async fn dossier(pool: &Pool, id: Uuid) -> Result<Dossier> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {DOSSIER_COLS} FROM dossiers d WHERE d.id = $1"
    )))
    .bind(id)
    .fetch_optional(pool)
    .await?
    .or_not_found("dossier", id)?;
    dossier_from_row(&row)
}

pub(crate) async fn dossiers_sent_to(
    pool: &Pool,
    organisation: OrganisationId,
    n: i64,
) -> Result<Vec<(Dossier, i64)>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {DOSSIER_COLS}, k.number AS case_number FROM dossiers d JOIN investigations i ON \
            i.id = d.investigation_id JOIN cases k ON k.id = i.case_id WHERE d.sent_to = $1 \
            ORDER BY d.sent_at DESC, d.id DESC LIMIT $2"
    )))
    .bind(organisation.0)
    .bind(limit(n))
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| Ok((dossier_from_row(r)?, r.try_get("case_number")?)))
        .collect()
}

pub(crate) async fn read_dossier(
    pool: &Pool,
    keys: &Keys,
    actor: &Actor,
    id: Uuid,
) -> Result<(Dossier, Vec<u8>)> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {DOSSIER_COLS}, d.pdf, i.case_id FROM dossiers d JOIN investigations i ON i.id \
            = d.investigation_id WHERE d.id = $1"
    )))
    .bind(id)
    .fetch_optional(pool)
    .await?
    .or_not_found("dossier", id)?;
    let d = dossier_from_row(&row)?;
    let case = CaseId(row.try_get("case_id")?);
    let sealed: Vec<u8> = row.try_get("pdf")?;
    let pdf = keys.open_case_bytes(case, DOSSIER_PDF, &sealed)?;
    let mut tx = begin(pool).await?;
    audit(&mut tx, actor, AuditAction::DossierRead, id).await?;
    tx.commit().await?;
    Ok((d, pdf))
}

/// A running custody with alert moments fallen due.
pub(crate) struct CustodyDue {
    pub(crate) id: Uuid,
    pub(crate) case_id: Uuid,
    pub(crate) person_id: Uuid,
    pub(crate) lead: UserId,
    pub(crate) agency: Uuid,
    pub(crate) recorded_by: String,
    /// (the deadline itself, the moment), each at or before now.
    pub(crate) moments: Vec<(bool, DateTime<Utc>)>,
}

/// Running custodies with a warning moment or their deadline at or before `now` (the warning
/// hours of their jurisdiction; the deadline is kept in the row, extensions included).
pub(crate) async fn custodies_due(
    pool: &Pool,
    catalogue: &LegalCatalogue,
    now: DateTime<Utc>,
    n: i64,
) -> Result<Vec<CustodyDue>> {
    let horizon = catalogue
        .jurisdictions
        .iter()
        .flat_map(|j| j.warn_hours.first().copied())
        .max()
        .unwrap_or(0);
    let rows = sqlx::query(
        "SELECT c.id, c.person_id, c.jurisdiction, c.started_at, c.deadline, c.recorded_by, \
            i.case_id, i.lead_id, i.agency_id FROM custodies c JOIN investigations i ON i.id = \
            c.investigation_id WHERE c.ended_at IS NULL AND c.deadline <= $1 ORDER BY \
            c.deadline, c.id LIMIT $2",
    )
    .bind(now + chrono::Duration::hours(i64::from(horizon)))
    .bind(n)
    .fetch_all(pool)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let started: DateTime<Utc> = r.try_get("started_at")?;
        let deadline: DateTime<Utc> = r.try_get("deadline")?;
        let warn = catalogue
            .jurisdiction(&r.try_get::<String, _>("jurisdiction")?)
            .map(|j| j.warn_hours.clone())
            .unwrap_or_default();
        let mut moments: Vec<(bool, DateTime<Utc>)> = warn
            .iter()
            .map(|h| (false, deadline - chrono::Duration::hours(i64::from(*h))))
            .filter(|(_, t)| *t > started)
            .collect();
        moments.push((true, deadline));
        moments.retain(|(_, t)| *t <= now);
        if moments.is_empty() {
            continue;
        }
        out.push(CustodyDue {
            id: r.try_get("id")?,
            case_id: r.try_get("case_id")?,
            person_id: r.try_get("person_id")?,
            lead: UserId(r.try_get("lead_id")?),
            agency: r.try_get("agency_id")?,
            recorded_by: r.try_get("recorded_by")?,
            moments,
        });
    }
    Ok(out)
}

/// An open task past its due day.
pub(crate) struct TaskDue {
    pub(crate) id: Uuid,
    pub(crate) from: DateTime<Utc>,
    pub(crate) owner: UserId,
    pub(crate) lead: UserId,
    pub(crate) case_id: Uuid,
}

/// Open tasks whose due day has ended at `now` in their investigation's jurisdiction's time
/// zone.
pub(crate) async fn tasks_overdue(
    pool: &Pool,
    catalogue: &LegalCatalogue,
    now: DateTime<Utc>,
    n: i64,
) -> Result<Vec<TaskDue>> {
    // A due day has ended everywhere by the next UTC day's end: read those, decide by zone.
    let rows = sqlx::query(
        "SELECT t.id, t.due_on, t.owner_id, i.lead_id, i.case_id, i.jurisdiction FROM \
            investigation_tasks t JOIN investigations i ON i.id = t.investigation_id WHERE \
            t.state = 'open' AND t.due_on <= $1 ORDER BY t.due_on, t.id LIMIT $2",
    )
    .bind(now.date_naive())
    .bind(n)
    .fetch_all(pool)
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let j: String = r.try_get("jurisdiction")?;
        let tz = catalogue
            .jurisdiction(&j)
            .map(|j| j.tz())
            .unwrap_or(chrono_tz::Africa::Bujumbura);
        let from = inv::tasks::overdue_from(r.try_get("due_on")?, tz);
        if from <= now {
            out.push(TaskDue {
                id: r.try_get("id")?,
                from,
                owner: UserId(r.try_get("owner_id")?),
                lead: UserId(r.try_get("lead_id")?),
                case_id: r.try_get("case_id")?,
            });
        }
    }
    Ok(out)
}
