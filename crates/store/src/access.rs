// Sign-in, sessions, sharing and need-to-know, written once for both backends (included next
// to ops.rs by the `sqlite` and `postgres` modules).

const USER_COLS: &str = "id, username, display_name, role, organisation_id, office_id, disabled, version";

fn user_from_row(r: &DbRow) -> Result<User> {
    Ok(User {
        id: UserId(r.try_get("id")?),
        username: r.try_get("username")?,
        display_name: r.try_get("display_name")?,
        role: pick::<Role>(&r.try_get::<String, _>("role")?)?,
        organisation_id: OrganisationId(r.try_get("organisation_id")?),
        office_id: r.try_get::<Option<Uuid>, _>("office_id")?.map(OfficeId),
        disabled: r.try_get("disabled")?,
        version: r.try_get("version")?,
    })
}

pub(super) async fn users(pool: &Pool, after: Option<&str>, limit: i64) -> Result<Vec<User>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLS} FROM users WHERE username > $1 ORDER BY username LIMIT $2"
    )))
    .bind(after.unwrap_or(""))
    .bind(limit.clamp(1, 500))
    .fetch_all(pool)
    .await?;
    rows.iter().map(user_from_row).collect()
}

pub(super) async fn organisation_users(pool: &Pool, organisation_id: OrganisationId, limit: i64) -> Result<Vec<User>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLS} FROM users WHERE organisation_id = $1 AND disabled = $2 ORDER BY display_name, username LIMIT $3"
    )))
    .bind(organisation_id.0)
    .bind(false)
    .bind(limit.clamp(1, 500))
    .fetch_all(pool)
    .await?;
    rows.iter().map(user_from_row).collect()
}

pub(super) async fn user(pool: &Pool, id: UserId) -> Result<User> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {USER_COLS} FROM users WHERE id = $1")))
        .bind(id.0)
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| StoreError::NotFound { kind: "user", id: id.to_string() })?;
    user_from_row(&row)
}

pub(super) async fn credentials(pool: &Pool, username: &str) -> Result<Option<Credentials>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLS}, password_hash, failed_logins, locked_until, must_change_password, one_time_expires_at FROM users WHERE username = $1"
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

pub(super) async fn record_login(
    pool: &Pool,
    user_id: UserId,
    success: bool,
    locked_until: Option<chrono::DateTime<Utc>>,
) -> Result<()> {
    let mut tx = begin(pool).await?;
    if success {
        sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1")
            .bind(user_id.0)
            .execute(&mut *tx)
            .await?;
    } else {
        sqlx::query("UPDATE users SET failed_logins = failed_logins + 1, locked_until = $1 WHERE id = $2")
            .bind(locked_until)
            .bind(user_id.0)
            .execute(&mut *tx)
            .await?;
    }
    let action = if success { "user.login" } else { "user.login_failed" };
    append_audit(&mut tx, &[pending(&Actor::user(user_id), action, "user", user_id.to_string())]).await?;
    tx.commit().await?;
    Ok(())
}

pub(super) async fn set_password(pool: &Pool, actor: &Actor, user_id: UserId, password_hash: &str) -> Result<()> {
    let mut tx = begin(pool).await?;
    let done = sqlx::query(
        "UPDATE users SET password_hash = $1, password_changed_at = $2, failed_logins = 0, locked_until = NULL, must_change_password = $3, one_time_expires_at = NULL, version = version + 1, updated_at = $4 WHERE id = $5",
    )
    .bind(password_hash)
    .bind(Utc::now())
    // The holder's own choice: no longer a one-time credential.
    .bind(false)
    .bind(Utc::now())
    .bind(user_id.0)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound { kind: "user", id: user_id.to_string() });
    }
    // A new password ends every session opened with the old one.
    sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id.0).execute(&mut *tx).await?;
    append_audit(&mut tx, &[pending(actor, "user.password", "user", user_id.to_string())]).await?;
    tx.commit().await?;
    Ok(())
}

pub(super) async fn set_user_disabled(pool: &Pool, actor: &Actor, user_id: UserId, disabled: bool) -> Result<()> {
    let mut tx = begin(pool).await?;
    let done = sqlx::query("UPDATE users SET disabled = $1, version = version + 1, updated_at = $2 WHERE id = $3")
        .bind(disabled)
        .bind(Utc::now())
        .bind(user_id.0)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound { kind: "user", id: user_id.to_string() });
    }
    if disabled {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id.0).execute(&mut *tx).await?;
    }
    let action = if disabled { "user.disable" } else { "user.enable" };
    append_audit(&mut tx, &[pending(actor, action, "user", user_id.to_string())]).await?;
    tx.commit().await?;
    Ok(())
}

pub(super) async fn create_session(
    pool: &Pool,
    user_id: UserId,
    token_hash: &str,
    csrf_token: &str,
    lang: &str,
    expires_at: chrono::DateTime<Utc>,
) -> Result<()> {
    insert_session(pool, user_id, token_hash, csrf_token, lang, expires_at, false).await
}

async fn insert_session(
    pool: &Pool,
    user_id: UserId,
    token_hash: &str,
    csrf_token: &str,
    lang: &str,
    expires_at: chrono::DateTime<Utc>,
    password_only: bool,
) -> Result<()> {
    let now = Utc::now();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, lang, created_at, last_seen_at, expires_at, password_only) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(token_hash)
    .bind(user_id.0)
    .bind(csrf_token)
    .bind(lang)
    .bind(now)
    .bind(now)
    .bind(expires_at)
    .bind(password_only)
    .execute(pool)
    .await?;
    Ok(())
}

pub(super) async fn session(pool: &Pool, token_hash: &str) -> Result<Option<Session>> {
    let row = sqlx::query(
        "SELECT u.id, u.username, u.display_name, u.role, u.organisation_id, u.office_id, u.disabled, u.version, \
         s.csrf_token, s.lang, s.created_at, s.last_seen_at, s.expires_at, s.password_only \
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
    )
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
        })
    })
    .transpose()
}

pub(super) async fn touch_session(pool: &Pool, token_hash: &str, lang: &str) -> Result<()> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1, lang = $2 WHERE token_hash = $3")
        .bind(Utc::now())
        .bind(lang)
        .bind(token_hash)
        .execute(pool)
        .await?;
    Ok(())
}

pub(super) async fn end_session(pool: &Pool, token_hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(pool).await?;
    Ok(())
}

pub(super) async fn share_case(
    pool: &Pool,
    actor: &Actor,
    case_id: CaseId,
    organisation_id: OrganisationId,
    reason: &str,
    may_edit: bool,
) -> Result<()> {
    let reason = reason.trim();
    let mut e = tabara_core::validation::ValidationErrors::default();
    tabara_core::validation::check_characters(&mut e, "share_Reason", reason, true);
    if reason.is_empty() {
        e.push("share_Reason", "required", "a share needs a reason");
    } else if reason.chars().count() > MAX_LONG_TEXT {
        e.push("share_Reason", "max_length", format!("at most {MAX_LONG_TEXT} characters allowed"));
    }
    e.into_result(())?;
    let mut tx = begin(pool).await?;
    let case = fetch_case(&mut *tx, "c.id = $1", CaseKey::Id(case_id)).await?;
    if case.organisation_id == organisation_id {
        return Err(StoreError::Duplicate { what: "share", value: "the case already belongs to this organisation".into() });
    }
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM case_shares WHERE case_id = $1 AND organisation_id = $2")
        .bind(case_id.0)
        .bind(organisation_id.0)
        .fetch_one(&mut *tx)
        .await?;
    if existing > 0 {
        return Err(StoreError::Duplicate { what: "share", value: organisation_id.to_string() });
    }
    sqlx::query("INSERT INTO case_shares (case_id, organisation_id, reason, shared_by, shared_at, may_edit) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(case_id.0)
        .bind(organisation_id.0)
        .bind(reason)
        .bind(actor.as_str())
        .bind(Utc::now())
        .bind(may_edit)
        .execute(&mut *tx)
        .await?;
    // The flag is part of what was granted: a share for editing is its own action in the log.
    let action = if may_edit { "case.share_for_editing" } else { "case.share" };
    append_audit(&mut tx, &[pending(actor, action, "case", case_id.to_string())]).await?;
    tx.commit().await?;
    Ok(())
}

pub(super) async fn case_shares<'e, E: sqlx::Executor<'e, Database = Db>>(pool: E, case_id: CaseId) -> Result<Vec<CaseShare>> {
    let rows = sqlx::query(
        "SELECT s.organisation_id, g.name, s.reason, s.shared_by, s.shared_at, s.may_edit FROM case_shares s \
         JOIN organisations g ON g.id = s.organisation_id WHERE s.case_id = $1 ORDER BY s.shared_at",
    )
    .bind(case_id.0)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(CaseShare {
                organisation_id: OrganisationId(r.try_get("organisation_id")?),
                organisation_name: r.try_get("name")?,
                reason: r.try_get("reason")?,
                shared_by: r.try_get("shared_by")?,
                shared_at: r.try_get("shared_at")?,
                may_edit: r.try_get("may_edit")?,
            })
        })
        .collect()
}

/// How the viewer stands to a case; `None` when the case does not exist.
pub(super) async fn relation(pool: &Pool, viewer: &Viewer, case_id: CaseId) -> Result<Option<Relation>> {
    let row = sqlx::query(
        "SELECT c.organisation_id, c.office_id, c.owner_id, c.involves_minor, \
         (SELECT COUNT(*) FROM case_shares s WHERE s.case_id = c.id AND s.organisation_id = $1) AS shared, \
         (SELECT COUNT(*) FROM case_shares s WHERE s.case_id = c.id AND s.organisation_id = $2 AND s.may_edit = $3) AS shared_for_editing \
         FROM cases c WHERE c.id = $4",
    )
    .bind(viewer.organisation_id.0)
    .bind(viewer.organisation_id.0)
    .bind(true)
    .bind(case_id.0)
    .fetch_optional(pool)
    .await?;
    row.map(|r| {
        let organisation: Uuid = r.try_get("organisation_id")?;
        let office: Option<Uuid> = r.try_get("office_id")?;
        let owner: Option<Uuid> = r.try_get("owner_id")?;
        let shared: i64 = r.try_get("shared")?;
        let shared_for_editing: i64 = r.try_get("shared_for_editing")?;
        Ok(Relation {
            same_agency: organisation == viewer.organisation_id.0,
            same_office: office.is_some() && office == viewer.office_id.map(|o| o.0),
            assigned: owner == Some(viewer.user_id.0),
            shared_with_agency: shared > 0,
            shared_for_editing: shared > 0 && shared_for_editing > 0,
            involves_minor: r.try_get("involves_minor")?,
        })
    })
    .transpose()
}

/// One way a viewer reaches cases; the case list is the union of them.
enum Reach {
    Organisation(Uuid),
    Office(Uuid),
    Owner(Uuid),
    Shared(Uuid),
    Minor,
}

/// The ways each role reaches cases: mirrors `permissions::decide` (checked by
/// tests/access.rs against `decide` for every demo user).
fn reach_of(v: &Viewer) -> Vec<Reach> {
    use tabara_core::Role::*;
    let mut out = Vec::new();
    match v.role {
        Officer => {
            out.push(Reach::Owner(v.user_id.0));
            if let Some(office) = v.office_id {
                out.push(Reach::Office(office.0));
            }
        }
        Investigator | Supervisor | Caseworker | ChildProtection => {
            out.push(Reach::Organisation(v.organisation_id.0));
            out.push(Reach::Owner(v.user_id.0));
            out.push(Reach::Shared(v.organisation_id.0));
            if v.role == ChildProtection {
                out.push(Reach::Minor);
            }
        }
        Prosecutor => {
            out.push(Reach::Owner(v.user_id.0));
            out.push(Reach::Shared(v.organisation_id.0));
        }
        Admin | Analyst | Trainer | LegalAid => {}
    }
    out
}

pub(super) async fn create_api_token(
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
    sqlx::query("INSERT INTO api_tokens (token_hash, user_id, name, created_at, expires_at, revoked) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(token_hash)
        .bind(user_id.0)
        .bind(name)
        .bind(Utc::now())
        .bind(expires_at)
        .bind(false)
        .execute(&mut *tx)
        .await?;
    append_audit(&mut tx, &[pending(actor, "api_token.create", "user", user_id.to_string())]).await?;
    tx.commit().await?;
    Ok(())
}

/// The active account behind an API token: not revoked, not expired, account not disabled.
pub(super) async fn api_token_user(pool: &Pool, token_hash: &str) -> Result<Option<User>> {
    let row = sqlx::query(
        "SELECT u.id, u.username, u.display_name, u.role, u.organisation_id, u.office_id, u.disabled, u.version, \
         t.expires_at, t.revoked, u.must_change_password FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1",
    )
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
