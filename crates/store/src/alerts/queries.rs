//! Alerts: finding what fell due, raising each once, the inboxes and the outbox.

use chrono::{DateTime, Utc};
use sqlx::Row as _;
use tabara_core::alerts::{AlertFacts, AlertKind, alert_key, recipients};
use tabara_core::audit::AuditAction;
use tabara_core::ids::*;
use tabara_core::picklist::Picklist;
use uuid::Uuid;

use super::*;
use crate::alerts::{
    DeliveryState, MAX_ALERT_ROWS, MAX_DELIVERY_ATTEMPTS, Notification, RunReport, alerts_actor,
};
use crate::audit::actor_user;
use crate::{Actor, Result};

const NOTE_COLS: &str = "n.id, n.alert_id, n.user_id, a.kind, a.subject_id, a.case_id, c.number, \
    a.person_id, a.due_at, n.created_at, n.read_at";

const NOTE_FROM: &str =
    "notifications n JOIN alerts a ON a.id = n.alert_id JOIN cases c ON c.id = a.case_id";

/// The most characters of a channel's failure kept in the outbox.
const MAX_ERROR_CHARS: usize = 500;

/// No later assessment of the same case, person and kind (ties broken by id).
const IS_LATEST: &str = "NOT EXISTS (SELECT 1 FROM risk_assessments n WHERE n.case_id = \
    r.case_id AND n.person_id = r.person_id AND n.kind = r.kind AND (n.assessed_at > \
    r.assessed_at OR (n.assessed_at = r.assessed_at AND n.id > r.id)))";

fn notification_from_row(r: &DbRow) -> Result<Notification> {
    Ok(Notification {
        id: r.try_get("id")?,
        alert_id: r.try_get("alert_id")?,
        user_id: UserId(r.try_get("user_id")?),
        kind: pick(&r.try_get::<String, _>("kind")?)?,
        subject_id: r.try_get("subject_id")?,
        case_id: CaseId(r.try_get("case_id")?),
        case_number: r.try_get("number")?,
        person_id: r.try_get::<Option<Uuid>, _>("person_id")?.map(PersonId),
        due_at: r.try_get("due_at")?,
        created_at: r.try_get("created_at")?,
        read_at: r.try_get("read_at")?,
    })
}

/// An alert that fell due, with the people around its record.
pub(crate) struct Due {
    pub(crate) kind: AlertKind,
    pub(crate) subject: Uuid,
    pub(crate) case_id: Uuid,
    pub(crate) person_id: Option<Uuid>,
    pub(crate) due_at: DateTime<Utc>,
    pub(crate) facts: AlertFacts,
}

fn user_of(actor: &str) -> Option<UserId> {
    actor_user(actor).map(UserId)
}

/// Sent referrals past their due moment without their alert.
async fn overdue_referrals(pool: &Pool, now: DateTime<Utc>, limit: i64) -> Result<Vec<Due>> {
    let rows = sqlx::query(
        "SELECT r.id, r.case_id, r.person_id, r.recipient_id, r.due_at FROM referrals r WHERE \
            r.state = 'sent' AND r.due_at < $1 AND NOT EXISTS (SELECT 1 FROM alerts a WHERE \
            a.subject_id = r.id AND a.kind = 'referral_overdue' AND a.due_at = r.due_at) ORDER \
            BY r.due_at, r.id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let mut due = Vec::with_capacity(rows.len());
    for r in &rows {
        let id: Uuid = r.try_get("id")?;
        let recipient: Uuid = r.try_get("recipient_id")?;
        let sender: Option<String> = sqlx::query_scalar(
            "SELECT actor FROM referral_events WHERE referral_id = $1 AND step = 'send' ORDER \
                BY seq DESC LIMIT 1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?;
        let supervisors: Vec<Uuid> = sqlx::query_scalar(
            "SELECT id FROM users WHERE organisation_id = $1 AND role = $2 AND disabled = $3 \
                ORDER BY id LIMIT $4",
        )
        .bind(recipient)
        .bind(tabara_core::Role::Supervisor.value_name())
        .bind(false)
        .bind(MAX_ALERT_ROWS)
        .fetch_all(pool)
        .await?;
        due.push(Due {
            kind: AlertKind::ReferralOverdue,
            subject: id,
            case_id: r.try_get("case_id")?,
            person_id: Some(r.try_get("person_id")?),
            due_at: r.try_get("due_at")?,
            facts: AlertFacts {
                sender: sender.as_deref().and_then(user_of),
                supervisors: supervisors.into_iter().map(UserId).collect(),
                ..Default::default()
            },
        });
    }
    Ok(due)
}

/// Latest assessments at high or critical level (`high`: made by `now`), or due for
/// reassessment at `now`, without their alert.
async fn risk_alerts(
    pool: &Pool,
    kind: AlertKind,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Due>> {
    let (due_col, condition) = match kind {
        AlertKind::RiskHigh => (
            "r.assessed_at",
            "r.level IN ('high', 'critical') AND r.assessed_at <= $1",
        ),
        _ => ("r.reassess_by", "r.reassess_by <= $1"),
    };
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT r.id, r.case_id, r.person_id, r.assessed_by, {due_col} AS due_at, c.owner_id \
            FROM risk_assessments r JOIN cases c ON c.id = r.case_id WHERE {condition} AND \
            {IS_LATEST} AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.subject_id = r.id AND \
            a.kind = $2) ORDER BY {due_col}, r.id LIMIT $3"
    )))
    .bind(now)
    .bind(kind.value_name())
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let mut due = Vec::with_capacity(rows.len());
    for r in &rows {
        let case_id: Uuid = r.try_get("case_id")?;
        let person_id: Uuid = r.try_get("person_id")?;
        let assignees: Vec<Uuid> = if kind == AlertKind::RiskHigh {
            sqlx::query_scalar(
                "SELECT DISTINCT assignee_id FROM referrals WHERE case_id = $1 AND person_id = \
                    $2 AND state IN ('sent', 'accepted', 'in_progress') AND assignee_id IS NOT \
                    NULL ORDER BY assignee_id LIMIT $3",
            )
            .bind(case_id)
            .bind(person_id)
            .bind(MAX_ALERT_ROWS)
            .fetch_all(pool)
            .await?
        } else {
            Vec::new()
        };
        let assessed_by: String = r.try_get("assessed_by")?;
        due.push(Due {
            kind,
            subject: r.try_get("id")?,
            case_id,
            person_id: Some(person_id),
            due_at: r.try_get("due_at")?,
            facts: AlertFacts {
                case_owner: r.try_get::<Option<Uuid>, _>("owner_id")?.map(UserId),
                assessor: user_of(&assessed_by),
                referral_assignees: assignees.into_iter().map(UserId).collect(),
                ..Default::default()
            },
        });
    }
    Ok(due)
}

/// Write one alert and its notifications with its audit entry, unless its key is there
/// already (another run raised it): the number of notifications written, `None` if raised
/// before.
async fn raise(pool: &Pool, due: &Due) -> Result<Option<u64>> {
    let mut tx = begin(pool).await?;
    let Some(n) = raise_in(&mut tx, due).await? else {
        tx.rollback().await?;
        return Ok(None);
    };
    tx.commit().await?;
    Ok(Some(n))
}

/// [`raise`] inside the caller's transaction: an alert raised with the change that causes it.
pub(crate) async fn raise_in(tx: &mut Tx, due: &Due) -> Result<Option<u64>> {
    let id = Uuid::now_v7();
    let at = Utc::now();
    let inserted = sqlx::query(
        "INSERT INTO alerts (id, kind, alert_key, subject_kind, subject_id, case_id, person_id, \
            due_at, raised_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT \
            (alert_key) DO NOTHING",
    )
    .bind(id)
    .bind(due.kind.value_name())
    .bind(alert_key(due.kind, due.subject, due.due_at))
    .bind(due.kind.subject_kind())
    .bind(due.subject)
    .bind(due.case_id)
    .bind(due.person_id)
    .bind(due.due_at)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    if inserted.rows_affected() == 0 {
        return Ok(None);
    }
    let users = recipients(due.kind, &due.facts);
    for user in &users {
        sqlx::query(
            "INSERT INTO notifications (id, alert_id, user_id, created_at) VALUES ($1, $2, $3, \
                $4)",
        )
        .bind(Uuid::now_v7())
        .bind(id)
        .bind(user.0)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    }
    audit(tx, &alerts_actor(), AuditAction::AlertRaise, id).await?;
    Ok(Some(users.len() as u64))
}

pub(crate) async fn supervisors_of(
    ex: impl sqlx::Executor<'_, Database = Db>,
    agency: Uuid,
) -> Result<Vec<UserId>> {
    let ids: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM users WHERE organisation_id = $1 AND role = $2 AND disabled = $3 ORDER \
            BY id LIMIT $4",
    )
    .bind(agency)
    .bind(tabara_core::Role::Supervisor.value_name())
    .bind(false)
    .bind(MAX_ALERT_ROWS)
    .fetch_all(ex)
    .await?;
    Ok(ids.into_iter().map(UserId).collect())
}

/// Running custodies at or past a warning moment or their deadline (the store's alert key
/// skips those raised already), and open tasks past their due day.
async fn investigation_alerts(
    pool: &Pool,
    catalogue: &tabara_core::investigation::LegalCatalogue,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Due>> {
    let mut due = Vec::new();
    for c in super::investigations::custodies_due(pool, catalogue, now, limit).await? {
        let supervisors = supervisors_of(pool, c.agency).await?;
        for (overdue, at) in c.moments {
            due.push(Due {
                kind: if overdue {
                    AlertKind::CustodyOverdue
                } else {
                    AlertKind::CustodyDueSoon
                },
                subject: c.id,
                case_id: c.case_id,
                person_id: Some(c.person_id),
                due_at: at,
                facts: AlertFacts {
                    investigator: Some(c.lead),
                    custody_officer: user_of(&c.recorded_by),
                    supervisors: supervisors.clone(),
                    ..Default::default()
                },
            });
        }
    }
    for t in super::investigations::tasks_overdue(pool, catalogue, now, limit).await? {
        due.push(Due {
            kind: AlertKind::TaskOverdue,
            subject: t.id,
            case_id: t.case_id,
            person_id: None,
            due_at: t.from,
            facts: AlertFacts {
                task_owner: Some(t.owner),
                investigator: Some(t.lead),
                ..Default::default()
            },
        });
    }
    Ok(due)
}

pub(crate) async fn raise_due_alerts(
    pool: &Pool,
    catalogue: &tabara_core::investigation::LegalCatalogue,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<RunReport> {
    let limit = limit.clamp(1, MAX_ALERT_ROWS);
    let mut report = RunReport::default();
    let mut due = overdue_referrals(pool, now, limit).await?;
    due.extend(risk_alerts(pool, AlertKind::RiskHigh, now, limit).await?);
    due.extend(risk_alerts(pool, AlertKind::RiskReassessmentDue, now, limit).await?);
    due.extend(investigation_alerts(pool, catalogue, now, limit).await?);
    for d in &due {
        if let Some(notified) = raise(pool, d).await? {
            report.raised += 1;
            report.notified += notified;
        }
    }
    Ok(report)
}

pub(crate) async fn notifications(
    pool: &Pool,
    user: UserId,
    unread_only: bool,
    limit: i64,
) -> Result<Vec<Notification>> {
    let unread = if unread_only {
        " AND n.read_at IS NULL"
    } else {
        ""
    };
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {NOTE_COLS} FROM {NOTE_FROM} WHERE n.user_id = $1{unread} ORDER BY n.created_at \
            DESC, n.id DESC LIMIT $2"
    )))
    .bind(user.0)
    .bind(limit.clamp(1, MAX_ALERT_ROWS))
    .fetch_all(pool)
    .await?;
    rows.iter().map(notification_from_row).collect()
}

pub(crate) async fn unread_count(pool: &Pool, user: UserId) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL",
    )
    .bind(user.0)
    .fetch_one(pool)
    .await?)
}

pub(crate) async fn mark_notification_read(
    pool: &Pool,
    actor: &Actor,
    user: UserId,
    id: Uuid,
) -> Result<bool> {
    let mut tx = begin(pool).await?;
    let found: Option<Option<DateTime<Utc>>> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT read_at FROM notifications WHERE id = $1 AND user_id = $2{FOR_UPDATE}"
    )))
    .bind(id)
    .bind(user.0)
    .fetch_optional(&mut *tx)
    .await?;
    match found.or_not_found("notification", id)? {
        Some(_) => {
            tx.rollback().await?;
            Ok(false)
        }
        None => {
            sqlx::query("UPDATE notifications SET read_at = $1 WHERE id = $2")
                .bind(Utc::now())
                .bind(id)
                .execute(&mut *tx)
                .await?;
            audit(&mut tx, actor, AuditAction::NotificationRead, id).await?;
            tx.commit().await?;
            Ok(true)
        }
    }
}

pub(crate) async fn mark_all_notifications_read(
    pool: &Pool,
    actor: &Actor,
    user: UserId,
) -> Result<u64> {
    let mut tx = begin(pool).await?;
    let ids: Vec<Uuid> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT id FROM notifications WHERE user_id = $1 AND read_at IS NULL ORDER BY \
            created_at, id LIMIT $2{FOR_UPDATE}"
    )))
    .bind(user.0)
    .bind(MAX_ALERT_ROWS)
    .fetch_all(&mut *tx)
    .await?;
    let at = Utc::now();
    for id in &ids {
        sqlx::query("UPDATE notifications SET read_at = $1 WHERE id = $2")
            .bind(at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    let entries: Vec<_> = ids
        .iter()
        .map(|id| pending(actor, AuditAction::NotificationRead, id.to_string()))
        .collect();
    append_audit(&mut tx, &entries).await?;
    tx.commit().await?;
    Ok(ids.len() as u64)
}

pub(crate) async fn undelivered(
    pool: &Pool,
    channel: &str,
    limit: i64,
) -> Result<Vec<Notification>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {NOTE_COLS} FROM {NOTE_FROM} WHERE n.read_at IS NULL AND NOT EXISTS (SELECT 1 \
            FROM deliveries d WHERE d.notification_id = n.id AND d.channel = $1 AND \
            (d.delivered_at IS NOT NULL OR d.attempts >= $2)) ORDER BY n.created_at, n.id \
            LIMIT $3"
    )))
    .bind(channel)
    .bind(MAX_DELIVERY_ATTEMPTS)
    .bind(limit.clamp(1, MAX_ALERT_ROWS))
    .fetch_all(pool)
    .await?;
    rows.iter().map(notification_from_row).collect()
}

pub(crate) async fn record_delivery(
    pool: &Pool,
    id: Uuid,
    channel: &str,
    error: Option<&str>,
) -> Result<()> {
    let mut tx = begin(pool).await?;
    let at = Utc::now();
    let error: Option<String> = error.map(|e| e.chars().take(MAX_ERROR_CHARS).collect());
    sqlx::query(
        "INSERT INTO deliveries (notification_id, channel, attempts, last_attempt_at, \
            delivered_at, last_error) VALUES ($1, $2, 1, $3, $4, $5) ON CONFLICT \
            (notification_id, channel) DO UPDATE SET attempts = deliveries.attempts + 1, \
            last_attempt_at = excluded.last_attempt_at, delivered_at = excluded.delivered_at, \
            last_error = excluded.last_error",
    )
    .bind(id)
    .bind(channel)
    .bind(at)
    .bind(error.is_none().then_some(at))
    .bind(error.as_deref())
    .execute(&mut *tx)
    .await?;
    let action = if error.is_none() {
        AuditAction::NotificationDeliver
    } else {
        AuditAction::NotificationDeliveryFail
    };
    audit(&mut tx, &alerts_actor(), action, id).await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn delivery_state(
    pool: &Pool,
    notification: Uuid,
    channel: &str,
) -> Result<Option<DeliveryState>> {
    let row = sqlx::query(
        "SELECT attempts, delivered_at, last_error FROM deliveries WHERE notification_id = $1 \
            AND channel = $2",
    )
    .bind(notification)
    .bind(channel)
    .fetch_optional(pool)
    .await?;
    row.map(|r| {
        Ok(DeliveryState {
            attempts: r.try_get("attempts")?,
            delivered_at: r.try_get("delivered_at")?,
            last_error: r.try_get("last_error")?,
        })
    })
    .transpose()
}
