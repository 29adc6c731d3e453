//! Protection of identifying data at rest (issue 13): the keys and what is done with them,
//! without I/O (the store reads the key file and keeps the sealed bytes).
//!
//! - A **master key** (32 random bytes) never sits in the register: it lives in a key file
//!   beside it, readable by its owner alone. Its [`KeyId`] (the first 8 bytes of the SHA-256
//!   of the key) is stored next to what it wraps, so that a rotation knows what is left to do.
//! - Each person has a **data key** of their own, kept in the register only **wrapped** by the
//!   master key ([`MasterKey::wrap`]). Destroying it destroys every copy of their identity:
//!   the history and the backups taken before hold only ciphertext under it (crypto-erasure).
//! - Identifying data is **sealed** with XChaCha20-Poly1305 under the person's data key, with
//!   a random 192-bit nonce and the person and purpose bound as associated data, so a sealed
//!   value moved to another person or another column does not open ([`DataKey::seal`]).
//! - A name is found through a **blind index**: keyed hashes ([`IndexKey::name_terms`]) of the
//!   normalised words of the name and of their prefixes of 3 letters or more, under an index
//!   key that is itself wrapped by the master key. The register holds no name and no name key.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::records::normalise_name;

/// The bytes of a key.
pub const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 24;
/// The format byte that starts every sealed value.
const FORMAT: u8 = 1;

/// Why protected data could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtectError {
    /// The value is too short or of an unknown format.
    #[error("the sealed value is malformed")]
    Malformed,
    /// The key is not the one it was sealed under, or the value was changed.
    #[error("the sealed value does not open with this key (another key, or it was altered)")]
    WrongKey,
    /// A key of the wrong length.
    #[error("a key is {KEY_LEN} bytes, not {0}")]
    KeyLength(usize),
}

/// 32 random bytes from the operating system's generator (through the thread's CSPRNG).
fn random_key() -> [u8; KEY_LEN] {
    let mut k = [0u8; KEY_LEN];
    rand::rng().fill_bytes(&mut k);
    k
}

/// Seal `msg` under `key` with `aad` bound: format byte, nonce, ciphertext and tag.
fn seal(key: &[u8; KEY_LEN], aad: &[u8], msg: &[u8]) -> Vec<u8> {
    let cipher = XChaCha20Poly1305::new(key.into());
    let mut nonce = [0u8; NONCE_LEN];
    rand::rng().fill_bytes(&mut nonce);
    let body = cipher
        .encrypt(XNonce::from_slice(&nonce), Payload { msg, aad })
        .expect("XChaCha20-Poly1305 seals any message of a register's size");
    let mut out = Vec::with_capacity(1 + NONCE_LEN + body.len());
    out.push(FORMAT);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&body);
    out
}

/// Open what [`seal`] made under the same key and `aad`.
fn open(key: &[u8; KEY_LEN], aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, ProtectError> {
    if sealed.len() < 1 + NONCE_LEN + 16 || sealed[0] != FORMAT {
        return Err(ProtectError::Malformed);
    }
    let (nonce, body) = sealed[1..].split_at(NONCE_LEN);
    XChaCha20Poly1305::new(key.into())
        .decrypt(XNonce::from_slice(nonce), Payload { msg: body, aad })
        .map_err(|_| ProtectError::WrongKey)
}

/// Which master key wrapped a key: the first 8 bytes of its SHA-256, in hex.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(pub String);

impl std::fmt::Display for KeyId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The key that wraps every other key of a register; kept outside it.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct MasterKey([u8; KEY_LEN]);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MasterKey({})", self.id())
    }
}

impl MasterKey {
    /// A new random master key.
    pub fn generate() -> Self {
        MasterKey(random_key())
    }

    /// A master key from its bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ProtectError> {
        let k: [u8; KEY_LEN] = bytes
            .try_into()
            .map_err(|_| ProtectError::KeyLength(bytes.len()))?;
        Ok(MasterKey(k))
    }

    /// Its bytes (for the key file alone).
    pub fn bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// Its id, stored beside what it wraps.
    pub fn id(&self) -> KeyId {
        let digest = Sha256::digest(self.0);
        KeyId(digest[..8].iter().map(|b| format!("{b:02x}")).collect())
    }

    /// Wrap a key of `purpose` for `owner` (a person's id, or a register-wide name).
    pub fn wrap(&self, purpose: &str, owner: &[u8], key: &[u8; KEY_LEN]) -> Vec<u8> {
        seal(&self.0, &wrap_aad(purpose, owner), key)
    }

    /// Unwrap what [`MasterKey::wrap`] made with the same purpose and owner.
    pub fn unwrap_key(
        &self,
        purpose: &str,
        owner: &[u8],
        wrapped: &[u8],
    ) -> Result<[u8; KEY_LEN], ProtectError> {
        let mut bytes = open(&self.0, &wrap_aad(purpose, owner), wrapped)?;
        let out: Result<[u8; KEY_LEN], _> = bytes.as_slice().try_into();
        bytes.zeroize();
        out.map_err(|_| ProtectError::Malformed)
    }

    /// A person's data key, unwrapped.
    pub fn data_key(&self, person: &[u8], wrapped: &[u8]) -> Result<DataKey, ProtectError> {
        Ok(DataKey(self.unwrap_key(DATA_KEY, person, wrapped)?))
    }

    /// The register's name index key, unwrapped.
    pub fn index_key(&self, wrapped: &[u8]) -> Result<IndexKey, ProtectError> {
        Ok(IndexKey(self.unwrap_key(
            INDEX_KEY,
            b"register",
            wrapped,
        )?))
    }
}

fn wrap_aad(purpose: &str, owner: &[u8]) -> Vec<u8> {
    let mut aad = b"tabara key wrap v1\0".to_vec();
    aad.extend_from_slice(purpose.as_bytes());
    aad.push(0);
    aad.extend_from_slice(owner);
    aad
}

/// The purpose of a person's data key, bound when it is wrapped.
pub const DATA_KEY: &str = "person data key";
/// The purpose of the name index key.
pub const INDEX_KEY: &str = "name index key";

/// One person's data key.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct DataKey([u8; KEY_LEN]);

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(…)")
    }
}

impl DataKey {
    /// A new random data key.
    pub fn generate() -> Self {
        DataKey(random_key())
    }

    /// The key wrapped by `master` for `person`, to store.
    pub fn wrapped(&self, master: &MasterKey, person: &[u8]) -> Vec<u8> {
        master.wrap(DATA_KEY, person, &self.0)
    }

    /// Seal `msg`, a value of `purpose` (a column, a history entry) of `person`.
    pub fn seal(&self, person: &[u8], purpose: &str, msg: &[u8]) -> Vec<u8> {
        seal(&self.0, &data_aad(person, purpose), msg)
    }

    /// Open what [`DataKey::seal`] made for the same person and purpose.
    pub fn open(
        &self,
        person: &[u8],
        purpose: &str,
        sealed: &[u8],
    ) -> Result<Vec<u8>, ProtectError> {
        open(&self.0, &data_aad(person, purpose), sealed)
    }
}

impl DataKey {
    /// A file's key wrapped by this person's data key for `file` (its id): erasing the
    /// person destroys the data key, and with it every file about them.
    pub fn wrap_file_key(&self, person: &[u8], file: &[u8], key: &FileKey) -> Vec<u8> {
        seal(&self.0, &file_key_aad(person, file), &key.0)
    }

    /// Unwrap what [`DataKey::wrap_file_key`] made for the same person and file.
    pub fn file_key(
        &self,
        person: &[u8],
        file: &[u8],
        wrapped: &[u8],
    ) -> Result<FileKey, ProtectError> {
        let mut bytes = open(&self.0, &file_key_aad(person, file), wrapped)?;
        let out: Result<[u8; KEY_LEN], _> = bytes.as_slice().try_into();
        bytes.zeroize();
        out.map(FileKey).map_err(|_| ProtectError::Malformed)
    }
}

fn file_key_aad(person: &[u8], file: &[u8]) -> Vec<u8> {
    let mut aad = b"tabara file key v1\0".to_vec();
    aad.extend_from_slice(person);
    aad.push(0);
    aad.extend_from_slice(file);
    aad
}

/// One file's key. A file is sealed in chunks ([`FileKey::seal_chunk`]), each bound to the
/// file, its position and whether it is the last, so chunks cannot be reordered, moved to
/// another file, dropped or cut off at the end without the read failing.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct FileKey([u8; KEY_LEN]);

impl std::fmt::Debug for FileKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FileKey(…)")
    }
}

fn chunk_aad(file: &[u8], seq: u32, last: bool) -> Vec<u8> {
    let mut aad = b"tabara file chunk v1\0".to_vec();
    aad.extend_from_slice(file);
    aad.push(0);
    aad.extend_from_slice(&seq.to_be_bytes());
    aad.push(u8::from(last));
    aad
}

impl FileKey {
    /// A new random file key.
    pub fn generate() -> Self {
        FileKey(random_key())
    }

    /// Seal chunk `seq` (from 0) of `file`; `last` for its final chunk.
    pub fn seal_chunk(&self, file: &[u8], seq: u32, last: bool, msg: &[u8]) -> Vec<u8> {
        seal(&self.0, &chunk_aad(file, seq, last), msg)
    }

    /// Open chunk `seq` of `file`, sealed as the last one or not.
    pub fn open_chunk(
        &self,
        file: &[u8],
        seq: u32,
        last: bool,
        sealed: &[u8],
    ) -> Result<Vec<u8>, ProtectError> {
        open(&self.0, &chunk_aad(file, seq, last), sealed)
    }

    /// Seal a value about the file (its name), bound to the file and `purpose`.
    pub fn seal_value(&self, file: &[u8], purpose: &str, msg: &[u8]) -> Vec<u8> {
        seal(&self.0, &data_aad(file, purpose), msg)
    }

    /// Open what [`FileKey::seal_value`] made.
    pub fn open_value(
        &self,
        file: &[u8],
        purpose: &str,
        sealed: &[u8],
    ) -> Result<Vec<u8>, ProtectError> {
        open(&self.0, &data_aad(file, purpose), sealed)
    }
}

fn data_aad(person: &[u8], purpose: &str) -> Vec<u8> {
    let mut aad = b"tabara person data v1\0".to_vec();
    aad.extend_from_slice(person);
    aad.push(0);
    aad.extend_from_slice(purpose.as_bytes());
    aad
}

/// The key of the register's blind name index.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct IndexKey([u8; KEY_LEN]);

impl std::fmt::Debug for IndexKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IndexKey(…)")
    }
}

/// The shortest prefix of a word that a search may give.
pub const MIN_PREFIX: usize = 3;
/// The longest prefix indexed: a longer word searched for is looked up by its first
/// `MAX_PREFIX` letters, so it also finds the words that share them (`Ndayishimiye` and
/// `Ndayishimire`). Eight keeps the index to about a dozen terms a person.
pub const MAX_PREFIX: usize = 8;

impl IndexKey {
    /// A new random index key.
    pub fn generate() -> Self {
        IndexKey(random_key())
    }

    /// The key wrapped by `master`, to store.
    pub fn wrapped(&self, master: &MasterKey) -> Vec<u8> {
        master.wrap(INDEX_KEY, b"register", &self.0)
    }

    /// The key that seals the register's case text (comments on a case), derived from this
    /// key (HMAC-SHA-256 of a label no index term uses): it is as safe as the index key, and
    /// a rotation re-wraps it with it.
    pub fn case_text_key(&self) -> DataKey {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(b"\xfftabara case text key v1");
        DataKey(mac.finalize().into_bytes().into())
    }

    /// One term of the index: a keyed hash of a marked word or prefix, in 8 bytes.
    fn term(&self, mark: u8, text: &str) -> i64 {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(&[mark]);
        mac.update(text.as_bytes());
        let out = mac.finalize().into_bytes();
        i64::from_be_bytes(out[..8].try_into().expect("8 of 32 bytes"))
    }

    /// The terms a name is indexed under: for each of its normalised words, each of its
    /// prefixes of [`MIN_PREFIX`] to [`MAX_PREFIX`] letters (a word shorter than
    /// [`MIN_PREFIX`], whole); sorted, without repeats.
    pub fn name_terms(&self, name: &str) -> Vec<i64> {
        let mut out = Vec::new();
        for word in normalise_name(name).split(' ').filter(|w| !w.is_empty()) {
            let letters: Vec<(usize, char)> = word.char_indices().collect();
            if letters.len() < MIN_PREFIX {
                out.push(self.term(b'w', word));
                continue;
            }
            for n in MIN_PREFIX..=letters.len().min(MAX_PREFIX) {
                let end = letters.get(n).map_or(word.len(), |(i, _)| *i);
                out.push(self.term(b'p', &word[..end]));
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The terms a search must all find, one per word of `query`: a word of
    /// [`MIN_PREFIX`] letters or more is a prefix (cut at [`MAX_PREFIX`]), a shorter one a
    /// whole word. Empty when the query has no word.
    pub fn query_terms(&self, query: &str) -> Vec<i64> {
        let mut out: Vec<i64> = normalise_name(query)
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(|word| {
                let letters: Vec<(usize, char)> = word.char_indices().collect();
                if letters.len() < MIN_PREFIX {
                    self.term(b'w', word)
                } else {
                    let end = letters.get(MAX_PREFIX).map_or(word.len(), |(i, _)| *i);
                    self.term(b'p', &word[..end])
                }
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const PERSON: &[u8] = b"0189-person";

    #[test]
    fn a_sealed_value_opens_only_with_its_key_person_and_purpose() {
        let k = DataKey::generate();
        let sealed = k.seal(PERSON, "identity", b"Aline Niyonkuru");
        assert_eq!(
            k.open(PERSON, "identity", &sealed).unwrap(),
            b"Aline Niyonkuru"
        );
        assert!(
            !sealed.windows(b"Aline".len()).any(|w| w == b"Aline"),
            "no plaintext in the sealed bytes"
        );
        assert_eq!(
            DataKey::generate().open(PERSON, "identity", &sealed),
            Err(ProtectError::WrongKey)
        );
        assert_eq!(
            k.open(b"other", "identity", &sealed),
            Err(ProtectError::WrongKey)
        );
        assert_eq!(
            k.open(PERSON, "history", &sealed),
            Err(ProtectError::WrongKey)
        );
        let mut altered = sealed.clone();
        *altered.last_mut().unwrap() ^= 1;
        assert_eq!(
            k.open(PERSON, "identity", &altered),
            Err(ProtectError::WrongKey)
        );
        assert_eq!(
            k.open(PERSON, "identity", &sealed[..20]),
            Err(ProtectError::Malformed)
        );
        let mut unknown = sealed.clone();
        unknown[0] = 9;
        assert_eq!(
            k.open(PERSON, "identity", &unknown),
            Err(ProtectError::Malformed)
        );
        assert_ne!(
            k.seal(PERSON, "identity", b"x"),
            k.seal(PERSON, "identity", b"x"),
            "a fresh nonce each time"
        );
    }

    #[test]
    fn a_data_key_is_wrapped_for_its_person_under_the_master_key() {
        let master = MasterKey::generate();
        let k = DataKey::generate();
        let wrapped = k.wrapped(&master, PERSON);
        let back = master.data_key(PERSON, &wrapped).unwrap();
        let sealed = k.seal(PERSON, "identity", b"secret");
        assert_eq!(back.open(PERSON, "identity", &sealed).unwrap(), b"secret");
        assert!(matches!(
            master.data_key(b"other", &wrapped),
            Err(ProtectError::WrongKey)
        ));
        assert!(matches!(
            MasterKey::generate().data_key(PERSON, &wrapped),
            Err(ProtectError::WrongKey)
        ));
        assert!(
            matches!(master.index_key(&wrapped), Err(ProtectError::WrongKey)),
            "a data key does not pass for the index key"
        );
        // Rotation: the same data key re-wrapped under a new master key opens the same data.
        let next = MasterKey::generate();
        let rewrapped = master
            .data_key(PERSON, &wrapped)
            .unwrap()
            .wrapped(&next, PERSON);
        let opened = next.data_key(PERSON, &rewrapped).unwrap();
        assert_eq!(opened.open(PERSON, "identity", &sealed).unwrap(), b"secret");
        assert_ne!(master.id(), next.id());
        assert_eq!(master.id().0.len(), 16);
        assert_eq!(
            MasterKey::from_bytes(master.bytes()).unwrap().id(),
            master.id()
        );
        assert_eq!(
            MasterKey::from_bytes(&[0; 31]).unwrap_err(),
            ProtectError::KeyLength(31)
        );
        assert!(!format!("{master:?}").contains(&format!("{:?}", master.bytes())));
    }

    #[test]
    fn a_name_is_found_by_its_words_in_any_order_and_their_prefixes() {
        let key = IndexKey::generate();
        let terms = key.name_terms("Évariste  NDAYISHIMIYE");
        let finds = |q: &str| {
            let want = key.query_terms(q);
            !want.is_empty() && want.iter().all(|t| terms.binary_search(t).is_ok())
        };
        for q in [
            "evariste ndayishimiye",
            "Ndayishimiye Évariste",
            "nda",
            "EVA nday",
            "évar",
            "ndayishimiye",
        ] {
            assert!(finds(q), "{q}");
        }
        for q in ["ev", "ndx", "evariste ndayishx", "", "  ", "aline"] {
            assert!(!finds(q), "{q}");
        }
        // A two-letter name is found whole.
        let short = key.name_terms("Jo Bizimana");
        let want = key.query_terms("jo");
        assert!(want.iter().all(|t| short.binary_search(t).is_ok()));
        // Another register's key gives other terms: the index means nothing without its key.
        assert_ne!(
            IndexKey::generate().name_terms("Évariste"),
            key.name_terms("Évariste")
        );
        // A long word is cut at MAX_PREFIX on both sides.
        let long = key.name_terms("Nshimirimanantimana");
        assert!(
            key.query_terms("nshimirimanax")
                .iter()
                .all(|t| long.binary_search(t).is_ok())
        );
        let index_master = MasterKey::generate();
        let wrapped = key.wrapped(&index_master);
        assert_eq!(
            index_master
                .index_key(&wrapped)
                .unwrap()
                .name_terms("Aline"),
            key.name_terms("Aline")
        );
    }

    proptest! {
        #[test]
        fn any_bytes_seal_and_open(msg in proptest::collection::vec(any::<u8>(), 0..512)) {
            let k = DataKey::generate();
            let sealed = k.seal(PERSON, "p", &msg);
            prop_assert_eq!(k.open(PERSON, "p", &sealed).unwrap(), msg);
        }

        #[test]
        fn arbitrary_bytes_never_open_nor_panic(bytes in proptest::collection::vec(any::<u8>(), 0..128)) {
            let k = DataKey::generate();
            prop_assert!(k.open(PERSON, "p", &bytes).is_err());
            prop_assert!(MasterKey::generate().data_key(PERSON, &bytes).is_err());
        }

        #[test]
        fn every_prefix_of_three_letters_or_more_finds_the_name(
            first in "[a-zA-Zéè]{1,20}",
            second in "[a-zA-Z]{1,20}",
            cut in 3usize..20,
        ) {
            let key = IndexKey::generate();
            let terms = key.name_terms(&format!("{first} {second}"));
            let word = normalise_name(&second);
            let prefix: String = word.chars().take(cut).collect();
            for t in key.query_terms(&format!("{prefix} {first}")) {
                prop_assert!(terms.binary_search(&t).is_ok());
            }
        }
    }
}
