//! Backups (issue 13): a consistent snapshot of every table, sealed and signed, that restores
//! into a new register on either backend (an SQLite register into PostgreSQL and back).
//!
//! The file, streamed in both directions (a chunk at a time in memory):
//!
//! ```text
//! tabara backup v2\n
//! {header: backup id, time, source backend, schema version, master key id, wrapped key}\n
//! [8-byte length][chunk sealed under the backup's own key, bound to its number] …
//! [8 zero bytes]
//! {trailer: rows per table, audit head, chunk count, SHA-256 of every byte before it, signer}\n
//! signature <Ed25519 over the trailer line, hex>\n
//! ```
//!
//! Each chunk holds rows of one table as the source backend gives them, tagged by kind
//! ([`Value`]); the restore converts each to the target column's type. The backup's key is a
//! data key wrapped by the master key, so a backup opens only with the register's key file;
//! its rows are the register's own, so identities stay sealed under the persons' data keys.
//!
//! A backup holds **no person's data key and no name index term** ([`NOT_IN_BACKUP`]): the
//! keys come at restore from a *key backup* (`tabara key backup`, the same framing under
//! [`KEYS_MAGIC`], tables `person_keys` and `erased`) or from a live register, and the name
//! index is rebuilt from the identities they open. A person erased after a backup was taken
//! is in no key backup made after the erasure: the backup keeps only bytes that no key
//! opens and no name guess confirms, and their erasure is replayed on the restored register.

use std::collections::BTreeMap;
use std::io::{BufRead, Read, Write};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tabara_core::checkpoint::{PublicKey, SigningKey, decode_hex, encode_hex};
use tabara_core::protect::{DataKey, MasterKey};
use uuid::Uuid;

use crate::{Location, OpenMode, Result, Store, StoreError};

/// The first line of a backup.
pub const BACKUP_MAGIC: &str = "tabara backup v2";
/// The first line of a backup made by an earlier Tabara, which held the persons' keys.
const BACKUP_MAGIC_V1: &str = "tabara backup v1";
/// The first line of a key backup.
pub const KEYS_MAGIC: &str = "tabara keys v1";
/// The tables a backup leaves out: the persons' data keys (a key backup carries them, so
/// that erasure reaches backups made before it) and the name index (rebuilt at restore from
/// the identities the keys open, so that no term of an erased person stays to test guesses).
pub const NOT_IN_BACKUP: &[&str] = &["person_keys", "person_name_terms"];

/// The most bytes a sealed chunk may have.
const MAX_CHUNK: u64 = 64 << 20;
/// The longest header or trailer line.
const MAX_LINE: u64 = 1 << 20;
/// Rows per chunk at most.
pub(crate) const CHUNK_ROWS: usize = 2_000;

/// One value as the source backend held it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) enum Value {
    /// NULL.
    N,
    /// An integer.
    I(i64),
    /// A float.
    R(f64),
    /// Text.
    S(String),
    /// Bytes, in hex.
    B(String),
    /// A UUID (PostgreSQL).
    U(Uuid),
    /// A time, microseconds since the epoch (PostgreSQL).
    T(i64),
    /// A day (PostgreSQL).
    D(chrono::NaiveDate),
    /// A boolean (PostgreSQL).
    Q(bool),
    /// JSON (PostgreSQL).
    J(serde_json::Value),
}

/// Rows of one table.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Chunk {
    pub(crate) table: String,
    pub(crate) columns: Vec<String>,
    pub(crate) rows: Vec<Vec<Value>>,
}

/// What a backup says of itself before its rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupHeader {
    /// Its id (binds its chunks).
    pub backup_id: Uuid,
    /// When the snapshot was taken.
    pub created_at: DateTime<Utc>,
    /// `sqlite` or `postgres`.
    pub source: String,
    /// The last migration of the register it was taken from.
    pub schema: i64,
    /// The id of the master key that wraps its key (and the register's keys).
    pub master_key: String,
    /// Its own key, wrapped by the master key (hex).
    pub wrapped_key: String,
}

/// What a backup says of itself after its rows (signed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupTrailer {
    /// Rows per table.
    pub tables: BTreeMap<String, u64>,
    /// The audit chain's head at the snapshot: entries.
    pub audit_seq: i64,
    /// And the last entry's hash.
    pub audit_hash: String,
    /// Chunks.
    pub chunks: u64,
    /// SHA-256 of every byte before the trailer (hex).
    pub sha256: String,
    /// The public key that signed it (hex).
    pub signer: String,
}

/// A backup made.
#[derive(Debug, Clone, Serialize)]
pub struct BackupMade {
    /// Its header.
    pub header: BackupHeader,
    /// Its trailer.
    pub trailer: BackupTrailer,
}

/// A backup restored.
#[derive(Debug, Clone, Serialize)]
pub struct Restored {
    /// Its header.
    pub header: BackupHeader,
    /// Its trailer.
    pub trailer: BackupTrailer,
    /// The key backup whose keys were given, if any.
    pub keys: Option<BackupMade>,
    /// Persons given their data key back (each identity opened to rebuild the name index).
    pub persons_keyed: u64,
    /// Persons erased after it was taken whose erasure was replayed.
    pub erasures_replayed: u64,
}

/// The persons' data keys a restore takes: a key backup, and the key its signature must be by.
pub struct PersonKeys {
    /// The key backup (`tabara key backup`).
    pub input: Box<dyn BufRead + Send>,
    /// The public key trusted to have signed it.
    pub trusted: PublicKey,
}

/// Why a backup was refused.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// Not a backup, or not this version.
    #[error("it is not a Tabara backup (its first line is not \"{BACKUP_MAGIC}\")")]
    NotABackup,
    /// A backup of the first format, which held the persons' keys.
    #[error("it was made by an earlier Tabara (backup format v1): restore it with that version")]
    OldFormat,
    /// Not a key backup.
    #[error("it is not a Tabara key backup (its first line is not \"{KEYS_MAGIC}\")")]
    NotAKeyBackup,
    /// Persons of the backup have no key in the key backup and were not erased there.
    #[error(
        "{persons} persons of the backup have no key in the key backup (made {keys_made}) and \
         were not erased before it: give a key backup made after the backup ({backup_made})"
    )]
    KeysMissing {
        /// How many.
        persons: u64,
        /// When the key backup was made.
        keys_made: DateTime<Utc>,
        /// When the backup was made.
        backup_made: DateTime<Utc>,
    },
    /// It ends early.
    #[error("it ends before its end: the file is truncated")]
    Truncated,
    /// A part does not read.
    #[error("its {0} is damaged: {1}")]
    Damaged(&'static str, String),
    /// A chunk does not open: altered, or another backup's.
    #[error("chunk {0} does not open: the file was altered")]
    Altered(u64),
    /// Signed by another key than the one trusted.
    #[error("it is signed by key {signer}, not by the key trusted ({trusted})")]
    OtherSigner {
        /// Who signed it.
        signer: String,
        /// The key trusted.
        trusted: String,
    },
    /// The signature does not hold.
    #[error("its signature does not match its content: it was altered after it was made")]
    BadSignature,
    /// Its bytes do not hash to what the trailer says.
    #[error("its content does not match the SHA-256 its trailer records: it was altered")]
    HashMismatch,
    /// The master key given is not the one that wraps it.
    #[error("it was made under master key {expected}, not under the key given ({given})")]
    WrongKey {
        /// The backup's.
        expected: String,
        /// The one given.
        given: String,
    },
    /// Made by another version of Tabara.
    #[error("it was made by a register at schema version {backup}; this Tabara is at {here}")]
    Schema {
        /// The backup's.
        backup: i64,
        /// This one's.
        here: i64,
    },
    /// The target holds data already.
    #[error("the register to restore into is not empty ({0} holds rows): restore into a new one")]
    NotEmpty(String),
    /// A table's rows do not count what the trailer says.
    #[error("table {table} restored {found} rows, the backup records {recorded}")]
    Count {
        /// The table.
        table: String,
        /// Rows restored.
        found: u64,
        /// Rows recorded.
        recorded: u64,
    },
    /// A table or value this version does not know.
    #[error("{0}")]
    Unknown(String),
    /// Reading or writing the file failed.
    #[error("the backup file could not be read or written: {0}")]
    Io(#[from] std::io::Error),
}

impl From<BackupError> for StoreError {
    fn from(e: BackupError) -> StoreError {
        StoreError::Backup(Box::new(e))
    }
}

fn line(r: &mut impl BufRead, what: &'static str) -> Result<String> {
    let mut buf = Vec::new();
    let n = r
        .take(MAX_LINE)
        .read_until(b'\n', &mut buf)
        .map_err(BackupError::Io)?;
    if n == 0 || buf.last() != Some(&b'\n') {
        return Err(if n as u64 >= MAX_LINE {
            BackupError::Damaged(what, "the line is too long".into())
        } else {
            BackupError::Truncated
        }
        .into());
    }
    buf.pop();
    String::from_utf8(buf).map_err(|_| BackupError::Damaged(what, "not text".into()).into())
}

/// The backup's own key, bound to its id.
fn owner(id: Uuid) -> Vec<u8> {
    let mut o = b"backup ".to_vec();
    o.extend_from_slice(id.as_bytes());
    o
}

fn chunk_purpose(n: u64) -> String {
    format!("backup chunk {n}")
}

/// Writes the sealed stream, hashing every byte.
pub(crate) struct Writer<W: Write> {
    out: W,
    hash: Sha256,
    key: DataKey,
    owner: Vec<u8>,
    chunks: u64,
    pub(crate) counts: BTreeMap<String, u64>,
}

impl<W: Write> Writer<W> {
    fn raw(&mut self, bytes: &[u8]) -> Result<()> {
        self.hash.update(bytes);
        self.out.write_all(bytes).map_err(BackupError::Io)?;
        Ok(())
    }

    /// Seal and write one chunk of rows.
    pub(crate) fn chunk(&mut self, chunk: &Chunk) -> Result<()> {
        *self.counts.entry(chunk.table.clone()).or_default() += chunk.rows.len() as u64;
        let plain = serde_json::to_vec(chunk).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let sealed = self
            .key
            .seal(&self.owner, &chunk_purpose(self.chunks), &plain);
        self.raw(&(sealed.len() as u64).to_be_bytes())?;
        self.raw(&sealed)?;
        self.chunks += 1;
        Ok(())
    }
}

/// Reads the sealed stream, hashing every byte.
struct Reader<R: BufRead> {
    input: R,
    hash: Sha256,
    key: DataKey,
    owner: Vec<u8>,
    chunks: u64,
}

impl<R: BufRead> Reader<R> {
    fn exact(&mut self, buf: &mut [u8]) -> Result<()> {
        self.input.read_exact(buf).map_err(|e| match e.kind() {
            std::io::ErrorKind::UnexpectedEof => BackupError::Truncated,
            _ => BackupError::Io(e),
        })?;
        self.hash.update(&*buf);
        Ok(())
    }

    /// The next chunk; `None` at the end mark.
    fn next_chunk(&mut self) -> Result<Option<Chunk>> {
        let mut len = [0u8; 8];
        self.exact(&mut len)?;
        let len = u64::from_be_bytes(len);
        if len == 0 {
            return Ok(None);
        }
        if len > MAX_CHUNK {
            return Err(BackupError::Damaged("chunk", format!("{len} bytes")).into());
        }
        let mut sealed = vec![0u8; len as usize];
        self.exact(&mut sealed)?;
        let plain = self
            .key
            .open(&self.owner, &chunk_purpose(self.chunks), &sealed)
            .map_err(|_| BackupError::Altered(self.chunks))?;
        self.chunks += 1;
        serde_json::from_slice(&plain)
            .map(Some)
            .map_err(|e| BackupError::Damaged("chunk", e.to_string()).into())
    }

    /// The trailer, checked: hash of all before it, signature by `trusted`, chunk count.
    fn trailer(mut self, trusted: &PublicKey) -> Result<BackupTrailer> {
        let digest = encode_hex(&self.hash.clone().finalize());
        let text = line(&mut self.input, "trailer")?;
        let trailer: BackupTrailer = serde_json::from_str(&text)
            .map_err(|e| BackupError::Damaged("trailer", e.to_string()))?;
        let sig = line(&mut self.input, "signature")?;
        let signature: [u8; 64] = sig
            .strip_prefix("signature ")
            .and_then(decode_hex)
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| BackupError::Damaged("signature", "not a signature".into()))?;
        if trailer.signer != trusted.hex() {
            return Err(BackupError::OtherSigner {
                signer: trailer.signer,
                trusted: trusted.hex(),
            }
            .into());
        }
        if !trusted.verifies(text.as_bytes(), &signature) {
            return Err(BackupError::BadSignature.into());
        }
        if trailer.sha256 != digest || trailer.chunks != self.chunks {
            return Err(BackupError::HashMismatch.into());
        }
        Ok(trailer)
    }
}

/// The restore's side of a backup: its header read and its key opened.
struct Opened<R: BufRead> {
    header: BackupHeader,
    reader: Reader<R>,
}

/// Which kind of file `open_backup` expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileKind {
    Backup,
    Keys,
}

impl FileKind {
    fn magic(self) -> &'static str {
        match self {
            FileKind::Backup => BACKUP_MAGIC,
            FileKind::Keys => KEYS_MAGIC,
        }
    }

    fn not_one(self) -> BackupError {
        match self {
            FileKind::Backup => BackupError::NotABackup,
            FileKind::Keys => BackupError::NotAKeyBackup,
        }
    }

    /// What binds the file's own key and chunks, apart from its id.
    fn owner(self, id: Uuid) -> Vec<u8> {
        match self {
            FileKind::Backup => owner(id),
            FileKind::Keys => {
                let mut o = b"key backup ".to_vec();
                o.extend_from_slice(id.as_bytes());
                o
            }
        }
    }
}

fn open_backup<R: BufRead>(mut input: R, master: &MasterKey, kind: FileKind) -> Result<Opened<R>> {
    let mut hash = Sha256::new();
    let magic = line(&mut input, "first line").map_err(|e| match e {
        StoreError::Backup(b) if matches!(*b, BackupError::Truncated) => kind.not_one().into(),
        other => other,
    })?;
    if magic == BACKUP_MAGIC_V1 && kind == FileKind::Backup {
        return Err(BackupError::OldFormat.into());
    }
    if magic != kind.magic() {
        return Err(kind.not_one().into());
    }
    hash.update(magic.as_bytes());
    hash.update(b"\n");
    let text = line(&mut input, "header")?;
    hash.update(text.as_bytes());
    hash.update(b"\n");
    let header: BackupHeader =
        serde_json::from_str(&text).map_err(|e| BackupError::Damaged("header", e.to_string()))?;
    if header.master_key != master.id().0 {
        return Err(BackupError::WrongKey {
            expected: header.master_key,
            given: master.id().0,
        }
        .into());
    }
    let wrapped = decode_hex(&header.wrapped_key)
        .ok_or_else(|| BackupError::Damaged("header", "its key is not hex".into()))?;
    let owner = kind.owner(header.backup_id);
    let key = master
        .data_key(&owner, &wrapped)
        .map_err(|_| BackupError::Damaged("header", "its key does not open".into()))?;
    Ok(Opened {
        header,
        reader: Reader {
            input,
            hash,
            key,
            owner,
            chunks: 0,
        },
    })
}

impl Store {
    /// Write a backup of the whole register to `out`: one consistent snapshot (the server
    /// may keep writing), sealed under a new key wrapped by the master key, signed with
    /// `signing`. It holds neither the persons' data keys nor the name index
    /// ([`NOT_IN_BACKUP`]): see [`Store::create_key_backup`].
    pub async fn create_backup<W: Write + Send>(
        &self,
        out: W,
        signing: &SigningKey,
    ) -> Result<BackupMade> {
        self.write_sealed(out, signing, FileKind::Backup).await
    }

    /// Write a key backup to `out`: every person's wrapped data key and the persons erased,
    /// from one snapshot, sealed and signed as a backup is. A backup restores with a key
    /// backup made after it; a person erased before the key backup was made is erased in
    /// the restored register.
    pub async fn create_key_backup<W: Write + Send>(
        &self,
        out: W,
        signing: &SigningKey,
    ) -> Result<BackupMade> {
        self.write_sealed(out, signing, FileKind::Keys).await
    }

    async fn write_sealed<W: Write + Send>(
        &self,
        out: W,
        signing: &SigningKey,
        kind: FileKind,
    ) -> Result<BackupMade> {
        let key = DataKey::generate();
        let id = Uuid::now_v7();
        let owner = kind.owner(id);
        let schema = dispatch!(self, schema_version())?;
        let header = BackupHeader {
            backup_id: id,
            created_at: Utc::now(),
            source: match self.dialect() {
                crate::Dialect::Sqlite => "sqlite".into(),
                crate::Dialect::Postgres => "postgres".into(),
            },
            schema,
            master_key: self.keys.master.id().0,
            wrapped_key: encode_hex(&key.wrapped(&self.keys.master, &owner)),
        };
        let mut w = Writer {
            out,
            hash: Sha256::new(),
            key,
            owner,
            chunks: 0,
            counts: BTreeMap::new(),
        };
        w.raw(format!("{}\n", kind.magic()).as_bytes())?;
        let head =
            serde_json::to_string(&header).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        w.raw(format!("{head}\n").as_bytes())?;
        let (audit_seq, audit_hash) = match kind {
            FileKind::Backup => dispatch!(self, snapshot_tables(&mut w))?,
            FileKind::Keys => dispatch!(self, snapshot_keys(&mut w))?,
        };
        w.raw(&0u64.to_be_bytes())?;
        let mut tables: BTreeMap<String, u64> = match kind {
            FileKind::Backup => crate::register::TABLES_CHILD_FIRST
                .iter()
                .filter(|t| !NOT_IN_BACKUP.contains(t))
                .map(|t| (t.to_string(), 0))
                .collect(),
            FileKind::Keys => [KEY_ROWS, ERASED_ROWS]
                .iter()
                .map(|t| (t.to_string(), 0))
                .collect(),
        };
        tables.extend(w.counts.clone());
        let trailer = BackupTrailer {
            tables,
            audit_seq,
            audit_hash,
            chunks: w.chunks,
            sha256: encode_hex(&w.hash.clone().finalize()),
            signer: signing.public().hex(),
        };
        let text =
            serde_json::to_string(&trailer).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let signature = signing.sign(text.as_bytes());
        w.out
            .write_all(format!("{text}\nsignature {}\n", encode_hex(&signature)).as_bytes())
            .and_then(|_| w.out.flush())
            .map_err(BackupError::Io)?;
        Ok(BackupMade { header, trailer })
    }

    /// Restore a backup into the register at `location` (made when missing; it must hold
    /// nothing yet), with the master key that wraps the backup, accepting only a backup signed
    /// by `trusted`. Everything is written in one transaction, committed only once the whole
    /// file has been read and its trailer, hash, signature and row counts checked: a
    /// truncated, altered or foreign backup leaves the target as it was.
    ///
    /// With `keys`, every person of the backup gets their data key from the key backup,
    /// the name index is rebuilt from the identities they open, and the persons the key
    /// backup records as erased are erased again; a person with no key there who was not
    /// erased refuses the restore ([`BackupError::KeysMissing`]). Without, no identity of the
    /// restored register opens (what `backup verify` checks needs none).
    pub async fn restore_backup<R: BufRead + Send + 'static>(
        location: &Location,
        master: MasterKey,
        input: R,
        trusted: &PublicKey,
        keys: Option<PersonKeys>,
    ) -> Result<Restored> {
        let opened = open_backup(input, &master, FileKind::Backup)?;
        let keys = match keys {
            Some(k) => {
                let o = open_backup(k.input, &master, FileKind::Keys)?;
                if o.header.schema != opened.header.schema {
                    return Err(BackupError::Schema {
                        backup: o.header.schema,
                        here: opened.header.schema,
                    }
                    .into());
                }
                Some((o.header.clone(), o.reader_box(), k.trusted))
            }
            None => None,
        };
        let target = Store::connect(location, OpenMode::CreateIfMissing, master.clone()).await?;
        let here = dispatch!(target, schema_version())?;
        if here != opened.header.schema {
            target.close().await;
            return Err(BackupError::Schema {
                backup: opened.header.schema,
                here,
            }
            .into());
        }
        let header = opened.header.clone();
        let (keys_header, keys_source) = match keys {
            Some((h, source, trusted)) => (Some(h), Some((source, trusted))),
            None => (None, None),
        };
        let result = dispatch!(
            target,
            load_tables(
                opened.reader_box(),
                trusted,
                keys_source,
                &master,
                &header,
                keys_header.as_ref()
            )
        );
        target.close().await;
        let loaded = result?;
        Ok(Restored {
            header,
            trailer: loaded.trailer,
            keys: keys_header
                .zip(loaded.keys_trailer)
                .map(|(header, trailer)| BackupMade { header, trailer }),
            persons_keyed: loaded.persons_keyed,
            erasures_replayed: loaded.erasures_replayed,
        })
    }
}

/// A key backup's table of wrapped data keys.
pub(crate) const KEY_ROWS: &str = "person_keys";
/// A key backup's table of erased persons.
pub(crate) const ERASED_ROWS: &str = "erased";

/// What a restore wrote.
pub(crate) struct Loaded {
    pub(crate) trailer: BackupTrailer,
    pub(crate) keys_trailer: Option<BackupTrailer>,
    pub(crate) persons_keyed: u64,
    pub(crate) erasures_replayed: u64,
}

impl Store {
    /// The database's own integrity check: `["ok"]` when whole (SQLite's `integrity_check`;
    /// PostgreSQL has none built in and answers `ok`).
    pub async fn integrity_check(&self) -> Result<Vec<String>> {
        dispatch!(self, integrity_check())
    }
}

/// The trailer's check, once every chunk is read.
type Finish = Box<dyn FnOnce(&PublicKey) -> Result<BackupTrailer> + Send>;

/// The reader the backends' loaders pull chunks from.
pub(crate) struct ChunkSource {
    next: Box<dyn FnMut() -> Result<Option<Chunk>> + Send>,
    finish: Option<Finish>,
}

impl ChunkSource {
    pub(crate) fn next(&mut self) -> Result<Option<Chunk>> {
        (self.next)()
    }

    pub(crate) fn trailer(&mut self, trusted: &PublicKey) -> Result<BackupTrailer> {
        let finish = self
            .finish
            .take()
            .ok_or_else(|| StoreError::Corrupt("the trailer was read twice".into()))?;
        finish(trusted)
    }
}

impl<R: BufRead + Send> Opened<R> {
    fn reader_box(self) -> ChunkSource
    where
        R: 'static,
    {
        let shared = std::sync::Arc::new(std::sync::Mutex::new(Some(self.reader)));
        let for_next = shared.clone();
        ChunkSource {
            next: Box::new(move || {
                let mut guard = for_next.lock().expect("one reader");
                match guard.as_mut() {
                    Some(r) => r.next_chunk(),
                    None => Ok(None),
                }
            }),
            finish: Some(Box::new(move |trusted| {
                let reader = shared
                    .lock()
                    .expect("one reader")
                    .take()
                    .ok_or_else(|| StoreError::Corrupt("the backup was read twice".into()))?;
                reader.trailer(trusted)
            })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Read a backup's whole stream as a restore does, without a database.
    fn read_all(bytes: &[u8], master: &MasterKey, trusted: &PublicKey) -> Result<u64> {
        let mut opened = open_backup(
            std::io::Cursor::new(bytes.to_vec()),
            master,
            FileKind::Backup,
        )?;
        let mut rows = 0u64;
        while let Some(chunk) = opened.reader.next_chunk()? {
            rows += chunk.rows.len() as u64;
        }
        opened.reader.trailer(trusted)?;
        Ok(rows)
    }

    /// A small valid backup, made by the writer a backup uses.
    fn sample(master: &MasterKey, signing: &SigningKey) -> Vec<u8> {
        let key = DataKey::generate();
        let id = Uuid::now_v7();
        let owner = owner(id);
        let header = BackupHeader {
            backup_id: id,
            created_at: Utc::now(),
            source: "sqlite".into(),
            schema: 25,
            master_key: master.id().0,
            wrapped_key: encode_hex(&key.wrapped(master, &owner)),
        };
        let mut out = Vec::new();
        let mut w = Writer {
            out: &mut out,
            hash: Sha256::new(),
            key,
            owner,
            chunks: 0,
            counts: BTreeMap::new(),
        };
        w.raw(format!("{BACKUP_MAGIC}\n").as_bytes()).unwrap();
        w.raw(format!("{}\n", serde_json::to_string(&header).unwrap()).as_bytes())
            .unwrap();
        for n in 0..3 {
            w.chunk(&Chunk {
                table: "cases".into(),
                columns: vec!["id".into(), "n".into()],
                rows: vec![vec![Value::S(format!("c{n}")), Value::I(n)]],
            })
            .unwrap();
        }
        w.raw(&0u64.to_be_bytes()).unwrap();
        let trailer = BackupTrailer {
            tables: w.counts.clone(),
            audit_seq: 0,
            audit_hash: String::new(),
            chunks: w.chunks,
            sha256: encode_hex(&w.hash.clone().finalize()),
            signer: signing.public().hex(),
        };
        let text = serde_json::to_string(&trailer).unwrap();
        let sig = signing.sign(text.as_bytes());
        out.extend_from_slice(format!("{text}\nsignature {}\n", encode_hex(&sig)).as_bytes());
        out
    }

    #[test]
    fn a_sample_reads_whole() {
        let (master, signing) = (MasterKey::generate(), SigningKey::generate());
        let bytes = sample(&master, &signing);
        assert_eq!(read_all(&bytes, &master, &signing.public()).unwrap(), 3);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn arbitrary_bytes_are_refused_cleanly(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
            let master = MasterKey::generate();
            let trusted = SigningKey::generate().public();
            prop_assert!(read_all(&bytes, &master, &trusted).is_err());
            let mut with_magic = format!("{BACKUP_MAGIC}\n").into_bytes();
            with_magic.extend_from_slice(&bytes);
            prop_assert!(read_all(&with_magic, &master, &trusted).is_err());
        }

        #[test]
        fn any_cut_or_flipped_byte_of_a_backup_is_refused(at in any::<prop::sample::Index>(), flip in 1u8..=255, cut in any::<bool>()) {
            let (master, signing) = (MasterKey::generate(), SigningKey::generate());
            let mut bytes = sample(&master, &signing);
            let i = at.index(bytes.len());
            if cut {
                bytes.truncate(i);
            } else {
                bytes[i] ^= flip;
            }
            prop_assert!(read_all(&bytes, &master, &signing.public()).is_err());
        }
    }
}

#[path = "."]
pub(crate) mod sqlite {
    use crate::backend::sqlite::*;
    use crate::erasure::sqlite::queries as erasure;
    use crate::persons::sqlite::queries as persons;
    pub(crate) mod queries;
}

#[path = "."]
pub(crate) mod postgres {
    use crate::backend::postgres::*;
    use crate::erasure::postgres::queries as erasure;
    use crate::persons::postgres::queries as persons;
    pub(crate) mod queries;
}
