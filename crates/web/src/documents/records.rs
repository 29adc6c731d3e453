//! Documents recorded on a person (issue 15): the form (type, number, state, dates, the zone
//! typed or read from a photo of the person's files, the security-feature checklist, the
//! outcome, notes), the document's page (its zone read, what it says against the page and
//! against the person's record, the lost-list hit), its changes, and the list of suspect
//! documents. Recording needs the right to edit the case; opening a document needs the right
//! to read the person's identity there (the number and zone identify them), and is audited.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tabara_core::Lang;
use tabara_core::Picklist;
use tabara_core::documents::{
    DocumentEntry, DocumentForm, DocumentOutcome, DocumentType, FeatureFinding, SecurityFeature,
};
use tabara_core::permissions::{Action, decide, decide_identity};
use tabara_store::documents::records::{DocumentRecord, DocumentSummary};
use uuid::Uuid;

use super::{Compared, Reading, compared_rows, reading};
use crate::access::{CasePersonAccess, CsrfForm, CurrentUser};
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, render};

/// A document as a row of the person's page or of the suspect list.
pub(crate) struct DocRow {
    pub id: String,
    pub link: Option<String>,
    pub case_reference: String,
    pub doc_type: String,
    pub state: String,
    pub expires: String,
    pub outcome: String,
    /// Flags in words: on the lost list, zone invalid, features suspicious.
    pub flags: Vec<String>,
    pub recorded: String,
}

pub(crate) fn doc_row(chrome: &Chrome, lang: Lang, d: &DocumentSummary, link: bool) -> DocRow {
    let mut flags = Vec::new();
    if let Some(r) = &d.lost_reason {
        let reason = tabara_core::documents::LostReason::parse(r)
            .map(|r| r.label(lang).to_string())
            .unwrap_or_else(|_| r.clone());
        flags.push(tabara_i18n::t!(lang, "doc-flag-lost", reason = reason));
    }
    if d.zone_valid == Some(false) {
        flags.push(tabara_i18n::t!(lang, "doc-flag-zone-invalid"));
    }
    if d.failed_features > 0 {
        flags.push(tabara_i18n::t!(
            lang,
            "doc-flag-features",
            count = d.failed_features as i64
        ));
    }
    DocRow {
        id: d.id.to_string(),
        link: link.then(|| {
            format!(
                "/cases/{}/persons/{}/documents/{}",
                d.case_number, d.person_id, d.id
            )
        }),
        case_reference: tabara_core::records::case_reference(d.case_number),
        doc_type: d.doc_type.label(lang).to_string(),
        state: d.issuing_state.clone(),
        expires: chrome.odate(&d.expires_on),
        outcome: d
            .outcome
            .map(|o| o.label(lang).to_string())
            .unwrap_or_else(|| tabara_i18n::t!(lang, "doc-outcome-none")),
        flags,
        recorded: chrome.when(&d.recorded_at),
    }
}

/// The form's values and choices, for the template.
pub(crate) struct FormView {
    pub doc_type: String,
    pub types: Vec<(&'static str, &'static str)>,
    pub number: String,
    pub issuing_state: String,
    pub issued_on: String,
    pub expires_on: String,
    pub zone: String,
    /// The person's pictures: id, name (or a placeholder).
    pub photos: Vec<(String, String)>,
    pub photo: String,
    /// Each feature: value name, label, finding value name.
    pub features: Vec<(&'static str, &'static str, &'static str)>,
    pub findings: Vec<(&'static str, &'static str)>,
    pub outcome: String,
    pub outcomes: Vec<(&'static str, &'static str)>,
    pub notes: String,
    pub version: i64,
    /// Errors in words.
    pub errors: Vec<String>,
    /// What reading the photo found, in words.
    pub scan_notes: Vec<String>,
}

/// The form as posted.
#[derive(Debug, Default)]
pub(crate) struct Posted {
    fields: Vec<(String, String)>,
}

impl Posted {
    fn get(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
    fn features(&self) -> Vec<(&str, &str)> {
        self.fields
            .iter()
            .filter_map(|(k, v)| k.strip_prefix("feature_").map(|f| (f, v.as_str())))
            .collect()
    }
    fn form(&self) -> DocumentForm<'_> {
        DocumentForm {
            doc_type: self.get("doc_type"),
            number: self.get("number"),
            issuing_state: self.get("issuing_state"),
            issued_on: self.get("issued_on"),
            expires_on: self.get("expires_on"),
            zone: self.get("zone"),
            features: self.features(),
            outcome: self.get("outcome"),
            notes: self.get("notes"),
        }
    }
}

async fn photos(
    state: &AppState,
    access: &CasePersonAccess,
    lang: Lang,
) -> Result<Vec<(String, String)>, AppError> {
    let mut out = Vec::new();
    for f in state
        .store
        .files_of(access.case.id, access.person.person.id)
        .await?
    {
        if !f.content_type.mime().starts_with("image/") {
            continue;
        }
        let name = state
            .store
            .file_name(&f)
            .await?
            .unwrap_or_else(|| tabara_i18n::t!(lang, "file-erased"));
        out.push((f.id.to_string(), name));
    }
    Ok(out)
}

fn view(lang: Lang, posted: &Posted, photos: Vec<(String, String)>, version: i64) -> FormView {
    FormView {
        doc_type: posted.get("doc_type").to_string(),
        types: DocumentType::ALL
            .iter()
            .map(|t| (t.value_name(), t.label(lang)))
            .collect(),
        number: posted.get("number").to_string(),
        issuing_state: posted.get("issuing_state").to_string(),
        issued_on: posted.get("issued_on").to_string(),
        expires_on: posted.get("expires_on").to_string(),
        zone: posted.get("zone").to_string(),
        photos,
        photo: posted.get("photo").to_string(),
        features: SecurityFeature::ALL
            .iter()
            .map(|f| {
                let chosen = posted.get(&format!("feature_{}", f.value_name()));
                let finding = FeatureFinding::parse(chosen).unwrap_or(FeatureFinding::NotChecked);
                (f.value_name(), f.label(lang), finding.value_name())
            })
            .collect(),
        findings: FeatureFinding::ALL
            .iter()
            .map(|f| (f.value_name(), f.label(lang)))
            .collect(),
        outcome: posted.get("outcome").to_string(),
        outcomes: DocumentOutcome::ALL
            .iter()
            .map(|o| (o.value_name(), o.label(lang)))
            .collect(),
        notes: posted.get("notes").to_string(),
        version,
        errors: Vec::new(),
        scan_notes: Vec::new(),
    }
}

/// A recorded entry as posted values (to fill the form for a change).
fn posted_of(d: &DocumentRecord) -> Posted {
    let e = &d.entry;
    let mut fields = vec![
        ("doc_type".into(), e.doc_type.value_name().to_string()),
        ("number".into(), e.number.clone()),
        ("issuing_state".into(), e.issuing_state.clone()),
        (
            "issued_on".into(),
            e.issued_on.map(|d| d.to_string()).unwrap_or_default(),
        ),
        (
            "expires_on".into(),
            e.expires_on.map(|d| d.to_string()).unwrap_or_default(),
        ),
        ("zone".into(), e.zone.clone().unwrap_or_default()),
        (
            "outcome".into(),
            e.outcome
                .map(|o| o.value_name().to_string())
                .unwrap_or_default(),
        ),
        ("notes".into(), e.notes.clone()),
        (
            "photo".into(),
            d.photo_file_id.map(|p| p.to_string()).unwrap_or_default(),
        ),
    ];
    for (f, v) in &e.features {
        fields.push((
            format!("feature_{}", f.value_name()),
            v.value_name().to_string(),
        ));
    }
    Posted { fields }
}

fn error_words(lang: Lang, e: &tabara_core::validation::ValidationErrors) -> Vec<String> {
    e.0.iter()
        .map(|f| {
            tabara_i18n::t!(
                lang,
                "doc-error",
                field = tabara_i18n::t!(lang, &format!("doc-field-{}", f.field)),
                message = tabara_i18n::t!(lang, &format!("doc-rule-{}", f.rule))
            )
        })
        .collect()
}

#[derive(askama::Template)]
#[template(path = "document_form.html")]
struct FormPage {
    chrome: Chrome,
    back: String,
    case_reference: String,
    action: String,
    form: FormView,
}

/// `GET /cases/{number}/persons/{person}/documents/new`: the empty form.
pub(crate) async fn new_page(
    State(state): State<AppState>,
    user: CurrentUser,
    access: CasePersonAccess,
) -> Result<Response, AppError> {
    let back = person_link(&access);
    let photos = photos(&state, &access, user.lang).await?;
    Ok(render(&FormPage {
        chrome: user.chrome(&back),
        action: format!("{back}/documents"),
        case_reference: access.case.reference(),
        back,
        form: view(user.lang, &Posted::default(), photos, 0),
    })
    .into_response())
}

fn person_link(access: &CasePersonAccess) -> String {
    format!(
        "/cases/{}/persons/{}",
        access.case.number, access.person.person.id
    )
}

/// What reading the photo found, in words; the zone read goes to the form.
async fn read_photo(
    state: &AppState,
    user: &CurrentUser,
    access: &CasePersonAccess,
    photo: &str,
    form: &mut FormView,
) -> Result<(), AppError> {
    let lang = user.lang;
    let role = access.person.involvement.role();
    if !decide_identity(user.user.role, access.relation, role).allowed() {
        return Err(AppError::Forbidden(lang));
    }
    let Ok(id) = photo.parse::<Uuid>() else {
        form.errors.push(tabara_i18n::t!(lang, "doc-photo-choose"));
        return Ok(());
    };
    let file = state.store.file(id).await?;
    if file.case_id != access.case.id || file.person_id != access.person.person.id {
        return Err(AppError::NotFound(lang));
    }
    let (_, mut reader) = state.store.read_file(&user.actor(), id).await?;
    let mut bytes = Vec::new();
    while let Some(chunk) = reader.next_chunk().await? {
        bytes.extend_from_slice(&chunk);
    }
    match super::scan(bytes).await {
        Ok(scan) => {
            form.zone = scan.text();
            form.scan_notes = super::scan_notes(lang, &scan);
        }
        Err(e) => form.errors.push(super::scan_error(lang, &e)),
    }
    Ok(())
}

/// `POST /cases/{number}/persons/{person}/documents`: record the document, or (with
/// `action=read`) read the zone from the chosen photo and show the form again to confirm.
pub(crate) async fn create(
    State(state): State<AppState>,
    access: CasePersonAccess,
    CsrfForm { user, form }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let posted = Posted { fields: form };
    let back = person_link(&access);
    let photos = photos(&state, &access, lang).await?;
    let mut page = FormPage {
        chrome: user.chrome(&back),
        action: format!("{back}/documents"),
        case_reference: access.case.reference(),
        back: back.clone(),
        form: view(lang, &posted, photos, 0),
    };
    if posted.get("action") == "read" {
        read_photo(&state, &user, &access, posted.get("photo"), &mut page.form).await?;
        return Ok(render(&page).into_response());
    }
    let photo = match chosen_photo(lang, &posted, &mut page.form) {
        Ok(p) => p,
        Err(()) => return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response()),
    };
    let entry = match DocumentEntry::parse(&posted.form(), chrono::Utc::now().date_naive()) {
        Ok(e) => e,
        Err(e) => {
            page.form.errors = error_words(lang, &e);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response());
        }
    };
    let d = state
        .store
        .record_document(
            &user.actor(),
            access.case.id,
            access.person.person.id,
            &entry,
            photo,
        )
        .await;
    match d {
        Ok(d) => {
            let role = access.person.involvement.role();
            let to = if decide_identity(user.user.role, access.relation, role).allowed() {
                format!("{back}/documents/{}", d.id)
            } else {
                format!("{back}#documents")
            };
            Ok(Redirect::to(&to).into_response())
        }
        Err(tabara_store::StoreError::Invalid(e)) => {
            page.form.errors = error_words(lang, &e);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

fn chosen_photo(lang: Lang, posted: &Posted, form: &mut FormView) -> Result<Option<Uuid>, ()> {
    match posted.get("photo") {
        "" => Ok(None),
        p => p.parse::<Uuid>().map(Some).map_err(|_| {
            form.errors.push(tabara_i18n::t!(lang, "doc-photo-choose"));
        }),
    }
}

#[derive(askama::Template)]
#[template(path = "document.html")]
struct DocumentPage {
    chrome: Chrome,
    back: String,
    case_reference: String,
    record: DocRow,
    number: String,
    erased: bool,
    issued: String,
    recorded_by: String,
    lost: Option<String>,
    /// Where the page's printed fields and the zone disagree.
    mismatches: Vec<String>,
    compared: Vec<Compared>,
    attention_text: String,
    attention: usize,
    reading: Option<Reading>,
    features: Vec<(String, String, &'static str)>,
    notes: String,
    photo: Option<String>,
    may_edit: bool,
    action: String,
    form: FormView,
    conflict: bool,
}

async fn document_in(
    state: &AppState,
    user: &CurrentUser,
    access: &CasePersonAccess,
    id: &str,
) -> Result<DocumentRecord, AppError> {
    let lang = user.lang;
    let role = access.person.involvement.role();
    if !decide_identity(user.user.role, access.relation, role).allowed() {
        return Err(AppError::Forbidden(lang));
    }
    let id: Uuid = id.parse().map_err(|_| AppError::NotFound(lang))?;
    // Looked up first without opening, so that another person's document is a 404 unread.
    let mine = state
        .store
        .document_summaries(access.case.id, access.person.person.id)
        .await?
        .iter()
        .any(|d| d.id == id);
    if !mine {
        return Err(AppError::NotFound(lang));
    }
    Ok(state.store.read_document(&user.actor(), id).await?)
}

async fn document_page_of(
    state: &AppState,
    user: &CurrentUser,
    access: &CasePersonAccess,
    d: &DocumentRecord,
    form: FormView,
    conflict: bool,
) -> Result<DocumentPage, AppError> {
    let lang = user.lang;
    let back = person_link(access);
    let chrome = user.chrome(&back);
    let today = chrono::Utc::now().date_naive();
    let summary = state
        .store
        .document_summaries(access.case.id, access.person.person.id)
        .await?
        .into_iter()
        .find(|s| s.id == d.id)
        .ok_or(AppError::NotFound(lang))?;
    let m = d.entry.reading(today);
    let mut compared = Vec::new();
    let mut attention = 0;
    let mut mismatches = Vec::new();
    if let Some(m) = &m {
        let (identity, _) = state
            .store
            .read_identity(&user.actor(), access.person.person.id)
            .await?;
        (compared, attention) = compared_rows(lang, m, &identity, &access.person.person, today);
        for x in tabara_core::documents::mismatches(&d.entry, m) {
            mismatches.push(tabara_i18n::t!(
                lang,
                &format!("doc-mismatch-{}", x.field.replace('_', "-")),
                printed = x.printed,
                zone = x.zone
            ));
        }
    }
    let lost = match &d.lost_reason {
        Some(_) => state
            .store
            .lost_document(&d.entry.issuing_state, &d.entry.number)
            .await?
            .map(|l| super::lost_text(lang, &l)),
        None => None,
    };
    let may_edit =
        decide(user.user.role, Action::EditCase, Some(access.relation)).allowed() && !d.erased;
    Ok(DocumentPage {
        record: doc_row(&chrome, lang, &summary, false),
        number: d.entry.number.clone(),
        erased: d.erased,
        issued: chrome.odate(&d.entry.issued_on),
        recorded_by: crate::screening::decider_name(state, &d.recorded_by).await?,
        lost,
        mismatches,
        attention_text: if attention == 0 {
            tabara_i18n::t!(lang, "doc-compare-nothing")
        } else {
            tabara_i18n::t!(lang, "doc-compare-attention", count = attention as i64)
        },
        compared,
        attention,
        reading: m.as_ref().map(|m| reading(lang, m)),
        features: d
            .entry
            .features
            .iter()
            .map(|(f, v)| {
                (
                    f.label(lang).to_string(),
                    v.label(lang).to_string(),
                    match v {
                        FeatureFinding::Failed => "differs",
                        FeatureFinding::Passed => "agrees",
                        FeatureFinding::NotChecked => "unknown",
                    },
                )
            })
            .collect(),
        notes: d.entry.notes.clone(),
        photo: d.photo_file_id.map(|p| format!("{back}/files/{p}")),
        may_edit,
        action: format!("{back}/documents/{}", d.id),
        form,
        conflict,
        case_reference: access.case.reference(),
        back,
        chrome,
    })
}

/// `GET /cases/{number}/persons/{person}/documents/{document}`: the document, opened (read
/// audited), for whom reads the person's identity in the case.
pub(crate) async fn document_page(
    State(state): State<AppState>,
    Path((_, _, document)): Path<(String, String, String)>,
    user: CurrentUser,
    access: CasePersonAccess,
) -> Result<Response, AppError> {
    let d = document_in(&state, &user, &access, &document).await?;
    let photos = photos(&state, &access, user.lang).await?;
    let form = view(user.lang, &posted_of(&d), photos, d.version);
    let page = document_page_of(&state, &user, &access, &d, form, false).await?;
    Ok(render(&page).into_response())
}

/// `POST /cases/{number}/persons/{person}/documents/{document}`: change the record from the
/// version the form was filled against (a change made meanwhile is a 409 with both shown).
pub(crate) async fn update(
    State(state): State<AppState>,
    Path((_, _, document)): Path<(String, String, String)>,
    access: CasePersonAccess,
    CsrfForm { user, form }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let d = document_in(&state, &user, &access, &document).await?;
    let posted = Posted { fields: form };
    let version: i64 = posted.get("version").parse().unwrap_or(0);
    let photos = photos(&state, &access, lang).await?;
    let mut fv = view(lang, &posted, photos, version);
    if posted.get("action") == "read" {
        read_photo(&state, &user, &access, posted.get("photo"), &mut fv).await?;
        let page = document_page_of(&state, &user, &access, &d, fv, false).await?;
        return Ok(render(&page).into_response());
    }
    let invalid = |fv: FormView| async {
        let page = document_page_of(&state, &user, &access, &d, fv, false).await?;
        Ok::<_, AppError>((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
    };
    let Ok(photo) = chosen_photo(lang, &posted, &mut fv) else {
        return invalid(fv).await;
    };
    let entry = match DocumentEntry::parse(&posted.form(), chrono::Utc::now().date_naive()) {
        Ok(e) => e,
        Err(e) => {
            fv.errors = error_words(lang, &e);
            return invalid(fv).await;
        }
    };
    match state
        .store
        .update_document(&user.actor(), d.id, version, &entry, photo)
        .await
    {
        Ok(d) => Ok(
            Redirect::to(&format!("{}/documents/{}", person_link(&access), d.id)).into_response(),
        ),
        Err(tabara_store::StoreError::Conflict { .. }) => {
            fv.version = d.version;
            let page = document_page_of(&state, &user, &access, &d, fv, true).await?;
            Ok((StatusCode::CONFLICT, render(&page)).into_response())
        }
        Err(tabara_store::StoreError::Invalid(e)) => {
            fv.errors = error_words(lang, &e);
            invalid(fv).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(askama::Template)]
#[template(path = "suspect_documents.html")]
struct SuspectPage {
    chrome: Chrome,
    rows: Vec<DocRow>,
}

/// `GET /documents/suspect`: the suspect documents of the cases within the reader's reach
/// (an outcome other than genuine, or on the lost list when recorded), most recently changed
/// first; anyone but the roles that check documents gets the 404 of a missing page. Nothing
/// that identifies a holder is shown; each links to the document for whom may open it.
pub(crate) async fn suspect_page(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    if !super::reads_lost_list(user.user.role) {
        return Err(AppError::NotFound(user.lang));
    }
    let chrome = user.chrome("/documents/suspect");
    let mut rows = Vec::new();
    let mut relations = std::collections::HashMap::new();
    for d in state.store.suspect_documents(500).await? {
        let relation = match relations.get(&d.case_id) {
            Some(r) => *r,
            None => {
                let r = state.store.relation(&user.viewer, d.case_id).await?;
                relations.insert(d.case_id, r);
                r
            }
        };
        if !decide(user.user.role, Action::ReadCase, relation).allowed() {
            continue;
        }
        rows.push(doc_row(&chrome, user.lang, &d, true));
    }
    Ok(render(&SuspectPage { chrome, rows }).into_response())
}
