//! Organisations (agencies) and their offices: the list, the form that creates or changes
//! one (based on the version it was read at), and the form that adds an office.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tabara_core::htcds::OrgType;
use tabara_core::ids::{OfficeId, OrganisationId};
use tabara_core::records::{Office, OfficeKind, Organisation, OrganisationForm};
use tabara_core::validation::ValidationErrors;
use tabara_core::{Country, Picklist};
use tabara_store::StoreError;

use super::ADMIN_PAGE;
use crate::access::{CsrfForm, CurrentUser, OrganisationAccess};
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, FormErrors, choices, render};

struct OrganisationRow {
    id: OrganisationId,
    name: String,
    org_type: &'static str,
    city: String,
    offices: usize,
}

#[derive(askama::Template)]
#[template(path = "admin_organisations.html")]
struct OrganisationsPage {
    chrome: Chrome,
    organisations: Vec<OrganisationRow>,
    previous_link: Option<String>,
    next_link: Option<String>,
}

/// Which page of the organisation list.
#[derive(Debug, Default, Deserialize)]
pub(super) struct PageQuery {
    page: Option<usize>,
}

/// `GET /admin/organisations`: organisations by name, with their number of offices.
pub(super) async fn organisations(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let directory = state.directory().await?;
    let mut all: Vec<&Organisation> = directory.organisations.iter().collect();
    all.sort_by_key(|a| a.name.to_lowercase());
    let page = q.page.unwrap_or(0);
    let per = ADMIN_PAGE as usize;
    let rows = all
        .iter()
        .skip(page * per)
        .take(per)
        .map(|o| OrganisationRow {
            id: o.id,
            name: o.name.clone(),
            org_type: o.org_type.label(user.lang),
            city: o.city.clone().unwrap_or_default(),
            offices: directory
                .offices
                .iter()
                .filter(|f| f.organisation_id == o.id)
                .count(),
        })
        .collect();
    Ok(render(&OrganisationsPage {
        chrome: user.chrome("/admin/organisations"),
        organisations: rows,
        previous_link: (page > 0).then(|| format!("/admin/organisations?page={}", page - 1)),
        next_link: ((page + 1) * per < all.len())
            .then(|| format!("/admin/organisations?page={}", page + 1)),
    }))
}

/// The organisation form as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct OrgForm {
    version: String,
    name: String,
    org_type: String,
    street: String,
    city: String,
    province: String,
    country: String,
    phone: String,
}

impl OrgForm {
    fn of(o: &Organisation) -> OrgForm {
        OrgForm {
            version: o.version.to_string(),
            name: o.name.clone(),
            org_type: o.org_type.as_str().to_string(),
            street: o.street.clone().unwrap_or_default(),
            city: o.city.clone().unwrap_or_default(),
            province: o.province.clone().unwrap_or_default(),
            country: o.country.map(|c| c.code().to_string()).unwrap_or_default(),
            phone: o.phone.clone().unwrap_or_default(),
        }
    }

    fn core(&self) -> OrganisationForm {
        OrganisationForm {
            name: self.name.clone(),
            org_type: self.org_type.clone(),
            street: self.street.clone(),
            city: self.city.clone(),
            province: self.province.clone(),
            country: self.country.clone(),
            phone: self.phone.clone(),
        }
    }
}

/// The office form as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct OfficeForm {
    name: String,
    kind: String,
    province: String,
    border_country: String,
}

struct OfficeRow {
    name: String,
    kind: &'static str,
    province: String,
    border_country: String,
}

#[derive(askama::Template)]
#[template(path = "admin_organisation.html")]
struct OrganisationPage {
    chrome: Chrome,
    /// `None` for a new organisation.
    id: Option<OrganisationId>,
    form: OrgForm,
    errors: FormErrors,
    org_types: Vec<(&'static str, &'static str)>,
    offices: Vec<OfficeRow>,
    office_form: OfficeForm,
    office_errors: FormErrors,
    office_kinds: Vec<(&'static str, &'static str)>,
}

struct OrgPageState {
    form: OrgForm,
    errors: FormErrors,
    office_form: OfficeForm,
    office_errors: FormErrors,
}

async fn organisation_page(
    state: &AppState,
    user: &CurrentUser,
    id: Option<OrganisationId>,
    s: OrgPageState,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let offices = match id {
        Some(id) => state
            .directory()
            .await?
            .offices
            .iter()
            .filter(|o| o.organisation_id == id)
            .map(|o| OfficeRow {
                name: o.name.clone(),
                kind: o.kind.label(lang),
                province: o.province.clone(),
                border_country: o
                    .border_country
                    .map(|c| c.name().to_string())
                    .unwrap_or_default(),
            })
            .collect(),
        None => Vec::new(),
    };
    let status = if s.errors.any() || s.office_errors.any() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    let path = match id {
        Some(id) => format!("/admin/organisations/{id}"),
        None => "/admin/organisations/new".into(),
    };
    let page = OrganisationPage {
        chrome: user.chrome(&path),
        id,
        form: s.form,
        errors: s.errors,
        org_types: choices(OrgType::ALL, lang),
        offices,
        office_form: s.office_form,
        office_errors: s.office_errors,
        office_kinds: choices(OfficeKind::ALL, lang),
    };
    Ok((status, render(&page)).into_response())
}

fn fresh(form: OrgForm, errors: FormErrors) -> OrgPageState {
    OrgPageState {
        form,
        errors,
        office_form: OfficeForm::default(),
        office_errors: FormErrors::none(),
    }
}

/// `GET /admin/organisations/new`.
pub(super) async fn new_organisation_page(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    let form = OrgForm {
        country: "BI".into(),
        ..Default::default()
    };
    organisation_page(&state, &user, None, fresh(form, FormErrors::none())).await
}

/// `POST /admin/organisations/new`.
pub(super) async fn create_organisation(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<OrgForm>,
) -> Result<Response, AppError> {
    let mut org = match form.core().validate() {
        Ok(o) => o,
        Err(e) => {
            let errors = FormErrors::new(user.lang, e);
            return organisation_page(&state, &user, None, fresh(form, errors)).await;
        }
    };
    org.id = OrganisationId::new();
    org.version = 1;
    state.store.create_organisation(&user.actor(), &org).await?;
    state.forget_directory().await;
    Ok(Redirect::to(&format!("/admin/organisations/{}", org.id)).into_response())
}

/// `GET /admin/organisations/{id}`.
pub(super) async fn organisation_detail(
    State(state): State<AppState>,
    user: CurrentUser,
    access: OrganisationAccess,
) -> Result<Response, AppError> {
    let org = access.organisation;
    let form = OrgForm::of(&org);
    organisation_page(&state, &user, Some(org.id), fresh(form, FormErrors::none())).await
}

/// `POST /admin/organisations/{id}`: save changes, based on the version the form was read at.
pub(super) async fn update_organisation(
    State(state): State<AppState>,
    access: OrganisationAccess,
    CsrfForm { user, form }: CsrfForm<OrgForm>,
) -> Result<Response, AppError> {
    let current = access.organisation;
    let lang = user.lang;
    let mut org = match form.core().validate() {
        Ok(o) => o,
        Err(e) => {
            let errors = FormErrors::new(lang, e);
            return organisation_page(&state, &user, Some(current.id), fresh(form, errors)).await;
        }
    };
    org.id = current.id;
    org.version = form.version.trim().parse().unwrap_or(0);
    match state.store.update_organisation(&user.actor(), &org).await {
        Ok(_) => {
            state.forget_directory().await;
            Ok(Redirect::to(&format!("/admin/organisations/{}", current.id)).into_response())
        }
        Err(StoreError::Conflict { actual, .. }) => {
            let mut errors = FormErrors::new(lang, ValidationErrors::default());
            errors.banner = Some(tabara_i18n::t!(lang, "edit-conflict-person"));
            let form = OrgForm {
                version: actual.to_string(),
                ..form
            };
            organisation_page(&state, &user, Some(current.id), fresh(form, errors)).await
        }
        Err(StoreError::Invalid(v)) => {
            let errors = FormErrors::new(lang, v);
            organisation_page(&state, &user, Some(current.id), fresh(form, errors)).await
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST /admin/organisations/{id}/offices`: add an office to the organisation.
pub(super) async fn add_office(
    State(state): State<AppState>,
    access: OrganisationAccess,
    CsrfForm {
        user,
        form: office_form,
    }: CsrfForm<OfficeForm>,
) -> Result<Response, AppError> {
    let org = access.organisation;
    let mut e = ValidationErrors::default();
    let name = office_form.name.trim().to_string();
    tabara_core::validation::check_characters(&mut e, "off_Name", &name, false);
    tabara_core::validation::check_characters(
        &mut e,
        "off_Province",
        office_form.province.trim(),
        false,
    );
    if name.is_empty() {
        e.push("off_Name", "required", "the office needs a name");
    } else if name.chars().count() > tabara_core::records::MAX_SHORT_TEXT {
        e.push("off_Name", "max_length", "too long");
    }
    let kind = OfficeKind::parse(&office_form.kind).ok();
    if kind.is_none() {
        e.push("off_Kind", "required", "choose the kind of office");
    }
    let province = office_form.province.trim().to_string();
    if province.is_empty() {
        e.push("off_Province", "required", "the province is needed");
    } else if province.chars().count() > tabara_core::records::MAX_SHORT_TEXT {
        e.push("off_Province", "max_length", "too long");
    }
    let border = office_form.border_country.trim();
    let border_country = if border.is_empty() {
        None
    } else {
        let c = Country::parse(border);
        if c.is_none() {
            e.push("off_BorderCountry", "iso3166_alpha2", "not a country code");
        }
        c
    };
    let (Some(kind), true) = (kind, e.0.is_empty()) else {
        let s = OrgPageState {
            form: OrgForm::of(&org),
            errors: FormErrors::none(),
            office_form,
            office_errors: FormErrors::new(user.lang, e),
        };
        return organisation_page(&state, &user, Some(org.id), s).await;
    };
    let office = Office {
        id: OfficeId::new(),
        organisation_id: org.id,
        name,
        kind,
        province,
        border_country,
        version: 1,
    };
    state.store.create_office(&user.actor(), &office).await?;
    state.forget_directory().await;
    Ok(Redirect::to(&format!("/admin/organisations/{}", org.id)).into_response())
}
