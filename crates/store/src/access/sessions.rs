//! Sign-in, sessions and API tokens.

use chrono::Utc;
use sqlx::Row as _;
use tabara_core::audit::AuditAction;
use tabara_core::ids::*;

use super::accounts::{U_COLS, record_failed_check};
use super::directory::{USER_COLS, user_from_row};
use super::*;
use crate::{Actor, Credentials, Result, Session, User};

pub(crate) async fn credentials(pool: &Pool, username: &str) -> Result<Option<Credentials>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLS}, password_hash, failed_logins, locked_until, must_change_password, \
            one_time_expires_at FROM users WHERE username = $1"
    )))
    .bind(username)
    .fetch_optional(pool)
    .await?;
    row.map(|r| {
        Ok(Credentials {
            user: user_from_row(&r)?,
            password_hash: r.try_get("password_hash")?,
            failed_logins: r.try_get("failed_logins")?,
            locked_until: r.try_get("locked_until")?,
            must_change_password: r.try_get("must_change_password")?,
            one_time_expires_at: r.try_get("one_time_expires_at")?,
        })
    })
    .transpose()
}

pub(crate) async fn record_login(
    pool: &Pool,
    user_id: UserId,
    success: bool,
    locked_until: Option<chrono::DateTime<Utc>>,
) -> Result<()> {
    if !success {
        let failed = AuditAction::UserLoginFailed;
        return record_failed_check(pool, user_id, failed, locked_until).await;
    }
    let mut tx = begin(pool).await?;
    sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1")
        .bind(user_id.0)
        .execute(&mut *tx)
        .await?;
    audit(
        &mut tx,
        &Actor::user(user_id),
        AuditAction::UserLogin,
        user_id,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn set_password(
    pool: &Pool,
    actor: &Actor,
    user_id: UserId,
    password_hash: &str,
) -> Result<()> {
    let mut tx = begin(pool).await?;
    let done = sqlx::query(
        "UPDATE users SET password_hash = $1, password_changed_at = $2, failed_logins = 0, \
            locked_until = NULL, must_change_password = $3, one_time_expires_at = NULL, version = \
            version + 1, updated_at = $4 WHERE id = $5",
    )
    .bind(password_hash)
    .bind(Utc::now())
    // The holder's own choice: no longer a one-time credential.
    .bind(false)
    .bind(Utc::now())
    .bind(user_id.0)
    .execute(&mut *tx)
    .await?;
    ensure_found(done, "user", user_id)?;
    // A new password ends every session opened with the old one.
    end_sessions(&mut tx, user_id).await?;
    audit(&mut tx, actor, AuditAction::UserPassword, user_id).await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn set_user_disabled(
    pool: &Pool,
    actor: &Actor,
    user_id: UserId,
    disabled: bool,
) -> Result<()> {
    let mut tx = begin(pool).await?;
    let done = sqlx::query(
        "UPDATE users SET disabled = $1, version = version + 1, updated_at = $2 WHERE id = $3",
    )
    .bind(disabled)
    .bind(Utc::now())
    .bind(user_id.0)
    .execute(&mut *tx)
    .await?;
    ensure_found(done, "user", user_id)?;
    if disabled {
        end_sessions(&mut tx, user_id).await?;
    }
    let action = if disabled {
        AuditAction::UserDisable
    } else {
        AuditAction::UserEnable
    };
    audit(&mut tx, actor, action, user_id).await?;
    tx.commit().await?;
    Ok(())
}

/// End every session of an account, in the caller's transaction.
pub(crate) async fn end_sessions(tx: &mut Tx, user_id: UserId) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id.0)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub(crate) async fn insert_session(
    pool: &Pool,
    user_id: UserId,
    token_hash: &str,
    csrf_token: &str,
    lang: &str,
    expires_at: chrono::DateTime<Utc>,
    (password_only, pending): (bool, bool),
) -> Result<()> {
    let now = Utc::now();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, lang, created_at, last_seen_at, \
            expires_at, password_only, second_factor_pending) VALUES ($1, $2, $3, $4, $5, $6, \
            $7, $8, $9)",
    )
    .bind(token_hash)
    .bind(user_id.0)
    .bind(csrf_token)
    .bind(lang)
    .bind(now)
    .bind(now)
    .bind(expires_at)
    .bind(password_only)
    .bind(pending)
    .execute(pool)
    .await?;
    Ok(())
}

pub(crate) async fn session(pool: &Pool, token_hash: &str) -> Result<Option<Session>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {U_COLS}, s.csrf_token, s.lang, s.created_at, s.last_seen_at, s.expires_at, \
            s.password_only, s.second_factor_pending FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = \
            $1"
    )))
    .bind(token_hash)
    .fetch_optional(pool)
    .await?;
    row.map(|r| {
        Ok(Session {
            user: user_from_row(&r)?,
            csrf_token: r.try_get("csrf_token")?,
            lang: r.try_get("lang")?,
            created_at: r.try_get("created_at")?,
            last_seen_at: r.try_get("last_seen_at")?,
            expires_at: r.try_get("expires_at")?,
            password_only: r.try_get("password_only")?,
            second_factor_pending: r.try_get("second_factor_pending")?,
        })
    })
    .transpose()
}

pub(crate) async fn touch_session(pool: &Pool, token_hash: &str, lang: &str) -> Result<()> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1, lang = $2 WHERE token_hash = $3")
        .bind(Utc::now())
        .bind(lang)
        .bind(token_hash)
        .execute(pool)
        .await?;
    Ok(())
}

pub(crate) async fn end_session(pool: &Pool, token_hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(pool)
        .await?;
    Ok(())
}

pub(crate) async fn create_api_token(
    pool: &Pool,
    actor: &Actor,
    user_id: UserId,
    token_hash: &str,
    name: &str,
    expires_at: Option<chrono::DateTime<Utc>>,
) -> Result<()> {
    let mut e = tabara_core::validation::ValidationErrors::default();
    tabara_core::validation::check_characters(&mut e, "tok_Name", name, false);
    e.into_result(())?;
    let mut tx = begin(pool).await?;
    sqlx::query(
        "INSERT INTO api_tokens (token_hash, user_id, name, created_at, expires_at, \
        revoked) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_hash)
    .bind(user_id.0)
    .bind(name)
    .bind(Utc::now())
    .bind(expires_at)
    .bind(false)
    .execute(&mut *tx)
    .await?;
    audit(&mut tx, actor, AuditAction::ApiTokenCreate, user_id).await?;
    tx.commit().await?;
    Ok(())
}

/// The active account behind an API token: not revoked, not expired, account not disabled.
pub(crate) async fn api_token_user(pool: &Pool, token_hash: &str) -> Result<Option<User>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {U_COLS}, t.expires_at, t.revoked, u.must_change_password FROM api_tokens t JOIN \
            users u ON u.id = t.user_id WHERE t.token_hash = $1"
    )))
    .bind(token_hash)
    .fetch_optional(pool)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let user = user_from_row(&r)?;
    let expires_at: Option<chrono::DateTime<Utc>> = r.try_get("expires_at")?;
    let revoked: bool = r.try_get("revoked")?;
    let expired = expires_at.is_some_and(|t| t <= Utc::now());
    // An account under reset (a one-time credential given out) uses no API token until its
    // holder has chosen a new password.
    let under_reset: bool = r.try_get("must_change_password")?;
    Ok((!revoked && !expired && !user.disabled && !under_reset).then_some(user))
}
