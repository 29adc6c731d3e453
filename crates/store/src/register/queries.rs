//! The register as a whole: housekeeping, counts, bulk loads and the HTCDS export.

use sqlx::{QueryBuilder, Row as _};
use tabara_core::audit::AuditAction;
use tabara_core::ids::*;
use tabara_core::records::*;

use super::cases::{
    CASE_COLS, CONSENT_COLS, CP_COLS, case_from_row, case_person_id, consent_from_row,
    exploitation_union, insert_case_persons, insert_cases, insert_comments, insert_consents,
    refresh_case_flags, reserve_case_numbers, victim_from_row,
};
use super::persons::{PERSON_COLS, insert_persons, person_from_row};
use super::*;
use crate::audit::Pending;
use crate::keys::Keys;
use crate::{Actor, Batch, ExportRow, NewCase, RegisterStats, Result};

pub(crate) async fn wipe(pool: &Pool) -> Result<()> {
    let mut tx = pool.begin().await?;
    for t in crate::register::TABLES_CHILD_FIRST
        .iter()
        .chain([&"_sqlx_migrations"])
    {
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP TABLE IF EXISTS {t}")))
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn stats(pool: &Pool) -> Result<RegisterStats> {
    let mut s = RegisterStats::default();
    for (table, slot) in [
        ("organisations", &mut s.organisations),
        ("offices", &mut s.offices),
        ("users", &mut s.users),
        ("persons", &mut s.persons),
        ("cases", &mut s.cases),
    ] {
        *slot = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
            .fetch_one(pool)
            .await?;
    }
    s.audit_entries = sqlx::query_scalar("SELECT seq FROM audit_head WHERE id = 1")
        .fetch_one(pool)
        .await?;
    Ok(s)
}

pub(crate) async fn bulk_insert(
    pool: &Pool,
    keys: &Keys,
    actor: &Actor,
    batch: &Batch,
) -> Result<()> {
    let day = today();
    for c in &batch.cases {
        c.case.facts.validate(day)?;
        for (_, inv) in &c.persons {
            inv.validate()?;
        }
    }
    for c in &batch.consents {
        c.validate(day)?;
    }
    let mut tx = begin(pool).await?;

    let mut audit_entries = Vec::with_capacity(batch.persons.len() * 2 + batch.cases.len() * 3);

    let persons: Vec<(&Person, &PersonIdentity)> =
        batch.persons.iter().map(|(p, i)| (p, i)).collect();
    insert_persons(&mut tx, keys, &persons).await?;
    for (p, _) in &batch.persons {
        audit_entries.push(pending(actor, AuditAction::PersonCreate, p.id.to_string()));
    }

    if !batch.cases.is_empty() {
        let first = reserve_case_numbers(&mut tx, batch.cases.len() as i64).await?;
        let children: std::collections::HashMap<PersonId, bool> = batch
            .persons
            .iter()
            .map(|(p, _)| (p.id, p.facts.is_child_or_presumed()))
            .collect();
        // Cases that involve persons stored before this batch get their flags from the store.
        let mut refresh = Vec::new();
        let cases: Vec<(&NewCase, i64, String, bool)> = batch
            .cases
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if c.persons.iter().any(|(id, _)| !children.contains_key(id)) {
                    refresh.push(c.case.id);
                }
                let minor = c
                    .persons
                    .iter()
                    .any(|(id, _)| children.get(id).copied().unwrap_or(false));
                (
                    &c.case,
                    first + i as i64,
                    exploitation_union(c.persons.iter().map(|(_, inv)| inv)),
                    minor,
                )
            })
            .collect();
        insert_cases(&mut tx, keys, &cases).await?;
        let mut involvements = Vec::new();
        let mut comments = Vec::new();
        for c in &batch.cases {
            audit_entries.push(pending(
                actor,
                AuditAction::CaseCreate,
                c.case.id.to_string(),
            ));
            for (person_id, inv) in &c.persons {
                involvements.push((c.case.id, *person_id, inv));
                audit_entries.push(pending(
                    actor,
                    AuditAction::CasePersonAdd,
                    case_person_id(c.case.id, *person_id),
                ));
            }
            for (author, body) in &c.comments {
                let id = CommentId::new();
                comments.push((id, c.case.id, author.as_str(), body.as_str()));
                audit_entries.push(pending(
                    actor,
                    AuditAction::CaseCommentCreate,
                    id.to_string(),
                ));
            }
        }
        insert_case_persons(&mut tx, &involvements).await?;
        insert_comments(&mut tx, keys, &comments).await?;
        // Every child of the batch is on the child pathway from now.
        let opener = Actor::system(crate::pathways::PATHWAY_ACTOR);
        let now = chrono::Utc::now();
        for c in &batch.cases {
            for (person, _) in &c.persons {
                if !children.get(person).copied().unwrap_or(false) {
                    continue;
                }
                let reason = tabara_core::pathway::OpenReason::Registered;
                if let Some(id) =
                    pathways::insert_pathway(&mut tx, c.case.id, *person, reason, now).await?
                {
                    let action = AuditAction::ChildPathwayOpen;
                    audit_entries.push(pending(&opener, action, id.to_string()));
                }
            }
        }
        for case_id in refresh {
            refresh_case_flags(&mut tx, case_id).await?;
        }
    }

    let consents: Vec<&Consent> = batch.consents.iter().collect();
    insert_consents(&mut tx, actor, &consents).await?;
    for c in &batch.consents {
        audit_entries.push(pending(actor, AuditAction::ConsentCreate, c.id.to_string()));
    }
    append_audit(&mut tx, &audit_entries).await?;
    tx.commit().await?;
    Ok(())
}

/// Before a large load: drop the index whose keys arrive in random order (names), so rows are
/// appended instead of sorted one by one into a B-tree much larger than the page cache.
pub(crate) async fn begin_bulk_load(pool: &Pool) -> Result<()> {
    sqlx::query("DROP INDEX IF EXISTS person_name_terms_term")
        .execute(pool)
        .await?;
    Ok(())
}

/// After a large load: build the dropped index in one sorted pass.
pub(crate) async fn end_bulk_load(pool: &Pool) -> Result<()> {
    sqlx::query(
        "CREATE INDEX IF NOT EXISTS person_name_terms_term ON person_name_terms(term, person_id)",
    )
    .execute(pool)
    .await?;
    Ok(())
}

pub(crate) async fn export_victims(
    pool: &Pool,
    keys: &Keys,
    after: Option<(i64, PersonId)>,
    limit: i64,
    identity_of: Option<&Actor>,
) -> Result<Vec<ExportRow>> {
    let with_identity = identity_of.is_some();
    let mut qb = QueryBuilder::<Db>::new(format!(
        "SELECT {CASE_COLS}, g.name AS g_name, rg.name AS rg_name, ofc.name AS of_name, \
            {PERSON_COLS}, {CP_COLS}{} FROM case_persons cp JOIN cases c ON c.id = cp.case_id \
            JOIN persons p ON p.id = cp.person_id JOIN organisations g ON g.id = \
            c.organisation_id LEFT JOIN offices ofc ON ofc.id = c.office_id LEFT JOIN \
            organisations rg ON rg.id = c.referring_organisation_id{} WHERE cp.role = 'victim'",
        if with_identity {
            ", i.sealed AS i_sealed, k.wrapped AS k_wrapped"
        } else {
            ""
        },
        if with_identity {
            " LEFT JOIN person_identities i ON i.person_id = p.id LEFT JOIN person_keys k ON \
                k.person_id = p.id"
        } else {
            ""
        },
    ));
    if let Some((number, person)) = after {
        qb.push(" AND (c.number > ")
            .push_bind(number)
            .push(" OR (c.number = ")
            .push_bind(number)
            .push(" AND cp.person_id > ")
            .push_bind(person.0)
            .push("))");
    }
    qb.push(" ORDER BY c.number, cp.person_id LIMIT ")
        .push_bind(limit.clamp(1, 10_000));
    let mut tx = begin(pool).await?;
    let rows = qb.build().fetch_all(&mut *tx).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        out.push(ExportRow {
            case: {
                let mut case = case_from_row(r)?;
                keys.case_texts(case.id, &mut case.facts, true)?;
                case
            },
            organisation_name: r.try_get("g_name")?,
            office_name: r.try_get("of_name")?,
            referring_organisation_name: r.try_get("rg_name")?,
            person: person_from_row(r)?,
            victim: victim_from_row(r)?,
            // A person erased (no data key) is exported without identity.
            identity: if with_identity {
                match (
                    r.try_get::<Option<Vec<u8>>, _>("i_sealed")?,
                    r.try_get::<Option<Vec<u8>>, _>("k_wrapped")?,
                ) {
                    (Some(sealed), Some(wrapped)) => {
                        Some(keys.open_identity(PersonId(r.try_get("p_id")?), &wrapped, &sealed)?)
                    }
                    _ => None,
                }
            } else {
                None
            },
            consent: None,
        });
    }
    // Latest consent per person, in one query for the page.
    if !out.is_empty() {
        let mut qb = QueryBuilder::<Db>::new(format!(
            "SELECT {CONSENT_COLS} FROM consents WHERE person_id IN ("
        ));
        let mut sep = qb.separated(", ");
        for row in &out {
            sep.push_bind(row.person.id.0);
        }
        qb.push(") ORDER BY id");
        let consents = qb.build().fetch_all(&mut *tx).await?;
        let mut latest = std::collections::HashMap::new();
        for r in &consents {
            let c = consent_from_row(r)?;
            latest.insert(c.person_id, c.htcds_consent());
        }
        for row in &mut out {
            row.consent = latest.get(&row.person.id).copied();
        }
    }
    if let Some(actor) = identity_of {
        let entries: Vec<Pending> = out
            .iter()
            .map(|row| {
                pending(
                    actor,
                    AuditAction::PersonIdentityExport,
                    row.person.id.to_string(),
                )
            })
            .collect();
        append_audit(&mut tx, &entries).await?;
    }
    tx.commit().await?;
    Ok(out)
}
