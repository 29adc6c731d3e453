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
