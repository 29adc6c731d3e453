//! The register's wrapped keys.

use chrono::Utc;
use sqlx::Row as _;
use tabara_core::protect::{INDEX_KEY, IndexKey, KeyId, MasterKey};

use super::*;
use crate::{Result, StoreError};

/// Store `index` wrapped by `master` as the register's name index key when the register has
/// none (a new register, or one just wiped): a part of the register's making, as its schema
/// is, not an audited change.
pub(crate) async fn keep_index_key(
    pool: &Pool,
    master: &MasterKey,
    index: &IndexKey,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO register_keys (purpose, key_id, wrapped, created_at) VALUES ($1, $2, $3, \
            $4) ON CONFLICT (purpose) DO NOTHING",
    )
    .bind(INDEX_KEY)
    .bind(master.id().0)
    .bind(index.wrapped(master))
    .bind(Utc::now())
    .execute(pool)
    .await?;
    Ok(())
}

/// The register's name index key, unwrapped by `master`; [`StoreError::WrongKey`] when
/// another master key wrapped it.
pub(crate) async fn register_index_key(pool: &Pool, master: &MasterKey) -> Result<IndexKey> {
    let r = sqlx::query("SELECT key_id, wrapped FROM register_keys WHERE purpose = $1")
        .bind(INDEX_KEY)
        .fetch_one(pool)
        .await?;
    let wrapped: Vec<u8> = r.try_get("wrapped")?;
    let key_id: String = r.try_get("key_id")?;
    master
        .index_key(&wrapped)
        .map_err(|_| StoreError::WrongKey {
            expected: KeyId(key_id),
            given: master.id(),
        })
}

/// A person's wrapped data key; `None` once they are erased.
pub(crate) async fn wrapped_key_of(
    pool: &Pool,
    person: tabara_core::ids::PersonId,
) -> Result<Option<Vec<u8>>> {
    persons::wrapped_key(pool, person).await
}

pub(crate) async fn seal_plain(pool: &Pool, keys: &crate::keys::Keys) -> Result<u64> {
    persons::seal_plain_identities(pool, keys).await
}

/// The rotation under way (from, to), if one was begun and not finished.
pub(crate) async fn rotation_under_way(pool: &Pool) -> Result<Option<(String, String)>> {
    let r = sqlx::query("SELECT key_id, wrapped FROM register_keys WHERE purpose = $1")
        .bind(ROTATION)
        .fetch_optional(pool)
        .await?;
    r.map(|r| {
        let from: String = r.try_get("key_id")?;
        let to: Vec<u8> = r.try_get("wrapped")?;
        Ok((from, String::from_utf8_lossy(&to).into_owned()))
    })
    .transpose()
}

/// The mark of a rotation under way in `register_keys`: `key_id` the key replaced, `wrapped`
/// the new key's id.
const ROTATION: &str = "rotation";

pub(crate) async fn rotate_keys(
    pool: &Pool,
    keys: &crate::keys::Keys,
    previous: &MasterKey,
    actor: &crate::Actor,
    batch: i64,
    max_batches: Option<u64>,
) -> Result<crate::keys::Rotation> {
    use tabara_core::audit::AuditAction;
    use tabara_core::ids::PersonId;
    let (from, to) = (previous.id().0, keys.master.id().0);
    let mut tx = begin(pool).await?;
    let under_way: Option<String> =
        sqlx::query_scalar("SELECT key_id FROM register_keys WHERE purpose = $1")
            .bind(ROTATION)
            .fetch_optional(&mut *tx)
            .await?;
    if let Some(other) = under_way.filter(|f| *f != from) {
        tx.commit().await?;
        return Err(StoreError::RotationUnfinished {
            from: other,
            to: to.clone(),
        });
    }
    sqlx::query(
        "INSERT INTO register_keys (purpose, key_id, wrapped, created_at) VALUES ($1, $2, $3, \
            $4) ON CONFLICT (purpose) DO NOTHING",
    )
    .bind(ROTATION)
    .bind(&from)
    .bind(to.as_bytes().to_vec())
    .bind(Utc::now())
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE register_keys SET key_id = $1, wrapped = $2 WHERE purpose = $3")
        .bind(&to)
        .bind(keys.index.wrapped(&keys.master))
        .bind(INDEX_KEY)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    let mut rewrapped = 0u64;
    let mut batches = 0u64;
    let mut last: Option<uuid::Uuid> = None;
    loop {
        if max_batches.is_some_and(|m| batches >= m) {
            return Ok(crate::keys::Rotation {
                from,
                to,
                rewrapped,
                finished: false,
            });
        }
        let mut tx = begin(pool).await?;
        let rows =
            match last {
                Some(after) => sqlx::query(
                    "SELECT person_id, wrapped FROM person_keys WHERE person_id > $1 AND key_id \
                        <> $2 ORDER BY person_id LIMIT $3",
                )
                .bind(after)
                .bind(&to)
                .bind(batch)
                .fetch_all(&mut *tx)
                .await?,
                None => {
                    sqlx::query(
                        "SELECT person_id, wrapped FROM person_keys WHERE key_id <> $1 ORDER BY \
                        person_id LIMIT $2",
                    )
                    .bind(&to)
                    .bind(batch)
                    .fetch_all(&mut *tx)
                    .await?
                }
            };
        if rows.is_empty() {
            super::second_factor::rewrap_all(&mut tx, keys).await?;
            sqlx::query("DELETE FROM register_keys WHERE purpose = $1")
                .bind(ROTATION)
                .execute(&mut *tx)
                .await?;
            audit(&mut tx, actor, AuditAction::RegisterKeyRotate, &to).await?;
            tx.commit().await?;
            return Ok(crate::keys::Rotation {
                from,
                to,
                rewrapped,
                finished: true,
            });
        }
        for r in &rows {
            let id: uuid::Uuid = r.try_get("person_id")?;
            let wrapped: Vec<u8> = r.try_get("wrapped")?;
            let again = keys.rewrap(PersonId(id), &wrapped)?;
            sqlx::query("UPDATE person_keys SET key_id = $1, wrapped = $2 WHERE person_id = $3")
                .bind(&to)
                .bind(again)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            last = Some(id);
        }
        tx.commit().await?;
        rewrapped += rows.len() as u64;
        batches += 1;
    }
}

/// The person a record of `table` (one of `texts::HISTORY_TABLES`) is about.
pub(crate) async fn person_of_record(
    pool: &Pool,
    table: &str,
    id: uuid::Uuid,
) -> Result<Option<tabara_core::ids::PersonId>> {
    // The table is one of the constants named above, never input.
    let person: Option<uuid::Uuid> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT person_id FROM {table} WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(pool)
    .await?;
    Ok(person.map(tabara_core::ids::PersonId))
}

/// The mark, in `register_keys`, of a register whose text about persons is sealed.
const TEXTS_SEALED: &str = "texts sealed";

/// Seal the text about persons that a register from before sealing holds plain (see
/// `texts::TEXT_COLUMNS`), with the history entries of those records, once: a mark in
/// `register_keys` says it is done. An erased person's text is emptied. Returns how many
/// values were sealed or emptied.
pub(crate) async fn seal_plain_texts(pool: &Pool, keys: &crate::keys::Keys) -> Result<u64> {
    use crate::keys::texts::{HISTORY_TABLES, SEALED_TEXT, TEXT_COLUMNS};
    let done: Option<String> =
        sqlx::query_scalar("SELECT key_id FROM register_keys WHERE purpose = $1")
            .bind(TEXTS_SEALED)
            .fetch_optional(pool)
            .await?;
    if done.is_some() {
        return Ok(0);
    }
    let mut tx = begin(pool).await?;
    let mut count = 0u64;
    let mut text_keys: std::collections::HashMap<uuid::Uuid, crate::keys::TextKey> =
        Default::default();
    for c in TEXT_COLUMNS {
        let keys_list: Vec<&str> = c.key.split(", ").collect();
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {key}, {person} AS text_person, {col} AS text_value FROM {table} t WHERE \
                {col} IS NOT NULL AND {col} NOT LIKE '%{SEALED_TEXT}%'",
            key = keys_list
                .iter()
                .map(|k| format!("t.{k}"))
                .collect::<Vec<_>>()
                .join(", "),
            person = c.person,
            col = c.column,
            table = c.table,
        )))
        .fetch_all(&mut *tx)
        .await?;
        let purpose = format!("{}.{}", c.table, c.column);
        for r in &rows {
            let person: uuid::Uuid = r.try_get("text_person")?;
            if let std::collections::hash_map::Entry::Vacant(e) = text_keys.entry(person) {
                e.insert(text_key(&mut tx, keys, tabara_core::ids::PersonId(person)).await?);
            }
            let key = &text_keys[&person];
            let value: String = r.try_get("text_value")?;
            let sealed = match (c.json_fields.is_empty(), key.is_erased()) {
                (_, true) => String::new(),
                (true, false) => key.seal(&purpose, &value)?,
                (false, false) => {
                    let mut json: serde_json::Value = serde_json::from_str(&value)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                    for field in c.json_fields {
                        if let Some(serde_json::Value::String(text)) = json.get_mut(*field) {
                            *text = key.seal(&purpose, text)?;
                        }
                    }
                    json.to_string()
                }
            };
            let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE {table} SET {col} = $1 WHERE {cond}",
                table = c.table,
                col = c.column,
                cond = keys_list
                    .iter()
                    .enumerate()
                    .map(|(i, k)| format!("{k} = ${}", i + 2))
                    .collect::<Vec<_>>()
                    .join(" AND "),
            )))
            .bind(sealed);
            for k in &keys_list {
                q = match *k {
                    "seq" => q.bind(r.try_get::<i64, _>(*k)?),
                    _ => q.bind(r.try_get::<uuid::Uuid, _>(*k)?),
                };
            }
            q.execute(&mut *tx).await?;
            count += 1;
        }
    }
    let comments = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT id, case_id, body FROM case_comments WHERE body NOT LIKE '{SEALED_TEXT}%'"
    )))
    .fetch_all(&mut *tx)
    .await?;
    for r in &comments {
        let case = tabara_core::ids::CaseId(r.try_get("case_id")?);
        let body: String = r.try_get("body")?;
        sqlx::query("UPDATE case_comments SET body = $1 WHERE id = $2")
            .bind(keys.seal_comment(case, &body))
            .bind(r.try_get::<uuid::Uuid, _>("id")?)
            .execute(&mut *tx)
            .await?;
        count += 1;
    }
    for field in crate::keys::texts::CASE_TEXT_FIELDS {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT id, {field} AS text_value FROM cases WHERE {field} IS NOT NULL AND {field} \
                NOT LIKE '{SEALED_TEXT}%'"
        )))
        .fetch_all(&mut *tx)
        .await?;
        for r in &rows {
            let case = tabara_core::ids::CaseId(r.try_get("id")?);
            let value: String = r.try_get("text_value")?;
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE cases SET {field} = $1 WHERE id = $2"
            )))
            .bind(keys.seal_case_text(case, &format!("cases.{field}"), &value))
            .bind(case.0)
            .execute(&mut *tx)
            .await?;
            count += 1;
        }
    }
    let case_history = sqlx::query(
        "SELECT id, record_id, changes FROM record_history WHERE record_kind = 'case' AND \
            (changes LIKE '%\"closure_reason\"%' OR changes LIKE \
            '%\"incoming_referral_details\"%')",
    )
    .fetch_all(&mut *tx)
    .await?;
    for r in &case_history {
        let record: String = r.try_get("record_id")?;
        let Ok(case) = record.parse::<uuid::Uuid>() else {
            continue;
        };
        let text: String = r.try_get("changes")?;
        let mut changes: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        keys.case_history_texts(tabara_core::ids::CaseId(case), &mut changes, false)?;
        let sealed = changes.to_string();
        if sealed != text {
            sqlx::query("UPDATE record_history SET changes = $1 WHERE id = $2")
                .bind(sealed)
                .bind(r.try_get::<i64, _>("id")?)
                .execute(&mut *tx)
                .await?;
            count += 1;
        }
    }
    for (kind, table) in HISTORY_TABLES {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT h.id, h.changes, t.person_id FROM record_history h JOIN {table} t ON \
                h.record_kind = $1 AND h.record_id = {id_text} WHERE h.changes NOT LIKE \
                '%\"sealed\"%'",
            id_text = match DIALECT {
                crate::Dialect::Sqlite =>
                    "lower(substr(hex(t.id), 1, 8) || '-' || \
                    substr(hex(t.id), 9, 4) || '-' || substr(hex(t.id), 13, 4) || '-' || \
                    substr(hex(t.id), 17, 4) || '-' || substr(hex(t.id), 21, 12))",
                crate::Dialect::Postgres => "t.id::text",
            }
        )))
        .bind(*kind)
        .fetch_all(&mut *tx)
        .await?;
        for r in &rows {
            let person: uuid::Uuid = r.try_get("person_id")?;
            if let std::collections::hash_map::Entry::Vacant(e) = text_keys.entry(person) {
                e.insert(text_key(&mut tx, keys, tabara_core::ids::PersonId(person)).await?);
            }
            let key = &text_keys[&person];
            let changes: String = r.try_get("changes")?;
            let changes: serde_json::Value =
                serde_json::from_str(&changes).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let sealed = if key.is_erased() {
                serde_json::json!({})
            } else {
                key.seal_changes(kind, &changes)?
            };
            sqlx::query("UPDATE record_history SET changes = $1 WHERE id = $2")
                .bind(sealed.to_string())
                .bind(r.try_get::<i64, _>("id")?)
                .execute(&mut *tx)
                .await?;
            count += 1;
        }
    }
    sqlx::query(
        "INSERT INTO register_keys (purpose, key_id, wrapped, created_at) VALUES ($1, $2, $3, \
            $4) ON CONFLICT (purpose) DO NOTHING",
    )
    .bind(TEXTS_SEALED)
    .bind(keys.master.id().0)
    .bind(Vec::<u8>::new())
    .bind(Utc::now())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(count)
}
