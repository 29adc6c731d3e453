//! Second factors and recovery codes.

use chrono::{DateTime, Utc};
use sqlx::Row as _;
use tabara_core::audit::AuditAction;
use tabara_core::ids::UserId;
use tabara_core::protect::MasterKey;
use tabara_core::totp;

use super::*;
use crate::keys::Keys;
use crate::second_factor::{FactorCheck, SecondFactorState, lock_after};
use crate::{Actor, Result, StoreError};

/// What a TOTP secret is wrapped for.
const PURPOSE: &str = "totp secret";

pub(crate) async fn state(pool: &Pool, user: UserId) -> Result<Option<SecondFactorState>> {
    let row = sqlx::query(
        "SELECT confirmed_at, locked_until, (SELECT COUNT(*) FROM recovery_codes r WHERE \
            r.user_id = f.user_id AND r.used_at IS NULL) AS left_codes FROM second_factors f \
            WHERE f.user_id = $1",
    )
    .bind(user.0)
    .fetch_optional(pool)
    .await?;
    row.map(|r| {
        let confirmed: Option<DateTime<Utc>> = r.try_get("confirmed_at")?;
        Ok(SecondFactorState {
            confirmed: confirmed.is_some(),
            locked_until: r.try_get("locked_until")?,
            recovery_left: r.try_get("left_codes")?,
        })
    })
    .transpose()
}

pub(crate) async fn start_enrolment(
    pool: &Pool,
    master: &MasterKey,
    user: UserId,
) -> Result<Vec<u8>> {
    let mut tx = begin(pool).await?;
    let confirmed: Option<Option<DateTime<Utc>>> =
        sqlx::query_scalar("SELECT confirmed_at FROM second_factors WHERE user_id = $1")
            .bind(user.0)
            .fetch_optional(&mut *tx)
            .await?;
    if matches!(confirmed, Some(Some(_))) {
        return Err(crate::refuse(
            "totp",
            "already_enrolled",
            "this account has a second factor; an operator resets it first",
        ));
    }
    let key = totp::new_secret();
    sqlx::query(
        "INSERT INTO second_factors (user_id, key_id, secret, created_at) VALUES ($1, $2, $3, \
            $4) ON CONFLICT (user_id) DO UPDATE SET key_id = $2, secret = $3, created_at = $4, \
            last_step = 0, failures = 0, locked_until = NULL",
    )
    .bind(user.0)
    .bind(master.id().0)
    .bind(master.wrap(PURPOSE, user.0.as_bytes(), &key))
    .bind(Utc::now())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(key[..totp::SECRET_LEN].to_vec())
}

/// The secret (its first [`totp::SECRET_LEN`] bytes) from its wrapped form.
fn unwrap(keys: &Keys, user: UserId, wrapped: &[u8]) -> Result<Vec<u8>> {
    let open = |m: &MasterKey| m.unwrap_key(PURPOSE, user.0.as_bytes(), wrapped).ok();
    let key = open(&keys.master)
        .or_else(|| keys.previous.as_ref().and_then(open))
        .ok_or_else(|| StoreError::Corrupt(format!("the second factor of {user} does not open")))?;
    Ok(key[..totp::SECRET_LEN].to_vec())
}

pub(crate) async fn pending_secret(
    pool: &Pool,
    keys: &Keys,
    user: UserId,
) -> Result<Option<Vec<u8>>> {
    let wrapped: Option<Vec<u8>> = sqlx::query_scalar(
        "SELECT secret FROM second_factors WHERE user_id = $1 AND confirmed_at IS NULL",
    )
    .bind(user.0)
    .fetch_optional(pool)
    .await?;
    wrapped.map(|w| unwrap(keys, user, &w)).transpose()
}

pub(crate) async fn confirm_enrolment(
    pool: &Pool,
    keys: &Keys,
    actor: &Actor,
    user: UserId,
    code: &str,
    now: DateTime<Utc>,
) -> Result<Option<Vec<String>>> {
    let mut tx = begin(pool).await?;
    let row = sqlx::query(
        "SELECT secret FROM second_factors WHERE user_id = $1 AND confirmed_at IS NULL",
    )
    .bind(user.0)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        return Err(crate::refuse(
            "totp",
            "no_enrolment",
            "no enrolment is under way",
        ));
    };
    let secret = unwrap(keys, user, &row.try_get::<Vec<u8>, _>("secret")?)?;
    let Some(step) = totp::verify(&secret, code, now.timestamp(), 0) else {
        return Ok(None);
    };
    sqlx::query(
        "UPDATE second_factors SET confirmed_at = $1, last_step = $2, failures = 0 WHERE \
            user_id = $3",
    )
    .bind(now)
    .bind(step)
    .bind(user.0)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user.0)
        .execute(&mut *tx)
        .await?;
    let codes = totp::recovery_codes();
    for c in &codes {
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(user.0)
            .bind(totp::recovery_hash(c))
            .execute(&mut *tx)
            .await?;
    }
    audit(&mut tx, actor, AuditAction::UserSecondFactorEnrol, user).await?;
    tx.commit().await?;
    Ok(Some(codes))
}

pub(crate) async fn check(
    pool: &Pool,
    keys: &Keys,
    user: UserId,
    code: &str,
    now: DateTime<Utc>,
) -> Result<FactorCheck> {
    let mut tx = begin(pool).await?;
    let row = sqlx::query(
        "SELECT secret, last_step, failures, locked_until FROM second_factors WHERE user_id = $1 \
            AND confirmed_at IS NOT NULL",
    )
    .bind(user.0)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        tx.commit().await?;
        return Ok(FactorCheck::NotEnrolled);
    };
    let actor = Actor::user(user);
    let locked: Option<DateTime<Utc>> = row.try_get("locked_until")?;
    if let Some(until) = locked.filter(|t| *t > now) {
        audit(&mut tx, &actor, AuditAction::UserSecondFactorFail, user).await?;
        tx.commit().await?;
        return Ok(FactorCheck::Locked { until });
    }
    let secret = unwrap(keys, user, &row.try_get::<Vec<u8>, _>("secret")?)?;
    let last: i64 = row.try_get("last_step")?;
    if let Some(step) = totp::verify(&secret, code, now.timestamp(), last) {
        sqlx::query(
            "UPDATE second_factors SET last_step = $1, failures = 0, locked_until = NULL WHERE \
                user_id = $2",
        )
        .bind(step)
        .bind(user.0)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        return Ok(FactorCheck::Accepted);
    }
    let spent = sqlx::query(
        "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND \
            used_at IS NULL",
    )
    .bind(now)
    .bind(user.0)
    .bind(totp::recovery_hash(code))
    .execute(&mut *tx)
    .await?;
    if spent.rows_affected() == 1 {
        sqlx::query(
            "UPDATE second_factors SET failures = 0, locked_until = NULL WHERE user_id = $1",
        )
        .bind(user.0)
        .execute(&mut *tx)
        .await?;
        let left: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
        )
        .bind(user.0)
        .fetch_one(&mut *tx)
        .await?;
        audit(&mut tx, &actor, AuditAction::UserRecoveryCodeUse, user).await?;
        tx.commit().await?;
        return Ok(FactorCheck::AcceptedRecovery { left });
    }
    let failures: i64 = row.try_get::<i64, _>("failures")? + 1;
    sqlx::query("UPDATE second_factors SET failures = $1, locked_until = $2 WHERE user_id = $3")
        .bind(failures)
        .bind(lock_after(failures, now))
        .bind(user.0)
        .execute(&mut *tx)
        .await?;
    audit(&mut tx, &actor, AuditAction::UserSecondFactorFail, user).await?;
    tx.commit().await?;
    Ok(FactorCheck::Refused)
}

pub(crate) async fn reset(pool: &Pool, actor: &Actor, user: UserId) -> Result<bool> {
    let mut tx = begin(pool).await?;
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user.0)
        .execute(&mut *tx)
        .await?;
    let gone = sqlx::query("DELETE FROM second_factors WHERE user_id = $1")
        .bind(user.0)
        .execute(&mut *tx)
        .await?
        .rows_affected()
        > 0;
    if gone {
        audit(&mut tx, actor, AuditAction::UserSecondFactorReset, user).await?;
    }
    tx.commit().await?;
    Ok(gone)
}

/// Re-wrap every second factor's secret under the rotation's new master key.
pub(crate) async fn rewrap_all(tx: &mut Tx, keys: &Keys) -> Result<()> {
    let rows = sqlx::query("SELECT user_id, secret FROM second_factors WHERE key_id <> $1")
        .bind(keys.master.id().0)
        .fetch_all(&mut **tx)
        .await?;
    for r in rows {
        let id: uuid::Uuid = r.try_get("user_id")?;
        let wrapped: Vec<u8> = r.try_get("secret")?;
        let user = UserId(id);
        let open = |m: &MasterKey| m.unwrap_key(PURPOSE, user.0.as_bytes(), &wrapped).ok();
        let key = open(&keys.master)
            .or_else(|| keys.previous.as_ref().and_then(open))
            .ok_or_else(|| {
                StoreError::Corrupt(format!("the second factor of {user} does not open"))
            })?;
        sqlx::query("UPDATE second_factors SET key_id = $1, secret = $2 WHERE user_id = $3")
            .bind(keys.master.id().0)
            .bind(keys.master.wrap(PURPOSE, user.0.as_bytes(), &key))
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
