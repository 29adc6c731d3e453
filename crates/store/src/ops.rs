// The store's queries, written once and compiled per backend: this file is included by the
// `sqlite` and `postgres` modules of lib.rs, each of which defines `Db` (the sqlx database)
// and `DIALECT`. Placeholders are `$n` on both backends; SQLite numbers them by first
// appearance, so every query uses them in ascending order.

use chrono::Utc;
use sqlx::{QueryBuilder, Row as _};
use tabara_core::htcds::*;
use tabara_core::picklist::Picklist;
use tabara_core::permissions::Relation;
use tabara_core::{Country, Role, ValueSet};
use uuid::Uuid;

use crate::audit::{self, Pending};

type Pool = sqlx::Pool<Db>;
type Tx = sqlx::Transaction<'static, Db>;
type DbRow = <Db as sqlx::Database>::Row;

/// Appended to the read that precedes an update: on PostgreSQL the row stays locked until
/// commit, so a concurrent editor waits and then sees the new version (and gets a conflict);
/// SQLite's `BEGIN IMMEDIATE` already serialises writers.
const FOR_UPDATE: &str = match DIALECT {
    Dialect::Sqlite => "",
    Dialect::Postgres => " FOR UPDATE",
};

/// Refuse an update that touched no row: the version moved on between read and write.
fn ensure_updated(
    result: <Db as sqlx::Database>::QueryResult,
    kind: &'static str,
    id: String,
    expected: i64,
) -> Result<()> {
    if result.rows_affected() == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict { kind, id, expected, actual: expected + 1 })
    }
}

/// Rows per multi-row INSERT: under SQLite's 32,766 bound parameters for the widest table.
const CHUNK: usize = 1000;

async fn begin(pool: &Pool) -> Result<Tx> {
    Ok(match DIALECT {
        // Take the write lock at once: a deferred transaction that later writes can fail with
        // SQLITE_BUSY instead of waiting.
        Dialect::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await?,
        Dialect::Postgres => pool.begin().await?,
    })
}

// ---------------------------------------------------------------- value conversions

fn pick<T: Picklist>(s: &str) -> Result<T> {
    T::parse(s).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn pick_opt<T: Picklist>(s: Option<String>) -> Result<Option<T>> {
    s.map(|s| pick(&s)).transpose()
}

fn set_to_db<T: Picklist>(set: &ValueSet<T>) -> String {
    if set.is_empty() {
        ";".to_string()
    } else {
        format!(";{};", set.joined())
    }
}

fn set_from_db<T: Picklist>(s: Option<String>) -> Result<ValueSet<T>> {
    match s {
        None => Ok(ValueSet::new()),
        Some(s) => ValueSet::parse_joined(&s).map_err(|e| StoreError::Corrupt(e.to_string())),
    }
}

fn countries_to_db(c: &[Country]) -> String {
    if c.is_empty() {
        ";".to_string()
    } else {
        format!(";{};", tabara_core::countries::join(c))
    }
}

fn countries_from_db(s: &str) -> Result<Vec<Country>> {
    s.split(';')
        .filter(|p| !p.is_empty())
        .map(|p| Country::parse(p).ok_or_else(|| StoreError::Corrupt(format!("country code '{p}'"))))
        .collect()
}

fn country_opt(s: Option<String>) -> Result<Option<Country>> {
    s.map(|s| Country::parse(&s).ok_or_else(|| StoreError::Corrupt(format!("country code '{s}'"))))
        .transpose()
}

/// Top-level fields whose serialised value differs: `{"field": [old, new]}`.
fn diff<T: serde::Serialize>(old: &T, new: &T) -> serde_json::Value {
    let (Ok(serde_json::Value::Object(a)), Ok(serde_json::Value::Object(b))) =
        (serde_json::to_value(old), serde_json::to_value(new))
    else {
        return serde_json::Value::Null;
    };
    let mut out = serde_json::Map::new();
    for (k, new_v) in &b {
        if k == "version" || k == "id" {
            continue;
        }
        let old_v = a.get(k).cloned().unwrap_or(serde_json::Value::Null);
        if &old_v != new_v {
            out.insert(k.clone(), serde_json::json!([old_v, new_v]));
        }
    }
    serde_json::Value::Object(out)
}

// ---------------------------------------------------------------- audit and history

async fn append_audit(tx: &mut Tx, entries: &[Pending]) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let head_sql = match DIALECT {
        Dialect::Sqlite => "SELECT seq, hash FROM audit_head WHERE id = 1",
        // The row lock orders concurrent writers: the chain's order is the commit order.
        Dialect::Postgres => "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE",
    };
    let (mut seq, mut prev): (i64, String) = sqlx::query_as(head_sql).fetch_one(&mut **tx).await?;
    let at_us = Utc::now().timestamp_micros();
    let mut chained = Vec::with_capacity(entries.len());
    for e in entries {
        seq += 1;
        let hash = audit::entry_hash(seq, at_us, &e.actor, e.action, e.record_kind, &e.record_id, &prev);
        chained.push((e, seq, std::mem::replace(&mut prev, hash.clone()), hash));
    }
    for chunk in chained.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO audit_log (seq, at_us, actor, action, record_kind, record_id, prev_hash, hash) ",
        );
        qb.push_values(chunk, |mut b, (e, seq, prev_hash, hash)| {
            b.push_bind(*seq)
                .push_bind(at_us)
                .push_bind(e.actor.clone())
                .push_bind(e.action)
                .push_bind(e.record_kind)
                .push_bind(e.record_id.clone())
                .push_bind(prev_hash.clone())
                .push_bind(hash.clone());
        });
        qb.build().execute(&mut **tx).await?;
    }
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(seq)
        .bind(prev)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

fn pending(actor: &Actor, action: &'static str, record_kind: &'static str, record_id: String) -> Pending {
    Pending {
        actor: actor.as_str().to_string(),
        action,
        record_kind,
        record_id,
    }
}

async fn record_change(
    tx: &mut Tx,
    kind: &str,
    id: &str,
    version: i64,
    actor: &Actor,
    changes: serde_json::Value,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO record_history (record_kind, record_id, version, actor, changed_at, changes) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(kind)
    .bind(id)
    .bind(version)
    .bind(actor.as_str())
    .bind(Utc::now())
    .bind(changes.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub(super) async fn record_event(pool: &Pool, actor: &Actor, action: &'static str, kind: &'static str, id: String) -> Result<()> {
    let mut tx = begin(pool).await?;
    append_audit(&mut tx, &[pending(actor, action, kind, id)]).await?;
    tx.commit().await?;
    Ok(())
}

pub(super) async fn history(pool: &Pool, kind: &str, id: &str) -> Result<Vec<HistoryEntry>> {
    recent_history(pool, kind, id, i64::MAX).await
}

/// The newest `limit` entries, oldest first.
pub(super) async fn recent_history<'e, E: sqlx::Executor<'e, Database = Db>>(pool: E, kind: &str, id: &str, limit: i64) -> Result<Vec<HistoryEntry>> {
    let rows = sqlx::query(
        "SELECT version, actor, changed_at, changes FROM (SELECT id, version, actor, changed_at, changes FROM record_history \
         WHERE record_kind = $1 AND record_id = $2 ORDER BY id DESC LIMIT $3) t ORDER BY id",
    )
    .bind(kind)
    .bind(id)
    .bind(limit.max(1))
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            let changes: String = r.try_get("changes")?;
            Ok(HistoryEntry {
                version: r.try_get("version")?,
                actor: r.try_get("actor")?,
                changed_at: r.try_get("changed_at")?,
                changes: serde_json::from_str(&changes).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            })
        })
        .collect()
}

fn audit_from_row(r: &DbRow) -> Result<AuditEntry> {
    Ok(AuditEntry {
        seq: r.try_get("seq")?,
        at_us: r.try_get("at_us")?,
        actor: r.try_get("actor")?,
        action: r.try_get("action")?,
        record_kind: r.try_get("record_kind")?,
        record_id: r.try_get("record_id")?,
        prev_hash: r.try_get("prev_hash")?,
        hash: r.try_get("hash")?,
    })
}

const AUDIT_COLS: &str = "seq, at_us, actor, action, record_kind, record_id, prev_hash, hash";

pub(super) async fn audit_entries(pool: &Pool, after_seq: i64, limit: i64) -> Result<Vec<AuditEntry>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {AUDIT_COLS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"
    )))
    .bind(after_seq)
    .bind(limit.clamp(1, 100_000))
    .fetch_all(pool)
    .await?;
    rows.iter().map(audit_from_row).collect()
}

pub(super) async fn audit_trail(pool: &Pool, record_kind: &str, record_id: &str) -> Result<Vec<AuditEntry>> {
    recent_audit_trail(pool, record_kind, record_id, i64::MAX).await
}

/// The newest `limit` entries about a record, oldest first.
pub(super) async fn recent_audit_trail<'e, E: sqlx::Executor<'e, Database = Db>>(pool: E, record_kind: &str, record_id: &str, limit: i64) -> Result<Vec<AuditEntry>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {AUDIT_COLS} FROM (SELECT {AUDIT_COLS} FROM audit_log WHERE record_kind = $1 AND record_id = $2 ORDER BY seq DESC LIMIT $3) t ORDER BY seq"
    )))
    .bind(record_kind)
    .bind(record_id)
    .bind(limit.max(1))
    .fetch_all(pool)
    .await?;
    rows.iter().map(audit_from_row).collect()
}

/// A record's id as the audit log writes it (`Uuid::to_string`): SQLite keeps UUIDs as 16-byte
/// blobs, PostgreSQL as `uuid`.
fn uuid_text(col: &str) -> String {
    match DIALECT {
        Dialect::Sqlite => format!(
            "lower(substr(hex({col}), 1, 8) || '-' || substr(hex({col}), 9, 4) || '-' || substr(hex({col}), 13, 4) || '-' || substr(hex({col}), 17, 4) || '-' || substr(hex({col}), 21, 12))"
        ),
        Dialect::Postgres => format!("{col}::text"),
    }
}

/// What the register holds that the log must account for. No row of these tables is ever
/// deleted, and each was inserted in the same transaction as one entry `action` about
/// `record_kind` and the row's id; so a table cannot hold more rows than the log has such
/// entries. `stamps` are the columns that record when a row was written (each write audited in
/// its transaction, after the time was taken), so none can be newer than the log's last entry.
struct Evidence {
    table: &'static str,
    /// Which rows, when one table holds rows of several actions.
    filter: &'static str,
    /// `(record_kind, action)` of each row's creation entry; `None` for rows created with
    /// another record's entry (a person's identity comes with `person.create`).
    created: Option<(&'static str, &'static str)>,
    /// The row's `record_id` in the log, as columns: one uuid, or `case_id/person_id`; empty
    /// when several rows share one (only their number can be compared).
    id: &'static [&'static str],
    stamps: &'static [&'static str],
}

const EVIDENCE: &[Evidence] = &[
    Evidence { table: "organisations", filter: "", created: Some(("organisation", "organisation.create")), id: &["id"], stamps: &["updated_at"] },
    Evidence { table: "offices", filter: "", created: Some(("office", "office.create")), id: &["id"], stamps: &["updated_at"] },
    Evidence { table: "users", filter: "", created: Some(("user", "user.create")), id: &["id"], stamps: &["updated_at"] },
    Evidence { table: "persons", filter: "", created: Some(("person", "person.create")), id: &["id"], stamps: &["updated_at"] },
    Evidence { table: "person_identities", filter: "", created: None, id: &["person_id"], stamps: &["updated_at"] },
    Evidence { table: "cases", filter: "", created: Some(("case", "case.create")), id: &["id"], stamps: &["updated_at"] },
    Evidence { table: "case_persons", filter: "", created: Some(("case_person", "case_person.add")), id: &["case_id", "person_id"], stamps: &["updated_at"] },
    Evidence { table: "case_comments", filter: "", created: Some(("case_comment", "case_comment.create")), id: &["id"], stamps: &["created_at"] },
    Evidence { table: "consents", filter: "", created: Some(("consent", "consent.create")), id: &["id"], stamps: &["created_at"] },
    Evidence { table: "case_shares", filter: "", created: None, id: &["case_id"], stamps: &["shared_at"] },
    Evidence { table: "screenings", filter: "", created: Some(("screening", "screening.create")), id: &["id"], stamps: &["updated_at"] },
    Evidence { table: "training_sessions", filter: "", created: Some(("training_session", "training_session.create")), id: &["id"], stamps: &["updated_at"] },
    Evidence { table: "training_participants", filter: "", created: Some(("training_participant", "training_participant.create")), id: &["id"], stamps: &["updated_at"] },
    Evidence { table: "certificates", filter: "", created: Some(("certificate", "certificate.issue")), id: &["id"], stamps: &["issued_at", "revoked_at"] },
    Evidence { table: "material_items", filter: "", created: Some(("material", "material.create")), id: &["id"], stamps: &["created_at"] },
    // A movement's entry names the item it moved (kind `material`): several rows share an id,
    // so only numbers compare, and the problem names the rows as movements.
    Evidence { table: "material_movements", filter: " WHERE kind = 'receipt'", created: Some(("material_movement", "material.receipt")), id: &[], stamps: &["recorded_at"] },
    Evidence { table: "material_movements", filter: " WHERE kind <> 'receipt'", created: Some(("material_movement", "material.distribution")), id: &[], stamps: &[] },
];

/// Clocks of several application servers (PostgreSQL) may differ a little: a row written by
/// one server can carry a time up to this much after the next entry another server appends.
const CLOCK_SKEW_US: i64 = 2_000_000;

pub(super) async fn verify_audit(pool: &Pool) -> Result<Verification> {
    // One consistent snapshot: rows and entries committed while the check runs are either all
    // seen or not at all, so a live register never looks cut.
    let mut tx = match DIALECT {
        Dialect::Sqlite => pool.begin_with("BEGIN").await?,
        Dialect::Postgres => pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await?,
    };
    let head: Option<(i64, String)> =
        sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_optional(&mut *tx).await?;
    let bound = head.as_ref().map_or(i64::MAX, |(seq, _)| *seq);
    let mut verifier = audit::Verifier::default();
    let mut creations: std::collections::HashMap<String, i64> =
        EVIDENCE.iter().filter_map(|e| e.created).map(|(_, action)| (action.to_string(), 0)).collect();
    let mut last_at_us = i64::MIN;
    let mut after = 0i64;
    loop {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {AUDIT_COLS} FROM audit_log WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT 20000"
        )))
        .bind(after)
        .bind(bound.max(after))
        .fetch_all(&mut *tx)
        .await?;
        if rows.is_empty() {
            break;
        }
        for r in &rows {
            let e = audit_from_row(r)?;
            if let Err((seq, reason)) = verifier.check(&e) {
                return Ok(Verification::Broken { seq, reason });
            }
            if let Some(n) = creations.get_mut(&e.action) {
                *n += 1;
            }
            last_at_us = last_at_us.max(e.at_us);
            after = e.seq;
        }
    }
    let Some((head_seq, head_hash)) = head else {
        return Ok(Verification::Broken { seq: after + 1, reason: audit::Problem::HeadMissing });
    };
    // Entries past the head would be forged appends that skipped the head update.
    let beyond: Option<i64> = sqlx::query_scalar("SELECT MIN(seq) FROM audit_log WHERE seq > $1")
        .bind(head_seq)
        .fetch_one(&mut *tx)
        .await?;
    if let Some(seq) = beyond {
        return Ok(Verification::Broken {
            seq,
            reason: audit::Problem::BeyondHead { head: head_seq },
        });
    }
    let chain = verifier.finish(head_seq, &head_hash);
    if !matches!(chain, Verification::Ok { .. }) {
        return Ok(chain);
    }
    // The chain is whole up to its head; but a head rewritten to an earlier entry (or to 0)
    // hides a cut tail. The register itself proves what happened: every record's creation
    // entry must be there, and nothing can have been written after the last entry.
    for ev in EVIDENCE {
        let Some((kind, action)) = ev.created else { continue };
        let records: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {}{}", ev.table, ev.filter)))
            .fetch_one(&mut *tx)
            .await?;
        let entries = creations.get(action).copied().unwrap_or(0);
        if records > entries && ev.id.is_empty() {
            return Ok(Verification::Broken {
                seq: head_seq + 1,
                reason: audit::Problem::Unrecorded {
                    kind: kind.to_string(),
                    action: action.to_string(),
                    records,
                    entries,
                    example: None,
                },
            });
        }
        if records > entries {
            let id_sql = ev.id.iter().map(|c| uuid_text(&format!("t.{c}"))).collect::<Vec<_>>().join(" || '/' || ");
            let example: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT {id_sql} FROM {} t WHERE NOT EXISTS (SELECT 1 FROM audit_log a \
                 WHERE a.record_kind = $1 AND a.record_id = {id_sql} AND a.action = $2) LIMIT 1",
                ev.table
            )))
            .bind(kind)
            .bind(action)
            .fetch_optional(&mut *tx)
            .await?;
            return Ok(Verification::Broken {
                seq: head_seq + 1,
                reason: audit::Problem::Unrecorded {
                    kind: kind.to_string(),
                    action: action.to_string(),
                    records,
                    entries,
                    example,
                },
            });
        }
    }
    for ev in EVIDENCE {
        for stamp in ev.stamps {
            let newest: Option<chrono::DateTime<Utc>> =
                sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT MAX({stamp}) FROM {}", ev.table)))
                    .fetch_one(&mut *tx)
                    .await?;
            let Some(newest) = newest else { continue };
            let newest_us = newest.timestamp_micros();
            if head_seq == 0 || newest_us > last_at_us.saturating_add(CLOCK_SKEW_US) {
                return Ok(Verification::Broken {
                    seq: head_seq + 1,
                    reason: audit::Problem::WrittenAfterLog {
                        table: ev.table.to_string(),
                        written_at_us: newest_us,
                        last_entry_at_us: if head_seq == 0 { None } else { Some(last_at_us) },
                    },
                });
            }
        }
    }
    tx.commit().await?;
    Ok(chain)
}

// ---------------------------------------------------------------- housekeeping

pub(super) async fn wipe(pool: &Pool) -> Result<()> {
    let mut tx = pool.begin().await?;
    for t in [
        "material_movements",
        "material_stock",
        "material_items",
        "certificates",
        "training_attendance",
        "training_participants",
        "training_sessions",
        "screenings",
        "account_requests",
        "sessions",
        "api_tokens",
        "case_shares",
        "audit_head",
        "audit_log",
        "record_history",
        "consents",
        "case_comments",
        "case_persons",
        "cases",
        "counters",
        "person_name_keys",
        "person_identities",
        "persons",
        "users",
        "offices",
        "organisations",
        "_sqlx_migrations",
    ] {
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP TABLE IF EXISTS {t}")))
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub(super) async fn stats(pool: &Pool) -> Result<RegisterStats> {
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

// ---------------------------------------------------------------- organisations, offices, users

const ORG_COLS: &str = "id, name, org_type, street, city, province, country, phone, version";

fn org_from_row(r: &DbRow) -> Result<Organisation> {
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

async fn insert_organisations(tx: &mut Tx, orgs: &[&Organisation]) -> Result<()> {
    let now = Utc::now();
    for chunk in orgs.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO organisations (id, name, org_type, street, city, province, country, phone, version, created_at, updated_at) ",
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

pub(super) async fn create_organisation(pool: &Pool, actor: &Actor, org: &Organisation) -> Result<()> {
    let mut tx = begin(pool).await?;
    insert_organisations(&mut tx, &[org]).await?;
    append_audit(&mut tx, &[pending(actor, "organisation.create", "organisation", org.id.to_string())]).await?;
    tx.commit().await?;
    Ok(())
}

pub(super) async fn organisations(pool: &Pool) -> Result<Vec<Organisation>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {ORG_COLS} FROM organisations ORDER BY name, id"
    )))
    .fetch_all(pool)
    .await?;
    rows.iter().map(org_from_row).collect()
}

pub(super) async fn update_organisation(pool: &Pool, actor: &Actor, org: &Organisation) -> Result<i64> {
    let mut tx = begin(pool).await?;
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {ORG_COLS} FROM organisations WHERE id = $1{FOR_UPDATE}")))
        .bind(org.id.0)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::NotFound { kind: "organisation", id: org.id.to_string() })?;
    let current = org_from_row(&row)?;
    check_version("organisation", org.id.to_string(), org.version, current.version)?;
    let version = current.version + 1;
    let updated = sqlx::query(
        "UPDATE organisations SET name = $1, org_type = $2, street = $3, city = $4, province = $5, country = $6, phone = $7, version = $8, updated_at = $9 WHERE id = $10 AND version = $11",
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
    ensure_updated(updated, "organisation", org.id.to_string(), org.version)?;
    record_change(&mut tx, "organisation", &org.id.to_string(), version, actor, diff(&current, org)).await?;
    append_audit(&mut tx, &[pending(actor, "organisation.update", "organisation", org.id.to_string())]).await?;
    tx.commit().await?;
    Ok(version)
}

fn check_version(kind: &'static str, id: String, expected: i64, actual: i64) -> Result<()> {
    if expected == actual {
        Ok(())
    } else {
        Err(StoreError::Conflict { kind, id, expected, actual })
    }
}

pub(super) async fn create_office(pool: &Pool, actor: &Actor, office: &Office) -> Result<()> {
    let mut e = tabara_core::validation::ValidationErrors::default();
    tabara_core::validation::check_characters(&mut e, "off_Name", &office.name, false);
    tabara_core::validation::check_characters(&mut e, "off_Province", &office.province, false);
    e.into_result(())?;
    let mut tx = begin(pool).await?;
    let now = Utc::now();
    sqlx::query(
        "INSERT INTO offices (id, organisation_id, name, kind, province, border_country, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
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
    append_audit(&mut tx, &[pending(actor, "office.create", "office", office.id.to_string())]).await?;
    tx.commit().await?;
    Ok(())
}

pub(super) async fn offices(pool: &Pool) -> Result<Vec<Office>> {
    let rows = sqlx::query(
        "SELECT id, organisation_id, name, kind, province, border_country, version FROM offices ORDER BY name, id",
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

pub(super) async fn create_user(pool: &Pool, actor: &Actor, user: &NewUser) -> Result<UserId> {
    let mut tx = begin(pool).await?;
    insert_user(&mut tx, actor, user).await?;
    tx.commit().await?;
    Ok(user.id)
}

/// Insert an account and audit its creation, inside the caller's transaction.
async fn insert_user(tx: &mut Tx, actor: &Actor, user: &NewUser) -> Result<()> {
    let mut e = tabara_core::validation::ValidationErrors::default();
    tabara_core::validation::check_characters(&mut e, "usr_DisplayName", &user.display_name, false);
    e.into_result(())?;
    let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE username = $1")
        .bind(&user.username)
        .fetch_one(&mut **tx)
        .await?;
    if taken > 0 {
        return Err(StoreError::Duplicate { what: "user name", value: user.username.clone() });
    }
    let now = Utc::now();
    sqlx::query(
        "INSERT INTO users (id, username, display_name, role, organisation_id, office_id, password_hash, disabled, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
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
    .map_err(|e| match e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            StoreError::Duplicate { what: "user name", value: user.username.clone() }
        }
        other => other.into(),
    })?;
    append_audit(tx, &[pending(actor, "user.create", "user", user.id.to_string())]).await?;
    Ok(())
}

pub(super) async fn user_by_username(pool: &Pool, username: &str) -> Result<Option<User>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {USER_COLS} FROM users WHERE username = $1")))
        .bind(username)
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(user_from_row).transpose()
}

pub(super) async fn count_users(pool: &Pool) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(pool).await?)
}

// ---------------------------------------------------------------- persons

const PERSON_COLS: &str = "p.id AS p_id, p.organisation_id AS p_org, p.gender AS p_gender, \
    p.age_at_registration AS p_age, p.age_uncertain AS p_age_uncertain, p.citizenship AS p_citizenship, \
    p.marital_status AS p_marital, p.number_of_children AS p_children, p.primary_language AS p_lang1, \
    p.secondary_language AS p_lang2, p.education AS p_education, p.deceased AS p_deceased, \
    p.registered_on AS p_registered_on, p.version AS p_version";

fn person_from_row(r: &DbRow) -> Result<Person> {
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

const IDENTITY_COLS: &str = "i.salutation AS i_salutation, i.first_name AS i_first, i.middle_name AS i_middle, \
    i.second_name AS i_second, i.birthdate AS i_birthdate, i.identity_number AS i_idno, i.title AS i_title, \
    i.email AS i_email, i.home_phone AS i_home, i.mobile_phone AS i_mobile, i.mailing_street AS i_street, \
    i.mailing_city AS i_city, i.mailing_state AS i_state, i.mailing_postal_code AS i_postal, \
    i.mailing_country AS i_country, i.notes AS i_notes, i.version AS i_version";

fn identity_from_row(r: &DbRow) -> Result<PersonIdentity> {
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

async fn insert_persons(tx: &mut Tx, persons: &[(&Person, &PersonIdentity)]) -> Result<()> {
    let now = Utc::now();
    for chunk in persons.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO persons (id, organisation_id, gender, age_at_registration, age_uncertain, citizenship, marital_status, number_of_children, primary_language, secondary_language, education, deceased, registered_on, version, created_at, updated_at) ",
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
            "INSERT INTO person_identities (person_id, salutation, first_name, middle_name, second_name, birthdate, identity_number, title, email, home_phone, mobile_phone, mailing_street, mailing_city, mailing_state, mailing_postal_code, mailing_country, notes, name_key, version, updated_at) ",
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

async fn insert_name_keys(tx: &mut Tx, keys: &[(String, Uuid)]) -> Result<()> {
    for chunk in keys.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new("INSERT INTO person_name_keys (key, person_id) ");
        qb.push_values(chunk, |mut b, (key, id)| {
            b.push_bind(key.clone()).push_bind(*id);
        });
        qb.build().execute(&mut **tx).await?;
    }
    Ok(())
}

pub(super) async fn create_person(
    pool: &Pool,
    actor: &Actor,
    person: &Person,
    identity: &PersonIdentity,
) -> Result<()> {
    let mut tx = begin(pool).await?;
    insert_persons(&mut tx, &[(person, identity)]).await?;
    append_audit(&mut tx, &[pending(actor, "person.create", "person", person.id.to_string())]).await?;
    tx.commit().await?;
    Ok(())
}

async fn fetch_person<'e, E>(ex: E, id: PersonId, lock: &str) -> Result<Person>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {PERSON_COLS} FROM persons p WHERE p.id = $1{lock}")))
        .bind(id.0)
        .fetch_optional(ex)
        .await?
        .ok_or_else(|| StoreError::NotFound { kind: "person", id: id.to_string() })?;
    person_from_row(&row)
}

pub(super) async fn person(pool: &Pool, id: PersonId) -> Result<Person> {
    fetch_person(pool, id, "").await
}

async fn fetch_identity(tx: &mut Tx, id: PersonId, lock: &str) -> Result<(PersonIdentity, i64)> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {IDENTITY_COLS} FROM person_identities i WHERE i.person_id = $1{lock}"
    )))
    .bind(id.0)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| StoreError::NotFound { kind: "person", id: id.to_string() })?;
    Ok((identity_from_row(&row)?, row.try_get("i_version")?))
}

pub(super) async fn read_identity(pool: &Pool, actor: &Actor, id: PersonId) -> Result<(PersonIdentity, i64)> {
    let mut tx = begin(pool).await?;
    let out = fetch_identity(&mut tx, id, "").await?;
    append_audit(&mut tx, &[pending(actor, "person_identity.read", "person", id.to_string())]).await?;
    tx.commit().await?;
    Ok(out)
}

pub(super) async fn update_person(pool: &Pool, actor: &Actor, person: &Person) -> Result<i64> {
    let mut tx = begin(pool).await?;
    let version = update_person_in(&mut tx, actor, person).await?;
    tx.commit().await?;
    Ok(version)
}

/// A person's facts and identity changed together: both or neither.
pub(super) async fn update_person_with_identity(
    pool: &Pool,
    actor: &Actor,
    person: &Person,
    identity_version: i64,
    identity: &PersonIdentity,
) -> Result<(i64, i64)> {
    let mut tx = begin(pool).await?;
    let facts_version = update_person_in(&mut tx, actor, person).await?;
    let identity_version = update_identity_in(&mut tx, actor, person.id, identity_version, identity).await?;
    tx.commit().await?;
    Ok((facts_version, identity_version))
}

async fn update_person_in(tx: &mut Tx, actor: &Actor, person: &Person) -> Result<i64> {
    let current = fetch_person(&mut **tx, person.id, FOR_UPDATE).await?;
    check_version("person", person.id.to_string(), person.version, current.version)?;
    let f = &person.facts;
    let version = current.version + 1;
    let updated = sqlx::query(
        "UPDATE persons SET gender = $1, age_at_registration = $2, age_uncertain = $3, citizenship = $4, marital_status = $5, number_of_children = $6, primary_language = $7, secondary_language = $8, education = $9, deceased = $10, registered_on = $11, version = $12, updated_at = $13 WHERE id = $14 AND version = $15",
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
    ensure_updated(updated, "person", person.id.to_string(), person.version)?;
        if current.facts.is_child_or_presumed() != person.facts.is_child_or_presumed() {
        let cases: Vec<Uuid> = sqlx::query_scalar("SELECT case_id FROM case_persons WHERE person_id = $1")
            .bind(person.id.0)
            .fetch_all(&mut **tx)
            .await?;
        for case_id in cases {
            refresh_case_flags(tx, CaseId(case_id)).await?;
        }
    }
    record_change(tx, "person", &person.id.to_string(), version, actor, diff(&current.facts, &person.facts)).await?;
    append_audit(tx, &[pending(actor, "person.update", "person", person.id.to_string())]).await?;
    Ok(version)
}

pub(super) async fn update_identity(
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

async fn update_identity_in(
    tx: &mut Tx,
    actor: &Actor,
    id: PersonId,
    expected_version: i64,
    identity: &PersonIdentity,
) -> Result<i64> {
    let (current, current_version) = fetch_identity(tx, id, FOR_UPDATE).await?;
    check_version("person identity", id.to_string(), expected_version, current_version)?;
    let version = current_version + 1;
    let updated = sqlx::query(
        "UPDATE person_identities SET salutation = $1, first_name = $2, middle_name = $3, second_name = $4, birthdate = $5, identity_number = $6, title = $7, email = $8, home_phone = $9, mobile_phone = $10, mailing_street = $11, mailing_city = $12, mailing_state = $13, mailing_postal_code = $14, mailing_country = $15, notes = $16, name_key = $17, version = $18, updated_at = $19 WHERE person_id = $20 AND version = $21",
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
    ensure_updated(updated, "person identity", id.to_string(), expected_version)?;
        sqlx::query("DELETE FROM person_name_keys WHERE person_id = $1").bind(id.0).execute(&mut **tx).await?;
    let keys: Vec<(String, Uuid)> = identity.search_keys().into_iter().map(|k| (k, id.0)).collect();
    insert_name_keys(tx, &keys).await?;
    // The earlier identifying values are history of the identity and live under its own kind,
    // so they fall under the same protection as the identity itself.
    record_change(tx, "person_identity", &id.to_string(), version, actor, diff(&current, identity)).await?;
    append_audit(tx, &[pending(actor, "person_identity.update", "person", id.to_string())]).await?;
    Ok(version)
}

pub(super) async fn find_persons_by_name(pool: &Pool, query: &str, limit: i64) -> Result<Vec<PersonId>> {
    let key = normalise_name(query);
    if key.is_empty() {
        return Ok(Vec::new());
    }
    // A prefix range instead of LIKE: uses the index on both backends whatever the collation.
    let upper = format!("{key}\u{10FFFF}");
    let rows: Vec<Uuid> = sqlx::query_scalar(
        "SELECT person_id FROM person_name_keys WHERE key >= $1 AND key < $2 ORDER BY key, person_id LIMIT $3",
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

// ---------------------------------------------------------------- cases

const CASE_COLS: &str = "c.id AS c_id, c.number AS c_number, c.organisation_id AS c_org, c.office_id AS c_office, \
    c.owner_id AS c_owner, c.status AS c_status, c.opened_on AS c_opened_on, c.closed_on AS c_closed_on, \
    c.closure_reason AS c_closure_reason, c.referring_organisation_id AS c_ref_org, \
    c.incoming_referral_date AS c_ref_date, c.incoming_referral_reason AS c_ref_reason, \
    c.incoming_referral_details AS c_ref_details, c.version AS c_version";

fn case_from_row(r: &DbRow) -> Result<Case> {
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
            referring_organisation_id: r.try_get::<Option<Uuid>, _>("c_ref_org")?.map(OrganisationId),
            incoming_referral_date: r.try_get("c_ref_date")?,
            incoming_referral_reason: pick_opt(r.try_get("c_ref_reason")?)?,
            incoming_referral_details: r.try_get("c_ref_details")?,
        },
        version: r.try_get("c_version")?,
    })
}

async fn reserve_case_numbers(tx: &mut Tx, n: i64) -> Result<i64> {
    let last: i64 = sqlx::query_scalar(
        "UPDATE counters SET value = value + $1 WHERE name = 'case_number' RETURNING value",
    )
    .bind(n)
    .fetch_one(&mut **tx)
    .await?;
    Ok(last - n + 1)
}

async fn insert_cases(tx: &mut Tx, cases: &[(&NewCase, i64, String, bool)]) -> Result<()> {
    let now = Utc::now();
    for chunk in cases.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO cases (id, number, organisation_id, office_id, owner_id, status, opened_on, closed_on, closure_reason, referring_organisation_id, incoming_referral_date, incoming_referral_reason, incoming_referral_details, exploitation_types, involves_minor, version, created_at, updated_at) ",
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
                .push_bind(f.closure_reason.clone())
                .push_bind(f.referring_organisation_id.map(|o| o.0))
                .push_bind(f.incoming_referral_date)
                .push_bind(f.incoming_referral_reason.map(|r| r.as_str()))
                .push_bind(f.incoming_referral_details.clone())
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

pub(super) async fn create_case(pool: &Pool, actor: &Actor, new: &NewCase) -> Result<Case> {
    new.facts.validate(today())?;
    let mut tx = begin(pool).await?;
    let number = reserve_case_numbers(&mut tx, 1).await?;
    insert_cases(&mut tx, &[(new, number, ";".to_string(), false)]).await?;
    append_audit(&mut tx, &[pending(actor, "case.create", "case", new.id.to_string())]).await?;
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

async fn fetch_case<'e, E>(ex: E, clause: &'static str, id: CaseKey) -> Result<Case>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    let q = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {CASE_COLS} FROM cases c WHERE {clause}")));
    let q = match id {
        CaseKey::Id(id) => q.bind(id.0),
        CaseKey::Number(n) => q.bind(n),
    };
    let row = q.fetch_optional(ex).await?.ok_or_else(|| StoreError::NotFound {
        kind: "case",
        id: match id {
            CaseKey::Id(id) => id.to_string(),
            CaseKey::Number(n) => case_reference(n),
        },
    })?;
    case_from_row(&row)
}

#[derive(Clone, Copy)]
enum CaseKey {
    Id(CaseId),
    Number(i64),
}

pub(super) async fn case_by_number(pool: &Pool, number: i64) -> Result<Case> {
    fetch_case(pool, "c.number = $1", CaseKey::Number(number)).await
}

pub(super) async fn case(pool: &Pool, id: CaseId) -> Result<Case> {
    fetch_case(pool, "c.id = $1", CaseKey::Id(id)).await
}

pub(super) async fn update_case(pool: &Pool, actor: &Actor, case: &Case) -> Result<i64> {
    case.facts.validate(today())?;
    let mut tx = begin(pool).await?;
    let clause = match DIALECT {
        Dialect::Sqlite => "c.id = $1",
        Dialect::Postgres => "c.id = $1 FOR UPDATE",
    };
    let current = fetch_case(&mut *tx, clause, CaseKey::Id(case.id)).await?;
    check_version("case", case.reference(), case.version, current.version)?;
    let f = &case.facts;
    let version = current.version + 1;
    let updated = sqlx::query(
        "UPDATE cases SET owner_id = $1, office_id = $2, status = $3, opened_on = $4, closed_on = $5, closure_reason = $6, referring_organisation_id = $7, incoming_referral_date = $8, incoming_referral_reason = $9, incoming_referral_details = $10, version = $11, updated_at = $12 WHERE id = $13 AND version = $14",
    )
    .bind(case.owner_id.map(|u| u.0))
    .bind(case.office_id.map(|o| o.0))
    .bind(f.status.as_str())
    .bind(f.opened_on)
    .bind(f.closed_on)
    .bind(&f.closure_reason)
    .bind(f.referring_organisation_id.map(|o| o.0))
    .bind(f.incoming_referral_date)
    .bind(f.incoming_referral_reason.map(|r| r.as_str()))
    .bind(&f.incoming_referral_details)
    .bind(version)
    .bind(Utc::now())
    .bind(case.id.0)
    .bind(current.version)
    .execute(&mut *tx)
    .await?;
    ensure_updated(updated, "case", case.reference(), case.version)?;
    let mut changes = diff(&current.facts, &case.facts);
    if let (serde_json::Value::Object(m), true) = (&mut changes, current.owner_id != case.owner_id) {
        m.insert("owner_id".into(), serde_json::json!([current.owner_id, case.owner_id]));
    }
    if let (serde_json::Value::Object(m), true) = (&mut changes, current.office_id != case.office_id) {
        m.insert("office_id".into(), serde_json::json!([current.office_id, case.office_id]));
    }
    record_change(&mut tx, "case", &case.id.to_string(), version, actor, changes).await?;
    append_audit(&mut tx, &[pending(actor, "case.update", "case", case.id.to_string())]).await?;
    tx.commit().await?;
    Ok(version)
}

pub(super) async fn list_cases(pool: &Pool, filter: &CaseFilter, page: PageRequest) -> Result<Page<CaseSummary>> {
    let limit = page.limit.clamp(1, 500);
    let mut qb = QueryBuilder::<Db>::new("");
    if let Some(name) = &filter.name {
        // The cases of the first persons whose name key starts with the search, computed once
        // for every branch below. The key range is read in index order and cut at the limit,
        // so the planner starts from the few matching persons, not from the reach.
        // Under need-to-know a case is found only through persons whose identity the viewer
        // may read there (`permissions::decide_identity`): the case is within their reach
        // (the branches below), and the person plays a role whose identity their role reads.
        let key = normalise_name(name);
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
        qb.push(
            "cp.person_id IN \
             (SELECT k.person_id FROM person_name_keys k WHERE k.key >= ",
        )
        .push_bind(key.clone())
        .push(" AND k.key < ")
        .push_bind(format!("{key}\u{10FFFF}"))
        .push(" ORDER BY k.key, k.person_id LIMIT ")
        .push_bind(if key.is_empty() { 0 } else { NAME_SEARCH_KEYS })
        .push(")) ");
    }
    qb.push(
        "SELECT c.id, c.number, c.status, c.opened_on, c.exploitation_types, g.name AS organisation_name, o.name AS office_name, \
         (SELECT COUNT(*) FROM case_persons cp WHERE cp.case_id = c.id) AS persons, \
         (SELECT COUNT(*) FROM case_persons cp WHERE cp.case_id = c.id AND cp.role = 'victim') AS victims \
         FROM cases c JOIN organisations g ON g.id = c.organisation_id LEFT JOIN offices o ON o.id = c.office_id WHERE 1 = 1",
    );
    match &filter.visible_to {
        None => push_case_filters(&mut qb, filter, page.after),
        Some(viewer) => {
            let reach = reach_of(viewer);
            if reach.is_empty() {
                return Ok(Page { items: Vec::new(), next: None });
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
                let col = |name: &str| if by_id { format!("+c.{name}") } else { format!("c.{name}") };
                match way {
                    Reach::Shared(org) => {
                        qb.push(" JOIN case_shares s ON s.case_id = c.id WHERE s.organisation_id = ").push_bind(*org);
                    }
                    Reach::Organisation(org) => {
                        qb.push(format!(" WHERE {} = ", col("organisation_id"))).push_bind(*org);
                    }
                    Reach::Office(office) => {
                        qb.push(format!(" WHERE {} = ", col("office_id"))).push_bind(*office);
                    }
                    Reach::Owner(user) => {
                        qb.push(" WHERE c.owner_id = ").push_bind(*user);
                    }
                    Reach::Minor => {
                        qb.push(format!(" WHERE {} = ", col("involves_minor"))).push_bind(true);
                    }
                }
                push_case_filters(&mut qb, filter, page.after);
                qb.push(" ORDER BY c.number DESC LIMIT ").push_bind(limit + 1);
                qb.push(") b");
                qb.push(i.to_string());
            }
            qb.push(")");
        }
    }
    qb.push(" ORDER BY c.number DESC LIMIT ").push_bind(limit + 1);
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

// ---------------------------------------------------------------- persons in cases

const CP_COLS: &str = "cp.role AS cp_role, cp.trafficking_status AS cp_status, cp.decision_org AS cp_decision_org, \
    cp.relationship_to_trafficker AS cp_relationship, cp.age_when_trafficked AS cp_age, \
    cp.recruitment_websites AS cp_rec_web, cp.methods_of_recruitment AS cp_rec_methods, \
    cp.methods_of_control AS cp_control, cp.exploitation_types AS cp_types, cp.labour_industries AS cp_industries, \
    cp.sex_exploitation_types AS cp_sex_types, cp.exploitation_websites AS cp_expl_web, \
    cp.recruitment_country AS cp_rec_country, cp.exploitation_country AS cp_expl_country, \
    cp.perpetrator_roles AS cp_roles, cp.perpetrator_role_details AS cp_role_details, \
    cp.perpetrator_organisation_id AS cp_per_org, cp.version AS cp_version";

fn victim_from_row(r: &DbRow) -> Result<VictimContext> {
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

fn involvement_from_row(r: &DbRow) -> Result<Involvement> {
    let role: PersonRole = pick(&r.try_get::<String, _>("cp_role")?)?;
    Ok(match role {
        PersonRole::Victim => Involvement::Victim(victim_from_row(r)?),
        PersonRole::Suspect => Involvement::Suspect(PerpetratorContext {
            roles: set_from_db(r.try_get("cp_roles")?)?,
            role_details: r.try_get("cp_role_details")?,
            organisation_id: r.try_get::<Option<Uuid>, _>("cp_per_org")?.map(OrganisationId),
        }),
        PersonRole::Witness => Involvement::Witness,
        PersonRole::Other => Involvement::Other,
    })
}

/// Column values of an involvement, in the order of `insert_case_persons`' columns 3..=19.
struct InvolvementCols {
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

fn involvement_cols(i: &Involvement) -> InvolvementCols {
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

async fn insert_case_persons(tx: &mut Tx, rows: &[(CaseId, PersonId, &Involvement)]) -> Result<()> {
    let now = Utc::now();
    for chunk in rows.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO case_persons (case_id, person_id, role, trafficking_status, decision_org, relationship_to_trafficker, age_when_trafficked, recruitment_websites, methods_of_recruitment, methods_of_control, exploitation_types, labour_industries, sex_exploitation_types, exploitation_websites, recruitment_country, exploitation_country, perpetrator_roles, perpetrator_role_details, perpetrator_organisation_id, version, created_at, updated_at) ",
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

/// The list filters other than need-to-know, as `AND` clauses on `cases c`.
fn push_case_filters(qb: &mut QueryBuilder<Db>, filter: &CaseFilter, after: Option<i64>) {
    if let Some(s) = filter.status {
        qb.push(" AND c.status = ").push_bind(s.as_str());
    }
    if let Some(t) = filter.exploitation {
        qb.push(" AND c.exploitation_types LIKE ").push_bind(format!("%;{};%", t.as_str()));
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

/// The union of the victims' exploitation types, in storage form.
fn exploitation_union<'a>(involvements: impl Iterator<Item = &'a Involvement>) -> String {
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
async fn refresh_case_flags(tx: &mut Tx, case_id: CaseId) -> Result<()> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {PERSON_COLS}, {CP_COLS} FROM case_persons cp JOIN persons p ON p.id = cp.person_id WHERE cp.case_id = $1"
    )))
    .bind(case_id.0)
    .fetch_all(&mut **tx)
    .await?;
    let mut involvements = Vec::with_capacity(rows.len());
    let mut minor = false;
    for r in &rows {
        involvements.push(involvement_from_row(r)?);
        minor |= person_from_row(r)?.facts.is_child_or_presumed();
    }
    sqlx::query("UPDATE cases SET exploitation_types = $1, involves_minor = $2 WHERE id = $3")
        .bind(exploitation_union(involvements.iter()))
        .bind(minor)
        .bind(case_id.0)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

fn case_person_id(case_id: CaseId, person_id: PersonId) -> String {
    format!("{case_id}/{person_id}")
}

pub(super) async fn add_case_person(
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
    append_audit(&mut tx, &[pending(actor, "case_person.add", "case_person", case_person_id(case_id, person_id))]).await?;
    tx.commit().await?;
    Ok(())
}

pub(super) async fn update_case_person(
    pool: &Pool,
    actor: &Actor,
    case_id: CaseId,
    person_id: PersonId,
    expected_version: i64,
    involvement: &Involvement,
) -> Result<i64> {
    involvement.validate()?;
    let mut tx = begin(pool).await?;
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {CP_COLS} FROM case_persons cp WHERE cp.case_id = $1 AND cp.person_id = $2{FOR_UPDATE}"
    )))
    .bind(case_id.0)
    .bind(person_id.0)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| StoreError::NotFound { kind: "person in case", id: case_person_id(case_id, person_id) })?;
    let current = involvement_from_row(&row)?;
    let current_version: i64 = row.try_get("cp_version")?;
    check_version("person in case", case_person_id(case_id, person_id), expected_version, current_version)?;
    let c = involvement_cols(involvement);
    let version = current_version + 1;
    let updated = sqlx::query(
        "UPDATE case_persons SET role = $1, trafficking_status = $2, decision_org = $3, relationship_to_trafficker = $4, age_when_trafficked = $5, recruitment_websites = $6, methods_of_recruitment = $7, methods_of_control = $8, exploitation_types = $9, labour_industries = $10, sex_exploitation_types = $11, exploitation_websites = $12, recruitment_country = $13, exploitation_country = $14, perpetrator_roles = $15, perpetrator_role_details = $16, perpetrator_organisation_id = $17, version = $18, updated_at = $19 WHERE case_id = $20 AND person_id = $21 AND version = $22",
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
    ensure_updated(updated, "person in case", case_person_id(case_id, person_id), expected_version)?;
    refresh_case_flags(&mut tx, case_id).await?;
    let changes = serde_json::json!({ "involvement": [current, involvement] });
    record_change(&mut tx, "case_person", &case_person_id(case_id, person_id), version, actor, changes).await?;
    append_audit(&mut tx, &[pending(actor, "case_person.update", "case_person", case_person_id(case_id, person_id))]).await?;
    tx.commit().await?;
    Ok(version)
}

pub(super) async fn case_persons<'e, E: sqlx::Executor<'e, Database = Db>>(pool: E, case_id: CaseId) -> Result<Vec<CasePerson>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {PERSON_COLS}, {CP_COLS} FROM case_persons cp JOIN persons p ON p.id = cp.person_id WHERE cp.case_id = $1 \
         ORDER BY CASE cp.role WHEN 'victim' THEN 0 WHEN 'suspect' THEN 1 WHEN 'witness' THEN 2 ELSE 3 END, cp.created_at, p.id"
    )))
    .bind(case_id.0)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(CasePerson {
                person: person_from_row(r)?,
                involvement: involvement_from_row(r)?,
                version: r.try_get("cp_version")?,
            })
        })
        .collect()
}

// ---------------------------------------------------------------- comments and consents

async fn insert_comments(tx: &mut Tx, rows: &[(CommentId, CaseId, &str, &str)]) -> Result<()> {
    let now = Utc::now();
    for chunk in rows.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new("INSERT INTO case_comments (id, case_id, author, body, created_at) ");
        qb.push_values(chunk, |mut b, (id, case_id, author, body)| {
            b.push_bind(id.0)
                .push_bind(case_id.0)
                .push_bind(author.to_string())
                .push_bind(body.to_string())
                .push_bind(now);
        });
        qb.build().execute(&mut **tx).await?;
    }
    Ok(())
}

fn check_comment(body: &str) -> Result<()> {
    let mut e = tabara_core::validation::ValidationErrors::default();
    tabara_core::validation::check_characters(&mut e, "cco_CaseComment", body, true);
    if body.trim().is_empty() {
        e.push("cco_CaseComment", "required", "a comment cannot be empty");
    } else if body.chars().count() > MAX_LONG_TEXT {
        e.push("cco_CaseComment", "max_length", format!("at most {MAX_LONG_TEXT} characters allowed"));
    }
    Ok(e.into_result(())?)
}

pub(super) async fn add_comment(pool: &Pool, actor: &Actor, case_id: CaseId, body: &str) -> Result<CommentId> {
    check_comment(body)?;
    let mut tx = begin(pool).await?;
    fetch_case(&mut *tx, "c.id = $1", CaseKey::Id(case_id)).await?;
    let id = CommentId::new();
    insert_comments(&mut tx, &[(id, case_id, actor.as_str(), body.trim())]).await?;
    append_audit(&mut tx, &[pending(actor, "case_comment.create", "case_comment", id.to_string())]).await?;
    tx.commit().await?;
    Ok(id)
}

pub(super) async fn comments(pool: &Pool, case_id: CaseId) -> Result<Vec<CaseComment>> {
    recent_comments(pool, case_id, i64::MAX).await
}

/// The newest `limit` comments, oldest first.
pub(super) async fn recent_comments<'e, E: sqlx::Executor<'e, Database = Db>>(pool: E, case_id: CaseId, limit: i64) -> Result<Vec<CaseComment>> {
    let rows = sqlx::query(
        "SELECT id, author, body, created_at FROM (SELECT id, author, body, created_at FROM case_comments \
         WHERE case_id = $1 ORDER BY id DESC LIMIT $2) t ORDER BY id",
    )
        .bind(case_id.0)
        .bind(limit.max(1))
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(CaseComment {
                id: CommentId(r.try_get("id")?),
                author: r.try_get("author")?,
                body: r.try_get("body")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

async fn insert_consents(tx: &mut Tx, actor: &Actor, rows: &[&Consent]) -> Result<()> {
    let now = Utc::now();
    for chunk in rows.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO consents (id, person_id, case_id, scope, given, informed_purpose, informed_data_use, informed_research_use, informed_right_of_access, informed_retention, informed_withdrawal, recorded_on, withdrawn_on, recorded_by, created_at) ",
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

pub(super) async fn record_consent(pool: &Pool, actor: &Actor, consent: &Consent) -> Result<()> {
    consent.validate(today())?;
    let mut tx = begin(pool).await?;
    fetch_person(&mut *tx, consent.person_id, "").await?;
    insert_consents(&mut tx, actor, &[consent]).await?;
    append_audit(&mut tx, &[pending(actor, "consent.create", "consent", consent.id.to_string())]).await?;
    tx.commit().await?;
    Ok(())
}

const CONSENT_COLS: &str = "id, person_id, case_id, scope, given, informed_purpose, informed_data_use, \
    informed_research_use, informed_right_of_access, informed_retention, informed_withdrawal, recorded_on, withdrawn_on";

fn consent_from_row(r: &DbRow) -> Result<Consent> {
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

pub(super) async fn consents(pool: &Pool, person_id: PersonId) -> Result<Vec<Consent>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {CONSENT_COLS} FROM consents WHERE person_id = $1 ORDER BY id"
    )))
    .bind(person_id.0)
    .fetch_all(pool)
    .await?;
    rows.iter().map(consent_from_row).collect()
}

// ---------------------------------------------------------------- bulk load and export

pub(super) async fn bulk_insert(pool: &Pool, actor: &Actor, batch: &Batch) -> Result<()> {
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

    let persons: Vec<(&Person, &PersonIdentity)> = batch.persons.iter().map(|(p, i)| (p, i)).collect();
    insert_persons(&mut tx, &persons).await?;
    for (p, _) in &batch.persons {
        audit_entries.push(pending(actor, "person.create", "person", p.id.to_string()));
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
                let minor = c.persons.iter().any(|(id, _)| children.get(id).copied().unwrap_or(false));
                (&c.case, first + i as i64, exploitation_union(c.persons.iter().map(|(_, inv)| inv)), minor)
            })
            .collect();
        insert_cases(&mut tx, &cases).await?;
        let mut involvements = Vec::new();
        let mut comments = Vec::new();
        for c in &batch.cases {
            audit_entries.push(pending(actor, "case.create", "case", c.case.id.to_string()));
            for (person_id, inv) in &c.persons {
                involvements.push((c.case.id, *person_id, inv));
                audit_entries.push(pending(actor, "case_person.add", "case_person", case_person_id(c.case.id, *person_id)));
            }
            for (author, body) in &c.comments {
                let id = CommentId::new();
                comments.push((id, c.case.id, author.as_str(), body.as_str()));
                audit_entries.push(pending(actor, "case_comment.create", "case_comment", id.to_string()));
            }
        }
                insert_case_persons(&mut tx, &involvements).await?;
        insert_comments(&mut tx, &comments).await?;
        for case_id in refresh {
            refresh_case_flags(&mut tx, case_id).await?;
        }
    }

    let consents: Vec<&Consent> = batch.consents.iter().collect();
    insert_consents(&mut tx, actor, &consents).await?;
    for c in &batch.consents {
        audit_entries.push(pending(actor, "consent.create", "consent", c.id.to_string()));
    }
    append_audit(&mut tx, &audit_entries).await?;
    tx.commit().await?;
    Ok(())
}

/// Before a large load: drop the index whose keys arrive in random order (names), so rows are
/// appended instead of sorted one by one into a B-tree much larger than the page cache.
pub(super) async fn begin_bulk_load(pool: &Pool) -> Result<()> {
    sqlx::query("DROP INDEX IF EXISTS person_name_keys_key").execute(pool).await?;
    Ok(())
}

/// After a large load: build the dropped index in one sorted pass.
pub(super) async fn end_bulk_load(pool: &Pool) -> Result<()> {
    sqlx::query("CREATE INDEX IF NOT EXISTS person_name_keys_key ON person_name_keys(key, person_id)")
        .execute(pool)
        .await?;
    Ok(())
}

pub(super) async fn export_victims(
    pool: &Pool,
    after: Option<(i64, PersonId)>,
    limit: i64,
    identity_of: Option<&Actor>,
) -> Result<Vec<ExportRow>> {
    let with_identity = identity_of.is_some();
    let mut qb = QueryBuilder::<Db>::new(format!(
        "SELECT {CASE_COLS}, g.name AS g_name, rg.name AS rg_name, ofc.name AS of_name, {PERSON_COLS}, {CP_COLS}{} FROM case_persons cp \
         JOIN cases c ON c.id = cp.case_id JOIN persons p ON p.id = cp.person_id \
         JOIN organisations g ON g.id = c.organisation_id LEFT JOIN offices ofc ON ofc.id = c.office_id LEFT JOIN organisations rg ON rg.id = c.referring_organisation_id{} WHERE cp.role = 'victim'",
        if with_identity { format!(", {IDENTITY_COLS}") } else { String::new() },
        if with_identity { " LEFT JOIN person_identities i ON i.person_id = p.id" } else { "" },
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
    qb.push(" ORDER BY c.number, cp.person_id LIMIT ").push_bind(limit.clamp(1, 10_000));
    let mut tx = begin(pool).await?;
    let rows = qb.build().fetch_all(&mut *tx).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        out.push(ExportRow {
            case: case_from_row(r)?,
            organisation_name: r.try_get("g_name")?,
            office_name: r.try_get("of_name")?,
            referring_organisation_name: r.try_get("rg_name")?,
            person: person_from_row(r)?,
            victim: victim_from_row(r)?,
            identity: if with_identity { Some(identity_from_row(r)?) } else { None },
            consent: None,
        });
    }
    // Latest consent per person, in one query for the page.
    if !out.is_empty() {
        let mut qb = QueryBuilder::<Db>::new(format!("SELECT {CONSENT_COLS} FROM consents WHERE person_id IN ("));
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
            .map(|row| pending(actor, "person_identity.export", "person", row.person.id.to_string()))
            .collect();
        append_audit(&mut tx, &entries).await?;
    }
    tx.commit().await?;
    Ok(out)
}

/// What a case page shows besides the case itself, read over one connection (a page waits for
/// the pool once, not once per list): persons, the newest comments, changes and audit entries,
/// and the shares.
pub(super) async fn case_details(pool: &Pool, case_id: CaseId, limit: i64) -> Result<CaseDetails> {
    let mut conn = pool.acquire().await?;
    let id = case_id.to_string();
    let mut details = CaseDetails {
        persons: case_persons(&mut *conn, case_id).await?,
        comments: recent_comments(&mut *conn, case_id, limit).await?,
        history: recent_history(&mut *conn, "case", &id, limit).await?,
        involvement_history: Vec::new(),
        shares: case_shares(&mut *conn, case_id).await?,
        audit: recent_audit_trail(&mut *conn, "case", &id, limit).await?,
        names: std::collections::HashMap::new(),
    };
    if !details.persons.is_empty() {
        // Exact record ids (`case/person`), so the history index serves the lookup.
        let mut qb = QueryBuilder::<Db>::new(
            "SELECT record_id, version, actor, changed_at, changes FROM (SELECT id, record_id, version, actor, changed_at, changes \
             FROM record_history WHERE record_kind = 'case_person' AND record_id IN (",
        );
        let mut sep = qb.separated(", ");
        for p in &details.persons {
            sep.push_bind(case_person_id(case_id, p.person.id));
        }
        qb.push(") ORDER BY id DESC LIMIT ").push_bind(limit.max(1)).push(") t ORDER BY id");
        for r in qb.build().fetch_all(&mut *conn).await? {
            let record: String = r.try_get("record_id")?;
            let Some(person) = record.split_once('/').and_then(|(_, p)| p.parse::<Uuid>().ok()) else {
                continue;
            };
            let changes: String = r.try_get("changes")?;
            details.involvement_history.push((
                PersonId(person),
                HistoryEntry {
                    version: r.try_get("version")?,
                    actor: r.try_get("actor")?,
                    changed_at: r.try_get("changed_at")?,
                    changes: serde_json::from_str(&changes).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                },
            ));
        }
    }
    // Every account the lists name: actors, and owners before and after a change.
    let mut users = std::collections::BTreeSet::new();
    let mut note = |actor: &str| {
        if let Some(uuid) = actor.strip_prefix("user:").and_then(|u| u.parse::<Uuid>().ok()) {
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
            details.names.insert(format!("user:{uuid}"), r.try_get("display_name")?);
        }
    }
    Ok(details)
}
