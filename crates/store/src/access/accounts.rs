//! One-time credentials, failed password checks outside sign-in, and the requests that wait for a
//! second administrator.

use chrono::Utc;
use sqlx::Row as _;
use tabara_core::audit::AuditAction;
use tabara_core::ids::*;
use uuid::Uuid;

use super::directory::{insert_user, user_from_row};
use super::sessions::end_sessions;
use super::*;
use crate::audit::actor_user;
use crate::{
    AccountRequest, AccountRequestKind, Actor, FirstCredential, NewUser, ResetNotice, Result,
    StoreError,
};

/// Columns of the account in a query that joins `users u` with other tables.
pub(crate) const U_COLS: &str = "u.id, u.username, u.display_name, u.role, u.organisation_id, \
    u.office_id, u.disabled, u.version";

pub(crate) async fn create_account(
    pool: &Pool,
    actor: &Actor,
    user: &NewUser,
    first: FirstCredential,
) -> Result<Option<Uuid>> {
    let mut tx = begin(pool).await?;
    insert_user(&mut tx, actor, user).await?;
    let request = match first {
        FirstCredential::Usable => None,
        FirstCredential::OneTime(expires_at) => {
            let issued = OneTimeIssue {
                reset_by: actor,
                approved_by: None,
                creation: true,
            };
            mark_one_time(
                &mut tx,
                actor,
                issued,
                user.id,
                &user.password_hash,
                expires_at,
            )
            .await?;
            None
        }
        FirstCredential::AwaitingApproval(requester) => {
            // No credential at all until approved: the hash stored is of nothing anyone knows,
            // and without an expiry it never signs in.
            sqlx::query(
                "UPDATE users SET must_change_password = $1, one_time_expires_at = NULL \
                WHERE id = $2",
            )
            .bind(true)
            .bind(user.id.0)
            .execute(&mut *tx)
            .await?;
            Some(insert_request(&mut tx, requester, user.id, AccountRequestKind::Create).await?)
        }
    };
    tx.commit().await?;
    Ok(request)
}

/// Who gave out a one-time credential, who approved it, and whether it is a new account's first.
pub(crate) struct OneTimeIssue<'a> {
    reset_by: &'a Actor,
    approved_by: Option<&'a Actor>,
    creation: bool,
}

/// Replace the password with a one-time credential: ends every session, lifts any lock, keeps
/// who issued it (and who approved, and whether for a new account) to tell the holder.
pub(crate) async fn mark_one_time(
    tx: &mut Tx,
    actor: &Actor,
    issued: OneTimeIssue<'_>,
    user_id: UserId,
    hash: &str,
    expires_at: chrono::DateTime<Utc>,
) -> Result<()> {
    let now = Utc::now();
    let done = sqlx::query(
        "UPDATE users SET password_hash = $1, must_change_password = $2, one_time_expires_at = \
            $3, reset_by = $4, reset_approved_by = $5, reset_at = $6, reset_is_creation = $7, \
            failed_logins = 0, locked_until = NULL, version = version + 1, updated_at = $8 WHERE \
            id = $9",
    )
    .bind(hash)
    .bind(true)
    .bind(expires_at)
    .bind(issued.reset_by.as_str())
    .bind(issued.approved_by.map(|a| a.as_str().to_string()))
    .bind(now)
    .bind(issued.creation)
    .bind(now)
    .bind(user_id.0)
    .execute(&mut **tx)
    .await?;
    ensure_found(done, "user", user_id)?;
    end_sessions(tx, user_id).await?;
    audit(tx, actor, AuditAction::UserOneTimeCredential, user_id).await?;
    Ok(())
}

pub(crate) async fn issue_one_time(
    pool: &Pool,
    actor: &Actor,
    user_id: UserId,
    hash: &str,
    expires_at: chrono::DateTime<Utc>,
) -> Result<()> {
    let mut tx = begin(pool).await?;
    let issued = OneTimeIssue {
        reset_by: actor,
        approved_by: None,
        creation: false,
    };
    mark_one_time(&mut tx, actor, issued, user_id, hash, expires_at).await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn insert_request(
    tx: &mut Tx,
    requester: UserId,
    user_id: UserId,
    kind: AccountRequestKind,
) -> Result<Uuid> {
    let waiting: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM account_requests WHERE user_id = $1 AND decision IS NULL",
    )
    .bind(user_id.0)
    .fetch_one(&mut **tx)
    .await?;
    let duplicate = || StoreError::Duplicate {
        what: "pending request for account",
        value: user_id.to_string(),
    };
    if waiting > 0 {
        return Err(duplicate());
    }
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO account_requests (id, user_id, kind, requested_by, requested_at) \
        VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(user_id.0)
    .bind(kind.as_str())
    .bind(requester.0)
    .bind(Utc::now())
    .execute(&mut **tx)
    .await
    .map_err(|e| unique_violation_as(e, duplicate))?;
    let action = match kind {
        AccountRequestKind::Create => AuditAction::UserCreateRequest,
        AccountRequestKind::Reset => AuditAction::UserResetRequest,
    };
    audit(tx, &Actor::user(requester), action, user_id).await?;
    Ok(id)
}

pub(crate) async fn request_reset(pool: &Pool, requester: UserId, user_id: UserId) -> Result<Uuid> {
    let mut tx = begin(pool).await?;
    let id = insert_request(&mut tx, requester, user_id, AccountRequestKind::Reset).await?;
    tx.commit().await?;
    Ok(id)
}

pub(crate) fn request_from_row(r: &DbRow) -> Result<AccountRequest> {
    let kind = match r.try_get::<String, _>("kind")?.as_str() {
        "create" => AccountRequestKind::Create,
        "reset" => AccountRequestKind::Reset,
        other => {
            return Err(StoreError::Corrupt(format!(
                "account request kind '{other}'"
            )));
        }
    };
    Ok(AccountRequest {
        id: r.try_get("request_id")?,
        user: user_from_row(r)?,
        kind,
        requested_by: UserId(r.try_get("requested_by")?),
        requested_by_name: r.try_get("requested_by_name")?,
        requested_at: r.try_get("requested_at")?,
    })
}

pub(crate) const REQUEST_SELECT: &str = "SELECT r.id AS request_id, r.kind, r.requested_by, \
    r.requested_at, q.display_name AS requested_by_name, ";

pub(crate) const REQUEST_FROM: &str = " FROM account_requests r JOIN users u ON u.id = r.user_id \
    JOIN users q ON q.id = r.requested_by";

pub(crate) async fn pending_account_requests(
    pool: &Pool,
    limit: i64,
) -> Result<Vec<AccountRequest>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{REQUEST_SELECT}{U_COLS}{REQUEST_FROM} WHERE r.decision IS NULL ORDER BY \
            r.requested_at, r.id LIMIT $1"
    )))
    .bind(limit.clamp(1, 500))
    .fetch_all(pool)
    .await?;
    rows.iter().map(request_from_row).collect()
}

pub(crate) async fn decide_account_request(
    pool: &Pool,
    approver: UserId,
    request_id: Uuid,
    approval: Option<(&str, chrono::DateTime<Utc>)>,
) -> Result<AccountRequest> {
    let mut tx = begin(pool).await?;
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{REQUEST_SELECT}{U_COLS}{REQUEST_FROM} WHERE r.id = $1 AND r.decision IS NULL{FOR_UPDATE}"
    )))
    .bind(request_id)
    .fetch_optional(&mut *tx)
    .await?
    .or_not_found("account request", request_id)?;
    let request = request_from_row(&row)?;
    if request.requested_by == approver {
        return Err(refuse(
            "request",
            "second_administrator",
            "another administrator must decide",
        ));
    }
    let approver_actor = Actor::user(approver);
    sqlx::query(
        "UPDATE account_requests SET decision = $1, decided_by = $2, decided_at = $3 WHERE id = $4",
    )
    .bind(if approval.is_some() {
        "approved"
    } else {
        "refused"
    })
    .bind(approver.0)
    .bind(Utc::now())
    .bind(request_id)
    .execute(&mut *tx)
    .await?;
    let user_id = request.user.id;
    match approval {
        Some((hash, expires_at)) => {
            audit(
                &mut tx,
                &approver_actor,
                AuditAction::UserRequestApprove,
                user_id,
            )
            .await?;
            let requester = Actor::user(request.requested_by);
            let issued = OneTimeIssue {
                reset_by: &requester,
                approved_by: Some(&approver_actor),
                creation: request.kind == AccountRequestKind::Create,
            };
            mark_one_time(&mut tx, &approver_actor, issued, user_id, hash, expires_at).await?;
        }
        None => {
            audit(
                &mut tx,
                &approver_actor,
                AuditAction::UserRequestRefuse,
                user_id,
            )
            .await?;
            if request.kind == AccountRequestKind::Create {
                // A refused account never had a credential; it stays, disabled, for the record.
                sqlx::query(
                    "UPDATE users SET disabled = $1, version = version + 1, updated_at = \
                    $2 WHERE id = $3",
                )
                .bind(true)
                .bind(Utc::now())
                .bind(user_id.0)
                .execute(&mut *tx)
                .await?;
                audit(&mut tx, &approver_actor, AuditAction::UserDisable, user_id).await?;
            }
        }
    }
    tx.commit().await?;
    Ok(request)
}

pub(crate) async fn use_one_time_credential(pool: &Pool, user_id: UserId) -> Result<bool> {
    let mut tx = begin(pool).await?;
    // One statement decides: of two sign-ins racing with the same credential, one wins.
    let done = sqlx::query(
        "UPDATE users SET one_time_expires_at = NULL, failed_logins = 0, locked_until = NULL \
            WHERE id = $1 AND must_change_password = $2 AND one_time_expires_at > $3",
    )
    .bind(user_id.0)
    .bind(true)
    .bind(Utc::now())
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    audit(
        &mut tx,
        &Actor::user(user_id),
        AuditAction::UserLoginOneTime,
        user_id,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

pub(crate) async fn reset_notice(pool: &Pool, user_id: UserId) -> Result<Option<ResetNotice>> {
    let row = sqlx::query(
        "SELECT reset_by, reset_approved_by, reset_at, reset_is_creation FROM users WHERE id = $1",
    )
    .bind(user_id.0)
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let Some(at) = row.try_get::<Option<chrono::DateTime<Utc>>, _>("reset_at")? else {
        return Ok(None);
    };
    let by: Option<String> = row.try_get("reset_by")?;
    let approved_by: Option<String> = row.try_get("reset_approved_by")?;
    let created: bool = row.try_get("reset_is_creation")?;
    // Actors are `user:<id>` or `system:<label>`; a system actor is the command line.
    async fn name(pool: &Pool, actor: Option<String>) -> Result<Option<String>> {
        let Some(id) = actor.as_deref().and_then(actor_user) else {
            return Ok(None);
        };
        Ok(
            sqlx::query_scalar("SELECT display_name FROM users WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?,
        )
    }
    Ok(Some(ResetNotice {
        by: name(pool, by).await?,
        approved_by: name(pool, approved_by).await?,
        at,
        created,
    }))
}

pub(crate) async fn record_failed_check(
    pool: &Pool,
    user_id: UserId,
    action: AuditAction,
    locked_until: Option<chrono::DateTime<Utc>>,
) -> Result<()> {
    let mut tx = begin(pool).await?;
    sqlx::query(
        "UPDATE users SET failed_logins = failed_logins + 1, locked_until = $1 WHERE id = $2",
    )
    .bind(locked_until)
    .bind(user_id.0)
    .execute(&mut *tx)
    .await?;
    audit(&mut tx, &Actor::user(user_id), action, user_id).await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn record_refused_sign_in(pool: &Pool, user_id: Option<UserId>) -> Result<()> {
    let mut tx = begin(pool).await?;
    let entry = match user_id {
        Some(id) => pending(
            &Actor::user(id),
            AuditAction::UserLoginLocked,
            id.to_string(),
        ),
        // No name in the log: an unknown name is recorded as such, nothing more.
        None => pending(
            &Actor::system("signin"),
            AuditAction::UserLoginUnknown,
            "unknown".into(),
        ),
    };
    append_audit(&mut tx, &[entry]).await?;
    tx.commit().await?;
    Ok(())
}
