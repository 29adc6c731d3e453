//! The dossier for the prosecutor: a PDF of the case summary, the persons with their roles, the
//! offences with their elements and supporting evidence, the evidence with its hashes and
//! chain of custody, the custody and rights record, and the timeline; page numbers and the
//! dossier's content hash (SHA-256 of its text) on every page. An item whose file no longer
//! matches its hash stops the dossier unless the maker states it, and then it says so loudly
//! on the item. Sending it is an audited share with a prosecutor's office, whose prosecutors
//! then read that dossier and nothing more of the case.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use sha2::{Digest as _, Sha256};
use tabara_core::Lang;
use tabara_core::Picklist;
use tabara_core::ids::OrganisationId;
use tabara_core::records::{Involvement, PersonRole, case_reference};
use tabara_core::role::Role;
use tabara_i18n::t;
use tabara_pdf::ReportLine::{self, Heading, Text};
use tabara_store::{Actor, CasePerson, InvestigationFile, Store, StoreError};

use super::file::{
    InvForm, clock_words, evidence_lines, offence_lines, suspects, timeline_words, tz_in,
};
use super::local;
use crate::access::{CaseAccess, CsrfForm, CurrentUser, DossierAccess};
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, format_datetime, render};

/// A dossier: its PDF, content hash and number of pages.
pub struct DossierPdf {
    /// The PDF.
    pub pdf: Vec<u8>,
    /// SHA-256 of the dossier's text, in hex.
    pub content_hash: String,
    /// Its pages.
    pub pages: usize,
    /// Its lines (for checks).
    pub lines: Vec<ReportLine>,
}

/// The names of the persons the dossier names: suspects and witnesses by their identity (each
/// read audited for `actor`), victims by number only (the dossier refers to them without it).
async fn person_lines(
    store: &Store,
    actor: &Actor,
    lang: Lang,
    persons: &[CasePerson],
) -> Result<Vec<ReportLine>, StoreError> {
    let mut out = Vec::new();
    let mut victims = 0;
    let mut suspects_seen = 0;
    for cp in persons {
        let role = cp.involvement.role();
        let facts = &cp.person.facts;
        let about = t!(
            lang,
            "dossier-person-facts",
            gender = facts.gender.label(lang),
            age = facts
                .age_at_registration
                .map(|a| a.to_string())
                .unwrap_or_else(|| "—".into())
        );
        let line = match role {
            PersonRole::Victim => {
                victims += 1;
                t!(
                    lang,
                    "dossier-victim-n",
                    n = victims.to_string(),
                    facts = about
                )
            }
            PersonRole::Suspect | PersonRole::Witness => {
                let (identity, _) = store.read_identity(actor, cp.person.id).await?;
                let name = identity.display_name();
                let mut l = format!("{} — {name} ({about})", role.label(lang));
                if role == PersonRole::Suspect {
                    suspects_seen += 1;
                    l = format!(
                        "{} — {name} ({about})",
                        t!(lang, "inv-suspect-n", n = suspects_seen.to_string())
                    );
                    if let Involvement::Suspect(ctx) = &cp.involvement {
                        let roles: Vec<&str> = ctx.roles.iter().map(|r| r.label(lang)).collect();
                        if !roles.is_empty() {
                            l.push_str(&format!(" · {}", roles.join(", ")));
                        }
                    }
                }
                l
            }
            PersonRole::Other => format!("{} ({about})", role.label(lang)),
        };
        out.push(Text(line));
    }
    Ok(out)
}

/// Make the dossier of an investigation in `lang`, for `actor` (whose reads of the suspects'
/// and witnesses' identities are audited). Items whose file mismatched are stated.
pub async fn dossier_pdf(
    store: &Store,
    actor: &Actor,
    lang: Lang,
    case: &tabara_core::records::Case,
    file: &InvestigationFile,
) -> Result<DossierPdf, StoreError> {
    let inv = &file.investigation;
    let tz = tz_in(store, &inv.jurisdiction);
    let persons = store.case_persons(case.id).await?;
    let suspect_lines = suspects(lang, &persons);
    let reference = case_reference(case.number);
    let mut lines = vec![Text(store.legal_catalogue().notice.get(lang).to_string())];
    lines.push(Heading(t!(lang, "dossier-summary")));
    lines.push(Text(t!(
        lang,
        "dossier-summary-line",
        case = reference.as_str(),
        opened = case.facts.opened_on.to_string(),
        status = case.facts.status.label(lang),
        investigation = inv.status.label(lang)
    )));
    lines.push(Text(t!(
        lang,
        "dossier-lead",
        lead = store
            .user(inv.lead_id)
            .await
            .map(|u| u.display_name)
            .unwrap_or_default()
    )));
    lines.push(Heading(t!(lang, "dossier-persons")));
    lines.extend(person_lines(store, actor, lang, &persons).await?);
    lines.push(Heading(t!(lang, "dossier-offences")));
    let offences = offence_lines(store, lang, file, &suspect_lines);
    if offences.is_empty() {
        lines.push(Text("—".into()));
    }
    for o in &offences {
        lines.push(Text(format!("{} — {} ({})", o.suspect, o.title, o.article)));
        if !o.aggravating.is_empty() {
            lines.push(Text(t!(
                lang,
                "dossier-aggravating",
                list = o.aggravating.as_str()
            )));
        }
        lines.push(Text(t!(
            lang,
            "dossier-penalty",
            penalty = o.penalty.as_str()
        )));
        for e in &o.elements {
            lines.push(Text(format!("  {}: {}", e.element, e.support)));
            for f in &e.facts {
                lines.push(Text(format!("    – {f}")));
            }
        }
        if !o.lacking.is_empty() {
            lines.push(Text(t!(lang, "dossier-lacking", list = o.lacking.as_str())));
        }
    }
    lines.push(Heading(t!(lang, "dossier-evidence")));
    let evidence = evidence_lines(lang, file, tz);
    if evidence.is_empty() {
        lines.push(Text("—".into()));
    }
    for e in &evidence {
        lines.push(Text(format!("{} — {}: {}", e.label, e.kind, e.description)));
        if e.mismatch {
            lines.push(Text(t!(lang, "dossier-mismatch", item = e.label.as_str())));
        }
        lines.push(Text(e.obtained.clone()));
        lines.push(Text(t!(
            lang,
            "dossier-evidence-held",
            storage = e.storage.as_str(),
            holder = e.holder.as_str(),
            state = e.state.as_str()
        )));
        if !e.sha256.is_empty() {
            lines.push(Text(format!("SHA-256 {}", e.sha256)));
        }
        for ev in &e.chain {
            lines.push(Text(t!(
                lang,
                "dossier-custody-event",
                at = ev.at.as_str(),
                kind = ev.kind.as_str(),
                from = ev.from.as_str(),
                to = ev.to.as_str(),
                reason = ev.reason.as_str(),
                check = ev.check.as_str(),
                entry = ev.audit_seq.to_string()
            )));
        }
    }
    lines.push(Heading(t!(lang, "dossier-custody")));
    if file.custodies.is_empty() {
        lines.push(Text("—".into()));
    }
    let now = Utc::now();
    for c in &file.custodies {
        let who = suspect_lines
            .iter()
            .find(|s| s.id == c.person_id.to_string())
            .map(|s| s.label.clone())
            .unwrap_or_default();
        let (clock, _) = clock_words(lang, c, now);
        lines.push(Text(t!(
            lang,
            "dossier-custody-line",
            suspect = who,
            started = local(c.custody.started_at, tz),
            deadline = local(c.deadline(), tz),
            clock = clock,
            place = c.place.as_str()
        )));
        for x in &c.extensions {
            lines.push(Text(t!(
                lang,
                "dossier-extension",
                hours = x.hours.to_string(),
                by = x.authorised_by.as_str(),
                reference = x.reference.as_str(),
                at = local(x.authorised_at, tz)
            )));
        }
        for r in &c.rights {
            lines.push(Text(format!(
                "  {} · {} · {}{}",
                local(r.at, tz),
                r.right.label(lang),
                r.status.label(lang),
                r.language
                    .as_deref()
                    .map(|l| format!(" ({l})"))
                    .unwrap_or_default()
            )));
        }
    }
    lines.push(Heading(t!(lang, "dossier-timeline")));
    for e in &file.timeline {
        lines.push(Text(format!(
            "{}  {}",
            local(e.at, tz),
            timeline_words(lang, &e.kind, &e.words)
        )));
    }
    let title = t!(lang, "dossier-title", case = reference.as_str());
    let mut hasher = Sha256::new();
    hasher.update(title.as_bytes());
    for l in &lines {
        match l {
            Heading(h) => hasher.update(format!("\nH {h}").as_bytes()),
            Text(x) => hasher.update(format!("\nT {x}").as_bytes()),
        }
    }
    let content_hash = hex::encode(hasher.finalize());
    let footer = t!(
        lang,
        "dossier-footer",
        case = reference.as_str(),
        hash = content_hash.as_str()
    );
    let (pdf, pages) = tabara_pdf::report_paged(&title, &footer, &lines);
    Ok(DossierPdf {
        pdf,
        content_hash,
        pages,
        lines,
    })
}

/// `POST /cases/{number}/investigation/dossiers`: make and keep a dossier.
pub(crate) async fn make(
    State(state): State<AppState>,
    access: CaseAccess,
    CsrfForm { user, form }: CsrfForm<InvForm>,
) -> Result<Response, AppError> {
    let inv = match super::file::investigation(&state, &access).await {
        Ok(inv) => inv,
        Err(e) => {
            return super::file::after::<()>(&state, &user, &access, form, Err(e), "dossiers")
                .await;
        }
    };
    let file = state.store.investigation_file(inv.id).await?;
    let items: Vec<(String, bool)> = file
        .evidence
        .iter()
        .map(|e| (e.label(), e.mismatch_at.is_some()))
        .collect();
    let stated = form.acknowledged();
    let r = match tabara_core::investigation::evidence::dossier_check(&items, stated) {
        Err(e) => Err(StoreError::Invalid(e)),
        Ok(()) => {
            let d =
                dossier_pdf(&state.store, &user.actor(), user.lang, &access.case, &file).await?;
            state
                .store
                .record_dossier(
                    &user.actor(),
                    inv.id,
                    &d.content_hash,
                    &d.pdf,
                    d.pages as i64,
                    items.iter().any(|(_, m)| *m),
                )
                .await
        }
    };
    super::file::after(&state, &user, &access, form, r, "dossiers").await
}

/// `GET /dossiers/{id}`: the PDF (audited `dossier.read`).
pub(crate) async fn download(
    State(state): State<AppState>,
    user: CurrentUser,
    access: DossierAccess,
) -> Result<Response, AppError> {
    let (d, pdf) = state
        .store
        .read_dossier(&user.actor(), access.dossier.id)
        .await?;
    Ok(pdf_response(access.case_number, &d, pdf))
}

/// A dossier's PDF as a download named after its case and the start of its content hash.
pub(crate) fn pdf_response(case_number: i64, d: &tabara_store::Dossier, pdf: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"dossier-{}-{}.pdf\"",
                    case_reference(case_number),
                    &d.content_hash[..12]
                ),
            ),
        ],
        pdf,
    )
        .into_response()
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct SendForm {
    organisation: String,
}

/// `POST /dossiers/{id}/send`: to a prosecutor's office.
pub(crate) async fn send(
    State(state): State<AppState>,
    access: DossierAccess,
    CsrfForm { user, form }: CsrfForm<SendForm>,
) -> Result<Response, AppError> {
    let back = format!("/cases/{}/investigation#dossiers", access.case_number);
    let Ok(org) = form.organisation.trim().parse().map(OrganisationId) else {
        return Ok(Redirect::to(&back).into_response());
    };
    match state
        .store
        .send_dossier(&user.actor(), access.dossier.id, org)
        .await
    {
        Ok(_) => Ok(Redirect::to(&back).into_response()),
        Err(StoreError::Invalid(v)) => {
            let page = DossierRefused {
                chrome: user.chrome(&back),
                back,
                errors: v
                    .0
                    .iter()
                    .map(|e| crate::view::FormErrors::new(user.lang, v.clone()).text(e.field))
                    .collect(),
            };
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(askama::Template)]
#[template(path = "dossier_refused.html")]
struct DossierRefused {
    chrome: Chrome,
    back: String,
    errors: Vec<String>,
}

#[derive(askama::Template)]
#[template(path = "dossiers.html")]
struct DossiersPage {
    chrome: Chrome,
    lines: Vec<(String, String, String, String, i64)>,
}

/// `GET /dossiers`: the dossiers sent to a prosecutor's office, for its prosecutors.
pub(crate) async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    if user.user.role != Role::Prosecutor {
        return Err(AppError::NotFound(user.lang));
    }
    let lang = user.lang;
    let lines = state
        .store
        .dossiers_sent_to(user.user.organisation_id, 500)
        .await?
        .into_iter()
        .map(|(d, number)| {
            (
                d.id.to_string(),
                case_reference(number),
                d.sent_at
                    .map(|t| format_datetime(lang, t))
                    .unwrap_or_default(),
                d.content_hash,
                d.pages,
            )
        })
        .collect();
    Ok(render(&DossiersPage {
        chrome: user.chrome("/dossiers"),
        lines,
    }))
}
