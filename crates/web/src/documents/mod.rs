//! Travel documents (issue 15). The machine-readable zone check: paste or type a zone and see
//! every field laid out with its check digit, each problem marked where it is, the warnings,
//! and the misreadings the check digits prove (shown, never applied). Nothing is stored; the
//! document is looked up on the lost, stolen and fraudulent documents list (a hit audited),
//! and nothing else of the register is read, so any signed-in user may check a zone.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tabara_core::Lang;
use tabara_core::mrz::{self, Mrz, Options};
use tabara_i18n::documents as words;

use axum::extract::State;
use tabara_core::permissions::{Action, decide_identity};

use crate::access::{Access, Body, CasePersonAccess, CsrfForm, CurrentUser, Kind, Routes};
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, render};

pub(crate) mod records;

/// The pages of travel documents.
pub(crate) fn router() -> Routes {
    let person = |action| Access::Record(Kind::CasePerson, action);
    Routes::new()
        .get("/documents/check", Access::SignedIn, check_page)
        .post("/documents/check", Access::SignedIn, Body::Form, check)
        .post("/documents/read", Access::SignedIn, Body::Multipart, read)
        .get("/documents/lost", Access::SignedIn, lost_page)
        .get(
            "/documents/suspect",
            Access::SignedIn,
            records::suspect_page,
        )
        .get(
            "/cases/{number}/persons/{person}/documents/new",
            person(Action::EditCase),
            records::new_page,
        )
        .post(
            "/cases/{number}/persons/{person}/documents",
            person(Action::EditCase),
            Body::Form,
            records::create,
        )
        .get(
            "/cases/{number}/persons/{person}/documents/{document}",
            person(Action::ReadIdentity),
            records::document_page,
        )
        .post(
            "/cases/{number}/persons/{person}/documents/{document}",
            person(Action::EditCase),
            Body::Form,
            records::update,
        )
        .post(
            "/cases/{number}/persons/{person}/documents/compare",
            Access::Record(Kind::CasePerson, Action::ReadCase),
            Body::Form,
            compare,
        )
}

/// One character of the zone as shown: its text, and the problem there, if any.
pub(crate) struct Cell {
    pub c: char,
    /// The problem at this place, in words (the cell's title).
    pub problem: Option<String>,
    /// A repair offered here.
    pub suggested: bool,
}

/// A field row: label, value, and its check digit's verdict.
pub(crate) struct Row {
    pub label: String,
    pub value: String,
    /// `Some(true)` agrees, `Some(false)` does not, `None` no check digit of its own.
    pub ok: Option<bool>,
    pub check: String,
}

/// A zone read, in the reader's words.
pub(crate) struct Reading {
    pub format: String,
    pub valid: bool,
    pub verdict: String,
    pub lines: Vec<Vec<Cell>>,
    pub rows: Vec<Row>,
    pub problems: Vec<String>,
    pub warnings: Vec<String>,
    pub suggestions: Vec<String>,
}

/// The words of a zone read, for a page.
pub(crate) fn reading(lang: Lang, m: &Mrz) -> Reading {
    let lines = m
        .lines
        .iter()
        .enumerate()
        .map(|(l, text)| {
            text.chars()
                .enumerate()
                .map(|(p, c)| Cell {
                    c,
                    problem: m
                        .problems
                        .iter()
                        .find(|x| x.line == l + 1 && x.position == p + 1)
                        .map(|x| words::problem_text(lang, x)),
                    suggested: m
                        .suggestions
                        .iter()
                        .any(|s| s.line == l + 1 && s.position == p + 1),
                })
                .collect()
        })
        .collect();
    let rows = words::field_rows(lang, m)
        .into_iter()
        .map(|(label, value, check)| Row {
            label,
            value,
            ok: check.map(|c| c.ok),
            check: check
                .map(|c| words::check_text(lang, c))
                .unwrap_or_default(),
        })
        .collect();
    Reading {
        format: words::format_label(lang, m.format),
        valid: m.is_valid(),
        verdict: words::verdict(lang, m),
        lines,
        rows,
        problems: m
            .problems
            .iter()
            .map(|p| words::problem_text(lang, p))
            .collect(),
        warnings: m
            .warnings
            .iter()
            .map(|w| words::warning_text(lang, w))
            .collect(),
        suggestions: m
            .suggestions
            .iter()
            .map(|s| words::suggestion_text(lang, s))
            .collect(),
    }
}

/// The document read, looked up on the lost, stolen and fraudulent documents list by its
/// issuing state and number (a hit is audited in `actor`'s name).
pub(crate) async fn lost_entry(
    state: &AppState,
    actor: &tabara_store::Actor,
    m: &Mrz,
) -> Result<Option<tabara_store::documents::LostDocument>, tabara_store::StoreError> {
    let f = &m.fields;
    if f.document_number.is_empty() || f.issuing_state.is_empty() {
        return Ok(None);
    }
    state
        .store
        .check_lost_document(actor, &f.issuing_state, &f.document_number)
        .await
}

/// The same, as the warning in words.
pub(crate) async fn lost_warning(
    state: &AppState,
    actor: &tabara_store::Actor,
    lang: Lang,
    m: &Mrz,
) -> Result<Option<String>, tabara_store::StoreError> {
    Ok(lost_entry(state, actor, m)
        .await?
        .map(|d| lost_text(lang, &d)))
}

/// An entry of the list in words.
pub(crate) fn lost_text(lang: Lang, d: &tabara_store::documents::LostDocument) -> String {
    use tabara_core::Picklist;
    let reason = tabara_core::documents::LostReason::parse(&d.reason)
        .map(|r| r.label(lang).to_string())
        .unwrap_or_else(|_| d.reason.clone());
    tabara_i18n::t!(
        lang,
        "lost-hit",
        state = d.issuing_state.as_str(),
        number = d.number.as_str(),
        reason = reason,
        date = d.reported_on.to_string(),
        source = d.source.as_str()
    )
}

#[derive(askama::Template)]
#[template(path = "mrz_check.html")]
struct CheckPage {
    chrome: Chrome,
    /// The user reads the lost and stolen list (a link to it).
    reads_list: bool,
    /// On the lost, stolen and fraudulent documents list: the warning.
    lost: Option<String>,
    zone: String,
    specimen: bool,
    /// Not a zone at all: why.
    unrecognised: Vec<String>,
    reading: Option<Reading>,
    /// After a photo was read: what the reader did, for the officer to confirm.
    scan_notes: Vec<String>,
}

impl CheckPage {
    /// The empty form.
    fn empty(user: &CurrentUser) -> CheckPage {
        CheckPage {
            chrome: user.chrome("/documents/check"),
            reads_list: reads_lost_list(user.user.role),
            lost: None,
            zone: String::new(),
            specimen: false,
            unrecognised: Vec::new(),
            reading: None,
            scan_notes: Vec::new(),
        }
    }
}

/// `GET /documents/check`: the empty form.
async fn check_page(user: CurrentUser) -> Response {
    render(&CheckPage::empty(&user)).into_response()
}

/// The zone to check.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct CheckForm {
    zone: String,
    /// Training: accept the specimen state UTO.
    specimen: Option<String>,
}

/// The longest zone text accepted (three lines of 30 with generous white space).
const MAX_ZONE: usize = 400;

/// `POST /documents/check`: the zone read (posted, not in the address: a zone holds a name,
/// a birth date and a document number). 200 when it is a valid zone, 422 otherwise.
async fn check(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<CheckForm>,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let zone: String = form.zone.chars().take(MAX_ZONE).collect();
    let specimen = form.specimen.is_some();
    let options = Options {
        allow_specimen: specimen,
        ..Options::default()
    };
    let mut lost = None;
    let (status, reading, unrecognised) = if zone.trim().is_empty() {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            vec![tabara_i18n::t!(lang, "mrz-nothing-pasted")],
        )
    } else {
        match mrz::parse_with(&zone, &options) {
            Ok(m) => {
                lost = lost_warning(&state, &user.actor(), lang, &m).await?;
                (
                    if m.is_valid() {
                        StatusCode::OK
                    } else {
                        StatusCode::UNPROCESSABLE_ENTITY
                    },
                    Some(reading(lang, &m)),
                    Vec::new(),
                )
            }
            Err(e) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                e.problems
                    .iter()
                    .map(|p| words::problem_text(lang, p))
                    .collect(),
            ),
        }
    };
    Ok((
        status,
        render(&CheckPage {
            chrome: user.chrome("/documents/check"),
            reads_list: reads_lost_list(user.user.role),
            lost,
            zone,
            specimen,
            unrecognised,
            reading,
            scan_notes: Vec::new(),
        }),
    )
        .into_response())
}

/// A comparison of the zone with the record, for the page.
pub(crate) struct Compared {
    /// `agrees`, `normalised`, `close`, `differs`, `unknown`: the row's class.
    pub class: &'static str,
    pub text: String,
}

#[derive(askama::Template)]
#[template(path = "document_compare.html")]
struct ComparePage {
    chrome: Chrome,
    back: String,
    case_reference: String,
    unrecognised: Vec<String>,
    reading: Option<Reading>,
    compared: Vec<Compared>,
    /// How many findings need the officer's attention.
    attention: usize,
    /// That, in words.
    attention_text: String,
    /// On the lost, stolen and fraudulent documents list: the warning.
    lost: Option<String>,
}

/// `POST /cases/{number}/persons/{person}/documents/compare`: a zone against the person's
/// record (names after transliteration and in any order, date of birth, sex, nationality,
/// expiry, issuer). It needs the identity, whose read is audited as on the person's page; a
/// role that may not read it is refused. Nothing is stored.
async fn compare(
    State(state): State<AppState>,
    access: CasePersonAccess,
    CsrfForm { user, form }: CsrfForm<CheckForm>,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let role = access.person.involvement.role();
    if !decide_identity(user.user.role, access.relation, role).allowed() {
        return Err(AppError::Forbidden(lang));
    }
    let zone: String = form.zone.chars().take(MAX_ZONE).collect();
    let back = format!(
        "/cases/{}/persons/{}",
        access.case.number, access.person.person.id
    );
    let chrome = user.chrome(&back);
    let mut page = ComparePage {
        chrome,
        back,
        case_reference: access.case.reference(),
        unrecognised: Vec::new(),
        reading: None,
        compared: Vec::new(),
        attention: 0,
        attention_text: String::new(),
        lost: None,
    };
    let m = match mrz::parse_with(&zone, &Options::default()) {
        Ok(m) => m,
        Err(e) => {
            page.unrecognised = if zone.trim().is_empty() {
                vec![tabara_i18n::t!(lang, "mrz-nothing-pasted")]
            } else {
                e.problems
                    .iter()
                    .map(|p| words::problem_text(lang, p))
                    .collect()
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response());
        }
    };
    let person = &access.person.person;
    let (identity, _) = state.store.read_identity(&user.actor(), person.id).await?;
    let today = chrono::Utc::now().date_naive();
    (page.compared, page.attention) = compared_rows(lang, &m, &identity, person, today);
    page.attention_text = if page.attention == 0 {
        tabara_i18n::t!(lang, "doc-compare-nothing")
    } else {
        tabara_i18n::t!(lang, "doc-compare-attention", count = page.attention as i64)
    };
    page.lost = lost_warning(&state, &user.actor(), lang, &m).await?;
    page.reading = Some(reading(lang, &m));
    Ok(render(&page).into_response())
}

/// A zone against the person's record: the findings in words, and how many need attention.
pub(crate) fn compared_rows(
    lang: Lang,
    m: &Mrz,
    identity: &tabara_core::records::PersonIdentity,
    person: &tabara_core::records::Person,
    today: chrono::NaiveDate,
) -> (Vec<Compared>, usize) {
    use tabara_core::documents::Outcome;
    let holder = tabara_core::documents::Holder {
        first_name: identity.first_name.as_deref(),
        middle_name: identity.middle_name.as_deref(),
        second_name: identity.second_name.as_deref(),
        birthdate: identity.birthdate,
        gender: person.facts.gender,
        citizenship: &person.facts.citizenship,
    };
    let cut = m
        .warnings
        .iter()
        .any(|w| w.kind == tabara_core::mrz::WarningKind::PossiblyTruncatedName);
    let findings = tabara_core::documents::compare(&m.fields, &holder, cut, today);
    let attention = findings
        .iter()
        .filter(|f| f.outcome.needs_attention())
        .count();
    let rows = findings
        .iter()
        .map(|f| Compared {
            class: match f.outcome {
                Outcome::Agrees => "agrees",
                Outcome::AgreesAfterNormalising => "normalised",
                Outcome::Close => "close",
                Outcome::Differs => "differs",
                Outcome::Unknown => "unknown",
            },
            text: words::finding_text(lang, f),
        })
        .collect();
    (rows, attention)
}

/// Read the zone from a photo's bytes, off the request threads (the reader takes a
/// fraction of a second of CPU).
pub(crate) async fn scan(
    bytes: Vec<u8>,
) -> Result<tabara_mrzscan::Scan, tabara_mrzscan::ScanError> {
    tokio::task::spawn_blocking(move || {
        tabara_mrzscan::read_photo(&bytes, &tabara_core::mrz::Options::default())
    })
    .await
    .unwrap_or(Err(tabara_mrzscan::ScanError::NoZone))
}

/// A photo's reading for programs (the API and `tabara mrz read --json`): the lines as read
/// and as corrected, the corrections with the check digits that prove each, the places least
/// certain, the skew levelled.
pub fn scan_json(s: &tabara_mrzscan::Scan) -> serde_json::Value {
    let corrections: Vec<serde_json::Value> = s
        .corrections
        .iter()
        .map(|c| {
            serde_json::json!({"line": c.line, "position": c.position,
                "read": c.read.to_string(), "corrected": c.corrected.to_string(),
                "proven_by": c.proven_by.iter().map(|k| k.describe()).collect::<Vec<_>>()})
        })
        .collect();
    let uncertain: Vec<serde_json::Value> = s
        .uncertain
        .iter()
        .map(|(l, p)| serde_json::json!({"line": l, "position": p}))
        .collect();
    serde_json::json!({
        "as_read": s.read,
        "lines": s.lines,
        "corrections": corrections,
        "uncertain": uncertain,
        "skew_degrees": (s.skew_degrees * 100.0).round() / 100.0,
    })
}

/// What the reader did, for the officer: each correction the check digits proved, and the
/// places it was least sure of.
pub fn scan_notes(lang: Lang, s: &tabara_mrzscan::Scan) -> Vec<String> {
    let mut out = vec![tabara_i18n::t!(lang, "mrz-photo-confirm")];
    for c in &s.corrections {
        out.push(tabara_i18n::t!(
            lang,
            "mrz-photo-corrected",
            line = c.line as i64,
            position = c.position as i64,
            read = c.read.to_string(),
            corrected = c.corrected.to_string()
        ));
    }
    if !s.uncertain.is_empty() {
        let places: Vec<String> = s
            .uncertain
            .iter()
            .take(12)
            .map(|(l, p)| format!("{l}:{p}"))
            .collect();
        out.push(tabara_i18n::t!(
            lang,
            "mrz-photo-uncertain",
            places = places.join(", ")
        ));
    }
    out
}

/// Why nothing was read from a photo, in words.
pub(crate) fn scan_error(lang: Lang, e: &tabara_mrzscan::ScanError) -> String {
    tabara_i18n::t!(lang, &format!("mrz-photo-{}", e.name()))
}

/// `POST /documents/read`: a photo of the document page (fields `csrf`, then `file`), its
/// zone read and shown on the check page for the officer to confirm or correct; nothing is
/// stored. 200 when a zone was read, 422 when none was found or the file is no picture.
async fn read(
    State(state): State<AppState>,
    user: CurrentUser,
    mut form: axum::extract::Multipart,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let first = form.next_field().await.ok().flatten();
    let token = match first {
        Some(f) if f.name() == Some("csrf") => f.text().await.unwrap_or_default(),
        _ => String::new(),
    };
    if !user.csrf_matches(&token) {
        return Err(AppError::Forbidden(lang));
    }
    let limit = state.config.max_upload_bytes as usize;
    let mut bytes = Vec::new();
    let mut too_large = false;
    while let Ok(Some(mut field)) = form.next_field().await {
        if field.name() != Some("file") {
            continue;
        }
        while let Ok(Some(chunk)) = field.chunk().await {
            if bytes.len() + chunk.len() > limit {
                too_large = true;
                break;
            }
            bytes.extend_from_slice(&chunk);
        }
        break;
    }
    let mut page = CheckPage::empty(&user);
    if too_large {
        let mb = (limit / (1024 * 1024)).to_string();
        page.unrecognised = vec![page.chrome.t1("file-error-too_large", "mb", &mb)];
        return Ok((StatusCode::PAYLOAD_TOO_LARGE, render(&page)).into_response());
    }
    if bytes.is_empty() {
        page.unrecognised = vec![tabara_i18n::t!(lang, "mrz-photo-missing")];
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response());
    }
    let s = match scan(bytes).await {
        Ok(s) => s,
        Err(e) => {
            page.unrecognised = vec![scan_error(lang, &e)];
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response());
        }
    };
    page.zone = s.text();
    page.scan_notes = scan_notes(lang, &s);
    if let Ok(m) = mrz::parse_with(&page.zone, &Options::default()) {
        page.lost = lost_warning(&state, &user.actor(), lang, &m).await?;
        page.reading = Some(reading(lang, &m));
    }
    Ok(render(&page).into_response())
}

/// Who reads the lost, stolen and fraudulent documents list: those who check documents at a
/// border post or in an investigation, and their supervisors.
pub(crate) fn reads_lost_list(role: tabara_core::Role) -> bool {
    use tabara_core::Role;
    matches!(role, Role::Officer | Role::Investigator | Role::Supervisor)
}

/// One entry of the list, in words.
pub(crate) struct LostRow {
    pub state: String,
    pub number: String,
    pub reason: String,
    pub reported_on: String,
    pub source: String,
}

#[derive(askama::Template)]
#[template(path = "lost_documents.html")]
struct LostPage {
    chrome: Chrome,
    rows: Vec<LostRow>,
}

/// `GET /documents/lost`: the list, most recently reported first (at most 500); anyone but
/// the roles that check documents gets the 404 of a missing page.
async fn lost_page(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    use tabara_core::Picklist;
    if !reads_lost_list(user.user.role) {
        return Err(AppError::NotFound(user.lang));
    }
    let lang = user.lang;
    let rows = state
        .store
        .lost_documents(500)
        .await?
        .into_iter()
        .map(|d| LostRow {
            reason: tabara_core::documents::LostReason::parse(&d.reason)
                .map(|r| r.label(lang).to_string())
                .unwrap_or_else(|_| d.reason.clone()),
            state: d.issuing_state,
            number: d.number,
            reported_on: d.reported_on.to_string(),
            source: d.source,
        })
        .collect();
    Ok(render(&LostPage {
        chrome: user.chrome("/documents/lost"),
        rows,
    })
    .into_response())
}
