//! Files about a person of a case (issue 13; the store's `files`): attached from the person's
//! page with a multipart form (streamed to the store a chunk at a time, never whole in memory),
//! listed on that page, downloaded by those who read the person's identity (audited).
//!
//! The form's first field is its CSRF token, checked before any byte of the file is read; the
//! file's type is what its bytes are, its size bounded by `Config::max_upload_bytes`.

use std::collections::HashMap;

use axum::body::{Body as HttpBody, Bytes};
use axum::extract::multipart::{Field, Multipart};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use futures_util::TryStreamExt as _;
use tabara_core::Lang;
use tabara_core::Picklist as _;
use tabara_core::files::FilePurpose;
use tabara_core::permissions::{Action, decide_identity};
use tabara_store::StoreError;
use tabara_store::files::{NewFile, StoredFile};

use crate::access::{Access, Body, CasePersonAccess, CurrentUser, Kind, Routes};
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, render};

/// The file routes.
pub(crate) fn router() -> Routes {
    let person = |action| Access::Record(Kind::CasePerson, action);
    Routes::new()
        .post(
            "/cases/{number}/persons/{person}/files",
            person(Action::EditCase),
            Body::Multipart,
            upload,
        )
        .get(
            "/cases/{number}/persons/{person}/files/{file}",
            person(Action::ReadIdentity),
            download,
        )
}

/// A file as its row on the person's page.
pub(crate) struct FileRow {
    pub(crate) id: String,
    /// Its name, when the viewer reads the person's identity.
    pub(crate) name: Option<String>,
    pub(crate) purpose: &'static str,
    pub(crate) kind: &'static str,
    pub(crate) size: String,
    pub(crate) sha256: String,
    /// Its first 16 hex digits, as shown (the whole on hover).
    pub(crate) sha_short: String,
    pub(crate) uploaded: String,
    pub(crate) erased: bool,
}

/// A size as people read it: bytes, KB or MB (1024-based), one decimal in the language's way.
pub(crate) fn size_text(chrome: &Chrome, bytes: u64) -> String {
    let one_decimal = |v: f64| {
        let s = format!("{v:.1}");
        if chrome.lang == Lang::En {
            s
        } else {
            s.replace('.', ",")
        }
    };
    if bytes < 1024 {
        chrome.t1("file-size-bytes", "n", &bytes.to_string())
    } else if bytes < 1024 * 1024 {
        chrome.t1("file-size-kb", "n", &one_decimal(bytes as f64 / 1024.0))
    } else {
        chrome.t1(
            "file-size-mb",
            "n",
            &one_decimal(bytes as f64 / (1024.0 * 1024.0)),
        )
    }
}

/// The rows of a person's files; names opened only when `names` (the viewer reads the
/// person's identity, a read the page audits).
pub(crate) async fn rows(
    state: &AppState,
    chrome: &Chrome,
    files: Vec<StoredFile>,
    names: bool,
) -> Result<Vec<FileRow>, AppError> {
    let mut out = Vec::with_capacity(files.len());
    for f in files {
        let name = if names && f.erased_at.is_none() {
            state.store.file_name(&f).await?
        } else {
            None
        };
        out.push(FileRow {
            id: f.id.to_string(),
            name,
            purpose: f.purpose.label(chrome.lang),
            kind: f.content_type.label(chrome.lang),
            size: size_text(chrome, f.size),
            sha_short: f.sha256.chars().take(16).collect(),
            sha256: f.sha256.clone(),
            uploaded: chrome.when(&f.uploaded_at),
            erased: f.erased_at.is_some(),
        });
    }
    Ok(out)
}

/// The purposes for the upload form's list: value name and label.
pub(crate) fn purposes(lang: Lang) -> Vec<(&'static str, &'static str)> {
    FilePurpose::ALL
        .iter()
        .map(|p| (p.value_name(), p.label(lang)))
        .collect()
}

#[derive(askama::Template)]
#[template(path = "file_refused.html")]
struct Refused {
    chrome: Chrome,
    back: String,
    message: String,
}

/// The longest text field of the upload form.
const MAX_TEXT_FIELD: usize = 1024;

async fn text_field(mut field: Field<'_>) -> Option<String> {
    let mut out = Vec::new();
    while let Ok(Some(chunk)) = field.chunk().await {
        out.extend_from_slice(&chunk);
        if out.len() > MAX_TEXT_FIELD {
            return None;
        }
    }
    String::from_utf8(out).ok()
}

/// `POST /cases/{number}/persons/{person}/files`: attach a file. Fields in order: `csrf`
/// (checked before anything else is read), `purpose`, `file`. Refused files answer with the
/// reason in words (413 over the limit, 422 otherwise) and keep nothing.
async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    access: CasePersonAccess,
    mut form: Multipart,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let back = format!(
        "/cases/{}/persons/{}",
        access.case.number, access.person.person.id
    );
    let first = form.next_field().await.ok().flatten();
    let token = match first {
        Some(f) if f.name() == Some("csrf") => text_field(f).await.unwrap_or_default(),
        _ => String::new(),
    };
    if !user.csrf_matches(&token) {
        return Err(AppError::Forbidden(lang));
    }
    let mut purpose = None;
    let limit = state.config.max_upload_bytes;
    let mb = (limit / (1024 * 1024)).to_string();
    let refused = |status: StatusCode, rule: &str| {
        let chrome = user.chrome(&back);
        let message = chrome.t1(&format!("file-error-{rule}"), "mb", &mb);
        (
            status,
            render(&Refused {
                chrome,
                back: back.clone(),
                message,
            }),
        )
            .into_response()
    };
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => return Ok(refused(StatusCode::UNPROCESSABLE_ENTITY, "missing")),
            Err(_) => return Ok(refused(StatusCode::BAD_REQUEST, "interrupted")),
        };
        match field.name() {
            Some("purpose") => {
                purpose = text_field(field)
                    .await
                    .and_then(|v| FilePurpose::parse(&v).ok());
            }
            Some("file") => {
                let Some(purpose) = purpose else {
                    return Ok(refused(StatusCode::UNPROCESSABLE_ENTITY, "purpose"));
                };
                let name = field.file_name().unwrap_or_default().to_string();
                let declared = field.content_type().map(str::to_string);
                if name.is_empty() && declared.is_none() {
                    return Ok(refused(StatusCode::UNPROCESSABLE_ENTITY, "missing"));
                }
                let reader = tokio_util::io::StreamReader::new(Box::pin(
                    field.map_err(std::io::Error::other),
                ));
                let kept = state
                    .store
                    .put_file(
                        &user.actor(),
                        NewFile {
                            case: access.case.id,
                            person: access.person.person.id,
                            purpose,
                            name: &name,
                            declared_type: declared.as_deref(),
                            limit,
                        },
                        reader,
                    )
                    .await;
                return match kept {
                    Ok(f) => {
                        Ok(Redirect::to(&format!("{back}?file={}#files", f.id)).into_response())
                    }
                    Err(StoreError::Invalid(e)) => {
                        let rule = e.0.first().map(|e| e.rule).unwrap_or("interrupted");
                        let status = match rule {
                            "too_large" => StatusCode::PAYLOAD_TOO_LARGE,
                            "interrupted" => StatusCode::BAD_REQUEST,
                            _ => StatusCode::UNPROCESSABLE_ENTITY,
                        };
                        // What the sender is still sending is read and dropped (up to the
                        // limit again), so that the browser gets to show the reason.
                        let mut drained = 0u64;
                        while let Ok(Some(mut rest)) = form.next_field().await {
                            while let Ok(Some(c)) = rest.chunk().await {
                                drained += c.len() as u64;
                                if drained > limit {
                                    return Ok(refused(status, rule));
                                }
                            }
                        }
                        Ok(refused(status, rule))
                    }
                    Err(e) => Err(e.into()),
                };
            }
            _ => {
                let _ = text_field(field).await;
            }
        }
    }
}

/// `GET /cases/{number}/persons/{person}/files/{file}`: the file, streamed, for whom reads the
/// person's identity (others 403); audited as `file.read` before the first byte.
async fn download(
    State(state): State<AppState>,
    user: CurrentUser,
    access: CasePersonAccess,
    Path(params): Path<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let lang = user.lang;
    if !decide_identity(
        user.user.role,
        access.relation,
        access.person.involvement.role(),
    )
    .allowed()
    {
        return Err(AppError::Forbidden(lang));
    }
    let id: uuid::Uuid = params
        .get("file")
        .and_then(|v| v.parse().ok())
        .ok_or(AppError::NotFound(lang))?;
    let file = match state.store.file(id).await {
        Ok(f) => f,
        Err(StoreError::NotFound { .. }) => return Err(AppError::NotFound(lang)),
        Err(e) => return Err(e.into()),
    };
    if file.case_id != access.case.id || file.person_id != access.person.person.id {
        return Err(AppError::NotFound(lang));
    }
    let (name, reader) = match state.store.read_file(&user.actor(), id).await {
        Ok(r) => r,
        Err(StoreError::Invalid(_)) => return Err(AppError::NotFound(lang)),
        Err(e) => return Err(e.into()),
    };
    let stream = futures_util::stream::try_unfold(reader, |mut r| async move {
        match r.next_chunk().await {
            Ok(Some(chunk)) => Ok(Some((Bytes::from(chunk), r))),
            Ok(None) => Ok(None),
            Err(e) => {
                tracing::error!(error = %e, "file read");
                Err(std::io::Error::other(e.to_string()))
            }
        }
    });
    Ok((
        [
            (header::CONTENT_TYPE, file.content_type.mime().to_string()),
            (header::CONTENT_DISPOSITION, disposition(&name)),
            (header::CONTENT_LENGTH, file.size.to_string()),
        ],
        HttpBody::from_stream(stream),
    )
        .into_response())
}

/// `attachment` with the name in RFC 6266 / 8187 form (an ASCII fallback and the UTF-8 name).
fn disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._- ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"._-".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_sent_in_both_forms() {
        assert_eq!(
            disposition("passeport é.pdf"),
            "attachment; filename=\"passeport _.pdf\"; filename*=UTF-8''passeport%20%C3%A9.pdf"
        );
        assert_eq!(
            disposition("a\"b;.png"),
            "attachment; filename=\"a_b_.png\"; filename*=UTF-8''a%22b%3B.png"
        );
    }

    #[test]
    fn sizes_read_in_each_language() {
        let en = Chrome::anonymous(Lang::En);
        let fr = Chrome::anonymous(Lang::Fr);
        assert_eq!(size_text(&en, 900), "900 bytes");
        assert_eq!(size_text(&en, 1536), "1.5 KB");
        assert_eq!(size_text(&fr, 5 * 1024 * 1024 + 1024 * 512), "5,5 Mo");
    }
}
