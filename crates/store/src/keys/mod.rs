//! The register's keys (issue 13): the master key comes from a key file outside the register
//! (`file`), and wraps the register's own keys, kept in `register_keys` (migration 0021). A
//! register belongs to one master key: opened with another, it is refused and says which key
//! it expects. See `tabara_core::protect` for what the keys do.

use std::sync::Arc;

use tabara_core::protect::{IndexKey, KeyId, MasterKey};

use crate::{Result, Store};

mod file;

pub use file::{
    KEY_FILE_HEADER, KeyFileError, create_master_key, default_key_file, load_master_key,
};

/// The master key and the register's keys it unwrapped, shared by every clone of the store.
#[derive(Debug)]
pub(crate) struct Keys {
    pub(crate) master: MasterKey,
    /// The key of the blind name index (see `tabara_core::protect::IndexKey`).
    pub(crate) index: IndexKey,
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
        let index = dispatch!(self, register_index_key(&master))?;
        self.keys = Arc::new(Keys { master, index });
        Ok(())
    }

    /// Keep the register's keys: on a register without them, the ones in hand.
    pub(crate) async fn keep_keys(&self) -> Result<()> {
        dispatch!(self, keep_index_key(&self.keys.master, &self.keys.index))
    }
}

#[path = "."]
pub(crate) mod sqlite {
    use crate::backend::sqlite::*;
    pub(crate) mod queries;
}

#[path = "."]
pub(crate) mod postgres {
    use crate::backend::postgres::*;
    pub(crate) mod queries;
}
