//! Providers of the services directory.

use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Row as _};
use tabara_core::audit::AuditAction;
use tabara_core::ids::*;
use tabara_core::picklist::ValueSet;
use tabara_core::services::{ProviderForm, check_free};

use super::*;
use crate::audit::actor_user;
use crate::services::{Capacity, MAX_PROVIDER_LIST, ProviderQuery, ServiceProvider, ServiceType};
use crate::{Actor, Result};

const KIND: &str = "service_provider";

const COLS: &str = "id, organisation_id, office_id, name, services, areas, languages, phone, \
    email, hours, capacity_free, capacity_updated_at, capacity_updated_by, capacity_updated_org, \
    version";

fn list_to_db(items: &[String]) -> String {
    if items.is_empty() {
        ";".to_string()
    } else {
        format!(";{};", items.join(";"))
    }
}

fn list_from_db(s: &str) -> Vec<String> {
    s.split(';')
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

fn from_row(r: &DbRow) -> Result<ServiceProvider> {
    let free: Option<i64> = r.try_get("capacity_free")?;
    let at: Option<DateTime<Utc>> = r.try_get("capacity_updated_at")?;
    let by: Option<String> = r.try_get("capacity_updated_by")?;
    let org: Option<uuid::Uuid> = r.try_get("capacity_updated_org")?;
    let capacity = match (free, at, by) {
        (Some(free), Some(updated_at), Some(updated_by)) => Some(Capacity {
            free,
            updated_at,
            updated_by,
            updated_by_organisation: org.map(OrganisationId),
        }),
        _ => None,
    };
    let office: Option<uuid::Uuid> = r.try_get("office_id")?;
    let areas: String = r.try_get("areas")?;
    let languages: String = r.try_get("languages")?;
    Ok(ServiceProvider {
        id: ServiceProviderId(r.try_get("id")?),
        organisation_id: OrganisationId(r.try_get("organisation_id")?),
        office_id: office.map(OfficeId),
        name: r.try_get("name")?,
        services: set_from_db(r.try_get("services")?)?,
        areas: list_from_db(&areas),
        languages: list_from_db(&languages),
        phone: r.try_get("phone")?,
        email: r.try_get("email")?,
        hours: r.try_get("hours")?,
        capacity,
        version: r.try_get("version")?,
    })
}

/// The form's rules again (a caller may build a provider without the form), and that the
/// agency exists and the office, if any, is one of its own.
async fn check(tx: &mut Tx, p: &ServiceProvider) -> Result<()> {
    ProviderForm::from_provider(p).validate()?;
    let known: Option<uuid::Uuid> =
        sqlx::query_scalar("SELECT id FROM organisations WHERE id = $1")
            .bind(p.organisation_id.0)
            .fetch_optional(&mut **tx)
            .await?;
    if known.is_none() {
        return Err(refuse("svc_Organisation", "unknown", "no such agency"));
    }
    if let Some(office) = p.office_id {
        let owner: Option<uuid::Uuid> =
            sqlx::query_scalar("SELECT organisation_id FROM offices WHERE id = $1")
                .bind(office.0)
                .fetch_optional(&mut **tx)
                .await?;
        match owner {
            None => return Err(refuse("svc_Office", "unknown", "no such office")),
            Some(o) if o != p.organisation_id.0 => {
                return Err(refuse(
                    "svc_Office",
                    "other_organisation",
                    "the office belongs to another agency",
                ));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// The agency of the user an actor names (none for a system process).
async fn actor_organisation(tx: &mut Tx, actor: &Actor) -> Result<Option<uuid::Uuid>> {
    let Some(user) = actor_user(actor.as_str()) else {
        return Ok(None);
    };
    Ok(
        sqlx::query_scalar("SELECT organisation_id FROM users WHERE id = $1")
            .bind(user)
            .fetch_optional(&mut **tx)
            .await?,
    )
}

pub(crate) async fn create_service_provider(
    pool: &Pool,
    actor: &Actor,
    p: &ServiceProvider,
) -> Result<()> {
    let free = check_free(p.capacity.as_ref().map(|c| c.free))?;
    let mut tx = begin(pool).await?;
    check(&mut tx, p).await?;
    let now = Utc::now();
    let org = match free {
        Some(_) => actor_organisation(&mut tx, actor).await?,
        None => None,
    };
    sqlx::query(
        "INSERT INTO service_providers (id, organisation_id, office_id, name, services, areas, \
            languages, phone, email, hours, capacity_free, capacity_updated_at, \
            capacity_updated_by, capacity_updated_org, created_by, created_at, updated_at, \
            version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
            $16, $17, $18)",
    )
    .bind(p.id.0)
    .bind(p.organisation_id.0)
    .bind(p.office_id.map(|o| o.0))
    .bind(p.name.trim())
    .bind(set_to_db(&p.services))
    .bind(list_to_db(&p.areas))
    .bind(list_to_db(&p.languages))
    .bind(&p.phone)
    .bind(&p.email)
    .bind(&p.hours)
    .bind(free)
    .bind(free.map(|_| now))
    .bind(free.map(|_| actor.as_str()))
    .bind(org)
    .bind(actor.as_str())
    .bind(now)
    .bind(now)
    .bind(1_i64)
    .execute(&mut *tx)
    .await
    .map_err(|e| unique_violation_as(e, || refuse("svc_Name", "duplicate", "this id exists")))?;
    audit(&mut tx, actor, AuditAction::ServiceProviderCreate, p.id).await?;
    tx.commit().await?;
    Ok(())
}

async fn locked(tx: &mut Tx, id: ServiceProviderId) -> Result<ServiceProvider> {
    from_row(&row_by_id(tx, ("service_providers", COLS), (KIND, id.0), FOR_UPDATE).await?)
}

pub(crate) async fn update_service_provider(
    pool: &Pool,
    actor: &Actor,
    p: &ServiceProvider,
) -> Result<i64> {
    let mut tx = begin(pool).await?;
    let current = locked(&mut tx, p.id).await?;
    check_version(KIND, p.id, p.version, current.version)?;
    check(&mut tx, p).await?;
    let version = current.version + 1;
    let updated = sqlx::query(
        "UPDATE service_providers SET organisation_id = $1, office_id = $2, name = $3, \
            services = $4, areas = $5, languages = $6, phone = $7, email = $8, hours = $9, \
            version = $10, updated_at = $11 WHERE id = $12 AND version = $13",
    )
    .bind(p.organisation_id.0)
    .bind(p.office_id.map(|o| o.0))
    .bind(p.name.trim())
    .bind(set_to_db(&p.services))
    .bind(list_to_db(&p.areas))
    .bind(list_to_db(&p.languages))
    .bind(&p.phone)
    .bind(&p.email)
    .bind(&p.hours)
    .bind(version)
    .bind(Utc::now())
    .bind(p.id.0)
    .bind(current.version)
    .execute(&mut *tx)
    .await?;
    ensure_updated(updated, KIND, p.id, p.version)?;
    // The capacity is not this update's: compare the rest.
    let mut after = p.clone();
    after.capacity = current.capacity.clone();
    let changes = diff(&current, &after);
    record_change(&mut tx, KIND, &p.id.to_string(), version, actor, changes).await?;
    audit(&mut tx, actor, AuditAction::ServiceProviderUpdate, p.id).await?;
    tx.commit().await?;
    Ok(version)
}

pub(crate) async fn update_provider_capacity(
    pool: &Pool,
    actor: &Actor,
    id: ServiceProviderId,
    expected_version: i64,
    free: Option<i64>,
) -> Result<ServiceProvider> {
    let free = check_free(free)?;
    let mut tx = begin(pool).await?;
    let current = locked(&mut tx, id).await?;
    check_version(KIND, id, expected_version, current.version)?;
    let now = Utc::now();
    let org = match free {
        Some(_) => actor_organisation(&mut tx, actor).await?,
        None => None,
    };
    let version = current.version + 1;
    let updated = sqlx::query(
        "UPDATE service_providers SET capacity_free = $1, capacity_updated_at = $2, \
            capacity_updated_by = $3, capacity_updated_org = $4, version = $5, updated_at = $6 \
            WHERE id = $7 AND version = $8",
    )
    .bind(free)
    .bind(free.map(|_| now))
    .bind(free.map(|_| actor.as_str()))
    .bind(org)
    .bind(version)
    .bind(now)
    .bind(id.0)
    .bind(current.version)
    .execute(&mut *tx)
    .await?;
    ensure_updated(updated, KIND, id, expected_version)?;
    let mut after = current.clone();
    after.capacity = free.map(|free| Capacity {
        free,
        updated_at: now,
        updated_by: actor.as_str().to_string(),
        updated_by_organisation: org.map(OrganisationId),
    });
    after.version = version;
    let changes = diff(&current, &after);
    record_change(&mut tx, KIND, &id.to_string(), version, actor, changes).await?;
    audit(&mut tx, actor, AuditAction::ServiceProviderCapacity, id).await?;
    tx.commit().await?;
    Ok(after)
}

pub(crate) async fn service_provider(
    pool: &Pool,
    id: ServiceProviderId,
) -> Result<ServiceProvider> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} FROM service_providers WHERE id = $1"
    )))
    .bind(id.0)
    .fetch_optional(pool)
    .await?
    .or_not_found(KIND, id)?;
    from_row(&row)
}

/// Core's matching rule in SQL: each filter given is a `LIKE` on its `;a;b;` set (the area a
/// disjunction over the codes that serve it, see `ProviderQuery::area_codes`).
pub(crate) async fn search_service_providers(
    pool: &Pool,
    q: &ProviderQuery,
    limit: i64,
) -> Result<Vec<ServiceProvider>> {
    let mut qb =
        QueryBuilder::<Db>::new(format!("SELECT {COLS} FROM service_providers WHERE 1 = 1"));
    if let Some(s) = q.service {
        qb.push(" AND services LIKE ")
            .push_bind(format!("%;{};%", s.as_str()));
    }
    if let Some(l) = &q.language {
        qb.push(" AND languages LIKE ")
            .push_bind(format!("%;{l};%"));
    }
    if let Some(codes) = q.area_codes() {
        if codes.is_empty() {
            return Ok(Vec::new());
        }
        qb.push(" AND (");
        for (i, c) in codes.iter().enumerate() {
            if i > 0 {
                qb.push(" OR ");
            }
            qb.push("areas LIKE ").push_bind(format!("%;{c};%"));
        }
        qb.push(")");
    }
    qb.push(" ORDER BY name, id LIMIT ")
        .push_bind(limit.clamp(1, MAX_PROVIDER_LIST));
    let rows = qb.build().fetch_all(pool).await?;
    rows.iter().map(from_row).collect()
}

pub(crate) async fn offered_services(
    pool: &Pool,
    organisation: OrganisationId,
) -> Result<ValueSet<ServiceType>> {
    let rows: Vec<String> = sqlx::query_scalar(
        "SELECT services FROM service_providers WHERE organisation_id = $1 LIMIT 1000",
    )
    .bind(organisation.0)
    .fetch_all(pool)
    .await?;
    let mut out = ValueSet::new();
    for s in rows {
        for v in set_from_db::<ServiceType>(Some(s))?.iter() {
            out.insert(v);
        }
    }
    Ok(out)
}
