//! What every query module shares, compiled once per backend like them: transactions, the
//! audit chain's append, history, version checks and value conversions. `Db` and `DIALECT`
//! come from the backend module that mounts this file.

use chrono::Utc;
use sqlx::{QueryBuilder, Row as _};
use tabara_core::audit::AuditAction;
use tabara_core::picklist::Picklist;
use tabara_core::{Country, ValueSet};

use super::{DIALECT, Db};
use crate::audit::{self, Pending};
pub(crate) use crate::refuse;
use crate::{Actor, Dialect, Result, StoreError};

/// The backend's connection pool.
pub(crate) type Pool = sqlx::Pool<Db>;
/// A transaction on the backend.
pub(crate) type Tx = sqlx::Transaction<'static, Db>;
/// A row of the backend.
pub(crate) type DbRow = <Db as sqlx::Database>::Row;

/// Today in UTC (the reference day of date rules).
pub(crate) fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Appended to the read that precedes an update: on PostgreSQL the row stays locked until
/// commit, so a concurrent editor waits and then sees the new version (and gets a conflict);
/// SQLite's `BEGIN IMMEDIATE` already serialises writers.
pub(crate) const FOR_UPDATE: &str = match DIALECT {
    Dialect::Sqlite => "",
    Dialect::Postgres => " FOR UPDATE",
};

/// Refuse an update that touched no row: the version moved on between read and write.
pub(crate) fn ensure_updated(
    result: <Db as sqlx::Database>::QueryResult,
    kind: &'static str,
    id: impl ToString,
    expected: i64,
) -> Result<()> {
    if result.rows_affected() == 1 {
        Ok(())
    } else {
        check_version(kind, id, expected, expected + 1)
    }
}

/// Rows per multi-row INSERT: under SQLite's 32,766 bound parameters for the widest table.
pub(crate) const CHUNK: usize = 1000;

pub(crate) async fn begin(pool: &Pool) -> Result<Tx> {
    Ok(match DIALECT {
        // Take the write lock at once: a deferred transaction that later writes can fail with
        // SQLITE_BUSY instead of waiting.
        Dialect::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await?,
        Dialect::Postgres => pool.begin().await?,
    })
}

pub(crate) fn pick<T: Picklist>(s: &str) -> Result<T> {
    T::parse(s).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(crate) fn pick_opt<T: Picklist>(s: Option<String>) -> Result<Option<T>> {
    s.map(|s| pick(&s)).transpose()
}

pub(crate) fn set_to_db<T: Picklist>(set: &ValueSet<T>) -> String {
    if set.is_empty() {
        ";".to_string()
    } else {
        format!(";{};", set.joined())
    }
}

pub(crate) fn set_from_db<T: Picklist>(s: Option<String>) -> Result<ValueSet<T>> {
    match s {
        None => Ok(ValueSet::new()),
        Some(s) => ValueSet::parse_joined(&s).map_err(|e| StoreError::Corrupt(e.to_string())),
    }
}

pub(crate) fn countries_to_db(c: &[Country]) -> String {
    if c.is_empty() {
        ";".to_string()
    } else {
        format!(";{};", tabara_core::countries::join(c))
    }
}

pub(crate) fn countries_from_db(s: &str) -> Result<Vec<Country>> {
    s.split(';')
        .filter(|p| !p.is_empty())
        .map(|p| {
            Country::parse(p).ok_or_else(|| StoreError::Corrupt(format!("country code '{p}'")))
        })
        .collect()
}

pub(crate) fn country_opt(s: Option<String>) -> Result<Option<Country>> {
    s.map(|s| Country::parse(&s).ok_or_else(|| StoreError::Corrupt(format!("country code '{s}'"))))
        .transpose()
}

/// Top-level fields whose serialised value differs: `{"field": [old, new]}`.
pub(crate) fn diff<T: serde::Serialize>(old: &T, new: &T) -> serde_json::Value {
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

pub(crate) async fn append_audit(tx: &mut Tx, entries: &[Pending]) -> Result<()> {
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
        let hash = audit::entry_hash(
            seq,
            at_us,
            &e.actor,
            e.action.as_str(),
            e.action.record_kind(),
            &e.record_id,
            &prev,
        );
        chained.push((e, seq, std::mem::replace(&mut prev, hash.clone()), hash));
    }
    for chunk in chained.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO audit_log (seq, at_us, actor, action, record_kind, record_id, \
                prev_hash, hash) ",
        );
        qb.push_values(chunk, |mut b, (e, seq, prev_hash, hash)| {
            b.push_bind(*seq)
                .push_bind(at_us)
                .push_bind(e.actor.clone())
                .push_bind(e.action.as_str())
                .push_bind(e.action.record_kind())
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

/// An entry to append: `actor` did `action` to the record `record_id` (of the action's kind).
pub(crate) fn pending(actor: &Actor, action: AuditAction, record_id: String) -> Pending {
    Pending {
        actor: actor.as_str().to_string(),
        action,
        record_id,
    }
}

pub(crate) async fn record_change(
    tx: &mut Tx,
    kind: &str,
    id: &str,
    version: i64,
    actor: &Actor,
    changes: serde_json::Value,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO record_history (record_kind, record_id, version, actor, changed_at, \
            changes) VALUES ($1, $2, $3, $4, $5, $6)",
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

/// The key for text about `person`, read in the transaction (none once they are erased).
pub(crate) async fn text_key(
    tx: &mut Tx,
    keys: &crate::keys::Keys,
    person: tabara_core::ids::PersonId,
) -> Result<crate::keys::TextKey> {
    let wrapped: Option<Vec<u8>> =
        sqlx::query_scalar("SELECT wrapped FROM person_keys WHERE person_id = $1")
            .bind(person.0)
            .fetch_optional(&mut **tx)
            .await?;
    crate::keys::TextKey::new(keys, person, wrapped.as_deref())
}

/// As [`record_change`], the changes sealed under the person's key (text about a person).
pub(crate) async fn record_sealed_change(
    tx: &mut Tx,
    kind: &str,
    id: &str,
    version: i64,
    actor: &Actor,
    changes: serde_json::Value,
    key: &crate::keys::TextKey,
) -> Result<()> {
    let sealed = key.seal_changes(kind, &changes)?;
    record_change(tx, kind, id, version, actor, sealed).await
}

pub(crate) fn check_version(
    kind: &'static str,
    id: impl ToString,
    expected: i64,
    actual: i64,
) -> Result<()> {
    if expected == actual {
        Ok(())
    } else {
        Err(StoreError::Conflict {
            kind,
            id: id.to_string(),
            expected,
            actual,
        })
    }
}

pub(crate) fn json_col<T: serde::de::DeserializeOwned>(r: &DbRow, col: &str) -> Result<T> {
    let text: String = r.try_get(col)?;
    serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(format!("{col}: {e}")))
}

pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(crate) fn text_rule(
    e: &mut tabara_core::validation::ValidationErrors,
    field: &'static str,
    value: &str,
    required: bool,
) {
    let v = value.trim();
    tabara_core::validation::check_characters(e, field, v, false);
    if required && v.is_empty() {
        e.push(field, "required", "a value is required");
    } else if v.chars().count() > tabara_core::records::MAX_SHORT_TEXT {
        e.push(field, "max_length", "too long");
    }
}

/// A required text of several lines (a comment, a reason): allowed characters, not blank,
/// at most `MAX_LONG_TEXT` characters.
pub(crate) fn long_text_rule(
    e: &mut tabara_core::validation::ValidationErrors,
    field: &'static str,
    value: &str,
    when_blank: &'static str,
) {
    use tabara_core::records::MAX_LONG_TEXT;
    tabara_core::validation::check_characters(e, field, value, true);
    if value.trim().is_empty() {
        e.push(field, "required", when_blank);
    } else if value.chars().count() > MAX_LONG_TEXT {
        e.push(
            field,
            "max_length",
            format!("at most {MAX_LONG_TEXT} characters allowed"),
        );
    }
}

/// Append one entry: `actor` did `action` to `record_id`, in the caller's transaction.
pub(crate) async fn audit(
    tx: &mut Tx,
    actor: &Actor,
    action: AuditAction,
    record_id: impl ToString,
) -> Result<()> {
    append_audit(tx, &[pending(actor, action, record_id.to_string())]).await
}

/// A write a unique index refused is `duplicate()`; any other failure stays what it is.
pub(crate) fn unique_violation_as(
    e: sqlx::Error,
    duplicate: impl FnOnce() -> StoreError,
) -> StoreError {
    match e {
        sqlx::Error::Database(d) if d.is_unique_violation() => duplicate(),
        other => other.into(),
    }
}

/// A lookup that must find its record.
pub(crate) trait OrNotFound<T> {
    /// The record, or `NotFound { kind, id }`.
    fn or_not_found(self, kind: &'static str, id: impl ToString) -> Result<T>;
}

impl<T> OrNotFound<T> for Option<T> {
    fn or_not_found(self, kind: &'static str, id: impl ToString) -> Result<T> {
        self.ok_or_else(|| not_found(kind, id))
    }
}

/// `NotFound { kind, id }`.
pub(crate) fn not_found(kind: &'static str, id: impl ToString) -> StoreError {
    StoreError::NotFound {
        kind,
        id: id.to_string(),
    }
}

/// Refuse an update that touched no row: its record does not exist.
pub(crate) fn ensure_found(
    result: <Db as sqlx::Database>::QueryResult,
    kind: &'static str,
    id: impl ToString,
) -> Result<()> {
    if result.rows_affected() == 0 {
        Err(not_found(kind, id))
    } else {
        Ok(())
    }
}

/// One row of `table` by its id, read inside the transaction (`lock` is `FOR_UPDATE` to lock it
/// for an update, or empty), or `NotFound { kind, id }`.
pub(crate) async fn row_by_id(
    tx: &mut Tx,
    (table, cols): (&'static str, &'static str),
    (kind, id): (&'static str, uuid::Uuid),
    lock: &str,
) -> Result<DbRow> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {cols} FROM {table} WHERE id = $1{lock}"
    )))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    .or_not_found(kind, id)
}
