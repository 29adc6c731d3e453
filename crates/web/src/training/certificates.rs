//! Certificates: issued to every participant who completed, printed one by one or per
//! session (PDF with a verification code and link), revoked with a reason; and a signed-in
//! user's own certificates.

use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tabara_core::Lang;
use tabara_core::ids::{CertificateId, OrganisationId};
use tabara_store::{CertificateRecord, StoreError};

use super::register::{SessionNotice, session_page};
use super::verify::verify_url;
use super::{curriculum, dates};
use crate::access::{CertificateAccess, CsrfForm, CurrentUser, SessionAccess};
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, render};

/// `POST /training/sessions/{id}/certificates`: a certificate for every participant who
/// completed and has none valid.
pub(super) async fn issue_certificates(
    State(state): State<AppState>,
    access: SessionAccess,
    CsrfForm { user, .. }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let id = access.session.id;
    let actor = user.actor();
    for p in state.store.participants(id).await? {
        match state.store.issue_certificate(&actor, p.id).await {
            Ok(_) | Err(StoreError::Invalid(_) | StoreError::Duplicate { .. }) => {}
            Err(e) => return Err(e.into()),
        }
    }
    // No figure travels in the address: the notice counts the register's valid certificates.
    Ok(SessionNotice::link(id, "issued", ""))
}

async fn certificate_doc(
    state: &AppState,
    headers: &HeaderMap,
    lang: Lang,
    cert: &CertificateRecord,
) -> Result<tabara_pdf::Certificate, AppError> {
    let c = curriculum(lang)?;
    let p = state.store.participant(cert.participant_id).await?;
    let s = state.store.training_session(cert.session_id).await?;
    let directory = state.directory().await?;
    let org = |id: OrganisationId| {
        directory
            .organisations
            .iter()
            .find(|o| o.id == id)
            .map(|o| o.name.clone())
            .unwrap_or_default()
    };
    let t = |k: &str| tabara_i18n::catalogue().text(lang, k, &[]);
    let mut signatories: Vec<(String, String)> = s
        .trainers
        .iter()
        .take(2)
        .map(|n| (n.clone(), t("cert-trainer")))
        .collect();
    signatories.push((org(s.organiser_id), t("cert-organiser")));
    Ok(tabara_pdf::Certificate {
        holder: p.full_name.clone(),
        holder_detail: [p.rank.clone(), p.unit.clone()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", "),
        session: s.title.clone(),
        when_where: format!("{}, {}", dates(lang, &s), s.venue),
        modules: s
            .modules
            .iter()
            .filter_map(|m| {
                c.module(&m.module)
                    .map(|cm| (cm.title.get(lang).to_string(), cm.hours))
            })
            .collect(),
        issuer: org(s.organiser_id),
        signatories,
        code: cert.code.clone(),
        verify_url: verify_url(state, headers, &cert.code),
        labels: tabara_pdf::CertificateLabels {
            title: t("cert-title"),
            certifies: t("cert-certifies"),
            completed: t("cert-completed"),
            modules: t("cert-modules"),
            hours: t("cert-hours"),
            total: t("cert-total"),
            issued_by: t("cert-issued-by"),
            code: t("cert-code"),
            verify_at: t("cert-verify-at"),
        },
    })
}

fn pdf_response(bytes: Vec<u8>, filename: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

/// `GET /training/certificates/{id}/pdf`: for trainers, and for the participant whose account
/// it was issued to.
pub(super) async fn certificate_pdf(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    access: CertificateAccess,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let cert = access.certificate;
    if cert.revoked_at.is_some() {
        return Err(AppError::NotFound(lang));
    }
    let doc = certificate_doc(&state, &headers, lang, &cert).await?;
    Ok(pdf_response(
        tabara_pdf::certificates(&[doc]),
        &format!("certificate-{}.pdf", cert.code),
    ))
}

/// `GET /training/sessions/{id}/certificates.pdf`: every valid certificate of a session, one
/// page each, to print in one go.
pub(super) async fn session_certificates_pdf(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    access: SessionAccess,
) -> Result<Response, AppError> {
    let id = access.session.id;
    let mut docs = Vec::new();
    for cert in state
        .store
        .session_certificates(id)
        .await?
        .iter()
        .filter(|c| c.revoked_at.is_none())
    {
        docs.push(certificate_doc(&state, &headers, user.lang, cert).await?);
    }
    docs.sort_by(|a, b| a.holder.cmp(&b.holder));
    Ok(pdf_response(
        tabara_pdf::certificates(&docs),
        "certificates.pdf",
    ))
}

/// The revocation form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct RevokeForm {
    reason: String,
}

/// `POST /training/certificates/{id}/revoke`.
pub(super) async fn revoke(
    State(state): State<AppState>,
    access: CertificateAccess,
    CsrfForm { user, form }: CsrfForm<RevokeForm>,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let cert = access.certificate;
    let id = cert.id;
    match state
        .store
        .revoke_certificate(&user.actor(), id, &form.reason)
        .await
    {
        Ok(_) => Ok(SessionNotice::link(cert.session_id, "revoked", "")),
        Err(StoreError::Invalid(v)) => {
            let msg = if v.0.iter().any(|f| f.rule == "control_characters") {
                tabara_i18n::t!(lang, "rule-control-characters")
            } else {
                tabara_i18n::t!(lang, "training-revoke-reason-needed")
            };
            session_page(&state, &user, cert.session_id, Some(msg), None).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(askama::Template)]
#[template(path = "my_certificates.html")]
struct MyCertificatesPage {
    chrome: Chrome,
    certificates: Vec<(CertificateId, String, String, String, bool)>,
}

/// `GET /account/certificates`: the certificates issued to the signed-in user.
pub(super) async fn my_certificates(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let mut rows = Vec::new();
    for c in state.store.user_certificates(user.user.id).await? {
        let s = state.store.training_session(c.session_id).await?;
        rows.push((
            c.id,
            s.title.clone(),
            dates(lang, &s),
            c.code.clone(),
            c.revoked_at.is_some(),
        ));
    }
    Ok(render(&MyCertificatesPage {
        chrome: user.chrome("/account/certificates"),
        certificates: rows,
    }))
}
