//! Errors as the user reads them: the store's errors and the audit chain's problems through the catalogue.

use tabara_core::Lang;
use tabara_i18n::t;
use tabara_store::keys::KeyFileError;
use tabara_store::{LocationProblem, Problem, StoreError};

/// An error as the user reads it: the store's errors through the catalogue, the rest as is.
pub fn describe_error(e: &anyhow::Error, lang: Lang) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in e.chain() {
        let text = match cause.downcast_ref::<StoreError>() {
            Some(StoreError::NotFound { kind, id }) => {
                t!(
                    lang,
                    "error-not-found",
                    kind = kind_label(kind, lang),
                    id = id.as_str()
                )
            }
            Some(StoreError::Conflict {
                kind,
                id,
                expected,
                actual,
            }) => t!(
                lang,
                "error-conflict",
                kind = kind_label(kind, lang),
                id = id.as_str(),
                expected = *expected,
                actual = *actual
            ),
            Some(StoreError::Duplicate { what, value }) => {
                t!(
                    lang,
                    "error-duplicate",
                    what = kind_label(what, lang),
                    value = value.as_str()
                )
            }
            Some(StoreError::Location(p)) => match p {
                LocationProblem::Empty => t!(lang, "error-location-empty"),
                LocationProblem::UnknownScheme(s) => {
                    t!(lang, "error-location-scheme", scheme = s.as_str())
                }
                LocationProblem::MissingFile(p) => {
                    t!(
                        lang,
                        "error-location-missing-file",
                        path = p.display().to_string()
                    )
                }
                LocationProblem::MissingFolder(p) => {
                    t!(
                        lang,
                        "error-location-missing-folder",
                        path = p.display().to_string()
                    )
                }
            },
            Some(StoreError::WrongKey { expected, given }) => t!(
                lang,
                "error-key-wrong",
                expected = expected.0.as_str(),
                given = given.0.as_str()
            ),
            Some(StoreError::Backup(b)) => backup_error(b, lang),
            Some(StoreError::RotationUnfinished { from, to }) => t!(
                lang,
                "error-rotation-unfinished",
                from = from.as_str(),
                to = to.as_str()
            ),
            _ => match cause.downcast_ref::<KeyFileError>() {
                Some(k) => key_file_error(k, lang),
                None => cause.to_string(),
            },
        };
        // anyhow repeats a wrapped error's text in its source; say each thing once.
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
    }
    parts.join(": ")
}

/// A key file problem in the user's words.
fn key_file_error(e: &KeyFileError, lang: Lang) -> String {
    let path = |p: &std::path::Path| p.display().to_string();
    match e {
        KeyFileError::Missing(p) => t!(lang, "error-key-missing", path = path(p)),
        KeyFileError::TooOpen(p, mode) => t!(
            lang,
            "error-key-too-open",
            path = path(p),
            mode = format!("{mode:03o}")
        ),
        KeyFileError::Malformed(p, why) => {
            t!(lang, "error-key-malformed", path = path(p), why = *why)
        }
        KeyFileError::Exists(p) => t!(lang, "error-key-exists", path = path(p)),
        KeyFileError::Io(p, err) => t!(
            lang,
            "error-key-io",
            path = path(p),
            error = err.to_string()
        ),
        KeyFileError::NoDefault => t!(lang, "error-key-no-default"),
    }
}

/// The store names kinds of record in English ("person in case"); the catalogue has them as
/// `kind-person-in-case`.
pub(super) fn kind_label(kind: &str, lang: Lang) -> String {
    let key = format!("kind-{}", kind.replace(' ', "-"));
    // A kind without its label (a test checks there is none) reads in English, never as a key.
    if tabara_i18n::catalogue().has(Lang::En, &key) {
        t!(lang, &key)
    } else {
        kind.to_string()
    }
}

pub(super) fn problem_text(p: &Problem, lang: Lang) -> String {
    match p {
        Problem::Missing { next } => t!(lang, "audit-problem-missing", next = *next),
        Problem::Unlinked => t!(lang, "audit-problem-unlinked"),
        Problem::Altered => t!(lang, "audit-problem-altered"),
        Problem::TailRemoved { last, head } => {
            t!(
                lang,
                "audit-problem-tail-removed",
                last = *last,
                head = *head
            )
        }
        Problem::HeadMismatch => t!(lang, "audit-problem-head-mismatch"),
        Problem::BeyondHead { head } => t!(lang, "audit-problem-beyond-head", head = *head),
        Problem::HeadMissing => t!(lang, "audit-problem-head-missing"),
        Problem::Unrecorded {
            kind,
            action,
            records,
            entries,
            example,
        } => match example {
            Some(id) => t!(
                lang,
                "audit-problem-unrecorded",
                kind = kind.as_str(),
                action = action.as_str(),
                records = *records,
                entries = *entries,
                example = id.as_str()
            ),
            None => t!(
                lang,
                "audit-problem-unrecorded-count",
                kind = kind.as_str(),
                action = action.as_str(),
                records = *records,
                entries = *entries
            ),
        },
        Problem::WrittenAfterLog {
            table,
            written_at_us,
            last_entry_at_us,
        } => {
            let at = |us: i64| {
                chrono::DateTime::from_timestamp_micros(us)
                    .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
                    .unwrap_or_default()
            };
            match last_entry_at_us {
                Some(last) => t!(
                    lang,
                    "audit-problem-written-after-log",
                    table = table.as_str(),
                    written = at(*written_at_us),
                    last = at(*last)
                ),
                None => t!(
                    lang,
                    "audit-problem-written-empty-log",
                    table = table.as_str(),
                    written = at(*written_at_us)
                ),
            }
        }
    }
}

fn backup_error(e: &tabara_store::backup::BackupError, lang: Lang) -> String {
    use tabara_store::backup::BackupError as B;
    let why = match e {
        B::NotABackup => t!(lang, "backup-error-not-a-backup"),
        B::OldFormat => t!(lang, "backup-error-old-format"),
        B::NotAKeyBackup => t!(lang, "backup-error-not-a-key-backup"),
        B::KeysMissing {
            persons,
            keys_made,
            backup_made,
        } => t!(
            lang,
            "backup-error-keys-missing",
            persons = *persons,
            keys = keys_made.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            backup = backup_made.format("%Y-%m-%d %H:%M:%S UTC").to_string()
        ),
        B::Truncated => t!(lang, "backup-error-truncated"),
        B::Damaged(part, detail) => {
            t!(
                lang,
                "backup-error-damaged",
                part = *part,
                detail = detail.as_str()
            )
        }
        B::Altered(n) => t!(lang, "backup-error-altered", chunk = *n),
        B::OtherSigner { signer, trusted } => t!(
            lang,
            "backup-error-other-signer",
            signer = signer.as_str(),
            trusted = trusted.as_str()
        ),
        B::BadSignature => t!(lang, "backup-error-signature"),
        B::HashMismatch => t!(lang, "backup-error-hash"),
        B::WrongKey { expected, given } => t!(
            lang,
            "backup-error-wrong-key",
            expected = expected.as_str(),
            given = given.as_str()
        ),
        B::Schema { backup, here } => {
            t!(lang, "backup-error-schema", backup = *backup, here = *here)
        }
        B::NotEmpty(table) => t!(lang, "backup-error-not-empty", table = table.as_str()),
        B::Count {
            table,
            found,
            recorded,
        } => t!(
            lang,
            "backup-error-count",
            table = table.as_str(),
            found = *found,
            recorded = *recorded
        ),
        B::Unknown(detail) => detail.clone(),
        B::Io(err) => t!(lang, "backup-error-io", error = err.to_string()),
    };
    t!(lang, "backup-refused", why = why)
}
