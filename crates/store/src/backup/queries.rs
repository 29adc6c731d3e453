//! Backups: every table read in one snapshot, and a backup's rows written into a new register,
//! each value converted to the target column's type.

use std::io::Write;

use chrono::{DateTime, NaiveDate, Utc};
use futures_util::TryStreamExt as _;
use sqlx::{Column as _, QueryBuilder, Row as _, TypeInfo as _, ValueRef as _};
use tabara_core::checkpoint::{PublicKey, decode_hex, encode_hex};
use tabara_core::protect::MasterKey;
use uuid::Uuid;

use super::*;
use crate::backup::{
    BackupError, BackupHeader, BackupTrailer, CHUNK_ROWS, Chunk, ChunkSource, ERASED_ROWS,
    KEY_ROWS, Loaded, NOT_IN_BACKUP, Value, Writer,
};
use crate::register::TABLES_CHILD_FIRST;
use crate::{Dialect, Result, StoreError};

pub(crate) async fn schema_version(pool: &Pool) -> Result<i64> {
    let v: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
        .fetch_one(pool)
        .await?;
    Ok(v.unwrap_or(0))
}

fn unknown(table: &str, column: &str, ty: &str) -> StoreError {
    BackupError::Unknown(format!(
        "column {table}.{column} has a type a backup does not know ({ty})"
    ))
    .into()
}

fn value(r: &DbRow, i: usize, table: &str) -> Result<Value> {
    let raw = r.try_get_raw(i)?;
    if raw.is_null() {
        return Ok(Value::N);
    }
    let ty = match DIALECT {
        Dialect::Sqlite => raw.type_info().name().to_string(),
        Dialect::Postgres => r.columns()[i].type_info().name().to_string(),
    };
    Ok(match ty.as_str() {
        "INTEGER" | "INT8" => Value::I(r.try_get::<i64, _>(i)?),
        "INT4" => Value::I(r.try_get::<i32, _>(i)?.into()),
        "INT2" => Value::I(r.try_get::<i16, _>(i)?.into()),
        "REAL" | "FLOAT8" => Value::R(r.try_get::<f64, _>(i)?),
        "FLOAT4" => Value::R(r.try_get::<f32, _>(i)?.into()),
        "TEXT" | "VARCHAR" | "NAME" | "BPCHAR" => Value::S(r.try_get::<String, _>(i)?),
        "BLOB" | "BYTEA" => Value::B(encode_hex(&r.try_get::<Vec<u8>, _>(i)?)),
        "UUID" => Value::U(r.try_get::<Uuid, _>(i)?),
        "TIMESTAMPTZ" => Value::T(r.try_get::<DateTime<Utc>, _>(i)?.timestamp_micros()),
        "DATE" => Value::D(r.try_get::<NaiveDate, _>(i)?),
        "BOOL" => Value::Q(r.try_get::<bool, _>(i)?),
        "JSONB" | "JSON" => Value::J(r.try_get::<sqlx::types::Json<serde_json::Value>, _>(i)?.0),
        other => return Err(unknown(table, r.columns()[i].name(), other)),
    })
}

/// The names of the register's tables as the database lists them.
async fn table_names(tx: &mut Tx) -> Result<Vec<String>> {
    let sql = match DIALECT {
        Dialect::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        }
        Dialect::Postgres => {
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = \
                current_schema() AND table_type = 'BASE TABLE'"
        }
    };
    Ok(sqlx::query_scalar(sql).fetch_all(&mut **tx).await?)
}

/// Every table, parents first, in chunks of rows, from one snapshot; the audit head.
pub(crate) async fn snapshot_tables<W: Write>(
    pool: &Pool,
    w: &mut Writer<W>,
) -> Result<(i64, String)> {
    let mut tx = snapshot(pool).await?;
    for name in table_names(&mut tx).await? {
        if name != "_sqlx_migrations" && !TABLES_CHILD_FIRST.contains(&name.as_str()) {
            return Err(BackupError::Unknown(format!(
                "the register has a table a backup does not know ({name})"
            ))
            .into());
        }
    }
    let (seq, hash): (i64, String) =
        sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&mut *tx)
            .await?;
    for table in TABLES_CHILD_FIRST.iter().rev() {
        if NOT_IN_BACKUP.contains(table) {
            continue;
        }
        dump(&mut tx, w, table, &format!("SELECT * FROM {table}")).await?;
    }
    tx.commit().await?;
    Ok((seq, hash))
}

/// The rows `sql` selects, as chunks of `table`.
async fn dump<W: Write>(tx: &mut Tx, w: &mut Writer<W>, table: &str, sql: &str) -> Result<()> {
    let mut chunk: Option<Chunk> = None;
    {
        let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).fetch(&mut **tx);
        while let Some(r) = rows.try_next().await? {
            let c = chunk.get_or_insert_with(|| Chunk {
                table: table.to_string(),
                columns: r.columns().iter().map(|c| c.name().to_string()).collect(),
                rows: Vec::new(),
            });
            let row = (0..r.columns().len())
                .map(|i| value(&r, i, table))
                .collect::<Result<Vec<_>>>()?;
            c.rows.push(row);
            if c.rows.len() >= CHUNK_ROWS {
                w.chunk(c)?;
                c.rows.clear();
            }
        }
    }
    if let Some(c) = chunk
        && !c.rows.is_empty()
    {
        w.chunk(&c)?;
    }
    Ok(())
}

/// One read-only snapshot of the register (SQLite's deferred transaction reads one).
async fn snapshot(pool: &Pool) -> Result<Tx> {
    Ok(match DIALECT {
        Dialect::Sqlite => pool.begin_with("BEGIN").await?,
        Dialect::Postgres => {
            pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .await?
        }
    })
}

/// The persons' wrapped data keys and the persons erased, from one snapshot; the audit head.
pub(crate) async fn snapshot_keys<W: Write>(
    pool: &Pool,
    w: &mut Writer<W>,
) -> Result<(i64, String)> {
    let mut tx = snapshot(pool).await?;
    let (seq, hash): (i64, String) =
        sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&mut *tx)
            .await?;
    dump(
        &mut tx,
        w,
        KEY_ROWS,
        "SELECT person_id, key_id, wrapped FROM person_keys",
    )
    .await?;
    dump(
        &mut tx,
        w,
        ERASED_ROWS,
        "SELECT person_id FROM erasures WHERE erased_at IS NOT NULL",
    )
    .await?;
    tx.commit().await?;
    Ok((seq, hash))
}

/// A target column's type, as far as a conversion needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int8,
    Int4,
    Float,
    Text,
    Bytes,
    Uuid,
    Time,
    Date,
    Bool,
    Json,
}

async fn column_kinds(tx: &mut Tx, table: &str) -> Result<std::collections::HashMap<String, Kind>> {
    let rows: Vec<(String, String)> = match DIALECT {
        Dialect::Sqlite => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT name, type FROM pragma_table_info('{table}')"
            )))
            .fetch_all(&mut **tx)
            .await?
        }
        Dialect::Postgres => {
            sqlx::query_as(
                "SELECT column_name::text, data_type::text FROM information_schema.columns \
                    WHERE table_schema = current_schema() AND table_name = $1",
            )
            .bind(table)
            .fetch_all(&mut **tx)
            .await?
        }
    };
    rows.into_iter()
        .map(|(name, ty)| {
            let kind = match ty.to_ascii_lowercase().as_str() {
                "integer" if DIALECT == Dialect::Sqlite => Kind::Int8,
                "bigint" => Kind::Int8,
                "integer" | "smallint" => Kind::Int4,
                "real" | "double precision" => Kind::Float,
                "text" | "character varying" | "any" | "" => Kind::Text,
                "blob" | "bytea" => Kind::Bytes,
                "uuid" => Kind::Uuid,
                "timestamp with time zone" => Kind::Time,
                "date" => Kind::Date,
                "boolean" => Kind::Bool,
                "jsonb" | "json" => Kind::Json,
                other => return Err(unknown(table, &name, other)),
            };
            Ok((name, kind))
        })
        .collect()
}

/// A value ready to bind.
enum Bind {
    Null(Kind),
    Int8(i64),
    Int4(i32),
    Float(f64),
    Text(String),
    Bytes(Vec<u8>),
    Uuid(Uuid),
    Time(DateTime<Utc>),
    Date(NaiveDate),
    Bool(bool),
    Json(serde_json::Value),
}

fn time_of(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .or_else(|| DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f%:z").ok())
        .map(|t| t.with_timezone(&Utc))
}

/// `v` as the target column of `kind` takes it (SQLite keeps uuids as 16-byte blobs, times as
/// text, booleans as integers; PostgreSQL has a type for each).
fn convert(v: Value, kind: Kind, sqlite: bool) -> Option<Bind> {
    use Value as V;
    Some(match (v, kind) {
        (V::N, k) => Bind::Null(k),
        (V::I(i), Kind::Int8) => Bind::Int8(i),
        (V::I(i), Kind::Int4) => Bind::Int4(i32::try_from(i).ok()?),
        (V::I(i), Kind::Bool) => Bind::Bool(i != 0),
        (V::I(i), Kind::Float) => Bind::Float(i as f64),
        (V::R(r), Kind::Float) => Bind::Float(r),
        (V::Q(b), Kind::Bool) => Bind::Bool(b),
        (V::Q(b), Kind::Int8 | Kind::Int4) if sqlite => Bind::Bool(b),
        (V::S(s), Kind::Text) => Bind::Text(s),
        (V::S(s), Kind::Uuid) => Bind::Uuid(s.parse().ok()?),
        (V::S(s), Kind::Time) => Bind::Time(time_of(&s)?),
        (V::S(s), Kind::Date) => Bind::Date(s.parse().ok()?),
        (V::S(s), Kind::Json) => Bind::Json(serde_json::from_str(&s).ok()?),
        (V::B(h), Kind::Bytes) => Bind::Bytes(decode_hex(&h)?),
        (V::B(h), Kind::Uuid) => Bind::Uuid(Uuid::from_slice(&decode_hex(&h)?).ok()?),
        (V::U(u), Kind::Uuid) => Bind::Uuid(u),
        (V::U(u), Kind::Bytes) if sqlite => Bind::Uuid(u),
        (V::U(u), Kind::Text) => Bind::Text(u.to_string()),
        (V::T(us), Kind::Time) => Bind::Time(DateTime::from_timestamp_micros(us)?),
        (V::T(us), Kind::Text) if sqlite => Bind::Time(DateTime::from_timestamp_micros(us)?),
        (V::D(d), Kind::Date) => Bind::Date(d),
        (V::D(d), Kind::Text) if sqlite => Bind::Date(d),
        (V::J(j), Kind::Json) => Bind::Json(j),
        (V::J(j), Kind::Text) if sqlite => Bind::Text(j.to_string()),
        _ => return None,
    })
}

fn push(b: &mut sqlx::query_builder::Separated<'_, Db, &'static str>, v: Bind) {
    use sqlx::types::Json;
    match v {
        Bind::Null(Kind::Int8) => b.push_bind(None::<i64>),
        Bind::Null(Kind::Int4) => b.push_bind(None::<i32>),
        Bind::Null(Kind::Float) => b.push_bind(None::<f64>),
        Bind::Null(Kind::Text) => b.push_bind(None::<String>),
        Bind::Null(Kind::Bytes) => b.push_bind(None::<Vec<u8>>),
        Bind::Null(Kind::Uuid) => b.push_bind(None::<Uuid>),
        Bind::Null(Kind::Time) => b.push_bind(None::<DateTime<Utc>>),
        Bind::Null(Kind::Date) => b.push_bind(None::<NaiveDate>),
        Bind::Null(Kind::Bool) => b.push_bind(None::<bool>),
        Bind::Null(Kind::Json) => b.push_bind(None::<Json<serde_json::Value>>),
        Bind::Int8(i) => b.push_bind(i),
        Bind::Int4(i) => b.push_bind(i),
        Bind::Float(f) => b.push_bind(f),
        Bind::Text(s) => b.push_bind(s),
        Bind::Bytes(v) => b.push_bind(v),
        Bind::Uuid(u) => b.push_bind(u),
        Bind::Time(t) => b.push_bind(t),
        Bind::Date(d) => b.push_bind(d),
        Bind::Bool(x) => b.push_bind(x),
        Bind::Json(j) => b.push_bind(Json(j)),
    };
}

/// One INSERT of converted rows into `table`.
async fn insert_rows(tx: &mut Tx, table: &str, columns: &str, rows: Vec<Vec<Bind>>) -> Result<()> {
    let mut q: QueryBuilder<Db> = QueryBuilder::new(format!("INSERT INTO {table} ({columns}) "));
    q.push_values(rows, |mut b, row| {
        for v in row {
            push(&mut b, v);
        }
    });
    q.build().execute(&mut **tx).await?;
    Ok(())
}

/// Every table's rows read count what the trailer records.
fn check_counts(
    trailer: &BackupTrailer,
    counts: &std::collections::BTreeMap<String, u64>,
) -> Result<()> {
    for (table, recorded) in &trailer.tables {
        let found = counts.get(table).copied().unwrap_or(0);
        if found != *recorded {
            return Err(BackupError::Count {
                table: table.clone(),
                found,
                recorded: *recorded,
            }
            .into());
        }
    }
    Ok(())
}

/// Write the backup's rows into this (new, empty) register, check its trailer, give the
/// persons their keys from the key backup and rebuild the name index, replay the erasures
/// it records; one transaction.
pub(crate) async fn load_tables(
    pool: &Pool,
    mut source: ChunkSource,
    trusted: &PublicKey,
    keys: Option<(ChunkSource, PublicKey)>,
    master: &MasterKey,
    header: &BackupHeader,
    keys_header: Option<&BackupHeader>,
) -> Result<Loaded> {
    let mut tx = begin(pool).await?;
    if DIALECT == Dialect::Sqlite {
        sqlx::query("PRAGMA defer_foreign_keys = ON")
            .execute(&mut *tx)
            .await?;
    }
    for table in ["users", "persons", "cases", "audit_log"] {
        let n: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
                .fetch_one(&mut *tx)
                .await?;
        if n > 0 {
            return Err(BackupError::NotEmpty(table.to_string()).into());
        }
    }
    // What a new register holds already (its chain head, its fresh keys) gives way.
    for table in TABLES_CHILD_FIRST {
        sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table}")))
            .execute(&mut *tx)
            .await?;
    }
    let sqlite = DIALECT == Dialect::Sqlite;
    let mut kinds: std::collections::HashMap<String, std::collections::HashMap<String, Kind>> =
        Default::default();
    let mut counts: std::collections::BTreeMap<String, u64> = Default::default();
    while let Some(chunk) = source.next()? {
        if !TABLES_CHILD_FIRST.contains(&chunk.table.as_str()) {
            return Err(BackupError::Unknown(format!(
                "the backup holds a table this register does not have ({})",
                chunk.table
            ))
            .into());
        }
        if !kinds.contains_key(&chunk.table) {
            let k = column_kinds(&mut tx, &chunk.table).await?;
            kinds.insert(chunk.table.clone(), k);
        }
        let table_kinds = &kinds[&chunk.table];
        let column_kinds: Vec<Kind> = chunk
            .columns
            .iter()
            .map(|c| {
                table_kinds.get(c).copied().ok_or_else(|| {
                    StoreError::from(BackupError::Unknown(format!(
                        "the backup's column {}.{c} is not in this register",
                        chunk.table
                    )))
                })
            })
            .collect::<Result<_>>()?;
        *counts.entry(chunk.table.clone()).or_default() += chunk.rows.len() as u64;
        let per_insert = (30_000 / chunk.columns.len().max(1)).max(1);
        let mut rows = chunk.rows.into_iter().peekable();
        while rows.peek().is_some() {
            let mut batch = Vec::with_capacity(per_insert);
            for row in rows.by_ref().take(per_insert) {
                let converted = row
                    .into_iter()
                    .zip(&column_kinds)
                    .zip(&chunk.columns)
                    .map(|((v, k), c)| {
                        let shown = format!("{v:?}");
                        convert(v, *k, sqlite).ok_or_else(|| {
                            StoreError::from(BackupError::Unknown(format!(
                                "the value {shown} does not fit column {}.{c} ({k:?})",
                                chunk.table
                            )))
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                batch.push(converted);
            }
            insert_rows(&mut tx, &chunk.table, &chunk.columns.join(", "), batch).await?;
        }
    }
    let trailer = source.trailer(trusted)?;
    check_counts(&trailer, &counts)?;
    let mut loaded = Loaded {
        trailer,
        keys_trailer: None,
        persons_keyed: 0,
        erasures_replayed: 0,
    };
    if let (Some((keys, trusted)), Some(keys_header)) = (keys, keys_header) {
        give_keys(
            &mut tx,
            keys,
            &trusted,
            master,
            header,
            keys_header,
            &mut loaded,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(loaded)
}

/// The key backup's keys into `person_keys` for the persons restored; the erasures it records
/// replayed; every person keyed or erased, or the restore is refused; the name index rebuilt
/// from the identities the keys open.
async fn give_keys(
    tx: &mut Tx,
    mut keys: ChunkSource,
    trusted: &PublicKey,
    master: &MasterKey,
    header: &BackupHeader,
    keys_header: &BackupHeader,
    loaded: &mut Loaded,
) -> Result<()> {
    let (uuid, bytes, temp) = match DIALECT {
        Dialect::Sqlite => ("BLOB", "BLOB", "TEMP"),
        Dialect::Postgres => ("UUID", "BYTEA", "TEMP"),
    };
    for sql in [
        format!(
            "CREATE {temp} TABLE restore_keys (person_id {uuid} PRIMARY KEY, key_id TEXT NOT \
                NULL, wrapped {bytes} NOT NULL)"
        ),
        format!("CREATE {temp} TABLE restore_erased (person_id {uuid} PRIMARY KEY)"),
    ] {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut **tx)
            .await?;
    }
    let sqlite = DIALECT == Dialect::Sqlite;
    let mut counts: std::collections::BTreeMap<String, u64> = Default::default();
    while let Some(chunk) = keys.next()? {
        let (target, kinds): (&str, &[(&str, Kind)]) = match chunk.table.as_str() {
            KEY_ROWS => (
                "restore_keys",
                &[
                    ("person_id", Kind::Uuid),
                    ("key_id", Kind::Text),
                    ("wrapped", Kind::Bytes),
                ],
            ),
            ERASED_ROWS => ("restore_erased", &[("person_id", Kind::Uuid)]),
            other => {
                return Err(BackupError::Unknown(format!(
                    "the key backup holds a table a key backup does not have ({other})"
                ))
                .into());
            }
        };
        if chunk.columns.len() != kinds.len()
            || chunk.columns.iter().zip(kinds).any(|(c, (k, _))| c != k)
        {
            return Err(BackupError::Damaged("key backup", chunk.columns.join(", ")).into());
        }
        *counts.entry(chunk.table.clone()).or_default() += chunk.rows.len() as u64;
        let per_insert = 5_000;
        let mut rows = chunk.rows.into_iter().peekable();
        while rows.peek().is_some() {
            let mut batch = Vec::with_capacity(per_insert);
            for row in rows.by_ref().take(per_insert) {
                let converted = row
                    .into_iter()
                    .zip(kinds)
                    .map(|(v, (c, k))| {
                        convert(v, *k, sqlite).ok_or_else(|| {
                            StoreError::from(BackupError::Damaged("key backup", c.to_string()))
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                batch.push(converted);
            }
            let columns: Vec<&str> = kinds.iter().map(|(c, _)| *c).collect();
            insert_rows(tx, target, &columns.join(", "), batch).await?;
        }
    }
    let keys_trailer = keys.trailer(trusted)?;
    check_counts(&keys_trailer, &counts)?;
    const NOT_ERASED: &str = "NOT EXISTS (SELECT 1 FROM erasures e WHERE e.person_id = p.id AND \
        e.erased_at IS NOT NULL)";
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO person_keys (person_id, key_id, wrapped) SELECT k.person_id, k.key_id, \
            k.wrapped FROM restore_keys k JOIN persons p ON p.id = k.person_id WHERE {NOT_ERASED}"
    )))
    .execute(&mut **tx)
    .await?;
    // Persons erased after the backup was taken are erased again before anyone reads them.
    let erased: Vec<Uuid> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT p.id FROM restore_erased r JOIN persons p ON p.id = r.person_id WHERE \
            {NOT_ERASED} ORDER BY p.id"
    )))
    .fetch_all(&mut **tx)
    .await?;
    for person in erased {
        if erasure::replay_erasure(tx, tabara_core::ids::PersonId(person)).await? {
            loaded.erasures_replayed += 1;
        }
    }
    let missing: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM persons p WHERE {NOT_ERASED} AND NOT EXISTS (SELECT 1 FROM \
            person_keys k WHERE k.person_id = p.id)"
    )))
    .fetch_one(&mut **tx)
    .await?;
    if missing > 0 {
        return Err(BackupError::KeysMissing {
            persons: missing as u64,
            keys_made: keys_header.created_at,
            backup_made: header.created_at,
        }
        .into());
    }
    loaded.persons_keyed = rebuild_name_index(tx, master).await?;
    for t in ["restore_keys", "restore_erased"] {
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP TABLE {t}")))
            .execute(&mut **tx)
            .await?;
    }
    loaded.keys_trailer = Some(keys_trailer);
    Ok(())
}

/// Open every keyed person's identity and write their name index terms; how many.
async fn rebuild_name_index(tx: &mut Tx, master: &MasterKey) -> Result<u64> {
    let wrapped: Vec<u8> =
        sqlx::query_scalar("SELECT wrapped FROM register_keys WHERE purpose = $1")
            .bind(tabara_core::protect::INDEX_KEY)
            .fetch_one(&mut **tx)
            .await?;
    let index = master
        .index_key(&wrapped)
        .map_err(|_| BackupError::Damaged("register keys", "the index key does not open".into()))?;
    let keys = crate::keys::Keys {
        master: master.clone(),
        index,
        previous: None,
    };
    let mut after = Uuid::nil();
    let mut count = 0u64;
    loop {
        let rows = sqlx::query(
            "SELECT k.person_id, k.wrapped, i.sealed FROM person_keys k JOIN person_identities \
                i ON i.person_id = k.person_id WHERE k.person_id > $1 ORDER BY k.person_id \
                LIMIT 2000",
        )
        .bind(after)
        .fetch_all(&mut **tx)
        .await?;
        let Some(last) = rows.last() else {
            return Ok(count);
        };
        after = last.try_get("person_id")?;
        let mut terms: Vec<(i64, Uuid)> = Vec::new();
        for r in &rows {
            let id: Uuid = r.try_get("person_id")?;
            let wrapped: Vec<u8> = r.try_get("wrapped")?;
            let sealed: Option<Vec<u8>> = r.try_get("sealed")?;
            let Some(sealed) = sealed.filter(|s| !s.is_empty()) else {
                continue;
            };
            let identity = keys.open_identity(tabara_core::ids::PersonId(id), &wrapped, &sealed)?;
            terms.extend(
                keys.index
                    .name_terms(&identity.display_name())
                    .into_iter()
                    .map(|t| (t, id)),
            );
            count += 1;
        }
        persons::insert_name_terms(tx, &terms).await?;
    }
}

/// SQLite's integrity check ("ok" when whole); PostgreSQL has none built in.
pub(crate) async fn integrity_check(pool: &Pool) -> Result<Vec<String>> {
    Ok(match DIALECT {
        Dialect::Sqlite => {
            sqlx::query_scalar("PRAGMA integrity_check")
                .fetch_all(pool)
                .await?
        }
        Dialect::Postgres => vec!["ok".to_string()],
    })
}
