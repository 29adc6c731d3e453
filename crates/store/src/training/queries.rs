//! Training sessions, participants, attendance and scores.

use chrono::{NaiveDate, Utc};
use sqlx::{QueryBuilder, Row as _};
use tabara_core::audit::AuditAction;
use tabara_core::ids::*;
use tabara_core::picklist::Picklist;
use uuid::Uuid;

use super::*;

#[path = "certificates.rs"]
mod certificates;
use crate::{
    Actor, NewParticipant, NewTrainingSession, Participant, Result, StoreError, TrainingSession,
};
pub(crate) use certificates::*;

pub(crate) const SESSION_COLS: &str = "id, title, starts_on, ends_on, venue, organiser_id, \
    funding, curriculum_version, modules, trainers, min_attendance_percent, \
    min_post_test_percent, version";

pub(crate) const PARTICIPANT_COLS: &str =
    "id, session_id, user_id, full_name, rank, unit, office_id, sex, pre_test, post_test, version";

/// Longest training session accepted, in days.
pub(crate) const MAX_SESSION_DAYS: i64 = 60;

/// A stored percentage (a rule's threshold, a score): 0 to 100.
fn percent(col: &str, v: i64) -> Result<u8> {
    u8::try_from(v).map_err(|_| StoreError::Corrupt(format!("{col}: {v}")))
}

pub(crate) fn session_from_row(r: &DbRow) -> Result<TrainingSession> {
    let pct = |col: &str| percent(col, r.try_get(col)?);
    Ok(TrainingSession {
        id: TrainingSessionId(r.try_get("id")?),
        title: r.try_get("title")?,
        starts_on: r.try_get("starts_on")?,
        ends_on: r.try_get("ends_on")?,
        venue: r.try_get("venue")?,
        organiser_id: OrganisationId(r.try_get("organiser_id")?),
        funding: r.try_get("funding")?,
        curriculum_version: r.try_get("curriculum_version")?,
        modules: json_col(r, "modules")?,
        trainers: json_col(r, "trainers")?,
        rule: tabara_core::training::CompletionRule {
            min_attendance_percent: pct("min_attendance_percent")?,
            min_post_test_percent: pct("min_post_test_percent")?,
        },
        version: r.try_get("version")?,
    })
}

pub(crate) fn participant_from_row(r: &DbRow, days: Vec<NaiveDate>) -> Result<Participant> {
    let score = |col: &str| -> Result<Option<u8>> {
        let v: Option<i64> = r.try_get(col)?;
        v.map(|v| percent(col, v)).transpose()
    };
    let sex: String = r.try_get("sex")?;
    Ok(Participant {
        id: ParticipantId(r.try_get("id")?),
        session_id: TrainingSessionId(r.try_get("session_id")?),
        user_id: r.try_get::<Option<Uuid>, _>("user_id")?.map(UserId),
        full_name: r.try_get("full_name")?,
        rank: r.try_get("rank")?,
        unit: r.try_get("unit")?,
        office_id: r.try_get::<Option<Uuid>, _>("office_id")?.map(OfficeId),
        sex: tabara_core::htcds::Gender::parse(&sex)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        pre_test: score("pre_test")?,
        post_test: score("post_test")?,
        days_attended: days,
        version: r.try_get("version")?,
    })
}

pub(crate) async fn create_training_session(
    pool: &Pool,
    actor: &Actor,
    s: &NewTrainingSession,
) -> Result<TrainingSession> {
    let curriculum = tabara_core::training::Curriculum::embedded()
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let mut e = tabara_core::validation::ValidationErrors::default();
    text_rule(&mut e, "trn_Title", &s.title, true);
    text_rule(&mut e, "trn_Venue", &s.venue, true);
    if let Some(f) = &s.funding {
        text_rule(&mut e, "trn_Funding", f, false);
    }
    let earliest = tabara_core::validation::EARLIEST_RECORD_DATE;
    let latest = chrono::Utc::now().date_naive() + chrono::Days::new(5 * 366);
    tabara_core::validation::check_date_range(
        &mut e,
        "trn_StartsOn",
        s.starts_on,
        earliest,
        latest,
    );
    tabara_core::validation::check_date_range(&mut e, "trn_EndsOn", s.ends_on, earliest, latest);
    if e.has("trn_StartsOn") || e.has("trn_EndsOn") {
        // Out of range: the length of the session means nothing.
    } else if s.ends_on < s.starts_on {
        e.push(
            "trn_EndsOn",
            "after_start",
            "the last day is before the first",
        );
    } else if (s.ends_on - s.starts_on).num_days() >= MAX_SESSION_DAYS {
        e.push(
            "trn_EndsOn",
            "session_length",
            format!("a session lasts at most {MAX_SESSION_DAYS} days"),
        );
    }
    if s.modules.is_empty() {
        e.push("trn_Modules", "required", "choose at least one module");
    }
    let mut seen = std::collections::BTreeSet::new();
    for m in &s.modules {
        if curriculum.module(&m.module).is_none() {
            e.push(
                "trn_Modules",
                "picklist",
                format!("'{}' is not a module of the curriculum", m.module),
            );
        } else if !seen.insert(m.module.as_str()) {
            e.push(
                "trn_Modules",
                "duplicate",
                format!("'{}' is listed twice", m.module),
            );
        }
    }
    for t in &s.trainers {
        text_rule(&mut e, "trn_Trainers", t, true);
    }
    if s.rule.min_attendance_percent > 100 || s.rule.min_post_test_percent > 100 {
        e.push(
            "trn_CompletionRule",
            "range",
            "percentages are between 0 and 100",
        );
    }
    e.into_result(())?;
    let mut tx = begin(pool).await?;
    let now = Utc::now();
    let trainers: Vec<String> = s.trainers.iter().map(|t| t.trim().to_string()).collect();
    sqlx::query(
        "INSERT INTO training_sessions (id, title, starts_on, ends_on, venue, organiser_id, \
            funding, curriculum_version, modules, trainers, min_attendance_percent, \
            min_post_test_percent, created_by, created_at, updated_at, version) VALUES ($1, $2, \
            $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    )
    .bind(s.id.0)
    .bind(s.title.trim())
    .bind(s.starts_on)
    .bind(s.ends_on)
    .bind(s.venue.trim())
    .bind(s.organiser_id.0)
    .bind(
        s.funding
            .as_deref()
            .map(str::trim)
            .filter(|f| !f.is_empty()),
    )
    .bind(&curriculum.version)
    .bind(to_json(&s.modules)?)
    .bind(to_json(&trainers)?)
    .bind(i64::from(s.rule.min_attendance_percent))
    .bind(i64::from(s.rule.min_post_test_percent))
    .bind(actor.as_str())
    .bind(now)
    .bind(now)
    .bind(1i64)
    .execute(&mut *tx)
    .await?;
    audit(&mut tx, actor, AuditAction::TrainingSessionCreate, s.id).await?;
    let out = training_session(&mut *tx, s.id).await?;
    tx.commit().await?;
    Ok(out)
}

pub(crate) async fn training_session<'e, E: sqlx::Executor<'e, Database = Db>>(
    ex: E,
    id: TrainingSessionId,
) -> Result<TrainingSession> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {SESSION_COLS} FROM training_sessions WHERE id = $1"
    )))
    .bind(id.0)
    .fetch_optional(ex)
    .await?
    .or_not_found("training session", id)?;
    session_from_row(&row)
}

/// Sessions, newest first, a page at a time (after the given session in that order).
pub(crate) async fn training_sessions(
    pool: &Pool,
    after: Option<TrainingSessionId>,
    limit: i64,
) -> Result<Vec<TrainingSession>> {
    let rows = match after {
        None => sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SESSION_COLS} FROM training_sessions ORDER BY starts_on DESC, id DESC LIMIT $1"
        )))
        .bind(limit.clamp(1, 500))
        .fetch_all(pool)
        .await?,
        Some(a) => {
            let anchor = training_session(pool, a).await?;
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {SESSION_COLS} FROM training_sessions WHERE starts_on < $1 OR (starts_on \
                    = $2 AND id < $3) ORDER BY starts_on DESC, id DESC LIMIT $4"
            )))
            .bind(anchor.starts_on)
            .bind(anchor.starts_on)
            .bind(a.0)
            .bind(limit.clamp(1, 500))
            .fetch_all(pool)
            .await?
        }
    };
    rows.iter().map(session_from_row).collect()
}

pub(crate) async fn add_participant(
    pool: &Pool,
    actor: &Actor,
    p: &NewParticipant,
) -> Result<Participant> {
    let mut e = tabara_core::validation::ValidationErrors::default();
    text_rule(&mut e, "trp_FullName", &p.full_name, true);
    if let Some(r) = &p.rank {
        text_rule(&mut e, "trp_Rank", r, false);
    }
    if let Some(u) = &p.unit {
        text_rule(&mut e, "trp_Unit", u, false);
    }
    e.into_result(())?;
    let mut tx = begin(pool).await?;
    let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM training_sessions WHERE id = $1")
        .bind(p.session_id.0)
        .fetch_one(&mut *tx)
        .await?;
    if exists == 0 {
        return Err(not_found("training session", p.session_id));
    }
    if let Some(u) = p.user_id {
        let already: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM training_participants WHERE session_id = $1 AND user_id = $2",
        )
        .bind(p.session_id.0)
        .bind(u.0)
        .fetch_one(&mut *tx)
        .await?;
        if already > 0 {
            return Err(StoreError::Duplicate {
                what: "participant",
                value: u.to_string(),
            });
        }
    }
    let now = Utc::now();
    sqlx::query(
        "INSERT INTO training_participants (id, session_id, user_id, full_name, rank, unit, \
            office_id, sex, created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, \
            $8, $9, $10, $11)",
    )
    .bind(p.id.0)
    .bind(p.session_id.0)
    .bind(p.user_id.map(|u| u.0))
    .bind(p.full_name.trim())
    .bind(p.rank.as_deref().map(str::trim).filter(|s| !s.is_empty()))
    .bind(p.unit.as_deref().map(str::trim).filter(|s| !s.is_empty()))
    .bind(p.office_id.map(|o| o.0))
    .bind(p.sex.as_str())
    .bind(now)
    .bind(now)
    .bind(1i64)
    .execute(&mut *tx)
    .await?;
    audit(&mut tx, actor, AuditAction::TrainingParticipantCreate, p.id).await?;
    tx.commit().await?;
    participant(pool, p.id).await
}

pub(crate) async fn attendance_of(
    pool: &Pool,
    ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, Vec<NaiveDate>>> {
    let mut out: std::collections::HashMap<Uuid, Vec<NaiveDate>> = std::collections::HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "SELECT participant_id, day FROM training_attendance WHERE participant_id IN (",
        );
        let mut sep = qb.separated(", ");
        for id in chunk {
            sep.push_bind(*id);
        }
        qb.push(") ORDER BY day");
        for r in qb.build().fetch_all(pool).await? {
            out.entry(r.try_get("participant_id")?)
                .or_default()
                .push(r.try_get("day")?);
        }
    }
    Ok(out)
}

pub(crate) async fn participant(pool: &Pool, id: ParticipantId) -> Result<Participant> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {PARTICIPANT_COLS} FROM training_participants WHERE id = $1"
    )))
    .bind(id.0)
    .fetch_optional(pool)
    .await?
    .or_not_found("participant", id)?;
    let mut days = attendance_of(pool, &[id.0]).await?;
    participant_from_row(&row, days.remove(&id.0).unwrap_or_default())
}

/// A session's participants by name (at most 500: a session is a classroom).
pub(crate) async fn participants(
    pool: &Pool,
    session_id: TrainingSessionId,
) -> Result<Vec<Participant>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {PARTICIPANT_COLS} FROM training_participants WHERE session_id = $1 ORDER BY \
            full_name, id LIMIT 500"
    )))
    .bind(session_id.0)
    .fetch_all(pool)
    .await?;
    let ids: Vec<Uuid> = rows
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<std::result::Result<_, _>>()?;
    let mut days = attendance_of(pool, &ids).await?;
    rows.iter()
        .map(|r| {
            let id: Uuid = r.try_get("id")?;
            participant_from_row(r, days.remove(&id).unwrap_or_default())
        })
        .collect()
}

/// Mark a participant present or absent on a day of their session.
pub(crate) async fn set_attendance(
    pool: &Pool,
    actor: &Actor,
    id: ParticipantId,
    day: NaiveDate,
    present: bool,
) -> Result<()> {
    let mut tx = begin(pool).await?;
    let row = sqlx::query(
        "SELECT s.starts_on, s.ends_on FROM training_participants p JOIN training_sessions s ON \
            s.id = p.session_id WHERE p.id = $1",
    )
    .bind(id.0)
    .fetch_optional(&mut *tx)
    .await?
    .or_not_found("participant", id)?;
    let (starts_on, ends_on): (NaiveDate, NaiveDate) =
        (row.try_get("starts_on")?, row.try_get("ends_on")?);
    if day < starts_on || day > ends_on {
        return Err(refuse(
            "trp_Day",
            "outside_session",
            "the day is not a day of the session",
        ));
    }
    let known: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM training_attendance WHERE participant_id = $1 AND day = $2",
    )
    .bind(id.0)
    .bind(day)
    .fetch_one(&mut *tx)
    .await?;
    match (present, known > 0) {
        (true, false) => {
            sqlx::query("INSERT INTO training_attendance (participant_id, day) VALUES ($1, $2)")
                .bind(id.0)
                .bind(day)
                .execute(&mut *tx)
                .await?;
        }
        (false, true) => {
            sqlx::query("DELETE FROM training_attendance WHERE participant_id = $1 AND day = $2")
                .bind(id.0)
                .bind(day)
                .execute(&mut *tx)
                .await?;
        }
        _ => return Ok(()),
    }
    let action = if present {
        AuditAction::TrainingAttendancePresent
    } else {
        AuditAction::TrainingAttendanceAbsent
    };
    audit(&mut tx, actor, action, id).await?;
    tx.commit().await?;
    Ok(())
}

/// Record a participant's pre- and post-test scores (percent), based on `expected_version`.
pub(crate) async fn set_scores(
    pool: &Pool,
    actor: &Actor,
    id: ParticipantId,
    expected_version: i64,
    pre_test: Option<u8>,
    post_test: Option<u8>,
) -> Result<i64> {
    let mut e = tabara_core::validation::ValidationErrors::default();
    for (field, v) in [("trp_PreTest", pre_test), ("trp_PostTest", post_test)] {
        if v.is_some_and(|v| v > 100) {
            e.push(field, "range", "a score is between 0 and 100");
        }
    }
    e.into_result(())?;
    let mut tx = begin(pool).await?;
    let current: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT version FROM training_participants WHERE id = $1{FOR_UPDATE}"
    )))
    .bind(id.0)
    .fetch_optional(&mut *tx)
    .await?
    .or_not_found("participant", id)?;
    check_version("participant", id, expected_version, current)?;
    let done = sqlx::query(
        "UPDATE training_participants SET pre_test = $1, post_test = $2, version = $3, \
            updated_at = $4 WHERE id = $5 AND version = $6",
    )
    .bind(pre_test.map(i64::from))
    .bind(post_test.map(i64::from))
    .bind(current + 1)
    .bind(Utc::now())
    .bind(id.0)
    .bind(current)
    .execute(&mut *tx)
    .await?;
    ensure_updated(done, "participant", id, expected_version)?;
    audit(&mut tx, actor, AuditAction::TrainingParticipantScores, id).await?;
    tx.commit().await?;
    Ok(current + 1)
}
