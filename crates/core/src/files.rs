//! Files attached to the register (issue 13): what a file is for, which types are accepted
//! and how they are recognised, the size limit and the name kept. The store seals each file
//! in chunks under a key of its own ([`crate::protect::FileKey`]), wrapped by the data key of
//! the person it is about, so erasing the person erases their files too.
//!
//! A file's type is what its first bytes say it is (its magic bytes), never its name or what
//! the sender declared; a declared type that disagrees is refused, so a page cannot be passed
//! off as a picture. Only the kinds the work needs are accepted: PDF documents and JPEG, PNG,
//! TIFF and WebP images (scans and photographs of documents, consent forms, evidence).

use crate::picklist::{Picklist, picklist};

picklist! {
    /// What a file attached to a person of a case is.
    FilePurpose, fields ["fil_Purpose"] {
        Evidence = "evidence", "Evidence", "Élément de preuve";
        IdentityDocument = "identity_document", "Identity or travel document", "Pièce d'identité ou de voyage";
        ConsentForm = "consent_form", "Signed consent form", "Formulaire de consentement signé";
        Other = "other", "Other document", "Autre document";
    }
}

picklist! {
    /// The kinds of file accepted, recognised by their first bytes.
    FileType, fields ["fil_Type"] {
        Pdf = "pdf", "PDF document", "Document PDF";
        Jpeg = "jpeg", "JPEG image", "Image JPEG";
        Png = "png", "PNG image", "Image PNG";
        Tiff = "tiff", "TIFF image", "Image TIFF";
        Webp = "webp", "WebP image", "Image WebP";
    }
}

impl FileType {
    /// Its media type, sent with it when it is downloaded.
    pub fn mime(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Jpeg => "image/jpeg",
            FileType::Png => "image/png",
            FileType::Tiff => "image/tiff",
            FileType::Webp => "image/webp",
        }
    }

    /// The type of a media type, if it is one accepted (`image/jpg` is taken as JPEG).
    pub fn from_mime(mime: &str) -> Option<FileType> {
        let m = mime
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let m = if m == "image/jpg" || m == "image/pjpeg" {
            "image/jpeg".to_string()
        } else {
            m
        };
        FileType::ALL.iter().copied().find(|t| t.mime() == m)
    }
}

/// A file is sealed and stored in chunks of this many bytes (the last may be shorter): an
/// upload or a download holds about two chunks in memory, whatever the file's size.
pub const CHUNK_BYTES: usize = 64 * 1024;

/// The size limit when none is configured: 50 MB.
pub const DEFAULT_MAX_BYTES: u64 = 50 * 1024 * 1024;

/// The largest limit a configuration may set (in MB).
pub const MAX_LIMIT_MB: u64 = 2048;

/// The longest file name kept (in characters).
pub const MAX_NAME: usize = 200;

/// Why a file is refused. Each has a stable rule name (`fil_File`'s error), for the pages to
/// translate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileRefusal {
    /// Nothing was sent.
    #[error("the file is empty")]
    Empty,
    /// Over the configured limit.
    #[error("the file is over the limit of {limit} bytes")]
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// Its first bytes are not of an accepted kind.
    #[error("the file is not a PDF document or a JPEG, PNG, TIFF or WebP image")]
    TypeRefused,
    /// What was declared disagrees with what the bytes are.
    #[error("the file was sent as {declared} but its content is {found}")]
    TypeMismatch {
        /// The media type declared.
        declared: String,
        /// What its bytes are.
        found: &'static str,
    },
    /// The name has control characters or is too long.
    #[error("the file name is too long or has control characters")]
    Name,
}

impl FileRefusal {
    /// The stable rule name.
    pub fn rule(&self) -> &'static str {
        match self {
            FileRefusal::Empty => "empty",
            FileRefusal::TooLarge { .. } => "too_large",
            FileRefusal::TypeRefused => "type_refused",
            FileRefusal::TypeMismatch { .. } => "type_mismatch",
            FileRefusal::Name => "name",
        }
    }
}

/// What the first bytes of a file say it is, among the accepted kinds.
pub fn sniff(head: &[u8]) -> Option<FileType> {
    let kind = infer::get(head)?;
    FileType::from_mime(kind.mime_type())
}

/// The type of a file from its first bytes (at least the first [`CHUNK_BYTES`], or all of a
/// shorter file), checked against the declared media type: none, an empty one and
/// `application/octet-stream` (what a browser sends when it does not know) declare nothing.
pub fn check_type(head: &[u8], declared: Option<&str>) -> Result<FileType, FileRefusal> {
    if head.is_empty() {
        return Err(FileRefusal::Empty);
    }
    let found = sniff(head).ok_or(FileRefusal::TypeRefused)?;
    let declared = declared.map(str::trim).unwrap_or_default();
    let says_nothing = declared.is_empty()
        || declared
            .to_ascii_lowercase()
            .starts_with("application/octet-stream");
    if !says_nothing && FileType::from_mime(declared) != Some(found) {
        return Err(FileRefusal::TypeMismatch {
            declared: declared.chars().take(80).collect(),
            found: found.mime(),
        });
    }
    Ok(found)
}

/// The name kept for a file: its last path component (a browser may send a whole path),
/// trimmed; `file` when nothing is left. Refused when longer than [`MAX_NAME`] characters
/// or with control characters.
pub fn clean_name(raw: &str) -> Result<String, FileRefusal> {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default().trim();
    if last.chars().any(char::is_control) || last.chars().count() > MAX_NAME {
        return Err(FileRefusal::Name);
    }
    Ok(if last.is_empty() || last == "." || last == ".." {
        "file".to_string()
    } else {
        last.to_string()
    })
}

/// A size limit given in MB (1 to [`MAX_LIMIT_MB`]), in bytes.
pub fn limit_from_mb(mb: u64) -> Result<u64, String> {
    if (1..=MAX_LIMIT_MB).contains(&mb) {
        Ok(mb * 1024 * 1024)
    } else {
        Err(format!("the file size limit is 1 to {MAX_LIMIT_MB} MB"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const PDF: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n";
    const JPEG: &[u8] = &[
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0, 1,
    ];
    const PNG: &[u8] = &[
        0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R',
    ];
    const TIFF: &[u8] = &[b'I', b'I', 0x2A, 0x00, 8, 0, 0, 0, 0, 0, 0, 0];
    const WEBP: &[u8] = b"RIFF\x24\x00\x00\x00WEBPVP8 ";

    #[test]
    fn accepted_kinds_are_recognised_by_their_first_bytes() {
        for (bytes, t) in [
            (PDF, FileType::Pdf),
            (JPEG, FileType::Jpeg),
            (PNG, FileType::Png),
            (TIFF, FileType::Tiff),
            (WEBP, FileType::Webp),
        ] {
            assert_eq!(sniff(bytes), Some(t), "{t:?}");
            assert_eq!(check_type(bytes, None), Ok(t));
            assert_eq!(check_type(bytes, Some(t.mime())), Ok(t));
            assert_eq!(check_type(bytes, Some("application/octet-stream")), Ok(t));
            assert_eq!(FileType::from_mime(&t.mime().to_uppercase()), Some(t));
        }
        assert_eq!(check_type(JPEG, Some("image/jpg")), Ok(FileType::Jpeg));
    }

    #[test]
    fn other_kinds_and_disguises_are_refused() {
        let exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff";
        let html = b"<!DOCTYPE html><html><script>alert(1)</script></html>";
        let zip = b"PK\x03\x04\x14\x00\x00\x00\x08\x00";
        for bytes in [&exe[..], &html[..], &zip[..], b"just some words"] {
            assert_eq!(check_type(bytes, None), Err(FileRefusal::TypeRefused));
            assert_eq!(
                check_type(bytes, Some("application/pdf")),
                Err(FileRefusal::TypeRefused)
            );
        }
        assert_eq!(check_type(b"", None), Err(FileRefusal::Empty));
        // A PDF sent as a picture, a picture sent as a page.
        assert_eq!(
            check_type(PDF, Some("image/png")),
            Err(FileRefusal::TypeMismatch {
                declared: "image/png".into(),
                found: "application/pdf"
            })
        );
        assert_eq!(
            check_type(PNG, Some("text/html")).map_err(|e| e.rule()),
            Err("type_mismatch")
        );
    }

    #[test]
    fn names_keep_their_last_component() {
        assert_eq!(clean_name("C:\\scans\\form.pdf").unwrap(), "form.pdf");
        assert_eq!(clean_name("../../etc/passwd").unwrap(), "passwd");
        assert_eq!(clean_name("  photo 1.jpg ").unwrap(), "photo 1.jpg");
        assert_eq!(clean_name("").unwrap(), "file");
        assert_eq!(clean_name("dir/").unwrap(), "file");
        assert_eq!(clean_name(".."), Ok("file".into()));
        assert_eq!(clean_name("a\u{0}b.pdf"), Err(FileRefusal::Name));
        assert_eq!(
            clean_name(&"x".repeat(MAX_NAME + 1)),
            Err(FileRefusal::Name)
        );
        assert!(clean_name(&"é".repeat(MAX_NAME)).is_ok());
    }

    #[test]
    fn limits_are_bounded() {
        assert_eq!(limit_from_mb(50), Ok(DEFAULT_MAX_BYTES));
        assert!(limit_from_mb(0).is_err());
        assert!(limit_from_mb(MAX_LIMIT_MB + 1).is_err());
    }
}
