//! Files: their rows, and the chunks kept in the register.

use chrono::{DateTime, Utc};
use sqlx::Row as _;
use tabara_core::Picklist as _;
use tabara_core::audit::AuditAction;
use tabara_core::files::{FilePurpose, FileType};
use tabara_core::ids::{CaseId, PersonId};
use uuid::Uuid;

use super::*;
use crate::files::StoredFile;
use crate::{Actor, Result, StoreError, refuse};

const FILE_COLS: &str = "id, case_id, person_id, purpose, content_type, size_bytes, sha256, \
    chunks, blob_store, uploaded_by, completed_at, erased_at";

fn file_from_row(r: &DbRow) -> Result<StoredFile> {
    let purpose: String = r.try_get("purpose")?;
    let content_type: String = r.try_get("content_type")?;
    let size: i64 = r.try_get("size_bytes")?;
    let chunks: i64 = r.try_get("chunks")?;
    Ok(StoredFile {
        id: r.try_get("id")?,
        case_id: CaseId(r.try_get("case_id")?),
        person_id: PersonId(r.try_get("person_id")?),
        purpose: FilePurpose::parse(&purpose)
            .map_err(|_| StoreError::Corrupt(format!("file purpose {purpose}")))?,
        content_type: FileType::parse(&content_type)
            .map_err(|_| StoreError::Corrupt(format!("file type {content_type}")))?,
        size: size.max(0) as u64,
        sha256: r.try_get("sha256")?,
        chunks: chunks.clamp(0, u32::MAX as i64) as u32,
        blob_store: r.try_get("blob_store")?,
        uploaded_by: r.try_get("uploaded_by")?,
        uploaded_at: r
            .try_get::<Option<DateTime<Utc>>, _>("completed_at")?
            .ok_or_else(|| StoreError::Corrupt("an upload not completed was listed".into()))?,
        erased_at: r.try_get("erased_at")?,
    })
}

/// The wrapped data key of a person of a case, to wrap a new file's key; a person not in
/// the case is not found, an erased one refused.
pub(crate) async fn person_key_in_case(
    pool: &Pool,
    case: CaseId,
    person: PersonId,
) -> Result<Vec<u8>> {
    let role: Option<String> =
        sqlx::query_scalar("SELECT role FROM case_persons WHERE case_id = $1 AND person_id = $2")
            .bind(case.0)
            .bind(person.0)
            .fetch_optional(pool)
            .await?;
    role.or_not_found("person in case", format!("{case}/{person}"))?;
    persons::wrapped_key(pool, person).await?.ok_or_else(|| {
        refuse(
            "fil_File",
            "erased",
            "this person was erased: no file about them can be kept",
        )
    })
}

/// The row of an upload that begins (not listed until completed).
pub(crate) async fn begin_file(
    pool: &Pool,
    file: &StoredFile,
    wrapped_key: &[u8],
    sealed_name: &[u8],
) -> Result<()> {
    sqlx::query(
        "INSERT INTO files (id, case_id, person_id, purpose, content_type, size_bytes, sha256, \
            chunks, wrapped_key, sealed_name, blob_store, uploaded_by, started_at) VALUES ($1, \
            $2, $3, $4, $5, 0, '', 0, $6, $7, $8, $9, $10)",
    )
    .bind(file.id)
    .bind(file.case_id.0)
    .bind(file.person_id.0)
    .bind(file.purpose.value_name())
    .bind(file.content_type.value_name())
    .bind(wrapped_key)
    .bind(sealed_name)
    .bind(&file.blob_store)
    .bind(&file.uploaded_by)
    .bind(file.uploaded_at)
    .execute(pool)
    .await?;
    Ok(())
}

/// An upload's last chunk kept: its size, hash and chunks recorded with its audit entry.
pub(crate) async fn complete_file(pool: &Pool, actor: &Actor, file: &StoredFile) -> Result<()> {
    let mut tx = begin(pool).await?;
    let n = sqlx::query(
        "UPDATE files SET size_bytes = $1, sha256 = $2, chunks = $3, completed_at = $4 WHERE id \
            = $5 AND completed_at IS NULL AND erased_at IS NULL",
    )
    .bind(file.size as i64)
    .bind(&file.sha256)
    .bind(i64::from(file.chunks))
    .bind(file.uploaded_at)
    .bind(file.id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n != 1 {
        // The person was erased while the file came in.
        tx.commit().await?;
        return Err(refuse(
            "fil_File",
            "erased",
            "this person was erased while the file was uploaded",
        ));
    }
    audit(&mut tx, actor, AuditAction::FileUpload, file.id).await?;
    tx.commit().await.map_err(Into::into)
}

/// Forget an upload never completed (its chunks removed first by the caller).
pub(crate) async fn forget_file(pool: &Pool, id: Uuid) -> Result<()> {
    let mut tx = begin(pool).await?;
    sqlx::query(
        "DELETE FROM file_chunks WHERE file_id = $1 AND file_id IN (SELECT id FROM files WHERE \
            completed_at IS NULL)",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM files WHERE id = $1 AND completed_at IS NULL")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn files_of(
    pool: &Pool,
    case: CaseId,
    person: PersonId,
) -> Result<Vec<StoredFile>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {FILE_COLS} FROM files WHERE person_id = $1 AND case_id = $2 AND completed_at IS \
            NOT NULL ORDER BY started_at DESC, id DESC LIMIT 100"
    )))
    .bind(person.0)
    .bind(case.0)
    .fetch_all(pool)
    .await?;
    rows.iter().map(file_from_row).collect()
}

pub(crate) async fn file(pool: &Pool, id: Uuid) -> Result<StoredFile> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {FILE_COLS} FROM files WHERE id = $1 AND completed_at IS NOT NULL"
    )))
    .bind(id)
    .fetch_optional(pool)
    .await?
    .or_not_found("file", id)?;
    file_from_row(&row)
}

/// The person's wrapped data key, the file's wrapped key and its sealed name; `None` once
/// the person is erased.
pub(crate) async fn file_keys(
    pool: &Pool,
    id: Uuid,
) -> Result<Option<(Vec<u8>, Vec<u8>, Vec<u8>)>> {
    let row = sqlx::query(
        "SELECT k.wrapped, f.wrapped_key, f.sealed_name FROM files f JOIN person_keys k ON \
            k.person_id = f.person_id WHERE f.id = $1 AND f.erased_at IS NULL",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?;
    row.map(|r| -> Result<_> {
        Ok((
            r.try_get("wrapped")?,
            r.try_get("wrapped_key")?,
            r.try_get("sealed_name")?,
        ))
    })
    .transpose()
}

/// Uploads of `store` never completed and started before `before`, and erased files of a
/// store other than the register's (whose chunks the erasure deleted already).
pub(crate) async fn files_to_sweep(
    pool: &Pool,
    before: DateTime<Utc>,
    store: &str,
) -> Result<(Vec<Uuid>, Vec<Uuid>)> {
    let stale: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM files WHERE completed_at IS NULL AND started_at < $1 AND blob_store = $2 \
            ORDER BY id LIMIT 1000",
    )
    .bind(before)
    .bind(store)
    .fetch_all(pool)
    .await?;
    let erased: Vec<Uuid> = if store == "register" {
        Vec::new()
    } else {
        sqlx::query_scalar(
            "SELECT id FROM files WHERE erased_at IS NOT NULL AND blob_store = $1 ORDER BY id \
                LIMIT 1000",
        )
        .bind(store)
        .fetch_all(pool)
        .await?
    };
    Ok((stale, erased))
}

pub(crate) async fn put_chunk(pool: &Pool, file: Uuid, seq: u32, sealed: Vec<u8>) -> Result<()> {
    sqlx::query("INSERT INTO file_chunks (file_id, seq, sealed) VALUES ($1, $2, $3)")
        .bind(file)
        .bind(i64::from(seq))
        .bind(sealed)
        .execute(pool)
        .await?;
    Ok(())
}

pub(crate) async fn get_chunk(pool: &Pool, file: Uuid, seq: u32) -> Result<Option<Vec<u8>>> {
    Ok(
        sqlx::query_scalar("SELECT sealed FROM file_chunks WHERE file_id = $1 AND seq = $2")
            .bind(file)
            .bind(i64::from(seq))
            .fetch_optional(pool)
            .await?,
    )
}

pub(crate) async fn remove_chunks(pool: &Pool, file: Uuid) -> Result<()> {
    sqlx::query("DELETE FROM file_chunks WHERE file_id = $1")
        .bind(file)
        .execute(pool)
        .await?;
    Ok(())
}
