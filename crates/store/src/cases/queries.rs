//! Cases: numbering, reading, versioned updates and the case list under need-to-know.

use chrono::Utc;
use sqlx::{QueryBuilder, Row as _};
use tabara_core::audit::AuditAction;
use tabara_core::ids::*;
use tabara_core::records::*;
use uuid::Uuid;

use super::access::{Reach, reach_of};
use super::*;

#[path = "involvement.rs"]
mod involvement;
#[path = "notes.rs"]
mod notes;
use crate::{
    Actor, CaseFilter, CaseSummary, Dialect, NAME_SEARCH_KEYS, NewCase, Page, PageRequest, Result,
};
pub(crate) use involvement::*;
pub(crate) use notes::*;

pub(crate) const CASE_COLS: &str = "c.id AS c_id, c.number AS c_number, c.organisation_id AS \
    c_org, c.office_id AS c_office, c.owner_id AS c_owner, c.status AS c_status, c.opened_on AS \
    c_opened_on, c.closed_on AS c_closed_on, c.closure_reason AS c_closure_reason, \
    c.referring_organisation_id AS c_ref_org, c.incoming_referral_date AS c_ref_date, \
    c.incoming_referral_reason AS c_ref_reason, c.incoming_referral_details AS c_ref_details, \
    c.version AS c_version";

pub(crate) fn case_from_row(r: &DbRow) -> Result<Case> {
    Ok(Case {
        id: CaseId(r.try_get("c_id")?),
        number: r.try_get("c_number")?,
        organisation_id: OrganisationId(r.try_get("c_org")?),
        office_id: r.try_get::<Option<Uuid>, _>("c_office")?.map(OfficeId),
        owner_id: r.try_get::<Option<Uuid>, _>("c_owner")?.map(UserId),
        facts: CaseFacts {
            status: pick(&r.try_get::<String, _>("c_status")?)?,
            opened_on: r.try_get("c_opened_on")?,
            closed_on: r.try_get("c_closed_on")?,
            closure_reason: r.try_get("c_closure_reason")?,
            referring_organisation_id: r
                .try_get::<Option<Uuid>, _>("c_ref_org")?
                .map(OrganisationId),
            incoming_referral_date: r.try_get("c_ref_date")?,
            incoming_referral_reason: pick_opt(r.try_get("c_ref_reason")?)?,
            incoming_referral_details: r.try_get("c_ref_details")?,
        },
        version: r.try_get("c_version")?,
    })
}

pub(crate) async fn reserve_case_numbers(tx: &mut Tx, n: i64) -> Result<i64> {
    let last: i64 = sqlx::query_scalar(
        "UPDATE counters SET value = value + $1 WHERE name = 'case_number' RETURNING value",
    )
    .bind(n)
    .fetch_one(&mut **tx)
    .await?;
    Ok(last - n + 1)
}

pub(crate) async fn insert_cases(
    tx: &mut Tx,
    keys: &crate::keys::Keys,
    cases: &[(&NewCase, i64, String, bool)],
) -> Result<()> {
    let now = Utc::now();
    for chunk in cases.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO cases (id, number, organisation_id, office_id, owner_id, status, \
                opened_on, closed_on, closure_reason, referring_organisation_id, \
                incoming_referral_date, incoming_referral_reason, incoming_referral_details, \
                exploitation_types, involves_minor, version, created_at, updated_at) ",
        );
        qb.push_values(chunk, |mut b, (c, number, exploitation, minor)| {
            let f = &c.facts;
            b.push_bind(c.id.0)
                .push_bind(*number)
                .push_bind(c.organisation_id.0)
                .push_bind(c.office_id.map(|o| o.0))
                .push_bind(c.owner_id.map(|o| o.0))
                .push_bind(f.status.as_str())
                .push_bind(f.opened_on)
                .push_bind(f.closed_on)
                .push_bind(
                    f.closure_reason
                        .as_ref()
                        .map(|t| keys.seal_case_text(c.id, "cases.closure_reason", t)),
                )
                .push_bind(f.referring_organisation_id.map(|o| o.0))
                .push_bind(f.incoming_referral_date)
                .push_bind(f.incoming_referral_reason.map(|r| r.as_str()))
                .push_bind(
                    f.incoming_referral_details
                        .as_ref()
                        .map(|t| keys.seal_case_text(c.id, "cases.incoming_referral_details", t)),
                )
                .push_bind(exploitation.clone())
                .push_bind(*minor)
                .push_bind(1i64)
                .push_bind(now)
                .push_bind(now);
        });
        qb.build().execute(&mut **tx).await?;
    }
    Ok(())
}

pub(crate) async fn create_case(
    pool: &Pool,
    keys: &crate::keys::Keys,
    actor: &Actor,
    new: &NewCase,
) -> Result<Case> {
    new.facts.validate(today())?;
    let mut tx = begin(pool).await?;
    let number = reserve_case_numbers(&mut tx, 1).await?;
    insert_cases(&mut tx, keys, &[(new, number, ";".to_string(), false)]).await?;
    audit(&mut tx, actor, AuditAction::CaseCreate, new.id).await?;
    tx.commit().await?;
    Ok(Case {
        id: new.id,
        number,
        organisation_id: new.organisation_id,
        office_id: new.office_id,
        owner_id: new.owner_id,
        facts: new.facts.clone(),
        version: 1,
    })
}

pub(crate) async fn fetch_case<'e, E>(ex: E, clause: &'static str, id: CaseKey) -> Result<Case>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    let q = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {CASE_COLS} FROM cases c WHERE {clause}"
    )));
    let q = match id {
        CaseKey::Id(id) => q.bind(id.0),
        CaseKey::Number(n) => q.bind(n),
    };
    let row = q.fetch_optional(ex).await?.or_not_found(
        "case",
        match id {
            CaseKey::Id(id) => id.to_string(),
            CaseKey::Number(n) => case_reference(n),
        },
    )?;
    case_from_row(&row)
}

/// A list that belongs to one case, each row read by `from_row`: `sql` takes the case as `$1`
/// and the number of rows as `$2` (at least one).
pub(crate) async fn case_list<'e, E, T>(
    ex: E,
    sql: impl sqlx::SqlSafeStr,
    case_id: CaseId,
    limit: i64,
    from_row: impl Fn(&DbRow) -> Result<T>,
) -> Result<Vec<T>>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    let rows = sqlx::query(sql)
        .bind(case_id.0)
        .bind(limit.max(1))
        .fetch_all(ex)
        .await?;
    rows.iter().map(from_row).collect()
}

#[derive(Clone, Copy)]
pub(crate) enum CaseKey {
    Id(CaseId),
    Number(i64),
}

pub(crate) async fn case_by_number(pool: &Pool, number: i64) -> Result<Case> {
    fetch_case(pool, "c.number = $1", CaseKey::Number(number)).await
}

pub(crate) async fn case(pool: &Pool, id: CaseId) -> Result<Case> {
    fetch_case(pool, "c.id = $1", CaseKey::Id(id)).await
}

pub(crate) async fn update_case(
    pool: &Pool,
    keys: &crate::keys::Keys,
    actor: &Actor,
    case: &Case,
) -> Result<i64> {
    case.facts.validate(today())?;
    let mut tx = begin(pool).await?;
    let clause = match DIALECT {
        Dialect::Sqlite => "c.id = $1",
        Dialect::Postgres => "c.id = $1 FOR UPDATE",
    };
    let mut current = fetch_case(&mut *tx, clause, CaseKey::Id(case.id)).await?;
    keys.case_texts(current.id, &mut current.facts, true)?;
    check_version("case", case.reference(), case.version, current.version)?;
    let mut sealed = case.facts.clone();
    keys.case_texts(case.id, &mut sealed, false)?;
    let closing = |s: tabara_core::htcds::CaseStatus| {
        matches!(
            s,
            tabara_core::htcds::CaseStatus::Closed | tabara_core::htcds::CaseStatus::ClosedReferred
        )
    };
    if closing(case.facts.status) && !closing(current.facts.status) {
        // A case with a child closes only once child protection signed every pathway off.
        let open = pathways::pathways_of(&mut tx, case.id, "").await?;
        tabara_core::pathway::may_close(open.iter().map(|p| &p.pathway))?;
    }
    let f = &case.facts;
    let version = current.version + 1;
    let updated = sqlx::query(
        "UPDATE cases SET owner_id = $1, office_id = $2, status = $3, opened_on = $4, closed_on \
            = $5, closure_reason = $6, referring_organisation_id = $7, incoming_referral_date = \
            $8, incoming_referral_reason = $9, incoming_referral_details = $10, version = $11, \
            updated_at = $12 WHERE id = $13 AND version = $14",
    )
    .bind(case.owner_id.map(|u| u.0))
    .bind(case.office_id.map(|o| o.0))
    .bind(f.status.as_str())
    .bind(f.opened_on)
    .bind(f.closed_on)
    .bind(&sealed.closure_reason)
    .bind(f.referring_organisation_id.map(|o| o.0))
    .bind(f.incoming_referral_date)
    .bind(f.incoming_referral_reason.map(|r| r.as_str()))
    .bind(&sealed.incoming_referral_details)
    .bind(version)
    .bind(Utc::now())
    .bind(case.id.0)
    .bind(current.version)
    .execute(&mut *tx)
    .await?;
    ensure_updated(updated, "case", case.reference(), case.version)?;
    let mut changes = diff(&current.facts, &case.facts);
    if let (serde_json::Value::Object(m), true) = (&mut changes, current.owner_id != case.owner_id)
    {
        m.insert(
            "owner_id".into(),
            serde_json::json!([current.owner_id, case.owner_id]),
        );
    }
    if let (serde_json::Value::Object(m), true) =
        (&mut changes, current.office_id != case.office_id)
    {
        m.insert(
            "office_id".into(),
            serde_json::json!([current.office_id, case.office_id]),
        );
    }
    keys.case_history_texts(case.id, &mut changes, false)?;
    record_change(
        &mut tx,
        "case",
        &case.id.to_string(),
        version,
        actor,
        changes,
    )
    .await?;
    audit(&mut tx, actor, AuditAction::CaseUpdate, case.id).await?;
    tx.commit().await?;
    Ok(version)
}

pub(crate) async fn list_cases(
    pool: &Pool,
    keys: &crate::keys::Keys,
    filter: &CaseFilter,
    page: PageRequest,
) -> Result<Page<CaseSummary>> {
    let limit = page.limit.clamp(1, 500);
    let mut qb = QueryBuilder::<Db>::new("");
    if let Some(name) = &filter.name {
        // The cases of the first persons whose name key starts with the search, computed once
        // for every branch below. The key range is read in index order and cut at the limit,
        // so the planner starts from the few matching persons, not from the reach.
        // Under need-to-know a case is found only through persons whose identity the viewer
        // may read there (`permissions::decide_identity`): the case is within their reach
        // (the branches below), and the person plays a role whose identity their role reads.
        let terms = super::persons::rarest_first(pool, keys.query_terms(name)).await?;
        qb.push("WITH matched(case_id) AS (SELECT cp.case_id FROM case_persons cp WHERE ");
        if let Some(viewer) = &filter.visible_to {
            let roles = tabara_core::permissions::identity_person_roles(viewer.role);
            qb.push("cp.role IN (");
            let mut sep = qb.separated(", ");
            for r in &roles {
                sep.push_bind(r.as_str());
            }
            // No readable role: nothing matches (and `IN ()` is not valid SQL).
            if roles.is_empty() {
                sep.push("NULL");
            }
            qb.push(") AND ");
        }
        // The first persons whose name holds every term of the search (blind name index).
        qb.push("cp.person_id IN (");
        super::persons::push_name_match(&mut qb, &terms, NAME_SEARCH_KEYS);
        qb.push(")) ");
    }
    qb.push(
        "SELECT c.id, c.number, c.status, c.opened_on, c.exploitation_types, g.name AS \
            organisation_name, o.name AS office_name, (SELECT COUNT(*) FROM case_persons cp WHERE \
            cp.case_id = c.id) AS persons, (SELECT COUNT(*) FROM case_persons cp WHERE cp.case_id \
            = c.id AND cp.role = 'victim') AS victims FROM cases c JOIN organisations g ON g.id = \
            c.organisation_id LEFT JOIN offices o ON o.id = c.office_id WHERE 1 = 1",
    );
    match &filter.visible_to {
        None => push_case_filters(&mut qb, filter, page.after),
        Some(viewer) => {
            let reach = reach_of(viewer);
            if reach.is_empty() {
                return Ok(Page {
                    items: Vec::new(),
                    next: None,
                });
            }
            // One index-ordered, limited branch per way the viewer reaches a case, merged: an
            // OR over the reach would make the planner collect and sort every reachable case.
            qb.push(" AND c.number IN (");
            for (i, way) in reach.iter().enumerate() {
                if i > 0 {
                    qb.push(" UNION ");
                }
                qb.push("SELECT number FROM (SELECT c.number FROM cases c");
                // A name search finds few cases: each branch should look them up by id, not
                // walk the whole reach in its list index. SQLite's planner takes the covering
                // list index when it has no statistics for it (a register not analysed since
                // migration 0012), so there the reach's term is kept out of index use with a
                // unary `+`; PostgreSQL plans from its own statistics.
                let by_id = filter.name.is_some() && matches!(DIALECT, Dialect::Sqlite);
                let col = |name: &str| {
                    if by_id {
                        format!("+c.{name}")
                    } else {
                        format!("c.{name}")
                    }
                };
                match way {
                    Reach::Shared(org) => {
                        qb.push(
                            " JOIN case_shares s ON s.case_id = c.id WHERE s.organisation_id = ",
                        )
                        .push_bind(*org);
                    }
                    Reach::Organisation(org) => {
                        qb.push(format!(" WHERE {} = ", col("organisation_id")))
                            .push_bind(*org);
                    }
                    Reach::Office(office) => {
                        qb.push(format!(" WHERE {} = ", col("office_id")))
                            .push_bind(*office);
                    }
                    Reach::Owner(user) => {
                        qb.push(" WHERE c.owner_id = ").push_bind(*user);
                    }
                    Reach::Minor => {
                        qb.push(format!(" WHERE {} = ", col("involves_minor")))
                            .push_bind(true);
                    }
                }
                push_case_filters(&mut qb, filter, page.after);
                qb.push(" ORDER BY c.number DESC LIMIT ")
                    .push_bind(limit + 1);
                qb.push(") b");
                qb.push(i.to_string());
            }
            qb.push(")");
        }
    }
    qb.push(" ORDER BY c.number DESC LIMIT ")
        .push_bind(limit + 1);
    let rows = qb.build().fetch_all(pool).await?;
    let mut items = rows
        .iter()
        .map(|r| {
            let number: i64 = r.try_get("number")?;
            Ok(CaseSummary {
                id: CaseId(r.try_get("id")?),
                number,
                reference: case_reference(number),
                status: pick(&r.try_get::<String, _>("status")?)?,
                opened_on: r.try_get("opened_on")?,
                organisation: r.try_get("organisation_name")?,
                office: r.try_get("office_name")?,
                exploitation_types: set_from_db(r.try_get("exploitation_types")?)?,
                persons: r.try_get("persons")?,
                victims: r.try_get("victims")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let next = if items.len() as i64 > limit {
        items.truncate(limit as usize);
        items.last().map(|c| c.number)
    } else {
        None
    };
    Ok(Page { items, next })
}

/// The list filters other than need-to-know, as `AND` clauses on `cases c`.
pub(crate) fn push_case_filters(
    qb: &mut QueryBuilder<Db>,
    filter: &CaseFilter,
    after: Option<i64>,
) {
    if let Some(s) = filter.status {
        qb.push(" AND c.status = ").push_bind(s.as_str());
    }
    if let Some(t) = filter.exploitation {
        qb.push(" AND c.exploitation_types LIKE ")
            .push_bind(format!("%;{};%", t.as_str()));
    }
    if let Some(o) = filter.office_id {
        qb.push(" AND c.office_id = ").push_bind(o.0);
    }
    if let Some(o) = filter.organisation_id {
        qb.push(" AND c.organisation_id = ").push_bind(o.0);
    }
    if let Some(u) = filter.owner_id {
        qb.push(" AND c.owner_id = ").push_bind(u.0);
    }
    if let Some(d) = filter.opened_from {
        qb.push(" AND c.opened_on >= ").push_bind(d);
    }
    if let Some(d) = filter.opened_to {
        qb.push(" AND c.opened_on <= ").push_bind(d);
    }
    if let Some(persons) = &filter.persons {
        qb.push(" AND c.id IN (SELECT cp.case_id FROM case_persons cp WHERE cp.person_id IN (");
        let mut sep = qb.separated(", ");
        for p in persons {
            sep.push_bind(p.0);
        }
        // An empty set matches nothing, and `IN ()` is not valid SQL.
        if persons.is_empty() {
            sep.push("NULL");
        }
        qb.push("))");
    }
    if filter.name.is_some() {
        // `matched` is the statement's name-search CTE (see `list_cases`).
        qb.push(" AND c.id IN (SELECT case_id FROM matched)");
    }
    if let Some(after) = after {
        qb.push(" AND c.number < ").push_bind(after);
    }
}
