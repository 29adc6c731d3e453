//! The register's keys (issue 13): the master key comes from a key file outside the register
//! (`file`), and wraps the register's own keys, kept in `register_keys` (migration 0021). A
//! register belongs to one master key: opened with another, it is refused and says which key
//! it expects. See `tabara_core::protect` for what the keys do.

use std::sync::Arc;

use tabara_core::ids::PersonId;
use tabara_core::protect::{DataKey, FileKey, IndexKey, KeyId, MasterKey, ProtectError};
use tabara_core::records::PersonIdentity;

use crate::{Result, Store, StoreError};

mod file;
pub(crate) mod texts;

pub(crate) use texts::{PersonTexts, TextKey};

pub use file::{
    KEY_FILE_HEADER, KeyFileError, SIGNING_KEY_HEADER, create_master_key, create_signing_key,
    default_key_file, default_signing_key_file, load_master_key, load_signing_key,
};

/// The master key and the register's keys it unwrapped, shared by every clone of the store.
#[derive(Debug)]
pub(crate) struct Keys {
    pub(crate) master: MasterKey,
    /// The key of the blind name index (see `tabara_core::protect::IndexKey`).
    pub(crate) index: IndexKey,
    /// During a rotation: the master key being replaced, which still opens the data keys not
    /// re-wrapped yet.
    pub(crate) previous: Option<MasterKey>,
}

/// A new person's identity as stored: their data key wrapped, the identity sealed under it,
/// and the terms of the blind name index.
pub(crate) struct SealedIdentity {
    pub(crate) wrapped: Vec<u8>,
    pub(crate) sealed: Vec<u8>,
    pub(crate) terms: Vec<i64>,
}

/// How far a rotation of the master key went.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Rotation {
    /// The master key replaced.
    pub from: String,
    /// The new master key.
    pub to: String,
    /// Persons' data keys re-wrapped in this run.
    pub rewrapped: u64,
    /// Every key is under the new master key.
    pub finished: bool,
}

/// What a sealed identity is for (bound as associated data).
const IDENTITY: &str = "identity";
/// What a sealed identity history entry is for.
const IDENTITY_HISTORY: &str = "identity history";

fn unopened(person: PersonId, e: ProtectError) -> StoreError {
    StoreError::Corrupt(format!(
        "the identity of person {person} does not open: {e}"
    ))
}

impl Keys {
    /// A new data key for `person`, and their identity sealed under it.
    pub(crate) fn seal_new(&self, person: PersonId, identity: &PersonIdentity) -> SealedIdentity {
        let key = DataKey::generate();
        let owner = person.0.as_bytes();
        SealedIdentity {
            wrapped: key.wrapped(&self.master, owner),
            sealed: key.seal(owner, IDENTITY, &json_bytes(identity)),
            terms: self.index.name_terms(&identity.display_name()),
        }
    }

    /// The person's data key, from its wrapped form.
    pub(crate) fn data_key(&self, person: PersonId, wrapped: &[u8]) -> Result<DataKey> {
        let owner = person.0.as_bytes();
        match (self.master.data_key(owner, wrapped), &self.previous) {
            (Ok(k), _) => Ok(k),
            (Err(_), Some(previous)) => previous
                .data_key(owner, wrapped)
                .map_err(|e| unopened(person, e)),
            (Err(e), None) => Err(unopened(person, e)),
        }
    }

    /// A data key re-wrapped under the master key (from the previous one, in a rotation).
    pub(crate) fn rewrap(&self, person: PersonId, wrapped: &[u8]) -> Result<Vec<u8>> {
        Ok(self
            .data_key(person, wrapped)?
            .wrapped(&self.master, person.0.as_bytes()))
    }

    /// Open a sealed identity.
    pub(crate) fn open_identity(
        &self,
        person: PersonId,
        wrapped: &[u8],
        sealed: &[u8],
    ) -> Result<PersonIdentity> {
        let key = self.data_key(person, wrapped)?;
        let bytes = key
            .open(person.0.as_bytes(), IDENTITY, sealed)
            .map_err(|e| unopened(person, e))?;
        serde_json::from_slice(&bytes).map_err(|e| StoreError::Corrupt(e.to_string()))
    }

    /// Seal a changed identity under the person's existing data key, with its new terms.
    pub(crate) fn reseal(
        &self,
        person: PersonId,
        wrapped: &[u8],
        identity: &PersonIdentity,
    ) -> Result<(Vec<u8>, Vec<i64>)> {
        let key = self.data_key(person, wrapped)?;
        Ok((
            key.seal(person.0.as_bytes(), IDENTITY, &json_bytes(identity)),
            self.index.name_terms(&identity.display_name()),
        ))
    }

    /// An identity history entry's changes sealed under the person's data key:
    /// `{"sealed": "<hex>"}`.
    pub(crate) fn seal_history(
        &self,
        person: PersonId,
        wrapped: &[u8],
        changes: &serde_json::Value,
    ) -> Result<serde_json::Value> {
        let key = self.data_key(person, wrapped)?;
        let sealed = key.seal(
            person.0.as_bytes(),
            IDENTITY_HISTORY,
            changes.to_string().as_bytes(),
        );
        Ok(serde_json::json!({ "sealed": hex::encode(sealed) }))
    }

    /// Open what [`Keys::seal_history`] made.
    pub(crate) fn open_history(
        &self,
        person: PersonId,
        wrapped: &[u8],
        changes: &serde_json::Value,
    ) -> Result<serde_json::Value> {
        let sealed = changes
            .get("sealed")
            .and_then(|v| v.as_str())
            .and_then(|h| hex::decode(h).ok())
            .ok_or_else(|| StoreError::Corrupt("an identity history entry is not sealed".into()))?;
        let key = self.data_key(person, wrapped)?;
        let bytes = key
            .open(person.0.as_bytes(), IDENTITY_HISTORY, &sealed)
            .map_err(|e| unopened(person, e))?;
        serde_json::from_slice(&bytes).map_err(|e| StoreError::Corrupt(e.to_string()))
    }

    /// A new key for `file` about `person`, and it wrapped by the person's data key.
    pub(crate) fn new_file_key(
        &self,
        person: PersonId,
        wrapped: &[u8],
        file: uuid::Uuid,
    ) -> Result<(FileKey, Vec<u8>)> {
        let key = FileKey::generate();
        let data = self.data_key(person, wrapped)?;
        let wrapped_file = data.wrap_file_key(person.0.as_bytes(), file.as_bytes(), &key);
        Ok((key, wrapped_file))
    }

    /// The key of `file` about `person`, from its wrapped form.
    pub(crate) fn file_key(
        &self,
        person: PersonId,
        wrapped: &[u8],
        file: uuid::Uuid,
        wrapped_file: &[u8],
    ) -> Result<FileKey> {
        self.data_key(person, wrapped)?
            .file_key(person.0.as_bytes(), file.as_bytes(), wrapped_file)
            .map_err(|e| StoreError::Corrupt(format!("the key of file {file} does not open: {e}")))
    }

    /// The terms a name search must all find.
    pub(crate) fn query_terms(&self, query: &str) -> Vec<i64> {
        self.index.query_terms(query)
    }
}

fn json_bytes(identity: &PersonIdentity) -> Vec<u8> {
    serde_json::to_vec(identity).expect("an identity serialises")
}

impl Store {
    /// The id of the master key the register was opened with.
    pub fn master_key_id(&self) -> KeyId {
        self.keys.master.id()
    }

    /// Unwrap the register's keys with the master key it was opened with (stored by
    /// [`Store::migrate`] on a register that had none); refused with
    /// [`crate::StoreError::WrongKey`] when they were wrapped by another master key.
    pub(crate) async fn unlock(&mut self) -> Result<()> {
        let master = self.keys.master.clone();
        // A rotation left half done is finished before anything else reads the register.
        if let Some((from, to)) = dispatch!(self, rotation_under_way())? {
            return Err(StoreError::RotationUnfinished { from, to });
        }
        let index = dispatch!(self, register_index_key(&master))?;
        self.keys = Arc::new(Keys {
            master,
            index,
            previous: None,
        });
        Ok(())
    }

    /// This register, to re-wrap its keys under `new` (see [`Store::rotate_keys`]): reads
    /// open with the current master key or `new`, writes wrap under `new`.
    pub fn begin_rotation(&self, new: MasterKey) -> Store {
        Store {
            backend: self.backend.clone(),
            blobs: self.blobs.clone(),
            legal: self.legal.clone(),
            keys: Arc::new(Keys {
                master: new,
                index: self.keys.index.clone(),
                previous: Some(self.keys.master.clone()),
            }),
        }
    }

    /// Open a register whose rotation from `old` to `new` was interrupted (or not begun), to
    /// finish it: its index key opens under either.
    pub async fn open_for_rotation(
        location: &crate::Location,
        old: MasterKey,
        new: MasterKey,
    ) -> Result<Store> {
        let mut store = Store::connect(location, crate::OpenMode::Existing, old.clone()).await?;
        let index = match dispatch!(store, register_index_key(&old)) {
            Ok(index) => index,
            Err(StoreError::WrongKey { .. }) => dispatch!(store, register_index_key(&new))?,
            Err(e) => return Err(e),
        };
        store.keys = Arc::new(Keys {
            master: new,
            index,
            previous: Some(old),
        });
        Ok(store)
    }

    /// Re-wrap every key of the register under the master key a rotation brings
    /// ([`Store::begin_rotation`], [`Store::open_for_rotation`]), without re-encrypting any
    /// data: the register's keys first, then the persons' data keys, `batch` to a
    /// transaction. Interrupted, the register refuses to open until the rotation is run again
    /// with both key files; it goes on where it stopped. `max_batches` stops it early (for
    /// tests of that). Audited as `register_key.rotate` when finished.
    pub async fn rotate_keys(
        &self,
        actor: &crate::Actor,
        batch: i64,
        max_batches: Option<u64>,
    ) -> Result<Rotation> {
        let Some(previous) = &self.keys.previous else {
            return Err(crate::refuse(
                "key",
                "no_rotation",
                "this register was not opened for a rotation",
            ));
        };
        dispatch!(
            self,
            rotate_keys(
                &self.keys,
                previous,
                actor,
                batch.clamp(1, 50_000),
                max_batches
            )
        )
    }

    /// A record's history as read: an identity's entries opened with the person's data key
    /// (an erased person's read as `null`); other kinds as they are.
    pub(crate) async fn open_history(
        &self,
        kind: &str,
        id: &str,
        mut entries: Vec<crate::HistoryEntry>,
    ) -> Result<Vec<crate::HistoryEntry>> {
        if entries.is_empty() {
            return Ok(entries);
        }
        if kind == "case" {
            if let Ok(case) = id.parse::<uuid::Uuid>() {
                self.open_case_history(tabara_core::ids::CaseId(case), &mut entries)?;
            }
            return Ok(entries);
        }
        if kind != "person_identity" {
            // Text about a person: the entries of these kinds are sealed under their key.
            let Some(table) = texts::HISTORY_TABLES
                .iter()
                .find(|(k, _)| *k == kind)
                .map(|(_, t)| *t)
            else {
                return Ok(entries);
            };
            let Ok(record) = id.parse::<uuid::Uuid>() else {
                return Ok(entries);
            };
            let Some(person) = dispatch!(self, person_of_record(table, record))? else {
                return Ok(entries);
            };
            let text = self.text_key(person).await?;
            for e in &mut entries {
                e.changes = text.open_changes(kind, &e.changes)?;
            }
            return Ok(entries);
        }
        let person = id
            .parse::<uuid::Uuid>()
            .map(PersonId)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let wrapped = dispatch!(self, wrapped_key_of(person))?;
        for e in &mut entries {
            e.changes = match &wrapped {
                Some(w) => self.keys.open_history(person, w, &e.changes)?,
                None => serde_json::Value::Null,
            };
        }
        Ok(entries)
    }

    /// Seal what a register from before sealing holds in plain text (see
    /// `persons::seal_plain_identities`); an SQLite file is then compacted, so that the old
    /// pages do not keep the plain text. Returns how many identities were sealed.
    pub(crate) async fn seal_plain_identities(&self) -> Result<u64> {
        let n = dispatch!(self, seal_plain(&self.keys))?
            + dispatch!(self, seal_plain_texts(&self.keys))?;
        if n > 0
            && let crate::Backend::Sqlite(pool) = &self.backend
        {
            // Rebuild the file without the old pages, then empty the write-ahead log, which
            // holds them too.
            sqlx::query("VACUUM").execute(pool).await?;
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(pool)
                .await?;
        }
        Ok(n)
    }

    /// Keep the register's keys: on a register without them, the ones in hand.
    pub(crate) async fn keep_keys(&self) -> Result<()> {
        dispatch!(self, keep_index_key(&self.keys.master, &self.keys.index))
    }
}

#[path = "."]
pub(crate) mod sqlite {
    use crate::backend::sqlite::*;
    use crate::persons::sqlite::queries as persons;
    use crate::second_factor::sqlite::queries as second_factor;
    pub(crate) mod queries;
}

#[path = "."]
pub(crate) mod postgres {
    use crate::backend::postgres::*;
    use crate::persons::postgres::queries as persons;
    use crate::second_factor::postgres::queries as second_factor;
    pub(crate) mod queries;
}
