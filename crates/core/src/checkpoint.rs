//! Signed checkpoints of the audit log (issue 13): the size of the log, the root of its Merkle
//! tree ([`crate::merkle`]) and the chain hash of its last entry, signed with Ed25519 by a key
//! that lives in a file outside the register. A checkpoint kept elsewhere (printed, mailed to a
//! witness, on another machine) pins the log: rewriting any entry up to its size, even with
//! every chain hash recomputed, gives another root.
//!
//! The text form, one field per line, then a blank line and the signature over everything
//! before it:
//!
//! ```text
//! tabara audit checkpoint v1
//! size 1042
//! root 5d2c…(64 hex digits)
//! head 9f1e…(the chain hash of entry 1042; 64 zeros for an empty log)
//! time 2026-12-01T19:30:00Z
//! key 3b6a…(the signer's Ed25519 public key, 64 hex digits)
//!
//! signature 1c0d…(128 hex digits)
//! ```

use chrono::{DateTime, SecondsFormat, Utc};
use ed25519_dalek::Signer as _;
use zeroize::Zeroize as _;

use crate::merkle::Hash;

/// The first line of a checkpoint.
pub const HEADER: &str = "tabara audit checkpoint v1";

/// The longest checkpoint text read (a checkpoint is about 400 bytes).
pub const MAX_TEXT: usize = 4096;

/// The key that signs checkpoints (and backups' manifests).
pub struct SigningKey(ed25519_dalek::SigningKey);

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKey({})", self.public().hex())
    }
}

impl SigningKey {
    /// A new random key.
    pub fn generate() -> SigningKey {
        use rand::RngCore as _;
        let mut seed = [0u8; 32];
        rand::rng().fill_bytes(&mut seed);
        let key = SigningKey(ed25519_dalek::SigningKey::from_bytes(&seed));
        seed.zeroize();
        key
    }

    /// The key from its 32-byte seed; `None` for another length.
    pub fn from_bytes(bytes: &[u8]) -> Option<SigningKey> {
        let seed: [u8; 32] = bytes.try_into().ok()?;
        Some(SigningKey(ed25519_dalek::SigningKey::from_bytes(&seed)))
    }

    /// The seed, for the key file.
    pub fn bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// The public half.
    pub fn public(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    /// Sign `message`.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.0.sign(message).to_bytes()
    }
}

/// The public half of a [`SigningKey`], which checks its signatures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(ed25519_dalek::VerifyingKey);

impl PublicKey {
    /// From 64 hex digits.
    pub fn from_hex(text: &str) -> Option<PublicKey> {
        let bytes: [u8; 32] = decode_hex(text.trim())?.try_into().ok()?;
        ed25519_dalek::VerifyingKey::from_bytes(&bytes)
            .ok()
            .map(PublicKey)
    }

    /// As 64 hex digits.
    pub fn hex(&self) -> String {
        encode_hex(self.0.as_bytes())
    }

    /// Whether `signature` is this key's over `message`.
    pub fn verifies(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        let signature = ed25519_dalek::Signature::from_bytes(signature);
        self.0.verify_strict(message, &signature).is_ok()
    }
}

/// What a checkpoint states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// Entries of the log it covers (entries 1 to `size`).
    pub size: u64,
    /// The Merkle root over their chain hashes.
    pub root: Hash,
    /// The chain hash of entry `size` (all zeros for an empty log).
    pub head: Hash,
    /// When it was made, to the second.
    pub time: DateTime<Utc>,
}

/// A checkpoint with its signer and signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    /// What it states.
    pub checkpoint: Checkpoint,
    /// Who signed it.
    pub key: PublicKey,
    /// The signature over [`Signed::body`].
    pub signature: [u8; 64],
}

/// Why a checkpoint's text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    /// Longer than any checkpoint.
    #[error("it is longer than a checkpoint ({0} bytes)")]
    TooLong(usize),
    /// Its first line is not the header.
    #[error("its first line is not \"{HEADER}\"")]
    Header,
    /// A line is missing or not what it should be.
    #[error("its {0} line is missing or malformed")]
    Field(&'static str),
    /// Something follows the signature.
    #[error("text follows its signature")]
    Trailing,
    /// The signature is not the key's over the text.
    #[error("its signature does not match its content: it was altered or not signed by its key")]
    BadSignature,
}

impl Checkpoint {
    /// Sign with `key`.
    pub fn sign(self, key: &SigningKey) -> Signed {
        let public = key.public();
        let body = body(&self, &public);
        Signed {
            signature: key.sign(body.as_bytes()),
            key: public,
            checkpoint: self,
        }
    }
}

fn body(c: &Checkpoint, key: &PublicKey) -> String {
    format!(
        "{HEADER}\nsize {}\nroot {}\nhead {}\ntime {}\nkey {}\n",
        c.size,
        encode_hex(&c.root),
        encode_hex(&c.head),
        c.time.to_rfc3339_opts(SecondsFormat::Secs, true),
        key.hex()
    )
}

impl Signed {
    /// The signed text (every line before the blank one).
    pub fn body(&self) -> String {
        body(&self.checkpoint, &self.key)
    }

    /// The whole text, to print or keep.
    pub fn text(&self) -> String {
        format!(
            "{}\nsignature {}\n",
            self.body(),
            encode_hex(&self.signature)
        )
    }

    /// Read a checkpoint's text and check its signature against the key it names (whether
    /// that key is one to trust is the caller's to decide).
    pub fn parse(text: &str) -> Result<Signed, CheckpointError> {
        if text.len() > MAX_TEXT {
            return Err(CheckpointError::TooLong(text.len()));
        }
        let text = text.replace("\r\n", "\n");
        let mut lines = text.lines();
        if lines.next() != Some(HEADER) {
            return Err(CheckpointError::Header);
        }
        let mut field = |name: &'static str| {
            lines
                .next()
                .and_then(|l| l.strip_prefix(name))
                .and_then(|l| l.strip_prefix(' '))
                .map(str::to_string)
                .ok_or(CheckpointError::Field(name))
        };
        let size = field("size")?;
        let size: u64 = (!size.starts_with('+'))
            .then(|| size.parse().ok())
            .flatten()
            .ok_or(CheckpointError::Field("size"))?;
        let root = hash_field(&field("root")?).ok_or(CheckpointError::Field("root"))?;
        let head = hash_field(&field("head")?).ok_or(CheckpointError::Field("head"))?;
        let time = DateTime::parse_from_rfc3339(&field("time")?)
            .map_err(|_| CheckpointError::Field("time"))?
            .with_timezone(&Utc);
        let key = PublicKey::from_hex(&field("key")?).ok_or(CheckpointError::Field("key"))?;
        if lines.next() != Some("") {
            return Err(CheckpointError::Field("blank"));
        }
        let signature: [u8; 64] = lines
            .next()
            .and_then(|l| l.strip_prefix("signature "))
            .and_then(decode_hex)
            .and_then(|b| b.try_into().ok())
            .ok_or(CheckpointError::Field("signature"))?;
        if lines.any(|l| !l.trim().is_empty()) {
            return Err(CheckpointError::Trailing);
        }
        let signed = Signed {
            checkpoint: Checkpoint {
                size,
                root,
                head,
                time,
            },
            key,
            signature,
        };
        if !signed
            .key
            .verifies(signed.body().as_bytes(), &signed.signature)
        {
            return Err(CheckpointError::BadSignature);
        }
        Ok(signed)
    }
}

fn hash_field(text: &str) -> Option<Hash> {
    decode_hex(text)?.try_into().ok()
}

/// Lower-case hex.
pub fn encode_hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Hex (either case) to bytes; `None` for an odd length or another character.
pub fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> Checkpoint {
        Checkpoint {
            size: 42,
            root: [7; 32],
            head: [9; 32],
            time: DateTime::parse_from_rfc3339("2026-12-01T10:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
        }
    }

    #[test]
    fn signed_text_reads_back() {
        let key = SigningKey::generate();
        let signed = sample().sign(&key);
        let text = signed.text();
        assert!(text.starts_with(HEADER));
        assert_eq!(Signed::parse(&text).unwrap(), signed);
        assert_eq!(Signed::parse(&text.replace('\n', "\r\n")).unwrap(), signed);
    }

    #[test]
    fn altered_text_is_refused() {
        let key = SigningKey::generate();
        let text = sample().sign(&key).text();
        let grown = text.replace("size 42", "size 43");
        assert_eq!(Signed::parse(&grown), Err(CheckpointError::BadSignature));
        // Another key's signature over the same statement.
        let other = sample().sign(&SigningKey::generate());
        let swapped = format!(
            "{}\nsignature {}\n",
            sample().sign(&key).body(),
            encode_hex(&other.signature)
        );
        assert_eq!(Signed::parse(&swapped), Err(CheckpointError::BadSignature));
        assert_eq!(Signed::parse("hello"), Err(CheckpointError::Header));
        assert_eq!(
            Signed::parse(&format!("{text}more\n")),
            Err(CheckpointError::Trailing)
        );
        let cut = &text[..text.len() - 20];
        assert_eq!(Signed::parse(cut), Err(CheckpointError::Field("signature")));
    }

    #[test]
    fn key_round_trips() {
        let key = SigningKey::generate();
        let again = SigningKey::from_bytes(&key.bytes()).unwrap();
        assert_eq!(key.public(), again.public());
        assert_eq!(PublicKey::from_hex(&key.public().hex()), Some(key.public()));
        assert!(SigningKey::from_bytes(&[1; 31]).is_none());
    }

    proptest! {
        #[test]
        fn arbitrary_text_is_refused_cleanly(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let text = String::from_utf8_lossy(&bytes);
            prop_assert!(Signed::parse(&text).is_err());
        }

        #[test]
        fn arbitrary_lines_after_the_header_are_refused(
            lines in proptest::collection::vec("[a-z0-9 :+-]{0,80}", 0..10)
        ) {
            let text = format!("{HEADER}\n{}", lines.join("\n"));
            prop_assert!(Signed::parse(&text).is_err());
        }
    }
}
