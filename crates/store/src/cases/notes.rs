//! Comments, consents, the history of records, and what a case page reads in one go.

use chrono::Utc;
use sqlx::{QueryBuilder, Row as _};
use tabara_core::audit::AuditAction;
use tabara_core::ids::*;
use tabara_core::records::*;
use uuid::Uuid;

use super::access::case_shares;
use super::audit::recent_audit_trail;
use super::persons::fetch_person;
use super::*;
use crate::audit::actor_user;
use crate::{Actor, CaseComment, CaseDetails, HistoryEntry, Result, StoreError};

pub(crate) async fn insert_comments(
    tx: &mut Tx,
    keys: &crate::keys::Keys,
    rows: &[(CommentId, CaseId, &str, &str)],
) -> Result<()> {
    let now = Utc::now();
    for chunk in rows.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO case_comments (id, case_id, author, body, created_at) ",
        );
        qb.push_values(chunk, |mut b, (id, case_id, author, body)| {
            b.push_bind(id.0)
                .push_bind(case_id.0)
                .push_bind(author.to_string())
                .push_bind(keys.seal_comment(*case_id, body))
                .push_bind(now);
        });
        qb.build().execute(&mut **tx).await?;
    }
    Ok(())
}

pub(crate) fn check_comment(body: &str) -> Result<()> {
    let mut e = tabara_core::validation::ValidationErrors::default();
    long_text_rule(&mut e, "cco_CaseComment", body, "a comment cannot be empty");
    Ok(e.into_result(())?)
}

pub(crate) async fn add_comment(
    pool: &Pool,
    keys: &crate::keys::Keys,
    actor: &Actor,
    case_id: CaseId,
    body: &str,
) -> Result<CommentId> {
    check_comment(body)?;
    let mut tx = begin(pool).await?;
    fetch_case(&mut *tx, "c.id = $1", CaseKey::Id(case_id)).await?;
    let id = CommentId::new();
    insert_comments(&mut tx, keys, &[(id, case_id, actor.as_str(), body.trim())]).await?;
    audit(&mut tx, actor, AuditAction::CaseCommentCreate, id).await?;
    tx.commit().await?;
    Ok(id)
}

pub(crate) async fn comments(pool: &Pool, case_id: CaseId) -> Result<Vec<CaseComment>> {
    recent_comments(pool, case_id, i64::MAX).await
}

/// The newest `limit` comments, oldest first.
pub(crate) async fn recent_comments<'e, E: sqlx::Executor<'e, Database = Db>>(
    pool: E,
    case_id: CaseId,
    limit: i64,
) -> Result<Vec<CaseComment>> {
    let sql = "SELECT id, author, body, created_at FROM (SELECT id, author, body, created_at FROM \
        case_comments WHERE case_id = $1 ORDER BY id DESC LIMIT $2) t ORDER BY id";
    case_list(pool, sql, case_id, limit, comment_from_row).await
}

pub(crate) fn comment_from_row(r: &DbRow) -> Result<CaseComment> {
    Ok(CaseComment {
        id: CommentId(r.try_get("id")?),
        author: r.try_get("author")?,
        body: r.try_get("body")?,
        created_at: r.try_get("created_at")?,
    })
}

pub(crate) async fn insert_consents(tx: &mut Tx, actor: &Actor, rows: &[&Consent]) -> Result<()> {
    let now = Utc::now();
    for chunk in rows.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO consents (id, person_id, case_id, scope, given, informed_purpose, \
                informed_data_use, informed_research_use, informed_right_of_access, \
                informed_retention, informed_withdrawal, recorded_on, withdrawn_on, recorded_by, \
                created_at) ",
        );
        qb.push_values(chunk, |mut b, c| {
            b.push_bind(c.id.0)
                .push_bind(c.person_id.0)
                .push_bind(c.case_id.map(|c| c.0))
                .push_bind(c.scope.as_str())
                .push_bind(c.given)
                .push_bind(c.informed_purpose)
                .push_bind(c.informed_data_use)
                .push_bind(c.informed_research_use)
                .push_bind(c.informed_right_of_access)
                .push_bind(c.informed_retention)
                .push_bind(c.informed_withdrawal)
                .push_bind(c.recorded_on)
                .push_bind(c.withdrawn_on)
                .push_bind(actor.as_str().to_string())
                .push_bind(now);
        });
        qb.build().execute(&mut **tx).await?;
    }
    Ok(())
}

pub(crate) async fn record_consent(pool: &Pool, actor: &Actor, consent: &Consent) -> Result<()> {
    consent.validate(today())?;
    let mut tx = begin(pool).await?;
    fetch_person(&mut *tx, consent.person_id, "").await?;
    insert_consents(&mut tx, actor, &[consent]).await?;
    audit(&mut tx, actor, AuditAction::ConsentCreate, consent.id).await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) const CONSENT_COLS: &str = "id, person_id, case_id, scope, given, informed_purpose, \
    informed_data_use, informed_research_use, informed_right_of_access, informed_retention, \
    informed_withdrawal, recorded_on, withdrawn_on";

pub(crate) fn consent_from_row(r: &DbRow) -> Result<Consent> {
    Ok(Consent {
        id: ConsentId(r.try_get("id")?),
        person_id: PersonId(r.try_get("person_id")?),
        case_id: r.try_get::<Option<Uuid>, _>("case_id")?.map(CaseId),
        scope: pick(&r.try_get::<String, _>("scope")?)?,
        given: r.try_get("given")?,
        informed_purpose: r.try_get("informed_purpose")?,
        informed_data_use: r.try_get("informed_data_use")?,
        informed_research_use: r.try_get("informed_research_use")?,
        informed_right_of_access: r.try_get("informed_right_of_access")?,
        informed_retention: r.try_get("informed_retention")?,
        informed_withdrawal: r.try_get("informed_withdrawal")?,
        recorded_on: r.try_get("recorded_on")?,
        withdrawn_on: r.try_get("withdrawn_on")?,
    })
}

pub(crate) async fn consents(pool: &Pool, person_id: PersonId) -> Result<Vec<Consent>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {CONSENT_COLS} FROM consents WHERE person_id = $1 ORDER BY id"
    )))
    .bind(person_id.0)
    .fetch_all(pool)
    .await?;
    rows.iter().map(consent_from_row).collect()
}

pub(crate) async fn history(pool: &Pool, kind: &str, id: &str) -> Result<Vec<HistoryEntry>> {
    recent_history(pool, kind, id, i64::MAX).await
}

/// The newest `limit` entries, oldest first.
pub(crate) async fn recent_history<'e, E: sqlx::Executor<'e, Database = Db>>(
    pool: E,
    kind: &str,
    id: &str,
    limit: i64,
) -> Result<Vec<HistoryEntry>> {
    let rows = sqlx::query(
        "SELECT version, actor, changed_at, changes FROM (SELECT id, version, actor, changed_at, \
            changes FROM record_history WHERE record_kind = $1 AND record_id = $2 ORDER BY id \
            DESC LIMIT $3) t ORDER BY id",
    )
    .bind(kind)
    .bind(id)
    .bind(limit.max(1))
    .fetch_all(pool)
    .await?;
    rows.iter().map(history_from_row).collect()
}

pub(crate) fn history_from_row(r: &DbRow) -> Result<HistoryEntry> {
    let changes: String = r.try_get("changes")?;
    Ok(HistoryEntry {
        version: r.try_get("version")?,
        actor: r.try_get("actor")?,
        changed_at: r.try_get("changed_at")?,
        changes: serde_json::from_str(&changes).map_err(|e| StoreError::Corrupt(e.to_string()))?,
    })
}

/// What a case page shows besides the case itself, read over one connection (a page waits for
/// the pool once, not once per list): persons, the newest comments, changes and audit entries,
/// and the shares.
pub(crate) async fn case_details(pool: &Pool, case_id: CaseId, limit: i64) -> Result<CaseDetails> {
    let mut conn = pool.acquire().await?;
    let id = case_id.to_string();
    let mut details = CaseDetails {
        persons: case_persons(&mut *conn, case_id, limit).await?,
        comments: recent_comments(&mut *conn, case_id, limit).await?,
        history: recent_history(&mut *conn, "case", &id, limit).await?,
        involvement_history: Vec::new(),
        shares: case_shares(&mut *conn, case_id, limit).await?,
        audit: recent_audit_trail(&mut *conn, "case", &id, limit).await?,
        names: std::collections::HashMap::new(),
    };
    if !details.persons.is_empty() {
        // Exact record ids (`case/person`), so the history index serves the lookup.
        let mut qb = QueryBuilder::<Db>::new(
            "SELECT record_id, version, actor, changed_at, changes FROM (SELECT id, record_id, \
                version, actor, changed_at, changes FROM record_history WHERE record_kind = \
                'case_person' AND record_id IN (",
        );
        let mut sep = qb.separated(", ");
        for p in &details.persons {
            sep.push_bind(case_person_id(case_id, p.person.id));
        }
        qb.push(") ORDER BY id DESC LIMIT ")
            .push_bind(limit.max(1))
            .push(") t ORDER BY id");
        for r in qb.build().fetch_all(&mut *conn).await? {
            let record: String = r.try_get("record_id")?;
            let Some(person) = record
                .split_once('/')
                .and_then(|(_, p)| p.parse::<Uuid>().ok())
            else {
                continue;
            };
            details
                .involvement_history
                .push((PersonId(person), history_from_row(&r)?));
        }
    }
    // Every account the lists name: actors, and owners before and after a change.
    let mut users = std::collections::BTreeSet::new();
    let mut note = |actor: &str| {
        if let Some(uuid) = actor_user(actor) {
            users.insert(uuid);
        }
    };
    details.comments.iter().for_each(|c| note(&c.author));
    details.audit.iter().for_each(|e| note(&e.actor));
    details.shares.iter().for_each(|s| note(&s.shared_by));
    for (_, h) in &details.involvement_history {
        note(&h.actor);
    }
    for h in &details.history {
        note(&h.actor);
        if let Some(serde_json::Value::Array(pair)) = h.changes.get("owner_id") {
            for v in pair.iter().filter_map(|v| v.as_str()) {
                note(&format!("user:{v}"));
            }
        }
    }
    if !users.is_empty() {
        let mut qb = QueryBuilder::<Db>::new("SELECT id, display_name FROM users WHERE id IN (");
        let mut sep = qb.separated(", ");
        for u in &users {
            sep.push_bind(*u);
        }
        qb.push(")");
        for r in qb.build().fetch_all(&mut *conn).await? {
            let uuid: Uuid = r.try_get("id")?;
            details
                .names
                .insert(format!("user:{uuid}"), r.try_get("display_name")?);
        }
    }
    Ok(details)
}
