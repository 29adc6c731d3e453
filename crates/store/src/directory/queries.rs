//! Organisations, offices and user accounts.

use chrono::Utc;
use sqlx::{QueryBuilder, Row as _};
use tabara_core::Role;
use tabara_core::audit::AuditAction;
use tabara_core::ids::*;
use tabara_core::records::*;
use uuid::Uuid;

use super::*;
use crate::{Actor, NewUser, Result, StoreError, User};

pub(crate) const ORG_COLS: &str =
    "id, name, org_type, street, city, province, country, phone, version";

pub(crate) fn org_from_row(r: &DbRow) -> Result<Organisation> {
    Ok(Organisation {
        id: OrganisationId(r.try_get("id")?),
        name: r.try_get("name")?,
        org_type: pick(&r.try_get::<String, _>("org_type")?)?,
        street: r.try_get("street")?,
        city: r.try_get("city")?,
        province: r.try_get("province")?,
        country: country_opt(r.try_get("country")?)?,
        phone: r.try_get("phone")?,
        version: r.try_get("version")?,
    })
}

pub(crate) async fn insert_organisations(tx: &mut Tx, orgs: &[&Organisation]) -> Result<()> {
    let now = Utc::now();
    for chunk in orgs.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO organisations (id, name, org_type, street, city, province, country, \
                phone, version, created_at, updated_at) ",
        );
        qb.push_values(chunk, |mut b, o| {
            b.push_bind(o.id.0)
                .push_bind(o.name.clone())
                .push_bind(o.org_type.as_str())
                .push_bind(o.street.clone())
                .push_bind(o.city.clone())
                .push_bind(o.province.clone())
                .push_bind(o.country.map(|c| c.code().to_string()))
                .push_bind(o.phone.clone())
                .push_bind(1i64)
                .push_bind(now)
                .push_bind(now);
        });
        qb.build().execute(&mut **tx).await?;
    }
    Ok(())
}

pub(crate) async fn create_organisation(
    pool: &Pool,
    actor: &Actor,
    org: &Organisation,
) -> Result<()> {
    let mut tx = begin(pool).await?;
    insert_organisations(&mut tx, &[org]).await?;
    audit(&mut tx, actor, AuditAction::OrganisationCreate, org.id).await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn organisations(pool: &Pool) -> Result<Vec<Organisation>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {ORG_COLS} FROM organisations ORDER BY name, id"
    )))
    .fetch_all(pool)
    .await?;
    rows.iter().map(org_from_row).collect()
}

pub(crate) async fn update_organisation(
    pool: &Pool,
    actor: &Actor,
    org: &Organisation,
) -> Result<i64> {
    let mut tx = begin(pool).await?;
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {ORG_COLS} FROM organisations WHERE id = $1{FOR_UPDATE}"
    )))
    .bind(org.id.0)
    .fetch_optional(&mut *tx)
    .await?
    .or_not_found("organisation", org.id)?;
    let current = org_from_row(&row)?;
    check_version("organisation", org.id, org.version, current.version)?;
    let version = current.version + 1;
    let updated = sqlx::query(
        "UPDATE organisations SET name = $1, org_type = $2, street = $3, city = $4, province = \
            $5, country = $6, phone = $7, version = $8, updated_at = $9 WHERE id = $10 AND \
            version = $11",
    )
    .bind(&org.name)
    .bind(org.org_type.as_str())
    .bind(&org.street)
    .bind(&org.city)
    .bind(&org.province)
    .bind(org.country.map(|c| c.code().to_string()))
    .bind(&org.phone)
    .bind(version)
    .bind(Utc::now())
    .bind(org.id.0)
    .bind(current.version)
    .execute(&mut *tx)
    .await?;
    ensure_updated(updated, "organisation", org.id, org.version)?;
    record_change(
        &mut tx,
        "organisation",
        &org.id.to_string(),
        version,
        actor,
        diff(&current, org),
    )
    .await?;
    audit(&mut tx, actor, AuditAction::OrganisationUpdate, org.id).await?;
    tx.commit().await?;
    Ok(version)
}

pub(crate) async fn create_office(pool: &Pool, actor: &Actor, office: &Office) -> Result<()> {
    let mut e = tabara_core::validation::ValidationErrors::default();
    tabara_core::validation::check_characters(&mut e, "off_Name", &office.name, false);
    tabara_core::validation::check_characters(&mut e, "off_Province", &office.province, false);
    e.into_result(())?;
    let mut tx = begin(pool).await?;
    let now = Utc::now();
    sqlx::query(
        "INSERT INTO offices (id, organisation_id, name, kind, province, border_country, \
            version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(office.id.0)
    .bind(office.organisation_id.0)
    .bind(&office.name)
    .bind(office.kind.as_str())
    .bind(&office.province)
    .bind(office.border_country.map(|c| c.code().to_string()))
    .bind(1i64)
    .bind(now)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    audit(&mut tx, actor, AuditAction::OfficeCreate, office.id).await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn offices(pool: &Pool) -> Result<Vec<Office>> {
    let rows = sqlx::query(
        "SELECT id, organisation_id, name, kind, province, border_country, version FROM offices \
            ORDER BY name, id",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Office {
                id: OfficeId(r.try_get("id")?),
                organisation_id: OrganisationId(r.try_get("organisation_id")?),
                name: r.try_get("name")?,
                kind: pick(&r.try_get::<String, _>("kind")?)?,
                province: r.try_get("province")?,
                border_country: country_opt(r.try_get("border_country")?)?,
                version: r.try_get("version")?,
            })
        })
        .collect()
}

pub(crate) const USER_COLS: &str =
    "id, username, display_name, role, organisation_id, office_id, disabled, version";

pub(crate) fn user_from_row(r: &DbRow) -> Result<User> {
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

pub(crate) async fn create_user(pool: &Pool, actor: &Actor, user: &NewUser) -> Result<UserId> {
    let mut tx = begin(pool).await?;
    insert_user(&mut tx, actor, user).await?;
    tx.commit().await?;
    Ok(user.id)
}

/// Insert an account and audit its creation, inside the caller's transaction.
pub(crate) async fn insert_user(tx: &mut Tx, actor: &Actor, user: &NewUser) -> Result<()> {
    let mut e = tabara_core::validation::ValidationErrors::default();
    tabara_core::validation::check_characters(&mut e, "usr_DisplayName", &user.display_name, false);
    e.into_result(())?;
    let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE username = $1")
        .bind(&user.username)
        .fetch_one(&mut **tx)
        .await?;
    let duplicate = || StoreError::Duplicate {
        what: "user name",
        value: user.username.clone(),
    };
    if taken > 0 {
        return Err(duplicate());
    }
    let now = Utc::now();
    sqlx::query(
        "INSERT INTO users (id, username, display_name, role, organisation_id, office_id, \
            password_hash, disabled, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, \
            $6, $7, $8, $9, $10, $11)",
    )
    .bind(user.id.0)
    .bind(&user.username)
    .bind(&user.display_name)
    .bind(user.role.as_str())
    .bind(user.organisation_id.0)
    .bind(user.office_id.map(|o| o.0))
    .bind(&user.password_hash)
    .bind(false)
    .bind(1i64)
    .bind(now)
    .bind(now)
    .execute(&mut **tx)
    .await
    // Two creations racing past the check on PostgreSQL meet at the unique index.
    .map_err(|e| unique_violation_as(e, duplicate))?;
    audit(tx, actor, AuditAction::UserCreate, user.id).await?;
    Ok(())
}

pub(crate) async fn user_by_username(pool: &Pool, username: &str) -> Result<Option<User>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLS} FROM users WHERE username = $1"
    )))
    .bind(username)
    .fetch_optional(pool)
    .await?;
    row.as_ref().map(user_from_row).transpose()
}

pub(crate) async fn count_users(pool: &Pool) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(pool)
        .await?)
}

pub(crate) async fn users(pool: &Pool, after: Option<&str>, limit: i64) -> Result<Vec<User>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLS} FROM users WHERE username > $1 ORDER BY username LIMIT $2"
    )))
    .bind(after.unwrap_or(""))
    .bind(limit.clamp(1, 500))
    .fetch_all(pool)
    .await?;
    rows.iter().map(user_from_row).collect()
}

pub(crate) async fn organisation_users(
    pool: &Pool,
    organisation_id: OrganisationId,
    limit: i64,
) -> Result<Vec<User>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLS} FROM users WHERE organisation_id = $1 AND disabled = $2 ORDER BY \
            display_name, username LIMIT $3"
    )))
    .bind(organisation_id.0)
    .bind(false)
    .bind(limit.clamp(1, 500))
    .fetch_all(pool)
    .await?;
    rows.iter().map(user_from_row).collect()
}

pub(crate) async fn organisations_with_role(
    pool: &Pool,
    role: Role,
) -> Result<Vec<OrganisationId>> {
    let ids: Vec<uuid::Uuid> = sqlx::query_scalar(
        "SELECT DISTINCT organisation_id FROM users WHERE role = $1 AND disabled = $2 LIMIT 500",
    )
    .bind(role.as_str())
    .bind(false)
    .fetch_all(pool)
    .await?;
    Ok(ids.into_iter().map(OrganisationId).collect())
}

pub(crate) async fn user(pool: &Pool, id: UserId) -> Result<User> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLS} FROM users WHERE id = $1"
    )))
    .bind(id.0)
    .fetch_optional(pool)
    .await?
    .or_not_found("user", id)?;
    user_from_row(&row)
}
