//! Persons: facts, identities (each read audited) and the name keys of the name search.

use chrono::Utc;
use sqlx::{QueryBuilder, Row as _};
use tabara_core::audit::AuditAction;
use tabara_core::ids::*;
use tabara_core::records::*;
use uuid::Uuid;

use super::cases::refresh_case_flags;
use super::*;
use crate::{Actor, Result};

pub(crate) const PERSON_COLS: &str = "p.id AS p_id, p.organisation_id AS p_org, p.gender AS \
    p_gender, p.age_at_registration AS p_age, p.age_uncertain AS p_age_uncertain, p.citizenship \
    AS p_citizenship, p.marital_status AS p_marital, p.number_of_children AS p_children, \
    p.primary_language AS p_lang1, p.secondary_language AS p_lang2, p.education AS p_education, \
    p.deceased AS p_deceased, p.registered_on AS p_registered_on, p.version AS p_version";

pub(crate) fn person_from_row(r: &DbRow) -> Result<Person> {
    Ok(Person {
        id: PersonId(r.try_get("p_id")?),
        organisation_id: OrganisationId(r.try_get("p_org")?),
        facts: PersonFacts {
            gender: pick(&r.try_get::<String, _>("p_gender")?)?,
            age_at_registration: r.try_get("p_age")?,
            age_uncertain: r.try_get("p_age_uncertain")?,
            citizenship: countries_from_db(&r.try_get::<String, _>("p_citizenship")?)?,
            marital_status: pick_opt(r.try_get("p_marital")?)?,
            number_of_children: r.try_get("p_children")?,
            primary_language: r.try_get("p_lang1")?,
            secondary_language: r.try_get("p_lang2")?,
            education: pick_opt(r.try_get("p_education")?)?,
            deceased: r.try_get("p_deceased")?,
            registered_on: r.try_get("p_registered_on")?,
        },
        version: r.try_get("p_version")?,
    })
}

pub(crate) const IDENTITY_COLS: &str = "i.salutation AS i_salutation, i.first_name AS i_first, \
    i.middle_name AS i_middle, i.second_name AS i_second, i.birthdate AS i_birthdate, \
    i.identity_number AS i_idno, i.title AS i_title, i.email AS i_email, i.home_phone AS i_home, \
    i.mobile_phone AS i_mobile, i.mailing_street AS i_street, i.mailing_city AS i_city, \
    i.mailing_state AS i_state, i.mailing_postal_code AS i_postal, i.mailing_country AS \
    i_country, i.notes AS i_notes, i.version AS i_version";

pub(crate) fn identity_from_row(r: &DbRow) -> Result<PersonIdentity> {
    Ok(PersonIdentity {
        salutation: r.try_get("i_salutation")?,
        first_name: r.try_get("i_first")?,
        middle_name: r.try_get("i_middle")?,
        second_name: r.try_get("i_second")?,
        birthdate: r.try_get("i_birthdate")?,
        identity_number: r.try_get("i_idno")?,
        title: r.try_get("i_title")?,
        email: r.try_get("i_email")?,
        home_phone: r.try_get("i_home")?,
        mobile_phone: r.try_get("i_mobile")?,
        mailing_street: r.try_get("i_street")?,
        mailing_city: r.try_get("i_city")?,
        mailing_state: r.try_get("i_state")?,
        mailing_postal_code: r.try_get("i_postal")?,
        mailing_country: country_opt(r.try_get("i_country")?)?,
        notes: r.try_get("i_notes")?,
    })
}

pub(crate) async fn insert_persons(
    tx: &mut Tx,
    persons: &[(&Person, &PersonIdentity)],
) -> Result<()> {
    let now = Utc::now();
    for chunk in persons.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO persons (id, organisation_id, gender, age_at_registration, \
                age_uncertain, citizenship, marital_status, number_of_children, primary_language, \
                secondary_language, education, deceased, registered_on, version, created_at, \
                updated_at) ",
        );
        qb.push_values(chunk, |mut b, (p, _)| {
            let f = &p.facts;
            b.push_bind(p.id.0)
                .push_bind(p.organisation_id.0)
                .push_bind(f.gender.as_str())
                .push_bind(f.age_at_registration)
                .push_bind(f.age_uncertain)
                .push_bind(countries_to_db(&f.citizenship))
                .push_bind(f.marital_status.map(|v| v.as_str()))
                .push_bind(f.number_of_children)
                .push_bind(f.primary_language.clone())
                .push_bind(f.secondary_language.clone())
                .push_bind(f.education.map(|v| v.as_str()))
                .push_bind(f.deceased)
                .push_bind(f.registered_on)
                .push_bind(1i64)
                .push_bind(now)
                .push_bind(now);
        });
        qb.build().execute(&mut **tx).await?;
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO person_identities (person_id, salutation, first_name, middle_name, \
                second_name, birthdate, identity_number, title, email, home_phone, mobile_phone, \
                mailing_street, mailing_city, mailing_state, mailing_postal_code, \
                mailing_country, notes, name_key, version, updated_at) ",
        );
        qb.push_values(chunk, |mut b, (p, i)| {
            b.push_bind(p.id.0)
                .push_bind(i.salutation.clone())
                .push_bind(i.first_name.clone())
                .push_bind(i.middle_name.clone())
                .push_bind(i.second_name.clone())
                .push_bind(i.birthdate)
                .push_bind(i.identity_number.clone())
                .push_bind(i.title.clone())
                .push_bind(i.email.clone())
                .push_bind(i.home_phone.clone())
                .push_bind(i.mobile_phone.clone())
                .push_bind(i.mailing_street.clone())
                .push_bind(i.mailing_city.clone())
                .push_bind(i.mailing_state.clone())
                .push_bind(i.mailing_postal_code.clone())
                .push_bind(i.mailing_country.map(|c| c.code().to_string()))
                .push_bind(i.notes.clone())
                .push_bind(i.name_key())
                .push_bind(1i64)
                .push_bind(now);
        });
        qb.build().execute(&mut **tx).await?;
    }
    let keys: Vec<(String, Uuid)> = persons
        .iter()
        .flat_map(|(p, i)| i.search_keys().into_iter().map(move |k| (k, p.id.0)))
        .collect();
    insert_name_keys(tx, &keys).await
}

pub(crate) async fn insert_name_keys(tx: &mut Tx, keys: &[(String, Uuid)]) -> Result<()> {
    for chunk in keys.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new("INSERT INTO person_name_keys (key, person_id) ");
        qb.push_values(chunk, |mut b, (key, id)| {
            b.push_bind(key.clone()).push_bind(*id);
        });
        qb.build().execute(&mut **tx).await?;
    }
    Ok(())
}

pub(crate) async fn create_person(
    pool: &Pool,
    actor: &Actor,
    person: &Person,
    identity: &PersonIdentity,
) -> Result<()> {
    let mut tx = begin(pool).await?;
    insert_persons(&mut tx, &[(person, identity)]).await?;
    audit(&mut tx, actor, AuditAction::PersonCreate, person.id).await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn fetch_person<'e, E>(ex: E, id: PersonId, lock: &str) -> Result<Person>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {PERSON_COLS} FROM persons p WHERE p.id = $1{lock}"
    )))
    .bind(id.0)
    .fetch_optional(ex)
    .await?
    .or_not_found("person", id)?;
    person_from_row(&row)
}

pub(crate) async fn person(pool: &Pool, id: PersonId) -> Result<Person> {
    fetch_person(pool, id, "").await
}

pub(crate) async fn fetch_identity(
    tx: &mut Tx,
    id: PersonId,
    lock: &str,
) -> Result<(PersonIdentity, i64)> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {IDENTITY_COLS} FROM person_identities i WHERE i.person_id = $1{lock}"
    )))
    .bind(id.0)
    .fetch_optional(&mut **tx)
    .await?
    .or_not_found("person", id)?;
    Ok((identity_from_row(&row)?, row.try_get("i_version")?))
}

pub(crate) async fn read_identity(
    pool: &Pool,
    actor: &Actor,
    id: PersonId,
) -> Result<(PersonIdentity, i64)> {
    let mut tx = begin(pool).await?;
    let out = fetch_identity(&mut tx, id, "").await?;
    audit(&mut tx, actor, AuditAction::PersonIdentityRead, id).await?;
    tx.commit().await?;
    Ok(out)
}

pub(crate) async fn update_person(pool: &Pool, actor: &Actor, person: &Person) -> Result<i64> {
    let mut tx = begin(pool).await?;
    let version = update_person_in(&mut tx, actor, person).await?;
    tx.commit().await?;
    Ok(version)
}

/// A person's facts and identity changed together: both or neither.
pub(crate) async fn update_person_with_identity(
    pool: &Pool,
    actor: &Actor,
    person: &Person,
    identity_version: i64,
    identity: &PersonIdentity,
) -> Result<(i64, i64)> {
    let mut tx = begin(pool).await?;
    let facts_version = update_person_in(&mut tx, actor, person).await?;
    let identity_version =
        update_identity_in(&mut tx, actor, person.id, identity_version, identity).await?;
    tx.commit().await?;
    Ok((facts_version, identity_version))
}

pub(crate) async fn update_person_in(tx: &mut Tx, actor: &Actor, person: &Person) -> Result<i64> {
    let current = fetch_person(&mut **tx, person.id, FOR_UPDATE).await?;
    check_version("person", person.id, person.version, current.version)?;
    let f = &person.facts;
    let version = current.version + 1;
    let updated = sqlx::query(
        "UPDATE persons SET gender = $1, age_at_registration = $2, age_uncertain = $3, \
            citizenship = $4, marital_status = $5, number_of_children = $6, primary_language = \
            $7, secondary_language = $8, education = $9, deceased = $10, registered_on = $11, \
            version = $12, updated_at = $13 WHERE id = $14 AND version = $15",
    )
    .bind(f.gender.as_str())
    .bind(f.age_at_registration)
    .bind(f.age_uncertain)
    .bind(countries_to_db(&f.citizenship))
    .bind(f.marital_status.map(|v| v.as_str()))
    .bind(f.number_of_children)
    .bind(&f.primary_language)
    .bind(&f.secondary_language)
    .bind(f.education.map(|v| v.as_str()))
    .bind(f.deceased)
    .bind(f.registered_on)
    .bind(version)
    .bind(Utc::now())
    .bind(person.id.0)
    .bind(current.version)
    .execute(&mut **tx)
    .await?;
    ensure_updated(updated, "person", person.id, person.version)?;
    if current.facts.is_child_or_presumed() != person.facts.is_child_or_presumed() {
        let cases: Vec<Uuid> =
            sqlx::query_scalar("SELECT case_id FROM case_persons WHERE person_id = $1")
                .bind(person.id.0)
                .fetch_all(&mut **tx)
                .await?;
        for case_id in cases {
            refresh_case_flags(tx, CaseId(case_id)).await?;
        }
    }
    record_change(
        tx,
        "person",
        &person.id.to_string(),
        version,
        actor,
        diff(&current.facts, &person.facts),
    )
    .await?;
    audit(tx, actor, AuditAction::PersonUpdate, person.id).await?;
    Ok(version)
}

pub(crate) async fn update_identity(
    pool: &Pool,
    actor: &Actor,
    id: PersonId,
    expected_version: i64,
    identity: &PersonIdentity,
) -> Result<i64> {
    let mut tx = begin(pool).await?;
    let version = update_identity_in(&mut tx, actor, id, expected_version, identity).await?;
    tx.commit().await?;
    Ok(version)
}

pub(crate) async fn update_identity_in(
    tx: &mut Tx,
    actor: &Actor,
    id: PersonId,
    expected_version: i64,
    identity: &PersonIdentity,
) -> Result<i64> {
    let (current, current_version) = fetch_identity(tx, id, FOR_UPDATE).await?;
    check_version("person identity", id, expected_version, current_version)?;
    let version = current_version + 1;
    let updated = sqlx::query(
        "UPDATE person_identities SET salutation = $1, first_name = $2, middle_name = $3, \
            second_name = $4, birthdate = $5, identity_number = $6, title = $7, email = $8, \
            home_phone = $9, mobile_phone = $10, mailing_street = $11, mailing_city = $12, \
            mailing_state = $13, mailing_postal_code = $14, mailing_country = $15, notes = $16, \
            name_key = $17, version = $18, updated_at = $19 WHERE person_id = $20 AND version = \
            $21",
    )
    .bind(&identity.salutation)
    .bind(&identity.first_name)
    .bind(&identity.middle_name)
    .bind(&identity.second_name)
    .bind(identity.birthdate)
    .bind(&identity.identity_number)
    .bind(&identity.title)
    .bind(&identity.email)
    .bind(&identity.home_phone)
    .bind(&identity.mobile_phone)
    .bind(&identity.mailing_street)
    .bind(&identity.mailing_city)
    .bind(&identity.mailing_state)
    .bind(&identity.mailing_postal_code)
    .bind(identity.mailing_country.map(|c| c.code().to_string()))
    .bind(&identity.notes)
    .bind(identity.name_key())
    .bind(version)
    .bind(Utc::now())
    .bind(id.0)
    .bind(current_version)
    .execute(&mut **tx)
    .await?;
    ensure_updated(updated, "person identity", id, expected_version)?;
    sqlx::query("DELETE FROM person_name_keys WHERE person_id = $1")
        .bind(id.0)
        .execute(&mut **tx)
        .await?;
    let keys: Vec<(String, Uuid)> = identity
        .search_keys()
        .into_iter()
        .map(|k| (k, id.0))
        .collect();
    insert_name_keys(tx, &keys).await?;
    // The earlier identifying values are history of the identity and live under its own kind,
    // so they fall under the same protection as the identity itself.
    record_change(
        tx,
        "person_identity",
        &id.to_string(),
        version,
        actor,
        diff(&current, identity),
    )
    .await?;
    audit(tx, actor, AuditAction::PersonIdentityUpdate, id).await?;
    Ok(version)
}

pub(crate) async fn find_persons_by_name(
    pool: &Pool,
    query: &str,
    limit: i64,
) -> Result<Vec<PersonId>> {
    let key = normalise_name(query);
    if key.is_empty() {
        return Ok(Vec::new());
    }
    // A prefix range instead of LIKE: uses the index on both backends whatever the collation.
    let upper = format!("{key}\u{10FFFF}");
    let rows: Vec<Uuid> = sqlx::query_scalar(
        "SELECT person_id FROM person_name_keys WHERE key >= $1 AND key < $2 ORDER BY key, \
            person_id LIMIT $3",
    )
    .bind(&key)
    .bind(upper)
    .bind(limit.clamp(1, 500) * 3)
    .fetch_all(pool)
    .await?;
    let mut seen = std::collections::HashSet::new();
    let mut ids: Vec<Uuid> = rows.into_iter().filter(|id| seen.insert(*id)).collect();
    ids.truncate(limit.clamp(1, 500) as usize);
    Ok(ids.into_iter().map(PersonId).collect())
}
