//! The master key file: two lines, a header and the key's 32 bytes in hex, readable and
//! writable by its owner alone. It never sits in the register; by default an SQLite
//! register's key file is beside it (`tabara.db.key`), and a PostgreSQL register's is named
//! with `--key-file` (or `TABARA_KEY_FILE`).

use std::io::Write as _;
use std::path::{Path, PathBuf};

use tabara_core::checkpoint::SigningKey;
use tabara_core::protect::MasterKey;

use crate::Location;

/// The first line of a key file.
pub const KEY_FILE_HEADER: &str = "tabara master key v1";

/// Why a key file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    /// There is no file there.
    #[error("there is no key file at {0}")]
    Missing(PathBuf),
    /// Other accounts may read it.
    #[error(
        "the key file {0} can be read by other accounts (mode {1:03o}); make it its owner's \
            alone (chmod 600)"
    )]
    TooOpen(PathBuf, u32),
    /// Not a key file.
    #[error("{0} is not a Tabara key file: {1}")]
    Malformed(PathBuf, &'static str),
    /// A key file is there already (a new one would orphan its register).
    #[error("a key file is already at {0}")]
    Exists(PathBuf),
    /// The file system failed.
    #[error("the key file {0} could not be read or written: {1}")]
    Io(PathBuf, std::io::Error),
    /// A PostgreSQL register has no place beside it.
    #[error("a PostgreSQL register's key file is named with --key-file or TABARA_KEY_FILE")]
    NoDefault,
}

/// Where a register's key file is when none is named: beside an SQLite file (its name with
/// `.key` added); `None` for PostgreSQL.
pub fn default_key_file(location: &Location) -> Option<PathBuf> {
    match location {
        Location::Sqlite(path) => {
            let mut name = path.as_os_str().to_owned();
            name.push(".key");
            Some(PathBuf::from(name))
        }
        Location::Postgres(_) => None,
    }
}

/// Where a register's checkpoint signing key file is when none is named: beside an SQLite
/// file (its name with `.signing.key` added); `None` for PostgreSQL.
pub fn default_signing_key_file(location: &Location) -> Option<PathBuf> {
    match location {
        Location::Sqlite(path) => {
            let mut name = path.as_os_str().to_owned();
            name.push(".signing.key");
            Some(PathBuf::from(name))
        }
        Location::Postgres(_) => None,
    }
}

/// The first line of a signing key file.
pub const SIGNING_KEY_HEADER: &str = "tabara signing key v1";

/// A key file's 32 bytes, refusing a file other accounts may read.
fn read_key_file(path: &Path, header: &str) -> Result<Vec<u8>, KeyFileError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(KeyFileError::Missing(path.to_path_buf()));
        }
        Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
            return Err(KeyFileError::Malformed(
                path.to_path_buf(),
                "it is not text",
            ));
        }
        Err(e) => return Err(KeyFileError::Io(path.to_path_buf(), e)),
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map_err(|e| KeyFileError::Io(path.to_path_buf(), e))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(KeyFileError::TooOpen(path.to_path_buf(), mode & 0o777));
        }
    }
    let mut lines = text.lines();
    if lines.next().map(str::trim) != Some(header) {
        return Err(KeyFileError::Malformed(
            path.to_path_buf(),
            "its first line is not the header of this kind of Tabara key",
        ));
    }
    let bytes = lines
        .next()
        .and_then(|l| hex::decode(l.trim()).ok())
        .ok_or(KeyFileError::Malformed(
            path.to_path_buf(),
            "its second line is not a key in hexadecimal",
        ))?;
    if bytes.len() != 32 {
        return Err(KeyFileError::Malformed(
            path.to_path_buf(),
            "the key is not 32 bytes",
        ));
    }
    Ok(bytes)
}

/// Write a new key file readable by its owner alone (0600); refused when a file is there.
fn write_key_file(path: &Path, header: &str, key: &[u8]) -> Result<(), KeyFileError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = match options.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(KeyFileError::Exists(path.to_path_buf()));
        }
        Err(e) => return Err(KeyFileError::Io(path.to_path_buf(), e)),
    };
    let text = format!("{header}\n{}\n", hex::encode(key));
    f.write_all(text.as_bytes())
        .and_then(|_| f.sync_all())
        .map_err(|e| KeyFileError::Io(path.to_path_buf(), e))
}

/// Read the master key from its file, refusing a file other accounts may read.
pub fn load_master_key(path: &Path) -> Result<MasterKey, KeyFileError> {
    let bytes = read_key_file(path, KEY_FILE_HEADER)?;
    MasterKey::from_bytes(&bytes)
        .map_err(|_| KeyFileError::Malformed(path.to_path_buf(), "the key is not 32 bytes"))
}

/// Make a new master key and write it to a new file readable by its owner alone (0600);
/// refused when a file is there already.
pub fn create_master_key(path: &Path) -> Result<MasterKey, KeyFileError> {
    let key = MasterKey::generate();
    write_key_file(path, KEY_FILE_HEADER, key.bytes())?;
    Ok(key)
}

/// Read the checkpoint signing key from its file, refusing a file other accounts may read.
pub fn load_signing_key(path: &Path) -> Result<SigningKey, KeyFileError> {
    let bytes = read_key_file(path, SIGNING_KEY_HEADER)?;
    SigningKey::from_bytes(&bytes).ok_or(KeyFileError::Malformed(
        path.to_path_buf(),
        "the key is not 32 bytes",
    ))
}

/// Make a new checkpoint signing key in a new owner-only file; refused when one is there.
pub fn create_signing_key(path: &Path) -> Result<SigningKey, KeyFileError> {
    let key = SigningKey::generate();
    write_key_file(path, SIGNING_KEY_HEADER, &key.bytes())?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(100))]

        /// Whatever a key file holds, reading it gives a key or an error, never a panic; only
        /// the right header and 32 bytes in hex give a key.
        #[test]
        fn arbitrary_key_files_never_panic(body in proptest::collection::vec(any::<u8>(), 0..200), header in any::<bool>()) {
            let dir = std::env::temp_dir().join(format!("tabara-keyfile-{}", uuid::Uuid::now_v7()));
            std::fs::create_dir_all(&dir).unwrap();
            let path = dir.join("k");
            let mut bytes = if header { format!("{KEY_FILE_HEADER}\n").into_bytes() } else { Vec::new() };
            bytes.extend_from_slice(&body);
            std::fs::write(&path, &bytes).unwrap();
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
            }
            let master = load_master_key(&path);
            let signing = load_signing_key(&path);
            let _ = std::fs::remove_dir_all(&dir);
            if master.is_ok() {
                prop_assert!(header);
            }
            prop_assert!(signing.is_err(), "a master key file is not a signing key file");
        }
    }
}
