//! The referral figures of the dashboard: a few aggregate queries, each answered from an
//! index or from one pass over the referrals (a small table beside the cases: about one
//! referral per 25 cases in the demo).

use chrono::{DateTime, TimeDelta, Utc};
use sqlx::Row as _;
use tabara_core::picklist::Picklist;
use tabara_core::referral::{ReferralState, ServiceType};

use super::*;
use crate::{ReferralFigures, Result};

/// Seconds from the sending of a referral (`r.sent_at`) to its acceptance (`e.at`).
const SENT_TO_ACCEPTED: &str = match DIALECT {
    crate::Dialect::Sqlite => {
        "CAST(ROUND((julianday(e.at) - julianday(r.sent_at)) * 86400) AS INTEGER)"
    }
    crate::Dialect::Postgres => "CAST(ROUND(EXTRACT(EPOCH FROM e.at - r.sent_at)) AS BIGINT)",
};

pub(crate) async fn referral_figures(pool: &Pool, now: DateTime<Utc>) -> Result<ReferralFigures> {
    // By state: read from the index on (state, due_at).
    let rows = sqlx::query("SELECT state, COUNT(*) AS n FROM referrals GROUP BY state")
        .fetch_all(pool)
        .await?;
    let mut by_state: Vec<(ReferralState, i64)> =
        ReferralState::ALL.iter().map(|s| (*s, 0)).collect();
    for r in &rows {
        let state: ReferralState = pick(&r.try_get::<String, _>("state")?)?;
        let n: i64 = r.try_get("n")?;
        if let Some(slot) = by_state.iter_mut().find(|(s, _)| *s == state) {
            slot.1 = n;
        }
    }

    // By service: one row per distinct set of services (at most 2⁹ of them), split here.
    let rows = sqlx::query("SELECT services, COUNT(*) AS n FROM referrals GROUP BY services")
        .fetch_all(pool)
        .await?;
    let mut by_service: Vec<(ServiceType, i64)> =
        ServiceType::ALL.iter().map(|s| (*s, 0)).collect();
    for r in &rows {
        let services = set_from_db::<ServiceType>(Some(r.try_get("services")?))?;
        let n: i64 = r.try_get("n")?;
        for (service, count) in by_service.iter_mut() {
            if services.contains(*service) {
                *count += n;
            }
        }
    }

    // The median time to acceptance: the middle one or two of the sorted durations (a
    // referral is accepted at most once, from `sent`).
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT d, n FROM (SELECT d, ROW_NUMBER() OVER (ORDER BY d) AS rn, COUNT(*) OVER () AS n \
            FROM (SELECT {SENT_TO_ACCEPTED} AS d FROM referral_events e JOIN referrals r ON r.id \
            = e.referral_id WHERE e.step = 'accept' AND r.sent_at IS NOT NULL) AS durations) AS \
            ranked WHERE rn = (n + 1) / 2 OR rn = (n + 2) / 2"
    )))
    .fetch_all(pool)
    .await?;
    let middle: Vec<i64> = rows
        .iter()
        .map(|r| r.try_get::<i64, _>("d"))
        .collect::<std::result::Result<_, _>>()?;
    let accepted = match rows.first() {
        Some(r) => r.try_get::<i64, _>("n")?,
        None => 0,
    };
    let median_to_accept = (!middle.is_empty())
        .then(|| TimeDelta::seconds(middle.iter().sum::<i64>() / middle.len() as i64));

    // Overdue: sent, unanswered and past the deadline (the index on (state, due_at)).
    let overdue: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM referrals WHERE state = 'sent' AND due_at < $1")
            .bind(now)
            .fetch_one(pool)
            .await?;

    // Children on the pathway: pathways not signed off (the index on (signed_off_at, …)).
    let children_on_pathway: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM child_pathways WHERE signed_off_at IS NULL")
            .fetch_one(pool)
            .await?;

    Ok(ReferralFigures {
        by_state,
        by_service,
        median_to_accept,
        accepted,
        overdue,
        children_on_pathway,
    })
}
