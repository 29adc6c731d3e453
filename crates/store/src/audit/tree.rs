//! The audit log's Merkle tree: checkpoints, proofs, and a register checked against a
//! checkpoint. Each reads the entries' chain hashes in order, once, in one snapshot.

use chrono::Utc;
use sqlx::Row as _;
use tabara_core::checkpoint::{Checkpoint, Signed, SigningKey, decode_hex, encode_hex};
use tabara_core::merkle::{self, Builder, Hash, RangeHasher};

use super::*;
use crate::audit::proofs::{CheckpointCheck, InclusionProof, StoredCheckpoint, leaf_of};
use crate::{Dialect, Result, StoreError};

const BATCH: i64 = 20_000;

async fn snapshot(pool: &Pool) -> Result<sqlx::Transaction<'static, Db>> {
    Ok(match DIALECT {
        Dialect::Sqlite => pool.begin_with("BEGIN").await?,
        Dialect::Postgres => {
            pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .await?
        }
    })
}

/// Feed the leaves of entries `after + 1 ..= upto` to `f` (its index from 0) in order; the
/// first missing entry's number when the log has a gap or ends early.
async fn each_leaf(
    tx: &mut sqlx::Transaction<'static, Db>,
    after: i64,
    upto: i64,
    mut f: impl FnMut(u64, Hash, &str),
) -> Result<std::result::Result<(), i64>> {
    let mut next = after + 1;
    while next <= upto {
        let rows = sqlx::query(
            "SELECT seq, hash FROM audit_log WHERE seq >= $1 AND seq <= $2 ORDER BY seq LIMIT $3",
        )
        .bind(next)
        .bind(upto)
        .bind(BATCH)
        .fetch_all(&mut **tx)
        .await?;
        if rows.is_empty() {
            return Ok(Err(next));
        }
        for r in &rows {
            let seq: i64 = r.try_get("seq")?;
            let hash: String = r.try_get("hash")?;
            if seq != next {
                return Ok(Err(next));
            }
            f((seq - 1) as u64, leaf_of(&hash), &hash);
            next += 1;
        }
    }
    Ok(Ok(()))
}

async fn head(tx: &mut sqlx::Transaction<'static, Db>) -> Result<i64> {
    let seq: Option<i64> = sqlx::query_scalar("SELECT seq FROM audit_head WHERE id = 1")
        .fetch_optional(&mut **tx)
        .await?;
    seq.ok_or_else(|| StoreError::Corrupt("the audit chain head is missing".into()))
}

fn stored(r: &DbRow) -> Result<StoredCheckpoint> {
    let size: i64 = r.try_get("size")?;
    Ok(StoredCheckpoint {
        size: size as u64,
        text: r.try_get("text")?,
        made_at: r.try_get("made_at")?,
    })
}

/// Make and keep a checkpoint of the whole log as it is, signed with `key`; the one kept
/// already when the log has not grown since.
pub(crate) async fn make_checkpoint(pool: &Pool, key: &SigningKey) -> Result<Signed> {
    let mut tx = snapshot(pool).await?;
    let size = head(&mut tx).await?;
    // Carry the tree on from the newest kept checkpoint, whose last entry must be unchanged.
    let last = sqlx::query(
        "SELECT size, head, peaks, text, made_at FROM audit_checkpoints WHERE size <= $1 ORDER \
            BY size DESC LIMIT 1",
    )
    .bind(size)
    .fetch_optional(&mut *tx)
    .await?;
    let mut builder = Builder::new();
    if let Some(r) = &last {
        let kept = stored(r)?;
        let kept_head: String = r.try_get("head")?;
        let now: Option<String> = sqlx::query_scalar("SELECT hash FROM audit_log WHERE seq = $1")
            .bind(kept.size as i64)
            .fetch_optional(&mut *tx)
            .await?;
        if kept.size > 0 && now.as_deref() != Some(kept_head.as_str()) {
            tx.commit().await?;
            return Err(StoreError::Corrupt(format!(
                "the audit log no longer matches its checkpoint of {} entries: entries it covers \
                    were changed; check the log with `tabara audit verify --checkpoint` against a \
                    copy kept elsewhere",
                kept.size
            )));
        }
        if kept.size == size as u64
            && let Ok(signed) = Signed::parse(&kept.text)
            && signed.key == key.public()
        {
            tx.commit().await?;
            return Ok(signed);
        }
        let peaks: String = r.try_get("peaks")?;
        let peaks: Option<Vec<Hash>> = peaks
            .split(',')
            .filter(|p| !p.is_empty())
            .map(|p| decode_hex(p).and_then(|b| b.try_into().ok()))
            .collect();
        if let Some(b) = peaks.and_then(|p| Builder::resume(kept.size, p)) {
            builder = b;
        }
    }
    let mut head_hash = tabara_core::checkpoint::encode_hex(&[0u8; 32]);
    if builder.size() > 0 {
        head_hash = sqlx::query_scalar("SELECT hash FROM audit_log WHERE seq = $1")
            .bind(builder.size() as i64)
            .fetch_one(&mut *tx)
            .await?;
    }
    let walked = each_leaf(&mut tx, builder.size() as i64, size, |_, leaf, hash| {
        builder.push(leaf);
        head_hash.clear();
        head_hash.push_str(hash);
    })
    .await?;
    tx.commit().await?;
    if let Err(seq) = walked {
        return Err(StoreError::Corrupt(format!(
            "audit entry {seq} is missing: run `tabara audit verify`"
        )));
    }
    let checkpoint = Checkpoint {
        size: size as u64,
        root: builder.root(),
        head: decode_hex(&head_hash)
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| StoreError::Corrupt(format!("audit entry {size}'s hash is not hex")))?,
        time: Utc::now().with_nanosecond_zero(),
    };
    let signed = checkpoint.sign(key);
    let peaks = builder
        .peaks()
        .iter()
        .map(|p| encode_hex(p))
        .collect::<Vec<_>>()
        .join(",");
    sqlx::query(
        "INSERT INTO audit_checkpoints (size, root, head, peaks, signer, made_at, text) VALUES \
            ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (size) DO NOTHING",
    )
    .bind(size)
    .bind(encode_hex(&signed.checkpoint.root))
    .bind(&head_hash)
    .bind(peaks)
    .bind(signed.key.hex())
    .bind(signed.checkpoint.time)
    .bind(signed.text())
    .execute(pool)
    .await?;
    Ok(signed)
}

trait NoNanos {
    fn with_nanosecond_zero(self) -> Self;
}

impl NoNanos for chrono::DateTime<Utc> {
    fn with_nanosecond_zero(self) -> Self {
        use chrono::Timelike as _;
        self.with_nanosecond(0).unwrap_or(self)
    }
}

/// The kept checkpoints, newest first.
pub(crate) async fn checkpoints(pool: &Pool, limit: i64) -> Result<Vec<StoredCheckpoint>> {
    let rows = sqlx::query(
        "SELECT size, text, made_at FROM audit_checkpoints ORDER BY size DESC LIMIT $1",
    )
    .bind(limit.clamp(1, 10_000))
    .fetch_all(pool)
    .await?;
    rows.iter().map(stored).collect()
}

/// The proof that entry `seq` is in the tree of the first `size` entries (the whole log when
/// `None`).
pub(crate) async fn inclusion(pool: &Pool, seq: i64, size: Option<i64>) -> Result<InclusionProof> {
    let mut tx = snapshot(pool).await?;
    let size = match size {
        Some(s) => s,
        None => head(&mut tx).await?,
    };
    if seq < 1 || seq > size {
        tx.commit().await?;
        return Err(crate::refuse(
            "seq",
            "not_in_tree",
            format!("entry {seq} is not among the log's first {size} entries"),
        ));
    }
    let ranges = merkle::inclusion_ranges((seq - 1) as u64, size as u64);
    let mut hasher = RangeHasher::new(&ranges);
    let mut root = Builder::new();
    let mut leaf = ([0u8; 32], String::new());
    let walked = each_leaf(&mut tx, 0, size, |i, h, hash| {
        hasher.push(i, h);
        root.push(h);
        if i == (seq - 1) as u64 {
            leaf = (h, hash.to_string());
        }
    })
    .await?;
    tx.commit().await?;
    if let Err(missing) = walked {
        return Err(crate::refuse(
            "size",
            "not_in_log",
            format!("the log has no entry {missing}: it holds fewer than {size} entries"),
        ));
    }
    let path = hasher
        .finish()
        .ok_or_else(|| StoreError::Corrupt("a proof range was not fed".into()))?;
    Ok(InclusionProof {
        seq,
        size: size as u64,
        entry_hash: leaf.1,
        leaf: encode_hex(&leaf.0),
        root: encode_hex(&root.root()),
        path: path.iter().map(|h| encode_hex(h)).collect(),
    })
}

/// The proof that the tree of the first `old` entries is the start of the tree of the first
/// `new` entries (the whole log when `None`), with both roots.
pub(crate) async fn consistency(
    pool: &Pool,
    old: i64,
    new: Option<i64>,
) -> Result<(u64, String, String, Vec<String>)> {
    let mut tx = snapshot(pool).await?;
    let new = match new {
        Some(n) => n,
        None => head(&mut tx).await?,
    };
    if old < 1 || old > new {
        tx.commit().await?;
        return Err(crate::refuse(
            "from",
            "not_in_tree",
            format!("a tree of {old} entries is not the start of one of {new}"),
        ));
    }
    let ranges = merkle::consistency_ranges(old as u64, new as u64);
    let mut hasher = RangeHasher::new(&ranges);
    let (mut first, mut whole) = (Builder::new(), Builder::new());
    let walked = each_leaf(&mut tx, 0, new, |i, h, _| {
        hasher.push(i, h);
        if i < old as u64 {
            first.push(h);
        }
        whole.push(h);
    })
    .await?;
    tx.commit().await?;
    if let Err(missing) = walked {
        return Err(crate::refuse(
            "to",
            "not_in_log",
            format!("the log has no entry {missing}"),
        ));
    }
    let path = hasher
        .finish()
        .ok_or_else(|| StoreError::Corrupt("a proof range was not fed".into()))?;
    Ok((
        new as u64,
        encode_hex(&first.root()),
        encode_hex(&whole.root()),
        path.iter().map(|h| encode_hex(h)).collect(),
    ))
}

/// The register's log against a checkpoint: the tree of its first `size` entries must have
/// the checkpoint's root and its entry `size` the checkpoint's chain hash.
pub(crate) async fn check_checkpoint(pool: &Pool, c: &Checkpoint) -> Result<CheckpointCheck> {
    let mut tx = snapshot(pool).await?;
    let entries = head(&mut tx).await?;
    let size = i64::try_from(c.size).unwrap_or(i64::MAX);
    if entries < size {
        tx.commit().await?;
        return Ok(CheckpointCheck::Shorter {
            size: c.size,
            entries: entries.max(0) as u64,
        });
    }
    let mut builder = Builder::new();
    let mut last = encode_hex(&[0u8; 32]);
    let walked = each_leaf(&mut tx, 0, size, |_, h, hash| {
        builder.push(h);
        last.clear();
        last.push_str(hash);
    })
    .await?;
    tx.commit().await?;
    if let Err(seq) = walked {
        return Ok(CheckpointCheck::Missing { seq, size: c.size });
    }
    if builder.root() != c.root {
        return Ok(CheckpointCheck::Rewritten {
            size: c.size,
            root: encode_hex(&builder.root()),
        });
    }
    if last != encode_hex(&c.head) {
        return Ok(CheckpointCheck::HeadDiffers { size: c.size });
    }
    Ok(CheckpointCheck::Matches {
        size: c.size,
        after: (entries - size).max(0) as u64,
    })
}
