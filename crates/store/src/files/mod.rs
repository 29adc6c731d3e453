//! The encrypted file store (issue 13; the rules are `tabara_core::files`): files about a
//! person of a case (evidence, identity documents, consent forms), each sealed in chunks of
//! [`CHUNK_BYTES`] under a key of its own, wrapped by the person's data key, so erasing the
//! person erases every file about them, here and in the backups taken before.
//!
//! An upload is streamed: the store reads the file a chunk at a time from any `AsyncRead`,
//! recognises its type by the first chunk's magic bytes, hashes (SHA-256), seals and keeps
//! each chunk as it comes, and stops at the size limit; a 50 MB file never sits whole in
//! memory. A download is streamed the same way ([`FileReader`]), and checks the hash at the
//! end. The row is written when an upload begins and completed with its `file.upload` entry
//! when the last chunk is kept; a refused or broken upload leaves nothing, one cut short by a
//! crash is swept after a day ([`Store::sweep_files`]).
//!
//! Where the sealed chunks are kept is behind one interface, [`Blobs`]: in the register
//! (table `file_chunks`, the default, so a backup carries them) or in a folder
//! ([`DirectoryBlobs`]); an object store for a national deployment is one more implementation.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;

use chrono::{DateTime, SubsecRound as _, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use tabara_core::files::{self, CHUNK_BYTES, FilePurpose, FileRefusal, FileType};
use tabara_core::ids::{CaseId, PersonId};
use tabara_core::protect::FileKey;
use tokio::io::{AsyncRead, AsyncReadExt};
use uuid::Uuid;

use crate::{Actor, Result, Store, StoreError, refuse};

/// A future of the blob interface.
pub type BlobFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'a>>;

/// Where the sealed chunks of files are kept. Every chunk is already sealed when it gets
/// here: an implementation sees only ciphertext, and needs no key.
pub trait Blobs: Send + Sync + std::fmt::Debug {
    /// The name recorded with each file (`register`, `directory`, …), so a file is read back
    /// from where it was kept.
    fn name(&self) -> &'static str;
    /// Keep chunk `seq` of `file`.
    fn put(&self, file: Uuid, seq: u32, sealed: Vec<u8>) -> BlobFuture<'_, ()>;
    /// Chunk `seq` of `file`, if kept.
    fn get(&self, file: Uuid, seq: u32) -> BlobFuture<'_, Option<Vec<u8>>>;
    /// Forget every chunk of `file` (nothing kept is not an error).
    fn remove(&self, file: Uuid) -> BlobFuture<'_, ()>;
}

/// Chunks kept in the register itself, in `file_chunks` (the default).
#[derive(Debug, Clone)]
pub struct RegisterBlobs {
    backend: crate::Backend,
}

impl RegisterBlobs {
    pub(crate) fn new(backend: crate::Backend) -> RegisterBlobs {
        RegisterBlobs { backend }
    }
}

impl Blobs for RegisterBlobs {
    fn name(&self) -> &'static str {
        "register"
    }
    fn put(&self, file: Uuid, seq: u32, sealed: Vec<u8>) -> BlobFuture<'_, ()> {
        Box::pin(async move {
            match &self.backend {
                crate::Backend::Sqlite(p) => sqlite::queries::put_chunk(p, file, seq, sealed).await,
                crate::Backend::Postgres(p) => {
                    postgres::queries::put_chunk(p, file, seq, sealed).await
                }
            }
        })
    }
    fn get(&self, file: Uuid, seq: u32) -> BlobFuture<'_, Option<Vec<u8>>> {
        Box::pin(async move {
            match &self.backend {
                crate::Backend::Sqlite(p) => sqlite::queries::get_chunk(p, file, seq).await,
                crate::Backend::Postgres(p) => postgres::queries::get_chunk(p, file, seq).await,
            }
        })
    }
    fn remove(&self, file: Uuid) -> BlobFuture<'_, ()> {
        Box::pin(async move {
            match &self.backend {
                crate::Backend::Sqlite(p) => sqlite::queries::remove_chunks(p, file).await,
                crate::Backend::Postgres(p) => postgres::queries::remove_chunks(p, file).await,
            }
        })
    }
}

/// Chunks kept in a folder, one file per chunk (`<folder>/<file id>/<seq>.sealed`), written
/// owner-only and renamed into place whole. A backup of the register does not carry them:
/// the folder is backed up beside it (it holds only ciphertext).
#[derive(Debug, Clone)]
pub struct DirectoryBlobs {
    root: PathBuf,
}

impl DirectoryBlobs {
    /// Chunks under `root`, which must exist.
    pub fn new(root: impl Into<PathBuf>) -> Result<DirectoryBlobs> {
        let root = root.into();
        if !root.is_dir() {
            return Err(refuse(
                "fil_Store",
                "missing_folder",
                format!("the file folder {} does not exist", root.display()),
            ));
        }
        Ok(DirectoryBlobs { root })
    }

    fn folder(&self, file: Uuid) -> PathBuf {
        self.root.join(file.to_string())
    }
}

fn io_error(e: std::io::Error) -> StoreError {
    StoreError::Corrupt(format!("the file folder failed: {e}"))
}

impl Blobs for DirectoryBlobs {
    fn name(&self) -> &'static str {
        "directory"
    }
    fn put(&self, file: Uuid, seq: u32, sealed: Vec<u8>) -> BlobFuture<'_, ()> {
        Box::pin(async move {
            let folder = self.folder(file);
            tokio::fs::create_dir_all(&folder).await.map_err(io_error)?;
            let part = folder.join(format!("{seq:08}.part"));
            let mut options = tokio::fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            options.mode(0o600);
            let mut f = options.open(&part).await.map_err(io_error)?;
            tokio::io::AsyncWriteExt::write_all(&mut f, &sealed)
                .await
                .map_err(io_error)?;
            f.sync_all().await.map_err(io_error)?;
            tokio::fs::rename(&part, folder.join(format!("{seq:08}.sealed")))
                .await
                .map_err(io_error)
        })
    }
    fn get(&self, file: Uuid, seq: u32) -> BlobFuture<'_, Option<Vec<u8>>> {
        Box::pin(async move {
            match tokio::fs::read(self.folder(file).join(format!("{seq:08}.sealed"))).await {
                Ok(b) => Ok(Some(b)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(io_error(e)),
            }
        })
    }
    fn remove(&self, file: Uuid) -> BlobFuture<'_, ()> {
        Box::pin(async move {
            match tokio::fs::remove_dir_all(self.folder(file)).await {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io_error(e)),
                _ => Ok(()),
            }
        })
    }
}

/// A file as listed (its name is sealed: [`Store::file_name`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredFile {
    /// Id (UUID v7).
    pub id: Uuid,
    /// The case it was attached in.
    pub case_id: CaseId,
    /// The person it is about.
    pub person_id: PersonId,
    /// What it is.
    pub purpose: FilePurpose,
    /// What its bytes are.
    pub content_type: FileType,
    /// Its size in bytes.
    pub size: u64,
    /// SHA-256 of its plaintext, in hex, recorded at upload.
    pub sha256: String,
    /// How many chunks it was sealed in.
    pub chunks: u32,
    /// Where its chunks are kept (`register`, `directory`).
    pub blob_store: String,
    /// Who uploaded it (actor id).
    pub uploaded_by: String,
    /// When the upload was completed.
    pub uploaded_at: DateTime<Utc>,
    /// When the person was erased, with their files; `None` while readable.
    pub erased_at: Option<DateTime<Utc>>,
}

/// A file to upload.
#[derive(Debug, Clone)]
pub struct NewFile<'a> {
    /// The case.
    pub case: CaseId,
    /// The person of the case it is about.
    pub person: PersonId,
    /// What it is.
    pub purpose: FilePurpose,
    /// Its name as sent (its last path component is kept, sealed).
    pub name: &'a str,
    /// The media type the sender declared, if any (checked against the bytes).
    pub declared_type: Option<&'a str>,
    /// The size limit in bytes (`tabara_core::files::DEFAULT_MAX_BYTES` unless configured).
    pub limit: u64,
}

/// What a refusal of the file says, as a field error (`fil_File` and the rule).
fn refused(r: FileRefusal) -> StoreError {
    refuse("fil_File", r.rule(), r.to_string())
}

/// The purpose bound to a file's sealed name.
const FILE_NAME: &str = "file name";

/// A file's name, opened with its key.
fn open_name(key: &FileKey, file: &StoredFile, sealed: &[u8]) -> Result<String> {
    let name = key
        .open_value(file.id.as_bytes(), FILE_NAME, sealed)
        .map_err(|e| StoreError::Corrupt(format!("the name of file {}: {e}", file.id)))?;
    Ok(String::from_utf8_lossy(&name).into_owned())
}

/// Fill `buf` with up to [`CHUNK_BYTES`] from `reader` (fewer only at its end).
async fn read_chunk<R: AsyncRead + Unpin>(reader: &mut R, buf: &mut Vec<u8>) -> Result<()> {
    buf.clear();
    buf.resize(CHUNK_BYTES, 0);
    let mut n = 0;
    while n < CHUNK_BYTES {
        let m = reader.read(&mut buf[n..]).await.map_err(|e| {
            refuse(
                "fil_File",
                "interrupted",
                format!("the upload was interrupted: {e}"),
            )
        })?;
        if m == 0 {
            break;
        }
        n += m;
    }
    buf.truncate(n);
    Ok(())
}

/// A file being read, chunk by chunk: each opened with the file's key and checked in place
/// (position and last chunk bound), the SHA-256 of the whole compared at the end.
pub struct FileReader {
    blobs: Arc<dyn Blobs>,
    key: FileKey,
    file: StoredFile,
    next: u32,
    hasher: Sha256,
}

impl std::fmt::Debug for FileReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FileReader({}, chunk {})", self.file.id, self.next)
    }
}

impl FileReader {
    /// The next chunk of plaintext; `None` after the last, once the hash was found right.
    pub async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>> {
        let id = self.file.id;
        if self.next >= self.file.chunks {
            let found = hex::encode(std::mem::take(&mut self.hasher).finalize());
            if self.next == self.file.chunks && found != self.file.sha256 {
                return Err(StoreError::Corrupt(format!(
                    "file {id} does not hash to what was recorded at upload"
                )));
            }
            self.next = self.file.chunks + 1;
            return Ok(None);
        }
        let seq = self.next;
        let sealed =
            self.blobs.get(id, seq).await?.ok_or_else(|| {
                StoreError::Corrupt(format!("chunk {seq} of file {id} is missing"))
            })?;
        let last = seq + 1 == self.file.chunks;
        let plain = self
            .key
            .open_chunk(id.as_bytes(), seq, last, &sealed)
            .map_err(|e| StoreError::Corrupt(format!("chunk {seq} of file {id}: {e}")))?;
        self.hasher.update(&plain);
        self.next += 1;
        Ok(Some(plain))
    }

    /// The next chunk of plaintext, without the comparison of the whole's hash at the end (for
    /// a re-check that computes the hash itself); `None` after the last.
    pub(crate) async fn next_raw_chunk(&mut self) -> Result<Option<Vec<u8>>> {
        if self.next >= self.file.chunks {
            return Ok(None);
        }
        self.hasher = Sha256::new();
        let chunk = self.next_chunk().await?;
        Ok(chunk)
    }

    /// The file being read.
    pub fn file(&self) -> &StoredFile {
        &self.file
    }
}

impl Store {
    /// This store with its files' chunks kept by `blobs` (the register's own table unless
    /// set). Files already kept elsewhere are read only where they were kept.
    pub fn with_blobs(mut self, blobs: Arc<dyn Blobs>) -> Store {
        self.blobs = blobs;
        self
    }

    /// Upload a file about a person of a case, streamed from `reader`: refused (field
    /// `fil_File`, nothing kept) when empty, over `limit`, not of an accepted type by its
    /// magic bytes, sent as another type than it is, or interrupted; `fil_Name` for a bad
    /// name. The person must be in the case and not erased. Audited as `file.upload`.
    pub async fn put_file<R: AsyncRead + Unpin + Send>(
        &self,
        actor: &Actor,
        new: NewFile<'_>,
        mut reader: R,
    ) -> Result<StoredFile> {
        let name =
            files::clean_name(new.name).map_err(|e| refuse("fil_Name", e.rule(), e.to_string()))?;
        let wrapped = dispatch!(self, person_key_in_case(new.case, new.person))?;
        let mut current = Vec::with_capacity(CHUNK_BYTES);
        read_chunk(&mut reader, &mut current).await?;
        let content_type = files::check_type(&current, new.declared_type).map_err(refused)?;
        let id = Uuid::now_v7();
        let (key, wrapped_file) = self.keys.new_file_key(new.person, &wrapped, id)?;
        let sealed_name = key.seal_value(id.as_bytes(), FILE_NAME, name.as_bytes());
        let started = StoredFile {
            id,
            case_id: new.case,
            person_id: new.person,
            purpose: new.purpose,
            content_type,
            size: 0,
            sha256: String::new(),
            chunks: 0,
            blob_store: self.blobs.name().to_string(),
            uploaded_by: actor.as_str().to_string(),
            uploaded_at: Utc::now().trunc_subsecs(6),
            erased_at: None,
        };
        dispatch!(self, begin_file(&started, &wrapped_file, &sealed_name))?;
        match self
            .stream_in(&key, &started, new.limit, current, reader)
            .await
        {
            Ok((size, sha256, chunks)) => {
                let done = StoredFile {
                    size,
                    sha256,
                    chunks,
                    uploaded_at: Utc::now().trunc_subsecs(6),
                    ..started
                };
                dispatch!(self, complete_file(actor, &done))?;
                Ok(done)
            }
            Err(e) => {
                // Nothing of a refused upload stays; a failure here is swept later.
                let _ = self.blobs.remove(id).await;
                let _ = dispatch!(self, forget_file(id));
                Err(e)
            }
        }
    }

    /// Hash, seal and keep the chunks of an upload, `current` read already; its size, hash
    /// and number of chunks.
    async fn stream_in<R: AsyncRead + Unpin + Send>(
        &self,
        key: &FileKey,
        file: &StoredFile,
        limit: u64,
        mut current: Vec<u8>,
        mut reader: R,
    ) -> Result<(u64, String, u32)> {
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        let mut seq = 0u32;
        let mut next = Vec::with_capacity(CHUNK_BYTES);
        loop {
            size += current.len() as u64;
            if size > limit {
                return Err(refused(FileRefusal::TooLarge { limit }));
            }
            read_chunk(&mut reader, &mut next).await?;
            let last = next.is_empty();
            hasher.update(&current);
            let sealed = key.seal_chunk(file.id.as_bytes(), seq, last, &current);
            self.blobs.put(file.id, seq, sealed).await?;
            seq += 1;
            if last {
                return Ok((size, hex::encode(hasher.finalize()), seq));
            }
            std::mem::swap(&mut current, &mut next);
        }
    }

    /// The files of a person in a case, newest first (at most 100; erased ones included,
    /// marked).
    pub async fn files_of(&self, case: CaseId, person: PersonId) -> Result<Vec<StoredFile>> {
        dispatch!(self, files_of(case, person))
    }

    /// One file (completed uploads only).
    pub async fn file(&self, id: Uuid) -> Result<StoredFile> {
        dispatch!(self, file(id))
    }

    /// A file's name, opened. Names are as identifying as the file: shown only to whom may
    /// read the person's identity, on a page whose identity read is audited.
    pub async fn file_name(&self, file: &StoredFile) -> Result<Option<String>> {
        let Some((wrapped, wrapped_file, sealed)) = dispatch!(self, file_keys(file.id))? else {
            return Ok(None);
        };
        let key = self
            .keys
            .file_key(file.person_id, &wrapped, file.id, &wrapped_file)?;
        open_name(&key, file, &sealed).map(Some)
    }

    /// Damage a stored file's first chunk on purpose (training and the demo register: the
    /// next custody event of its item shows the mismatch). Not audited: it stands for an
    /// alteration behind Tabara's back.
    pub(crate) async fn damage_first_chunk(&self, id: Uuid) -> Result<()> {
        let file = self.file(id).await?;
        let mut chunks = Vec::new();
        for seq in 0..file.chunks {
            chunks.push(self.blobs.get(id, seq).await?.unwrap_or_default());
        }
        if let Some(b) = chunks.first_mut().and_then(|c| c.last_mut()) {
            *b ^= 0x01;
        }
        self.blobs.remove(id).await?;
        for (seq, sealed) in (0u32..).zip(chunks) {
            self.blobs.put(id, seq, sealed).await?;
        }
        Ok(())
    }

    /// A reader of a file for the store's own checks (the evidence register's re-check of
    /// its hash): no byte leaves the store, so no `file.read` entry.
    pub(crate) async fn file_reader_unaudited(&self, id: Uuid) -> Result<FileReader> {
        let file = self.file(id).await?;
        let Some((wrapped, wrapped_file, _)) = dispatch!(self, file_keys(id))? else {
            return Err(refuse("fil_File", "erased", "the file was erased"));
        };
        if file.blob_store != self.blobs.name() {
            return Err(refuse(
                "fil_Store",
                "elsewhere",
                "the file is kept in another store",
            ));
        }
        let key = self
            .keys
            .file_key(file.person_id, &wrapped, id, &wrapped_file)?;
        Ok(FileReader {
            blobs: self.blobs.clone(),
            key,
            file,
            next: 0,
            hasher: Sha256::new(),
        })
    }

    /// Read a file: audited (`file.read`) before the first byte is given; its name and a
    /// reader of its plaintext. An erased person's file is refused (`fil_File`, `erased`).
    pub async fn read_file(&self, actor: &Actor, id: Uuid) -> Result<(String, FileReader)> {
        let file = self.file(id).await?;
        let Some((wrapped, wrapped_file, sealed_name)) = dispatch!(self, file_keys(id))? else {
            return Err(refuse(
                "fil_File",
                "erased",
                "the person this file was about was erased, and the file with them",
            ));
        };
        if file.blob_store != self.blobs.name() {
            return Err(refuse(
                "fil_Store",
                "elsewhere",
                format!(
                    "this file is kept in the {} store, and this server uses the {} store",
                    file.blob_store,
                    self.blobs.name()
                ),
            ));
        }
        let key = self
            .keys
            .file_key(file.person_id, &wrapped, id, &wrapped_file)?;
        let name = open_name(&key, &file, &sealed_name)?;
        self.record_event(
            actor,
            tabara_core::audit::AuditAction::FileRead,
            "file",
            id.to_string(),
        )
        .await?;
        Ok((
            name,
            FileReader {
                blobs: self.blobs.clone(),
                key,
                file,
                next: 0,
                hasher: Sha256::new(),
            },
        ))
    }

    /// Forget uploads never completed and started before `before` (a crash cut them short),
    /// and the chunks an erasure left in a folder store. Returns how many files were swept.
    pub async fn sweep_files(&self, before: DateTime<Utc>) -> Result<u64> {
        let (stale, erased) = dispatch!(self, files_to_sweep(before, self.blobs.name()))?;
        for id in stale.iter().chain(&erased) {
            self.blobs.remove(*id).await?;
        }
        for id in &stale {
            dispatch!(self, forget_file(*id))?;
        }
        Ok(stale.len() as u64)
    }
}

#[path = "."]
pub(crate) mod sqlite {
    use crate::backend::sqlite::*;
    use crate::persons::sqlite::queries as persons;
    pub(crate) mod queries;
}

#[path = "."]
pub(crate) mod postgres {
    use crate::backend::postgres::*;
    use crate::persons::postgres::queries as persons;
    pub(crate) mod queries;
}
