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
