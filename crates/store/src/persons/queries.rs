//! Persons: facts, identities (each read audited) and the name keys of the name search.

use chrono::Utc;
use sqlx::{QueryBuilder, Row as _};
use tabara_core::audit::AuditAction;
use tabara_core::ids::*;
use tabara_core::records::*;
use uuid::Uuid;

use super::cases::refresh_case_flags;
use super::*;
use crate::keys::{Keys, SealedIdentity};
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
    keys: &Keys,
    persons: &[(&Person, &PersonIdentity)],
) -> Result<()> {
    let now = Utc::now();
    let key_id = keys.master.id().0;
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
        // Each identity sealed under a data key of its own, which is stored wrapped.
        let sealed: Vec<(Uuid, SealedIdentity)> = chunk
            .iter()
            .map(|(p, i)| (p.id.0, keys.seal_new(p.id, i)))
            .collect();
        let mut qb =
            QueryBuilder::<Db>::new("INSERT INTO person_keys (person_id, key_id, wrapped) ");
        qb.push_values(&sealed, |mut b, (id, s)| {
            b.push_bind(*id)
                .push_bind(key_id.clone())
                .push_bind(s.wrapped.clone());
        });
        qb.build().execute(&mut **tx).await?;
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO person_identities (person_id, sealed, name_key, version, updated_at) ",
        );
        qb.push_values(&sealed, |mut b, (id, s)| {
            b.push_bind(*id)
                .push_bind(s.sealed.clone())
                .push_bind("")
                .push_bind(1i64)
                .push_bind(now);
        });
        qb.build().execute(&mut **tx).await?;
        let terms: Vec<(i64, Uuid)> = sealed
            .iter()
            .flat_map(|(id, s)| s.terms.iter().map(move |t| (*t, *id)))
            .collect();
        insert_name_terms(tx, &terms).await?;
    }
    Ok(())
}

/// Rows of the blind name index.
pub(crate) async fn insert_name_terms(tx: &mut Tx, terms: &[(i64, Uuid)]) -> Result<()> {
    for chunk in terms.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new("INSERT INTO person_name_terms (term, person_id) ");
        qb.push_values(chunk, |mut b, (term, id)| {
            b.push_bind(*term).push_bind(*id);
        });
        qb.build().execute(&mut **tx).await?;
    }
    Ok(())
}

pub(crate) async fn create_person(
    pool: &Pool,
    keys: &Keys,
    actor: &Actor,
    person: &Person,
    identity: &PersonIdentity,
) -> Result<()> {
    let mut tx = begin(pool).await?;
    insert_persons(&mut tx, keys, &[(person, identity)]).await?;
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

/// A person's wrapped data key; `None` once they are erased.
pub(crate) async fn wrapped_key<'e, E>(ex: E, id: PersonId) -> Result<Option<Vec<u8>>>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    Ok(
        sqlx::query_scalar("SELECT wrapped FROM person_keys WHERE person_id = $1")
            .bind(id.0)
            .fetch_optional(ex)
            .await?,
    )
}

pub(crate) async fn fetch_identity(
    tx: &mut Tx,
    keys: &Keys,
    id: PersonId,
    lock: &str,
) -> Result<(PersonIdentity, i64)> {
    // PostgreSQL locks the identity row alone (the key row may be absent: an erased person).
    let lock = if lock.is_empty() {
        ""
    } else {
        " FOR UPDATE OF i"
    };
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT i.sealed, i.version, k.wrapped FROM person_identities i LEFT JOIN person_keys k \
            ON k.person_id = i.person_id WHERE i.person_id = $1{lock}"
    )))
    .bind(id.0)
    .fetch_optional(&mut **tx)
    .await?
    .or_not_found("person", id)?;
    let version = row.try_get("version")?;
    let Some(wrapped) = row.try_get::<Option<Vec<u8>>, _>("wrapped")? else {
        // An erased person's identity is gone: it reads as empty.
        if super::erasure::is_erased(tx, id).await? {
            return Ok((PersonIdentity::default(), version));
        }
        return Err(crate::StoreError::Corrupt(format!(
            "person {id} has no data key"
        )));
    };
    let sealed: Vec<u8> = row.try_get("sealed")?;
    Ok((keys.open_identity(id, &wrapped, &sealed)?, version))
}

pub(crate) async fn read_identity(
    pool: &Pool,
    keys: &Keys,
    actor: &Actor,
    id: PersonId,
) -> Result<(PersonIdentity, i64)> {
    let mut tx = begin(pool).await?;
    let out = fetch_identity(&mut tx, keys, id, "").await?;
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
    keys: &Keys,
    actor: &Actor,
    person: &Person,
    identity_version: i64,
    identity: &PersonIdentity,
) -> Result<(i64, i64)> {
    let mut tx = begin(pool).await?;
    let facts_version = update_person_in(&mut tx, actor, person).await?;
    let identity_version =
        update_identity_in(&mut tx, keys, actor, person.id, identity_version, identity).await?;
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
    keys: &Keys,
    actor: &Actor,
    id: PersonId,
    expected_version: i64,
    identity: &PersonIdentity,
) -> Result<i64> {
    let mut tx = begin(pool).await?;
    let version = update_identity_in(&mut tx, keys, actor, id, expected_version, identity).await?;
    tx.commit().await?;
    Ok(version)
}

pub(crate) async fn update_identity_in(
    tx: &mut Tx,
    keys: &Keys,
    actor: &Actor,
    id: PersonId,
    expected_version: i64,
    identity: &PersonIdentity,
) -> Result<i64> {
    let (current, current_version) = fetch_identity(tx, keys, id, FOR_UPDATE).await?;
    check_version("person identity", id, expected_version, current_version)?;
    let version = current_version + 1;
    let Some(wrapped) = wrapped_key(&mut **tx, id).await? else {
        return Err(crate::refuse(
            "prs_Identity",
            "erased",
            "this person was erased: their identity is gone and is not recorded again",
        ));
    };
    let (sealed, terms) = keys.reseal(id, &wrapped, identity)?;
    let updated = sqlx::query(
        "UPDATE person_identities SET sealed = $1, version = $2, updated_at = $3 WHERE \
            person_id = $4 AND version = $5",
    )
    .bind(sealed)
    .bind(version)
    .bind(Utc::now())
    .bind(id.0)
    .bind(current_version)
    .execute(&mut **tx)
    .await?;
    ensure_updated(updated, "person identity", id, expected_version)?;
    sqlx::query("DELETE FROM person_name_terms WHERE person_id = $1")
        .bind(id.0)
        .execute(&mut **tx)
        .await?;
    let terms: Vec<(i64, Uuid)> = terms.into_iter().map(|t| (t, id.0)).collect();
    insert_name_terms(tx, &terms).await?;
    // The earlier identifying values are history of the identity: kept sealed under the
    // person's own key, so that they go with it.
    let changes = keys.seal_history(id, &wrapped, &diff(&current, identity))?;
    record_change(
        tx,
        "person_identity",
        &id.to_string(),
        version,
        actor,
        changes,
    )
    .await?;
    audit(tx, actor, AuditAction::PersonIdentityUpdate, id).await?;
    Ok(version)
}

/// The most rows of a term counted to find the rarest of a search's terms.
const TERM_COUNT_CAP: i64 = 2_000;

/// A search's terms, the rarest first (each counted in the index up to [`TERM_COUNT_CAP`]):
/// the match walks the first term's persons and checks the others, so a common word (`jean`)
/// beside a rare one must not lead.
pub(crate) async fn rarest_first(pool: &Pool, terms: Vec<i64>) -> Result<Vec<i64>> {
    if terms.len() < 2 {
        return Ok(terms);
    }
    let mut counted = Vec::with_capacity(terms.len());
    for t in terms {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM (SELECT 1 FROM person_name_terms WHERE term = $1 LIMIT $2) t",
        )
        .bind(t)
        .bind(TERM_COUNT_CAP)
        .fetch_one(pool)
        .await?;
        counted.push((n, t));
    }
    counted.sort_unstable();
    Ok(counted.into_iter().map(|(_, t)| t).collect())
}

/// The persons whose name holds every term of `query` (see `tabara_core::protect`), at most
/// `limit`, in id order: one index-ordered read of the first term (give the rarest first:
/// [`rarest_first`]), each further term checked in the index.
pub(crate) fn push_name_match(qb: &mut QueryBuilder<Db>, terms: &[i64], limit: i64) {
    qb.push("SELECT t0.person_id FROM person_name_terms t0");
    for (k, term) in terms.iter().enumerate().skip(1) {
        qb.push(format!(
            " JOIN person_name_terms t{k} ON t{k}.person_id = t0.person_id AND t{k}.term = "
        ))
        .push_bind(*term);
    }
    qb.push(" WHERE t0.term = ")
        .push_bind(terms.first().copied().unwrap_or_default())
        .push(" ORDER BY t0.person_id LIMIT ")
        .push_bind(if terms.is_empty() { 0 } else { limit });
}

pub(crate) async fn find_persons_by_name(
    pool: &Pool,
    keys: &Keys,
    query: &str,
    limit: i64,
) -> Result<Vec<PersonId>> {
    let terms = rarest_first(pool, keys.query_terms(query)).await?;
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let mut qb = QueryBuilder::<Db>::new("");
    push_name_match(&mut qb, &terms, limit.clamp(1, 500));
    let rows: Vec<Uuid> = qb
        .build()
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| r.try_get("person_id"))
        .collect::<std::result::Result<_, _>>()?;
    Ok(rows.into_iter().map(PersonId).collect())
}

/// Seal the identities a register from before sealing holds in plain text, 500 at a time,
/// with their name terms and their history; returns how many were sealed. Their plaintext
/// columns and name keys are emptied in the same transaction.
pub(crate) async fn seal_plain_identities(pool: &Pool, keys: &Keys) -> Result<u64> {
    let key_id = keys.master.id().0;
    let mut sealed_count = 0u64;
    loop {
        let mut tx = begin(pool).await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT i.person_id AS i_person, {IDENTITY_COLS} FROM person_identities i WHERE \
                i.sealed IS NULL ORDER BY i.person_id LIMIT 500"
        )))
        .fetch_all(&mut *tx)
        .await?;
        if rows.is_empty() {
            tx.commit().await?;
            return Ok(sealed_count);
        }
        for r in &rows {
            let id = PersonId(r.try_get("i_person")?);
            let identity = identity_from_row(r)?;
            let s = keys.seal_new(id, &identity);
            sqlx::query(
                "INSERT INTO person_keys (person_id, key_id, wrapped) VALUES ($1, $2, $3) ON \
                    CONFLICT (person_id) DO UPDATE SET key_id = $2, wrapped = $3",
            )
            .bind(id.0)
            .bind(&key_id)
            .bind(&s.wrapped)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE person_identities SET sealed = $1, salutation = NULL, first_name = NULL, \
                    middle_name = NULL, second_name = NULL, birthdate = NULL, identity_number = \
                    NULL, title = NULL, email = NULL, home_phone = NULL, mobile_phone = NULL, \
                    mailing_street = NULL, mailing_city = NULL, mailing_state = NULL, \
                    mailing_postal_code = NULL, mailing_country = NULL, notes = NULL, name_key = \
                    '' WHERE person_id = $2",
            )
            .bind(&s.sealed)
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM person_name_keys WHERE person_id = $1")
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
            let terms: Vec<(i64, Uuid)> = s.terms.iter().map(|t| (*t, id.0)).collect();
            insert_name_terms(&mut tx, &terms).await?;
            let history = sqlx::query(
                "SELECT id, changes FROM record_history WHERE record_kind = 'person_identity' AND \
                    record_id = $1",
            )
            .bind(id.to_string())
            .fetch_all(&mut *tx)
            .await?;
            for h in &history {
                let changes: String = h.try_get("changes")?;
                let value: serde_json::Value = serde_json::from_str(&changes)
                    .map_err(|e| crate::StoreError::Corrupt(e.to_string()))?;
                if value.get("sealed").is_some() {
                    continue;
                }
                let entry: i64 = h.try_get("id")?;
                let sealed = keys.seal_history(id, &s.wrapped, &value)?;
                sqlx::query("UPDATE record_history SET changes = $1 WHERE id = $2")
                    .bind(sealed.to_string())
                    .bind(entry)
                    .execute(&mut *tx)
                    .await?;
            }
            sealed_count += 1;
        }
        tx.commit().await?;
    }
}
