//! A suspect's custody: the clock counting down in the jurisdiction's time (Bujumbura), the
//! extensions with the prosecutor's authorisation, the release or transfer, the rights
//! checklist with its moments, the legal-aid organisation; and the list of everyone in custody.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use tabara_core::Picklist;
use tabara_core::ids::OrganisationId;
use tabara_core::investigation::{CustodyEnd, ExtensionForm, Right, RightForm, RightStatus};
use tabara_core::permissions::{Action, decide};
use tabara_core::records::case_reference;
use tabara_core::role::Role;
use tabara_core::validation::ValidationErrors;
use tabara_i18n::t;
use tabara_store::StoreError;

use super::file::{clock_words, suspects, tz_of};
use super::{local, local_field, local_moment};
use crate::access::{CsrfForm, CurrentUser, CustodyAccess};
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, FormErrors, choices, render};

/// Every field of the custody page's forms.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct CustodyFormFields {
    version: String,
    hours: String,
    authorised_by: String,
    reference: String,
    authorised_at: String,
    how: String,
    ended_at: String,
    transferred_to: String,
    right: String,
    status: String,
    at: String,
    language: String,
    note: String,
    organisation: String,
}

struct RightLine {
    right: String,
    status: String,
    at: String,
    language: String,
    note: String,
    missing: bool,
}

#[derive(askama::Template)]
#[template(path = "custody.html")]
struct CustodyPage {
    chrome: Chrome,
    id: String,
    version: i64,
    case_ref: String,
    case_number: i64,
    show_case: bool,
    suspect: String,
    jurisdiction: String,
    started: String,
    limit_hours: u32,
    deadline: String,
    deadline_iso: String,
    clock: String,
    overdue: bool,
    running: bool,
    place: String,
    legal_basis: String,
    ended: String,
    legal_aid: String,
    extensions: Vec<(String, String, String, String)>,
    checklist: Vec<RightLine>,
    history: Vec<RightLine>,
    may_edit: bool,
    rights: Vec<(&'static str, &'static str)>,
    statuses: Vec<(&'static str, &'static str)>,
    ends: Vec<(&'static str, &'static str)>,
    legal_aid_choices: Vec<(String, String)>,
    now_local: String,
    notice: String,
    form: CustodyFormFields,
    errors: FormErrors,
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    access: &CustodyAccess,
    form: CustodyFormFields,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let c = &access.custody;
    let tz = tz_of(state, &c.jurisdiction);
    let now = Utc::now();
    let (clock, overdue) = clock_words(lang, c, now);
    let persons = state.store.case_persons(c.case_id).await?;
    let suspect = suspects(lang, &persons)
        .into_iter()
        .find(|s| s.id == c.person_id.to_string())
        .map(|s| s.label)
        .unwrap_or_default();
    let may_edit = access
        .relation
        .is_some_and(|r| decide(user.user.role, Action::EditCase, Some(r)).allowed());
    let right_line = |e: &tabara_store::investigations::RightEntry| RightLine {
        right: e.right.label(lang).to_string(),
        status: e.status.label(lang).to_string(),
        at: local(e.at, tz),
        language: e.language.clone().unwrap_or_default(),
        note: e.note.clone().unwrap_or_default(),
        missing: false,
    };
    let entries: Vec<(Right, RightStatus)> = c.rights.iter().map(|r| (r.right, r.status)).collect();
    let checklist = tabara_core::investigation::custody::checklist(&entries)
        .into_iter()
        .map(|(right, latest)| match latest {
            Some(i) => right_line(&c.rights[i]),
            None => RightLine {
                right: right.label(lang).to_string(),
                status: t!(lang, "custody-right-not-recorded"),
                at: String::new(),
                language: String::new(),
                note: String::new(),
                missing: true,
            },
        })
        .collect();
    let directory = state.directory().await?;
    let mut legal_aid_choices = Vec::new();
    if may_edit {
        for o in state.store.organisations_with_role(Role::LegalAid).await? {
            legal_aid_choices.push((o.to_string(), directory.organisation_name(o)));
        }
        legal_aid_choices.sort_by(|a, b| a.1.cmp(&b.1));
        legal_aid_choices.push(("none".to_string(), t!(lang, "custody-legal-aid-none")));
    }
    let ended = match (c.custody.ended_at, c.end_kind) {
        (Some(at), Some(how)) => match &c.transferred_to {
            Some(to) => t!(
                lang,
                "custody-ended-transferred",
                when = local(at, tz),
                to = to.as_str()
            ),
            None => t!(
                lang,
                "custody-ended-how",
                how = how.label(lang),
                when = local(at, tz)
            ),
        },
        _ => String::new(),
    };
    let p = CustodyPage {
        chrome: user.chrome(&format!("/custody/{}", c.id)),
        id: c.id.to_string(),
        version: c.version,
        case_ref: case_reference(access.case.number),
        case_number: access.case.number,
        show_case: access.relation.is_some(),
        suspect,
        jurisdiction: state
            .store
            .legal_catalogue()
            .jurisdiction(&c.jurisdiction)
            .map(|j| j.title.get(lang).to_string())
            .unwrap_or_else(|| c.jurisdiction.clone()),
        started: local(c.custody.started_at, tz),
        limit_hours: c.custody.limit_hours,
        deadline: local(c.deadline(), tz),
        deadline_iso: c.deadline().to_rfc3339(),
        clock,
        overdue,
        running: c.custody.ended_at.is_none(),
        place: c.place.clone(),
        legal_basis: c.legal_basis.clone(),
        ended,
        legal_aid: c
            .legal_aid_id
            .map(|o| directory.organisation_name(o))
            .unwrap_or_default(),
        extensions: c
            .extensions
            .iter()
            .map(|e| {
                (
                    e.hours.to_string(),
                    e.authorised_by.clone(),
                    e.reference.clone(),
                    local(e.authorised_at, tz),
                )
            })
            .collect(),
        checklist,
        history: c.rights.iter().map(right_line).collect(),
        may_edit,
        rights: choices(Right::ALL, lang),
        statuses: choices(RightStatus::ALL, lang),
        ends: choices(CustodyEnd::ALL, lang),
        legal_aid_choices,
        now_local: local_field(now, tz),
        notice: state.store.legal_catalogue().notice.get(lang).to_string(),
        form,
        errors,
    };
    let status = p.errors.status();
    Ok((status, render(&p)).into_response())
}

/// `GET /custody/{id}`.
pub(crate) async fn page_get(
    State(state): State<AppState>,
    user: CurrentUser,
    access: CustodyAccess,
) -> Result<Response, AppError> {
    page(
        &state,
        &user,
        &access,
        CustodyFormFields::default(),
        FormErrors::none(),
    )
    .await
}

async fn after<T>(
    state: &AppState,
    user: &CurrentUser,
    access: &CustodyAccess,
    form: CustodyFormFields,
    result: Result<T, StoreError>,
) -> Result<Response, AppError> {
    let lang = user.lang;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/custody/{}", access.custody.id)).into_response()),
        Err(StoreError::Invalid(v)) => {
            page(state, user, access, form, FormErrors::new(lang, v)).await
        }
        Err(StoreError::Conflict { .. }) => {
            let mut errors = FormErrors::new(lang, ValidationErrors::default());
            errors.banner = Some(t!(lang, "edit-conflict"));
            page(state, user, access, form, errors).await
        }
        Err(other) => Err(other.into()),
    }
}

fn version(form: &CustodyFormFields) -> i64 {
    form.version.trim().parse().unwrap_or(0)
}

/// `POST /custody/{id}/extend`.
pub(crate) async fn extend(
    State(state): State<AppState>,
    access: CustodyAccess,
    CsrfForm { user, form }: CsrfForm<CustodyFormFields>,
) -> Result<Response, AppError> {
    let tz = tz_of(&state, &access.custody.jurisdiction);
    let mut e = ValidationErrors::default();
    let at = local_moment(&mut e, "cxt_AuthorisedAt", &form.authorised_at, tz);
    let hours = form.hours.trim().parse::<u32>();
    if hours.is_err() {
        e.push("cxt_Hours", "integer", "write a whole number of hours");
    }
    let r = match (at, hours) {
        (Some(authorised_at), Ok(hours)) => {
            let ext = ExtensionForm {
                hours,
                authorised_by: form.authorised_by.clone(),
                reference: form.reference.clone(),
                authorised_at,
            };
            state
                .store
                .extend_custody(&user.actor(), access.custody.id, version(&form), &ext)
                .await
        }
        _ => Err(StoreError::Invalid(e)),
    };
    after(&state, &user, &access, form, r).await
}

/// `POST /custody/{id}/end`.
pub(crate) async fn end(
    State(state): State<AppState>,
    access: CustodyAccess,
    CsrfForm { user, form }: CsrfForm<CustodyFormFields>,
) -> Result<Response, AppError> {
    let tz = tz_of(&state, &access.custody.jurisdiction);
    let mut e = ValidationErrors::default();
    let at = local_moment(&mut e, "cus_EndedAt", &form.ended_at, tz);
    let how = CustodyEnd::parse(&form.how).ok();
    if how.is_none() {
        e.push("cus_End", "required", "choose release or transfer");
    }
    let r = match (at, how) {
        (Some(at), Some(how)) => {
            state
                .store
                .end_custody(
                    &user.actor(),
                    access.custody.id,
                    version(&form),
                    how,
                    at,
                    &form.transferred_to,
                )
                .await
        }
        _ => Err(StoreError::Invalid(e)),
    };
    after(&state, &user, &access, form, r).await
}

/// `POST /custody/{id}/rights`.
pub(crate) async fn right(
    State(state): State<AppState>,
    access: CustodyAccess,
    CsrfForm { user, form }: CsrfForm<CustodyFormFields>,
) -> Result<Response, AppError> {
    let tz = tz_of(&state, &access.custody.jurisdiction);
    let mut e = ValidationErrors::default();
    let at = local_moment(&mut e, "crt_At", &form.at, tz);
    let right = Right::parse(&form.right).ok();
    let status = RightStatus::parse(&form.status).ok();
    if right.is_none() {
        e.push("crt_Right", "required", "choose the right");
    }
    if status.is_none() {
        e.push("crt_Status", "required", "say what was done");
    }
    let r = match (at, right, status) {
        (Some(at), Some(right), Some(status)) => {
            let f = RightForm {
                right,
                status,
                at,
                language: form.language.clone(),
                note: form.note.clone(),
            };
            state
                .store
                .record_custody_right(&user.actor(), access.custody.id, &f)
                .await
        }
        _ => Err(StoreError::Invalid(e)),
    };
    after(&state, &user, &access, form, r).await
}

/// `POST /custody/{id}/legal-aid`: give the record to a legal-aid organisation (or none).
pub(crate) async fn legal_aid(
    State(state): State<AppState>,
    access: CustodyAccess,
    CsrfForm { user, form }: CsrfForm<CustodyFormFields>,
) -> Result<Response, AppError> {
    // "none" takes the record back; an empty choice is a mistake, not a withdrawal.
    let chosen = form.organisation.trim();
    let r = match chosen {
        "" => {
            let mut e = ValidationErrors::default();
            e.push("cus_LegalAid", "required", "choose an organisation");
            Err(StoreError::Invalid(e))
        }
        "none" => {
            state
                .store
                .set_custody_legal_aid(&user.actor(), access.custody.id, version(&form), None)
                .await
        }
        id => match id.parse().map(OrganisationId) {
            Ok(org) => {
                state
                    .store
                    .set_custody_legal_aid(
                        &user.actor(),
                        access.custody.id,
                        version(&form),
                        Some(org),
                    )
                    .await
            }
            Err(_) => {
                let mut e = ValidationErrors::default();
                e.push(
                    "cus_LegalAid",
                    "unknown",
                    "choose an organisation of the list",
                );
                Err(StoreError::Invalid(e))
            }
        },
    };
    after(&state, &user, &access, form, r).await
}

struct ListLine {
    id: String,
    case_ref: String,
    deadline: String,
    clock: String,
    overdue: bool,
    place: String,
}

#[derive(askama::Template)]
#[template(path = "custody_list.html")]
struct ListPage {
    chrome: Chrome,
    legal_aid: bool,
    lines: Vec<ListLine>,
}

/// `GET /custody`: everyone in custody of the user's agency, the soonest deadline first (so
/// the overdue lead), for its investigators, officers and supervisors; a legal-aid
/// organisation's clients for legal aid; anyone else the 404 of a missing page.
pub(crate) async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let org = user.user.organisation_id;
    let legal_aid = user.user.role == Role::LegalAid;
    let listed = match user.user.role {
        Role::Supervisor | Role::Investigator | Role::Officer => {
            state.store.running_custodies(Some(org), 500).await?
        }
        Role::LegalAid => state.store.legal_aid_custodies(org, 500).await?,
        _ => return Err(AppError::NotFound(lang)),
    };
    let now = Utc::now();
    let lines = listed
        .iter()
        .map(|l| {
            let tz = tz_of(&state, &l.custody.jurisdiction);
            let (clock, overdue) = clock_words(lang, &l.custody, now);
            ListLine {
                id: l.custody.id.to_string(),
                case_ref: case_reference(l.case_number),
                deadline: local(l.custody.deadline(), tz),
                clock,
                overdue,
                place: l.custody.place.clone(),
            }
        })
        .collect();
    Ok(render(&ListPage {
        chrome: user.chrome("/custody"),
        legal_aid,
        lines,
    }))
}
