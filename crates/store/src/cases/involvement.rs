//! The persons of a case with their involvement (role and victim or suspect context), and the flags
//! the case list filters on.

use chrono::Utc;
use sqlx::{QueryBuilder, Row as _};
use tabara_core::ValueSet;
use tabara_core::audit::AuditAction;
use tabara_core::htcds::*;
use tabara_core::ids::*;
use tabara_core::records::*;
use uuid::Uuid;

use super::persons::{PERSON_COLS, fetch_person, person_from_row};
use super::*;
use crate::{Actor, CasePerson, Result, StoreError};

pub(crate) const CP_COLS: &str = "cp.role AS cp_role, cp.trafficking_status AS cp_status, \
    cp.decision_org AS cp_decision_org, cp.relationship_to_trafficker AS cp_relationship, \
    cp.age_when_trafficked AS cp_age, cp.recruitment_websites AS cp_rec_web, \
    cp.methods_of_recruitment AS cp_rec_methods, cp.methods_of_control AS cp_control, \
    cp.exploitation_types AS cp_types, cp.labour_industries AS cp_industries, \
    cp.sex_exploitation_types AS cp_sex_types, cp.exploitation_websites AS cp_expl_web, \
    cp.recruitment_country AS cp_rec_country, cp.exploitation_country AS cp_expl_country, \
    cp.perpetrator_roles AS cp_roles, cp.perpetrator_role_details AS cp_role_details, \
    cp.perpetrator_organisation_id AS cp_per_org, cp.version AS cp_version";

pub(crate) fn victim_from_row(r: &DbRow) -> Result<VictimContext> {
    Ok(VictimContext {
        trafficking_status: pick_opt(r.try_get("cp_status")?)?,
        decision_org: pick_opt(r.try_get("cp_decision_org")?)?,
        relationship_to_trafficker: pick_opt(r.try_get("cp_relationship")?)?,
        age_when_trafficked: r.try_get("cp_age")?,
        recruitment_websites: set_from_db(r.try_get("cp_rec_web")?)?,
        methods_of_recruitment: set_from_db(r.try_get("cp_rec_methods")?)?,
        methods_of_control: set_from_db(r.try_get("cp_control")?)?,
        exploitation_types: set_from_db(r.try_get("cp_types")?)?,
        labour_industries: set_from_db(r.try_get("cp_industries")?)?,
        sex_exploitation_types: set_from_db(r.try_get("cp_sex_types")?)?,
        exploitation_websites: set_from_db(r.try_get("cp_expl_web")?)?,
        recruitment_country: country_opt(r.try_get("cp_rec_country")?)?,
        exploitation_country: country_opt(r.try_get("cp_expl_country")?)?,
    })
}

pub(crate) fn involvement_from_row(r: &DbRow) -> Result<Involvement> {
    let role: PersonRole = pick(&r.try_get::<String, _>("cp_role")?)?;
    Ok(match role {
        PersonRole::Victim => Involvement::Victim(victim_from_row(r)?),
        PersonRole::Suspect => Involvement::Suspect(PerpetratorContext {
            roles: set_from_db(r.try_get("cp_roles")?)?,
            role_details: r.try_get("cp_role_details")?,
            organisation_id: r
                .try_get::<Option<Uuid>, _>("cp_per_org")?
                .map(OrganisationId),
        }),
        PersonRole::Witness => Involvement::Witness,
        PersonRole::Other => Involvement::Other,
    })
}

/// Column values of an involvement, in the order of `insert_case_persons`' columns 3..=19.
pub(crate) struct InvolvementCols {
    role: &'static str,
    status: Option<&'static str>,
    decision_org: Option<&'static str>,
    relationship: Option<&'static str>,
    age: Option<i64>,
    rec_web: Option<String>,
    rec_methods: Option<String>,
    control: Option<String>,
    types: Option<String>,
    industries: Option<String>,
    sex_types: Option<String>,
    expl_web: Option<String>,
    rec_country: Option<String>,
    expl_country: Option<String>,
    roles: Option<String>,
    role_details: Option<String>,
    per_org: Option<Uuid>,
}

pub(crate) fn involvement_cols(i: &Involvement) -> InvolvementCols {
    let mut c = InvolvementCols {
        role: i.role().as_str(),
        status: None,
        decision_org: None,
        relationship: None,
        age: None,
        rec_web: None,
        rec_methods: None,
        control: None,
        types: None,
        industries: None,
        sex_types: None,
        expl_web: None,
        rec_country: None,
        expl_country: None,
        roles: None,
        role_details: None,
        per_org: None,
    };
    match i {
        Involvement::Victim(v) => {
            c.status = v.trafficking_status.map(|s| s.as_str());
            c.decision_org = v.decision_org.map(|s| s.as_str());
            c.relationship = v.relationship_to_trafficker.map(|s| s.as_str());
            c.age = v.age_when_trafficked;
            c.rec_web = Some(set_to_db(&v.recruitment_websites));
            c.rec_methods = Some(set_to_db(&v.methods_of_recruitment));
            c.control = Some(set_to_db(&v.methods_of_control));
            c.types = Some(set_to_db(&v.exploitation_types));
            c.industries = Some(set_to_db(&v.labour_industries));
            c.sex_types = Some(set_to_db(&v.sex_exploitation_types));
            c.expl_web = Some(set_to_db(&v.exploitation_websites));
            c.rec_country = v.recruitment_country.map(|c| c.code().to_string());
            c.expl_country = v.exploitation_country.map(|c| c.code().to_string());
        }
        Involvement::Suspect(p) => {
            c.roles = Some(set_to_db(&p.roles));
            c.role_details = p.role_details.clone();
            c.per_org = p.organisation_id.map(|o| o.0);
        }
        Involvement::Witness | Involvement::Other => {}
    }
    c
}

pub(crate) async fn insert_case_persons(
    tx: &mut Tx,
    rows: &[(CaseId, PersonId, &Involvement)],
) -> Result<()> {
    let now = Utc::now();
    for chunk in rows.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO case_persons (case_id, person_id, role, trafficking_status, \
                decision_org, relationship_to_trafficker, age_when_trafficked, \
                recruitment_websites, methods_of_recruitment, methods_of_control, \
                exploitation_types, labour_industries, sex_exploitation_types, \
                exploitation_websites, recruitment_country, exploitation_country, \
                perpetrator_roles, perpetrator_role_details, perpetrator_organisation_id, \
                version, created_at, updated_at) ",
        );
        qb.push_values(chunk, |mut b, (case_id, person_id, inv)| {
            let c = involvement_cols(inv);
            b.push_bind(case_id.0)
                .push_bind(person_id.0)
                .push_bind(c.role)
                .push_bind(c.status)
                .push_bind(c.decision_org)
                .push_bind(c.relationship)
                .push_bind(c.age)
                .push_bind(c.rec_web)
                .push_bind(c.rec_methods)
                .push_bind(c.control)
                .push_bind(c.types)
                .push_bind(c.industries)
                .push_bind(c.sex_types)
                .push_bind(c.expl_web)
                .push_bind(c.rec_country)
                .push_bind(c.expl_country)
                .push_bind(c.roles)
                .push_bind(c.role_details)
                .push_bind(c.per_org)
                .push_bind(1i64)
                .push_bind(now)
                .push_bind(now);
        });
        qb.build().execute(&mut **tx).await?;
    }
    Ok(())
}

/// The union of the victims' exploitation types, in storage form.
pub(crate) fn exploitation_union<'a>(
    involvements: impl Iterator<Item = &'a Involvement>,
) -> String {
    let mut all = ValueSet::<ExploitationType>::new();
    for inv in involvements {
        if let Involvement::Victim(v) = inv {
            for t in v.exploitation_types.iter() {
                all.insert(t);
            }
        }
    }
    set_to_db(&all)
}

/// Recompute what the case list filters on: the victims' exploitation types and whether a
/// child (or a person presumed a child) is involved.
pub(crate) async fn refresh_case_flags(tx: &mut Tx, case_id: CaseId) -> Result<()> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {PERSON_COLS}, {CP_COLS} FROM case_persons cp JOIN persons p ON p.id = \
            cp.person_id WHERE cp.case_id = $1"
    )))
    .bind(case_id.0)
    .fetch_all(&mut **tx)
    .await?;
    let mut involvements = Vec::with_capacity(rows.len());
    let mut minor = false;
    let now = Utc::now();
    for r in &rows {
        involvements.push(involvement_from_row(r)?);
        let person = person_from_row(r)?;
        if person.facts.is_child_or_presumed() {
            minor = true;
            // A child is on the child pathway from the moment the register knows of them.
            let reason = tabara_core::pathway::OpenReason::Registered;
            pathways::open_pathway(tx, case_id, person.id, reason, now).await?;
        }
    }
    sqlx::query("UPDATE cases SET exploitation_types = $1, involves_minor = $2 WHERE id = $3")
        .bind(exploitation_union(involvements.iter()))
        .bind(minor)
        .bind(case_id.0)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub(crate) fn case_person_id(case_id: CaseId, person_id: PersonId) -> String {
    format!("{case_id}/{person_id}")
}

pub(crate) async fn add_case_person(
    pool: &Pool,
    actor: &Actor,
    case_id: CaseId,
    person_id: PersonId,
    involvement: &Involvement,
) -> Result<()> {
    involvement.validate()?;
    let mut tx = begin(pool).await?;
    fetch_case(&mut *tx, "c.id = $1", CaseKey::Id(case_id)).await?;
    fetch_person(&mut *tx, person_id, "").await?;
    let existing: Option<String> =
        sqlx::query_scalar("SELECT role FROM case_persons WHERE case_id = $1 AND person_id = $2")
            .bind(case_id.0)
            .bind(person_id.0)
            .fetch_optional(&mut *tx)
            .await?;
    if let Some(role) = existing {
        return Err(StoreError::Duplicate {
            what: "person in this case",
            value: format!("{person_id} (already involved as {role})"),
        });
    }
    insert_case_persons(&mut tx, &[(case_id, person_id, involvement)]).await?;
    refresh_case_flags(&mut tx, case_id).await?;
    audit(
        &mut tx,
        actor,
        AuditAction::CasePersonAdd,
        case_person_id(case_id, person_id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A person's involvement in a case and its version, locked for an update; `None` when the
/// person is not involved in the case.
pub(crate) async fn lock_case_person(
    tx: &mut Tx,
    case_id: CaseId,
    person_id: PersonId,
) -> Result<Option<(Involvement, i64)>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {CP_COLS} FROM case_persons cp WHERE cp.case_id = $1 AND cp.person_id = \
            $2{FOR_UPDATE}"
    )))
    .bind(case_id.0)
    .bind(person_id.0)
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|r| Ok((involvement_from_row(&r)?, r.try_get("cp_version")?)))
        .transpose()
}

pub(crate) async fn update_case_person(
    pool: &Pool,
    actor: &Actor,
    case_id: CaseId,
    person_id: PersonId,
    expected_version: i64,
    involvement: &Involvement,
) -> Result<i64> {
    involvement.validate()?;
    let mut tx = begin(pool).await?;
    let (current, current_version) = lock_case_person(&mut tx, case_id, person_id)
        .await?
        .or_not_found("person in case", case_person_id(case_id, person_id))?;
    check_version(
        "person in case",
        case_person_id(case_id, person_id),
        expected_version,
        current_version,
    )?;
    let c = involvement_cols(involvement);
    let version = current_version + 1;
    let updated = sqlx::query(
        "UPDATE case_persons SET role = $1, trafficking_status = $2, decision_org = $3, \
            relationship_to_trafficker = $4, age_when_trafficked = $5, recruitment_websites = $6, \
            methods_of_recruitment = $7, methods_of_control = $8, exploitation_types = $9, \
            labour_industries = $10, sex_exploitation_types = $11, exploitation_websites = $12, \
            recruitment_country = $13, exploitation_country = $14, perpetrator_roles = $15, \
            perpetrator_role_details = $16, perpetrator_organisation_id = $17, version = $18, \
            updated_at = $19 WHERE case_id = $20 AND person_id = $21 AND version = $22",
    )
    .bind(c.role)
    .bind(c.status)
    .bind(c.decision_org)
    .bind(c.relationship)
    .bind(c.age)
    .bind(c.rec_web)
    .bind(c.rec_methods)
    .bind(c.control)
    .bind(c.types)
    .bind(c.industries)
    .bind(c.sex_types)
    .bind(c.expl_web)
    .bind(c.rec_country)
    .bind(c.expl_country)
    .bind(c.roles)
    .bind(c.role_details)
    .bind(c.per_org)
    .bind(version)
    .bind(Utc::now())
    .bind(case_id.0)
    .bind(person_id.0)
    .bind(current_version)
    .execute(&mut *tx)
    .await?;
    ensure_updated(
        updated,
        "person in case",
        case_person_id(case_id, person_id),
        expected_version,
    )?;
    refresh_case_flags(&mut tx, case_id).await?;
    let changes = serde_json::json!({ "involvement": [current, involvement] });
    record_change(
        &mut tx,
        "case_person",
        &case_person_id(case_id, person_id),
        version,
        actor,
        changes,
    )
    .await?;
    audit(
        &mut tx,
        actor,
        AuditAction::CasePersonUpdate,
        case_person_id(case_id, person_id),
    )
    .await?;
    tx.commit().await?;
    Ok(version)
}

/// The first `limit` persons of a case in the order a case page lists them: victims, suspects,
/// witnesses, others, each in the order they were involved.
pub(crate) async fn case_persons<'e, E: sqlx::Executor<'e, Database = Db>>(
    pool: E,
    case_id: CaseId,
    limit: i64,
) -> Result<Vec<CasePerson>> {
    let sql = format!(
        "SELECT {PERSON_COLS}, {CP_COLS} FROM case_persons cp JOIN persons p ON p.id = \
            cp.person_id WHERE cp.case_id = $1 ORDER BY CASE cp.role WHEN 'victim' THEN 0 WHEN \
            'suspect' THEN 1 WHEN 'witness' THEN 2 ELSE 3 END, cp.created_at, p.id LIMIT $2"
    );
    case_list(pool, sqlx::AssertSqlSafe(sql), case_id, limit, |r| {
        Ok(CasePerson {
            person: person_from_row(r)?,
            involvement: involvement_from_row(r)?,
            version: r.try_get("cp_version")?,
        })
    })
    .await
}
