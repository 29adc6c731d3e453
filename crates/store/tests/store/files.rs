//! The encrypted file store (issue 13): files streamed in and out in sealed chunks under
//! their own keys, typed by their magic bytes, limited in size, hashed at upload, gone with
//! the person they are about; the same through the register's table and a folder.

use std::sync::Arc;

use sha2::{Digest, Sha256};
use tabara_core::erasure::ErasureGround;
use tabara_core::files::{CHUNK_BYTES, DEFAULT_MAX_BYTES, FilePurpose, FileType};
use tabara_store::files::{Blobs, DirectoryBlobs, NewFile, StoredFile};

use crate::common::*;

/// `n` bytes of a PNG: its signature, then bytes that are not the same in any two chunks,
/// with `marker` written at the start of each chunk (to look for in the register).
fn png(n: usize, marker: &[u8]) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    let mut x: u32 = 7;
    while v.len() < n {
        if v.len() % CHUNK_BYTES == 16 {
            v.extend_from_slice(marker);
        }
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        v.push((x >> 16) as u8);
    }
    v.truncate(n);
    v
}

fn upload<'a>(case: CaseId, person: PersonId, name: &'a str, limit: u64) -> NewFile<'a> {
    NewFile {
        case,
        person,
        purpose: FilePurpose::IdentityDocument,
        name,
        declared_type: None,
        limit,
    }
}

async fn read_all(s: &Store, id: uuid::Uuid) -> StoreResult<(String, Vec<u8>)> {
    let (name, mut r) = s.read_file(&system(), id).await?;
    let mut out = Vec::new();
    while let Some(chunk) = r.next_chunk().await? {
        assert!(chunk.len() <= CHUNK_BYTES);
        out.extend_from_slice(&chunk);
    }
    Ok((name, out))
}

/// Run one statement on the register directly (as someone with the database file would).
async fn raw(db: &TestDb, sql: &str, file: uuid::Uuid) {
    match db.sqlite_path() {
        Some(path) => {
            let url = format!("sqlite://{}", path.display());
            let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
                .bind(file)
                .execute(&mut conn)
                .await
                .unwrap();
            conn.close().await.unwrap();
        }
        None => {
            let mut conn = sqlx::PgConnection::connect(&db.database_arg())
                .await
                .unwrap();
            sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
                .bind(file)
                .execute(&mut conn)
                .await
                .unwrap();
            conn.close().await.unwrap();
        }
    }
}

async fn count(s: &Store, case: CaseId, person: PersonId) -> usize {
    s.files_of(case, person).await.unwrap().len()
}

/// Upload, list, read back and check a file of a few chunks through `s`.
async fn round_trip(s: &Store, w: &World, blob_store: &str) -> (Case, Person, StoredFile, Vec<u8>) {
    let case = open_case(s, w, "2026-03-01").await;
    let p = add_person(s, w, "Irakoze", "Ndayishimiye").await;
    involve_victim(s, case.id, p.id).await;
    let bytes = png(3 * CHUNK_BYTES + 1234, b"SECRET-PASSPORT-SCAN");
    let f = s
        .put_file(
            &system(),
            NewFile {
                declared_type: Some("image/png"),
                ..upload(
                    case.id,
                    p.id,
                    "C:\\scans\\passeport Irakoze.png",
                    DEFAULT_MAX_BYTES,
                )
            },
            &bytes[..],
        )
        .await
        .unwrap();
    assert_eq!(f.content_type, FileType::Png);
    assert_eq!(f.size, bytes.len() as u64);
    assert_eq!(f.chunks, 4);
    assert_eq!(f.sha256, hex::encode(Sha256::digest(&bytes)));
    assert_eq!(f.blob_store, blob_store);
    assert_eq!(s.files_of(case.id, p.id).await.unwrap(), vec![f.clone()]);
    assert_eq!(s.file(f.id).await.unwrap(), f);
    assert_eq!(
        s.file_name(&f).await.unwrap().as_deref(),
        Some("passeport Irakoze.png")
    );
    let (name, back) = read_all(s, f.id).await.unwrap();
    assert_eq!(name, "passeport Irakoze.png");
    assert!(back == bytes, "the file read back is not the file uploaded");
    (case, p, f, bytes)
}

store_test!(
    a_file_is_sealed_in_chunks_and_read_back_whole,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let (case, p, f, _) = round_trip(s, &w, "register").await;

        // Exactly two chunks: the second is the last, and nothing follows it.
        let even = png(2 * CHUNK_BYTES, b"EVEN");
        let g = s
            .put_file(
                &system(),
                upload(case.id, p.id, "even.png", DEFAULT_MAX_BYTES),
                &even[..],
            )
            .await
            .unwrap();
        assert_eq!(g.chunks, 2);
        assert!(read_all(s, g.id).await.unwrap().1 == even);
        assert_eq!(count(s, case.id, p.id).await, 2);

        // The register holds neither the content nor the name in the clear (SQLite: file
        // and log).
        if let Some(path) = db.sqlite_path() {
            let mut all = std::fs::read(&path).unwrap();
            let mut wal = path.as_os_str().to_owned();
            wal.push("-wal");
            all.extend(std::fs::read(std::path::PathBuf::from(wal)).unwrap_or_default());
            for text in [&b"SECRET-PASSPORT-SCAN"[..], b"passeport Irakoze"] {
                assert!(!all.windows(text.len()).any(|x| x == text));
            }
        }

        // Chunks swapped, moved to another file, or the last one dropped: the read fails.
        for sql in [
            "UPDATE file_chunks SET seq = 1000 WHERE file_id = $1 AND seq = 0",
            "UPDATE file_chunks SET seq = 0 WHERE file_id = $1 AND seq = 1",
            "UPDATE file_chunks SET seq = 1 WHERE file_id = $1 AND seq = 1000",
        ] {
            raw(&db, sql, f.id).await;
        }
        assert!(matches!(
            read_all(s, f.id).await,
            Err(StoreError::Corrupt(_))
        ));
        raw(
            &db,
            "DELETE FROM file_chunks WHERE file_id = $1 AND seq = 1",
            g.id,
        )
        .await;
        let e = read_all(s, g.id).await.unwrap_err().to_string();
        assert!(e.contains("chunk 1") && e.contains("missing"), "{e}");
        // Every read was audited, before the bytes were given.
        let reads = all_audit(s)
            .await
            .into_iter()
            .filter(|e| e.action == "file.read")
            .count();
        assert_eq!(reads, 4);
        assert_verified(s, audit_count(s).await).await;
        db.finish().await
    }
);

store_test!(
    a_refused_file_leaves_nothing_and_says_why,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let case = open_case(s, &w, "2026-03-01").await;
        let p = add_person(s, &w, "Kaneza", "Hakizimana").await;
        involve_victim(s, case.id, p.id).await;
        let before = audit_count(s).await;
        let limit = 2 * CHUNK_BYTES as u64 + 10;
        // Over the limit: refused as soon as the limit is passed, nothing kept.
        let big = png(3 * CHUNK_BYTES, b"BIG");
        assert_invalid(
            s.put_file(&system(), upload(case.id, p.id, "big.png", limit), &big[..])
                .await,
            "fil_File",
            "too_large",
        );
        // Exactly at the limit is accepted.
        let at = png(limit as usize, b"AT");
        s.put_file(&system(), upload(case.id, p.id, "at.png", limit), &at[..])
            .await
            .unwrap();
        assert_invalid(
            s.put_file(&system(), upload(case.id, p.id, "a.png", limit), &b""[..])
                .await,
            "fil_File",
            "empty",
        );
        let page = b"<html><body>not a scan</body></html>";
        assert_invalid(
            s.put_file(
                &system(),
                upload(case.id, p.id, "scan.png", limit),
                &page[..],
            )
            .await,
            "fil_File",
            "type_refused",
        );
        let pdf = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n";
        assert_invalid(
            s.put_file(
                &system(),
                NewFile {
                    declared_type: Some("image/jpeg"),
                    ..upload(case.id, p.id, "photo.jpg", limit)
                },
                &pdf[..],
            )
            .await,
            "fil_File",
            "type_mismatch",
        );
        assert_invalid(
            s.put_file(
                &system(),
                upload(case.id, p.id, "a\nb.pdf", limit),
                &pdf[..],
            )
            .await,
            "fil_Name",
            "name",
        );
        // A person not in the case, a case that does not exist.
        let other = add_person(s, &w, "Kaneza", "Niyonzima").await;
        let r = s
            .put_file(
                &system(),
                upload(case.id, other.id, "x.pdf", limit),
                &pdf[..],
            )
            .await;
        assert!(matches!(r, Err(StoreError::NotFound { .. })), "{r:?}");
        // A reader that fails half way (a connection cut): nothing kept.
        struct Cut(usize);
        impl tokio::io::AsyncRead for Cut {
            fn poll_read(
                mut self: std::pin::Pin<&mut Self>,
                _: &mut std::task::Context<'_>,
                buf: &mut tokio::io::ReadBuf<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                if self.0 == 0 {
                    return std::task::Poll::Ready(Err(std::io::Error::other("connection reset")));
                }
                let head = png(CHUNK_BYTES, b"CUT");
                let n = buf.remaining().min(self.0).min(head.len());
                buf.put_slice(&head[..n]);
                self.0 -= n;
                std::task::Poll::Ready(Ok(()))
            }
        }
        assert_invalid(
            s.put_file(
                &system(),
                upload(case.id, p.id, "cut.png", limit),
                Cut(100_000),
            )
            .await,
            "fil_File",
            "interrupted",
        );
        // Only the one at the limit is listed, and one entry written (its upload) besides
        // the other person's registration.
        assert_eq!(count(s, case.id, p.id).await, 1);
        assert_eq!(audit_count(s).await, before + 2);
        // No chunk of a refused upload stays, and the sweep has nothing to do.
        assert_eq!(s.sweep_files(chrono::Utc::now()).await.unwrap(), 0);
        assert_verified(s, audit_count(s).await).await;
        db.finish().await
    }
);

store_test!(erasing_a_person_erases_their_files, |db| async move {
    let s = &db.store;
    let w = world(s).await;
    let (case, p, f, _) = round_trip(s, &w, "register").await;
    s.erase_person(&system(), p.id, ErasureGround::SubjectRequest)
        .await
        .unwrap();
    let listed = s.files_of(case.id, p.id).await.unwrap();
    assert!(listed[0].erased_at.is_some());
    assert_eq!(s.file_name(&listed[0]).await.unwrap(), None);
    assert_invalid(read_all(s, f.id).await, "fil_File", "erased");
    assert_invalid(
        s.put_file(
            &system(),
            upload(case.id, p.id, "late.png", DEFAULT_MAX_BYTES),
            &png(100, b"")[..],
        )
        .await,
        "fil_File",
        "erased",
    );
    assert_verified(s, audit_count(s).await).await;
    db.finish().await
});

store_test!(
    a_folder_keeps_the_chunks_behind_the_same_interface,
    |db| async move {
        let dir = tabara_store::testing::temp_folder();
        let folder: Arc<dyn Blobs> = Arc::new(DirectoryBlobs::new(&dir.0).unwrap());
        let s = &db.store.clone().with_blobs(folder.clone());
        let w = world(s).await;
        let (case, p, f, _) = round_trip(s, &w, "directory").await;
        let chunks: Vec<_> = std::fs::read_dir(dir.0.join(f.id.to_string()))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(chunks.len(), 4, "{chunks:?}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let path = dir.0.join(f.id.to_string()).join("00000000.sealed");
            let mode = std::fs::metadata(path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "a chunk is readable by others: {mode:o}");
        }
        // A server using the register's own table does not read a file kept in the folder.
        assert_invalid(read_all(&db.store, f.id).await, "fil_Store", "elsewhere");
        // An upload a crash cut short (its first chunk kept, the row never completed) is
        // swept after its day, and so are the chunks an erasure left in the folder.
        // (Two chunks come, then nothing: the first is kept once the second is read.)
        struct Stalls(usize);
        impl tokio::io::AsyncRead for Stalls {
            fn poll_read(
                mut self: std::pin::Pin<&mut Self>,
                _: &mut std::task::Context<'_>,
                buf: &mut tokio::io::ReadBuf<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                if self.0 >= 2 * CHUNK_BYTES {
                    return std::task::Poll::Pending;
                }
                let n = buf.remaining().min(2 * CHUNK_BYTES - self.0);
                let head = png(2 * CHUNK_BYTES, b"STALL");
                buf.put_slice(&head[self.0..self.0 + n]);
                self.0 += n;
                std::task::Poll::Ready(Ok(()))
            }
        }
        let upload_task = {
            let s = s.clone();
            let (case, person) = (case.id, p.id);
            tokio::spawn(async move {
                s.put_file(
                    &system(),
                    upload(case, person, "stall.png", DEFAULT_MAX_BYTES),
                    Stalls(0),
                )
                .await
            })
        };
        let stalled = loop {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            let kept: Vec<_> = std::fs::read_dir(&dir.0)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|d| *d != dir.0.join(f.id.to_string()))
                .collect();
            if let [one] = &kept[..]
                && one.join("00000000.sealed").exists()
            {
                break one.clone();
            }
        };
        upload_task.abort();
        let _ = upload_task.await;
        assert_eq!(
            count(s, case.id, p.id).await,
            1,
            "an unfinished upload is listed"
        );
        // Not yet a day old: kept; as of a day later: swept.
        assert_eq!(
            s.sweep_files(chrono::Utc::now() - chrono::Duration::days(1))
                .await
                .unwrap(),
            0
        );
        assert!(stalled.exists());
        s.erase_person(&system(), p.id, ErasureGround::RegisteredInError)
            .await
            .unwrap();
        assert_eq!(
            s.sweep_files(chrono::Utc::now() + chrono::Duration::minutes(1))
                .await
                .unwrap(),
            1
        );
        assert!(!stalled.exists());
        assert!(!dir.0.join(f.id.to_string()).exists());
        assert_eq!(count(s, case.id, p.id).await, 1);
        assert!(DirectoryBlobs::new(dir.0.join("missing")).is_err());
        db.finish().await
    }
);
